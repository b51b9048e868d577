// SPDX-License-Identifier: GPL-2.0
/*
 * A socket's whole life through direct descriptors (registered file
 * slots), never in the process's descriptor table:
 *  - a client: SOCKET into a slot, CONNECT, SEND, SHUTDOWN and CLOSE of
 *    the slot, each with IOSQE_FIXED_FILE, as one linked chain;
 *  - a server (BIND and LISTEN, 6.11): SOCKET, BIND, LISTEN on a slot,
 *    ACCEPT of a connection into another slot (IORING_FILE_INDEX_ALLOC),
 *    RECV from it, and the data is the client's;
 * the descriptor table gains nothing, and a closed slot is EBADF.
 */
#include "iou.h"
#include "iou_net.h"
#include "iou_rsrc.h"

#define SLOTS	4

FIXTURE(direct) {
	struct iou_ring r;
	struct sockaddr_in a;
	int lfd;
};

FIXTURE_SETUP(direct)
{
	self->lfd = -1;
	REQUIRE_OPCODE(IORING_OP_SOCKET);
	REQUIRE_OPCODE(IORING_OP_SHUTDOWN);
	REQUIRE_RSRC_SPARSE();
	IOU_ENTER_PRIVATE_NETNS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, SLOTS,
					  IORING_RSRC_REGISTER_SPARSE));
}

FIXTURE_TEARDOWN(direct)
{
	iou_ring_exit(&self->r);
	iou_close_res(self->lfd);
}

static struct io_uring_sqe *linked(struct iou_ring *r, __u64 ud, bool fixed, bool link)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	sqe->user_data = ud;
	sqe->flags = (__u8)((fixed ? IOSQE_FIXED_FILE : 0) | (link ? IOSQE_IO_LINK : 0));
	return sqe;
}

TEST_F(direct, client_lives_in_a_slot)
{
	int fd_before = iou_lowest_free_fd(), conn;
	unsigned char buf[16];
	struct io_uring_sqe *sqe;

	self->lfd = iou_tcp_listener(4, &self->a);
	ASSERT_LE(0, self->lfd);
	fd_before = iou_lowest_free_fd();

	/* the prep helpers set no flags: linked() sets them first */
	iou_prep_socket_direct(linked(&self->r, 1, false, true), AF_INET, SOCK_STREAM, 0, 2);
	iou_prep_connect(linked(&self->r, 2, true, true), 2, (struct sockaddr *)&self->a,
			 sizeof(self->a));
	iou_prep_send(linked(&self->r, 3, true, true), 2, "hello", 5, 0);
	iou_prep_shutdown(linked(&self->r, 4, true, true), 2, SHUT_WR);
	iou_prep_close_direct(linked(&self->r, 5, false, false), 2);
	ASSERT_EQ(5, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(3, 5), IOU_CQE(4, 0),
			IOU_CQE(5, 0));
	ASSERT_EQ(fd_before, iou_lowest_free_fd());
	/* the server side sees the client's bytes and its end */
	conn = accept4(self->lfd, NULL, NULL, SOCK_CLOEXEC);
	ASSERT_LE(0, conn);
	ASSERT_EQ(5, recv(conn, buf, sizeof(buf), MSG_WAITALL));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
	close(conn);
	/* the slot is empty now */
	iou_prep_send(sqe = iou_get_sqe(&self->r), 2, "x", 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(-EBADF, iou_run_one(&self->r, NULL));
}

TEST_F(direct, server_lives_in_slots)
{
	int fd_before = iou_lowest_free_fd(), client;
	struct sockaddr_in a = iou_loopback4(34567);
	unsigned char buf[16] = { 0 };
	struct io_uring_sqe *sqe;
	struct iou_cqe c;

	REQUIRE_OPCODE(IORING_OP_BIND);
	REQUIRE_OPCODE(IORING_OP_LISTEN);
	iou_prep_socket_direct(linked(&self->r, 1, false, true), AF_INET, SOCK_STREAM, 0, 0);
	iou_prep_bind(linked(&self->r, 2, true, true), 0, (struct sockaddr *)&a, sizeof(a));
	iou_prep_listen(linked(&self->r, 3, true, false), 0, 4);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(3, 0));
	ASSERT_EQ(fd_before, iou_lowest_free_fd());

	client = iou_tcp_connect(&a);
	ASSERT_LE(0, client);
	iou_prep_accept(sqe = iou_get_sqe(&self->r), 0, NULL, NULL, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	iou_set_target_slot(sqe, IORING_FILE_INDEX_ALLOC);
	ASSERT_RES(1, iou_run_one(&self->r, &c));
	ASSERT_EQ(5, send(client, "world", 5, 0));
	iou_prep_recv(sqe = iou_get_sqe(&self->r), 1, buf, sizeof(buf), MSG_WAITALL);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->len = 5;
	ASSERT_RES(5, iou_run_one(&self->r, &c));
	ASSERT_EQ(0, memcmp(buf, "world", 5));
	ASSERT_EQ(fd_before + 1, iou_lowest_free_fd());
	close(client);
}

TEST_HARNESS_MAIN
