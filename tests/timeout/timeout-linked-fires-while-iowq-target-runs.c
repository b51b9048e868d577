// SPDX-License-Identifier: GPL-2.0
/*
 * A LINK_TIMEOUT bounds its target also when the target runs in io-wq:
 * the timer runs while the worker executes the request, and on expiry
 * the timeout tries to cancel it.  For a target io-wq is running that
 * cannot be stopped, the attempt finds it running and the timeout
 * completes with -EALREADY (the cancel result) before the target, which
 * then completes on its own; a target still queued when the timer fires
 * is cancelled instead (timeout -ETIME, target -ECANCELED).  Either way
 * the timeout's CQE must come before the target finishes, not only
 * after it with -ECANCELED as if no timer had run.
 *
 * The blocking target is IORING_OP_MADVISE(MADV_POPULATE_READ) over
 * zero pages (io_uring always runs madvise in io-wq, and it ignores the
 * cancellation signal), sized so that populating it takes at least
 * TARGET_MIN_MS here and now (iou_busy_region_timed(): 512 MiB took
 * 13 ms on one machine, seconds on a loaded one); the control is a
 * read on an empty pipe forced to io-wq with IOSQE_ASYNC, which io-wq
 * parks on poll instead of blocking ("io_uring: implement async hybrid
 * mode for pollable requests", 5.16).  Before that (5.10) io-wq runs
 * the read, blocking: the timeout finds it running (-EALREADY) and the
 * signal io-wq sends ends it with -EINTR.  A plain ASYNC_CANCEL of such
 * a read tells which the kernel does (iowq_read_mode()), and the case
 * expects exactly the outcome of that mode.
 *
 * Kernels whose linked-timeout arming was consolidated into the issue
 * path start the timer only when the issue call returns, i.e. after a
 * blocking target has finished; 6.18.44 shows this.  No upstream fix
 * is known to this suite; the change that moved the arming is
 * b53e523261bf ("io_uring: always arm linked timeouts prior to issue").
 *
 * Doc discrepancy: io_uring_enter(2) and io_uring_prep_link_timeout(3)
 * say a fired link timeout completes with -ETIME; the kernel
 * (io_req_task_link_timeout) posts the result of its cancel attempt
 * when that is not 0, so -EALREADY for a target io-wq is running.  The
 * test follows the kernel.
 *
 * Timing tolerance: the timer is a quarter of the target's measured
 * run; its CQE may come late but must precede the target's.
 */
#include <sys/mman.h>

#include "iou.h"
#include "iou_cancel.h"
#include "iou_iowq_busy.h"

/* the target runs at least this long, its link timeout a quarter of that */
#define TARGET_MIN_MS	80

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

enum { READ_PARKED, READ_BLOCKING, READ_UNKNOWN };

/*
 * How io-wq runs an IOSQE_ASYNC read of an empty pipe: parked on poll
 * (an ASYNC_CANCEL then cancels it: 0, the read -ECANCELED) or blocking
 * in the read (the cancel finds it running: -EALREADY, and the read
 * ends with -EINTR).  The read is let reach its worker first.
 */
static int iowq_read_mode(void)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	struct iou_ring r;
	int mode = READ_UNKNOWN, fds[2], ci, ri;
	char buf[8];

	if (pipe(fds))
		return READ_UNKNOWN;
	if (iou_ring_init(&r, 4, 0))
		goto out_pipe;
	sqe = iou_get_sqe(&r);
	iou_prep_read(sqe, fds[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_ASYNC;
	sqe->user_data = 1;
	if (iou_submit(&r) != 1 || iou_wait_iowq_workers(1, NULL, 0, IOU_WAIT_MS) < 1 ||
	    iou_reap(&r, cqe, 1, IOU_QUIET_MS) != 0)
		goto out;
	iou_prep_cancel(sqe = iou_get_sqe(&r), 1, 0);
	sqe->user_data = 2;
	if (iou_submit_reap(&r, cqe, 2) != 2)
		goto out;
	ci = iou_cqe_index(cqe, 2, 2);
	ri = iou_cqe_index(cqe, 2, 1);
	if (ci < 0 || ri < 0)
		goto out;
	if (cqe[ci].res == 0 && cqe[ri].res == -ECANCELED)
		mode = READ_PARKED;
	else if (cqe[ci].res == -EALREADY && cqe[ri].res == -EINTR)
		mode = READ_BLOCKING;
out:
	iou_ring_exit(&r);
out_pipe:
	close(fds[0]);
	close(fds[1]);
	return mode;
}

TEST_F(ring, async_pipe_read_target_is_cancelled_at_expiry)
{
	struct __kernel_timespec ts = iou_ts_ms(50);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	uint64_t start;
	int mode = iowq_read_mode();
	char buf[8];
	int fds[2];

	if (mode == READ_UNKNOWN)
		TH_LOG("an ASYNC_CANCEL of an IOSQE_ASYNC pipe read gave neither "
		       "(0, -ECANCELED) nor (-EALREADY, -EINTR)");
	ASSERT_NE(READ_UNKNOWN, mode);
	start = iou_now_ns();
	ASSERT_EQ(0, pipe(fds));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, fds[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK | IOSQE_ASYNC;
	sqe->user_data = 1;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	if (mode == READ_PARKED) {
		ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
		ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
	} else {
		/* found running and signalled */
		ASSERT_CQE_UD(cqe, 2, 2, -EALREADY, 0);
		ASSERT_CQE_UD(cqe, 2, 1, -EINTR, 0);
	}
	ASSERT_LE(49, iou_ms_since(start));
	close(fds[0]);
	close(fds[1]);
}

TEST_F(ring, timer_runs_while_a_blocking_target_executes)
{
	struct __kernel_timespec ts;
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	unsigned int run_ms, timer_ms;
	uint64_t start;
	void *region;
	size_t len;

	REQUIRE_BUSY_MADVISE();
	region = iou_busy_region_timed(TARGET_MIN_MS, &len, &run_ms);
	ASSERT_NE(NULL, region);
	if (run_ms < TARGET_MIN_MS)
		SKIP(munmap(region, len); return,
		     "populating %zu MiB takes only %u ms here: no target runs long enough",
		     len >> 20, run_ms);
	timer_ms = run_ms / 4;
	ts = iou_ts_ms(timer_ms);
	start = iou_now_ns();
	sqe = iou_get_sqe(&self->r);
	iou_prep_madvise(sqe, region, len, MADV_POPULATE_READ);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_EVENT_MS));
	if (cqe[0].user_data != 2)
		TH_LOG("target (%zu MiB, %u ms when timed) completed (%s) after %llu ms "
		       "before its %u ms link timeout, which then reported %s",
		       len >> 20, run_ms, iou_res_str(cqe[0].res),
		       (unsigned long long)iou_ms_since(start), timer_ms,
		       iou_res_str(cqe[1].res));
	ASSERT_EQ(2, cqe[0].user_data);
	if (cqe[0].res == -EALREADY) {
		/* found running: it goes on and completes normally */
		ASSERT_CQE_AT(cqe, 0, 2, -EALREADY, 0);
		ASSERT_CQE_AT(cqe, 1, 1, 0, 0);
	} else {
		/* a worker had not picked it up yet */
		ASSERT_CQE_AT(cqe, 0, 2, -ETIME, 0);
		ASSERT_CQE_AT(cqe, 1, 1, -ECANCELED, 0);
	}
	munmap(region, len);
}

TEST_HARNESS_MAIN
