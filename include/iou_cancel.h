/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cancellation tests (tests/cancel/): reaping the CQEs of a cancel and its
 * targets without waiting the full bound for targets that will not come;
 * and the fixture the cancel programs share (below).
 */
#ifndef IOU_CANCEL_H
#define IOU_CANCEL_H

#include "iou.h"
#include "iou_iowq_busy.h"

/* the user_data of the cancel requests the cancel programs submit */
#define IOU_CANCEL_UD		0xcc

/*
 * Submit the queued cancel (user_data IOU_CANCEL_UD): the next CQE is
 * its, with res and no flags; the targets' CQEs, if any, come later.
 */
#define ASSERT_NEXT_CQE_IS_CANCEL(r, res_) do {				\
	struct iou_cqe __c;						\
	ASSERT_EQ(1, iou_submit_reap_cancel((r), &__c, 1, IOU_CANCEL_UD, 0)); \
	ASSERT_CQE_AT(&__c, 0, IOU_CANCEL_UD, (res_), 0);		\
	} while (0)

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

/*
 * FIXTURE(ring), shared by the cancel programs: a 32-entry ring and two
 * pipes whose empty read ends keep reads and polls pending (a, b), a
 * far-off timespec for timeouts that must not fire, and a busy region
 * (iou_iowq_busy.h) a case may map, unmapped at teardown.  The program
 * names what it requires as a statement before including the header:
 *
 *	#define IOU_CANCEL_RING_REQUIRES REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_OP)
 *	#include "iou_cancel.h"
 */
#ifdef IOU_CANCEL_RING_REQUIRES
FIXTURE(ring) {
	struct iou_ring r;
	int a[2], b[2];
	char buf[8];
	struct __kernel_timespec far;
	void *busy;
};

FIXTURE_SETUP(ring)
{
	IOU_CANCEL_RING_REQUIRES;
	ASSERT_EQ(0, iou_ring_init(&self->r, 32, 0));
	ASSERT_EQ(0, pipe(self->a));
	ASSERT_EQ(0, pipe(self->b));
	self->far = iou_ts_ms(10000);
}

FIXTURE_TEARDOWN(ring)
{
	close(self->a[0]);
	close(self->a[1]);
	close(self->b[0]);
	close(self->b[1]);
	/* ring exit waits for a running madvise, then the region can go */
	iou_ring_exit(&self->r);
	if (self->busy)
		munmap(self->busy, IOU_BUSY_LEN);
}
#undef IOU_CANCEL_RING_REQUIRES
#endif
