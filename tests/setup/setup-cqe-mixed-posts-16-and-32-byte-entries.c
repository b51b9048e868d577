// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_CQE_MIXED (6.18): one CQ ring of 16-byte slots carries both
 * 16-byte CQEs and 32-byte CQEs.  A big CQE (here a NOP with
 * IORING_NOP_CQE32) takes two adjacent slots and has IORING_CQE_F_32
 * set, the second slot holding its extra words (sqe->off, sqe->addr); a
 * normal CQE takes one slot and has no F_32.  A big CQE never wraps: with
 * one slot left before the end of the ring the kernel fills it with a
 * dummy CQE (user_data 0, res 0, flags IORING_CQE_F_SKIP) and posts the
 * big one at slot 0.  CQE_MIXED with CQE32 is refused (see
 * setup-rejects-invalid-flag-combinations).
 */
#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_CQE_MIXED);

static void nop32(struct iou_ring *r, __u64 ud, __u64 x1, __u64 x2)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, ud);
	sqe->nop_flags = IORING_NOP_CQE32;
	sqe->off = x1;
	sqe->addr = x2;
}

static struct io_uring_cqe *slot(struct iou_ring *r, unsigned int i)
{
	return &r->cqes[i & r->cq_mask];
}

TEST(big_cqe_takes_two_slots_with_f_32)
{
	struct iou_ring r;
	struct io_uring_cqe *c;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_CQE_MIXED));
	/* 16-byte slots, twice the SQ, as on a plain ring */
	ASSERT_EQ(8, r.cq_entries);
	ASSERT_EQ(0, r.cqe_shift);
	iou_prep_nop(iou_get_sqe(&r), 1);
	nop32(&r, 2, 0x1111222233334444ULL, 0x5555666677778888ULL);
	iou_prep_nop(iou_get_sqe(&r), 3);
	ASSERT_EQ(3, iou_submit(&r));
	ASSERT_EQ(4, iou_load_acquire(r.cq_ktail));

	c = slot(&r, 0);
	ASSERT_EQ(1, c->user_data);
	ASSERT_RES(0, c->res);
	ASSERT_EQ(0, c->flags);
	c = slot(&r, 1);
	ASSERT_EQ(2, c->user_data);
	ASSERT_RES(0, c->res);
	ASSERT_EQ(IORING_CQE_F_32, c->flags);
	ASSERT_EQ(0x1111222233334444ULL, c->big_cqe[0]);
	ASSERT_EQ(0x5555666677778888ULL, c->big_cqe[1]);
	/* the extra words are what the next slot holds */
	ASSERT_EQ(0x1111222233334444ULL, slot(&r, 2)->user_data);
	c = slot(&r, 3);
	ASSERT_EQ(3, c->user_data);
	ASSERT_EQ(0, c->flags);
	iou_ring_exit(&r);
}

TEST(big_cqe_at_ring_end_posts_skip_entry_first)
{
	struct io_uring_params p;
	struct iou_ring r;
	struct iou_cqe cqe[3];
	struct io_uring_cqe *c;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	ASSERT_RES(0, iou_ring_init_params(&r, 2, &p));
	ASSERT_EQ(4, r.cq_entries);
	/* move the tail to the last slot */
	for (unsigned int i = 0; i < 3; i++) {
		iou_prep_nop(iou_get_sqe(&r), 10 + i);
		ASSERT_EQ(1, iou_submit(&r));
	}
	ASSERT_EQ(3, iou_reap(&r, cqe, 3, 0));
	ASSERT_EQ(3, *r.cq_khead);

	nop32(&r, 0x77, 0xaa, 0xbb);
	ASSERT_EQ(1, iou_submit(&r));
	/* one dummy slot plus two for the big CQE */
	ASSERT_EQ(6, iou_load_acquire(r.cq_ktail));
	c = slot(&r, 3);
	ASSERT_EQ(0, c->user_data);
	ASSERT_RES(0, c->res);
	ASSERT_EQ(IORING_CQE_F_SKIP, c->flags);
	c = slot(&r, 4);
	ASSERT_EQ(0x77, c->user_data);
	ASSERT_EQ(IORING_CQE_F_32, c->flags);
	ASSERT_EQ(0xaa, c->big_cqe[0]);
	ASSERT_EQ(0xbb, c->big_cqe[1]);
	/* a reader stepping over SKIP sees just the one completion */
	ASSERT_EQ(1, iou_reap(&r, cqe, 1, 0));
	ASSERT_EQ(0x77, cqe[0].user_data);
	ASSERT_EQ(0xaa, cqe[0].big_cqe[0]);
	ASSERT_EQ(6, *r.cq_khead);
	iou_ring_exit(&r);
}

TEST(small_cqe_at_ring_end_needs_no_skip)
{
	struct io_uring_params p;
	struct iou_ring r;
	struct iou_cqe cqe[3];

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	ASSERT_RES(0, iou_ring_init_params(&r, 2, &p));
	for (unsigned int i = 0; i < 3; i++) {
		iou_prep_nop(iou_get_sqe(&r), 10 + i);
		ASSERT_EQ(1, iou_submit(&r));
	}
	ASSERT_EQ(3, iou_reap(&r, cqe, 3, 0));
	iou_prep_nop(iou_get_sqe(&r), 0x16);
	ASSERT_EQ(1, iou_submit(&r));
	ASSERT_EQ(4, iou_load_acquire(r.cq_ktail));
	ASSERT_EQ(0x16, slot(&r, 3)->user_data);
	ASSERT_EQ(0, slot(&r, 3)->flags);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
