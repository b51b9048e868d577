// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_DEFER_TASKRUN: completions that need task work (a poll
 * request woken by a pipe write) are not posted when the event happens,
 * nor on return from a syscall, nor by io_uring_enter() without
 * IORING_ENTER_GETEVENTS; they are posted when the issuer enters with
 * GETEVENTS.  A plain ring posts the same completion as soon as the
 * waking write(2) returns.  With TASKRUN_FLAG, IORING_SQ_TASKRUN is set
 * while such work waits and cleared once it ran.
 */
#include <poll.h>

#include "iou.h"

#define DT (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)

/* POLL_ADD(POLLIN) on the read end, submitted: it cannot complete yet */
static int arm_poll(struct iou_ring *r, int fd, __u64 ud)
{
	iou_prep_poll_add(iou_get_sqe(r), fd, POLLIN);
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = ud;
	return iou_submit(r);
}

FIXTURE(pipe) {
	struct iou_ring r;
	int fds[2];
	bool up;
};

FIXTURE_SETUP(pipe)
{
	ASSERT_EQ(0, pipe(self->fds));
}

FIXTURE_TEARDOWN(pipe)
{
	if (self->up)
		iou_ring_exit(&self->r);
	close(self->fds[0]);
	close(self->fds[1]);
}

TEST_F(pipe, plain_ring_posts_when_the_write_returns)
{
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_ring_init(&self->r, 4, 0));
	self->up = true;
	ASSERT_EQ(1, arm_poll(&self->r, self->fds[0], 0x9011));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	/* the task work ran on the way out of write(2) */
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, 0));
	ASSERT_EQ(0x9011, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
}

TEST_F(pipe, completion_waits_for_enter_with_getevents)
{
	struct iou_cqe cqe[2];

	REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	ASSERT_RES(0, iou_ring_init(&self->r, 4, DT));
	self->up = true;
	ASSERT_EQ(1, arm_poll(&self->r, self->fds[0], 0xdef));
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	/* neither a plain enter nor a submission runs the deferred work */
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, 0, NULL, 0));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	iou_prep_nop(iou_get_sqe(&self->r), 0x404);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	/* GETEVENTS runs it: the poll completion comes after the NOP */
	ASSERT_RES(0, iou_enter(&self->r, 0, 2, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, 0));
	ASSERT_EQ(0x404, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(0xdef, cqe[1].user_data);
	ASSERT_RES(POLLIN, cqe[1].res);
}

TEST_F(pipe, getevents_with_min_complete_zero_runs_it_too)
{
	REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	ASSERT_RES(0, iou_ring_init(&self->r, 4, DT));
	self->up = true;
	ASSERT_EQ(1, arm_poll(&self->r, self->fds[0], 1));
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_F(pipe, taskrun_flag_marks_pending_work)
{
	struct iou_cqe cqe;

	REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	ASSERT_RES(0, iou_ring_init(&self->r, 4, DT | IORING_SETUP_TASKRUN_FLAG));
	self->up = true;
	ASSERT_EQ(1, arm_poll(&self->r, self->fds[0], 0x7a5c));
	ASSERT_EQ(0, *self->r.sq_kflags & IORING_SQ_TASKRUN);
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(IORING_SQ_TASKRUN, iou_load_acquire(self->r.sq_kflags) & IORING_SQ_TASKRUN);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_kflags) & IORING_SQ_TASKRUN);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, 0));
	ASSERT_EQ(0x7a5c, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
}

TEST_F(pipe, no_taskrun_flag_without_the_setup_flag)
{
	REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	ASSERT_RES(0, iou_ring_init(&self->r, 4, DT));
	self->up = true;
	ASSERT_EQ(1, arm_poll(&self->r, self->fds[0], 1));
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(0, iou_load_acquire(self->r.sq_kflags) & IORING_SQ_TASKRUN);
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_HARNESS_MAIN
