// SPDX-License-Identifier: GPL-2.0
/*
 * Network requests in linked chains (IOSQE_IO_LINK): what counts as a
 * failure that cancels the rest (-ECANCELED), and what does not:
 *  - SEND linked to RECV on one pair: the receive runs after the send
 *    and gets its bytes;
 *  - a failed send (EPIPE) cancels the rest; hard-linked, the rest runs;
 *  - a RECV with MSG_WAITALL that ends short (the peer's end of stream)
 *    is a failure for the chain, although its res is the bytes it got;
 *    without MSG_WAITALL a short receive is a success;
 *  - a RECV bounded by a linked timeout that expires completes with
 *    -ECANCELED, the timeout with -ETIME.
 */
#include "iou.h"
#include "iou_net.h"

FIXTURE(chain) {
	struct iou_ring r;
	int fds[2];
	char buf[128];
};

FIXTURE_SETUP(chain)
{
	self->fds[0] = self->fds[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_UNIX_STREAM, self->fds));
}

FIXTURE_TEARDOWN(chain)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

static struct io_uring_sqe *sqe_of(struct iou_ring *r, __u64 ud, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	sqe->user_data = ud;
	sqe->flags = (__u8)flags;
	return sqe;
}

TEST_F(chain, send_then_recv_in_order)
{
	iou_prep_send(sqe_of(&self->r, 1, IOSQE_IO_LINK), self->fds[1], "linked", 6, 0);
	iou_prep_recv(sqe_of(&self->r, 2, 0), self->fds[0], self->buf, sizeof(self->buf), 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 6), IOU_CQE(2, 6));
	ASSERT_EQ(0, memcmp(self->buf, "linked", 6));
}

TEST_F(chain, failed_send_cancels_the_rest)
{
	close(self->fds[0]);
	self->fds[0] = -1;
	iou_prep_send(sqe_of(&self->r, 1, IOSQE_IO_LINK), self->fds[1], "x", 1, 0);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EPIPE), IOU_CQE(2, -ECANCELED));
}

TEST_F(chain, failed_send_hardlinked_lets_the_rest_run)
{
	close(self->fds[0]);
	self->fds[0] = -1;
	iou_prep_send(sqe_of(&self->r, 1, IOSQE_IO_HARDLINK), self->fds[1], "x", 1, 0);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EPIPE), IOU_CQE(2, 0));
}

TEST_F(chain, short_waitall_recv_breaks_the_chain)
{
	ASSERT_EQ(40, send(self->fds[1], self->buf, 40, 0));
	ASSERT_EQ(0, shutdown(self->fds[1], SHUT_WR));
	iou_prep_recv(sqe_of(&self->r, 1, IOSQE_IO_LINK), self->fds[0], self->buf, 100,
		      MSG_WAITALL);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 40), IOU_CQE(2, -ECANCELED));
}

TEST_F(chain, short_recv_without_waitall_keeps_the_chain)
{
	ASSERT_EQ(40, send(self->fds[1], self->buf, 40, 0));
	iou_prep_recv(sqe_of(&self->r, 1, IOSQE_IO_LINK), self->fds[0], self->buf, 100, 0);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 40), IOU_CQE(2, 0));
}

TEST_F(chain, linked_timeout_bounds_a_recv)
{
	struct __kernel_timespec ts = iou_ts_ms(iou_scaled_ms(20));
	unsigned int pos[2];

	iou_prep_recv(sqe_of(&self->r, 1, IOSQE_IO_LINK), self->fds[0], self->buf, 10, 0);
	iou_prep_link_timeout(sqe_of(&self->r, 2, 0), &ts, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, -ECANCELED), IOU_CQE(2, -ETIME));
	/* nothing was taken from the socket */
	ASSERT_EQ(3, send(self->fds[1], "abc", 3, 0));
	ASSERT_EQ(3, recv(self->fds[0], self->buf, 10, MSG_DONTWAIT));
}

TEST_HARNESS_MAIN
