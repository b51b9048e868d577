// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_FEAT_SINGLE_MMAP: the SQ ring and the CQ ring live in one
 * mapping.  mmap() at IORING_OFF_SQ_RING and at IORING_OFF_CQ_RING give
 * the same pages, so every word (SQ and CQ head/tail, CQEs) seen through
 * one is the same word seen through the other, a store through one is
 * what the kernel and the other see, and a single mapping of the larger
 * size serves both rings.
 */
#include <sys/mman.h>

#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_SINGLE_MMAP);

FIXTURE(maps) {
	struct iou_ring r;
	bool up;
};

FIXTURE_VARIANT(maps) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(maps, plain) { .flags = 0 };
FIXTURE_VARIANT_ADD(maps, cqe32) { .flags = IORING_SETUP_CQE32 };
FIXTURE_VARIANT_ADD(maps, no_sqarray) { .flags = IORING_SETUP_NO_SQARRAY };

FIXTURE_SETUP(maps)
{
	struct iou_ring_opts o = { .map_separately = true };
	struct io_uring_params p;

	REQUIRE_SETUP_FLAGS(variant->flags);
	memset(&p, 0, sizeof(p));
	p.flags = variant->flags;
	ASSERT_RES(0, iou_ring_init_opts(&self->r, 4, &p, &o));
	self->up = true;
	ASSERT_FALSE(self->r.single_mmap);
	ASSERT_NE(self->r.sq_ring_ptr, self->r.cq_ring_ptr);
}

FIXTURE_TEARDOWN(maps)
{
	if (self->up)
		iou_ring_exit(&self->r);
}

/* the word at offset off through the SQ-ring and the CQ-ring mapping */
#define SQMAP(r, off) ((volatile __u32 *)((char *)(r)->sq_ring_ptr + (off)))
#define CQMAP(r, off) ((volatile __u32 *)((char *)(r)->cq_ring_ptr + (off)))

TEST_F(maps, kernel_updates_seen_through_both_mappings)
{
	struct iou_ring *r = &self->r;
	const struct io_uring_params *p = &r->params;
	struct io_uring_cqe *via_sq;

	for (unsigned int i = 0; i < 3; i++)
		iou_prep_nop(iou_get_sqe(r), 0xabc0 + i);
	ASSERT_EQ(3, iou_submit(r));
	/* the kernel moved the SQ head and CQ tail once, in one place */
	ASSERT_EQ(3, *SQMAP(r, p->sq_off.head));
	ASSERT_EQ(3, *CQMAP(r, p->sq_off.head));
	ASSERT_EQ(3, *SQMAP(r, p->cq_off.tail));
	ASSERT_EQ(3, *CQMAP(r, p->cq_off.tail));
	via_sq = (void *)((char *)r->sq_ring_ptr + p->cq_off.cqes +
			  2 * (r->cqe_shift ? 32 : 16));
	ASSERT_EQ(0xabc2, via_sq->user_data);
	ASSERT_EQ(0xabc2, iou_cqe_at(r, 2)->user_data);
}

TEST_F(maps, user_stores_through_one_mapping_reach_the_other)
{
	struct iou_ring *r = &self->r;
	const struct io_uring_params *p = &r->params;
	struct iou_cqe cqe[8];

	/* fill the CQ (8 entries), then free it through the SQ mapping */
	for (unsigned int round = 0; round < 2; round++) {
		for (unsigned int i = 0; i < 4; i++)
			iou_prep_nop(iou_get_sqe(r), round * 4 + i);
		ASSERT_EQ(4, iou_submit(r));
	}
	ASSERT_EQ(8, iou_cq_ready(r));
	iou_store_release((__u32 *)SQMAP(r, p->cq_off.head), 8);
	ASSERT_EQ(8, *CQMAP(r, p->cq_off.head));
	ASSERT_EQ(0, iou_cq_ready(r));
	/* had the kernel not seen the head, these 8 would overflow */
	for (unsigned int round = 0; round < 2; round++) {
		for (unsigned int i = 0; i < 4; i++)
			iou_prep_nop(iou_get_sqe(r), 100 + round * 4 + i);
		ASSERT_EQ(4, iou_submit(r));
	}
	ASSERT_EQ(0, *r->cq_koverflow);
	ASSERT_EQ(0, *r->sq_kflags & IORING_SQ_CQ_OVERFLOW);
	ASSERT_EQ(8, iou_reap(r, cqe, 8, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 8; i++)
		ASSERT_EQ(100 + i, cqe[i].user_data);
}

TEST_F(maps, one_mapping_of_the_larger_size_serves_both_rings)
{
	struct iou_ring single;
	struct iou_cqe cqe;
	int fd = dup(self->r.fd);

	ASSERT_LE(0, fd);
	/* map the same ring again, the way FEAT_SINGLE_MMAP allows */
	ASSERT_RES(0, iou_ring_map(&single, fd, &self->r.params, NULL));
	ASSERT_TRUE(single.single_mmap);
	ASSERT_EQ(single.sq_ring_ptr, single.cq_ring_ptr);
	iou_prep_nop(iou_get_sqe(&single), 0x51);
	ASSERT_EQ(1, iou_submit_reap(&single, &cqe, 1));
	ASSERT_EQ(0x51, cqe.user_data);
	/* and the separately mapped view saw the same traffic */
	ASSERT_EQ(1, *self->r.sq_khead);
	ASSERT_EQ(1, *self->r.cq_ktail);
	ASSERT_EQ(1, *self->r.cq_khead);
	iou_ring_exit(&single);
}

TEST_HARNESS_MAIN
