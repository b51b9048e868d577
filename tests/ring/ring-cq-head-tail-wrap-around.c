// SPDX-License-Identifier: GPL-2.0
/*
 * The ring indexes are free-running 32-bit counters and a slot is the
 * index masked by ring_mask:
 *  - CQE number n (counting from ring creation) is written to CQ slot
 *    n & cq_mask, the CQ tail is n + 1 after it, and this holds lap after
 *    lap, also for batches that straddle the end of the ring;
 *  - SQ slot n & sq_mask is read for SQE number n, and the SQ head counts
 *    every consumed SQE;
 *  - the kernel treats the CQ ring as full exactly when tail - head equals
 *    the ring size, using the head the application published: one slot
 *    reaped is one more CQE posted without overflow.
 */
#include "iou.h"

#define LAPS	64

FIXTURE(wrap) {
	struct iou_ring r;
};

FIXTURE_VARIANT(wrap) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(wrap, cqe16) { .flags = 0 };
FIXTURE_VARIANT_ADD(wrap, cqe32) { .flags = IORING_SETUP_CQE32 };

FIXTURE_SETUP(wrap)
{
	if (variant->flags)
		REQUIRE_SETUP_FLAG(IORING_SETUP_CQE32);
	/* 2 SQ entries, 4 CQ entries: every batch of 3 straddles a wrap */
	ASSERT_EQ(0, iou_ring_init(&self->r, 2, variant->flags));
	ASSERT_EQ(4, self->r.cq_entries);
	ASSERT_EQ(3, self->r.cq_mask);
	ASSERT_EQ(1, self->r.sq_mask);
}

FIXTURE_TEARDOWN(wrap)
{
	iou_ring_exit(&self->r);
}

/* the raw slot i of the CQ array (32-byte entries count double) */
static struct io_uring_cqe *slot(struct iou_ring *r, unsigned int i)
{
	return &r->cqes[i << r->cqe_shift];
}

TEST_F(wrap, cqe_n_lands_in_slot_n_mod_size_lap_after_lap)
{
	unsigned int n = 0;

	for (unsigned int round = 0; round < LAPS * 4 / 3 + 1; round++) {
		unsigned int tail = iou_load_acquire(self->r.cq_ktail);

		ASSERT_EQ(n, tail);
		/* 3 CQEs from two enters: the SQ only holds 2 */
		iou_prep_nop(iou_get_sqe(&self->r), 1000 + n);
		iou_prep_nop(iou_get_sqe(&self->r), 1000 + n + 1);
		ASSERT_EQ(2, iou_submit(&self->r));
		iou_prep_nop(iou_get_sqe(&self->r), 1000 + n + 2);
		ASSERT_EQ(1, iou_submit(&self->r));
		ASSERT_EQ(n + 3, iou_load_acquire(self->r.cq_ktail));
		for (unsigned int i = 0; i < 3; i++) {
			struct io_uring_cqe *c = slot(&self->r, (n + i) & 3);

			ASSERT_EQ(1000 + n + i, c->user_data) TH_LOG("cqe %u", n + i);
			ASSERT_RES(0, c->res);
			ASSERT_EQ(0, c->flags);
		}
		n += 3;
		iou_store_release(self->r.cq_khead, n);
	}
	ASSERT_EQ(n, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_kflags) & IORING_SQ_CQ_OVERFLOW);
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

TEST_F(wrap, sqe_n_is_read_from_slot_n_mod_size)
{
	/* write straight into the slots, bypassing the helpers' bookkeeping */
	unsigned int tail = iou_load_acquire(self->r.sq_khead);

	for (unsigned int n = 0; n < 2 * LAPS; n++) {
		struct io_uring_sqe *sqe = &self->r.sqes[(tail & 1) << self->r.sqe_shift];

		memset(sqe, 0, sizeof(*sqe));
		iou_prep_nop(sqe, 5000 + n);
		self->r.sq_array[tail & 1] = tail & 1;
		iou_store_release(self->r.sq_ktail, ++tail);
		ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
		ASSERT_EQ(tail, iou_load_acquire(self->r.sq_khead));
		ASSERT_EQ(5000 + n, slot(&self->r, n & 3)->user_data);
		iou_store_release(self->r.cq_khead, n + 1);
	}
	self->r.sqe_head = self->r.sqe_tail = tail;
}

/* full means tail - head == size, with the head as published */
TEST_F(wrap, ring_is_full_at_exactly_size_unreaped_cqes)
{
	unsigned int base;

	/* start somewhere in the middle of a lap */
	for (unsigned int i = 0; i < 3; i++) {
		iou_prep_nop(iou_get_sqe(&self->r), i);
		ASSERT_EQ(1, iou_submit(&self->r));
	}
	iou_store_release(self->r.cq_khead, 3);
	base = 3;
	for (unsigned int i = 0; i < 4; i++) {
		iou_prep_nop(iou_get_sqe(&self->r), 100 + i);
		ASSERT_EQ(1, iou_submit(&self->r));
	}
	ASSERT_EQ(base + 4, iou_load_acquire(self->r.cq_ktail));
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_kflags) & IORING_SQ_CQ_OVERFLOW);
	/* reap one: exactly one more fits */
	iou_store_release(self->r.cq_khead, base + 1);
	iou_prep_nop(iou_get_sqe(&self->r), 104);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(base + 5, iou_load_acquire(self->r.cq_ktail));
	ASSERT_EQ(104, slot(&self->r, (base + 4) & 3)->user_data);
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_kflags) & IORING_SQ_CQ_OVERFLOW);
	/* and the next does not */
	iou_prep_nop(iou_get_sqe(&self->r), 105);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(base + 5, iou_load_acquire(self->r.cq_ktail));
	ASSERT_EQ(IORING_SQ_CQ_OVERFLOW,
		  iou_load_acquire(self->r.sq_kflags) & IORING_SQ_CQ_OVERFLOW);
}

TEST_HARNESS_MAIN
