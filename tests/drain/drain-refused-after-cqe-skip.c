// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_CQE_SKIP_SUCCESS and IOSQE_IO_DRAIN do not mix (5.17): once a
 * ring has seen an SQE with IOSQE_CQE_SKIP_SUCCESS, every later SQE with
 * IOSQE_IO_DRAIN is refused at submission with -EOPNOTSUPP, for the rest
 * of the ring's life, whatever became of the skipped request.  Both flags
 * on one SQE are refused the same way (and the refusal posts a CQE).
 * What counts is the order in which the kernel reads the SQEs: a drain
 * read before the first skip in the same batch still works.  A drained
 * chain member refused this way fails its chain.  Another ring is not
 * affected.
 *
 * io_uring_enter(2) calls using both flags on a ring undefined and says
 * drains "will be failed at submission time" without naming the error;
 * the kernel uses -EOPNOTSUPP.
 */
#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_CQE_SKIP);

#define S	IOSQE_CQE_SKIP_SUCCESS
#define D	IOSQE_IO_DRAIN
#define L	IOSQE_IO_LINK

FIXTURE(nodrain) {
	struct iou_ring r;
};

FIXTURE_SETUP(nodrain)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 32, 0));
}

FIXTURE_TEARDOWN(nodrain)
{
	iou_ring_exit(&self->r);
}

/* a skipped NOP that succeeds: no CQE, but the ring has now seen the flag */
static void use_skip(struct __test_metadata *_metadata, struct iou_ring *r)
{
	iou_queue_nop(r, 50, S);
	ASSERT_EQ(1, iou_submit(r));
	ASSERT_NO_CQE(r, IOU_QUIET_MS);
}

TEST_F(nodrain, drain_after_skip_is_refused)
{
	use_skip(_metadata, &self->r);
	iou_queue_nop(&self->r, 1, D);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EOPNOTSUPP));
}

TEST_F(nodrain, both_flags_on_one_sqe_are_refused)
{
	iou_queue_nop(&self->r, 1, S | D);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EOPNOTSUPP));
}

TEST_F(nodrain, drain_works_until_first_skip)
{
	iou_queue_nop(&self->r, 1, D);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	use_skip(_metadata, &self->r);
	iou_queue_nop(&self->r, 2, D);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, -EOPNOTSUPP));
}

TEST_F(nodrain, sqe_order_within_one_batch_decides)
{
	unsigned int pos[2];

	iou_queue_nop(&self->r, 1, D);
	iou_queue_nop(&self->r, 2, S);
	iou_queue_nop(&self->r, 3, D);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, 0), IOU_CQE(3, -EOPNOTSUPP));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(nodrain, failed_skipped_request_disables_drain_too)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_fail_enoent(sqe, 1);
	sqe->flags = S;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT));
	iou_queue_nop(&self->r, 2, D);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, -EOPNOTSUPP));
}

TEST_F(nodrain, drain_stays_refused_for_the_ring_lifetime)
{
	use_skip(_metadata, &self->r);
	for (int i = 0; i < 3; i++) {
		unsigned int pos[2];

		/* ordinary traffic in between changes nothing */
		iou_queue_nop(&self->r, 10 + i, 0);
		iou_queue_nop(&self->r, 20 + i, D);
		ASSERT_EQ(2, iou_submit(&self->r));
		IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(10 + i, 0),
				   IOU_CQE(20 + i, -EOPNOTSUPP));
	}
}

TEST_F(nodrain, drained_chain_member_refused_fails_the_chain)
{
	use_skip(_metadata, &self->r);
	iou_queue_nop(&self->r, 1, L);
	iou_queue_nop(&self->r, 2, D | L);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED), IOU_CQE(2, -EOPNOTSUPP),
			IOU_CQE(3, -ECANCELED));
}

TEST_F(nodrain, drained_chain_head_refused_fails_the_chain)
{
	use_skip(_metadata, &self->r);
	iou_queue_nop(&self->r, 1, D | L);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EOPNOTSUPP), IOU_CQE(2, -ECANCELED));
}

TEST_F(nodrain, other_ring_still_drains)
{
	struct iou_ring other;
	char buf[2];
	struct io_uring_sqe *sqe;
	int p[2];

	use_skip(_metadata, &self->r);
	ASSERT_EQ(0, iou_ring_init(&other, 8, 0));
	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	sqe = iou_get_sqe(&other);
	iou_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	iou_queue_nop(&other, 2, D);
	ASSERT_EQ(2, iou_submit(&other));
	ASSERT_NO_CQE(&other, IOU_QUIET_MS);
	ASSERT_EQ(2, write(p[1], "ok", 2));
	IOU_EXPECT_CQES(&other, IOU_CQE(1, 2), IOU_CQE(2, 0));
	iou_ring_exit(&other);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
