// SPDX-License-Identifier: GPL-2.0
/*
 * Direct descriptors: OPENAT and OPENAT2 with sqe->file_index install
 * the new file into the ring's registered table instead of the process's
 * (5.15), and CLOSE with file_index empties a slot.  A named slot (index
 * + 1 in the SQE) completes with 0 and replaces whatever the slot held;
 * IORING_FILE_INDEX_ALLOC (5.19) completes with the slot it picked (the
 * search starts past the slot last taken and wraps: the table's
 * alloc_hint), and with -ENFILE once the table is full; a slot past
 * the table is -EINVAL, a ring without a table -ENXIO, O_CLOEXEC (which a
 * table slot cannot carry) -EINVAL.  The file is reached through the
 * slot (IOSQE_FIXED_FILE) and no process descriptor is used.  CLOSE of an
 * empty slot is -EBADF, past the table -EINVAL, with both fd and
 * file_index -EINVAL, and with IOSQE_FIXED_FILE -EBADF.
 */
#include <linux/openat2.h>
#include "iou.h"
#include "iou_rsrc.h"

#define SLOTS		4
#define UD		0xd1ec000000000001ULL

FIXTURE(direct) {
	struct iou_ring r;
	int dirfd;
};

FIXTURE_VARIANT(direct) {
	bool openat2;
};

FIXTURE_VARIANT_ADD(direct, openat) { .openat2 = false };
FIXTURE_VARIANT_ADD(direct, openat2) { .openat2 = true };

FIXTURE_SETUP(direct)
{
	int fd;

	self->dirfd = -1;
	REQUIRE_OPCODE(variant->openat2 ? IORING_OP_OPENAT2 : IORING_OP_OPENAT);
	REQUIRE_RSRC_SPARSE();
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, SLOTS,
					  IORING_RSRC_REGISTER_SPARSE));
	fd = iou_scratch_file("file", 4096, 0);
	ASSERT_LE(0, fd);
	close(fd);
	self->dirfd = open(iou_scratch_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->dirfd);
}

FIXTURE_TEARDOWN(direct)
{
	iou_ring_exit(&self->r);
	if (self->dirfd >= 0)
		close(self->dirfd);
}

/* open "file" into slot (or IORING_FILE_INDEX_ALLOC): the CQE's res */
static int open_direct(struct iou_ring *r, bool two, int dirfd, unsigned int slot, int flags)
{
	const char *path = dirfd == AT_FDCWD ? "/dev/null" : "file";
	static struct open_how how;
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe;

	memset(&how, 0, sizeof(how));
	how.flags = (__u64)flags;
	if (two)
		iou_prep_openat2(sqe, dirfd, path, &how, sizeof(how));
	else
		iou_prep_openat(sqe, dirfd, path, flags, 0);
	iou_set_target_slot(sqe, slot);
	sqe->user_data = UD;
	if (iou_submit_reap(r, &cqe, 1) != 1 || cqe.user_data != UD || cqe.flags)
		return INT32_MIN;
	return cqe.res;
}

/* read 16 bytes through slot: the CQE's res */
static int read_slot(struct iou_ring *r, int slot)
{
	unsigned char buf[16];
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	int res;

	iou_prep_read(sqe, slot, buf, sizeof(buf), 16);
	sqe->flags = IOSQE_FIXED_FILE;
	res = iou_run_one(r, NULL);
	return res == 16 && !iou_check_pattern(buf, 16, 16) ? -EIO : res;
}

static int close_direct(struct iou_ring *r, unsigned int slot, int fd, unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_close_direct(sqe, slot);
	sqe->fd = fd;
	sqe->flags = (__u8)sqe_flags;
	return iou_run_one(r, NULL);
}

TEST_F(direct, named_slot_holds_the_file_and_no_fd_is_used)
{
	int lowest = iou_lowest_free_fd();

	ASSERT_RES(0, open_direct(&self->r, variant->openat2, self->dirfd, 2, O_RDONLY));
	ASSERT_EQ(lowest, iou_lowest_free_fd());
	ASSERT_RES(16, read_slot(&self->r, 2));
	ASSERT_RES(-EBADF, read_slot(&self->r, 1));
}

TEST_F(direct, taken_slot_is_replaced)
{
	ASSERT_RES(0, open_direct(&self->r, variant->openat2, self->dirfd, 0, O_RDONLY));
	ASSERT_RES(0, open_direct(&self->r, variant->openat2, self->dirfd, 0, O_WRONLY));
	/* the slot now holds the write-only file */
	ASSERT_RES(-EBADF, read_slot(&self->r, 0));
}

/*
 * IORING_FILE_INDEX_ALLOC (5.19): an open into a one-slot table picks
 * slot 0 where a kernel without it finds ~0U past the table (-EINVAL).
 */
static enum iou_have have_file_index_alloc(char *why, size_t len)
{
	struct iou_ring r;
	int res = INT32_MIN;

	if (iou_ring_init(&r, 2, 0))
		return iou_have_by_result(res, 0, IOU_V(5, 19), "a ring", why, len);
	if (!iou_register_files2(&r, NULL, NULL, 1, IORING_RSRC_REGISTER_SPARSE))
		res = open_direct(&r, false, AT_FDCWD, IORING_FILE_INDEX_ALLOC, O_RDONLY);
	iou_ring_exit(&r);
	return iou_have_by_result(res, 0, IOU_V(5, 19), "IORING_FILE_INDEX_ALLOC", why, len);
}

TEST_F(direct, alloc_picks_free_slots_until_full)
{
	IOU_REQUIRE(have_file_index_alloc(__why, sizeof(__why)));
	ASSERT_RES(0, open_direct(&self->r, variant->openat2, self->dirfd, 1, O_RDONLY));
	/* the search starts past the last slot taken and wraps around */
	ASSERT_RES(2, open_direct(&self->r, variant->openat2, self->dirfd,
				  IORING_FILE_INDEX_ALLOC, O_RDONLY));
	ASSERT_RES(3, open_direct(&self->r, variant->openat2, self->dirfd,
				  IORING_FILE_INDEX_ALLOC, O_RDONLY));
	ASSERT_RES(0, open_direct(&self->r, variant->openat2, self->dirfd,
				  IORING_FILE_INDEX_ALLOC, O_RDONLY));
	ASSERT_RES(-ENFILE, open_direct(&self->r, variant->openat2, self->dirfd,
					IORING_FILE_INDEX_ALLOC, O_RDONLY));
	ASSERT_RES(16, read_slot(&self->r, 3));
}

TEST_F(direct, slot_past_the_table_is_einval)
{
	ASSERT_RES(-EINVAL, open_direct(&self->r, variant->openat2, self->dirfd, SLOTS, O_RDONLY));
}

TEST_F(direct, close_on_exec_is_einval)
{
	ASSERT_RES(-EINVAL, open_direct(&self->r, variant->openat2, self->dirfd, 0,
					O_RDONLY | O_CLOEXEC));
}

TEST_F(direct, ring_without_a_table_is_enxio)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 0));
	ASSERT_RES(-ENXIO, open_direct(&self->r, variant->openat2, self->dirfd, 0, O_RDONLY));
}

TEST_F(direct, open_errors_are_the_open_errors)
{
	/* the lookup fails before any slot is touched */
	ASSERT_RES(-EBADF, open_direct(&self->r, variant->openat2, 1 << 20, 0, O_RDONLY));
	ASSERT_RES(-EBADF, read_slot(&self->r, 0));
}

TEST_F(direct, close_empties_the_slot)
{
	ASSERT_RES(0, open_direct(&self->r, variant->openat2, self->dirfd, 1, O_RDONLY));
	ASSERT_RES(0, close_direct(&self->r, 1, 0, 0));
	ASSERT_RES(-EBADF, read_slot(&self->r, 1));
	ASSERT_RES(-EBADF, close_direct(&self->r, 1, 0, 0));
}

TEST_F(direct, close_refuses_bad_arguments)
{
	ASSERT_RES(0, open_direct(&self->r, variant->openat2, self->dirfd, 0, O_RDONLY));
	ASSERT_RES(-EINVAL, close_direct(&self->r, SLOTS, 0, 0));
	ASSERT_RES(-EINVAL, close_direct(&self->r, 0, self->dirfd, 0));
	ASSERT_RES(-EBADF, close_direct(&self->r, 0, 0, IOSQE_FIXED_FILE));
	/* none of those touched the slot */
	ASSERT_RES(16, read_slot(&self->r, 0));
}

TEST_HARNESS_MAIN
