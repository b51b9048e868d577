// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_GETXATTR and IORING_OP_FGETXATTR (5.19) are held to
 * getxattr(2) and fgetxattr(2): on the same file, name and buffer they
 * complete with the call's result (the value's size, or -errno) and
 * leave the same bytes in the buffer, inline and from io-wq.  Rows: an
 * exact buffer, a larger one, one too small (ERANGE), size 0 (the size
 * needed, nothing copied, NULL buffer allowed), a missing name, empty
 * and over-long names, an unknown namespace, the xattr_flags field the
 * opcodes reserve, NULL and unmapped names and buffers, symlinks
 * (followed), missing paths, O_PATH and closed descriptors.  The file
 * holds user.exists = "hello" before each row.
 *
 * Where the two differ by definition the row says why: getxattr(2) has
 * no flags; the opcodes refuse a non-zero sqe->xattr_flags with EINVAL
 * (__io_getxattr_prep()).  The scratch file system must store user.*
 * attributes: without, every case skips naming it.
 */
#include "iou_twin.h"

#define NO_FLAGS	"the opcode refuses xattr_flags, getxattr(2) has none"

FIXTURE(getx) {
	struct iou_ring r;
};

FIXTURE_VARIANT(getx) {
	IOU_TWIN_ROW_FIELDS;
	bool by_fd;
	enum iou_fd_kind fd;	/* by_fd: IOU_FD_NONE means the file */
	const char *path;	/* NULL: "file" */
	const char *name;	/* NULL: "user.exists" */
	unsigned int size;
	enum iou_ptr_kind value;
	int xattr_flags;	/* the opcode only */
};

#define ROW(name_, res_, size_, ...)					\
	FIXTURE_VARIANT_ADD(getx, name_) { .twin_res = (res_), .size = (size_), __VA_ARGS__ }

ROW(exact_buffer, 5, 5);
ROW(larger_buffer, 5, 4096);
ROW(buffer_too_small, -ERANGE, 2);
ROW(size_zero_reports_the_size, 5, 0);
ROW(size_zero_null_buffer, 5, 0, .value = IOU_PTR_NULL);
ROW(size_over_the_limit_is_clamped, 5, 1 << 20);
ROW(missing_name, -ENODATA, 64, .name = "user.missing");
ROW(empty_name, -ERANGE, 64, .name = "");
ROW(name_over_255_bytes, -ERANGE, 64, .name = IOU_PATH_NAME_TOO_LONG);
ROW(unknown_namespace, -EOPNOTSUPP, 64, .name = "nonsense.x");
ROW(null_name, -EFAULT, 64, .name = IOU_PATH_NULL);
ROW(null_buffer, -EFAULT, 64, .value = IOU_PTR_NULL);
ROW(unmapped_buffer, -EFAULT, 64, .value = IOU_PTR_FAULT);
ROW(through_a_symlink, 5, 64, .path = "link");
ROW(missing_path, -ENOENT, 64, .path = "missing");
ROW(dangling_symlink, -ENOENT, 64, .path = "dangling");
ROW(reserved_flags, 5, 64, .xattr_flags = XATTR_CREATE, .differs = NO_FLAGS, .ring_res = -EINVAL);
ROW(fd_exact_buffer, 5, 5, .by_fd = true);
ROW(fd_buffer_too_small, -ERANGE, 4, .by_fd = true);
ROW(fd_size_zero, 5, 0, .by_fd = true);
ROW(fd_missing_name, -ENODATA, 64, .by_fd = true, .name = "user.missing");
ROW(fd_o_path, -EBADF, 64, .by_fd = true, .fd = IOU_FD_OPATH);
ROW(fd_closed, -EBADF, 64, .by_fd = true, .fd = IOU_FD_CLOSED);
ROW(fd_write_only, 5, 64, .by_fd = true, .fd = IOU_FD_WRONLY);
ROW(fd_reserved_flags, 5, 64, .by_fd = true, .xattr_flags = 1, .differs = NO_FLAGS,
    .ring_res = -EINVAL);

static const char *name(const FIXTURE_VARIANT(getx) *v)
{
	return v->name ? iou_twin_path(v->name) : "user.exists";
}

static const char *path(const FIXTURE_VARIANT(getx) *v)
{
	return v->path ? iou_twin_path(v->path) : "file";
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(getx) *v = row;
	int ret = iou_twin_tree(s);

	if (!ret && setxattr("file", "user.exists", "hello", 5, 0))
		ret = -errno;
	if (!ret && v->by_fd)
		ret = iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);
	return ret;
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(getx) *v = row;
	void *value = iou_twin_ptr(s, v->value);
	ssize_t ret = v->by_fd ? fgetxattr(s->use[0], name(v), value, v->size) :
				 getxattr(path(v), name(v), value, v->size);

	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(getx) *v = row;
	void *value = iou_twin_ptr(s, v->value);

	if (v->by_fd)
		iou_prep_fgetxattr(sqe, s->use[0], name(v), value, v->size);
	else
		iou_prep_getxattr(sqe, name(v), value, path(v), v->size);
	sqe->xattr_flags = (__u32)v->xattr_flags;
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep,
};

FIXTURE_SETUP(getx)
{
	REQUIRE_SCRATCH_USER_XATTRS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(getx)
{
	iou_ring_exit(&self->r);
}

TEST_F(getx, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(variant->by_fd ? IORING_OP_FGETXATTR : IORING_OP_GETXATTR);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
