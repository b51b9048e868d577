// SPDX-License-Identifier: GPL-2.0
/*
 * Timeouts in IOSQE_IO_HARDLINK chains.  An IORING_OP_TIMEOUT that
 * expires completes with -ETIME, a failure that would cancel the rest of
 * a plain IOSQE_IO_LINK chain (tests/timeout covers that); hardlinked,
 * the next member runs, after the expiry, and a chain of hardlinked
 * timeouts expires one after another.  A hardlinked timeout removed
 * before expiry completes with -ECANCELED and the chain goes on.  An
 * IORING_OP_LINK_TIMEOUT guarding a hardlinked request: when it fires
 * the request completes with -ECANCELED and the timeout with -ETIME, and
 * the chain goes on; when the request finishes first the timeout
 * completes with -ECANCELED and the chain goes on.
 *
 * Timing: each expiry is 20 ms; the chain's next member must not complete
 * before 20 ms have passed since submission (hrtimers never fire early).
 * There is no upper bound (a loaded machine may be slow); every wait is
 * bounded by IOU_WAIT_MS.
 */
#include "iou.h"

#define EXPIRY_MS 20

FIXTURE(timed_link) {
	struct iou_ring r;
	struct __kernel_timespec ts, long_ts;
};

FIXTURE_SETUP(timed_link)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->ts = iou_ts_ms(EXPIRY_MS);
	self->long_ts = iou_ts_ms(10000);
}

FIXTURE_TEARDOWN(timed_link)
{
	iou_ring_exit(&self->r);
}

static void queue_timeout(FIXTURE_DATA(timed_link) *self,
			  const struct __kernel_timespec *ts, __u64 ud,
			  unsigned int tflags, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_timeout(sqe, ts, 0, tflags);
	sqe->user_data = ud;
	sqe->flags = (__u8)flags;
}

TEST_F(timed_link, expired_hardlinked_timeout_runs_next_after_expiry)
{
	uint64_t start = iou_now_ns();

	queue_timeout(self, &self->ts, 1, 0, IOSQE_IO_HARDLINK);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ETIME), IOU_CQE(2, 0));
	ASSERT_LE(EXPIRY_MS, iou_ms_since(start));
}

TEST_F(timed_link, chain_of_hardlinked_timeouts_expires_one_after_another)
{
	uint64_t start = iou_now_ns();

	queue_timeout(self, &self->ts, 1, 0, IOSQE_IO_HARDLINK);
	queue_timeout(self, &self->ts, 2, 0, IOSQE_IO_HARDLINK);
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ETIME), IOU_CQE(2, -ETIME), IOU_CQE(3, 0));
	/* the second timer is armed only when the first one has expired */
	ASSERT_LE(2 * EXPIRY_MS, iou_ms_since(start));
}

TEST_F(timed_link, removed_hardlinked_timeout_lets_chain_go_on)
{
	struct io_uring_sqe *sqe;
	unsigned int pos[3];

	queue_timeout(self, &self->long_ts, 1, 0, IOSQE_IO_HARDLINK);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_remove(sqe, 1, 0);
	sqe->user_data = 3;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, -ECANCELED), IOU_CQE(2, 0),
			   IOU_CQE(3, 0));
	ASSERT_LT(pos[0], pos[1]);
}

TEST_F(timed_link, link_timeout_firing_on_hardlinked_request_lets_chain_go_on)
{
	char buf[8];
	struct io_uring_sqe *sqe;
	unsigned int pos[3];
	uint64_t start;
	int p[2];

	REQUIRE_OPCODE(IORING_OP_LINK_TIMEOUT);
	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	start = iou_now_ns();
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_HARDLINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, &self->ts, 0);
	sqe->user_data = 2;
	sqe->flags = IOSQE_IO_HARDLINK;
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, -ECANCELED), IOU_CQE(2, -ETIME),
			   IOU_CQE(3, 0));
	ASSERT_LT(pos[0], pos[2]);
	ASSERT_LE(EXPIRY_MS, iou_ms_since(start));
	close(p[0]);
	close(p[1]);
}

TEST_F(timed_link, hardlinked_request_finishing_first_cancels_link_timeout)
{
	char buf[8];
	struct io_uring_sqe *sqe;
	unsigned int pos[3];
	int p[2];

	REQUIRE_OPCODE(IORING_OP_LINK_TIMEOUT);
	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_HARDLINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, &self->long_ts, 0);
	sqe->user_data = 2;
	sqe->flags = IOSQE_IO_HARDLINK;
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(8, write(p[1], "8 bytes!", 8));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, 8), IOU_CQE(2, -ECANCELED),
			   IOU_CQE(3, 0));
	ASSERT_LT(pos[0], pos[2]);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
