// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SHUTDOWN (5.11) is shutdown(2): for each how (SHUT_RD,
 * SHUT_WR, SHUT_RDWR) on TCP, UDP and AF_UNIX sockets, connected or not,
 * and for bad input (a how out of range, a descriptor that is no socket
 * or none at all), the CQE carries what shutdown(2) returns in the same
 * state, and afterwards the two ends see the same: what a receive on
 * each end and a send on the shut end give.
 */
#include <poll.h>

#include "iou.h"
#include "iou_net.h"
#define IOU_TWIN_FIXTURE shut
#define IOU_TWIN_OPCODE IORING_OP_SHUTDOWN
#include "iou_twin.h"

enum end {
	END_CONNECTED,		/* one end of a connected pair */
	END_UNCONNECTED,	/* a fresh socket */
	END_LISTENING,		/* a TCP listener */
	END_PIPE,
	END_CLOSED,
};

FIXTURE_VARIANT(shut) {
	enum iou_sock_kind kind;
	enum end end;
	int how;
};

#define ROW(k, e, h)	{ .kind = (k), .end = (e), .how = (h) }

FIXTURE_VARIANT_ADD(shut, tcp_rd) ROW(IOU_TCP, END_CONNECTED, SHUT_RD);
FIXTURE_VARIANT_ADD(shut, tcp_wr) ROW(IOU_TCP, END_CONNECTED, SHUT_WR);
FIXTURE_VARIANT_ADD(shut, tcp_rdwr) ROW(IOU_TCP, END_CONNECTED, SHUT_RDWR);
FIXTURE_VARIANT_ADD(shut, tcp_unconnected) ROW(IOU_TCP, END_UNCONNECTED, SHUT_RDWR);
FIXTURE_VARIANT_ADD(shut, tcp_listener_rd) ROW(IOU_TCP, END_LISTENING, SHUT_RD);
FIXTURE_VARIANT_ADD(shut, tcp_listener_wr) ROW(IOU_TCP, END_LISTENING, SHUT_WR);
FIXTURE_VARIANT_ADD(shut, udp_connected_rdwr) ROW(IOU_UDP, END_CONNECTED, SHUT_RDWR);
FIXTURE_VARIANT_ADD(shut, udp_connected_wr) ROW(IOU_UDP, END_CONNECTED, SHUT_WR);
FIXTURE_VARIANT_ADD(shut, udp_unconnected) ROW(IOU_UDP, END_UNCONNECTED, SHUT_RD);
FIXTURE_VARIANT_ADD(shut, unix_stream_rd) ROW(IOU_UNIX_STREAM, END_CONNECTED, SHUT_RD);
FIXTURE_VARIANT_ADD(shut, unix_stream_wr) ROW(IOU_UNIX_STREAM, END_CONNECTED, SHUT_WR);
FIXTURE_VARIANT_ADD(shut, unix_stream_rdwr) ROW(IOU_UNIX_STREAM, END_CONNECTED, SHUT_RDWR);
FIXTURE_VARIANT_ADD(shut, unix_dgram_wr) ROW(IOU_UNIX_DGRAM, END_CONNECTED, SHUT_WR);
FIXTURE_VARIANT_ADD(shut, unix_seqpacket_rdwr) ROW(IOU_UNIX_SEQPACKET, END_CONNECTED, SHUT_RDWR);
FIXTURE_VARIANT_ADD(shut, unix_unconnected) ROW(IOU_UNIX_STREAM, END_UNCONNECTED, SHUT_WR);
FIXTURE_VARIANT_ADD(shut, how_out_of_range) ROW(IOU_TCP, END_CONNECTED, 3);
FIXTURE_VARIANT_ADD(shut, how_negative) ROW(IOU_UNIX_STREAM, END_CONNECTED, -1);
FIXTURE_VARIANT_ADD(shut, not_a_socket) ROW(IOU_TCP, END_PIPE, SHUT_RDWR);
FIXTURE_VARIANT_ADD(shut, closed_descriptor) ROW(IOU_TCP, END_CLOSED, SHUT_RDWR);

struct shut_state {
	int fds[2];	/* [0] is shut down, [1] its peer */
};

static int shut_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(shut) *v = row;
	struct shut_state *s = tw->st;
	static const int types[] = {
		[IOU_TCP] = SOCK_STREAM, [IOU_UDP] = SOCK_DGRAM,
		[IOU_UNIX_STREAM] = SOCK_STREAM, [IOU_UNIX_DGRAM] = SOCK_DGRAM,
		[IOU_UNIX_SEQPACKET] = SOCK_SEQPACKET,
	};
	int domain = v->kind <= IOU_UDP ? AF_INET : AF_UNIX;
	struct sockaddr_in a;

	s->fds[0] = s->fds[1] = -1;
	switch (v->end) {
	case END_CONNECTED:
		return iou_sock_pair(v->kind, s->fds);
	case END_UNCONNECTED:
		s->fds[0] = iou_socket(domain, types[v->kind]);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	case END_LISTENING:
		s->fds[0] = iou_tcp_listener(4, &a);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	case END_PIPE:
		return pipe2(s->fds, O_CLOEXEC) ? -errno : 0;
	case END_CLOSED:
		s->fds[0] = iou_lowest_free_fd();
		return 0;
	}
	return -EINVAL;
}

static int shut_twin_call(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(shut) *v = row;
	struct shut_state *s = tw->st;

	return shutdown(s->fds[0], v->how) ? -errno : 0;
}

static void shut_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(shut) *v = row;
	struct shut_state *s = tw->st;

	iou_prep_shutdown(sqe, s->fds[0], v->how);
}

static int try_recv(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

	return n < 0 ? -errno : (int)n;
}

static void shut_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(shut) *var = row;
	struct shut_state *s = tw->st;
	ssize_t n;

	if (var->end == END_PIPE || var->end == END_CLOSED)
		return;
	if (var->end == END_LISTENING) {
		iou_twin_field(out, outlen, "SO_ACCEPTCONN",
			       iou_sockopt_int(s->fds[0], SOL_SOCKET, SO_ACCEPTCONN));
		return;
	}
	/* over TCP the end of stream travels like data: wait for it to arrive */
	if (tw->res == 0 && var->kind == IOU_TCP && var->how != SHUT_RD)
		poll(&(struct pollfd){ .fd = s->fds[1], .events = POLLRDHUP }, 1,
		     (int)IOU_WAIT_MS);
	if (s->fds[1] >= 0)
		iou_twin_field(out, outlen, "peer's receive", try_recv(s->fds[1]));
	iou_twin_field(out, outlen, "own receive", try_recv(s->fds[0]));
	n = send(s->fds[0], "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	iou_twin_field(out, outlen, "own send", n < 0 ? -errno : n);
}

static void shut_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(shut) *v = row;
	struct shut_state *s = tw->st;

	if (v->end == END_CLOSED)
		return;
	iou_close_pair(s->fds);
}

static const struct iou_twin_ops shut_twin = {
	.twin = "shutdown(2)",
	.st_size = sizeof(struct shut_state),
	.setup = shut_twin_setup,
	.call = shut_twin_call,
	.prep = shut_twin_prep,
	.state = shut_twin_state,
	.done = shut_twin_done,
};

TEST_F(shut, matches_shutdown)
{
	iou_twin_check_side(_metadata, &self->r, &shut_twin, variant, false, NULL);
}

TEST_HARNESS_MAIN
