// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SYMLINKAT (5.15) is held to symlinkat(2): on the same tree,
 * target string, directory descriptor and link path it completes with
 * the call's result and leaves the same entries and link targets,
 * inline and from io-wq.  Rows: targets that exist, do not exist, are
 * absolute, long or empty; link paths that exist (file, directory,
 * dangling symlink), have missing or file components, a trailing slash;
 * bad and non-directory dirfds; NULL, unmapped and over-long strings.
 */
#define IOU_TWIN_FIXTURE symlink
#include "iou_twin.h"

FIXTURE_VARIANT(symlink) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind dfd;	/* IOU_FD_NONE: AT_FDCWD */
	const char *target, *path;
};

#define ROW(name, res_, target_, path_, ...)				\
	FIXTURE_VARIANT_ADD(symlink, name) {				\
		.twin_res = (res_), .target = (target_), .path = (path_), __VA_ARGS__ \
	}

ROW(to_a_file, 0, "file", "new");
ROW(to_nothing, 0, "nowhere/at/all", "new");
ROW(absolute_target, 0, "/", "new");
ROW(inside_a_directory, 0, "../file", "dir/new");
ROW(target_name_too_long_is_fine, 0, IOU_PATH_NAME_TOO_LONG, "new");
ROW(empty_target, -ENOENT, "", "new");
ROW(target_too_long, -ENAMETOOLONG, IOU_PATH_TOO_LONG, "new");
ROW(over_an_existing_file, -EEXIST, "file", "other");
ROW(over_a_directory, -EEXIST, "file", "dir");
ROW(over_a_dangling_symlink, -EEXIST, "file", "dangling");
ROW(missing_component, -ENOENT, "file", "nodir/new");
ROW(file_as_component, -ENOTDIR, "file", "file/new");
ROW(trailing_slash, -ENOENT, "file", "new/");
ROW(relative_to_a_directory_fd, 0, "file", "new", .dfd = IOU_FD_DIR);
ROW(dirfd_is_a_file, -ENOTDIR, "file", "new", .dfd = IOU_FD_FILE);
ROW(dirfd_never_opened, -EBADF, "file", "new", .dfd = IOU_FD_BAD);
ROW(null_target, -EFAULT, IOU_PATH_NULL, "new");
ROW(unmapped_path, -EFAULT, "file", IOU_PATH_FAULT);
ROW(path_name_too_long, -ENAMETOOLONG, "file", IOU_PATH_NAME_TOO_LONG);

static int dfd(struct iou_twin_run *s, const FIXTURE_VARIANT(symlink) *v)
{
	return v->dfd == IOU_FD_NONE ? AT_FDCWD : s->use[0];
}

static int setup(struct iou_twin_run *s, const void *row)
{
	int ret = iou_twin_tree(s);

	return ret ? ret : iou_twin_fd(s, 0, ((const FIXTURE_VARIANT(symlink) *)row)->dfd);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(symlink) *v = row;

	return symlinkat(iou_twin_path(v->target), dfd(s, v), iou_twin_path(v->path)) ?
	       -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(symlink) *v = row;

	iou_prep_symlinkat(sqe, iou_twin_path(v->target), dfd(s, v), iou_twin_path(v->path));
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(symlink, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_SYMLINKAT);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
