// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_CLOCK picks the clock of the ring's waits: CLOCK_MONOTONIC
 * and CLOCK_BOOTTIME are accepted, any other clock (CLOCK_REALTIME,
 * CLOCK_MONOTONIC_RAW) is EINVAL, as are non-zero reserved words and
 * nr_args other than 0; NULL is EINVAL, a faulting pointer EFAULT.  An
 * absolute wait (IORING_ENTER_ABS_TIMER) ends with ETIME at the deadline
 * read on the registered clock: a deadline 50 ms ahead takes about that
 * long, a past deadline returns at once; when BOOTTIME and MONOTONIC
 * differ (the machine has been suspended) a MONOTONIC-based deadline on a
 * BOOTTIME ring is already past.
 */
#include <time.h>

#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(clock) {
	struct iou_ring r;
};

FIXTURE_VARIANT(clock) {
	bool registered_ring;
};

/* entered by the ring fd, and by its registered index */
#define IOU_ENTRY_FIXTURE clock
#include "iou_modes.h"

FIXTURE_SETUP(clock)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_CLOCK);
	IOU_RING_INIT_ENTRY(&self->r, 4, variant->registered_ring);
}

FIXTURE_TEARDOWN(clock)
{
	iou_ring_exit(&self->r);
}

static int set_clock(struct iou_ring *r, unsigned int id)
{
	struct io_uring_clock_register c = { .clockid = id };

	return iou_register(r, IORING_REGISTER_CLOCK, &c, 0);
}

static long long now_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Wait for one CQE (none will come) until delta ns from now on clock id,
 * as an absolute deadline; ms taken.  Our clock is read before the
 * deadline is computed, so a wait that honours it takes at least delta.
 */
static long long abs_wait(struct __test_metadata *_metadata, struct iou_ring *r,
			  clockid_t id, long long delta)
{
	uint64_t start = iou_now_ns();
	long long at = now_ns(id) + delta;
	struct __kernel_timespec ts = { .tv_sec = at / 1000000000LL,
					.tv_nsec = at % 1000000000LL };
	struct io_uring_getevents_arg arg = { .ts = (__u64)(uintptr_t)&ts };

	EXPECT_RES(-ETIME, iou_enter(r, 0, 1, IORING_ENTER_GETEVENTS |
				     IORING_ENTER_EXT_ARG | IORING_ENTER_ABS_TIMER,
				     &arg, sizeof(arg)));
	return (long long)iou_ms_since(start);
}

TEST_F(clock, monotonic_and_boottime_are_accepted)
{
	ASSERT_RES(0, set_clock(&self->r, CLOCK_MONOTONIC));
	ASSERT_RES(0, set_clock(&self->r, CLOCK_BOOTTIME));
	ASSERT_RES(0, set_clock(&self->r, CLOCK_MONOTONIC));
}

TEST_F(clock, realtime_is_einval)
{
	ASSERT_RES(-EINVAL, set_clock(&self->r, CLOCK_REALTIME));
}

TEST_F(clock, monotonic_raw_is_einval)
{
	ASSERT_RES(-EINVAL, set_clock(&self->r, CLOCK_MONOTONIC_RAW));
}

TEST_F(clock, reserved_word_set_is_einval)
{
	struct io_uring_clock_register c = { .clockid = CLOCK_MONOTONIC };

	c.__resv[2] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_CLOCK, &c, 0));
}

TEST_F(clock, nr_args_not_zero_is_einval)
{
	struct io_uring_clock_register c = { .clockid = CLOCK_MONOTONIC };

	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_CLOCK, &c, 1));
}

TEST_F(clock, null_is_einval_and_faulting_pointer_efault)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_CLOCK, NULL, 0));
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_CLOCK,
					 iou_fault_ptr(), 0));
}

TEST_F(clock, non_ring_fd_is_eopnotsupp)
{
	struct io_uring_clock_register c = { .clockid = CLOCK_MONOTONIC };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(fd, IORING_REGISTER_CLOCK, &c, 0));
	close(fd);
}

/*
 * Timing tolerance: the wait must not end before the deadline (exact: the
 * start is read before the deadline is computed) and must end within
 * IOU_TIMER_LATE_MS after it.
 */
TEST_F(clock, absolute_deadline_on_monotonic)
{
	long long ms;

	ASSERT_RES(0, set_clock(&self->r, CLOCK_MONOTONIC));
	ms = abs_wait(_metadata, &self->r, CLOCK_MONOTONIC, 50000000LL);
	ASSERT_LE(50, ms);
	ASSERT_GT(50 + IOU_TIMER_LATE_MS, ms);
}

TEST_F(clock, absolute_deadline_on_boottime)
{
	long long ms;

	ASSERT_RES(0, set_clock(&self->r, CLOCK_BOOTTIME));
	ms = abs_wait(_metadata, &self->r, CLOCK_BOOTTIME, 50000000LL);
	ASSERT_LE(50, ms);
	ASSERT_GT(50 + IOU_TIMER_LATE_MS, ms);
}

TEST_F(clock, past_deadline_returns_at_once)
{
	ASSERT_RES(0, set_clock(&self->r, CLOCK_BOOTTIME));
	ASSERT_GT(IOU_TIMER_LATE_MS, abs_wait(_metadata, &self->r, CLOCK_BOOTTIME,
					      -1000000000LL));
}

TEST_F(clock, deadline_is_read_on_the_registered_clock)
{
	long long off = now_ns(CLOCK_BOOTTIME) - now_ns(CLOCK_MONOTONIC);

	if (off < 10000000000LL)
		SKIP(return, "CLOCK_BOOTTIME is within 10 s of CLOCK_MONOTONIC (no suspend since boot): the clocks cannot be told apart");
	/*
	 * Half the offset (at least 5 s) ahead on MONOTONIC is long past on
	 * BOOTTIME: read on the wrong clock it would take at least that.
	 */
	ASSERT_RES(0, set_clock(&self->r, CLOCK_BOOTTIME));
	ASSERT_GT(off / 2 / 1000000 / 2,
		  abs_wait(_metadata, &self->r, CLOCK_BOOTTIME,
			   off / 2 - off));
}

TEST_HARNESS_MAIN
