// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_IOWQ_MAX_WORKERS takes a __u32[2] {bounded, unbounded}:
 * a zero entry leaves that limit alone, and the array comes back holding
 * the limits as they were before the call, so {0, 0} is a pure query.  The
 * limit is real: with both limits at 1, three requests that block in
 * io-wq (IOSQE_ASYNC OPENAT of a FIFO) are served by a single worker, one
 * after the other; with 3 allowed, three workers run them at once.
 * Refused: nr_args other than 2 and NULL (EINVAL), a faulting array
 * (EFAULT), a value above INT_MAX (EINVAL), a non-ring fd (EOPNOTSUPP).
 */
#include <sys/stat.h>

#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(max_workers) {
	struct iou_ring r;
	char fifo[512];
	int wfd;
};

FIXTURE_VARIANT(max_workers) {
	bool registered_ring;
};

/* entered by the ring fd, and by its registered index */
#define IOU_ENTRY_FIXTURE max_workers
#include "iou_modes.h"

FIXTURE_SETUP(max_workers)
{
	self->wfd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_IOWQ_MAX_WORKERS);
	IOU_RING_INIT_ENTRY(&self->r, 8, variant->registered_ring);
	snprintf(self->fifo, sizeof(self->fifo), "%s", iou_scratch_path("fifo"));
	ASSERT_EQ(0, mkfifo(self->fifo, 0600));
}

FIXTURE_TEARDOWN(max_workers)
{
	if (self->wfd >= 0)
		close(self->wfd);
	iou_ring_exit(&self->r);
}

static int max_workers(struct iou_ring *r, __u32 *w)
{
	return iou_register(r, IORING_REGISTER_IOWQ_MAX_WORKERS, w, 2);
}

TEST_F(max_workers, zeros_query_without_changing)
{
	__u32 a[2] = { 0, 0 }, b[2] = { 0, 0 };

	ASSERT_RES(0, max_workers(&self->r, a));
	ASSERT_LT(0, a[0]);
	ASSERT_LT(0, a[1]);
	ASSERT_RES(0, max_workers(&self->r, b));
	ASSERT_EQ(a[0], b[0]);
	ASSERT_EQ(a[1], b[1]);
}

TEST_F(max_workers, set_returns_old_values_and_reads_back)
{
	__u32 q[2] = { 0, 0 }, w[2] = { 3, 5 };

	ASSERT_RES(0, max_workers(&self->r, q));
	ASSERT_RES(0, max_workers(&self->r, w));
	ASSERT_EQ(q[0], w[0]);
	ASSERT_EQ(q[1], w[1]);
	w[0] = w[1] = 0;
	ASSERT_RES(0, max_workers(&self->r, w));
	ASSERT_EQ(3, w[0]);
	ASSERT_EQ(5, w[1]);
}

TEST_F(max_workers, zero_entry_keeps_that_limit)
{
	__u32 w[2] = { 3, 5 };

	ASSERT_RES(0, max_workers(&self->r, w));
	w[0] = 0;
	w[1] = 7;
	ASSERT_RES(0, max_workers(&self->r, w));
	ASSERT_EQ(3, w[0]);
	ASSERT_EQ(5, w[1]);
	w[0] = w[1] = 0;
	ASSERT_RES(0, max_workers(&self->r, w));
	ASSERT_EQ(3, w[0]);
	ASSERT_EQ(7, w[1]);
}

/* queue three blocking opens; returns the worker count seen while they wait */
static int blocked_opens_workers(struct __test_metadata *_metadata,
				 FIXTURE_DATA(max_workers) *self, int expect)
{
	struct iou_cqe cqe[3];
	int n;

	for (unsigned int i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

		iou_prep_openat(sqe, AT_FDCWD, self->fifo, O_RDONLY | O_CLOEXEC, 0);
		sqe->flags |= IOSQE_ASYNC;
		sqe->user_data = 10 + i;
	}
	EXPECT_EQ(3, iou_submit(&self->r));
	n = iou_wait_iowq_workers(expect, NULL, 0, IOU_WAIT_MS);
	/*
	 * Give a worker beyond the limit the chance to appear: workers are
	 * created from the submitting task right away, 100 ms is plenty on
	 * a loaded machine and a miss would only let a broken limit pass.
	 */
	usleep(100 * 1000);
	n = iou_threads("iou-wrk-", NULL, 0);
	/* nothing may complete while no writer exists */
	EXPECT_EQ(0, iou_cq_ready(&self->r));
	self->wfd = open(self->fifo, O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, self->wfd);
	EXPECT_EQ(3, iou_reap(&self->r, cqe, 3, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 3; i++) {
		EXPECT_LE(0, cqe[i].res);
		if (cqe[i].res >= 0)
			close(cqe[i].res);
	}
	return n;
}

TEST_F(max_workers, limit_of_one_serialises_blocking_requests)
{
	__u32 w[2] = { 1, 1 };

	ASSERT_RES(0, max_workers(&self->r, w));
	ASSERT_EQ(1, blocked_opens_workers(_metadata, self, 1));
}

TEST_F(max_workers, limit_of_three_runs_them_in_parallel)
{
	__u32 w[2] = { 3, 3 };

	ASSERT_RES(0, max_workers(&self->r, w));
	ASSERT_EQ(3, blocked_opens_workers(_metadata, self, 3));
}

TEST_F(max_workers, nr_args_other_than_two_is_einval)
{
	__u32 w[4] = { 0, 0, 0, 0 };

	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_IOWQ_MAX_WORKERS, w, 1));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_IOWQ_MAX_WORKERS, w, 4));
}

TEST_F(max_workers, null_array_is_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_IOWQ_MAX_WORKERS, NULL, 2));
}

TEST_F(max_workers, faulting_array_is_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_IOWQ_MAX_WORKERS,
					 iou_fault_ptr(), 2));
}

TEST_F(max_workers, value_above_int_max_is_einval)
{
	__u32 w[2] = { 0, 0x80000000u }, q[2] = { 0, 0 }, after[2] = { 0, 0 };

	ASSERT_RES(0, max_workers(&self->r, q));
	ASSERT_RES(-EINVAL, max_workers(&self->r, w));
	/* nothing changed */
	ASSERT_RES(0, max_workers(&self->r, after));
	ASSERT_EQ(q[0], after[0]);
	ASSERT_EQ(q[1], after[1]);
}

TEST_F(max_workers, non_ring_fd_is_eopnotsupp)
{
	__u32 w[2] = { 0, 0 };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(fd,
			IORING_REGISTER_IOWQ_MAX_WORKERS, w, 2));
	close(fd);
}

TEST_HARNESS_MAIN
