// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_CLOSE of a normal descriptor is held to close(2): the same
 * result and, after it, the same set of open descriptors, inline and
 * from io-wq.  Rows: a file, a directory, an O_PATH descriptor, both
 * ends of a pipe, a socket, a closed, a never opened and a negative
 * number.
 *
 * Where the two differ by definition the row says why: the opcode will
 * not close an io_uring descriptor (io_close() refuses io_uring_fops
 * with EBADF, since 5.6), which close(2) closes like any other.
 */
#define IOU_TWIN_FIXTURE close
#include "iou_twin.h"

FIXTURE_VARIANT(close) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind fd;
	bool ring;		/* a second ring's descriptor */
};

#define ROW(name, res_, fd_, ...)					\
	FIXTURE_VARIANT_ADD(close, name) { .twin_res = (res_), .fd = (fd_), __VA_ARGS__ }

ROW(file, 0, IOU_FD_FILE);
ROW(directory, 0, IOU_FD_DIR);
ROW(o_path, 0, IOU_FD_OPATH);
ROW(pipe_read_end, 0, IOU_FD_PIPE_R);
ROW(pipe_write_end, 0, IOU_FD_PIPE_W);
ROW(socket, 0, IOU_FD_SOCK);
ROW(closed, -EBADF, IOU_FD_CLOSED);
ROW(never_opened, -EBADF, IOU_FD_BAD);
ROW(negative, -EBADF, IOU_FD_NEG);
ROW(an_io_uring, 0, IOU_FD_NONE, .ring = true,
    .differs = "io_close() refuses to close an io_uring descriptor", .ring_res = -EBADF);

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(close) *v = row;
	struct io_uring_params p;

	if (!v->ring)
		return iou_twin_fd(s, 0, v->fd);
	memset(&p, 0, sizeof(p));
	s->fd[0] = s->use[0] = iou_setup_fd(1, &p);
	return s->fd[0] < 0 ? s->fd[0] : 0;
}

static int call(struct iou_twin_run *s, const void *row)
{
	return close(s->use[0]) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	iou_prep_close(sqe, s->use[0]);
}

/* whether the number is still open; the driver would close it again */
static void state(struct iou_twin_run *s, const void *row, char *out, size_t len)
{
	bool open = s->use[0] >= 0 && fcntl(s->use[0], F_GETFD) >= 0;

	snprintf(out, len, "closed fd open after: %d\n", open);
	if (s->fd[0] >= 0 && !open)
		s->fd[0] = -1;
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .state = state,
};

TEST_F(close, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_CLOSE);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
