// SPDX-License-Identifier: GPL-2.0
/*
 * A chain member that fails at submission (an SQE the kernel refuses
 * before running anything: an unknown SQE flag, an unknown opcode,
 * IOSQE_BUFFER_SELECT on a NOP, an unregistered personality) fails the
 * whole chain, hardlinked or not: no member runs, not even those before
 * it.  The head completes first with -ECANCELED, then the other members
 * in chain order, the bad one with its own error and the rest with
 * -ECANCELED.  The kernel still consumes the whole chain.  Submission
 * goes on after a chain whose bad member was in the middle, but stops
 * after one whose bad member was last, as after a bad lone SQE: enter
 * returns the count up to it and the SQEs behind it stay queued; with
 * IORING_SETUP_SUBMIT_ALL it goes on.
 *
 * Doc discrepancy: io_uring_enter(2) says a hard link "will still sever
 * if we fail submitting the parent request"; the kernel fails the whole
 * chain, members before the bad one included, whichever member it is.
 *
 * Kernels before the rework of submission failure handling (between 5.10
 * and 5.17) stopped submitting at the bad SQE even in the middle of a
 * chain and completed the members before it on the spot.  No feature
 * flag marks the change, so these cases require IORING_FEAT_CQE_SKIP
 * (5.17), the first feature flag after it.
 */
#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_CQE_SKIP);

enum bad_kind { BAD_FLAG, BAD_OPCODE, BAD_BUFSEL, BAD_PERSONALITY };

FIXTURE(invalid_member) {
	struct iou_ring r;
	int fd;
};

FIXTURE_VARIANT(invalid_member) {
	enum bad_kind kind;
	int res;
};

FIXTURE_VARIANT_ADD(invalid_member, unknown_sqe_flag) { .kind = BAD_FLAG, .res = -EINVAL };
FIXTURE_VARIANT_ADD(invalid_member, unknown_opcode) { .kind = BAD_OPCODE, .res = -EINVAL };
FIXTURE_VARIANT_ADD(invalid_member, buffer_select_on_nop) { .kind = BAD_BUFSEL, .res = -EOPNOTSUPP };
FIXTURE_VARIANT_ADD(invalid_member, unregistered_personality) {
	.kind = BAD_PERSONALITY, .res = -EINVAL };

FIXTURE_SETUP(invalid_member)
{
	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->fd = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(invalid_member)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static void queue_bad(struct iou_ring *r, const FIXTURE_VARIANT(invalid_member) *variant,
		      __u64 ud, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, ud);
	sqe->flags = (__u8)flags;
	switch (variant->kind) {
	case BAD_FLAG:
		sqe->flags |= 0x80;	/* above IOSQE_CQE_SKIP_SUCCESS */
		break;
	case BAD_OPCODE:
		sqe->opcode = 0xff;
		break;
	case BAD_BUFSEL:
		sqe->flags |= IOSQE_BUFFER_SELECT;
		break;
	case BAD_PERSONALITY:
		sqe->personality = 0xffff;
		break;
	}
}

static int enter_all(struct iou_ring *r)
{
	return iou_enter(r, iou_sq_flush(r), 0, 0, NULL, 0);
}

TEST_F(invalid_member, bad_head_fails_the_chain)
{
	queue_bad(&self->r, variant, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, enter_all(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, variant->res), IOU_CQE(2, -ECANCELED),
			IOU_CQE(3, -ECANCELED));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(invalid_member, bad_middle_member_keeps_earlier_members_from_running)
{
	char wbuf[64], now[64];
	struct io_uring_sqe *sqe;

	memset(wbuf, 'Z', sizeof(wbuf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, wbuf, sizeof(wbuf), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	queue_bad(&self->r, variant, 3, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, enter_all(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED), IOU_CQE(2, -ECANCELED),
			IOU_CQE(3, variant->res), IOU_CQE(4, -ECANCELED));
	ASSERT_EQ(64, pread(self->fd, now, sizeof(now), 0));
	ASSERT_TRUE(iou_check_pattern(now, sizeof(now), 0));
}

TEST_F(invalid_member, bad_last_member_fails_the_chain)
{
	iou_queue_nop(&self->r, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	queue_bad(&self->r, variant, 3, 0);
	ASSERT_EQ(3, enter_all(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED), IOU_CQE(2, -ECANCELED),
			IOU_CQE(3, variant->res));
}

TEST_F(invalid_member, hardlinked_chain_fails_as_a_whole)
{
	iou_queue_nop(&self->r, 1, IOSQE_IO_HARDLINK);
	queue_bad(&self->r, variant, 2, IOSQE_IO_HARDLINK);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, enter_all(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED), IOU_CQE(2, variant->res),
			IOU_CQE(3, -ECANCELED));
}

TEST_F(invalid_member, submission_goes_on_after_chain_with_bad_middle_member)
{
	unsigned int pos[4];

	iou_queue_nop(&self->r, 1, IOSQE_IO_LINK);
	queue_bad(&self->r, variant, 2, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 3, 0);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, enter_all(&self->r));
	ASSERT_EQ(4, *self->r.sq_khead);
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, -ECANCELED),
			   IOU_CQE(2, variant->res), IOU_CQE(3, -ECANCELED),
			   IOU_CQE(4, 0));
	ASSERT_LT(pos[0], pos[1]);
	ASSERT_LT(pos[1], pos[2]);
}

TEST_F(invalid_member, submission_stops_after_chain_with_bad_last_member)
{
	iou_queue_nop(&self->r, 1, IOSQE_IO_LINK);
	queue_bad(&self->r, variant, 2, 0);
	iou_queue_nop(&self->r, 3, 0);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(2, enter_all(&self->r));
	ASSERT_EQ(2, *self->r.sq_khead);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED), IOU_CQE(2, variant->res));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* the two NOPs behind the chain are still queued */
	ASSERT_EQ(2, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, 0), IOU_CQE(4, 0));
}

TEST_F(invalid_member, submission_stops_after_bad_lone_sqe)
{
	unsigned int pos[2];

	iou_queue_nop(&self->r, 1, 0);
	queue_bad(&self->r, variant, 2, 0);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(2, enter_all(&self->r));
	ASSERT_EQ(2, *self->r.sq_khead);
	/* two independent requests: no order between their CQEs */
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, 0), IOU_CQE(2, variant->res));
	ASSERT_EQ(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, 0));
}

TEST_F(invalid_member, submit_all_goes_on_after_chain_with_bad_last_member)
{
	unsigned int pos[3];
	struct iou_ring r;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SUBMIT_ALL);
	ASSERT_EQ(0, iou_ring_init(&r, 16, IORING_SETUP_SUBMIT_ALL));
	iou_queue_nop(&r, 1, IOSQE_IO_LINK);
	queue_bad(&r, variant, 2, 0);
	iou_queue_nop(&r, 3, 0);
	ASSERT_EQ(3, enter_all(&r));
	IOU_EXPECT_CQE_SET(&r, pos, IOU_CQE(1, -ECANCELED), IOU_CQE(2, variant->res),
			   IOU_CQE(3, 0));
	ASSERT_LT(pos[0], pos[1]);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
