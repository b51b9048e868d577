// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_DRAIN with multishot requests pending.  A multishot request is
 * complete only when it posts its final CQE (without IORING_CQE_F_MORE):
 * a request drained behind it waits for that, however many F_MORE CQEs
 * come meanwhile.  A multishot timeout with a repeat count (6.4) ends on
 * its own; a multishot poll (5.13) ends when cancelled (here through
 * IORING_REGISTER_SYNC_CANCEL, 6.0, since any SQE would itself be held
 * back by the drain).  A drained multishot poll is armed only after the
 * requests before it completed.
 *
 * Timing: the multishot timeout fires every 10 ms, three times; the
 * drained NOP must not complete before 30 ms from submission.
 */
#include <poll.h>
#include <sys/eventfd.h>

#include "iou.h"

FIXTURE(mshot) {
	struct iou_ring r;
	int efd;
	int p[2];
};

FIXTURE_SETUP(mshot)
{
	self->efd = -1;
	self->p[0] = self->p[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
	ASSERT_SYSOK(pipe2(self->p, O_CLOEXEC));
}

FIXTURE_TEARDOWN(mshot)
{
	iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
	if (self->p[0] >= 0) {
		close(self->p[0]);
		close(self->p[1]);
	}
}

static void poll_multi(FIXTURE_DATA(mshot) *self, __u64 ud, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_poll_multishot(sqe, self->efd, POLLIN);
	sqe->user_data = ud;
	sqe->flags = (__u8)flags;
}

/* each write is a wakeup of the (edge-triggered) multishot poll */
static void kick(struct __test_metadata *_metadata, int efd)
{
	ASSERT_SYSOK(eventfd_write(efd, 1));
}

TEST_F(mshot, drained_request_waits_for_last_cqe_of_multishot_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct io_uring_sqe *sqe;
	uint64_t start;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_MULTISHOT);
	start = iou_now_ns();
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &ts, 3, IORING_TIMEOUT_MULTISHOT);
	sqe->user_data = 1;
	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(1, -ETIME, IORING_CQE_F_MORE),
			IOU_CQE_F(1, -ETIME, IORING_CQE_F_MORE),
			IOU_CQE(1, -ETIME), IOU_CQE(2, 0));
	ASSERT_LE(30, iou_ms_since(start));
}

TEST_F(mshot, drained_request_waits_until_multishot_poll_is_cancelled)
{
	REQUIRE_POLL_MULTISHOT();
	REQUIRE_REGISTER_OP(IORING_REGISTER_SYNC_CANCEL);
	poll_multi(self, 1, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	kick(_metadata, self->efd);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(1, POLLIN, IORING_CQE_F_MORE));

	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	/* the poll keeps firing; the drained NOP keeps waiting */
	kick(_metadata, self->efd);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(1, POLLIN, IORING_CQE_F_MORE));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	ASSERT_RES(0, iou_sync_cancel_ud(&self->r, 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED), IOU_CQE(2, 0));
}

TEST_F(mshot, multishot_poll_after_drained_request_is_armed_after_it)
{
	REQUIRE_POLL_MULTISHOT();
	iou_queue_nop(&self->r, 1, IOSQE_IO_DRAIN);
	poll_multi(self, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	kick(_metadata, self->efd);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(2, POLLIN, IORING_CQE_F_MORE));
}

TEST_F(mshot, drained_multishot_poll_is_armed_only_after_earlier_requests)
{
	char buf[2];
	struct io_uring_sqe *sqe;

	REQUIRE_POLL_MULTISHOT();
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	poll_multi(self, 2, IOSQE_IO_DRAIN);
	ASSERT_EQ(2, iou_submit(&self->r));

	/* the eventfd is readable, but the poll is not armed yet */
	kick(_metadata, self->efd);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	/* armed after the read, it finds the eventfd readable at once */
	ASSERT_EQ(2, write(self->p[1], "ok", 2));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 2), IOU_CQE_F(2, POLLIN, IORING_CQE_F_MORE));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	kick(_metadata, self->efd);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(2, POLLIN, IORING_CQE_F_MORE));
}

TEST_HARNESS_MAIN
