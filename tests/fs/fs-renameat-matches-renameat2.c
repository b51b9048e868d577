// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_RENAMEAT (5.11) is held to renameat2(2): on the same tree,
 * directory descriptors, paths and flags it completes with the call's
 * result and leaves the same directory entries (names, types, contents,
 * link targets), inline and from io-wq.  Rows: plain renames and
 * replacements, RENAME_NOREPLACE, RENAME_EXCHANGE and their combination,
 * an unknown flag, directories over files and the reverse, a directory
 * into itself, missing sources and components, trailing slashes, bad and
 * non-directory dirfds, NULL, unmapped and over-long paths.
 */
#include <sys/syscall.h>
#define IOU_TWIN_FIXTURE rename
#include "iou_twin.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#define RENAME_EXCHANGE		(1 << 1)
#define RENAME_WHITEOUT		(1 << 2)
#endif

FIXTURE_VARIANT(rename) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind olddfd, newdfd;	/* IOU_FD_NONE: AT_FDCWD */
	const char *oldpath, *newpath;
	unsigned int flags;
};

#define ROW(name, res_, old_, new_, flags_, ...)			\
	FIXTURE_VARIANT_ADD(rename, name) {				\
		.twin_res = (res_), .oldpath = (old_), .newpath = (new_), \
		.flags = (flags_), __VA_ARGS__				\
	}

ROW(file_to_a_new_name, 0, "file", "new", 0);
ROW(file_over_another_file, 0, "file", "other", 0);
ROW(file_to_its_own_name, 0, "file", "file", 0);
ROW(file_into_a_directory, 0, "file", "dir/moved", 0);
ROW(symlink_itself_not_its_target, 0, "link", "renamed-link", 0);
ROW(directory_over_an_empty_directory, 0, "dir", "emptydir", 0);
ROW(directory_over_a_full_directory, -ENOTEMPTY, "emptydir", "dir", 0);
ROW(directory_over_a_file, -ENOTDIR, "dir", "file", 0);
ROW(file_over_a_directory, -EISDIR, "file", "emptydir", 0);
ROW(directory_into_itself, -EINVAL, "dir", "dir/sub", 0);
ROW(noreplace_to_a_new_name, 0, "file", "new", RENAME_NOREPLACE);
ROW(noreplace_over_a_file, -EEXIST, "file", "other", RENAME_NOREPLACE);
ROW(noreplace_over_a_dangling_symlink, -EEXIST, "file", "dangling", RENAME_NOREPLACE);
ROW(exchange_two_files, 0, "file", "other", RENAME_EXCHANGE);
ROW(exchange_file_and_directory, 0, "file", "dir", RENAME_EXCHANGE);
ROW(exchange_with_a_missing_name, -ENOENT, "file", "new", RENAME_EXCHANGE);
ROW(exchange_and_noreplace, -EINVAL, "file", "other", RENAME_EXCHANGE | RENAME_NOREPLACE);
ROW(unknown_flag, -EINVAL, "file", "new", 1u << 5);
ROW(missing_source, -ENOENT, "missing", "new", 0);
ROW(missing_directory_component, -ENOENT, "file", "nodir/new", 0);
ROW(file_with_a_trailing_slash, -ENOTDIR, "file/", "new", 0);
ROW(component_that_is_a_file, -ENOTDIR, "file/x", "new", 0);
ROW(dot_as_source, IOU_TWIN_ANY, ".", "new", 0);
ROW(empty_source, -ENOENT, "", "new", 0);
ROW(symlink_loop_component, -ELOOP, "loop/x", "new", 0);
ROW(across_directory_descriptors, 0, "file", "dir/moved", 0, .olddfd = IOU_FD_DIR);
ROW(new_dirfd_is_a_file, -ENOTDIR, "file", "new", 0, .newdfd = IOU_FD_FILE);
ROW(old_dirfd_closed, -EBADF, "file", "new", 0, .olddfd = IOU_FD_CLOSED);
ROW(new_dirfd_never_opened, -EBADF, "file", "new", 0, .newdfd = IOU_FD_BAD);
ROW(absolute_path_ignores_bad_dirfd, 0, "/proc/self/cwd/file", "new", 0,
    .olddfd = IOU_FD_BAD);
ROW(null_old_path, -EFAULT, IOU_PATH_NULL, "new", 0);
ROW(unmapped_new_path, -EFAULT, "file", IOU_PATH_FAULT, 0);
ROW(path_too_long, -ENAMETOOLONG, IOU_PATH_TOO_LONG, "new", 0);
ROW(name_too_long, -ENAMETOOLONG, "file", IOU_PATH_NAME_TOO_LONG, 0);

static int dfd(struct iou_twin_run *s, int slot, enum iou_fd_kind kind)
{
	return kind == IOU_FD_NONE ? AT_FDCWD : s->use[slot];
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(rename) *v = row;
	int ret = iou_twin_tree(s);

	if (!ret)
		ret = iou_twin_fd(s, 0, v->olddfd);
	if (!ret)
		ret = iou_twin_fd(s, 1, v->newdfd);
	return ret;
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(rename) *v = row;
	long ret = syscall(SYS_renameat2, dfd(s, 0, v->olddfd), iou_twin_path(v->oldpath),
			   dfd(s, 1, v->newdfd), iou_twin_path(v->newpath), v->flags);

	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(rename) *v = row;

	iou_prep_renameat(sqe, dfd(s, 0, v->olddfd), iou_twin_path(v->oldpath),
			  dfd(s, 1, v->newdfd), iou_twin_path(v->newpath), v->flags);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(rename, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_RENAMEAT);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
