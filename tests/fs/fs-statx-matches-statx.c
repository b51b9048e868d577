// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_STATX is held to statx(2): on the same tree, directory
 * descriptor, path, flags and mask it completes with the call's result
 * and fills the same fields (mask, mode, links, owner, size, block size,
 * attributes; the inode number must be the named file's own), inline
 * and from io-wq.  Rows: files, directories, symlinks with and without
 * AT_SYMLINK_NOFOLLOW, dangling and looping links, AT_EMPTY_PATH on a
 * file, an O_PATH descriptor, a pipe and a directory, masks from none to
 * all and the reserved bit, both sync flags at once, unknown flags,
 * missing names, bad dirfds, NULL and unmapped paths and buffers.
 */
#include <sys/stat.h>
#define IOU_TWIN_FIXTURE statx
#include "iou_twin.h"

FIXTURE_VARIANT(statx) {
	IOU_TWIN_ROW_FIELDS;
	enum iou_fd_kind dfd;	/* IOU_FD_NONE: AT_FDCWD */
	const char *path;
	int flags;
	unsigned int mask;
	enum iou_ptr_kind buf;	/* IOU_PTR_BUF: the program's struct statx */
};

#define ROW(name, res_, path_, flags_, mask_, ...)			\
	FIXTURE_VARIANT_ADD(statx, name) {				\
		.twin_res = (res_), .path = (path_), .flags = (flags_),	\
		.mask = (mask_), __VA_ARGS__				\
	}

ROW(file_basic_stats, 0, "file", 0, STATX_BASIC_STATS);
ROW(file_every_field, 0, "file", 0, STATX_ALL);
ROW(file_empty_mask, 0, "file", 0, 0);
ROW(directory, 0, "dir", 0, STATX_BASIC_STATS);
ROW(symlink_followed, 0, "link", 0, STATX_BASIC_STATS);
ROW(symlink_itself, 0, "link", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS);
ROW(dangling_symlink_followed, -ENOENT, "dangling", 0, STATX_BASIC_STATS);
ROW(dangling_symlink_itself, 0, "dangling", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS);
ROW(symlink_loop, -ELOOP, "loop", 0, STATX_BASIC_STATS);
ROW(force_sync, 0, "file", AT_STATX_FORCE_SYNC, STATX_BASIC_STATS);
ROW(force_and_dont_sync, -EINVAL, "file", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC,
    STATX_BASIC_STATS);
ROW(unknown_flag, -EINVAL, "file", 0x40000000, STATX_BASIC_STATS);
ROW(reserved_mask_bit, -EINVAL, "file", 0, 0x80000000u);
ROW(missing_name, -ENOENT, "missing", 0, STATX_BASIC_STATS);
ROW(missing_component, -ENOENT, "nodir/file", 0, STATX_BASIC_STATS);
ROW(file_as_component, -ENOTDIR, "file/x", 0, STATX_BASIC_STATS);
ROW(empty_path_without_flag, -ENOENT, "", 0, STATX_BASIC_STATS);
ROW(empty_path_on_a_file_fd, 0, "", AT_EMPTY_PATH, STATX_BASIC_STATS, .dfd = IOU_FD_FILE);
ROW(empty_path_on_an_o_path_fd, 0, "", AT_EMPTY_PATH, STATX_BASIC_STATS, .dfd = IOU_FD_OPATH);
ROW(empty_path_on_a_pipe, 0, "", AT_EMPTY_PATH, STATX_BASIC_STATS, .dfd = IOU_FD_PIPE_R);
ROW(empty_path_on_a_directory_fd, 0, "", AT_EMPTY_PATH, STATX_BASIC_STATS, .dfd = IOU_FD_DIR);
ROW(empty_path_on_a_closed_fd, -EBADF, "", AT_EMPTY_PATH, STATX_BASIC_STATS,
    .dfd = IOU_FD_CLOSED);
ROW(relative_to_a_directory_fd, 0, "file", 0, STATX_BASIC_STATS, .dfd = IOU_FD_DIR);
ROW(dirfd_is_a_file, -ENOTDIR, "file", 0, STATX_BASIC_STATS, .dfd = IOU_FD_FILE);
ROW(dirfd_never_opened, -EBADF, "file", 0, STATX_BASIC_STATS, .dfd = IOU_FD_BAD);
ROW(unmapped_path, -EFAULT, IOU_PATH_FAULT, 0, STATX_BASIC_STATS);
ROW(path_too_long, -ENAMETOOLONG, IOU_PATH_TOO_LONG, 0, STATX_BASIC_STATS);
ROW(null_buffer, -EFAULT, "file", 0, STATX_BASIC_STATS, .buf = IOU_PTR_NULL);
ROW(unmapped_buffer, -EFAULT, "file", 0, STATX_BASIC_STATS, .buf = IOU_PTR_FAULT);

static struct statx stx;

static int dfd(struct iou_twin_run *s, const FIXTURE_VARIANT(statx) *v)
{
	return v->dfd == IOU_FD_NONE ? AT_FDCWD : s->use[0];
}

static struct statx *buf(const FIXTURE_VARIANT(statx) *v)
{
	return v->buf == IOU_PTR_BUF ? &stx : v->buf == IOU_PTR_NULL ? NULL : iou_fault_ptr();
}

static int setup(struct iou_twin_run *s, const void *row)
{
	int ret = iou_twin_tree(s);

	memset(&stx, 0xa5, sizeof(stx));
	return ret ? ret : iou_twin_fd(s, 0, ((const FIXTURE_VARIANT(statx) *)row)->dfd);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(statx) *v = row;

	return statx(dfd(s, v), iou_twin_path(v->path), v->flags, v->mask, buf(v)) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(statx) *v = row;

	iou_prep_statx(sqe, dfd(s, v), iou_twin_path(v->path), v->flags, v->mask, buf(v));
}

/*
 * The fields that are the same for identical trees; the inode number is
 * checked against the file's own in this side's tree instead.
 */
static void state(struct iou_twin_run *s, const void *row, char *out, size_t len)
{
	const FIXTURE_VARIANT(statx) *v = row;
	struct stat st;
	bool own_ino;

	if (v->path > IOU_PATH_NAME_TOO_LONG && v->path[0] && !fstatat(dfd(s, v), v->path, &st,
					     (v->flags & AT_SYMLINK_NOFOLLOW)))
		own_ino = st.st_ino == stx.stx_ino;
	else if (v->dfd != IOU_FD_NONE && !fstat(s->use[0], &st))
		own_ino = st.st_ino == stx.stx_ino;
	else
		own_ino = false;
	snprintf(out, len, "statx: mask %#x mode %o nlink %u uid %u gid %u size %llu blksize %u attributes %llx/%llx own inode %d\n",
		 stx.stx_mask, stx.stx_mode, stx.stx_nlink, stx.stx_uid, stx.stx_gid,
		 (unsigned long long)stx.stx_size, stx.stx_blksize,
		 (unsigned long long)stx.stx_attributes,
		 (unsigned long long)stx.stx_attributes_mask, own_ino);
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .state = state,
};

TEST_F(statx, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_STATX);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
