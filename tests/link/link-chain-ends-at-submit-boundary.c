// SPDX-License-Identifier: GPL-2.0
/*
 * A link chain never spans two io_uring_enter submissions: the end of the
 * batch an enter call consumes terminates the chain even when its last SQE
 * carries IOSQE_IO_LINK.  So a failure at the end of one submission
 * cancels nothing in the next, a pending tail does not hold back the
 * next submission, and a to_submit smaller than the queued SQEs cuts a
 * chain in two independent chains.  A chain whose last member carries
 * the flag runs (and fails) like any other.  io_uring_enter returns the
 * number of SQEs consumed, every member of a chain counted.
 *
 * With SQPOLL the kernel thread, not the caller, decides where a batch
 * ends, so these cases use a plain ring.
 */
#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
	int p[2];
};

FIXTURE_SETUP(ring)
{
	self->p[0] = self->p[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	ASSERT_SYSOK(pipe2(self->p, O_CLOEXEC));
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
	if (self->p[0] >= 0) {
		close(self->p[0]);
		close(self->p[1]);
	}
}

static void queue_fail(struct iou_ring *r, __u64 ud, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_fail_enoent(sqe, ud);
	sqe->flags = (__u8)flags;
}

/* hand exactly n of the queued SQEs to the kernel */
static int enter_n(struct iou_ring *r, unsigned int n)
{
	iou_sq_flush(r);
	return iou_enter(r, n, 0, 0, NULL, 0);
}

TEST_F(ring, failure_at_end_of_submission_does_not_cancel_next_one)
{
	queue_fail(&self->r, 1, IOSQE_IO_LINK);
	ASSERT_EQ(1, enter_n(&self->r, 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT));

	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(1, enter_n(&self->r, 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
}

TEST_F(ring, pending_tail_does_not_hold_back_next_submission)
{
	char buf[8];
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_read(sqe, self->p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	ASSERT_EQ(1, enter_n(&self->r, 1));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	/* were it linked to the pending read, this NOP would wait for it */
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(1, enter_n(&self->r, 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));

	ASSERT_EQ(8, write(self->p[1], "12345678", 8));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 8));
}

TEST_F(ring, to_submit_cuts_a_chain_in_two)
{
	queue_fail(&self->r, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 3, 0);

	ASSERT_EQ(1, enter_n(&self->r, 1));
	ASSERT_EQ(1, *self->r.sq_khead);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT));
	/* the rest is a new chain [2 3], untouched by the failure of 1 */
	ASSERT_EQ(2, enter_n(&self->r, 2));
	ASSERT_EQ(3, *self->r.sq_khead);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0), IOU_CQE(3, 0));
}

TEST_F(ring, cut_chain_tail_is_independent_of_its_blocked_head)
{
	char buf[4];
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_read(sqe, self->p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 3, 0);

	/* [1 2] is one chain; 3 comes in a later submission on its own */
	ASSERT_EQ(2, enter_n(&self->r, 2));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, enter_n(&self->r, 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	ASSERT_EQ(4, write(self->p[1], "abcd", 4));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0));
}

TEST_F(ring, chain_with_link_flag_on_last_member_runs_in_order)
{
	for (int i = 1; i <= 4; i++)
		iou_queue_nop(&self->r, i, IOSQE_IO_LINK);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(3, 0),
			IOU_CQE(4, 0));
}

TEST_F(ring, chain_with_link_flag_on_last_member_still_breaks)
{
	iou_queue_nop(&self->r, 1, IOSQE_IO_LINK);
	queue_fail(&self->r, 2, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 3, IOSQE_IO_LINK);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, -ENOENT),
			IOU_CQE(3, -ECANCELED));
}

TEST_F(ring, dangling_chain_waits_for_its_own_members_only)
{
	char buf[2];
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	/* the batch ends inside the chain: [read nop] is still serialised */
	iou_prep_read(sqe, self->p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(2, write(self->p[1], "hi", 2));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 2), IOU_CQE(2, 0));
}

TEST_F(ring, enter_counts_every_member_of_every_chain)
{
	unsigned int pos[5];

	for (int i = 0; i < 5; i++)
		iou_queue_nop(&self->r, 10 + i, i != 2 && i != 4 ? IOSQE_IO_LINK : 0);
	/* chains [10 11 12] and [13 14]: five SQEs consumed */
	ASSERT_EQ(5, enter_n(&self->r, 5));
	ASSERT_EQ(5, *self->r.sq_khead);
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(10, 0), IOU_CQE(11, 0),
			   IOU_CQE(12, 0), IOU_CQE(13, 0), IOU_CQE(14, 0));
	ASSERT_LT(pos[0], pos[1]);
	ASSERT_LT(pos[1], pos[2]);
	ASSERT_LT(pos[3], pos[4]);
}

TEST_HARNESS_MAIN
