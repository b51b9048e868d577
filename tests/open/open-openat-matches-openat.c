// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_OPENAT is held to openat(2): on the same tree, directory
 * descriptor, path, flags and mode it completes with the call's result
 * (the lowest free descriptor, the same number on both sides) and the
 * new descriptor has the same status flags, close-on-exec flag, type,
 * size and offset; the tree is left the same (created, truncated or
 * untouched files), inline and from io-wq.  Rows: access modes, O_CREAT
 * with and without O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_CLOEXEC,
 * O_DIRECTORY, O_NOFOLLOW, O_PATH, O_TMPFILE, O_CREAT through a dangling
 * symlink, unknown flag bits (which openat(2) ignores), directories
 * opened for writing, missing names and components, bad and
 * non-directory dirfds, NULL, unmapped and over-long paths.
 */
#define IOU_TWIN_FIXTURE openat
#include "iou_twin.h"

FIXTURE_VARIANT(openat) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind dfd;	/* IOU_FD_NONE: AT_FDCWD */
	const char *path;
	int flags;
	unsigned int mode;
};

#define ROW(name, res_, path_, flags_, ...)				\
	FIXTURE_VARIANT_ADD(openat, name) {				\
		.twin_res = (res_), .path = (path_), .flags = (flags_), __VA_ARGS__ \
	}

/* the lowest free descriptor, the same on every side */
#define NEW_FD	IOU_TWIN_NONNEG

ROW(read_only, NEW_FD, "file", O_RDONLY);
ROW(write_only_truncating, NEW_FD, "file", O_WRONLY | O_TRUNC);
ROW(read_write_append, NEW_FD, "file", O_RDWR | O_APPEND);
ROW(non_blocking_close_on_exec, NEW_FD, "file", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
ROW(create_a_new_file, NEW_FD, "new", O_CREAT | O_WRONLY, .mode = 0640);
ROW(create_with_odd_mode_bits, NEW_FD, "new", O_CREAT | O_RDWR, .mode = 07777);
ROW(create_exclusive_new, NEW_FD, "new", O_CREAT | O_EXCL | O_RDWR, .mode = 0600);
ROW(create_exclusive_existing, -EEXIST, "file", O_CREAT | O_EXCL | O_RDWR, .mode = 0600);
ROW(create_through_a_dangling_symlink, NEW_FD, "dangling", O_CREAT | O_WRONLY, .mode = 0644);
ROW(create_exclusive_on_a_dangling_symlink, -EEXIST, "dangling", O_CREAT | O_EXCL | O_WRONLY,
    .mode = 0644);
ROW(directory_flag_on_a_directory, NEW_FD, "dir", O_RDONLY | O_DIRECTORY);
ROW(directory_flag_on_a_file, -ENOTDIR, "file", O_RDONLY | O_DIRECTORY);
ROW(directory_for_writing, -EISDIR, "dir", O_WRONLY);
ROW(nofollow_on_a_symlink, -ELOOP, "link", O_RDONLY | O_NOFOLLOW);
ROW(path_and_nofollow_on_a_symlink, NEW_FD, "link", O_PATH | O_NOFOLLOW);
ROW(path_on_a_file, NEW_FD, "file", O_PATH);
ROW(tmpfile_in_a_directory, IOU_TWIN_ANY, "dir", O_TMPFILE | O_RDWR, .mode = 0600);
ROW(tmpfile_read_only, -EINVAL, "dir", O_TMPFILE | O_RDONLY, .mode = 0600);
ROW(unknown_flag_bits_ignored, NEW_FD, "file", O_RDONLY | 0x40000000);
ROW(symlink_loop, -ELOOP, "loop", O_RDONLY);
ROW(missing_name, -ENOENT, "missing", O_RDONLY);
ROW(missing_component, -ENOENT, "nodir/file", O_RDONLY);
ROW(file_as_component, -ENOTDIR, "file/x", O_RDONLY);
ROW(empty_path, -ENOENT, "", O_RDONLY);
ROW(relative_to_a_directory_fd, NEW_FD, "inner", O_RDONLY, .dfd = IOU_FD_DIR);
ROW(dirfd_is_a_file, -ENOTDIR, "file", O_RDONLY, .dfd = IOU_FD_FILE);
ROW(dirfd_closed, -EBADF, "file", O_RDONLY, .dfd = IOU_FD_CLOSED);
ROW(absolute_path_ignores_bad_dirfd, NEW_FD, "/dev/null", O_RDONLY, .dfd = IOU_FD_BAD);
ROW(null_path, -EFAULT, IOU_PATH_NULL, O_RDONLY);
ROW(unmapped_path, -EFAULT, IOU_PATH_FAULT, O_RDONLY);
ROW(path_too_long, -ENAMETOOLONG, IOU_PATH_TOO_LONG, O_RDONLY);

static int dfd(struct iou_twin_run *s, const FIXTURE_VARIANT(openat) *v)
{
	return v->dfd == IOU_FD_NONE ? AT_FDCWD : s->use[0];
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(openat) *v = row;
	int ret = iou_twin_tree(s);

	/* IOU_FD_DIR names "dir" here */
	if (!ret && v->dfd == IOU_FD_DIR) {
		s->fd[0] = s->use[0] = openat(s->dirfd, "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return s->fd[0] < 0 ? -errno : 0;
	}
	return ret ? ret : iou_twin_fd(s, 0, v->dfd);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(openat) *v = row;
	int fd = openat(dfd(s, v), iou_twin_path(v->path), v->flags, v->mode);

	return fd < 0 ? -errno : fd;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(openat) *v = row;

	iou_prep_openat(sqe, dfd(s, v), iou_twin_path(v->path), v->flags, v->mode);
}

static void state(struct iou_twin_run *s, const void *row, char *out, size_t len)
{
	iou_twin_describe_fd(s->res, out, len);
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .state = state,
};

TEST_F(openat, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_OPENAT);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
