// SPDX-License-Identifier: GPL-2.0
/*
 * With IORING_SETUP_DEFER_TASKRUN, completions that need task work are
 * queued on the ring and run only inside io_uring_enter(GETEVENTS).  The
 * registered eventfd is signalled when such work is queued onto an empty
 * list, before any CQE exists, so a task sleeping on the eventfd wakes up
 * to enter the kernel; reading the eventfd does not run the work, and the
 * CQE appears only after GETEVENTS, whose flush signals once more.  More
 * work queued before it runs adds no signal.  Inline completions are
 * posted and signalled at once, as on any ring.
 *
 * 21a091b970cd ("io_uring: signal registered eventfd to process deferred
 * task work") came with DEFER_TASKRUN in 6.1, so every kernel with the
 * flag behaves like this; the flush signal after the work ran follows the
 * 6.0+ tail rule (a new CQE reached the ring).
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"
#include "iou_eventfd.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_DEFER_TASKRUN,
	     .fixes = IOU_FIXES(IOU_FIX("21a091b970cd", "", "defer.queued_task_work_signals_before_the_cqe_exists",
			"io_uring: signal registered eventfd to process deferred task work")));

FIXTURE(defer) {
	struct iou_ring r;
	int efd;
	int p1[2], p2[2];
};

FIXTURE_VARIANT(defer) {
	unsigned int extra_flags;
};

FIXTURE_VARIANT_ADD(defer, defer_taskrun) { .extra_flags = 0 };
FIXTURE_VARIANT_ADD(defer, with_taskrun_flag) {
	.extra_flags = IORING_SETUP_TASKRUN_FLAG,
};

FIXTURE_SETUP(defer)
{
	self->r.fd = -1;
	self->efd = self->p1[0] = self->p2[0] = -1;
	IOU_RING_INIT_MODE(&self->r, 16, IOU_MODE_DEFER_TASKRUN | variant->extra_flags);
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
	ASSERT_SYSOK(pipe2(self->p1, O_CLOEXEC | O_NONBLOCK));
	ASSERT_SYSOK(pipe2(self->p2, O_CLOEXEC | O_NONBLOCK));
}

FIXTURE_TEARDOWN(defer)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
	for (int i = 0; i < 2; i++) {
		if (self->p1[0] >= 0)
			close(self->p1[i]);
		if (self->p2[0] >= 0)
			close(self->p2[i]);
	}
}

static void arm_poll(struct __test_metadata *_metadata, struct iou_ring *r,
		     int fd, __u64 ud)
{
	iou_queue_poll(r, fd, ud);
	ASSERT_EQ(1, iou_submit(r));
}

static bool taskrun_flag(const struct iou_ring *r)
{
	return iou_load_acquire(r->sq_kflags) & IORING_SQ_TASKRUN;
}

TEST_F(defer, inline_completion_is_posted_and_signalled_at_once)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 1, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(1, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
}

TEST_F(defer, queued_task_work_signals_before_the_cqe_exists)
{
	struct iou_cqe cqe;

	arm_poll(_metadata, &self->r, self->p1[0], 2);
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	ASSERT_EQ(1, write(self->p1[1], "x", 1));
	/* the waker queued the completion and signalled: no CQE yet */
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	if (variant->extra_flags & IORING_SETUP_TASKRUN_FLAG) {
		ASSERT_TRUE(taskrun_flag(&self->r));
	}

	/* GETEVENTS runs the work: the CQE appears and the flush signals */
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	if (variant->extra_flags & IORING_SETUP_TASKRUN_FLAG) {
		ASSERT_FALSE(taskrun_flag(&self->r));
	}
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(2, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
}

TEST_F(defer, reading_the_eventfd_does_not_run_the_work)
{
	struct iou_cqe cqe;

	arm_poll(_metadata, &self->r, self->p1[0], 3);
	ASSERT_EQ(1, write(self->p1[1], "x", 1));
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	/* system calls other than GETEVENTS leave the work queued */
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(3, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(defer, more_work_queued_before_it_runs_adds_no_signal)
{
	struct iou_cqe cqe[2];

	arm_poll(_metadata, &self->r, self->p1[0], 4);
	arm_poll(_metadata, &self->r, self->p2[0], 5);
	ASSERT_EQ(1, write(self->p1[1], "x", 1));
	ASSERT_EQ(1, write(self->p2[1], "y", 1));
	/* only queueing onto the empty list signals */
	ASSERT_EQ(1, iou_evfd_collect(self->efd, 1, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	/* both CQEs were posted by one flush */
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	/* the order deferred work runs in changed (LIFO on 6.1, FIFO later) */
	ASSERT_EQ(4 + 5, cqe[0].user_data + cqe[1].user_data);
	ASSERT_NE(cqe[0].user_data, cqe[1].user_data);
	ASSERT_RES(POLLIN, cqe[0].res);
	ASSERT_RES(POLLIN, cqe[1].res);
}

TEST_F(defer, iowq_completion_is_signalled_before_it_is_reaped)
{
	struct iou_cqe cqe;
	long long n;

	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 6, IOSQE_ASYNC));
	/* whether the worker posts or queues task work, it signals once */
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(6, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/*
	 * 6.18 queues the worker's completion as task work (one signal) and
	 * the GETEVENTS flush signals again; kernels whose worker posts the
	 * CQE itself signalled only in the worker.
	 */
	n = iou_evfd_collect(self->efd, 0, IOU_WAIT_MS);
	ASSERT_LE(0, n);
	ASSERT_GE(1, n);
}

TEST_F(defer, async_registration_ignores_queueing_from_the_waker)
{
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, true));
	arm_poll(_metadata, &self->r, self->p1[0], 7);
	ASSERT_EQ(1, write(self->p1[1], "x", 1));
	/* queued by this task's write, run by this task: no io-wq involved */
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(7, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));

	/* an io-wq completion still signals the async registration */
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 8, IOSQE_ASYNC));
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 8, 0, 0);
}

TEST_HARNESS_MAIN
