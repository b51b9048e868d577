// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_WRITE is held to pwrite(2) (write(2) for offset -1, the file
 * position): on the same descriptor, offset, length and buffer it
 * completes with the call's result and leaves the same file contents,
 * size and file position, inline and from io-wq.  Rows: offsets inside
 * and past the end (a hole), zero and huge lengths, O_APPEND (which
 * appends whatever the offset, for both), read-only, O_PATH, directory,
 * pipe, socket, /dev/null, closed and bad descriptors; NULL, unmapped and
 * half-mapped buffers.
 *
 * Where the two differ by definition the row says why: a pipe ignores
 * the offset a WRITE carries, where pwrite(2) refuses any non-seekable
 * file with ESPIPE (the FMODE_PWRITE check lives in the system call).
 */
#define IOU_TWIN_FIXTURE pwrite
#include "iou_twin.h"

FIXTURE_VARIANT(pwrite) {
	IOU_TWIN_RW_FIELDS;
};

#define ROW(name, res_, fd_, off_, len_, ...)				\
	FIXTURE_VARIANT_ADD(pwrite, name) {				\
		.opcode = IORING_OP_WRITE, .twin_res = (res_), .fd = (fd_), .off = (off_),	\
		.len = (len_), __VA_ARGS__					\
	}

ROW(overwrite_a_page, 4096, IOU_FD_FILE, 0, 4096);
ROW(unaligned_across_end, 3000, IOU_FD_FILE, 7001, 3000);
ROW(past_end_leaves_a_hole, 100, IOU_FD_FILE, 1 << 20, 100);
ROW(zero_length, 0, IOU_FD_FILE, 100, 0);
ROW(file_position, 512, IOU_FD_FILE, -1, 512);
ROW(negative_offset, -EINVAL, IOU_FD_FILE, -2, 4096);
ROW(offset_plus_length_overflows, -EINVAL, IOU_FD_FILE, 0x7ffffffffffff000LL, 8192);
ROW(huge_length_stops_at_unmapped_memory, IOU_TWIN_BUF, IOU_FD_FILE, 0, 0x7fffffff);
ROW(append_fd_ignores_offset, 64, IOU_FD_APPEND, 0, 64);
ROW(append_fd_at_file_position, 64, IOU_FD_APPEND, -1, 64);
ROW(read_only_fd, -EBADF, IOU_FD_RDONLY, 0, 4096);
ROW(write_only_fd, 4096, IOU_FD_WRONLY, 0, 4096);
ROW(o_path_fd, -EBADF, IOU_FD_OPATH, 0, 4096);
ROW(directory, -EBADF, IOU_FD_DIR, 0, 4096);
ROW(dev_null, 4096, IOU_FD_DEVNULL, 0, 4096);
ROW(pipe_at_file_position, 100, IOU_FD_PIPE_W, -1, 100);
ROW(pipe_with_offset, -ESPIPE, IOU_FD_PIPE_W, 8, 100,
    .differs = "a pipe's write_iter ignores the offset; only pwrite(2) checks FMODE_PWRITE",
    .ring_res = 100);
ROW(socket_at_file_position, 100, IOU_FD_SOCK, -1, 100);
ROW(socket_with_offset, -ESPIPE, IOU_FD_SOCK, 8, 100);
ROW(closed_fd, -EBADF, IOU_FD_CLOSED, 0, 4096);
ROW(fd_never_opened, -EBADF, IOU_FD_BAD, 0, 4096);
ROW(negative_fd, -EBADF, IOU_FD_NEG, 0, 4096);
ROW(null_buffer, -EFAULT, IOU_FD_FILE, 0, 4096, .buf = IOU_PTR_NULL);
ROW(unmapped_buffer, -EFAULT, IOU_FD_FILE, 0, 4096, .buf = IOU_PTR_FAULT);
ROW(buffer_ends_before_length, 16, IOU_FD_FILE, 0, 4096, .buf = IOU_PTR_BUF_TAIL);

TEST_F(pwrite, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_WRITE);
	iou_twin_check(_metadata, &self->r, &iou_twin_rw_ops, variant);
}

TEST_HARNESS_MAIN
