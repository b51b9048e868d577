// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_DRAIN on link chains.  Drain on the head holds the whole chain
 * back until every earlier request completed.  Drain on a member inside a
 * chain drains the chain as a whole (its head waits for every earlier
 * request) and also drains the first request after the chain, even when
 * that request comes in a later io_uring_enter call.  Drain does not
 * change how a failure propagates along the chain.
 */
#include "iou.h"

#define D	IOSQE_IO_DRAIN
#define L	IOSQE_IO_LINK

FIXTURE(dchain) {
	struct iou_ring r;
	int p[2];
	char buf[8];
};

FIXTURE_SETUP(dchain)
{
	self->p[0] = self->p[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 32, 0));
	ASSERT_SYSOK(pipe2(self->p, O_CLOEXEC));
}

FIXTURE_TEARDOWN(dchain)
{
	iou_ring_exit(&self->r);
	if (self->p[0] >= 0) {
		close(self->p[0]);
		close(self->p[1]);
	}
}

static void pipe_read(FIXTURE_DATA(dchain) *self, __u64 ud, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_read(sqe, self->p[0], self->buf, 4, 0);
	sqe->user_data = ud;
	sqe->flags = (__u8)flags;
}

static void unblock(struct __test_metadata *_metadata, FIXTURE_DATA(dchain) *self)
{
	ASSERT_EQ(4, write(self->p[1], "four", 4));
}

TEST_F(dchain, drain_on_head_holds_back_the_whole_chain)
{
	pipe_read(self, 1, 0);
	iou_queue_nop(&self->r, 2, D | L);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	unblock(_metadata, self);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0), IOU_CQE(3, 0));
}

TEST_F(dchain, drain_on_inner_member_holds_back_the_chain_head)
{
	pipe_read(self, 1, 0);
	iou_queue_nop(&self->r, 2, L);
	iou_queue_nop(&self->r, 3, D);
	ASSERT_EQ(3, iou_submit(&self->r));
	/* without the drain, NOP 2 (the head) would complete at once */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	unblock(_metadata, self);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0), IOU_CQE(3, 0));
}

TEST_F(dchain, request_after_chain_with_inner_drain_is_drained)
{
	iou_queue_nop(&self->r, 1, L);
	pipe_read(self, 2, D);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	/* nothing came before the chain: its head runs, its read blocks */
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	/* NOP 3 is not linked, yet it waits for the chain to finish */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	unblock(_metadata, self);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 4), IOU_CQE(3, 0));
}

TEST_F(dchain, drain_after_chain_carries_into_next_submission)
{
	iou_queue_nop(&self->r, 1, L);
	pipe_read(self, 2, D);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	unblock(_metadata, self);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 4), IOU_CQE(3, 0));
}

TEST_F(dchain, drain_on_every_member_keeps_chain_order)
{
	pipe_read(self, 1, 0);
	iou_queue_nop(&self->r, 2, D | L);
	iou_queue_nop(&self->r, 3, D | L);
	iou_queue_nop(&self->r, 4, D);
	ASSERT_EQ(4, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	unblock(_metadata, self);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0), IOU_CQE(3, 0),
			IOU_CQE(4, 0));
}

TEST_F(dchain, drained_chain_still_breaks_on_failure)
{
	struct io_uring_sqe *sqe;

	pipe_read(self, 1, 0);
	iou_queue_nop(&self->r, 2, D | L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_fail_enoent(sqe, 3);
	sqe->flags = L;
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	unblock(_metadata, self);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0), IOU_CQE(3, -ENOENT),
			IOU_CQE(4, -ECANCELED));
}

TEST_F(dchain, hardlinked_drained_chain_goes_on_after_failure)
{
	struct io_uring_sqe *sqe;

	pipe_read(self, 1, 0);
	sqe = iou_get_sqe(&self->r);
	iou_prep_fail_enoent(sqe, 2);
	sqe->flags = D | IOSQE_IO_HARDLINK;
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	unblock(_metadata, self);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, -ENOENT), IOU_CQE(3, 0));
}

TEST_HARNESS_MAIN
