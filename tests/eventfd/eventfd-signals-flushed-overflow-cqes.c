// SPDX-License-Identifier: GPL-2.0
/*
 * CQ overflow and the eventfd: CQEs that do not fit are parked on the
 * overflow list (IORING_SQ_CQ_OVERFLOW set) and moved into the CQ ring
 * when the application makes room and enters the kernel with GETEVENTS;
 * that flush posts them and signals the eventfd, in order and without
 * loss.  A batch that partly fits signals once.  On 6.0+ (tail rule, see
 * include/iou_eventfd.h) a batch whose CQEs all went to the overflow list
 * posted nothing to the ring and signals nothing; 5.x signalled such a
 * batch too, so there only "at least once, in the end" is asserted.  The
 * flush signals at least once and, on 6.0+, at most once per CQE moved:
 * it publishes the CQ tail, and signals, in pieces when it has to
 * reschedule half-way (seen under emulation on 6.1).
 */
#include "iou.h"
#include "iou_eventfd.h"

IOU_REQUIRES(.features = IORING_FEAT_NODROP);

FIXTURE(overflow) {
	struct iou_ring r;
	int efd;
};

FIXTURE_SETUP(overflow)
{
	struct io_uring_params p;

	self->r.fd = -1;
	self->efd = -1;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	ASSERT_EQ(0, iou_ring_init_params(&self->r, 4, &p));
	ASSERT_EQ(4, self->r.cq_entries);
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
}

FIXTURE_TEARDOWN(overflow)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
}

static void submit_nops(struct __test_metadata *_metadata, struct iou_ring *r,
			unsigned int nr, __u64 first_ud)
{
	for (unsigned int i = 0; i < nr; i++)
		iou_prep_nop(iou_get_sqe(r), first_ud + i);
	ASSERT_EQ((int)nr, iou_submit(r));
}

static void reap_in_order(struct __test_metadata *_metadata, struct iou_ring *r,
			  unsigned int nr, __u64 first_ud)
{
	struct io_uring_cqe *c;

	for (unsigned int i = 0; i < nr; i++) {
		ASSERT_EQ(0, iou_peek_cqe(r, &c));
		ASSERT_EQ(first_ud + i, c->user_data);
		ASSERT_RES(0, c->res);
		ASSERT_EQ(0, c->flags);
		iou_cqe_seen(r, c);
	}
	ASSERT_EQ(0, iou_cq_ready(r));
}

static bool overflowed(const struct iou_ring *r)
{
	return iou_load_acquire(r->sq_kflags) & IORING_SQ_CQ_OVERFLOW;
}

TEST_F(overflow, flushing_overflowed_cqes_signals)
{
	long long n;

	submit_nops(_metadata, &self->r, 4, 0x10);
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	ASSERT_FALSE(overflowed(&self->r));

	/* the ring is full: all four go to the overflow list */
	submit_nops(_metadata, &self->r, 4, 0x20);
	ASSERT_TRUE(overflowed(&self->r));
	ASSERT_EQ(4, iou_cq_ready(&self->r));
	n = iou_evfd_take(self->efd);
	if (iou_evfd_tail_rule()) {
		/* nothing reached the CQ ring, so nothing is signalled */
		ASSERT_EQ(0, n);
	} else {
		ASSERT_LE(0, n);
		ASSERT_GE(1, n);
	}

	/* making room signals nothing by itself ... */
	reap_in_order(_metadata, &self->r, 4, 0x10);
	ASSERT_EQ(0, iou_evfd_take(self->efd));
	/* ... the flush into the ring does */
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_FALSE(overflowed(&self->r));
	ASSERT_EQ(4, iou_cq_ready(&self->r));
	n = iou_evfd_take(self->efd);
	if (iou_evfd_tail_rule()) {
		/* one flush moved the tail once (io_eventfd_flush_signal) */
		ASSERT_EQ(1, n);
	} else {
		ASSERT_LE(1, n);
		ASSERT_GE(4, n);
	}
	reap_in_order(_metadata, &self->r, 4, 0x20);
	/* nothing left to flush, nothing to signal */
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
}

TEST_F(overflow, batch_that_partly_fits_signals_once)
{
	long long n;

	submit_nops(_metadata, &self->r, 2, 0x30);
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	/* two fit, two overflow: one flush that moved the tail */
	submit_nops(_metadata, &self->r, 4, 0x32);
	ASSERT_TRUE(overflowed(&self->r));
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	reap_in_order(_metadata, &self->r, 4, 0x30);
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_FALSE(overflowed(&self->r));
	n = iou_evfd_take(self->efd);
	if (iou_evfd_tail_rule()) {
		/* the GETEVENTS flush of the two parked CQEs: once */
		ASSERT_EQ(1, n);
	} else {
		ASSERT_LE(1, n);
		ASSERT_GE(2, n);
	}
	reap_in_order(_metadata, &self->r, 2, 0x34);
}

TEST_F(overflow, flush_that_still_overflows_keeps_the_rest_parked)
{
	struct io_uring_cqe *c;
	long long n;

	/*
	 * Nothing is submitted while CQEs are parked: 5.x refused that
	 * with EBUSY when the backlog could not be flushed.
	 */
	submit_nops(_metadata, &self->r, 4, 0x40);
	submit_nops(_metadata, &self->r, 4, 0x44);
	ASSERT_LE(1, iou_evfd_take(self->efd));
	ASSERT_TRUE(overflowed(&self->r));

	/* room for two of the four parked CQEs */
	for (unsigned int i = 0; i < 2; i++) {
		ASSERT_EQ(0, iou_peek_cqe(&self->r, &c));
		ASSERT_EQ(0x40 + i, c->user_data);
		ASSERT_RES(0, c->res);
		ASSERT_EQ(0, c->flags);
		iou_cqe_seen(&self->r, c);
	}
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_TRUE(overflowed(&self->r));
	ASSERT_EQ(4, iou_cq_ready(&self->r));
	n = iou_evfd_take(self->efd);
	ASSERT_LE(1, n);
	if (iou_evfd_tail_rule()) {
		ASSERT_GE(2, n);
	}
	/* the ring holds 0x42-0x45 now; 0x46 and 0x47 are still parked */
	reap_in_order(_metadata, &self->r, 4, 0x42);
	ASSERT_RES(0, iou_evfd_getevents(&self->r));
	ASSERT_FALSE(overflowed(&self->r));
	n = iou_evfd_take(self->efd);
	ASSERT_LE(1, n);
	if (iou_evfd_tail_rule()) {
		ASSERT_GE(2, n);
	}
	reap_in_order(_metadata, &self->r, 2, 0x46);
	/* nothing was dropped */
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

TEST_HARNESS_MAIN
