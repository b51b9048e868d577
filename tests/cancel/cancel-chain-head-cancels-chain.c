// SPDX-License-Identifier: GPL-2.0
/*
 * Cancelling the pending head of an IOSQE_IO_LINK chain fails the whole
 * chain: the head and every member behind it complete with -ECANCELED,
 * in chain order, and none of them runs (a linked write leaves nothing
 * in its pipe); a link timeout guarding the head is cancelled too.
 * Members behind a pending head have not been issued, so a cancel by
 * their user_data finds nothing (-ENOENT) and the chain goes on
 * unchanged.  Behind an IOSQE_IO_HARDLINK the cancelled head does not
 * stop the next member.
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
	int in[2], out[2];
	char buf[8];
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	ASSERT_EQ(0, pipe(self->in));
	ASSERT_EQ(0, pipe2(self->out, O_NONBLOCK));
}

FIXTURE_TEARDOWN(ring)
{
	close(self->in[0]);
	close(self->in[1]);
	close(self->out[0]);
	close(self->out[1]);
	iou_ring_exit(&self->r);
}

/* read 1 byte of in[] (ud 1) -> write "w" to out[] (ud 2) -> nop (ud 3) */
static void q_chain(struct iou_ring *r, int in_fd, int out_fd, char *buf,
		    unsigned char link_flag)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_read(sqe, in_fd, buf, 1, 0);
	sqe->user_data = 1;
	sqe->flags |= link_flag;
	sqe = iou_get_sqe(r);
	iou_prep_write(sqe, out_fd, "w", 1, 0);
	sqe->user_data = 2;
	sqe->flags |= IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(r), 3);
}

static void q_cancel(struct iou_ring *r, __u64 target)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_cancel(sqe, target, 0);
	sqe->user_data = 0xcc;
}

static int out_bytes(int fd)
{
	char b[8];
	ssize_t n = read(fd, b, sizeof(b));

	return n < 0 ? -errno : (int)n;
}

TEST_F(ring, cancelling_the_head_fails_every_member_in_order)
{
	struct iou_cqe cqe[4];

	q_chain(&self->r, self->in[0], self->out[1], self->buf, IOSQE_IO_LINK);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	q_cancel(&self->r, 1);
	ASSERT_EQ(4, iou_submit_reap(&self->r, cqe, 4));
	ASSERT_CQE_UD(cqe, 4, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 4, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 3, -ECANCELED, 0);
	ASSERT_LT(iou_cqe_index(cqe, 4, 1), iou_cqe_index(cqe, 4, 2));
	ASSERT_LT(iou_cqe_index(cqe, 4, 2), iou_cqe_index(cqe, 4, 3));
	/* the linked write never ran */
	ASSERT_EQ(-EAGAIN, out_bytes(self->out[0]));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, members_behind_a_pending_head_cannot_be_found)
{
	struct iou_cqe cqe[3];

	q_chain(&self->r, self->in[0], self->out[1], self->buf, IOSQE_IO_LINK);
	ASSERT_EQ(3, iou_submit(&self->r));
	for (__u64 ud = 2; ud <= 3; ud++) {
		q_cancel(&self->r, ud);
		ASSERT_EQ(1, iou_submit_reap(&self->r, cqe, 1));
		ASSERT_CQE_AT(cqe, 0, 0xcc, -ENOENT, 0);
	}
	/* the chain is intact: feed the head and it runs to the end */
	ASSERT_EQ(1, write(self->in[1], "r", 1));
	ASSERT_EQ(3, iou_reap(&self->r, cqe, 3, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, 1, 0);
	ASSERT_CQE_AT(cqe, 1, 2, 1, 0);
	ASSERT_CQE_AT(cqe, 2, 3, 0, 0);
	ASSERT_EQ(1, out_bytes(self->out[0]));
}

TEST_F(ring, cancelling_a_guarded_head_cancels_its_link_timeout)
{
	struct __kernel_timespec far = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];

	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, self->in[0], POLLIN);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, &far, 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel(&self->r, 1);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_UD(cqe, 3, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 3, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, cancelling_a_hardlinked_head_lets_the_next_run)
{
	struct iou_cqe cqe[4];

	q_chain(&self->r, self->in[0], self->out[1], self->buf, IOSQE_IO_HARDLINK);
	ASSERT_EQ(3, iou_submit(&self->r));
	q_cancel(&self->r, 1);
	ASSERT_EQ(4, iou_submit_reap(&self->r, cqe, 4));
	ASSERT_CQE_UD(cqe, 4, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 4, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 2, 1, 0);
	ASSERT_CQE_UD(cqe, 4, 3, 0, 0);
	ASSERT_LT(iou_cqe_index(cqe, 4, 1), iou_cqe_index(cqe, 4, 2));
	ASSERT_LT(iou_cqe_index(cqe, 4, 2), iou_cqe_index(cqe, 4, 3));
	ASSERT_EQ(1, out_bytes(self->out[0]));
}

/* ALL counts requests it cancelled, not the chain members they drag along */
TEST_F(ring, cancel_all_counts_heads_not_their_members)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[5];

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_ALL);
	q_chain(&self->r, self->in[0], self->out[1], self->buf, IOSQE_IO_LINK);
	/* an independent poll sharing the head's user_data */
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, self->in[0], POLLIN);
	sqe->user_data = 1;
	ASSERT_EQ(4, iou_submit(&self->r));
	sqe = iou_get_sqe(&self->r);
	iou_prep_cancel(sqe, 1, IORING_ASYNC_CANCEL_ALL);
	sqe->user_data = 0xcc;
	ASSERT_EQ(5, iou_submit_reap(&self->r, cqe, 5));
	ASSERT_CQE_UD(cqe, 5, 0xcc, 2, 0);
	ASSERT_EQ(2, iou_cqe_count(cqe, 5, 1));
	for (int i = 0; i < 5; i++)
		if (cqe[i].user_data == 1)
			ASSERT_CQE_AT(cqe, i, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 5, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 5, 3, -ECANCELED, 0);
	ASSERT_EQ(-EAGAIN, out_bytes(self->out[0]));
}

TEST_HARNESS_MAIN
