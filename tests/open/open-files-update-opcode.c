// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FILES_UPDATE (5.6), the opcode (not the register call):
 * replaces len slots of the registered table from sqe->off with the
 * descriptors at sqe->addr and completes with how many it updated; -1
 * empties a slot, IORING_REGISTER_FILES_SKIP leaves it.  With
 * IORING_FILE_INDEX_ALLOC as the offset it picks free slots and writes
 * them back into the array (5.19).  Refused: len 0 (-EINVAL), a range
 * past the table (-EINVAL), a NULL array (-EFAULT), a closed descriptor
 * or an io_uring one (-EBADF), no table at all (-ENXIO), and
 * IOSQE_FIXED_FILE (-EINVAL: io_files_update_prep()).
 */
#include "iou.h"
#include "iou_rsrc.h"

#define SLOTS	4

FIXTURE(fupd) {
	struct iou_ring r;
	int a, b;
};

FIXTURE_SETUP(fupd)
{
	int fds[SLOTS] = { -1, -1, -1, -1 };

	self->a = self->b = -1;
	REQUIRE_OPCODE(IORING_OP_FILES_UPDATE);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->a = iou_scratch_file("a", 4096, 0);
	self->b = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	fds[1] = self->a;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, SLOTS));
}

FIXTURE_TEARDOWN(fupd)
{
	iou_ring_exit(&self->r);
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

static int update(struct iou_ring *r, int *fds, unsigned int nr, int off)
{
	iou_prep_files_update(iou_get_sqe(r), fds, nr, off);
	return iou_run_one(r, NULL);
}

/* what a read of one byte through slot gives */
static int read_slot(struct iou_ring *r, int slot)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	char c;

	iou_prep_read(sqe, slot, &c, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	return iou_run_one(r, NULL);
}

TEST_F(fupd, updates_slots_and_counts_them)
{
	int fds[3] = { self->b, IORING_REGISTER_FILES_SKIP, -1 };

	ASSERT_RES(1, read_slot(&self->r, 1));
	ASSERT_RES(3, update(&self->r, fds, 3, 0));
	ASSERT_RES(0, read_slot(&self->r, 0));		/* /dev/null */
	ASSERT_RES(1, read_slot(&self->r, 1));		/* skipped: still "a" */
	ASSERT_RES(-EBADF, read_slot(&self->r, 2));	/* emptied */
}

TEST_F(fupd, empties_a_slot)
{
	int fds[1] = { -1 };

	ASSERT_RES(1, update(&self->r, fds, 1, 1));
	ASSERT_RES(-EBADF, read_slot(&self->r, 1));
}

TEST_F(fupd, alloc_offset_writes_the_slots_back)
{
	int fds[2] = { self->b, self->b };

	ASSERT_RES(2, update(&self->r, fds, 2, (int)IORING_FILE_INDEX_ALLOC));
	ASSERT_NE(1, fds[0]);
	ASSERT_NE(1, fds[1]);
	ASSERT_NE(fds[0], fds[1]);
	ASSERT_LE(0, fds[0]);
	ASSERT_GT(SLOTS, fds[0]);
	ASSERT_RES(0, read_slot(&self->r, fds[0]));
	ASSERT_RES(0, read_slot(&self->r, fds[1]));
}

TEST_F(fupd, zero_length_is_einval)
{
	int fds[1] = { self->b };

	ASSERT_RES(-EINVAL, update(&self->r, fds, 0, 0));
}

TEST_F(fupd, range_past_the_table_is_einval)
{
	int fds[2] = { self->b, self->b };

	ASSERT_RES(-EINVAL, update(&self->r, fds, 2, SLOTS - 1));
	ASSERT_RES(-EINVAL, update(&self->r, fds, 1, SLOTS));
}

TEST_F(fupd, null_array_is_efault)
{
	ASSERT_RES(-EFAULT, update(&self->r, NULL, 1, 0));
}

TEST_F(fupd, closed_descriptor_is_ebadf)
{
	int fds[1] = { iou_lowest_free_fd() };

	ASSERT_RES(-EBADF, update(&self->r, fds, 1, 0));
	ASSERT_RES(-EBADF, read_slot(&self->r, 0));
}

TEST_F(fupd, io_uring_descriptor_is_ebadf)
{
	int fds[1] = { self->r.fd };

	ASSERT_RES(-EBADF, update(&self->r, fds, 1, 0));
}

TEST_F(fupd, fixed_file_flag_is_einval)
{
	int fds[1] = { self->b };
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_files_update(sqe, fds, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(-EINVAL, iou_run_one(&self->r, NULL));
}

TEST_F(fupd, ring_without_a_table_is_enxio)
{
	int fds[1] = { self->b };

	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 0));
	ASSERT_RES(-ENXIO, update(&self->r, fds, 1, 0));
}

TEST_HARNESS_MAIN
