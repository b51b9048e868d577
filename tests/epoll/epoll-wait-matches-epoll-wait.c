// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_EPOLL_WAIT (6.15) against epoll_wait(2): with events ready
 * it completes with their number and fills the array as epoll_wait with
 * a zero timeout does; with none it waits and completes when one comes
 * (it has no timeout of its own).  maxevents 0 and an instance that is
 * not epoll are -EINVAL, an unmapped array -EFAULT, a closed descriptor
 * -EBADF, for both.
 */
#include <sys/epoll.h>
#include "iou.h"

#define UD_WAIT		0xe901000000000001ULL

FIXTURE(ewait) {
	struct iou_ring r;
	int epfd, p[2], q[2];
};

FIXTURE_VARIANT(ewait) {
	unsigned int sqe_flags;
};

FIXTURE_VARIANT_ADD(ewait, inline) { .sqe_flags = 0 };
FIXTURE_VARIANT_ADD(ewait, iowq) { .sqe_flags = IOSQE_ASYNC };

FIXTURE_SETUP(ewait)
{
	struct epoll_event ev = { .events = EPOLLIN };

	self->epfd = self->p[0] = self->p[1] = self->q[0] = self->q[1] = -1;
	REQUIRE_OPCODE(IORING_OP_EPOLL_WAIT);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, self->epfd);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->q, O_CLOEXEC));
	ev.data.u64 = 0x1111;
	ASSERT_EQ(0, epoll_ctl(self->epfd, EPOLL_CTL_ADD, self->p[0], &ev));
	ev.data.u64 = 0x2222;
	ASSERT_EQ(0, epoll_ctl(self->epfd, EPOLL_CTL_ADD, self->q[0], &ev));
}

FIXTURE_TEARDOWN(ewait)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++) {
		if (self->p[i] >= 0)
			close(self->p[i]);
		if (self->q[i] >= 0)
			close(self->q[i]);
	}
	if (self->epfd >= 0)
		close(self->epfd);
}

static void queue_wait(struct iou_ring *r, int epfd, struct epoll_event *evs, int max,
		       unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_epoll_wait(sqe, epfd, evs, max, 0);
	sqe->flags = (__u8)sqe_flags;
	sqe->user_data = UD_WAIT;
}

static int wait_res(struct iou_ring *r, int epfd, struct epoll_event *evs, int max,
		    unsigned int sqe_flags)
{
	struct iou_cqe cqe;

	queue_wait(r, epfd, evs, max, sqe_flags);
	if (iou_submit_reap(r, &cqe, 1) != 1 || cqe.user_data != UD_WAIT || cqe.flags)
		return INT32_MIN;
	return cqe.res;
}

TEST_F(ewait, ready_events_as_epoll_wait_reports_them)
{
	struct epoll_event twin[4], ring[4];
	int n;

	ASSERT_EQ(1, write(self->p[1], "a", 1));
	ASSERT_EQ(1, write(self->q[1], "b", 1));
	n = epoll_wait(self->epfd, twin, 4, 0);
	ASSERT_EQ(2, n);
	memset(ring, 0, sizeof(ring));
	ASSERT_RES(2, wait_res(&self->r, self->epfd, ring, 4, variant->sqe_flags));
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(twin[i].events, ring[i].events);
		ASSERT_EQ(twin[i].data.u64, ring[i].data.u64);
	}
}

TEST_F(ewait, maxevents_caps_the_count)
{
	struct epoll_event ring[2] = { 0 };

	ASSERT_EQ(1, write(self->p[1], "a", 1));
	ASSERT_EQ(1, write(self->q[1], "b", 1));
	ASSERT_RES(1, wait_res(&self->r, self->epfd, ring, 1, variant->sqe_flags));
	ASSERT_EQ(0u, ring[1].events);
}

TEST_F(ewait, waits_until_an_event_comes)
{
	struct epoll_event ring[2];

	queue_wait(&self->r, self->epfd, ring, 2, variant->sqe_flags);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(self->q[1], "b", 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD_WAIT, 1));
	ASSERT_EQ(0x2222u, ring[0].data.u64);
	ASSERT_EQ((unsigned int)EPOLLIN, ring[0].events);
}

TEST_F(ewait, zero_maxevents_is_einval)
{
	struct epoll_event ev[1];

	ASSERT_EQ(1, write(self->p[1], "a", 1));
	ASSERT_SYSERR(EINVAL, epoll_wait(self->epfd, ev, 0, 0));
	ASSERT_RES(-EINVAL, wait_res(&self->r, self->epfd, ev, 0, variant->sqe_flags));
}

TEST_F(ewait, not_an_epoll_instance_is_einval)
{
	struct epoll_event ev[1];

	ASSERT_SYSERR(EINVAL, epoll_wait(self->p[0], ev, 1, 0));
	ASSERT_RES(-EINVAL, wait_res(&self->r, self->p[0], ev, 1, variant->sqe_flags));
}

TEST_F(ewait, unmapped_array_is_efault)
{
	ASSERT_EQ(1, write(self->p[1], "a", 1));
	ASSERT_SYSERR(EFAULT, epoll_wait(self->epfd, iou_fault_ptr(), 1, 0));
	ASSERT_RES(-EFAULT, wait_res(&self->r, self->epfd, iou_fault_ptr(), 1,
				     variant->sqe_flags));
}

TEST_F(ewait, closed_descriptor_is_ebadf)
{
	struct epoll_event ev[1];
	int fd = iou_lowest_free_fd();

	ASSERT_SYSERR(EBADF, epoll_wait(fd, ev, 1, 0));
	ASSERT_RES(-EBADF, wait_res(&self->r, fd, ev, 1, variant->sqe_flags));
}

TEST_HARNESS_MAIN
