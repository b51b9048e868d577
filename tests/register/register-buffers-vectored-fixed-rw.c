// SPDX-License-Identifier: GPL-2.0
/*
 * READV_FIXED and WRITEV_FIXED (6.15) take an iovec array whose every
 * segment must lie inside the one registered buffer named by buf_index:
 * the read scatters file data into those segments in order and the
 * write gathers from them, segments at any byte offset and crossing page
 * boundaries.  A segment outside the buffer (or inside another
 * registered buffer), a zero-length segment, an index without a buffer
 * and an unreadable iovec array each fail with -EFAULT; more than
 * UIO_MAXIOV (1024) segments fail with -EINVAL.
 *
 * Each case runs inline and with IOSQE_ASYNC (import in an io-wq worker).
 */
#include "iou.h"
#include "iou_rsrc.h"

#define BUF_LEN		(16 * 4096)

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_READV_FIXED, IORING_OP_WRITEV_FIXED));

FIXTURE(vectored) {
	struct iou_ring r;
	unsigned char *buf0, *buf1;
	int fd;
};

FIXTURE_VARIANT(vectored) {
	unsigned int sqe_flags;
};

FIXTURE_VARIANT_ADD(vectored, inline) { .sqe_flags = 0 };
FIXTURE_VARIANT_ADD(vectored, async) { .sqe_flags = IOSQE_ASYNC };

FIXTURE_SETUP(vectored)
{
	struct iovec iov[2];

	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->buf0 = iou_map_nohuge(BUF_LEN);
	self->buf1 = iou_map_nohuge(BUF_LEN);
	ASSERT_NE(NULL, self->buf0);
	ASSERT_NE(NULL, self->buf1);
	iov[0] = (struct iovec){ self->buf0, BUF_LEN };
	iov[1] = (struct iovec){ self->buf1, BUF_LEN };
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 2));
	self->fd = iou_scratch_file("data", 4 * BUF_LEN, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(vectored)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static int vfixed(struct iou_ring *r, int op, int fd, const struct iovec *iov,
		  unsigned int nr, __u64 off, unsigned int index,
		  unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_rw(sqe, op, fd, iov, nr, off);
	sqe->buf_index = (__u16)index;
	sqe->flags = (__u8)sqe_flags;
	return iou_run_one(r, NULL);
}

TEST_F(vectored, readv_fixed_scatters_in_segment_order)
{
	/* odd offsets and lengths, the second one across a page boundary */
	struct iovec iov[3] = {
		{ self->buf0 + 7, 1000 },
		{ self->buf0 + 4096 - 300, 5000 },
		{ self->buf0 + 40000, 123 },
	};

	ASSERT_RES(6123, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd, iov, 3,
				50000, 0, variant->sqe_flags));
	ASSERT_TRUE(iou_check_pattern(iov[0].iov_base, 1000, 50000));
	ASSERT_TRUE(iou_check_pattern(iov[1].iov_base, 5000, 51000));
	ASSERT_TRUE(iou_check_pattern(iov[2].iov_base, 123, 56000));
	/* the gap before the first segment was not written */
	for (int i = 0; i < 7; i++)
		ASSERT_EQ(0, self->buf0[i]);
}

TEST_F(vectored, writev_fixed_gathers_in_segment_order)
{
	struct iovec iov[2] = {
		{ self->buf1 + 10000, 3000 },
		{ self->buf1 + 100, 2000 },
	};
	unsigned char back[5000];

	iou_fill_pattern(iov[0].iov_base, 3000, 9000);
	iou_fill_pattern(iov[1].iov_base, 2000, 12000);
	ASSERT_RES(5000, vfixed(&self->r, IORING_OP_WRITEV_FIXED, self->fd, iov, 2,
				9000, 1, variant->sqe_flags));
	ASSERT_EQ(5000, pread(self->fd, back, sizeof(back), 9000));
	ASSERT_TRUE(iou_check_pattern(back, sizeof(back), 9000));
}

TEST_F(vectored, segment_outside_the_buffer_fails_efault)
{
	struct iovec iov[2] = {
		{ self->buf0, 100 },
		{ self->buf0 + BUF_LEN - 10, 20 },
	};

	ASSERT_RES(-EFAULT, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd, iov, 2,
				   0, 0, variant->sqe_flags));
	ASSERT_RES(-EFAULT, vfixed(&self->r, IORING_OP_WRITEV_FIXED, self->fd, iov, 2,
				   0, 0, variant->sqe_flags));
}

TEST_F(vectored, segment_in_another_registered_buffer_fails_efault)
{
	struct iovec iov[2] = {
		{ self->buf0, 100 },
		{ self->buf1, 100 },
	};

	ASSERT_RES(-EFAULT, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd, iov, 2,
				   0, 0, variant->sqe_flags));
}

TEST_F(vectored, zero_length_segment_fails_efault)
{
	struct iovec iov[2] = {
		{ self->buf0, 100 },
		{ self->buf0 + 200, 0 },
	};

	ASSERT_RES(-EFAULT, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd, iov, 2,
				   0, 0, variant->sqe_flags));
}

TEST_F(vectored, index_without_buffer_fails_efault)
{
	struct iovec iov = { self->buf0, 100 };

	ASSERT_RES(-EFAULT, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd, &iov, 1,
				   0, 2, variant->sqe_flags));
}

TEST_F(vectored, unreadable_iovec_array_fails_efault)
{
	ASSERT_RES(-EFAULT, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd,
				   iou_fault_ptr(), 2, 0, 0, variant->sqe_flags));
}

TEST_F(vectored, more_than_uio_maxiov_segments_fail_einval)
{
	struct iovec *iov = calloc(1025, sizeof(*iov));

	ASSERT_NE(NULL, iov);
	for (int i = 0; i < 1025; i++)
		iov[i] = (struct iovec){ self->buf0 + i, 1 };
	ASSERT_RES(-EINVAL, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd, iov, 1025,
				   0, 0, variant->sqe_flags));
	/* 1024 one-byte segments are fine */
	ASSERT_RES(1024, vfixed(&self->r, IORING_OP_READV_FIXED, self->fd, iov, 1024,
				0, 0, variant->sqe_flags));
	ASSERT_TRUE(iou_check_pattern(self->buf0, 1024, 0));
	free(iov);
}

TEST_HARNESS_MAIN
