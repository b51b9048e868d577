// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_LINKAT (5.15) is held to linkat(2): on the same tree,
 * directory descriptors, paths and flags it completes with the call's
 * result and leaves the same entries and link counts, inline and from
 * io-wq.  Rows: a file, a symlink itself and (AT_SYMLINK_FOLLOW) its
 * target, a dangling symlink followed, a directory, existing targets,
 * missing sources and components, trailing slashes, AT_EMPTY_PATH and
 * unknown flags, bad and non-directory dirfds, NULL, unmapped and
 * over-long paths.
 */
#define IOU_TWIN_FIXTURE link
#include "iou_twin.h"

FIXTURE_VARIANT(link) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind olddfd, newdfd;	/* IOU_FD_NONE: AT_FDCWD */
	const char *oldpath, *newpath;
	int flags;
};

#define ROW(name, res_, old_, new_, flags_, ...)			\
	FIXTURE_VARIANT_ADD(link, name) {				\
		.twin_res = (res_), .oldpath = (old_), .newpath = (new_), \
		.flags = (flags_), __VA_ARGS__				\
	}

ROW(file, 0, "file", "new", 0);
ROW(file_into_a_directory, 0, "file", "dir/new", 0);
ROW(symlink_itself, 0, "link", "new", 0);
ROW(symlink_followed_to_its_target, 0, "link", "new", AT_SYMLINK_FOLLOW);
ROW(dangling_symlink_followed, -ENOENT, "dangling", "new", AT_SYMLINK_FOLLOW);
ROW(directory, -EPERM, "dir", "new", 0);
ROW(over_an_existing_file, -EEXIST, "file", "other", 0);
ROW(over_itself, -EEXIST, "file", "file", 0);
ROW(missing_source, -ENOENT, "missing", "new", 0);
ROW(missing_component, -ENOENT, "file", "nodir/new", 0);
ROW(source_with_trailing_slash, -ENOTDIR, "file/", "new", 0);
ROW(empty_path_without_flag, -ENOENT, "", "new", 0);
ROW(unknown_flag, -EINVAL, "file", "new", AT_REMOVEDIR);
ROW(across_directory_descriptors, 0, "inner", "copy", 0, .olddfd = IOU_FD_DIR);
ROW(old_dirfd_is_a_file, -ENOTDIR, "file", "new", 0, .olddfd = IOU_FD_FILE);
ROW(new_dirfd_closed, -EBADF, "file", "new", 0, .newdfd = IOU_FD_CLOSED);
ROW(null_old_path, -EFAULT, IOU_PATH_NULL, "new", 0);
ROW(unmapped_new_path, -EFAULT, "file", IOU_PATH_FAULT, 0);
ROW(path_too_long, -ENAMETOOLONG, "file", IOU_PATH_TOO_LONG, 0);

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(link) *v = row;
	int ret = iou_twin_tree(s);

	/* IOU_FD_DIR names "dir" here, to link across two directories */
	if (!ret && v->olddfd == IOU_FD_DIR) {
		s->fd[0] = s->use[0] = openat(s->dirfd, "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return s->fd[0] < 0 ? -errno : iou_twin_fd(s, 1, v->newdfd);
	}
	if (!ret)
		ret = iou_twin_fd(s, 0, v->olddfd);
	return ret ? ret : iou_twin_fd(s, 1, v->newdfd);
}

static int dfd(struct iou_twin_run *s, int slot, enum iou_fd_kind kind)
{
	return kind == IOU_FD_NONE ? AT_FDCWD : s->use[slot];
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(link) *v = row;

	return linkat(dfd(s, 0, v->olddfd), iou_twin_path(v->oldpath), dfd(s, 1, v->newdfd),
		      iou_twin_path(v->newpath), v->flags) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(link) *v = row;

	iou_prep_linkat(sqe, dfd(s, 0, v->olddfd), iou_twin_path(v->oldpath),
			dfd(s, 1, v->newdfd), iou_twin_path(v->newpath), v->flags);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(link, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_LINKAT);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
