// SPDX-License-Identifier: GPL-2.0
/*
 * For read and write opcodes io_uring counts any result other than the
 * full length asked for as a failure of the link chain: a short read of a
 * file (also at EOF, res 0), a short readv, a short read of a pipe and a
 * write cut short by RLIMIT_FSIZE each complete with the byte count they
 * transferred and the next member completes with -ECANCELED.  Exactly
 * the length asked for (including a zero-length read) keeps the chain.
 * A recv without MSG_WAITALL is different: fewer bytes than the buffer is
 * its normal success, so the chain goes on.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "iou.h"

#define FSIZE 100

FIXTURE(short_io) {
	struct iou_ring r;
	int fd;
};

FIXTURE_SETUP(short_io)
{
	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->fd = iou_scratch_file("small", FSIZE, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(short_io)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static void queue_read_then_nop(struct iou_ring *r, int fd, void *buf,
				unsigned int len, __u64 off)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_read(sqe, fd, buf, len, off);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(r), 2);
}

TEST_F(short_io, short_file_read_cancels_next)
{
	char buf[4096];

	queue_read_then_nop(&self->r, self->fd, buf, sizeof(buf), 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, FSIZE), IOU_CQE(2, -ECANCELED));
	ASSERT_TRUE(iou_check_pattern(buf, FSIZE, 0));
}

TEST_F(short_io, full_length_file_read_keeps_chain)
{
	char buf[FSIZE];

	queue_read_then_nop(&self->r, self->fd, buf, sizeof(buf), 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, FSIZE), IOU_CQE(2, 0));
}

TEST_F(short_io, read_at_eof_returns_zero_and_cancels_next)
{
	char buf[64];

	queue_read_then_nop(&self->r, self->fd, buf, sizeof(buf), FSIZE);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, -ECANCELED));
}

TEST_F(short_io, zero_length_read_is_complete_and_keeps_chain)
{
	char buf[1];

	queue_read_then_nop(&self->r, self->fd, buf, 0, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0));
}

TEST_F(short_io, short_readv_cancels_next)
{
	char a[60], b[60];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_readv(sqe, self->fd, iov, 2, 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, FSIZE), IOU_CQE(2, -ECANCELED));
}

TEST_F(short_io, short_pipe_read_cancels_next)
{
	char buf[16];
	int p[2];

	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	ASSERT_EQ(3, write(p[1], "abc", 3));
	queue_read_then_nop(&self->r, p[0], buf, sizeof(buf), 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 3), IOU_CQE(2, -ECANCELED));
	close(p[0]);
	close(p[1]);
}

TEST_F(short_io, full_pipe_read_keeps_chain)
{
	char buf[3];
	int p[2];

	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	ASSERT_EQ(3, write(p[1], "abc", 3));
	queue_read_then_nop(&self->r, p[0], buf, sizeof(buf), 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 3), IOU_CQE(2, 0));
	close(p[0]);
	close(p[1]);
}

/*
 * A write crossing RLIMIT_FSIZE is cut at the limit (no signal while the
 * start is below it).  The limit is lowered only in this case's own
 * process, which the harness forked for it.
 */
TEST_F(short_io, write_cut_short_by_fsize_limit_cancels_next)
{
	struct rlimit lim = { .rlim_cur = 4096, .rlim_max = 4096 };
	char buf[8192];
	struct io_uring_sqe *sqe;
	struct stat st;
	int fd;

	fd = iou_scratch_file("grow", 0, 0);
	ASSERT_LE(0, fd);
	signal(SIGXFSZ, SIG_IGN);
	ASSERT_SYSOK(setrlimit(RLIMIT_FSIZE, &lim));
	memset(buf, 'w', sizeof(buf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, fd, buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4096), IOU_CQE(2, -ECANCELED));
	ASSERT_SYSOK(fstat(fd, &st));
	ASSERT_EQ(4096, st.st_size);
	close(fd);
}

TEST_F(short_io, write_below_fsize_limit_keeps_chain)
{
	struct rlimit lim = { .rlim_cur = 4096, .rlim_max = 4096 };
	char buf[4096];
	struct io_uring_sqe *sqe;
	int fd;

	fd = iou_scratch_file("fits", 0, 0);
	ASSERT_LE(0, fd);
	signal(SIGXFSZ, SIG_IGN);
	ASSERT_SYSOK(setrlimit(RLIMIT_FSIZE, &lim));
	memset(buf, 'w', sizeof(buf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, fd, buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4096), IOU_CQE(2, 0));
	close(fd);
}

TEST_F(short_io, short_recv_without_waitall_keeps_chain)
{
	char buf[16];
	struct io_uring_sqe *sqe;
	int sv[2];

	REQUIRE_OPCODE(IORING_OP_RECV);
	ASSERT_SYSOK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(3, send(sv[1], "xyz", 3, 0));
	sqe = iou_get_sqe(&self->r);
	iou_prep_recv(sqe, sv[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 3), IOU_CQE(2, 0));
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
