// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_OPENAT2 is held to openat2(2): on the same tree, directory
 * descriptor, path and struct open_how (and its size) it completes with
 * the call's result and the new descriptor is the same, inline and from
 * io-wq.  Rows: every RESOLVE_* flag (NO_XDEV, NO_MAGICLINKS,
 * NO_SYMLINKS, BENEATH, IN_ROOT, CACHED) on paths that stay inside and
 * that leave, symlinks, magic links and mount crossings; an unknown
 * resolve bit, unknown flags (which openat2, unlike openat, refuses), a
 * mode without O_CREAT; how sizes below the first version, larger with
 * a zero tail, larger with a non-zero tail (E2BIG); NULL and unmapped
 * how and path.
 */
#include <linux/openat2.h>
#include <sys/syscall.h>
#define IOU_TWIN_FIXTURE openat2
#include "iou_twin.h"

#ifndef RESOLVE_CACHED
#define RESOLVE_CACHED	0x20
#endif

FIXTURE_VARIANT(openat2) {
	IOU_TWIN_ROW_FIELDS;
	bool at_cwd;		/* else relative to the side's directory fd */
	const char *path;
	__u64 flags, mode, resolve;
	unsigned int size;	/* 0: sizeof(struct open_how) */
	bool tail;		/* a non-zero byte after the struct */
	enum iou_ptr_kind how;
};

#define ROW(name, res_, path_, resolve_, ...)				\
	FIXTURE_VARIANT_ADD(openat2, name) {				\
		.twin_res = (res_), .path = (path_), .resolve = (resolve_), __VA_ARGS__ \
	}

#define NEW_FD	IOU_TWIN_NONNEG

ROW(plain, NEW_FD, "file", 0);
ROW(create, NEW_FD, "new", 0, .flags = O_CREAT | O_RDWR, .mode = 0640);
ROW(no_xdev_inside, NEW_FD, "dir/inner", RESOLVE_NO_XDEV);
ROW(no_xdev_crossing_into_proc, -EXDEV, "/proc/self/status", RESOLVE_NO_XDEV);
ROW(no_magiclinks_plain_symlink, NEW_FD, "link", RESOLVE_NO_MAGICLINKS);
ROW(no_magiclinks_on_a_magic_link, -ELOOP, "/proc/self/exe", RESOLVE_NO_MAGICLINKS);
ROW(no_symlinks_on_a_symlink, -ELOOP, "link", RESOLVE_NO_SYMLINKS);
ROW(no_symlinks_on_a_file, NEW_FD, "file", RESOLVE_NO_SYMLINKS);
ROW(beneath_inside, NEW_FD, "dir/../file", RESOLVE_BENEATH);
ROW(beneath_leaving_by_dotdot, -EXDEV, "../x", RESOLVE_BENEATH);
ROW(beneath_absolute_path, -EXDEV, "/dev/null", RESOLVE_BENEATH);
ROW(in_root_absolute_path_stays_inside, NEW_FD, "/file", RESOLVE_IN_ROOT);
ROW(in_root_dotdot_stops_at_the_root, NEW_FD, "../../file", RESOLVE_IN_ROOT);
ROW(beneath_and_in_root, -EINVAL, "file", RESOLVE_BENEATH | RESOLVE_IN_ROOT);
ROW(cached_lookup_of_a_cached_file, NEW_FD, "file", RESOLVE_CACHED);
ROW(cached_with_create, -EAGAIN, "new", RESOLVE_CACHED, .flags = O_CREAT | O_RDWR,
    .mode = 0600);
ROW(unknown_resolve_bit, -EINVAL, "file", 0x1000);
ROW(unknown_flag_bit, -EINVAL, "file", 0, .flags = 0x40000000);
ROW(mode_without_create, -EINVAL, "file", 0, .mode = 0644);
ROW(mode_beyond_permission_bits, -EINVAL, "new", 0, .flags = O_CREAT | O_RDWR, .mode = 010000);
ROW(how_smaller_than_version_0, -EINVAL, "file", 0, .size = 16);
ROW(how_larger_zero_tail, NEW_FD, "file", 0, .size = sizeof(struct open_how) + 8);
ROW(how_larger_non_zero_tail, -E2BIG, "file", 0, .size = sizeof(struct open_how) + 8,
    .tail = true);
ROW(how_too_large_for_a_page, -E2BIG, "file", 0, .size = 8192, .tail = true);
ROW(null_how, -EFAULT, "file", 0, .how = IOU_PTR_NULL);
ROW(unmapped_how, -EFAULT, "file", 0, .how = IOU_PTR_FAULT);
ROW(missing_name, -ENOENT, "missing", 0);
ROW(null_path, -EFAULT, IOU_PATH_NULL, 0);
ROW(at_cwd, NEW_FD, "file", RESOLVE_BENEATH, .at_cwd = true);

static unsigned int size(const FIXTURE_VARIANT(openat2) *v)
{
	return v->size ? v->size : sizeof(struct open_how);
}

/* the struct at the start of the data buffer, with its tail */
static struct open_how *how(struct iou_twin_run *s, const FIXTURE_VARIANT(openat2) *v)
{
	struct open_how *h = (struct open_how *)s->buf;

	if (v->how != IOU_PTR_BUF)
		return iou_twin_ptr(s, v->how);
	memset(s->buf, 0, 16384);
	h->flags = v->flags;
	h->mode = v->mode;
	h->resolve = v->resolve;
	if (v->tail)
		s->buf[size(v) - 1] = 1;
	return h;
}

static int dfd(struct iou_twin_run *s, const FIXTURE_VARIANT(openat2) *v)
{
	return v->at_cwd ? AT_FDCWD : s->use[0];
}

static int setup(struct iou_twin_run *s, const void *row)
{
	int ret = iou_twin_tree(s);

	return ret ? ret : iou_twin_fd(s, 0, IOU_FD_DIR);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(openat2) *v = row;
	long fd = syscall(SYS_openat2, dfd(s, v), iou_twin_path(v->path), how(s, v), size(v));

	return fd < 0 ? -errno : (int)fd;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(openat2) *v = row;

	iou_prep_openat2(sqe, dfd(s, v), iou_twin_path(v->path), how(s, v), size(v));
}

static void state(struct iou_twin_run *s, const void *row, char *out, size_t len)
{
	iou_twin_describe_fd(s->res, out, len);
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .state = state,
};

TEST_F(openat2, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_OPENAT2);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
