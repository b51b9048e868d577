// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_ENTER_NO_IOWAIT (IORING_FEAT_NO_IOWAIT, 6.15): a task waiting for
 * CQEs while it has requests in flight is accounted as waiting for I/O
 * (it counts in /proc/stat procs_blocked, the number of tasks in iowait);
 * with the flag it is not.  Apart from that the flag changes nothing: the
 * wait times out, returns completions and submits exactly as without
 * it.  A kernel without the feature refuses the flag as unknown (EINVAL).
 *
 * procs_blocked is machine-wide, so other tasks can only add to it.
 * Waiting with iowait, K children must all be counted in every sample
 * (at least K).  Waiting with NO_IOWAIT, 2K children must not all be
 * counted in every sample: that would take 2K other tasks staying in
 * iowait for the whole 100 ms sampling window.  Samples are taken only
 * while every child is verified asleep inside io_uring_enter().
 */
#include <sys/wait.h>

#include "iou.h"

/* the "procs_blocked" line of /proc/stat (tasks in iowait), or -1 */
static int procs_blocked(void)
{
	char buf[16384];
	char *p;

	if (iou_read_file("/proc/stat", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nprocs_blocked ");
	return p ? atoi(p + 15) : -1;
}

#define K		4
#define SAMPLES		50

TEST(flag_is_refused_where_the_feature_is_missing)
{
	struct iou_ring r;

	if (iou_features() & IORING_FEAT_NO_IOWAIT)
		SKIP(return, "kernel has IORING_FEAT_NO_IOWAIT: the flag is valid");
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(-EINVAL, iou_enter(&r, 0, 0, IORING_ENTER_GETEVENTS |
				      IORING_ENTER_NO_IOWAIT, NULL, 0));
	iou_ring_exit(&r);
}

FIXTURE(no_iowait) {
	struct iou_ring r;
	int tfd;
};

FIXTURE_SETUP(no_iowait)
{
	self->tfd = -1;
	REQUIRE_FEATURE(IORING_FEAT_NO_IOWAIT);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(no_iowait)
{
	iou_ring_exit(&self->r);
	if (self->tfd >= 0)
		close(self->tfd);
}

TEST_F(no_iowait, wait_times_out_as_without_the_flag)
{
	uint64_t start = iou_now_ns();

	ASSERT_RES(-ETIME, iou_wait_ext_ms(&self->r, 0, 1, IORING_ENTER_NO_IOWAIT, 20));
	ASSERT_LE(20, iou_ms_since(start));
}

TEST_F(no_iowait, wait_returns_completions_as_without_the_flag)
{
	uint64_t start = iou_now_ns();

	self->tfd = iou_timerfd_ms(20);
	ASSERT_LE(0, self->tfd);
	iou_queue_poll(&self->r, self->tfd, 0x10);
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, 1, IORING_ENTER_NO_IOWAIT,
				     IOU_WAIT_MS));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x10, POLLIN));
}

TEST_F(no_iowait, submission_is_unchanged)
{
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	iou_sq_flush(&self->r);
	ASSERT_RES(2, iou_enter(&self->r, 2, 2, IORING_ENTER_GETEVENTS |
				IORING_ENTER_NO_IOWAIT, NULL, 0));
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0));
	/* and without GETEVENTS there is no wait for it to change */
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_NO_IOWAIT, NULL, 0));
}

/*
 * A child with a request in flight (a poll on a pipe nobody writes) that
 * waits up to IOU_WAIT_MS for it; it says when it is about to wait.
 */
static int start_waiter(unsigned int flags, int *pid)
{
	int ready[2], p[2];
	char c;

	if (pipe(ready))
		return -errno;
	*pid = fork();
	if (*pid < 0)
		return -errno;
	if (*pid == 0) {
		struct iou_ring r;

		close(ready[0]);
		if (pipe(p) || iou_ring_init(&r, 4, 0))
			_exit(2);
		iou_queue_poll(&r, p[0], 1);
		if (iou_submit(&r) != 1)
			_exit(3);
		if (write(ready[1], "r", 1) != 1)
			_exit(4);
		iou_wait_ext_ms(&r, 0, 1, flags, IOU_WAIT_MS);
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return -EIO;
	}
	close(ready[0]);
	return 0;
}

static bool all_waiting(const int *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (!iou_task_sleeps_in(pids[i], __NR_io_uring_enter))
			return false;
	return true;
}

/*
 * Start n waiters, wait until all sleep in io_uring_enter, take SAMPLES
 * samples of procs_blocked 2 ms apart; the smallest, or -1 if a waiter
 * did not stay asleep throughout.
 */
static int min_blocked_while_waiting(unsigned int flags, int n)
{
	int pids[2 * K], lowest = 1 << 30, ok = 1;

	for (int i = 0; i < n; i++)
		if (start_waiter(flags, &pids[i]))
			return -1;
	for (uint64_t start = iou_now_ns(); !all_waiting(pids, n);) {
		if (iou_ms_since(start) > IOU_WAIT_MS) {
			ok = 0;
			break;
		}
		usleep(1000);
	}
	for (int s = 0; ok && s < SAMPLES; s++) {
		int b = procs_blocked();

		if (b < lowest)
			lowest = b;
		usleep(2000);
	}
	if (ok && !all_waiting(pids, n))
		ok = 0;
	for (int i = 0; i < n; i++) {
		kill(pids[i], SIGKILL);
		iou_wait_child(pids[i], IOU_WAIT_MS);
	}
	return ok ? lowest : -1;
}

TEST_F(no_iowait, waiting_with_requests_in_flight_counts_as_iowait)
{
	int lowest;

	ASSERT_LE(0, procs_blocked());
	lowest = min_blocked_while_waiting(0, K);
	ASSERT_NE(-1, lowest) TH_LOG("a waiter did not stay asleep in io_uring_enter");
	ASSERT_LE(K, lowest);
}

TEST_F(no_iowait, waiting_with_no_iowait_is_not_counted)
{
	int lowest;

	ASSERT_LE(0, procs_blocked());
	lowest = min_blocked_while_waiting(IORING_ENTER_NO_IOWAIT, 2 * K);
	ASSERT_NE(-1, lowest) TH_LOG("a waiter did not stay asleep in io_uring_enter");
	ASSERT_GT(2 * K, lowest);
}

TEST_HARNESS_MAIN
