// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_ENTER_ABS_TIMER (6.12) makes the EXT_ARG timespec an absolute
 * deadline on the ring's clock (CLOCK_MONOTONIC unless
 * IORING_REGISTER_CLOCK chose CLOCK_BOOTTIME):
 *  - the wait ends with ETIME at the deadline, or with 0 as soon as a CQE
 *    comes before it; a deadline in the past (even "50 ms", which as a
 *    relative timeout would wait 50 ms) returns at once;
 *  - without a timespec, or without EXT_ARG, the flag has nothing to act
 *    on and the call behaves as it would without it;
 *  - min_wait_usec stays relative to the start of the wait;
 *  - the deadline is a time of the caller's clock as the caller sees it:
 *    inside a time namespace whose clocks are offset from the host's, a
 *    deadline 50 ms ahead must still be 50 ms ahead, as for
 *    clock_nanosleep(TIMER_ABSTIME) and timerfd_settime().
 *    Regression-test-for: 45d2b37a37ab ("io_uring/wait: honour caller's time namespace for IORING_ENTER_ABS_TIMER")
 * Clock registration errors are covered by tests/register.
 *
 * Timing tolerance: timers never fire early, and every deadline is
 * computed from a clock read before the call; upper bounds allow
 * IOU_TIMER_LATE_MS (1.5 s times the timeout scale).  Shown to fail on
 * 6.12.118 and 6.18.44 (the namespace cases), to pass on 7.3.4.  The namespace cases run in a child that is the first
 * process of a new time namespace (offset -10 s, less on a machine up
 * for less than 11 s), which dies with it;
 * they need CAP_SYS_ADMIN and CONFIG_TIME_NS, else SKIP.
 */
#include <sched.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_EXT_ARG,
	     .fixes = IOU_FIXES(IOU_FIX("45d2b37a37ab", "",
			"deadline_is_read_in_the_callers_time_namespace_*",
			"io_uring/wait: honour caller's time namespace for IORING_ENTER_ABS_TIMER")));

/* a wait due after ms ended by then, give or take a loaded machine */
#define LATE_BOUND(ms)	((ms) + IOU_TIMER_LATE_MS)
#define ABS_WAIT	(IOU_GETEVENTS_EXT | IORING_ENTER_ABS_TIMER)

static struct __kernel_timespec deadline_ms(clockid_t clock, unsigned int ms)
{
	struct timespec now;
	struct __kernel_timespec ts;
	long long ns;

	clock_gettime(clock, &now);
	ns = now.tv_nsec + (long long)ms * 1000000LL;
	ts.tv_sec = now.tv_sec + ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	return ts;
}

static int abs_wait(struct iou_ring *r, unsigned int min_complete,
		    const struct __kernel_timespec *ts, unsigned int min_wait_usec)
{
	struct io_uring_getevents_arg a = iou_getevents_arg(ts, NULL, min_wait_usec);

	return iou_enter(r, 0, min_complete, ABS_WAIT, &a, sizeof(a));
}

FIXTURE(deadline) {
	struct iou_ring r;
	int tfd;
};

FIXTURE_VARIANT(deadline) {
	clockid_t clock;
};

FIXTURE_VARIANT_ADD(deadline, monotonic) { .clock = CLOCK_MONOTONIC };
FIXTURE_VARIANT_ADD(deadline, boottime) { .clock = CLOCK_BOOTTIME };

FIXTURE_SETUP(deadline)
{
	struct io_uring_clock_register c = { .clockid = variant->clock };

	self->tfd = -1;
	/* ABS_TIMER and REGISTER_CLOCK came together (6.12) */
	REQUIRE_REGISTER_OP(IORING_REGISTER_CLOCK);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_CLOCK, &c, 0));
}

FIXTURE_TEARDOWN(deadline)
{
	iou_ring_exit(&self->r);
	if (self->tfd >= 0)
		close(self->tfd);
}

static int delayed(FIXTURE_DATA(deadline) *self, unsigned int ms)
{
	self->tfd = iou_timerfd_ms(ms);
	if (self->tfd < 0)
		return self->tfd;
	iou_queue_poll(&self->r, self->tfd, 0xab);
	return iou_submit(&self->r) == 1 ? 0 : -EIO;
}

TEST_F(deadline, deadline_ahead_is_etime_when_it_passes)
{
	uint64_t start = iou_now_ns();
	struct __kernel_timespec ts = deadline_ms(variant->clock, 40);

	ASSERT_RES(-ETIME, abs_wait(&self->r, 1, &ts, 0));
	ASSERT_LE(40, iou_ms_since(start));
	ASSERT_GT(LATE_BOUND(40), iou_ms_since(start));
}

TEST_F(deadline, cqe_before_the_deadline_returns_zero)
{
	uint64_t start = iou_now_ns();
	struct __kernel_timespec ts = deadline_ms(variant->clock, IOU_WAIT_MS);

	ASSERT_EQ(0, delayed(self, 20));
	ASSERT_RES(0, abs_wait(&self->r, 1, &ts, 0));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xab, POLLIN));
}

/*
 * As a relative timeout {10 s} would wait 10 s; as a deadline it is ten
 * seconds after the clock's origin, long past.  (The 9 s bound leaves
 * room for any busy CPU and none for a relative reading.)
 */
TEST_F(deadline, small_values_are_deadlines_long_past)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct __kernel_timespec zero = iou_ts_ms(0);
	struct timespec now;
	uint64_t start = iou_now_ns();

	clock_gettime(variant->clock, &now);
	if (now.tv_sec < 11)
		SKIP(return, "clock %d reads %lld s: 10 s is not yet in the past",
		     (int)variant->clock, (long long)now.tv_sec);
	ASSERT_EQ(0, delayed(self, IOU_WAIT_MS));
	ASSERT_RES(-ETIME, abs_wait(&self->r, 1, &ts, 0));
	ASSERT_RES(-ETIME, abs_wait(&self->r, 1, &zero, 0));
	ASSERT_GT(9000, iou_ms_since(start));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	/* without the flag the same kind of timespec is relative */
	start = iou_now_ns();
	ASSERT_RES(-ETIME, iou_wait_ext_ms(&self->r, 0, 1, 0, 50));
	ASSERT_LE(50, iou_ms_since(start));
}

TEST_F(deadline, without_a_timespec_the_wait_is_untimed)
{
	uint64_t start = iou_now_ns();

	ASSERT_EQ(0, delayed(self, 30));
	ASSERT_RES(0, abs_wait(&self->r, 1, NULL, 0));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xab, POLLIN));
}

TEST_F(deadline, without_ext_arg_the_flag_changes_nothing)
{
	uint64_t start = iou_now_ns();

	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_ABS_TIMER, NULL, 0));
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_GETEVENTS |
				IORING_ENTER_ABS_TIMER, NULL, 0));
	ASSERT_EQ(0, delayed(self, 30));
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS |
				IORING_ENTER_ABS_TIMER, NULL, 0));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xab, POLLIN));
}

TEST_F(deadline, min_wait_stays_relative)
{
	uint64_t start = iou_now_ns();
	struct __kernel_timespec ts = deadline_ms(variant->clock, IOU_WAIT_MS);

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	ASSERT_EQ(0, delayed(self, 10));
	ASSERT_RES(0, abs_wait(&self->r, 2, &ts, 40000));
	ASSERT_LE(40, iou_ms_since(start));
	ASSERT_GT(LATE_BOUND(40), iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xab, POLLIN));
}

/*
 * Child: first process of a time namespace 10 s behind the host.  Wait
 * for a deadline 50 ms ahead on the namespace's clock; exit 0 if that
 * took at least 50 ms and ended with ETIME, 1 if it did not, 2+ if the
 * setup failed.
 */
static int ns_child(struct __test_metadata *_metadata, clockid_t clock)
{
	struct io_uring_clock_register c = { .clockid = clock };
	struct __kernel_timespec ts;
	struct iou_ring r;
	uint64_t start;
	int ret;

	if (iou_ring_init(&r, 4, 0))
		return 2;
	if (iou_register(&r, IORING_REGISTER_CLOCK, &c, 0))
		return 3;
	start = iou_now_ns();
	ts = deadline_ms(clock, 50);
	ret = abs_wait(&r, 1, &ts, 0);
	if (ret != -ETIME || iou_ms_since(start) < 50) {
		TH_LOG("in the namespace: %s after %llu ms, expected -ETIME after >= 50 ms",
		       iou_res_str(ret), (unsigned long long)iou_ms_since(start));
		return 1;
	}
	return 0;
}

static void in_time_namespace(struct __test_metadata *_metadata, clockid_t clock)
{
	struct timespec now;
	char line[64];
	long off;
	int fd, pid;

	REQUIRE_REGISTER_OP(IORING_REGISTER_CLOCK);
	REQUIRE_CAP(CAP_SYS_ADMIN);
	if (access("/proc/self/ns/time", F_OK))
		SKIP(return, "kernel lacks time namespaces (CONFIG_TIME_NS)");
	/* the namespace's clock may not go below zero: at most the uptime */
	clock_gettime(clock, &now);
	off = now.tv_sec - 1 < 10 ? now.tv_sec - 1 : 10;
	if (off < 1)
		SKIP(return, "clock %d is under 2 s: no room for a negative offset",
		     (int)clock);
	ASSERT_EQ(0, unshare(CLONE_NEWTIME));
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	snprintf(line, sizeof(line), "%s -%ld 0\n",
		 clock == CLOCK_BOOTTIME ? "boottime" : "monotonic", off);
	ASSERT_EQ((ssize_t)strlen(line), write(fd, line, strlen(line)));
	close(fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(ns_child(_metadata, clock));
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST(deadline_is_read_in_the_callers_time_namespace_monotonic)
{
	in_time_namespace(_metadata, CLOCK_MONOTONIC);
}

TEST(deadline_is_read_in_the_callers_time_namespace_boottime)
{
	in_time_namespace(_metadata, CLOCK_BOOTTIME);
}

TEST_HARNESS_MAIN
