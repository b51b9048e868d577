// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FALLOCATE is held to fallocate(2): on the same descriptor,
 * mode, offset and length it completes with the call's result and
 * leaves the same size and contents, inline and from io-wq.  Rows: every
 * mode (plain, KEEP_SIZE, PUNCH_HOLE with and without KEEP_SIZE,
 * ZERO_RANGE, COLLAPSE_RANGE, INSERT_RANGE) and an unknown bit, whatever
 * the scratch file system supports (EOPNOTSUPP where it lacks one, for
 * both); zero and negative lengths and offsets, a range past the largest
 * file (EFBIG), read-only, directory, O_PATH, pipe, /dev/null and closed
 * descriptors.
 */
#include <linux/falloc.h>
#define IOU_TWIN_FIXTURE falloc
#include "iou_twin.h"

FIXTURE_VARIANT(falloc) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind fd;	/* IOU_FD_NONE: the file */
	int mode;
	long long off, len;
};

#define ROW(name, res_, mode_, off_, len_, ...)				\
	FIXTURE_VARIANT_ADD(falloc, name) {				\
		.twin_res = (res_), .mode = (mode_), .off = (off_), .len = (len_), __VA_ARGS__ \
	}

#define PUNCH	(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)

ROW(extend_the_file, 0, 0, 0, 1 << 20);
ROW(inside_the_file, 0, 0, 0, 4096);
ROW(keep_size_past_the_end, 0, FALLOC_FL_KEEP_SIZE, 8192, 1 << 20);
ROW(punch_a_hole, IOU_TWIN_ANY, PUNCH, 4096, 4096);
ROW(punch_without_keep_size, -EOPNOTSUPP, FALLOC_FL_PUNCH_HOLE, 0, 4096);
ROW(zero_range, IOU_TWIN_ANY, FALLOC_FL_ZERO_RANGE, 100, 1000);
ROW(collapse_range, IOU_TWIN_ANY, FALLOC_FL_COLLAPSE_RANGE, 0, 4096);
ROW(collapse_unaligned_range, IOU_TWIN_ANY, FALLOC_FL_COLLAPSE_RANGE, 100, 4096);
ROW(insert_range, IOU_TWIN_ANY, FALLOC_FL_INSERT_RANGE, 4096, 4096);
ROW(unknown_mode_bit, -EOPNOTSUPP, 0x4000, 0, 4096);
ROW(zero_length, -EINVAL, 0, 0, 0);
ROW(negative_length, -EINVAL, 0, 0, -4096);
ROW(negative_offset, -EINVAL, 0, -4096, 4096);
ROW(past_the_largest_file, -EFBIG, 0, 0x7ffffffffffff000LL, 0x10000);
ROW(read_only_fd, -EBADF, 0, 0, 4096, .fd = IOU_FD_RDONLY);
ROW(append_fd_keep_size, 0, FALLOC_FL_KEEP_SIZE, 0, 4096, .fd = IOU_FD_APPEND);
ROW(append_fd_punch, IOU_TWIN_ANY, PUNCH, 0, 4096, .fd = IOU_FD_APPEND);
ROW(directory, -EBADF, 0, 0, 4096, .fd = IOU_FD_DIR);
ROW(o_path_fd, -EBADF, 0, 0, 4096, .fd = IOU_FD_OPATH);
ROW(pipe, -ESPIPE, 0, 0, 4096, .fd = IOU_FD_PIPE_W);
ROW(dev_null, -ENODEV, 0, 0, 4096, .fd = IOU_FD_DEVNULL);
ROW(closed_fd, -EBADF, 0, 0, 4096, .fd = IOU_FD_CLOSED);

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(falloc) *v = row;

	return iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(falloc) *v = row;

	return fallocate(s->use[0], v->mode, v->off, v->len) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(falloc) *v = row;

	iou_prep_fallocate(sqe, s->use[0], v->mode, (__u64)v->off, (__u64)v->len);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(falloc, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_FALLOCATE);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
