// SPDX-License-Identifier: GPL-2.0
/*
 * Multishot RECV (IORING_RECV_MULTISHOT, 6.0) with a provided-buffer
 * ring: one request posts a CQE per receive, each into the next buffer
 * of the group (IORING_CQE_F_BUFFER and the buffer id) with
 * IORING_CQE_F_MORE, until:
 *  - the buffers run out: a last CQE -ENOBUFS without F_MORE, and the
 *    data that found no buffer stays queued on the socket (nothing is
 *    lost: a new request gets it once buffers are back);
 *  - the peer ends the stream: a last CQE 0, no buffer, no F_MORE (TCP
 *    sets IORING_CQE_F_SOCK_NONEMPTY on it: after a FIN tcp_inq_hint()
 *    reports 1);
 *  - it is cancelled: a last CQE -ECANCELED without F_MORE;
 *  - the CQ ring is full: the receive that found no room is the last
 *    (its CQE, without F_MORE, goes to the overflow list, FEAT_NODROP)
 *    and later data stays queued (b2e74db55dd9 "io_uring/net: don't
 *    overflow multishot recv", 6.6; shown to pass on Debian 6.1.192,
 *    6.12 and 6.18).
 * A zero-length datagram ends it like the end of a stream (res 0, no
 * buffer).  A receive larger than a buffer fills it and goes on in the
 * next one;
 * while the stream has more, the CQE says IORING_CQE_F_SOCK_NONEMPTY
 * (TCP; AF_UNIX stream since 6.17).  A datagram larger than a buffer is
 * cut to it, as recv(2) cuts it.  MULTISHOT without IOSQE_BUFFER_SELECT,
 * or with MSG_WAITALL, is EINVAL.
 */
#include "iou.h"
#include "iou_net.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("b2e74db55dd9", "CVE-2023-54030", "*full_cq*",
					"io_uring/net: don't overflow multishot recv")));

#define UD	0x0123000000000001ULL
#define BGID	3
#define NBUF	8
#define BUFSZ	64

struct env {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	int fds[2];
	unsigned char bufs[NBUF][BUFSZ];
};

/* every kind of socket */
FIXTURE(mshot) {
	struct env e;
};

FIXTURE_VARIANT(mshot) {
	enum iou_sock_kind kind;
};

FIXTURE_VARIANT_ADD(mshot, tcp) { .kind = IOU_TCP };
FIXTURE_VARIANT_ADD(mshot, unix_stream) { .kind = IOU_UNIX_STREAM };
FIXTURE_VARIANT_ADD(mshot, udp) { .kind = IOU_UDP };
FIXTURE_VARIANT_ADD(mshot, unix_dgram) { .kind = IOU_UNIX_DGRAM };

/* streams only */
FIXTURE(stream) {
	struct env e;
};

FIXTURE_VARIANT(stream) {
	enum iou_sock_kind kind;
};

FIXTURE_VARIANT_ADD(stream, tcp) { .kind = IOU_TCP };
FIXTURE_VARIANT_ADD(stream, unix_stream) { .kind = IOU_UNIX_STREAM };

static void env_setup(struct __test_metadata *_metadata, struct env *self,
		      enum iou_sock_kind kind)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	REQUIRE_RECV_MULTISHOT(IORING_OP_RECV);
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &self->pb, NBUF, BGID, 0));
	ASSERT_EQ(0, iou_sock_pair(kind, self->fds));
}

static void env_teardown(struct env *self)
{
	iou_pbuf_ring_free(&self->r, &self->pb);
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

FIXTURE_SETUP(mshot)
{
	env_setup(_metadata, &self->e, variant->kind);
}

FIXTURE_TEARDOWN(mshot)
{
	env_teardown(&self->e);
}

FIXTURE_SETUP(stream)
{
	env_setup(_metadata, &self->e, variant->kind);
}

FIXTURE_TEARDOWN(stream)
{
	env_teardown(&self->e);
}

/* give buffers first..first+n-1 (ids = index) to the group */
static void provide(struct env *self, unsigned int first, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		iou_pbuf_add(&self->pb, self->bufs[first + i], BUFSZ, first + i, i);
	iou_pbuf_advance(&self->pb, n);
}

static void submit_mshot(struct __test_metadata *_metadata, struct env *self)
{
	iou_prep_recv_multishot(iou_get_sqe(&self->r), self->fds[0], BGID, 0);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->r));
}

/* the peer sends len bytes of the pattern from offset off */
static void peer_sends(struct __test_metadata *_metadata, struct env *self,
		       size_t off, size_t len)
{
	unsigned char data[512];

	iou_fill_pattern(data, sizeof(data), 0);
	ASSERT_EQ((ssize_t)len, send(self->fds[1], data + off, len, 0));
}

/* the next CQE: exactly (res, flags) */
static void expect(struct __test_metadata *_metadata, struct iou_ring *r, int res,
		   unsigned int flags)
{
	IOU_EXPECT_CQES(r, IOU_CQE_F(UD, res, flags));
}

#define MORE	IORING_CQE_F_MORE

TEST_F(mshot, each_receive_posts_a_cqe_with_the_next_buffer)
{
	provide(&self->e, 0, NBUF);
	submit_mshot(_metadata, &self->e);
	ASSERT_NO_CQE(&self->e.r, IOU_QUIET_MS);
	for (unsigned int i = 0; i < 3; i++) {
		peer_sends(_metadata, &self->e, 10 * i, 10);
		expect(_metadata, &self->e.r, 10, iou_pbuf_cqe_flags(i, MORE));
		ASSERT_TRUE(iou_check_pattern(self->e.bufs[i], 10, 10 * i));
	}
	ASSERT_NO_CQE(&self->e.r, IOU_QUIET_MS);
}

TEST_F(mshot, running_out_of_buffers_ends_it_and_loses_nothing)
{
	unsigned char buf[BUFSZ];

	provide(&self->e, 0, 2);
	submit_mshot(_metadata, &self->e);
	for (unsigned int i = 0; i < 2; i++) {
		peer_sends(_metadata, &self->e, 20 * i, 20);
		expect(_metadata, &self->e.r, 20, iou_pbuf_cqe_flags(i, MORE));
	}
	peer_sends(_metadata, &self->e, 40, 20);
	expect(_metadata, &self->e.r, -ENOBUFS, 0);
	ASSERT_NO_CQE(&self->e.r, IOU_QUIET_MS);
	/* the third send is still queued, whole */
	ASSERT_EQ(20, recv(self->e.fds[0], buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT));
	ASSERT_TRUE(iou_check_pattern(buf, 20, 40));
	/* with buffers back, a new request gets it */
	provide(&self->e, 2, 2);
	submit_mshot(_metadata, &self->e);
	expect(_metadata, &self->e.r, 20, iou_pbuf_cqe_flags(2, MORE));
	ASSERT_TRUE(iou_check_pattern(self->e.bufs[2], 20, 40));
}

TEST_F(mshot, cancel_posts_one_last_cqe)
{
	unsigned int pos[2];

	provide(&self->e, 0, NBUF);
	submit_mshot(_metadata, &self->e);
	peer_sends(_metadata, &self->e, 0, 5);
	expect(_metadata, &self->e.r, 5, iou_pbuf_cqe_flags(0, MORE));
	iou_prep_cancel(iou_get_sqe(&self->e.r), UD, 0);
	self->e.r.sqes[(self->e.r.sqe_tail - 1) & self->e.r.sq_mask].user_data = UD + 1;
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQE_SET(&self->e.r, pos, IOU_CQE(UD, -ECANCELED), IOU_CQE(UD + 1, 0));
	ASSERT_NO_CQE(&self->e.r, IOU_QUIET_MS);
}

TEST_F(stream, end_of_stream_posts_zero_without_more)
{
	provide(&self->e, 0, NBUF);
	submit_mshot(_metadata, &self->e);
	peer_sends(_metadata, &self->e, 0, 7);
	expect(_metadata, &self->e.r, 7, iou_pbuf_cqe_flags(0, MORE));
	ASSERT_EQ(0, shutdown(self->e.fds[1], SHUT_WR));
	/* after a FIN, tcp_inq_hint() reports 1 so that the reader comes back */
	expect(_metadata, &self->e.r, 0,
	       variant->kind == IOU_TCP ? IORING_CQE_F_SOCK_NONEMPTY : 0);
	ASSERT_NO_CQE(&self->e.r, IOU_QUIET_MS);
}

TEST_F(stream, more_than_a_buffer_goes_on_in_the_next)
{
	unsigned int nonempty = iou_net_reports_inq(variant->kind) ?
				IORING_CQE_F_SOCK_NONEMPTY : 0;

	provide(&self->e, 0, NBUF);
	peer_sends(_metadata, &self->e, 0, 150);
	ASSERT_EQ(150, iou_sock_wait_queued(self->e.fds[0], 150, IOU_WAIT_MS));
	submit_mshot(_metadata, &self->e);
	expect(_metadata, &self->e.r, BUFSZ, iou_pbuf_cqe_flags(0, MORE | nonempty));
	expect(_metadata, &self->e.r, BUFSZ, iou_pbuf_cqe_flags(1, MORE | nonempty));
	expect(_metadata, &self->e.r, 150 - 2 * BUFSZ, iou_pbuf_cqe_flags(2, MORE));
	for (unsigned int i = 0; i < 3; i++)
		ASSERT_TRUE(iou_check_pattern(self->e.bufs[i], i < 2 ? BUFSZ : 150 - 2 * BUFSZ,
					      i * BUFSZ));
}

/* a datagram larger than the buffer is cut to it, as recv(2) cuts it */
TEST(datagram_larger_than_a_buffer_is_cut)
{
	struct env e;

	env_setup(_metadata, &e, IOU_UDP);
	provide(&e, 0, NBUF);
	peer_sends(_metadata, &e, 0, 150);
	submit_mshot(_metadata, &e);
	expect(_metadata, &e.r, BUFSZ, iou_pbuf_cqe_flags(0, MORE));
	ASSERT_TRUE(iou_check_pattern(e.bufs[0], BUFSZ, 0));
	ASSERT_NO_CQE(&e.r, IOU_QUIET_MS);
	ASSERT_EQ(0, iou_sock_queued(e.fds[0], SIOCINQ));
	env_teardown(&e);
}

TEST_F(mshot, without_buffer_select_or_with_waitall_is_einval)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->e.r);

	iou_prep_recv(sqe, self->e.fds[0], self->e.bufs[0], BUFSZ, 0);
	sqe->ioprio = IORING_RECV_MULTISHOT;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->e.r));
	expect(_metadata, &self->e.r, -EINVAL, 0);
	provide(&self->e, 0, 1);
	iou_prep_recv_multishot(iou_get_sqe(&self->e.r), self->e.fds[0], BGID, MSG_WAITALL);
	self->e.r.sqes[(self->e.r.sqe_tail - 1) & self->e.r.sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->e.r));
	expect(_metadata, &self->e.r, -EINVAL, 0);
}

/*
 * A zero-length datagram reads like the end of a stream (the receive
 * returned 0): the request ends with res 0 and gives its buffer back.
 */
TEST(empty_datagram_ends_it)
{
	struct env e;

	env_setup(_metadata, &e, IOU_UDP);
	provide(&e, 0, NBUF);
	submit_mshot(_metadata, &e);
	ASSERT_EQ(0, send(e.fds[1], "", 0, 0));
	expect(_metadata, &e.r, 0, 0);
	peer_sends(_metadata, &e, 0, 3);
	ASSERT_NO_CQE(&e.r, IOU_QUIET_MS);
	env_teardown(&e);
}

/*
 * A CQ ring of 4 entries and six datagrams queued before the request:
 * it receives them in one go, four CQEs fit, the fifth has no room.
 */
TEST(full_cq_ends_it_with_the_receive_that_found_no_room)
{
	struct env e;
	struct iou_cqe c[5];
	unsigned char data[8] = "abcdefg";
	int n;

	env_setup(_metadata, &e, IOU_UNIX_DGRAM);
	iou_pbuf_ring_free(&e.r, &e.pb);
	iou_ring_exit(&e.r);
	ASSERT_EQ(0, iou_ring_init(&e.r, 2, 0));
	ASSERT_EQ(4, e.r.cq_entries);
	ASSERT_RES(0, iou_pbuf_ring_setup(&e.r, &e.pb, NBUF, BGID, 0));
	provide(&e, 0, NBUF);
	for (int i = 0; i < 6; i++)
		ASSERT_EQ(1, send(e.fds[1], data + i, 1, 0));
	submit_mshot(_metadata, &e);
	n = iou_reap(&e.r, c, 5, IOU_WAIT_MS);
	ASSERT_EQ(5, n);
	for (int i = 0; i < 4; i++)
		ASSERT_CQE_AT(c, i, UD, 1, iou_pbuf_cqe_flags((unsigned int)i, MORE));
	ASSERT_CQE_AT(c, 4, UD, 1, iou_pbuf_cqe_flags(4, 0));
	ASSERT_NO_CQE(&e.r, IOU_QUIET_MS);
	/* the sixth datagram was not taken */
	ASSERT_EQ(1, recv(e.fds[0], data, 1, MSG_DONTWAIT));
	ASSERT_EQ('f', data[0]);
	env_teardown(&e);
}

TEST_HARNESS_MAIN
