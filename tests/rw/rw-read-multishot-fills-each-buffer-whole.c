// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_READ_MULTISHOT (6.7) reads each chunk into the next provided
 * buffer up to that buffer's own length: after a read into a 64-byte
 * buffer, 1000 bytes waiting in a pipe go into the next 2048-byte buffer
 * in one CQE (res 1000, that buffer's id, IORING_CQE_F_MORE), not in
 * 64-byte pieces.
 *
 * The first buffer's length used to stay in the request as its read
 * length and clamp every later read to it; e53759298a7d resets it after
 * each read.  Every Debian kernel the QEMU runner boots with
 * READ_MULTISHOT has the fix: 6.12.43, 6.18.5, 6.19.6, 7.0.13 and 7.2.13
 * pass (6.1 has no READ_MULTISHOT), so it cannot be shown failing there.
 */
#include "iou.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_READ_MULTISHOT),
	     .register_ops = IOU_OPS(IORING_REGISTER_PBUF_RING),
	     .fixes = IOU_FIXES(IOU_FIX("e53759298a7d", "", "",
			"io_uring: do not clamp read length for multishot read")));

#define BGID	5
#define SMALL	64
#define BIG	2048
#define CHUNK	1000
#define UD	0xe537000000000001ULL

FIXTURE(mshot) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	char small[SMALL], big[BIG], spare[BIG];
	int p[2];
};

FIXTURE_SETUP(mshot)
{
	self->p[0] = self->p[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, iou_pbuf_ring_setup(&self->r, &self->pb, 4, BGID, 0));
	iou_pbuf_add(&self->pb, self->small, SMALL, 20, 0);
	iou_pbuf_add(&self->pb, self->big, BIG, 21, 1);
	iou_pbuf_add(&self->pb, self->spare, BIG, 22, 2);
	iou_pbuf_advance(&self->pb, 3);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
}

FIXTURE_TEARDOWN(mshot)
{
	iou_pbuf_ring_free(&self->r, &self->pb);
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++)
		if (self->p[i] >= 0)
			close(self->p[i]);
}

TEST_F(mshot, later_reads_use_their_buffers_whole_length)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	char data[CHUNK];

	iou_prep_read_multishot(sqe, self->p[0], 0, 0, BGID);
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	iou_fill_pattern(data, CHUNK, 0);
	ASSERT_EQ(SMALL, write(self->p[1], data, SMALL));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, SMALL, iou_pbuf_cqe_flags(20, IORING_CQE_F_MORE)));
	ASSERT_TRUE(iou_check_pattern(self->small, SMALL, 0));

	iou_fill_pattern(data, CHUNK, SMALL);
	ASSERT_EQ(CHUNK, write(self->p[1], data, CHUNK));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, CHUNK, iou_pbuf_cqe_flags(21, IORING_CQE_F_MORE)));
	ASSERT_TRUE(iou_check_pattern(self->big, CHUNK, SMALL));

	close(self->p[1]);
	self->p[1] = -1;
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, 0));
}

TEST_HARNESS_MAIN
