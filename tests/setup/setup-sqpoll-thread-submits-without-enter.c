// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQPOLL: a kernel thread consumes the SQ.
 *  - an SQE published while the thread is awake is submitted and
 *    completed with no io_uring_enter() at all;
 *  - after sq_thread_idle ms without work the thread sleeps and raises
 *    IORING_SQ_NEED_WAKEUP, never earlier (sq_thread_idle 0 means the
 *    default of one second); once asleep, published SQEs wait until
 *    io_uring_enter(IORING_ENTER_SQ_WAKEUP), which returns to_submit;
 *  - the thread is a thread of this process named iou-sqp-<pid>
 *    (IORING_FEAT_NATIVE_WORKERS), one per ring, gone with the ring;
 *  - it submits I/O on plain (not registered) file descriptors
 *    (IORING_FEAT_SQPOLL_NONFIXED).
 * Timing: waits are bounded (IOU_WAIT_MS); the idle checks only use
 * lower bounds measured from before the thread could start its idle
 * period, which a busy CPU can only lengthen.
 */
#include <fcntl.h>

#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_SQPOLL);

static bool need_wakeup(struct iou_ring *r)
{
	iou_smp_mb();
	return iou_read_once(r->sq_kflags) & IORING_SQ_NEED_WAKEUP;
}

/* wait (bounded) until the thread sleeps with NEED_WAKEUP raised */
static bool wait_asleep(struct iou_ring *r)
{
	for (unsigned int i = 0; i < IOU_WAIT_MS; i++) {
		if (need_wakeup(r))
			return true;
		usleep(1000);
	}
	return false;
}

/* spin (bounded, no io_uring syscall) until n CQEs are visible */
static bool cqes_appear(struct iou_ring *r, unsigned int n)
{
	uint64_t start = iou_now_ns();

	while (iou_cq_ready(r) < n) {
		if (iou_ms_since(start) > IOU_WAIT_MS)
			return false;
		usleep(100);
	}
	return true;
}

static int sqpoll_ring(struct iou_ring *r, unsigned int idle_ms)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = idle_ms;
	return iou_ring_init_params(r, 8, &p);
}

TEST(awake_thread_submits_without_enter)
{
	struct iou_ring r;
	struct iou_cqe cqe;
	bool seen_awake = false;

	ASSERT_RES(0, sqpoll_ring(&r, 1000));
	for (unsigned int attempt = 0; attempt < 3 && !seen_awake; attempt++) {
		/* wake it with work: it then spins for sq_thread_idle */
		iou_prep_nop(iou_get_sqe(&r), 1);
		ASSERT_LE(0, iou_submit(&r));
		ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));

		iou_prep_nop(iou_get_sqe(&r), 0x5e1f);
		iou_sq_flush(&r);
		/*
		 * Flag clear after the tail store (full barrier between):
		 * the thread is bound to see the SQE without a wakeup.
		 */
		if (need_wakeup(&r)) {
			ASSERT_LE(0, iou_submit(&r));
			ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
			continue;
		}
		seen_awake = true;
		ASSERT_TRUE(cqes_appear(&r, 1));
		ASSERT_EQ(r.sqe_tail, iou_load_acquire(r.sq_khead));
		ASSERT_EQ(1, iou_reap(&r, &cqe, 1, 0));
		ASSERT_EQ(0x5e1f, cqe.user_data);
		ASSERT_RES(0, cqe.res);
	}
	ASSERT_TRUE(seen_awake) TH_LOG("thread slept before every try");
	iou_ring_exit(&r);
}

TEST(need_wakeup_raised_after_idle_period)
{
	struct iou_ring r;
	struct iou_cqe cqe;
	uint64_t t0;

	ASSERT_RES(0, sqpoll_ring(&r, 50));
	ASSERT_TRUE(wait_asleep(&r));
	/* t0 precedes the wakeup, so the idle period starts after it */
	t0 = iou_now_ns();
	iou_prep_nop(iou_get_sqe(&r), 2);
	iou_sq_flush(&r);
	ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_TRUE(cqes_appear(&r, 1));
	/* the thread cleared the flag before it took the SQE */
	ASSERT_TRUE(wait_asleep(&r));
	ASSERT_LE(50, iou_ms_since(t0));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, 0));
	ASSERT_EQ(2, cqe.user_data);
	iou_ring_exit(&r);
}

TEST(default_idle_is_one_second)
{
	struct iou_ring r;
	struct iou_cqe cqe;
	uint64_t t0;

	ASSERT_RES(0, sqpoll_ring(&r, 0));
	ASSERT_TRUE(wait_asleep(&r));
	t0 = iou_now_ns();
	iou_prep_nop(iou_get_sqe(&r), 3);
	iou_sq_flush(&r);
	ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_TRUE(cqes_appear(&r, 1));
	/* for 100 ms, the flag may only show if a second has passed */
	for (unsigned int i = 0; i < 100; i++) {
		if (need_wakeup(&r))
			ASSERT_LE(1000, iou_ms_since(t0));
		usleep(1000);
	}
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, 0));
	iou_ring_exit(&r);
}

TEST(sleeping_thread_waits_for_sq_wakeup)
{
	struct iou_ring r;
	struct iou_cqe cqe;

	ASSERT_RES(0, sqpoll_ring(&r, 10));
	ASSERT_TRUE(wait_asleep(&r));
	iou_prep_nop(iou_get_sqe(&r), 0x3a4e);
	iou_sq_flush(&r);
	/* asleep: nothing takes the SQE (50 ms window) */
	usleep(50 * 1000);
	ASSERT_EQ(0, iou_load_acquire(r.sq_khead));
	ASSERT_EQ(0, iou_cq_ready(&r));
	ASSERT_TRUE(need_wakeup(&r));
	/* SQ_WAKEUP wakes it; SQPOLL's enter returns to_submit as given */
	ASSERT_RES(5, iou_enter(&r, 5, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_TRUE(cqes_appear(&r, 1));
	ASSERT_EQ(1, iou_load_acquire(r.sq_khead));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, 0));
	ASSERT_EQ(0x3a4e, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	iou_ring_exit(&r);
}

TEST(poll_thread_is_a_thread_of_this_process)
{
	struct iou_ring a, b;
	char want[32];
	int tids[4];

	REQUIRE_FEATURE(IORING_FEAT_NATIVE_WORKERS);
	ASSERT_EQ(0, iou_threads("iou-sqp-", NULL, 0));
	ASSERT_RES(0, sqpoll_ring(&a, 10));
	ASSERT_EQ(1, iou_wait_threads("iou-sqp-", 1, IOU_WAIT_MS));
	ASSERT_EQ(1, iou_threads("iou-sqp-", tids, 4));
	snprintf(want, sizeof(want), "iou-sqp-%d", (int)getpid());
	{
		char path[64], comm[32] = "";
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tids[0]);
		fd = open(path, O_RDONLY);
		ASSERT_LE(0, fd);
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		ASSERT_LT(0, n);
		comm[strcspn(comm, "\n")] = 0;
		ASSERT_STREQ(want, comm);
	}
	/* a second ring without ATTACH_WQ gets a thread of its own */
	ASSERT_RES(0, sqpoll_ring(&b, 10));
	ASSERT_EQ(2, iou_wait_threads("iou-sqp-", 2, IOU_WAIT_MS));
	iou_ring_exit(&b);
	iou_ring_exit(&a);
	/* the threads exit with their rings (asynchronously: bounded wait) */
	ASSERT_EQ(0, iou_wait_threads("iou-sqp-", 0, IOU_WAIT_MS));
}

TEST(thread_reads_plain_file_descriptors)
{
	struct iou_ring r;
	struct iou_cqe cqe;
	char buf[512];
	int fd;

	REQUIRE_FEATURE(IORING_FEAT_SQPOLL_NONFIXED);
	fd = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, fd);
	ASSERT_RES(0, sqpoll_ring(&r, 10));
	memset(buf, 0, sizeof(buf));
	iou_prep_read(iou_get_sqe(&r), fd, buf, sizeof(buf), 1024);
	ASSERT_LE(0, iou_submit(&r));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_RES(512, cqe.res);
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 1024));
	iou_ring_exit(&r);
	close(fd);
}

TEST_HARNESS_MAIN
