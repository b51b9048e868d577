// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_BIND and IORING_OP_LISTEN (6.11) are bind(2) and listen(2):
 * on every row of a table of sockets, addresses, lengths and backlogs,
 * good and bad, the CQE carries what the system call returns in the
 * same state, and the socket ends up the same (its name, whether it
 * listens, a socket file on disk for an AF_UNIX path).
 *
 * Each case runs in a network namespace of its own, so a fixed port is
 * free (or taken by the row itself) whatever else runs on the machine.
 */
#include <sys/stat.h>

#include "iou.h"
#include "iou_net.h"

#define PORT	34567	/* free in a fresh namespace */

enum addr_kind {
	ADDR_LOOPBACK,		/* 127.0.0.1:PORT */
	ADDR_LOOPBACK_ANY_PORT,	/* 127.0.0.1:0, an ephemeral port */
	ADDR_ANY,		/* 0.0.0.0:PORT */
	ADDR_NOT_LOCAL,		/* 10.0.0.1, no interface has it */
	ADDR_UNIX_PATH,		/* a path in the scratch directory */
	ADDR_UNIX_ABSTRACT,
	ADDR_UNIX_AUTOBIND,	/* only the family: the kernel picks a name */
	ADDR_UNIX_NO_DIR,	/* a path under a missing directory */
	ADDR_UNSPEC,		/* AF_UNSPEC, port PORT, not INADDR_ANY */
	ADDR_UNMAPPED,		/* the pointer faults */
};

enum fd_kind {
	FD_FRESH,		/* a new socket */
	FD_BOUND,		/* already bound to 127.0.0.1:PORT + 1 */
	FD_PORT_TAKEN,		/* another socket listens on PORT */
	FD_PATH_TAKEN,		/* the AF_UNIX path exists already */
	FD_CONNECTED,		/* a connected TCP socket */
	FD_LISTENING,		/* already listening */
	FD_PIPE,		/* not a socket */
	FD_CLOSED,		/* no such descriptor */
};

FIXTURE(bind) {
	struct iou_ring r;
};

FIXTURE_VARIANT(bind) {
	int domain, type;
	enum addr_kind addr;
	enum fd_kind fd;
	int len_delta;		/* added to the address's natural length */
	bool zero_len;
};

#define BIND_ROW(d, t, a, f, ...) { .domain = (d), .type = (t), .addr = (a), .fd = (f), __VA_ARGS__ }

FIXTURE_VARIANT_ADD(bind, tcp_loopback_port) BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, tcp_ephemeral_port)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK_ANY_PORT, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, udp_any_address) BIND_ROW(AF_INET, SOCK_DGRAM, ADDR_ANY, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, tcp_port_in_use)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_PORT_TAKEN);
FIXTURE_VARIANT_ADD(bind, udp_port_in_use) BIND_ROW(AF_INET, SOCK_DGRAM, ADDR_LOOPBACK, FD_PORT_TAKEN);
FIXTURE_VARIANT_ADD(bind, already_bound) BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_BOUND);
FIXTURE_VARIANT_ADD(bind, address_not_local)
	BIND_ROW(AF_INET, SOCK_DGRAM, ADDR_NOT_LOCAL, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, unix_family_on_inet)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_UNIX_ABSTRACT, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, unspec_family_on_inet)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_UNSPEC, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, length_short)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_FRESH, .len_delta = -1);
FIXTURE_VARIANT_ADD(bind, length_zero)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_FRESH, .zero_len = true);
FIXTURE_VARIANT_ADD(bind, length_past_sockaddr_storage)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_FRESH,
		 .len_delta = (int)(sizeof(struct sockaddr_storage) - sizeof(struct sockaddr_in)) + 1);
FIXTURE_VARIANT_ADD(bind, address_unmapped)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_UNMAPPED, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, not_a_socket) BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_PIPE);
FIXTURE_VARIANT_ADD(bind, closed_descriptor)
	BIND_ROW(AF_INET, SOCK_STREAM, ADDR_LOOPBACK, FD_CLOSED);
FIXTURE_VARIANT_ADD(bind, unix_stream_path) BIND_ROW(AF_UNIX, SOCK_STREAM, ADDR_UNIX_PATH, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, unix_dgram_path) BIND_ROW(AF_UNIX, SOCK_DGRAM, ADDR_UNIX_PATH, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, unix_path_exists)
	BIND_ROW(AF_UNIX, SOCK_STREAM, ADDR_UNIX_PATH, FD_PATH_TAKEN);
FIXTURE_VARIANT_ADD(bind, unix_missing_directory)
	BIND_ROW(AF_UNIX, SOCK_STREAM, ADDR_UNIX_NO_DIR, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, unix_abstract) BIND_ROW(AF_UNIX, SOCK_SEQPACKET, ADDR_UNIX_ABSTRACT, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, unix_autobind) BIND_ROW(AF_UNIX, SOCK_DGRAM, ADDR_UNIX_AUTOBIND, FD_FRESH);
FIXTURE_VARIANT_ADD(bind, unix_inet_family)
	BIND_ROW(AF_UNIX, SOCK_STREAM, ADDR_LOOPBACK, FD_FRESH);

FIXTURE_SETUP(bind)
{
	REQUIRE_OPCODE(IORING_OP_BIND);
	IOU_ENTER_PRIVATE_NETNS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(bind)
{
	iou_ring_exit(&self->r);
}

struct bind_state {
	int fd, other;
	struct sockaddr_storage ss;
	socklen_t len;
	const void *addr;
};

static socklen_t make_addr(enum addr_kind k, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_un *un = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof(*ss));
	switch (k) {
	case ADDR_LOOPBACK:
	case ADDR_LOOPBACK_ANY_PORT:
	case ADDR_ANY:
	case ADDR_NOT_LOCAL:
	case ADDR_UNSPEC:
		*in = iou_loopback4(k == ADDR_LOOPBACK_ANY_PORT ? 0 : PORT);
		if (k == ADDR_ANY)
			in->sin_addr.s_addr = htonl(INADDR_ANY);
		if (k == ADDR_NOT_LOCAL)
			in->sin_addr.s_addr = htonl(0x0a000001);
		if (k == ADDR_UNSPEC)
			in->sin_family = AF_UNSPEC;
		return sizeof(*in);
	case ADDR_UNIX_PATH:
	case ADDR_UNIX_NO_DIR:
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s",
			 iou_scratch_path(k == ADDR_UNIX_PATH ? "sock" : "nodir/sock"));
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un->sun_path) + 1);
	case ADDR_UNIX_ABSTRACT:
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, "\0iou-bind", 9);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 9);
	case ADDR_UNIX_AUTOBIND:
		un->sun_family = AF_UNIX;
		return sizeof(sa_family_t);
	case ADDR_UNMAPPED:
		return sizeof(*in);
	}
	return 0;
}

static int bind_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(bind) *v = row;
	struct bind_state *s = tw->st;
	struct sockaddr_in taken = iou_loopback4(PORT), mine = iou_loopback4(PORT + 1);

	s->other = -1;
	s->len = make_addr(v->addr, &s->ss);
	s->len = v->zero_len ? 0 : (socklen_t)((int)s->len + v->len_delta);
	s->addr = v->addr == ADDR_UNMAPPED ? iou_fault_ptr() : (const void *)&s->ss;

	switch (v->fd) {
	case FD_PIPE:
	case FD_CLOSED:
		return iou_not_a_socket(v->fd == FD_CLOSED, &s->fd);
	case FD_PORT_TAKEN:
		s->other = iou_socket(AF_INET, v->type);
		if (s->other < 0 || bind(s->other, (struct sockaddr *)&taken, sizeof(taken)))
			return -errno;
		break;
	case FD_PATH_TAKEN:
		s->other = iou_scratch_file("sock", 0, 0);
		if (s->other < 0)
			return s->other;
		break;
	default:
		break;
	}
	s->fd = iou_socket(v->domain, v->type);
	if (s->fd < 0)
		return s->fd;
	if (v->fd == FD_BOUND && bind(s->fd, (struct sockaddr *)&mine, sizeof(mine)))
		return -errno;
	return 0;
}

static int bind_twin_call(struct iou_twin_run *tw, const void *row)
{
	struct bind_state *s = tw->st;

	return bind(s->fd, s->addr, s->len) ? -errno : 0;
}

static void bind_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	struct bind_state *s = tw->st;

	iou_prep_bind(sqe, s->fd, s->addr, s->len);
}

static void bind_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(bind) *var = row;
	struct bind_state *s = tw->st;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct stat sb;

	memset(&ss, 0, sizeof(ss));
	if (var->fd == FD_PIPE || var->fd == FD_CLOSED)
		return;
	iou_twin_field(out, outlen, "getsockname", getsockname(s->fd, (struct sockaddr *)&ss, &len) ? -errno : 0);
	iou_twin_field(out, outlen, "name length", len);
	iou_twin_field(out, outlen, "family", ss.ss_family);
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		unsigned int port = ntohs(in->sin_port);

		/* an ephemeral port is whichever the kernel picked */
		iou_twin_field(out, outlen, "port", var->addr == ADDR_LOOPBACK_ANY_PORT && port ? 1 : port);
		iou_twin_field(out, outlen, "address", ntohl(in->sin_addr.s_addr));
	} else if (var->addr == ADDR_UNIX_PATH) {
		iou_twin_field(out, outlen, "path is a socket",
			       !stat(iou_scratch_path("sock"), &sb) && S_ISSOCK(sb.st_mode));
	} else if (var->addr == ADDR_UNIX_AUTOBIND) {
		/* an autobound name is abstract: a NUL, then the kernel's choice */
		iou_twin_field(out, outlen, "abstract", ((struct sockaddr_un *)&ss)->sun_path[0] == '\0');
	}
}

static void bind_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(bind) *v = row;
	struct bind_state *s = tw->st;

	if (v->fd != FD_CLOSED && s->fd >= 0)
		close(s->fd);
	if (s->other >= 0)
		close(s->other);
	unlink(iou_scratch_path("sock"));
}

static const struct iou_twin_ops bind_twin = {
	.twin = "bind(2)",
	.st_size = sizeof(struct bind_state),
	.setup = bind_twin_setup,
	.call = bind_twin_call,
	.prep = bind_twin_prep,
	.state = bind_twin_state,
	.done = bind_twin_done,
};

IOU_TWIN_SIDE_CASES(bind, matches_bind, &bind_twin, variant, NULL)

/* ---- listen ------------------------------------------------------------- */

FIXTURE(listen) {
	struct iou_ring r;
};

FIXTURE_VARIANT(listen) {
	int domain, type;
	enum fd_kind fd;
	int backlog;
};

#define LISTEN_ROW(d, t, f, b) { .domain = (d), .type = (t), .fd = (f), .backlog = (b) }

FIXTURE_VARIANT_ADD(listen, tcp_bound) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_BOUND, 8);
FIXTURE_VARIANT_ADD(listen, tcp_unbound_autobinds) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_FRESH, 8);
FIXTURE_VARIANT_ADD(listen, tcp_again_changes_backlog) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_LISTENING, 2);
FIXTURE_VARIANT_ADD(listen, tcp_negative_backlog) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_BOUND, -1);
FIXTURE_VARIANT_ADD(listen, tcp_huge_backlog) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_BOUND, 1 << 30);
FIXTURE_VARIANT_ADD(listen, tcp_connected) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_CONNECTED, 8);
FIXTURE_VARIANT_ADD(listen, udp) LISTEN_ROW(AF_INET, SOCK_DGRAM, FD_BOUND, 8);
FIXTURE_VARIANT_ADD(listen, unix_stream_bound) LISTEN_ROW(AF_UNIX, SOCK_STREAM, FD_BOUND, 8);
FIXTURE_VARIANT_ADD(listen, unix_stream_unbound) LISTEN_ROW(AF_UNIX, SOCK_STREAM, FD_FRESH, 8);
FIXTURE_VARIANT_ADD(listen, unix_seqpacket_bound) LISTEN_ROW(AF_UNIX, SOCK_SEQPACKET, FD_BOUND, 8);
FIXTURE_VARIANT_ADD(listen, unix_dgram) LISTEN_ROW(AF_UNIX, SOCK_DGRAM, FD_BOUND, 8);
FIXTURE_VARIANT_ADD(listen, not_a_socket) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_PIPE, 8);
FIXTURE_VARIANT_ADD(listen, closed_descriptor) LISTEN_ROW(AF_INET, SOCK_STREAM, FD_CLOSED, 8);

FIXTURE_SETUP(listen)
{
	REQUIRE_OPCODE(IORING_OP_LISTEN);
	IOU_ENTER_PRIVATE_NETNS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(listen)
{
	iou_ring_exit(&self->r);
}

struct listen_state {
	int fd, peer, listener;
};

static int bind_own_name(int fd, int domain)
{
	struct sockaddr_in in = iou_loopback4(PORT);
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	memcpy(un.sun_path, "\0iou-listen", 11);
	if (domain == AF_INET)
		return bind(fd, (struct sockaddr *)&in, sizeof(in)) ? -errno : 0;
	return bind(fd, (struct sockaddr *)&un,
		    offsetof(struct sockaddr_un, sun_path) + 11) ? -errno : 0;
}

static int listen_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(listen) *v = row;
	struct listen_state *s = tw->st;
	struct sockaddr_in a;
	int ret;

	s->peer = s->listener = -1;
	switch (v->fd) {
	case FD_PIPE:
	case FD_CLOSED:
		return iou_not_a_socket(v->fd == FD_CLOSED, &s->fd);
	case FD_CONNECTED:
		s->listener = iou_tcp_listener(1, &a);
		if (s->listener < 0)
			return s->listener;
		s->fd = iou_tcp_connect(&a);
		return s->fd < 0 ? s->fd : 0;
	default:
		break;
	}
	s->fd = iou_socket(v->domain, v->type);
	if (s->fd < 0)
		return s->fd;
	if (v->fd == FD_BOUND || v->fd == FD_LISTENING) {
		ret = bind_own_name(s->fd, v->domain);
		if (ret)
			return ret;
	}
	if (v->fd == FD_LISTENING && listen(s->fd, 16))
		return -errno;
	return 0;
}

static int listen_twin_call(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(listen) *v = row;
	struct listen_state *s = tw->st;

	return listen(s->fd, v->backlog) ? -errno : 0;
}

static void listen_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(listen) *v = row;
	struct listen_state *s = tw->st;

	iou_prep_listen(sqe, s->fd, v->backlog);
}

static void listen_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(listen) *var = row;
	struct listen_state *s = tw->st;
	struct sockaddr_in a;

	if (var->fd == FD_PIPE || var->fd == FD_CLOSED)
		return;
	iou_twin_field(out, outlen, "SO_ACCEPTCONN", iou_sockopt_int(s->fd, SOL_SOCKET, SO_ACCEPTCONN));
	if (var->domain == AF_INET && var->fd == FD_FRESH)
		iou_twin_field(out, outlen, "bound to a port", !iou_sock_name(s->fd, &a) && a.sin_port);
}

static void listen_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(listen) *v = row;
	struct listen_state *s = tw->st;

	if (v->fd != FD_CLOSED && s->fd >= 0)
		close(s->fd);
	if (s->listener >= 0)
		close(s->listener);
}

static const struct iou_twin_ops listen_twin = {
	.twin = "listen(2)",
	.st_size = sizeof(struct listen_state),
	.setup = listen_twin_setup,
	.call = listen_twin_call,
	.prep = listen_twin_prep,
	.state = listen_twin_state,
	.done = listen_twin_done,
};

TEST_F(listen, matches_listen)
{
	iou_twin_check_side(_metadata, &self->r, &listen_twin, variant, false, NULL);
}

/* a listener made with the two opcodes, linked, takes a connection */
TEST(bind_then_listen_make_a_listener)
{
	struct sockaddr_in a = iou_loopback4(PORT), got;
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	int fd, c;

	REQUIRE_OPCODE(IORING_OP_LISTEN);
	IOU_ENTER_PRIVATE_NETNS();
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	fd = iou_socket(AF_INET, SOCK_STREAM);
	ASSERT_LE(0, fd);
	sqe = iou_get_sqe(&r);
	iou_prep_bind(sqe, fd, (struct sockaddr *)&a, sizeof(a));
	sqe->flags = IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = iou_get_sqe(&r);
	iou_prep_listen(sqe, fd, 4);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&r));
	IOU_EXPECT_CQES(&r, IOU_CQE(1, 0), IOU_CQE(2, 0));
	ASSERT_EQ(0, iou_sock_name(fd, &got));
	ASSERT_EQ(htons(PORT), got.sin_port);
	ASSERT_EQ(1, iou_sockopt_int(fd, SOL_SOCKET, SO_ACCEPTCONN));
	c = iou_tcp_connect(&a);
	ASSERT_LE(0, c);
	close(c);
	close(fd);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
