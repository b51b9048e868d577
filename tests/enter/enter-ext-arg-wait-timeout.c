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
 *    it goes on until the first CQE or the timeout.
 * Each case runs on a plain ring, through a registered ring index and on
 * a DEFER_TASKRUN ring.
 *
 * Doc discrepancy: io_uring_enter.2 lists no ETIME among its errors,
 * although an EXT_ARG timeout with an empty CQ ring returns it, and says
 * GETEVENTS waits for min_complete events, while a timeout that finds
 * fewer (but some) returns 0.  The tests follow the kernel.
 *
 * Delayed CQEs come from POLL_ADD on timerfds (a TIMEOUT request would
 * end the wait by itself).  Timing tolerance: timers never fire early and
 * the clock is read before anything is armed, so lower bounds are exact;
 * upper bounds allow 2 s for a busy CPU.
 */
#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_EXT_ARG);

#define SLACK_MS	2000

FIXTURE(w) {
	struct iou_ring r;
	int tfd[4];
	unsigned int ntfd;
};

FIXTURE_VARIANT(w) {
	unsigned int flags;
	bool registered;
};

FIXTURE_VARIANT_ADD(w, plain) { .flags = 0 };
FIXTURE_VARIANT_ADD(w, registered_index) { .registered = true };
FIXTURE_VARIANT_ADD(w, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };

FIXTURE_SETUP(w)
{
	struct io_uring_params p;
	struct iou_ring_opts o = { .register_ring_fd = variant->registered };

	REQUIRE_SETUP_FLAGS(variant->flags);
	if (variant->registered)
		REQUIRE_REGISTER_OP(IORING_REGISTER_RING_FDS);
	memset(&p, 0, sizeof(p));
	p.flags = variant->flags;
	ASSERT_EQ(0, iou_ring_init_opts(&self->r, 4, &p, &o));
}

FIXTURE_TEARDOWN(w)
{
	iou_ring_exit(&self->r);
	for (unsigned int i = 0; i < self->ntfd; i++)
		close(self->tfd[i]);
}

/* submit a POLL_ADD that completes ms from now */
static int delayed(FIXTURE_DATA(w) *self, unsigned int ms, __u64 ud)
{
	int fd = iou_timerfd_ms(ms);

	if (fd < 0)
		return fd;
	self->tfd[self->ntfd++] = fd;
	iou_queue_poll(&self->r, fd, ud);
	return iou_submit(&self->r) == 1 ? 0 : -EIO;
}

/* GETEVENTS | EXT_ARG with timeout ts (NULL: none) and min_wait_usec */
static int wait_arg(struct iou_ring *r, unsigned int min_complete,
		    const struct __kernel_timespec *ts, unsigned int min_wait_usec)
{
	struct io_uring_getevents_arg a = iou_getevents_arg(ts, NULL, min_wait_usec);

	return iou_enter(r, 0, min_complete, IOU_GETEVENTS_EXT, &a, sizeof(a));
}

TEST_F(w, timeout_with_no_cqe_is_etime)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	uint64_t start = iou_now_ns();

	ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 0));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_GT(SLACK_MS, iou_ms_since(start));
}

TEST_F(w, zero_timeout_is_etime_at_once)
{
	struct __kernel_timespec ts = iou_ts_ms(0);
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, SLACK_MS, 1));
	ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 0));
	ASSERT_GT(SLACK_MS - 500, iou_ms_since(start));
}

TEST_F(w, cqe_before_the_timeout_returns_zero)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, 20, 5));
	ASSERT_RES(0, wait_arg(&self->r, 1, &ts, 0));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_GT(SLACK_MS, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(5, iou_cqe_at(&self->r, 0)->user_data);
}

TEST_F(w, timeout_short_of_min_complete_with_a_cqe_returns_zero)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	uint64_t start = iou_now_ns();

	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(0, wait_arg(&self->r, 2, &ts, 0));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_GT(SLACK_MS, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_F(w, no_timespec_means_no_timeout)
{
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, 40, 7));
	ASSERT_RES(0, wait_arg(&self->r, 1, NULL, 0));
	ASSERT_LE(40, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(7, iou_cqe_at(&self->r, 0)->user_data);
}

TEST_F(w, timeout_is_relative_to_each_call)
{
	struct __kernel_timespec ts = iou_ts_ms(25);
	uint64_t start;

	for (int i = 0; i < 3; i++) {
		start = iou_now_ns();
		ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 0));
		ASSERT_LE(25, iou_ms_since(start));
	}
}

TEST_F(w, min_wait_then_settles_for_the_cqes_there_are)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 20, 1));
	ASSERT_RES(0, wait_arg(&self->r, 2, &ts, 60000));
	ASSERT_LE(60, iou_ms_since(start));
	ASSERT_GT(SLACK_MS, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_F(w, first_cqe_after_min_wait_ends_the_wait)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 60, 1));
	ASSERT_RES(0, wait_arg(&self->r, 2, &ts, 20000));
	ASSERT_LE(60, iou_ms_since(start));
	ASSERT_GT(SLACK_MS, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_F(w, min_wait_without_any_cqe_runs_to_the_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(60);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_RES(-ETIME, wait_arg(&self->r, 1, &ts, 20000));
	ASSERT_LE(60, iou_ms_since(start));
	ASSERT_GT(SLACK_MS, iou_ms_since(start));
}

TEST_F(w, min_wait_applies_without_a_timeout)
{
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 20, 1));
	ASSERT_EQ(0, delayed(self, 60000, 2));	/* never waited for */
	ASSERT_RES(0, wait_arg(&self->r, 2, NULL, 40000));
	ASSERT_LE(40, iou_ms_since(start));
	ASSERT_GT(SLACK_MS, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_F(w, min_wait_is_not_waited_once_min_complete_is_met)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 20, 1));
	ASSERT_RES(0, wait_arg(&self->r, 1, &ts, 1000000));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_GT(800, iou_ms_since(start));
}

TEST_HARNESS_MAIN
