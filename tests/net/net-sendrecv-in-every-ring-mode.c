// SPDX-License-Identifier: GPL-2.0
/*
 * The network requests that wait or post more than once behave the same
 * in every ring mode (plain, DEFER_TASKRUN, SQPOLL): a RECV that waits for
 * data completes when it comes; a multishot ACCEPT posts per connection;
 * a multishot RECV posts per arrival into provided buffers; a SEND_ZC
 * posts its result and then its notification; a CONNECT to a listener
 * and the ACCEPT that takes it, submitted together, both complete.
 */
#include "iou.h"
#include "iou_net.h"
#include "iou_pbuf.h"

#define UD	0x30de000000000001ULL
#define MORE	IORING_CQE_F_MORE

FIXTURE(mode) {
	struct iou_ring r;
	int fds[2];
};

FIXTURE_VARIANT(mode) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE mode
#include "iou_modes.h"

FIXTURE_SETUP(mode)
{
	self->fds[0] = self->fds[1] = -1;
	IOU_RING_INIT_MODE(&self->r, 16, variant->setup_flags);
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
}

FIXTURE_TEARDOWN(mode)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

static void submit_one(struct __test_metadata *_metadata, struct iou_ring *r, __u64 ud)
{
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = ud;
	ASSERT_EQ(1, iou_submit(r));
}

TEST_F(mode, waiting_recv_completes_when_data_comes)
{
	char buf[8] = { 0 };

	iou_prep_recv(iou_get_sqe(&self->r), self->fds[0], buf, sizeof(buf), 0);
	submit_one(_metadata, &self->r, UD);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, send(self->fds[1], "ping", 4, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, 4));
	ASSERT_EQ(0, memcmp(buf, "ping", 4));
}

TEST_F(mode, multishot_accept_posts_per_connection)
{
	struct sockaddr_in a;
	int lfd = iou_tcp_listener(4, &a), c[2];
	struct iou_cqe cqe;

	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_MULTISHOT);
	ASSERT_LE(0, lfd);
	iou_prep_multishot_accept(iou_get_sqe(&self->r), lfd, NULL, NULL, SOCK_CLOEXEC);
	submit_one(_metadata, &self->r, UD);
	for (int i = 0; i < 2; i++) {
		c[i] = iou_tcp_connect(&a);
		ASSERT_LE(0, c[i]);
		ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
		ASSERT_EQ(UD, cqe.user_data);
		ASSERT_EQ(MORE, cqe.flags);
		ASSERT_LE(0, cqe.res);
		close(cqe.res);
		close(c[i]);
	}
	close(lfd);
}

TEST_F(mode, multishot_recv_posts_per_arrival)
{
	static unsigned char bufs[4][64];
	struct iou_pbuf_ring pb;

	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	REQUIRE_RECV_MULTISHOT(IORING_OP_RECV);
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 2, 0));
	for (unsigned int i = 0; i < 4; i++)
		iou_pbuf_add(&pb, bufs[i], 64, i, i);
	iou_pbuf_advance(&pb, 4);
	iou_prep_recv_multishot(iou_get_sqe(&self->r), self->fds[0], 2, 0);
	submit_one(_metadata, &self->r, UD);
	for (unsigned int i = 0; i < 2; i++) {
		ASSERT_EQ(3, send(self->fds[1], "abc", 3, 0));
		IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, 3, iou_pbuf_cqe_flags(i, MORE)));
	}
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(mode, send_zc_posts_result_then_notification)
{
	REQUIRE_OPCODE(IORING_OP_SEND_ZC);
	iou_prep_send_zc(iou_get_sqe(&self->r), self->fds[0], "zero", 4, 0, 0);
	submit_one(_metadata, &self->r, UD);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, 4, MORE), IOU_CQE_F(UD, 0, IORING_CQE_F_NOTIF));
	ASSERT_EQ(4, iou_sock_collect(self->fds[1], 4, 0, IOU_WAIT_MS).bytes);
}

TEST_F(mode, connect_and_accept_in_one_submission)
{
	struct sockaddr_in a;
	int lfd = iou_tcp_listener(4, &a), cfd = iou_socket(AF_INET, SOCK_STREAM);
	unsigned int pos[2];
	struct iou_cqe c[2];

	ASSERT_LE(0, lfd);
	ASSERT_LE(0, cfd);
	iou_prep_accept(iou_get_sqe(&self->r), lfd, NULL, NULL, SOCK_CLOEXEC);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = UD;
	iou_prep_connect(iou_get_sqe(&self->r), cfd, (struct sockaddr *)&a, sizeof(a));
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = UD + 1;
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(2, iou_reap(&self->r, c, 2, IOU_WAIT_MS));
	pos[0] = (unsigned int)iou_cqe_index(c, 2, UD);
	pos[1] = (unsigned int)iou_cqe_index(c, 2, UD + 1);
	ASSERT_GT(2u, pos[0]);
	ASSERT_GT(2u, pos[1]);
	ASSERT_LE(0, c[pos[0]].res);
	ASSERT_EQ(0, c[pos[0]].flags);
	ASSERT_CQE_AT(c, pos[1], UD + 1, 0, 0);
	close(c[pos[0]].res);
	close(cfd);
	close(lfd);
}

TEST_HARNESS_MAIN
