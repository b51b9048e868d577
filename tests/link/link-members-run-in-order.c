// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_LINK: a member of a chain starts only after the member before
 * it completed, so operations whose order is observable see each other's
 * effects (a read linked after a write of the same bytes returns them, a
 * read linked before a write returns the old bytes), a member waiting on
 * an empty pipe holds back the rest of its chain, and the CQEs of a chain
 * arrive in chain order.  Chains are serialised only internally: a second
 * chain or a lone request in the same submission runs meanwhile.
 * Checked on a plain, a DEFER_TASKRUN and an SQPOLL ring.
 */
#include "iou.h"
#include "iou_modes.h"

#define BLK 512

FIXTURE(ring) {
	struct iou_ring r;
	int fd;
	int pa[2], pb[2];
};

FIXTURE_VARIANT(ring) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(ring, plain) { .flags = 0 };
FIXTURE_VARIANT_ADD(ring, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
FIXTURE_VARIANT_ADD(ring, sqpoll) { .flags = IORING_SETUP_SQPOLL };

FIXTURE_SETUP(ring)
{
	self->fd = -1;
	self->pa[0] = self->pa[1] = self->pb[0] = self->pb[1] = -1;
	IOU_RING_INIT_MODE(&self->r, 64, variant->flags);
	self->fd = iou_scratch_file("data", 4 * BLK, 0);
	ASSERT_LE(0, self->fd);
	ASSERT_SYSOK(pipe2(self->pa, O_CLOEXEC));
	ASSERT_SYSOK(pipe2(self->pb, O_CLOEXEC));
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++) {
		if (self->pa[i] >= 0)
			close(self->pa[i]);
		if (self->pb[i] >= 0)
			close(self->pb[i]);
	}
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(ring, read_linked_after_write_sees_written_bytes)
{
	char wbuf[BLK], rbuf[BLK];
	struct io_uring_sqe *sqe;

	memset(wbuf, 'W', sizeof(wbuf));
	memset(rbuf, 0, sizeof(rbuf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, wbuf, BLK, BLK);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, rbuf, BLK, BLK);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, BLK), IOU_CQE(2, BLK));
	ASSERT_EQ(0, memcmp(wbuf, rbuf, BLK));
}

TEST_F(ring, read_linked_before_write_sees_old_bytes)
{
	char wbuf[BLK], rbuf[BLK], now[BLK];
	struct io_uring_sqe *sqe;

	memset(wbuf, 'W', sizeof(wbuf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, rbuf, BLK, 2 * BLK);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, wbuf, BLK, 2 * BLK);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, BLK), IOU_CQE(2, BLK));
	/* the read ran first: it saw the scratch file's original pattern */
	ASSERT_TRUE(iou_check_pattern(rbuf, BLK, 2 * BLK));
	ASSERT_EQ(BLK, pread(self->fd, now, BLK, 2 * BLK));
	ASSERT_EQ(0, memcmp(wbuf, now, BLK));
}

TEST_F(ring, overlapping_writes_apply_in_chain_order)
{
	char b[3][BLK], rbuf[BLK];
	struct io_uring_sqe *sqe;

	for (int i = 0; i < 3; i++) {
		memset(b[i], 'a' + i, BLK);
		sqe = iou_get_sqe(&self->r);
		iou_prep_write(sqe, self->fd, b[i], BLK, 0);
		sqe->user_data = 1 + i;
		sqe->flags = IOSQE_IO_LINK;
	}
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, rbuf, BLK, 0);
	sqe->user_data = 4;
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, BLK), IOU_CQE(2, BLK), IOU_CQE(3, BLK), IOU_CQE(4, BLK));
	ASSERT_EQ(0, memcmp(b[2], rbuf, BLK));
}

TEST_F(ring, member_waits_while_previous_member_is_pending)
{
	char in[16], out[4] = "done", got[8];
	struct io_uring_sqe *sqe;

	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->pa[0], in, sizeof(in), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->pb[1], out, sizeof(out), 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));

	/* the read blocks on the empty pipe, so the write must not start */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_TRUE(iou_fd_empty(self->pb[0]));

	memset(in, 0, sizeof(in));
	ASSERT_EQ(16, write(self->pa[1], "0123456789abcdef", 16));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 16), IOU_CQE(2, 4));
	ASSERT_EQ(0, memcmp(in, "0123456789abcdef", 16));
	ASSERT_EQ(4, read(self->pb[0], got, sizeof(got)));
	ASSERT_EQ(0, memcmp(got, "done", 4));
}

TEST_F(ring, mixed_opcodes_complete_in_chain_order)
{
	char wbuf[BLK], rbuf[BLK];
	struct io_uring_sqe *sqe;

	memset(wbuf, 'M', sizeof(wbuf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 1);
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, wbuf, BLK, 3 * BLK);
	sqe->user_data = 2;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_fsync(sqe, self->fd, IORING_FSYNC_DATASYNC);
	sqe->user_data = 3;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, rbuf, BLK, 3 * BLK);
	sqe->user_data = 4;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->pb[1], "x", 1, 0);
	sqe->user_data = 5;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 6);
	ASSERT_EQ(6, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, BLK), IOU_CQE(3, 0), IOU_CQE(4, BLK),
			IOU_CQE(5, 1), IOU_CQE(6, 0));
	ASSERT_EQ(0, memcmp(wbuf, rbuf, BLK));
}

TEST_F(ring, other_chain_and_lone_request_are_not_held_back)
{
	char in[8];
	unsigned int pos[4];
	struct io_uring_sqe *sqe;

	/* chain A: a pipe read that blocks, then a NOP */
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->pa[0], in, sizeof(in), 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	/* chain B: three NOPs */
	for (int i = 0; i < 3; i++) {
		sqe = iou_get_sqe(&self->r);
		iou_prep_nop(sqe, 3 + i);
		if (i < 2)
			sqe->flags = IOSQE_IO_LINK;
	}
	/* a lone NOP */
	iou_prep_nop(iou_get_sqe(&self->r), 6);
	ASSERT_EQ(6, iou_submit(&self->r));

	/* chain B and the lone NOP finish while chain A waits */
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(3, 0), IOU_CQE(4, 0), IOU_CQE(5, 0), IOU_CQE(6, 0));
	ASSERT_LT(pos[0], pos[1]);
	ASSERT_LT(pos[1], pos[2]);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	ASSERT_EQ(8, write(self->pa[1], "abcdefgh", 8));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 8), IOU_CQE(2, 0));
}

TEST_HARNESS_MAIN
