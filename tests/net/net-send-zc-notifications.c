// SPDX-License-Identifier: GPL-2.0
/*
 * Zero-copy sends, IORING_OP_SEND_ZC (6.0) and IORING_OP_SENDMSG_ZC
 * (6.1): a request that was issued posts two CQEs with its user_data:
 * the result (the bytes sent, or -errno) with IORING_CQE_F_MORE, then,
 * once the kernel no longer needs the buffer, the notification (res 0,
 * IORING_CQE_F_NOTIF).  Each notification comes exactly once:
 *  - for sends the peer took (TCP, UDP over loopback), a zero-length
 *    send, a send from a registered buffer (IORING_RECVSEND_FIXED_BUF);
 *  - for sends still queued when the connection dies: the peer closing
 *    (a reset) or the socket closed with a zero linger purge the queue
 *    and every pending notification arrives, none twice;
 *  - with IORING_SEND_ZC_REPORT_USAGE (6.2) the notification's res says
 *    IORING_NOTIF_USAGE_ZC_COPIED: over loopback the data is copied;
 *  - since 7.1 ("io_uring/zctx: separate notification user_data") a
 *    non-zero sqe->addr3 is the notification's user_data.
 * Errors follow the contract the man page gives: F_MORE on the result
 * if and only if a notification follows.  An unknown flag, a bad buffer
 * index and a socket that cannot send zero-copy (AF_UNIX: EOPNOTSUPP)
 * fail with their errno; which of them already had a notification
 * allocated (and so carry F_MORE) depends on the release.
 * IOSQE_CQE_SKIP_SUCCESS is EINVAL, before any notification.
 */
#include <sys/uio.h>

#include "iou.h"
#include "iou_net.h"
#include "iou_rsrc.h"

#define UD	0x2c00000000000001ULL
#define NOTIF	IORING_CQE_F_NOTIF
#define MORE	IORING_CQE_F_MORE

FIXTURE(send_zc) {
	struct iou_ring r;
	int fds[2];
	struct iovec iov;
	struct msghdr msg;
};

FIXTURE_VARIANT(send_zc) {
	int opcode;
};

FIXTURE_VARIANT_ADD(send_zc, send_zc) { .opcode = IORING_OP_SEND_ZC };
FIXTURE_VARIANT_ADD(send_zc, sendmsg_zc) { .opcode = IORING_OP_SENDMSG_ZC };

FIXTURE_SETUP(send_zc)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_OPCODE(variant->opcode);
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
}

FIXTURE_TEARDOWN(send_zc)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

static unsigned char data[1 << 16];

/* queue the variant's zero-copy send of len bytes of data from off */
static struct io_uring_sqe *queue_zc(FIXTURE_DATA(send_zc) *self, int op, size_t off, size_t len,
				     __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_fill_pattern(data, sizeof(data), 0);
	if (op == IORING_OP_SEND_ZC) {
		iou_prep_send_zc(sqe, self->fds[0], data + off, len, 0, 0);
	} else {
		self->iov = (struct iovec){ data + off, len };
		memset(&self->msg, 0, sizeof(self->msg));
		self->msg.msg_iov = &self->iov;
		self->msg.msg_iovlen = 1;
		iou_prep_sendmsg_zc(sqe, self->fds[0], &self->msg, 0);
	}
	sqe->user_data = ud;
	return sqe;
}

/* the result (res, F_MORE), then its notification (notif_res, F_NOTIF) */
static void expect_sent(struct __test_metadata *_metadata, struct iou_ring *r, __u64 ud,
			int res, int notif_res)
{
	IOU_EXPECT_CQES(r, IOU_CQE_F(ud, res, MORE), IOU_CQE_F(ud, notif_res, NOTIF));
}

/* a failed request: err, and a notification if and only if F_MORE */
static void expect_failed(struct __test_metadata *_metadata, struct iou_ring *r, __u64 ud,
			  int err)
{
	struct iou_cqe c;

	ASSERT_EQ(1, iou_reap(r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, c.user_data);
	ASSERT_RES(err, c.res);
	if (c.flags != 0 && c.flags != MORE)
		TH_LOG("flags 0x%x: neither 0 nor F_MORE", c.flags);
	ASSERT_EQ(0, c.flags & ~MORE);
	if (c.flags & MORE)
		IOU_EXPECT_CQES(r, IOU_CQE_F(ud, 0, NOTIF));
	ASSERT_NO_CQE(r, IOU_QUIET_MS);
}

static void peer_gets(struct __test_metadata *_metadata, int fd, size_t off, size_t len)
{
	struct iou_sock_rx rx = iou_sock_collect(fd, (long long)len, 0, IOU_WAIT_MS);

	ASSERT_EQ((long long)len, rx.bytes);
	ASSERT_EQ(iou_hash_update(IOU_HASH_INIT, data + off, len), rx.hash);
}

TEST_F(send_zc, tcp_result_then_notification)
{
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
	queue_zc(self, variant->opcode, 0, 1000, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_sent(_metadata, &self->r, UD, 1000, 0);
	peer_gets(_metadata, self->fds[1], 0, 1000);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(send_zc, udp_result_then_notification)
{
	ASSERT_EQ(0, iou_sock_pair(IOU_UDP, self->fds));
	queue_zc(self, variant->opcode, 10, 500, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_sent(_metadata, &self->r, UD, 500, 0);
	peer_gets(_metadata, self->fds[1], 10, 500);
}

TEST_F(send_zc, zero_length_still_notifies)
{
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
	queue_zc(self, variant->opcode, 0, 0, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_sent(_metadata, &self->r, UD, 0, 0);
}

/* IORING_SEND_ZC_REPORT_USAGE is known since 6.2: before, EINVAL */
static enum iou_have have_report_usage(char *why, size_t len)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	int fds[2], res;

	if (iou_ring_init(&r, 4, 0) || iou_sock_pair(IOU_UDP, fds)) {
		snprintf(why, len, "probing IORING_SEND_ZC_REPORT_USAGE: setting up failed");
		return IOU_BROKEN;
	}
	sqe = iou_get_sqe(&r);
	iou_prep_send_zc(sqe, fds[0], "p", 1, 0, IORING_SEND_ZC_REPORT_USAGE);
	res = iou_run_one(&r, NULL);
	iou_close_pair(fds);
	iou_ring_exit(&r);
	return iou_have_by_result(res, 1, IOU_V(6, 2), "IORING_SEND_ZC_REPORT_USAGE", why, len);
}

TEST_F(send_zc, loopback_reports_the_data_copied)
{
	struct io_uring_sqe *sqe;

	IOU_REQUIRE(have_report_usage(__why, sizeof(__why)));
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
	sqe = queue_zc(self, variant->opcode, 0, 2000, UD);
	sqe->ioprio = IORING_SEND_ZC_REPORT_USAGE;
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_sent(_metadata, &self->r, UD, 2000, (int)IORING_NOTIF_USAGE_ZC_COPIED);
	peer_gets(_metadata, self->fds[1], 0, 2000);
}

TEST_F(send_zc, unknown_flag_is_einval)
{
	ASSERT_EQ(0, iou_sock_pair(IOU_UDP, self->fds));
	queue_zc(self, variant->opcode, 0, 10, UD)->ioprio = 1U << 7;
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_failed(_metadata, &self->r, UD, -EINVAL);
	ASSERT_TRUE(iou_fd_empty(self->fds[1]));
}

TEST_F(send_zc, cqe_skip_success_is_einval_without_notification)
{
	ASSERT_EQ(0, iou_sock_pair(IOU_UDP, self->fds));
	queue_zc(self, variant->opcode, 0, 10, UD)->flags = IOSQE_CQE_SKIP_SUCCESS;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(send_zc, af_unix_cannot_send_zero_copy)
{
	ASSERT_EQ(0, iou_sock_pair(IOU_UNIX_STREAM, self->fds));
	queue_zc(self, variant->opcode, 0, 10, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_failed(_metadata, &self->r, UD, -EOPNOTSUPP);
	ASSERT_TRUE(iou_fd_empty(self->fds[1]));
}

/*
 * The peer reads nothing and its window is full of ordinary data queued
 * ahead; the sender's buffer is large: the zero-copy sends complete, their
 * data waits in the sender's queue holding the buffers, no notification
 * comes.  Then the connection dies.
 */
static void sends_stuck_in_the_queue(struct __test_metadata *_metadata,
				     FIXTURE_DATA(send_zc) *self, int op)
{
	static unsigned char junk[128 * 1024];
	int small = 2048, big = 4 << 20;

	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
	ASSERT_EQ(0, setsockopt(self->fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	ASSERT_EQ(0, setsockopt(self->fds[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)));
	/* ordinary data ahead of them fills the peer's window */
	ASSERT_EQ((ssize_t)sizeof(junk), send(self->fds[0], junk, sizeof(junk), MSG_DONTWAIT));
	for (int i = 0; i < 3; i++)
		queue_zc(self, op, 0, 16384, UD + (__u64)i * 0x100000000ULL);
	ASSERT_EQ(3, iou_submit(&self->r));
	for (int i = 0; i < 3; i++)
		IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD + (__u64)i * 0x100000000ULL, 16384, MORE));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

static void expect_three_notifications(struct __test_metadata *_metadata, struct iou_ring *r)
{
	unsigned int pos[3];

	IOU_EXPECT_CQE_SET(r, pos, IOU_CQE_F(UD, 0, NOTIF),
			   IOU_CQE_F(UD + 0x100000000ULL, 0, NOTIF),
			   IOU_CQE_F(UD + 0x200000000ULL, 0, NOTIF));
	ASSERT_NO_CQE(r, IOU_QUIET_MS);
}

TEST_F(send_zc, peer_closing_mid_flight_delivers_each_notification_once)
{
	sends_stuck_in_the_queue(_metadata, self, variant->opcode);
	/* unread data: the peer's close resets the connection */
	close(self->fds[1]);
	self->fds[1] = -1;
	expect_three_notifications(_metadata, &self->r);
}

TEST_F(send_zc, closing_with_zero_linger_delivers_each_notification_once)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	sends_stuck_in_the_queue(_metadata, self, variant->opcode);
	ASSERT_EQ(0, setsockopt(self->fds[0], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(self->fds[0]);
	self->fds[0] = -1;
	expect_three_notifications(_metadata, &self->r);
}

/* ---- SEND_ZC only: registered buffers, notification user_data ----------- */

FIXTURE(fixed) {
	struct iou_ring r;
	int fds[2];
	unsigned char *mem;
};

FIXTURE_SETUP(fixed)
{
	struct iovec iov;

	self->fds[0] = self->fds[1] = -1;
	self->mem = NULL;
	REQUIRE_OPCODE(IORING_OP_SEND_ZC);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->mem = iou_map_nohuge(IOU_PAGE_SIZE);
	ASSERT_NE(NULL, self->mem);
	iov = (struct iovec){ self->mem, IOU_PAGE_SIZE };
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
}

FIXTURE_TEARDOWN(fixed)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
	if (self->mem)
		munmap(self->mem, IOU_PAGE_SIZE);
}

static void queue_fixed(FIXTURE_DATA(fixed) *self, void *addr, size_t len, unsigned int idx)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_send_zc(sqe, self->fds[0], addr, len, 0, IORING_RECVSEND_FIXED_BUF);
	sqe->buf_index = (__u16)idx;
	sqe->user_data = UD;
}

TEST_F(fixed, sends_from_the_registered_buffer)
{
	struct iou_sock_rx rx;

	iou_fill_pattern(self->mem, IOU_PAGE_SIZE, 0);
	queue_fixed(self, self->mem + 100, 1000, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_sent(_metadata, &self->r, UD, 1000, 0);
	rx = iou_sock_collect(self->fds[1], 1000, 0, IOU_WAIT_MS);
	ASSERT_EQ(1000, rx.bytes);
	ASSERT_EQ(iou_hash_update(IOU_HASH_INIT, self->mem + 100, 1000), rx.hash);
}

TEST_F(fixed, bad_index_or_range_is_efault)
{
	queue_fixed(self, self->mem, 10, 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_failed(_metadata, &self->r, UD, -EFAULT);
	queue_fixed(self, self->mem + IOU_PAGE_SIZE - 5, 10, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	expect_failed(_metadata, &self->r, UD, -EFAULT);
	ASSERT_TRUE(iou_fd_empty(self->fds[1]));
}

TEST_F(fixed, notification_takes_addr3_as_user_data)
{
	struct io_uring_sqe *sqe;

	IOU_REQUIRE(iou_have_zc_notif_user_data(__why, sizeof(__why)));
	sqe = iou_get_sqe(&self->r);
	iou_prep_send_zc(sqe, self->fds[0], "abc", 3, 0, 0);
	sqe->user_data = UD;
	sqe->addr3 = UD + 0x100000000ULL;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, 3, MORE),
			IOU_CQE_F(UD + 0x100000000ULL, 0, NOTIF));
}

TEST_HARNESS_MAIN
