// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FUTEX_WAITV (6.7) held to futex_waitv(2) on a table of
 * vectors: the same struct futex_waitv array and count (sqe->addr,
 * sqe->len) give the call's result in the CQE, inline and from io-wq.
 * When every value matches, both wait until one futex is woken and give
 * its index (the call in a thread, watched asleep in futex_waitv; the
 * request in a quiet window).  A value that differs is -EAGAIN; a count
 * of 0 or above 128 (FUTEX_WAITV_MAX), an entry with a size other than
 * U32, an unknown flag, a __reserved word, a value wider than 32 bits or
 * a misaligned address is -EINVAL, as are flags to the call (the opcode:
 * sqe->futex_flags; it has no other flags word; futex-reserved-sqe-fields
 * has the rest of its SQE); an unreadable vector or
 * a NULL futex address is -EFAULT.  Entries may mix private and shared
 * futexes: each is woken only by its own kind.
 */
#include <pthread.h>
#include <sys/mman.h>

#include "iou.h"
#include "iou_futex.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FUTEX_WAITV));

#define U32P		(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)
#define MAXV		129
#define WAITS		1	/* twin_res of a row whose values all match */

enum change {
	NONE, MISMATCH, SIZE_U8, UNKNOWN_FLAG, RESERVED, WIDE_VALUE, MISALIGNED,
	NULL_ADDR, SHARED, VECTOR_FAULT, CALL_FLAGS,
};

FIXTURE(waitv) {
	struct iou_ring r;
	uint32_t *words;	/* MAXV of them, in a page of their own */
	struct futex_waitv *v;
};

FIXTURE_VARIANT(waitv) {
	int twin_res;		/* futex_waitv(2)'s result, or WAITS */
	unsigned int nr;	/* entries built */
	bool zero_count;	/* pass a count of 0 instead of nr */
	enum change change;
	unsigned int at;	/* the entry changed */
	unsigned int wake;	/* the entry woken in a WAITS row */
};

#define ROW(name, ...) FIXTURE_VARIANT_ADD(waitv, name) { __VA_ARGS__ }

ROW(one_entry_woken, .twin_res = WAITS, .nr = 1, .wake = 0);
ROW(third_of_four_woken, .twin_res = WAITS, .nr = 4, .wake = 2);
ROW(last_of_128_woken, .twin_res = WAITS, .nr = 128, .wake = 127);
ROW(shared_entry_woken, .twin_res = WAITS, .nr = 3, .change = SHARED, .at = 1, .wake = 1);
ROW(second_value_differs, .twin_res = -EAGAIN, .nr = 3, .change = MISMATCH, .at = 1);
ROW(count_zero, .twin_res = -EINVAL, .nr = 2, .zero_count = true);
ROW(count_129, .twin_res = -EINVAL, .nr = 129);
ROW(entry_size_u8, .twin_res = -EINVAL, .nr = 2, .change = SIZE_U8, .at = 1);
ROW(entry_unknown_flag, .twin_res = -EINVAL, .nr = 2, .change = UNKNOWN_FLAG, .at = 0);
ROW(entry_reserved_set, .twin_res = -EINVAL, .nr = 2, .change = RESERVED, .at = 1);
ROW(entry_value_wider_than_u32, .twin_res = -EINVAL, .nr = 2, .change = WIDE_VALUE, .at = 0);
ROW(entry_misaligned, .twin_res = -EINVAL, .nr = 2, .change = MISALIGNED, .at = 1);
ROW(entry_null_address, .twin_res = -EFAULT, .nr = 2, .change = NULL_ADDR, .at = 1);
ROW(vector_unreadable, .twin_res = -EFAULT, .nr = 2, .change = VECTOR_FAULT);
ROW(flags_set, .twin_res = -EINVAL, .nr = 2, .change = CALL_FLAGS);

FIXTURE_SETUP(waitv)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->words = mmap(NULL, IOU_PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->words);
	self->v = calloc(MAXV, sizeof(*self->v));
	ASSERT_NE(NULL, self->v);
}

FIXTURE_TEARDOWN(waitv)
{
	iou_ring_exit(&self->r);
	munmap(self->words, IOU_PAGE_SIZE);
	free(self->v);
}

/* the row's vector: entry i waits on words[i] == 0, private U32, but for .at */
static void build(FIXTURE_DATA(waitv) *self, const FIXTURE_VARIANT(waitv) *row)
{
	memset(self->words, 0, MAXV * sizeof(*self->words));
	memset(self->v, 0, MAXV * sizeof(*self->v));
	for (unsigned int i = 0; i < row->nr; i++) {
		self->v[i].uaddr = (__u64)(uintptr_t)&self->words[i];
		self->v[i].flags = U32P;
	}
	struct futex_waitv *e = &self->v[row->at];

	switch (row->change) {
	case MISMATCH:
		self->words[row->at] = 1;
		break;
	case SIZE_U8:
		e->flags = FUTEX2_SIZE_U8 | FUTEX2_PRIVATE;
		break;
	case UNKNOWN_FLAG:
		e->flags |= 0x10;
		break;
	case RESERVED:
		e->__reserved = 1;
		break;
	case WIDE_VALUE:
		e->val = 1ULL << 32;
		break;
	case MISALIGNED:
		e->uaddr += 2;
		break;
	case NULL_ADDR:
		e->uaddr = 0;
		break;
	case SHARED:
		e->flags = FUTEX2_SIZE_U32;
		break;
	default:
		break;
	}
}

static struct futex_waitv *row_vector(FIXTURE_DATA(waitv) *self,
				      const FIXTURE_VARIANT(waitv) *row)
{
	return row->change == VECTOR_FAULT ? iou_fault_ptr() : self->v;
}

/* wake the row's chosen entry: exactly one waiter there */
static void wake_entry(struct __test_metadata *_metadata, FIXTURE_DATA(waitv) *self,
		       const FIXTURE_VARIANT(waitv) *row)
{
	unsigned int flags = self->v[row->wake].flags;

	ASSERT_RES(1, iou_sys_futex_wake(&self->words[row->wake], FUTEX_BITSET_MATCH_ANY, 1,
					 flags));
}

struct sleeper {
	struct futex_waitv *v;
	unsigned int nr;
	int tid;
	int res;
};

static void *sleeper_fn(void *arg)
{
	struct sleeper *s = arg;

	s->tid = (int)syscall(SYS_gettid);
	s->res = iou_sys_futex_waitv(s->v, s->nr, 0, IOU_WAIT_MS);
	return NULL;
}

/* futex_waitv(2) of a WAITS row, asleep in a thread until the entry is woken */
static int twin_waiting(struct __test_metadata *_metadata, FIXTURE_DATA(waitv) *self,
			const FIXTURE_VARIANT(waitv) *row)
{
	struct sleeper s = { .v = self->v, .nr = row->nr, .tid = 0, .res = INT32_MIN };
	pthread_t th;
	uint64_t start = iou_now_ns();

	if (pthread_create(&th, NULL, sleeper_fn, &s))
		return INT32_MIN;
	while (!__atomic_load_n(&s.tid, __ATOMIC_ACQUIRE) && iou_ms_since(start) < IOU_WAIT_MS)
		usleep(1000);
	if (!iou_wait_sleeps_in(s.tid, __NR_futex_waitv, IOU_WAIT_MS))
		TH_LOG("the futex_waitv thread never slept in futex_waitv");
	wake_entry(_metadata, self, row);
	pthread_join(th, NULL);
	return s.res;
}

TEST_F(waitv, matches_futex_waitv)
{
	unsigned int nr = variant->zero_count ? 0 : variant->nr;
	unsigned int flags = variant->change == CALL_FLAGS ? 1 : 0;
	int twin, expect;

	build(self, variant);
	if (variant->twin_res == WAITS) {
		twin = twin_waiting(_metadata, self, variant);
		ASSERT_RES((int)variant->wake, twin);
	} else {
		twin = iou_sys_futex_waitv(row_vector(self, variant), nr, flags, IOU_WAIT_MS);
		ASSERT_RES(variant->twin_res, twin);
	}
	expect = twin;

	for (unsigned int side = 0; side < 2; side++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
		__u64 ud = 0x3a17f000ULL + side;

		build(self, variant);
		iou_prep_futex_waitv(sqe, row_vector(self, variant), nr, flags);
		sqe->user_data = ud;
		sqe->flags = side ? IOSQE_ASYNC : 0;
		ASSERT_EQ(1, iou_submit(&self->r));
		if (variant->twin_res == WAITS) {
			ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
			wake_entry(_metadata, self, variant);
		}
		IOU_EXPECT_CQES(&self->r, IOU_CQE(ud, expect));
	}
}

TEST_HARNESS_MAIN
