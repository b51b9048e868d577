// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SPLICE (5.7) is held to splice(2): on the same descriptors,
 * offsets (-1 in the SQE for none, the call's NULL), length and flags it
 * completes with the call's result and leaves the same files, pipe
 * contents and file positions, inline and from io-wq.  Rows: file to
 * pipe and pipe to file with and without offsets, pipe to pipe, socket
 * to pipe, offsets on a pipe (ESPIPE), no pipe at all (EINVAL), zero and
 * short lengths, offsets past the end and negative, every SPLICE_F_*
 * flag and an unknown bit, descriptors open the wrong way, directories,
 * closed ones.
 */
#define IOU_TWIN_FIXTURE splice
#include "iou_twin.h"

FIXTURE_VARIANT(splice) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind in, out;
	long long off_in, off_out;	/* -1: none */
	unsigned int len;
	unsigned int flags;
};

#define ROW(name, res_, in_, off_in_, out_, off_out_, len_, ...)	\
	FIXTURE_VARIANT_ADD(splice, name) {				\
		.twin_res = (res_), .in = (in_), .off_in = (off_in_), .out = (out_), \
		.off_out = (off_out_), .len = (len_), __VA_ARGS__	\
	}

#define DATA	(int)sizeof(IOU_TWIN_PIPE_DATA)

ROW(file_to_pipe, 4096, IOU_FD_FILE, 0, IOU_FD_PIPE_W, -1, 4096);
ROW(file_to_pipe_at_file_position, 4096, IOU_FD_FILE, -1, IOU_FD_PIPE_W, -1, 4096);
ROW(file_to_pipe_short_at_end, 192, IOU_FD_FILE, 8000, IOU_FD_PIPE_W, -1, 4096);
ROW(file_to_pipe_past_end, 0, IOU_FD_FILE, 1 << 20, IOU_FD_PIPE_W, -1, 4096);
ROW(file_to_pipe_negative_offset, -EINVAL, IOU_FD_FILE, -2, IOU_FD_PIPE_W, -1, 4096);
ROW(pipe_to_file, DATA, IOU_FD_PIPE_R, -1, IOU_FD_FILE, 100, 4096);
ROW(pipe_to_file_at_file_position, DATA, IOU_FD_PIPE_R, -1, IOU_FD_FILE, -1, 4096);
ROW(pipe_to_append_file, -EINVAL, IOU_FD_PIPE_R, -1, IOU_FD_APPEND, -1, 4096);
ROW(pipe_to_file_short_length, 4, IOU_FD_PIPE_R, -1, IOU_FD_FILE, 0, 4);
ROW(pipe_to_pipe, DATA, IOU_FD_PIPE_R, -1, IOU_FD_PIPE_W, -1, 4096);
ROW(socket_to_pipe, DATA, IOU_FD_SOCK, -1, IOU_FD_PIPE_W, -1, 4096);
ROW(pipe_to_socket, DATA, IOU_FD_PIPE_R, -1, IOU_FD_SOCK, -1, 4096);
ROW(offset_on_the_input_pipe, -ESPIPE, IOU_FD_PIPE_R, 0, IOU_FD_FILE, 0, 4096);
ROW(offset_on_the_output_pipe, -ESPIPE, IOU_FD_FILE, 0, IOU_FD_PIPE_W, 0, 4096);
ROW(no_pipe_at_all, -EINVAL, IOU_FD_FILE, 0, IOU_FD_APPEND, -1, 4096);
ROW(zero_length, 0, IOU_FD_FILE, 0, IOU_FD_PIPE_W, -1, 0);
ROW(flag_more_and_move, 4096, IOU_FD_FILE, 0, IOU_FD_PIPE_W, -1, 4096,
    .flags = SPLICE_F_MORE | SPLICE_F_MOVE);
ROW(flag_nonblock, DATA, IOU_FD_PIPE_R, -1, IOU_FD_PIPE_W, -1, 4096,
    .flags = SPLICE_F_NONBLOCK);
ROW(flag_gift, DATA, IOU_FD_PIPE_R, -1, IOU_FD_FILE, 0, 4096, .flags = SPLICE_F_GIFT);
ROW(unknown_flag, -EINVAL, IOU_FD_FILE, 0, IOU_FD_PIPE_W, -1, 4096, .flags = 0x10);
ROW(input_write_only, -EBADF, IOU_FD_WRONLY, 0, IOU_FD_PIPE_W, -1, 4096);
ROW(output_read_only, -EBADF, IOU_FD_PIPE_R, -1, IOU_FD_RDONLY, 0, 4096);
ROW(output_is_a_pipe_read_end, -EBADF, IOU_FD_FILE, 0, IOU_FD_PIPE_R, -1, 4096);
ROW(input_directory, -EINVAL, IOU_FD_DIR, 0, IOU_FD_PIPE_W, -1, 4096);
ROW(input_closed, -EBADF, IOU_FD_CLOSED, 0, IOU_FD_PIPE_W, -1, 4096);
ROW(output_never_opened, -EBADF, IOU_FD_PIPE_R, -1, IOU_FD_BAD, -1, 4096);

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(splice) *v = row;
	int ret = iou_twin_fd(s, 0, v->in);

	/* a second "file" would truncate the first: the output reuses it */
	if (!ret && v->in == IOU_FD_FILE && v->out == IOU_FD_APPEND) {
		s->fd[1] = s->use[1] = openat(s->dirfd, "file", O_WRONLY | O_APPEND | O_CLOEXEC);
		return s->fd[1] < 0 ? -errno : 0;
	}
	return ret ? ret : iou_twin_fd(s, 1, v->out);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(splice) *v = row;
	loff_t in = v->off_in, out = v->off_out;
	ssize_t ret = splice(s->use[0], v->off_in == -1 ? NULL : &in,
			     s->use[1], v->off_out == -1 ? NULL : &out, v->len, v->flags);

	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(splice) *v = row;

	iou_prep_splice(sqe, s->use[0], v->off_in, s->use[1], v->off_out, v->len, v->flags);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(splice, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_SPLICE);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
