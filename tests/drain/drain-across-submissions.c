// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_DRAIN counts every request submitted before it, whichever
 * io_uring_enter call submitted it: a drained request waits for pending
 * reads from many earlier submissions (and for the last of them, not the
 * first), for a chain from an earlier submission, and for a request
 * punted to io-wq with IOSQE_ASYNC.  Drains repeated over many
 * submissions each split the CQE stream: everything before a drained
 * request completes before it, everything after it completes after it
 * (since 6.16; before, what came after only waited for it to start).
 */
#include "iou.h"
#include "iou_versions.h"

#define NPIPES 16

FIXTURE(across) {
	struct iou_ring r;
	int p[NPIPES][2];
	char buf[NPIPES][4];
};

FIXTURE_SETUP(across)
{
	for (int i = 0; i < NPIPES; i++)
		self->p[i][0] = self->p[i][1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 256, 0));
	for (int i = 0; i < NPIPES; i++)
		ASSERT_SYSOK(pipe2(self->p[i], O_CLOEXEC));
}

FIXTURE_TEARDOWN(across)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < NPIPES; i++)
		if (self->p[i][0] >= 0) {
			close(self->p[i][0]);
			close(self->p[i][1]);
		}
}

static void pipe_read(FIXTURE_DATA(across) *self, int i, __u64 ud,
		      unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_read(sqe, self->p[i][0], self->buf[i], 4, 0);
	sqe->user_data = ud;
	sqe->flags = (__u8)flags;
}

TEST_F(across, drain_waits_for_reads_of_many_earlier_submissions)
{
	struct iou_cqe cqe[NPIPES];
	bool seen[NPIPES] = { false };

	for (int i = 0; i < NPIPES; i++) {
		pipe_read(self, i, 100 + i, 0);
		ASSERT_EQ(1, iou_submit(&self->r));
	}
	iou_queue_nop(&self->r, 1, IOSQE_IO_DRAIN);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	/* all reads but the first: the drain still waits for read 100 */
	for (int i = 1; i < NPIPES; i++)
		ASSERT_EQ(4, write(self->p[i][1], "pipe", 4));
	ASSERT_EQ(NPIPES - 1, iou_reap(&self->r, cqe, NPIPES - 1, IOU_WAIT_MS));
	for (int i = 0; i < NPIPES - 1; i++) {
		ASSERT_LE(101, cqe[i].user_data);
		ASSERT_GE(100 + NPIPES - 1, cqe[i].user_data);
		ASSERT_RES(4, cqe[i].res);
		ASSERT_FALSE(seen[cqe[i].user_data - 100]);
		seen[cqe[i].user_data - 100] = true;
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);

	ASSERT_EQ(4, write(self->p[0][1], "last", 4));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(100, 4), IOU_CQE(1, 0));
}

TEST_F(across, drain_waits_for_chain_of_earlier_submission)
{
	pipe_read(self, 0, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	iou_queue_nop(&self->r, 3, IOSQE_IO_DRAIN);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, write(self->p[0][1], "link", 4));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0), IOU_CQE(3, 0));
}

TEST_F(across, drain_waits_for_async_request_of_earlier_submission)
{
	pipe_read(self, 0, 1, IOSQE_ASYNC);
	ASSERT_EQ(1, iou_submit(&self->r));
	iou_queue_nop(&self->r, 2, IOSQE_IO_DRAIN);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, write(self->p[0][1], "wq!!", 4));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 4), IOU_CQE(2, 0));
}

TEST_F(across, run_of_drained_requests_completes_in_order)
{
	struct iou_exp exp[33];

	pipe_read(self, 0, 1, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	exp[0] = (struct iou_exp)IOU_CQE(1, 4);
	for (int i = 0; i < 32; i++) {
		iou_queue_nop(&self->r, 10 + i, IOSQE_IO_DRAIN);
		exp[1 + i] = (struct iou_exp)IOU_CQE(10 + i, 0);
		/* one drained NOP per submission */
		ASSERT_EQ(1, iou_submit(&self->r));
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, write(self->p[0][1], "go!!", 4));
	iou_expect_cqes(_metadata, &self->r, exp, 33, __FILE__, __LINE__);
}

/*
 * 64 submissions of [NOP NOP NOP+DRAIN], nothing reaped in between: each
 * drained NOP must come after the two NOPs of its own and of every
 * earlier submission, and (6.16 on) before those of every later one.
 */
TEST_F(across, drains_of_many_submissions_split_the_cqe_stream)
{
	enum { ROUNDS = 64, N = 3 * ROUNDS };
	struct iou_cqe cqe[N];
	int pos[N];

	for (int k = 0; k < ROUNDS; k++) {
		iou_queue_nop(&self->r, 3 * k, 0);
		iou_queue_nop(&self->r, 3 * k + 1, 0);
		iou_queue_nop(&self->r, 3 * k + 2, IOSQE_IO_DRAIN);
		ASSERT_EQ(3, iou_submit(&self->r));
	}
	ASSERT_EQ(N, iou_reap(&self->r, cqe, N, IOU_WAIT_MS));
	for (int i = 0; i < N; i++)
		pos[i] = -1;
	for (int i = 0; i < N; i++) {
		ASSERT_GT(N, cqe[i].user_data);
		ASSERT_EQ(-1, pos[cqe[i].user_data]);
		ASSERT_RES(0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
		pos[cqe[i].user_data] = i;
	}
	for (int k = 0; k < ROUNDS; k++) {
		int d = pos[3 * k + 2];

		for (int u = 0; u < N; u++) {
			if (u / 3 < k || (u / 3 == k && u % 3 != 2)) {
				ASSERT_LT(pos[u], d) TH_LOG("ud %d after drain %d", u, 3 * k + 2);
			}
			/* before 6.16 later requests only wait for its start */
			if (u / 3 > k && iou_drain_holds_later_until_done()) {
				ASSERT_GT(pos[u], d) TH_LOG("ud %d before drain %d", u, 3 * k + 2);
			}
		}
	}
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
