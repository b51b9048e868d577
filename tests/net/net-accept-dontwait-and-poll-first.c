// SPDX-License-Identifier: GPL-2.0
/*
 * The accept flags of 6.10 (sqe->ioprio):
 *  - IORING_ACCEPT_DONTWAIT: with no connection waiting the request
 *    completes at once with -EAGAIN instead of waiting; with one waiting
 *    it accepts it; a multishot accept with it ends with -EAGAIN (no
 *    F_MORE) once the queue is empty;
 *  - IORING_ACCEPT_POLL_FIRST: the request does not try before poll says
 *    a connection is there: with none it waits, and it completes when one
 *    comes.  Proof that no first try was made: with DONTWAIT as well, a
 *    connection already waiting is not taken, the request ends -EAGAIN
 *    (a poll-first request that may not wait has nothing to poll for);
 *  - an unknown flag bit is EINVAL, and the connection stays queued.
 */
#include <poll.h>

#include "iou.h"
#include "iou_net.h"

#define UD	0xd0e5000000000001ULL

FIXTURE(flags) {
	struct iou_ring r;
	struct sockaddr_in a;
	int lfd, client;
};

FIXTURE_SETUP(flags)
{
	self->lfd = self->client = -1;
	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_DONTWAIT);
	REQUIRE_ACCEPT_FLAGS(IORING_ACCEPT_POLL_FIRST);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->lfd = iou_tcp_listener(4, &self->a);
	ASSERT_LE(0, self->lfd);
}

FIXTURE_TEARDOWN(flags)
{
	iou_ring_exit(&self->r);
	iou_close_res(self->client);
	iou_close_res(self->lfd);
}

static void connect_one(struct __test_metadata *_metadata, FIXTURE_DATA(flags) *self)
{
	self->client = iou_tcp_connect(&self->a);
	ASSERT_LE(0, self->client);
	ASSERT_EQ(1, iou_tcp_wait_accept_queue(self->lfd, 1, IOU_WAIT_MS));
}

static void submit_accept(struct __test_metadata *_metadata, FIXTURE_DATA(flags) *self,
			  unsigned int ioprio)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_accept(sqe, self->lfd, NULL, NULL, SOCK_CLOEXEC);
	sqe->ioprio = (__u16)ioprio;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->r));
}

/* the CQE of the accept: res, with exactly these flags */
static int accept_cqe(struct __test_metadata *_metadata, struct iou_ring *r, unsigned int flags)
{
	struct iou_cqe c;

	ASSERT_EQ(1, iou_reap(r, &c, 1, IOU_WAIT_MS));
	ASSERT_EQ(UD, c.user_data);
	ASSERT_EQ(flags, c.flags);
	return c.res;
}

static void assert_accepted(struct __test_metadata *_metadata, int res)
{
	ASSERT_LE(0, res);
	ASSERT_EQ(SOCK_CLOEXEC, iou_fd_sock_flags(res));
	close(res);
}

TEST_F(flags, dontwait_on_an_empty_queue_is_eagain)
{
	submit_accept(_metadata, self, IORING_ACCEPT_DONTWAIT);
	ASSERT_RES(-EAGAIN, accept_cqe(_metadata, &self->r, 0));
}

TEST_F(flags, dontwait_takes_a_waiting_connection)
{
	connect_one(_metadata, self);
	submit_accept(_metadata, self, IORING_ACCEPT_DONTWAIT);
	assert_accepted(_metadata, accept_cqe(_metadata, &self->r, 0));
}

TEST_F(flags, multishot_dontwait_ends_when_the_queue_is_empty)
{
	connect_one(_metadata, self);
	submit_accept(_metadata, self, IORING_ACCEPT_DONTWAIT | IORING_ACCEPT_MULTISHOT);
	assert_accepted(_metadata, accept_cqe(_metadata, &self->r, IORING_CQE_F_MORE));
	ASSERT_RES(-EAGAIN, accept_cqe(_metadata, &self->r, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(flags, poll_first_waits_for_a_connection)
{
	submit_accept(_metadata, self, IORING_ACCEPT_POLL_FIRST);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	self->client = iou_tcp_connect(&self->a);
	ASSERT_LE(0, self->client);
	assert_accepted(_metadata, accept_cqe(_metadata, &self->r, 0));
}

TEST_F(flags, poll_first_takes_a_waiting_connection)
{
	connect_one(_metadata, self);
	submit_accept(_metadata, self, IORING_ACCEPT_POLL_FIRST);
	assert_accepted(_metadata, accept_cqe(_metadata, &self->r, 0));
}

TEST_F(flags, poll_first_with_dontwait_never_tries)
{
	struct pollfd pfd = { .fd = self->lfd, .events = POLLIN };

	connect_one(_metadata, self);
	submit_accept(_metadata, self, IORING_ACCEPT_POLL_FIRST | IORING_ACCEPT_DONTWAIT);
	ASSERT_RES(-EAGAIN, accept_cqe(_metadata, &self->r, 0));
	/* the connection was left where it was */
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	submit_accept(_metadata, self, IORING_ACCEPT_DONTWAIT);
	assert_accepted(_metadata, accept_cqe(_metadata, &self->r, 0));
}

TEST_F(flags, unknown_flag_is_einval)
{
	struct pollfd pfd = { .fd = self->lfd, .events = POLLIN };

	connect_one(_metadata, self);
	submit_accept(_metadata, self, 1U << 3);
	ASSERT_RES(-EINVAL, accept_cqe(_metadata, &self->r, 0));
	submit_accept(_metadata, self, 1U << 15);
	ASSERT_RES(-EINVAL, accept_cqe(_metadata, &self->r, 0));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
}

TEST_HARNESS_MAIN
