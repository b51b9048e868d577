// SPDX-License-Identifier: GPL-2.0
/*
 * READ, WRITE, READV and WRITEV through a registered file
 * (IOSQE_FIXED_FILE, sqe->fd a slot of the table) are held to the system
 * call on the descriptor that was registered: same result, same file,
 * position and buffer.  The table's two ways of naming nothing, a sparse
 * slot and an index past the table, are held to a closed descriptor and
 * one never opened: -EBADF both.
 */
#define IOU_TWIN_FIXTURE fixfile
#include "iou_twin.h"
#include "iou_rsrc.h"

enum slot { SLOT_FD, SLOT_SPARSE, SLOT_PAST_TABLE };

FIXTURE_VARIANT(fixfile) {
	IOU_TWIN_ROW_FIELDS;
	int opcode;
	enum iou_fd_kind fd;
	enum slot slot;
	long long off;
};

#define ROW(name, res_, op_, fd_, ...)					\
	FIXTURE_VARIANT_ADD(fixfile, name) {				\
		.twin_res = (res_), .opcode = IORING_OP_##op_, .fd = (fd_), __VA_ARGS__ \
	}

ROW(read_file, 4096, READ, IOU_FD_FILE);
ROW(read_at_file_position, 4096, READ, IOU_FD_FILE, .off = -1);
ROW(read_write_only_file, -EBADF, READ, IOU_FD_WRONLY);
ROW(read_directory, -EISDIR, READ, IOU_FD_DIR);
ROW(read_pipe, (int)sizeof(IOU_TWIN_PIPE_DATA), READ, IOU_FD_PIPE_R, .off = -1);
ROW(read_socket, (int)sizeof(IOU_TWIN_PIPE_DATA), READ, IOU_FD_SOCK, .off = -1);
ROW(read_sparse_slot_as_closed_fd, -EBADF, READ, IOU_FD_CLOSED, .slot = SLOT_SPARSE);
ROW(read_past_table_as_bad_fd, -EBADF, READ, IOU_FD_BAD, .slot = SLOT_PAST_TABLE);
ROW(write_file, 4096, WRITE, IOU_FD_FILE);
ROW(write_append_file, 4096, WRITE, IOU_FD_APPEND);
ROW(write_read_only_file, -EBADF, WRITE, IOU_FD_RDONLY);
ROW(write_pipe, 4096, WRITE, IOU_FD_PIPE_W, .off = -1);
ROW(write_sparse_slot_as_closed_fd, -EBADF, WRITE, IOU_FD_CLOSED, .slot = SLOT_SPARSE);
ROW(readv_file, 4096, READV, IOU_FD_FILE);
ROW(writev_file_at_file_position, 4096, WRITEV, IOU_FD_FILE, .off = -1);
ROW(writev_past_table_as_bad_fd, -EBADF, WRITEV, IOU_FD_BAD, .slot = SLOT_PAST_TABLE);

static struct iovec iov;

static bool reads(const FIXTURE_VARIANT(fixfile) *v)
{
	return v->opcode == IORING_OP_READ || v->opcode == IORING_OP_READV;
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(fixfile) *v = row;
	int ret = iou_twin_fd(s, 0, v->fd), fds[2];

	iou_fill_pattern(s->buf, IOU_TWIN_BUF, 1 << 30);
	iov = (struct iovec){ s->buf, 4096 };
	if (ret || s->side == IOU_TWIN_CALL)
		return ret;
	/* slot 0 holds the descriptor, slot 1 nothing */
	fds[0] = v->slot == SLOT_FD ? s->use[0] : -1;
	fds[1] = -1;
	return iou_register(s->priv, IORING_REGISTER_FILES, fds, 2);
}

static void done(struct iou_twin_run *s, const void *row)
{
	if (s->side != IOU_TWIN_CALL)
		iou_register(s->priv, IORING_UNREGISTER_FILES, NULL, 0);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(fixfile) *v = row;
	ssize_t ret;

	if (v->off == -1)
		ret = reads(v) ? readv(s->use[0], &iov, 1) : writev(s->use[0], &iov, 1);
	else
		ret = reads(v) ? preadv(s->use[0], &iov, 1, 0) : pwritev(s->use[0], &iov, 1, 0);
	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(fixfile) *v = row;
	int slot = v->slot == SLOT_FD ? 0 : v->slot == SLOT_SPARSE ? 1 : 2;

	if (v->opcode == IORING_OP_READV || v->opcode == IORING_OP_WRITEV)
		iou_prep_rw(sqe, v->opcode, slot, &iov, 1, (__u64)v->off);
	else
		iou_prep_rw(sqe, v->opcode, slot, iov.iov_base, 4096, (__u64)v->off);
	sqe->flags = IOSQE_FIXED_FILE;
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .done = done,
};

TEST_F(fixfile, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(variant->opcode);
	iou_twin_check_priv(_metadata, &self->r, &ops, variant, &self->r);
}

TEST_HARNESS_MAIN
