// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQE128 and IORING_SETUP_CQE32 double the size of every
 * SQE (128 bytes) or CQE (32 bytes):
 *  - SQE128: the kernel reads SQE n at byte 128 * n; the second half of
 *    each slot (command space) is not an SQE, whatever it holds;
 *  - CQE32: CQE n sits at byte 32 * n and its two extra words
 *    (big_cqe) are written with every completion: zero for a plain NOP,
 *    sqe->off and sqe->addr for a NOP with IORING_NOP_CQE32 (6.18), which
 *    a ring without big CQEs refuses with EINVAL.  On a CQE32 ring no
 *    IORING_CQE_F_32 is set: every entry is big.
 */
#include "iou.h"

/*
 * IORING_NOP_CQE32 (6.18): a NOP with it on a CQE32 ring completes with
 * 0; a kernel that does not know the flag refuses it with EINVAL, which
 * means absence only on a kernel with nothing newer than 6.18.
 */
static enum iou_have have_nop_cqe32(char *why, size_t len)
{
	enum iou_have big = iou_have_setup_flags(IORING_SETUP_CQE32, why, len);
	struct iou_ring r;
	struct iou_cqe cqe;
	int res;

	if (big != IOU_PRESENT)
		return big;
	res = iou_ring_init(&r, 2, IORING_SETUP_CQE32);
	if (!res) {
		struct io_uring_sqe *sqe = iou_get_sqe(&r);

		iou_prep_nop(sqe, 1);
		sqe->nop_flags = IORING_NOP_CQE32;
		res = iou_run_one(&r, &cqe);
		iou_ring_exit(&r);
	}
	return iou_have_by_result(res, 0, IOU_V(6, 18), "IORING_NOP_CQE32", why, len);
}

#define REQUIRE_NOP_CQE32()	IOU_REQUIRE(have_nop_cqe32(__why, sizeof(__why)))

TEST(sqe128_sqes_are_128_bytes_apart)
{
	struct iou_ring r;
	struct iou_cqe cqe[4];

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQE128);
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SQE128));
	ASSERT_EQ(1, r.sqe_shift);
	for (unsigned int i = 0; i < 4; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&r);

		ASSERT_EQ((char *)r.sqes + 128 * i, (char *)sqe);
		iou_prep_nop(sqe, i + 1);
		/*
		 * A bogus SQE in the second half: read with a 64-byte stride
		 * it would fail with EINVAL and user_data 0xbad.
		 */
		iou_prep_nop(sqe + 1, 0xbad);
		sqe[1].opcode = 0xff;
	}
	ASSERT_EQ(4, iou_submit_reap(&r, cqe, 4));
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ(i + 1, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
	}
	ASSERT_EQ(0, iou_cq_ready(&r));
	iou_ring_exit(&r);
}

/* the same layout on a 64-byte ring: the second SQE is read */
TEST(plain_ring_reads_64_byte_sqes)
{
	struct iou_ring r;
	struct iou_cqe cqe[2];

	ASSERT_RES(0, iou_ring_init(&r, 4, 0));
	iou_prep_nop(iou_get_sqe(&r), 1);
	iou_prep_nop(iou_get_sqe(&r), 0xbad);
	r.sqes[1].opcode = 0xff;
	ASSERT_EQ(2, iou_submit_reap(&r, cqe, 2));
	iou_cqe_sort(cqe, 2);
	ASSERT_EQ(1, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(0xbad, cqe[1].user_data);
	ASSERT_RES(-EINVAL, cqe[1].res);
	iou_ring_exit(&r);
}

TEST(cqe32_entries_are_32_bytes_with_zeroed_extra_words)
{
	struct iou_ring r;

	REQUIRE_SETUP_FLAG(IORING_SETUP_CQE32);
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_CQE32));
	/* stale bytes in the CQ array must not survive into a CQE */
	memset(r.cqes, 0xff, (size_t)r.cq_entries * 32);
	for (unsigned int i = 0; i < 4; i++)
		iou_prep_nop(iou_get_sqe(&r), 0x320 + i);
	ASSERT_EQ(4, iou_submit(&r));
	ASSERT_EQ(4, iou_cq_ready(&r));
	for (unsigned int i = 0; i < 4; i++) {
		struct io_uring_cqe *c = (void *)((char *)r.cqes + 32 * i);

		ASSERT_EQ(0x320 + i, c->user_data);
		ASSERT_RES(0, c->res);
		ASSERT_EQ(0, c->flags);
		ASSERT_EQ(0, c->big_cqe[0]);
		ASSERT_EQ(0, c->big_cqe[1]);
	}
	iou_ring_exit(&r);
}

TEST(nop_cqe32_fills_extra_words)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	struct iou_cqe cqe[2];

	REQUIRE_SETUP_FLAG(IORING_SETUP_CQE32);
	REQUIRE_NOP_CQE32();
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_CQE32));
	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 0x32);
	sqe->nop_flags = IORING_NOP_CQE32;
	sqe->off = 0x0123456789abcdefULL;
	sqe->addr = 0xfedcba9876543210ULL;
	/* the extra words of the next completion start from zero again */
	iou_prep_nop(iou_get_sqe(&r), 0x33);
	ASSERT_EQ(2, iou_submit_reap(&r, cqe, 2));
	ASSERT_EQ(0x32, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(0, cqe[0].flags);
	ASSERT_EQ(0x0123456789abcdefULL, cqe[0].big_cqe[0]);
	ASSERT_EQ(0xfedcba9876543210ULL, cqe[0].big_cqe[1]);
	ASSERT_EQ(0x33, cqe[1].user_data);
	ASSERT_EQ(0, cqe[1].big_cqe[0]);
	ASSERT_EQ(0, cqe[1].big_cqe[1]);
	iou_ring_exit(&r);
}

TEST(nop_cqe32_without_big_cqes_gives_einval)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	struct iou_cqe cqe;

	REQUIRE_NOP_CQE32();
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SQE128));
	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 0x16);
	sqe->nop_flags = IORING_NOP_CQE32;
	ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
	ASSERT_EQ(0x16, cqe.user_data);
	ASSERT_RES(-EINVAL, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
