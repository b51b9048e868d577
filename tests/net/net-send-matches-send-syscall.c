// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SEND (5.6) is send(2), and with a destination in addr2/
 * addr_len (6.1) sendto(2): on every row of a table of sockets (TCP,
 * UDP, AF_UNIX stream, datagram and seqpacket; connected or not, shut
 * down, closed by the peer), buffers, lengths, flags and destinations,
 * good and bad, the CQE carries what the system call returns in the same
 * state, and the peer receives the same bytes (count, content, number of
 * datagrams).  Also when the request is forced to io-wq.
 *
 * The twin is called with MSG_NOSIGNAL: the opcode always adds it
 * (io_sendmsg_prep()), so a send on a broken connection fails with EPIPE
 * and raises no SIGPIPE, which a case here checks.
 */
#include <signal.h>

#include "iou.h"
#include "iou_net.h"

#define BIG_DGRAM	70000	/* more than a UDP datagram holds */
#define HUGE_DGRAM	400000	/* more than an AF_UNIX send buffer */

enum cond {
	C_CONNECTED,
	C_PEER_CLOSED,		/* the peer closed its end */
	C_SHUT_WR,		/* own end shut down for writing */
	C_UNCONNECTED,		/* fresh socket; the peer is bound and waits */
	C_LISTENING,		/* a TCP listener */
	C_PIPE,			/* not a socket */
	C_CLOSED,		/* no such descriptor */
};

enum buf { B_DATA, B_NULL, B_UNMAPPED };
enum to { TO_NONE, TO_PEER, TO_WRONG_FAMILY, TO_UNMAPPED, TO_SHORT };

FIXTURE(send) {
	struct iou_ring r;
};

FIXTURE_VARIANT(send) {
	enum iou_sock_kind kind;
	enum cond cond;
	unsigned int len;
	int flags;
	enum buf buf;
	enum to to;
};

#define ROW(k, c, l, ...) { .kind = (k), .cond = (c), .len = (l), __VA_ARGS__ }

FIXTURE_VARIANT_ADD(send, tcp) ROW(IOU_TCP, C_CONNECTED, 100);
FIXTURE_VARIANT_ADD(send, tcp_zero_length) ROW(IOU_TCP, C_CONNECTED, 0);
FIXTURE_VARIANT_ADD(send, tcp_dontwait) ROW(IOU_TCP, C_CONNECTED, 4096, .flags = MSG_DONTWAIT);
FIXTURE_VARIANT_ADD(send, tcp_oob) ROW(IOU_TCP, C_CONNECTED, 100, .flags = MSG_OOB);
FIXTURE_VARIANT_ADD(send, tcp_with_destination) ROW(IOU_TCP, C_CONNECTED, 100, .to = TO_PEER);
FIXTURE_VARIANT_ADD(send, tcp_after_shut_wr) ROW(IOU_TCP, C_SHUT_WR, 100);
FIXTURE_VARIANT_ADD(send, tcp_unconnected) ROW(IOU_TCP, C_UNCONNECTED, 100);
FIXTURE_VARIANT_ADD(send, tcp_listening) ROW(IOU_TCP, C_LISTENING, 100);
FIXTURE_VARIANT_ADD(send, tcp_null_buffer) ROW(IOU_TCP, C_CONNECTED, 100, .buf = B_NULL);
FIXTURE_VARIANT_ADD(send, tcp_unmapped_buffer) ROW(IOU_TCP, C_CONNECTED, 100, .buf = B_UNMAPPED);
FIXTURE_VARIANT_ADD(send, udp) ROW(IOU_UDP, C_CONNECTED, 100);
FIXTURE_VARIANT_ADD(send, udp_zero_length) ROW(IOU_UDP, C_CONNECTED, 0);
FIXTURE_VARIANT_ADD(send, udp_too_big) ROW(IOU_UDP, C_CONNECTED, BIG_DGRAM);
FIXTURE_VARIANT_ADD(send, udp_oob) ROW(IOU_UDP, C_CONNECTED, 100, .flags = MSG_OOB);
FIXTURE_VARIANT_ADD(send, udp_unconnected_no_destination) ROW(IOU_UDP, C_UNCONNECTED, 100);
FIXTURE_VARIANT_ADD(send, udp_unconnected_to_peer) ROW(IOU_UDP, C_UNCONNECTED, 100, .to = TO_PEER);
FIXTURE_VARIANT_ADD(send, udp_connected_to_peer) ROW(IOU_UDP, C_CONNECTED, 100, .to = TO_PEER);
FIXTURE_VARIANT_ADD(send, udp_to_wrong_family)
	ROW(IOU_UDP, C_UNCONNECTED, 100, .to = TO_WRONG_FAMILY);
FIXTURE_VARIANT_ADD(send, udp_destination_unmapped)
	ROW(IOU_UDP, C_UNCONNECTED, 100, .to = TO_UNMAPPED);
FIXTURE_VARIANT_ADD(send, udp_destination_short) ROW(IOU_UDP, C_UNCONNECTED, 100, .to = TO_SHORT);
FIXTURE_VARIANT_ADD(send, udp_unmapped_buffer) ROW(IOU_UDP, C_CONNECTED, 100, .buf = B_UNMAPPED);
FIXTURE_VARIANT_ADD(send, unix_stream) ROW(IOU_UNIX_STREAM, C_CONNECTED, 100);
FIXTURE_VARIANT_ADD(send, unix_stream_zero_length) ROW(IOU_UNIX_STREAM, C_CONNECTED, 0);
FIXTURE_VARIANT_ADD(send, unix_stream_peer_closed) ROW(IOU_UNIX_STREAM, C_PEER_CLOSED, 100);
FIXTURE_VARIANT_ADD(send, unix_stream_after_shut_wr) ROW(IOU_UNIX_STREAM, C_SHUT_WR, 100);
FIXTURE_VARIANT_ADD(send, unix_stream_unconnected) ROW(IOU_UNIX_STREAM, C_UNCONNECTED, 100);
FIXTURE_VARIANT_ADD(send, unix_stream_null_buffer) ROW(IOU_UNIX_STREAM, C_CONNECTED, 100, .buf = B_NULL);
FIXTURE_VARIANT_ADD(send, unix_dgram) ROW(IOU_UNIX_DGRAM, C_CONNECTED, 100);
FIXTURE_VARIANT_ADD(send, unix_dgram_zero_length) ROW(IOU_UNIX_DGRAM, C_CONNECTED, 0);
FIXTURE_VARIANT_ADD(send, unix_dgram_too_big) ROW(IOU_UNIX_DGRAM, C_CONNECTED, HUGE_DGRAM);
FIXTURE_VARIANT_ADD(send, unix_dgram_oob) ROW(IOU_UNIX_DGRAM, C_CONNECTED, 100, .flags = MSG_OOB);
FIXTURE_VARIANT_ADD(send, unix_dgram_peer_closed) ROW(IOU_UNIX_DGRAM, C_PEER_CLOSED, 100);
FIXTURE_VARIANT_ADD(send, unix_dgram_unconnected) ROW(IOU_UNIX_DGRAM, C_UNCONNECTED, 100);
FIXTURE_VARIANT_ADD(send, unix_dgram_unconnected_to_peer)
	ROW(IOU_UNIX_DGRAM, C_UNCONNECTED, 100, .to = TO_PEER);
FIXTURE_VARIANT_ADD(send, unix_seqpacket) ROW(IOU_UNIX_SEQPACKET, C_CONNECTED, 100);
FIXTURE_VARIANT_ADD(send, unix_seqpacket_zero_length) ROW(IOU_UNIX_SEQPACKET, C_CONNECTED, 0);
FIXTURE_VARIANT_ADD(send, unix_seqpacket_peer_closed) ROW(IOU_UNIX_SEQPACKET, C_PEER_CLOSED, 100);
FIXTURE_VARIANT_ADD(send, not_a_socket) ROW(IOU_TCP, C_PIPE, 100);
FIXTURE_VARIANT_ADD(send, closed_descriptor) ROW(IOU_TCP, C_CLOSED, 100);

FIXTURE_SETUP(send)
{
	REQUIRE_OPCODE(IORING_OP_SEND);
	if (variant->to != TO_NONE)
		REQUIRE_SEND_DESTINATION();
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(send)
{
	iou_ring_exit(&self->r);
}

struct send_state {
	int fds[2];		/* [0] sends, [1] is the peer */
	const void *buf;
	struct sockaddr_storage to;
	const void *top;
	socklen_t tolen;
};

static unsigned char data[HUGE_DGRAM];

/* a bound receiver and a fresh sender of kind k; the receiver's name in *to */
static int unconnected(enum iou_sock_kind k, struct send_state *s)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&s->to;
	struct sockaddr_in *in = (struct sockaddr_in *)&s->to;
	int type = k == IOU_UDP || k == IOU_UNIX_DGRAM ? SOCK_DGRAM : SOCK_STREAM;

	if (k == IOU_UDP || k == IOU_TCP) {
		s->fds[1] = iou_loopback_socket(type, k == IOU_TCP ? 1 : -1, in);
		s->tolen = sizeof(*in);
		if (s->fds[1] < 0)
			return s->fds[1];
		s->fds[0] = iou_socket(AF_INET, type);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	}
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	snprintf(un->sun_path + 1, sizeof(un->sun_path) - 1, "iou-send-%d", getpid());
	s->tolen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			       strlen(un->sun_path + 1));
	s->fds[1] = iou_socket(AF_UNIX, type);
	if (s->fds[1] < 0)
		return s->fds[1];
	if (bind(s->fds[1], (struct sockaddr *)un, s->tolen))
		return -errno;
	if (type == SOCK_STREAM && listen(s->fds[1], 1))
		return -errno;
	s->fds[0] = iou_socket(AF_UNIX, type);
	return s->fds[0] < 0 ? s->fds[0] : 0;
}

static int make_sender(const FIXTURE_VARIANT(send) *v, struct send_state *s)
{
	struct sockaddr_in a;
	int ret;

	switch (v->cond) {
	case C_PIPE:
		return pipe2(s->fds, O_CLOEXEC) ? -errno : 0;
	case C_CLOSED:
		s->fds[0] = iou_lowest_free_fd();
		return 0;
	case C_LISTENING:
		s->fds[0] = iou_tcp_listener(1, &a);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	case C_UNCONNECTED:
		return unconnected(v->kind, s);
	default:
		break;
	}
	ret = iou_sock_pair(v->kind, s->fds);
	if (ret)
		return ret;
	if (v->to != TO_NONE) {
		s->tolen = sizeof(s->to);
		if (getsockname(s->fds[1], (struct sockaddr *)&s->to, &s->tolen))
			return -errno;
	}
	if (v->cond == C_PEER_CLOSED) {
		close(s->fds[1]);
		s->fds[1] = -1;
	}
	if (v->cond == C_SHUT_WR && shutdown(s->fds[0], SHUT_WR))
		return -errno;
	return 0;
}

static int send_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(send) *v = row;
	struct send_state *s = tw->st;
	int ret;

	s->fds[0] = s->fds[1] = -1;
	ret = make_sender(v, s);
	if (ret)
		return ret;
	iou_fill_pattern(data, v->len, 0);
	s->buf = v->buf == B_NULL ? NULL : v->buf == B_UNMAPPED ? iou_fault_ptr() : data;
	s->top = &s->to;
	switch (v->to) {
	case TO_WRONG_FAMILY:
		s->to.ss_family = AF_UNIX;
		break;
	case TO_UNMAPPED:
		s->top = iou_fault_ptr();
		break;
	case TO_SHORT:
		s->tolen = 4;
		break;
	default:
		break;
	}
	return 0;
}

static int send_twin_call(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(send) *v = row;
	struct send_state *s = tw->st;
	ssize_t n;

	if (v->to == TO_NONE)
		n = send(s->fds[0], s->buf, v->len, v->flags | MSG_NOSIGNAL);
	else
		n = sendto(s->fds[0], s->buf, v->len, v->flags | MSG_NOSIGNAL, s->top, s->tolen);
	return n < 0 ? -errno : (int)n;
}

static void send_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(send) *v = row;
	struct send_state *s = tw->st;

	iou_prep_send(sqe, s->fds[0], s->buf, v->len, v->flags);
	if (v->to != TO_NONE) {
		sqe->addr2 = IOU_PTR(s->top);
		sqe->addr_len = (__u16)s->tolen;
	}
}

static void send_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(send) *v = row;
	struct send_state *s = tw->st;
	bool dgram = v->kind == IOU_UDP || v->kind == IOU_UNIX_DGRAM ||
		     v->kind == IOU_UNIX_SEQPACKET;
	int rx_fd = s->fds[1];
	struct iou_sock_rx rx;

	if (v->cond == C_PIPE || v->cond == C_CLOSED || rx_fd < 0)
		return;
	if (v->cond == C_LISTENING)
		return;
	if (v->cond == C_UNCONNECTED && (v->kind == IOU_TCP || v->kind == IOU_UNIX_STREAM))
		return;
	/* an urgent byte travels apart from the stream */
	rx = iou_sock_collect(rx_fd, tw->res > 0 ? tw->res - !!(v->flags & MSG_OOB) : 0,
			      tw->res >= 0 && dgram ? 1 : 0, tw->res >= 0 ? IOU_WAIT_MS : 0);
	iou_twin_field(out, outlen, "peer's bytes", rx.bytes);
	iou_twin_field(out, outlen, "peer's hash", (long long)rx.hash);
	iou_twin_field(out, outlen, "peer's receive error", rx.err);
	if (dgram)
		iou_twin_field(out, outlen, "peer's datagrams", rx.msgs);
}

static void send_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(send) *v = row;
	struct send_state *s = tw->st;

	if (v->cond != C_CLOSED)
		iou_close_pair(s->fds);
}

static const struct iou_twin_ops send_twin = {
	.twin = "send(2)",
	.st_size = sizeof(struct send_state),
	.setup = send_twin_setup,
	.call = send_twin_call,
	.prep = send_twin_prep,
	.state = send_twin_state,
	.done = send_twin_done,
};

IOU_TWIN_SIDE_CASES(send, matches_send, &send_twin, variant, NULL)

/* a send on a broken connection fails with EPIPE and no SIGPIPE */
TEST(broken_connection_raises_no_sigpipe)
{
	struct iou_ring r;
	sigset_t set, pending;
	int fds[2];

	REQUIRE_OPCODE(IORING_OP_SEND);
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_UNIX_STREAM, fds));
	close(fds[1]);
	iou_prep_send(iou_get_sqe(&r), fds[0], "x", 1, 0);
	ASSERT_RES(-EPIPE, iou_run_one(&r, NULL));
	ASSERT_EQ(0, sigpending(&pending));
	ASSERT_EQ(0, sigismember(&pending, SIGPIPE));
	/* the same send through the system call raises it */
	ASSERT_SYSERR(EPIPE, send(fds[0], "x", 1, 0));
	ASSERT_EQ(0, sigpending(&pending));
	ASSERT_EQ(1, sigismember(&pending, SIGPIPE));
	close(fds[0]);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
