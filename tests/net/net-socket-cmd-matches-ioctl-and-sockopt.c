// SPDX-License-Identifier: GPL-2.0
/*
 * The socket commands of IORING_OP_URING_CMD (6.7), each against its
 * system call on a table of sockets and arguments, good and bad:
 *  - SOCKET_URING_OP_SIOCINQ / _SIOCOUTQ against ioctl(SIOCINQ/SIOCOUTQ):
 *    the same count or errno;
 *  - SOCKET_URING_OP_GETSOCKOPT against getsockopt(2): the same errno,
 *    or on success the option's length as res (where getsockopt returns 0
 *    and writes the length) and the same bytes in the buffer;
 *  - SOCKET_URING_OP_SETSOCKOPT against setsockopt(2): the same result,
 *    and the option reads back the same afterwards.
 * Where they differ by design:
 *  - the queue commands ask the protocol (sk_prot->ioctl), which AF_UNIX
 *    does not implement: EOPNOTSUPP where ioctl(2) answers;
 *  - GETSOCKOPT takes SOL_SOCKET only (io_uring_cmd_getsockopt()):
 *    EOPNOTSUPP for other levels;
 *  - a descriptor that is no socket has no socket commands (and a pipe no
 *    uring_cmd at all): EOPNOTSUPP where the system calls say ENOTSOCK
 *    (FIONREAD, which is SIOCINQ, even works on a pipe).
 * An unknown command is EOPNOTSUPP.
 */
#include <netinet/ip.h>

#include "iou.h"
#include "iou_net.h"

enum sk {
	SK_TCP,		/* connected, 100 bytes queued for reading */
	SK_TCP_IDLE,	/* connected, nothing queued */
	SK_TCP_LISTENER,
	SK_UDP,		/* a 60-byte datagram queued */
	SK_UDP_IDLE,
	SK_UNIX_STREAM,	/* 100 bytes queued */
	SK_UNIX_DGRAM,
	SK_PIPE,	/* not a socket, 10 bytes in it */
};

struct row {
	unsigned int cmd;
	enum sk sk;
	int level, optname;
	int optlen;		/* room, or the value's length */
	int value;		/* for SETSOCKOPT */
	bool unmapped;		/* optval faults */
	const char *why;	/* the opcode answers EOPNOTSUPP by design */
};

#define NO_PROT_IOCTL	"the queue commands ask sk_prot->ioctl, which AF_UNIX lacks"
#define SOL_SOCKET_ONLY	"GETSOCKOPT takes level SOL_SOCKET only"
#define NOT_A_SOCKET	"a file that is no socket has no socket commands"

struct sk_state {
	int fds[2];
};

static int make_socket(enum sk sk, struct sk_state *s)
{
	static const enum iou_sock_kind kinds[] = {
		[SK_TCP] = IOU_TCP, [SK_TCP_IDLE] = IOU_TCP, [SK_UDP] = IOU_UDP,
		[SK_UDP_IDLE] = IOU_UDP, [SK_UNIX_STREAM] = IOU_UNIX_STREAM,
		[SK_UNIX_DGRAM] = IOU_UNIX_DGRAM,
	};
	static const unsigned int queued[] = {
		[SK_TCP] = 100, [SK_UDP] = 60, [SK_UNIX_STREAM] = 100,
	};
	static char data[100];
	struct sockaddr_in a;
	int ret;

	s->fds[0] = s->fds[1] = -1;
	if (sk == SK_TCP_LISTENER) {
		s->fds[0] = iou_tcp_listener(1, &a);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	}
	if (sk == SK_PIPE)
		return pipe2(s->fds, O_CLOEXEC) || write(s->fds[1], data, 10) != 10 ? -errno : 0;
	ret = iou_sock_pair(kinds[sk], s->fds);
	if (ret || !queued[sk])
		return ret;
	if (send(s->fds[1], data, queued[sk], 0) != (ssize_t)queued[sk])
		return -errno;
	return poll(&(struct pollfd){ .fd = s->fds[0], .events = POLLIN }, 1,
		    (int)IOU_WAIT_MS) == 1 &&
	       (kinds[sk] != IOU_TCP ||
		iou_sock_wait_queued(s->fds[0], (int)queued[sk], IOU_WAIT_MS) == (int)queued[sk]) ?
	       0 : -ETIME;
}

static int sk_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;

	return make_socket(v->sk, tw->st);
}

static void sk_twin_done(struct iou_twin_run *tw, const void *row)
{
	iou_close_pair(((struct sk_state *)tw->st)->fds);
}

static struct iou_twin_diff row_diff(const struct row *v)
{
	return (struct iou_twin_diff){ v->why, v->why ? -EOPNOTSUPP : 0 };
}

/* ---- SIOCINQ, SIOCOUTQ ------------------------------------------------ */

FIXTURE(queue) {
	struct iou_ring r;
};

FIXTURE_VARIANT(queue) {
	struct row row;
};

#define Q(c, s, ...)	{ { .cmd = SOCKET_URING_OP_##c, .sk = (s), __VA_ARGS__ } }

FIXTURE_VARIANT_ADD(queue, inq_tcp_data) Q(SIOCINQ, SK_TCP);
FIXTURE_VARIANT_ADD(queue, inq_tcp_nothing) Q(SIOCINQ, SK_TCP_IDLE);
FIXTURE_VARIANT_ADD(queue, inq_tcp_listener) Q(SIOCINQ, SK_TCP_LISTENER);
FIXTURE_VARIANT_ADD(queue, outq_tcp_idle) Q(SIOCOUTQ, SK_TCP_IDLE);
FIXTURE_VARIANT_ADD(queue, inq_udp_datagram) Q(SIOCINQ, SK_UDP);
FIXTURE_VARIANT_ADD(queue, inq_udp_nothing) Q(SIOCINQ, SK_UDP_IDLE);
FIXTURE_VARIANT_ADD(queue, outq_udp) Q(SIOCOUTQ, SK_UDP);
FIXTURE_VARIANT_ADD(queue, inq_unix_stream) Q(SIOCINQ, SK_UNIX_STREAM, .why = NO_PROT_IOCTL);
FIXTURE_VARIANT_ADD(queue, outq_unix_dgram) Q(SIOCOUTQ, SK_UNIX_DGRAM, .why = NO_PROT_IOCTL);
FIXTURE_VARIANT_ADD(queue, inq_pipe) Q(SIOCINQ, SK_PIPE, .why = NOT_A_SOCKET);

FIXTURE_SETUP(queue)
{
	REQUIRE_OPCODE(IORING_OP_URING_CMD);
	REQUIRE_SOCKET_CMD(variant->row.cmd);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(queue)
{
	iou_ring_exit(&self->r);
}

static int queue_twin_call(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;

	return iou_sock_queued(((struct sk_state *)tw->st)->fds[0],
			       v->cmd == SOCKET_URING_OP_SIOCINQ ? SIOCINQ : SIOCOUTQ);
}

static void queue_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const struct row *v = row;

	iou_prep_uring_cmd(sqe, ((struct sk_state *)tw->st)->fds[0], v->cmd);
}

static void queue_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	/* asking changes nothing */
	iou_twin_field(out, outlen, "queued afterwards",
		       iou_sock_queued(((struct sk_state *)tw->st)->fds[0], SIOCINQ));
}

static const struct iou_twin_ops queue_twin = {
	.twin = "ioctl(2)",
	.st_size = sizeof(struct sk_state),
	.setup = sk_twin_setup,
	.call = queue_twin_call,
	.prep = queue_twin_prep,
	.state = queue_twin_state,
	.done = sk_twin_done,
};

TEST_F(queue, matches_ioctl)
{
	struct iou_twin_diff d = row_diff(&variant->row);

	iou_twin_check_side(_metadata, &self->r, &queue_twin, &variant->row, false, &d);
}

/* ---- GETSOCKOPT ------------------------------------------------------------ */

FIXTURE(getopt) {
	struct iou_ring r;
};

FIXTURE_VARIANT(getopt) {
	struct row row;
};

#define G(s, l, n, len, ...) \
	{ { .cmd = SOCKET_URING_OP_GETSOCKOPT, .sk = (s), .level = (l), .optname = (n), \
	    .optlen = (len), __VA_ARGS__ } }

FIXTURE_VARIANT_ADD(getopt, so_type) G(SK_TCP_IDLE, SOL_SOCKET, SO_TYPE, 4);
FIXTURE_VARIANT_ADD(getopt, so_rcvbuf) G(SK_UDP_IDLE, SOL_SOCKET, SO_RCVBUF, 4);
FIXTURE_VARIANT_ADD(getopt, so_acceptconn) G(SK_TCP_LISTENER, SOL_SOCKET, SO_ACCEPTCONN, 4);
FIXTURE_VARIANT_ADD(getopt, so_error) G(SK_UDP_IDLE, SOL_SOCKET, SO_ERROR, 4);
FIXTURE_VARIANT_ADD(getopt, so_linger) G(SK_TCP_IDLE, SOL_SOCKET, SO_LINGER, 8);
FIXTURE_VARIANT_ADD(getopt, so_peercred) G(SK_UNIX_STREAM, SOL_SOCKET, SO_PEERCRED, 12);
FIXTURE_VARIANT_ADD(getopt, room_larger_than_the_value) G(SK_TCP_IDLE, SOL_SOCKET, SO_TYPE, 16);
FIXTURE_VARIANT_ADD(getopt, room_short) G(SK_TCP_IDLE, SOL_SOCKET, SO_TYPE, 2);
FIXTURE_VARIANT_ADD(getopt, room_negative) G(SK_TCP_IDLE, SOL_SOCKET, SO_TYPE, -1);
FIXTURE_VARIANT_ADD(getopt, unknown_option) G(SK_TCP_IDLE, SOL_SOCKET, 9999, 4);
FIXTURE_VARIANT_ADD(getopt, buffer_unmapped) G(SK_UDP_IDLE, SOL_SOCKET, SO_TYPE, 4, .unmapped = true);
FIXTURE_VARIANT_ADD(getopt, tcp_level) G(SK_TCP_IDLE, IPPROTO_TCP, TCP_NODELAY, 4, .why = SOL_SOCKET_ONLY);
FIXTURE_VARIANT_ADD(getopt, not_a_socket) G(SK_PIPE, SOL_SOCKET, SO_TYPE, 4, .why = NOT_A_SOCKET);

FIXTURE_SETUP(getopt)
{
	REQUIRE_OPCODE(IORING_OP_URING_CMD);
	REQUIRE_SOCKET_CMD(SOCKET_URING_OP_GETSOCKOPT);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(getopt)
{
	iou_ring_exit(&self->r);
}

static unsigned char optbuf[32];

static void *optval(const struct row *v)
{
	return v->unmapped ? iou_fault_ptr() : optbuf;
}

/* the opcode reports the length where getsockopt(2) returns 0 and writes it */
static int getopt_twin_call(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;
	socklen_t len = (socklen_t)v->optlen;

	memset(optbuf, 0xee, sizeof(optbuf));
	if (getsockopt(((struct sk_state *)tw->st)->fds[0], v->level, v->optname, optval(v), &len))
		return -errno;
	return (int)len;
}

static void getopt_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const struct row *v = row;

	memset(optbuf, 0xee, sizeof(optbuf));
	iou_prep_socket_cmd(sqe, ((struct sk_state *)tw->st)->fds[0], v->cmd, v->level, v->optname,
			    optval(v), v->optlen);
}

static void getopt_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const struct row *v = row;

	/* where the opcode refuses by design, only the system call wrote */
	if (!v->why)
		iou_twin_field(out, outlen, "option bytes", iou_hash_bytes(optbuf, sizeof(optbuf)));
}

static const struct iou_twin_ops getopt_twin = {
	.twin = "getsockopt(2)",
	.st_size = sizeof(struct sk_state),
	.setup = sk_twin_setup,
	.call = getopt_twin_call,
	.prep = getopt_twin_prep,
	.state = getopt_twin_state,
	.done = sk_twin_done,
};

TEST_F(getopt, matches_getsockopt)
{
	struct iou_twin_diff d = row_diff(&variant->row);

	iou_twin_check_side(_metadata, &self->r, &getopt_twin, &variant->row, false, &d);
}

/* ---- SETSOCKOPT ------------------------------------------------------------ */

FIXTURE(setopt) {
	struct iou_ring r;
};

FIXTURE_VARIANT(setopt) {
	struct row row;
};

#define S(s, l, n, len, val, ...) \
	{ { .cmd = SOCKET_URING_OP_SETSOCKOPT, .sk = (s), .level = (l), .optname = (n), \
	    .optlen = (len), .value = (val), __VA_ARGS__ } }

FIXTURE_VARIANT_ADD(setopt, so_rcvbuf) S(SK_UDP_IDLE, SOL_SOCKET, SO_RCVBUF, 4, 65536);
FIXTURE_VARIANT_ADD(setopt, so_keepalive) S(SK_TCP_IDLE, SOL_SOCKET, SO_KEEPALIVE, 4, 1);
FIXTURE_VARIANT_ADD(setopt, tcp_nodelay) S(SK_TCP_IDLE, IPPROTO_TCP, TCP_NODELAY, 4, 1);
FIXTURE_VARIANT_ADD(setopt, ip_tos) S(SK_UDP_IDLE, IPPROTO_IP, IP_TOS, 4, 0x10);
FIXTURE_VARIANT_ADD(setopt, length_short) S(SK_TCP_IDLE, SOL_SOCKET, SO_KEEPALIVE, 2, 1);
FIXTURE_VARIANT_ADD(setopt, value_unmapped)
	S(SK_TCP_IDLE, SOL_SOCKET, SO_KEEPALIVE, 4, 1, .unmapped = true);
FIXTURE_VARIANT_ADD(setopt, unknown_option) S(SK_TCP_IDLE, SOL_SOCKET, 9999, 4, 1);
FIXTURE_VARIANT_ADD(setopt, unknown_level) S(SK_UDP_IDLE, 9999, 1, 4, 1);
FIXTURE_VARIANT_ADD(setopt, tcp_option_on_udp) S(SK_UDP_IDLE, IPPROTO_TCP, TCP_NODELAY, 4, 1);
FIXTURE_VARIANT_ADD(setopt, not_a_socket)
	S(SK_PIPE, SOL_SOCKET, SO_KEEPALIVE, 4, 1, .why = NOT_A_SOCKET);

FIXTURE_SETUP(setopt)
{
	REQUIRE_OPCODE(IORING_OP_URING_CMD);
	REQUIRE_SOCKET_CMD(SOCKET_URING_OP_SETSOCKOPT);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(setopt)
{
	iou_ring_exit(&self->r);
}

static void *setval(const struct row *v)
{
	memcpy(optbuf, &v->value, sizeof(v->value));
	return optval(v);
}

static int setopt_twin_call(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;

	return setsockopt(((struct sk_state *)tw->st)->fds[0], v->level, v->optname, setval(v),
			  (socklen_t)v->optlen) ? -errno : 0;
}

static void setopt_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const struct row *v = row;

	iou_prep_socket_cmd(sqe, ((struct sk_state *)tw->st)->fds[0], v->cmd, v->level, v->optname,
			    setval(v), v->optlen);
}

static void setopt_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const struct row *v = row;

	if (v->sk != SK_PIPE)
		iou_twin_field(out, outlen, "option read back",
			       iou_sockopt_int(((struct sk_state *)tw->st)->fds[0], v->level, v->optname));
}

static const struct iou_twin_ops setopt_twin = {
	.twin = "setsockopt(2)",
	.st_size = sizeof(struct sk_state),
	.setup = sk_twin_setup,
	.call = setopt_twin_call,
	.prep = setopt_twin_prep,
	.state = setopt_twin_state,
	.done = sk_twin_done,
};

TEST_F(setopt, matches_setsockopt)
{
	struct iou_twin_diff d = row_diff(&variant->row);

	iou_twin_check_side(_metadata, &self->r, &setopt_twin, &variant->row, false, &d);
}

TEST(unknown_command_is_eopnotsupp)
{
	struct iou_ring r;
	int fd = iou_socket(AF_INET, SOCK_DGRAM);

	REQUIRE_OPCODE(IORING_OP_URING_CMD);
	REQUIRE_SOCKET_CMD(SOCKET_URING_OP_SIOCINQ);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	iou_prep_uring_cmd(iou_get_sqe(&r), fd, 0x7f00);
	ASSERT_RES(-EOPNOTSUPP, iou_run_one(&r, NULL));
	close(fd);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
