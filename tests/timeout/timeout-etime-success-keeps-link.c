// SPDX-License-Identifier: GPL-2.0
/*
 * A timeout can head an IOSQE_IO_LINK chain.  How it ends decides
 * whether the chain goes on: an expiry (-ETIME) is an error and cancels
 * the rest with -ECANCELED, unless the timeout carries
 * IORING_TIMEOUT_ETIME_SUCCESS (5.16), which keeps res -ETIME but lets
 * the chain continue; reaching the completion count (res 0) continues
 * it; being removed (-ECANCELED) fails it, with or without
 * ETIME_SUCCESS, which is about expiry only.  The chain's CQEs come in
 * chain order.
 *
 * Regression-test-for: 2ae2eb9dde18 ("io_uring: fail links of cancelled timeouts")
 */
#include <fcntl.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("2ae2eb9dde18", "", "ring.removal_breaks_the_chain*",
			"io_uring: fail links of cancelled timeouts")));

FIXTURE(ring) {
	struct iou_ring r;
	int fds[2];
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	ASSERT_EQ(0, pipe(self->fds));
}

FIXTURE_TEARDOWN(ring)
{
	close(self->fds[0]);
	close(self->fds[1]);
	iou_ring_exit(&self->r);
}

/* timeout(ts, count, flags) -> write of "ok" to the pipe */
static void queue_chain(struct iou_ring *r, const struct __kernel_timespec *ts,
			unsigned int count, unsigned int flags, int wfd)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, ts, count, flags);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = iou_get_sqe(r);
	iou_prep_write(sqe, wfd, "ok", 2, 0);
	sqe->user_data = 2;
}

/* the pipe holds "ok" (the linked write ran) or nothing */
static int pipe_bytes(int rfd)
{
	char buf[8];
	ssize_t n;

	n = read(rfd, buf, sizeof(buf));
	return n < 0 ? -errno : (int)n;
}

TEST_F(ring, expiry_breaks_the_chain)
{
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct iou_cqe cqe[2];

	queue_chain(&self->r, &ts, 0, 0, self->fds[1]);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 1, -ETIME, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
	ASSERT_EQ(0, fcntl(self->fds[0], F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-EAGAIN, pipe_bytes(self->fds[0]));
}

TEST_F(ring, etime_success_expiry_keeps_the_chain_going)
{
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct iou_cqe cqe[2];

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_ETIME_SUCCESS);
	queue_chain(&self->r, &ts, 0, IORING_TIMEOUT_ETIME_SUCCESS, self->fds[1]);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	/* still reported as -ETIME: only the chain sees it as success */
	ASSERT_CQE_AT(cqe, 0, 1, -ETIME, 0);
	ASSERT_CQE_AT(cqe, 1, 2, 2, 0);
	ASSERT_EQ(2, pipe_bytes(self->fds[0]));
}

TEST_F(ring, reaching_the_count_keeps_the_chain_going)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct iou_cqe cqe[3];

	queue_chain(&self->r, &ts, 1, 0, self->fds[1]);
	ASSERT_EQ(2, iou_submit(&self->r));
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_AT(cqe, 0, 3, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 1, 0, 0);
	ASSERT_CQE_AT(cqe, 2, 2, 2, 0);
	ASSERT_EQ(2, pipe_bytes(self->fds[0]));
}

TEST_F(ring, removal_breaks_the_chain)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];

	queue_chain(&self->r, &ts, 0, 0, self->fds[1]);
	ASSERT_EQ(2, iou_submit(&self->r));
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_remove(sqe, 1, 0);
	sqe->user_data = 3;
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_UD(cqe, 3, 3, 0, 0);
	ASSERT_CQE_UD(cqe, 3, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
	ASSERT_LT(iou_cqe_index(cqe, 3, 1), iou_cqe_index(cqe, 3, 2));
	ASSERT_EQ(0, fcntl(self->fds[0], F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-EAGAIN, pipe_bytes(self->fds[0]));
}

TEST_F(ring, removal_breaks_the_chain_despite_etime_success)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_ETIME_SUCCESS);
	queue_chain(&self->r, &ts, 0, IORING_TIMEOUT_ETIME_SUCCESS, self->fds[1]);
	ASSERT_EQ(2, iou_submit(&self->r));
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_remove(sqe, 1, 0);
	sqe->user_data = 3;
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_UD(cqe, 3, 3, 0, 0);
	ASSERT_CQE_UD(cqe, 3, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
	ASSERT_EQ(0, fcntl(self->fds[0], F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-EAGAIN, pipe_bytes(self->fds[0]));
}

/* ETIME_SUCCESS does not change what an unlinked timeout reports */
TEST_F(ring, etime_success_alone_still_reports_etime)
{
	struct __kernel_timespec ts = { 0, 0 };
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_ETIME_SUCCESS);
	iou_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_ETIME_SUCCESS);
	sqe->user_data = 5;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 5, -ETIME, 0);
}

TEST_HARNESS_MAIN
