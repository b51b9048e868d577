// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_HARDLINK: the next member starts after this one completes,
 * whatever its result: a failed or short member does not cancel the rest
 * and the members after it run with their side effects.  The chain is
 * still serial.  LINK and HARDLINK together behave as HARDLINK.  In a
 * chain mixing both, only a failure of a member linked with plain
 * IOSQE_IO_LINK breaks it, and once broken every later member is
 * cancelled, hardlinked or not.
 */
#include "iou.h"

#define H	IOSQE_IO_HARDLINK
#define L	IOSQE_IO_LINK

FIXTURE(hard) {
	struct iou_ring r;
};

FIXTURE_SETUP(hard)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 512, 0));
}

FIXTURE_TEARDOWN(hard)
{
	iou_ring_exit(&self->r);
}

TEST_F(hard, failed_member_does_not_cancel_next)
{
	iou_queue_fail(&self->r, 1, H);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, 0));
}

TEST_F(hard, every_failed_member_is_followed_by_the_next)
{
	iou_queue_fail(&self->r, 1, H);
	iou_queue_fail(&self->r, 2, H);
	iou_queue_fail(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, -ENOENT),
			IOU_CQE(3, -ENOENT));
}

TEST_F(hard, injected_error_does_not_cancel_next)
{
	struct io_uring_sqe *sqe;

	REQUIRE_NOP_INJECT();
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop_inject(sqe, 1, -EIO);
	sqe->flags = H;
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EIO), IOU_CQE(2, 0));
}

TEST_F(hard, short_read_does_not_cancel_next)
{
	char buf[4096];
	struct io_uring_sqe *sqe;
	int fd = iou_scratch_file("small", 100, 0);

	ASSERT_LE(0, fd);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, fd, buf, sizeof(buf), 0);
	sqe->user_data = 1;
	sqe->flags = H;
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 100), IOU_CQE(2, 0));
	close(fd);
}

TEST_F(hard, member_after_failure_runs_with_side_effects)
{
	char wbuf[64], now[64];
	struct io_uring_sqe *sqe;
	int fd = iou_scratch_file("data", 4096, 0);

	ASSERT_LE(0, fd);
	memset(wbuf, 'H', sizeof(wbuf));
	iou_queue_fail(&self->r, 1, H);
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, fd, wbuf, sizeof(wbuf), 128);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, 64));
	ASSERT_EQ(64, pread(fd, now, sizeof(now), 128));
	ASSERT_EQ(0, memcmp(wbuf, now, sizeof(now)));
	close(fd);
}

TEST_F(hard, next_member_still_waits_for_a_pending_one)
{
	char in[8], got[8];
	struct io_uring_sqe *sqe;
	int a[2], b[2];

	ASSERT_SYSOK(pipe2(a, O_CLOEXEC));
	ASSERT_SYSOK(pipe2(b, O_CLOEXEC));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, a[0], in, sizeof(in), 0);
	sqe->user_data = 1;
	sqe->flags = H;
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, b[1], "next", 4, 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_TRUE(iou_fd_empty(b[0]));

	/* EOF: the read returns 0, short of 8, and the write still runs */
	close(a[1]);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 4));
	ASSERT_EQ(4, read(b[0], got, sizeof(got)));
	ASSERT_EQ(0, memcmp(got, "next", 4));
	close(a[0]);
	close(b[0]);
	close(b[1]);
}

TEST_F(hard, link_and_hardlink_together_act_as_hardlink)
{
	iou_queue_fail(&self->r, 1, L | H);
	iou_queue_fail(&self->r, 2, L | H);
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, -ENOENT),
			IOU_CQE(3, 0));
}

TEST_F(hard, plain_link_failure_after_hardlink_cancels_the_rest)
{
	iou_queue_fail(&self->r, 1, H);
	iou_queue_nop(&self->r, 2, L);
	iou_queue_fail(&self->r, 3, L);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, 0),
			IOU_CQE(3, -ENOENT), IOU_CQE(4, -ECANCELED));
}

TEST_F(hard, plain_link_failure_cancels_hardlinked_members_too)
{
	iou_queue_fail(&self->r, 1, L);
	iou_queue_nop(&self->r, 2, H);
	iou_queue_fail(&self->r, 3, H);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, -ECANCELED),
			IOU_CQE(3, -ECANCELED), IOU_CQE(4, -ECANCELED));
}

TEST_F(hard, success_then_plain_link_failure_then_hardlinks)
{
	iou_queue_nop(&self->r, 1, H);
	iou_queue_fail(&self->r, 2, L);
	iou_queue_nop(&self->r, 3, H);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, -ENOENT),
			IOU_CQE(3, -ECANCELED), IOU_CQE(4, -ECANCELED));
}

TEST_F(hard, hardlink_on_last_member_changes_nothing)
{
	iou_queue_nop(&self->r, 1, H);
	iou_queue_fail(&self->r, 2, H);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, -ENOENT));
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, 0));
}

TEST_F(hard, long_chain_of_alternating_failures_runs_every_member)
{
	struct iou_exp exp[512];

	for (unsigned int i = 0; i < 512; i++) {
		unsigned int fl = i < 511 ? H : 0;

		if (i & 1)
			iou_queue_fail(&self->r, 1000 + i, fl);
		else
			iou_queue_nop(&self->r, 1000 + i, fl);
		exp[i] = (struct iou_exp)IOU_CQE(1000 + i, i & 1 ? -ENOENT : 0);
	}
	ASSERT_EQ(512, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, exp, 512, __FILE__, __LINE__);
}

TEST_HARNESS_MAIN
