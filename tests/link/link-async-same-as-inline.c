// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_ASYNC on chain members (sending them to io-wq instead of trying
 * them inline first) changes nothing a program can observe about a
 * chain: the same results, the same CQE order, the same side effects,
 * the same breaking on failure and short reads, the same hardlink and
 * drain behaviour.  Each case runs with no member async, only the head,
 * only the last member, and every member (also on a DEFER_TASKRUN ring).
 */
#include "iou.h"
#include "iou_modes.h"

#define A	IOSQE_ASYNC
#define L	IOSQE_IO_LINK

enum which { NONE, HEAD, TAIL, ALL };

FIXTURE(async) {
	struct iou_ring r;
	int fd;
	int p[2], q[2];
};

FIXTURE_VARIANT(async) {
	enum which which;
	unsigned int setup;
};

FIXTURE_VARIANT_ADD(async, inline_only) { .which = NONE };
FIXTURE_VARIANT_ADD(async, async_head) { .which = HEAD };
FIXTURE_VARIANT_ADD(async, async_tail) { .which = TAIL };
FIXTURE_VARIANT_ADD(async, async_all) { .which = ALL };
FIXTURE_VARIANT_ADD(async, async_all_defer_taskrun) {
	.which = ALL,
	.setup = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };

FIXTURE_SETUP(async)
{
	self->fd = -1;
	self->p[0] = self->p[1] = self->q[0] = self->q[1] = -1;
	IOU_RING_INIT_MODE(&self->r, 256, variant->setup);
	self->fd = iou_scratch_file("data", 8192, 0);
	ASSERT_LE(0, self->fd);
	ASSERT_SYSOK(pipe2(self->p, O_CLOEXEC));
	ASSERT_SYSOK(pipe2(self->q, O_CLOEXEC));
}

FIXTURE_TEARDOWN(async)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
	for (int i = 0; i < 2; i++) {
		if (self->p[i] >= 0)
			close(self->p[i]);
		if (self->q[i] >= 0)
			close(self->q[i]);
	}
}

/* IOSQE_ASYNC for member i of n, per variant */
static unsigned int async_flag(const FIXTURE_VARIANT(async) *v, int i, int n)
{
	switch (v->which) {
	case HEAD:
		return i == 0 ? A : 0;
	case TAIL:
		return i == n - 1 ? A : 0;
	case ALL:
		return A;
	default:
		return 0;
	}
}

/* finish member i of n: user_data, link flag (not on the last) and async */
static void member(const FIXTURE_VARIANT(async) *v, struct io_uring_sqe *sqe,
		   int i, int n, unsigned int link)
{
	sqe->user_data = 1 + i;
	sqe->flags = (__u8)((i < n - 1 ? link : 0) | async_flag(v, i, n));
}

TEST_F(async, read_after_write_sees_written_bytes)
{
	char wbuf[1024], rbuf[1024];
	struct io_uring_sqe *sqe;

	memset(wbuf, 'A', sizeof(wbuf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, wbuf, sizeof(wbuf), 2048);
	member(variant, sqe, 0, 2, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, rbuf, sizeof(rbuf), 2048);
	member(variant, sqe, 1, 2, L);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 1024), IOU_CQE(2, 1024));
	ASSERT_EQ(0, memcmp(wbuf, rbuf, sizeof(rbuf)));
}

TEST_F(async, file_operations_complete_in_chain_order)
{
	char wbuf[512], rbuf[512];
	struct io_uring_sqe *sqe;

	memset(wbuf, 'F', sizeof(wbuf));
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, wbuf, sizeof(wbuf), 0);
	member(variant, sqe, 0, 4, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_fsync(sqe, self->fd, 0);
	member(variant, sqe, 1, 4, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, rbuf, sizeof(rbuf), 0);
	member(variant, sqe, 2, 4, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 0);
	member(variant, sqe, 3, 4, L);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 512), IOU_CQE(2, 0), IOU_CQE(3, 512),
			IOU_CQE(4, 0));
	ASSERT_EQ(0, memcmp(wbuf, rbuf, sizeof(rbuf)));
}

TEST_F(async, failure_cancels_the_rest)
{
	struct io_uring_sqe *sqe;

	for (int i = 0; i < 4; i++) {
		sqe = iou_get_sqe(&self->r);
		if (i == 1)
			iou_prep_fail_enoent(sqe, 0);
		else
			iou_prep_nop(sqe, 0);
		member(variant, sqe, i, 4, L);
	}
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, -ENOENT),
			IOU_CQE(3, -ECANCELED), IOU_CQE(4, -ECANCELED));
}

TEST_F(async, short_read_cancels_the_rest)
{
	char buf[16384];
	struct io_uring_sqe *sqe;

	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, buf, sizeof(buf), 0);
	member(variant, sqe, 0, 3, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 0);
	member(variant, sqe, 1, 3, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, "never", 5, 0);
	member(variant, sqe, 2, 3, L);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 8192), IOU_CQE(2, -ECANCELED),
			IOU_CQE(3, -ECANCELED));
	ASSERT_TRUE(iou_check_pattern(buf, 8192, 0));
	ASSERT_EQ(5, pread(self->fd, buf, 5, 0));
	ASSERT_TRUE(iou_check_pattern(buf, 5, 0));
}

TEST_F(async, hardlink_goes_on_after_failure)
{
	struct io_uring_sqe *sqe;

	sqe = iou_get_sqe(&self->r);
	iou_prep_fail_enoent(sqe, 0);
	member(variant, sqe, 0, 3, IOSQE_IO_HARDLINK);
	sqe = iou_get_sqe(&self->r);
	iou_prep_fail_enoent(sqe, 0);
	member(variant, sqe, 1, 3, IOSQE_IO_HARDLINK);
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 0);
	member(variant, sqe, 2, 3, IOSQE_IO_HARDLINK);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT), IOU_CQE(2, -ENOENT),
			IOU_CQE(3, 0));
}

TEST_F(async, pending_member_holds_back_the_rest)
{
	char in[6], got[8];
	struct io_uring_sqe *sqe;

	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->p[0], in, sizeof(in), 0);
	member(variant, sqe, 0, 3, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->q[1], "after", 5, 0);
	member(variant, sqe, 1, 3, L);
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 0);
	member(variant, sqe, 2, 3, L);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_TRUE(iou_fd_empty(self->q[0]));
	ASSERT_EQ(6, write(self->p[1], "before", 6));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 6), IOU_CQE(2, 5), IOU_CQE(3, 0));
	ASSERT_EQ(5, read(self->q[0], got, sizeof(got)));
	ASSERT_EQ(0, memcmp(got, "after", 5));
}

TEST_F(async, long_chain_of_writes_lands_in_order)
{
	enum { N = 128 };
	struct iou_exp exp[N];
	char rec[N][16], file[N * 16];

	for (int i = 0; i < N; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

		/* overlapping writes: record i covers the tail of record i-1 */
		memset(rec[i], 'a' + i % 26, sizeof(rec[i]));
		iou_prep_write(sqe, self->fd, rec[i], sizeof(rec[i]), (__u64)i * 8);
		member(variant, sqe, i, N, L);
		exp[i] = (struct iou_exp)IOU_CQE(1 + i, 16);
	}
	ASSERT_EQ(N, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, exp, N, __FILE__, __LINE__);
	ASSERT_EQ(N * 8 + 8, pread(self->fd, file, N * 8 + 8, 0));
	for (int i = 0; i < N; i++) {
		ASSERT_EQ('a' + i % 26, file[i * 8]) TH_LOG("byte %d", i * 8);
	}
	ASSERT_EQ('a' + (N - 1) % 26, file[N * 8]);
}

TEST_F(async, drained_member_waits_for_earlier_requests)
{
	char in[4];
	struct io_uring_sqe *sqe;

	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->p[0], in, sizeof(in), 0);
	sqe->user_data = 10;
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 0);
	member(variant, sqe, 0, 2, L);
	sqe->flags |= IOSQE_IO_DRAIN;
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 0);
	member(variant, sqe, 1, 2, L);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(4, write(self->p[1], "wake", 4));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(10, 4), IOU_CQE(1, 0), IOU_CQE(2, 0));
}

TEST_HARNESS_MAIN
