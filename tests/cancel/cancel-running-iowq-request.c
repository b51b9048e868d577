// SPDX-License-Identifier: GPL-2.0
/*
 * Cancelling requests io-wq has taken: one still queued behind a busy
 * worker is cancelled outright (cancel 0, target -ECANCELED); one a
 * worker is running cannot be taken back: the cancel reports -EALREADY
 * and io-wq signals the worker.  A target that ignores the signal
 * completes normally (an uninterruptible MADV_POPULATE_READ, res 0); a
 * target blocked in an interruptible wait (a FIFO open with no writer,
 * forced to io-wq with IOSQE_ASYNC) is interrupted, and its CQE must
 * carry an errno user space knows: -EINTR, as io_uring's read/write and
 * socket paths turn -ERESTARTSYS into, or -ECANCELED.  The kernel-
 * internal restart codes (-ERESTARTSYS = -512 and its kin,
 * include/linux/errno.h: "should never be seen by user programs") must
 * not reach the CQ ring.
 *
 * Io-wq is limited to one bounded worker (IORING_REGISTER_IOWQ_MAX_WORKERS)
 * where a request has to wait in the queue.  The busy request is
 * IORING_OP_MADVISE over 512 MiB of zero pages (see iou_cancel.h); it is
 * known to be running once page tables grow.  How long it runs depends
 * on the machine's load, so its completion (and every CQE a case needs)
 * is waited for itself, up to IOU_EVENT_MS, never for a fixed window.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "iou.h"
#include "iou_cancel.h"
#include "iou_iowq_busy.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("", "", "ring.interrupted_blocking_open_reports_a_user_errno",
			"io_uring: don't pass restart error codes to userspace")));
/*
 * Proven with make vm-test (Debian kernels): 6.12.43, 6.18.5 and 7.2.13 fail
 * interrupted_blocking_open_reports_a_user_errno (-512), 7.3.4 passes.
 */

FIXTURE(ring) {
	struct iou_ring r;
	void *busy;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
}

FIXTURE_TEARDOWN(ring)
{
	/* ring exit waits for a running madvise, then the region can go */
	iou_ring_exit(&self->r);
	if (self->busy)
		munmap(self->busy, IOU_BUSY_LEN);
}

/* submit the busy madvise (ud) and wait until a worker is running it */
static bool start_busy(struct iou_ring *r, void *region, __u64 ud)
{
	long base = iou_vmpte_kb();
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_madvise(sqe, region, IOU_BUSY_LEN, MADV_POPULATE_READ);
	sqe->user_data = ud;
	return iou_submit(r) == 1 && iou_busy_wait_started(base, IOU_EVENT_MS);
}

/* submit what is queued and reap n CQEs, however long they take */
static int submit_reap_all(struct iou_ring *r, struct iou_cqe *cqe, unsigned int n)
{
	int ret = iou_submit(r);

	return ret < 0 ? ret : iou_reap(r, cqe, n, IOU_EVENT_MS);
}

static void q_cancel(struct iou_ring *r, __u64 target, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_cancel(sqe, target, flags);
	sqe->user_data = 0xcc;
}

TEST_F(ring, running_request_is_ealready_and_completes_normally)
{
	struct iou_cqe cqe[2];

	REQUIRE_BUSY_MADVISE();
	self->busy = iou_busy_region(IOU_BUSY_LEN);
	ASSERT_NE(NULL, self->busy);
	ASSERT_TRUE(start_busy(&self->r, self->busy, 1));
	q_cancel(&self->r, 1, 0);
	ASSERT_EQ(2, submit_reap_all(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 0xcc, -EALREADY, 0);
	ASSERT_CQE_AT(cqe, 1, 1, 0, 0);
}

TEST_F(ring, queued_request_is_cancelled_before_it_runs)
{
	unsigned int limits[2] = { 1, 0 };
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];
	static char page[4096] __attribute__((aligned(4096)));

	REQUIRE_BUSY_MADVISE();
	REQUIRE_REGISTER_OP(IORING_REGISTER_IOWQ_MAX_WORKERS);
	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_IOWQ_MAX_WORKERS, limits, 2));
	self->busy = iou_busy_region(IOU_BUSY_LEN);
	ASSERT_NE(NULL, self->busy);
	ASSERT_TRUE(start_busy(&self->r, self->busy, 1));
	/* the only worker is busy: this one waits in the queue */
	sqe = iou_get_sqe(&self->r);
	iou_prep_madvise(sqe, page, sizeof(page), MADV_NORMAL);
	sqe->user_data = 2;
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 2, 0);
	ASSERT_EQ(2, submit_reap_all(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ECANCELED, 0);
	/* the running one was left alone */
	ASSERT_EQ(1, iou_reap(&self->r, cqe, 1, IOU_EVENT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, 0, 0);
}

TEST_F(ring, interrupted_blocking_open_reports_a_user_errno)
{
	const char *fifo = iou_scratch_path("fifo");
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	int ti, res;

	ASSERT_NE(NULL, iou_scratch_dir());
	ASSERT_SYSOK(mkfifo(fifo, 0600));
	/* with no writer, a blocking open of a FIFO waits in io-wq */
	sqe = iou_get_sqe(&self->r);
	iou_prep_openat(sqe, AT_FDCWD, fifo, O_RDONLY, 0);
	sqe->flags |= IOSQE_ASYNC;
	sqe->user_data = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	/* a worker took it (queued or running, both are judged below) */
	ASSERT_LE(1, iou_wait_iowq_workers(1, NULL, 0, IOU_WAIT_MS));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	q_cancel(&self->r, 1, 0);
	ASSERT_EQ(2, submit_reap_all(&self->r, cqe, 2));
	ti = iou_cqe_index(cqe, 2, 1);
	ASSERT_LE(0, ti);
	res = cqe[ti].res;
	if (cqe[!ti].res == 0) {
		/* still queued when the cancel came */
		ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
		ASSERT_RES(-ECANCELED, res);
	} else {
		ASSERT_CQE_UD(cqe, 2, 0xcc, -EALREADY, 0);
		if (res != -EINTR && res != -ECANCELED)
			TH_LOG("interrupted FIFO open completed with %d%s", res,
			       res <= -512 && res >= -530 ?
			       " (a kernel-internal restart code)" : "");
		ASSERT_TRUE(res == -EINTR || res == -ECANCELED);
	}
	ASSERT_EQ(0, cqe[ti].flags);
}

TEST_HARNESS_MAIN
