// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_RECVSEND_POLL_FIRST (5.19, sqe->ioprio) on SEND, RECV, SENDMSG
 * and RECVMSG: the request does not try the transfer before poll says
 * the socket is ready.  With nothing to receive (a full send buffer) it
 * waits and completes when data (room) comes; on a ready socket it
 * completes at once.  Proof
 * that no first try is made: with MSG_DONTWAIT as well the request ends
 * with -EAGAIN although the socket is ready (a poll-first request that
 * may not wait cannot poll), and the data stays queued; without
 * POLL_FIRST the same request transfers.
 *
 * Also here, the ring's answer to O_NONBLOCK: a RECV on a non-blocking
 * socket with nothing queued waits for data like on a blocking one
 * (recv(2) fails with EAGAIN); MSG_DONTWAIT is how to ask for EAGAIN.
 * And ioprio bits these opcodes do not know are EINVAL.
 */
#include <poll.h>

#include "iou.h"
#include "iou_net.h"

#define UD	0xf125700000000001ULL

FIXTURE(poll_first) {
	struct iou_ring r;
	int fds[2];
	unsigned char buf[64];
	struct iovec iov;
	struct msghdr msg;
};

FIXTURE_VARIANT(poll_first) {
	int opcode;
};

FIXTURE_VARIANT_ADD(poll_first, recv) { .opcode = IORING_OP_RECV };
FIXTURE_VARIANT_ADD(poll_first, recvmsg) { .opcode = IORING_OP_RECVMSG };
FIXTURE_VARIANT_ADD(poll_first, send) { .opcode = IORING_OP_SEND };
FIXTURE_VARIANT_ADD(poll_first, sendmsg) { .opcode = IORING_OP_SENDMSG };

/*
 * POLL_FIRST is known since 5.19 (for the four opcodes at once): before,
 * any ioprio bit was EINVAL.  A send that polls first completes: the
 * socket is writable.
 */
static enum iou_have have_poll_first(char *why, size_t len)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	int fds[2], res;

	if (iou_ring_init(&r, 2, 0) || iou_sock_pair(IOU_UNIX_DGRAM, fds)) {
		snprintf(why, len, "probing IORING_RECVSEND_POLL_FIRST: setting up failed");
		return IOU_BROKEN;
	}
	sqe = iou_get_sqe(&r);
	iou_prep_send(sqe, fds[0], "p", 1, 0);
	sqe->ioprio = IORING_RECVSEND_POLL_FIRST;
	res = iou_run_one(&r, NULL);
	iou_close_pair(fds);
	iou_ring_exit(&r);
	return iou_have_by_result(res, 1, IOU_V(5, 19), "IORING_RECVSEND_POLL_FIRST", why, len);
}

FIXTURE_SETUP(poll_first)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_OPCODE(variant->opcode);
	IOU_REQUIRE(have_poll_first(__why, sizeof(__why)));
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_UNIX_STREAM, self->fds));
	self->iov = (struct iovec){ self->buf, sizeof(self->buf) };
	memset(&self->msg, 0, sizeof(self->msg));
	self->msg.msg_iov = &self->iov;
	self->msg.msg_iovlen = 1;
}

FIXTURE_TEARDOWN(poll_first)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

static bool sending(int op)
{
	return op == IORING_OP_SEND || op == IORING_OP_SENDMSG;
}

/* queue the variant's transfer of 10 bytes on fds[0] */
static void queue_transfer(FIXTURE_DATA(poll_first) *self, int op, unsigned int ioprio, int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	self->iov.iov_len = 10;
	memcpy(self->buf, "0123456789", 10);
	switch (op) {
	case IORING_OP_RECV:
		iou_prep_recv(sqe, self->fds[0], self->buf, 10, flags);
		break;
	case IORING_OP_RECVMSG:
		iou_prep_recvmsg(sqe, self->fds[0], &self->msg, flags);
		break;
	case IORING_OP_SEND:
		iou_prep_send(sqe, self->fds[0], self->buf, 10, flags);
		break;
	default:
		iou_prep_sendmsg(sqe, self->fds[0], &self->msg, flags);
		break;
	}
	sqe->ioprio = (__u16)ioprio;
	sqe->user_data = UD;
}

/* a receive finds nothing queued; a send finds the send buffer full */
static void make_unready(struct __test_metadata *_metadata, FIXTURE_DATA(poll_first) *self, int op)
{
	if (sending(op))
		ASSERT_LT(0, iou_sock_fill(self->fds[0]));
}

/* data to receive; room to send */
static void make_ready(struct __test_metadata *_metadata, FIXTURE_DATA(poll_first) *self, int op)
{
	if (!sending(op)) {
		ASSERT_EQ(10, send(self->fds[1], "abcdefghij", 10, 0));
	} else {
		iou_sock_collect(self->fds[1], 0, 0, 0);
	}
}

static int one_cqe(struct __test_metadata *_metadata, struct iou_ring *r)
{
	struct iou_cqe c;

	ASSERT_EQ(1, iou_reap(r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_EQ(0, c.flags);
	return c.res;
}

TEST_F(poll_first, ready_socket_completes)
{
	make_ready(_metadata, self, variant->opcode);
	queue_transfer(self, variant->opcode, IORING_RECVSEND_POLL_FIRST, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(10, one_cqe(_metadata, &self->r));
	if (sending(variant->opcode)) {
		ASSERT_EQ(10, recv(self->fds[1], self->buf, 10, MSG_DONTWAIT));
	} else {
		ASSERT_EQ(0, memcmp(self->buf, "abcdefghij", 10));
	}
}

TEST_F(poll_first, with_dontwait_it_never_tries)
{
	make_ready(_metadata, self, variant->opcode);
	queue_transfer(self, variant->opcode, IORING_RECVSEND_POLL_FIRST, MSG_DONTWAIT);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(-EAGAIN, one_cqe(_metadata, &self->r));
	/* nothing moved */
	if (sending(variant->opcode)) {
		ASSERT_TRUE(iou_fd_empty(self->fds[1]));
	} else {
		ASSERT_EQ(10, iou_sock_queued(self->fds[0], SIOCINQ));
		ASSERT_EQ(0, memcmp(self->buf, "0123456789", 10));
	}
	/* the same request without POLL_FIRST transfers */
	queue_transfer(self, variant->opcode, 0, MSG_DONTWAIT);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(10, one_cqe(_metadata, &self->r));
}

TEST_F(poll_first, waits_until_the_socket_is_ready)
{
	make_unready(_metadata, self, variant->opcode);
	queue_transfer(self, variant->opcode, IORING_RECVSEND_POLL_FIRST, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	make_ready(_metadata, self, variant->opcode);
	ASSERT_RES(10, one_cqe(_metadata, &self->r));
	if (!sending(variant->opcode))
		ASSERT_EQ(0, memcmp(self->buf, "abcdefghij", 10));
}

TEST_F(poll_first, unknown_ioprio_bit_is_einval)
{
	/* bit 7 is no flag of these opcodes on any kernel */
	queue_transfer(self, variant->opcode, 1U << 7, MSG_DONTWAIT);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(-EINVAL, one_cqe(_metadata, &self->r));
}

/* ---- O_NONBLOCK ------------------------------------------------------- */

TEST(nonblocking_socket_recv_waits_for_data)
{
	unsigned char buf[8];
	struct iou_ring r;
	int fds[2];

	REQUIRE_OPCODE(IORING_OP_RECV);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds));
	ASSERT_SYSERR(EAGAIN, recv(fds[0], buf, sizeof(buf), 0));
	iou_prep_recv(iou_get_sqe(&r), fds[0], buf, sizeof(buf), 0);
	r.sqes[(r.sqe_tail - 1) & r.sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(&r));
	ASSERT_NO_CQE(&r, IOU_QUIET_MS);
	ASSERT_EQ(3, send(fds[1], "abc", 3, 0));
	ASSERT_RES(3, one_cqe(_metadata, &r));
	/* MSG_DONTWAIT is the way to a failure */
	iou_prep_recv(iou_get_sqe(&r), fds[0], buf, sizeof(buf), MSG_DONTWAIT);
	r.sqes[(r.sqe_tail - 1) & r.sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(&r));
	ASSERT_RES(-EAGAIN, one_cqe(_metadata, &r));
	iou_close_pair(fds);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
