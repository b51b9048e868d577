// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: requirements that cannot be met skip every case. */
#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_NOP, 250));

TEST(first) { TH_LOG("marker: never-printed"); }
TEST(second) { TH_LOG("marker: never-printed"); }

TEST_HARNESS_MAIN
