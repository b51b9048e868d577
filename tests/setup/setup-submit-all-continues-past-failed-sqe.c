// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SUBMIT_ALL: an SQE that fails before it is issued (unknown
 * opcode, invalid SQE flag bit) no longer ends the submission batch.
 * With the flag, io_uring_enter() consumes and counts every SQE and each
 * gets its CQE.  Without it, submission stops after the failed
 * SQE: the count includes the failed one, the SQEs behind it stay in the
 * SQ and are submitted by the next io_uring_enter().  (Which CQE comes
 * first is not part of the contract: older kernels post the failed one
 * ahead of the batch's inline completions, so CQEs are matched by
 * user_data.)
 */
#include "iou.h"

/* NOP 1, <bad> 2, NOP 3, NOP 4 */
static void queue_batch(struct iou_ring *r, bool bad_flags)
{
	struct io_uring_sqe *sqe;

	iou_prep_nop(iou_get_sqe(r), 1);
	sqe = iou_get_sqe(r);
	iou_prep_nop(sqe, 2);
	if (bad_flags)
		sqe->flags = 0x80;	/* no IOSQE_* bit 7 */
	else
		sqe->opcode = 0xff;	/* no such opcode */
	iou_prep_nop(iou_get_sqe(r), 3);
	iou_prep_nop(iou_get_sqe(r), 4);
	iou_sq_flush(r);
}

FIXTURE(ring) {
	struct iou_ring r;
	bool up;
};

FIXTURE_VARIANT(ring) {
	bool bad_flags;
};

FIXTURE_VARIANT_ADD(ring, unknown_opcode) { .bad_flags = false };
FIXTURE_VARIANT_ADD(ring, unknown_sqe_flag) { .bad_flags = true };

FIXTURE_SETUP(ring)
{
}

FIXTURE_TEARDOWN(ring)
{
	if (self->up)
		iou_ring_exit(&self->r);
}

TEST_F(ring, with_submit_all_every_sqe_is_submitted)
{
	struct iou_cqe cqe[4];

	REQUIRE_SETUP_FLAG(IORING_SETUP_SUBMIT_ALL);
	ASSERT_RES(0, iou_ring_init(&self->r, 8, IORING_SETUP_SUBMIT_ALL));
	self->up = true;
	queue_batch(&self->r, variant->bad_flags);
	ASSERT_RES(4, iou_enter(&self->r, 4, 0, 0, NULL, 0));
	ASSERT_EQ(4, *self->r.sq_khead);
	ASSERT_EQ(4, iou_reap(&self->r, cqe, 4, IOU_WAIT_MS));
	iou_cqe_sort(cqe, 4);
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ(i + 1, cqe[i].user_data);
		ASSERT_RES(i == 1 ? -EINVAL : 0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
	}
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(ring, without_submit_all_submission_stops_after_failed_sqe)
{
	struct iou_cqe cqe[4];

	ASSERT_RES(0, iou_ring_init(&self->r, 8, 0));
	self->up = true;
	queue_batch(&self->r, variant->bad_flags);
	/* the failed SQE is consumed and counted, the rest wait */
	ASSERT_RES(2, iou_enter(&self->r, 4, 0, 0, NULL, 0));
	ASSERT_EQ(2, *self->r.sq_khead);
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	iou_cqe_sort(cqe, 2);
	ASSERT_EQ(1, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(2, cqe[1].user_data);
	ASSERT_RES(-EINVAL, cqe[1].res);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	/* the next enter picks up where the last one stopped */
	ASSERT_RES(2, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	iou_cqe_sort(cqe, 2);
	ASSERT_EQ(3, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(4, cqe[1].user_data);
	ASSERT_RES(0, cqe[1].res);
}

TEST_F(ring, submit_all_with_several_failures)
{
	struct iou_cqe cqe[8];
	struct io_uring_sqe *sqe;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SUBMIT_ALL);
	ASSERT_RES(0, iou_ring_init(&self->r, 8, IORING_SETUP_SUBMIT_ALL));
	self->up = true;
	/* every other SQE fails */
	for (unsigned int i = 0; i < 8; i++) {
		sqe = iou_get_sqe(&self->r);
		iou_prep_nop(sqe, 0x100 + i);
		if (i % 2 && variant->bad_flags)
			sqe->flags = 0x80;
		else if (i % 2)
			sqe->opcode = IORING_OP_LAST;
	}
	ASSERT_EQ(8, iou_submit(&self->r));
	ASSERT_EQ(8, iou_reap(&self->r, cqe, 8, IOU_WAIT_MS));
	iou_cqe_sort(cqe, 8);
	for (unsigned int i = 0; i < 8; i++) {
		ASSERT_EQ(0x100 + i, cqe[i].user_data);
		ASSERT_RES(i % 2 ? -EINVAL : 0, cqe[i].res);
	}
}

TEST_HARNESS_MAIN
