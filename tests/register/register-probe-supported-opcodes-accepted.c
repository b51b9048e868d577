// SPDX-License-Identifier: GPL-2.0
/*
 * Every opcode IORING_REGISTER_PROBE marks supported is really accepted:
 * one well-formed request of each completes with the result that request
 * must give (a count, 0, a descriptor, or the errno of the operation
 * itself, such as -ENOENT for cancelling nothing or -ENOTSOCK for
 * accept on a regular file), never with the -EINVAL of an opcode the
 * kernel does not know.  Every opcode from last_op + 1 up to 255
 * completes with -EINVAL.
 *
 * One case per opcode (a variant each), so the report names the opcode.
 * An opcode the kernel lacks (requirements) is skipped; RECV_ZC is
 * skipped too, as it cannot be prepared without a zero-copy receive
 * queue, which needs a capable NIC.  Filesystem-dependent results
 * (xattrs) are compared with the same operation done by a syscall.
 */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/futex.h>
#include <linux/openat2.h>

#include "iou.h"
#include "iou_rsrc.h"

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32		0x02
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE		128
#endif

#define UD		0xacce97ULL
#define NOT_THERE	0x12345678ULL

FIXTURE(opcode) {
	struct iou_ring r;
	int file;		/* scratch file "data", also fixed slot 0 */
	int pipe[2];
	int sock[2];		/* AF_UNIX stream pair */
	unsigned char *buf;	/* registered buffer 0, 4 pages */
	char dir[512];
};

FIXTURE_VARIANT(opcode) {
	int op;
};

#define OP(name) FIXTURE_VARIANT_ADD(opcode, IORING_OP_##name) { .op = IORING_OP_##name }
OP(NOP); OP(READV); OP(WRITEV); OP(FSYNC); OP(READ_FIXED); OP(WRITE_FIXED);
OP(POLL_ADD); OP(POLL_REMOVE); OP(SYNC_FILE_RANGE); OP(SENDMSG); OP(RECVMSG);
OP(TIMEOUT); OP(TIMEOUT_REMOVE); OP(ACCEPT); OP(ASYNC_CANCEL); OP(LINK_TIMEOUT);
OP(CONNECT); OP(FALLOCATE); OP(OPENAT); OP(CLOSE); OP(FILES_UPDATE); OP(STATX);
OP(READ); OP(WRITE); OP(FADVISE); OP(MADVISE); OP(SEND); OP(RECV); OP(OPENAT2);
OP(EPOLL_CTL); OP(SPLICE); OP(PROVIDE_BUFFERS); OP(REMOVE_BUFFERS); OP(TEE);
OP(SHUTDOWN); OP(RENAMEAT); OP(UNLINKAT); OP(MKDIRAT); OP(SYMLINKAT); OP(LINKAT);
OP(MSG_RING); OP(FSETXATTR); OP(SETXATTR); OP(FGETXATTR); OP(GETXATTR);
OP(SOCKET); OP(URING_CMD); OP(SEND_ZC); OP(SENDMSG_ZC); OP(READ_MULTISHOT);
OP(WAITID); OP(FUTEX_WAIT); OP(FUTEX_WAKE); OP(FUTEX_WAITV); OP(FIXED_FD_INSTALL);
OP(FTRUNCATE); OP(BIND); OP(LISTEN); OP(RECV_ZC); OP(EPOLL_WAIT);
OP(READV_FIXED); OP(WRITEV_FIXED); OP(PIPE);
#undef OP

FIXTURE_SETUP(opcode)
{
	struct iovec iov;
	int fds[2];

	self->file = self->pipe[0] = self->pipe[1] = -1;
	self->sock[0] = self->sock[1] = -1;
	REQUIRE_OPCODE(variant->op);
	if (variant->op == IORING_OP_RECV_ZC)
		SKIP(return, "RECV_ZC needs a zero-copy receive queue (capable NIC)");
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->file = iou_scratch_file("data", 8192, 0);
	ASSERT_LE(0, self->file);
	snprintf(self->dir, sizeof(self->dir), "%s", iou_scratch_dir());
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC | O_NONBLOCK));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, self->sock));
	self->buf = iou_map_nohuge(4 * IOU_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	iov = (struct iovec){ self->buf, 4 * IOU_PAGE_SIZE };
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	fds[0] = self->file;
	fds[1] = -1;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 2));
}

FIXTURE_TEARDOWN(opcode)
{
	iou_ring_exit(&self->r);
	if (self->file >= 0)
		close(self->file);
	for (int i = 0; i < 2; i++) {
		if (self->pipe[i] >= 0)
			close(self->pipe[i]);
		if (self->sock[i] >= 0)
			close(self->sock[i]);
	}
}

static const char *path_in(FIXTURE_DATA(opcode) *self, const char *name)
{
	static char p[2][600];
	static int n;
	char *b = p[n++ & 1];

	snprintf(b, sizeof(p[0]), "%s/%s", self->dir, name);
	return b;
}

/* a descriptor the kernel returned: open, and then closed by us */
#define ASSERT_NEW_FD(res) do {						\
	int __fd = (res);						\
	ASSERT_LE(0, __fd);						\
	ASSERT_LE(0, fcntl(__fd, F_GETFD));				\
	close(__fd);							\
	} while (0)

static struct io_uring_sqe *sqe_for(struct iou_ring *r)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	sqe->user_data = UD;
	return sqe;
}

/* connected TCP pair over loopback (zero-copy send needs a real socket) */
static int tcp_pair(int sv[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sv[0] = sv[1] = -1;
	if (l < 0)
		return -errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		goto fail;
	sv[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sv[0] < 0 || connect(sv[0], (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	sv[1] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (sv[1] < 0)
		goto fail;
	close(l);
	return 0;
fail:
	close(l);
	if (sv[0] >= 0)
		close(sv[0]);
	return -1;
}

TEST_F(opcode, supported_opcode_is_accepted)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe, two[2];
	struct iovec iov = { self->buf, 16 };
	char small[16];
	int op = variant->op;

	switch (op) {
	case IORING_OP_NOP:
		iou_prep_nop(sqe_for(&self->r), UD);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_READV:
		iou_prep_readv(sqe_for(&self->r), self->file, &iov, 1, 100);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		ASSERT_TRUE(iou_check_pattern(self->buf, 16, 100));
		break;
	case IORING_OP_WRITEV:
		iou_prep_writev(sqe_for(&self->r), self->file, &iov, 1, 0);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_FSYNC:
		iou_prep_fsync(sqe_for(&self->r), self->file, 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_READ_FIXED:
		iou_prep_read_fixed(sqe_for(&self->r), self->file, self->buf, 16, 200, 0);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		ASSERT_TRUE(iou_check_pattern(self->buf, 16, 200));
		break;
	case IORING_OP_WRITE_FIXED:
		iou_prep_write_fixed(sqe_for(&self->r), self->file, self->buf, 16, 0, 0);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_POLL_ADD:
		/* an empty pipe's write end is writable at once */
		iou_prep_poll_add(sqe_for(&self->r), self->pipe[1], POLLOUT);
		ASSERT_RES(POLLOUT, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_POLL_REMOVE:
		iou_prep_poll_remove(sqe_for(&self->r), NOT_THERE);
		ASSERT_RES(-ENOENT, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_SYNC_FILE_RANGE:
		iou_prep_sync_file_range(sqe_for(&self->r), self->file, 4096, 0, 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_SENDMSG:
	case IORING_OP_RECVMSG: {
		struct iovec mv = { small, 4 };
		struct msghdr msg = { .msg_iov = &mv, .msg_iovlen = 1 };

		if (op == IORING_OP_SENDMSG) {
			memcpy(small, "smsg", 4);
			iou_prep_sendmsg(sqe_for(&self->r), self->sock[0], &msg, 0);
			ASSERT_RES(4, iou_run_one(&self->r, &cqe));
			ASSERT_EQ(4, recv(self->sock[1], small, sizeof(small), MSG_DONTWAIT));
		} else {
			ASSERT_EQ(4, send(self->sock[0], "rmsg", 4, 0));
			iou_prep_recvmsg(sqe_for(&self->r), self->sock[1], &msg, 0);
			ASSERT_RES(4, iou_run_one(&self->r, &cqe));
			ASSERT_EQ(0, memcmp(small, "rmsg", 4));
		}
		break;
	}
	case IORING_OP_TIMEOUT: {
		struct __kernel_timespec ts = iou_ts_ms(1);

		iou_prep_timeout(sqe_for(&self->r), &ts, 0, 0);
		ASSERT_RES(-ETIME, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_TIMEOUT_REMOVE:
		iou_prep_timeout_remove(sqe_for(&self->r), NOT_THERE, 0);
		ASSERT_RES(-ENOENT, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_ACCEPT:
		iou_prep_accept(sqe_for(&self->r), self->file, NULL, NULL, 0);
		ASSERT_RES(-ENOTSOCK, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_ASYNC_CANCEL:
		iou_prep_cancel(sqe_for(&self->r), NOT_THERE, 0);
		ASSERT_RES(-ENOENT, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_LINK_TIMEOUT: {
		struct __kernel_timespec ts = iou_ts_ms(10000);

		sqe = iou_get_sqe(&self->r);
		iou_prep_nop(sqe, 1);
		sqe->flags = IOSQE_IO_LINK;
		sqe = iou_get_sqe(&self->r);
		iou_prep_link_timeout(sqe, &ts, 0);
		sqe->user_data = 2;
		ASSERT_EQ(2, iou_submit_reap(&self->r, two, 2));
		/* the NOP completed, so its timeout was cancelled */
		ASSERT_NE(two[0].user_data, two[1].user_data);
		for (int i = 0; i < 2; i++) {
			ASSERT_TRUE(two[i].user_data == 1 || two[i].user_data == 2);
			ASSERT_RES(two[i].user_data == 1 ? 0 : -ECANCELED, two[i].res);
		}
		return;
	}
	case IORING_OP_CONNECT: {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		iou_prep_connect(sqe_for(&self->r), self->file, (struct sockaddr *)&sun,
				 sizeof(sun));
		ASSERT_RES(-ENOTSOCK, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_FALLOCATE:
		iou_prep_fallocate(sqe_for(&self->r), self->file, 0, 0, 4096);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_OPENAT:
		iou_prep_openat(sqe_for(&self->r), AT_FDCWD, path_in(self, "data"),
				O_RDONLY | O_CLOEXEC, 0);
		ASSERT_NEW_FD(iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_CLOSE: {
		int fd = dup(self->file);

		ASSERT_LE(0, fd);
		iou_prep_close(sqe_for(&self->r), fd);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(-1, fcntl(fd, F_GETFD));
		break;
	}
	case IORING_OP_FILES_UPDATE: {
		int none = -1;

		iou_prep_files_update(sqe_for(&self->r), &none, 1, 1);
		ASSERT_RES(1, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_STATX: {
		struct statx stx;

		memset(&stx, 0, sizeof(stx));
		iou_prep_statx(sqe_for(&self->r), AT_FDCWD, path_in(self, "data"), 0,
			       STATX_SIZE, &stx);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(8192, stx.stx_size);
		break;
	}
	case IORING_OP_READ:
		iou_prep_read(sqe_for(&self->r), self->file, small, 16, 300);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		ASSERT_TRUE(iou_check_pattern(small, 16, 300));
		break;
	case IORING_OP_WRITE:
		iou_prep_write(sqe_for(&self->r), self->file, "0123456789abcdef", 16, 0);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_FADVISE:
		iou_prep_fadvise(sqe_for(&self->r), self->file, 0, 4096, POSIX_FADV_NORMAL);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_MADVISE:
		iou_prep_madvise(sqe_for(&self->r), self->buf, 4096, MADV_NORMAL);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_SEND:
		iou_prep_send(sqe_for(&self->r), self->sock[0], "send", 4, 0);
		ASSERT_RES(4, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(4, recv(self->sock[1], small, sizeof(small), MSG_DONTWAIT));
		break;
	case IORING_OP_RECV:
		ASSERT_EQ(4, send(self->sock[0], "recv", 4, 0));
		iou_prep_recv(sqe_for(&self->r), self->sock[1], small, sizeof(small), 0);
		ASSERT_RES(4, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(0, memcmp(small, "recv", 4));
		break;
	case IORING_OP_OPENAT2: {
		struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };

		iou_prep_openat2(sqe_for(&self->r), AT_FDCWD, path_in(self, "data"),
				 &how, sizeof(how));
		ASSERT_NEW_FD(iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_EPOLL_CTL:
	case IORING_OP_EPOLL_WAIT: {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 };
		int ep = epoll_create1(EPOLL_CLOEXEC);

		ASSERT_LE(0, ep);
		if (op == IORING_OP_EPOLL_CTL) {
			iou_prep_epoll_ctl(sqe_for(&self->r), ep, self->pipe[0],
					   EPOLL_CTL_ADD, &ev);
			ASSERT_RES(0, iou_run_one(&self->r, &cqe));
			/* it was really added: a second add is EEXIST */
			ASSERT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_ADD, self->pipe[0], &ev));
		} else {
			ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->pipe[0], &ev));
			ASSERT_EQ(1, write(self->pipe[1], "e", 1));
			memset(&ev, 0, sizeof(ev));
			iou_prep_epoll_wait(sqe_for(&self->r), ep, &ev, 1, 0);
			ASSERT_RES(1, iou_run_one(&self->r, &cqe));
			ASSERT_EQ(77, ev.data.u64);
		}
		close(ep);
		break;
	}
	case IORING_OP_SPLICE:
		iou_prep_splice(sqe_for(&self->r), self->file, 400, self->pipe[1], -1, 16, 0);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(16, read(self->pipe[0], small, sizeof(small)));
		ASSERT_TRUE(iou_check_pattern(small, 16, 400));
		break;
	case IORING_OP_PROVIDE_BUFFERS:
	case IORING_OP_REMOVE_BUFFERS:
		/*
		 * Providing buffers to a group that does not exist yet
		 * completes with 0 on every kernel from 5.13 on: since
		 * dbc7d452e7cf ("io_uring: manage provided buffers strictly
		 * ordered", 5.18) every PROVIDE_BUFFERS does; before it, one
		 * that adds to an existing group gives the count, but one
		 * that creates the group gives the 0 of inserting it.
		 */
		iou_prep_provide_buffers(sqe_for(&self->r), self->buf, 64, 2, 7, 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		/* both are there: removing them counts 2 */
		iou_prep_remove_buffers(sqe_for(&self->r), 2, 7);
		ASSERT_RES(2, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_TEE: {
		int q[2];

		ASSERT_EQ(0, pipe2(q, O_CLOEXEC | O_NONBLOCK));
		ASSERT_EQ(4, write(self->pipe[1], "teed", 4));
		iou_prep_tee(sqe_for(&self->r), self->pipe[0], q[1], 4, 0);
		ASSERT_RES(4, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(4, read(q[0], small, sizeof(small)));
		ASSERT_EQ(0, memcmp(small, "teed", 4));
		close(q[0]);
		close(q[1]);
		break;
	}
	case IORING_OP_SHUTDOWN:
		iou_prep_shutdown(sqe_for(&self->r), self->sock[0], SHUT_WR);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(0, recv(self->sock[1], small, sizeof(small), MSG_DONTWAIT));
		break;
	case IORING_OP_RENAMEAT:
		close(iou_scratch_file("old", 1, 0));
		iou_prep_renameat(sqe_for(&self->r), AT_FDCWD, path_in(self, "old"),
				  AT_FDCWD, path_in(self, "new"), 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(0, access(path_in(self, "new"), F_OK));
		break;
	case IORING_OP_UNLINKAT:
		close(iou_scratch_file("gone", 1, 0));
		iou_prep_unlinkat(sqe_for(&self->r), AT_FDCWD, path_in(self, "gone"), 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(-1, access(path_in(self, "gone"), F_OK));
		break;
	case IORING_OP_MKDIRAT:
		iou_prep_mkdirat(sqe_for(&self->r), AT_FDCWD, path_in(self, "d"), 0755);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(0, access(path_in(self, "d"), F_OK));
		break;
	case IORING_OP_SYMLINKAT:
		iou_prep_symlinkat(sqe_for(&self->r), "data", AT_FDCWD, path_in(self, "sym"));
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(0, access(path_in(self, "sym"), F_OK));
		break;
	case IORING_OP_LINKAT:
		iou_prep_linkat(sqe_for(&self->r), AT_FDCWD, path_in(self, "data"),
				AT_FDCWD, path_in(self, "hard"), 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(0, access(path_in(self, "hard"), F_OK));
		break;
	case IORING_OP_MSG_RING: {
		struct iou_ring other;
		struct iou_cqe got;

		ASSERT_EQ(0, iou_ring_init(&other, 2, 0));
		iou_prep_msg_ring(sqe_for(&self->r), other.fd, 0x55, 0x66, 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(1, iou_reap(&other, &got, 1, IOU_WAIT_MS));
		ASSERT_EQ(0x66, got.user_data);
		ASSERT_RES(0x55, got.res);
		iou_ring_exit(&other);
		break;
	}
	case IORING_OP_FSETXATTR:
	case IORING_OP_SETXATTR:
	case IORING_OP_FGETXATTR:
	case IORING_OP_GETXATTR: {
		int ref = iou_scratch_file("ref", 1, 0);
		int want;
		char val[8] = { 0 };

		ASSERT_LE(0, ref);
		/* what this filesystem says to the same call */
		want = fsetxattr(ref, "user.iou", "v", 1, 0) ? -errno : 0;
		close(ref);
		if (op == IORING_OP_FSETXATTR) {
			iou_prep_fsetxattr(sqe_for(&self->r), self->file, "user.iou", "v", 0, 1);
		} else if (op == IORING_OP_SETXATTR) {
			iou_prep_setxattr(sqe_for(&self->r), "user.iou", "v",
					  path_in(self, "data"), 0, 1);
		} else {
			if (want == 0) {
				ASSERT_EQ(0, fsetxattr(self->file, "user.iou", "v", 1, 0));
				want = 1;
			} else {
				want = fgetxattr(self->file, "user.iou", val, sizeof(val)) < 0 ?
				       -errno : 1;
			}
			if (op == IORING_OP_FGETXATTR)
				iou_prep_fgetxattr(sqe_for(&self->r), self->file, "user.iou",
						   val, sizeof(val));
			else
				iou_prep_getxattr(sqe_for(&self->r), "user.iou", val,
						  path_in(self, "data"), sizeof(val));
		}
		ASSERT_RES(want, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_SOCKET:
		iou_prep_socket(sqe_for(&self->r), AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, 0);
		ASSERT_NEW_FD(iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_URING_CMD:
		/* a regular file has no ->uring_cmd */
		iou_prep_uring_cmd(sqe_for(&self->r), self->file, 0);
		ASSERT_RES(-EOPNOTSUPP, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_SEND_ZC:
	case IORING_OP_SENDMSG_ZC: {
		struct iovec mv = { (void *)"zcpy", 4 };
		struct msghdr msg = { .msg_iov = &mv, .msg_iovlen = 1 };
		int tcp[2];

		if (tcp_pair(tcp))
			SKIP(return, "no TCP over loopback");
		if (op == IORING_OP_SEND_ZC)
			iou_prep_send_zc(sqe_for(&self->r), tcp[0], "zcpy", 4, 0, 0);
		else
			iou_prep_sendmsg_zc(sqe_for(&self->r), tcp[0], &msg, 0);
		ASSERT_EQ(2, iou_submit_reap(&self->r, two, 2));
		/* the send, which promises a notification, then the notification */
		ASSERT_EQ(UD, two[0].user_data);
		ASSERT_RES(4, two[0].res);
		ASSERT_EQ(IORING_CQE_F_MORE, two[0].flags);
		ASSERT_EQ(UD, two[1].user_data);
		ASSERT_RES(0, two[1].res);
		ASSERT_EQ(IORING_CQE_F_NOTIF, two[1].flags);
		ASSERT_EQ(4, recv(tcp[1], small, sizeof(small), 0));
		close(tcp[0]);
		close(tcp[1]);
		return;
	}
	case IORING_OP_READ_MULTISHOT:
		/* a group without buffers: accepted, then nothing to read into */
		ASSERT_EQ(1, write(self->pipe[1], "m", 1));
		iou_prep_read_multishot(sqe_for(&self->r), self->pipe[0], 0, 0, 9);
		ASSERT_RES(-ENOBUFS, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_WAITID: {
		siginfo_t si;

		/* pid 1 is not our child */
		iou_prep_waitid(sqe_for(&self->r), P_PID, 1, &si, WEXITED, 0);
		ASSERT_RES(-ECHILD, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_FUTEX_WAIT: {
		static __u32 futex = 1;

		/* the word is 1, not the expected 0: no wait */
		iou_prep_futex_wait(sqe_for(&self->r), &futex, 0, FUTEX_BITSET_MATCH_ANY,
				    FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
		ASSERT_RES(-EAGAIN, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_FUTEX_WAKE: {
		static __u32 futex;

		iou_prep_futex_wake(sqe_for(&self->r), &futex, 1, FUTEX_BITSET_MATCH_ANY,
				    FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_FUTEX_WAITV: {
		static __u32 futex = 1;
		struct futex_waitv wv = {
			.val = 0,
			.uaddr = (__u64)(uintptr_t)&futex,
			.flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE,
		};

		iou_prep_futex_waitv(sqe_for(&self->r), &wv, 1, 0);
		ASSERT_RES(-EAGAIN, iou_run_one(&self->r, &cqe));
		break;
	}
	case IORING_OP_FIXED_FD_INSTALL:
		iou_prep_fixed_fd_install(sqe_for(&self->r), 0, 0);
		ASSERT_NEW_FD(iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_FTRUNCATE:
		iou_prep_ftruncate(sqe_for(&self->r), self->file, 4096);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_EQ(4096, lseek(self->file, 0, SEEK_END));
		break;
	case IORING_OP_BIND:
	case IORING_OP_LISTEN: {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		socklen_t len;
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		ASSERT_LE(0, s);
		/* an abstract name of our own */
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				  (size_t)snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
						   "iou-probe-%d", (int)getpid()));
		if (op == IORING_OP_BIND) {
			iou_prep_bind(sqe_for(&self->r), s, (struct sockaddr *)&sun, len);
		} else {
			ASSERT_EQ(0, bind(s, (struct sockaddr *)&sun, len));
			iou_prep_listen(sqe_for(&self->r), s, 4);
		}
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		close(s);
		break;
	}
	case IORING_OP_READV_FIXED:
		iou_prep_readv_fixed(sqe_for(&self->r), self->file, &iov, 1, 500, 0);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		ASSERT_TRUE(iou_check_pattern(self->buf, 16, 500));
		break;
	case IORING_OP_WRITEV_FIXED:
		iou_prep_writev_fixed(sqe_for(&self->r), self->file, &iov, 1, 0, 0);
		ASSERT_RES(16, iou_run_one(&self->r, &cqe));
		break;
	case IORING_OP_PIPE: {
		int p[2] = { -1, -1 };

		iou_prep_pipe(sqe_for(&self->r), p, O_CLOEXEC);
		ASSERT_RES(0, iou_run_one(&self->r, &cqe));
		ASSERT_NEW_FD(p[0]);
		ASSERT_NEW_FD(p[1]);
		break;
	}
	default:
		ASSERT_EQ(0, op) TH_LOG("no request for %s", iou_opcode_name(op));
	}
	ASSERT_EQ(UD, cqe.user_data);
}

TEST(opcodes_past_last_op_fail_einval)
{
	struct iou_ring r;
	unsigned int first;

	REQUIRE_REGISTER_OP(IORING_REGISTER_PROBE);
	first = iou_probe_nr_ops();
	ASSERT_EQ(0, iou_ring_init(&r, 8, 0));
	for (unsigned int op = first; op <= 255; op++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&r);
		struct iou_cqe cqe;

		iou_prep_nop(sqe, 0x1000 + op);
		sqe->opcode = (__u8)op;
		ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
		ASSERT_EQ(0x1000 + op, cqe.user_data);
		ASSERT_EQ(-EINVAL, cqe.res) TH_LOG("opcode %u", op);
	}
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
