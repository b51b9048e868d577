// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_PIPE (6.16) is held to pipe2(2): with the same flags it
 * completes with 0 and writes two descriptors, the lowest free ones, with
 * the same status and close-on-exec flags and a working pipe between
 * them (O_DIRECT: packets); an unknown flag is -EINVAL and an unmapped
 * array -EFAULT, for both.  With sqe->file_index it installs both ends as
 * direct descriptors instead (a named slot takes it and the next one,
 * IORING_FILE_INDEX_ALLOC picks two) and writes the slots into the
 * array; O_CLOEXEC cannot go with that (-EINVAL) and a full table is
 * -ENFILE.  sqe->fd is reserved (-EINVAL).
 */
#include "iou.h"
#include "iou_rsrc.h"

FIXTURE(pipe) {
	struct iou_ring r;
};

FIXTURE_SETUP(pipe)
{
	REQUIRE_OPCODE(IORING_OP_PIPE);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(pipe)
{
	iou_ring_exit(&self->r);
}

static int ring_pipe(struct iou_ring *r, int *fds, unsigned int flags)
{
	iou_prep_pipe(iou_get_sqe(r), fds, flags);
	return iou_run_one(r, NULL);
}

static int twin_pipe(int *fds, unsigned int flags)
{
	return pipe2(fds, (int)flags) ? -errno : 0;
}

/*
 * The twin first: its descriptors' numbers and flags are noted and they
 * are closed; the opcode must then give the same numbers and flags, and
 * a pipe that works (O_DIRECT: one packet per write).
 */
static void twin_check(struct __test_metadata *_metadata, struct iou_ring *r,
		       unsigned int flags)
{
	int twin[2], ring[2] = { -1, -1 }, fl[2], fd_fl[2];
	char buf[8];

	ASSERT_RES(0, twin_pipe(twin, flags));
	for (int i = 0; i < 2; i++) {
		fl[i] = fcntl(twin[i], F_GETFL);
		fd_fl[i] = fcntl(twin[i], F_GETFD);
		close(twin[i]);
	}
	ASSERT_RES(0, ring_pipe(r, ring, flags));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(twin[i], ring[i]);
		ASSERT_EQ(fl[i], fcntl(ring[i], F_GETFL));
		ASSERT_EQ(fd_fl[i], fcntl(ring[i], F_GETFD));
	}
	ASSERT_EQ(3, write(ring[1], "abc", 3));
	ASSERT_EQ(2, write(ring[1], "de", 2));
	ASSERT_EQ(flags & O_DIRECT ? 3 : 5, read(ring[0], buf, sizeof(buf)));
	close(ring[0]);
	close(ring[1]);
}

TEST_F(pipe, no_flags)
{
	twin_check(_metadata, &self->r, 0);
}

TEST_F(pipe, close_on_exec)
{
	twin_check(_metadata, &self->r, O_CLOEXEC);
}

TEST_F(pipe, non_blocking)
{
	twin_check(_metadata, &self->r, O_NONBLOCK);
}

TEST_F(pipe, packet_mode)
{
	twin_check(_metadata, &self->r, O_DIRECT | O_CLOEXEC);
}

TEST_F(pipe, unknown_flag_is_einval)
{
	int fds[2];

	ASSERT_RES(-EINVAL, twin_pipe(fds, O_APPEND));
	ASSERT_RES(-EINVAL, ring_pipe(&self->r, fds, O_APPEND));
}

TEST_F(pipe, unmapped_array_is_efault)
{
	int lowest = iou_lowest_free_fd();

	ASSERT_RES(-EFAULT, twin_pipe(iou_fault_ptr(), 0));
	ASSERT_RES(-EFAULT, ring_pipe(&self->r, iou_fault_ptr(), 0));
	/* nothing was left open */
	ASSERT_EQ(lowest, iou_lowest_free_fd());
}

TEST_F(pipe, fd_field_is_reserved)
{
	int fds[2];
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_pipe(sqe, fds, 0);
	sqe->fd = 1;
	ASSERT_RES(-EINVAL, iou_run_one(&self->r, NULL));
}

static int pipe_direct(struct iou_ring *r, int *fds, unsigned int flags, unsigned int slot)
{
	iou_prep_pipe_direct(iou_get_sqe(r), fds, flags, slot);
	return iou_run_one(r, NULL);
}

/* write through slot wr, read through slot rd */
static void slots_connected(struct __test_metadata *_metadata, struct iou_ring *r, int rd,
			    int wr)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	char buf[4];

	iou_prep_write(sqe, wr, "xyz", 3, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(3, iou_run_one(r, NULL));
	sqe = iou_get_sqe(r);
	iou_prep_read(sqe, rd, buf, sizeof(buf), 0);
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(3, iou_run_one(r, NULL));
	ASSERT_EQ(0, memcmp(buf, "xyz", 3));
}

TEST_F(pipe, direct_named_slot_takes_two)
{
	int fds[2] = { -1, -1 }, lowest = iou_lowest_free_fd();

	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 4, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, pipe_direct(&self->r, fds, 0, 1));
	ASSERT_EQ(1, fds[0]);
	ASSERT_EQ(2, fds[1]);
	ASSERT_EQ(lowest, iou_lowest_free_fd());
	slots_connected(_metadata, &self->r, 1, 2);
}

TEST_F(pipe, direct_alloc_until_full)
{
	int fds[2] = { -1, -1 };

	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 3, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, pipe_direct(&self->r, fds, 0, IORING_FILE_INDEX_ALLOC));
	ASSERT_EQ(0, fds[0]);
	ASSERT_EQ(1, fds[1]);
	slots_connected(_metadata, &self->r, fds[0], fds[1]);
	ASSERT_RES(-ENFILE, pipe_direct(&self->r, fds, 0, IORING_FILE_INDEX_ALLOC));
}

TEST_F(pipe, direct_close_on_exec_is_einval)
{
	int fds[2];

	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, 4, IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(-EINVAL, pipe_direct(&self->r, fds, O_CLOEXEC, 0));
}

TEST_HARNESS_MAIN
