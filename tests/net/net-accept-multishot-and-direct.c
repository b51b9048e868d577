// SPDX-License-Identifier: GPL-2.0
/*
 * What IORING_OP_ACCEPT does that accept4(2) cannot:
 *
 *  - multishot (IORING_ACCEPT_MULTISHOT, 5.19): one request posts a CQE
 *    per connection, each with IORING_CQE_F_MORE, until it is cancelled
 *    (one last CQE, -ECANCELED, without F_MORE) or fails (the error,
 *    without F_MORE: the listener shut down gives EINVAL);
 *  - IORING_CQE_F_SOCK_NONEMPTY (6.10, "io_uring/net: wire up
 *    IORING_CQE_F_SOCK_NONEMPTY for accept"): set on a TCP accept that
 *    left more connections waiting;
 *  - direct descriptors: into a chosen slot (res 0) or, with
 *    IORING_FILE_INDEX_ALLOC, the lowest free one (res the slot); a
 *    multishot accept takes only ALLOC (a fixed slot is EINVAL) and ends
 *    with -ENFILE when the table is full; SOCK_CLOEXEC with a slot is
 *    EINVAL; the accepted socket works through its slot;
 *  - on a non-blocking listener with nothing waiting, accept4(2) fails
 *    with EAGAIN while the opcode waits for a connection
 *    (io_uring_prep_accept(3): the request completes when one arrives).
 */
#include <poll.h>

#include "iou.h"
#include "iou_net.h"
#include "iou_rsrc.h"

#define UD	0xacce000000000000ULL	/* differs above bit 31 from UD2 */
#define UD2	0xacce000100000000ULL
#define SLOTS	3

FIXTURE(mshot) {
	struct iou_ring r;
	struct sockaddr_in a;
	int lfd;
	int clients[8];
	int nr_clients;
};

FIXTURE_SETUP(mshot)
{
	self->lfd = -1;
	self->nr_clients = 0;
	REQUIRE_OPCODE(IORING_OP_ACCEPT);
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->lfd = iou_tcp_listener(8, &self->a);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(mshot)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < self->nr_clients; i++)
		close(self->clients[i]);
	iou_close_res(self->lfd);
}

static void connect_client(struct __test_metadata *_metadata, FIXTURE_DATA(mshot) *self)
{
	int fd = iou_tcp_connect(&self->a);

	ASSERT_LE(0, fd);
	ASSERT_GT(8, self->nr_clients);
	self->clients[self->nr_clients++] = fd;
}

/* reap one CQE: it must be ud's with these flags; its res */
static int reap_one(struct __test_metadata *_metadata, struct iou_ring *r, __u64 ud,
		    unsigned int flags)
{
	struct iou_cqe c;

	ASSERT_EQ(1, iou_reap(r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, c.user_data);
	if (c.flags != flags)
		TH_LOG("CQE res %s flags 0x%x, expected flags 0x%x", iou_res_str(c.res),
		       c.flags, flags);
	ASSERT_EQ(flags, c.flags);
	return c.res;
}

static void queue_accept(struct iou_ring *r, int lfd, unsigned int ioprio, int flags,
			 unsigned int slot, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_accept(sqe, lfd, NULL, NULL, flags);
	sqe->ioprio = (__u16)ioprio;
	if (slot)
		iou_set_target_slot(sqe, slot == IORING_FILE_INDEX_ALLOC ? slot : slot - 1);
	sqe->user_data = ud;
}

/* the descriptor res is the accepted end of the client's connection */
static void assert_linked(struct __test_metadata *_metadata, int res, int client)
{
	struct sockaddr_in mine, peer;
	socklen_t len = sizeof(peer);

	ASSERT_LE(0, res);
	ASSERT_EQ(0, getpeername(res, (struct sockaddr *)&peer, &len));
	ASSERT_EQ(0, iou_sock_name(client, &mine));
	ASSERT_EQ(mine.sin_port, peer.sin_port);
	close(res);
}

TEST_F(mshot, one_cqe_per_connection_with_more)
{
	unsigned int pos[2];

	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_MULTISHOT);
	queue_accept(&self->r, self->lfd, IORING_ACCEPT_MULTISHOT, SOCK_CLOEXEC, 0, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* one connection at a time: none waits behind it, no SOCK_NONEMPTY */
	for (int i = 0; i < 3; i++) {
		connect_client(_metadata, self);
		assert_linked(_metadata, reap_one(_metadata, &self->r, UD, IORING_CQE_F_MORE),
			      self->clients[i]);
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* cancelling ends it with one last CQE, without F_MORE */
	iou_prep_cancel(iou_get_sqe(&self->r), UD, 0);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = UD2;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(UD, -ECANCELED), IOU_CQE(UD2, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(mshot, waiting_connections_are_flagged_nonempty)
{
	bool nonempty = iou_net_accept_reports_backlog();

	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_MULTISHOT);
	for (int i = 0; i < 3; i++)
		connect_client(_metadata, self);
	ASSERT_EQ(3, iou_tcp_wait_accept_queue(self->lfd, 3, IOU_WAIT_MS));
	queue_accept(&self->r, self->lfd, IORING_ACCEPT_MULTISHOT, 0, 0, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	/* the accept that leaves others waiting says so (6.10) */
	for (int i = 0; i < 3; i++) {
		unsigned int f = IORING_CQE_F_MORE |
				 (nonempty && i < 2 ? IORING_CQE_F_SOCK_NONEMPTY : 0);

		assert_linked(_metadata, reap_one(_metadata, &self->r, UD, f), self->clients[i]);
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(mshot, single_accept_flags_a_nonempty_queue)
{
	bool nonempty = iou_net_accept_reports_backlog();

	connect_client(_metadata, self);
	connect_client(_metadata, self);
	ASSERT_EQ(2, iou_tcp_wait_accept_queue(self->lfd, 2, IOU_WAIT_MS));
	queue_accept(&self->r, self->lfd, 0, 0, 0, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	assert_linked(_metadata, reap_one(_metadata, &self->r, UD,
					  nonempty ? IORING_CQE_F_SOCK_NONEMPTY : 0),
		      self->clients[0]);
	queue_accept(&self->r, self->lfd, 0, 0, 0, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	assert_linked(_metadata, reap_one(_metadata, &self->r, UD, 0), self->clients[1]);
}

TEST_F(mshot, listener_shut_down_ends_it_with_the_error)
{
	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_MULTISHOT);
	queue_accept(&self->r, self->lfd, IORING_ACCEPT_MULTISHOT, 0, 0, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	connect_client(_metadata, self);
	assert_linked(_metadata, reap_one(_metadata, &self->r, UD, IORING_CQE_F_MORE),
		      self->clients[0]);
	/* a listener shut down for reading stops listening: accept is EINVAL */
	ASSERT_EQ(0, shutdown(self->lfd, SHUT_RD));
	ASSERT_RES(-EINVAL, reap_one(_metadata, &self->r, UD, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(mshot, nonblocking_listener_waits_for_a_connection)
{
	int fl = fcntl(self->lfd, F_GETFL);

	ASSERT_EQ(0, fcntl(self->lfd, F_SETFL, fl | O_NONBLOCK));
	/* the twin would fail at once */
	ASSERT_SYSERR(EAGAIN, accept4(self->lfd, NULL, NULL, 0));
	queue_accept(&self->r, self->lfd, 0, 0, 0, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	connect_client(_metadata, self);
	assert_linked(_metadata, reap_one(_metadata, &self->r, UD, 0), self->clients[0]);
}

/* ---- direct descriptors --------------------------------------------- */

static void register_sparse(struct __test_metadata *_metadata, struct iou_ring *r)
{
	ASSERT_RES(0, iou_register_files2(r, NULL, NULL, SLOTS, IORING_RSRC_REGISTER_SPARSE));
}

/* the connection in slot carries a byte from the client */
static void assert_slot_receives(struct __test_metadata *_metadata, struct iou_ring *r,
				 unsigned int slot, int client)
{
	struct io_uring_sqe *sqe;
	char c = 0;

	ASSERT_EQ(1, send(client, "d", 1, 0));
	sqe = iou_get_sqe(r);
	iou_prep_recv(sqe, (int)slot, &c, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = UD2;
	ASSERT_EQ(1, iou_submit(r));
	IOU_EXPECT_CQES(r, IOU_CQE(UD2, 1));
	ASSERT_EQ('d', c);
}

TEST_F(mshot, direct_into_a_chosen_slot)
{
	REQUIRE_RSRC_SPARSE();
	register_sparse(_metadata, &self->r);
	connect_client(_metadata, self);
	queue_accept(&self->r, self->lfd, 0, 0, 2 + 1, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(0, reap_one(_metadata, &self->r, UD, 0));
	assert_slot_receives(_metadata, &self->r, 2, self->clients[0]);
}

TEST_F(mshot, direct_cloexec_is_einval)
{
	REQUIRE_RSRC_SPARSE();
	register_sparse(_metadata, &self->r);
	connect_client(_metadata, self);
	queue_accept(&self->r, self->lfd, 0, SOCK_CLOEXEC, 1, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(-EINVAL, reap_one(_metadata, &self->r, UD, 0));
	/* the connection is still there */
	queue_accept(&self->r, self->lfd, 0, 0, IORING_FILE_INDEX_ALLOC, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(0, reap_one(_metadata, &self->r, UD, 0));
	assert_slot_receives(_metadata, &self->r, 0, self->clients[0]);
}

TEST_F(mshot, multishot_into_a_fixed_slot_is_einval)
{
	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_MULTISHOT);
	REQUIRE_RSRC_SPARSE();
	register_sparse(_metadata, &self->r);
	queue_accept(&self->r, self->lfd, IORING_ACCEPT_MULTISHOT, 0, 1, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(-EINVAL, reap_one(_metadata, &self->r, UD, 0));
}

TEST_F(mshot, multishot_alloc_ends_with_enfile_on_a_full_table)
{
	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_MULTISHOT);
	REQUIRE_RSRC_SPARSE();
	register_sparse(_metadata, &self->r);
	queue_accept(&self->r, self->lfd, IORING_ACCEPT_MULTISHOT, 0,
		     IORING_FILE_INDEX_ALLOC, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	for (int i = 0; i < SLOTS; i++) {
		connect_client(_metadata, self);
		ASSERT_RES(i, reap_one(_metadata, &self->r, UD, IORING_CQE_F_MORE));
	}
	connect_client(_metadata, self);
	ASSERT_RES(-ENFILE, reap_one(_metadata, &self->r, UD, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	for (int i = 0; i < SLOTS; i++)
		assert_slot_receives(_metadata, &self->r, (unsigned int)i, self->clients[i]);
}

/*
 * Without a table the socket is made and then has nowhere to go: the
 * connection is used up, as when accept4(2) cannot copy out the address.
 */
TEST_F(mshot, no_table_alloc_is_enfile_and_a_slot_enxio)
{
	struct pollfd pfd = { .fd = self->lfd, .events = POLLIN };

	connect_client(_metadata, self);
	queue_accept(&self->r, self->lfd, 0, 0, IORING_FILE_INDEX_ALLOC, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(-ENFILE, reap_one(_metadata, &self->r, UD, 0));
	ASSERT_EQ(0, poll(&pfd, 1, 0));
	connect_client(_metadata, self);
	queue_accept(&self->r, self->lfd, 0, 0, 1, UD);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(-ENXIO, reap_one(_metadata, &self->r, UD, 0));
}

TEST_HARNESS_MAIN
