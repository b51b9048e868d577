// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_NO_SQARRAY: the ring has no SQ index array.  The kernel
 * takes SQE slot (head & mask) directly, so SQEs are consumed in slot
 * order, across the wrap of the SQ too; sq_off.array is not an offset (it
 * stays 0) and nothing can be dropped.  The same slots behind a ring with
 * an SQ array are consumed in the order that array names them.
 *
 * Doc discrepancy: io_uring_setup(2) says sq_off.array "will be set to
 * zero" with NO_SQARRAY; 6.18 does not write it at all and returns what
 * the caller passed (0x1234 comes back as 0x1234).  The test passes 0 and
 * relies on neither reading.
 */
#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_NO_SQARRAY);

/* NOPs in slots 0..3 with user_data = slot, published at once */
static void fill_slots(struct iou_ring *r)
{
	for (unsigned int i = 0; i < 4; i++)
		iou_prep_nop(iou_get_sqe(r), i);
}

TEST(slots_consumed_in_ring_order)
{
	struct iou_ring r;
	struct iou_cqe cqe[4];

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_NO_SQARRAY));
	ASSERT_EQ(NULL, r.sq_array);
	ASSERT_EQ(0, r.params.sq_off.array);
	fill_slots(&r);
	ASSERT_EQ(4, iou_submit_reap(&r, cqe, 4));
	for (unsigned int i = 0; i < 4; i++)
		ASSERT_EQ(i, cqe[i].user_data);
	ASSERT_EQ(0, *r.sq_kdropped);
	iou_ring_exit(&r);
}

TEST(order_kept_across_the_wrap)
{
	struct iou_ring r;
	struct iou_cqe cqe[3];
	unsigned int next = 0;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_NO_SQARRAY));
	/* 5 rounds of 3: the head runs over slots 0,1,2,3,0,1,... */
	for (unsigned int round = 0; round < 5; round++) {
		for (unsigned int i = 0; i < 3; i++)
			iou_prep_nop(iou_get_sqe(&r), next + i);
		ASSERT_EQ(3, iou_submit_reap(&r, cqe, 3));
		for (unsigned int i = 0; i < 3; i++)
			ASSERT_EQ(next + i, cqe[i].user_data);
		next += 3;
	}
	ASSERT_EQ(15, *r.sq_khead);
	ASSERT_EQ(0, *r.sq_kdropped);
	iou_ring_exit(&r);
}

TEST(ring_with_sq_array_follows_the_array)
{
	struct iou_ring r;
	struct iou_cqe cqe[4];

	ASSERT_RES(0, iou_ring_init(&r, 4, 0));
	ASSERT_NE(NULL, r.sq_array);
	fill_slots(&r);
	for (unsigned int i = 0; i < 4; i++)
		r.sq_array[i] = 3 - i;
	ASSERT_EQ(4, iou_submit_reap(&r, cqe, 4));
	for (unsigned int i = 0; i < 4; i++)
		ASSERT_EQ(3 - i, cqe[i].user_data);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
