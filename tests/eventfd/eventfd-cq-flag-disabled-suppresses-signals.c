// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_CQ_EVENTFD_DISABLED, set by the application in the CQ ring's
 * flags word, suppresses eventfd signals for every kind of completion
 * (inline, io-wq, DEFER_TASKRUN task-work queueing) and registration;
 * clearing it restores them from the next posting on, without replaying
 * what was posted while it was set.  The kernel only reads that word: it
 * neither clears the bit nor touches, nor acts on, the bits no flag is
 * defined for, so an application setting those changes nothing.
 *
 * Upstream io_eventfd_signal() tests the bit with READ_ONCE() on every
 * signal, before anything else (5.8+, when the flag and cq_off.flags
 * came); a ring without the flags word SKIPs.
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"
#include "iou_eventfd.h"

FIXTURE(disabled) {
	struct iou_ring r;
	int efd;
};

FIXTURE_VARIANT(disabled) {
	bool async;		/* EVENTFD_ASYNC registration */
};

FIXTURE_VARIANT_ADD(disabled, eventfd) { .async = false };
FIXTURE_VARIANT_ADD(disabled, eventfd_async) { .async = true };

FIXTURE_SETUP(disabled)
{
	self->r.fd = -1;
	self->efd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	if (!iou_evfd_has_cq_flags(&self->r))
		SKIP(return, "kernel lacks the CQ ring flags word (IORING_CQ_EVENTFD_DISABLED, 5.8)");
	/* nothing is set until the application sets it */
	ASSERT_EQ(0, *self->r.cq_kflags);
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
}

FIXTURE_TEARDOWN(disabled)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
}

/* A completion that signals this variant's registration when enabled. */
static void complete_one(struct __test_metadata *_metadata,
			 struct iou_ring *r, bool iowq, __u64 ud)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, iou_evfd_submit_nop(r, ud, iowq ? IOSQE_ASYNC : 0));
	ASSERT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(disabled, disabled_flag_suppresses_signals)
{
	iou_evfd_set_disabled(&self->r, true);
	complete_one(_metadata, &self->r, variant->async, 1);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	/* io-wq completions are suppressed for either registration */
	complete_one(_metadata, &self->r, true, 2);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	/* the kernel did not clear the application's bit */
	ASSERT_EQ(IORING_CQ_EVENTFD_DISABLED, *self->r.cq_kflags);
}

/*
 * io-wq signals (and reads the flag) just after publishing its CQE, so a
 * flag change is made only after the previous posting's signal decision
 * has had time to happen: a wait for the signal when enabled, the quiet
 * window when disabled.
 */

TEST_F(disabled, clearing_the_flag_restores_signals)
{
	iou_evfd_set_disabled(&self->r, true);
	complete_one(_metadata, &self->r, variant->async, 1);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	iou_evfd_set_disabled(&self->r, false);
	complete_one(_metadata, &self->r, variant->async, 2);
	ASSERT_EQ(1, iou_evfd_collect(self->efd, 1, IOU_WAIT_MS));
}

TEST_F(disabled, completions_made_while_disabled_are_not_replayed)
{
	iou_evfd_set_disabled(&self->r, true);
	for (unsigned int i = 0; i < 3; i++)
		complete_one(_metadata, &self->r, variant->async, 0x10 + i);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	iou_evfd_set_disabled(&self->r, false);
	/* re-enabling, or entering the kernel, posts nothing and signals nothing */
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	/* the next posting is signalled once, not four times */
	complete_one(_metadata, &self->r, variant->async, 0x13);
	ASSERT_EQ(1, iou_evfd_collect(self->efd, 1, IOU_WAIT_MS));
}

TEST_F(disabled, flag_is_read_at_every_posting)
{
	/* on, off, on, off: a signal for each "on" posting only */
	for (unsigned int i = 0; i < 4; i++) {
		bool disabled = i & 1;

		iou_evfd_set_disabled(&self->r, disabled);
		complete_one(_metadata, &self->r, variant->async, 0x20 + i);
		ASSERT_EQ(disabled ? 0 : 1,
			  iou_evfd_collect(self->efd, disabled ? 0 : 1, IOU_WAIT_MS));
	}
}

TEST_F(disabled, undefined_cq_flags_are_ignored_and_left_alone)
{
	unsigned int others = ~(unsigned int)IORING_CQ_EVENTFD_DISABLED;

	iou_store_release(self->r.cq_kflags, others);
	complete_one(_metadata, &self->r, variant->async, 0x30);
	ASSERT_EQ(1, iou_evfd_collect(self->efd, 1, IOU_WAIT_MS));
	ASSERT_EQ(others, *self->r.cq_kflags);

	/* with every bit set, the defined one still rules */
	iou_store_release(self->r.cq_kflags, 0xffffffffu);
	complete_one(_metadata, &self->r, variant->async, 0x31);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	ASSERT_EQ(0xffffffffu, *self->r.cq_kflags);
}

TEST_F(disabled, flag_set_before_registration_applies_to_it)
{
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	iou_evfd_set_disabled(&self->r, true);
	/* harmless with no eventfd registered */
	complete_one(_metadata, &self->r, variant->async, 0x40);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	complete_one(_metadata, &self->r, variant->async, 0x41);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	iou_evfd_set_disabled(&self->r, false);
	complete_one(_metadata, &self->r, variant->async, 0x42);
	ASSERT_EQ(1, iou_evfd_collect(self->efd, 1, IOU_WAIT_MS));
}

TEST(disabled_flag_suppresses_deferred_task_work_signal)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	struct iou_cqe cqe;
	int efd, pfd[2];

	IOU_RING_INIT_MODE(&r, 8, IOU_MODE_DEFER_TASKRUN);
	efd = iou_evfd_create(0);
	ASSERT_LE(0, efd);
	ASSERT_RES(0, iou_evfd_register(&r, efd, false));
	ASSERT_SYSOK(pipe2(pfd, O_CLOEXEC | O_NONBLOCK));

	iou_evfd_set_disabled(&r, true);
	sqe = iou_get_sqe(&r);
	iou_prep_poll_add(sqe, pfd[0], POLLIN);
	sqe->user_data = 0x50;
	ASSERT_EQ(1, iou_submit(&r));
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	/* queueing the deferred completion signals nothing while disabled */
	ASSERT_EQ(0, iou_evfd_collect(efd, 0, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_cq_ready(&r));
	/* neither does running it */
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x50, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(0, iou_evfd_collect(efd, 0, IOU_WAIT_MS));

	iou_ring_exit(&r);
	close(efd);
	close(pfd[0]);
	close(pfd[1]);
}

TEST_HARNESS_MAIN
