// SPDX-License-Identifier: GPL-2.0
/*
 * A relative IORING_OP_TIMEOUT with a completion count of 0 is a pure
 * timer: it completes with -ETIME, no CQE flags and its own user_data
 * once its duration has passed, never earlier, whatever else completes
 * meanwhile; several timers complete in deadline order, not submission
 * order; a zero duration expires at once; tv_nsec of a full second or
 * more is accepted (the kernel normalises it).  The same holds on a
 * plain, a DEFER_TASKRUN and an SQPOLL ring.
 *
 * Timing tolerance: a timer never fires early, so elapsed >= duration
 * (less 1 ms of millisecond truncation) is exact; it may fire late on a
 * busy machine, so the upper bound allows IOU_TIMER_LATE_MS.
 */
#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
};

FIXTURE_VARIANT(ring) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE ring
#include "iou_modes.h"

FIXTURE_SETUP(ring)
{
	IOU_RING_INIT_MODE(&self->r, 16, variant->setup_flags);
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

TEST_F(ring, expires_with_etime_after_its_duration)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe;
	uint64_t start = iou_now_ns();
	uint64_t ms;

	iou_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0x71;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ms = iou_ms_since(start);
	ASSERT_CQE_AT(&cqe, 0, 0x71, -ETIME, 0);
	ASSERT_LE(29, ms);
	ASSERT_GE(30 + IOU_TIMER_LATE_MS, ms);
}

TEST_F(ring, zero_duration_expires_at_once)
{
	struct __kernel_timespec ts = { 0, 0 };
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe;
	uint64_t start = iou_now_ns();

	iou_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0x72;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x72, -ETIME, 0);
	ASSERT_GE(IOU_TIMER_LATE_MS, iou_ms_since(start));
}

/*
 * Submitted long-medium-short, they must complete short-medium-long.
 * The deadlines are 100 ms apart: each CQE is posted from task_work,
 * and a 6.1 kernel runs task_work it has let pile up newest first, so
 * under a loaded emulator (an SQPOLL thread not scheduled for 30 ms,
 * seen once under QEMU) timers 30 ms apart were posted in reverse.
 */
TEST_F(ring, complete_in_deadline_order_not_submission_order)
{
	struct __kernel_timespec ts[3] = { iou_ts_ms(230), iou_ts_ms(130), iou_ts_ms(30) };
	struct iou_cqe cqe[3];
	uint64_t start = iou_now_ns();

	for (int i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

		iou_prep_timeout(sqe, &ts[i], 0, 0);
		sqe->user_data = 0x100 + i;
	}
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_LE(229, iou_ms_since(start));
	ASSERT_CQE_AT(cqe, 0, 0x102, -ETIME, 0);
	ASSERT_CQE_AT(cqe, 1, 0x101, -ETIME, 0);
	ASSERT_CQE_AT(cqe, 2, 0x100, -ETIME, 0);
}

/* off == 0: other completions do not end the timer early */
TEST_F(ring, other_completions_do_not_end_a_pure_timer)
{
	struct __kernel_timespec ts = iou_ts_ms(60);
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe[4];
	uint64_t start = iou_now_ns();

	iou_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0x73;
	ASSERT_EQ(1, iou_submit(&self->r));
	for (int i = 0; i < 3; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x200 + i);
	ASSERT_EQ(4, iou_submit_reap(&self->r, cqe, 4));
	for (int i = 0; i < 3; i++)
		ASSERT_CQE_AT(cqe, i, 0x200 + i, 0, 0);
	ASSERT_CQE_AT(cqe, 3, 0x73, -ETIME, 0);
	ASSERT_LE(59, iou_ms_since(start));
}

/*
 * tv_nsec >= 1e9 is not refused (the kernel converts the timespec to
 * nanoseconds without checking the range): the timeout is armed, and a
 * TIMEOUT_REMOVE finds it pending.
 */
TEST_F(ring, nanoseconds_of_a_second_or_more_are_accepted)
{
	/* 10 s in all: far beyond any quiet window */
	struct __kernel_timespec ts = { .tv_sec = 9, .tv_nsec = 1000000000LL };
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe[2];

	iou_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 0x74;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_remove(sqe, 0x74, 0);
	sqe->user_data = 0x75;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x75, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 0x74, -ECANCELED, 0);
}

TEST_HARNESS_MAIN
