// SPDX-License-Identifier: GPL-2.0
/*
 * The ring sizes io_uring_setup() writes back, and the ring_entries and
 * ring_mask words of the mapped rings, follow one rule:
 *  - the SQ size is entries rounded up to a power of two;
 *  - the CQ size is twice that, or with IORING_SETUP_CQSIZE cq_entries
 *    rounded up to a power of two, compared with the SQ size only after
 *    both were rounded (100/100 gives 128/128, not EINVAL);
 *  - with IORING_SETUP_CLAMP, entries above 32768 become 32768 and
 *    cq_entries above 65536 become 65536 instead of failing.
 *
 * Doc discrepancy: io_uring_setup(2) says the CQSIZE value "must be
 * greater than entries"; the kernel accepts a CQ as large as the rounded
 * SQ (4/4, 100/100 -> 128/128) and refuses only a smaller one.  The test
 * follows the kernel.
 *
 * Regression-test-for: 88ec3211e463 ("io_uring: round-up cq size before comparing with rounded sq size")
 */
#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("88ec3211e463", "", "",
			"io_uring: round-up cq size before comparing with rounded sq size")));

static void check_ring(struct __test_metadata *_metadata, unsigned int entries,
		       unsigned int flags, unsigned int cq_in,
		       unsigned int want_sq, unsigned int want_cq)
{
	struct io_uring_params p;
	struct iou_ring r;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = cq_in;
	ret = iou_ring_init_params(&r, entries, &p);
	SKIP_IF_MEMLOCK_SHORT(ret, iou_ring_pinned_bytes(want_sq, want_cq, flags));
	ASSERT_EQ(0, ret)
		TH_LOG("entries %u cq_entries %u flags 0x%x: %s", entries, cq_in,
		       flags, iou_res_str(ret));
	EXPECT_EQ(want_sq, p.sq_entries)
		TH_LOG("entries %u cq_entries %u flags 0x%x", entries, cq_in, flags);
	EXPECT_EQ(want_cq, p.cq_entries)
		TH_LOG("entries %u cq_entries %u flags 0x%x", entries, cq_in, flags);
	/* the shared words agree with what setup returned */
	EXPECT_EQ(want_sq, *r.sq_kring_entries);
	EXPECT_EQ(want_sq - 1, *r.sq_kring_mask);
	EXPECT_EQ(want_cq, *r.cq_kring_entries);
	EXPECT_EQ(want_cq - 1, *r.cq_kring_mask);
	/* the input fields other than the sizes are returned as given */
	EXPECT_EQ(flags, p.flags);
	iou_ring_exit(&r);
}

TEST(sq_size_rounds_up_to_power_of_two_cq_twice_it)
{
	static const struct { unsigned int in, sq; } t[] = {
		{ 1, 1 }, { 2, 2 }, { 3, 4 }, { 5, 8 }, { 100, 128 },
		{ 127, 128 }, { 128, 128 }, { 129, 256 }, { 4097, 8192 },
		{ 32767, 32768 }, { 32768, 32768 },
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_ring(_metadata, t[i].in, 0, 0, t[i].sq, 2 * t[i].sq);
}

TEST(cq_entries_ignored_without_cqsize)
{
	check_ring(_metadata, 8, 0, 4096, 8, 16);
	check_ring(_metadata, 8, 0, 3, 8, 16);
}

TEST(cqsize_rounds_up_to_power_of_two)
{
	check_ring(_metadata, 4, IORING_SETUP_CQSIZE, 17, 4, 32);
	check_ring(_metadata, 4, IORING_SETUP_CQSIZE, 4, 4, 4);
	check_ring(_metadata, 4, IORING_SETUP_CQSIZE, 5, 4, 8);
	check_ring(_metadata, 1, IORING_SETUP_CQSIZE, 1, 1, 1);
	check_ring(_metadata, 1, IORING_SETUP_CQSIZE, IOU_MAX_CQ_ENTRIES, 1,
		   IOU_MAX_CQ_ENTRIES);
	check_ring(_metadata, 2, IORING_SETUP_CQSIZE, IOU_MAX_CQ_ENTRIES - 1, 2,
		   IOU_MAX_CQ_ENTRIES);
}

TEST(cqsize_compared_with_sq_after_rounding)
{
	/* both round to 128: equal sizes are allowed */
	check_ring(_metadata, 100, IORING_SETUP_CQSIZE, 100, 128, 128);
	check_ring(_metadata, 3, IORING_SETUP_CQSIZE, 3, 4, 4);
	check_ring(_metadata, 5, IORING_SETUP_CQSIZE, 7, 8, 8);
}

TEST(clamp_limits_entries_to_32768)
{
	REQUIRE_SETUP_FLAG(IORING_SETUP_CLAMP);
	check_ring(_metadata, IOU_MAX_ENTRIES + 1, IORING_SETUP_CLAMP, 0,
		   IOU_MAX_ENTRIES, IOU_MAX_CQ_ENTRIES);
	check_ring(_metadata, ~0U, IORING_SETUP_CLAMP, 0,
		   IOU_MAX_ENTRIES, IOU_MAX_CQ_ENTRIES);
}

TEST(clamp_limits_cq_entries_to_65536)
{
	REQUIRE_SETUP_FLAG(IORING_SETUP_CLAMP);
	check_ring(_metadata, 4, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP,
		   IOU_MAX_CQ_ENTRIES + 1, 4, IOU_MAX_CQ_ENTRIES);
	check_ring(_metadata, 4, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, ~0U,
		   4, IOU_MAX_CQ_ENTRIES);
	check_ring(_metadata, ~0U, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, ~0U,
		   IOU_MAX_ENTRIES, IOU_MAX_CQ_ENTRIES);
}

TEST(clamp_leaves_sizes_within_limits_alone)
{
	REQUIRE_SETUP_FLAG(IORING_SETUP_CLAMP);
	check_ring(_metadata, 100, IORING_SETUP_CLAMP, 0, 128, 256);
	check_ring(_metadata, 4, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, 17,
		   4, 32);
	check_ring(_metadata, IOU_MAX_ENTRIES, IORING_SETUP_CLAMP, 0,
		   IOU_MAX_ENTRIES, IOU_MAX_CQ_ENTRIES);
}

/* a ring of the largest size carries a full SQ of requests */
TEST(largest_ring_takes_a_full_sq)
{
	struct iou_ring r;
	unsigned int n = 0;
	int ret = iou_ring_init(&r, IOU_MAX_ENTRIES, 0);

	SKIP_IF_MEMLOCK_SHORT(ret, iou_ring_pinned_bytes(IOU_MAX_ENTRIES, 2 * IOU_MAX_ENTRIES, 0));
	ASSERT_RES(0, ret);
	while (iou_get_sqe(&r))
		n++;
	ASSERT_EQ(IOU_MAX_ENTRIES, n);
	/* turn the SQEs handed out into NOPs with their index as user_data */
	for (unsigned int i = 0; i < n; i++)
		iou_prep_nop(&r.sqes[i], i);
	ASSERT_EQ((int)n, iou_submit(&r));
	ASSERT_EQ(n, iou_cq_ready(&r));
	ASSERT_EQ(IOU_MAX_ENTRIES - 1, iou_cqe_at(&r, *r.cq_khead + n - 1)->user_data);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
