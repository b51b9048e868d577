// SPDX-License-Identifier: GPL-2.0
/*
 * An IORING_OP_TIMEOUT with off = N > 0 also completes, with res 0, once
 * N CQEs have been posted after it was armed; what counts is CQEs posted
 * to the ring, whoever submitted them and when: CQEs posted before it
 * do not count, each CQE of a multishot request counts, CQEs of requests
 * submitted before the timeout count (a TIMEOUT_REMOVE's own CQE too),
 * but the CQEs of timeouts that expired (-ETIME) or reached their own
 * count are not counted, and neither is the -ECANCELED CQE of a timeout
 * that a TIMEOUT_REMOVE cancelled: kernels without "io_uring/timeout:
 * count cancelled timeouts in cq_timeouts" (stable 6.12.117 and 7.3.2;
 * 6.1.192 and 6.18.44 lack it) count it, a bug that fix corrected, listed
 * in tests/known-issues.  If the
 * count is not reached in time it expires with -ETIME.  Several counting
 * timeouts complete in the order their counts are reached.
 *
 * Each request is submitted and reaped on its own so that CQEs posted
 * in one submission batch do not blur the count.  "Not yet" is asserted
 * with a quiet window (IOU_QUIET_MS) without a CQE.
 */
#include <poll.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("", "", "ring.cancelled_timeouts_are_not_counted",
			"io_uring/timeout: count cancelled timeouts in cq_timeouts")));
/*
 * Proven with make vm-test (Debian kernels): 6.12.43, 6.18.5 and 7.2.13 fail
 * cancelled_timeouts_are_not_counted (XFAIL), 7.3.4 passes.
 */

FIXTURE(ring) {
	struct iou_ring r;
	struct __kernel_timespec far;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 32, 0));
	self->far = iou_ts_ms(10000);
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

static void arm_count(struct iou_ring *r, const struct __kernel_timespec *ts,
		      unsigned int count, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, ts, count, 0);
	sqe->user_data = ud;
}

/* one NOP in its own submission; its CQE (ud) must come */
#define NOP_ALONE(r, ud) do {						\
	struct iou_cqe __c;						\
	iou_prep_nop(iou_get_sqe(r), (ud));				\
	ASSERT_EQ(1, iou_submit_reap((r), &__c, 1));			\
	ASSERT_CQE_AT(&__c, 0, (ud), 0, 0);				\
	} while (0)

TEST_F(ring, completes_with_zero_after_n_later_cqes)
{
	struct iou_cqe cqe[2];

	arm_count(&self->r, &self->far, 3, 0x50);
	ASSERT_EQ(1, iou_submit(&self->r));
	NOP_ALONE(&self->r, 1);
	NOP_ALONE(&self->r, 2);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* the third CQE satisfies it; the timeout is posted after it */
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 3, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 0x50, 0, 0);
}

TEST_F(ring, cqes_posted_before_it_was_armed_do_not_count)
{
	struct iou_cqe cqe[2];

	NOP_ALONE(&self->r, 1);
	NOP_ALONE(&self->r, 2);
	arm_count(&self->r, &self->far, 1, 0x51);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 3, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 0x51, 0, 0);
}

/* a request already pending when the timeout was armed counts when it posts */
TEST_F(ring, cqe_of_a_request_submitted_earlier_counts)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, fds[0], POLLIN);
	sqe->user_data = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	arm_count(&self->r, &self->far, 1, 0x52);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(fds[1], "x", 1));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, POLLIN, 0);
	ASSERT_CQE_AT(cqe, 1, 0x52, 0, 0);
	close(fds[0]);
	close(fds[1]);
}

TEST_F(ring, each_cqe_of_a_multishot_request_counts)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];
	char buf[4];
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_multishot(sqe, fds[0], POLLIN);
	sqe->user_data = 1;
	arm_count(&self->r, &self->far, 3, 0x53);
	ASSERT_EQ(2, iou_submit(&self->r));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(1, write(fds[1], "x", 1));
		ASSERT_EQ(1, iou_reap(&self->r, cqe, 1, IOU_WAIT_MS));
		ASSERT_CQE_AT(cqe, 0, 1, POLLIN, IORING_CQE_F_MORE);
		ASSERT_EQ(1, read(fds[0], buf, sizeof(buf)));
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(fds[1], "x", 1));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 1, POLLIN, IORING_CQE_F_MORE);
	ASSERT_CQE_AT(cqe, 1, 0x53, 0, 0);
	/* end the multishot poll */
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_remove(sqe, 1);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 2, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	close(fds[0]);
	close(fds[1]);
}

/* expiries are subtracted from the count; these two -ETIME do not count */
TEST_F(ring, expired_timeouts_are_not_counted)
{
	struct __kernel_timespec zero = { 0, 0 };
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	arm_count(&self->r, &self->far, 2, 0x54);
	ASSERT_EQ(1, iou_submit(&self->r));
	for (int i = 0; i < 2; i++) {
		sqe = iou_get_sqe(&self->r);
		iou_prep_timeout(sqe, &zero, 0, 0);
		sqe->user_data = 0x60 + i;
		ASSERT_EQ(1, iou_submit_reap(&self->r, cqe, 1));
		ASSERT_CQE_AT(cqe, 0, 0x60 + i, -ETIME, 0);
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	NOP_ALONE(&self->r, 1);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 2, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 0x54, 0, 0);
}

/* a removed timeout's CQE is a timeout CQE, the removal's is not */
TEST_F(ring, cancelled_timeouts_are_not_counted)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	arm_count(&self->r, &self->far, 2, 0x55);
	ASSERT_EQ(1, iou_submit(&self->r));
	arm_count(&self->r, &self->far, 0, 0x56);
	ASSERT_EQ(1, iou_submit(&self->r));
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_remove(sqe, 0x56, 0);
	sqe->user_data = 0x57;
	/* the remove's 0 is the first event, the removed timer's is none */
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0x57, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 0x56, -ECANCELED, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* the second */
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 1, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 0x55, 0, 0);
}

TEST_F(ring, expires_with_etime_when_the_count_is_not_reached)
{
	struct __kernel_timespec ts = iou_ts_ms(30);
	struct iou_cqe cqe;
	uint64_t start = iou_now_ns();

	arm_count(&self->r, &ts, 5, 0x58);
	ASSERT_EQ(1, iou_submit(&self->r));
	NOP_ALONE(&self->r, 1);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x58, -ETIME, 0);
	ASSERT_LE(29, iou_ms_since(start));
}

/*
 * Armed larger count first, completion still follows the counts; the
 * CQE of a timeout completed by its count is not counted either (like an
 * expiry, it is subtracted), so the second needs a second NOP.
 */
TEST_F(ring, several_counts_complete_as_each_is_reached)
{
	struct iou_cqe cqe[2];

	arm_count(&self->r, &self->far, 2, 0x5a);
	arm_count(&self->r, &self->far, 1, 0x59);
	ASSERT_EQ(2, iou_submit(&self->r));
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 1, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 0x59, 0, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_AT(cqe, 0, 2, 0, 0);
	ASSERT_CQE_AT(cqe, 1, 0x5a, 0, 0);
}

TEST_HARNESS_MAIN
