// SPDX-License-Identifier: GPL-2.0
/*
 * Multishot RECVMSG (6.0) writes each message into a provided buffer as
 * struct io_uring_recvmsg_out, then the source name (msg_namelen bytes
 * of room), the control data (msg_controllen bytes of room), then the
 * payload; the CQE res is the header, both rooms and the payload copied.
 * The header says what recvmsg(2) with the same flags says in the same
 * state: the name's length before truncation, the control bytes written,
 * what recvmsg(2) returns as payloadlen (the bytes copied; a datagram's
 * whole length with MSG_TRUNC), and msg_flags (MSG_TRUNC for a cut
 * payload, MSG_CTRUNC for cut control data).  Each row is run through
 * recvmsg(2) and through the opcode in fresh identical state, and the
 * two compared field by field.
 *
 * Also: a buffer too small for header and rooms ends the request with
 * -EFAULT (neither the buffer nor the message is used up); a zero-length
 * datagram is delivered and ends the request (a receive of 0 reads as
 * the end); running out of buffers ends it with -ENOBUFS and the message
 * stays queued; MSG_WAITALL, a missing IOSQE_BUFFER_SELECT and
 * IORING_RECVSEND_BUNDLE are EINVAL for it.
 */
#include <netinet/in.h>

#include "iou.h"
#include "iou_net.h"
#include "iou_pbuf.h"

#define UD	0x0d7e000000000001ULL
#define BGID	5
#define HDR	((unsigned int)sizeof(struct io_uring_recvmsg_out))

FIXTURE(layout) {
	struct iou_ring r;
};

FIXTURE_VARIANT(layout) {
	enum iou_sock_kind kind;
	unsigned int name_room, ctl_room;
	bool pktinfo;		/* IP_PKTINFO asked for */
	unsigned int payload;	/* bytes the peer sends */
	unsigned int buf;	/* size of the provided buffer */
	int flags;		/* msg_flags of both */
};

#define ROW(k, n, c, p, d, b, ...) { .kind = (k), .name_room = (n), .ctl_room = (c), \
	.pktinfo = (p), .payload = (d), .buf = (b), __VA_ARGS__ }
#define PKTINFO_ROOM	((unsigned int)CMSG_SPACE(sizeof(struct in_pktinfo)))

FIXTURE_VARIANT_ADD(layout, udp_payload_only) ROW(IOU_UDP, 0, 0, false, 20, 256);
FIXTURE_VARIANT_ADD(layout, udp_with_name) ROW(IOU_UDP, sizeof(struct sockaddr_in), 0, false, 20, 256);
FIXTURE_VARIANT_ADD(layout, udp_name_room_short) ROW(IOU_UDP, 4, 0, false, 20, 256);
FIXTURE_VARIANT_ADD(layout, udp_name_room_large) ROW(IOU_UDP, 64, 0, false, 20, 256);
FIXTURE_VARIANT_ADD(layout, udp_payload_cut)
	ROW(IOU_UDP, sizeof(struct sockaddr_in), 0, false, 20, HDR + 16 + 10);
FIXTURE_VARIANT_ADD(layout, udp_payload_cut_trunc_flag)
	ROW(IOU_UDP, sizeof(struct sockaddr_in), 0, false, 20, HDR + 16 + 10, .flags = MSG_TRUNC);
FIXTURE_VARIANT_ADD(layout, udp_pktinfo) ROW(IOU_UDP, 16, PKTINFO_ROOM, true, 20, 256);
FIXTURE_VARIANT_ADD(layout, udp_pktinfo_no_room) ROW(IOU_UDP, 16, 8, true, 20, 256);
FIXTURE_VARIANT_ADD(layout, udp_control_room_unused) ROW(IOU_UDP, 16, PKTINFO_ROOM, false, 20, 256);
FIXTURE_VARIANT_ADD(layout, unix_dgram_unnamed_peer) ROW(IOU_UNIX_DGRAM, 32, 0, false, 30, 256);
FIXTURE_VARIANT_ADD(layout, tcp_stream_has_no_name) ROW(IOU_TCP, 16, 0, false, 30, 256);
FIXTURE_VARIANT_ADD(layout, unix_stream_cut) ROW(IOU_UNIX_STREAM, 0, 0, false, 30, HDR + 12);

FIXTURE_SETUP(layout)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	REQUIRE_RECV_MULTISHOT(IORING_OP_RECVMSG);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(layout)
{
	iou_ring_exit(&self->r);
}

/* a pair with one message from the peer queued: 0 or -errno */
static int queued_pair(const FIXTURE_VARIANT(layout) *v, int fds[2])
{
	unsigned char data[512];
	int ret = iou_sock_pair(v->kind, fds);

	if (ret)
		return ret;
	if (v->pktinfo &&
	    setsockopt(fds[0], IPPROTO_IP, IP_PKTINFO, &(int){ 1 }, sizeof(int)))
		return -errno;
	iou_fill_pattern(data, sizeof(data), 0);
	if (send(fds[1], data, v->payload, 0) != (ssize_t)v->payload)
		return -errno;
	if (poll(&(struct pollfd){ .fd = fds[0], .events = POLLIN }, 1, (int)IOU_WAIT_MS) != 1)
		return -ETIME;
	return 0;
}

#define VIEW	1024

/* the fields both sides report, and the bytes of name, control and payload, as text */
static void add_view(char *view, int peer, int payloadlen, int namelen,
		     int controllen, int flags, const void *name, unsigned int name_room,
		     const void *ctl, const void *payload, unsigned int copied)
{
	struct sockaddr_in me;
	unsigned int name_bytes = (unsigned int)namelen < name_room ? (unsigned int)namelen :
				  name_room;

	iou_twin_field(view, VIEW, "payload length", payloadlen);
	iou_twin_field(view, VIEW, "name length", namelen);
	iou_twin_field(view, VIEW, "control length", controllen);
	iou_twin_field(view, VIEW, "flags", flags);
	/* a UDP peer's port differs between the runs: compare it with the peer's */
	if (name_bytes >= 4 && !iou_sock_name(peer, &me) && me.sin_family == AF_INET) {
		const struct sockaddr_in *in = name;

		iou_twin_field(view, VIEW, "name family and port are the peer's",
			       in->sin_family == AF_INET && in->sin_port == me.sin_port);
		iou_twin_field(view, VIEW, "name address bytes",
			       iou_hash_bytes((const char *)name + 4, name_bytes - 4));
	} else {
		iou_twin_field(view, VIEW, "name family and port are the peer's", -1);
		iou_twin_field(view, VIEW, "name address bytes", iou_hash_bytes(name, name_bytes));
	}
	iou_twin_field(view, VIEW, "control bytes", iou_hash_bytes(ctl, (size_t)controllen));
	iou_twin_field(view, VIEW, "payload bytes", iou_hash_bytes(payload, copied));
}

TEST_F(layout, header_matches_recvmsg)
{
	unsigned char name[128], ctl[128], payload[512], buf[512];
	static char va[VIEW], vb[VIEW];
	struct io_uring_recvmsg_out *o = (void *)buf;
	unsigned int room = variant->buf - HDR - variant->name_room - variant->ctl_room;
	unsigned int copied = variant->payload < room ? variant->payload : room;
	struct iovec iov = { payload, room };
	struct msghdr m;
	struct iou_pbuf_ring pb;
	struct io_uring_sqe *sqe;
	struct iou_cqe c;
	int fds[2], n;
	bool left;

	/* the twin: recvmsg(2) with the same rooms and flags */
	ASSERT_EQ(0, queued_pair(variant, fds));
	memset(name, 0xee, sizeof(name));
	memset(ctl, 0xee, sizeof(ctl));
	memset(payload, 0xee, sizeof(payload));
	memset(&m, 0, sizeof(m));
	m.msg_name = variant->name_room ? name : NULL;
	m.msg_namelen = variant->name_room;
	m.msg_control = variant->ctl_room ? ctl : NULL;
	m.msg_controllen = variant->ctl_room;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	n = (int)recvmsg(fds[0], &m, variant->flags | MSG_DONTWAIT);
	ASSERT_LE(0, n);
	add_view(va, fds[1], n, m.msg_namelen, (int)m.msg_controllen, m.msg_flags,
		 name, variant->name_room, ctl, payload, copied);
	iou_close_pair(fds);

	/* the opcode, one multishot RECVMSG into one provided buffer */
	ASSERT_EQ(0, queued_pair(variant, fds));
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 1, BGID, 0));
	memset(buf, 0xee, sizeof(buf));
	iou_pbuf_add(&pb, buf, variant->buf, 0, 0);
	iou_pbuf_advance(&pb, 1);
	memset(&m, 0, sizeof(m));
	m.msg_namelen = variant->name_room;
	m.msg_controllen = variant->ctl_room;
	sqe = iou_get_sqe(&self->r);
	iou_prep_recvmsg(sqe, fds[0], &m, variant->flags);
	sqe->ioprio = IORING_RECV_MULTISHOT;
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_RES((int)(HDR + variant->name_room + variant->ctl_room + copied), c.res);
	/* a stream cut short has more, which TCP and AF_UNIX (6.17) report */
	left = iou_sock_kind_is_stream(variant->kind) && variant->payload > copied &&
	       iou_net_reports_inq(variant->kind);
	ASSERT_EQ(iou_pbuf_cqe_flags(0, IORING_CQE_F_MORE |
				     (left ? IORING_CQE_F_SOCK_NONEMPTY : 0)), c.flags);
	add_view(vb, fds[1], (int)o->payloadlen, (int)o->namelen, (int)o->controllen,
		 (int)o->flags, buf + HDR, variant->name_room, buf + HDR + variant->name_room,
		 buf + HDR + variant->name_room + variant->ctl_room, copied);
	EXPECT_TRUE(iou_twin_same_state(va, "recvmsg(2)", vb, "the multishot buffer"));
	iou_close_pair(fds);
	iou_pbuf_ring_free(&self->r, &pb);
}

/* ---- ring-only rules ---------------------------------------------------- */

FIXTURE(rules) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	int fds[2];
	unsigned char bufs[2][128];
	struct msghdr m;
};

FIXTURE_SETUP(rules)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	REQUIRE_RECV_MULTISHOT(IORING_OP_RECVMSG);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &self->pb, 2, BGID, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_UDP, self->fds));
	memset(&self->m, 0, sizeof(self->m));
}

FIXTURE_TEARDOWN(rules)
{
	iou_pbuf_ring_free(&self->r, &self->pb);
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

static void submit_mshot(struct __test_metadata *_metadata, FIXTURE_DATA(rules) *self,
			 unsigned int ioprio, unsigned int sqe_flags, int msg_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_recvmsg(sqe, self->fds[0], &self->m, msg_flags);
	sqe->ioprio = (__u16)(IORING_RECV_MULTISHOT | ioprio);
	sqe->flags = (__u8)sqe_flags;
	sqe->buf_group = BGID;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->r));
}

TEST_F(rules, buffer_smaller_than_header_and_rooms_is_efault)
{
	/* room for the header and 16 bytes: not for the rooms asked for */
	iou_pbuf_add(&self->pb, self->bufs[0], HDR + 16, 0, 0);
	iou_pbuf_advance(&self->pb, 1);
	self->m.msg_namelen = 16;
	self->m.msg_controllen = 64;
	ASSERT_EQ(5, send(self->fds[1], "hello", 5, 0));
	submit_mshot(_metadata, self, 0, IOSQE_BUFFER_SELECT, 0);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EFAULT));
	/* neither the buffer nor the datagram was used up */
	self->m.msg_namelen = 0;
	self->m.msg_controllen = 0;
	submit_mshot(_metadata, self, 0, IOSQE_BUFFER_SELECT, 0);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, (int)(HDR + 5),
					    iou_pbuf_cqe_flags(0, IORING_CQE_F_MORE)));
	ASSERT_EQ(0, memcmp(self->bufs[0] + HDR, "hello", 5));
}

/*
 * A zero-length datagram reads like the end of a stream (the receive
 * returned 0): it is delivered, and it ends the request.
 */
TEST_F(rules, empty_datagram_ends_it)
{
	iou_pbuf_add(&self->pb, self->bufs[0], 128, 0, 0);
	iou_pbuf_add(&self->pb, self->bufs[1], 128, 1, 1);
	iou_pbuf_advance(&self->pb, 2);
	submit_mshot(_metadata, self, 0, IOSQE_BUFFER_SELECT, 0);
	ASSERT_EQ(0, send(self->fds[1], "", 0, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, (int)HDR, iou_pbuf_cqe_flags(0, 0)));
	ASSERT_EQ(0, ((struct io_uring_recvmsg_out *)self->bufs[0])->payloadlen);
	ASSERT_EQ(3, send(self->fds[1], "one", 3, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(rules, waitall_is_einval)
{
	submit_mshot(_metadata, self, 0, IOSQE_BUFFER_SELECT, MSG_WAITALL);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
}

TEST_F(rules, without_buffer_select_is_einval)
{
	submit_mshot(_metadata, self, 0, 0, 0);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
}

TEST_F(rules, bundle_is_einval)
{
	submit_mshot(_metadata, self, IORING_RECVSEND_BUNDLE, IOSQE_BUFFER_SELECT, 0);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
}

TEST_F(rules, running_out_of_buffers_ends_it)
{
	unsigned char buf[16];

	iou_pbuf_add(&self->pb, self->bufs[0], 128, 0, 0);
	iou_pbuf_advance(&self->pb, 1);
	submit_mshot(_metadata, self, 0, IOSQE_BUFFER_SELECT, 0);
	ASSERT_EQ(3, send(self->fds[1], "one", 3, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, (int)(HDR + 3),
					    iou_pbuf_cqe_flags(0, IORING_CQE_F_MORE)));
	ASSERT_EQ(3, send(self->fds[1], "two", 3, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -ENOBUFS));
	ASSERT_EQ(3, recv(self->fds[0], buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, memcmp(buf, "two", 3));
}

TEST_HARNESS_MAIN
