// SPDX-License-Identifier: GPL-2.0
/*
 * READ_FIXED, WRITE_FIXED, READV_FIXED and WRITEV_FIXED (6.15) are held
 * to pread(2)/pwrite(2)/preadv(2)/pwritev(2) on the same memory: the data
 * buffer is registered as two buffers (index 0 its first half, 1 its
 * second), and a request whose range lies inside the buffer it names
 * completes with the call's result and leaves the same file and memory.
 *
 * Where the two differ by definition the row says why: the call reads
 * any mapped memory, the opcode only the registered buffer it names, so
 * a range that starts in another buffer, runs past the end of its own,
 * or an index past the table completes with -EFAULT (io_import_fixed()
 * and the buf_index check in io_uring/rsrc.c and rw.c).
 */
#define IOU_TWIN_FIXTURE fixbuf
#include "iou_twin.h"
#include "iou_rsrc.h"

#define HALF		(IOU_TWIN_BUF / 2)
#define OUTSIDE		"the range must lie inside the registered buffer it names (io_import_fixed)"

FIXTURE_VARIANT(fixbuf) {
	IOU_TWIN_ROW_FIELDS;
	int opcode;
	unsigned int index;
	unsigned int at;	/* where in the data buffer the range starts */
	unsigned int len;
	enum iou_fd_kind fd;	/* IOU_FD_NONE: the file */
	long long off;
};

#define ROW(name, res_, op_, index_, at_, len_, ...)			\
	FIXTURE_VARIANT_ADD(fixbuf, name) {				\
		.twin_res = (res_), .opcode = IORING_OP_##op_, .index = (index_), \
		.at = (at_), .len = (len_), __VA_ARGS__			\
	}

ROW(read_buffer_0, 4096, READ_FIXED, 0, 0, 4096);
ROW(read_inside_buffer_1, 3000, READ_FIXED, 1, HALF + 100, 3000);
ROW(read_to_the_last_byte, 4096, READ_FIXED, 0, HALF - 4096, 4096);
ROW(read_zero_length, 0, READ_FIXED, 0, 0, 0);
ROW(read_at_file_position, 4096, READ_FIXED, 0, 0, 4096, .off = -1);
ROW(read_short_at_end_of_file, 192, READ_FIXED, 0, 0, 4096, .off = 8000);
ROW(read_write_only_fd, -EBADF, READ_FIXED, 0, 0, 4096, .fd = IOU_FD_WRONLY);
ROW(read_closed_fd, -EBADF, READ_FIXED, 0, 0, 4096, .fd = IOU_FD_CLOSED);
ROW(read_pipe_at_file_position, (int)sizeof(IOU_TWIN_PIPE_DATA), READ_FIXED, 0, 0, 4096,
    .fd = IOU_FD_PIPE_R, .off = -1);
ROW(read_range_in_the_other_buffer, 4096, READ_FIXED, 0, HALF + 100, 4096,
    .differs = OUTSIDE, .ring_res = -EFAULT);
ROW(read_straddles_the_buffer_end, 4096, READ_FIXED, 0, HALF - 100, 4096,
    .differs = OUTSIDE, .ring_res = -EFAULT);
ROW(read_index_past_the_table, 4096, READ_FIXED, 2, 0, 4096,
    .differs = "no registered buffer has that index", .ring_res = -EFAULT);
ROW(write_buffer_1, 4096, WRITE_FIXED, 1, HALF, 4096);
ROW(write_past_end_of_file, 100, WRITE_FIXED, 0, 10, 100, .off = 1 << 20);
ROW(write_read_only_fd, -EBADF, WRITE_FIXED, 0, 0, 4096, .fd = IOU_FD_RDONLY);
ROW(write_append_fd, 64, WRITE_FIXED, 0, 0, 64, .fd = IOU_FD_APPEND);
ROW(write_straddles_the_buffer_end, 200, WRITE_FIXED, 0, HALF - 100, 200,
    .differs = OUTSIDE, .ring_res = -EFAULT);
ROW(write_index_past_the_table, 100, WRITE_FIXED, 7, 0, 100,
    .differs = "no registered buffer has that index", .ring_res = -EFAULT);
ROW(readv_fixed_two_segments, 4200, READV_FIXED, 0, 0, 4096);
ROW(readv_fixed_segment_outside, 4200, READV_FIXED, 0, HALF - 1000, 4096,
    .differs = OUTSIDE, .ring_res = -EFAULT);
ROW(writev_fixed_two_segments, 4200, WRITEV_FIXED, 1, HALF, 4096);
ROW(writev_fixed_read_only_fd, -EBADF, WRITEV_FIXED, 0, 0, 4096, .fd = IOU_FD_RDONLY);

static bool vectored(const FIXTURE_VARIANT(fixbuf) *v)
{
	return v->opcode == IORING_OP_READV_FIXED || v->opcode == IORING_OP_WRITEV_FIXED;
}

static bool reads(const FIXTURE_VARIANT(fixbuf) *v)
{
	return v->opcode == IORING_OP_READ_FIXED || v->opcode == IORING_OP_READV_FIXED;
}

static off_t offset(const FIXTURE_VARIANT(fixbuf) *v)
{
	return v->off ? (off_t)v->off : 0;
}

/* the vectored rows: the range and 104 bytes 8 KiB further on */
static struct iovec iov[2];

static void make_iov(struct iou_twin_run *s, const FIXTURE_VARIANT(fixbuf) *v)
{
	iov[0] = (struct iovec){ s->buf + v->at, v->len };
	iov[1] = (struct iovec){ s->buf + v->at + 8192, 104 };
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(fixbuf) *v = row;
	struct iovec bufs[2] = { { s->buf, HALF }, { s->buf + HALF, HALF } };
	int ret;

	iou_fill_pattern(s->buf, IOU_TWIN_BUF, 1 << 30);
	ret = iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);
	if (ret || s->side == IOU_TWIN_CALL)
		return ret;
	return iou_register(s->priv, IORING_REGISTER_BUFFERS, bufs, 2);
}

static void done(struct iou_twin_run *s, const void *row)
{
	if (s->side != IOU_TWIN_CALL)
		iou_register(s->priv, IORING_UNREGISTER_BUFFERS, NULL, 0);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(fixbuf) *v = row;
	int fd = s->use[0];
	ssize_t ret;

	make_iov(s, v);
	if (vectored(v))
		ret = reads(v) ? preadv(fd, iov, 2, offset(v)) : pwritev(fd, iov, 2, offset(v));
	else if (v->off == -1)
		ret = reads(v) ? read(fd, iov[0].iov_base, v->len) :
				 write(fd, iov[0].iov_base, v->len);
	else
		ret = reads(v) ? pread(fd, iov[0].iov_base, v->len, offset(v)) :
				 pwrite(fd, iov[0].iov_base, v->len, offset(v));
	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(fixbuf) *v = row;

	make_iov(s, v);
	if (vectored(v))
		iou_prep_rw(sqe, v->opcode, s->use[0], iov, 2, (__u64)offset(v));
	else
		iou_prep_rw(sqe, v->opcode, s->use[0], iov[0].iov_base, v->len,
			    (__u64)offset(v));
	sqe->buf_index = (__u16)v->index;
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .done = done,
};

TEST_F(fixbuf, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(variant->opcode);
	iou_twin_check_priv(_metadata, &self->r, &ops, variant, &self->r);
}

TEST_HARNESS_MAIN
