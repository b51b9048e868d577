// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SETXATTR and IORING_OP_FSETXATTR (5.19) are held to
 * setxattr(2) and fsetxattr(2): on the same file, name, value, size and
 * flags they complete with the call's result and leave the same
 * extended attributes, inline and from io-wq.  Rows: new and existing
 * names with XATTR_CREATE and XATTR_REPLACE, an unknown flag, empty and
 * over-long names, an unknown namespace, empty and over-large values,
 * NULL and unmapped names and values, symlinks (followed), directories,
 * missing paths, read-only, O_PATH and closed descriptors.  The file
 * holds user.exists = "old" before each row.
 *
 * The scratch file system must store user.* attributes (tmpfs does since
 * 6.6): without, every case skips naming it.
 */
#include "iou_twin.h"

#define BIG_VALUE	(64 * 1024 + 1)	/* XATTR_SIZE_MAX + 1 */
#define SIZE_EMPTY	(~0u)		/* a zero-length value */

FIXTURE(setx) {
	struct iou_ring r;
};

FIXTURE_VARIANT(setx) {
	IOU_TWIN_ROW_FIELDS;
	bool by_fd;		/* FSETXATTR on the descriptor, else SETXATTR on path */
	enum iou_fd_kind fd;	/* by_fd: IOU_FD_NONE means the file O_RDWR */
	const char *path;	/* !by_fd: NULL means "file" */
	const char *name;	/* NULL: "user.new" */
	unsigned int size;	/* of the value in the data buffer; 0: 5 */
	int flags;
	enum iou_ptr_kind value;
};

#define ROW(name_, res_, ...)						\
	FIXTURE_VARIANT_ADD(setx, name_) { .twin_res = (res_), __VA_ARGS__ }

ROW(new_name, 0);
ROW(existing_name_replaced, 0, .name = "user.exists");
ROW(create_a_new_name, 0, .flags = XATTR_CREATE);
ROW(create_an_existing_name, -EEXIST, .name = "user.exists", .flags = XATTR_CREATE);
ROW(replace_an_existing_name, 0, .name = "user.exists", .flags = XATTR_REPLACE);
ROW(replace_a_missing_name, -ENODATA, .flags = XATTR_REPLACE);
ROW(unknown_flag, -EINVAL, .flags = 4);
ROW(empty_value, 0, .size = SIZE_EMPTY);
ROW(value_over_the_size_limit, -E2BIG, .size = BIG_VALUE);
ROW(empty_name, -ERANGE, .name = "");
ROW(name_over_255_bytes, -ERANGE, .name = IOU_PATH_NAME_TOO_LONG);
ROW(unknown_namespace, -EOPNOTSUPP, .name = "nonsense.x");
ROW(null_name, -EFAULT, .name = IOU_PATH_NULL);
ROW(null_value, -EFAULT, .value = IOU_PTR_NULL);
ROW(unmapped_value, -EFAULT, .value = IOU_PTR_FAULT);
ROW(through_a_symlink, 0, .path = "link");
ROW(on_a_directory, 0, .path = "dir");
ROW(missing_path, -ENOENT, .path = "missing");
ROW(unmapped_path, -EFAULT, .path = IOU_PATH_FAULT);
ROW(fd_new_name, 0, .by_fd = true);
ROW(fd_create_an_existing_name, -EEXIST, .by_fd = true, .name = "user.exists",
    .flags = XATTR_CREATE);
ROW(fd_replace_a_missing_name, -ENODATA, .by_fd = true, .flags = XATTR_REPLACE);
ROW(fd_read_only, 0, .by_fd = true, .fd = IOU_FD_RDONLY);
ROW(fd_directory, 0, .by_fd = true, .fd = IOU_FD_DIR);
ROW(fd_o_path, -EBADF, .by_fd = true, .fd = IOU_FD_OPATH);
ROW(fd_closed, -EBADF, .by_fd = true, .fd = IOU_FD_CLOSED);
ROW(fd_unknown_flag, -EINVAL, .by_fd = true, .flags = 8);

static const char *name(const FIXTURE_VARIANT(setx) *v)
{
	return v->name ? iou_twin_path(v->name) : "user.new";
}

static const char *path(const FIXTURE_VARIANT(setx) *v)
{
	return v->path ? iou_twin_path(v->path) : "file";
}

static size_t size(const FIXTURE_VARIANT(setx) *v)
{
	return v->size == SIZE_EMPTY ? 0 : v->size ? v->size : 5;
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(setx) *v = row;
	int ret = iou_twin_tree(s);

	memcpy(s->buf, "hello", 5);
	if (!ret && setxattr("file", "user.exists", "old", 3, 0))
		ret = -errno;
	if (!ret && v->by_fd)
		ret = iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);
	return ret;
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(setx) *v = row;
	const void *value = iou_twin_ptr(s, v->value);
	int ret = v->by_fd ? fsetxattr(s->use[0], name(v), value, size(v), v->flags) :
			     setxattr(path(v), name(v), value, size(v), v->flags);

	return ret ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(setx) *v = row;
	const void *value = iou_twin_ptr(s, v->value);

	if (v->by_fd)
		iou_prep_fsetxattr(sqe, s->use[0], name(v), value, v->flags,
				   (unsigned int)size(v));
	else
		iou_prep_setxattr(sqe, name(v), value, path(v), v->flags, (unsigned int)size(v));
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

FIXTURE_SETUP(setx)
{
	REQUIRE_SCRATCH_USER_XATTRS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(setx)
{
	iou_ring_exit(&self->r);
}

TEST_F(setx, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(variant->by_fd ? IORING_OP_FSETXATTR : IORING_OP_SETXATTR);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
