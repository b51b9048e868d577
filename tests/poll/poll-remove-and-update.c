// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_POLL_REMOVE finds a pending POLL_ADD by its full 64-bit
 * user_data (a key that differs only above bit 31 is another request):
 *  - remove: the poll completes with -ECANCELED, the remove with 0; a key
 *    nothing is pending under is -ENOENT, also once the poll completed;
 *  - update (5.13): IORING_POLL_UPDATE_EVENTS gives the poll new events
 *    (it completes at once if they hold); IORING_POLL_UPDATE_USER_DATA
 *    gives it a new user_data, under which it then completes and is
 *    found; both at once; the update itself completes with 0, a missing
 *    target with -ENOENT;
 *  - only the low 16 bits of the events change: a single-shot poll
 *    updated with IORING_POLL_ADD_MULTI stays single-shot;
 *  - bad input: IORING_POLL_ADD_MULTI alone, unknown bits, a new
 *    user_data without UPDATE_USER_DATA, events without UPDATE_EVENTS,
 *    buf_index or splice_fd_in set: EINVAL.
 */
#include "iou.h"
#include "iou_net.h"

#define KEY	0x1234567800000001ULL
#define KEY2	0x1234567900000001ULL	/* same low 32 bits as KEY */
#define NEWKEY	0x2222222200000002ULL
#define RM	0x7e00000000000007ULL

FIXTURE(update) {
	struct iou_ring r;
	int fds[2];	/* a unix stream pair: writable, not readable */
};

FIXTURE_SETUP(update)
{
	self->fds[0] = self->fds[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_UNIX_STREAM, self->fds));
}

FIXTURE_TEARDOWN(update)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

static void arm(struct __test_metadata *_metadata, FIXTURE_DATA(update) *self, __u64 key,
		unsigned int events, unsigned int len)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_poll_add(sqe, self->fds[0], events);
	sqe->len = len;
	sqe->user_data = key;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

static struct io_uring_sqe *remove_sqe(FIXTURE_DATA(update) *self, __u64 key)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_poll_remove(sqe, key);
	sqe->user_data = RM;
	return sqe;
}

static struct io_uring_sqe *update_sqe(FIXTURE_DATA(update) *self, __u64 key, __u64 newkey,
				       unsigned int events, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_poll_update(sqe, key, newkey, events, flags);
	sqe->user_data = RM;
	return sqe;
}

TEST_F(update, remove_cancels_the_poll)
{
	unsigned int pos[2];

	arm(_metadata, self, KEY, POLLIN, 0);
	remove_sqe(self, KEY);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(KEY, -ECANCELED), IOU_CQE(RM, 0));
	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(update, key_differing_above_bit_31_finds_nothing)
{
	arm(_metadata, self, KEY, POLLIN, 0);
	remove_sqe(self, KEY2);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -ENOENT));
	/* the poll is still there */
	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(KEY, POLLIN));
}

TEST_F(update, remove_after_completion_is_enoent)
{
	arm(_metadata, self, KEY, POLLIN, 0);
	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(KEY, POLLIN));
	remove_sqe(self, KEY);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -ENOENT));
}

TEST_F(update, update_events_to_ones_that_hold)
{
	unsigned int pos[2];

	arm(_metadata, self, KEY, POLLIN, 0);
	update_sqe(self, KEY, 0, POLLOUT, IORING_POLL_UPDATE_EVENTS);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(KEY, POLLOUT), IOU_CQE(RM, 0));
}

TEST_F(update, update_events_to_ones_that_wait)
{
	arm(_metadata, self, KEY, POLLPRI, 0);
	update_sqe(self, KEY, 0, POLLIN, IORING_POLL_UPDATE_EVENTS);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(KEY, POLLIN));
}

TEST_F(update, update_user_data)
{
	arm(_metadata, self, KEY, POLLIN, 0);
	update_sqe(self, KEY, NEWKEY, 0, IORING_POLL_UPDATE_USER_DATA);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, 0));
	/* the old key finds nothing now */
	remove_sqe(self, KEY);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -ENOENT));
	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(NEWKEY, POLLIN));
}

TEST_F(update, update_both)
{
	unsigned int pos[2];

	arm(_metadata, self, KEY, POLLIN, 0);
	update_sqe(self, KEY, NEWKEY, POLLOUT,
		   IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(NEWKEY, POLLOUT), IOU_CQE(RM, 0));
}

TEST_F(update, update_of_a_missing_poll_is_enoent)
{
	update_sqe(self, KEY, NEWKEY, POLLOUT,
		   IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -ENOENT));
}

TEST_F(update, multishot_cannot_be_switched_on_by_an_update)
{
	arm(_metadata, self, KEY, POLLPRI, 0);
	update_sqe(self, KEY, 0, POLLIN, IORING_POLL_UPDATE_EVENTS | IORING_POLL_ADD_MULTI);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, 0));
	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(KEY, POLLIN));
	ASSERT_EQ(1, send(self->fds[1], "y", 1, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(update, bad_updates_are_einval)
{
	arm(_metadata, self, KEY, POLLIN, 0);
	/* multishot alone means nothing */
	update_sqe(self, KEY, 0, 0, IORING_POLL_ADD_MULTI);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -EINVAL));
	update_sqe(self, KEY, 0, POLLOUT, IORING_POLL_UPDATE_EVENTS | (1U << 4));
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -EINVAL));
	update_sqe(self, KEY, 0, POLLOUT, IORING_POLL_UPDATE_EVENTS | IORING_POLL_ADD_LEVEL);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -EINVAL));
	/* a new user_data without its flag, events without theirs */
	update_sqe(self, KEY, NEWKEY, POLLOUT, IORING_POLL_UPDATE_EVENTS);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -EINVAL));
	update_sqe(self, KEY, NEWKEY, POLLOUT, IORING_POLL_UPDATE_USER_DATA);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -EINVAL));
	remove_sqe(self, KEY)->buf_index = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -EINVAL));
	remove_sqe(self, KEY)->splice_fd_in = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(RM, -EINVAL));
	/* none of them touched the poll */
	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(KEY, POLLIN));
}

TEST_HARNESS_MAIN
