// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_ASYNC_CANCEL_ALL (5.19) cancels every pending request that
 * matches the key instead of the first, and the cancel's res is how
 * many it cancelled (0, not -ENOENT, when none matched).
 * IORING_ASYNC_CANCEL_ANY (5.19) matches every pending request of the
 * ring, ignoring sqe->addr, and also returns the count.  Requests that
 * do not match are left pending.  ANY cannot be combined with FD or OP
 * (-EINVAL).
 */
#include <poll.h>

#include "iou.h"
#define IOU_CANCEL_RING_REQUIRES REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_ALL)
#include "iou_cancel.h"

static void q_cancel(struct iou_ring *r, __u64 target, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_cancel(sqe, target, flags);
	sqe->user_data = 0xcc;
}

/* poll (ud) on b[0] is still pending: data makes it complete */
#define ASSERT_STILL_PENDING(self, ud) do {				\
	struct iou_cqe __c;						\
	ASSERT_EQ(1, write((self)->b[1], "x", 1));			\
	ASSERT_EQ(1, iou_reap(&(self)->r, &__c, 1, IOU_WAIT_MS));	\
	ASSERT_CQE_AT(&__c, 0, (ud), POLLIN, 0);			\
	} while (0)

TEST_F(ring, all_cancels_every_match_and_returns_the_count)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[5];

	/* four kinds of pending request share user_data 5 */
	iou_queue_poll(&self->r, self->a[0], 5);
	iou_queue_poll(&self->r, self->a[0], 5);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->a[0], self->buf, sizeof(self->buf), 0);
	sqe->user_data = 5;
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &self->far, 0, 0);
	sqe->user_data = 5;
	iou_queue_poll(&self->r, self->b[0], 6);
	ASSERT_EQ(5, iou_submit(&self->r));
	q_cancel(&self->r, 5, IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(5, iou_submit_reap(&self->r, cqe, 5));
	ASSERT_CQE_UD(cqe, 5, 0xcc, 4, 0);
	ASSERT_EQ(4, iou_cqe_count(cqe, 5, 5));
	for (int i = 0; i < 5; i++)
		if (cqe[i].user_data == 5)
			ASSERT_CQE_AT(cqe, i, 5, -ECANCELED, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_STILL_PENDING(self, 6);
}

TEST_F(ring, all_without_a_match_returns_zero)
{
	struct iou_cqe cqe;

	iou_queue_poll(&self->r, self->b[0], 6);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel(&self->r, 5, IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0xcc, 0, 0);
	ASSERT_STILL_PENDING(self, 6);
}

TEST_F(ring, any_cancels_everything_pending_and_returns_the_count)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[4];

	iou_queue_poll(&self->r, self->a[0], 1);
	iou_queue_poll(&self->r, self->b[0], 2);
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &self->far, 0, 0);
	sqe->user_data = 3;
	ASSERT_EQ(3, iou_submit(&self->r));
	/* addr names nothing pending: ANY ignores it */
	q_cancel(&self->r, 0x999, IORING_ASYNC_CANCEL_ANY);
	ASSERT_EQ(4, iou_submit_reap(&self->r, cqe, 4));
	ASSERT_CQE_UD(cqe, 4, 0xcc, 3, 0);
	ASSERT_CQE_UD(cqe, 4, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 3, -ECANCELED, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, any_with_nothing_pending_returns_zero)
{
	struct iou_cqe cqe;

	q_cancel(&self->r, 0, IORING_ASYNC_CANCEL_ANY);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0xcc, 0, 0);
}

/* ANY|ALL is the same as ANY */
TEST_F(ring, any_with_all_is_any)
{
	struct iou_cqe cqe[3];

	iou_queue_poll(&self->r, self->a[0], 1);
	iou_queue_poll(&self->r, self->b[0], 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel(&self->r, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_UD(cqe, 3, 0xcc, 2, 0);
	ASSERT_CQE_UD(cqe, 3, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
}

TEST_F(ring, any_with_fd_or_op_einval)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;

	iou_queue_poll(&self->r, self->b[0], 6);
	ASSERT_EQ(1, iou_submit(&self->r));
	sqe = iou_get_sqe(&self->r);
	iou_prep_cancel_fd(sqe, self->b[0], IORING_ASYNC_CANCEL_ANY);
	sqe->user_data = 0xcc;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0xcc, -EINVAL, 0);
	if (iou_have_cancel_flags(IORING_ASYNC_CANCEL_OP, NULL, 0) == IOU_PRESENT) {
		q_cancel(&self->r, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_OP);
		ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
		ASSERT_CQE_AT(&cqe, 0, 0xcc, -EINVAL, 0);
	}
	ASSERT_STILL_PENDING(self, 6);
}

/* a second ALL finds nothing left: every match went with the first */
TEST_F(ring, second_all_finds_nothing)
{
	struct iou_cqe cqe[3];

	iou_queue_poll(&self->r, self->a[0], 5);
	iou_queue_poll(&self->r, self->a[0], 5);
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel(&self->r, 5, IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_UD(cqe, 3, 0xcc, 2, 0);
	q_cancel(&self->r, 5, IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(1, iou_submit_reap(&self->r, cqe, 1));
	ASSERT_CQE_AT(cqe, 0, 0xcc, 0, 0);
}

TEST_HARNESS_MAIN
