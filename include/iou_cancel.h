/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cancellation tests (tests/cancel/): reaping the CQEs of a cancel and its
 * targets without waiting the full bound for targets that will not come.
 */
#ifndef IOU_CANCEL_H
#define IOU_CANCEL_H

#include "iou.h"

/*
 * Submit what is queued and reap up to nr CQEs, one of them the cancel
 * request's (user_data cancel_ud, cancel_flags flags).  Once the cancel
 * reports that it cancelled nothing (res < 0, or 0 with CANCEL_ALL),
 * no target will complete because of it: the rest are waited for only a
 * quiet window (IOU_QUIET_MS), so that a case the kernel fails ends at once
 * instead of after IOU_WAIT_MS.  The number reaped, or -errno.
 */
static inline int iou_submit_reap_cancel(struct iou_ring *r, struct iou_cqe *out,
					 unsigned int nr, __u64 cancel_ud,
					 unsigned int flags)
{
	unsigned int wait = IOU_WAIT_MS;
	int got = 0, ret = iou_submit(r);

	if (ret < 0)
		return ret;
	while ((unsigned int)got < nr) {
		if (iou_reap(r, &out[got], 1, wait) != 1)
			break;
		if (out[got].user_data == cancel_ud &&
		    (out[got].res < 0 ||
		     (out[got].res == 0 && (flags & IORING_ASYNC_CANCEL_ALL))))
			wait = IOU_QUIET_MS;
		got++;
	}
	return got;
}

#endif /* IOU_CANCEL_H */
