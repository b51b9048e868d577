// SPDX-License-Identifier: GPL-2.0
/*
 * On a pipe or socket a READ that finds no data waits for it and
 * completes when it comes, a WRITE into a full pipe waits for room, a
 * READ after the last writer left completes with 0 and a WRITE with no
 * reader left with -EPIPE, as read(2) and write(2) on blocking
 * descriptors do.
 *
 * On an O_NONBLOCK pipe or socket read(2) gives EAGAIN at once; the
 * opcode waits instead, by design: io_uring retries a file that supports
 * non-blocking attempts through poll (io_rw_init_file(): "Otherwise it's
 * impossible to use O_NONBLOCK files reliably"), so only RWF_NOWAIT
 * makes it give up.
 */
#include "iou.h"

#define UD_IO		0x9199000000000001ULL

FIXTURE(wait) {
	struct iou_ring r;
	int rd, wr;
};

FIXTURE_VARIANT(wait) {
	bool socket;
	bool nonblock;
};

FIXTURE_VARIANT_ADD(wait, pipe) { .socket = false };
FIXTURE_VARIANT_ADD(wait, nonblocking_pipe) { .socket = false, .nonblock = true };
FIXTURE_VARIANT_ADD(wait, socket) { .socket = true };
FIXTURE_VARIANT_ADD(wait, nonblocking_socket) { .socket = true, .nonblock = true };

FIXTURE_SETUP(wait)
{
	int p[2], fl = O_CLOEXEC | (variant->nonblock ? O_NONBLOCK : 0);

	self->rd = self->wr = -1;
	REQUIRE_OPCODE(IORING_OP_READ);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	if (variant->socket) {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
					(variant->nonblock ? SOCK_NONBLOCK : 0), 0, p));
	} else {
		ASSERT_EQ(0, pipe2(p, fl));
	}
	self->rd = p[0];
	self->wr = p[1];
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(wait)
{
	iou_ring_exit(&self->r);
	if (self->rd >= 0)
		close(self->rd);
	if (self->wr >= 0)
		close(self->wr);
}

static void queue(struct iou_ring *r, int op, int fd, void *buf, unsigned int len)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_rw(sqe, op, fd, buf, len, (__u64)-1);
	sqe->user_data = UD_IO;
}

TEST_F(wait, read_waits_for_data_then_completes)
{
	char buf[64];

	if (variant->nonblock) {
		/* the twin does not wait */
		ASSERT_SYSERR(EAGAIN, read(self->rd, buf, sizeof(buf)));
	}
	queue(&self->r, IORING_OP_READ, self->rd, buf, sizeof(buf));
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(5, write(self->wr, "later", 5));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_IO, 5));
	ASSERT_EQ(0, memcmp(buf, "later", 5));
}

TEST_F(wait, readv_waits_for_data_then_completes)
{
	char a[2], b[8];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	queue(&self->r, IORING_OP_READV, self->rd, iov, 2);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(6, write(self->wr, "vector", 6));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_IO, 6));
	ASSERT_EQ(0, memcmp(a, "ve", 2));
	ASSERT_EQ(0, memcmp(b, "ctor", 4));
}

TEST_F(wait, read_after_last_writer_left_is_end_of_file)
{
	char buf[8];

	close(self->wr);
	self->wr = -1;
	ASSERT_EQ(0, read(self->rd, buf, sizeof(buf)));
	queue(&self->r, IORING_OP_READ, self->rd, buf, sizeof(buf));
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_IO, 0));
}

TEST_F(wait, write_without_reader_is_epipe)
{
	close(self->rd);
	self->rd = -1;
	/* SIGPIPE is ignored: the twin's errno is what is left */
	ASSERT_SYSERR(EPIPE, write(self->wr, "x", 1));
	queue(&self->r, IORING_OP_WRITE, self->wr, "x", 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_IO, -EPIPE));
}

TEST_F(wait, write_into_full_pipe_waits_for_room)
{
	static char fill[1 << 16], drain[1 << 16];
	int fl = fcntl(self->wr, F_GETFL);
	ssize_t queued = 0, n;

	if (variant->socket)
		SKIP(return, "a socket's buffer size is not fixed: pipes only");
	/* fill the pipe without blocking, then ask the ring for one more byte */
	ASSERT_EQ(0, fcntl(self->wr, F_SETFL, fl | O_NONBLOCK));
	while ((n = write(self->wr, fill, sizeof(fill))) > 0)
		queued += n;
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(self->wr, F_SETFL, fl));
	queue(&self->r, IORING_OP_WRITE, self->wr, "z", 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* a whole page of room wakes the writer */
	ASSERT_LT(4095, read(self->rd, drain, sizeof(drain)));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_IO, 1));
	ASSERT_LT(0, queued);
}

TEST_HARNESS_MAIN
