// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FSYNC is held to fsync(2), with IORING_FSYNC_DATASYNC to
 * fdatasync(2), and IORING_OP_SYNC_FILE_RANGE to sync_file_range(2): on
 * the same descriptor, range and flags they complete with the call's
 * result and leave the file as it was, inline and from io-wq.  Rows:
 * regular, read-only, directory, O_PATH, pipe, socket, /dev/null, closed
 * and bad descriptors; sync_file_range's flags, negative offsets and
 * lengths, ranges that overflow and an unknown flag.
 *
 * Where the two differ by definition the row says why: fsync(2) has no
 * flags, and the opcode refuses any fsync_flags bit but DATASYNC with
 * EINVAL (io_fsync_prep()); an FSYNC's range (off, len) goes to
 * vfs_fsync_range(), so a negative offset is EINVAL where the whole-file
 * call has no offset at all.
 */
#define IOU_TWIN_FIXTURE fsync
#include "iou_twin.h"

#define FSYNC_FLAGS	"fsync(2) has no flags; the opcode refuses unknown fsync_flags"

enum op { FSYNC, FDATASYNC, SYNC_RANGE };

FIXTURE_VARIANT(fsync) {
	IOU_TWIN_ROW_FIELDS;
	enum op op;
	enum iou_fd_kind fd;	/* IOU_FD_NONE: the file */
	long long off;
	unsigned int len;	/* sync_file_range takes 32 bits of it from the SQE */
	unsigned int flags;	/* sync_file_range flags, or fsync_flags */
};

#define ROW(name, res_, op_, ...)					\
	FIXTURE_VARIANT_ADD(fsync, name) { .twin_res = (res_), .op = (op_), __VA_ARGS__ }

#define SFR_ALL	(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)

ROW(fsync_file, 0, FSYNC);
ROW(fsync_read_only_file, 0, FSYNC, .fd = IOU_FD_RDONLY);
ROW(fsync_directory, 0, FSYNC, .fd = IOU_FD_DIR);
ROW(fsync_o_path, -EBADF, FSYNC, .fd = IOU_FD_OPATH);
ROW(fsync_pipe, -EINVAL, FSYNC, .fd = IOU_FD_PIPE_W);
ROW(fsync_socket, -EINVAL, FSYNC, .fd = IOU_FD_SOCK);
ROW(fsync_dev_null, -EINVAL, FSYNC, .fd = IOU_FD_DEVNULL);
ROW(fsync_closed_fd, -EBADF, FSYNC, .fd = IOU_FD_CLOSED);
ROW(fsync_fd_never_opened, -EBADF, FSYNC, .fd = IOU_FD_BAD);
ROW(fsync_unknown_flag, 0, FSYNC, .flags = 2, .differs = FSYNC_FLAGS, .ring_res = -EINVAL);
ROW(fsync_negative_offset, 0, FSYNC, .off = -4096,
    .differs = "the opcode syncs the range off..off+len; a negative offset is EINVAL",
    .ring_res = -EINVAL);
ROW(fdatasync_file, 0, FDATASYNC, .flags = IORING_FSYNC_DATASYNC);
ROW(fdatasync_pipe, -EINVAL, FDATASYNC, .flags = IORING_FSYNC_DATASYNC, .fd = IOU_FD_PIPE_R);
ROW(fdatasync_closed_fd, -EBADF, FDATASYNC, .flags = IORING_FSYNC_DATASYNC,
    .fd = IOU_FD_CLOSED);
ROW(range_write, 0, SYNC_RANGE, .off = 0, .len = 4096, .flags = SYNC_FILE_RANGE_WRITE);
ROW(range_all_flags, 0, SYNC_RANGE, .off = 4096, .len = 4096, .flags = SFR_ALL);
ROW(range_no_flags, 0, SYNC_RANGE, .off = 0, .len = 4096);
ROW(range_to_end_of_file, 0, SYNC_RANGE, .off = 100, .len = 0, .flags = SFR_ALL);
ROW(range_past_end_of_file, 0, SYNC_RANGE, .off = 1 << 30, .len = 4096, .flags = SFR_ALL);
ROW(range_unknown_flag, -EINVAL, SYNC_RANGE, .len = 4096, .flags = 8);
ROW(range_negative_offset, -EINVAL, SYNC_RANGE, .off = -1, .len = 4096, .flags = SFR_ALL);
ROW(range_offset_plus_length_overflows, -EINVAL, SYNC_RANGE, .off = 0x7ffffffffffff000LL,
    .len = 0x10000, .flags = SFR_ALL);
ROW(range_read_only_file, 0, SYNC_RANGE, .len = 4096, .flags = SFR_ALL, .fd = IOU_FD_RDONLY);
ROW(range_directory, 0, SYNC_RANGE, .len = 4096, .flags = SFR_ALL, .fd = IOU_FD_DIR);
ROW(range_pipe, -ESPIPE, SYNC_RANGE, .len = 4096, .flags = SFR_ALL, .fd = IOU_FD_PIPE_W);
ROW(range_o_path, -EBADF, SYNC_RANGE, .len = 4096, .flags = SFR_ALL, .fd = IOU_FD_OPATH);
ROW(range_closed_fd, -EBADF, SYNC_RANGE, .len = 4096, .flags = SFR_ALL, .fd = IOU_FD_CLOSED);

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(fsync) *v = row;

	return iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(fsync) *v = row;
	int fd = s->use[0];
	int ret;

	switch (v->op) {
	case FSYNC:
		ret = fsync(fd);
		break;
	case FDATASYNC:
		ret = fdatasync(fd);
		break;
	default:
		ret = sync_file_range(fd, v->off, v->len, v->flags);
		break;
	}
	return ret ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(fsync) *v = row;

	if (v->op == SYNC_RANGE) {
		iou_prep_sync_file_range(sqe, s->use[0], v->len, (__u64)v->off, v->flags);
	} else {
		iou_prep_fsync(sqe, s->use[0], v->flags);
		sqe->off = (__u64)v->off;
	}
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep,
};

TEST_F(fsync, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(variant->op == SYNC_RANGE ? IORING_OP_SYNC_FILE_RANGE : IORING_OP_FSYNC);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
