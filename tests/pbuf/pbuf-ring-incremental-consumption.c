// SPDX-License-Identifier: GPL-2.0
/*
 * IOU_PBUF_RING_INC: a provided buffer is consumed piece by piece.  Each
 * read takes what it needs from the head buffer; while bytes are left the
 * CQE carries IORING_CQE_F_BUF_MORE with the same buffer id, the kernel
 * advances the entry's addr and shrinks its len in the shared ring, and
 * the head does not move (PBUF_STATUS); the read that uses up the buffer
 * completes without F_BUF_MORE and moves the head to the next buffer.
 * Without INC every read consumes a whole buffer.
 */
#include "iou.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("418eab7a6f3c", "", "incremental.*",
			"io_uring/kbuf: propagate BUF_MORE through early buffer commit path")));
/*
 * Proven with make vm-test (Debian kernels): 6.12.43 and 6.18.5 fail 4 cases
 * (XFAIL), 7.2.13 passes.
 */

FIXTURE(incremental) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	int fd;
	char *bufs;
};

FIXTURE_SETUP(incremental)
{
	int ret;

	self->fd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->bufs = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
	/* before 6.12 the flag is unknown: EINVAL, absent only on a kernel with nothing newer */
	ret = iou_pbuf_ring_setup(&self->r, &self->pb, 4, 1, IOU_PBUF_RING_INC);
	IOU_REQUIRE(iou_have_by_result(ret, 0, IOU_V(6, 12), "IOU_PBUF_RING_INC",
				       __why, sizeof(__why)));
	self->fd = iou_scratch_file("data", 65536, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(incremental)
{
	if (self->fd >= 0)
		close(self->fd);
	iou_pbuf_ring_free(&self->r, &self->pb);
	iou_ring_exit(&self->r);
}

TEST_F(incremental, partial_reads_share_one_buffer_until_used_up)
{
	struct io_uring_buf *e = &self->pb.br->bufs[0];
	unsigned int head = 99;
	struct iou_cqe cqe;

	iou_pbuf_add(&self->pb, self->bufs, 1000, 4, 0);
	iou_pbuf_advance(&self->pb, 1);

	for (unsigned int i = 0; i < 3; i++) {
		cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 300, 300 * i, 1);
		ASSERT_RES(300, cqe.res);
		ASSERT_EQ(iou_pbuf_cqe_flags(4, IORING_CQE_F_BUF_MORE), cqe.flags);
		/* consecutive pieces of the same buffer */
		ASSERT_TRUE(iou_check_pattern(self->bufs + 300 * i, 300, 300 * i));
		/* the kernel keeps its progress in the shared entry */
		ASSERT_EQ((__u64)(uintptr_t)(self->bufs + 300 * (i + 1)), e->addr);
		ASSERT_EQ(1000 - 300 * (i + 1), e->len);
		ASSERT_EQ(4, e->bid);
		ASSERT_RES(0, iou_pbuf_status(&self->r, 1, &head));
		ASSERT_EQ(0, head);
	}
	/* 100 bytes are left: the read is cut to them and ends the buffer */
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 300, 900, 1);
	ASSERT_RES(100, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(4, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs + 900, 100, 900));
	ASSERT_RES(0, iou_pbuf_status(&self->r, 1, &head));
	ASSERT_EQ(1, head);
	ASSERT_RES(-ENOBUFS, iou_pbuf_read_select(_metadata, &self->r, self->fd, 8, 0, 1).res);
}

TEST_F(incremental, exact_fit_read_consumes_the_buffer)
{
	struct iou_cqe cqe;
	unsigned int head = 99;

	iou_pbuf_add(&self->pb, self->bufs, 512, 7, 0);
	iou_pbuf_add(&self->pb, self->bufs + 4096, 512, 8, 1);
	iou_pbuf_advance(&self->pb, 2);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 512, 0, 1);
	ASSERT_RES(512, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(7, 0), cqe.flags);
	ASSERT_RES(0, iou_pbuf_status(&self->r, 1, &head));
	ASSERT_EQ(1, head);
	/* the next read starts on the next buffer, at its start */
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 100, 512, 1);
	ASSERT_RES(100, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(8, IORING_CQE_F_BUF_MORE), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs + 4096, 100, 512));
}

TEST_F(incremental, read_never_spans_two_buffers)
{
	struct iou_cqe cqe;

	iou_pbuf_add(&self->pb, self->bufs, 200, 1, 0);
	iou_pbuf_add(&self->pb, self->bufs + 4096, 4096, 2, 1);
	iou_pbuf_advance(&self->pb, 2);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 150, 0, 1);
	ASSERT_RES(150, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(1, IORING_CQE_F_BUF_MORE), cqe.flags);
	/* 50 left in buffer 1: a 150-byte read gets those 50 only */
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 150, 150, 1);
	ASSERT_RES(50, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(1, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs, 200, 0));
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 150, 200, 1);
	ASSERT_RES(150, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(2, IORING_CQE_F_BUF_MORE), cqe.flags);
}

TEST_F(incremental, without_inc_a_short_read_consumes_the_whole_buffer)
{
	struct iou_pbuf_ring plain;
	struct iou_cqe cqe;
	unsigned int head = 99;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &plain, 4, 2, 0));
	iou_pbuf_add(&plain, self->bufs, 1000, 4, 0);
	iou_pbuf_add(&plain, self->bufs + 4096, 1000, 5, 1);
	iou_pbuf_advance(&plain, 2);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 300, 0, 2);
	ASSERT_RES(300, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(4, 0), cqe.flags);
	ASSERT_RES(0, iou_pbuf_status(&self->r, 2, &head));
	ASSERT_EQ(1, head);
	/* the entry was not touched */
	ASSERT_EQ((__u64)(uintptr_t)self->bufs, plain.br->bufs[0].addr);
	ASSERT_EQ(1000, plain.br->bufs[0].len);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 300, 300, 2);
	ASSERT_EQ(iou_pbuf_cqe_flags(5, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs + 4096, 300, 300));
	iou_pbuf_ring_free(&self->r, &plain);
}

TEST_F(incremental, mmap_ring_can_be_incremental)
{
	struct iou_pbuf_ring m;
	struct iou_cqe cqe;
	int ret;

	ret = iou_pbuf_ring_setup(&self->r, &m, 4, 3,
				IOU_PBUF_RING_MMAP | IOU_PBUF_RING_INC);
	ASSERT_RES(0, ret);
	iou_pbuf_add(&m, self->bufs, 64, 9, 0);
	iou_pbuf_advance(&m, 1);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 16, 0, 3);
	ASSERT_RES(16, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(9, IORING_CQE_F_BUF_MORE), cqe.flags);
	ASSERT_EQ(48, m.br->bufs[0].len);
	iou_pbuf_ring_free(&self->r, &m);
}

TEST_HARNESS_MAIN
