// SPDX-License-Identifier: GPL-2.0
/*
 * An absolute timeout deadline is a value of the submitter's clock, as
 * that task sees it: inside a time namespace whose CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME are offset from the host's, "now + 100 ms" must still
 * expire 100 ms from now, as clock_nanosleep(TIMER_ABSTIME),
 * timer_settime() and timerfd_settime() do.  A kernel that arms the
 * hrtimer with the raw value misses the offset; with the namespace
 * behind the host clock (the negative offset used here) the deadline
 * then lies in the past and the timeout fires at once.  Covered: TIMEOUT
 * on the default and the boottime clock, LINK_TIMEOUT, and the deadline
 * given to a TIMEOUT_REMOVE update; CLOCK_REALTIME has no namespace
 * offset and serves as the control.
 *
 * Regression-test-for: 9cc6bac1bebf ("io_uring/timeout: honour caller's time namespace for IORING_TIMEOUT_ABS")
 *
 * Each case runs in a child that is the first process of a new time
 * namespace (unshare(CLONE_NEWTIME) applies to children only); the
 * namespace dies with it, nothing global changes.  Needs CAP_SYS_ADMIN
 * and CONFIG_TIME_NS, else SKIP.
 *
 * Timing tolerance: timers never fire early, so the CQE must come no
 * sooner than 99 ms after "now" was read; at most IOU_TIMER_LATE_MS late.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("9cc6bac1bebf", "", "global.abs_*_is_in_namespace_time",
			"io_uring/timeout: honour caller's time namespace for IORING_TIMEOUT_ABS")));

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

#define DEADLINE_MS	100

/*
 * Move this (case) process's future children into a new time namespace
 * whose monotonic and boottime clocks run offset_s seconds behind the
 * host's; 0, or a SKIP reason.
 */
static const char *enter_offset_timens(long *offset_s)
{
	static char why[128];
	struct timespec mono;
	char buf[128];
	int fd, len;

	if (access("/proc/self/ns/time", F_OK))
		return "kernel without time namespaces (CONFIG_TIME_NS)";
	clock_gettime(CLOCK_MONOTONIC, &mono);
	/* the namespace clock may not go below zero */
	*offset_s = mono.tv_sec - 1 < 10 ? mono.tv_sec - 1 : 10;
	if (*offset_s < 2)
		return "machine up for less than 3 s";
	if (unshare(CLONE_NEWTIME)) {
		snprintf(why, sizeof(why), "unshare(CLONE_NEWTIME): %s",
			 iou_errno_name(errno));
		return why;
	}
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return "no /proc/self/timens_offsets";
	len = snprintf(buf, sizeof(buf), "monotonic -%ld 0\nboottime -%ld 0\n",
		       *offset_s, *offset_s);
	if (write(fd, buf, len) != len) {
		snprintf(why, sizeof(why), "writing timens_offsets: %s",
			 iou_errno_name(errno));
		close(fd);
		return why;
	}
	close(fd);
	return NULL;
}

enum kind { ABS_MONOTONIC, ABS_BOOTTIME, ABS_REALTIME, ABS_LINK, ABS_UPDATE };

/* in the namespace: arm the deadline, expect it to hold; exit status */
static int child_body(struct __test_metadata *_metadata, enum kind kind,
		      long offset_s, uint64_t host_ms)
{
	clockid_t clk = kind == ABS_BOOTTIME ? CLOCK_BOOTTIME :
			kind == ABS_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	unsigned int flags = IORING_TIMEOUT_ABS |
		(kind == ABS_BOOTTIME ? IORING_TIMEOUT_BOOTTIME : 0) |
		(kind == ABS_REALTIME ? IORING_TIMEOUT_REALTIME : 0);
	struct __kernel_timespec far = iou_ts_ms(10000), ts;
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	struct iou_ring r;
	uint64_t start, ms;
	int fds[2];
	char buf[8];

	/* the namespace is in force: this child's clock is offset_s behind */
	ASSERT_LE(offset_s * 1000 - 1000, (long long)(host_ms - iou_now_ns() / 1000000));
	ASSERT_GE(offset_s * 1000, (long long)(host_ms - iou_now_ns() / 1000000));
	ASSERT_EQ(0, iou_ring_init(&r, 8, 0));
	ASSERT_EQ(0, pipe(fds));

	start = iou_now_ns();
	ts = iou_clock_deadline(clk, DEADLINE_MS);
	switch (kind) {
	case ABS_LINK:
		sqe = iou_get_sqe(&r);
		iou_prep_read(sqe, fds[0], buf, sizeof(buf), 0);
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = 1;
		sqe = iou_get_sqe(&r);
		iou_prep_link_timeout(sqe, &ts, IORING_TIMEOUT_ABS);
		sqe->user_data = 2;
		ASSERT_EQ(2, iou_submit(&r));
		ASSERT_EQ(2, iou_reap(&r, cqe, 2, IOU_WAIT_MS));
		ms = iou_ms_since(start);
		ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
		ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
		break;
	case ABS_UPDATE:
		sqe = iou_get_sqe(&r);
		iou_prep_timeout(sqe, &far, 0, 0);
		sqe->user_data = 1;
		sqe = iou_get_sqe(&r);
		iou_prep_timeout_update(sqe, &ts, 1,
					IORING_TIMEOUT_UPDATE | IORING_TIMEOUT_ABS);
		sqe->user_data = 2;
		ASSERT_EQ(2, iou_submit(&r));
		ASSERT_EQ(2, iou_reap(&r, cqe, 2, IOU_WAIT_MS));
		ms = iou_ms_since(start);
		ASSERT_CQE_UD(cqe, 2, 2, 0, 0);
		ASSERT_CQE_UD(cqe, 2, 1, -ETIME, 0);
		break;
	default:
		sqe = iou_get_sqe(&r);
		iou_prep_timeout(sqe, &ts, 0, flags);
		sqe->user_data = 1;
		ASSERT_EQ(1, iou_submit(&r));
		ASSERT_EQ(1, iou_reap(&r, cqe, 1, IOU_WAIT_MS));
		ms = iou_ms_since(start);
		ASSERT_CQE_AT(cqe, 0, 1, -ETIME, 0);
		break;
	}
	if (ms < DEADLINE_MS - 1)
		TH_LOG("deadline now+%d ms in a namespace %ld s behind the host "
		       "fired after %llu ms: the namespace offset was ignored",
		       DEADLINE_MS, offset_s, (unsigned long long)ms);
	ASSERT_LE(DEADLINE_MS - 1, ms);
	ASSERT_GE(DEADLINE_MS + IOU_TIMER_LATE_MS, ms);
	iou_ring_exit(&r);
	return 0;
}

static void run_case(struct __test_metadata *_metadata, enum kind kind)
{
	const char *why;
	long offset_s;
	uint64_t host_ms;
	int pid;

	why = enter_offset_timens(&offset_s);
	if (why)
		SKIP(return, "%s", why);
	host_ms = iou_now_ns() / 1000000;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(child_body(_metadata, kind, offset_s, host_ms));
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS + 2000));
}

TEST(abs_monotonic_deadline_is_in_namespace_time)
{
	run_case(_metadata, ABS_MONOTONIC);
}

TEST(abs_boottime_deadline_is_in_namespace_time)
{
	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_BOOTTIME);
	run_case(_metadata, ABS_BOOTTIME);
}

TEST(abs_link_timeout_deadline_is_in_namespace_time)
{
	run_case(_metadata, ABS_LINK);
}

TEST(abs_update_deadline_is_in_namespace_time)
{
	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE);
	run_case(_metadata, ABS_UPDATE);
}

/* control: CLOCK_REALTIME has no namespace offset */
TEST(abs_realtime_deadline_is_unaffected_by_the_namespace)
{
	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_REALTIME);
	run_case(_metadata, ABS_REALTIME);
}

TEST_HARNESS_MAIN
