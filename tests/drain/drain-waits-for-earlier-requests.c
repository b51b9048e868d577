// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_DRAIN: a drained request starts only after every request
 * submitted before it has completed, and the requests submitted after it
 * start only after it has completed.  With nothing pending it runs at
 * once.  Drains one after another each wait for what came before them.
 * Checked on a plain, a DEFER_TASKRUN and an SQPOLL ring.
 *
 * Doc discrepancy: before 6.16 the requests after a drained one started
 * as soon as it had started, not completed as io_uring_enter(2) says;
 * the cases that depend on the documented behaviour require a 6.16
 * kernel (see iou_drain_holds_later_until_done()).
 *
 * Timing: the timeout case expires after 20 ms; the drained NOP must not
 * complete before that (measured from submission).  "Nothing completes"
 * is checked over a quiet window (IOU_QUIET_MS).
 */
#include "iou.h"
#include "iou_modes.h"
#include "iou_versions.h"

FIXTURE(drain) {
	struct iou_ring r;
	int pa[2], pb[2];
};

FIXTURE_VARIANT(drain) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(drain, plain) { .flags = 0 };
FIXTURE_VARIANT_ADD(drain, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
FIXTURE_VARIANT_ADD(drain, sqpoll) { .flags = IORING_SETUP_SQPOLL };

FIXTURE_SETUP(drain)
{
	self->pa[0] = self->pa[1] = self->pb[0] = self->pb[1] = -1;
	IOU_RING_INIT_MODE(&self->r, 32, variant->flags);
	ASSERT_SYSOK(pipe2(self->pa, O_CLOEXEC));
	ASSERT_SYSOK(pipe2(self->pb, O_CLOEXEC));
}

FIXTURE_TEARDOWN(drain)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++) {
		if (self->pa[i] >= 0)
			close(self->pa[i]);
		if (self->pb[i] >= 0)
			close(self->pb[i]);
	}
}

static void pipe_read(struct iou_ring *r, int fd, void *buf, unsigned int len,
		      __u64 ud, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_read(sqe, fd, buf, len, 0);
	sqe->user_data = ud;
	sqe->flags = (__u8)flags;
}

TEST_F(drain, drained_request_waits_for_pending_read)
{
	char buf[4];

	pipe_read(&self->r, self->pa[0], buf, sizeof(buf), 1, 0);
	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, write(self->pa[1], "data", 4));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0));
}

TEST_F(drain, requests_after_drained_one_wait_for_earlier_requests)
{
	unsigned int pos[4];
	char buf[4];

	pipe_read(&self->r, self->pa[0], buf, sizeof(buf), 1, 0);
	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	iou_queue_nop(&self->r, 3, 0);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	/* the drained NOP cannot start, so neither can 3 and 4 */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, write(self->pa[1], "data", 4));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, 4), IOU_CQE(2, 0),
			   IOU_CQE(3, 0), IOU_CQE(4, 0));
	ASSERT_LT(pos[0], pos[1]);
	ASSERT_LT(pos[0], pos[2]);
	ASSERT_LT(pos[0], pos[3]);
}

TEST_F(drain, requests_after_drained_one_wait_for_its_completion)
{
	unsigned int pos[4];
	char buf[4];

	REQUIRE_DRAIN_HOLDS_LATER_UNTIL_DONE();
	pipe_read(&self->r, self->pa[0], buf, sizeof(buf), 1, 0);
	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	iou_queue_nop(&self->r, 3, 0);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, write(self->pa[1], "data", 4));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, 4), IOU_CQE(2, 0),
			   IOU_CQE(3, 0), IOU_CQE(4, 0));
	ASSERT_LT(pos[0], pos[1]);
	ASSERT_LT(pos[1], pos[2]);
	ASSERT_LT(pos[1], pos[3]);
}

TEST_F(drain, drained_request_with_nothing_pending_runs_at_once)
{
	iou_queue_nop(&self->r, 1, IOSQE_IO_DRAIN);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
}

TEST_F(drain, completed_earlier_requests_come_first)
{
	iou_queue_nop(&self->r, 1, 0);
	iou_queue_nop(&self->r, 2, 0);
	iou_queue_nop(&self->r, 3, IOSQE_IO_DRAIN);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(3, 0));
}

TEST_F(drain, drained_request_waits_for_timeout_expiry)
{
	struct __kernel_timespec ts = iou_ts_ms(20);
	struct io_uring_sqe *sqe;
	uint64_t start = iou_now_ns();

	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 1;
	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ETIME), IOU_CQE(2, 0));
	ASSERT_LE(20, iou_ms_since(start));
}

TEST_F(drain, consecutive_drains_each_wait_for_what_came_before)
{
	unsigned int pos[4];
	char a[2], b[2];

	pipe_read(&self->r, self->pa[0], a, sizeof(a), 1, 0);
	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	pipe_read(&self->r, self->pb[0], b, sizeof(b), 3, 0);
	iou_queue_nop(&self->r, 4, IOSQE_IO_DRAIN);
	ASSERT_EQ(4, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	/* pb is readable already, but read 3 may not start before drain 2 */
	ASSERT_EQ(2, write(self->pb[1], "bb", 2));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(2, write(self->pa[1], "aa", 2));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, 2), IOU_CQE(2, 0),
			   IOU_CQE(3, 2), IOU_CQE(4, 0));
	ASSERT_LT(pos[0], pos[1]);
	ASSERT_LT(pos[1], pos[3]);
	ASSERT_LT(pos[2], pos[3]);
	/* before 6.16, read 3 started with (not after) drain 2 */
	if (iou_drain_holds_later_until_done()) {
		ASSERT_LT(pos[1], pos[2]);
	}
}

TEST_F(drain, request_after_blocking_drained_request_waits_for_it)
{
	char buf[3];

	REQUIRE_DRAIN_HOLDS_LATER_UNTIL_DONE();
	iou_queue_nop(&self->r, 1, 0);
	pipe_read(&self->r, self->pa[0], buf, sizeof(buf), 2, IOSQE_IO_DRAIN);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	/* the drained read started and blocks; NOP 3 must wait for it */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(3, write(self->pa[1], "abc", 3));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 3), IOU_CQE(3, 0));
}

TEST_HARNESS_MAIN
