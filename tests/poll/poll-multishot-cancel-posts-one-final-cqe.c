// SPDX-License-Identifier: GPL-2.0
/*
 * A multishot poll ends with exactly one CQE without IORING_CQE_F_MORE
 * (-ECANCELED) whichever way it is cancelled, after the CQEs it already
 * posted (each with F_MORE), and posts nothing afterwards:
 *  - IORING_OP_ASYNC_CANCEL by user_data (the cancel completes with 0);
 *  - IORING_OP_POLL_REMOVE;
 *  - IORING_OP_ASYNC_CANCEL by file (IORING_ASYNC_CANCEL_FD, 5.19) and
 *    with IORING_ASYNC_CANCEL_ALL, one final CQE for each poll (the
 *    cancel's res the count);
 *  - IORING_REGISTER_SYNC_CANCEL (6.0), which posts nothing of its own.
 * In each ring mode (plain, DEFER_TASKRUN, SQPOLL).
 */
#include <sys/eventfd.h>

#include "iou.h"
#include "iou_net.h"

#define UD	0x3cc0000000000001ULL
#define UD2	0x3cc0000100000001ULL	/* differs above bit 31 */
#define CANCEL	0xcc00000000000009ULL
#define MORE	IORING_CQE_F_MORE

FIXTURE(mcancel) {
	struct iou_ring r;
	int efd;
};

FIXTURE_VARIANT(mcancel) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE mcancel
#include "iou_modes.h"

FIXTURE_SETUP(mcancel)
{
	self->efd = -1;
	REQUIRE_POLL_MULTISHOT();
	IOU_RING_INIT_MODE(&self->r, 16, variant->setup_flags);
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(mcancel)
{
	iou_ring_exit(&self->r);
	iou_close_res(self->efd);
}

static void queue_poll(FIXTURE_DATA(mcancel) *self, __u64 ud)
{
	iou_prep_poll_multishot(iou_get_sqe(&self->r), self->efd, POLLIN);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = ud;
}

static void arm(struct __test_metadata *_metadata, FIXTURE_DATA(mcancel) *self, __u64 ud)
{
	queue_poll(self, ud);
	ASSERT_EQ(1, iou_submit(&self->r));
}

/* n wakeups, their CQEs (POLLIN, F_MORE) reaped one by one */
static void wakeups(struct __test_metadata *_metadata, FIXTURE_DATA(mcancel) *self,
		    __u64 ud, int n)
{
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, eventfd_write(self->efd, 1));
		IOU_EXPECT_CQES(&self->r, IOU_CQE_F(ud, POLLIN, MORE));
	}
}

/* after the end: further wakeups post nothing */
static void nothing_more(struct __test_metadata *_metadata, FIXTURE_DATA(mcancel) *self)
{
	ASSERT_EQ(0, eventfd_write(self->efd, 1));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(mcancel, async_cancel_by_user_data)
{
	unsigned int pos[2];

	arm(_metadata, self, UD);
	wakeups(_metadata, self, UD, 2);
	iou_prep_cancel(iou_get_sqe(&self->r), UD, 0);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = CANCEL;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(UD, -ECANCELED), IOU_CQE(CANCEL, 0));
	nothing_more(_metadata, self);
}

TEST_F(mcancel, poll_remove)
{
	unsigned int pos[2];

	arm(_metadata, self, UD);
	wakeups(_metadata, self, UD, 1);
	iou_prep_poll_remove(iou_get_sqe(&self->r), UD);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = CANCEL;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(UD, -ECANCELED), IOU_CQE(CANCEL, 0));
	nothing_more(_metadata, self);
}

/* CQEs posted and not yet reaped come before the final one */
TEST_F(mcancel, final_cqe_comes_after_those_already_posted)
{
	struct iou_cqe c[5];
	int n;

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	arm(_metadata, self, UD);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, eventfd_write(self->efd, 1));
		/* its CQE is posted before the next wakeup */
		ASSERT_LE(0, iou_wait_ext_ms(&self->r, 0, (unsigned int)i + 1, 0, IOU_WAIT_MS));
		ASSERT_EQ((unsigned int)i + 1, iou_cq_ready(&self->r));
	}
	iou_prep_cancel(iou_get_sqe(&self->r), UD, 0);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = CANCEL;
	ASSERT_EQ(1, iou_submit(&self->r));
	n = iou_reap(&self->r, c, 5, IOU_WAIT_MS);
	ASSERT_EQ(5, n);
	iou_cqe_sort(c + 3, 2);
	for (int i = 0; i < 3; i++)
		ASSERT_CQE_AT(c, i, UD, POLLIN, MORE);
	/* the final CQE and the cancel's, in either order after them */
	ASSERT_CQE_AT(c, 3, UD, -ECANCELED, 0);
	ASSERT_CQE_AT(c, 4, CANCEL, 0, 0);
	nothing_more(_metadata, self);
}

TEST_F(mcancel, cancel_by_file_ends_every_poll_on_it)
{
	unsigned int pos[3];

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL);
	/* one submission: with SQPOLL a second one may count the first again */
	queue_poll(self, UD);
	queue_poll(self, UD2);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(0, eventfd_write(self->efd, 1));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE_F(UD, POLLIN, MORE),
			   IOU_CQE_F(UD2, POLLIN, MORE));
	iou_prep_cancel_fd(iou_get_sqe(&self->r), self->efd, IORING_ASYNC_CANCEL_ALL);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = CANCEL;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(UD, -ECANCELED), IOU_CQE(UD2, -ECANCELED),
			   IOU_CQE(CANCEL, 2));
	nothing_more(_metadata, self);
}

TEST_F(mcancel, sync_cancel_posts_only_the_final_cqe)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_SYNC_CANCEL);
	arm(_metadata, self, UD);
	wakeups(_metadata, self, UD, 1);
	ASSERT_RES(0, iou_sync_cancel_ud(&self->r, UD));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -ECANCELED));
	nothing_more(_metadata, self);
	/* and a key nothing is pending under */
	ASSERT_RES(-ENOENT, iou_sync_cancel_ud(&self->r, UD));
}

TEST_HARNESS_MAIN
