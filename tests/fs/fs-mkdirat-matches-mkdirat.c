// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_MKDIRAT (5.15) is held to mkdirat(2): on the same tree,
 * directory descriptor, path and mode it completes with the call's
 * result and leaves the same entries, the new directory's mode (after
 * the umask) included, inline and from io-wq.  Rows: new names at the
 * top and inside a directory, modes with and without the sticky and
 * set-group-id bits, an existing file, directory and dangling symlink,
 * missing components, a file as a component, trailing slashes, bad and
 * non-directory dirfds, NULL, unmapped and over-long paths.
 */
#define IOU_TWIN_FIXTURE mkdir
#include "iou_twin.h"

FIXTURE_VARIANT(mkdir) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind dfd;	/* IOU_FD_NONE: AT_FDCWD */
	const char *path;
	unsigned int mode;
};

#define ROW(name, res_, path_, mode_, ...)				\
	FIXTURE_VARIANT_ADD(mkdir, name) {				\
		.twin_res = (res_), .path = (path_), .mode = (mode_), __VA_ARGS__ \
	}

ROW(new_name, 0, "new", 0755);
ROW(inside_a_directory, 0, "dir/new", 0700);
ROW(mode_zero, 0, "new", 0);
ROW(mode_with_sticky_bit, 0, "new", 01777);
ROW(mode_bits_beyond_permissions, 0, "new", 0177777);
ROW(trailing_slash, 0, "new/", 0755);
ROW(existing_file, -EEXIST, "file", 0755);
ROW(existing_directory, -EEXIST, "dir", 0755);
ROW(dangling_symlink, -EEXIST, "dangling", 0755);
ROW(missing_component, -ENOENT, "nodir/new", 0755);
ROW(file_as_component, -ENOTDIR, "file/new", 0755);
ROW(empty_path, -ENOENT, "", 0755);
ROW(relative_to_a_directory_fd, 0, "new", 0755, .dfd = IOU_FD_DIR);
ROW(dirfd_is_a_file, -ENOTDIR, "new", 0755, .dfd = IOU_FD_FILE);
ROW(dirfd_closed, -EBADF, "new", 0755, .dfd = IOU_FD_CLOSED);
ROW(null_path, -EFAULT, IOU_PATH_NULL, 0755);
ROW(unmapped_path, -EFAULT, IOU_PATH_FAULT, 0755);
ROW(path_too_long, -ENAMETOOLONG, IOU_PATH_TOO_LONG, 0755);
ROW(name_too_long, -ENAMETOOLONG, IOU_PATH_NAME_TOO_LONG, 0755);

static int dfd(struct iou_twin_run *s, const FIXTURE_VARIANT(mkdir) *v)
{
	return v->dfd == IOU_FD_NONE ? AT_FDCWD : s->use[0];
}

static int setup(struct iou_twin_run *s, const void *row)
{
	int ret = iou_twin_tree(s);

	return ret ? ret : iou_twin_fd(s, 0, ((const FIXTURE_VARIANT(mkdir) *)row)->dfd);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(mkdir) *v = row;

	return mkdirat(dfd(s, v), iou_twin_path(v->path), v->mode) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(mkdir) *v = row;

	iou_prep_mkdirat(sqe, dfd(s, v), iou_twin_path(v->path), v->mode);
}

/* a mode-0 directory cannot be listed, so an unprivileged cleanup could not remove it */
static void done(struct iou_twin_run *s, const void *row)
{
	fchmodat(s->dirfd, "new", 0755, 0);
	fchmodat(s->dirfd, "dir/new", 0755, 0);
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .done = done,
};

TEST_F(mkdir, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_MKDIRAT);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
