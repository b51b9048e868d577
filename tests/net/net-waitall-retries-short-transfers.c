// SPDX-License-Identifier: GPL-2.0
/*
 * MSG_WAITALL and short transfers, the ring's rules (io_net_retry()):
 *  - a RECV or RECVMSG with MSG_WAITALL on a stream that got part of what
 *    it asked for keeps waiting and completes once with everything, in
 *    order; at the end of the stream it completes with what it got (as
 *    recv(2) does);
 *  - on a datagram socket MSG_WAITALL changes nothing: one datagram;
 *  - on an AF_UNIX seqpacket socket the ring retries too (SOCK_SEQPACKET
 *    counts as a stream there): records are gathered until the buffer is
 *    full, where recv(2) returns one record;
 *  - a RECVMSG with room for control data is not retried: it completes
 *    with the first part;
 *  - a SEND that the socket takes only in part completes with that part,
 *    where send(2) on a blocking socket would wait for room; with
 *    MSG_WAITALL it waits and completes once with the full count;
 *  - a WAITALL RECV into a ring-provided buffer that is retried keeps its
 *    buffer: a receive on another socket from the same group gets the
 *    next buffer, and the first completes with all its bytes in its own
 *    buffer (41b70df5b38b "io_uring/net: commit partial buffers on
 *    retry"; shown to fail on Debian 6.12.43 per the regression catalog).
 */
#include <poll.h>

#include "iou.h"
#include "iou_net.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("41b70df5b38b", "CVE-2025-38730", "*provided_buffer*",
					"io_uring/net: commit partial buffers on retry")));
/*
 * Proven with make vm-test (Debian kernels): 6.12.43 fails
 * retried_recv_keeps_its_provided_buffer (tcp, unix_stream), 6.18.5 passes.
 */

#define UD	0x3a11000000000001ULL

FIXTURE(waitall) {
	struct iou_ring r;
	int fds[2];
};

FIXTURE_VARIANT(waitall) {
	enum iou_sock_kind kind;
};

FIXTURE_VARIANT_ADD(waitall, tcp) { .kind = IOU_TCP };
FIXTURE_VARIANT_ADD(waitall, unix_stream) { .kind = IOU_UNIX_STREAM };

FIXTURE_SETUP(waitall)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_OPCODE(IORING_OP_RECV);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, iou_sock_pair(variant->kind, self->fds));
}

FIXTURE_TEARDOWN(waitall)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

static unsigned char pattern[1 << 20];

static void send_part(struct __test_metadata *_metadata, int fd, size_t off, size_t len)
{
	iou_fill_pattern(pattern, sizeof(pattern), 0);
	ASSERT_EQ((ssize_t)len, send(fd, pattern + off, len, 0));
}

static void submit(struct __test_metadata *_metadata, struct iou_ring *r)
{
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(r));
}

TEST_F(waitall, recv_gathers_until_full)
{
	unsigned char buf[100];

	memset(buf, 0, sizeof(buf));
	iou_prep_recv(iou_get_sqe(&self->r), self->fds[0], buf, 100, MSG_WAITALL);
	submit(_metadata, &self->r);
	send_part(_metadata, self->fds[1], 0, 40);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	send_part(_metadata, self->fds[1], 40, 60);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, 100));
	ASSERT_TRUE(iou_check_pattern(buf, 100, 0));
}

TEST_F(waitall, recv_at_end_of_stream_returns_what_it_got)
{
	unsigned char buf[100];
	struct iou_cqe c;

	iou_prep_recv(iou_get_sqe(&self->r), self->fds[0], buf, 100, MSG_WAITALL);
	submit(_metadata, &self->r);
	send_part(_metadata, self->fds[1], 0, 40);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(0, shutdown(self->fds[1], SHUT_WR));
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_RES(40, c.res);
	/* TCP reports the FIN as something left to read */
	ASSERT_EQ(variant->kind == IOU_TCP ? IORING_CQE_F_SOCK_NONEMPTY : 0, c.flags);
	ASSERT_TRUE(iou_check_pattern(buf, 40, 0));
	/* recv(2) with MSG_WAITALL at the end of the stream: the same */
	ASSERT_EQ(0, recv(self->fds[0], buf, 100, MSG_WAITALL));
}

TEST_F(waitall, recvmsg_gathers_until_full)
{
	unsigned char a[30], b[70];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };

	REQUIRE_OPCODE(IORING_OP_RECVMSG);
	iou_prep_recvmsg(iou_get_sqe(&self->r), self->fds[0], &m, MSG_WAITALL);
	submit(_metadata, &self->r);
	send_part(_metadata, self->fds[1], 0, 50);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	send_part(_metadata, self->fds[1], 50, 50);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, 100));
	ASSERT_TRUE(iou_check_pattern(a, 30, 0));
	ASSERT_TRUE(iou_check_pattern(b, 70, 30));
}

TEST_F(waitall, recvmsg_with_control_room_is_not_retried)
{
	unsigned char buf[100];
	union {
		struct cmsghdr align;
		char b[64];
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl) };
	struct iou_cqe c;

	REQUIRE_OPCODE(IORING_OP_RECVMSG);
	send_part(_metadata, self->fds[1], 0, 40);
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = self->fds[0], .events = POLLIN }, 1,
			  (int)IOU_WAIT_MS));
	iou_prep_recvmsg(iou_get_sqe(&self->r), self->fds[0], &m, MSG_WAITALL);
	submit(_metadata, &self->r);
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_RES(40, c.res);
	ASSERT_EQ(0, c.flags);
	ASSERT_EQ(0, m.msg_controllen);
	ASSERT_TRUE(iou_check_pattern(buf, 40, 0));
}

/*
 * A blocking socket whose peer does not read: send(2) of more than fits
 * would wait; SEND completes with what the socket took.
 */
static void shrink_buffers(struct __test_metadata *_metadata, int fds[2])
{
	int small = 4096;

	ASSERT_EQ(0, setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)));
	ASSERT_EQ(0, setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
}

/*
 * Read from fd until skip + n bytes came (bounded): skip bytes of filler,
 * then n bytes of the pattern.
 */
static void drain_exactly(struct __test_metadata *_metadata, int fd, size_t skip, size_t n)
{
	static unsigned char buf[2 << 20];
	size_t got = 0;
	uint64_t start = iou_now_ns();

	ASSERT_GE(sizeof(buf), skip + n);
	while (got < skip + n && iou_ms_since(start) < IOU_WAIT_MS) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;

		poll(&pfd, 1, 10);
		r = recv(fd, buf + got, skip + n - got, MSG_DONTWAIT);
		if (r > 0)
			got += (size_t)r;
	}
	ASSERT_EQ(skip + n, got);
	ASSERT_TRUE(iou_check_pattern(buf + skip, n, 0));
}

TEST_F(waitall, short_send_completes_with_what_was_taken)
{
	struct iou_cqe c;

	REQUIRE_OPCODE(IORING_OP_SEND);
	shrink_buffers(_metadata, self->fds);
	iou_fill_pattern(pattern, sizeof(pattern), 0);
	iou_prep_send(iou_get_sqe(&self->r), self->fds[0], pattern, sizeof(pattern), 0);
	submit(_metadata, &self->r);
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_LT(0, c.res);
	ASSERT_GT((int)sizeof(pattern), c.res);
	drain_exactly(_metadata, self->fds[1], 0, (size_t)c.res);
}

TEST_F(waitall, waitall_send_completes_once_with_everything)
{
	size_t total = 16 * 1024, filled;
	int big = 1 << 20;
	struct iou_cqe c;

	REQUIRE_OPCODE(IORING_OP_SEND);
	shrink_buffers(_metadata, self->fds);
	filled = iou_sock_fill(self->fds[0]);
	ASSERT_LT(0, filled);
	iou_fill_pattern(pattern, sizeof(pattern), 0);
	iou_prep_send(iou_get_sqe(&self->r), self->fds[0], pattern, total, MSG_WAITALL);
	submit(_metadata, &self->r);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* the peer makes room and reads; the send goes on where it stopped */
	ASSERT_EQ(0, setsockopt(self->fds[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)));
	ASSERT_EQ(0, setsockopt(self->fds[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)));
	drain_exactly(_metadata, self->fds[1], filled, total);
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_RES((int)total, c.res);
	ASSERT_EQ(0, c.flags);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(waitall, retried_recv_keeps_its_provided_buffer)
{
	struct iou_pbuf_ring pb;
	static unsigned char bufs[2][128];
	struct io_uring_sqe *sqe;
	struct iou_cqe c;
	int other[2];

	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 2, 7, 0));
	for (unsigned int i = 0; i < 2; i++)
		iou_pbuf_add(&pb, bufs[i], 100, i, i);
	iou_pbuf_advance(&pb, 2);
	ASSERT_EQ(0, iou_sock_pair(variant->kind, other));

	sqe = iou_get_sqe(&self->r);
	iou_prep_recv(sqe, self->fds[0], NULL, 100, MSG_WAITALL);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = 7;
	submit(_metadata, &self->r);
	send_part(_metadata, self->fds[1], 0, 40);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	/* another socket, same group: it must not get the retried one's buffer */
	memset(pattern, 0x77, 50);
	ASSERT_EQ(50, send(other[1], pattern, 50, 0));
	sqe = iou_get_sqe(&self->r);
	iou_prep_recv(sqe, other[0], NULL, 100, 0);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = 7;
	sqe->user_data = UD + 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD + 1, c.user_data);
	ASSERT_RES(50, c.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(1, 0), c.flags);

	send_part(_metadata, self->fds[1], 40, 60);
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_RES(100, c.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(0, 0), c.flags);
	ASSERT_TRUE(iou_check_pattern(bufs[0], 100, 0));
	iou_close_pair(other);
	iou_pbuf_ring_free(&self->r, &pb);
}

/* ---- datagrams and records ------------------------------------------------ */

TEST(udp_waitall_returns_one_datagram)
{
	unsigned char buf[100];
	struct iou_ring r;
	int fds[2];

	REQUIRE_OPCODE(IORING_OP_RECV);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_UDP, fds));
	iou_prep_recv(iou_get_sqe(&r), fds[0], buf, 100, MSG_WAITALL);
	r.sqes[(r.sqe_tail - 1) & r.sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(&r));
	send_part(_metadata, fds[1], 0, 40);
	IOU_EXPECT_CQES(&r, IOU_CQE(UD, 40));
	ASSERT_TRUE(iou_check_pattern(buf, 40, 0));
	iou_close_pair(fds);
	iou_ring_exit(&r);
}

TEST(seqpacket_waitall_gathers_records)
{
	unsigned char buf[100];
	struct iou_ring r;
	int fds[2];

	REQUIRE_OPCODE(IORING_OP_RECV);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_UNIX_SEQPACKET, fds));
	/* the system call returns one record */
	send_part(_metadata, fds[1], 0, 40);
	ASSERT_EQ(40, recv(fds[0], buf, 100, MSG_WAITALL));
	/* the opcode waits for more records until its buffer is full */
	iou_prep_recv(iou_get_sqe(&r), fds[0], buf, 100, MSG_WAITALL);
	r.sqes[(r.sqe_tail - 1) & r.sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(&r));
	send_part(_metadata, fds[1], 0, 40);
	ASSERT_NO_CQE(&r, IOU_QUIET_MS);
	send_part(_metadata, fds[1], 40, 60);
	IOU_EXPECT_CQES(&r, IOU_CQE(UD, 100));
	ASSERT_TRUE(iou_check_pattern(buf, 100, 0));
	iou_close_pair(fds);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
