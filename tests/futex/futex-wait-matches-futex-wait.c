// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FUTEX_WAIT (6.7) held to futex_wait(2), and where the legacy
 * call can express the row (a 32-bit size, value and mask) to futex(2)
 * FUTEX_WAIT_BITSET, on a table of inputs: the same futex word, value,
 * mask and FUTEX2_* flags (in sqe->fd) give the call's result in the CQE,
 * inline and from io-wq.  A value that no longer matches is -EAGAIN; a
 * zero mask, a size other than FUTEX2_SIZE_U32 (the only one implemented:
 * futex_flags_valid()), an unknown flag, a value or mask wider than the
 * size, or a misaligned word is -EINVAL; an unmapped word -EFAULT.  A
 * matching value waits: the call times out, the request stays pending
 * (checked in a quiet window) until a futex_wake(2) with an overlapping
 * mask wakes it (that call counts it) and completes it with 0.
 *
 * Then, in every ring mode: a wait is woken only by a wake of the same
 * kind (a private futex and a shared one are different keys even on the
 * same word) and with an overlapping mask, a changed value alone does
 * not complete it, and a FUTEX_WAKE on the same ring counts and wakes it.
 *
 * A failing FUTEX_WAIT freed its async data without clearing it, a double
 * free on the request's reuse, until 508c1314b342 (6.17; 6.12.44, 6.16.4).
 */
#include <sys/mman.h>

#include "iou.h"
#include "iou_futex.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FUTEX_WAIT),
	     .fixes = IOU_FIXES(IOU_FIX("508c1314b342", "CVE-2025-39698", "",
					"io_uring/futex: ensure io_futex_wait() cleans up properly on failure")),
	     .unsafe = "a failing FUTEX_WAIT double-frees its async data before 6.12.44/6.16.4");

#define ANY		FUTEX_BITSET_MATCH_ANY
#define U32P		(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)
/* twin_res of a row whose value matches: the call times out, the opcode waits */
#define WAITS		1

enum addr_kind { ADDR_WORD, ADDR_MISALIGNED, ADDR_NULL, ADDR_FAULT };

FIXTURE(wait) {
	struct iou_ring r;
	uint32_t *word;		/* in a page of its own */
};

FIXTURE_VARIANT(wait) {
	int twin_res;		/* futex_wait(2)'s result, or WAITS */
	uint32_t word;
	uint64_t val, mask;
	unsigned int flags;
	enum addr_kind addr;
	bool legacy;		/* FUTEX_WAIT_BITSET can express it */
};

#define ROW(name, ...) FIXTURE_VARIANT_ADD(wait, name) { __VA_ARGS__ }

ROW(value_mismatch_private, .twin_res = -EAGAIN, .word = 1, .val = 0, .mask = ANY,
    .flags = U32P, .legacy = true);
ROW(value_mismatch_shared, .twin_res = -EAGAIN, .word = 1, .val = 0, .mask = ANY,
    .flags = FUTEX2_SIZE_U32, .legacy = true);
ROW(value_matches_private, .twin_res = WAITS, .word = 5, .val = 5, .mask = ANY,
    .flags = U32P, .legacy = true);
ROW(value_matches_shared, .twin_res = WAITS, .word = 5, .val = 5, .mask = ANY,
    .flags = FUTEX2_SIZE_U32, .legacy = true);
ROW(value_matches_one_bit_mask, .twin_res = WAITS, .word = 0, .val = 0, .mask = 0x4,
    .flags = U32P, .legacy = true);
ROW(mask_zero, .twin_res = -EINVAL, .word = 0, .val = 0, .mask = 0,
    .flags = U32P, .legacy = true);
ROW(size_u8, .twin_res = -EINVAL, .word = 0, .val = 0, .mask = ANY,
    .flags = FUTEX2_SIZE_U8 | FUTEX2_PRIVATE);
ROW(size_u16, .twin_res = -EINVAL, .word = 0, .val = 0, .mask = ANY,
    .flags = FUTEX2_SIZE_U16 | FUTEX2_PRIVATE);
ROW(size_u64, .twin_res = -EINVAL, .word = 0, .val = 0, .mask = ANY,
    .flags = FUTEX2_SIZE_U64 | FUTEX2_PRIVATE);
ROW(unknown_flag, .twin_res = -EINVAL, .word = 0, .val = 0, .mask = ANY,
    .flags = U32P | 0x10);
ROW(value_wider_than_u32, .twin_res = -EINVAL, .word = 0, .val = 1ULL << 32, .mask = ANY,
    .flags = U32P);
ROW(mask_wider_than_u32, .twin_res = -EINVAL, .word = 0, .val = 0, .mask = 1ULL << 32 | 1,
    .flags = U32P);
ROW(misaligned_word, .twin_res = -EINVAL, .word = 0, .val = 0, .mask = ANY,
    .flags = U32P, .addr = ADDR_MISALIGNED, .legacy = true);
ROW(null_word, .twin_res = -EFAULT, .word = 0, .val = 0, .mask = ANY,
    .flags = U32P, .addr = ADDR_NULL, .legacy = true);
ROW(unmapped_word, .twin_res = -EFAULT, .word = 0, .val = 0, .mask = ANY,
    .flags = U32P, .addr = ADDR_FAULT, .legacy = true);

FIXTURE_SETUP(wait)
{
	REQUIRE_FUTEX2_SYSCALLS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->word = mmap(NULL, IOU_PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->word);
}

FIXTURE_TEARDOWN(wait)
{
	iou_ring_exit(&self->r);
	munmap(self->word, IOU_PAGE_SIZE);
}

static void *row_addr(FIXTURE_DATA(wait) *self, const FIXTURE_VARIANT(wait) *v)
{
	switch (v->addr) {
	case ADDR_MISALIGNED:
		return (char *)self->word + 2;
	case ADDR_NULL:
		return NULL;
	case ADDR_FAULT:
		return iou_fault_ptr();
	default:
		return self->word;
	}
}

/* the wake a waiting row is released by: it must count exactly one */
static void wake_one(struct __test_metadata *_metadata, void *addr,
		     const FIXTURE_VARIANT(wait) *v)
{
	ASSERT_RES(1, iou_sys_futex_wake(addr, v->mask, 1, v->flags));
}

TEST_F(wait, matches_futex_wait)
{
	void *addr = row_addr(self, variant);
	unsigned int quiet = IOU_QUIET_MS;
	int twin;

	*self->word = variant->word;
	twin = iou_sys_futex_wait(addr, variant->val, variant->mask, variant->flags,
				  variant->twin_res == WAITS ? quiet : IOU_WAIT_MS);
	ASSERT_RES(variant->twin_res == WAITS ? -ETIMEDOUT : variant->twin_res, twin);
	if (variant->legacy) {
		int legacy = iou_sys_futex_wait_bitset(addr, (uint32_t)variant->val,
						       (uint32_t)variant->mask,
						       variant->flags & FUTEX2_PRIVATE,
						       variant->twin_res == WAITS ? quiet : IOU_WAIT_MS);

		ASSERT_RES(twin, legacy);
	}

	for (unsigned int side = 0; side < 2; side++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
		__u64 ud = 0xf00d0000ULL + side;

		iou_prep_futex_wait(sqe, addr, variant->val, variant->mask, variant->flags, 0);
		sqe->user_data = ud;
		sqe->flags = side ? IOSQE_ASYNC : 0;
		ASSERT_EQ(1, iou_submit(&self->r));
		if (variant->twin_res == WAITS) {
			ASSERT_NO_CQE(&self->r, quiet);
			wake_one(_metadata, addr, variant);
			IOU_EXPECT_CQES(&self->r, IOU_CQE(ud, 0));
		} else {
			IOU_EXPECT_CQES(&self->r, IOU_CQE(ud, twin));
		}
	}
}

/* ---- which wake releases a wait, in every ring mode ------------------------ */

FIXTURE(woken) {
	struct iou_ring r;
	uint32_t word;
};

FIXTURE_VARIANT(woken) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE woken
#include "iou_modes.h"

FIXTURE_SETUP(woken)
{
	REQUIRE_FUTEX2_SYSCALLS();
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
	self->word = 0;
}

FIXTURE_TEARDOWN(woken)
{
	iou_ring_exit(&self->r);
}

static void queue_wait(struct __test_metadata *_metadata, struct iou_ring *r,
		       uint32_t *word, uint64_t mask, unsigned int flags, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_futex_wait(sqe, word, *word, mask, flags, 0);
	sqe->user_data = ud;
	ASSERT_EQ(1, iou_submit(r));
	ASSERT_NO_CQE(r, IOU_QUIET_MS);
}

TEST_F(woken, private_wait_ignores_shared_wake)
{
	queue_wait(_metadata, &self->r, &self->word, ANY, U32P, 1);
	ASSERT_RES(0, iou_sys_futex_wake(&self->word, ANY, 1, FUTEX2_SIZE_U32));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_RES(1, iou_sys_futex_wake(&self->word, ANY, 1, U32P));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
}

TEST_F(woken, shared_wait_ignores_private_wake)
{
	queue_wait(_metadata, &self->r, &self->word, ANY, FUTEX2_SIZE_U32, 2);
	ASSERT_RES(0, iou_sys_futex_wake(&self->word, ANY, 1, U32P));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_RES(1, iou_sys_futex_wake_bitset(&self->word, 1, ANY, false));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
}

TEST_F(woken, wake_with_disjoint_mask_passes_it_by)
{
	queue_wait(_metadata, &self->r, &self->word, 0x1, U32P, 3);
	ASSERT_RES(0, iou_sys_futex_wake(&self->word, 0x6, 1, U32P));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_RES(1, iou_sys_futex_wake_bitset(&self->word, 1, 0x3, true));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, 0));
}

TEST_F(woken, changed_value_alone_does_not_complete_it)
{
	queue_wait(_metadata, &self->r, &self->word, ANY, U32P, 4);
	__atomic_store_n(&self->word, 7, __ATOMIC_SEQ_CST);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_RES(1, iou_sys_futex_wake(&self->word, ANY, 1, U32P));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(4, 0));
}

TEST_F(woken, futex_wake_on_the_same_ring_wakes_it)
{
	struct io_uring_sqe *sqe;
	unsigned int pos[2];

	queue_wait(_metadata, &self->r, &self->word, ANY, U32P, 5);
	sqe = iou_get_sqe(&self->r);
	iou_prep_futex_wake(sqe, &self->word, 1, ANY, U32P, 0);
	sqe->user_data = 6;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(6, 1), IOU_CQE(5, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
