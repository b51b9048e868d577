// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ring library's index arithmetic on a ring the test
 * owns (no kernel), with heads and tails crossing 2^32: the u32 indices
 * wrap, and every SQ/CQ helper must keep working across the boundary.
 */
#include "iou.h"

KSFT_HARNESS_NO_IOURING_CHECK

#define ENTRIES 8

FIXTURE(fake) {
	struct iou_ring r;
	unsigned int sq_head, sq_tail, sq_array[ENTRIES];
	unsigned int cq_head, cq_tail;
	struct io_uring_sqe sqes[ENTRIES * 2];
	struct io_uring_cqe cqes[ENTRIES * 2 * 2];
};

FIXTURE_VARIANT(fake) {
	unsigned int start;
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(fake, before_wrap) { .start = 0xfffffffcu };
FIXTURE_VARIANT_ADD(fake, at_max) { .start = 0xffffffffu };
FIXTURE_VARIANT_ADD(fake, zero) { .start = 0 };
FIXTURE_VARIANT_ADD(fake, sqe128_cqe32) {
	.start = 0xfffffffdu, .flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
FIXTURE_VARIANT_ADD(fake, cqe_mixed) {
	.start = 0xfffffffau, .flags = IORING_SETUP_CQE_MIXED };

FIXTURE_SETUP(fake)
{
	struct iou_ring *r = &self->r;

	r->fd = r->enter_fd = -1;
	r->flags = variant->flags;
	r->sq_khead = &self->sq_head;
	r->sq_ktail = &self->sq_tail;
	r->sq_array = self->sq_array;
	r->sqes = self->sqes;
	r->sq_mask = ENTRIES - 1;
	r->sq_entries = ENTRIES;
	r->cq_khead = &self->cq_head;
	r->cq_ktail = &self->cq_tail;
	r->cqes = self->cqes;
	r->cq_mask = 2 * ENTRIES - 1;
	r->cq_entries = 2 * ENTRIES;
	r->sqe_shift = variant->flags & IORING_SETUP_SQE128 ? 1 : 0;
	r->cqe_shift = variant->flags & IORING_SETUP_CQE32 ? 1 : 0;
	self->sq_head = self->sq_tail = variant->start;
	self->cq_head = self->cq_tail = variant->start;
	r->sqe_head = r->sqe_tail = variant->start;
}

FIXTURE_TEARDOWN(fake)
{
}

/* what the kernel would do: consume n SQEs */
static void kernel_consume(FIXTURE_DATA(fake) *self, unsigned int n)
{
	iou_store_release(&self->sq_head, self->sq_head + n);
}

/* what the kernel would do: post a CQE of slots 16-byte slots */
static void kernel_post(FIXTURE_DATA(fake) *self, __u64 ud, __u32 flags,
			unsigned int slots)
{
	struct io_uring_cqe *c = iou_cqe_at(&self->r, self->cq_tail);

	c->user_data = ud;
	c->res = (int)ud;
	c->flags = flags;
	iou_store_release(&self->cq_tail, self->cq_tail + slots);
}

TEST_F(fake, sq_fills_exactly_and_wraps)
{
	struct iou_ring *r = &self->r;
	size_t sqe_size = sizeof(struct io_uring_sqe) << r->sqe_shift;

	ASSERT_EQ(ENTRIES, iou_sq_space_left(r));
	for (unsigned int i = 0; i < ENTRIES; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(r);

		ASSERT_NE(NULL, sqe);
		/* slot (start + i) & mask, in units of the SQE size */
		ASSERT_EQ((uintptr_t)self->sqes +
			  ((variant->start + i) & (ENTRIES - 1)) * sqe_size,
			  (uintptr_t)sqe);
		iou_prep_nop(sqe, i);
	}
	ASSERT_NULL(iou_get_sqe(r));
	ASSERT_EQ(0, iou_sq_space_left(r));
	/* nothing is visible to the kernel before the flush */
	ASSERT_EQ(variant->start, self->sq_tail);
	ASSERT_EQ(ENTRIES, iou_sq_flush(r));
	ASSERT_EQ(variant->start + ENTRIES, self->sq_tail);
	kernel_consume(self, 3);
	ASSERT_EQ(3, iou_sq_space_left(r));
	ASSERT_EQ(ENTRIES - 3, iou_sq_ready(r));
	kernel_consume(self, ENTRIES - 3);
	ASSERT_EQ(ENTRIES, iou_sq_space_left(r));
}

TEST_F(fake, sq_many_laps_across_2_32)
{
	struct iou_ring *r = &self->r;

	for (unsigned int lap = 0; lap < 1000; lap++) {
		unsigned int n = 1 + lap % ENTRIES;

		for (unsigned int i = 0; i < n; i++)
			ASSERT_NE(NULL, iou_get_sqe(r));
		ASSERT_EQ(n, iou_sq_flush(r));
		kernel_consume(self, n);
		ASSERT_EQ(ENTRIES, iou_sq_space_left(r));
	}
	/* 4500 SQEs in all: the tail went past 2^32 for the wrapping starts */
	ASSERT_EQ(variant->start + 4500u, self->sq_tail);
}

TEST_F(fake, cq_reaps_in_order_across_2_32)
{
	struct iou_ring *r = &self->r;
	struct io_uring_cqe *cqe;
	unsigned int got = 0;

	ASSERT_EQ(-EAGAIN, iou_peek_cqe(r, &cqe));
	for (unsigned int lap = 0; lap < 300; lap++) {
		unsigned int n = 1 + lap % 5;

		for (unsigned int i = 0; i < n; i++)
			kernel_post(self, got + i, 0, 1);
		ASSERT_EQ(n, iou_cq_ready(r));
		for (unsigned int i = 0; i < n; i++) {
			ASSERT_EQ(0, iou_peek_cqe(r, &cqe));
			ASSERT_EQ(got, cqe->user_data);
			iou_cqe_seen(r, cqe);
			got++;
		}
		ASSERT_EQ(-EAGAIN, iou_peek_cqe(r, &cqe));
	}
	ASSERT_EQ(variant->start + got, self->cq_head);
}

TEST_F(fake, reap_copies_big_cqes)
{
	struct iou_ring *r = &self->r;
	struct iou_cqe out[3];
	unsigned int slots = variant->flags & IORING_SETUP_CQE_MIXED ? 2 : 1;

	for (unsigned int i = 0; i < 3; i++) {
		struct io_uring_cqe *c = iou_cqe_at(r, self->cq_tail);
		bool big = r->cqe_shift || slots == 2;

		kernel_post(self, 100 + i, slots == 2 ? IORING_CQE_F_32 : 0,
			    slots);
		if (big) {
			c->big_cqe[0] = 0xaa00 + i;
			c->big_cqe[1] = 0xbb00 + i;
		}
	}
	ASSERT_EQ(3, iou_reap(r, out, 3, 0));
	for (unsigned int i = 0; i < 3; i++) {
		bool big = r->cqe_shift || slots == 2;

		ASSERT_EQ(100 + i, out[i].user_data);
		ASSERT_EQ(big ? 0xaa00 + i : 0, out[i].big_cqe[0]);
		ASSERT_EQ(big ? 0xbb00 + i : 0, out[i].big_cqe[1]);
	}
	ASSERT_EQ(self->cq_tail, self->cq_head);
}

TEST_F(fake, mixed_ring_skips_padding_entries)
{
	struct iou_ring *r = &self->r;
	struct io_uring_cqe *cqe;

	if (!(variant->flags & IORING_SETUP_CQE_MIXED))
		SKIP(return, "only meaningful on a CQE_MIXED ring");
	kernel_post(self, 1, 0, 1);
	kernel_post(self, 0, IORING_CQE_F_SKIP, 1);
	kernel_post(self, 2, IORING_CQE_F_32, 2);
	ASSERT_EQ(0, iou_peek_cqe(r, &cqe));
	ASSERT_EQ(1, cqe->user_data);
	iou_cqe_seen(r, cqe);
	ASSERT_EQ(0, iou_peek_cqe(r, &cqe));
	ASSERT_EQ(2, cqe->user_data);
	ASSERT_EQ(2, iou_cqe_slots(r, cqe));
	iou_cqe_seen(r, cqe);
	ASSERT_EQ(variant->start + 4, self->cq_head);
}

TEST_HARNESS_MAIN
