// SPDX-License-Identifier: GPL-2.0
/*
 * An io_uring descriptor cannot travel in SCM_RIGHTS: sendmsg(2) on an
 * AF_UNIX socket refuses a control message naming a ring with EINVAL
 * (alone or among other descriptors), sends nothing, and the ring stays
 * usable; ordinary descriptors pass as before.  The same holds for
 * IORING_OP_SENDMSG, whose CQE carries sendmsg(2)'s result.
 *
 * Rings in flight in a socket buffer defeated the reference cycle
 * handling of io_uring's and af_unix's garbage collectors (use-after-free
 * reports); 705318a99a13 (6.7, stable 5.4.264, 5.10.204, 5.15.143,
 * 6.1.68, 6.6.7) forbade it.  Every Debian kernel the QEMU runner boots
 * has the fix, so this cannot be shown failing there (6.1.170, 6.12.43,
 * 6.18.5, 6.19.6 and 7.2.13 pass).
 */
#include <sys/socket.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("705318a99a13", "CVE-2023-52654", "",
			"io_uring/af_unix: disable sending io_uring over sockets")));

FIXTURE(scm_rights) {
	struct iou_ring r;
	int sv[2];
	int pipefd[2];
};

FIXTURE_SETUP(scm_rights)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, self->sv));
	ASSERT_EQ(0, pipe(self->pipefd));
}

FIXTURE_TEARDOWN(scm_rights)
{
	close(self->sv[0]);
	close(self->sv[1]);
	close(self->pipefd[0]);
	close(self->pipefd[1]);
	iou_ring_exit(&self->r);
}

struct fdmsg {
	struct msghdr mh;
	struct iovec iov;
	char byte;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
};

static struct msghdr *fd_msg(struct fdmsg *m, const int *fds, unsigned int n)
{
	struct cmsghdr *c;

	memset(m, 0, sizeof(*m));
	m->byte = 'x';
	m->iov.iov_base = &m->byte;
	m->iov.iov_len = 1;
	m->mh.msg_iov = &m->iov;
	m->mh.msg_iovlen = 1;
	m->mh.msg_control = m->ctl.buf;
	m->mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
	c = CMSG_FIRSTHDR(&m->mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return &m->mh;
}

/* how many descriptors the next datagram carries, or -errno (-EAGAIN: none queued) */
static int received_fds(int sock)
{
	struct fdmsg m;
	struct cmsghdr *c;
	int fds[2] = { -1, -1 }, n;

	fd_msg(&m, fds, 2);
	if (recvmsg(sock, &m.mh, MSG_CMSG_CLOEXEC) < 0)
		return -errno;
	c = CMSG_FIRSTHDR(&m.mh);
	if (!c)
		return 0;
	n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	memcpy(fds, CMSG_DATA(c), (size_t)n * sizeof(int));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

static int sys_sendmsg(int sock, const struct msghdr *mh)
{
	return sendmsg(sock, mh, 0) < 0 ? -errno : 1;
}

TEST_F(scm_rights, ordinary_descriptor_passes)
{
	struct fdmsg m;

	ASSERT_EQ(1, sys_sendmsg(self->sv[0], fd_msg(&m, &self->pipefd[0], 1)));
	ASSERT_EQ(1, received_fds(self->sv[1]));
}

TEST_F(scm_rights, ring_descriptor_is_einval)
{
	struct fdmsg m;

	ASSERT_RES(-EINVAL, sys_sendmsg(self->sv[0], fd_msg(&m, &self->r.fd, 1)));
	ASSERT_RES(-EAGAIN, received_fds(self->sv[1]));
	iou_queue_nop(&self->r, 1, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
}

TEST_F(scm_rights, ring_among_other_descriptors_is_einval)
{
	int fds[2] = { self->pipefd[0], self->r.fd };
	struct fdmsg m;

	ASSERT_RES(-EINVAL, sys_sendmsg(self->sv[0], fd_msg(&m, fds, 2)));
	ASSERT_RES(-EAGAIN, received_fds(self->sv[1]));
}

TEST_F(scm_rights, uring_sendmsg_of_a_ring_is_einval)
{
	struct fdmsg m;
	struct io_uring_sqe *sqe;

	REQUIRE_OPCODE(IORING_OP_SENDMSG);
	iou_prep_sendmsg(sqe = iou_get_sqe(&self->r), self->sv[0], fd_msg(&m, &self->r.fd, 1), 0);
	sqe->user_data = 7;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(7, -EINVAL));
	ASSERT_RES(-EAGAIN, received_fds(self->sv[1]));
}

TEST_HARNESS_MAIN
