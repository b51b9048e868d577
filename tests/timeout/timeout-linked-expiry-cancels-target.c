// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_LINK_TIMEOUT linked after a request bounds that request:
 * if the timer fires first, the request is cancelled (-ECANCELED) and
 * the timeout completes with -ETIME; if the request completes first,
 * successfully or not, the timeout completes with -ECANCELED after it.
 * Poll requests are targets like any other.  A multishot poll target
 * is bounded as a whole: its intermediate CQEs (IORING_CQE_F_MORE) do
 * not disarm the timer, which later ends it with a final -ECANCELED;
 * ending the multishot request otherwise disarms the timer.  Relative
 * and absolute timers behave alike, on plain, DEFER_TASKRUN and SQPOLL
 * rings.
 *
 * The order of the two CQEs when the timer fires is not defined (the
 * target's cancellation may complete either side of the timeout's CQE);
 * when the target completes first its CQE comes first.
 *
 * Timing tolerance: never before the timeout (less 1 ms), at most
 * IOU_TIMER_LATE_MS late.
 */
#include <poll.h>

#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
	int fds[2];
	char buf[16];
};

FIXTURE_VARIANT(ring) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE ring
#include "iou_modes.h"

FIXTURE_SETUP(ring)
{
	IOU_RING_INIT_MODE(&self->r, 16, variant->setup_flags);
	ASSERT_EQ(0, pipe(self->fds));
}

FIXTURE_TEARDOWN(ring)
{
	close(self->fds[0]);
	close(self->fds[1]);
	iou_ring_exit(&self->r);
}

/* target SQE (ud 1, linked) is the caller's; this adds the timeout (ud 2) */
static void link_timeout(struct iou_ring *r, const struct __kernel_timespec *ts,
			 unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_link_timeout(sqe, ts, flags);
	sqe->user_data = 2;
}

static struct io_uring_sqe *target(struct iou_ring *r)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	sqe->user_data = 1;
	return sqe;
}

#define LINKED(sqe) ((sqe)->flags |= IOSQE_IO_LINK)

TEST_F(ring, expiry_cancels_a_blocked_read)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	uint64_t start = iou_now_ns();

	sqe = target(&self->r);
	iou_prep_read(sqe, self->fds[0], self->buf, sizeof(self->buf), 0);
	sqe->user_data = 1;
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
	ASSERT_LE(29, iou_ms_since(start));
	ASSERT_GE(30 + IOU_TIMER_LATE_MS, iou_ms_since(start));
}

TEST_F(ring, target_completing_first_cancels_the_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	sqe = target(&self->r);
	iou_prep_nop(sqe, 1);
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 1, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
}

TEST_F(ring, target_failing_first_cancels_the_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	int fd = dup(self->fds[0]);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));	/* a descriptor known to be closed */
	sqe = target(&self->r);
	iou_prep_read(sqe, fd, self->buf, sizeof(self->buf), 0);
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 1, -EBADF, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
}

TEST_F(ring, target_ready_before_expiry_cancels_the_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	sqe = target(&self->r);
	iou_prep_read(sqe, self->fds[0], self->buf, sizeof(self->buf), 0);
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(3, write(self->fds[1], "abc", 3));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, 3, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
	ASSERT_EQ(0, memcmp(self->buf, "abc", 3));
}

TEST_F(ring, expiry_cancels_a_poll_target)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	uint64_t start = iou_now_ns();

	sqe = target(&self->r);
	iou_prep_poll_add(sqe, self->fds[0], POLLIN);
	sqe->user_data = 1;
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
	ASSERT_LE(29, iou_ms_since(start));
}

TEST_F(ring, poll_target_ready_first_cancels_the_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	sqe = target(&self->r);
	iou_prep_poll_add(sqe, self->fds[0], POLLIN);
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, POLLIN, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
}

TEST_F(ring, multishot_poll_target_stays_bounded_after_each_cqe)
{
	struct __kernel_timespec ts = iou_ts_ms(60);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	uint64_t start = iou_now_ns();

	/*
	 * Readable before the poll is armed, so its first CQE is posted as
	 * it is issued: a write after the submission could come after the
	 * expiry on a loaded machine (an SQPOLL thread issues it later).
	 */
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	sqe = target(&self->r);
	iou_prep_poll_multishot(sqe, self->fds[0], POLLIN);
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, POLLIN, IORING_CQE_F_MORE);
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
	ASSERT_LE(59, iou_ms_since(start));
}

TEST_F(ring, ending_a_multishot_poll_target_cancels_the_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];

	sqe = target(&self->r);
	iou_prep_poll_multishot(sqe, self->fds[0], POLLIN);
	LINKED(sqe);
	link_timeout(&self->r, &ts, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_remove(sqe, 1);
	sqe->user_data = 3;
	ASSERT_EQ(3, iou_submit_reap(&self->r, cqe, 3));
	ASSERT_CQE_UD(cqe, 3, 3, 0, 0);
	ASSERT_CQE_UD(cqe, 3, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 3, 2, -ECANCELED, 0);
	ASSERT_LT(iou_cqe_index(cqe, 3, 1), iou_cqe_index(cqe, 3, 2));
}

TEST_F(ring, absolute_timer_expires_at_its_deadline)
{
	struct __kernel_timespec ts;
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	uint64_t start = iou_now_ns();

	ts = iou_clock_deadline(CLOCK_MONOTONIC, 30);
	sqe = target(&self->r);
	iou_prep_read(sqe, self->fds[0], self->buf, sizeof(self->buf), 0);
	LINKED(sqe);
	link_timeout(&self->r, &ts, IORING_TIMEOUT_ABS);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
	ASSERT_LE(29, iou_ms_since(start));
}

TEST_F(ring, boottime_and_realtime_timers_expire_too)
{
	const unsigned int clocks[] = { IORING_TIMEOUT_BOOTTIME, IORING_TIMEOUT_REALTIME };
	struct __kernel_timespec ts = iou_ts_ms(20);

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_BOOTTIME);
	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_REALTIME);
	for (int i = 0; i < 2; i++) {
		struct io_uring_sqe *sqe;
		struct iou_cqe cqe[2];
		uint64_t start = iou_now_ns();

		sqe = target(&self->r);
		iou_prep_read(sqe, self->fds[0], self->buf, sizeof(self->buf), 0);
		LINKED(sqe);
		link_timeout(&self->r, &ts, clocks[i]);
		ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
		ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
		ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
		ASSERT_LE(19, iou_ms_since(start));
	}
}

TEST_HARNESS_MAIN
