// SPDX-License-Identifier: GPL-2.0
/*
 * Every SQE field a network opcode does not use, set non-zero in turn:
 * the opcode either refuses the SQE with EINVAL and does nothing, or
 * ignores the field and does exactly what the clean request does (same
 * result, same effect).  Which, per field, is read off each opcode's prep
 * function and is the same on every kernel since the opcode came, with
 * these exceptions decided by what the kernel has:
 *  - sqe->addr3 of SEND_ZC and SENDMSG_ZC is refused until it became the
 *    notification's user_data (7.1); since, the send is the clean one and
 *    its notification carries the value;
 *  - ioprio is refused by every opcode whose io_issue_def has no .ioprio
 *    (io_init_req()): SOCKET, CONNECT, BIND, LISTEN, SHUTDOWN, URING_CMD.
 * A change in either direction is an interface change: a kernel that
 * starts refusing a field breaks programs that leave junk there, one that
 * starts ignoring a checked field has given it up for a future use.
 */
#include "iou.h"
#include "iou_net.h"
#define IOU_RSV_FIXTURE
#include "iou_twin.h"

/* ---- the opcodes' clean requests ----------------------------------------- */

struct st {
	int fds[3];
	struct sockaddr_in a;
	unsigned char buf[64];
	struct iovec iov;
	struct msghdr msg;
};

static int st_pair(struct st *s, enum iou_sock_kind k)
{
	s->fds[2] = -1;
	return iou_sock_pair(k, s->fds);
}

static void st_done(struct iou_twin_run *tw, int opcode, int res)
{
	struct st *s = tw->st;

	iou_close_pair(s->fds);
	iou_close_res(s->fds[2]);
}

static void observe_peer(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	struct st *s = tw->st;
	struct iou_sock_rx rx = iou_sock_collect(s->fds[1], 0, 0, 0);

	iou_twin_field(out, outlen, "peer's bytes", rx.bytes);
	iou_twin_field(out, outlen, "peer's hash", (long long)rx.hash);
}

/* SOCKET: an AF_UNIX datagram socket */
static int sock_setup(struct iou_twin_run *tw, int opcode)
{
	struct st *s = tw->st;

	s->fds[0] = s->fds[1] = s->fds[2] = -1;
	return 0;
}
static void sock_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_socket(sqe, AF_UNIX, SOCK_DGRAM, 0, 0);
}
static void sock_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	if (tw->res >= 0) {
		iou_twin_field(out, outlen, "SO_TYPE", iou_sockopt_int(tw->res, SOL_SOCKET, SO_TYPE));
		close(tw->res);
	}
	iou_twin_field(out, outlen, "lowest free fd", iou_lowest_free_fd());
}
static const struct iou_rsv_ops op_socket = {
	.st_size = sizeof(struct st), .setup = sock_setup, .prep = sock_prep, .state = sock_state, .done = st_done };

/* CONNECT: a UDP socket to a bound receiver */
static int conn_setup(struct iou_twin_run *tw, int opcode)
{
	struct st *s = tw->st;

	s->fds[2] = -1;
	s->fds[1] = iou_loopback_socket(SOCK_DGRAM, -1, &s->a);
	s->fds[0] = iou_socket(AF_INET, SOCK_DGRAM);
	return s->fds[1] < 0 ? s->fds[1] : s->fds[0] < 0 ? s->fds[0] : 0;
}
static void conn_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	struct st *s = tw->st;

	iou_prep_connect(sqe, s->fds[0], (struct sockaddr *)&s->a, sizeof(s->a));
}
static void conn_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);

	iou_twin_field(out, outlen, "getpeername", getpeername(((struct st *)tw->st)->fds[0],
		       (struct sockaddr *)&peer, &len) ? -errno : 0);
}
static const struct iou_rsv_ops op_connect = {
	.st_size = sizeof(struct st), .setup = conn_setup, .prep = conn_prep, .state = conn_state, .done = st_done };

/* BIND: a UDP socket to 127.0.0.1, any port */
static int bind_setup(struct iou_twin_run *tw, int opcode)
{
	struct st *s = tw->st;

	s->fds[1] = s->fds[2] = -1;
	s->a = iou_loopback4(0);
	s->fds[0] = iou_socket(AF_INET, SOCK_DGRAM);
	return s->fds[0] < 0 ? s->fds[0] : 0;
}
static void bind_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	struct st *s = tw->st;

	iou_prep_bind(sqe, s->fds[0], (struct sockaddr *)&s->a, sizeof(s->a));
}
static void bind_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	struct sockaddr_in a;

	iou_twin_field(out, outlen, "bound", !iou_sock_name(((struct st *)tw->st)->fds[0], &a) && a.sin_port);
}
static const struct iou_rsv_ops op_bind = {
	.st_size = sizeof(struct st), .setup = bind_setup, .prep = bind_prep, .state = bind_state, .done = st_done };

/* LISTEN: an unbound TCP socket (it autobinds) */
static int listen_setup(struct iou_twin_run *tw, int opcode)
{
	struct st *s = tw->st;

	s->fds[1] = s->fds[2] = -1;
	s->fds[0] = iou_socket(AF_INET, SOCK_STREAM);
	return s->fds[0] < 0 ? s->fds[0] : 0;
}
static void listen_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_listen(sqe, ((struct st *)tw->st)->fds[0], 4);
}
static void listen_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	iou_twin_field(out, outlen, "SO_ACCEPTCONN",
		       iou_sockopt_int(((struct st *)tw->st)->fds[0], SOL_SOCKET, SO_ACCEPTCONN));
}
static const struct iou_rsv_ops op_listen = {
	.st_size = sizeof(struct st), .setup = listen_setup, .prep = listen_prep, .state = listen_state, .done = st_done };

/* SHUTDOWN: SHUT_WR on an AF_UNIX stream */
static int stream_setup(struct iou_twin_run *tw, int opcode)
{
	return st_pair(tw->st, IOU_UNIX_STREAM);
}
static void shut_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_shutdown(sqe, ((struct st *)tw->st)->fds[0], SHUT_WR);
}
static void shut_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	char c;
	ssize_t n = recv(((struct st *)tw->st)->fds[1], &c, 1, MSG_DONTWAIT);

	iou_twin_field(out, outlen, "peer's receive", n < 0 ? -errno : n);
}
static const struct iou_rsv_ops op_shutdown = {
	.st_size = sizeof(struct st), .setup = stream_setup, .prep = shut_prep, .state = shut_state, .done = st_done };

/* ACCEPT: a TCP listener with a connection waiting */
static int acc_setup(struct iou_twin_run *tw, int opcode)
{
	struct st *s = tw->st;

	s->fds[0] = iou_tcp_listener(4, &s->a);
	if (s->fds[0] < 0)
		return s->fds[0];
	s->fds[1] = iou_tcp_connect(&s->a);
	s->fds[2] = -1;
	if (s->fds[1] < 0)
		return s->fds[1];
	return iou_tcp_wait_accept_queue(s->fds[0], 1, IOU_WAIT_MS) == 1 ? 0 : -ETIME;
}
static void acc_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_accept(sqe, ((struct st *)tw->st)->fds[0], NULL, NULL, SOCK_CLOEXEC);
}
static void acc_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	iou_close_res(tw->res);
	iou_twin_field(out, outlen, "waiting", iou_tcp_accept_queue(((struct st *)tw->st)->fds[0]));
}
static const struct iou_rsv_ops op_accept = {
	.st_size = sizeof(struct st), .setup = acc_setup, .prep = acc_prep, .state = acc_state, .done = st_done };

/* SEND, SENDMSG: 3 bytes over an AF_UNIX datagram pair */
static int dgram_setup(struct iou_twin_run *tw, int opcode)
{
	return st_pair(tw->st, IOU_UNIX_DGRAM);
}
static void send_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_send(sqe, ((struct st *)tw->st)->fds[0], "abc", 3, 0);
}
static const struct iou_rsv_ops op_send = {
	.st_size = sizeof(struct st), .setup = dgram_setup, .prep = send_prep, .state = observe_peer, .done = st_done };

static void msg_of(struct st *s, void *base)
{
	s->iov = (struct iovec){ base, 3 };
	memset(&s->msg, 0, sizeof(s->msg));
	s->msg.msg_iov = &s->iov;
	s->msg.msg_iovlen = 1;
}
static void sendmsg_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	struct st *s = tw->st;

	memcpy(s->buf, "abc", 3);
	msg_of(s, s->buf);
	iou_prep_sendmsg(sqe, s->fds[0], &s->msg, 0);
}
static const struct iou_rsv_ops op_sendmsg = {
	.st_size = sizeof(struct st), .setup = dgram_setup, .prep = sendmsg_prep, .state = observe_peer, .done = st_done };

/* RECV, RECVMSG: 3 bytes waiting on an AF_UNIX datagram pair */
static int queued_setup(struct iou_twin_run *tw, int opcode)
{
	struct st *s = tw->st;
	int ret = st_pair(s, IOU_UNIX_DGRAM);

	return ret ? ret : send(s->fds[1], "xyz", 3, 0) == 3 ? 0 : -errno;
}
static void recv_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	struct st *s = tw->st;

	iou_prep_recv(sqe, s->fds[0], s->buf, sizeof(s->buf), 0);
}
static void recvmsg_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	struct st *s = tw->st;

	msg_of(s, s->buf);
	iou_prep_recvmsg(sqe, s->fds[0], &s->msg, 0);
}
static void recv_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	struct st *s = tw->st;

	iou_twin_field(out, outlen, "buffer", iou_hash_bytes(s->buf, sizeof(s->buf)));
	iou_twin_field(out, outlen, "left", iou_sock_collect(s->fds[0], 0, 0, 0).bytes);
}
static const struct iou_rsv_ops op_recv = {
	.st_size = sizeof(struct st), .setup = queued_setup, .prep = recv_prep, .state = recv_state, .done = st_done };
static const struct iou_rsv_ops op_recvmsg = {
	.st_size = sizeof(struct st), .setup = queued_setup, .prep = recvmsg_prep, .state = recv_state, .done = st_done };

/* SEND_ZC, SENDMSG_ZC: 3 bytes over a UDP pair */
static int udp_setup(struct iou_twin_run *tw, int opcode)
{
	return st_pair(tw->st, IOU_UDP);
}
static void send_zc_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_send_zc(sqe, ((struct st *)tw->st)->fds[0], "abc", 3, 0, 0);
}
static void sendmsg_zc_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	struct st *s = tw->st;

	memcpy(s->buf, "abc", 3);
	msg_of(s, s->buf);
	iou_prep_sendmsg_zc(sqe, s->fds[0], &s->msg, 0);
}
static void observe_udp_peer(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	struct st *s = tw->st;
	struct iou_sock_rx rx = iou_sock_collect(s->fds[1], tw->res > 0 ? tw->res : 0, 0,
						 tw->res > 0 ? IOU_WAIT_MS : 0);

	iou_twin_field(out, outlen, "peer's bytes", rx.bytes);
	iou_twin_field(out, outlen, "peer's hash", (long long)rx.hash);
}
static const struct iou_rsv_ops op_send_zc = {
	.st_size = sizeof(struct st), .setup = udp_setup, .prep = send_zc_prep, .state = observe_udp_peer, .done = st_done };
static const struct iou_rsv_ops op_sendmsg_zc = {
	.st_size = sizeof(struct st), .setup = udp_setup, .prep = sendmsg_zc_prep, .state = observe_udp_peer, .done = st_done };

/* URING_CMD: SOCKET_URING_OP_SIOCINQ on a UDP socket */
static void cmd_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_uring_cmd(sqe, ((struct st *)tw->st)->fds[0], SOCKET_URING_OP_SIOCINQ);
}
static const struct iou_rsv_ops op_cmd = {
	.st_size = sizeof(struct st), .setup = udp_setup, .prep = cmd_prep, /* a question: nothing changes */ .done = st_done };

/* ---- the table --------------------------------------------------------- */

enum rule {
	EINVAL_ALWAYS,
	IGNORED_ALWAYS,
	EINVAL_UNTIL_ZC_NOTIF_USER_DATA,	/* then the notification's user_data */
};

/* the fields the variant names say (op_flags set high: its low bits are the opcodes' flags) */
#define F_IOPRIO	IOU_SQE_FIELD(ioprio)
#define F_OFF		IOU_SQE_FIELD(off)
#define F_ADDR		IOU_SQE_FIELD(addr)
#define F_LEN		IOU_SQE_FIELD(len)
#define F_OP_FLAGS	IOU_SQE_FIELD_V(rw_flags, 0x40000000)
#define F_BUF_INDEX	IOU_SQE_FIELD(buf_index)
#define F_FILE_INDEX	IOU_SQE_FIELD(file_index)
#define F_PAD3		IOU_SQE_FIELD(__pad3)
#define F_ADDR3		IOU_SQE_FIELD(addr3)
#define F_PAD2		IOU_SQE_FIELD(__pad2)
#define F_PAD1		IOU_SQE_FIELD(__pad1)

/* the variant names say opcode and field */
#define V(o, name, f, r) FIXTURE_VARIANT_ADD(reserved, name##_##f) { \
	.opcode = IORING_OP_##o, .ops = &op_##name, .field = F_##f, .rule = (r) }

V(SOCKET, socket, IOPRIO, EINVAL_ALWAYS);
V(SOCKET, socket, ADDR, EINVAL_ALWAYS);
V(SOCKET, socket, OP_FLAGS, EINVAL_ALWAYS);
V(SOCKET, socket, BUF_INDEX, EINVAL_ALWAYS);
V(SOCKET, socket, ADDR3, IGNORED_ALWAYS);
V(SOCKET, socket, PAD2, IGNORED_ALWAYS);
V(CONNECT, connect, IOPRIO, EINVAL_ALWAYS);
V(CONNECT, connect, LEN, EINVAL_ALWAYS);
V(CONNECT, connect, OP_FLAGS, EINVAL_ALWAYS);
V(CONNECT, connect, BUF_INDEX, EINVAL_ALWAYS);
V(CONNECT, connect, FILE_INDEX, EINVAL_ALWAYS);
V(CONNECT, connect, ADDR3, IGNORED_ALWAYS);
V(BIND, bind, IOPRIO, EINVAL_ALWAYS);
V(BIND, bind, LEN, EINVAL_ALWAYS);
V(BIND, bind, OP_FLAGS, EINVAL_ALWAYS);
V(BIND, bind, BUF_INDEX, EINVAL_ALWAYS);
V(BIND, bind, FILE_INDEX, EINVAL_ALWAYS);
V(BIND, bind, ADDR3, IGNORED_ALWAYS);
V(LISTEN, listen, IOPRIO, EINVAL_ALWAYS);
V(LISTEN, listen, OFF, EINVAL_ALWAYS);
V(LISTEN, listen, ADDR, EINVAL_ALWAYS);
V(LISTEN, listen, OP_FLAGS, EINVAL_ALWAYS);
V(LISTEN, listen, BUF_INDEX, EINVAL_ALWAYS);
V(LISTEN, listen, FILE_INDEX, EINVAL_ALWAYS);
V(LISTEN, listen, ADDR3, IGNORED_ALWAYS);
V(SHUTDOWN, shutdown, IOPRIO, EINVAL_ALWAYS);
V(SHUTDOWN, shutdown, OFF, EINVAL_ALWAYS);
V(SHUTDOWN, shutdown, ADDR, EINVAL_ALWAYS);
V(SHUTDOWN, shutdown, OP_FLAGS, EINVAL_ALWAYS);
V(SHUTDOWN, shutdown, BUF_INDEX, EINVAL_ALWAYS);
V(SHUTDOWN, shutdown, FILE_INDEX, EINVAL_ALWAYS);
V(SHUTDOWN, shutdown, ADDR3, IGNORED_ALWAYS);
V(ACCEPT, accept, LEN, EINVAL_ALWAYS);
V(ACCEPT, accept, BUF_INDEX, EINVAL_ALWAYS);
V(ACCEPT, accept, ADDR3, IGNORED_ALWAYS);
V(SEND, send, PAD3, EINVAL_ALWAYS);
V(SEND, send, BUF_INDEX, IGNORED_ALWAYS);
V(SEND, send, ADDR3, IGNORED_ALWAYS);
V(SENDMSG, sendmsg, OFF, EINVAL_ALWAYS);
V(SENDMSG, sendmsg, FILE_INDEX, EINVAL_ALWAYS);
V(SENDMSG, sendmsg, BUF_INDEX, IGNORED_ALWAYS);
V(SENDMSG, sendmsg, ADDR3, IGNORED_ALWAYS);
V(RECV, recv, OFF, EINVAL_ALWAYS);
V(RECV, recv, FILE_INDEX, EINVAL_ALWAYS);
V(RECV, recv, BUF_INDEX, IGNORED_ALWAYS);
V(RECV, recv, ADDR3, IGNORED_ALWAYS);
V(RECVMSG, recvmsg, OFF, EINVAL_ALWAYS);
V(RECVMSG, recvmsg, FILE_INDEX, EINVAL_ALWAYS);
V(RECVMSG, recvmsg, BUF_INDEX, IGNORED_ALWAYS);
V(RECVMSG, recvmsg, ADDR3, IGNORED_ALWAYS);
V(SEND_ZC, send_zc, PAD3, EINVAL_ALWAYS);
V(SEND_ZC, send_zc, PAD2, EINVAL_ALWAYS);
V(SEND_ZC, send_zc, BUF_INDEX, IGNORED_ALWAYS);
V(SEND_ZC, send_zc, ADDR3, EINVAL_UNTIL_ZC_NOTIF_USER_DATA);
V(SENDMSG_ZC, sendmsg_zc, OFF, EINVAL_ALWAYS);
V(SENDMSG_ZC, sendmsg_zc, FILE_INDEX, EINVAL_ALWAYS);
V(SENDMSG_ZC, sendmsg_zc, PAD2, EINVAL_ALWAYS);
V(SENDMSG_ZC, sendmsg_zc, ADDR3, EINVAL_UNTIL_ZC_NOTIF_USER_DATA);
V(URING_CMD, cmd, IOPRIO, EINVAL_ALWAYS);
V(URING_CMD, cmd, PAD1, EINVAL_ALWAYS);
V(URING_CMD, cmd, OP_FLAGS, EINVAL_ALWAYS);

/* addr3 no longer reserved: the send is the clean one, its notification carries it */
static void addr3_is_notif_user_data(struct __test_metadata *_metadata, struct iou_ring *r,
				     int opcode, const struct iou_rsv_ops *op)
{
	const __u64 notif_ud = 0x1234567800000001ULL;
	static struct iou_rsv_result clean, v;
	struct iou_twin_run s = { .ring = r };
	struct io_uring_sqe *sqe;
	unsigned char mem[IOU_TWIN_BUF];

	ASSERT_RES(0, iou_rsv_run(_metadata, r, op, opcode, NULL, IOU_TWIN_RING, mem, NULL,
				  &clean));
	ASSERT_RES(0, iou_twin_side_begin(&s, IOU_TWIN_ASYNC, mem, op->st_size));
	ASSERT_RES(0, op->setup(&s, opcode));
	sqe = iou_get_sqe(r);
	op->prep(&s, opcode, sqe);
	sqe->addr3 = notif_ud;
	sqe->user_data = IOU_TWIN_UD(IOU_TWIN_ASYNC);
	ASSERT_EQ(1, iou_submit(r));
	IOU_EXPECT_CQES(r, IOU_CQE_F(IOU_TWIN_UD(IOU_TWIN_ASYNC), clean.cqe.res, IORING_CQE_F_MORE),
			IOU_CQE_F(notif_ud, 0, IORING_CQE_F_NOTIF));
	s.res = clean.cqe.res;
	iou_twin_snapshot(&s, NULL, NULL, v.state, IOU_TWIN_STATE);
	op->state(&s, opcode, v.state + strlen(v.state), IOU_TWIN_STATE - strlen(v.state));
	op->done(&s, opcode, s.res);
	iou_twin_side_end(&s);
	EXPECT_TRUE(iou_twin_same_state(clean.state, "the clean request", v.state,
					"the request with addr3 set"));
}

TEST_F(reserved, answer_is_the_interfaces)
{
	bool einval = variant->rule == EINVAL_ALWAYS;
	char why[200];

	if (variant->opcode == IORING_OP_URING_CMD)
		REQUIRE_SOCKET_CMD(SOCKET_URING_OP_SIOCINQ);
	if (variant->rule == EINVAL_UNTIL_ZC_NOTIF_USER_DATA) {
		enum iou_have have = iou_have_zc_notif_user_data(why, sizeof(why));

		ASSERT_NE(IOU_BROKEN, have) TH_LOG("%s", why);
		if (have == IOU_PRESENT) {
			addr3_is_notif_user_data(_metadata, &self->r, variant->opcode, variant->ops);
			return;
		}
		einval = true;
	}
	iou_rsv_check(_metadata, &self->r, variant->ops, variant->opcode, &variant->field, einval);
}

TEST_HARNESS_MAIN
