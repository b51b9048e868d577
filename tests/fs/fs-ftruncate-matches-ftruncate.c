// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FTRUNCATE (6.9) is held to ftruncate(2): on the same
 * descriptor and length it completes with the call's result and leaves
 * the same size and contents, inline and from io-wq.  Rows: shrinking
 * to zero and to an odd size, the same size, growing, a negative length,
 * one past the largest file (EFBIG), read-only, append-only, directory,
 * O_PATH, pipe, socket, closed and bad descriptors.
 */
#define IOU_TWIN_FIXTURE ftrunc
#include "iou_twin.h"

FIXTURE_VARIANT(ftrunc) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind fd;	/* IOU_FD_NONE: the file */
	long long len;
};

#define ROW(name, res_, len_, ...)					\
	FIXTURE_VARIANT_ADD(ftrunc, name) { .twin_res = (res_), .len = (len_), __VA_ARGS__ }

ROW(to_zero, 0, 0);
ROW(to_an_odd_size, 0, 4097);
ROW(to_the_same_size, 0, IOU_TWIN_FILE_SIZE);
ROW(grows_the_file, 0, 1 << 20);
ROW(negative_length, -EINVAL, -1);
ROW(past_the_largest_file, -EFBIG, 0x7fffffffffffffffLL);
ROW(read_only_fd, -EINVAL, 0, .fd = IOU_FD_RDONLY);
ROW(append_fd, 0, 100, .fd = IOU_FD_APPEND);
ROW(write_only_fd, 0, 100, .fd = IOU_FD_WRONLY);
ROW(directory, -EINVAL, 0, .fd = IOU_FD_DIR);
ROW(o_path_fd, -EBADF, 0, .fd = IOU_FD_OPATH);
ROW(pipe, -EINVAL, 0, .fd = IOU_FD_PIPE_W);
ROW(socket, -EINVAL, 0, .fd = IOU_FD_SOCK);
ROW(closed_fd, -EBADF, 0, .fd = IOU_FD_CLOSED);
ROW(fd_never_opened, -EBADF, 0, .fd = IOU_FD_BAD);

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(ftrunc) *v = row;

	return iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(ftrunc) *v = row;

	return ftruncate(s->use[0], (off_t)v->len) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(ftrunc) *v = row;

	iou_prep_ftruncate(sqe, s->use[0], (__u64)v->len);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(ftrunc, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_FTRUNCATE);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
