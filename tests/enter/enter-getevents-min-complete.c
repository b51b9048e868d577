// SPDX-License-Identifier: GPL-2.0
/*
 * to_submit and min_complete of io_uring_enter(2):
 *  - IORING_ENTER_GETEVENTS waits until min_complete CQEs are in the CQ
 *    ring; 0 returns at once; more than the ring holds is capped at the
 *    CQ size (a full ring ends the wait); without GETEVENTS min_complete
 *    is ignored;
 *  - an IORING_OP_TIMEOUT that expires ends the wait early, with fewer
 *    than min_complete CQEs (its own CQE among them);
 *  - the call returns how many SQEs it submitted, never a CQE count:
 *    asking for more than is queued submits what is there and then skips
 *    the wait; asking for fewer leaves the rest in the SQ; 0 consumes
 *    nothing; once something was submitted an error of the wait (ETIME)
 *    is not reported.
 * Each case runs on a plain ring, on a DEFER_TASKRUN ring, whose
 * completions are only posted by the waiting task, and through a
 * registered ring index (IORING_ENTER_REGISTERED_RING): the fixture of
 * iou_enter_wait.h.
 *
 * Delayed completions come from POLL_ADD on timerfds, which, unlike
 * TIMEOUT requests, do not end a wait by themselves.  Timing tolerance:
 * timers never fire early, so lower bounds are exact (the clock is read
 * before the timer is armed); "at once" means the delayed completion due
 * in 1 s (times the timeout scale) has not been waited for: it is not in
 * the CQ ring when the call returns.
 */
#include "iou.h"
#include "iou_enter_wait.h"

IOU_REQUIRES(.features = IORING_FEAT_EXT_ARG);

/* a completion that must not be waited for */
#define LONG_MS		iou_scaled_ms(1000)

#define delayed(self, ms, ud)	iou_wait_queue_delayed((self), (ms), (ud))

static void queue_nops(struct iou_ring *r, unsigned int n, __u64 first)
{
	for (unsigned int i = 0; i < n; i++)
		iou_prep_nop(iou_get_sqe(r), first + i);
}

TEST_F(wait, min_complete_zero_returns_at_once)
{
	ASSERT_EQ(0, delayed(self, LONG_MS, 1));
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(wait, min_complete_is_ignored_without_getevents)
{
	ASSERT_EQ(0, delayed(self, LONG_MS, 1));
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 1, 8, 0, NULL, 0));
	ASSERT_RES(0, iou_enter(&self->r, 0, 8, 0, NULL, 0));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(wait, waits_until_min_complete_cqes_are_posted)
{
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, 20, 1));
	ASSERT_EQ(0, delayed(self, 60, 2));
	ASSERT_EQ(0, delayed(self, 30000, 3));	/* never waited for */
	ASSERT_RES(3, iou_submit(&self->r));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, 2, 0, IOU_WAIT_MS));
	ASSERT_LE(60, iou_ms_since(start));
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, POLLIN), IOU_CQE(2, POLLIN));
}

TEST_F(wait, cqes_already_posted_count_towards_min_complete)
{

	queue_nops(&self->r, 3, 10);
	ASSERT_RES(3, iou_submit(&self->r));
	ASSERT_EQ(0, delayed(self, LONG_MS, 1));
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, 3, 0, IOU_WAIT_MS));
	ASSERT_EQ(3, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(10, 0), IOU_CQE(11, 0), IOU_CQE(12, 0));
}

/* 1000 is more than the 8-entry CQ can ever hold: a full ring is enough */
TEST_F(wait, min_complete_above_cq_size_is_capped)
{
	uint64_t start;

	queue_nops(&self->r, 4, 0);
	ASSERT_RES(4, iou_submit(&self->r));
	queue_nops(&self->r, 4, 4);
	ASSERT_RES(4, iou_submit(&self->r));
	ASSERT_EQ(8, iou_cq_ready(&self->r));
	start = iou_now_ns();
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, 1000, 0, 4 * LONG_MS));
	ASSERT_GT(2 * LONG_MS, iou_ms_since(start));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, ~0U, 0, 4 * LONG_MS));
	ASSERT_GT(2 * LONG_MS, iou_ms_since(start));
}

/* io_should_wake(): any expired TIMEOUT request ends the wait */
TEST_F(wait, expiring_timeout_request_ends_the_wait_early)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	uint64_t start = iou_now_ns();
	struct io_uring_sqe *sqe;

	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0x77;
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, 4, 0, 4 * LONG_MS));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_GT(2 * LONG_MS, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x77, -ETIME));
}

TEST_F(wait, returns_submitted_count_not_completions)
{
	queue_nops(&self->r, 3, 0);
	iou_sq_flush(&self->r);
	ASSERT_RES(3, iou_enter(&self->r, 3, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(3, iou_cq_ready(&self->r));
	ASSERT_EQ(0, delayed(self, 20, 9));
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 1, 4, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(4, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0, 0), IOU_CQE(1, 0), IOU_CQE(2, 0),
			IOU_CQE(9, POLLIN));
}

/* to_submit beyond what is queued: a short submission never waits */
TEST_F(wait, to_submit_above_queued_submits_what_is_there_and_skips_the_wait)
{
	ASSERT_EQ(0, delayed(self, LONG_MS, 1));
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 4, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, *self->r.sq_khead);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(wait, to_submit_below_queued_leaves_the_rest_queued)
{
	queue_nops(&self->r, 3, 20);
	iou_sq_flush(&self->r);
	ASSERT_RES(2, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	ASSERT_EQ(2, *self->r.sq_khead);
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(3, *self->r.sq_khead);
	ASSERT_EQ(3, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(20, 0), IOU_CQE(21, 0), IOU_CQE(22, 0));
}

TEST_F(wait, to_submit_zero_consumes_nothing)
{
	queue_nops(&self->r, 2, 0);
	iou_sq_flush(&self->r);
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, 0, NULL, 0));
	ASSERT_EQ(0, *self->r.sq_khead);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(wait, wait_timeout_after_submission_returns_the_count)
{
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, LONG_MS, 1));
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_wait_ext_ms(&self->r, 1, 1, 0, 20));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_HARNESS_MAIN
