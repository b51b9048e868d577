// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_R_DISABLED: the ring starts disabled.  Until
 * IORING_REGISTER_ENABLE_RINGS, io_uring_enter() fails with EBADFD and
 * consumes nothing (an SQPOLL thread does not submit either); the
 * restrictions that are the point of a disabled ring can be registered
 * then and only then.  ENABLE_RINGS takes no argument (EINVAL) and works
 * once: on an enabled ring it fails with EBADFD.
 */
#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_R_DISABLED);

static void nop_queued(struct iou_ring *r, __u64 ud)
{
	iou_prep_nop(iou_get_sqe(r), ud);
	iou_sq_flush(r);
}

TEST(enter_gives_ebadfd_until_enabled)
{
	struct iou_ring r;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	nop_queued(&r, 0xd15);
	ASSERT_RES(-EBADFD, iou_enter(&r, 1, 0, 0, NULL, 0));
	ASSERT_RES(-EBADFD, iou_enter(&r, 0, 0, 0, NULL, 0));
	ASSERT_RES(-EBADFD, iou_enter(&r, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	/* nothing was consumed or completed */
	ASSERT_EQ(0, *r.sq_khead);
	ASSERT_EQ(0, iou_cq_ready(&r));

	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	ASSERT_RES(1, iou_enter(&r, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0xd15, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	iou_ring_exit(&r);
}

TEST(enable_rings_works_once)
{
	struct iou_ring r;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	ASSERT_RES(-EBADFD, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	iou_ring_exit(&r);

	/* a ring created enabled cannot be enabled */
	ASSERT_RES(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(-EBADFD, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	iou_ring_exit(&r);
}

TEST(enable_rings_takes_no_argument)
{
	struct iou_ring r;
	int dummy = 0;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	ASSERT_RES(-EINVAL, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, &dummy, 0));
	ASSERT_RES(-EINVAL, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 1));
	/* the refused calls left it disabled */
	ASSERT_RES(-EBADFD, iou_enter(&r, 0, 0, 0, NULL, 0));
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	ASSERT_RES(0, iou_enter(&r, 0, 0, 0, NULL, 0));
	iou_ring_exit(&r);
}

TEST(sqpoll_thread_submits_nothing_until_enabled)
{
	struct io_uring_params p;
	struct iou_ring r;
	struct iou_cqe cqe;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQPOLL);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED | IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 100;
	ASSERT_RES(0, iou_ring_init_params(&r, 4, &p));
	nop_queued(&r, 0x5090);
	ASSERT_RES(-EBADFD, iou_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0));
	/* a window in which a running thread would have taken it (50 ms) */
	usleep(50 * 1000);
	ASSERT_EQ(0, iou_load_acquire(r.sq_khead));
	ASSERT_EQ(0, iou_cq_ready(&r));

	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	ASSERT_LE(0, iou_submit(&r));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x5090, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	iou_ring_exit(&r);
}

/* what R_DISABLED is for: restrict the ring before anything can run */
TEST(restrictions_register_only_while_disabled)
{
	struct io_uring_restriction res[1];
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	struct iou_cqe cqe[2];

	REQUIRE_REGISTER_OP(IORING_REGISTER_RESTRICTIONS);
	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;

	ASSERT_RES(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(-EBADFD, iou_register(&r, IORING_REGISTER_RESTRICTIONS, res, 1));
	iou_ring_exit(&r);

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_R_DISABLED));
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_RESTRICTIONS, res, 1));
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	iou_prep_nop(iou_get_sqe(&r), 1);
	sqe = iou_get_sqe(&r);
	iou_prep_rw(sqe, IORING_OP_READ, 0, NULL, 0, 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit_reap(&r, cqe, 2));
	iou_cqe_sort(cqe, 2);
	ASSERT_EQ(1, cqe[0].user_data);
	ASSERT_RES(0, cqe[0].res);
	ASSERT_EQ(2, cqe[1].user_data);
	ASSERT_RES(-EACCES, cqe[1].res);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
