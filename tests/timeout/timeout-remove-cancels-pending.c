// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_TIMEOUT_REMOVE (no flags) finds a pending timeout by its
 * user_data and cancels it: the remove completes with 0, the timeout
 * with -ECANCELED.  It finds pure and counting timeouts alike, one per
 * request when several share a user_data, and -ENOENT when nothing
 * matches: an unknown user_data, a timeout that already expired or was
 * already removed, or a pending request that is not a timeout.
 */
#include <poll.h>

#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
	struct __kernel_timespec far;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->far = iou_ts_ms(10000);
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

static void arm(struct iou_ring *r, const struct __kernel_timespec *ts,
		unsigned int count, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, ts, count, 0);
	sqe->user_data = ud;
}

static void remove_ud(struct iou_ring *r, __u64 target, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout_remove(sqe, target, 0);
	sqe->user_data = ud;
}

TEST_F(ring, removes_a_pending_timeout)
{
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 0, 0x10);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	remove_ud(&self->r, 0x10, 0x11);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x11, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 0x10, -ECANCELED, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, removes_a_counting_timeout)
{
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 5, 0x12);
	ASSERT_EQ(1, iou_submit(&self->r));
	remove_ud(&self->r, 0x12, 0x13);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x13, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 0x12, -ECANCELED, 0);
}

TEST_F(ring, unknown_user_data_is_enoent)
{
	struct iou_cqe cqe;

	remove_ud(&self->r, 0x999, 0x14);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x14, -ENOENT, 0);
}

TEST_F(ring, expired_timeout_is_enoent)
{
	struct __kernel_timespec zero = { 0, 0 };
	struct iou_cqe cqe;

	arm(&self->r, &zero, 0, 0x15);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x15, -ETIME, 0);
	remove_ud(&self->r, 0x15, 0x16);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x16, -ENOENT, 0);
}

TEST_F(ring, second_remove_is_enoent)
{
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 0, 0x17);
	ASSERT_EQ(1, iou_submit(&self->r));
	remove_ud(&self->r, 0x17, 0x18);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x18, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 0x17, -ECANCELED, 0);
	remove_ud(&self->r, 0x17, 0x19);
	ASSERT_EQ(1, iou_submit_reap(&self->r, cqe, 1));
	ASSERT_CQE_AT(cqe, 0, 0x19, -ENOENT, 0);
}

/* two timeouts share a user_data: each remove takes exactly one */
TEST_F(ring, removes_one_timeout_per_request)
{
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 0, 0x20);
	arm(&self->r, &self->far, 0, 0x20);
	ASSERT_EQ(2, iou_submit(&self->r));
	for (int i = 0; i < 2; i++) {
		remove_ud(&self->r, 0x20, 0x21);
		ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
		ASSERT_CQE_UD(cqe, 2, 0x21, 0, 0);
		ASSERT_CQE_UD(cqe, 2, 0x20, -ECANCELED, 0);
		ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	}
	remove_ud(&self->r, 0x20, 0x21);
	ASSERT_EQ(1, iou_submit_reap(&self->r, cqe, 1));
	ASSERT_CQE_AT(cqe, 0, 0x21, -ENOENT, 0);
}

/* TIMEOUT_REMOVE only looks at timeouts */
TEST_F(ring, pending_non_timeout_request_is_enoent)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, fds[0], POLLIN);
	sqe->user_data = 0x22;
	ASSERT_EQ(1, iou_submit(&self->r));
	remove_ud(&self->r, 0x22, 0x23);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x23, -ENOENT, 0);
	/* the poll is untouched */
	ASSERT_EQ(1, write(fds[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x22, POLLIN, 0);
	close(fds[0]);
	close(fds[1]);
}

/* a remove in the same batch, after the timeout, finds it */
TEST_F(ring, remove_in_the_same_batch_after_the_timeout)
{
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 0, 0x24);
	remove_ud(&self->r, 0x24, 0x25);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x25, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 0x24, -ECANCELED, 0);
}

/* keys that differ only above bit 31 name different timeouts */
TEST_F(ring, user_data_is_matched_in_all_64_bits)
{
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 0, IOU_UD_HIGH(1));
	arm(&self->r, &self->far, 0, IOU_UD_HIGH(2));
	ASSERT_EQ(2, iou_submit(&self->r));
	remove_ud(&self->r, IOU_UD_HIGH(2), 0x11);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x11, 0, 0);
	ASSERT_CQE_UD(cqe, 2, IOU_UD_HIGH(2), -ECANCELED, 0);
	remove_ud(&self->r, IOU_UD_HIGH(3), 0x12);
	ASSERT_EQ(1, iou_submit_reap(&self->r, cqe, 1));
	ASSERT_CQE_AT(cqe, 0, 0x12, -ENOENT, 0);
	/* the other one is still armed */
	remove_ud(&self->r, IOU_UD_HIGH(1), 0x13);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x13, 0, 0);
	ASSERT_CQE_UD(cqe, 2, IOU_UD_HIGH(1), -ECANCELED, 0);
}

TEST_HARNESS_MAIN
