// SPDX-License-Identifier: GPL-2.0
/*
 * READ, WRITE, READV and WRITEV on a raw block device opened O_DIRECT
 * are held to pread(2)/pwrite(2)/preadv(2)/pwritev(2): aligned requests
 * complete with the count, an offset or a length that is not a multiple
 * of the logical block size with -EINVAL, memory that is not aligned as
 * the device's DMA needs with -EINVAL (what "aligned" means for memory
 * changed in 6.0, so those rows take whatever the call gives), a read
 * at the end of the device with 0; inline and from io-wq alike.
 *
 * Needs IOU_TEST_BLKDEV (the QEMU runner sets it) and skips without;
 * requests stay inside this program's region of the device.
 */
#include "iou_twin.h"
#include "iou_blockdev.h"

FIXTURE(odirect) {
	struct iou_ring r;
	struct iou_blockdev dev;
};

enum where { IN_REGION, DEVICE_END };

FIXTURE_VARIANT(odirect) {
	IOU_TWIN_ROW_FIELDS;
	int opcode;
	unsigned int mem_off;	/* into the page-aligned buffer */
	unsigned int off_add;	/* added to a block-aligned device offset */
	unsigned int len_blocks, len_add;
	enum where where;
};

#define ROW(name, res_, op_, ...)					\
	FIXTURE_VARIANT_ADD(odirect, name) {				\
		.twin_res = (res_), .opcode = IORING_OP_##op_, __VA_ARGS__ \
	}

#define COUNT	IOU_TWIN_NONNEG

ROW(read_aligned, COUNT, READ, .len_blocks = 8);
ROW(read_one_block, COUNT, READ, .len_blocks = 1);
ROW(read_unaligned_offset, -EINVAL, READ, .len_blocks = 8, .off_add = 1);
ROW(read_offset_half_a_block, -EINVAL, READ, .len_blocks = 8, .off_add = 256);
ROW(read_unaligned_length, -EINVAL, READ, .len_blocks = 8, .len_add = 1);
ROW(read_memory_off_by_one, IOU_TWIN_ANY, READ, .len_blocks = 8, .mem_off = 1);
ROW(read_memory_off_by_512, IOU_TWIN_ANY, READ, .len_blocks = 8, .mem_off = 512);
ROW(read_zero_length, 0, READ, .len_blocks = 0);
ROW(read_at_the_device_end, 0, READ, .len_blocks = 8, .where = DEVICE_END);
ROW(write_aligned, COUNT, WRITE, .len_blocks = 8);
ROW(write_unaligned_offset, -EINVAL, WRITE, .len_blocks = 8, .off_add = 1);
ROW(write_unaligned_length, -EINVAL, WRITE, .len_blocks = 1, .len_add = 100);
ROW(write_memory_off_by_one, IOU_TWIN_ANY, WRITE, .len_blocks = 8, .mem_off = 1);
ROW(readv_aligned, COUNT, READV, .len_blocks = 8);
ROW(readv_unaligned_length, -EINVAL, READV, .len_blocks = 8, .len_add = 3);
ROW(writev_unaligned_offset, -EINVAL, WRITEV, .len_blocks = 8, .off_add = 4);

static struct iou_blockdev *dev;
static struct iovec iov;

static bool reads(const FIXTURE_VARIANT(odirect) *v)
{
	return v->opcode == IORING_OP_READ || v->opcode == IORING_OP_READV;
}

static off_t offset(const FIXTURE_VARIANT(odirect) *v)
{
	if (v->where == DEVICE_END)
		return (off_t)dev->size;
	return (off_t)iou_blockdev_region_start(IOU_BLOCKDEV_REGION_RW_O_DIRECT) + v->off_add;
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(odirect) *v = row;

	/* what a write puts there: this process's pattern */
	iou_fill_pattern(s->buf, IOU_TWIN_BUF, iou_blockdev_seed());
	iov = (struct iovec){ s->buf + v->mem_off, v->len_blocks * dev->lbs + v->len_add };
	s->use[0] = dev->fd;
	return 0;
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(odirect) *v = row;
	ssize_t ret;

	if (v->opcode == IORING_OP_READV || v->opcode == IORING_OP_WRITEV)
		ret = reads(v) ? preadv(dev->fd, &iov, 1, offset(v)) :
				 pwritev(dev->fd, &iov, 1, offset(v));
	else
		ret = reads(v) ? pread(dev->fd, iov.iov_base, iov.iov_len, offset(v)) :
				 pwrite(dev->fd, iov.iov_base, iov.iov_len, offset(v));
	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(odirect) *v = row;

	if (v->opcode == IORING_OP_READV || v->opcode == IORING_OP_WRITEV)
		iou_prep_rw(sqe, v->opcode, dev->fd, &iov, 1, (__u64)offset(v));
	else
		iou_prep_rw(sqe, v->opcode, dev->fd, iov.iov_base, (unsigned int)iov.iov_len,
			    (__u64)offset(v));
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

FIXTURE_SETUP(odirect)
{
	const char *why = iou_blockdev_open(&self->dev, IOU_BLOCKDEV_ENV_BLKDEV,
					    O_RDWR | O_DIRECT);

	if (why)
		SKIP(return, "%s", why);
	dev = &self->dev;
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(odirect)
{
	if (self->dev.fd >= 0)
		iou_ring_exit(&self->r);
	iou_blockdev_close(&self->dev);
}

TEST_F(odirect, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(variant->opcode);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
