// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SENDMSG and IORING_OP_RECVMSG (5.3) are sendmsg(2) and
 * recvmsg(2): on every row of a table of message headers (scattered
 * buffers, addresses, ancillary data: SCM_RIGHTS, SCM_CREDENTIALS,
 * IP_PKTINFO), good and bad (faulting pointers, too many iovecs,
 * malformed control messages, short name and control room), the CQE
 * carries what the system call returns in the same state, and the same
 * is visible afterwards: for a send, what the peer receives (bytes, the
 * descriptors passed); for a receive, the bytes in each buffer and the
 * header the kernel wrote back (msg_namelen, msg_controllen, msg_flags,
 * the name and the control messages).
 *
 * The twin of SENDMSG is called with MSG_NOSIGNAL, which the opcode
 * always adds.  Before 6.15 a header with more than UIO_MAXIOV segments
 * is EINVAL for the opcodes, EMSGSIZE for the system calls (the opcodes
 * imported the iovec before checking the header; "io_uring/net: verify
 * msghdr before copying iovec" made them check first).
 */
#include <sys/stat.h>
#include <sys/uio.h>

#include "iou.h"
#include "iou_net.h"

#define SEG	40

enum hdr {
	H_IOV3,			/* three segments */
	H_IOV0,			/* no segment at all */
	H_TOO_MANY_IOV,		/* UIO_MAXIOV + 1 segments */
	H_NAME,			/* a destination / room for the source */
	H_NAME_SHORT,		/* room for 4 bytes of the source */
	H_NAME_TOO_LONG,	/* msg_namelen past sockaddr_storage */
	H_RIGHTS,		/* SCM_RIGHTS with one descriptor / room for it */
	H_RIGHTS_BAD_FD,	/* SCM_RIGHTS naming a closed descriptor */
	H_CREDS_WRONG_PID,	/* SCM_CREDENTIALS claiming pid 1 */
	H_CMSG_TOO_LONG,	/* cmsg_len past msg_controllen */
	H_CONTROL_SHORT,	/* room for less than the control message */
	H_CONTROL_ROOM,		/* room for control data nobody sends */
	H_PKTINFO,		/* IP_PKTINFO asked for (receive) */
	H_MSGHDR_UNMAPPED,
	H_IOV_UNMAPPED,		/* msg_iov faults */
	H_BASE_UNMAPPED,	/* the first segment's base faults */
};

enum state { S_CONNECTED, S_UNCONNECTED, S_PEER_CLOSED };

struct row {
	enum iou_sock_kind kind;
	enum state state;
	enum hdr hdr;
	int flags;
	unsigned int queued;	/* receive: bytes the peer sent first */
};

#define ROW(k, s, h, ...) { .kind = (k), .state = (s), .hdr = (h), __VA_ARGS__ }

struct msg_state {
	int fds[2];		/* [0] is the opcode's, [1] the peer */
	int passed;		/* a descriptor to pass, or the one passed */
	struct msghdr msg;
	struct iovec iov[UIO_MAXIOV + 1];
	unsigned char bufs[3][SEG];
	struct sockaddr_storage name;
	union {
		struct cmsghdr align;
		unsigned char b[256];
	} control;
	struct msghdr *msgp;
};

static unsigned char data[3 * SEG];

static int make_sockets(const struct row *v, struct msg_state *s)
{
	struct sockaddr_in a;
	int ret;

	s->fds[0] = s->fds[1] = s->passed = -1;
	if (v->state == S_UNCONNECTED) {
		/* a UDP receiver and an unconnected sender */
		s->fds[1] = iou_loopback_socket(SOCK_DGRAM, -1, &a);
		s->fds[0] = iou_socket(AF_INET, SOCK_DGRAM);
		return s->fds[0] < 0 ? s->fds[0] : s->fds[1] < 0 ? s->fds[1] : 0;
	}
	ret = iou_sock_pair(v->kind, s->fds);
	if (ret)
		return ret;
	if (v->state == S_PEER_CLOSED) {
		close(s->fds[1]);
		s->fds[1] = -1;
	}
	return 0;
}

/* the header of a row, over s's buffers */
static void build_header(const struct row *v, struct msg_state *s, bool sending)
{
	struct msghdr *m = &s->msg;
	struct cmsghdr *c = (struct cmsghdr *)s->control.b;
	socklen_t len = sizeof(s->name);

	memset(m, 0, sizeof(*m));
	memset(s->bufs, 0xee, sizeof(s->bufs));
	memset(&s->control, 0xee, sizeof(s->control));
	memset(&s->name, 0xee, sizeof(s->name));
	iou_fill_pattern(data, sizeof(data), 0);
	for (int i = 0; i < 3; i++)
		s->iov[i] = (struct iovec){ sending ? data + i * SEG : s->bufs[i], SEG };
	m->msg_iov = s->iov;
	m->msg_iovlen = 3;
	s->msgp = m;

	switch (v->hdr) {
	case H_IOV0:
		m->msg_iovlen = 0;
		break;
	case H_TOO_MANY_IOV:
		for (int i = 3; i <= UIO_MAXIOV; i++)
			s->iov[i] = (struct iovec){ s->bufs[0], 1 };
		m->msg_iovlen = UIO_MAXIOV + 1;
		break;
	case H_NAME:
	case H_NAME_SHORT:
	case H_NAME_TOO_LONG:
		if (sending)
			getsockname(s->fds[1], (struct sockaddr *)&s->name, &len);
		m->msg_name = &s->name;
		m->msg_namelen = v->hdr == H_NAME_SHORT ? 4 : v->hdr == H_NAME_TOO_LONG ?
				 sizeof(s->name) + 1 : (sending ? len : sizeof(s->name));
		break;
	case H_RIGHTS:
	case H_RIGHTS_BAD_FD:
	case H_CREDS_WRONG_PID:
	case H_CMSG_TOO_LONG:
	case H_CONTROL_SHORT:
	case H_CONTROL_ROOM:
	case H_PKTINFO:
		m->msg_control = s->control.b;
		m->msg_controllen = v->hdr == H_CONTROL_SHORT ? CMSG_LEN(1) : sizeof(s->control);
		if (!sending)
			break;
		memset(c, 0, CMSG_SPACE(sizeof(struct ucred)));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		*(int *)CMSG_DATA(c) = v->hdr == H_RIGHTS_BAD_FD ? iou_lowest_free_fd() : s->passed;
		if (v->hdr == H_CREDS_WRONG_PID) {
			struct ucred cr = { .pid = 1, .uid = getuid(), .gid = getgid() };

			c->cmsg_type = SCM_CREDENTIALS;
			c->cmsg_len = CMSG_LEN(sizeof(cr));
			memcpy(CMSG_DATA(c), &cr, sizeof(cr));
		}
		m->msg_controllen = CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
		if (v->hdr == H_CMSG_TOO_LONG)
			c->cmsg_len = m->msg_controllen + 8;
		break;
	case H_MSGHDR_UNMAPPED:
		s->msgp = iou_fault_ptr();
		break;
	case H_IOV_UNMAPPED:
		m->msg_iov = iou_fault_ptr();
		break;
	case H_BASE_UNMAPPED:
		s->iov[0].iov_base = iou_fault_ptr();
		break;
	default:
		break;
	}
}

/* a descriptor received in control data: same file as expected? (and close it) */
static int received_fd(struct msghdr *m, int expect)
{
	struct cmsghdr *c;
	struct stat a, b;
	int fd, same;

	if (m->msg_controllen < CMSG_LEN(sizeof(int)))
		return -1;
	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		same = !fstat(fd, &a) && !fstat(expect, &b) && a.st_ino == b.st_ino;
		close(fd);
		return same;
	}
	return -1;
}

/* ---- SENDMSG ---------------------------------------------------------------- */

FIXTURE(sendmsg) {
	struct iou_ring r;
};

FIXTURE_VARIANT(sendmsg) {
	struct row row;
};

FIXTURE_VARIANT_ADD(sendmsg, tcp_three_segments) { ROW(IOU_TCP, S_CONNECTED, H_IOV3) };
FIXTURE_VARIANT_ADD(sendmsg, tcp_no_segment) { ROW(IOU_TCP, S_CONNECTED, H_IOV0) };
FIXTURE_VARIANT_ADD(sendmsg, tcp_too_many_segments) { ROW(IOU_TCP, S_CONNECTED, H_TOO_MANY_IOV) };
FIXTURE_VARIANT_ADD(sendmsg, udp_three_segments_one_datagram) { ROW(IOU_UDP, S_CONNECTED, H_IOV3) };
FIXTURE_VARIANT_ADD(sendmsg, udp_unconnected_to_a_name) { ROW(IOU_UDP, S_UNCONNECTED, H_NAME) };
FIXTURE_VARIANT_ADD(sendmsg, udp_unconnected_without_name) { ROW(IOU_UDP, S_UNCONNECTED, H_IOV3) };
FIXTURE_VARIANT_ADD(sendmsg, udp_name_too_long) { ROW(IOU_UDP, S_UNCONNECTED, H_NAME_TOO_LONG) };
FIXTURE_VARIANT_ADD(sendmsg, udp_name_short) { ROW(IOU_UDP, S_UNCONNECTED, H_NAME_SHORT) };
FIXTURE_VARIANT_ADD(sendmsg, unix_stream_passes_a_descriptor)
	{ ROW(IOU_UNIX_STREAM, S_CONNECTED, H_RIGHTS) };
FIXTURE_VARIANT_ADD(sendmsg, unix_dgram_passes_a_descriptor)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_RIGHTS) };
FIXTURE_VARIANT_ADD(sendmsg, unix_pass_closed_descriptor)
	{ ROW(IOU_UNIX_STREAM, S_CONNECTED, H_RIGHTS_BAD_FD) };
FIXTURE_VARIANT_ADD(sendmsg, unix_credentials_of_another_pid)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_CREDS_WRONG_PID) };
FIXTURE_VARIANT_ADD(sendmsg, unix_cmsg_longer_than_control)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_CMSG_TOO_LONG) };
FIXTURE_VARIANT_ADD(sendmsg, unix_stream_peer_closed)
	{ ROW(IOU_UNIX_STREAM, S_PEER_CLOSED, H_IOV3) };
FIXTURE_VARIANT_ADD(sendmsg, unix_seqpacket_three_segments)
	{ ROW(IOU_UNIX_SEQPACKET, S_CONNECTED, H_IOV3) };
FIXTURE_VARIANT_ADD(sendmsg, unix_dgram_oob)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_IOV3, .flags = MSG_OOB) };
FIXTURE_VARIANT_ADD(sendmsg, msghdr_unmapped) { ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_MSGHDR_UNMAPPED) };
FIXTURE_VARIANT_ADD(sendmsg, iovec_array_unmapped) { ROW(IOU_TCP, S_CONNECTED, H_IOV_UNMAPPED) };
FIXTURE_VARIANT_ADD(sendmsg, segment_unmapped) { ROW(IOU_UNIX_STREAM, S_CONNECTED, H_BASE_UNMAPPED) };

FIXTURE_SETUP(sendmsg)
{
	REQUIRE_OPCODE(IORING_OP_SENDMSG);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(sendmsg)
{
	iou_ring_exit(&self->r);
}

static int sm_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;
	int ret = make_sockets(v, s);

	if (ret)
		return ret;
	if (v->hdr == H_RIGHTS) {
		s->passed = iou_scratch_file("passed", 0, 0);
		if (s->passed < 0)
			return s->passed;
	}
	build_header(v, s, true);
	return 0;
}

static int sm_twin_call(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;
	ssize_t n = sendmsg(s->fds[0], s->msgp, v->flags | MSG_NOSIGNAL);

	return n < 0 ? -errno : (int)n;
}

static void sm_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;

	iou_prep_sendmsg(sqe, s->fds[0], s->msgp, v->flags);
}

static void sm_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;
	union {
		struct cmsghdr align;
		unsigned char b[256];
	} ctl;
	unsigned char buf[4 * SEG];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl) };
	struct pollfd pfd = { .fd = s->fds[1], .events = POLLIN };
	ssize_t n;

	if (s->fds[1] < 0)
		return;
	if (tw->res >= 0 && v->kind != IOU_TCP && v->kind != IOU_UNIX_STREAM)
		poll(&pfd, 1, (int)IOU_WAIT_MS);
	else if (tw->res > 0)
		poll(&pfd, 1, (int)IOU_WAIT_MS);
	n = recvmsg(s->fds[1], &m, MSG_DONTWAIT);
	iou_twin_field(out, outlen, "peer's receive", n < 0 ? -errno : n);
	if (n > 0)
		iou_twin_field(out, outlen, "peer's bytes match", !memcmp(buf, data, (size_t)n));
	if (v->hdr == H_RIGHTS)
		iou_twin_field(out, outlen, "peer got the descriptor", received_fd(&m, s->passed));
}

static void sm_twin_done(struct iou_twin_run *tw, const void *row)
{
	struct msg_state *s = tw->st;

	iou_close_pair(s->fds);
	iou_close_res(s->passed);
}

static const struct iou_twin_ops sendmsg_twin = {
	.twin = "sendmsg(2)",
	.st_size = sizeof(struct msg_state),
	.setup = sm_twin_setup,
	.call = sm_twin_call,
	.prep = sm_twin_prep,
	.state = sm_twin_state,
	.done = sm_twin_done,
};

/* where the opcode's answer differs from the system call's, by release */
static struct iou_twin_diff row_diff(const struct row *v)
{
	struct iou_twin_diff d = { NULL, 0 };

	if (v->hdr == H_TOO_MANY_IOV && iou_net_too_many_iovecs_errno() != EMSGSIZE) {
		d.why = "before 6.15 the opcode imports the iovec before checking the header";
		d.ring_res = -iou_net_too_many_iovecs_errno();
	}
	return d;
}

IOU_TWIN_SIDE_CASES(sendmsg, matches_sendmsg, &sendmsg_twin, &variant->row,
		    ((const struct iou_twin_diff[]){ row_diff(&variant->row) }))

/* ---- RECVMSG ---------------------------------------------------------------- */

FIXTURE(recvmsg) {
	struct iou_ring r;
};

FIXTURE_VARIANT(recvmsg) {
	struct row row;
};

FIXTURE_VARIANT_ADD(recvmsg, tcp_into_three_segments)
	{ ROW(IOU_TCP, S_CONNECTED, H_IOV3, .queued = 100) };
FIXTURE_VARIANT_ADD(recvmsg, tcp_no_segment) { ROW(IOU_TCP, S_CONNECTED, H_IOV0, .queued = 100) };
FIXTURE_VARIANT_ADD(recvmsg, tcp_too_many_segments)
	{ ROW(IOU_TCP, S_CONNECTED, H_TOO_MANY_IOV, .queued = 100) };
FIXTURE_VARIANT_ADD(recvmsg, tcp_peek) { ROW(IOU_TCP, S_CONNECTED, H_IOV3, .queued = 100,
					      .flags = MSG_PEEK) };
FIXTURE_VARIANT_ADD(recvmsg, udp_source_name) { ROW(IOU_UDP, S_CONNECTED, H_NAME, .queued = 100) };
FIXTURE_VARIANT_ADD(recvmsg, udp_source_name_truncated)
	{ ROW(IOU_UDP, S_CONNECTED, H_NAME_SHORT, .queued = 100) };
FIXTURE_VARIANT_ADD(recvmsg, udp_datagram_truncated)
	{ ROW(IOU_UDP, S_CONNECTED, H_IOV3, .queued = 150) };
FIXTURE_VARIANT_ADD(recvmsg, udp_pktinfo) { ROW(IOU_UDP, S_CONNECTED, H_PKTINFO, .queued = 60) };
FIXTURE_VARIANT_ADD(recvmsg, udp_dontwait_nothing_queued)
	{ ROW(IOU_UDP, S_CONNECTED, H_IOV3, .flags = MSG_DONTWAIT) };
FIXTURE_VARIANT_ADD(recvmsg, unix_dgram_receives_a_descriptor)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_RIGHTS, .queued = 10) };
FIXTURE_VARIANT_ADD(recvmsg, unix_dgram_descriptor_cloexec)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_RIGHTS, .queued = 10, .flags = MSG_CMSG_CLOEXEC) };
FIXTURE_VARIANT_ADD(recvmsg, unix_stream_descriptor_no_room)
	{ ROW(IOU_UNIX_STREAM, S_CONNECTED, H_CONTROL_SHORT, .queued = 10) };
FIXTURE_VARIANT_ADD(recvmsg, unix_stream_control_room_unused)
	{ ROW(IOU_UNIX_STREAM, S_CONNECTED, H_CONTROL_ROOM, .queued = 100) };
FIXTURE_VARIANT_ADD(recvmsg, unix_seqpacket_truncated)
	{ ROW(IOU_UNIX_SEQPACKET, S_CONNECTED, H_IOV3, .queued = 150) };
FIXTURE_VARIANT_ADD(recvmsg, msghdr_unmapped)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_MSGHDR_UNMAPPED, .queued = 10) };
FIXTURE_VARIANT_ADD(recvmsg, iovec_array_unmapped)
	{ ROW(IOU_UNIX_DGRAM, S_CONNECTED, H_IOV_UNMAPPED, .queued = 10) };
FIXTURE_VARIANT_ADD(recvmsg, segment_unmapped)
	{ ROW(IOU_TCP, S_CONNECTED, H_BASE_UNMAPPED, .queued = 10) };

FIXTURE_SETUP(recvmsg)
{
	REQUIRE_OPCODE(IORING_OP_RECVMSG);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(recvmsg)
{
	iou_ring_exit(&self->r);
}

/* the peer's message: queued bytes, with a descriptor for the rights rows */
static int send_queued(const struct row *v, struct msg_state *s)
{
	union {
		struct cmsghdr align;
		unsigned char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { data, v->queued };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c = (struct cmsghdr *)ctl.b;

	iou_fill_pattern(data, sizeof(data), 0);
	if (!v->queued)
		return 0;
	if (v->hdr == H_RIGHTS || v->hdr == H_CONTROL_SHORT) {
		s->passed = iou_scratch_file("passed", 0, 0);
		if (s->passed < 0)
			return s->passed;
		memset(&ctl, 0, sizeof(ctl));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &s->passed, sizeof(int));
		m.msg_control = ctl.b;
		m.msg_controllen = sizeof(ctl);
	}
	return sendmsg(s->fds[1], &m, 0) == (ssize_t)v->queued ? 0 : -errno;
}

static int rm_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;
	int ret = make_sockets(v, s);
	struct pollfd pfd;

	if (ret)
		return ret;
	if (v->hdr == H_PKTINFO &&
	    setsockopt(s->fds[0], IPPROTO_IP, IP_PKTINFO, &(int){ 1 }, sizeof(int)))
		return -errno;
	ret = send_queued(v, s);
	if (ret)
		return ret;
	/* it has arrived (loopback can defer delivery to softirq) */
	pfd = (struct pollfd){ .fd = s->fds[0], .events = POLLIN };
	if (v->queued && poll(&pfd, 1, (int)IOU_WAIT_MS) != 1)
		return -ETIME;
	if (v->kind == IOU_TCP && v->queued &&
	    iou_sock_wait_queued(s->fds[0], (int)v->queued, IOU_WAIT_MS) < (int)v->queued)
		return -ETIME;
	build_header(v, s, false);
	return 0;
}

static int rm_twin_call(struct iou_twin_run *tw, const void *row)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;
	ssize_t n = recvmsg(s->fds[0], s->msgp, v->flags);

	return n < 0 ? -errno : (int)n;
}

static void rm_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;

	iou_prep_recvmsg(sqe, s->fds[0], s->msgp, v->flags);
}

static void rm_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;
	struct msghdr *m = &s->msg;
	struct sockaddr_in me;

	iou_twin_field(out, outlen, "buffers", iou_hash_bytes(s->bufs, sizeof(s->bufs)));
	iou_twin_field(out, outlen, "msg_namelen", m->msg_namelen);
	iou_twin_field(out, outlen, "msg_controllen", (long long)m->msg_controllen);
	iou_twin_field(out, outlen, "msg_flags", m->msg_flags);
	if (v->hdr == H_NAME || v->hdr == H_NAME_SHORT) {
		/* the source is the peer, whose port differs between the runs */
		iou_twin_field(out, outlen, "name family", s->name.ss_family);
		iou_twin_field(out, outlen, "name port is the peer's", !iou_sock_name(s->fds[1], &me) &&
			       ((struct sockaddr_in *)&s->name)->sin_port == me.sin_port);
		iou_twin_field(out, outlen, "name past the port", v->hdr == H_NAME ? 0 :
			       iou_hash_bytes((char *)&s->name + 4, sizeof(s->name) - 4));
	}
	if (v->hdr == H_RIGHTS) {
		iou_twin_field(out, outlen, "received the descriptor", received_fd(m, s->passed));
	} else if (m->msg_control && m->msg_controllen <= sizeof(s->control)) {
		iou_twin_field(out, outlen, "control bytes", iou_hash_bytes(s->control.b, m->msg_controllen));
	}
	iou_twin_field(out, outlen, "bytes left", iou_sock_collect(s->fds[0], 0, 0, 0).bytes);
}

static void rm_twin_done(struct iou_twin_run *tw, const void *row)
{
	struct msg_state *s = tw->st;

	iou_close_pair(s->fds);
	iou_close_res(s->passed);
}

static unsigned int rm_twin_flags(struct iou_twin_run *tw, const void *row, int res)
{
	const struct row *v = row;
	struct msg_state *s = tw->st;
	int left = iou_sock_queued(s->fds[0], SIOCINQ);

	return res >= 0 && left > 0 && iou_net_reports_inq(v->kind) ?
	       IORING_CQE_F_SOCK_NONEMPTY : 0;
}

static const struct iou_twin_ops recvmsg_twin = {
	.twin = "recvmsg(2)",
	.st_size = sizeof(struct msg_state),
	.setup = rm_twin_setup,
	.call = rm_twin_call,
	.prep = rm_twin_prep,
	.state = rm_twin_state,
	.cqe_flags = rm_twin_flags,
	.done = rm_twin_done,
};

IOU_TWIN_SIDE_CASES(recvmsg, matches_recvmsg, &recvmsg_twin, &variant->row,
		    ((const struct iou_twin_diff[]){ row_diff(&variant->row) }))

TEST_HARNESS_MAIN
