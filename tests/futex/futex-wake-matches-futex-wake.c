// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FUTEX_WAKE (6.7) held to futex_wake(2) on a table: the same
 * waiters (FUTEX_WAIT requests of a second ring, each with its own mask
 * and kind), woken with the same count (sqe->addr2), mask (addr3) and
 * FUTEX2_* flags (fd), by the call, by the opcode inline and by the
 * opcode from io-wq.  res is the number woken, and the same waiters wake:
 * the oldest first, only those whose mask overlaps and whose kind
 * (private or shared) matches.  A count of 0 wakes nobody and gives 0
 * (FLAGS_STRICT, as futex_wake(2); the legacy FUTEX_WAKE_BITSET takes 0
 * as 1).  A zero mask, a size other than U32, an unknown flag or a mask
 * wider than 32 bits is -EINVAL, a misaligned word -EINVAL; an unmapped
 * word is -EFAULT for a shared futex but 0 for a private one, whose key
 * is only the address (get_futex_key() reads nothing).  Where the legacy
 * call can express a row it agrees too.
 */
#include <sys/mman.h>

#include "iou.h"
#include "iou_futex.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FUTEX_WAIT, IORING_OP_FUTEX_WAKE));

#define ANY		FUTEX_BITSET_MATCH_ANY
#define U32P		(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)
#define MAXW		4
#define WAITER_UD(i)	(0x3a17000000000000ULL + (i))

enum addr_kind { ADDR_WORD, ADDR_MISALIGNED, ADDR_NULL };

FIXTURE(wake) {
	struct iou_ring r, waiters;
	uint32_t *word;
};

FIXTURE_VARIANT(wake) {
	int twin_res;			/* futex_wake(2)'s result */
	unsigned int woken;		/* bit i: waiter i wakes */
	unsigned int nr_waiters;
	uint32_t wmask[MAXW];		/* each waiter's mask (0: ANY) */
	unsigned int wflags;		/* the waiters' kind (0: private U32) */
	int nr;
	uint64_t mask;
	unsigned int flags;
	enum addr_kind addr;
	bool legacy;			/* FUTEX_WAKE_BITSET can express it */
};

#define ROW(name, ...) FIXTURE_VARIANT_ADD(wake, name) { __VA_ARGS__ }

ROW(nobody_waiting, .twin_res = 0, .nr = 1, .mask = ANY, .flags = U32P, .legacy = true);
ROW(one_of_three, .twin_res = 1, .woken = 0x1, .nr_waiters = 3, .nr = 1, .mask = ANY,
    .flags = U32P, .legacy = true);
ROW(two_of_three_oldest_first, .twin_res = 2, .woken = 0x3, .nr_waiters = 3, .nr = 2,
    .mask = ANY, .flags = U32P, .legacy = true);
ROW(more_than_waiting, .twin_res = 3, .woken = 0x7, .nr_waiters = 3, .nr = 100,
    .mask = ANY, .flags = U32P, .legacy = true);
ROW(count_zero_wakes_nobody, .twin_res = 0, .nr_waiters = 2, .nr = 0, .mask = ANY,
    .flags = U32P);
ROW(mask_selects_waiters, .twin_res = 2, .woken = 0x5, .nr_waiters = 3,
    .wmask = { 0x1, 0x2, 0x4 }, .nr = 100, .mask = 0x5, .flags = U32P, .legacy = true);
ROW(shared_waiters_shared_wake, .twin_res = 2, .woken = 0x3, .nr_waiters = 2,
    .wflags = FUTEX2_SIZE_U32, .nr = 5, .mask = ANY, .flags = FUTEX2_SIZE_U32,
    .legacy = true);
ROW(private_waiters_shared_wake, .twin_res = 0, .nr_waiters = 2, .nr = 5, .mask = ANY,
    .flags = FUTEX2_SIZE_U32, .legacy = true);
ROW(mask_zero, .twin_res = -EINVAL, .nr_waiters = 1, .nr = 1, .mask = 0, .flags = U32P,
    .legacy = true);
ROW(mask_wider_than_u32, .twin_res = -EINVAL, .nr_waiters = 1, .nr = 1,
    .mask = 1ULL << 32 | ANY, .flags = U32P);
ROW(size_u8, .twin_res = -EINVAL, .nr_waiters = 1, .nr = 1, .mask = ANY,
    .flags = FUTEX2_SIZE_U8 | FUTEX2_PRIVATE);
ROW(size_u64, .twin_res = -EINVAL, .nr_waiters = 1, .nr = 1, .mask = ANY,
    .flags = FUTEX2_SIZE_U64 | FUTEX2_PRIVATE);
ROW(unknown_flag, .twin_res = -EINVAL, .nr_waiters = 1, .nr = 1, .mask = ANY,
    .flags = U32P | 0x10);
ROW(misaligned_word, .twin_res = -EINVAL, .nr = 1, .mask = ANY, .flags = U32P,
    .addr = ADDR_MISALIGNED, .legacy = true);
ROW(null_word_private, .twin_res = 0, .nr = 1, .mask = ANY, .flags = U32P,
    .addr = ADDR_NULL, .legacy = true);
ROW(null_word_shared, .twin_res = -EFAULT, .nr = 1, .mask = ANY, .flags = FUTEX2_SIZE_U32,
    .addr = ADDR_NULL, .legacy = true);

FIXTURE_SETUP(wake)
{
	REQUIRE_FUTEX2_SYSCALLS();
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, iou_ring_init(&self->waiters, 16, 0));
	self->word = mmap(NULL, IOU_PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->word);
}

FIXTURE_TEARDOWN(wake)
{
	iou_ring_exit(&self->r);
	iou_ring_exit(&self->waiters);
	munmap(self->word, IOU_PAGE_SIZE);
}

static unsigned int waiter_flags(const FIXTURE_VARIANT(wake) *v)
{
	return v->wflags ? v->wflags : U32P;
}

/* arm the row's waiters, oldest first; none completes */
static void arm(struct __test_metadata *_metadata, FIXTURE_DATA(wake) *self,
		const FIXTURE_VARIANT(wake) *v)
{
	for (unsigned int i = 0; i < v->nr_waiters; i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&self->waiters);

		iou_prep_futex_wait(sqe, self->word, 0, v->wmask[i] ? v->wmask[i] : ANY,
				    waiter_flags(v), 0);
		sqe->user_data = WAITER_UD(i);
		ASSERT_EQ(1, iou_submit(&self->waiters));
	}
	/* a wait is armed inline: one that failed would have posted by now */
	ASSERT_EQ(0u, iou_cq_ready(&self->waiters));
}

/* exactly the row's waiters woke (res 0); then release and reap the rest */
static void check_woken(struct __test_metadata *_metadata, FIXTURE_DATA(wake) *self,
			const FIXTURE_VARIANT(wake) *v, const char *side)
{
	struct iou_cqe c[MAXW];
	unsigned int n = (unsigned int)__builtin_popcount(v->woken), rest;
	int got = n ? iou_reap(&self->waiters, c, n, IOU_WAIT_MS) : 0;

	ASSERT_EQ((int)n, got);
	for (unsigned int i = 0; i < v->nr_waiters; i++) {
		if (v->woken & (1u << i)) {
			if (iou_cqe_index(c, got, WAITER_UD(i)) < 0)
				TH_LOG("%s: waiter %u did not wake", side, i);
			ASSERT_CQE_UD(c, got, WAITER_UD(i), 0, 0);
		}
	}
	ASSERT_NO_CQE(&self->waiters, IOU_QUIET_MS);
	rest = v->nr_waiters - n;
	if (rest) {
		ASSERT_RES((int)rest, iou_sys_futex_wake(self->word, ANY, MAXW,
							 waiter_flags(v)));
		ASSERT_EQ((int)rest, iou_reap(&self->waiters, c, rest, IOU_WAIT_MS));
	}
}

TEST_F(wake, matches_futex_wake)
{
	void *addr =
		variant->addr == ADDR_MISALIGNED ? (char *)self->word + 2 :
		variant->addr == ADDR_NULL ? NULL : (void *)self->word;
	int twin;

	*self->word = 0;
	arm(_metadata, self, variant);
	twin = iou_sys_futex_wake(addr, variant->mask, variant->nr, variant->flags);
	ASSERT_RES(variant->twin_res, twin);
	check_woken(_metadata, self, variant, "futex_wake(2)");

	if (variant->legacy) {
		arm(_metadata, self, variant);
		ASSERT_RES(twin, iou_sys_futex_wake_bitset(addr, variant->nr,
							   (uint32_t)variant->mask,
							   variant->flags & FUTEX2_PRIVATE));
		check_woken(_metadata, self, variant, "FUTEX_WAKE_BITSET");
	}

	for (unsigned int side = 0; side < 2; side++) {
		struct io_uring_sqe *sqe;
		__u64 ud = 0x3a4e0000ULL + side;

		arm(_metadata, self, variant);
		sqe = iou_get_sqe(&self->r);
		iou_prep_futex_wake(sqe, addr, (__u64)variant->nr, variant->mask,
				    variant->flags, 0);
		sqe->user_data = ud;
		sqe->flags = side ? IOSQE_ASYNC : 0;
		ASSERT_EQ(1, iou_submit(&self->r));
		IOU_EXPECT_CQES(&self->r, IOU_CQE(ud, twin));
		check_woken(_metadata, self, variant, side ? "opcode from io-wq" : "opcode");
	}
}

TEST_HARNESS_MAIN
