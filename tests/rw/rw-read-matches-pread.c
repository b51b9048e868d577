// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_READ is held to pread(2) (read(2) for offset -1, the file
 * position): on the same descriptor, offset, length and buffer it
 * completes with the call's result, leaves the same bytes in the buffer
 * and the file position where the call leaves it, inline and from io-wq.
 * Rows: offsets inside, across and past the end; zero and huge lengths;
 * read-only, write-only, O_PATH, directory, pipe, socket, /dev/null,
 * closed and bad descriptors; NULL, unmapped and half-mapped buffers.
 *
 * Where the two differ by definition the row says why: a pipe ignores
 * the offset a READ carries, where pread(2) refuses any non-seekable file
 * with ESPIPE (io_uring/rw.c hands the offset to the file's read_iter;
 * the FMODE_PREAD check lives in the pread system call only, and a
 * socket's read_iter makes its own, so there the two agree).  An empty
 * O_NONBLOCK socket or pipe, where read(2) gives EAGAIN, is
 * rw-pipe-and-socket-reads-wait's: the opcode waits for data.
 */
#define IOU_TWIN_FIXTURE pread
#include "iou_twin.h"

FIXTURE_VARIANT(pread) {
	IOU_TWIN_RW_FIELDS;
};

#define ROW(name, res_, fd_, off_, len_, ...)				\
	FIXTURE_VARIANT_ADD(pread, name) {				\
		.opcode = IORING_OP_READ, .twin_res = (res_), .fd = (fd_), .off = (off_),	\
		.len = (len_), __VA_ARGS__					\
	}

ROW(whole_page, 4096, IOU_FD_FILE, 0, 4096);
ROW(unaligned_middle, 3000, IOU_FD_FILE, 1001, 3000);
ROW(short_at_end_of_file, 192, IOU_FD_FILE, 8000, 4096);
ROW(at_end_of_file, 0, IOU_FD_FILE, 8192, 4096);
ROW(past_end_of_file, 0, IOU_FD_FILE, 1 << 20, 4096);
ROW(zero_length, 0, IOU_FD_FILE, 0, 0);
ROW(huge_length_stops_at_eof, 8192, IOU_FD_FILE, 0, 0x7fffffff);
ROW(file_position, 4096, IOU_FD_FILE, -1, 4096);
ROW(negative_offset, -EINVAL, IOU_FD_FILE, -2, 4096);
ROW(offset_plus_length_overflows, -EINVAL, IOU_FD_FILE, 0x7ffffffffffff000LL, 8192);
ROW(largest_offset, 0, IOU_FD_FILE, 0x7fffffffffffffffLL, 0);
ROW(read_only_fd, 4096, IOU_FD_RDONLY, 0, 4096);
ROW(write_only_fd, -EBADF, IOU_FD_WRONLY, 0, 4096);
ROW(o_path_fd, -EBADF, IOU_FD_OPATH, 0, 4096);
ROW(directory, -EISDIR, IOU_FD_DIR, 0, 4096);
ROW(empty_file, 0, IOU_FD_EMPTY_FILE, 0, 4096);
ROW(dev_null, 0, IOU_FD_DEVNULL, 0, 4096);
ROW(pipe_at_file_position, (int)sizeof(IOU_TWIN_PIPE_DATA), IOU_FD_PIPE_R, -1, 4096);
ROW(pipe_with_offset, -ESPIPE, IOU_FD_PIPE_R, 8, 4096,
    .differs = "a pipe's read_iter ignores the offset; only pread(2) checks FMODE_PREAD",
    .ring_res = (int)sizeof(IOU_TWIN_PIPE_DATA));
ROW(socket_at_file_position, (int)sizeof(IOU_TWIN_PIPE_DATA), IOU_FD_SOCK, -1, 4096);
ROW(socket_with_offset, -ESPIPE, IOU_FD_SOCK, 8, 4096);
ROW(closed_fd, -EBADF, IOU_FD_CLOSED, 0, 4096);
ROW(fd_never_opened, -EBADF, IOU_FD_BAD, 0, 4096);
ROW(negative_fd, -EBADF, IOU_FD_NEG, 0, 4096);
ROW(null_buffer, -EFAULT, IOU_FD_FILE, 0, 4096, .buf = IOU_PTR_NULL);
ROW(unmapped_buffer, -EFAULT, IOU_FD_FILE, 0, 4096, .buf = IOU_PTR_FAULT);
ROW(buffer_ends_before_length, 16, IOU_FD_FILE, 0, 4096, .buf = IOU_PTR_BUF_TAIL);
ROW(null_buffer_zero_length, 0, IOU_FD_FILE, 0, 0, .buf = IOU_PTR_NULL);

TEST_F(pread, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_READ);
	iou_twin_check(_metadata, &self->r, &iou_twin_rw_ops, variant);
}

TEST_HARNESS_MAIN
