// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_ASYNC_CANCEL_OP (6.6) matches pending requests by opcode, given
 * in sqe->len, instead of user_data: the first match is cancelled (res
 * 0), or all of them with CANCEL_ALL (res = count, 0 for none); -ENOENT
 * when no pending request has that opcode.  Combined with
 * IORING_ASYNC_CANCEL_USERDATA or IORING_ASYNC_CANCEL_FD, every key must
 * match.  Requests of other opcodes are left alone.
 *
 * A kernel that accepts IORING_ASYNC_CANCEL_OP must honour it: Debian's
 * 6.1.192 accepts the flag (stable 6.1.165 took "io_uring/cancel: support
 * opcode based lookup and cancelation") but its poll and timeout
 * cancellation still match by user_data alone, so every case here fails
 * there (listed in tests/known-issues).  Where a cancel misses, the
 * rest of its CQEs are waited for only briefly (iou_submit_reap_cancel),
 * so a failing case ends at once.
 */
#include <poll.h>

#include "iou.h"
#define IOU_CANCEL_RING_REQUIRES REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_OP)
#include "iou_cancel.h"

static void q_read(struct iou_ring *r, int fd, char *buf, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_read(sqe, fd, buf, 8, 0);
	sqe->user_data = ud;
}

static struct io_uring_sqe *q_cancel_op(struct iou_ring *r, int op, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_cancel(sqe, 0, flags | IORING_ASYNC_CANCEL_OP);
	sqe->len = (unsigned int)op;
	sqe->user_data = 0xcc;
	return sqe;
}

TEST_F(ring, cancels_a_request_of_that_opcode_only)
{
	struct iou_cqe cqe[2];

	iou_queue_poll(&self->r, self->a[0], 1);
	q_read(&self->r, self->b[0], self->buf, 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel_op(&self->r, IORING_OP_READ, 0);
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ECANCELED, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	q_cancel_op(&self->r, IORING_OP_POLL_ADD, 0);
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
}

TEST_F(ring, cancels_timeouts_by_opcode)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &self->far, 0, 0);
	sqe->user_data = 3;
	iou_queue_poll(&self->r, self->a[0], 1);
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel_op(&self->r, IORING_OP_TIMEOUT, 0);
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 3, -ECANCELED, 0);
	q_cancel_op(&self->r, IORING_OP_POLL_ADD, 0);
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
}

TEST_F(ring, all_cancels_every_request_of_that_opcode)
{
	struct iou_cqe cqe[4];

	iou_queue_poll(&self->r, self->a[0], 1);
	iou_queue_poll(&self->r, self->b[0], 2);
	iou_queue_poll(&self->r, self->a[0], 3);
	q_read(&self->r, self->b[0], self->buf, 4);
	ASSERT_EQ(4, iou_submit(&self->r));
	q_cancel_op(&self->r, IORING_OP_POLL_ADD, IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(4, iou_submit_reap_cancel(&self->r, cqe, 4, 0xcc, IORING_ASYNC_CANCEL_ALL));
	ASSERT_CQE_UD(cqe, 4, 0xcc, 3, 0);
	ASSERT_CQE_UD(cqe, 4, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 3, -ECANCELED, 0);
	/* the read survived: data completes it */
	ASSERT_EQ(2, write(self->b[1], "hi", 2));
	ASSERT_EQ(1, iou_reap(&self->r, cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 4, 2, 0);
}

TEST_F(ring, no_request_of_that_opcode_is_enoent_or_zero_with_all)
{
	struct iou_cqe cqe[2];

	iou_queue_poll(&self->r, self->a[0], 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel_op(&self->r, IORING_OP_READ, 0);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	q_cancel_op(&self->r, IORING_OP_READ, IORING_ASYNC_CANCEL_ALL);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, 0);
	q_cancel_op(&self->r, IORING_OP_POLL_ADD, 0);
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
}

TEST_F(ring, opcode_and_userdata_must_both_match)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	iou_queue_poll(&self->r, self->a[0], 1);
	q_read(&self->r, self->b[0], self->buf, 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	/* user_data 2 is the read, not a poll */
	sqe = q_cancel_op(&self->r, IORING_OP_POLL_ADD, IORING_ASYNC_CANCEL_USERDATA);
	sqe->addr = 2;
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	sqe = q_cancel_op(&self->r, IORING_OP_READ, IORING_ASYNC_CANCEL_USERDATA);
	sqe->addr = 2;
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ECANCELED, 0);
	q_cancel_op(&self->r, IORING_OP_POLL_ADD, 0);
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
}

TEST_F(ring, opcode_and_fd_must_both_match)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	iou_queue_poll(&self->r, self->a[0], 1);
	q_read(&self->r, self->b[0], self->buf, 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	/* there is a read, and a request on a[0], but no read on a[0] */
	sqe = q_cancel_op(&self->r, IORING_OP_READ, IORING_ASYNC_CANCEL_FD);
	sqe->fd = self->a[0];
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	sqe = q_cancel_op(&self->r, IORING_OP_READ, IORING_ASYNC_CANCEL_FD);
	sqe->fd = self->b[0];
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ECANCELED, 0);
	q_cancel_op(&self->r, IORING_OP_POLL_ADD, 0);
	ASSERT_EQ(2, iou_submit_reap_cancel(&self->r, cqe, 2, 0xcc, 0));
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
}

TEST_HARNESS_MAIN
