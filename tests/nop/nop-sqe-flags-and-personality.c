// SPDX-License-Identifier: GPL-2.0
/*
 * The per-request words every opcode shares, on a NOP (io_init_req()):
 *
 *  - IOSQE_* flags, each alone and combined: FIXED_FILE is ignored (a NOP
 *    needs no file), IO_DRAIN, IO_LINK and IO_HARDLINK on a lone request
 *    complete it as usual, ASYNC runs it in an io-wq worker (one exists
 *    afterwards), CQE_SKIP_SUCCESS posts nothing for a success but the
 *    CQE of a failure; BUFFER_SELECT is -EOPNOTSUPP (a NOP selects no
 *    buffer); IO_DRAIN in the SQE that also sets CQE_SKIP_SUCCESS is
 *    -EOPNOTSUPP (the skip disables draining first); a bit outside the
 *    seven is -EINVAL, whatever else is set.
 *  - sqe->personality: an id never registered, or unregistered again, is
 *    -EINVAL; a registered one runs (inline and from io-wq);
 *  - sqe->ioprio: -EINVAL, as for every opcode whose table entry has no
 *    .ioprio (MSG_RING, FUTEX_WAKE and WAITID checked here too;
 *    rw/rw-ioprio-matches-ioprio-set covers those that have it).
 *
 * Read from io_uring/io_uring.c of 6.12 and 7.3 (SQE_VALID_FLAGS is the
 * same seven bits).
 */
#include <sys/wait.h>

#include "iou.h"
#include "iou_futex.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_NOP));

#define UD		0x5e0f1a9500000001ULL
#define NO_CQE		1	/* res of a row whose success posts nothing */

FIXTURE(flags) {
	struct iou_ring r;
};

FIXTURE_VARIANT(flags) {
	unsigned int sqe_flags;
	int res;		/* the CQE's res, or NO_CQE */
};

#define ROW(name, f, r) FIXTURE_VARIANT_ADD(flags, name) { .sqe_flags = (f), .res = (r) }

ROW(none, 0, 0);
ROW(fixed_file, IOSQE_FIXED_FILE, 0);
ROW(io_drain, IOSQE_IO_DRAIN, 0);
ROW(io_link, IOSQE_IO_LINK, 0);
ROW(io_hardlink, IOSQE_IO_HARDLINK, 0);
ROW(async, IOSQE_ASYNC, 0);
ROW(buffer_select, IOSQE_BUFFER_SELECT, -EOPNOTSUPP);
ROW(cqe_skip_success, IOSQE_CQE_SKIP_SUCCESS, NO_CQE);
ROW(async_drain_fixed_file, IOSQE_ASYNC | IOSQE_IO_DRAIN | IOSQE_FIXED_FILE, 0);
ROW(link_and_hardlink, IOSQE_IO_LINK | IOSQE_IO_HARDLINK, 0);
ROW(async_cqe_skip_success, IOSQE_ASYNC | IOSQE_CQE_SKIP_SUCCESS, NO_CQE);
ROW(link_cqe_skip_success, IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS, NO_CQE);
ROW(drain_with_cqe_skip_success, IOSQE_IO_DRAIN | IOSQE_CQE_SKIP_SUCCESS, -EOPNOTSUPP);
ROW(async_buffer_select, IOSQE_ASYNC | IOSQE_BUFFER_SELECT, -EOPNOTSUPP);
ROW(bit_7, 1u << 7, -EINVAL);
ROW(bit_7_with_valid_flags, 1u << 7 | IOSQE_ASYNC | IOSQE_IO_LINK, -EINVAL);
ROW(bit_7_with_buffer_select, 1u << 7 | IOSQE_BUFFER_SELECT, -EINVAL);

FIXTURE_SETUP(flags)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(flags)
{
	iou_ring_exit(&self->r);
}

TEST_F(flags, nop_completes_as_the_flags_say)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_nop(sqe, UD);
	sqe->flags = (__u8)variant->sqe_flags;
	ASSERT_EQ(1, iou_submit(&self->r));
	if (variant->res == NO_CQE)
		ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	else
		IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, variant->res));
	/* the ring goes on: a plain NOP after it */
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
	if ((variant->sqe_flags & IOSQE_ASYNC) && variant->res != -EOPNOTSUPP &&
	    variant->res != -EINVAL)
		ASSERT_LE(1, iou_wait_iowq_workers(1, NULL, 0, IOU_WAIT_MS));
}

TEST(cqe_skip_success_still_posts_a_failure)
{
	static const unsigned int combos[] = {
		IOSQE_CQE_SKIP_SUCCESS,
		IOSQE_CQE_SKIP_SUCCESS | IOSQE_ASYNC,
		IOSQE_CQE_SKIP_SUCCESS | IOSQE_IO_LINK,
	};
	struct iou_ring r;

	REQUIRE_NOP_INJECT();
	ASSERT_EQ(0, iou_ring_init(&r, 8, 0));
	for (unsigned int i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		struct io_uring_sqe *sqe = iou_get_sqe(&r);

		iou_prep_nop_inject(sqe, UD + i, -EIO);
		sqe->flags = (__u8)combos[i];
		ASSERT_EQ(1, iou_submit(&r));
		IOU_EXPECT_CQES(&r, IOU_CQE(UD + i, -EIO));
	}
	iou_ring_exit(&r);
}

/* ---- personality and ioprio ------------------------------------------------ */

FIXTURE(words) {
	struct iou_ring r;
};

FIXTURE_VARIANT(words) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE words
#include "iou_modes.h"

FIXTURE_SETUP(words)
{
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
}

FIXTURE_TEARDOWN(words)
{
	iou_ring_exit(&self->r);
}

static int nop_as(struct iou_ring *r, unsigned int personality, unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe c;

	iou_prep_nop(sqe, UD);
	sqe->personality = (__u16)personality;
	sqe->flags = (__u8)sqe_flags;
	if (iou_submit_reap(r, &c, 1) != 1 || c.user_data != UD || c.flags)
		return INT32_MIN;
	return c.res;
}

TEST_F(words, unregistered_personality_is_einval)
{
	ASSERT_RES(-EINVAL, nop_as(&self->r, 1, 0));
	ASSERT_RES(-EINVAL, nop_as(&self->r, 0xffff, IOSQE_ASYNC));
}

TEST_F(words, registered_personality_runs_until_unregistered)
{
	int id;

	REQUIRE_REGISTER_OP(IORING_REGISTER_PERSONALITY);
	id = iou_register(&self->r, IORING_REGISTER_PERSONALITY, NULL, 0);
	ASSERT_LE(1, id);
	ASSERT_RES(0, nop_as(&self->r, (unsigned int)id, 0));
	ASSERT_RES(0, nop_as(&self->r, (unsigned int)id, IOSQE_ASYNC));
	ASSERT_RES(-EINVAL, nop_as(&self->r, (unsigned int)id + 1, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_PERSONALITY, NULL,
				   (unsigned int)id));
	ASSERT_RES(-EINVAL, nop_as(&self->r, (unsigned int)id, 0));
}

TEST_F(words, ioprio_is_einval)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_nop(sqe, UD);
	sqe->ioprio = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
}

/*
 * The same refusal on other opcodes without .ioprio, each from a request
 * whose result without ioprio is something else.
 */
TEST(ioprio_refused_by_opcodes_without_it)
{
	uint32_t word = 0;
	int p[2];
	struct iou_ring r;
	struct {
		int op;
		int base_res;
	} rows[] = {
		{ IORING_OP_MSG_RING, -EBADFD },	/* to a pipe */
		{ IORING_OP_FUTEX_WAKE, 0 },		/* nobody waits */
		{ IORING_OP_WAITID, -ECHILD },		/* pid 1 is not our child */
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		REQUIRE_OPCODE(rows[i].op);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (unsigned int prio = 0; prio < 2; prio++) {
			struct io_uring_sqe *sqe = iou_get_sqe(&r);
			struct iou_cqe c;

			if (rows[i].op == IORING_OP_MSG_RING)
				iou_prep_msg_ring(sqe, p[0], 0, 0, 0);
			else if (rows[i].op == IORING_OP_FUTEX_WAKE)
				iou_prep_futex_wake(sqe, &word, 1, FUTEX_BITSET_MATCH_ANY,
						    FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
			else
				iou_prep_waitid(sqe, P_PID, 1, NULL, WEXITED | WNOHANG, 0);
			sqe->ioprio = (__u16)prio;
			sqe->user_data = UD;
			ASSERT_EQ(1, iou_submit_reap(&r, &c, 1));
			if (c.res != (prio ? -EINVAL : rows[i].base_res))
				TH_LOG("%s, ioprio %u", iou_opcode_name(rows[i].op), prio);
			ASSERT_CQE_AT(&c, 0, UD, prio ? -EINVAL : rows[i].base_res, 0);
		}
	}
	iou_ring_exit(&r);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
