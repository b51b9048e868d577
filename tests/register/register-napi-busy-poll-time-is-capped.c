// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_NAPI caps the busy-poll time at 10 ms (10000 us): a
 * larger busy_poll_to is stored as 10000, which the next registration
 * and IORING_UNREGISTER_NAPI write back; 10000 itself and smaller values
 * are kept as given.
 *
 * Before df8599ee18c0 (7.1; stable 6.18.33, 7.0.10) any value was taken,
 * and a waiter could spin in the kernel for as long as it asked (up to
 * about 71 minutes of u32 microseconds), a denial of service on the CPU
 * (CVE-2026-53321).  The stored value shows the cap without spinning.
 *
 * Proven (make vm-test, Debian kernels): FAIL on 6.12.43 and 6.18.5
 * (10001 stored as 10001, 5000000 reported back); pass on 7.2.13 and
 * 6.18.44.
 */
#include "iou.h"

IOU_REQUIRES(.register_ops = IOU_OPS(IORING_REGISTER_NAPI),
	     .fixes = IOU_FIXES(IOU_FIX("df8599ee18c0", "CVE-2026-53321", "",
			"io_uring/napi: cap busy_poll_to 10 msec")));

#define CAP_US	10000u

FIXTURE(napicap) {
	struct iou_ring r;
};

FIXTURE_SETUP(napicap)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(napicap)
{
	iou_ring_exit(&self->r);
}

/* register busy_poll_to us, then unregister: the value the kernel had stored */
static int stored_busy_poll_to(struct iou_ring *r, __u32 us, __u32 *stored)
{
	struct io_uring_napi n = { .busy_poll_to = us };
	int ret = iou_register(r, IORING_REGISTER_NAPI, &n, 1);

	if (ret)
		return ret;
	memset(&n, 0, sizeof(n));
	ret = iou_register(r, IORING_UNREGISTER_NAPI, &n, 1);
	*stored = n.busy_poll_to;
	return ret;
}

TEST_F(napicap, values_up_to_10ms_are_kept)
{
	static const __u32 us[] = { 1, 500, CAP_US - 1, CAP_US };
	__u32 got;

	for (size_t i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		ASSERT_EQ(0, stored_busy_poll_to(&self->r, us[i], &got));
		ASSERT_EQ(us[i], got);
	}
}

TEST_F(napicap, larger_values_are_stored_as_10ms)
{
	static const __u32 us[] = { CAP_US + 1, 1000000, 0xffffffffu };
	__u32 got;

	for (size_t i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		ASSERT_EQ(0, stored_busy_poll_to(&self->r, us[i], &got));
		ASSERT_EQ(CAP_US, got) TH_LOG("busy_poll_to %u stored as %u", us[i], got);
	}
}

TEST_F(napicap, next_registration_reports_the_capped_value)
{
	struct io_uring_napi a = { .busy_poll_to = 5000000 }, b = { .busy_poll_to = 10 };

	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_NAPI, &a, 1));
	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_NAPI, &b, 1));
	ASSERT_EQ(CAP_US, b.busy_poll_to);
	ASSERT_EQ(0, iou_register(&self->r, IORING_UNREGISTER_NAPI, NULL, 1));
}

TEST_HARNESS_MAIN
