// SPDX-License-Identifier: GPL-2.0
/*
 * A waiting FUTEX_WAIT or FUTEX_WAITV is found by IORING_OP_ASYNC_CANCEL
 * (by user_data, bits above 31 included) and by IORING_REGISTER_SYNC_CANCEL:
 * the cancel gives 1, the waiter exactly one CQE with -ECANCELED, and it
 * is off the futex (a later wake finds nobody).
 *
 * Doc discrepancy: io_uring_prep_cancel(3) and io_uring_register(2) give 0
 * for a request found and cancelled, as poll, timeout and io-wq requests
 * get; a futex (and a WAITID) request gets the count io_cancel_remove()
 * returns, 1, even without IORING_ASYNC_CANCEL_ALL (io_try_cancel() passes
 * it through; every kernel from 6.7 to 7.3).  A wait already woken is
 * not found: -ENOENT.  In every ring mode (io_futex_cancel() completes
 * the waiter as task work, which DEFER_TASKRUN runs when the ring waits).
 */
#include "iou.h"
#include "iou_futex.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FUTEX_WAIT, IORING_OP_FUTEX_WAITV,
				IORING_OP_ASYNC_CANCEL));

#define U32P		(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)
#define WAIT_UD		0xf0e1d2c300000011ULL
#define CANCEL_UD	0xcace100000000022ULL

FIXTURE(cancel) {
	struct iou_ring r;
	uint32_t words[2];
	struct futex_waitv v[2];
};

FIXTURE_VARIANT(cancel) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE cancel
#include "iou_modes.h"

FIXTURE_SETUP(cancel)
{
	REQUIRE_FUTEX2_SYSCALLS();
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
	memset(self->words, 0, sizeof(self->words));
	memset(self->v, 0, sizeof(self->v));
	for (unsigned int i = 0; i < 2; i++) {
		self->v[i].uaddr = (__u64)(uintptr_t)&self->words[i];
		self->v[i].flags = U32P;
	}
}

FIXTURE_TEARDOWN(cancel)
{
	iou_ring_exit(&self->r);
}

/* queue a waiting FUTEX_WAIT (vector false) or FUTEX_WAITV; it stays pending */
static void queue_waiter(struct __test_metadata *_metadata, FIXTURE_DATA(cancel) *self,
			 bool vector)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	if (vector)
		iou_prep_futex_waitv(sqe, self->v, 2, 0);
	else
		iou_prep_futex_wait(sqe, &self->words[0], 0, FUTEX_BITSET_MATCH_ANY, U32P, 0);
	sqe->user_data = WAIT_UD;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

/* nobody waits on the futexes any more */
static void no_waiter_left(struct __test_metadata *_metadata, FIXTURE_DATA(cancel) *self)
{
	for (unsigned int i = 0; i < 2; i++)
		ASSERT_RES(0, iou_sys_futex_wake(&self->words[i], FUTEX_BITSET_MATCH_ANY, 1, U32P));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

static void queue_cancel(struct iou_ring *r)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_cancel(sqe, WAIT_UD, 0);
	sqe->user_data = CANCEL_UD;
}

static void async_cancel(struct __test_metadata *_metadata, FIXTURE_DATA(cancel) *self,
			 bool vector)
{
	unsigned int pos[2];

	queue_waiter(_metadata, self, vector);
	queue_cancel(&self->r);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(CANCEL_UD, 1), IOU_CQE(WAIT_UD, -ECANCELED));
	no_waiter_left(_metadata, self);
}

TEST_F(cancel, async_cancel_finds_futex_wait)
{
	async_cancel(_metadata, self, false);
}

TEST_F(cancel, async_cancel_finds_futex_waitv)
{
	async_cancel(_metadata, self, true);
}

static void sync_cancel(struct __test_metadata *_metadata, FIXTURE_DATA(cancel) *self,
			bool vector)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_SYNC_CANCEL);
	queue_waiter(_metadata, self, vector);
	ASSERT_RES(1, iou_sync_cancel_ud(&self->r, WAIT_UD));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(WAIT_UD, -ECANCELED));
	no_waiter_left(_metadata, self);
}

TEST_F(cancel, sync_cancel_finds_futex_wait)
{
	sync_cancel(_metadata, self, false);
}

TEST_F(cancel, sync_cancel_finds_futex_waitv)
{
	sync_cancel(_metadata, self, true);
}

TEST_F(cancel, woken_waitv_is_no_longer_found)
{
	queue_waiter(_metadata, self, true);
	ASSERT_RES(1, iou_sys_futex_wake(&self->words[1], FUTEX_BITSET_MATCH_ANY, 1, U32P));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(WAIT_UD, 1));
	queue_cancel(&self->r);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(CANCEL_UD, -ENOENT));
	no_waiter_left(_metadata, self);
}

TEST_HARNESS_MAIN
