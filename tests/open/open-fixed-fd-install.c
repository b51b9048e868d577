// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FIXED_FD_INSTALL (6.8) turns a registered file (a slot,
 * which IOSQE_FIXED_FILE must mark) into a normal descriptor: the CQE's
 * res is the new descriptor, the lowest free one, close-on-exec unless
 * IORING_FIXED_FD_NO_CLOEXEC asks otherwise, and it is the same open
 * file (its offset moves with the slot's).  Without IOSQE_FIXED_FILE,
 * for an empty slot or one past the table it is -EBADF; an unknown
 * install_fd_flags bit is -EINVAL.
 */
#include <sys/stat.h>
#include "iou.h"
#include "iou_rsrc.h"

FIXTURE(install) {
	struct iou_ring r;
	int file;
};

FIXTURE_SETUP(install)
{
	int fds[2];

	self->file = -1;
	REQUIRE_OPCODE(IORING_OP_FIXED_FD_INSTALL);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->file = iou_scratch_file("file", 8192, 0);
	ASSERT_LE(0, self->file);
	fds[0] = self->file;
	fds[1] = -1;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 2));
}

FIXTURE_TEARDOWN(install)
{
	iou_ring_exit(&self->r);
	if (self->file >= 0)
		close(self->file);
}

static int install(struct iou_ring *r, unsigned int slot, unsigned int flags, bool fixed)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_fixed_fd_install(sqe, slot, flags);
	if (!fixed)
		sqe->flags = 0;
	return iou_run_one(r, NULL);
}

TEST_F(install, new_descriptor_is_the_slots_file_close_on_exec)
{
	int lowest = iou_lowest_free_fd();
	int fd = install(&self->r, 0, 0, true);
	struct stat a, b;

	ASSERT_RES(lowest, fd);
	ASSERT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	ASSERT_EQ(0, fstat(fd, &a));
	ASSERT_EQ(0, fstat(self->file, &b));
	ASSERT_EQ(b.st_ino, a.st_ino);
	/* the same open file: one offset */
	ASSERT_EQ(100, lseek(fd, 100, SEEK_SET));
	ASSERT_EQ(100, lseek(self->file, 0, SEEK_CUR));
	close(fd);
}

TEST_F(install, no_cloexec_flag_leaves_it_inheritable)
{
	int fd = install(&self->r, 0, IORING_FIXED_FD_NO_CLOEXEC, true);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_GETFD));
	close(fd);
}

TEST_F(install, works_after_the_original_fd_is_closed)
{
	int fd;
	char c;

	close(self->file);
	self->file = -1;
	fd = install(&self->r, 0, 0, true);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, pread(fd, &c, 1, 0));
	close(fd);
}

TEST_F(install, without_fixed_file_flag_is_ebadf)
{
	ASSERT_RES(-EBADF, install(&self->r, 0, 0, false));
}

TEST_F(install, empty_slot_is_ebadf)
{
	ASSERT_RES(-EBADF, install(&self->r, 1, 0, true));
}

TEST_F(install, slot_past_the_table_is_ebadf)
{
	ASSERT_RES(-EBADF, install(&self->r, 2, 0, true));
}

TEST_F(install, unknown_flag_is_einval)
{
	ASSERT_RES(-EINVAL, install(&self->r, 0, 2, true));
	ASSERT_RES(-EINVAL, install(&self->r, 0, 1u << 31, true));
}

TEST_HARNESS_MAIN
