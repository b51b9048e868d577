// SPDX-License-Identifier: GPL-2.0
/*
 * Sparse file tables and IORING_REGISTER_FILE_ALLOC_RANGE (6.0).  A table
 * registered with IORING_RSRC_REGISTER_SPARSE has only empty slots (-EBADF
 * through any of them) until a direct descriptor is installed.  Requests
 * that let the kernel choose the slot (IORING_FILE_INDEX_ALLOC) take the
 * lowest free slot of the allocation range, the whole table by default,
 * and fail with -ENFILE when the range is full; slots outside the range
 * stay usable by explicit index and are never chosen, even after a
 * descriptor was installed into or removed from one of them.
 * FILE_ALLOC_RANGE refuses: a range past the table or a ring without one
 * (EINVAL), off + len wrapping (EOVERFLOW), non-zero resv, nr_args other
 * than 0 or a NULL argument (EINVAL), an unreadable argument (EFAULT).
 * Unregistering the table resets the range.
 *
 * Removing a descriptor below the range used to move the allocation hint
 * there, so the next automatic slot came from outside the range.
 * Regression-test-for: a6bded921ed3 ("io_uring/filetable: clamp alloc_hint to the configured alloc range")
 */
#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("a6bded921ed3", "", "",
			"io_uring/filetable: clamp alloc_hint to the configured alloc range")));
/*
 * Proven with make vm-test (Debian kernels): 6.12.43 and 6.18.5 fail (XFAIL),
 * 7.2.13 passes.
 */

FIXTURE(alloc) {
	struct iou_ring r;
	const char *path;
};

FIXTURE_SETUP(alloc)
{
	int fd;

	REQUIRE_RSRC_SPARSE();
	REQUIRE_REGISTER_OP(IORING_REGISTER_FILE_ALLOC_RANGE);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	fd = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, fd);
	close(fd);
	self->path = strdup(iou_scratch_path("data"));
	ASSERT_NE(NULL, self->path);
}

FIXTURE_TEARDOWN(alloc)
{
	iou_ring_exit(&self->r);
}

static int set_range(struct iou_ring *r, unsigned int off, unsigned int len)
{
	struct io_uring_file_index_range range = { .off = off, .len = len };

	return iou_register(r, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0);
}

/* open the scratch file as a direct descriptor; CQE res (slot or -errno) */
static int open_direct(struct iou_ring *r, const char *path, unsigned int slot)
{
	iou_prep_openat_direct(iou_get_sqe(r), AT_FDCWD, path, O_RDONLY, 0, slot);
	return iou_run_one(r, NULL);
}

static int read_slot(struct iou_ring *r, int slot)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	char c;

	iou_prep_read(sqe, slot, &c, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	return iou_run_one(r, NULL);
}

static int remove_slot(struct iou_ring *r, unsigned int slot)
{
	int none = -1;

	return iou_register_files_update(r, slot, &none, 1);
}

TEST_F(alloc, sparse_slots_are_empty_until_installed)
{
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 8, IORING_RSRC_REGISTER_SPARSE));
	for (int i = 0; i < 8; i++)
		ASSERT_RES(-EBADF, read_slot(&self->r, i));
	ASSERT_RES(0, open_direct(&self->r, self->path, 3));
	ASSERT_RES(1, read_slot(&self->r, 3));
	ASSERT_RES(-EBADF, read_slot(&self->r, 2));
}

TEST_F(alloc, default_range_is_the_whole_table_lowest_slot_first)
{
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 3, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(1, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(2, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(-ENFILE, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	/* a freed slot is found again */
	ASSERT_RES(1, remove_slot(&self->r, 1));
	ASSERT_RES(1, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
}

TEST_F(alloc, range_confines_automatic_slots)
{
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 8, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, set_range(&self->r, 4, 2));
	ASSERT_RES(4, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(5, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(-ENFILE, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	/* outside the range, explicit slots still work */
	ASSERT_RES(0, open_direct(&self->r, self->path, 0));
	ASSERT_RES(0, open_direct(&self->r, self->path, 7));
	ASSERT_RES(1, read_slot(&self->r, 7));
}

TEST_F(alloc, removal_below_the_range_does_not_pull_allocation_out)
{
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 32, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, set_range(&self->r, 10, 10));
	/* install and remove an explicit slot below the range */
	ASSERT_RES(0, open_direct(&self->r, self->path, 2));
	ASSERT_RES(1, remove_slot(&self->r, 2));
	ASSERT_RES(10, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	/* and one above it */
	ASSERT_RES(0, open_direct(&self->r, self->path, 25));
	ASSERT_RES(1, remove_slot(&self->r, 25));
	ASSERT_RES(11, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(-EBADF, read_slot(&self->r, 2));
	ASSERT_RES(-EBADF, read_slot(&self->r, 25));
}

TEST_F(alloc, range_errors)
{
	struct io_uring_file_index_range range = { .off = 0, .len = 1 };

	/* no table yet */
	ASSERT_RES(-EINVAL, set_range(&self->r, 0, 1));
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 8, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(-EINVAL, set_range(&self->r, 0, 9));
	ASSERT_RES(-EINVAL, set_range(&self->r, 8, 1));
	ASSERT_RES(-EOVERFLOW, set_range(&self->r, 0xffffffffu, 2));
	range.resv = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0));
	range.resv = 0;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 1));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILE_ALLOC_RANGE, NULL, 0));
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_FILE_ALLOC_RANGE,
					 iou_fault_ptr(), 0));
	/* exactly the table is fine */
	ASSERT_RES(0, set_range(&self->r, 0, 8));
	ASSERT_RES(0, set_range(&self->r, 7, 1));
	ASSERT_RES(7, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
}

TEST_F(alloc, unregister_resets_the_range)
{
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 8, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, set_range(&self->r, 6, 2));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 0));
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 8, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
}

TEST_F(alloc, close_direct_frees_the_slot_for_allocation)
{
	struct io_uring_sqe *sqe;

	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 2, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(1, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
	sqe = iou_get_sqe(&self->r);
	iou_prep_close_direct(sqe, 0);
	ASSERT_RES(0, iou_run_one(&self->r, NULL));
	ASSERT_RES(-EBADF, read_slot(&self->r, 0));
	ASSERT_RES(0, open_direct(&self->r, self->path, IORING_FILE_INDEX_ALLOC));
}

TEST_HARNESS_MAIN
