// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_ASYNC_CANCEL by user_data (sqe->addr): the first pending
 * request with that user_data is cancelled, whatever it is (poll, read
 * parked on poll, timeout): the cancel completes with 0 and the target
 * with -ECANCELED.  One request per cancel, unless CANCEL_ALL.  -ENOENT
 * when nothing matches: unknown user_data, a request already completed,
 * or one that comes later in the same submission.  IORING_ASYNC_CANCEL_USERDATA
 * (6.6) names this default key explicitly.  Bad SQE fields are -EINVAL.
 * Plain and DEFER_TASKRUN rings.
 */
#include <poll.h>

#include "iou.h"
#include "iou_cancel.h"

FIXTURE(ring) {
	struct iou_ring r;
	int fds[2];
	char buf[8];
};

FIXTURE_VARIANT(ring) {
	unsigned int setup_flags;
};

#define IOU_MODES_NO_SQPOLL
#define IOU_MODES_FIXTURE ring
#include "iou_modes.h"

FIXTURE_SETUP(ring)
{
	IOU_RING_INIT_MODE(&self->r, 16, variant->setup_flags);
	ASSERT_EQ(0, pipe(self->fds));
}

FIXTURE_TEARDOWN(ring)
{
	close(self->fds[0]);
	close(self->fds[1]);
	iou_ring_exit(&self->r);
}

static struct io_uring_sqe *q_cancel(struct iou_ring *r, __u64 target,
				     unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_cancel(sqe, target, flags);
	sqe->user_data = 0xcc;
	return sqe;
}

/* the cancel returns 0 and the target ud -ECANCELED */
#define ASSERT_CANCELS(r, ud) do {					\
	struct iou_cqe __c[2];						\
	ASSERT_EQ(2, iou_submit_reap((r), __c, 2));			\
	ASSERT_CQE_UD(__c, 2, 0xcc, 0, 0);				\
	ASSERT_CQE_UD(__c, 2, (ud), -ECANCELED, 0);			\
	} while (0)

TEST_F(ring, cancels_a_pending_poll)
{
	iou_queue_poll(&self->r, self->fds[0], 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 1, 0);
	ASSERT_CANCELS(&self->r, 1);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, cancels_a_read_waiting_for_data)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_read(sqe, self->fds[0], self->buf, sizeof(self->buf), 0);
	sqe->user_data = 2;
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 2, 0);
	ASSERT_CANCELS(&self->r, 2);
	/* the data written afterwards is not consumed by the dead read */
	ASSERT_EQ(1, write(self->fds[1], "z", 1));
	ASSERT_EQ(1, read(self->fds[0], self->buf, sizeof(self->buf)));
}

TEST_F(ring, cancels_a_pending_timeout)
{
	struct __kernel_timespec far = iou_ts_ms(10000);
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_timeout(sqe, &far, 0, 0);
	sqe->user_data = 3;
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 3, 0);
	ASSERT_CANCELS(&self->r, 3);
}

TEST_F(ring, unknown_user_data_is_enoent)
{
	iou_queue_poll(&self->r, self->fds[0], 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 0x777, 0);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	/* the pending poll was not touched */
	q_cancel(&self->r, 1, 0);
	ASSERT_CANCELS(&self->r, 1);
}

TEST_F(ring, completed_request_is_enoent)
{
	struct iou_cqe cqe;

	iou_prep_nop(iou_get_sqe(&self->r), 4);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 4, 0, 0);
	q_cancel(&self->r, 4, 0);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
}

/* requests are issued in SQ order: the target does not exist yet */
TEST_F(ring, target_later_in_the_same_batch_is_enoent)
{
	struct iou_cqe cqe;

	q_cancel(&self->r, 5, 0);
	iou_queue_poll(&self->r, self->fds[0], 5);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0xcc, -ENOENT, 0);
	q_cancel(&self->r, 5, 0);
	ASSERT_CANCELS(&self->r, 5);
}

TEST_F(ring, target_earlier_in_the_same_batch_is_found)
{
	iou_queue_poll(&self->r, self->fds[0], 6);
	q_cancel(&self->r, 6, 0);
	ASSERT_CANCELS(&self->r, 6);
}

TEST_F(ring, one_cancel_takes_one_of_several_matches)
{
	iou_queue_poll(&self->r, self->fds[0], 7);
	iou_queue_poll(&self->r, self->fds[0], 7);
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel(&self->r, 7, 0);
	ASSERT_CANCELS(&self->r, 7);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	q_cancel(&self->r, 7, 0);
	ASSERT_CANCELS(&self->r, 7);
	q_cancel(&self->r, 7, 0);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
}

TEST_F(ring, explicit_userdata_flag_matches_the_same_way)
{
	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_USERDATA);
	iou_queue_poll(&self->r, self->fds[0], 8);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 9, IORING_ASYNC_CANCEL_USERDATA);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	q_cancel(&self->r, 8, IORING_ASYNC_CANCEL_USERDATA);
	ASSERT_CANCELS(&self->r, 8);
}

TEST_F(ring, unknown_cancel_flags_einval)
{
	iou_queue_poll(&self->r, self->fds[0], 10);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 10, 1U << 6);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EINVAL);
	q_cancel(&self->r, 10, 1U << 31);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EINVAL);
	/* refused cancels did not touch the target */
	q_cancel(&self->r, 10, 0);
	ASSERT_CANCELS(&self->r, 10);
}

TEST_F(ring, off_or_splice_fd_in_einval)
{
	q_cancel(&self->r, 11, 0)->off = 1;
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EINVAL);
	q_cancel(&self->r, 11, 0)->splice_fd_in = 1;
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EINVAL);
}

/* keys that differ only above bit 31 name different requests */
TEST_F(ring, user_data_is_matched_in_all_64_bits)
{
	struct iou_cqe cqe;

	iou_queue_poll(&self->r, self->fds[0], IOU_UD_HIGH(1));
	iou_queue_poll(&self->r, self->fds[0], IOU_UD_HIGH(2));
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel(&self->r, IOU_UD_HIGH(2), 0);
	ASSERT_CANCELS(&self->r, IOU_UD_HIGH(2));
	q_cancel(&self->r, IOU_UD_HIGH(3), 0);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	/* the other one is still armed */
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, IOU_UD_HIGH(1), POLLIN, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
