// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_TIMEOUT_IMMEDIATE_ARG (7.1): the time of a TIMEOUT is sqe->addr
 * itself, in nanoseconds, not a pointer to a timespec (and addr2 of a
 * timeout update likewise):
 *  - a relative time expires with -ETIME, not before it; 0 at once;
 *  - with IORING_TIMEOUT_ABS it is a CLOCK_MONOTONIC instant;
 *  - with a count it completes after that many other CQEs, res 0;
 *  - a time that is negative as a 64-bit number is -EINVAL;
 *  - an update with it moves a pending timeout to the new time;
 *  - a LINK_TIMEOUT takes it too: its target is cancelled in time.
 * The address bits never reach the user memory: an address that would
 * fault as a pointer is just a time.
 */
#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_TIMEOUT));

#define IMM	IORING_TIMEOUT_IMMEDIATE_ARG
#define NS_PER_MS	1000000ULL

FIXTURE(immediate) {
	struct iou_ring r;
};

FIXTURE_SETUP(immediate)
{
	REQUIRE_TIMEOUT_FLAGS(IMM);
	ASSERT_RES(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(immediate)
{
	iou_ring_exit(&self->r);
}

/* a TIMEOUT of ns nanoseconds given in addr itself */
static struct io_uring_sqe *queue_imm(struct iou_ring *r, __u64 ns, unsigned int count,
				      unsigned int flags, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_timeout(sqe, NULL, count, flags | IMM);
	sqe->addr = ns;
	sqe->user_data = ud;
	return sqe;
}

TEST_F(immediate, relative_time_expires_with_etime)
{
	unsigned int ms = iou_scaled_ms(20);
	uint64_t start = iou_now_ns();

	queue_imm(&self->r, ms * NS_PER_MS, 0, 0, 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ETIME));
	ASSERT_LE(ms, iou_ms_since(start));
}

TEST_F(immediate, zero_expires_at_once)
{
	queue_imm(&self->r, 0, 0, 0, 2);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, -ETIME));
}

TEST_F(immediate, address_bits_are_a_time_not_a_pointer)
{
	/* the faulting page's address, a few ms after boot: long past as ABS */
	__u64 addr = (__u64)(uintptr_t)iou_fault_ptr() & 0xffffff;

	queue_imm(&self->r, addr, 0, IORING_TIMEOUT_ABS, 3);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, -ETIME));
}

TEST_F(immediate, absolute_instant_on_the_monotonic_clock)
{
	struct timespec now;
	unsigned int ms = iou_scaled_ms(20);
	uint64_t start = iou_now_ns();

	ASSERT_SYSOK(clock_gettime(CLOCK_MONOTONIC, &now));
	queue_imm(&self->r, (__u64)now.tv_sec * 1000000000ULL + (__u64)now.tv_nsec +
		  ms * NS_PER_MS, 0, IORING_TIMEOUT_ABS, 4);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(4, -ETIME));
	ASSERT_LE(ms, iou_ms_since(start));
}

TEST_F(immediate, count_completes_after_other_cqes)
{
	/* an hour unless two other CQEs come first */
	queue_imm(&self->r, 3600ULL * 1000 * NS_PER_MS, 2, 0, 5);
	iou_queue_nop(&self->r, 6, 0);
	iou_queue_nop(&self->r, 7, 0);
	ASSERT_EQ(3, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(6, 0), IOU_CQE(7, 0), IOU_CQE(5, 0));
}

TEST_F(immediate, negative_time_is_einval)
{
	/* refused at submission: one at a time (a failed SQE ends the batch) */
	queue_imm(&self->r, 1ULL << 63, 0, 0, 8);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(8, -EINVAL));
	queue_imm(&self->r, ~0ULL, 0, IORING_TIMEOUT_ABS, 9);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(9, -EINVAL));
}

TEST_F(immediate, update_moves_a_pending_timeout)
{
	struct io_uring_sqe *sqe;
	uint64_t start = iou_now_ns();
	unsigned int pos[2];

	queue_imm(&self->r, 3600ULL * 1000 * NS_PER_MS, 0, 0, 0x10);
	ASSERT_EQ(1, iou_submit(&self->r));
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout_update(sqe, NULL, 0x10, IORING_TIMEOUT_UPDATE | IMM);
	sqe->addr2 = 0;		/* now */
	sqe->user_data = 0x11;
	ASSERT_EQ(1, iou_submit(&self->r));
	/* the timer may fire before the update's own CQE is posted */
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(0x11, 0), IOU_CQE(0x10, -ETIME));
	ASSERT_GT(IOU_TIMER_LATE_MS, iou_ms_since(start));
}

TEST_F(immediate, link_timeout_cancels_its_target)
{
	struct io_uring_sqe *sqe;
	static const struct __kernel_timespec hour = { .tv_sec = 3600 };
	unsigned int ms = iou_scaled_ms(20), pos[2];
	uint64_t start = iou_now_ns();

	/* a TIMEOUT of an hour as the target, cut at ms */
	iou_prep_timeout(sqe = iou_get_sqe(&self->r), &hour, 0, 0);
	sqe->user_data = 0x20;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_link_timeout(sqe, NULL, IMM);
	sqe->addr = ms * NS_PER_MS;
	sqe->user_data = 0x21;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(0x20, -ECANCELED), IOU_CQE(0x21, -ETIME));
	ASSERT_LE(ms, iou_ms_since(start));
}

TEST_HARNESS_MAIN
