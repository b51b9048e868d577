// SPDX-License-Identifier: GPL-2.0
/*
 * (Un)registering an eventfd while requests are in flight: the signal for
 * a completion goes to whatever is registered when the CQE is posted, so
 * unregistering before a pending request completes means no signal,
 * registering before it completes means a signal, and swapping eventfds
 * moves the signal to the new one.  A signal the kernel had to defer
 * (DEFER_TASKRUN work queued from inside the eventfd's own wakeup is
 * signalled through RCU) stays with the eventfd it was meant for, even
 * when that one is unregistered and another registered before it lands.
 *
 * Since 5.18 (77bc59b49817 "io_uring: avoid ring quiesce while
 * registering/unregistering eventfd") this needs no quiescing; earlier
 * kernels waited for every request to finish first, so a pending request
 * would block the call forever: those kernels SKIP.  The deferred-signal
 * case is also a stress of the RCU lifetime of the registration, where
 * the kernel used to free it one grace period too early.
 *
 * Regression-test-for: c9a40292a44e ("io_uring/eventfd: ensure io_eventfd_signal() defers another RCU period")
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"
#include "iou_eventfd.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("c9a40292a44e", "CVE-2025-21655",
			"global.deferred_signal_stays_with_the_eventfd_it_was_for",
			"io_uring/eventfd: ensure io_eventfd_signal() defers another RCU period")),
	     .unsafe = "a use-after-free of the eventfd registration on a kernel without the fix");

FIXTURE(flight) {
	struct iou_ring r;
	int a, b;
	int pfd[2];
};

FIXTURE_SETUP(flight)
{
	self->r.fd = -1;
	self->a = self->b = self->pfd[0] = -1;
	if (!iou_evfd_registers_without_quiesce())
		SKIP(return, "eventfd (un)registration quiesces the ring before 5.18 (no IORING_REGISTER_RING_FDS)");
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->a = iou_evfd_create(0);
	ASSERT_LE(0, self->a);
	self->b = iou_evfd_create(0);
	ASSERT_LE(0, self->b);
	ASSERT_SYSOK(pipe2(self->pfd, O_CLOEXEC | O_NONBLOCK));
}

FIXTURE_TEARDOWN(flight)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
	if (self->pfd[0] >= 0) {
		close(self->pfd[0]);
		close(self->pfd[1]);
	}
}

static void arm_poll(struct __test_metadata *_metadata, struct iou_ring *r,
		     int fd, __u64 ud)
{
	iou_queue_poll(r, fd, ud);
	ASSERT_EQ(1, iou_submit(r));
}

static void fire_and_reap(struct __test_metadata *_metadata, struct iou_ring *r,
			  int wfd, __u64 ud)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, write(wfd, "x", 1));
	ASSERT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(flight, unregistered_before_completion_means_no_signal)
{
	ASSERT_RES(0, iou_evfd_register(&self->r, self->a, false));
	arm_poll(_metadata, &self->r, self->pfd[0], 1);
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	fire_and_reap(_metadata, &self->r, self->pfd[1], 1);
	ASSERT_EQ(0, iou_evfd_collect(self->a, 0, IOU_WAIT_MS));
}

TEST_F(flight, registered_before_completion_means_a_signal)
{
	arm_poll(_metadata, &self->r, self->pfd[0], 2);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->a, false));
	ASSERT_EQ(0, iou_evfd_take(self->a));
	fire_and_reap(_metadata, &self->r, self->pfd[1], 2);
	ASSERT_EQ(1, iou_evfd_collect(self->a, 1, IOU_WAIT_MS));
}

TEST_F(flight, swapped_eventfd_gets_the_signal)
{
	ASSERT_RES(0, iou_evfd_register(&self->r, self->a, false));
	arm_poll(_metadata, &self->r, self->pfd[0], 3);
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->b, false));
	fire_and_reap(_metadata, &self->r, self->pfd[1], 3);
	ASSERT_EQ(1, iou_evfd_collect(self->b, 1, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_evfd_take(self->a));
}

TEST(deferred_signal_stays_with_the_eventfd_it_was_for)
{
	struct iou_ring r;

	IOU_RING_INIT_MODE(&r, 16, IOU_MODE_DEFER_TASKRUN);

	for (unsigned int i = 0; i < 20; i++) {
		struct io_uring_sqe *sqe;
		struct iou_cqe cqe[2];
		bool posted_in_swap;
		/* fresh pair each round: a late deferred signal lands on its own */
		int old = iou_evfd_create(0), cur = iou_evfd_create(0);

		ASSERT_LE(0, old);
		ASSERT_LE(0, cur);
		ASSERT_RES(0, iou_evfd_register(&r, old, false));
		/* a poll on the registered eventfd itself ... */
		sqe = iou_get_sqe(&r);
		iou_prep_poll_add(sqe, old, POLLIN);
		sqe->user_data = 0x100 + i;
		/*
		 * ... woken by this NOP's signal: the poll queues task work from
		 * inside the eventfd wakeup, and that signal is deferred
		 */
		iou_prep_nop(iou_get_sqe(&r), 0x200 + i);
		ASSERT_EQ(2, iou_submit(&r));
		ASSERT_EQ(1, iou_cq_ready(&r));
		/* swap before the deferred signal has (likely) landed */
		ASSERT_RES(0, iou_evfd_unregister(&r));
		ASSERT_RES(0, iou_evfd_register(&r, cur, false));
		ASSERT_EQ(0, iou_evfd_take(cur));
		/*
		 * 6.1 runs deferred task work in io_uring_register(), so there
		 * the poll's CQE was posted, and signalled, during the swap;
		 * 6.18 posts it in the GETEVENTS below, and that signals the
		 * new eventfd, once, before the wait returns.
		 */
		posted_in_swap = iou_cq_ready(&r) == 2;
		ASSERT_EQ(2, iou_reap(&r, cqe, 2, IOU_WAIT_MS));
		ASSERT_EQ(0x200 + i, cqe[0].user_data);
		ASSERT_RES(0, cqe[0].res);
		ASSERT_EQ(0, cqe[0].flags);
		ASSERT_EQ(0x100 + i, cqe[1].user_data);
		ASSERT_RES(POLLIN, cqe[1].res);
		ASSERT_EQ(0, cqe[1].flags);
		ASSERT_EQ(posted_in_swap ? 0 : 1, iou_evfd_take(cur));
		/* the old one: the NOP's signal and, if any, the deferred one */
		ASSERT_LE(1, iou_evfd_take(old));
		ASSERT_RES(0, iou_evfd_unregister(&r));
		/* nothing trails to the new one */
		if (i == 19) {
			ASSERT_EQ(0, iou_evfd_wait_take(cur, IOU_QUIET_MS));
		}
		close(old);
		close(cur);
	}
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
