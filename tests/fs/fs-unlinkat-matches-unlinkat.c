// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_UNLINKAT (5.11) is held to unlinkat(2): on the same tree,
 * directory descriptor, path and flags it completes with the call's
 * result and leaves the same directory entries, inline and from io-wq.
 * Rows: a file, a symlink (not its target), a dangling symlink, an empty
 * and a full directory with and without AT_REMOVEDIR, a flag other than
 * AT_REMOVEDIR, missing names and components, trailing slashes, ".",
 * bad and non-directory dirfds, NULL, unmapped and over-long paths.
 */
#define IOU_TWIN_FIXTURE unlink
#include "iou_twin.h"

FIXTURE_VARIANT(unlink) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind dfd;	/* IOU_FD_NONE: AT_FDCWD */
	const char *path;
	int flags;
};

#define ROW(name, res_, path_, flags_, ...)				\
	FIXTURE_VARIANT_ADD(unlink, name) {				\
		.twin_res = (res_), .path = (path_), .flags = (flags_), __VA_ARGS__ \
	}

ROW(file, 0, "file", 0);
ROW(file_in_a_directory, 0, "dir/inner", 0);
ROW(symlink_not_its_target, 0, "link", 0);
ROW(dangling_symlink, 0, "dangling", 0);
ROW(directory_without_removedir, -EISDIR, "emptydir", 0);
ROW(empty_directory, 0, "emptydir", AT_REMOVEDIR);
ROW(full_directory, -ENOTEMPTY, "dir", AT_REMOVEDIR);
ROW(file_with_removedir, -ENOTDIR, "file", AT_REMOVEDIR);
ROW(dot_with_removedir, -EINVAL, ".", AT_REMOVEDIR);
ROW(dot_dot_with_removedir, -ENOTEMPTY, "..", AT_REMOVEDIR);
ROW(unknown_flag, -EINVAL, "file", AT_SYMLINK_NOFOLLOW);
ROW(missing_name, -ENOENT, "missing", 0);
ROW(missing_component, -ENOENT, "nodir/file", 0);
ROW(file_with_trailing_slash, -ENOTDIR, "file/", 0);
ROW(directory_with_trailing_slash, 0, "emptydir/", AT_REMOVEDIR);
ROW(empty_path, -ENOENT, "", 0);
ROW(relative_to_a_directory_fd, 0, "file", 0, .dfd = IOU_FD_DIR);
ROW(dirfd_is_a_file, -ENOTDIR, "file", 0, .dfd = IOU_FD_FILE);
ROW(dirfd_closed, -EBADF, "file", 0, .dfd = IOU_FD_CLOSED);
ROW(dirfd_never_opened, -EBADF, "file", 0, .dfd = IOU_FD_BAD);
ROW(null_path, -EFAULT, IOU_PATH_NULL, 0);
ROW(unmapped_path, -EFAULT, IOU_PATH_FAULT, 0);
ROW(path_too_long, -ENAMETOOLONG, IOU_PATH_TOO_LONG, 0);
ROW(name_too_long, -ENAMETOOLONG, IOU_PATH_NAME_TOO_LONG, 0);

static int dfd(struct iou_twin_run *s, const FIXTURE_VARIANT(unlink) *v)
{
	return v->dfd == IOU_FD_NONE ? AT_FDCWD : s->use[0];
}

static int setup(struct iou_twin_run *s, const void *row)
{
	int ret = iou_twin_tree(s);

	return ret ? ret : iou_twin_fd(s, 0, ((const FIXTURE_VARIANT(unlink) *)row)->dfd);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(unlink) *v = row;

	return unlinkat(dfd(s, v), iou_twin_path(v->path), v->flags) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(unlink) *v = row;

	iou_prep_unlinkat(sqe, dfd(s, v), iou_twin_path(v->path), v->flags);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(unlink, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_UNLINKAT);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
