// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQ_REWIND (7.0): every io_uring_enter() submits to_submit
 * SQEs starting at slot 0 of the SQE array; the SQ head and tail are not
 * used (the kernel never moves the head):
 *  - SQEs in slots 0..n-1 are submitted in that order, whatever the tail
 *    says, and the next call starts at slot 0 again;
 *  - to_submit beyond the ring is cut to the ring size;
 *  - a 128-byte SQE on an SQE_MIXED rewind ring takes slots 0 and 1;
 *  - the flag needs IORING_SETUP_NO_SQARRAY and refuses SQPOLL (EINVAL).
 */
#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_SQ_REWIND | IORING_SETUP_NO_SQARRAY);

#define REWIND	(IORING_SETUP_SQ_REWIND | IORING_SETUP_NO_SQARRAY)

FIXTURE(rewind) {
	struct iou_ring r;
};

FIXTURE_SETUP(rewind)
{
	ASSERT_RES(0, iou_ring_init(&self->r, 4, REWIND));
	ASSERT_EQ(REWIND, self->r.params.flags & REWIND);
	ASSERT_EQ(4, self->r.sq_entries);
}

FIXTURE_TEARDOWN(rewind)
{
	iou_ring_exit(&self->r);
}

/* a NOP in SQE slot i */
static void nop_at(struct iou_ring *r, unsigned int i, __u64 ud)
{
	memset(&r->sqes[i], 0, sizeof(r->sqes[i]));
	iou_prep_nop(&r->sqes[i], ud);
}

TEST_F(rewind, each_call_starts_at_slot_zero)
{
	nop_at(&self->r, 0, 10);
	nop_at(&self->r, 1, 11);
	nop_at(&self->r, 2, 12);
	/* the tail is not looked at: it stays 0 */
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_ktail));
	ASSERT_EQ(3, iou_enter(&self->r, 3, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(10, 0), IOU_CQE(11, 0), IOU_CQE(12, 0));
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_khead));

	/* again from slot 0: only new contents there */
	nop_at(&self->r, 0, 20);
	nop_at(&self->r, 1, 21);
	ASSERT_EQ(2, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(20, 0), IOU_CQE(21, 0));
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_khead));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(rewind, to_submit_is_cut_to_the_ring_size)
{
	for (unsigned int i = 0; i < 4; i++)
		nop_at(&self->r, i, 30 + i);
	ASSERT_EQ(4, iou_enter(&self->r, 64, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(30, 0), IOU_CQE(31, 0), IOU_CQE(32, 0),
			IOU_CQE(33, 0));
}

TEST_F(rewind, zero_to_submit_submits_nothing)
{
	nop_at(&self->r, 0, 40);
	ASSERT_EQ(0, iou_enter(&self->r, 0, 0, 0, NULL, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST(mixed_rewind_ring_takes_a_128_byte_sqe_from_slot_zero)
{
	struct iou_ring r;

	REQUIRE_SETUP_FLAGS(REWIND | IORING_SETUP_SQE_MIXED);
	REQUIRE_OPCODE(IORING_OP_NOP128);
	ASSERT_RES(0, iou_ring_init(&r, 4, REWIND | IORING_SETUP_SQE_MIXED));
	memset(r.sqes, 0, 3 * sizeof(*r.sqes));
	iou_prep_nop(&r.sqes[0], 50);
	r.sqes[0].opcode = IORING_OP_NOP128;
	iou_prep_nop(&r.sqes[2], 51);
	/* three entries: the 128-byte NOP in slots 0-1, a NOP in slot 2 */
	ASSERT_EQ(3, iou_enter(&r, 3, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&r, IOU_CQE(50, 0), IOU_CQE(51, 0));
	iou_ring_exit(&r);
}

TEST(rewind_needs_no_sqarray_and_refuses_sqpoll)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQ_REWIND;
	ASSERT_SYSERR(EINVAL, sys_io_uring_setup(4, &p));
	memset(&p, 0, sizeof(p));
	p.flags = REWIND | IORING_SETUP_SQPOLL;
	ASSERT_SYSERR(EINVAL, sys_io_uring_setup(4, &p));
}

TEST_HARNESS_MAIN
