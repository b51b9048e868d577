// SPDX-License-Identifier: GPL-2.0
/*
 * A registered eventfd counts CQE postings: once a CQE has been posted the
 * eventfd is readable, and nothing signals it when nothing was posted
 * (registering, waiting, reaping, arming a request that does not complete).
 * Each flush of completions adds 1 to the counter, not one per CQE, on top
 * of whatever the counter held; a semaphore eventfd hands the signals out
 * one by one, and a saturated counter neither blocks nor fails completions.
 *
 * Which flushes count differs by version (see include/iou_eventfd.h): the
 * invariants above hold everywhere; the exact rule of 6.0+, where a flush
 * signals iff the CQ tail moved and one io_uring_enter() batch of inline
 * completions is one flush, is asserted only where the SINGLE_ISSUER probe
 * says the kernel is 6.0+.  Older kernels capped an inline batch at 32
 * completions per flush (5.15) and could signal CQE_SKIP_SUCCESS flushes
 * that posted nothing (5.17-5.19).
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"
#include "iou_eventfd.h"

FIXTURE(signal_count) {
	struct iou_ring r;
	int efd;
};

FIXTURE_SETUP(signal_count)
{
	self->r.fd = -1;
	self->efd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 64, 0));
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
}

FIXTURE_TEARDOWN(signal_count)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
}

TEST_F(signal_count, posted_cqe_makes_eventfd_readable)
{
	struct iou_cqe cqe;

	ASSERT_EQ(0, iou_evfd_take(self->efd));
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x11, 0));
	/* an inline completion is flushed, and signalled, before enter returns */
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x11, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(0, iou_evfd_take(self->efd));
}

TEST_F(signal_count, pending_request_signals_only_when_it_completes)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	int pfd[2];

	ASSERT_SYSOK(pipe2(pfd, O_CLOEXEC | O_NONBLOCK));
	/* registration alone signals nothing */
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, pfd[0], POLLIN);
	sqe->user_data = 0x22;
	ASSERT_EQ(1, iou_submit(&self->r));
	/* an armed request posts nothing, so nothing is signalled */
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	ASSERT_EQ(0, iou_cq_ready(&self->r));

	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x22, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/* the task-work completion signals once it posts */
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	close(pfd[0]);
	close(pfd[1]);
}

TEST_F(signal_count, registration_does_not_signal_earlier_cqes)
{
	struct iou_cqe cqe[4];

	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	for (unsigned int i = 0; i < 3; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x30 + i);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_EQ(3, iou_cq_ready(&self->r));
	/* three CQEs wait in the ring: registering does not announce them */
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x33, 0));
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	ASSERT_EQ(4, iou_reap(&self->r, cqe, 4, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ(0x30 + i, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
	}
}

TEST_F(signal_count, reaping_and_waiting_do_not_signal)
{
	struct io_uring_cqe *c;

	for (unsigned int i = 0; i < 4; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x40 + i);
	ASSERT_EQ(4, iou_submit(&self->r));
	ASSERT_LE(1, iou_evfd_take(self->efd));
	/* waits satisfied by CQEs already posted post nothing new */
	ASSERT_RES(0, iou_enter(&self->r, 0, 4, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_EQ(0, iou_evfd_take(self->efd));
	/* neither does consuming them */
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ(0, iou_peek_cqe(&self->r, &c));
		ASSERT_EQ(0x40 + i, c->user_data);
		ASSERT_RES(0, c->res);
		ASSERT_EQ(0, c->flags);
		iou_cqe_seen(&self->r, c);
	}
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
}

TEST_F(signal_count, inline_batch_is_signalled_per_flush_not_per_cqe)
{
	struct iou_cqe cqe[64];
	long long n;

	for (unsigned int i = 0; i < 64; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x100 + i);
	ASSERT_EQ(64, iou_submit(&self->r));
	n = iou_evfd_take(self->efd);
	if (iou_evfd_tail_rule()) {
		/* 6.0+: one flush for the whole submission */
		ASSERT_EQ(1, n);
	} else {
		/* 5.15: one flush per 32 inline completions */
		ASSERT_LE(1, n);
		ASSERT_GE(64, n);
	}
	ASSERT_EQ(64, iou_reap(&self->r, cqe, 64, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 64; i++) {
		ASSERT_EQ(0x100 + i, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
	}
}

TEST_F(signal_count, separate_submissions_signal_separately)
{
	struct iou_cqe cqe[8];

	/* eight flushes, none reaped in between: eight signals, on every version */
	for (unsigned int i = 0; i < 8; i++) {
		ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x50 + i, 0));
	}
	ASSERT_EQ(8, iou_evfd_take(self->efd));
	ASSERT_EQ(8, iou_reap(&self->r, cqe, 8, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 8; i++)
		ASSERT_CQE_AT(cqe, i, 0x50 + i, 0, 0);
}

TEST_F(signal_count, failed_requests_signal_like_successful_ones)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	char buf[8];
	int closed = iou_evfd_create(0);

	ASSERT_LE(0, closed);
	ASSERT_SYSOK(close(closed));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, closed, buf, sizeof(buf), 0);
	sqe->user_data = 0x60;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x60, cqe.user_data);
	ASSERT_RES(-EBADF, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(1, iou_evfd_take(self->efd));

	/* a request the kernel rejects at prep time completes with a CQE too */
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 0x61);
	sqe->opcode = 0xff;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x61, cqe.user_data);
	ASSERT_RES(-EINVAL, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(1, iou_evfd_take(self->efd));
}

TEST_F(signal_count, signal_adds_to_counter_written_by_userspace)
{
	struct iou_cqe cqe;

	ASSERT_EQ(0, iou_evfd_add(self->efd, 5));
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x70, 0));
	ASSERT_EQ(6, iou_evfd_take(self->efd));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 0x70, 0, 0);
}

TEST(semaphore_eventfd_hands_out_one_signal_per_read)
{
	struct iou_ring r;
	struct iou_cqe cqe[3];
	uint64_t v;
	int efd = iou_evfd_create(EFD_SEMAPHORE);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, iou_ring_init(&r, 8, 0));
	ASSERT_RES(0, iou_evfd_register(&r, efd, false));
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(1, iou_evfd_submit_nop(&r, 0x80 + i, 0));
	}
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(8, read(efd, &v, sizeof(v)));
		ASSERT_EQ(1, v);
	}
	ASSERT_SYSERR(EAGAIN, read(efd, &v, sizeof(v)));
	ASSERT_EQ(3, iou_reap(&r, cqe, 3, IOU_WAIT_MS));
	iou_ring_exit(&r);
	close(efd);
}

TEST_F(signal_count, saturated_counter_neither_blocks_nor_fails_completions)
{
	struct iou_cqe cqe[2];
	uint64_t v;

	/* the largest value write(2) accepts */
	ASSERT_EQ(0, iou_evfd_add(self->efd, 0xfffffffffffffffeULL));
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x90, 0));
	/* the signal saturates the counter instead of blocking the kernel */
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x91, 0));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_EQ(0x90, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(0, cqe[0].flags);
	ASSERT_EQ(0x91, cqe[1].user_data);
	ASSERT_RES(0, cqe[1].res);
	ASSERT_EQ(0, cqe[1].flags);
	ASSERT_EQ(8, read(self->efd, &v, sizeof(v)));
	ASSERT_EQ(0xffffffffffffffffULL, v);
	/* and counting starts over once read */
	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0x92, 0));
	ASSERT_EQ(1, iou_evfd_take(self->efd));
}

TEST_F(signal_count, skipped_cqe_signals_nothing)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	char buf[8];
	int closed;

	REQUIRE_FEATURE(IORING_FEAT_CQE_SKIP);
	if (!iou_evfd_tail_rule())
		SKIP(return, "kernel predates the 6.0 eventfd tail rule (no IORING_SETUP_SINGLE_ISSUER): flushes that post nothing may signal");

	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 0xa0, IOSQE_CQE_SKIP_SUCCESS));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));

	/* a failure is posted despite CQE_SKIP_SUCCESS, and signalled */
	closed = iou_evfd_create(0);
	ASSERT_LE(0, closed);
	ASSERT_SYSOK(close(closed));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, closed, buf, sizeof(buf), 0);
	sqe->user_data = 0xa1;
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0xa1, cqe.user_data);
	ASSERT_RES(-EBADF, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(1, iou_evfd_take(self->efd));
}

TEST_F(signal_count, linked_chain_signals_no_more_than_it_posts)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];
	long long n;

	for (unsigned int i = 0; i < 3; i++) {
		sqe = iou_get_sqe(&self->r);
		iou_prep_nop(sqe, 0xb0 + i);
		if (i < 2)
			sqe->flags = IOSQE_IO_LINK;
	}
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_EQ(3, iou_reap(&self->r, cqe, 3, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(0xb0 + i, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
	}
	/*
	 * Each link member is issued from task work after its predecessor
	 * completed, so the chain takes one to three flushes depending on how
	 * task work is batched (6.18 runs three): never zero, and never more
	 * signals than CQEs.
	 */
	n = iou_evfd_take(self->efd);
	ASSERT_LE(1, n);
	ASSERT_GE(3, n);
}

TEST_HARNESS_MAIN
