// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_CQE_SKIP_SUCCESS in link chains (5.17).  A chain whose members
 * all succeed with the flag posts nothing; flagging all but the last
 * member leaves one CQE per chain.  A skipped head that succeeds does not
 * stop a later failure from posting.  When a member without the flag
 * fails, the cancelled members after it post -ECANCELED even if they
 * carry the flag; when a member *with* the flag fails, it posts its CQE
 * and the members it cancels post nothing, flag or not.  Under
 * IOSQE_IO_HARDLINK a skipped failure cancels nothing and the next member
 * posts as usual.  A chain failed at submission reports the bad member's
 * error when the head has no flag.  A linked timeout with the flag never
 * posts, whether it fires or is cancelled.
 */
#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_CQE_SKIP);

#define S	IOSQE_CQE_SKIP_SUCCESS
#define L	IOSQE_IO_LINK
#define H	IOSQE_IO_HARDLINK

FIXTURE(skiplink) {
	struct iou_ring r;
};

FIXTURE_SETUP(skiplink)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 32, 0));
}

FIXTURE_TEARDOWN(skiplink)
{
	iou_ring_exit(&self->r);
}

/* a NOP submitted after the chain: its CQE closes the window */
static void sentinel(struct __test_metadata *_metadata, struct iou_ring *r)
{
	iou_queue_nop(r, 99, 0);
	ASSERT_EQ(1, iou_submit(r));
	IOU_EXPECT_CQES(r, IOU_CQE(99, 0));
	ASSERT_NO_CQE(r, IOU_QUIET_MS);
}

TEST_F(skiplink, chain_of_skipped_successes_posts_nothing)
{
	iou_queue_nop(&self->r, 1, S | L);
	iou_queue_nop(&self->r, 2, S | L);
	iou_queue_nop(&self->r, 3, S);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sentinel(_metadata, &self->r);
}

TEST_F(skiplink, only_unflagged_last_member_posts)
{
	iou_queue_nop(&self->r, 1, S | L);
	iou_queue_nop(&self->r, 2, S | L);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(skiplink, skipped_head_lets_later_failure_post)
{
	iou_queue_nop(&self->r, 1, S | L);
	iou_queue_fail(&self->r, 2, L);
	iou_queue_nop(&self->r, 3, L);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, -ENOENT), IOU_CQE(3, -ECANCELED),
			IOU_CQE(4, -ECANCELED));
	sentinel(_metadata, &self->r);
}

TEST_F(skiplink, unflagged_failure_makes_flagged_followers_post_ecanceled)
{
	iou_queue_fail(&self->r, 1, L);
	iou_queue_nop(&self->r, 2, S | L);
	iou_queue_nop(&self->r, 3, S);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, -ECANCELED),
			IOU_CQE(3, -ECANCELED));
	sentinel(_metadata, &self->r);
}

TEST_F(skiplink, flagged_failure_posts_and_hides_cancelled_followers)
{
	iou_queue_nop(&self->r, 1, L);
	iou_queue_fail(&self->r, 2, S | L);
	iou_queue_nop(&self->r, 3, L);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, -ENOENT));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sentinel(_metadata, &self->r);
}

TEST_F(skiplink, flagged_failing_head_is_the_only_cqe)
{
	iou_queue_fail(&self->r, 1, S | L);
	iou_queue_nop(&self->r, 2, S | L);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT));
	sentinel(_metadata, &self->r);
}

TEST_F(skiplink, flagged_short_read_posts_and_hides_the_rest)
{
	char buf[4096];
	struct io_uring_sqe *sqe;
	int fd = iou_scratch_file("small", 100, 0);

	ASSERT_LE(0, fd);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, fd, buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = S | L;
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 100));
	sentinel(_metadata, &self->r);
	close(fd);
}

TEST_F(skiplink, hardlinked_flagged_failure_does_not_hide_next)
{
	iou_queue_fail(&self->r, 1, S | H);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, 0));
}

TEST_F(skiplink, hardlinked_chain_posts_only_failures)
{
	iou_queue_nop(&self->r, 1, S | H);
	iou_queue_fail(&self->r, 2, S | H);
	iou_queue_nop(&self->r, 3, S | H);
	iou_queue_fail(&self->r, 4, S | H);
	iou_queue_nop(&self->r, 5, S);
	ASSERT_EQ(5, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, -ENOENT), IOU_CQE(4, -ENOENT));
	sentinel(_metadata, &self->r);
}

TEST_F(skiplink, chain_failed_at_submission_reports_bad_member)
{
	iou_queue_nop(&self->r, 1, L);
	iou_queue_nop(&self->r, 2, S | L | 0x80);	/* unknown SQE flag */
	iou_queue_nop(&self->r, 3, S);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED), IOU_CQE(2, -EINVAL),
			IOU_CQE(3, -ECANCELED));
	sentinel(_metadata, &self->r);
}

TEST_F(skiplink, flagged_link_timeout_never_posts)
{
	struct __kernel_timespec fire = iou_ts_ms(10), never = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;
	char buf[4];
	int p[2];

	REQUIRE_OPCODE(IORING_OP_LINK_TIMEOUT);
	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	/* the timeout fires and cancels the read */
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = L;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, &fire, 0);
	sqe->user_data = 2;
	sqe->flags = S;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	/* the read completes first and the timeout is cancelled */
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 3;
	sqe->flags = L;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, &never, 0);
	sqe->user_data = 4;
	sqe->flags = S;
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(4, write(p[1], "read", 4));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, 4));
	sentinel(_metadata, &self->r);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
