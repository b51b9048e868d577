// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: every verdict the harness can give, with a marker
 * the driver (run.sh) checks for.  Cases named fail_* must fail, the rest
 * must pass or skip as their names say.
 */
#include <signal.h>
#include "iou.h"

KSFT_HARNESS_NO_IOURING_CHECK

TEST(pass_value_comparisons)
{
	unsigned int u = 0xffffffffu;
	long long big = 1LL << 40;
	int neg = -1;
	void *p = NULL;

	ASSERT_NE(-1, u);		/* -1 is not 4294967295 */
	ASSERT_EQ(4294967295LL, u);
	ASSERT_LT(neg, u);
	ASSERT_GT(u, neg);
	ASSERT_LE(0, u);
	ASSERT_GE(big, u);
	ASSERT_NULL(p);
	ASSERT_TRUE(1);
	ASSERT_FALSE(0);
	ASSERT_STREQ("abc", "abc");
	ASSERT_STRNE("abc", "abd");
	ASSERT_EQ((unsigned char)255, 255);
	ASSERT_EQ((signed char)-1, -1);
}

TEST(fail_expect_continues)
{
	EXPECT_EQ(1, 2);
	TH_LOG("marker: after-failed-expect");
}

TEST(fail_assert_stops)
{
	ASSERT_EQ(1, 2) TH_LOG("marker: handler-runs");
	TH_LOG("marker: never-printed");
}

TEST(fail_signed_unsigned_mismatch)
{
	unsigned int u = 0xffffffffu;

	ASSERT_EQ(-1, u);
}

TEST(fail_segfault)
{
	raise(SIGSEGV);
}

TEST(fail_stray_exit_code)
{
	_exit(7);
}

TEST_SIGNAL(pass_expected_signal, SIGUSR1)
{
	raise(SIGUSR1);
}

TEST_SIGNAL(fail_expected_signal_missing, SIGUSR1)
{
}

TEST(skip_with_reason)
{
	SKIP(return, "marker skip reason");
	TH_LOG("marker: never-printed");
}

TEST(skip_requirement_missing)
{
	REQUIRE_OPCODE(250);
}

TEST(fail_skip_after_failed_check)
{
	EXPECT_EQ(1, 2);
	SKIP(return, "marker late skip");
}

TEST(fail_exit_status_of_xfail)
{
	_exit(KSFT_XFAIL);
}

TEST(fail_exit_zero_bypassing_the_harness)
{
	ASSERT_EQ(1, 1);
	_exit(0);
}

TEST(pass_without_checks)
{
}

TEST(fail_requirement_broken)
{
	IOU_REQUIRE(iou_have_by_result(-EBADF, 0, 0, "marker feature", __why, sizeof(__why)));
	TH_LOG("marker: never-printed");
}

TEST(skip_requirement_unknown)
{
	IOU_REQUIRE(iou_have_by_result(-EINVAL, 0, 0, "marker feature", __why, sizeof(__why)));
	TH_LOG("marker: never-printed");
}

FIXTURE(fx) {
	int value;
};

FIXTURE_VARIANT(fx) {
	int value;
	bool fail;
};

FIXTURE_VARIANT_ADD(fx, ten) { .value = 10 };
FIXTURE_VARIANT_ADD(fx, twenty) { .value = 20, .fail = true };

FIXTURE_SETUP(fx)
{
	self->value = variant->value;
}

FIXTURE_TEARDOWN(fx)
{
	TH_LOG("marker: teardown value=%d", self->value);
}

TEST_F(fx, variant_reaches_setup)
{
	ASSERT_EQ(variant->value, self->value);
	/* twenty fails here, and its teardown must still run */
	ASSERT_FALSE(variant->fail);
}

FIXTURE(skipsetup) {
	int unused;
};

FIXTURE_SETUP(skipsetup)
{
	SKIP(return, "marker setup skip");
}

FIXTURE_TEARDOWN(skipsetup)
{
	TH_LOG("marker: never-printed");
}

TEST_F(skipsetup, body_not_run)
{
	TH_LOG("marker: never-printed");
}

FIXTURE(hang) {
	int unused;
};

FIXTURE_SETUP(hang)
{
}

FIXTURE_TEARDOWN(hang)
{
}

TEST_F_TIMEOUT(hang, fail_timeout, 1)
{
	pause();
}

TEST_HARNESS_MAIN
