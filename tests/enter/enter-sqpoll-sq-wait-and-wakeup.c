// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_enter(2) on an IORING_SETUP_SQPOLL ring, where a kernel thread
 * consumes the SQ:
 *  - the call returns to_submit exactly as given (the thread submits, not
 *    the caller), so a GETEVENTS wait that times out afterwards is not
 *    reported either; with to_submit 0 the wait's ETIME is;
 *  - IORING_ENTER_SQ_WAIT returns once the SQ has room for at least one
 *    SQE, at once when it already has; together with
 *    IORING_ENTER_SQ_WAKEUP it wakes a sleeping thread and waits for it;
 *  - GETEVENTS waits for the completions of what the thread submitted;
 *  - on a ring without SQPOLL both flags are accepted and ignored: nothing
 *    is woken, nothing waited for, to_submit is submitted by the caller.
 * The thread's own wakeup protocol (IORING_SQ_NEED_WAKEUP) is covered by
 * tests/setup.
 *
 * Timing: every wait for the thread is bounded by IOU_WAIT_MS; the only
 * lower bound is that of an EXT_ARG timeout, which never fires early.
 */
#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_SQPOLL);

#define SQ_ENTRIES	4

static int sqpoll_ring(struct iou_ring *r, unsigned int idle_ms)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = idle_ms;
	return iou_ring_init_params(r, SQ_ENTRIES, &p);
}

static bool thread_sleeps(struct iou_ring *r)
{
	iou_smp_mb();
	return iou_read_once(r->sq_kflags) & IORING_SQ_NEED_WAKEUP;
}

/* wait (bounded) until the poll thread has gone to sleep */
static bool wait_thread_asleep(struct iou_ring *r)
{
	for (uint64_t start = iou_now_ns(); iou_ms_since(start) < IOU_WAIT_MS;) {
		if (thread_sleeps(r))
			return true;
		usleep(500);
	}
	return false;
}

FIXTURE(sqpoll) {
	struct iou_ring r;
};

FIXTURE_SETUP(sqpoll)
{
	ASSERT_EQ(0, sqpoll_ring(&self->r, 10));
	ASSERT_MODE_PROVEN(&self->r);
}

FIXTURE_TEARDOWN(sqpoll)
{
	iou_ring_exit(&self->r);
}

TEST_F(sqpoll, enter_returns_to_submit_as_given)
{
	ASSERT_RES(1000, iou_enter(&self->r, 1000, 0, 0, NULL, 0));
	ASSERT_RES(5, iou_enter(&self->r, 5, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, 0, NULL, 0));
	ASSERT_EQ(0, *self->r.sq_khead);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(sqpoll, wait_error_is_hidden_by_a_nonzero_to_submit)
{
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	ASSERT_RES(3, iou_wait_ext_ms(&self->r, 3, 1, 0, 20));
	ASSERT_LE(20, iou_ms_since(start));
	start = iou_now_ns();
	ASSERT_RES(-ETIME, iou_wait_ext_ms(&self->r, 0, 1, 0, 20));
	ASSERT_LE(20, iou_ms_since(start));
}

TEST_F(sqpoll, sq_wait_with_room_returns_at_once)
{
	uint64_t start = iou_now_ns();

	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_SQ_WAIT, NULL, 0));
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	/* one of four slots taken, still room: no need to wait for anyone */
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_SQ_WAIT, NULL, 0));
	ASSERT_GT(IOU_WAIT_MS / 2, iou_ms_since(start));
}

TEST_F(sqpoll, sq_wait_with_wakeup_returns_once_the_full_sq_has_room)
{
	struct iou_cqe cqe[SQ_ENTRIES];

	ASSERT_TRUE(wait_thread_asleep(&self->r));
	for (unsigned int i = 0; i < SQ_ENTRIES; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x100 + i);
	ASSERT_NULL(iou_get_sqe(&self->r));
	iou_sq_flush(&self->r);
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_SQ_WAKEUP |
				IORING_ENTER_SQ_WAIT, NULL, 0));
	/* the guarantee: at least one slot is free on return */
	ASSERT_NE(*self->r.sq_ktail - SQ_ENTRIES, iou_load_acquire(self->r.sq_khead));
	ASSERT_LT(0, iou_sq_space_left(&self->r));
	ASSERT_EQ(SQ_ENTRIES, iou_reap(&self->r, cqe, SQ_ENTRIES, IOU_WAIT_MS));
	for (unsigned int i = 0; i < SQ_ENTRIES; i++)
		ASSERT_CQE_AT(cqe, i, 0x100 + i, 0, 0);
}

TEST_F(sqpoll, getevents_waits_for_the_threads_completions)
{
	unsigned int flags = 0;

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);

	iou_prep_nop(iou_get_sqe(&self->r), 7);
	iou_prep_nop(iou_get_sqe(&self->r), 8);
	iou_sq_flush(&self->r);
	if (thread_sleeps(&self->r))
		flags |= IORING_ENTER_SQ_WAKEUP;
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, 2, flags, IOU_WAIT_MS));
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(7, 0), IOU_CQE(8, 0));
}

TEST(sq_wakeup_of_an_awake_thread_changes_nothing)
{
	struct iou_ring r;
	struct iou_cqe cqe;

	/*
	 * Make sure the thread is awake, and stays so, before the flags are
	 * tried: it must just have done work (a NOP, woken for it if it
	 * sleeps: on recent kernels io_sq_thread() starts with its idle time
	 * already over and a new thread goes to sleep at once), which
	 * restarts its idle time, and that idle time must be far beyond the
	 * case's length.  The case used to rely on 2 s of idle time from
	 * setup on: on 5.10 in a loaded single-vCPU VM under TCG NOP 9 was
	 * once never taken (the thread, most likely, had gone idle before
	 * the flush), and on recent kernels a thread that first ran between
	 * the wakeups and the flush would sleep with NOP 9 unseen.
	 */
	ASSERT_EQ(0, sqpoll_ring(&r, 60000));
	iou_prep_nop(iou_get_sqe(&r), 8);
	iou_sq_flush(&r);
	if (thread_sleeps(&r))
		ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 8, 0, 0);
	ASSERT_FALSE(thread_sleeps(&r));

	ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP |
				IORING_ENTER_SQ_WAIT, NULL, 0));
	ASSERT_FALSE(thread_sleeps(&r));
	iou_prep_nop(iou_get_sqe(&r), 9);
	iou_sq_flush(&r);
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 9, 0, 0);
	iou_ring_exit(&r);
}

TEST(wakeup_flags_are_ignored_without_sqpoll)
{
	struct iou_ring r;

	ASSERT_EQ(0, iou_ring_init(&r, SQ_ENTRIES, 0));
	for (unsigned int i = 0; i < SQ_ENTRIES; i++)
		iou_prep_nop(iou_get_sqe(&r), i);
	iou_sq_flush(&r);
	/* a full SQ and nobody to empty it: SQ_WAIT must not wait */
	ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAIT, NULL, 0));
	ASSERT_RES(0, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP |
				IORING_ENTER_SQ_WAIT, NULL, 0));
	ASSERT_EQ(0, *r.sq_khead);
	ASSERT_EQ(0, iou_cq_ready(&r));
	/* to_submit is the caller's own submission, as without the flags */
	ASSERT_RES(2, iou_enter(&r, 2, 0, IORING_ENTER_SQ_WAKEUP |
				IORING_ENTER_SQ_WAIT, NULL, 0));
	ASSERT_EQ(2, *r.sq_khead);
	ASSERT_EQ(2, iou_cq_ready(&r));
	IOU_EXPECT_CQES(&r, IOU_CQE(0, 0), IOU_CQE(1, 0));
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
