// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_TIMEOUT_REMOVE with IORING_TIMEOUT_UPDATE (5.11) re-arms a
 * pending timeout with a new relative or (with IORING_TIMEOUT_ABS)
 * absolute expiry instead of removing it: the update completes with 0
 * and the timeout later with -ETIME at the new time.  An update makes a
 * counting timeout a pure timer.  Adding IORING_LINK_TIMEOUT_UPDATE
 * (5.15) does the same to a pending LINK_TIMEOUT, whose expiry then
 * cancels its target.  Each mode finds only its own kind (-ENOENT
 * otherwise), and an unknown or expired target is -ENOENT.  The timer
 * keeps the clock it was armed with: an update accepts no clock flag and
 * no ETIME_SUCCESS (IORING_TIMEOUT_IMMEDIATE_ARG, 7.1, is accepted where
 * the kernel knows it).
 *
 * Doc discrepancy: io_uring_prep_timeout_update(3) lists
 * IORING_TIMEOUT_BOOTTIME, IORING_TIMEOUT_REALTIME and
 * IORING_TIMEOUT_ETIME_SUCCESS among the flags an update may carry;
 * the kernel (io_timeout_remove_prep) accepts only the update bits and
 * IORING_TIMEOUT_ABS and fails the others with -EINVAL.  The test
 * follows the kernel.
 *
 * Timing tolerance: expiry never before the new time (less 1 ms), at
 * most IOU_TIMER_LATE_MS late; "not yet" is a window without CQEs.
 */
#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
	struct __kernel_timespec far;
	int fds[2];
};

FIXTURE_SETUP(ring)
{
	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE);
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	ASSERT_EQ(0, pipe(self->fds));
	self->far = iou_ts_ms(10000);
}

FIXTURE_TEARDOWN(ring)
{
	close(self->fds[0]);
	close(self->fds[1]);
	iou_ring_exit(&self->r);
}

static void arm(struct iou_ring *r, const struct __kernel_timespec *ts,
		unsigned int count, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, ts, count, 0);
	sqe->user_data = ud;
}

static void update(struct iou_ring *r, const struct __kernel_timespec *ts,
		   __u64 target, unsigned int flags, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout_update(sqe, ts, target, flags);
	sqe->user_data = ud;
}

/* read on the empty pipe (ud 1) guarded by a link timeout (ud 2) */
static void arm_link_timeout(struct iou_ring *r, int rfd,
			     const struct __kernel_timespec *ts)
{
	static char buf[8];
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_read(sqe, rfd, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = iou_get_sqe(r);
	iou_prep_link_timeout(sqe, ts, 0);
	sqe->user_data = 2;
}

#define ASSERT_UPDATE_RES(r, res_) do {					\
	struct iou_cqe __c;						\
	ASSERT_EQ(1, iou_submit_reap((r), &__c, 1));			\
	ASSERT_CQE_AT(&__c, 0, 0x99, (res_), 0);			\
	} while (0)

TEST_F(ring, shortens_a_pending_timeout)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	struct iou_cqe cqe;
	uint64_t start;

	arm(&self->r, &self->far, 0, 0x10);
	ASSERT_EQ(1, iou_submit(&self->r));
	start = iou_now_ns();
	update(&self->r, &ts, 0x10, IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x10, -ETIME, 0);
	ASSERT_LE(29, iou_ms_since(start));
	ASSERT_GE(30 + IOU_TIMER_LATE_MS, iou_ms_since(start));
}

TEST_F(ring, extends_a_pending_timeout)
{
	/* 100 ms scaled: ample time for the update to land before expiry */
	unsigned int short_ms = iou_scaled_ms(100);
	struct __kernel_timespec short_ts = iou_ts_ms(short_ms), longer = iou_ts_ms(2 * short_ms);
	struct iou_cqe cqe;
	uint64_t start;

	arm(&self->r, &short_ts, 0, 0x11);
	ASSERT_EQ(1, iou_submit(&self->r));
	start = iou_now_ns();
	update(&self->r, &longer, 0x11, IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x11, -ETIME, 0);
	ASSERT_LE(2 * short_ms - 1, iou_ms_since(start));
}

TEST_F(ring, absolute_update_sets_a_deadline)
{
	struct __kernel_timespec ts;
	struct iou_cqe cqe;
	uint64_t start;

	arm(&self->r, &self->far, 0, 0x12);
	ASSERT_EQ(1, iou_submit(&self->r));
	start = iou_now_ns();
	ts = iou_clock_deadline(CLOCK_MONOTONIC, 40);
	update(&self->r, &ts, 0x12, IORING_TIMEOUT_UPDATE | IORING_TIMEOUT_ABS, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x12, -ETIME, 0);
	ASSERT_LE(39, iou_ms_since(start));
}

/* after an update, completions no longer end it: only its timer does */
TEST_F(ring, update_makes_a_counting_timeout_a_pure_timer)
{
	/* scaled: the NOP must complete before the timer fires */
	unsigned int timer_ms = iou_scaled_ms(60);
	struct __kernel_timespec ts = iou_ts_ms(timer_ms);
	struct iou_cqe cqe;
	uint64_t start;

	arm(&self->r, &self->far, 1, 0x13);
	ASSERT_EQ(1, iou_submit(&self->r));
	start = iou_now_ns();
	update(&self->r, &ts, 0x13, IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	iou_prep_nop(iou_get_sqe(&self->r), 0x14);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x14, 0, 0);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x13, -ETIME, 0);
	ASSERT_LE(timer_ms - 1, iou_ms_since(start));
}

TEST_F(ring, unknown_target_is_enoent)
{
	struct __kernel_timespec ts = iou_ts_ms(10);

	update(&self->r, &ts, 0x999, IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, -ENOENT);
}

TEST_F(ring, expired_target_is_enoent)
{
	struct __kernel_timespec zero = { 0, 0 }, ts = iou_ts_ms(10);
	struct iou_cqe cqe;

	arm(&self->r, &zero, 0, 0x15);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x15, -ETIME, 0);
	update(&self->r, &ts, 0x15, IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, -ENOENT);
}

/* the update is refused and the pending timeout is left as it was */
TEST_F(ring, clock_and_etime_success_flags_are_refused)
{
	static const unsigned int bad[] = {
		IORING_TIMEOUT_BOOTTIME, IORING_TIMEOUT_REALTIME,
		IORING_TIMEOUT_ETIME_SUCCESS, IORING_TIMEOUT_MULTISHOT,
		IOU_NEXT_TIMEOUT_IMMEDIATE_ARG, 1U << 31,
	};
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 0, 0x16);
	ASSERT_EQ(1, iou_submit(&self->r));
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/*
		 * IORING_TIMEOUT_IMMEDIATE_ARG (7.1: the timespec is given
		 * in addr2 itself) applies to updates too: it is refused
		 * only where the kernel does not know it at all.
		 */
		if (bad[i] == IOU_NEXT_TIMEOUT_IMMEDIATE_ARG &&
		    iou_have_timeout_flags(bad[i], NULL, 0) == IOU_PRESENT)
			continue;
		update(&self->r, &ts, 0x16, IORING_TIMEOUT_UPDATE | bad[i], 0x99);
		ASSERT_UPDATE_RES(&self->r, -EINVAL);
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_remove(sqe, 0x16, 0);
	sqe->user_data = 0x17;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x17, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 0x16, -ECANCELED, 0);
}

TEST_F(ring, link_timeout_update_shortens_it)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	struct iou_cqe cqe[2];
	uint64_t start;

	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE);
	arm_link_timeout(&self->r, self->fds[0], &self->far);
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	start = iou_now_ns();
	update(&self->r, &ts, 2, IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_UD(cqe, 2, 2, -ETIME, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	ASSERT_LE(29, iou_ms_since(start));
}

TEST_F(ring, link_timeout_update_extends_it)
{
	unsigned int short_ms = iou_scaled_ms(100);
	struct __kernel_timespec short_ts = iou_ts_ms(short_ms), longer = iou_ts_ms(10000);
	struct iou_cqe cqe[2];

	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE);
	arm_link_timeout(&self->r, self->fds[0], &short_ts);
	ASSERT_EQ(2, iou_submit(&self->r));
	update(&self->r, &longer, 2, IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	/* well past the original timeout the read is still waiting */
	ASSERT_NO_CQE(&self->r, short_ms + IOU_QUIET_MS);
	ASSERT_EQ(2, write(self->fds[1], "hi", 2));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, 2, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
}

TEST_F(ring, link_timeout_update_of_unknown_target_is_enoent)
{
	struct __kernel_timespec ts = iou_ts_ms(10);

	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE);
	update(&self->r, &ts, 0x999, IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, -ENOENT);
}

/* the two update modes look in different places */
TEST_F(ring, each_update_mode_finds_only_its_own_kind)
{
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct iou_cqe cqe[3];

	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE);
	arm(&self->r, &self->far, 0, 0x18);
	arm_link_timeout(&self->r, self->fds[0], &self->far);
	ASSERT_EQ(3, iou_submit(&self->r));
	update(&self->r, &ts, 0x18, IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, -ENOENT);
	update(&self->r, &ts, 2, IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, -ENOENT);
	/* neither was touched: both are still pending */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(self->fds[1], "x", 1));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, 1, 0);
	ASSERT_CQE_AT(cqe, 1, 2, -ECANCELED, 0);
	update(&self->r, &ts, 0x18, IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	ASSERT_EQ(1, iou_reap(&self->r, cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 0x18, -ETIME, 0);
}

/* keys that differ only above bit 31 name different timeouts */
TEST_F(ring, user_data_is_matched_in_all_64_bits)
{
	struct __kernel_timespec soon = iou_ts_ms(10);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	arm(&self->r, &self->far, 0, IOU_UD_HIGH(1));
	arm(&self->r, &self->far, 0, IOU_UD_HIGH(2));
	ASSERT_EQ(2, iou_submit(&self->r));
	update(&self->r, &soon, IOU_UD_HIGH(3), IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, -ENOENT);
	update(&self->r, &soon, IOU_UD_HIGH(2), IORING_TIMEOUT_UPDATE, 0x99);
	ASSERT_UPDATE_RES(&self->r, 0);
	ASSERT_EQ(1, iou_reap(&self->r, cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, IOU_UD_HIGH(2), -ETIME, 0);
	/* the other one was not touched: still far off */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_remove(sqe, IOU_UD_HIGH(1), 0);
	sqe->user_data = 0x17;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x17, 0, 0);
	ASSERT_CQE_UD(cqe, 2, IOU_UD_HIGH(1), -ECANCELED, 0);
}

TEST_HARNESS_MAIN
