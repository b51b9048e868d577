// SPDX-License-Identifier: GPL-2.0
/*
 * Every SQE field an fs opcode does not use, set non-zero in turn on an
 * otherwise valid request: the kernel refuses it at prep with -EINVAL,
 * or ignores it and the request completes as without.  Which is read
 * from each opcode's prep function (io_uring/sync.c, advise.c, fs.c,
 * statx.c, truncate.c) and is the same in 6.1, 6.12 and 7.3 for every
 * row here: fields whose meaning changed (FADVISE's addr and MADVISE's
 * off carry a 64-bit length since 6.11; UNLINKAT's addr3 is checked in
 * 7.3 but not 6.12) are left out.
 */
#include <sys/stat.h>
#define IOU_RSV_FIXTURE
#include "iou_twin.h"

IOU_RSV(FSYNC, addr, true);
IOU_RSV(FSYNC, buf_index, true);
IOU_RSV(FSYNC, splice_fd_in, true);
IOU_RSV(SYNC_FILE_RANGE, addr, true);
IOU_RSV(SYNC_FILE_RANGE, buf_index, true);
IOU_RSV(SYNC_FILE_RANGE, splice_fd_in, true);
IOU_RSV(FALLOCATE, buf_index, true);
IOU_RSV(FALLOCATE, rw_flags, true);
IOU_RSV(FALLOCATE, splice_fd_in, true);
IOU_RSV(FADVISE, buf_index, true);
IOU_RSV(FADVISE, splice_fd_in, true);
IOU_RSV(MADVISE, buf_index, true);
IOU_RSV(MADVISE, splice_fd_in, true);
IOU_RSV(FTRUNCATE, rw_flags, true);
IOU_RSV(FTRUNCATE, addr, true);
IOU_RSV(FTRUNCATE, len, true);
IOU_RSV(FTRUNCATE, buf_index, true);
IOU_RSV(FTRUNCATE, splice_fd_in, true);
IOU_RSV(FTRUNCATE, addr3, true);
IOU_RSV(STATX, buf_index, true);
IOU_RSV(STATX, splice_fd_in, true);
IOU_RSV(RENAMEAT, buf_index, true);
IOU_RSV(RENAMEAT, splice_fd_in, true);
IOU_RSV(UNLINKAT, off, true);
IOU_RSV(UNLINKAT, len, true);
IOU_RSV(UNLINKAT, buf_index, true);
IOU_RSV(UNLINKAT, splice_fd_in, true);
IOU_RSV(MKDIRAT, off, true);
IOU_RSV(MKDIRAT, rw_flags, true);
IOU_RSV(MKDIRAT, buf_index, true);
IOU_RSV(MKDIRAT, splice_fd_in, true);
IOU_RSV(SYMLINKAT, len, true);
IOU_RSV(SYMLINKAT, rw_flags, true);
IOU_RSV(SYMLINKAT, buf_index, true);
IOU_RSV(SYMLINKAT, splice_fd_in, true);
IOU_RSV(LINKAT, buf_index, true);
IOU_RSV(LINKAT, splice_fd_in, true);
/* io_init_req() refuses ioprio for every opcode whose io_issue_def lacks .ioprio */
IOU_RSV(FSYNC, ioprio, true);
IOU_RSV(STATX, ioprio, true);
IOU_RSV(RENAMEAT, ioprio, true);
IOU_RSV(LINKAT, ioprio, true);
IOU_RSV(FTRUNCATE, ioprio, true);
/* fields no version of these checks: ignored */
IOU_RSV(FSYNC, addr3, false);
IOU_RSV(FALLOCATE, addr3, false);
IOU_RSV(STATX, addr3, false);
IOU_RSV(RENAMEAT, addr3, false);
IOU_RSV(MKDIRAT, addr3, false);
IOU_RSV(LINKAT, addr3, false);

static struct statx stx;

static int setup(struct iou_twin_run *s, int opcode)
{
	int ret = iou_twin_tree(s);

	return ret ? ret : iou_twin_fd(s, 0, IOU_FD_FILE);
}

static void prep(struct iou_twin_run *s, int opcode, struct io_uring_sqe *sqe)
{
	int fd = s->use[0];

	switch (opcode) {
	case IORING_OP_FSYNC:
		iou_prep_fsync(sqe, fd, 0);
		break;
	case IORING_OP_SYNC_FILE_RANGE:
		iou_prep_sync_file_range(sqe, fd, 4096, 0, SYNC_FILE_RANGE_WRITE);
		break;
	case IORING_OP_FALLOCATE:
		iou_prep_fallocate(sqe, fd, 0, 0, 4096);
		break;
	case IORING_OP_FADVISE:
		iou_prep_fadvise(sqe, fd, 0, 4096, POSIX_FADV_WILLNEED);
		break;
	case IORING_OP_MADVISE:
		iou_prep_madvise(sqe, s->buf, 4096, MADV_NORMAL);
		break;
	case IORING_OP_FTRUNCATE:
		iou_prep_ftruncate(sqe, fd, 100);
		break;
	case IORING_OP_STATX:
		iou_prep_statx(sqe, AT_FDCWD, "file", 0, STATX_BASIC_STATS, &stx);
		break;
	case IORING_OP_RENAMEAT:
		iou_prep_renameat(sqe, AT_FDCWD, "file", AT_FDCWD, "new", 0);
		break;
	case IORING_OP_UNLINKAT:
		iou_prep_unlinkat(sqe, AT_FDCWD, "other", 0);
		break;
	case IORING_OP_MKDIRAT:
		iou_prep_mkdirat(sqe, AT_FDCWD, "newdir", 0755);
		break;
	case IORING_OP_SYMLINKAT:
		iou_prep_symlinkat(sqe, "file", AT_FDCWD, "newlink");
		break;
	case IORING_OP_LINKAT:
		iou_prep_linkat(sqe, AT_FDCWD, "file", AT_FDCWD, "newlink", 0);
		break;
	}
}

static const struct iou_rsv_ops ops = { .setup = setup, .prep = prep };

TEST_F(reserved, field_refused_or_ignored)
{
	iou_rsv_check(_metadata, &self->r, &ops, variant->opcode, &variant->field,
		      variant->refused);
}

TEST_HARNESS_MAIN
