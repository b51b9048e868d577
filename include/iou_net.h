/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets for the net and poll areas.
 *
 *  - addresses and sockets on loopback only: listeners on an ephemeral
 *    port of 127.0.0.1, connected pairs of every kind the suite uses
 *    (TCP, UDP, AF_UNIX stream, datagram and seqpacket);
 *  - a private network namespace (the case's process moves into a new
 *    one with loopback up) for cases that need ports nobody else can
 *    take, e.g. a port that is certainly closed;
 *  - small -errno wrappers: bytes queued, draining, descriptor flags.
 * The socket opcodes are held to their system calls by iou_twin.h.
 *
 * Everything is static inline: each test program is one translation unit.
 */
#ifndef IOU_NET_H
#define IOU_NET_H

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "iou.h"
#include "iou_pbuf.h"
#include "iou_twin.h"

/* ---- addresses and sockets ---------------------------------------------- */

/* 127.0.0.1:port (port in host order; 0 for any) */
static inline struct sockaddr_in iou_loopback4(unsigned short port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* the address a socket is bound to: 0 or -errno */
static inline int iou_sock_name(int fd, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);

	return getsockname(fd, (struct sockaddr *)a, &len) ? -errno : 0;
}

/* a socket of type (flags allowed), close-on-exec: fd or -errno */
static inline int iou_socket(int domain, int type)
{
	int fd = socket(domain, type | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

/*
 * A socket of type bound to 127.0.0.1 on an ephemeral port, listening
 * with backlog if backlog >= 0; its address in *a.  fd or -errno.
 */
static inline int iou_loopback_socket(int type, int backlog, struct sockaddr_in *a)
{
	struct sockaddr_in any = iou_loopback4(0);
	int fd = iou_socket(AF_INET, type), err = 0;

	if (fd < 0)
		return fd;
	if (bind(fd, (struct sockaddr *)&any, sizeof(any)) ||
	    (backlog >= 0 && listen(fd, backlog)))
		err = -errno;
	if (!err)
		err = iou_sock_name(fd, a);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* a TCP listener on 127.0.0.1, ephemeral port: fd or -errno */
static inline int iou_tcp_listener(int backlog, struct sockaddr_in *a)
{
	return iou_loopback_socket(SOCK_STREAM, backlog, a);
}

/*
 * Connections waiting in a TCP listener's accept queue (TCP_INFO reports
 * it in tcpi_unacked for a listener), or -errno.
 */
static inline int iou_tcp_accept_queue(int lfd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return -errno;
	return (int)ti.tcpi_unacked;
}

/*
 * Wait (bounded) until n connections wait in the listener's queue: a
 * client's connect() returns before the listener has processed its last
 * ACK.  The last count seen.
 */
static inline int iou_tcp_wait_accept_queue(int lfd, int n, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();
	int seen;

	while ((seen = iou_tcp_accept_queue(lfd)) < n && seen >= 0 &&
	       iou_ms_since(start) < timeout_ms)
		usleep(1000);
	return seen;
}

/* a blocking TCP connection to a: fd or -errno */
static inline int iou_tcp_connect(const struct sockaddr_in *a)
{
	int fd = iou_socket(AF_INET, SOCK_STREAM);

	if (fd < 0)
		return fd;
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

enum iou_sock_kind {
	IOU_TCP,
	IOU_UDP,
	IOU_UNIX_STREAM,
	IOU_UNIX_DGRAM,
	IOU_UNIX_SEQPACKET,
};

static inline const char *iou_sock_kind_name(enum iou_sock_kind k)
{
	static const char *const names[] = {
		"TCP", "UDP", "AF_UNIX stream", "AF_UNIX datagram", "AF_UNIX seqpacket",
	};

	return k <= IOU_UNIX_SEQPACKET ? names[k] : "?";
}

static inline bool iou_sock_kind_is_stream(enum iou_sock_kind k)
{
	return k == IOU_TCP || k == IOU_UNIX_STREAM;
}

/* a TCP connection over loopback: fds[0] connected, fds[1] accepted */
static inline int iou_tcp_pair(int fds[2])
{
	struct sockaddr_in a;
	int lfd = iou_tcp_listener(1, &a), err = 0;

	if (lfd < 0)
		return lfd;
	fds[0] = iou_tcp_connect(&a);
	if (fds[0] < 0) {
		err = fds[0];
	} else {
		fds[1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fds[1] < 0) {
			err = -errno;
			close(fds[0]);
		}
	}
	close(lfd);
	return err;
}

/* two UDP sockets on 127.0.0.1 connected to each other */
static inline int iou_udp_pair(int fds[2])
{
	struct sockaddr_in a[2];
	int err = 0;

	fds[0] = iou_loopback_socket(SOCK_DGRAM, -1, &a[0]);
	if (fds[0] < 0)
		return fds[0];
	fds[1] = iou_loopback_socket(SOCK_DGRAM, -1, &a[1]);
	if (fds[1] < 0) {
		close(fds[0]);
		return fds[1];
	}
	if (connect(fds[0], (struct sockaddr *)&a[1], sizeof(a[1])) ||
	    connect(fds[1], (struct sockaddr *)&a[0], sizeof(a[0]))) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
	}
	return err;
}

/* a connected pair of kind k (close-on-exec, blocking): 0 or -errno */
static inline int iou_sock_pair(enum iou_sock_kind k, int fds[2])
{
	static const int unix_type[] = {
		[IOU_UNIX_STREAM] = SOCK_STREAM,
		[IOU_UNIX_DGRAM] = SOCK_DGRAM,
		[IOU_UNIX_SEQPACKET] = SOCK_SEQPACKET,
	};

	switch (k) {
	case IOU_TCP:
		return iou_tcp_pair(fds);
	case IOU_UDP:
		return iou_udp_pair(fds);
	default:
		return socketpair(AF_UNIX, unix_type[k] | SOCK_CLOEXEC, 0, fds) ? -errno : 0;
	}
}

static inline void iou_close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* ---- a private network namespace ------------------------------------------ */

/*
 * Move the calling process (a case's own: the harness forks one per case)
 * into a new network namespace and bring its loopback up, so that no
 * other program can take or release a port under the case.  Without
 * CAP_SYS_ADMIN a new user namespace comes with it.  Call it before the
 * case creates rings (io_uring's threads take the namespace of the task
 * that creates them) and while the process has one thread.  0, or
 * -errno with why filled in.
 */
static inline int iou_net_private_ns(char *why, size_t len)
{
	struct ifreq ifr;
	int fd, err;

	if (unshare(CLONE_NEWNET)) {
		err = errno;
		if (err != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			snprintf(why, len, "cannot create a network namespace: unshare(CLONE_NEWNET): %s%s",
				 iou_errno_name(err),
				 err == EPERM ? ", and a user namespace was refused too" : "");
			return -err;
		}
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		snprintf(why, len, "socket in the new network namespace: %s", iou_errno_name(err));
		return -err;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	err = ioctl(fd, SIOCGIFFLAGS, &ifr) ? errno : 0;
	if (!err) {
		ifr.ifr_flags |= IFF_UP;
		err = ioctl(fd, SIOCSIFFLAGS, &ifr) ? errno : 0;
	}
	close(fd);
	if (err)
		snprintf(why, len, "cannot bring up loopback in the new network namespace: %s",
			 iou_errno_name(err));
	return -err;
}

/* the case continues in a private network namespace, or SKIPs saying why */
#define IOU_ENTER_PRIVATE_NETNS() do {					\
	char __nswhy[200];						\
	if (iou_net_private_ns(__nswhy, sizeof(__nswhy)))		\
		SKIP(return, "%s", __nswhy);				\
	} while (0)

/* ---- -errno wrappers ------------------------------------------------------------ */

/* bytes waiting to be read (SIOCINQ) or not yet acknowledged (SIOCOUTQ) */
static inline int iou_sock_queued(int fd, unsigned long req)
{
	int n = 0;

	return ioctl(fd, req, &n) ? -errno : n;
}

/*
 * Wait (bounded) until a stream socket has at least n bytes queued: data
 * sent over loopback can arrive after send() returned.  The last count.
 */
static inline int iou_sock_wait_queued(int fd, int n, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();
	int seen;

	while ((seen = iou_sock_queued(fd, SIOCINQ)) < n && seen >= 0 &&
	       iou_ms_since(start) < timeout_ms) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, 1);
	}
	return seen;
}

/*
 * Fill fd's way to its peer until it takes no more: it refuses and does
 * not turn writable within a quiet window (TCP frees room as
 * acknowledgements come back).  The bytes written.
 */
static inline size_t iou_sock_fill(int fd)
{
	static unsigned char junk[65536];
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	size_t total = 0;
	ssize_t n;

	do {
		while ((n = send(fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_NOSIGNAL)) > 0)
			total += (size_t)n;
	} while (n < 0 && errno == EAGAIN && poll(&pfd, 1, (int)IOU_QUIET_MS) == 1);
	return total;
}

/* the bytes already queued on fd, read without waiting: count or -errno */
static inline ssize_t iou_sock_drain(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN ? (ssize_t)got : -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* an int socket option: its value or -errno */
static inline int iou_sockopt_int(int fd, int level, int name)
{
	int v = 0;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, name, &v, &len) ? -errno : v;
}

/*
 * A descriptor that is no socket, for the ENOTSOCK and EBADF rows: the
 * read end of a pipe whose write end is closed, or (closed) the lowest
 * number not open.  0, or -errno.
 */
static inline int iou_not_a_socket(bool closed, int *fd)
{
	int p[2];

	if (closed) {
		*fd = iou_lowest_free_fd();
		return 0;
	}
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	close(p[1]);
	*fd = p[0];
	return 0;
}

/* what a socket had queued: bytes, receive calls that returned data, a hash */
struct iou_sock_rx {
	long long bytes, msgs;
	unsigned long long hash;	/* FNV-1a of the bytes, in order */
	int err;			/* -errno of a receive that failed, else 0 */
	bool eof;			/* a stream reached its end */
};

/*
 * Read everything queued on fd without blocking, first waiting (bounded
 * by timeout_ms) until at least min_bytes in at least min_msgs receives
 * have come: data sent over loopback can reach the peer after send()
 * returned (softirq processing deferred to ksoftirqd under load).  A
 * zero-length datagram counts as a message (for a stream the count of
 * receives means nothing).  A stream or seqpacket socket at its end (or
 * at an empty record, which reads the same) stops the collection.
 */
static inline struct iou_sock_rx iou_sock_collect(int fd, long long min_bytes,
						  long long min_msgs, unsigned int timeout_ms)
{
	struct iou_sock_rx rx = { .hash = IOU_HASH_INIT };
	uint64_t start = iou_now_ns();
	static unsigned char buf[1 << 16];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (n == 0 && iou_sockopt_int(fd, SOL_SOCKET, SO_TYPE) != SOCK_DGRAM) {
			rx.eof = true;
			break;
		}
		if (n >= 0) {
			rx.hash = iou_hash_update(rx.hash, buf, (size_t)n);
			rx.bytes += n;
			rx.msgs++;
			continue;
		}
		if (errno != EAGAIN) {
			rx.err = -errno;
			break;
		}
		if ((rx.bytes >= min_bytes && rx.msgs >= min_msgs) ||
		    iou_ms_since(start) >= timeout_ms)
			break;
		poll(&pfd, 1, (int)(timeout_ms - iou_ms_since(start)));
	}
	return rx;
}

/* O_NONBLOCK and FD_CLOEXEC of fd, as SOCK_NONBLOCK | SOCK_CLOEXEC */
static inline int iou_fd_sock_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

	if (fl < 0 || fdfl < 0)
		return -errno;
	return ((fl & O_NONBLOCK) ? SOCK_NONBLOCK : 0) |
	       ((fdfl & FD_CLOEXEC) ? SOCK_CLOEXEC : 0);
}

/* -1 for a negative res, else close it: for results that are descriptors */
static inline void iou_close_res(int res)
{
	if (res >= 0)
		close(res);
}

/* ---- rules by kernel release (no flag tells them) -------------------------------- */

/*
 * SENDMSG and RECVMSG check the message header (__copy_msghdr(): more
 * than UIO_MAXIOV segments is EMSGSIZE, as for sendmsg(2)) before
 * importing the iovec only since 6.15 ("io_uring/net: verify msghdr
 * before copying iovec"); before, the import refused the segment count
 * first, with EINVAL.
 */
static inline int iou_net_too_many_iovecs_errno(void)
{
	return iou_kernel_version() >= IOU_KVER(6, 15, 0) ? EMSGSIZE : EINVAL;
}

/*
 * A receive reports IORING_CQE_F_SOCK_NONEMPTY when the protocol says
 * what is left: TCP always; AF_UNIX stream since 6.17 (df30285b3670
 * "af_unix: Introduce SO_INQ."); datagram protocols never.
 */
static inline bool iou_net_reports_inq(enum iou_sock_kind k)
{
	return k == IOU_TCP ||
	       (k == IOU_UNIX_STREAM && iou_kernel_version() >= IOU_KVER(6, 17, 0));
}

/*
 * An accept reports IORING_CQE_F_SOCK_NONEMPTY when more connections
 * wait (TCP) since 6.10 ("io_uring/net: wire up IORING_CQE_F_SOCK_NONEMPTY
 * for accept", with IORING_ACCEPT_DONTWAIT).
 */
static inline bool iou_net_accept_reports_backlog(void)
{
	return iou_kernel_version() >= IOU_KVER(6, 10, 0);
}

/* ---- what the kernel has -------------------------------------------------------- */

/*
 * IORING_OP_ACCEPT takes these flags in sqe->ioprio (IORING_ACCEPT_MULTISHOT
 * 5.19, _DONTWAIT and _POLL_FIRST 6.10): an accept with them of a
 * connection already waiting gives a descriptor; a kernel that does not
 * know a flag refuses the SQE with EINVAL.
 */
static inline enum iou_have iou_have_accept_flags(unsigned int flags, char *why, size_t len)
{
	unsigned int since = (flags & (IORING_ACCEPT_DONTWAIT | IORING_ACCEPT_POLL_FIRST)) ?
			     IOU_V(6, 10) : IOU_V(5, 19);
	struct sockaddr_in a;
	struct iou_ring r;
	struct iou_cqe c;
	char what[64];
	int lfd, cfd, res;

	snprintf(what, sizeof(what), "IORING_ACCEPT_* flags %#x", flags);
	lfd = iou_tcp_listener(1, &a);
	cfd = lfd < 0 ? lfd : iou_tcp_connect(&a);
	res = cfd < 0 ? cfd : iou_ring_init(&r, 2, 0);
	if (res < 0) {
		iou_close_res(lfd);
		iou_close_res(cfd);
		snprintf(why, len, "probing %s: setting up failed with %s", what, iou_res_str(res));
		return IOU_BROKEN;
	}
	iou_prep_accept(iou_get_sqe(&r), lfd, NULL, NULL, SOCK_CLOEXEC);
	r.sqes[(r.sqe_tail - 1) & r.sq_mask].ioprio = (__u16)flags;
	res = iou_run_one(&r, &c);
	iou_ring_exit(&r);
	close(cfd);
	close(lfd);
	if (res >= 0) {
		close(res);
		res = 0;
	}
	return iou_have_by_result(res, 0, since, what, why, len);
}

#define REQUIRE_ACCEPT_FLAGS(f) IOU_REQUIRE(iou_have_accept_flags((f), __why, sizeof(__why)))

/*
 * IORING_OP_SEND takes a destination in addr2/addr_len, as sendto(2)
 * (6.1, "io_uring/net: support non-zerocopy sendto"): a datagram from an
 * unconnected UDP socket reaches a bound receiver.  An older kernel
 * refuses the field (EINVAL) or ignores it (EDESTADDRREQ: no destination),
 * both its ways of not knowing it.
 */
static inline enum iou_have iou_have_send_destination(char *why, size_t len)
{
	struct sockaddr_in to;
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	int rx, tx, res;

	rx = iou_loopback_socket(SOCK_DGRAM, -1, &to);
	tx = rx < 0 ? rx : iou_socket(AF_INET, SOCK_DGRAM);
	res = tx < 0 ? tx : iou_ring_init(&r, 2, 0);
	if (res < 0) {
		iou_close_res(rx);
		iou_close_res(tx);
		snprintf(why, len, "probing SEND with a destination: %s", iou_res_str(res));
		return IOU_BROKEN;
	}
	sqe = iou_get_sqe(&r);
	iou_prep_send(sqe, tx, "p", 1, 0);
	sqe->addr2 = IOU_PTR(&to);
	sqe->addr_len = sizeof(to);
	res = iou_run_one(&r, NULL);
	iou_ring_exit(&r);
	close(tx);
	close(rx);
	if (res == -EDESTADDRREQ)
		res = -EINVAL;
	return iou_have_by_result(res, 1, IOU_V(6, 1), "IORING_OP_SEND with a destination (sendto)",
				  why, len);
}

#define REQUIRE_SEND_DESTINATION() \
	IOU_REQUIRE(iou_have_send_destination(__why, sizeof(__why)))

/*
 * Multishot RECV and RECVMSG (IORING_RECV_MULTISHOT, 6.0): a receive with
 * a provided buffer of a datagram waiting completes with F_MORE; an
 * older kernel refuses the flag with EINVAL.
 */
static inline enum iou_have iou_have_recv_multishot(int opcode, char *why, size_t len)
{
	struct iou_pbuf_ring pb;
	struct io_uring_sqe *sqe;
	struct msghdr m;
	struct iou_ring r;
	struct iou_cqe c;
	unsigned char buf[64];
	int fds[2], res;

	if (iou_ring_init(&r, 4, 0) || iou_sock_pair(IOU_UNIX_DGRAM, fds)) {
		snprintf(why, len, "probing IORING_RECV_MULTISHOT: setting up failed");
		return IOU_BROKEN;
	}
	memset(&m, 0, sizeof(m));
	res = iou_pbuf_ring_setup(&r, &pb, 1, 0, 0);
	if (!res) {
		iou_pbuf_add(&pb, buf, sizeof(buf), 0, 0);
		iou_pbuf_advance(&pb, 1);
		res = send(fds[1], "p", 1, 0) == 1 ? 0 : -errno;
	}
	if (!res) {
		sqe = iou_get_sqe(&r);
		if (opcode == IORING_OP_RECVMSG)
			iou_prep_recvmsg(sqe, fds[0], &m, 0);
		else
			iou_prep_recv(sqe, fds[0], NULL, 0, 0);
		sqe->ioprio = IORING_RECV_MULTISHOT;
		sqe->flags = IOSQE_BUFFER_SELECT;
		res = iou_run_one(&r, &c);
		if (res > 0)
			res = (c.flags & IORING_CQE_F_MORE) ? 0 : -EPROTO;
		iou_pbuf_ring_free(&r, &pb);
	}
	iou_close_pair(fds);
	iou_ring_exit(&r);
	return iou_have_by_result(res, 0, IOU_V(6, 0), "IORING_RECV_MULTISHOT", why, len);
}

#define REQUIRE_RECV_MULTISHOT(op) \
	IOU_REQUIRE(iou_have_recv_multishot((op), __why, sizeof(__why)))

/* a socket command (IORING_OP_URING_CMD on a socket): its SQE */
static inline void iou_prep_socket_cmd(struct io_uring_sqe *sqe, int fd, unsigned int cmd_op,
				       int level, int optname, void *optval, int optlen)
{
	iou_prep_uring_cmd(sqe, fd, cmd_op);
	sqe->level = (__u32)level;
	sqe->optname = (__u32)optname;
	sqe->optval = IOU_PTR(optval);
	sqe->optlen = (__u32)optlen;
}

/*
 * A socket command the kernel has (SOCKET_URING_OP_SIOCINQ, _SIOCOUTQ,
 * _GETSOCKOPT, _SETSOCKOPT 6.7; _TX_TIMESTAMP 6.17), tried on a fresh UDP
 * socket: an empty queue (0), SO_TYPE read back (4 bytes), SO_KEEPALIVE
 * set (0), a timestamp command on a ring without 32-byte CQEs (EINVAL).
 * Not knowing a command is EOPNOTSUPP: sockets had no uring_cmd at all
 * before 6.7, and io_uring_cmd_sock() answers an unknown cmd_op so.
 */
static inline enum iou_have iou_have_socket_cmd(unsigned int cmd_op, char *why, size_t len)
{
	unsigned int since = cmd_op >= SOCKET_URING_OP_TX_TIMESTAMP ? IOU_V(6, 17) : IOU_V(6, 7);
	int present = cmd_op == SOCKET_URING_OP_GETSOCKOPT ? (int)sizeof(int) :
		      cmd_op == SOCKET_URING_OP_TX_TIMESTAMP ? -EINVAL : 0;
	int val = 1, fd = iou_socket(AF_INET, SOCK_DGRAM), res;
	char what[64];
	struct iou_ring r;

	snprintf(what, sizeof(what), "the socket command %u", cmd_op);
	res = fd < 0 ? fd : iou_ring_init(&r, 2, 0);
	if (res < 0) {
		iou_close_res(fd);
		snprintf(why, len, "probing %s: setting up failed with %s", what, iou_res_str(res));
		return IOU_BROKEN;
	}
	iou_prep_socket_cmd(iou_get_sqe(&r), fd, cmd_op, SOL_SOCKET,
			    cmd_op == SOCKET_URING_OP_GETSOCKOPT ? SO_TYPE : SO_KEEPALIVE,
			    &val, sizeof(val));
	res = iou_run_one(&r, NULL);
	iou_ring_exit(&r);
	close(fd);
	if (res == present)
		return IOU_PRESENT;
	if (res == -EOPNOTSUPP)
		return iou_have_unless_newer(since, what, why, len);
	snprintf(why, len, "%s: probe got %s, expected %s or -EOPNOTSUPP (unknown)", what,
		 iou_res_str(res), iou_res_str(present));
	return IOU_BROKEN;
}

#define REQUIRE_SOCKET_CMD(op) IOU_REQUIRE(iou_have_socket_cmd((op), __why, sizeof(__why)))

/*
 * A zero-copy send's notification takes a user_data of its own from
 * sqe->addr3 (7.1, "io_uring/zctx: separate notification user_data");
 * before, a non-zero addr3 was refused with EINVAL.
 */
static inline enum iou_have iou_have_zc_notif_user_data(char *why, size_t len)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	int fds[2], res;

	if (iou_ring_init(&r, 4, 0) || iou_sock_pair(IOU_UDP, fds)) {
		snprintf(why, len, "probing the notification user_data: setting up failed");
		return IOU_BROKEN;
	}
	sqe = iou_get_sqe(&r);
	iou_prep_send_zc(sqe, fds[0], "p", 1, 0, 0);
	sqe->addr3 = 0x1234;
	res = iou_run_one(&r, NULL);
	iou_close_pair(fds);
	iou_ring_exit(&r);
	return iou_have_by_result(res, 1, IOU_V(7, 1), "a zero-copy notification user_data",
				  why, len);
}

#endif /* IOU_NET_H */
