// SPDX-License-Identifier: GPL-2.0
/*
 * SOCKET_URING_OP_GETSOCKNAME (6.19): IORING_OP_URING_CMD on a socket
 * returns its address (sqe->optlen 0) or its peer's (1) into sqe->addr,
 * with the length in and out through the int at sqe->addr3, held to
 * getsockname(2)/getpeername(2) on the same socket:
 *  - bound TCP and UDP sockets, a connected one's peer: the same bytes
 *    and length;
 *  - a buffer too small: the address cut to it, the full length written
 *    back, res 0, as the system calls do;
 *  - the peer of an unconnected socket: -ENOTCONN, as getpeername;
 *  - an unwritable address or length: -EFAULT;
 *  - optlen above 1, sqe->len or rw_flags set: -EINVAL.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_URING_CMD));

FIXTURE(name) {
	struct iou_ring r;
	int tcp_listen, tcp_client, udp;
};

/* GETSOCKNAME of fd (peer 0 or 1) into addr/len; the CQE's res */
static int cmd_getsockname(struct iou_ring *r, int fd, unsigned int peer, void *addr,
			   int *len, void (*spoil)(struct io_uring_sqe *))
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe;

	iou_prep_uring_cmd(sqe, fd, SOCKET_URING_OP_GETSOCKNAME);
	sqe->addr = (__u64)(uintptr_t)addr;
	sqe->addr3 = (__u64)(uintptr_t)len;
	sqe->optlen = peer;
	sqe->user_data = 0x6e;
	if (spoil)
		spoil(sqe);
	if (iou_submit_reap(r, &cqe, 1) != 1 || cqe.user_data != 0x6e)
		return -ETIME;
	return cqe.res;
}

FIXTURE_SETUP(name)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in got;
	socklen_t alen = sizeof(a);
	int len = sizeof(got), res;

	self->tcp_listen = self->tcp_client = self->udp = -1;
	ASSERT_RES(0, iou_ring_init(&self->r, 4, 0));
	self->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->udp);
	ASSERT_SYSOK(bind(self->udp, (struct sockaddr *)&a, sizeof(a)));
	/* 6.19's command, on evidence of its own: unknown commands are EOPNOTSUPP */
	res = cmd_getsockname(&self->r, self->udp, 0, &got, &len, NULL);
	if (res == -EOPNOTSUPP) {
		char why[200];

		if (iou_have_unless_newer(IOU_V(6, 19), "SOCKET_URING_OP_GETSOCKNAME", why,
					  sizeof(why)) == IOU_ABSENT)
			SKIP(return, "%s", why);
		TH_LOG("%s", why);
	}
	ASSERT_RES(0, res);
	self->tcp_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->tcp_listen);
	ASSERT_SYSOK(bind(self->tcp_listen, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_SYSOK(listen(self->tcp_listen, 1));
	ASSERT_SYSOK(getsockname(self->tcp_listen, (struct sockaddr *)&a, &alen));
	self->tcp_client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->tcp_client);
	ASSERT_SYSOK(connect(self->tcp_client, (struct sockaddr *)&a, sizeof(a)));
}

FIXTURE_TEARDOWN(name)
{
	iou_ring_exit(&self->r);
	if (self->tcp_listen >= 0)
		close(self->tcp_listen);
	if (self->tcp_client >= 0)
		close(self->tcp_client);
	if (self->udp >= 0)
		close(self->udp);
}

/* the command and the system call on fd give the same answer */
static void same_as_syscall(struct __test_metadata *_metadata, struct iou_ring *r, int fd,
			    unsigned int peer, int len)
{
	unsigned char cmd_buf[128], sys_buf[128];
	int cmd_len = len;
	socklen_t sys_len = (socklen_t)len;
	int sys_res, res;

	memset(cmd_buf, 0xa5, sizeof(cmd_buf));
	memset(sys_buf, 0xa5, sizeof(sys_buf));
	errno = 0;
	sys_res = peer ? getpeername(fd, (struct sockaddr *)sys_buf, &sys_len) :
			 getsockname(fd, (struct sockaddr *)sys_buf, &sys_len);
	sys_res = sys_res < 0 ? -errno : sys_res;
	res = cmd_getsockname(r, fd, peer, cmd_buf, &cmd_len, NULL);
	ASSERT_RES(sys_res, res);
	ASSERT_EQ((int)sys_len, cmd_len);
	ASSERT_EQ(0, memcmp(cmd_buf, sys_buf, sizeof(cmd_buf)));
}

TEST_F(name, bound_sockets_match_getsockname)
{
	same_as_syscall(_metadata, &self->r, self->udp, 0, sizeof(struct sockaddr_in));
	same_as_syscall(_metadata, &self->r, self->tcp_listen, 0, sizeof(struct sockaddr_in));
	same_as_syscall(_metadata, &self->r, self->tcp_client, 0, 128);
}

TEST_F(name, connected_peer_matches_getpeername)
{
	same_as_syscall(_metadata, &self->r, self->tcp_client, 1, sizeof(struct sockaddr_in));
}

TEST_F(name, short_buffer_is_cut_and_full_length_returned)
{
	same_as_syscall(_metadata, &self->r, self->udp, 0, 4);
	same_as_syscall(_metadata, &self->r, self->tcp_client, 1, 2);
}

TEST_F(name, unconnected_peer_is_enotconn)
{
	same_as_syscall(_metadata, &self->r, self->udp, 1, sizeof(struct sockaddr_in));
	same_as_syscall(_metadata, &self->r, self->tcp_listen, 1, sizeof(struct sockaddr_in));
}

TEST_F(name, unwritable_address_or_length_is_efault)
{
	struct sockaddr_in got;
	int len = sizeof(got);

	ASSERT_RES(-EFAULT, cmd_getsockname(&self->r, self->udp, 0, iou_fault_ptr(), &len, NULL));
	ASSERT_RES(-EFAULT, cmd_getsockname(&self->r, self->udp, 0, &got, iou_fault_ptr(), NULL));
}

static void set_len(struct io_uring_sqe *sqe) { sqe->len = 1; }
static void set_rw_flags(struct io_uring_sqe *sqe) { sqe->rw_flags = 1; }

TEST_F(name, bad_fields_are_einval)
{
	struct sockaddr_in got;
	int len = sizeof(got);

	ASSERT_RES(-EINVAL, cmd_getsockname(&self->r, self->udp, 2, &got, &len, NULL));
	ASSERT_RES(-EINVAL, cmd_getsockname(&self->r, self->udp, ~0u, &got, &len, NULL));
	ASSERT_RES(-EINVAL, cmd_getsockname(&self->r, self->udp, 0, &got, &len, set_len));
	ASSERT_RES(-EINVAL, cmd_getsockname(&self->r, self->udp, 0, &got, &len, set_rw_flags));
}

TEST_HARNESS_MAIN
