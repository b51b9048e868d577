/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture the enter area's GETEVENTS tests share: FIXTURE(wait), a
 * 4-entry ring (8 CQEs) in one of the ways a task waits on it - plain,
 * DEFER_TASKRUN (the shared modes of iou_modes.h: there the waiting task
 * posts the completions itself) and entered through a registered ring
 * index (IORING_ENTER_REGISTERED_RING) - each proving itself in the setup;
 * and completions that come later: POLL_ADD on a timerfd, which unlike a
 * TIMEOUT request does not end a wait by itself.
 */
#ifndef IOU_ENTER_WAIT_H
#define IOU_ENTER_WAIT_H

#include "iou.h"

FIXTURE(wait) {
	struct iou_ring r;
	int tfd[4];
	unsigned int ntfd;
};

FIXTURE_VARIANT(wait) {
	unsigned int setup_flags;
	bool registered;
};

#define IOU_MODES_FIXTURE wait
#define IOU_MODES_NO_SQPOLL
#include "iou_modes.h"

FIXTURE_VARIANT_ADD(wait, registered_index) { .registered = true };

FIXTURE_SETUP(wait)
{
	struct io_uring_params p;
	struct iou_ring_opts o = { .register_ring_fd = true };

	if (!variant->registered) {
		IOU_RING_INIT_MODE(&self->r, 4, variant->setup_flags);
	} else {
		REQUIRE_REGISTER_OP(IORING_REGISTER_RING_FDS);
		memset(&p, 0, sizeof(p));
		ASSERT_EQ(0, iou_ring_init_opts(&self->r, 4, &p, &o));
		ASSERT_RING_INDEX_USED(&self->r);
	}
	ASSERT_EQ(8, self->r.cq_entries);
}

FIXTURE_TEARDOWN(wait)
{
	iou_ring_exit(&self->r);
	for (unsigned int i = 0; i < self->ntfd; i++)
		close(self->tfd[i]);
}

/* queue (not submit) a POLL_ADD, user_data ud, that completes ms from now */
static inline int iou_wait_queue_delayed(FIXTURE_DATA(wait) *self, unsigned int ms,
					 __u64 ud)
{
	int fd = iou_timerfd_ms(ms);

	if (fd < 0)
		return fd;
	self->tfd[self->ntfd++] = fd;
	iou_queue_poll(&self->r, fd, ud);
	return 0;
}

#endif /* IOU_ENTER_WAIT_H */
