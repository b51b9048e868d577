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
#include "iou_twin.h"
#include "iou_rsrc.h"

FIXTURE(reserved) {
	struct iou_ring r;
};

FIXTURE_VARIANT(reserved) {
	int opcode;
	struct iou_sqe_field field;
	bool refused;
};

#define RSV(op, f, refused_)						\
	FIXTURE_VARIANT_ADD(reserved, op##_##f) {				\
		.opcode = IORING_OP_##op, .field = IOU_SQE_FIELD(f), .refused = (refused_) \
	}

RSV(OPENAT, buf_index, true);
RSV(OPENAT, ioprio, true);
RSV(OPENAT, addr3, false);
RSV(OPENAT2, buf_index, true);
RSV(OPENAT2, ioprio, true);
RSV(OPENAT2, rw_flags, false);
RSV(CLOSE, off, true);
RSV(CLOSE, addr, true);
RSV(CLOSE, len, true);
RSV(CLOSE, rw_flags, true);
RSV(CLOSE, buf_index, true);
RSV(CLOSE, ioprio, true);
RSV(CLOSE, addr3, false);
RSV(FILES_UPDATE, rw_flags, true);
RSV(FILES_UPDATE, splice_fd_in, true);
RSV(FILES_UPDATE, ioprio, true);
RSV(FIXED_FD_INSTALL, off, true);
RSV(FIXED_FD_INSTALL, addr, true);
RSV(FIXED_FD_INSTALL, len, true);
RSV(FIXED_FD_INSTALL, buf_index, true);
RSV(FIXED_FD_INSTALL, splice_fd_in, true);
RSV(FIXED_FD_INSTALL, addr3, true);
RSV(PIPE, fd, true);
RSV(PIPE, off, true);
RSV(PIPE, addr3, true);
RSV(PIPE, ioprio, true);

static struct open_how how = { .flags = O_RDONLY };
static int fds[2];

static int setup(struct iou_twin_run *s, int opcode)
{
	int ret = iou_twin_fd(s, 0, IOU_FD_FILE);

	if (ret)
		return ret;
	/* a one-slot table holding the file, for the table opcodes */
	return iou_register(s->priv, IORING_REGISTER_FILES, &s->use[0], 1);
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
	iou_register(s->priv, IORING_UNREGISTER_FILES, NULL, 0);
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

FIXTURE_SETUP(reserved)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(reserved)
{
	iou_ring_exit(&self->r);
}

TEST_F(reserved, field_refused_or_ignored)
{
	struct iou_rsv_ops ops = { .setup = setup, .prep = prep, .done = done };

	REQUIRE_OPCODE(variant->opcode);
	iou_rsv_check_priv(_metadata, &self->r, &ops, variant->opcode, &variant->field,
			   variant->refused, &self->r);
}

TEST_HARNESS_MAIN
