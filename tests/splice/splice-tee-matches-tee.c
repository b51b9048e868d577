// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_TEE (5.8) is held to tee(2): on the same pipes, length and
 * flags it completes with the call's result and leaves the same pipe
 * contents (the source keeps its data), inline and from io-wq.  Rows:
 * pipe to pipe, short lengths, zero length, every SPLICE_F_* flag and an
 * unknown bit, the same pipe at both ends, non-pipes at either end,
 * pipe ends the wrong way round, closed descriptors.
 */
#define IOU_TWIN_FIXTURE tee_pipes
#include "iou_twin.h"

FIXTURE_VARIANT(tee_pipes) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind in, out;
	unsigned int len;
	unsigned int flags;
	bool same_pipe;		/* out is the write end of in's pipe */
};

#define ROW(name, res_, in_, out_, len_, ...)				\
	FIXTURE_VARIANT_ADD(tee_pipes, name) {				\
		.twin_res = (res_), .in = (in_), .out = (out_), .len = (len_), __VA_ARGS__ \
	}

#define DATA	(int)sizeof(IOU_TWIN_PIPE_DATA)

ROW(pipe_to_pipe, DATA, IOU_FD_PIPE_R, IOU_FD_PIPE_W, 4096);
ROW(short_length, 3, IOU_FD_PIPE_R, IOU_FD_PIPE_W, 3);
ROW(zero_length, 0, IOU_FD_PIPE_R, IOU_FD_PIPE_W, 0);
ROW(flag_nonblock, DATA, IOU_FD_PIPE_R, IOU_FD_PIPE_W, 4096, .flags = SPLICE_F_NONBLOCK);
ROW(flag_more_move_gift, DATA, IOU_FD_PIPE_R, IOU_FD_PIPE_W, 4096,
    .flags = SPLICE_F_MORE | SPLICE_F_MOVE | SPLICE_F_GIFT);
ROW(unknown_flag, -EINVAL, IOU_FD_PIPE_R, IOU_FD_PIPE_W, 4096, .flags = 0x20);
ROW(same_pipe_at_both_ends, -EINVAL, IOU_FD_PIPE_R, IOU_FD_NONE, 4096, .same_pipe = true);
ROW(input_is_a_file, -EINVAL, IOU_FD_FILE, IOU_FD_PIPE_W, 4096);
ROW(output_is_a_file, -EINVAL, IOU_FD_PIPE_R, IOU_FD_FILE, 4096);
ROW(input_is_a_socket, -EINVAL, IOU_FD_SOCK, IOU_FD_PIPE_W, 4096);
ROW(input_is_a_write_end, -EBADF, IOU_FD_PIPE_W, IOU_FD_PIPE_W, 4096);
ROW(output_is_a_read_end, -EBADF, IOU_FD_PIPE_R, IOU_FD_PIPE_R, 4096);
ROW(input_closed, -EBADF, IOU_FD_CLOSED, IOU_FD_PIPE_W, 4096);
ROW(output_never_opened, -EBADF, IOU_FD_PIPE_R, IOU_FD_BAD, 4096);

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(tee_pipes) *v = row;
	int ret = iou_twin_fd(s, 0, v->in);

	if (!ret && v->same_pipe) {
		s->use[1] = s->fd[2];	/* the write end of the same pipe */
		return 0;
	}
	return ret ? ret : iou_twin_fd(s, 1, v->out);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(tee_pipes) *v = row;
	ssize_t ret = tee(s->use[0], s->use[1], v->len, v->flags);

	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(tee_pipes) *v = row;

	iou_prep_tee(sqe, s->use[0], s->use[1], v->len, v->flags);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(tee_pipes, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_TEE);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
