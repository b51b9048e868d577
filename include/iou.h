/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test program includes: the harness, the io_uring ABI, the ring
 * library, and the suite's helpers and requirements.
 */
#ifndef IOU_H
#define IOU_H

#include "iou_kselftest_harness.h"
#include "iou_abi.h"
#include "iou_ring.h"
#include "iou_prep.h"
#include "iou_harness.h"
#include "iou_checks.h"

#endif /* IOU_H */
