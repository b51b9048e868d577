// SPDX-License-Identifier: GPL-2.0
/*
 * A batch of NOPs completes inline, in submission order, each CQE carrying
 * its SQE's user_data, res 0 and no flags; io_uring_enter returns the
 * number submitted.  The order also holds from one io_uring_enter to the
 * next, and over many laps of both rings (their head and tail run past
 * the ring size and the slots are reused).
 */
#include <pthread.h>

#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
};

FIXTURE_VARIANT(ring) {
	unsigned int flags;
	unsigned int batch;
};

FIXTURE_VARIANT_ADD(ring, plain_one) { .flags = 0, .batch = 1 };
FIXTURE_VARIANT_ADD(ring, plain_full) { .flags = 0, .batch = 64 };
FIXTURE_VARIANT_ADD(ring, sqe128) { .flags = IORING_SETUP_SQE128, .batch = 64 };
FIXTURE_VARIANT_ADD(ring, cqe32) { .flags = IORING_SETUP_CQE32, .batch = 64 };
FIXTURE_VARIANT_ADD(ring, no_sqarray) { .flags = IORING_SETUP_NO_SQARRAY, .batch = 64 };
FIXTURE_VARIANT_ADD(ring, single_issuer) { .flags = IORING_SETUP_SINGLE_ISSUER, .batch = 64 };
FIXTURE_VARIANT_ADD(ring, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, .batch = 64 };

struct other_enter {
	struct iou_ring *r;
	int res;
};

static void *enter_from_another_task(void *arg)
{
	struct other_enter *o = arg;

	/* the SQ is empty: a refused submitter gets EEXIST, an accepted one 0 */
	o->res = iou_enter(o->r, 1, 0, 0, NULL, 0);
	return NULL;
}

/*
 * Each variant proves its flag: DEFER_TASKRUN by the shared proof; a
 * SINGLE_ISSUER ring refuses another task (EEXIST).  SQE128, CQE32 and
 * NO_SQARRAY prove themselves in every batch case: a kernel ignoring
 * them reads the SQEs (and their user_data) or writes the CQEs at other
 * places than the ones checked.
 */
FIXTURE_SETUP(ring)
{
	IOU_RING_INIT_MODE(&self->r, 64, variant->flags);
	if (variant->flags & IORING_SETUP_DEFER_TASKRUN) {
		/* proven by IOU_RING_INIT_MODE() */
	} else if (variant->flags & IORING_SETUP_SINGLE_ISSUER) {
		struct other_enter o = { .r = &self->r, .res = 1 };
		pthread_t t;

		ASSERT_EQ(0, pthread_create(&t, NULL, enter_from_another_task, &o));
		ASSERT_EQ(0, pthread_join(t, NULL));
		ASSERT_RES(-EEXIST, o.res);
	}
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

TEST_F(ring, completes_in_submission_order)
{
	struct iou_cqe cqe[64];

	for (unsigned int i = 0; i < variant->batch; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x1000 + i);
	ASSERT_EQ((int)variant->batch, iou_submit(&self->r));
	ASSERT_EQ((int)variant->batch, iou_reap(&self->r, cqe, variant->batch, IOU_WAIT_MS));
	for (unsigned int i = 0; i < variant->batch; i++) {
		ASSERT_EQ(0x1000 + i, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
	}
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(ring, submit_and_wait_returns_submitted_count)
{
	for (unsigned int i = 0; i < variant->batch; i++)
		iou_prep_nop(iou_get_sqe(&self->r), i);
	ASSERT_EQ((int)variant->batch, iou_submit_and_wait(&self->r, variant->batch));
	/* with min_complete == batch, every CQE is posted on return */
	ASSERT_EQ(variant->batch, iou_cq_ready(&self->r));
	ASSERT_EQ(variant->batch, *self->r.sq_khead);
}

TEST_F(ring, order_kept_across_separate_submissions)
{
	struct iou_cqe cqe[64];

	for (unsigned int i = 0; i < variant->batch; i++) {
		iou_prep_nop(iou_get_sqe(&self->r), 0x2000 + i);
		ASSERT_EQ(1, iou_submit(&self->r));
	}
	ASSERT_EQ((int)variant->batch, iou_reap(&self->r, cqe, variant->batch, IOU_WAIT_MS));
	for (unsigned int i = 0; i < variant->batch; i++)
		ASSERT_CQE_AT(cqe, i, 0x2000 + i, 0, 0);
}

/* at least three laps of the CQ ring, reaping after every batch */
TEST_F(ring, order_kept_over_many_laps)
{
	unsigned int rounds = 3 * self->r.cq_entries / variant->batch + 1;
	struct iou_cqe cqe[64];
	__u64 next = 0;

	for (unsigned int round = 0; round < rounds; round++) {
		for (unsigned int i = 0; i < variant->batch; i++)
			iou_prep_nop(iou_get_sqe(&self->r), next + i);
		ASSERT_EQ((int)variant->batch, iou_submit(&self->r));
		ASSERT_EQ((int)variant->batch,
			  iou_reap(&self->r, cqe, variant->batch, IOU_WAIT_MS));
		for (unsigned int i = 0; i < variant->batch; i++) {
			ASSERT_EQ(next + i, cqe[i].user_data);
			ASSERT_RES(0, cqe[i].res);
			ASSERT_EQ(0, cqe[i].flags);
		}
		next += variant->batch;
	}
	ASSERT_EQ(next, *self->r.sq_khead);
	ASSERT_EQ(next, *self->r.cq_ktail);
	ASSERT_EQ(next, *self->r.cq_khead);
}

TEST_HARNESS_MAIN
