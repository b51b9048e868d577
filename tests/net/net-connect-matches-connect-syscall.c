// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_CONNECT (5.5) is connect(2): on every row of a table of
 * sockets and destinations, good and bad, the CQE carries what connect(2)
 * returns in the same state, and afterwards the socket has the same peer
 * (or none) and the listener the same connection to accept.
 *
 * One difference by design: on a non-blocking socket connect(2) returns
 * EINPROGRESS, while the opcode waits for the outcome (io_connect() polls
 * the socket and completes with its final result, 0 or the socket
 * error), as io_uring_prep_connect(3) describes.
 *
 * Each case runs in a network namespace of its own, so a port with no
 * listener is certainly closed and a full listener stays full.
 */
#include <poll.h>

#include "iou.h"
#include "iou_net.h"

#define PORT		34567	/* the listener's, in a fresh namespace */
#define CLOSED_PORT	34568	/* nobody listens there */

enum dest {
	DEST_LISTENER,		/* a listening socket of the row's kind */
	DEST_CLOSED_PORT,	/* 127.0.0.1:CLOSED_PORT */
	DEST_FULL_LISTENER,	/* TCP listener whose accept queue is full */
	DEST_BOUND_NOT_LISTENING,
	DEST_NO_SUCH_PATH,
	DEST_REGULAR_FILE,	/* an AF_UNIX path that is no socket */
	DEST_DGRAM_PEER,	/* a bound datagram socket */
	DEST_UNSPEC,		/* AF_UNSPEC: dissolve the association */
	DEST_WRONG_FAMILY,	/* an AF_UNIX address for an inet socket */
	DEST_UNMAPPED,
};

enum src {
	SRC_FRESH,
	SRC_NONBLOCK,
	SRC_CONNECTED,		/* connected to the listener already */
	SRC_IN_PROGRESS,	/* non-blocking, its SYN unanswered */
	SRC_PIPE,
	SRC_CLOSED,
};

FIXTURE(conn) {
	struct iou_ring r;
};

FIXTURE_VARIANT(conn) {
	int domain, type;
	enum src src;
	enum dest dest;
	int len_delta;
	int ring_res;		/* with why: the opcode's result by design */
	const char *why;
};

#define ROW(d, t, s, to, ...) { .domain = (d), .type = (t), .src = (s), .dest = (to), __VA_ARGS__ }
#define WAITS_FOR_OUTCOME \
	"io_connect() polls a non-blocking connect until it completes and reports its outcome"

FIXTURE_VARIANT_ADD(conn, tcp_to_listener) ROW(AF_INET, SOCK_STREAM, SRC_FRESH, DEST_LISTENER);
FIXTURE_VARIANT_ADD(conn, tcp_refused) ROW(AF_INET, SOCK_STREAM, SRC_FRESH, DEST_CLOSED_PORT);
FIXTURE_VARIANT_ADD(conn, tcp_nonblock_to_listener)
	ROW(AF_INET, SOCK_STREAM, SRC_NONBLOCK, DEST_LISTENER, .ring_res = 0,
	    .why = WAITS_FOR_OUTCOME);
FIXTURE_VARIANT_ADD(conn, tcp_nonblock_refused)
	ROW(AF_INET, SOCK_STREAM, SRC_NONBLOCK, DEST_CLOSED_PORT, .ring_res = -ECONNREFUSED,
	    .why = WAITS_FOR_OUTCOME);
FIXTURE_VARIANT_ADD(conn, tcp_already_connected)
	ROW(AF_INET, SOCK_STREAM, SRC_CONNECTED, DEST_LISTENER);
FIXTURE_VARIANT_ADD(conn, tcp_while_in_progress)
	ROW(AF_INET, SOCK_STREAM, SRC_IN_PROGRESS, DEST_FULL_LISTENER);
FIXTURE_VARIANT_ADD(conn, tcp_length_short)
	ROW(AF_INET, SOCK_STREAM, SRC_FRESH, DEST_LISTENER, .len_delta = -1);
FIXTURE_VARIANT_ADD(conn, tcp_length_past_sockaddr_storage)
	ROW(AF_INET, SOCK_STREAM, SRC_FRESH, DEST_LISTENER,
	    .len_delta = (int)(sizeof(struct sockaddr_storage) - sizeof(struct sockaddr_in)) + 1);
FIXTURE_VARIANT_ADD(conn, tcp_wrong_family)
	ROW(AF_INET, SOCK_STREAM, SRC_FRESH, DEST_WRONG_FAMILY);
FIXTURE_VARIANT_ADD(conn, tcp_address_unmapped) ROW(AF_INET, SOCK_STREAM, SRC_FRESH, DEST_UNMAPPED);
FIXTURE_VARIANT_ADD(conn, udp_to_peer) ROW(AF_INET, SOCK_DGRAM, SRC_FRESH, DEST_DGRAM_PEER);
FIXTURE_VARIANT_ADD(conn, udp_to_closed_port) ROW(AF_INET, SOCK_DGRAM, SRC_FRESH, DEST_CLOSED_PORT);
FIXTURE_VARIANT_ADD(conn, udp_unspec_dissolves) ROW(AF_INET, SOCK_DGRAM, SRC_CONNECTED, DEST_UNSPEC);
FIXTURE_VARIANT_ADD(conn, unix_stream_to_listener)
	ROW(AF_UNIX, SOCK_STREAM, SRC_FRESH, DEST_LISTENER);
FIXTURE_VARIANT_ADD(conn, unix_seqpacket_to_listener)
	ROW(AF_UNIX, SOCK_SEQPACKET, SRC_FRESH, DEST_LISTENER);
FIXTURE_VARIANT_ADD(conn, unix_stream_not_listening)
	ROW(AF_UNIX, SOCK_STREAM, SRC_FRESH, DEST_BOUND_NOT_LISTENING);
FIXTURE_VARIANT_ADD(conn, unix_stream_to_dgram_socket)
	ROW(AF_UNIX, SOCK_STREAM, SRC_FRESH, DEST_DGRAM_PEER);
FIXTURE_VARIANT_ADD(conn, unix_no_such_path) ROW(AF_UNIX, SOCK_STREAM, SRC_FRESH, DEST_NO_SUCH_PATH);
FIXTURE_VARIANT_ADD(conn, unix_path_not_a_socket)
	ROW(AF_UNIX, SOCK_STREAM, SRC_FRESH, DEST_REGULAR_FILE);
FIXTURE_VARIANT_ADD(conn, unix_dgram_to_peer) ROW(AF_UNIX, SOCK_DGRAM, SRC_FRESH, DEST_DGRAM_PEER);
FIXTURE_VARIANT_ADD(conn, unix_stream_already_connected)
	ROW(AF_UNIX, SOCK_STREAM, SRC_CONNECTED, DEST_LISTENER);
FIXTURE_VARIANT_ADD(conn, not_a_socket) ROW(AF_INET, SOCK_STREAM, SRC_PIPE, DEST_LISTENER);
FIXTURE_VARIANT_ADD(conn, closed_descriptor) ROW(AF_INET, SOCK_STREAM, SRC_CLOSED, DEST_LISTENER);

FIXTURE_SETUP(conn)
{
	REQUIRE_OPCODE(IORING_OP_CONNECT);
	IOU_ENTER_PRIVATE_NETNS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(conn)
{
	iou_ring_exit(&self->r);
}

struct conn_state {
	int fd, server, filler;
	struct sockaddr_storage ss;
	socklen_t len;
	const void *addr;
};

/* the destination's address, for a socket of domain */
static socklen_t dest_addr(int domain, enum dest d, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_un *un = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof(*ss));
	if (d == DEST_UNSPEC) {
		ss->ss_family = AF_UNSPEC;
		return sizeof(*in);
	}
	if (domain == AF_INET && d != DEST_WRONG_FAMILY) {
		*in = iou_loopback4(d == DEST_CLOSED_PORT ? CLOSED_PORT : PORT);
		return sizeof(*in);
	}
	un->sun_family = AF_UNIX;
	snprintf(un->sun_path, sizeof(un->sun_path), "%s",
		 iou_scratch_path(d == DEST_NO_SUCH_PATH ? "none" : "srv"));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un->sun_path) + 1);
}

/* the socket (or file) at the destination, bound to addr */
static int make_server(const FIXTURE_VARIANT(conn) *v, struct conn_state *s)
{
	int type = v->dest == DEST_DGRAM_PEER ? SOCK_DGRAM : v->type;
	int backlog = v->dest == DEST_FULL_LISTENER ? 0 : 4;

	switch (v->dest) {
	case DEST_REGULAR_FILE:
		s->server = iou_scratch_file("srv", 0, 0);
		return s->server < 0 ? s->server : 0;
	case DEST_LISTENER:
	case DEST_FULL_LISTENER:
	case DEST_BOUND_NOT_LISTENING:
	case DEST_DGRAM_PEER:
		break;
	default:
		return 0;
	}
	s->server = iou_socket(v->domain, type);
	if (s->server < 0)
		return s->server;
	/* the run before left the port in TIME_WAIT */
	if (setsockopt(s->server, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int)))
		return -errno;
	if (bind(s->server, (struct sockaddr *)&s->ss, dest_addr(v->domain, v->dest, &s->ss)))
		return -errno;
	if (type != SOCK_DGRAM && v->dest != DEST_BOUND_NOT_LISTENING && listen(s->server, backlog))
		return -errno;
	return 0;
}

/* a connection nobody answers: it fills the queue, ours waits for a SYN-ACK */
static int make_in_progress(struct conn_state *s)
{
	struct sockaddr_in a = iou_loopback4(PORT);
	struct pollfd pfd;

	s->filler = iou_tcp_connect(&a);
	if (s->filler < 0)
		return s->filler;
	if (!connect(s->fd, (struct sockaddr *)&a, sizeof(a)) || errno != EINPROGRESS)
		return -EPROTO;
	pfd = (struct pollfd){ .fd = s->fd, .events = POLLOUT };
	return poll(&pfd, 1, 0) == 0 ? 0 : -EPROTO;
}

static int conn_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(conn) *v = row;
	struct conn_state *s = tw->st;
	int ret;

	s->server = s->filler = -1;
	ret = make_server(v, s);
	if (ret)
		return ret;
	s->len = dest_addr(v->domain, v->dest, &s->ss);
	s->len = (socklen_t)((int)s->len + v->len_delta);
	s->addr = v->dest == DEST_UNMAPPED ? iou_fault_ptr() : (const void *)&s->ss;

	switch (v->src) {
	case SRC_PIPE:
	case SRC_CLOSED:
		return iou_not_a_socket(v->src == SRC_CLOSED, &s->fd);
	default:
		break;
	}
	s->fd = iou_socket(v->domain, v->type |
			   (v->src == SRC_NONBLOCK || v->src == SRC_IN_PROGRESS ? SOCK_NONBLOCK : 0));
	if (s->fd < 0)
		return s->fd;
	if (v->src == SRC_IN_PROGRESS)
		return make_in_progress(s);
	if (v->src == SRC_CONNECTED) {
		struct sockaddr_storage to;
		socklen_t len;

		if (v->type == SOCK_DGRAM) {
			/* a UDP association to the closed port, to be dissolved */
			len = dest_addr(v->domain, DEST_CLOSED_PORT, &to);
		} else {
			len = dest_addr(v->domain, DEST_LISTENER, &to);
		}
		if (connect(s->fd, (struct sockaddr *)&to, len))
			return -errno;
	}
	return 0;
}

static int conn_twin_call(struct iou_twin_run *tw, const void *row)
{
	struct conn_state *s = tw->st;

	return connect(s->fd, s->addr, s->len) ? -errno : 0;
}

static void conn_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	struct conn_state *s = tw->st;

	iou_prep_connect(sqe, s->fd, s->addr, s->len);
}

static void conn_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(conn) *var = row;
	struct conn_state *s = tw->st;
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	int a;

	if (var->src == SRC_PIPE || var->src == SRC_CLOSED)
		return;
	/* a non-blocking connect(2) settles after it returned */
	if (tw->res == -EINPROGRESS)
		poll(&pfd, 1, (int)IOU_WAIT_MS);
	memset(&peer, 0, sizeof(peer));
	iou_twin_field(out, outlen, "getpeername", getpeername(s->fd, (struct sockaddr *)&peer, &len) ? -errno : 0);
	iou_twin_field(out, outlen, "peer family", peer.ss_family);
	if (peer.ss_family == AF_INET)
		iou_twin_field(out, outlen, "peer port", ntohs(((struct sockaddr_in *)&peer)->sin_port));
	if (s->server >= 0 && var->dest == DEST_LISTENER) {
		/* the established connection waits in the listener's queue */
		pfd = (struct pollfd){ .fd = s->server, .events = POLLIN };
		if (poll(&pfd, 1, tw->res == 0 ? (int)IOU_WAIT_MS : 0) == 1) {
			a = accept4(s->server, NULL, NULL, SOCK_CLOEXEC);
			iou_twin_field(out, outlen, "accept4", a < 0 ? -errno : 1);
			iou_close_res(a);
		} else {
			iou_twin_field(out, outlen, "accept4", -EAGAIN);
		}
	}
}

static void conn_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(conn) *v = row;
	struct conn_state *s = tw->st;

	if (v->src != SRC_CLOSED && s->fd >= 0)
		close(s->fd);
	iou_close_res(s->server);
	iou_close_res(s->filler);
	unlink(iou_scratch_path("srv"));
}

static const struct iou_twin_ops conn_twin = {
	.twin = "connect(2)",
	.st_size = sizeof(struct conn_state),
	.setup = conn_twin_setup,
	.call = conn_twin_call,
	.prep = conn_twin_prep,
	.state = conn_twin_state,
	.done = conn_twin_done,
};

IOU_TWIN_SIDE_CASES(conn, matches_connect, &conn_twin, variant,
		    (&(struct iou_twin_diff){ variant->why, variant->ring_res }))

TEST_HARNESS_MAIN
