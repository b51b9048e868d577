// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_ACCEPT (5.5) is accept4(2): on every row of a table of
 * listeners, address buffers, lengths and flags, good and bad, with a
 * connection waiting, the CQE carries what accept4(2) returns in the same
 * state (the same descriptor number, or the same -errno), and afterwards
 * the same is visible: the length written back, the peer's address, the
 * new socket's O_NONBLOCK and FD_CLOEXEC and its link to the client, and
 * whether the connection was used up (a bad address buffer loses it in
 * both).  Also when the request is forced to io-wq.
 */
#include <poll.h>
#include <sys/resource.h>

#include "iou.h"
#include "iou_net.h"
#define IOU_TWIN_FIXTURE accept
#define IOU_TWIN_OPCODE IORING_OP_ACCEPT
#include "iou_twin.h"

enum lsn {
	LSN_TCP,		/* TCP listener, one connection waiting */
	LSN_UNIX_STREAM,	/* AF_UNIX stream listener, likewise */
	LSN_UNIX_SEQPACKET,
	LSN_TCP_NOT_LISTENING,	/* bound, never listened */
	LSN_UDP,
	LSN_UNIX_DGRAM,
	LSN_PIPE,
	LSN_CLOSED,
};

enum abuf {
	ABUF_FULL,		/* a sockaddr_storage, its size */
	ABUF_NONE,		/* addr and addrlen NULL */
	ABUF_SHORT,		/* room for 4 bytes */
	ABUF_ZERO,		/* length 0 */
	ABUF_NEGATIVE,		/* length -1 */
	ABUF_UNMAPPED,		/* the address faults */
	ABUF_LEN_UNMAPPED,	/* the length faults */
};

FIXTURE_VARIANT(accept) {
	enum lsn lsn;
	enum abuf abuf;
	int flags;
	bool no_free_fd;
};

#define ROW(l, a, f)	{ .lsn = (l), .abuf = (a), .flags = (f) }

FIXTURE_VARIANT_ADD(accept, tcp) ROW(LSN_TCP, ABUF_FULL, 0);
FIXTURE_VARIANT_ADD(accept, tcp_nonblock) ROW(LSN_TCP, ABUF_FULL, SOCK_NONBLOCK);
FIXTURE_VARIANT_ADD(accept, tcp_cloexec) ROW(LSN_TCP, ABUF_FULL, SOCK_CLOEXEC);
FIXTURE_VARIANT_ADD(accept, tcp_nonblock_cloexec) ROW(LSN_TCP, ABUF_NONE, SOCK_NONBLOCK | SOCK_CLOEXEC);
FIXTURE_VARIANT_ADD(accept, tcp_no_address) ROW(LSN_TCP, ABUF_NONE, 0);
FIXTURE_VARIANT_ADD(accept, tcp_address_truncated) ROW(LSN_TCP, ABUF_SHORT, 0);
FIXTURE_VARIANT_ADD(accept, tcp_address_length_zero) ROW(LSN_TCP, ABUF_ZERO, 0);
FIXTURE_VARIANT_ADD(accept, tcp_address_length_negative) ROW(LSN_TCP, ABUF_NEGATIVE, 0);
FIXTURE_VARIANT_ADD(accept, tcp_address_unmapped) ROW(LSN_TCP, ABUF_UNMAPPED, 0);
FIXTURE_VARIANT_ADD(accept, tcp_length_unmapped) ROW(LSN_TCP, ABUF_LEN_UNMAPPED, 0);
FIXTURE_VARIANT_ADD(accept, tcp_unknown_flag) ROW(LSN_TCP, ABUF_FULL, O_APPEND);
FIXTURE_VARIANT_ADD(accept, unix_stream) ROW(LSN_UNIX_STREAM, ABUF_FULL, SOCK_CLOEXEC);
FIXTURE_VARIANT_ADD(accept, unix_seqpacket) ROW(LSN_UNIX_SEQPACKET, ABUF_FULL, 0);
FIXTURE_VARIANT_ADD(accept, tcp_not_listening) ROW(LSN_TCP_NOT_LISTENING, ABUF_FULL, 0);
FIXTURE_VARIANT_ADD(accept, udp_socket) ROW(LSN_UDP, ABUF_FULL, 0);
FIXTURE_VARIANT_ADD(accept, unix_dgram_socket) ROW(LSN_UNIX_DGRAM, ABUF_NONE, 0);
FIXTURE_VARIANT_ADD(accept, not_a_socket) ROW(LSN_PIPE, ABUF_FULL, 0);
FIXTURE_VARIANT_ADD(accept, closed_descriptor) ROW(LSN_CLOSED, ABUF_FULL, 0);
FIXTURE_VARIANT_ADD(accept, no_free_descriptor) {
	.lsn = LSN_TCP, .abuf = ABUF_FULL, .no_free_fd = true };

struct acc_state {
	int lfd, client;
	struct sockaddr_storage addr;
	socklen_t len;
	void *addrp;
	socklen_t *lenp;
	struct rlimit saved;	/* zero unless the row exhausted descriptors */
};

static int make_listener(enum lsn l, struct acc_state *s)
{
	static const int unix_type[] = {
		[LSN_UNIX_STREAM] = SOCK_STREAM, [LSN_UNIX_SEQPACKET] = SOCK_SEQPACKET,
		[LSN_UNIX_DGRAM] = SOCK_DGRAM,
	};
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in a;

	switch (l) {
	case LSN_TCP:
		s->lfd = iou_tcp_listener(4, &a);
		if (s->lfd < 0)
			return s->lfd;
		s->client = iou_tcp_connect(&a);
		if (s->client < 0)
			return s->client;
		return iou_tcp_wait_accept_queue(s->lfd, 1, IOU_WAIT_MS) == 1 ? 0 : -ETIME;
	case LSN_TCP_NOT_LISTENING:
		s->lfd = iou_loopback_socket(SOCK_STREAM, -1, &a);
		return s->lfd < 0 ? s->lfd : 0;
	case LSN_UDP:
		s->lfd = iou_loopback_socket(SOCK_DGRAM, -1, &a);
		return s->lfd < 0 ? s->lfd : 0;
	case LSN_PIPE:
	case LSN_CLOSED:
		return iou_not_a_socket(l == LSN_CLOSED, &s->lfd);
	default:
		break;
	}
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", iou_scratch_path("lsn"));
	s->lfd = iou_socket(AF_UNIX, unix_type[l]);
	if (s->lfd < 0)
		return s->lfd;
	if (bind(s->lfd, (struct sockaddr *)&un, sizeof(un)))
		return -errno;
	if (l == LSN_UNIX_DGRAM)
		return 0;
	if (listen(s->lfd, 4))
		return -errno;
	s->client = iou_socket(AF_UNIX, unix_type[l]);
	if (s->client < 0)
		return s->client;
	return connect(s->client, (struct sockaddr *)&un, sizeof(un)) ? -errno : 0;
}

static int acc_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(accept) *v = row;
	struct acc_state *s = tw->st;
	int ret;

	s->lfd = s->client = -1;
	ret = make_listener(v->lsn, s);
	if (ret)
		return ret;
	memset(&s->addr, 0xa5, sizeof(s->addr));
	s->addrp = &s->addr;
	s->lenp = &s->len;
	switch (v->abuf) {
	case ABUF_FULL: s->len = sizeof(s->addr); break;
	case ABUF_NONE: s->addrp = NULL; s->lenp = NULL; break;
	case ABUF_SHORT: s->len = 4; break;
	case ABUF_ZERO: s->len = 0; break;
	case ABUF_NEGATIVE: s->len = (socklen_t)-1; break;
	case ABUF_UNMAPPED: s->len = sizeof(s->addr); s->addrp = iou_fault_ptr(); break;
	case ABUF_LEN_UNMAPPED: s->lenp = iou_fault_ptr(); break;
	}
	return v->no_free_fd ? iou_twin_fds_exhaust(&s->saved) : 0;
}

static int acc_twin_call(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(accept) *v = row;
	struct acc_state *s = tw->st;
	int fd = accept4(s->lfd, s->addrp, s->lenp, v->flags);

	return fd < 0 ? -errno : fd;
}

static void acc_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(accept) *v = row;
	struct acc_state *s = tw->st;

	iou_prep_accept(sqe, s->lfd, s->addrp, s->lenp, v->flags);
}

/* does a byte from the client reach fd? */
static int linked_to_client(int fd, int client)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c = 0;

	if (send(client, "k", 1, MSG_NOSIGNAL) != 1)
		return -errno;
	if (poll(&pfd, 1, (int)IOU_WAIT_MS) != 1)
		return 0;
	return recv(fd, &c, 1, MSG_DONTWAIT) == 1 && c == 'k';
}

static void acc_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(accept) *var = row;
	struct acc_state *s = tw->st;
	struct pollfd pfd = { .fd = s->lfd, .events = POLLIN };
	struct sockaddr_in me;

	/* descriptors again for what the state needs */
	iou_twin_fds_restore(&s->saved);
	if (var->abuf != ABUF_NONE && var->abuf != ABUF_LEN_UNMAPPED)
		iou_twin_field(out, outlen, "address length", (int)s->len);
	if (var->abuf == ABUF_FULL || var->abuf == ABUF_SHORT) {
		/* the bytes written back, up to the room given */
		iou_twin_field(out, outlen, "family", s->addr.ss_family);
		if (var->lsn == LSN_TCP && var->abuf == ABUF_FULL && !iou_sock_name(s->client, &me))
			iou_twin_field(out, outlen, "peer is the client",
				       ((struct sockaddr_in *)&s->addr)->sin_port == me.sin_port);
		iou_twin_field(out, outlen, "byte past the room", ((unsigned char *)&s->addr)[s->len < 16 ? 4 : 16]);
	}
	if (var->lsn == LSN_PIPE || var->lsn == LSN_CLOSED)
		return;
	if (tw->res >= 0) {
		iou_twin_field(out, outlen, "SOCK_NONBLOCK|SOCK_CLOEXEC", iou_fd_sock_flags(tw->res));
		iou_twin_field(out, outlen, "linked to the client", linked_to_client(tw->res, s->client));
		close(tw->res);
	}
	/* was the connection used up? */
	iou_twin_field(out, outlen, "another connection waiting", poll(&pfd, 1, 0));
}

static void acc_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(accept) *v = row;
	struct acc_state *s = tw->st;

	iou_twin_fds_restore(&s->saved);
	if (v->lsn != LSN_CLOSED)
		iou_close_res(s->lfd);
	iou_close_res(s->client);
	unlink(iou_scratch_path("lsn"));
}

static const struct iou_twin_ops acc_twin = {
	.twin = "accept4(2)",
	.st_size = sizeof(struct acc_state),
	.setup = acc_twin_setup,
	.call = acc_twin_call,
	.prep = acc_twin_prep,
	.state = acc_twin_state,
	.done = acc_twin_done,
};

IOU_TWIN_SIDE_CASES(accept, matches_accept4, &acc_twin, variant, NULL)

TEST_HARNESS_MAIN
