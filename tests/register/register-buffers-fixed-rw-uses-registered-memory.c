// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_BUFFERS pins user memory once; READ_FIXED and
 * WRITE_FIXED then move data straight to and from those pages, for any
 * [addr, addr + len) that lies inside the buffer named by buf_index.
 * The pages are pinned, not copied: a change the program makes after
 * registering is what WRITE_FIXED writes.  A range that leaves the
 * buffer, an index past the table, an index that does not own the
 * address, a ring without buffers and a ring whose buffers were
 * unregistered all complete with -EFAULT; UNREGISTER_BUFFERS itself
 * succeeds once and then reports ENXIO.
 *
 * A zero-length fixed write whose address is the exact end of the buffer
 * is inside the range and transfers nothing (res 0); it used to walk
 * past the last bio_vec (a KASAN-visible out-of-bounds read).
 * Regression-test-for: 111a12b422a8 ("io_uring/rsrc: reject zero-length fixed buffer import")
 * CVE: CVE-2026-43006
 *
 * Each case runs inline and with IOSQE_ASYNC, where the buffer is
 * imported by an io-wq worker instead of the submitter.
 */
#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("111a12b422a8", "CVE-2026-43006", "",
			"io_uring/rsrc: reject zero-length fixed buffer import")));

#define BUF0_LEN	(64 * 1024)
#define BUF1_LEN	4096
#define FILE_LEN	(256 * 1024)

FIXTURE(fixed) {
	struct iou_ring r;
	int fd;
	unsigned char *buf0, *buf1;
};

FIXTURE_VARIANT(fixed) {
	unsigned int sqe_flags;
};

FIXTURE_VARIANT_ADD(fixed, inline) { .sqe_flags = 0 };
FIXTURE_VARIANT_ADD(fixed, async) { .sqe_flags = IOSQE_ASYNC };

FIXTURE_SETUP(fixed)
{
	struct iovec iov[2];

	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->fd = iou_scratch_file("data", FILE_LEN, 0);
	ASSERT_LE(0, self->fd);
	self->buf0 = iou_map_nohuge(BUF0_LEN);
	self->buf1 = iou_map_nohuge(BUF1_LEN);
	ASSERT_NE(NULL, self->buf0);
	ASSERT_NE(NULL, self->buf1);
	iov[0] = (struct iovec){ self->buf0, BUF0_LEN };
	iov[1] = (struct iovec){ self->buf1, BUF1_LEN };
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 2));
}

FIXTURE_TEARDOWN(fixed)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static int fixed_rw(struct iou_ring *r, int op, int fd, void *addr,
		    unsigned int len, __u64 off, unsigned int index,
		    unsigned int sqe_flags, struct iou_cqe *cqe)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_rw(sqe, op, fd, addr, len, off);
	sqe->buf_index = (__u16)index;
	sqe->flags = (__u8)sqe_flags;
	sqe->user_data = 0xf1;
	return iou_run_one(r, cqe);
}

TEST_F(fixed, read_fixed_fills_the_registered_pages)
{
	struct iou_cqe cqe;

	ASSERT_RES(16384, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				   self->buf0 + 8192, 16384, 4096, 0,
				   variant->sqe_flags, &cqe));
	ASSERT_EQ(0xf1, cqe.user_data);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->buf0 + 8192, 16384, 4096));
	/* nothing outside the requested range was touched */
	for (unsigned int i = 0; i < 8192; i++)
		ASSERT_EQ(0, self->buf0[i]);
	for (unsigned int i = 8192 + 16384; i < BUF0_LEN; i++)
		ASSERT_EQ(0, self->buf0[i]);
}

TEST_F(fixed, read_fixed_of_the_whole_buffer_reaches_its_last_byte)
{
	ASSERT_RES(BUF0_LEN, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				      self->buf0, BUF0_LEN, 0, 0,
				      variant->sqe_flags, NULL));
	ASSERT_TRUE(iou_check_pattern(self->buf0, BUF0_LEN, 0));
}

TEST_F(fixed, read_fixed_into_second_buffer_uses_its_index)
{
	ASSERT_RES(BUF1_LEN, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				      self->buf1, BUF1_LEN, 65536, 1,
				      variant->sqe_flags, NULL));
	ASSERT_TRUE(iou_check_pattern(self->buf1, BUF1_LEN, 65536));
}

TEST_F(fixed, read_fixed_at_eof_is_short)
{
	/* 1000 bytes remain before EOF: the read stops there */
	ASSERT_RES(1000, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				  self->buf0, 4096, FILE_LEN - 1000, 0,
				  variant->sqe_flags, NULL));
	ASSERT_TRUE(iou_check_pattern(self->buf0, 1000, FILE_LEN - 1000));
	ASSERT_EQ(0, self->buf0[1000]);
}

TEST_F(fixed, write_fixed_writes_what_the_pages_hold_now)
{
	unsigned char back[8192];

	/*
	 * The pattern is put into the buffer after registration: the
	 * kernel holds the pages, not a copy of what they held then.
	 */
	iou_fill_pattern(self->buf0 + 4096, 8192, 777);
	ASSERT_RES(8192, fixed_rw(&self->r, IORING_OP_WRITE_FIXED, self->fd,
				  self->buf0 + 4096, 8192, 12288, 0,
				  variant->sqe_flags, NULL));
	ASSERT_EQ(8192, pread(self->fd, back, sizeof(back), 12288));
	ASSERT_TRUE(iou_check_pattern(back, sizeof(back), 777));
}

TEST_F(fixed, range_past_buffer_end_fails_efault)
{
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				     self->buf0 + BUF0_LEN - 100, 200, 0, 0,
				     variant->sqe_flags, NULL));
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_WRITE_FIXED, self->fd,
				     self->buf1, BUF1_LEN + 1, 0, 1,
				     variant->sqe_flags, NULL));
}

TEST_F(fixed, address_below_buffer_start_fails_efault)
{
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				     self->buf0 - 1, 16, 0, 0,
				     variant->sqe_flags, NULL));
}

TEST_F(fixed, index_past_the_table_fails_efault)
{
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				     self->buf0, 16, 0, 2,
				     variant->sqe_flags, NULL));
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_WRITE_FIXED, self->fd,
				     self->buf0, 16, 0, 65535,
				     variant->sqe_flags, NULL));
}

TEST_F(fixed, index_not_owning_the_address_fails_efault)
{
	/* buf0's address with buf1's index */
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				     self->buf0, 16, 0, 1,
				     variant->sqe_flags, NULL));
}

TEST_F(fixed, zero_length_write_fixed_at_buffer_end_transfers_nothing)
{
	unsigned char back[16];

	ASSERT_RES(0, fixed_rw(&self->r, IORING_OP_WRITE_FIXED, self->fd,
			       self->buf1 + BUF1_LEN, 0, 0, 1,
			       variant->sqe_flags, NULL));
	ASSERT_RES(0, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
			       self->buf0 + BUF0_LEN, 0, 0, 0,
			       variant->sqe_flags, NULL));
	/* the file still holds its pattern */
	ASSERT_EQ(16, pread(self->fd, back, sizeof(back), 0));
	ASSERT_TRUE(iou_check_pattern(back, sizeof(back), 0));
}

TEST_F(fixed, unregister_then_fixed_io_fails_efault)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				     self->buf0, 16, 0, 0,
				     variant->sqe_flags, NULL));
	/* nothing left to unregister */
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
}

TEST_F(fixed, unregister_then_register_again_uses_new_buffers)
{
	struct iovec iov = { self->buf1, BUF1_LEN };

	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	/* index 0 is now buf1; buf0 belongs to no buffer any more */
	ASSERT_RES(BUF1_LEN, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				      self->buf1, BUF1_LEN, 8192, 0,
				      variant->sqe_flags, NULL));
	ASSERT_TRUE(iou_check_pattern(self->buf1, BUF1_LEN, 8192));
	ASSERT_RES(-EFAULT, fixed_rw(&self->r, IORING_OP_READ_FIXED, self->fd,
				     self->buf0, 16, 0, 0,
				     variant->sqe_flags, NULL));
}

TEST_F(fixed, ring_without_buffers_fails_fixed_io_efault)
{
	struct iou_ring bare;

	ASSERT_EQ(0, iou_ring_init(&bare, 4, 0));
	EXPECT_RES(-EFAULT, fixed_rw(&bare, IORING_OP_READ_FIXED, self->fd,
				     self->buf0, 16, 0, 0,
				     variant->sqe_flags, NULL));
	EXPECT_RES(-EFAULT, fixed_rw(&bare, IORING_OP_WRITE_FIXED, self->fd,
				     self->buf0, 16, 0, 0,
				     variant->sqe_flags, NULL));
	iou_ring_exit(&bare);
}

/*
 * Doc discrepancy: io_uring_enter(2) lists EINVAL for READV/WRITEV "if
 * the ring has fixed buffers registered"; no kernel refuses them, and
 * the vectored opcodes keep working on their own (unregistered) memory.
 */
TEST_F(fixed, readv_ignores_registered_buffers)
{
	unsigned char mem[4096];
	struct iovec iov = { mem, sizeof(mem) };
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	memset(mem, 0, sizeof(mem));
	iou_prep_readv(sqe, self->fd, &iov, 1, 20000);
	sqe->flags = (__u8)variant->sqe_flags;
	ASSERT_RES(4096, iou_run_one(&self->r, NULL));
	ASSERT_TRUE(iou_check_pattern(mem, sizeof(mem), 20000));
}

TEST_HARNESS_MAIN
