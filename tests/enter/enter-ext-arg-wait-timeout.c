// SPDX-License-Identifier: GPL-2.0
/*
 * A GETEVENTS wait bounded by IORING_ENTER_EXT_ARG
 * (struct io_uring_getevents_arg):
 *  - the relative timeout ends a wait that saw no CQE with ETIME, never
 *    before it is due; a zero timeout returns ETIME at once; no timespec
 *    (ts = 0) means no timeout;
 *  - a CQE posted before the timeout ends the wait with 0;
 *  - a wait that times out with fewer CQEs than min_complete, but at
 *    least one, returns 0, not ETIME: the caller has something to reap
 *    (io_cqring_wait() returns its error only when the CQ ring is empty);
 *  - min_wait_usec (IORING_FEAT_MIN_TIMEOUT, 6.12): the wait lasts at
 *    least that long hoping for min_complete CQEs, then settles for any
 *    CQE: with one posted it returns at the end of the minimum, with none
 *    it goes on until the first CQE or the timeout.  Read in 6.12
 *    (io_uring.c) and 7.3 (wait.c), io_cqring_wait() returns before the
 *    minimum only for min_complete CQEs, a signal or an overflow that
 *    cannot be flushed: a task-work wakeup before it (DEFER_TASKRUN runs
 *    the poll completion in the waiter) re-arms the same absolute
 *    min-timer, and io_cqring_min_timer_wakeup() found with work pending
 *    wakes the waiter with cq_tail lowered to one CQE, not with a
 *    timeout.  An early return is therefore a kernel bug in every mode,
 *    and the cases stay strict: the log names the elapsed time.
 * Each case runs on a plain ring, on a DEFER_TASKRUN ring and through a
 * registered ring index (the fixture of iou_enter_wait.h).
 *
 * Doc discrepancy: io_uring_enter.2 lists no ETIME among its errors,
 * although an EXT_ARG timeout with an empty CQ ring returns it, and says
 * GETEVENTS waits for min_complete events, while a timeout that finds
 * fewer (but some) returns 0.  The tests follow the kernel.
 *
 * Delayed CQEs come from POLL_ADD on timerfds (a TIMEOUT request would
 * end the wait by itself).  Timing tolerance: timers never fire early and
 * the clock is read before anything is armed, so lower bounds are exact;
 * upper bounds allow IOU_TIMER_LATE_MS (1.5 s times the timeout scale);
 * "at once" means the completion due much later has not been waited for.
 */
#include "iou.h"
#include "iou_enter_wait.h"

IOU_REQUIRES(.features = IORING_FEAT_EXT_ARG);

/* a wait due after ms ended by then, give or take a loaded machine */
#define LATE_BOUND(ms)	((ms) + IOU_TIMER_LATE_MS)

/* submit a POLL_ADD that completes ms from now */
static int delayed(FIXTURE_DATA(wait) *self, unsigned int ms, __u64 ud)
{
	int ret = iou_wait_queue_delayed(self, ms, ud);

	if (ret)
		return ret;
	return iou_submit(&self->r) == 1 ? 0 : -EIO;
}

/* GETEVENTS | EXT_ARG with timeout ts (NULL: none) and min_wait_usec */
static int wait_arg(struct iou_ring *r, unsigned int min_complete,
		    const struct __kernel_timespec *ts, unsigned int min_wait_usec)
{
	struct io_uring_getevents_arg a = iou_getevents_arg(ts, NULL, min_wait_usec);

	return iou_enter(r, 0, min_complete, IOU_GETEVENTS_EXT, &a, sizeof(a));
}

TEST_F(wait, timeout_with_no_cqe_is_etime)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	uint64_t start = iou_now_ns();

	ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 0));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_GT(LATE_BOUND(30), iou_ms_since(start));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

/* "at once": the completion due in IOU_WAIT_MS has not been waited for */
TEST_F(wait, zero_timeout_is_etime_at_once)
{
	struct __kernel_timespec ts = iou_ts_ms(0);

	ASSERT_EQ(0, delayed(self, IOU_WAIT_MS, 1));
	ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 0));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(wait, cqe_before_the_timeout_returns_zero)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, 20, 0x1234567800000005ULL));
	ASSERT_RES(0, wait_arg(&self->r, 1, &ts, 0));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x1234567800000005ULL, POLLIN));
}

TEST_F(wait, timeout_short_of_min_complete_with_a_cqe_returns_zero)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	uint64_t start = iou_now_ns();

	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(0, wait_arg(&self->r, 2, &ts, 0));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_GT(LATE_BOUND(30), iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
}

TEST_F(wait, no_timespec_means_no_timeout)
{
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, 40, 7));
	ASSERT_RES(0, wait_arg(&self->r, 1, NULL, 0));
	ASSERT_LE(40, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(7, POLLIN));
}

TEST_F(wait, timeout_is_relative_to_each_call)
{
	struct __kernel_timespec ts = iou_ts_ms(25);
	uint64_t start;

	for (int i = 0; i < 3; i++) {
		start = iou_now_ns();
		ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 0));
		ASSERT_LE(25, iou_ms_since(start));
		ASSERT_GT(LATE_BOUND(25), iou_ms_since(start));
	}
}

/*
 * The minimum is measured from the kernel's own start of the wait, later
 * than ours: a lower bound is exact.  The elapsed time is logged so that
 * an early return shows by how much.
 */
#define ASSERT_WAITED_AT_LEAST(ms, start) do {				\
	uint64_t __el = iou_ms_since(start);				\
	if (__el < (ms))						\
		TH_LOG("the wait ended after %llu ms, before %u ms",	\
		       (unsigned long long)__el, (unsigned int)(ms));	\
	ASSERT_LE((ms), __el);						\
	} while (0)

TEST_F(wait, min_wait_then_settles_for_the_cqes_there_are)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 20, 1));
	ASSERT_RES(0, wait_arg(&self->r, 2, &ts, 60000));
	ASSERT_WAITED_AT_LEAST(60, start);
	ASSERT_GT(LATE_BOUND(60), iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, POLLIN));
}

TEST_F(wait, first_cqe_after_min_wait_ends_the_wait)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 60, 1));
	ASSERT_RES(0, wait_arg(&self->r, 2, &ts, 20000));
	ASSERT_WAITED_AT_LEAST(60, start);
	ASSERT_GT(LATE_BOUND(60), iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, POLLIN));
}

TEST_F(wait, min_wait_without_any_cqe_runs_to_the_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(60);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 20000));
	ASSERT_WAITED_AT_LEAST(60, start);
	ASSERT_GT(LATE_BOUND(60), iou_ms_since(start));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(wait, min_wait_applies_without_a_timeout)
{
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 20, 1));
	ASSERT_EQ(0, delayed(self, IOU_WAIT_MS, 2));	/* never waited for */
	ASSERT_RES(0, wait_arg(&self->r, 2, NULL, 40000));
	ASSERT_WAITED_AT_LEAST(40, start);
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, POLLIN));
}

/* a minimum of 1 s is not waited for: the CQE due at 20 ms ends the wait */
TEST_F(wait, min_wait_is_not_waited_once_min_complete_is_met)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 20, 1));
	ASSERT_RES(0, wait_arg(&self->r, 1, &ts, iou_scaled_ms(1000) * 1000));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_GT(iou_scaled_ms(1000), iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, POLLIN));
}

TEST_HARNESS_MAIN
