// SPDX-License-Identifier: GPL-2.0
/*
 * I/O on a raw block device ($IOU_TEST_BLKDEV, opened O_DIRECT), on a
 * plain ring and on an IOPOLL ring, whose completions are found by
 * polling the device's poll queues from io_uring_enter(GETEVENTS):
 *  - WRITE then READ of the same range complete with res = the bytes
 *    and the data comes back, on both rings, also into a registered
 *    buffer (READ_FIXED) and with a request per block range in one batch;
 *  - what io_uring wrote, pread() sees, and the other way round;
 *  - at the end of the device a READ is short (only the bytes up to the
 *    end) and at the end itself it returns 0;
 *  - an offset that is not a multiple of the logical block size fails
 *    with -EINVAL (O_DIRECT alignment);
 *  - on an IOPOLL ring a buffered (not O_DIRECT) read of the same device
 *    cannot be polled and fails with -EOPNOTSUPP.
 *
 * The polled cases need the device's queue to poll (sysfs queue/io_poll,
 * nvme.poll_queues in the VM); where it cannot, they skip, saying so.
 * The device is written: only blocks of this program's region
 * (IOU_BLOCKDEV_REGION_IOPOLL_READ, include/iou_blockdev.h).
 */
#include <sys/uio.h>

#include "iou.h"
#include "iou_blockdev.h"

#define XFER	(64 * 1024)

FIXTURE(blockdev) {
	struct iou_blockdev dev;
	struct iou_ring r;
	bool up;
	unsigned long long base;	/* first byte of this program's region */
	unsigned long long seed;
	char *buf, *chk;
};

FIXTURE_VARIANT(blockdev) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(blockdev, interrupt) { .flags = 0 };
FIXTURE_VARIANT_ADD(blockdev, iopoll) { .flags = IORING_SETUP_IOPOLL };

FIXTURE_SETUP(blockdev)
{
	const char *why = iou_blockdev_open(&self->dev, IOU_BLOCKDEV_ENV_BLKDEV, O_RDWR | O_DIRECT);

	if (why)
		SKIP(return, "%s", why);
	if (variant->flags & IORING_SETUP_IOPOLL) {
		REQUIRE_SETUP_FLAG(IORING_SETUP_IOPOLL);
		if (iou_blockdev_sysfs_ll(self->dev.name, "queue/io_poll") != 1)
			SKIP(return, "%s has no poll queues (queue/io_poll is not 1)",
			     self->dev.path);
	}
	self->base = iou_blockdev_region_start(IOU_BLOCKDEV_REGION_IOPOLL_READ);
	self->seed = iou_blockdev_seed();
	self->buf = iou_blockdev_buf(2 * XFER);
	self->chk = iou_blockdev_buf(2 * XFER);
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->chk);
	ASSERT_RES(0, iou_ring_init(&self->r, 8, variant->flags));
	self->up = true;
}

FIXTURE_TEARDOWN(blockdev)
{
	if (self->up)
		iou_ring_exit(&self->r);
	iou_blockdev_close(&self->dev);
	free(self->buf);
	free(self->chk);
}

/* submit what is queued and reap n completions, however this ring completes */
static int submit_reap(FIXTURE_DATA(blockdev) *self, struct iou_cqe *cqe, unsigned int n)
{
	if (self->r.flags & IORING_SETUP_IOPOLL)
		return iou_blockdev_submit_reap_polled(&self->r, cqe, n);
	return iou_submit_reap(&self->r, cqe, n);
}

/* one READ or WRITE of len bytes at off through fd; its res */
static int rw_one(struct __test_metadata *_metadata, FIXTURE_DATA(blockdev) *self,
		  int op, int fd, void *buf, unsigned int len, unsigned long long off)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe;

	iou_prep_rw(sqe, op, fd, buf, len, off);
	sqe->user_data = (__u64)op << 32 | len;
	memset(&cqe, 0, sizeof(cqe));
	EXPECT_EQ(1, submit_reap(self, &cqe, 1));
	EXPECT_EQ((__u64)op << 32 | len, cqe.user_data);
	EXPECT_EQ(0, cqe.flags);
	return cqe.res;
}

TEST_F(blockdev, write_then_read_returns_the_data)
{
	unsigned long long off = self->base;

	iou_fill_pattern(self->buf, XFER, self->seed + off);
	ASSERT_RES(XFER, rw_one(_metadata, self, IORING_OP_WRITE, self->dev.fd,
				self->buf, XFER, off));
	ASSERT_RES(XFER, rw_one(_metadata, self, IORING_OP_READ, self->dev.fd,
				self->chk, XFER, off));
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER, self->seed + off));
}

TEST_F(blockdev, io_uring_and_pread_pwrite_agree)
{
	unsigned long long off = self->base + 2 * XFER;

	iou_fill_pattern(self->buf, XFER, self->seed + off);
	ASSERT_EQ(XFER, pwrite(self->dev.fd, self->buf, XFER, (off_t)off));
	ASSERT_RES(XFER, rw_one(_metadata, self, IORING_OP_READ, self->dev.fd,
				self->chk, XFER, off));
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER, self->seed + off));

	iou_fill_pattern(self->buf, XFER, self->seed + 7 + off);
	ASSERT_RES(XFER, rw_one(_metadata, self, IORING_OP_WRITE, self->dev.fd,
				self->buf, XFER, off));
	memset(self->chk, 0, XFER);
	ASSERT_EQ(XFER, pread(self->dev.fd, self->chk, XFER, (off_t)off));
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER, self->seed + 7 + off));
}

TEST_F(blockdev, read_fixed_into_a_registered_buffer)
{
	unsigned long long off = self->base + 4 * XFER;
	struct iovec iov = { .iov_base = self->chk, .iov_len = XFER };
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;

	iou_fill_pattern(self->buf, XFER, self->seed + off);
	ASSERT_EQ(XFER, pwrite(self->dev.fd, self->buf, XFER, (off_t)off));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	/* the second half of the registered buffer, from the middle */
	sqe = iou_get_sqe(&self->r);
	iou_prep_rw(sqe, IORING_OP_READ_FIXED, self->dev.fd, self->chk + XFER / 2,
		    XFER / 2, off + XFER / 2);
	sqe->buf_index = 0;
	sqe->user_data = 0xf1;
	ASSERT_EQ(1, submit_reap(self, &cqe, 1));
	ASSERT_EQ(0xf1, cqe.user_data);
	ASSERT_RES(XFER / 2, cqe.res);
	ASSERT_TRUE(iou_check_pattern(self->chk + XFER / 2, XFER / 2,
				      self->seed + off + XFER / 2));
	/* the first half was not touched */
	for (unsigned int i = 0; i < XFER / 2; i++)
		ASSERT_EQ(0, self->chk[i]);
}

TEST_F(blockdev, batch_of_reads_each_complete_with_their_bytes)
{
	unsigned long long off = self->base + 6 * XFER;
	struct iou_cqe cqe[4];
	unsigned int seen = 0;

	iou_fill_pattern(self->buf, 2 * XFER, self->seed + off);
	ASSERT_EQ(2 * XFER, pwrite(self->dev.fd, self->buf, 2 * XFER, (off_t)off));
	/* four reads of 32 KiB, in reverse order of their offsets */
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int k = 3 - i;
		struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

		iou_prep_rw(sqe, IORING_OP_READ, self->dev.fd,
			    self->chk + k * (XFER / 2), XFER / 2,
			    off + k * (XFER / 2));
		sqe->user_data = k;
	}
	ASSERT_EQ(4, submit_reap(self, cqe, 4));
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_GT(4, cqe[i].user_data);
		ASSERT_RES(XFER / 2, cqe[i].res);
		seen |= 1U << cqe[i].user_data;
	}
	ASSERT_EQ(0xf, seen);
	ASSERT_TRUE(iou_check_pattern(self->chk, 2 * XFER, self->seed + off));
}

TEST_F(blockdev, read_at_the_end_is_short_and_past_it_returns_0)
{
	unsigned long long end = self->dev.size;

	/* 8 KiB asked, 4 KiB left; nobody writes the device's last blocks */
	ASSERT_EQ(4096, pread(self->dev.fd, self->buf, 4096, (off_t)(end - 4096)));
	ASSERT_RES(4096, rw_one(_metadata, self, IORING_OP_READ, self->dev.fd,
				self->chk, 8192, end - 4096));
	ASSERT_EQ(0, memcmp(self->buf, self->chk, 4096));
	ASSERT_RES(0, rw_one(_metadata, self, IORING_OP_READ, self->dev.fd,
			     self->chk, 4096, end));
}

TEST_F(blockdev, unaligned_offset_gives_einval)
{
	/* half a logical block in */
	ASSERT_RES(-EINVAL, rw_one(_metadata, self, IORING_OP_READ, self->dev.fd,
				   self->chk, XFER, self->base + self->dev.lbs / 2));
	ASSERT_RES(-EINVAL, rw_one(_metadata, self, IORING_OP_WRITE, self->dev.fd,
				   self->buf, XFER, self->base + self->dev.lbs / 2));
}

TEST(buffered_read_on_an_iopoll_ring_gives_eopnotsupp)
{
	struct iou_ring r;
	struct iou_cqe cqe;
	struct iou_blockdev dev;
	const char *why;
	char *buf;

	/* the device without O_DIRECT: page-cache I/O cannot be polled */
	why = iou_blockdev_open(&dev, IOU_BLOCKDEV_ENV_BLKDEV, O_RDONLY);
	if (why)
		SKIP(return, "%s", why);
	REQUIRE_SETUP_FLAG(IORING_SETUP_IOPOLL);
	buf = iou_blockdev_buf(4096);
	ASSERT_NE(NULL, buf);
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_IOPOLL));
	iou_prep_rw(iou_get_sqe(&r), IORING_OP_READ, dev.fd, buf, 4096,
		    iou_blockdev_region_start(IOU_BLOCKDEV_REGION_IOPOLL_READ));
	ASSERT_EQ(1, iou_blockdev_submit_reap_polled(&r, &cqe, 1));
	ASSERT_RES(-EOPNOTSUPP, cqe.res);
	iou_ring_exit(&r);
	iou_blockdev_close(&dev);
	free(buf);
}

TEST_HARNESS_MAIN
