// SPDX-License-Identifier: GPL-2.0
/*
 * Link chains have no length limit: chains of hundreds and thousands of
 * members (up to the whole SQ ring) run in order, a failure anywhere in
 * them cancels every later member with -ECANCELED in chain order, a
 * blocked head holds back all of them, and side effects happen in chain
 * order (appending writes at the file position land as consecutive
 * records).
 */
#include "iou.h"

FIXTURE(longchain) {
	struct iou_ring r;
	struct iou_exp *exp;
};

FIXTURE_VARIANT(longchain) {
	unsigned int len;	/* members; also the SQ ring size */
};

FIXTURE_VARIANT_ADD(longchain, len_256) { .len = 256 };
FIXTURE_VARIANT_ADD(longchain, len_1024) { .len = 1024 };
FIXTURE_VARIANT_ADD(longchain, len_4096) { .len = 4096 };

FIXTURE_SETUP(longchain)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, variant->len, 0));
	ASSERT_EQ(variant->len, self->r.sq_entries);
	self->exp = calloc(variant->len, sizeof(*self->exp));
	ASSERT_NE(NULL, self->exp);
}

FIXTURE_TEARDOWN(longchain)
{
	iou_ring_exit(&self->r);
	free(self->exp);
}

/* queue a chain of len NOPs (member fail_at, if < len, fails) */
static void queue_chain(struct iou_ring *r, struct iou_exp *exp,
			unsigned int len, unsigned int fail_at)
{
	for (unsigned int i = 0; i < len; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(r);

		if (i == fail_at)
			iou_prep_fail_enoent(sqe, 1000 + i);
		else
			iou_prep_nop(sqe, 1000 + i);
		if (i + 1 < len)
			sqe->flags = IOSQE_IO_LINK;
		exp[i] = (struct iou_exp)IOU_CQE(1000 + i,
				i < fail_at ? 0 : i == fail_at ? -ENOENT : -ECANCELED);
	}
}

TEST_F(longchain, whole_sq_ring_as_one_chain_completes_in_order)
{
	queue_chain(&self->r, self->exp, variant->len, variant->len);
	ASSERT_EQ((int)variant->len, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, self->exp, variant->len, __FILE__, __LINE__);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(longchain, failure_in_the_middle_cancels_every_later_member)
{
	queue_chain(&self->r, self->exp, variant->len, variant->len / 2);
	ASSERT_EQ((int)variant->len, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, self->exp, variant->len, __FILE__, __LINE__);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(longchain, failure_of_second_member_cancels_all_the_rest)
{
	queue_chain(&self->r, self->exp, variant->len, 1);
	ASSERT_EQ((int)variant->len, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, self->exp, variant->len, __FILE__, __LINE__);
}

TEST_F(longchain, failure_of_last_member_cancels_nothing)
{
	queue_chain(&self->r, self->exp, variant->len, variant->len - 1);
	ASSERT_EQ((int)variant->len, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, self->exp, variant->len, __FILE__, __LINE__);
}

TEST_F(longchain, blocked_head_holds_back_every_member)
{
	struct io_uring_sqe *sqe;
	char c;
	int p[2];

	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	queue_chain(&self->r, self->exp, variant->len, variant->len);
	/* turn the head into a one-byte pipe read */
	sqe = &self->r.sqes[0];
	iou_prep_read(sqe, p[0], &c, 1, 0);
	self->exp[0].res = 1;
	ASSERT_EQ((int)variant->len, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(p[1], "!", 1));
	iou_expect_cqes(_metadata, &self->r, self->exp, variant->len, __FILE__, __LINE__);
	ASSERT_EQ('!', c);
	close(p[0]);
	close(p[1]);
}

/*
 * Writes at the file position (off -1, IORING_FEAT_RW_CUR_POS) append
 * where the previous one ended: linked, record i must be the i-th record.
 */
TEST_F(longchain, appending_writes_land_in_chain_order)
{
	unsigned int n = variant->len;
	char (*rec)[8], *file;
	int fd;

	REQUIRE_FEATURE(IORING_FEAT_RW_CUR_POS);
	fd = iou_scratch_file("records", 0, 0);
	ASSERT_LE(0, fd);
	rec = calloc(n, sizeof(*rec));
	file = calloc(n, sizeof(*rec));
	ASSERT_NE(NULL, rec);
	ASSERT_NE(NULL, file);
	for (unsigned int i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

		/* "0000042\n": seven digits (n <= 4096) and a newline */
		for (unsigned int d = 0, v = i; d < 7; d++, v /= 10)
			rec[i][6 - d] = (char)('0' + v % 10);
		rec[i][7] = '\n';
		iou_prep_write(sqe, fd, rec[i], sizeof(rec[i]), (__u64)-1);
		sqe->user_data = 1000 + i;
		if (i + 1 < n)
			sqe->flags = IOSQE_IO_LINK;
		self->exp[i] = (struct iou_exp)IOU_CQE(1000 + i, 8);
	}
	ASSERT_EQ((int)n, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, self->exp, n, __FILE__, __LINE__);
	ASSERT_EQ((off_t)(8 * n), lseek(fd, 0, SEEK_CUR));
	ASSERT_EQ((ssize_t)(8 * n), pread(fd, file, 8 * n, 0));
	ASSERT_EQ(0, memcmp(rec, file, 8 * n));
	free(rec);
	free(file);
	close(fd);
}

TEST_HARNESS_MAIN
