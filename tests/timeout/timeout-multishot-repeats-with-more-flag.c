// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_TIMEOUT_MULTISHOT (6.4) re-arms a relative timeout after each
 * expiry: every expiry posts -ETIME, with IORING_CQE_F_MORE while more
 * will follow.  off = N > 0 is the number of expiries (the last one has
 * no F_MORE and ends the request), off = 0 repeats until the timeout is
 * removed or cancelled, which posts a final -ECANCELED without F_MORE.
 * Expiries are spaced by the interval.  A multishot timeout cannot be
 * absolute (-EINVAL).
 *
 * Timing tolerance: the k-th expiry comes no sooner than k intervals
 * (less 1 ms) after submission; "no more CQEs" is a quiet window
 * (IOU_QUIET_MS, longer than the interval).
 */
#include "iou.h"

#define INTERVAL_MS	20

FIXTURE(ring) {
	struct iou_ring r;
	struct __kernel_timespec ts;
};

FIXTURE_SETUP(ring)
{
	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_MULTISHOT);
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->ts = iou_ts_ms(INTERVAL_MS);
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

static void arm(struct iou_ring *r, const struct __kernel_timespec *ts,
		unsigned int repeats, unsigned int flags, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, ts, repeats, IORING_TIMEOUT_MULTISHOT | flags);
	sqe->user_data = ud;
}

TEST_F(ring, repeat_count_posts_that_many_expiries)
{
	struct iou_cqe cqe;
	uint64_t start = iou_now_ns();

	arm(&self->r, &self->ts, 3, 0, 0x30);
	ASSERT_EQ(1, iou_submit(&self->r));
	for (int k = 1; k <= 3; k++) {
		ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
		ASSERT_CQE_AT(&cqe, 0, 0x30, -ETIME, k < 3 ? IORING_CQE_F_MORE : 0);
		ASSERT_LE((uint64_t)(k * INTERVAL_MS - 1), iou_ms_since(start));
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, repeat_count_one_posts_a_single_final_expiry)
{
	struct iou_cqe cqe;

	arm(&self->r, &self->ts, 1, 0, 0x31);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x31, -ETIME, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

/*
 * Stop the endless timeout ud with TIMEOUT_REMOVE (or ASYNC_CANCEL):
 * expiries already on their way may still be posted (with F_MORE), and
 * a removal that lands while an expiry is in flight finds the timer
 * firing (-EALREADY) or momentarily off the list until it is re-armed
 * (-ENOENT); then it is tried again.  The end must be exactly one
 * -ECANCELED without F_MORE, then nothing.
 */
static int stop_endless(struct __test_metadata *_metadata, struct iou_ring *r,
			__u64 ud, bool async_cancel)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		struct io_uring_sqe *sqe = iou_get_sqe(r);
		bool ended = false, answered = false;
		int res = 1;

		if (async_cancel)
			iou_prep_cancel(sqe, ud, 0);
		else
			iou_prep_timeout_remove(sqe, ud, 0);
		sqe->user_data = 0xff;
		if (iou_submit(r) != 1)
			return -1;
		while (!answered || (res == 0 && !ended)) {
			struct iou_cqe c;

			if (iou_reap(r, &c, 1, IOU_WAIT_MS) != 1)
				return -2;
			if (c.user_data == 0xff) {
				answered = true;
				res = c.res;
			} else if (c.user_data == ud && c.res == -ETIME) {
				if (c.flags != IORING_CQE_F_MORE)
					return -3;
			} else if (c.user_data == ud && c.res == -ECANCELED &&
				   c.flags == 0) {
				ended = true;
			} else {
				TH_LOG("unexpected CQE %#llx %s %#x",
				       (unsigned long long)c.user_data,
				       iou_res_str(c.res), c.flags);
				return -4;
			}
		}
		if (res == 0)
			return 0;
		if (res != -ENOENT && res != -EALREADY) {
			TH_LOG("removal got %s", iou_res_str(res));
			return -5;
		}
	}
	return -6;
}

TEST_F(ring, zero_count_repeats_until_removed)
{
	struct iou_cqe cqe;
	uint64_t start = iou_now_ns();

	arm(&self->r, &self->ts, 0, 0, 0x32);
	ASSERT_EQ(1, iou_submit(&self->r));
	/* more expiries than any finite count given here */
	for (int k = 1; k <= 4; k++) {
		ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
		ASSERT_CQE_AT(&cqe, 0, 0x32, -ETIME, IORING_CQE_F_MORE);
		ASSERT_LE((uint64_t)(k * INTERVAL_MS - 1), iou_ms_since(start));
	}
	ASSERT_EQ(0, stop_endless(_metadata, &self->r, 0x32, false));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, async_cancel_ends_an_endless_one)
{
	struct iou_cqe cqe;

	arm(&self->r, &self->ts, 0, 0, 0x34);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x34, -ETIME, IORING_CQE_F_MORE);
	ASSERT_EQ(0, stop_endless(_metadata, &self->r, 0x34, true));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, etime_success_does_not_change_the_expiries)
{
	struct iou_cqe cqe;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_ETIME_SUCCESS);
	arm(&self->r, &self->ts, 2, IORING_TIMEOUT_ETIME_SUCCESS, 0x36);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x36, -ETIME, IORING_CQE_F_MORE);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x36, -ETIME, 0);
}

TEST_F(ring, absolute_multishot_is_refused)
{
	struct iou_cqe cqe;

	arm(&self->r, &self->ts, 2, IORING_TIMEOUT_ABS, 0x37);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_CQE_AT(&cqe, 0, 0x37, -EINVAL, 0);
}

TEST_HARNESS_MAIN
