// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_TIMEOUT_ABS takes a deadline on the timeout's clock:
 * CLOCK_MONOTONIC by default, CLOCK_BOOTTIME with IORING_TIMEOUT_BOOTTIME,
 * CLOCK_REALTIME with IORING_TIMEOUT_REALTIME (both 5.15).  A deadline
 * in the future expires at that time with -ETIME, one in the past (or
 * zero) at once.  The clocks are told apart by their values: realtime is
 * decades ahead of monotonic and boottime, so a realtime value on a
 * monotonic or boottime timer lies far in the future, and a monotonic
 * value on a realtime timer lies far in the past.  (Monotonic and
 * boottime differ only by time spent suspended, usually nothing on a
 * test machine, so only the lower bound tells the boottime timer reads a
 * clock at least as late as boottime.)  The clock flags also select the
 * clock of relative timeouts.
 *
 * Timing tolerance: never early (elapsed >= delay - 1 ms), at most
 * IOU_TIMER_LATE_MS late; "far in the future" is asserted by no CQE
 * until the 40 ms a wrong clock would fire at are over by a quiet window
 * (IOU_QUIET_MS), then the timeout is removed.
 */
#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

/* submit one timeout; 0 or -errno of the submission */
static int submit_timeout(struct iou_ring *r, const struct __kernel_timespec *ts,
			  unsigned int flags, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, ts, 0, flags);
	sqe->user_data = ud;
	return iou_submit(r) == 1 ? 0 : -EIO;
}

/* the timeout ud fires after at least delay_ms, at most late */
#define ASSERT_EXPIRES_AFTER(r, ts, flags, ud, delay_ms) do {		\
	uint64_t __start = iou_now_ns();				\
	struct iou_cqe __c;						\
	ASSERT_EQ(0, submit_timeout((r), (ts), (flags), (ud)));		\
	ASSERT_EQ(1, iou_reap((r), &__c, 1, IOU_WAIT_MS));		\
	ASSERT_CQE_AT(&__c, 0, (ud), -ETIME, 0);			\
	ASSERT_LE((long long)(delay_ms) - 1, (long long)iou_ms_since(__start)); \
	ASSERT_GE((uint64_t)(delay_ms) + IOU_TIMER_LATE_MS,		\
		  iou_ms_since(__start));				\
	} while (0)

/* the timeout ud is still pending past 40 ms; then it is removed */
#define ASSERT_STAYS_PENDING(r, ts, flags, ud) do {			\
	struct iou_cqe __c[2];						\
	struct io_uring_sqe *__s;					\
	ASSERT_EQ(0, submit_timeout((r), (ts), (flags), (ud)));		\
	ASSERT_NO_CQE((r), 40 + IOU_QUIET_MS);				\
	__s = iou_get_sqe(r);						\
	iou_prep_timeout_remove(__s, (ud), 0);				\
	__s->user_data = 0xdead;					\
	ASSERT_EQ(2, iou_submit_reap((r), __c, 2));			\
	ASSERT_CQE_UD(__c, 2, 0xdead, 0, 0);				\
	ASSERT_CQE_UD(__c, 2, (ud), -ECANCELED, 0);			\
	} while (0)

TEST_F(ring, monotonic_deadline_expires_at_that_time)
{
	struct __kernel_timespec ts = iou_clock_deadline(CLOCK_MONOTONIC, 40);

	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_ABS, 0x10, 39);
}

TEST_F(ring, deadline_in_the_past_expires_at_once)
{
	struct __kernel_timespec ts = iou_clock_deadline(CLOCK_MONOTONIC, -1000);

	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_ABS, 0x11, 0);
}

TEST_F(ring, zero_deadline_expires_at_once)
{
	struct __kernel_timespec ts = { 0, 0 };

	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_ABS, 0x12, 0);
}

/* a realtime value is decades ahead of CLOCK_MONOTONIC */
TEST_F(ring, default_clock_is_not_realtime)
{
	struct __kernel_timespec ts = iou_clock_deadline(CLOCK_REALTIME, 40);

	ASSERT_STAYS_PENDING(&self->r, &ts, IORING_TIMEOUT_ABS, 0x13);
}

TEST_F(ring, realtime_deadline_expires_at_that_wall_time)
{
	struct __kernel_timespec ts;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_REALTIME);
	ts = iou_clock_deadline(CLOCK_REALTIME, 40);
	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_ABS | IORING_TIMEOUT_REALTIME,
			     0x20, 39);
}

/* a monotonic value a minute ahead is still decades in the wall-clock past */
TEST_F(ring, realtime_timer_reads_a_monotonic_value_as_past)
{
	struct __kernel_timespec ts;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_REALTIME);
	ts = iou_clock_deadline(CLOCK_MONOTONIC, 60000);
	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_ABS | IORING_TIMEOUT_REALTIME,
			     0x21, 0);
}

TEST_F(ring, boottime_deadline_expires_at_that_time)
{
	struct __kernel_timespec ts;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_BOOTTIME);
	ts = iou_clock_deadline(CLOCK_BOOTTIME, 40);
	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_ABS | IORING_TIMEOUT_BOOTTIME,
			     0x30, 39);
}

TEST_F(ring, boottime_timer_is_not_realtime)
{
	struct __kernel_timespec ts;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_BOOTTIME);
	ts = iou_clock_deadline(CLOCK_REALTIME, 40);
	ASSERT_STAYS_PENDING(&self->r, &ts, IORING_TIMEOUT_ABS | IORING_TIMEOUT_BOOTTIME,
			     0x31);
}

TEST_F(ring, relative_timeouts_on_each_clock_wait_their_duration)
{
	struct __kernel_timespec ts = iou_ts_ms(25);

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_BOOTTIME);
	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_REALTIME);
	ASSERT_EXPIRES_AFTER(&self->r, &ts, 0, 0x40, 25);
	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_BOOTTIME, 0x41, 25);
	ASSERT_EXPIRES_AFTER(&self->r, &ts, IORING_TIMEOUT_REALTIME, 0x42, 25);
}

TEST_F(ring, both_clock_flags_are_refused)
{
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct iou_cqe cqe;

	ASSERT_EQ(0, submit_timeout(&self->r, &ts,
				    IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME, 0x50));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x50, -EINVAL, 0);
}

TEST_HARNESS_MAIN
