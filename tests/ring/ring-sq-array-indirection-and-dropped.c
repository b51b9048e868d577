// SPDX-License-Identifier: GPL-2.0
/*
 * The SQ ring holds indexes into the SQE array, not SQEs: the kernel
 * takes slot head & mask of the SQ array and runs the SQE it names.
 *  - the array decides the order (a permutation runs the SQEs in array
 *    order) and one SQE may be named by several slots, running once per
 *    slot;
 *  - an index of sq_entries or more names no SQE: the slot is consumed
 *    (the SQ head moves past it), sq.dropped goes up by one, no CQE is
 *    posted, and the submission stops there - io_uring_enter returns the
 *    count of SQEs run before it and leaves the slots after it queued
 *    (so a GETEVENTS wait is skipped too);
 *  - sq.dropped only ever counts up.
 * Rings without an SQ array (IORING_SETUP_NO_SQARRAY) are covered by
 * tests/setup.
 */
#include "iou.h"

#define ENTRIES		8

FIXTURE(sq_array) {
	struct iou_ring r;
	unsigned int tail;	/* our SQ tail */
};

FIXTURE_SETUP(sq_array)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, ENTRIES, 0));
	ASSERT_EQ(ENTRIES, self->r.sq_entries);
	ASSERT_NE(NULL, self->r.sq_array);
	ASSERT_EQ(0, *self->r.sq_kdropped);
	self->tail = *self->r.sq_ktail;
}

FIXTURE_TEARDOWN(sq_array)
{
	iou_ring_exit(&self->r);
}

/* SQE slot i: a NOP with user_data ud */
static void set_sqe(struct iou_ring *r, unsigned int i, __u64 ud)
{
	memset(&r->sqes[i], 0, sizeof(r->sqes[i]));
	iou_prep_nop(&r->sqes[i], ud);
}

/* queue SQ array entries naming SQE slots idx[0..n), publish the tail */
static void queue(FIXTURE_DATA(sq_array) *self, const unsigned int *idx, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		self->r.sq_array[self->tail++ & self->r.sq_mask] = idx[i];
	iou_store_release(self->r.sq_ktail, self->tail);
}

static __u64 cqe_ud(struct iou_ring *r, unsigned int i)
{
	return iou_cqe_at(r, *r->cq_khead + i)->user_data;
}

TEST_F(sq_array, array_order_decides_execution_order)
{
	static const unsigned int idx[] = { 3, 1, 2, 0, 7, 4, 6, 5 };

	for (unsigned int i = 0; i < ENTRIES; i++)
		set_sqe(&self->r, i, 10 + i);
	queue(self, idx, ENTRIES);
	ASSERT_RES(ENTRIES, iou_enter(&self->r, ENTRIES, 0, 0, NULL, 0));
	ASSERT_EQ(ENTRIES, iou_cq_ready(&self->r));
	for (unsigned int i = 0; i < ENTRIES; i++)
		ASSERT_EQ(10 + idx[i], cqe_ud(&self->r, i));
}

TEST_F(sq_array, one_sqe_named_by_several_slots_runs_for_each)
{
	static const unsigned int idx[] = { 2, 2, 5, 2 };

	set_sqe(&self->r, 2, 0x22);
	set_sqe(&self->r, 5, 0x55);
	queue(self, idx, 4);
	ASSERT_RES(4, iou_enter(&self->r, 4, 0, 0, NULL, 0));
	ASSERT_EQ(4, iou_cq_ready(&self->r));
	ASSERT_EQ(0x22, cqe_ud(&self->r, 0));
	ASSERT_EQ(0x22, cqe_ud(&self->r, 1));
	ASSERT_EQ(0x55, cqe_ud(&self->r, 2));
	ASSERT_EQ(0x22, cqe_ud(&self->r, 3));
	ASSERT_EQ(0, *self->r.sq_kdropped);
}

TEST_F(sq_array, highest_valid_index_is_entries_minus_one)
{
	unsigned int idx = ENTRIES - 1;

	set_sqe(&self->r, ENTRIES - 1, 0x77);
	queue(self, &idx, 1);
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(0x77, cqe_ud(&self->r, 0));
	ASSERT_EQ(0, *self->r.sq_kdropped);
}

TEST_F(sq_array, out_of_range_index_is_dropped_and_ends_the_submission)
{
	static const unsigned int idx[] = { 0, ENTRIES, 1 };

	set_sqe(&self->r, 0, 100);
	set_sqe(&self->r, 1, 101);
	queue(self, idx, 3);
	ASSERT_RES(1, iou_enter(&self->r, 3, 0, 0, NULL, 0));
	/* the dropped slot is consumed with the one before it */
	ASSERT_EQ(2, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(1, *self->r.sq_kdropped);
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(100, cqe_ud(&self->r, 0));
	/* the slot after it is still queued */
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(3, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	ASSERT_EQ(101, cqe_ud(&self->r, 1));
	ASSERT_EQ(1, *self->r.sq_kdropped);
}

TEST_F(sq_array, dropped_first_slot_submits_nothing_but_is_consumed)
{
	static const unsigned int idx[] = { 0xffffffffu, 0 };

	set_sqe(&self->r, 0, 5);
	queue(self, idx, 2);
	ASSERT_RES(0, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	ASSERT_EQ(1, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(1, *self->r.sq_kdropped);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(5, cqe_ud(&self->r, 0));
}

/* the submission came up short: GETEVENTS does not wait for the rest */
TEST_F(sq_array, drop_skips_the_getevents_wait)
{
	static const unsigned int idx[] = { 0, ENTRIES + 3, 1 };

	set_sqe(&self->r, 0, 1);
	set_sqe(&self->r, 1, 2);
	queue(self, idx, 3);
	ASSERT_RES(1, iou_enter(&self->r, 3, 3, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_F(sq_array, dropped_counts_every_bad_index_and_never_goes_down)
{
	static const unsigned int bad[] = {
		ENTRIES, ENTRIES + 1, 2 * ENTRIES, 0x80000000u, 0xffffffffu,
	};

	set_sqe(&self->r, 3, 3);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int good = 3;

		queue(self, &bad[i], 1);
		ASSERT_EQ(0, iou_enter(&self->r, 1, 0, 0, NULL, 0))
			TH_LOG("index %#x", bad[i]);
		ASSERT_EQ(i + 1, *self->r.sq_kdropped);
		queue(self, &good, 1);
		ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
		ASSERT_EQ(i + 1, *self->r.sq_kdropped);
	}
	ASSERT_EQ(sizeof(bad) / sizeof(bad[0]), iou_cq_ready(&self->r));
	ASSERT_EQ(2 * sizeof(bad) / sizeof(bad[0]), iou_load_acquire(self->r.sq_khead));
}

/* the array is read when the slot is consumed, not when it is queued */
TEST_F(sq_array, array_slot_is_read_at_submission)
{
	unsigned int idx = 6;

	set_sqe(&self->r, 6, 0x66);
	set_sqe(&self->r, 4, 0x44);
	queue(self, &idx, 1);
	self->r.sq_array[(self->tail - 1) & self->r.sq_mask] = 4;
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(0x44, cqe_ud(&self->r, 0));
}

TEST_HARNESS_MAIN
