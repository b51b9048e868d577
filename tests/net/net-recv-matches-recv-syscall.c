// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_RECV (5.6) is recv(2): on every row of a table of sockets
 * (TCP, UDP, AF_UNIX stream, datagram and seqpacket) with data queued,
 * nothing queued, or the peer gone, and of buffer lengths and flags
 * (MSG_PEEK, MSG_TRUNC, MSG_WAITALL, MSG_DONTWAIT, MSG_OOB,
 * MSG_ERRQUEUE), good and bad, the CQE carries what recv(2) returns in
 * the same state, the buffer holds the same bytes and the same data is
 * left queued.  Rows whose twin would block are not here: the opcode
 * waits where recv(2) would (net-recvsend-poll-first-and-nonempty).
 *
 * The CQE flags are the opcode's own: IORING_CQE_F_SOCK_NONEMPTY (5.19)
 * when the protocol reports data left after the receive: TCP always (and
 * after a FIN, tcp_inq_hint() reports 1 so that the reader comes back
 * for the end), AF_UNIX stream since 6.17 (df30285b3670 "af_unix:
 * Introduce SO_INQ."), datagram protocols never.
 */
#include <sys/ioctl.h>

#include "iou.h"
#include "iou_net.h"
#define IOU_TWIN_FIXTURE recv
#define IOU_TWIN_OPCODE IORING_OP_RECV
#include "iou_twin.h"

#define BUF	512

enum cond {
	C_DATA,		/* the peer sent, and stays */
	C_EOF,		/* the peer sent, then shut down its sending side */
	C_LISTENING,
	C_PIPE,
	C_CLOSED,
};

enum buf { B_DATA, B_NULL, B_UNMAPPED };

FIXTURE_VARIANT(recv) {
	enum iou_sock_kind kind;
	enum cond cond;
	unsigned int queued;	/* bytes the peer sent */
	unsigned int sends;	/* in this many sends (datagrams) */
	unsigned int len;
	int flags;
	enum buf buf;
};

#define ROW(k, c, q, n, l, ...) \
	{ .kind = (k), .cond = (c), .queued = (q), .sends = (n), .len = (l), __VA_ARGS__ }

FIXTURE_VARIANT_ADD(recv, tcp_all) ROW(IOU_TCP, C_DATA, 100, 1, 100);
FIXTURE_VARIANT_ADD(recv, tcp_part) ROW(IOU_TCP, C_DATA, 100, 1, 40);
FIXTURE_VARIANT_ADD(recv, tcp_more_room_than_data) ROW(IOU_TCP, C_DATA, 100, 2, BUF);
FIXTURE_VARIANT_ADD(recv, tcp_peek) ROW(IOU_TCP, C_DATA, 100, 1, 40, .flags = MSG_PEEK);
FIXTURE_VARIANT_ADD(recv, tcp_waitall) ROW(IOU_TCP, C_DATA, 100, 2, 100, .flags = MSG_WAITALL);
FIXTURE_VARIANT_ADD(recv, tcp_trunc_discards) ROW(IOU_TCP, C_DATA, 100, 1, 40, .flags = MSG_TRUNC);
FIXTURE_VARIANT_ADD(recv, tcp_zero_length) ROW(IOU_TCP, C_DATA, 100, 1, 0);
FIXTURE_VARIANT_ADD(recv, tcp_dontwait_nothing_queued)
	ROW(IOU_TCP, C_DATA, 0, 0, 100, .flags = MSG_DONTWAIT);
FIXTURE_VARIANT_ADD(recv, tcp_end_of_stream) ROW(IOU_TCP, C_EOF, 0, 0, 100);
FIXTURE_VARIANT_ADD(recv, tcp_data_then_end) ROW(IOU_TCP, C_EOF, 50, 1, 100);
FIXTURE_VARIANT_ADD(recv, tcp_null_buffer) ROW(IOU_TCP, C_DATA, 100, 1, 100, .buf = B_NULL);
FIXTURE_VARIANT_ADD(recv, tcp_unmapped_buffer) ROW(IOU_TCP, C_DATA, 100, 1, 100, .buf = B_UNMAPPED);
FIXTURE_VARIANT_ADD(recv, tcp_oob_none_urgent) ROW(IOU_TCP, C_DATA, 100, 1, 100, .flags = MSG_OOB);
FIXTURE_VARIANT_ADD(recv, tcp_errqueue_empty) ROW(IOU_TCP, C_DATA, 100, 1, 100, .flags = MSG_ERRQUEUE);
FIXTURE_VARIANT_ADD(recv, tcp_listening) ROW(IOU_TCP, C_LISTENING, 0, 0, 100);
FIXTURE_VARIANT_ADD(recv, udp_all) ROW(IOU_UDP, C_DATA, 100, 1, 100);
FIXTURE_VARIANT_ADD(recv, udp_truncated) ROW(IOU_UDP, C_DATA, 100, 1, 40);
FIXTURE_VARIANT_ADD(recv, udp_trunc_reports_length) ROW(IOU_UDP, C_DATA, 100, 1, 40, .flags = MSG_TRUNC);
FIXTURE_VARIANT_ADD(recv, udp_peek) ROW(IOU_UDP, C_DATA, 100, 1, 100, .flags = MSG_PEEK);
FIXTURE_VARIANT_ADD(recv, udp_empty_datagram) ROW(IOU_UDP, C_DATA, 0, 1, 100);
FIXTURE_VARIANT_ADD(recv, udp_dontwait_nothing_queued)
	ROW(IOU_UDP, C_DATA, 0, 0, 100, .flags = MSG_DONTWAIT);
FIXTURE_VARIANT_ADD(recv, udp_unmapped_buffer) ROW(IOU_UDP, C_DATA, 100, 1, 100, .buf = B_UNMAPPED);
FIXTURE_VARIANT_ADD(recv, unix_stream_all) ROW(IOU_UNIX_STREAM, C_DATA, 100, 1, 100);
FIXTURE_VARIANT_ADD(recv, unix_stream_part) ROW(IOU_UNIX_STREAM, C_DATA, 100, 1, 40);
FIXTURE_VARIANT_ADD(recv, unix_stream_across_sends) ROW(IOU_UNIX_STREAM, C_DATA, 100, 4, BUF);
FIXTURE_VARIANT_ADD(recv, unix_stream_peek) ROW(IOU_UNIX_STREAM, C_DATA, 100, 1, 40, .flags = MSG_PEEK);
FIXTURE_VARIANT_ADD(recv, unix_stream_end_of_stream) ROW(IOU_UNIX_STREAM, C_EOF, 0, 0, 100);
FIXTURE_VARIANT_ADD(recv, unix_stream_dontwait_nothing_queued)
	ROW(IOU_UNIX_STREAM, C_DATA, 0, 0, 100, .flags = MSG_DONTWAIT);
FIXTURE_VARIANT_ADD(recv, unix_stream_null_buffer)
	ROW(IOU_UNIX_STREAM, C_DATA, 100, 1, 100, .buf = B_NULL);
FIXTURE_VARIANT_ADD(recv, unix_dgram_truncated) ROW(IOU_UNIX_DGRAM, C_DATA, 100, 1, 40);
FIXTURE_VARIANT_ADD(recv, unix_dgram_trunc_reports_length)
	ROW(IOU_UNIX_DGRAM, C_DATA, 100, 1, 40, .flags = MSG_TRUNC);
FIXTURE_VARIANT_ADD(recv, unix_dgram_one_of_two) ROW(IOU_UNIX_DGRAM, C_DATA, 100, 2, BUF);
FIXTURE_VARIANT_ADD(recv, unix_seqpacket_truncated) ROW(IOU_UNIX_SEQPACKET, C_DATA, 100, 1, 40);
FIXTURE_VARIANT_ADD(recv, unix_seqpacket_waitall_one_record)
	ROW(IOU_UNIX_SEQPACKET, C_DATA, 100, 2, BUF, .flags = MSG_WAITALL | MSG_DONTWAIT);
FIXTURE_VARIANT_ADD(recv, unix_seqpacket_end) ROW(IOU_UNIX_SEQPACKET, C_EOF, 0, 0, 100);
FIXTURE_VARIANT_ADD(recv, not_a_socket) ROW(IOU_TCP, C_PIPE, 0, 0, 100);
FIXTURE_VARIANT_ADD(recv, closed_descriptor) ROW(IOU_TCP, C_CLOSED, 0, 0, 100);

struct recv_state {
	int fds[2];		/* [0] receives, [1] is the peer */
	unsigned char buf[BUF];
	void *bufp;
};

static bool is_dgram(enum iou_sock_kind k)
{
	return !iou_sock_kind_is_stream(k);
}

static int recv_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(recv) *v = row;
	struct recv_state *s = tw->st;
	unsigned char data[BUF];
	struct sockaddr_in a;
	unsigned int off = 0;

	s->fds[0] = s->fds[1] = -1;
	memset(s->buf, 0xee, sizeof(s->buf));
	s->bufp = v->buf == B_NULL ? NULL : v->buf == B_UNMAPPED ? iou_fault_ptr() : s->buf;
	switch (v->cond) {
	case C_PIPE:
		return pipe2(s->fds, O_CLOEXEC) ? -errno : 0;
	case C_CLOSED:
		s->fds[0] = iou_lowest_free_fd();
		return 0;
	case C_LISTENING:
		s->fds[0] = iou_tcp_listener(1, &a);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	default:
		break;
	}
	if (iou_sock_pair(v->kind, s->fds))
		return -errno;
	iou_fill_pattern(data, v->queued, 0);
	for (unsigned int i = 0; i < v->sends; i++) {
		unsigned int n = v->queued / v->sends + (i + 1 == v->sends ? v->queued % v->sends : 0);

		if (send(s->fds[1], data + off, n, 0) != (ssize_t)n)
			return -errno;
		off += n;
	}
	if (v->cond == C_EOF && shutdown(s->fds[1], SHUT_WR))
		return -errno;
	/* TCP's end of stream arrives like data: wait for it */
	if (v->cond == C_EOF && v->kind == IOU_TCP &&
	    poll(&(struct pollfd){ .fd = s->fds[0], .events = POLLRDHUP }, 1,
		 (int)IOU_WAIT_MS) != 1)
		return -ETIME;
	/* wait until all of it has arrived */
	if (v->kind == IOU_TCP && v->queued &&
	    iou_sock_wait_queued(s->fds[0], (int)v->queued, IOU_WAIT_MS) < (int)v->queued)
		return -ETIME;
	/* a UDP datagram, too, can arrive after send() returned (one per row) */
	if (v->kind == IOU_UDP && v->sends &&
	    poll(&(struct pollfd){ .fd = s->fds[0], .events = POLLIN }, 1, (int)IOU_WAIT_MS) != 1)
		return -ETIME;
	return 0;
}

static int recv_twin_call(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(recv) *v = row;
	struct recv_state *s = tw->st;
	ssize_t n = recv(s->fds[0], s->bufp, v->len, v->flags);

	return n < 0 ? -errno : (int)n;
}

static void recv_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(recv) *v = row;
	struct recv_state *s = tw->st;

	iou_prep_recv(sqe, s->fds[0], s->bufp, v->len, v->flags);
}

static unsigned int recv_twin_flags(struct iou_twin_run *tw, const void *row, int res)
{
	const FIXTURE_VARIANT(recv) *v = row;
	struct recv_state *s = tw->st;
	int left = iou_sock_queued(s->fds[0], SIOCINQ);

	/* after a FIN, TCP reports 1 so that the reader comes back for the end */
	if (v->kind == IOU_TCP && v->cond == C_EOF)
		left = left > 0 ? left : 1;
	return res >= 0 && left > 0 && iou_net_reports_inq(v->kind) ?
	       IORING_CQE_F_SOCK_NONEMPTY : 0;
}

static void recv_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(recv) *v = row;
	struct recv_state *s = tw->st;
	struct iou_sock_rx rx;

	if (v->cond == C_PIPE || v->cond == C_CLOSED || v->cond == C_LISTENING)
		return;
	iou_twin_field(out, outlen, "buffer hash", iou_hash_bytes(s->buf, BUF));
	rx = iou_sock_collect(s->fds[0], 0, 0, 0);
	iou_twin_field(out, outlen, "bytes left", rx.bytes);
	iou_twin_field(out, outlen, "hash of what is left", (long long)rx.hash);
	iou_twin_field(out, outlen, "end of stream next", rx.eof);
	if (is_dgram(v->kind))
		iou_twin_field(out, outlen, "datagrams left", rx.msgs);
}

static void recv_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(recv) *v = row;
	struct recv_state *s = tw->st;

	if (v->cond != C_CLOSED)
		iou_close_pair(s->fds);
}

static const struct iou_twin_ops recv_twin = {
	.twin = "recv(2)",
	.st_size = sizeof(struct recv_state),
	.setup = recv_twin_setup,
	.call = recv_twin_call,
	.prep = recv_twin_prep,
	.state = recv_twin_state,
	.cqe_flags = recv_twin_flags,
	.done = recv_twin_done,
};

IOU_TWIN_SIDE_CASES(recv, matches_recv, &recv_twin, variant, NULL)

TEST_HARNESS_MAIN
