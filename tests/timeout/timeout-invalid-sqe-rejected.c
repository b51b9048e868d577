// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_TIMEOUT, IORING_OP_LINK_TIMEOUT and IORING_OP_TIMEOUT_REMOVE
 * refuse malformed SQEs in their CQE: -EINVAL for unknown or
 * contradictory timeout_flags (two clocks, MULTISHOT with ABS, update
 * bits on a timeout), len other than 1 (0 for a remove), a buf_index or
 * splice_fd_in, a completion count on a link timeout, flags on a plain
 * remove, and negative seconds or nanoseconds; -EFAULT for a timespec
 * that cannot be read.  A refused link timeout also fails the request it
 * was linked to (-ECANCELED, posted first).
 *
 * Regression-test-for: 26578cda3db9 ("io_uring: add ->splice_fd_in checks")
 * Regression-test-for: f6223ff79966 ("io_uring: Fix undefined-behaviour in io_issue_sqe")
 * Regression-test-for: 2087009c74d4 ("io_uring: validate timespec for timeout removals")
 *
 * 5.10.y has neither timespec check (5.10.262 arms a negative timeout
 * and never fires it, and an update to a negative time succeeds): the
 * negative-time cases are listed in tests/known-issues for it.
 */
#include <sys/mman.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("26578cda3db9", "", "ring.*splice_fd_in*",
			"io_uring: add ->splice_fd_in checks"),
		IOU_FIX("f6223ff79966", "", "ring.*timeout_negative_time_einval",
			"io_uring: Fix undefined-behaviour in io_issue_sqe"),
		IOU_FIX("2087009c74d4", "", "ring.update_negative_time_einval",
			"io_uring: validate timespec for timeout removals")));

FIXTURE(ring) {
	struct iou_ring r;
	struct __kernel_timespec ts;
	void *noaccess;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	/* long enough that an accepted timeout would not fire by itself */
	self->ts = iou_ts_ms(10000);
	self->noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->noaccess);
}

FIXTURE_TEARDOWN(ring)
{
	munmap(self->noaccess, 4096);
	iou_ring_exit(&self->r);
}

/* a TIMEOUT SQE to be spoiled by the caller */
static struct io_uring_sqe *timeout_sqe(struct iou_ring *r,
					const struct __kernel_timespec *ts,
					unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, ts, 0, flags);
	sqe->user_data = 0x77;
	return sqe;
}

/* NOP (ud 1) linked to a LINK_TIMEOUT SQE (ud 2) to be spoiled */
static struct io_uring_sqe *link_timeout_sqe(struct iou_ring *r,
					     const struct __kernel_timespec *ts,
					     unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, 1);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = iou_get_sqe(r);
	iou_prep_link_timeout(sqe, ts, flags);
	sqe->user_data = 2;
	return sqe;
}

static struct io_uring_sqe *remove_sqe(struct iou_ring *r, unsigned int flags,
				       const struct __kernel_timespec *ts)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	if (ts)
		iou_prep_timeout_update(sqe, ts, 0x1234, flags);
	else
		iou_prep_timeout_remove(sqe, 0x1234, flags);
	sqe->user_data = 0x78;
	return sqe;
}

/*
 * A refused SQE's CQE is posted before io_uring_enter returns, so it is
 * waited for only REFUSED_MS: an SQE the kernel wrongly accepts (a 10 s
 * timeout, or a negative one 5.10 arms and never fires) fails the case
 * then instead of after IOU_WAIT_MS.
 */
#define REFUSED_MS	1000

#define ASSERT_ONE(r, ud, res_) do {					\
	struct iou_cqe __c;						\
	ASSERT_EQ(1, iou_submit(r));					\
	ASSERT_EQ(1, iou_reap((r), &__c, 1, REFUSED_MS));		\
	ASSERT_CQE_AT(&__c, 0, (ud), (res_), 0);			\
	} while (0)

/* the link timeout is refused with res_, its target cancelled first */
#define ASSERT_LINK_REFUSED(r, res_) do {				\
	struct iou_cqe __c[2];						\
	ASSERT_EQ(2, iou_submit(r));					\
	ASSERT_EQ(2, iou_reap((r), __c, 2, REFUSED_MS));		\
	ASSERT_CQE_AT(__c, 0, 1, -ECANCELED, 0);			\
	ASSERT_CQE_AT(__c, 1, 2, (res_), 0);				\
	} while (0)

TEST_F(ring, timeout_unknown_flag_bits_einval)
{
	/*
	 * Bits no kernel defines (7.1 took bit 7 for
	 * IORING_TIMEOUT_IMMEDIATE_ARG, so the low free bits are not
	 * "unknown" for long).
	 */
	static const unsigned int bad[] = {
		1U << 24, 1U << 31,
		/* remove/update-only bits mean nothing to a timeout */
		IORING_TIMEOUT_UPDATE, IORING_LINK_TIMEOUT_UPDATE,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		timeout_sqe(&self->r, &self->ts, bad[i]);
		ASSERT_ONE(&self->r, 0x77, -EINVAL);
	}
}

TEST_F(ring, timeout_two_clocks_einval)
{
	timeout_sqe(&self->r, &self->ts, IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME);
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
}

TEST_F(ring, timeout_multishot_with_abs_einval)
{
	timeout_sqe(&self->r, &self->ts, IORING_TIMEOUT_MULTISHOT | IORING_TIMEOUT_ABS);
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
}

TEST_F(ring, timeout_len_other_than_one_einval)
{
	timeout_sqe(&self->r, &self->ts, 0)->len = 0;
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
	timeout_sqe(&self->r, &self->ts, 0)->len = 2;
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
}

TEST_F(ring, timeout_buf_index_einval)
{
	timeout_sqe(&self->r, &self->ts, 0)->buf_index = 1;
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
}

TEST_F(ring, timeout_splice_fd_in_einval)
{
	timeout_sqe(&self->r, &self->ts, 0)->splice_fd_in = 1;
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
}

TEST_F(ring, timeout_unreadable_timespec_efault)
{
	timeout_sqe(&self->r, NULL, 0);
	ASSERT_ONE(&self->r, 0x77, -EFAULT);
	timeout_sqe(&self->r, self->noaccess, 0);
	ASSERT_ONE(&self->r, 0x77, -EFAULT);
}

TEST_F(ring, timeout_negative_time_einval)
{
	struct __kernel_timespec neg_sec = { -1, 0 }, neg_nsec = { 0, -1 };

	timeout_sqe(&self->r, &neg_sec, 0);
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
	timeout_sqe(&self->r, &neg_nsec, 0);
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
	timeout_sqe(&self->r, &neg_sec, IORING_TIMEOUT_ABS);
	ASSERT_ONE(&self->r, 0x77, -EINVAL);
}

TEST_F(ring, link_timeout_bad_flags_einval)
{
	link_timeout_sqe(&self->r, &self->ts, 1U << 31);
	ASSERT_LINK_REFUSED(&self->r, -EINVAL);
	link_timeout_sqe(&self->r, &self->ts,
			 IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME);
	ASSERT_LINK_REFUSED(&self->r, -EINVAL);
	link_timeout_sqe(&self->r, &self->ts, IORING_TIMEOUT_UPDATE);
	ASSERT_LINK_REFUSED(&self->r, -EINVAL);
}

TEST_F(ring, link_timeout_with_a_count_einval)
{
	link_timeout_sqe(&self->r, &self->ts, 0)->off = 1;
	ASSERT_LINK_REFUSED(&self->r, -EINVAL);
}

TEST_F(ring, link_timeout_len_other_than_one_einval)
{
	link_timeout_sqe(&self->r, &self->ts, 0)->len = 2;
	ASSERT_LINK_REFUSED(&self->r, -EINVAL);
}

TEST_F(ring, link_timeout_unreadable_timespec_efault)
{
	link_timeout_sqe(&self->r, NULL, 0);
	ASSERT_LINK_REFUSED(&self->r, -EFAULT);
	link_timeout_sqe(&self->r, self->noaccess, 0);
	ASSERT_LINK_REFUSED(&self->r, -EFAULT);
}

TEST_F(ring, link_timeout_negative_time_einval)
{
	struct __kernel_timespec neg_sec = { -1, 0 }, neg_nsec = { 0, -1 };

	link_timeout_sqe(&self->r, &neg_sec, 0);
	ASSERT_LINK_REFUSED(&self->r, -EINVAL);
	link_timeout_sqe(&self->r, &neg_nsec, 0);
	ASSERT_LINK_REFUSED(&self->r, -EINVAL);
}

/* "The timeout remove command does not currently accept any flags" */
TEST_F(ring, remove_with_flags_but_no_update_einval)
{
	remove_sqe(&self->r, IORING_TIMEOUT_ABS, NULL);
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
	remove_sqe(&self->r, IORING_TIMEOUT_BOOTTIME, NULL);
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
	remove_sqe(&self->r, 1U << 31, NULL);
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
}

TEST_F(ring, remove_len_buf_index_or_splice_fd_in_einval)
{
	remove_sqe(&self->r, 0, NULL)->len = 1;
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
	remove_sqe(&self->r, 0, NULL)->buf_index = 1;
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
	remove_sqe(&self->r, 0, NULL)->splice_fd_in = 1;
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
}

TEST_F(ring, update_unreadable_timespec_efault)
{
	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE);
	remove_sqe(&self->r, IORING_TIMEOUT_UPDATE, NULL)->addr2 = 0;
	ASSERT_ONE(&self->r, 0x78, -EFAULT);
	remove_sqe(&self->r, IORING_TIMEOUT_UPDATE, self->noaccess);
	ASSERT_ONE(&self->r, 0x78, -EFAULT);
}

TEST_F(ring, update_negative_time_einval)
{
	struct __kernel_timespec neg_sec = { -1, 0 }, neg_nsec = { 0, -1 };

	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE);
	remove_sqe(&self->r, IORING_TIMEOUT_UPDATE, &neg_sec);
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
	remove_sqe(&self->r, IORING_TIMEOUT_UPDATE, &neg_nsec);
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
}

TEST_F(ring, update_two_clocks_einval)
{
	REQUIRE_TIMEOUT_UPDATE(IORING_TIMEOUT_UPDATE);
	remove_sqe(&self->r, IORING_TIMEOUT_UPDATE | IORING_TIMEOUT_BOOTTIME |
		   IORING_TIMEOUT_REALTIME, &self->ts);
	ASSERT_ONE(&self->r, 0x78, -EINVAL);
}

TEST_HARNESS_MAIN
