// SPDX-License-Identifier: GPL-2.0
/*
 * An SQE the kernel cannot accept is still consumed and counted by
 * io_uring_enter(2); the refusal comes back in its CQE (res = -errno,
 * flags 0, the SQE's user_data), never as the call's result:
 *  - an IOSQE_ flag bit the kernel does not know: EINVAL;
 *  - an opcode past the last one the kernel knows: EINVAL;
 *  - a personality that was never registered: EINVAL;
 *  - IOSQE_BUFFER_SELECT on an opcode that cannot select buffers:
 *    EOPNOTSUPP;
 *  - IOSQE_FIXED_FILE with no registered files: EBADF;
 *  - fields an opcode does not use but reserves: for POLL_ADD addr, off
 *    and buf_index, for FSYNC addr and buf_index: EINVAL.
 * The checks listed are those every kernel since 5.10 makes; opcode
 * specific reserved fields of other opcodes are tested with the opcode.
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"

#define UD	0x5eedf00dcafe1234ULL

FIXTURE(invalid) {
	struct iou_ring r;
	int fd;
	int p[2];
};

FIXTURE_SETUP(invalid)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->fd = iou_scratch_file("f", 4096, 0);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
}

FIXTURE_TEARDOWN(invalid)
{
	iou_ring_exit(&self->r);
	close(self->fd);
	close(self->p[0]);
	close(self->p[1]);
}

/* submit the one SQE queued; its CQE must be (res, flags 0, UD) */
#define ASSERT_SQE_FAILS(self, err) do {				\
	struct iou_cqe __c;						\
	ASSERT_EQ(1, iou_submit(&(self)->r));				\
	ASSERT_EQ(1, iou_reap(&(self)->r, &__c, 1, IOU_WAIT_MS));	\
	ASSERT_RES(-(err), __c.res);					\
	ASSERT_EQ(UD, __c.user_data);					\
	ASSERT_EQ(0, __c.flags);					\
	ASSERT_EQ(0, iou_cq_ready(&(self)->r));				\
	} while (0)

static struct io_uring_sqe *nop(struct iou_ring *r)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, UD);
	return sqe;
}

static struct io_uring_sqe *poll_add(FIXTURE_DATA(invalid) *self)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_rw(sqe, IORING_OP_POLL_ADD, self->p[0], NULL, 0, 0);
	sqe->poll32_events = POLLIN;
	sqe->user_data = UD;
	return sqe;
}

static struct io_uring_sqe *fsync_sqe(FIXTURE_DATA(invalid) *self)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_rw(sqe, IORING_OP_FSYNC, self->fd, NULL, 0, 0);
	sqe->user_data = UD;
	return sqe;
}

TEST_F(invalid, unknown_sqe_flag_is_einval)
{
	nop(&self->r)->flags = 0x80;
	ASSERT_SQE_FAILS(self, EINVAL);
	/* bit 6 is IOSQE_CQE_SKIP_SUCCESS where the kernel knows it (5.17) */
	if (!(iou_features() & IORING_FEAT_CQE_SKIP)) {
		nop(&self->r)->flags = 0x40;
		ASSERT_SQE_FAILS(self, EINVAL);
	}
	/* a valid SQE after it is unaffected */
	nop(&self->r);
	ASSERT_SQE_FAILS(self, 0);
}

TEST_F(invalid, opcode_past_the_last_is_einval)
{
	unsigned int last = iou_probe_nr_ops();

	nop(&self->r)->opcode = 255;
	ASSERT_SQE_FAILS(self, EINVAL);
	if (last && last < 255) {
		nop(&self->r)->opcode = (__u8)last;
		ASSERT_SQE_FAILS(self, EINVAL);
	}
}

TEST_F(invalid, unregistered_personality_is_einval)
{
	nop(&self->r)->personality = 0x7fff;
	ASSERT_SQE_FAILS(self, EINVAL);
	nop(&self->r)->personality = 0xffff;
	ASSERT_SQE_FAILS(self, EINVAL);
}

TEST_F(invalid, buffer_select_where_no_buffers_are_selected_is_eopnotsupp)
{
	nop(&self->r)->flags = IOSQE_BUFFER_SELECT;
	ASSERT_SQE_FAILS(self, EOPNOTSUPP);
	fsync_sqe(self)->flags = IOSQE_BUFFER_SELECT;
	ASSERT_SQE_FAILS(self, EOPNOTSUPP);
}

TEST_F(invalid, fixed_file_without_registered_files_is_ebadf)
{
	fsync_sqe(self)->flags = IOSQE_FIXED_FILE;
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].fd = 0;
	ASSERT_SQE_FAILS(self, EBADF);
}

TEST_F(invalid, poll_add_reserved_fields_are_einval)
{
	struct io_uring_sqe *sqe;

	poll_add(self)->addr = 1;
	ASSERT_SQE_FAILS(self, EINVAL);
	poll_add(self)->off = 1;
	ASSERT_SQE_FAILS(self, EINVAL);
	poll_add(self)->buf_index = 1;
	ASSERT_SQE_FAILS(self, EINVAL);
	/* the clean one polls: the pipe's write end is writable */
	sqe = poll_add(self);
	sqe->fd = self->p[1];
	sqe->poll32_events = POLLOUT;
	ASSERT_SQE_FAILS(self, -POLLOUT);
}

TEST_F(invalid, fsync_reserved_fields_are_einval)
{
	fsync_sqe(self)->addr = 1;
	ASSERT_SQE_FAILS(self, EINVAL);
	fsync_sqe(self)->buf_index = 1;
	ASSERT_SQE_FAILS(self, EINVAL);
	fsync_sqe(self);
	ASSERT_SQE_FAILS(self, 0);
}

/* failures leave nothing behind that affects the next submissions */
TEST_F(invalid, each_failure_is_one_cqe_of_its_own)
{
	struct iou_cqe c[4];

	nop(&self->r)->personality = 0x7fff;
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	nop(&self->r)->opcode = 255;
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	nop(&self->r);
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(3, iou_reap(&self->r, c, 3, IOU_WAIT_MS));
	ASSERT_RES(-EINVAL, c[0].res);
	ASSERT_RES(-EINVAL, c[1].res);
	ASSERT_RES(0, c[2].res);
	ASSERT_EQ(3, *self->r.sq_khead);
}

TEST_HARNESS_MAIN
