// SPDX-License-Identifier: GPL-2.0
/*
 * How much one io_uring_enter(2) submits:
 *  - the SQ holds sq_entries SQEs: a full SQ has no free slot until the
 *    kernel consumes, then all of them are free again;
 *  - a tail more than sq_entries ahead of the head (an application bug)
 *    is not followed past one ring: a call consumes at most sq_entries
 *    slots, and the next one reads the same slots again;
 *  - an SQE that fails before it is issued (here: an unknown IOSQE_ flag)
 *    is counted as submitted and posts its error CQE, but ends the
 *    submission: the SQEs after it stay queued and a GETEVENTS wait is
 *    skipped (only IORING_SETUP_SUBMIT_ALL, tested in tests/setup, goes
 *    on).
 */
#include "iou.h"

#define ENTRIES		4
#define BAD_FLAG	0x80	/* an IOSQE_ bit no kernel up to 6.18 knows */

FIXTURE(submit) {
	struct iou_ring r;
};

FIXTURE_SETUP(submit)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, ENTRIES, 0));
	ASSERT_EQ(ENTRIES, self->r.sq_entries);
}

FIXTURE_TEARDOWN(submit)
{
	iou_ring_exit(&self->r);
}

static struct io_uring_cqe *cqe_no(struct iou_ring *r, unsigned int i)
{
	return iou_cqe_at(r, *r->cq_khead + i);
}

TEST_F(submit, full_sq_has_no_slot_until_consumed)
{
	for (unsigned int i = 0; i < ENTRIES; i++)
		ASSERT_NE(NULL, iou_get_sqe(&self->r));
	ASSERT_NULL(iou_get_sqe(&self->r));
	ASSERT_EQ(0, iou_sq_space_left(&self->r));
	for (unsigned int i = 0; i < ENTRIES; i++)
		iou_prep_nop(&self->r.sqes[i], i);
	ASSERT_RES(ENTRIES, iou_submit(&self->r));
	ASSERT_EQ(ENTRIES, iou_sq_space_left(&self->r));
	ASSERT_NE(NULL, iou_get_sqe(&self->r));
	ASSERT_EQ(ENTRIES, iou_cq_ready(&self->r));
}

TEST_F(submit, tail_beyond_a_ring_is_consumed_one_ring_at_a_time)
{
	for (unsigned int i = 0; i < ENTRIES; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x10 + i);
	iou_sq_flush(&self->r);
	/* publish two more than the ring holds */
	iou_store_release(self->r.sq_ktail, ENTRIES + 2);
	ASSERT_RES(ENTRIES, iou_enter(&self->r, ENTRIES + 2, 0, 0, NULL, 0));
	ASSERT_EQ(ENTRIES, iou_load_acquire(self->r.sq_khead));
	ASSERT_RES(2, iou_enter(&self->r, ENTRIES + 2, 0, 0, NULL, 0));
	ASSERT_EQ(ENTRIES + 2, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(ENTRIES + 2, iou_cq_ready(&self->r));
	for (unsigned int i = 0; i < ENTRIES + 2; i++)
		ASSERT_EQ(0x10 + i % ENTRIES, cqe_no(&self->r, i)->user_data);
}

/* the CQE of user_data ud among the n ready ones, or NULL */
static struct io_uring_cqe *cqe_of(struct iou_ring *r, unsigned int n, __u64 ud)
{
	for (unsigned int i = 0; i < n; i++)
		if (cqe_no(r, i)->user_data == ud)
			return cqe_no(r, i);
	return NULL;
}

/*
 * (The error CQE and the NOP's may be posted in either order: 5.10 posts
 * the error at once and batches the NOP's.)
 */
TEST_F(submit, failing_sqe_ends_the_submission_and_counts_itself)
{
	struct io_uring_cqe *c;

	for (unsigned int i = 0; i < ENTRIES; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x20 + i);
	self->r.sqes[1].flags = BAD_FLAG;
	iou_sq_flush(&self->r);
	ASSERT_RES(2, iou_enter(&self->r, ENTRIES, 0, 0, NULL, 0));
	ASSERT_EQ(2, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(2, iou_cq_ready(&self->r));
	c = cqe_of(&self->r, 2, 0x20);
	ASSERT_NE(NULL, c);
	ASSERT_RES(0, c->res);
	c = cqe_of(&self->r, 2, 0x21);
	ASSERT_NE(NULL, c);
	ASSERT_RES(-EINVAL, c->res);
	ASSERT_EQ(0, c->flags);
	/* the rest is still queued and goes with the next call */
	ASSERT_RES(2, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	ASSERT_EQ(ENTRIES, iou_cq_ready(&self->r));
	ASSERT_EQ(0x22, cqe_no(&self->r, 2)->user_data);
	ASSERT_EQ(0x23, cqe_no(&self->r, 3)->user_data);
}

TEST_F(submit, failing_first_sqe_counts_one)
{
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	self->r.sqes[0].flags = BAD_FLAG;
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	ASSERT_EQ(1, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_RES(-EINVAL, cqe_no(&self->r, 0)->res);
}

/*
 * GETEVENTS with min_complete 2 would wait forever for the NOP that was
 * not submitted; a short submission returns without waiting.
 */
TEST_F(submit, failing_sqe_skips_the_getevents_wait)
{
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	self->r.sqes[0].flags = BAD_FLAG;
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 2, 2, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
}

TEST_HARNESS_MAIN
