// SPDX-License-Identifier: GPL-2.0
/*
 * A CQ ring exactly as big as a batch holds the whole batch: N CQEs fill
 * N slots with no overflow (no IORING_SQ_CQ_OVERFLOW, cq.overflow 0), a
 * GETEVENTS wait for N (or, capped, for more) returns at once, and only
 * the (N+1)th unreaped CQE overflows.  This holds for CQ sizes given with
 * IORING_SETUP_CQSIZE, down to a single slot, and for the default CQ of
 * twice the SQ size, which two full SQ batches fill exactly.
 */
#include "iou.h"

FIXTURE(batch) {
	struct iou_ring r;
	unsigned int n;
};

FIXTURE_VARIANT(batch) {
	unsigned int cq;	/* 0: default CQ size, 2 * SQ */
	unsigned int sq;
};

FIXTURE_VARIANT_ADD(batch, cqsize_1) { .cq = 1, .sq = 1 };
FIXTURE_VARIANT_ADD(batch, cqsize_2) { .cq = 2, .sq = 2 };
FIXTURE_VARIANT_ADD(batch, cqsize_8) { .cq = 8, .sq = 8 };
FIXTURE_VARIANT_ADD(batch, cqsize_64) { .cq = 64, .sq = 64 };
FIXTURE_VARIANT_ADD(batch, default_twice_sq_8) { .cq = 0, .sq = 8 };

FIXTURE_SETUP(batch)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	if (variant->cq) {
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = variant->cq;
	}
	ASSERT_EQ(0, iou_ring_init_params(&self->r, variant->sq, &p));
	self->n = variant->cq ? variant->cq : 2 * variant->sq;
	ASSERT_EQ(self->n, self->r.cq_entries);
	ASSERT_EQ(variant->sq, self->r.sq_entries);
}

FIXTURE_TEARDOWN(batch)
{
	iou_ring_exit(&self->r);
}

static bool overflowed(struct iou_ring *r)
{
	return iou_load_acquire(r->sq_kflags) & IORING_SQ_CQ_OVERFLOW;
}

/* N NOPs in full SQ batches, nothing reaped */
static void fill(struct __test_metadata *_metadata, FIXTURE_DATA(batch) *self)
{
	unsigned int done = 0, sq = self->r.sq_entries;

	while (done < self->n) {
		for (unsigned int i = 0; i < sq; i++)
			iou_prep_nop(iou_get_sqe(&self->r), done + i);
		ASSERT_EQ((int)sq, iou_submit(&self->r));
		done += sq;
	}
}

TEST_F(batch, batch_of_cq_size_fits_exactly)
{
	fill(_metadata, self);
	ASSERT_EQ(self->n, iou_cq_ready(&self->r));
	ASSERT_FALSE(overflowed(&self->r));
	ASSERT_EQ(0, *self->r.cq_koverflow);
	for (unsigned int i = 0; i < self->n; i++)
		ASSERT_EQ(i, iou_cqe_at(&self->r, i)->user_data);
}

TEST_F(batch, wait_for_the_whole_ring_returns_at_once)
{
	uint64_t start;

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	fill(_metadata, self);
	/* a 4 s timeout that a full ring must not wait for (0 either way) */
	start = iou_now_ns();
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, self->n, 0, 4000));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, self->n + 1, 0, 4000));
	ASSERT_GT(2000, iou_ms_since(start));
	ASSERT_EQ(self->n, iou_cq_ready(&self->r));
}

TEST_F(batch, one_more_cqe_overflows)
{
	uint64_t start = iou_now_ns();

	fill(_metadata, self);
	iou_prep_nop(iou_get_sqe(&self->r), 0xee);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(self->n, iou_cq_ready(&self->r));
	ASSERT_TRUE(overflowed(&self->r));
	/* reap the ring: the one that did not fit comes next */
	iou_cq_advance(&self->r, self->n);
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(0xee, iou_cqe_at(&self->r, *self->r.cq_khead)->user_data);
	ASSERT_FALSE(overflowed(&self->r));
	ASSERT_EQ(0, *self->r.cq_koverflow);
	ASSERT_GT(IOU_WAIT_MS, iou_ms_since(start));
}

TEST_HARNESS_MAIN
