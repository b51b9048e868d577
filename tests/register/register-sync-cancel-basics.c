// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_SYNC_CANCEL basics (cancel semantics are covered by the
 * cancel tests): it cancels a pending request matched by user_data or by
 * fd and returns 0 once that request has completed with -ECANCELED; no
 * match is ENOENT; unknown flags and non-zero padding are EINVAL, a bad fd
 * with IORING_ASYNC_CANCEL_FD EBADF; NULL argument and nr_args other than
 * 1 are EINVAL, a faulting argument EFAULT, a non-ring fd EOPNOTSUPP.
 */
#include <poll.h>

#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(sync_cancel) {
	struct iou_ring r;
	int pfd[2];
};

FIXTURE_VARIANT(sync_cancel) {
	bool registered_ring;
};

/* entered by the ring fd, and by its registered index */
#define IOU_ENTRY_FIXTURE sync_cancel
#include "iou_modes.h"

FIXTURE_SETUP(sync_cancel)
{
	self->pfd[0] = self->pfd[1] = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_SYNC_CANCEL);
	IOU_RING_INIT_ENTRY(&self->r, 8, variant->registered_ring);
	ASSERT_EQ(0, pipe(self->pfd));
}

FIXTURE_TEARDOWN(sync_cancel)
{
	if (self->pfd[0] >= 0) {
		close(self->pfd[0]);
		close(self->pfd[1]);
	}
	iou_ring_exit(&self->r);
}

static void cancel_reg(struct io_uring_sync_cancel_reg *c, __u64 ud)
{
	memset(c, 0, sizeof(*c));
	c->addr = ud;
	c->fd = -1;
	/* -1/-1: wait as long as it takes */
	c->timeout.tv_sec = -1;
	c->timeout.tv_nsec = -1;
}

static void arm_poll(struct __test_metadata *_metadata, struct iou_ring *r,
		     int fd, __u64 ud)
{
	iou_prep_poll_add(iou_get_sqe(r), fd, POLLIN);
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = ud;
	ASSERT_EQ(1, iou_submit(r));
	ASSERT_EQ(0, iou_cq_ready(r));
}

TEST_F(sync_cancel, cancels_pending_request_by_user_data)
{
	struct io_uring_sync_cancel_reg c;
	struct iou_cqe cqe;

	arm_poll(_metadata, &self->r, self->pfd[0], 0x1234);
	cancel_reg(&c, 0x1234);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x1234, cqe.user_data);
	ASSERT_RES(-ECANCELED, cqe.res);
	/* it is gone: a second cancel finds nothing */
	ASSERT_RES(-ENOENT, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
}

TEST_F(sync_cancel, cancels_pending_request_by_fd)
{
	struct io_uring_sync_cancel_reg c;
	struct iou_cqe cqe;

	arm_poll(_metadata, &self->r, self->pfd[0], 0x55);
	cancel_reg(&c, 0);
	c.fd = self->pfd[0];
	c.flags = IORING_ASYNC_CANCEL_FD;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x55, cqe.user_data);
	ASSERT_RES(-ECANCELED, cqe.res);
}

TEST_F(sync_cancel, no_match_is_enoent)
{
	struct io_uring_sync_cancel_reg c;

	arm_poll(_metadata, &self->r, self->pfd[0], 1);
	cancel_reg(&c, 2);
	ASSERT_RES(-ENOENT, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
	/* the other request was left alone */
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(sync_cancel, unknown_flag_is_einval)
{
	struct io_uring_sync_cancel_reg c;

	cancel_reg(&c, 1);
	c.flags = 1U << 7;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
}

TEST_F(sync_cancel, padding_set_is_einval)
{
	struct io_uring_sync_cancel_reg c;

	cancel_reg(&c, 1);
	c.pad[3] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
	cancel_reg(&c, 1);
	c.pad2[2] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
}

TEST_F(sync_cancel, bad_fd_with_cancel_fd_is_ebadf)
{
	struct io_uring_sync_cancel_reg c;

	cancel_reg(&c, 0);
	c.fd = 100000;
	c.flags = IORING_ASYNC_CANCEL_FD;
	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 1));
}

TEST_F(sync_cancel, null_argument_is_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, NULL, 1));
}

TEST_F(sync_cancel, faulting_argument_is_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL,
					 iou_fault_ptr(), 1));
}

TEST_F(sync_cancel, nr_args_other_than_one_is_einval)
{
	struct io_uring_sync_cancel_reg c;

	arm_poll(_metadata, &self->r, self->pfd[0], 9);
	cancel_reg(&c, 9);
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &c, 2));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(sync_cancel, non_ring_fd_is_eopnotsupp)
{
	struct io_uring_sync_cancel_reg c;

	cancel_reg(&c, 9);
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(self->pfd[0],
			IORING_REGISTER_SYNC_CANCEL, &c, 1));
}

TEST_HARNESS_MAIN
