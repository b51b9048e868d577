// SPDX-License-Identifier: GPL-2.0
/*
 * Reads that pick their buffer from a provided-buffer group
 * (IOSQE_BUFFER_SELECT): READ and READV complete with the byte count and
 * IORING_CQE_F_BUFFER with the buffer's id in the upper 16 bits of
 * cqe->flags, the data in that buffer; an empty group gives -ENOBUFS.
 * IORING_OP_READ_MULTISHOT (6.7) on a pipe posts one CQE per chunk of
 * data with IORING_CQE_F_MORE, and a last one without it: 0 at end of
 * file, -ENOBUFS when the group runs dry.  It refuses to run without
 * buffer selection or with a buffer of its own (-EINVAL), and a WRITE
 * cannot select a buffer.
 */
#include "iou.h"
#include "iou_pbuf.h"

#define BGID		7
#define NBUFS		4
#define BUF_LEN		64
#define UD_READ		0xb5e1000000000001ULL

FIXTURE(bsel) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	char mem[NBUFS][BUF_LEN];
	int p[2];
	int file;
};

FIXTURE_SETUP(bsel)
{
	self->p[0] = self->p[1] = self->file = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, iou_pbuf_ring_setup(&self->r, &self->pb, NBUFS, BGID, 0));
	for (unsigned int i = 0; i < NBUFS; i++)
		iou_pbuf_add(&self->pb, self->mem[i], BUF_LEN, 10 + i, i);
	iou_pbuf_advance(&self->pb, NBUFS);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
	self->file = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, self->file);
}

FIXTURE_TEARDOWN(bsel)
{
	iou_pbuf_ring_free(&self->r, &self->pb);
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++)
		if (self->p[i] >= 0)
			close(self->p[i]);
	if (self->file >= 0)
		close(self->file);
}

static struct io_uring_sqe *prep_select(struct iou_ring *r, int op, int fd, unsigned int len,
					__u64 off)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_rw(sqe, op, fd, NULL, len, off);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = UD_READ;
	return sqe;
}

TEST_F(bsel, read_reports_the_buffer_it_used)
{
	prep_select(&self->r, IORING_OP_READ, self->file, BUF_LEN, 100);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(10, 0)));
	ASSERT_TRUE(iou_check_pattern(self->mem[0], BUF_LEN, 100));
	/* the next read takes the next buffer */
	prep_select(&self->r, IORING_OP_READ, self->file, 16, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, 16, iou_pbuf_cqe_flags(11, 0)));
	ASSERT_TRUE(iou_check_pattern(self->mem[1], 16, 0));
}

TEST_F(bsel, read_length_is_capped_by_the_buffer)
{
	/* len 0 and a len past the buffer both read one buffer's worth */
	prep_select(&self->r, IORING_OP_READ, self->file, 0, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(10, 0)));
	prep_select(&self->r, IORING_OP_READ, self->file, 4096, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(11, 0)));
}

TEST_F(bsel, readv_selects_one_buffer)
{
	/* one iovec, whose length caps the read; its base is not used */
	struct iovec iov = { NULL, 4096 };

	prep_select(&self->r, IORING_OP_READV, self->file, 1, 64)->addr = IOU_PTR(&iov);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(10, 0)));
	ASSERT_TRUE(iou_check_pattern(self->mem[0], BUF_LEN, 64));
}

TEST_F(bsel, empty_group_is_enobufs)
{
	for (int i = 0; i < NBUFS; i++) {
		prep_select(&self->r, IORING_OP_READ, self->file, 8, 0);
		ASSERT_EQ(1, iou_submit(&self->r));
		IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, 8, iou_pbuf_cqe_flags(10 + i, 0)));
	}
	prep_select(&self->r, IORING_OP_READ, self->file, 8, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_READ, -ENOBUFS));
}

TEST_F(bsel, unknown_group_is_enobufs)
{
	prep_select(&self->r, IORING_OP_READ, self->file, 8, 0)->buf_group = BGID + 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_READ, -ENOBUFS));
}

TEST_F(bsel, write_cannot_select_a_buffer)
{
	prep_select(&self->r, IORING_OP_WRITE, self->file, 8, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_READ, -EOPNOTSUPP));
}

TEST_F(bsel, multishot_read_posts_each_chunk_until_end_of_file)
{
	REQUIRE_OPCODE(IORING_OP_READ_MULTISHOT);
	prep_select(&self->r, IORING_OP_READ_MULTISHOT, self->p[0], 0, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(3, write(self->p[1], "one", 3));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, 3, iou_pbuf_cqe_flags(10, IORING_CQE_F_MORE)));
	ASSERT_EQ(0, memcmp(self->mem[0], "one", 3));
	ASSERT_EQ(5, write(self->p[1], "two!!", 5));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD_READ, 5, iou_pbuf_cqe_flags(11, IORING_CQE_F_MORE)));
	ASSERT_EQ(0, memcmp(self->mem[1], "two!!", 5));
	close(self->p[1]);
	self->p[1] = -1;
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_READ, 0));
}

TEST_F(bsel, multishot_read_ends_with_enobufs_when_the_group_runs_dry)
{
	static char chunk[BUF_LEN * (NBUFS + 1)];

	REQUIRE_OPCODE(IORING_OP_READ_MULTISHOT);
	/* more data than the group holds, there before the read starts */
	ASSERT_EQ((ssize_t)sizeof(chunk), write(self->p[1], chunk, sizeof(chunk)));
	prep_select(&self->r, IORING_OP_READ_MULTISHOT, self->p[0], 0, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r,
			IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(10, IORING_CQE_F_MORE)),
			IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(11, IORING_CQE_F_MORE)),
			IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(12, IORING_CQE_F_MORE)),
			IOU_CQE_F(UD_READ, BUF_LEN, iou_pbuf_cqe_flags(13, IORING_CQE_F_MORE)),
			IOU_CQE(UD_READ, -ENOBUFS));
}

TEST_F(bsel, multishot_read_needs_buffer_select)
{
	struct io_uring_sqe *sqe;

	REQUIRE_OPCODE(IORING_OP_READ_MULTISHOT);
	sqe = prep_select(&self->r, IORING_OP_READ_MULTISHOT, self->p[0], 0, 0);
	sqe->flags = 0;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_READ, -EINVAL));
}

TEST_F(bsel, multishot_read_refuses_a_buffer_of_its_own)
{
	char own[8];

	REQUIRE_OPCODE(IORING_OP_READ_MULTISHOT);
	prep_select(&self->r, IORING_OP_READ_MULTISHOT, self->p[0], 0, 0)->addr = IOU_PTR(own);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_READ, -EINVAL));
	prep_select(&self->r, IORING_OP_READ_MULTISHOT, self->p[0], sizeof(own), 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_READ, -EINVAL));
}

TEST_HARNESS_MAIN
