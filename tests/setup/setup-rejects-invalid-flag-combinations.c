// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_setup() enforces the dependencies between setup flags, each
 * violation with EINVAL (io_uring_sanitise_params() and the SQPOLL setup):
 *  - SQ_AFF needs SQPOLL;
 *  - TASKRUN_FLAG needs COOP_TASKRUN or DEFER_TASKRUN;
 *  - DEFER_TASKRUN needs SINGLE_ISSUER;
 *  - SQPOLL refuses COOP_TASKRUN, TASKRUN_FLAG and DEFER_TASKRUN (its
 *    thread needs no task-work notification);
 *  - HYBRID_IOPOLL needs IOPOLL;
 *  - REGISTERED_FD_ONLY needs NO_MMAP (a ring without an fd cannot be
 *    mmap()ed);
 *  - CQE32 and CQE_MIXED exclude each other;
 * and NO_MMAP without user memory (user_addr 0) fails with EFAULT.  The
 * same flags in their allowed combinations are accepted, so the rules are
 * exactly these and no wider.
 */
#include <sched.h>

#include "iou.h"
#include "iou_versions.h"

FIXTURE(refused) {
	int unused;
};

FIXTURE_VARIANT(refused) {
	unsigned int flags;
	int err;
};

FIXTURE_VARIANT_ADD(refused, sq_aff_without_sqpoll) {
	.flags = IORING_SETUP_SQ_AFF, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, taskrun_flag_alone) {
	.flags = IORING_SETUP_TASKRUN_FLAG, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, taskrun_flag_with_single_issuer_only) {
	.flags = IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SINGLE_ISSUER,
	.err = EINVAL };
FIXTURE_VARIANT_ADD(refused, defer_taskrun_without_single_issuer) {
	.flags = IORING_SETUP_DEFER_TASKRUN, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, defer_taskrun_taskrun_flag_without_single_issuer) {
	.flags = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
	.err = EINVAL };
FIXTURE_VARIANT_ADD(refused, sqpoll_with_coop_taskrun) {
	.flags = IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, sqpoll_with_coop_taskrun_and_taskrun_flag) {
	.flags = IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN |
		 IORING_SETUP_TASKRUN_FLAG, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, sqpoll_with_defer_taskrun) {
	.flags = IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN |
		 IORING_SETUP_SINGLE_ISSUER, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, hybrid_iopoll_without_iopoll) {
	.flags = IORING_SETUP_HYBRID_IOPOLL, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, registered_fd_only_without_no_mmap) {
	.flags = IORING_SETUP_REGISTERED_FD_ONLY, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, cqe32_with_cqe_mixed) {
	.flags = IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED, .err = EINVAL };
FIXTURE_VARIANT_ADD(refused, no_mmap_without_user_memory) {
	.flags = IORING_SETUP_NO_MMAP, .err = EFAULT };

FIXTURE_SETUP(refused)
{
	/* every flag of the combination must be known, or EINVAL proves nothing */
	REQUIRE_SETUP_FLAGS(variant->flags);
}

FIXTURE_TEARDOWN(refused)
{
}

TEST_F(refused, refused_with_exact_errno)
{
	struct io_uring_params p;
	int next = iou_lowest_free_fd();

	memset(&p, 0, sizeof(p));
	p.flags = variant->flags;
	ASSERT_SYSERR(variant->err, sys_io_uring_setup(4, &p));
	ASSERT_EQ(next, iou_lowest_free_fd());
}

/* ---- the allowed combinations of the same flags ---------------------- */

FIXTURE(good) {
	struct iou_ring r;
	struct iou_ring_mem m;
	bool up;
};

FIXTURE_VARIANT(good) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(good, sqpoll_sq_aff) {
	.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF };
FIXTURE_VARIANT_ADD(good, coop_taskrun_taskrun_flag) {
	.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG };
FIXTURE_VARIANT_ADD(good, defer_taskrun_single_issuer) {
	.flags = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER };
FIXTURE_VARIANT_ADD(good, defer_taskrun_single_issuer_taskrun_flag) {
	.flags = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
		 IORING_SETUP_TASKRUN_FLAG };
FIXTURE_VARIANT_ADD(good, defer_taskrun_coop_taskrun) {
	.flags = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
		 IORING_SETUP_COOP_TASKRUN };
FIXTURE_VARIANT_ADD(good, sqpoll_single_issuer) {
	.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER };
FIXTURE_VARIANT_ADD(good, iopoll_hybrid_iopoll) {
	.flags = IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL };
FIXTURE_VARIANT_ADD(good, iopoll_sqpoll) {
	.flags = IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(good, iopoll_defer_taskrun) {
	.flags = IORING_SETUP_IOPOLL | IORING_SETUP_DEFER_TASKRUN |
		 IORING_SETUP_SINGLE_ISSUER };
FIXTURE_VARIANT_ADD(good, no_mmap_registered_fd_only) {
	.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY };
FIXTURE_VARIANT_ADD(good, cqe_mixed_sqe128) {
	.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_SQE128 };
FIXTURE_VARIANT_ADD(good, sqe128_cqe32_no_sqarray) {
	.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
		 IORING_SETUP_NO_SQARRAY };
FIXTURE_VARIANT_ADD(good, r_disabled_sqpoll_submit_all) {
	.flags = IORING_SETUP_R_DISABLED | IORING_SETUP_SQPOLL |
		 IORING_SETUP_SUBMIT_ALL };
FIXTURE_VARIANT_ADD(good, every_non_polling_flag_at_once) {
	.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |
		 IORING_SETUP_R_DISABLED | IORING_SETUP_SUBMIT_ALL |
		 IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
		 IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
		 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		 IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY |
		 IORING_SETUP_NO_SQARRAY };

FIXTURE_SETUP(good)
{
	REQUIRE_SETUP_FLAGS(variant->flags);
}

FIXTURE_TEARDOWN(good)
{
	if (self->up)
		iou_ring_exit(&self->r);
	iou_ring_mem_free(&self->m);
}

TEST_F(good, accepted_and_ring_works)
{
	struct io_uring_params p;
	struct iou_cqe cqe;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = variant->flags;
	p.cq_entries = 8;
	if (p.flags & IORING_SETUP_SQ_AFF)
		p.sq_thread_cpu = (unsigned int)sched_getcpu();
	if (p.flags & IORING_SETUP_NO_MMAP) {
		ASSERT_EQ(0, iou_ring_mem_alloc(&self->m, 4, 8, p.flags));
		ret = iou_ring_init_opts(&self->r, 4, &p, &self->m.opts);
	} else {
		ret = iou_ring_init_params(&self->r, 4, &p);
	}
	ASSERT_RES(0, ret);
	self->up = true;
	ASSERT_EQ(variant->flags, self->r.params.flags);
	if (p.flags & IORING_SETUP_R_DISABLED)
		ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS,
					   NULL, 0));
	if ((p.flags & IORING_SETUP_IOPOLL) && !iou_iopoll_takes_nop())
		return;	/* before 6.0: nothing can complete inline there */
	/* a NOP is one of the opcodes an IOPOLL ring accepts (6.0+) */
	iou_prep_nop(iou_get_sqe(&self->r), 0x5e7);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_EQ(0x5e7, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_HARNESS_MAIN
