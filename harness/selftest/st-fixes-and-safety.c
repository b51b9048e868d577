// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a program's declared fixes are printed before the
 * plan, an unsafe program is skipped under IOU_SAFE_ONLY, and the cases'
 * pids are logged to IOU_PID_LOG.
 */
#include "iou.h"

KSFT_HARNESS_NO_IOURING_CHECK

IOU_REQUIRES(.fixes = IOU_FIXES(
		IOU_FIX("0123456789ab", "CVE-2099-0001", "global.first",
			"io_uring: marker subject one"),
		IOU_FIX("", "", "", "io_uring: marker stable-only subject")),
	     .unsafe = "marker unsafe reason");

TEST(first) { ASSERT_EQ(0, 0); TH_LOG("marker: first ran"); }
TEST(second) { ASSERT_EQ(0, 0); }

TEST_HARNESS_MAIN
