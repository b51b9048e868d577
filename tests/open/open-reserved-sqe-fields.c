// SPDX-License-Identifier: GPL-2.0
/*
 * Every SQE field an open-family opcode does not use, set non-zero in
 * turn on an otherwise valid request: refused at prep with -EINVAL, or
 * ignored.  Read from io_uring/openclose.c and rsrc.c, the same in 6.1,
 * 6.12 and 7.3 for these rows (FIXED_FD_INSTALL is 6.8, PIPE 6.16, and
 * skip where missing); ioprio is refused by io_init_req() for every
 * opcode whose io_issue_def lacks .ioprio.
 */
#include <linux/openat2.h>
#define IOU_RSV_FIXTURE
#include "iou_twin.h"
#include "iou_rsrc.h"

IOU_RSV(OPENAT, buf_index, true);
IOU_RSV(OPENAT, ioprio, true);
IOU_RSV(OPENAT, addr3, false);
IOU_RSV(OPENAT2, buf_index, true);
IOU_RSV(OPENAT2, ioprio, true);
IOU_RSV(OPENAT2, rw_flags, false);
IOU_RSV(CLOSE, off, true);
IOU_RSV(CLOSE, addr, true);
IOU_RSV(CLOSE, len, true);
IOU_RSV(CLOSE, rw_flags, true);
IOU_RSV(CLOSE, buf_index, true);
IOU_RSV(CLOSE, ioprio, true);
IOU_RSV(CLOSE, addr3, false);
IOU_RSV(FILES_UPDATE, rw_flags, true);
IOU_RSV(FILES_UPDATE, splice_fd_in, true);
IOU_RSV(FILES_UPDATE, ioprio, true);
IOU_RSV(FIXED_FD_INSTALL, off, true);
IOU_RSV(FIXED_FD_INSTALL, addr, true);
IOU_RSV(FIXED_FD_INSTALL, len, true);
IOU_RSV(FIXED_FD_INSTALL, buf_index, true);
IOU_RSV(FIXED_FD_INSTALL, splice_fd_in, true);
IOU_RSV(FIXED_FD_INSTALL, addr3, true);
IOU_RSV(PIPE, fd, true);
IOU_RSV(PIPE, off, true);
IOU_RSV(PIPE, addr3, true);
IOU_RSV(PIPE, ioprio, true);

static struct open_how how = { .flags = O_RDONLY };
static int fds[2];

static int setup(struct iou_twin_run *s, int opcode)
{
	int ret = iou_twin_fd(s, 0, IOU_FD_FILE);

	if (ret)
		return ret;
	/* a one-slot table holding the file, for the table opcodes */
	return iou_register(s->ring, IORING_REGISTER_FILES, &s->use[0], 1);
}

static void prep(struct iou_twin_run *s, int opcode, struct io_uring_sqe *sqe)
{
	switch (opcode) {
	case IORING_OP_OPENAT:
		iou_prep_openat(sqe, AT_FDCWD, "file", O_RDONLY, 0);
		break;
	case IORING_OP_OPENAT2:
		iou_prep_openat2(sqe, AT_FDCWD, "file", &how, sizeof(how));
		break;
	case IORING_OP_CLOSE:
		iou_prep_close(sqe, s->use[0]);
		break;
	case IORING_OP_FILES_UPDATE:
		iou_prep_files_update(sqe, &s->use[0], 1, 0);
		break;
	case IORING_OP_FIXED_FD_INSTALL:
		iou_prep_fixed_fd_install(sqe, 0, 0);
		break;
	case IORING_OP_PIPE:
		iou_prep_pipe(sqe, fds, O_CLOEXEC);
		break;
	}
}

static void done(struct iou_twin_run *s, int opcode, int res)
{
	iou_register(s->ring, IORING_UNREGISTER_FILES, NULL, 0);
	if (opcode == IORING_OP_CLOSE && res == 0)
		s->fd[0] = -1;
	if ((opcode == IORING_OP_OPENAT || opcode == IORING_OP_OPENAT2 ||
	     opcode == IORING_OP_FIXED_FD_INSTALL) && res >= 0)
		close(res);
	if (opcode == IORING_OP_PIPE && res == 0) {
		close(fds[0]);
		close(fds[1]);
	}
}

TEST_F(reserved, field_refused_or_ignored)
{
	struct iou_rsv_ops ops = { .setup = setup, .prep = prep, .done = done };

	iou_rsv_check(_metadata, &self->r, &ops, variant->opcode, &variant->field,
		      variant->refused);
}

TEST_HARNESS_MAIN
