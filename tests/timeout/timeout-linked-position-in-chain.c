// SPDX-License-Identifier: GPL-2.0
/*
 * Where an IORING_OP_LINK_TIMEOUT may stand and what it bounds: it
 * applies to the one request right before it in an IOSQE_IO_LINK chain,
 * at the head or in the middle, and its timer starts only when that
 * request is issued, so a timeout after the second member does not run
 * while the head blocks.  With nothing linked before it (first SQE, an
 * unlinked predecessor, a predecessor submitted in an earlier
 * io_uring_enter, or another link timeout) it is refused with -EINVAL,
 * which also fails whatever it was chained with.  The CQEs of the chain's
 * members come in chain order.
 *
 * The CQE of a link timeout that is disarmed or failed along with its
 * chain is not ordered against the members after it: the kernel posts
 * it from task_work (io_disarm_next() -> io_req_queue_tw_complete()),
 * queued next to the task_work that issues the next member, and 6.1
 * runs that list newest first, so there the next member's CQE comes
 * before the timeout's (1, 3, 2), while 5.10 and 6.12+ post 1, 2, 3.
 * Such a timeout's CQE is checked by user_data.
 */
#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
	int fds[2];
	char buf[16];
	struct __kernel_timespec ts, far;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	ASSERT_EQ(0, pipe(self->fds));
	self->ts = iou_ts_ms(30);
	self->far = iou_ts_ms(10000);
}

FIXTURE_TEARDOWN(ring)
{
	close(self->fds[0]);
	close(self->fds[1]);
	iou_ring_exit(&self->r);
}

static void q_nop(struct iou_ring *r, __u64 ud, bool linked)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, ud);
	if (linked)
		sqe->flags |= IOSQE_IO_LINK;
}

static void q_read(struct iou_ring *r, int fd, char *buf, __u64 ud, bool linked)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	/* one byte: a short read would itself break the chain */
	iou_prep_read(sqe, fd, buf, 1, 0);
	sqe->user_data = ud;
	if (linked)
		sqe->flags |= IOSQE_IO_LINK;
}

static void q_lt(struct iou_ring *r, const struct __kernel_timespec *ts,
		 __u64 ud, bool linked)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_link_timeout(sqe, ts, 0);
	sqe->user_data = ud;
	if (linked)
		sqe->flags |= IOSQE_IO_LINK;
}

TEST_F(ring, first_sqe_is_einval)
{
	struct iou_cqe cqe;

	q_lt(&self->r, &self->ts, 1, false);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 1, -EINVAL, 0);
}

TEST_F(ring, after_an_unlinked_request_is_einval)
{
	struct iou_cqe cqe[2];

	q_nop(&self->r, 1, false);
	q_lt(&self->r, &self->ts, 2, false);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 1, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -EINVAL, 0);
}

/* the batch end terminated the chain: the timeout starts a new one */
TEST_F(ring, in_a_later_submission_than_its_target_is_einval)
{
	struct iou_cqe cqe[2];

	q_nop(&self->r, 1, true);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_lt(&self->r, &self->ts, 2, false);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_UD(cqe, 2, 1, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -EINVAL, 0);
}

TEST_F(ring, as_chain_head_fails_the_chain)
{
	struct iou_cqe cqe[2];

	q_lt(&self->r, &self->ts, 1, true);
	q_nop(&self->r, 2, false);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 1, -EINVAL, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
}

TEST_F(ring, second_timeout_in_a_row_is_einval_and_fails_the_chain)
{
	struct iou_cqe cqe[3];

	q_read(&self->r, self->fds[0], self->buf, 1, true);
	q_lt(&self->r, &self->far, 2, true);
	q_lt(&self->r, &self->far, 3, false);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_AT(cqe, 0, 1, -ECANCELED, 0);
	/* the two timeouts' CQEs are not ordered against each other */
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 3, -EINVAL, 0);
}

/* head -> timeout -> next: expiry cancels the head, and so the rest */
TEST_F(ring, on_the_head_expiry_fails_the_rest_of_the_chain)
{
	struct iou_cqe cqe[3];
	uint64_t start = iou_now_ns();

	q_read(&self->r, self->fds[0], self->buf, 1, true);
	q_lt(&self->r, &self->ts, 2, true);
	q_nop(&self->r, 3, false);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_UD(cqe, 3, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 2, -ETIME, 0);
	ASSERT_CQE_UD(cqe, 3, 3, -ECANCELED, 0);
	ASSERT_LT(iou_cqe_index(cqe, 3, 1), iou_cqe_index(cqe, 3, 3));
	ASSERT_LE(29, iou_ms_since(start));
}

/* head -> timeout -> next: a head completing in time lets the chain go on */
TEST_F(ring, on_the_head_in_time_the_chain_continues)
{
	struct iou_cqe cqe[3];

	q_nop(&self->r, 1, true);
	q_lt(&self->r, &self->far, 2, true);
	q_nop(&self->r, 3, false);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_AT(cqe, 0, 1, 0, 0);
	/* the disarmed timeout's CQE is not ordered against the next member */
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 3, 0, 0);
}

/* nop -> read -> timeout: the timeout bounds the middle member */
TEST_F(ring, in_the_middle_bounds_its_predecessor)
{
	struct iou_cqe cqe[3];
	uint64_t start = iou_now_ns();

	q_nop(&self->r, 1, true);
	q_read(&self->r, self->fds[0], self->buf, 2, true);
	q_lt(&self->r, &self->ts, 3, false);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_AT(cqe, 0, 1, 0, 0);
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 3, -ETIME, 0);
	ASSERT_LE(29, iou_ms_since(start));
}

/*
 * read -> nop -> timeout: the timer is armed when the nop is issued,
 * which waits for the read; so nothing expires while the head blocks.
 */
TEST_F(ring, in_the_middle_is_not_armed_while_the_head_blocks)
{
	struct iou_cqe cqe[3];

	q_read(&self->r, self->fds[0], self->buf, 1, true);
	q_nop(&self->r, 2, true);
	q_lt(&self->r, &self->ts, 3, false);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, 30 + IOU_QUIET_MS);	/* past its 30 ms */
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(3, iou_reap(&self->r, cqe, 3, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, 1, 0);
	ASSERT_CQE_AT(cqe, 1, 2, 0, 0);
	ASSERT_CQE_AT(cqe, 2, 3, -ECANCELED, 0);
}

/* cancelling the blocked head fails the members and the unarmed timer */
TEST_F(ring, unarmed_timeout_is_cancelled_with_its_chain)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[4];

	q_read(&self->r, self->fds[0], self->buf, 1, true);
	q_nop(&self->r, 2, true);
	q_lt(&self->r, &self->ts, 3, false);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_cancel(sqe, 1, 0);
	sqe->user_data = 4;
	ASSERT_EQ(4, iou_submit_reap(&self->r, cqe, 4));
	ASSERT_CQE_UD(cqe, 4, 4, 0, 0);
	ASSERT_CQE_UD(cqe, 4, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 3, -ECANCELED, 0);
	ASSERT_LT(iou_cqe_index(cqe, 4, 1), iou_cqe_index(cqe, 4, 2));
	ASSERT_LT(iou_cqe_index(cqe, 4, 2), iou_cqe_index(cqe, 4, 3));
}

TEST_HARNESS_MAIN
