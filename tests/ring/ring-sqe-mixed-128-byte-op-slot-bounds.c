// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQE_MIXED (6.19): a 128-byte opcode (NOP128) on a ring of
 * 64-byte SQEs takes two physically contiguous SQEs, the one the SQ array
 * names and the next, and uses up two SQ ring positions (the second
 * array entry is skipped).  So it is refused with -EINVAL only when the
 * SQE it names is the physically last one, wherever its ring position
 * is: the last ring position naming SQE 0 is fine, ring position 0
 * naming the last SQE is not.
 *
 * 6.19.0 to 6.19.8 checked the ring position (the logical head) instead
 * of the SQE's index: through the SQ array, a 128-byte op in the last SQE
 * was accepted and read 64 bytes past the SQE array, and one at the last
 * ring position was refused although its SQEs are contiguous.  Fixed by
 * 6f02c6b19603 (7.0, stable 6.19.9).  With 4 entries the SQE array fills
 * a quarter of its page, so the overrun reads the same page: no crash.
 *
 * Proven (make vm-test, Debian kernels): FAIL on 6.19.6 (the last ring
 * position naming SQE 0 is -EINVAL; the last SQE is accepted, both ring
 * positions used); pass on 7.2.13.
 */
#include "iou.h"

IOU_REQUIRES(.setup_flags = IOU_NEXT_SETUP_SQE_MIXED,
	     .fixes = IOU_FIXES(IOU_FIX("6f02c6b19603", "CVE-2026-43442", "",
			"io_uring: fix physical SQE bounds check for SQE_MIXED 128-byte ops")));

#define ENTRIES	4
#define LAST	(ENTRIES - 1)

FIXTURE(mixed) {
	struct iou_ring r;
	unsigned int tail;
};

FIXTURE_SETUP(mixed)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, ENTRIES, IOU_NEXT_SETUP_SQE_MIXED));
	ASSERT_EQ(ENTRIES, self->r.sq_entries);
	ASSERT_NE(NULL, self->r.sq_array);
	self->tail = *self->r.sq_ktail;
}

FIXTURE_TEARDOWN(mixed)
{
	iou_ring_exit(&self->r);
}

/* fill SQE slot with a NOP (op: IORING_OP_NOP or NOP128); a NOP128's second half is zeroed */
static void put_nop(struct iou_ring *r, unsigned int slot, int op, __u64 ud)
{
	struct io_uring_sqe *sqe = &r->sqes[slot];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = (__u8)op;
	sqe->user_data = ud;
	if (op == IOU_NEXT_OP_NOP128 && slot + 1 < ENTRIES)
		memset(sqe + 1, 0, sizeof(*sqe));
}

/* publish ring positions naming these SQE slots; submit them all */
static int publish(struct iou_ring *r, unsigned int *tail, const unsigned int *slots,
		   unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		r->sq_array[(*tail)++ & r->sq_mask] = slots[i];
	iou_store_release(r->sq_ktail, *tail);
	return iou_enter(r, n, 0, 0, NULL, 0);
}

TEST_F(mixed, nop128_in_contiguous_sqes_completes)
{
	static const unsigned int slots[] = { 0, 1 };

	put_nop(&self->r, 0, IOU_NEXT_OP_NOP128, 1);
	ASSERT_LE(1, publish(&self->r, &self->tail, slots, 2));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* both ring positions are used up */
	ASSERT_EQ(self->tail, iou_load_acquire(self->r.sq_khead));
}

TEST_F(mixed, nop128_at_the_last_ring_position_naming_sqe_0_completes)
{
	static const unsigned int first[] = { 1, 2, 3 };
	/* the second position (0 after the wrap) would be a NOP if run on its own */
	static const unsigned int wrap[] = { 0, 2 };

	for (unsigned int i = 0; i < 3; i++)
		put_nop(&self->r, first[i], IORING_OP_NOP, 10 + i);
	ASSERT_EQ(3, publish(&self->r, &self->tail, first, 3));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(10, 0), IOU_CQE(11, 0), IOU_CQE(12, 0));

	put_nop(&self->r, 0, IOU_NEXT_OP_NOP128, 1);
	put_nop(&self->r, 2, IORING_OP_NOP, 2);
	ASSERT_EQ(LAST, (self->tail & self->r.sq_mask));
	ASSERT_LE(1, publish(&self->r, &self->tail, wrap, 2));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(self->tail, iou_load_acquire(self->r.sq_khead));
}

TEST_F(mixed, nop128_in_the_last_sqe_is_einval)
{
	/* ring position 0 names the last SQE; position 1 a plain NOP */
	static const unsigned int slots[] = { LAST, 1 };

	put_nop(&self->r, LAST, IOU_NEXT_OP_NOP128, 1);
	put_nop(&self->r, 1, IORING_OP_NOP, 2);
	/* a request refused at submission ends the batch: one position used */
	ASSERT_EQ(1, publish(&self->r, &self->tail, slots, 2));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EINVAL));
	ASSERT_EQ(self->tail - 1, iou_load_acquire(self->r.sq_khead));
	/* the plain NOP after it is still there to submit */
	ASSERT_EQ(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
