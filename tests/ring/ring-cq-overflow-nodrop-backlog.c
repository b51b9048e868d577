// SPDX-License-Identifier: GPL-2.0
/*
 * CQ overflow with IORING_FEAT_NODROP (5.5): a completion that finds the
 * CQ ring full is kept on an in-kernel backlog instead of being dropped.
 *  - nothing is lost and nothing is reordered: the backlog is flushed into
 *    the ring, oldest first, as the application frees slots and enters
 *    the kernel with IORING_ENTER_GETEVENTS (min_complete 0 is enough);
 *  - IORING_SQ_CQ_OVERFLOW is set in the SQ ring flags from the first
 *    overflowed CQE until the last one was flushed, and cleared then;
 *  - cq.overflow counts only CQEs really dropped, so it stays 0;
 *  - a GETEVENTS wait on a full ring with a backlog returns 0 at once;
 *    Doc discrepancy: io_uring_enter.2 says EBUSY when the backlog cannot
 *    be flushed completely; no kernel returns that from a wait;
 *  - completions made while the backlog is not empty queue behind it,
 *    even when the ring has room: they appear after every older CQE.
 *    Regression-test-for: aa1df3a360a0 ("io_uring: fix CQE reordering")
 *  - submitting while the backlog is not empty is allowed since 5.13;
 *    before, io_uring_enter refused with EBUSY (the kernels without
 *    IORING_FEAT_RSRC_TAGS, also new in 5.13, are held to that).
 * The CQ flags word belongs to the application (only its
 * IORING_CQ_EVENTFD_DISABLED bit means anything, tested in tests/eventfd):
 * overflowing and flushing leave whatever it holds as it is.
 * Each case runs on a plain, a DEFER_TASKRUN and a 32-byte-CQE ring (the
 * ring memory is filled with garbage first, so every byte of every CQE
 * is seen written).
 */
#include <sys/mman.h>

#include "iou.h"
#include "iou_versions.h"

IOU_REQUIRES(.features = IORING_FEAT_NODROP,
	     .fixes = IOU_FIXES(IOU_FIX("aa1df3a360a0", "", "",
			"io_uring: fix CQE reordering")));

#define CQ	4	/* CQ slots (CQSIZE), the SQ is as big */

FIXTURE(overflow) {
	struct iou_ring r;
	__u64 next;	/* next user_data to submit */
	__u64 seen;	/* next user_data to reap */
};

FIXTURE_VARIANT(overflow) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(overflow, plain) { .flags = 0 };
FIXTURE_VARIANT_ADD(overflow, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
FIXTURE_VARIANT_ADD(overflow, cqe32) { .flags = IORING_SETUP_CQE32 };

FIXTURE_SETUP(overflow)
{
	struct io_uring_params p;

	REQUIRE_SETUP_FLAGS(variant->flags);
	memset(&p, 0, sizeof(p));
	p.flags = variant->flags | IORING_SETUP_CQSIZE;
	p.cq_entries = CQ;
	ASSERT_EQ(0, iou_ring_init_params(&self->r, CQ, &p));
	ASSERT_MODE_PROVEN(&self->r);
	ASSERT_EQ(CQ, self->r.cq_entries);
	memset(self->r.cqes, 0xa5, (size_t)CQ * sizeof(struct io_uring_cqe) << self->r.cqe_shift);
	self->next = 0x1000;
	self->seen = 0x1000;
}

FIXTURE_TEARDOWN(overflow)
{
	iou_ring_exit(&self->r);
}

static unsigned int sq_flags(struct iou_ring *r)
{
	return iou_load_acquire(r->sq_kflags);
}

/* submit n NOPs (n <= CQ) numbered on from self->next */
static int submit_nops(FIXTURE_DATA(overflow) *self, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		iou_prep_nop(iou_get_sqe(&self->r), self->next++);
	return iou_submit(&self->r);
}

/* reap n CQEs from the ring without entering; each must be next in line */
static void reap_ring(struct __test_metadata *_metadata, FIXTURE_DATA(overflow) *self,
		      unsigned int n)
{
	ASSERT_LE(n, iou_cq_ready(&self->r));
	for (unsigned int i = 0; i < n; i++) {
		struct io_uring_cqe *c = iou_cqe_at(&self->r, *self->r.cq_khead);

		ASSERT_EQ(self->seen, c->user_data);
		ASSERT_RES(0, c->res);
		ASSERT_EQ(0, c->flags);
		if (self->r.cqe_shift) {
			ASSERT_EQ(0, c->big_cqe[0]);
			ASSERT_EQ(0, c->big_cqe[1]);
		}
		self->seen++;
		iou_cq_advance(&self->r, 1);
	}
}

static int flush(struct iou_ring *r)
{
	return iou_enter(r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
}

TEST_F(overflow, full_ring_sets_the_flag_and_keeps_the_rest)
{
	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_EQ(0, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
	/* the first CQE that does not fit */
	ASSERT_RES(1, submit_nops(self, 1));
	ASSERT_EQ(CQ, iou_cq_ready(&self->r));
	ASSERT_EQ(IORING_SQ_CQ_OVERFLOW, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
	ASSERT_EQ(0, *self->r.cq_koverflow);
	reap_ring(_metadata, self, CQ);
	ASSERT_RES(0, flush(&self->r));
	reap_ring(_metadata, self, 1);
	ASSERT_EQ(0, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

TEST_F(overflow, backlog_is_flushed_oldest_first_into_freed_slots)
{
	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_RES(2, submit_nops(self, 2));	/* backlog: 6 */
	/* free two slots: exactly two come in */
	reap_ring(_metadata, self, 2);
	ASSERT_EQ(CQ - 2, iou_cq_ready(&self->r));
	ASSERT_RES(0, flush(&self->r));
	ASSERT_EQ(CQ, iou_cq_ready(&self->r));
	ASSERT_EQ(IORING_SQ_CQ_OVERFLOW, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
	reap_ring(_metadata, self, CQ);		/* backlog: 4 */
	ASSERT_RES(0, flush(&self->r));
	/* the last ones fit: the flag goes with them */
	ASSERT_EQ(0, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
	reap_ring(_metadata, self, CQ);
	ASSERT_RES(0, flush(&self->r));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_EQ(self->next, self->seen);
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

TEST_F(overflow, nothing_is_lost_in_a_long_overflow)
{
	struct iou_cqe c[64];
	unsigned int n = 0;

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	for (unsigned int i = 0; i < 250; i++)
		ASSERT_RES(CQ, submit_nops(self, CQ));
	while (n < 1000) {
		int k = iou_reap(&self->r, c, 1000 - n < 64 ? 1000 - n : 64, IOU_WAIT_MS);

		ASSERT_LT(0, k);
		for (int i = 0; i < k; i++, self->seen++)
			ASSERT_CQE_AT(c, i, self->seen, 0, 0);
		n += (unsigned int)k;
	}
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_EQ(0, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

/* the kernel never writes the CQ flags word, whatever the application put there */
TEST_F(overflow, cq_flags_word_is_left_alone_by_overflow_and_flush)
{
	if (!self->r.cq_kflags)
		SKIP(return, "kernel lacks the CQ ring flags word (5.8)");
	ASSERT_EQ(0, *self->r.cq_kflags);
	iou_write_once(self->r.cq_kflags, 0xfffffffeU);
	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_RES(2, submit_nops(self, 2));
	ASSERT_EQ(0xfffffffeU, iou_read_once(self->r.cq_kflags));
	reap_ring(_metadata, self, CQ);
	iou_write_once(self->r.cq_kflags, ~0U);
	ASSERT_RES(0, flush(&self->r));
	reap_ring(_metadata, self, 2);
	ASSERT_EQ(~0U, iou_read_once(self->r.cq_kflags));
	ASSERT_EQ(0, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
}

TEST_F(overflow, wait_on_a_full_ring_with_backlog_returns_zero)
{
	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_RES(2, submit_nops(self, 2));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, 1, 0, IOU_WAIT_MS));
	ASSERT_RES(0, iou_wait_ext_ms(&self->r, 0, CQ, 0, IOU_WAIT_MS));
	ASSERT_EQ(CQ, iou_cq_ready(&self->r));
	ASSERT_EQ(IORING_SQ_CQ_OVERFLOW, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
}

/*
 * Kernels from before aa1df3a360a0 (6.1) may post the new CQE ahead of
 * the backlog; there only its arrival is checked.  No flag tells: the
 * release decides (iou_versions.h).
 */
#define cqes_keep_order()	iou_overflow_keeps_cqe_order()

TEST_F(overflow, submission_with_a_backlog)
{
	struct iou_cqe c[3];
	unsigned int head;

	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_RES(2, submit_nops(self, 2));	/* backlog: 2 */
	reap_ring(_metadata, self, CQ);		/* ring empty, backlog still 2 */
	head = iou_load_acquire(self->r.sq_khead);
	/* (before 5.13 the kernel first flushes the backlog, which fits) */
	ASSERT_RES(1, submit_nops(self, 1));
	ASSERT_EQ(head + 1, iou_load_acquire(self->r.sq_khead));
	if (cqes_keep_order()) {
		ASSERT_RES(0, flush(&self->r));
		/* the old backlog first, then the new CQE */
		reap_ring(_metadata, self, 3);
	} else {
		ASSERT_EQ(3, iou_reap(&self->r, c, 3, IOU_WAIT_MS));
		for (unsigned int want = 0; want < 3; want++) {
			int found = iou_cqe_count(c, 3, self->seen + want);

			ASSERT_EQ(1, found) TH_LOG("user_data %llu",
						   (unsigned long long)(self->seen + want));
		}
		self->seen += 3;
	}
	ASSERT_EQ(0, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
}

TEST_F(overflow, submission_while_backlog_cannot_be_flushed)
{
	unsigned int head;

	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_RES(2, submit_nops(self, 2));	/* full ring, backlog 2 */
	head = iou_load_acquire(self->r.sq_khead);
	iou_prep_nop(iou_get_sqe(&self->r), self->next);
	if (!(iou_features() & IORING_FEAT_RSRC_TAGS)) {
		ASSERT_RES(-EBUSY, iou_submit(&self->r));
		ASSERT_EQ(head, iou_load_acquire(self->r.sq_khead));
		return;
	}
	self->next++;
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_EQ(head + 1, iou_load_acquire(self->r.sq_khead));
	/* it waits behind the backlog */
	reap_ring(_metadata, self, CQ);
	ASSERT_RES(0, flush(&self->r));
	reap_ring(_metadata, self, 3);
	ASSERT_EQ(0, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
}

/*
 * A completion that happens while the backlog is not empty, with free
 * slots in the ring, must still come after the backlog.  The fix landed
 * in 6.1 together with IORING_SETUP_DEFER_TASKRUN, which marks kernels
 * that have it.
 */
TEST_F(overflow, completion_during_a_backlog_queues_behind_it)
{
	struct iou_cqe c[8];
	int tfd;

	if (!cqes_keep_order())
		SKIP(return, "kernel older than 6.1: CQEs were reordered before aa1df3a360a0");
	tfd = iou_timerfd_ms(100);
	ASSERT_LE(0, tfd);
	iou_queue_poll(&self->r, tfd, 0x7777);
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(CQ, submit_nops(self, CQ));
	ASSERT_RES(2, submit_nops(self, 1) + submit_nops(self, 1));
	/* (the timer fires 100 ms after it was armed, long after this) */
	/* empty the ring without entering: the backlog (2) stays */
	reap_ring(_metadata, self, CQ);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_EQ(IORING_SQ_CQ_OVERFLOW, sq_flags(&self->r) & IORING_SQ_CQ_OVERFLOW);
	ASSERT_EQ(3, iou_reap(&self->r, c, 3, IOU_WAIT_MS));
	ASSERT_CQE_AT(c, 0, self->seen, 0, 0);
	ASSERT_CQE_AT(c, 1, self->seen + 1, 0, 0);
	ASSERT_EQ(0x7777, c[2].user_data);
	ASSERT_EQ(POLLIN, c[2].res);
	ASSERT_EQ(0, c[2].flags);
	close(tfd);
}

TEST_HARNESS_MAIN
