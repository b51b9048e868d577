// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_IO_LINK: when a member of a chain fails at execution time (first,
 * middle or last position), every member after it completes with
 * -ECANCELED, in chain order, after the failed member's own CQE; the
 * cancelled members never run (a cancelled write leaves the file alone)
 * and their CQEs carry no flags.  Members before the failure keep their
 * results, a failure never reaches past the chain's end, and another
 * chain of the same submission is unaffected.  A positive result is not
 * a failure.
 *
 * The failing member is, per variant: an ASYNC_CANCEL of nothing
 * (-ENOENT, every kernel), a NOP with IORING_NOP_INJECT_RESULT (-EIO,
 * 6.10+) and an OPENAT of a missing path (-ENOENT, done in io-wq).
 */
#include "iou.h"

enum fail_kind { FAIL_CANCEL, FAIL_INJECT, FAIL_OPENAT };

FIXTURE(chain) {
	struct iou_ring r;
	int fd;
	char path[256];
};

FIXTURE_VARIANT(chain) {
	enum fail_kind kind;
	int res;		/* what the failing member completes with */
};

FIXTURE_VARIANT_ADD(chain, cancel_enoent) { .kind = FAIL_CANCEL, .res = -ENOENT };
FIXTURE_VARIANT_ADD(chain, nop_inject_eio) { .kind = FAIL_INJECT, .res = -EIO };
FIXTURE_VARIANT_ADD(chain, openat_enoent) { .kind = FAIL_OPENAT, .res = -ENOENT };

FIXTURE_SETUP(chain)
{
	self->fd = -1;
	if (variant->kind == FAIL_INJECT)
		REQUIRE_NOP_INJECT();
	if (variant->kind == FAIL_OPENAT)
		REQUIRE_OPCODE(IORING_OP_OPENAT);
	ASSERT_EQ(0, iou_ring_init(&self->r, 64, 0));
	self->fd = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, self->fd);
	snprintf(self->path, sizeof(self->path), "%s",
		 iou_scratch_path("no-such-file"));
}

FIXTURE_TEARDOWN(chain)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static struct io_uring_sqe *queue_fail(FIXTURE_DATA(chain) *self,
				       const FIXTURE_VARIANT(chain) *variant,
				       __u64 ud, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	switch (variant->kind) {
	case FAIL_CANCEL:
		iou_prep_fail_enoent(sqe, ud);
		break;
	case FAIL_INJECT:
		iou_prep_nop_inject(sqe, ud, -EIO);
		break;
	case FAIL_OPENAT:
		iou_prep_openat(sqe, AT_FDCWD, self->path, O_RDONLY | O_CLOEXEC, 0);
		sqe->user_data = ud;
		break;
	}
	sqe->flags |= (__u8)flags;
	return sqe;
}

TEST_F(chain, failure_of_first_member_cancels_all_others)
{
	queue_fail(self, variant, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 3, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, variant->res), IOU_CQE(2, -ECANCELED),
			IOU_CQE(3, -ECANCELED), IOU_CQE(4, -ECANCELED));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(chain, failure_in_middle_keeps_earlier_results_cancels_later)
{
	iou_queue_nop(&self->r, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	queue_fail(self, variant, 3, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 4, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 5, 0);
	ASSERT_EQ(5, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0),
			IOU_CQE(3, variant->res), IOU_CQE(4, -ECANCELED),
			IOU_CQE(5, -ECANCELED));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(chain, failure_of_last_member_cancels_nothing)
{
	iou_queue_nop(&self->r, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, IOSQE_IO_LINK);
	queue_fail(self, variant, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(3, variant->res));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(chain, cancelled_write_never_touches_the_file)
{
	char wbuf[256], now[256];
	struct io_uring_sqe *sqe;

	memset(wbuf, 'X', sizeof(wbuf));
	queue_fail(self, variant, 1, IOSQE_IO_LINK);
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, self->fd, wbuf, sizeof(wbuf), 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, variant->res), IOU_CQE(2, -ECANCELED));
	ASSERT_EQ((ssize_t)sizeof(now), pread(self->fd, now, sizeof(now), 0));
	ASSERT_TRUE(iou_check_pattern(now, sizeof(now), 0));
}

TEST_F(chain, request_after_chain_end_is_not_cancelled)
{
	unsigned int pos[3];

	queue_fail(self, variant, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, 0);
	/* not linked to the chain above: an independent request */
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, variant->res),
			   IOU_CQE(2, -ECANCELED), IOU_CQE(3, 0));
	ASSERT_LT(pos[0], pos[1]);
}

TEST_F(chain, failure_does_not_touch_another_chain)
{
	unsigned int pos[5];

	queue_fail(self, variant, 1, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 2, 0);
	iou_queue_nop(&self->r, 3, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 4, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 5, 0);
	ASSERT_EQ(5, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(1, variant->res),
			   IOU_CQE(2, -ECANCELED), IOU_CQE(3, 0), IOU_CQE(4, 0),
			   IOU_CQE(5, 0));
	ASSERT_LT(pos[0], pos[1]);
	ASSERT_LT(pos[2], pos[3]);
	ASSERT_LT(pos[3], pos[4]);
}

TEST_F(chain, all_members_after_failure_cancelled_in_order)
{
	struct iou_exp exp[24];
	unsigned int i;

	for (i = 0; i < 24; i++) {
		unsigned int fl = i < 23 ? IOSQE_IO_LINK : 0;

		if (i == 5) {
			queue_fail(self, variant, 100 + i, fl);
			exp[i] = (struct iou_exp)IOU_CQE(100 + i, variant->res);
		} else {
			iou_queue_nop(&self->r, 100 + i, fl);
			exp[i] = (struct iou_exp)IOU_CQE(100 + i, i < 5 ? 0 : -ECANCELED);
		}
	}
	ASSERT_EQ(24, iou_submit(&self->r));
	iou_expect_cqes(_metadata, &self->r, exp, 24, __FILE__, __LINE__);
}

TEST_F(chain, two_failures_second_is_cancelled_not_run)
{
	/* the second failing member never runs: it reports -ECANCELED */
	iou_queue_nop(&self->r, 1, IOSQE_IO_LINK);
	queue_fail(self, variant, 2, IOSQE_IO_LINK);
	queue_fail(self, variant, 3, IOSQE_IO_LINK);
	iou_queue_nop(&self->r, 4, 0);
	ASSERT_EQ(4, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, variant->res),
			IOU_CQE(3, -ECANCELED), IOU_CQE(4, -ECANCELED));
}

/* res >= 0 is success for a NOP: an injected positive result keeps the chain */
TEST(injected_positive_result_does_not_break_chain)
{
	struct iou_ring r;
	struct io_uring_sqe *sqe;

	REQUIRE_NOP_INJECT();
	ASSERT_EQ(0, iou_ring_init(&r, 8, 0));
	sqe = iou_get_sqe(&r);
	iou_prep_nop_inject(sqe, 1, 77);
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&r);
	iou_prep_nop_inject(sqe, 2, 0);
	sqe->flags = IOSQE_IO_LINK;
	iou_prep_nop(iou_get_sqe(&r), 3);
	ASSERT_EQ(3, iou_submit(&r));
	IOU_EXPECT_CQES(&r, IOU_CQE(1, 77), IOU_CQE(2, 0), IOU_CQE(3, 0));
	iou_ring_exit(&r);
}

/* the injected errno is reported as is, whatever it is */
TEST(injected_errno_is_reported_and_cancels_next)
{
	static const int errs[] = { -EPERM, -EAGAIN, -ECANCELED, -ETIME, -4095 };
	struct iou_ring r;
	struct io_uring_sqe *sqe;

	REQUIRE_NOP_INJECT();
	ASSERT_EQ(0, iou_ring_init(&r, 8, 0));
	for (unsigned int i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		sqe = iou_get_sqe(&r);
		iou_prep_nop_inject(sqe, 1, errs[i]);
		sqe->flags = IOSQE_IO_LINK;
		iou_prep_nop(iou_get_sqe(&r), 2);
		ASSERT_EQ(2, iou_submit(&r));
		IOU_EXPECT_CQES(&r, IOU_CQE(1, errs[i]), IOU_CQE(2, -ECANCELED));
	}
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
