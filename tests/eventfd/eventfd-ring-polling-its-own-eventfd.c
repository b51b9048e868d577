// SPDX-License-Identifier: GPL-2.0
/*
 * A ring that polls or reads its own registered eventfd: each CQE signals
 * the eventfd, which wakes the poll, whose CQE signals the eventfd again.
 * The kernel must neither deadlock nor loop: a oneshot POLL_ADD on the
 * eventfd completes once (POLLIN) after the first signal; a multishot
 * POLL_ADD woken by the ring's own signal is turned into a oneshot and
 * ends with that CQE, which therefore carries no IORING_CQE_F_MORE, after
 * which nothing more is posted and the request is gone (POLL_REMOVE
 * finds nothing); a READ of the eventfd completes once with the counter
 * value.  With IORING_CQ_EVENTFD_DISABLED set the poll is not woken at
 * all.
 *
 * The kernel marks its eventfd signals with EPOLL_URING_WAKE and its poll
 * handler makes a multishot poll oneshot on such a wakeup (4464853277d0,
 * in 6.2 and in 5.10.162, 5.15.90, 6.1.3); 1967f0b1cafd then made the
 * request's own copy of the events see the oneshot too, without which the
 * CQE carried F_MORE although the request had ended.
 *
 * Counts: on a plain ring every step is one synchronous flush, so they are
 * exact.  On DEFER_TASKRUN the poll wakeup queues task work from inside the
 * eventfd's own wakeup, where signalling it again is not allowed: 6.18
 * defers that signal through RCU (it arrives later), older kernels may
 * drop it, so those counts are bounded instead.
 *
 * Regression-test-for: 4464853277d0 ("io_uring: pass in EPOLL_URING_WAKE for eventfd signaling and wakeups")
 * Regression-test-for: 1967f0b1cafd ("io_uring/poll: ensure EPOLL_ONESHOT is propagated for EPOLL_URING_WAKE")
 */
#include <poll.h>

#include "iou.h"
#include "iou_eventfd.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("4464853277d0", "", "",
			"io_uring: pass in EPOLL_URING_WAKE for eventfd signaling and wakeups"),
		IOU_FIX("1967f0b1cafd", "", "own_eventfd.*.multishot_poll_on_own_eventfd_ends_after_one_cqe",
			"io_uring/poll: ensure EPOLL_ONESHOT is propagated for EPOLL_URING_WAKE")));

FIXTURE(own_eventfd) {
	struct iou_ring r;
	int efd;
};

FIXTURE_VARIANT(own_eventfd) {
	unsigned int setup_flags;
};

#define IOU_MODES_NO_SQPOLL
#define IOU_MODES_FIXTURE own_eventfd
#include "iou_modes.h"

FIXTURE_SETUP(own_eventfd)
{
	self->r.fd = -1;
	self->efd = -1;
	IOU_RING_INIT_MODE(&self->r, 32, variant->setup_flags);
	/* blocking, so that a READ of it waits instead of failing EAGAIN */
	self->efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
}

FIXTURE_TEARDOWN(own_eventfd)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
}

static bool defer(const FIXTURE_VARIANT(own_eventfd) *variant)
{
	return variant->setup_flags & IORING_SETUP_DEFER_TASKRUN;
}

static void arm_poll(struct __test_metadata *_metadata, struct iou_ring *r,
		     int fd, __u64 ud, bool multishot)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	if (multishot)
		iou_prep_poll_multishot(sqe, fd, POLLIN);
	else
		iou_prep_poll_add(sqe, fd, POLLIN);
	sqe->user_data = ud;
	ASSERT_EQ(1, iou_submit(r));
}

/* the ring stays quiet: no CQE within the window, even after GETEVENTS */
static void assert_no_more_cqes(struct __test_metadata *_metadata,
				struct iou_ring *r)
{
	struct io_uring_cqe *c;

	ASSERT_EQ(-ETIME, iou_wait_cqe_timeout(r, &c, IOU_QUIET_MS));
	ASSERT_RES(0, iou_evfd_getevents(r));
	ASSERT_EQ(0, iou_cq_ready(r));
}

/* the NOP that starts the chain, then the poll's CQE, in that order */
static void reap_nop_then(struct __test_metadata *_metadata, struct iou_ring *r,
			  __u64 ud, int res, unsigned int flags)
{
	struct iou_cqe cqe[2];

	ASSERT_EQ(2, iou_reap(r, cqe, 2, IOU_WAIT_MS));
	ASSERT_EQ(0x1, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(0, cqe[0].flags);
	ASSERT_EQ(ud, cqe[1].user_data);
	ASSERT_RES(res, cqe[1].res);
	ASSERT_EQ(flags, cqe[1].flags);
}

TEST_F(own_eventfd, oneshot_poll_on_own_eventfd_completes_once)
{
	long long n;

	arm_poll(_metadata, &self->r, self->efd, 0x10, false);
	assert_no_more_cqes(_metadata, &self->r);
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x1, 0));
	reap_nop_then(_metadata, &self->r, 0x10, POLLIN, 0);
	assert_no_more_cqes(_metadata, &self->r);
	/* the NOP's flush and the poll's flush; DEFER adds the deferred one */
	n = iou_evfd_collect(self->efd, 2, IOU_WAIT_MS);
	if (defer(variant)) {
		ASSERT_LE(2, n);
		ASSERT_GE(3, n);
	} else {
		ASSERT_EQ(2, n);
	}
}

TEST_F(own_eventfd, multishot_poll_on_own_eventfd_ends_after_one_cqe)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *c;
	struct iou_cqe cqe;

	arm_poll(_metadata, &self->r, self->efd, 0x20, true);
	if (iou_peek_cqe(&self->r, &c) == 0 && c->user_data == 0x20 &&
	    c->res == -EINVAL)
		SKIP(return, "kernel lacks IORING_POLL_ADD_MULTI (5.13)");
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x1, 0));
	/* one CQE, POLLIN, and no F_MORE: the request ended */
	reap_nop_then(_metadata, &self->r, 0x20, POLLIN, 0);
	assert_no_more_cqes(_metadata, &self->r);

	/* it is gone: removing it finds nothing */
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_remove(sqe, 0x20);
	sqe->user_data = 0x21;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x21, cqe.user_data);
	ASSERT_RES(-ENOENT, cqe.res);
	ASSERT_EQ(0, cqe.flags);

	/* and more signals wake nothing */
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x22, 0));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x22, 0, 0);
	assert_no_more_cqes(_metadata, &self->r);
}

TEST_F(own_eventfd, read_of_own_eventfd_completes_once_with_the_count)
{
	struct io_uring_sqe *sqe;
	uint64_t val = 0;
	long long rest;

	REQUIRE_FEATURE(IORING_FEAT_FAST_POLL);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->efd, &val, sizeof(val), 0);
	sqe->user_data = 0x30;
	ASSERT_EQ(1, iou_submit(&self->r));
	assert_no_more_cqes(_metadata, &self->r);

	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x1, 0));
	reap_nop_then(_metadata, &self->r, 0x30, (int)sizeof(val), 0);
	assert_no_more_cqes(_metadata, &self->r);
	/* what the READ took, and what its own CQE (at least) left behind */
	rest = iou_evfd_collect(self->efd, 1, IOU_WAIT_MS);
	if (defer(variant)) {
		ASSERT_LE(1, val);
		ASSERT_GE(2, val);
		ASSERT_LE(1, rest);
		ASSERT_GE(3, (long long)val + rest);
	} else {
		/* the NOP's signal was read; the READ's CQE signalled once */
		ASSERT_EQ(1, val);
		ASSERT_EQ(1, rest);
	}
}

TEST_F(own_eventfd, disabled_flag_keeps_own_poll_asleep)
{
	struct iou_cqe cqe;

	if (!iou_evfd_has_cq_flags(&self->r))
		SKIP(return, "kernel lacks the CQ ring flags word (IORING_CQ_EVENTFD_DISABLED, 5.8)");
	iou_evfd_set_disabled(&self->r, true);
	arm_poll(_metadata, &self->r, self->efd, 0x40, false);
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x41, 0));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x41, 0, 0);
	assert_no_more_cqes(_metadata, &self->r);

	iou_evfd_set_disabled(&self->r, false);
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x1, 0));
	reap_nop_then(_metadata, &self->r, 0x40, POLLIN, 0);
	assert_no_more_cqes(_metadata, &self->r);
}

TEST_F(own_eventfd, poll_armed_on_a_readable_own_eventfd_completes_at_once)
{
	struct iou_cqe cqe;
	long long n;

	ASSERT_EQ(0, iou_evfd_add(self->efd, 1));
	arm_poll(_metadata, &self->r, self->efd, 0x50, false);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x50, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	assert_no_more_cqes(_metadata, &self->r);
	/* our 1 plus the poll CQE's signal */
	n = iou_evfd_collect(self->efd, 2, IOU_WAIT_MS);
	ASSERT_EQ(2, n);
}

TEST_HARNESS_MAIN
