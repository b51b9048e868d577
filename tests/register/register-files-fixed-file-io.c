// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_FILES takes a reference on each file: with
 * IOSQE_FIXED_FILE, sqe->fd is an index into that table, and I/O through
 * the index reaches the registered file even after the program closed
 * its own descriptor.  The table's reference keeps the file open (a pipe
 * writer registered and closed still holds the pipe open) until
 * UNREGISTER_FILES drops it.  An index past the table, a sparse (-1)
 * slot, a ring without a table and a table that was unregistered all
 * complete with -EBADF, without touching the normal descriptor with the
 * same number.
 *
 * Each case runs inline and with IOSQE_ASYNC (file lookup in an io-wq
 * worker).
 */
#include "iou.h"
#include "iou_rsrc.h"

FIXTURE(fixed_file) {
	struct iou_ring r;
	int data;		/* scratch file, slot 0 */
	int pipe_rd;		/* read end of the pipe whose write end is slot 2 */
	int pipe_wr;
};

FIXTURE_VARIANT(fixed_file) {
	unsigned int sqe_flags;
};

FIXTURE_VARIANT_ADD(fixed_file, inline) { .sqe_flags = 0 };
FIXTURE_VARIANT_ADD(fixed_file, async) { .sqe_flags = IOSQE_ASYNC };

FIXTURE_SETUP(fixed_file)
{
	int pfd[2], fds[3];

	self->data = self->pipe_rd = self->pipe_wr = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->data = iou_scratch_file("data", 65536, 0);
	ASSERT_LE(0, self->data);
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC | O_NONBLOCK));
	self->pipe_rd = pfd[0];
	self->pipe_wr = pfd[1];
	fds[0] = self->data;
	fds[1] = -1;
	fds[2] = self->pipe_wr;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 3));
}

FIXTURE_TEARDOWN(fixed_file)
{
	iou_ring_exit(&self->r);
	if (self->data >= 0)
		close(self->data);
	if (self->pipe_rd >= 0)
		close(self->pipe_rd);
	if (self->pipe_wr >= 0)
		close(self->pipe_wr);
}

static int fixed_rw(struct iou_ring *r, int op, int index, void *buf,
		    unsigned int len, __u64 off, unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_rw(sqe, op, index, buf, len, off);
	sqe->flags = (__u8)(IOSQE_FIXED_FILE | sqe_flags);
	sqe->user_data = 0xf17e;
	return iou_run_one(r, NULL);
}

TEST_F(fixed_file, read_through_index_reaches_the_registered_file)
{
	unsigned char buf[4096];

	ASSERT_RES(4096, fixed_rw(&self->r, IORING_OP_READ, 0, buf, sizeof(buf),
				  8192, variant->sqe_flags));
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 8192));
}

TEST_F(fixed_file, write_through_index_reaches_the_registered_pipe)
{
	const char msg[] = "fixed file write";
	char back[64];

	ASSERT_RES((int)sizeof(msg), fixed_rw(&self->r, IORING_OP_WRITE, 2, (void *)msg,
					      sizeof(msg), 0, variant->sqe_flags));
	ASSERT_EQ((ssize_t)sizeof(msg), read(self->pipe_rd, back, sizeof(back)));
	ASSERT_EQ(0, memcmp(msg, back, sizeof(msg)));
}

TEST_F(fixed_file, index_keeps_working_after_the_fd_is_closed)
{
	unsigned char buf[512];

	ASSERT_EQ(0, close(self->data));
	self->data = -1;
	ASSERT_RES(512, fixed_rw(&self->r, IORING_OP_READ, 0, buf, sizeof(buf),
				 100, variant->sqe_flags));
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 100));
}

TEST_F(fixed_file, table_reference_keeps_the_file_open_until_unregister)
{
	char c;

	/* our write end is closed, but the ring still holds one */
	ASSERT_EQ(0, close(self->pipe_wr));
	self->pipe_wr = -1;
	errno = 0;
	ASSERT_EQ(-1, read(self->pipe_rd, &c, 1));
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 0));
	/* the last writer is gone: end of file */
	ASSERT_EQ(0, read(self->pipe_rd, &c, 1));
}

TEST_F(fixed_file, sparse_slot_fails_ebadf)
{
	unsigned char buf[16];

	ASSERT_RES(-EBADF, fixed_rw(&self->r, IORING_OP_READ, 1, buf, sizeof(buf), 0,
				    variant->sqe_flags));
}

TEST_F(fixed_file, index_past_the_table_fails_ebadf)
{
	unsigned char buf[16];

	ASSERT_RES(-EBADF, fixed_rw(&self->r, IORING_OP_READ, 3, buf, sizeof(buf), 0,
				    variant->sqe_flags));
	ASSERT_RES(-EBADF, fixed_rw(&self->r, IORING_OP_READ, 1 << 20, buf, sizeof(buf), 0,
				    variant->sqe_flags));
	/* sqe->fd is taken as an unsigned index: -1 is far past the end */
	ASSERT_RES(-EBADF, fixed_rw(&self->r, IORING_OP_READ, -1, buf, sizeof(buf), 0,
				    variant->sqe_flags));
}

TEST_F(fixed_file, index_is_not_the_normal_fd_number)
{
	unsigned char buf[16];

	/*
	 * The data file's normal descriptor number is open and readable,
	 * but as an index it is past this 3-slot table.
	 */
	ASSERT_LT(3, self->data);
	ASSERT_RES(-EBADF, fixed_rw(&self->r, IORING_OP_READ, self->data, buf,
				    sizeof(buf), 0, variant->sqe_flags));
	ASSERT_EQ(16, pread(self->data, buf, sizeof(buf), 0));
}

TEST_F(fixed_file, ring_without_a_table_fails_ebadf)
{
	struct iou_ring bare;
	unsigned char buf[16];

	ASSERT_EQ(0, iou_ring_init(&bare, 4, 0));
	EXPECT_RES(-EBADF, fixed_rw(&bare, IORING_OP_READ, 0, buf, sizeof(buf), 0,
				    variant->sqe_flags));
	iou_ring_exit(&bare);
}

TEST_F(fixed_file, unregistered_table_fails_ebadf)
{
	unsigned char buf[16];

	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 0));
	ASSERT_RES(-EBADF, fixed_rw(&self->r, IORING_OP_READ, 0, buf, sizeof(buf), 0,
				    variant->sqe_flags));
	/* the program's own descriptor was never affected */
	ASSERT_EQ(16, pread(self->data, buf, sizeof(buf), 0));
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 0));
}

TEST_HARNESS_MAIN
