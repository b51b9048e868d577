// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_RESIZE_RINGS (DEFER_TASKRUN rings only) swaps in new SQ
 * and CQ rings of the requested size and carries over what is in flight:
 * CQEs not yet reaped stay reapable in order, SQEs published but not yet
 * submitted are still submitted afterwards, and the ring keeps working.
 * The new layout comes back in the params (re-map at the usual offsets).
 * A resize whose new CQ (or SQ) could not hold the pending entries fails
 * with EOVERFLOW and leaves the old rings in place.  Refused with EINVAL:
 * a ring without DEFER_TASKRUN, setup flags other than CQSIZE and CLAMP,
 * 0 or more than 32768 SQ entries (CLAMP clamps), a CQ smaller than the
 * SQ, NULL, nr_args other than 1; a faulting argument is EFAULT.
 */
#include "iou.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("eb76ff6a6829", "", "resize.sq_array.resize_reports_the_new_sq_array_offset",
			"io_uring: pre-calculate scq layout")));
/*
 * Proven with make vm-test (Debian kernels): 6.18.5 fails
 * resize_reports_the_new_sq_array_offset (XFAIL), 7.2.13 passes.
 */

#define DEFER	(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)

FIXTURE(resize) {
	struct iou_ring r;
};

FIXTURE_VARIANT(resize) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(resize, sq_array) { .flags = DEFER };
FIXTURE_VARIANT_ADD(resize, no_sq_array) { .flags = DEFER | IORING_SETUP_NO_SQARRAY };

FIXTURE_SETUP(resize)
{
	struct io_uring_params p;

	REQUIRE_REGISTER_OP(IORING_REGISTER_RESIZE_RINGS);
	REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	if (variant->flags & IORING_SETUP_NO_SQARRAY)
		REQUIRE_SETUP_FLAG(IORING_SETUP_NO_SQARRAY);
	memset(&p, 0, sizeof(p));
	p.flags = variant->flags | IORING_SETUP_CQSIZE;
	p.cq_entries = 16;
	ASSERT_EQ(0, iou_ring_init_params(&self->r, 8, &p));
	ASSERT_EQ(8, self->r.sq_entries);
	ASSERT_EQ(16, self->r.cq_entries);
}

FIXTURE_TEARDOWN(resize)
{
	iou_ring_exit(&self->r);
}

static int resize(struct iou_ring *r, struct io_uring_params *p,
		  unsigned int sq, unsigned int cq, unsigned int flags)
{
	memset(p, 0, sizeof(*p));
	p->sq_entries = sq;
	p->cq_entries = cq;
	p->flags = flags | (cq ? IORING_SETUP_CQSIZE : 0);
	return iou_register(r, IORING_REGISTER_RESIZE_RINGS, p, 1);
}

/* where setup puts the SQ array of a ring of this geometry */
static unsigned int setup_sq_array_offset(unsigned int sq, unsigned int cq,
					  unsigned int flags)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = (flags & ~IORING_SETUP_CLAMP) | IORING_SETUP_CQSIZE;
	p.cq_entries = cq;
	fd = sys_io_uring_setup(sq, &p);
	if (fd < 0)
		return 0;
	close(fd);
	return p.sq_off.array;
}

/*
 * After a successful resize the old mappings show the old (freed) rings:
 * drop them and map the new layout; the library re-reads head and tail
 * and writes an identity SQ array (the kernel copies SQEs by ring
 * position, not the array).  6.18 does not fill in sq_off.array (see
 * resize_reports_the_new_sq_array_offset); the layout is the one setup
 * uses, so take the offset from a fresh ring of the same geometry to keep
 * the other checks meaningful.
 */
static void remap(struct __test_metadata *_metadata, struct iou_ring *r,
		  struct io_uring_params *p)
{
	struct iou_ring n;
	int fd = r->fd;
	unsigned int features = r->features, flags = r->flags;

	if (!(flags & IORING_SETUP_NO_SQARRAY) && !p->sq_off.array)
		p->sq_off.array = setup_sq_array_offset(p->sq_entries,
							p->cq_entries, flags);
	ASSERT_NE(0, (flags & IORING_SETUP_NO_SQARRAY) ? 1 : p->sq_off.array);

	munmap(r->sqes_ptr, r->sqes_sz);
	if (r->cq_ring_ptr != r->sq_ring_ptr)
		munmap(r->cq_ring_ptr, r->cq_ring_sz);
	munmap(r->sq_ring_ptr, r->sq_ring_sz);
	p->features = features;
	p->flags = flags;
	ASSERT_EQ(0, iou_ring_map(&n, fd, p, NULL));
	*r = n;
}

static void nops(struct iou_ring *r, unsigned int nr, __u64 first_ud)
{
	for (unsigned int i = 0; i < nr; i++)
		iou_prep_nop(iou_get_sqe(r), first_ud + i);
}

TEST_F(resize, pending_cqes_survive_a_grow)
{
	struct io_uring_params p;
	struct iou_cqe cqe[5];

	nops(&self->r, 5, 1);
	ASSERT_EQ(5, iou_submit(&self->r));
	ASSERT_EQ(5, iou_cq_ready(&self->r));
	ASSERT_RES(0, resize(&self->r, &p, 32, 64, 0));
	ASSERT_EQ(32, p.sq_entries);
	ASSERT_EQ(64, p.cq_entries);
	remap(_metadata, &self->r, &p);
	ASSERT_EQ(32, self->r.sq_entries);
	ASSERT_EQ(64, self->r.cq_entries);
	ASSERT_EQ(5, iou_cq_ready(&self->r));
	ASSERT_EQ(5, iou_reap(&self->r, cqe, 5, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 5; i++) {
		ASSERT_EQ(1 + i, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
	}
}

/*
 * The caller learns the new layout from the params only; with an SQ array
 * that includes where the array now is.  6.18 leaves sq_off.array unset
 * after a resize (upstream: "io_uring: pre-calculate scq layout" notes the
 * resize path "was previously missing it"), so a ring with an SQ array
 * cannot be driven after a resize without guessing the layout.
 */
TEST_F(resize, resize_reports_the_new_sq_array_offset)
{
	struct io_uring_params p;

	ASSERT_RES(0, resize(&self->r, &p, 32, 64, 0));
	if (variant->flags & IORING_SETUP_NO_SQARRAY) {
		ASSERT_EQ(0, p.sq_off.array);
	} else {
		ASSERT_EQ(setup_sq_array_offset(32, 64, variant->flags),
			  p.sq_off.array);
	}
	ASSERT_EQ(self->r.params.sq_off.tail, p.sq_off.tail);
	ASSERT_EQ(self->r.params.cq_off.cqes, p.cq_off.cqes);
	remap(_metadata, &self->r, &p);
}

TEST_F(resize, pending_cqes_survive_a_shrink_that_fits)
{
	struct io_uring_params p;
	struct iou_cqe cqe[3];

	nops(&self->r, 3, 10);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_RES(0, resize(&self->r, &p, 2, 4, 0));
	remap(_metadata, &self->r, &p);
	ASSERT_EQ(2, self->r.sq_entries);
	ASSERT_EQ(4, self->r.cq_entries);
	ASSERT_EQ(3, iou_reap(&self->r, cqe, 3, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 3; i++)
		ASSERT_EQ(10 + i, cqe[i].user_data);
}

TEST_F(resize, unsubmitted_sqes_survive_and_run_after)
{
	struct io_uring_params p;
	struct iou_cqe cqe[3];

	nops(&self->r, 3, 20);
	/* published to the kernel, not yet submitted */
	ASSERT_EQ(3, iou_sq_flush(&self->r));
	ASSERT_RES(0, resize(&self->r, &p, 16, 32, 0));
	remap(_metadata, &self->r, &p);
	ASSERT_EQ(3, iou_sq_ready(&self->r));
	ASSERT_RES(3, iou_enter(&self->r, 3, 0, 0, NULL, 0));
	ASSERT_EQ(3, iou_reap(&self->r, cqe, 3, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(20 + i, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
	}
}

TEST_F(resize, ring_keeps_working_after_wrapping_resizes)
{
	struct io_uring_params p;
	struct iou_cqe cqe[8];

	/* move head/tail off zero so copies must wrap on the new mask */
	for (unsigned int round = 0; round < 3; round++) {
		nops(&self->r, 6, 100 * round);
		ASSERT_EQ(6, iou_submit(&self->r));
		ASSERT_EQ(6, iou_reap(&self->r, cqe, 6, IOU_WAIT_MS));
	}
	nops(&self->r, 4, 1000);
	ASSERT_EQ(4, iou_submit(&self->r));
	ASSERT_RES(0, resize(&self->r, &p, 4, 8, 0));
	remap(_metadata, &self->r, &p);
	nops(&self->r, 4, 2000);
	ASSERT_EQ(4, iou_submit(&self->r));
	ASSERT_EQ(8, iou_reap(&self->r, cqe, 8, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ(1000 + i, cqe[i].user_data);
		ASSERT_EQ(2000 + i, cqe[4 + i].user_data);
	}
}

TEST_F(resize, cq_too_small_for_pending_cqes_is_eoverflow)
{
	struct io_uring_params p;
	struct iou_cqe cqe[6];

	nops(&self->r, 6, 1);
	ASSERT_EQ(6, iou_submit(&self->r));
	ASSERT_RES(-EOVERFLOW, resize(&self->r, &p, 4, 4, 0));
	/* the old rings are still the live ones */
	ASSERT_EQ(6, iou_cq_ready(&self->r));
	ASSERT_EQ(6, iou_reap(&self->r, cqe, 6, IOU_WAIT_MS));
	ASSERT_EQ(6, cqe[5].user_data);
	nops(&self->r, 1, 9);
	ASSERT_EQ(1, iou_submit_reap(&self->r, cqe, 1));
	ASSERT_EQ(9, cqe[0].user_data);
}

TEST_F(resize, sq_too_small_for_unsubmitted_sqes_is_eoverflow)
{
	struct io_uring_params p;
	struct iou_cqe cqe[5];

	nops(&self->r, 5, 1);
	ASSERT_EQ(5, iou_sq_flush(&self->r));
	ASSERT_RES(-EOVERFLOW, resize(&self->r, &p, 4, 16, 0));
	ASSERT_RES(5, iou_enter(&self->r, 5, 0, 0, NULL, 0));
	ASSERT_EQ(5, iou_reap(&self->r, cqe, 5, IOU_WAIT_MS));
}

TEST_F(resize, without_defer_taskrun_is_einval)
{
	struct io_uring_params p;
	struct iou_ring plain;

	ASSERT_EQ(0, iou_ring_init(&plain, 8, 0));
	ASSERT_RES(-EINVAL, resize(&plain, &p, 16, 32, 0));
	iou_ring_exit(&plain);
}

TEST_F(resize, other_setup_flags_are_einval)
{
	struct io_uring_params p;

	ASSERT_RES(-EINVAL, resize(&self->r, &p, 16, 32, IORING_SETUP_SQPOLL));
	ASSERT_RES(-EINVAL, resize(&self->r, &p, 16, 32, IORING_SETUP_CQE32));
}

TEST_F(resize, entry_counts_are_checked_like_setup)
{
	struct io_uring_params p;
	int ret;

	ASSERT_RES(-EINVAL, resize(&self->r, &p, 0, 0, 0));
	ASSERT_RES(-EINVAL, resize(&self->r, &p, IOU_MAX_ENTRIES + 1, 0, 0));
	/* a CQ smaller than the SQ */
	ASSERT_RES(-EINVAL, resize(&self->r, &p, 16, 8, 0));
	/* CLAMP brings it down to the maximum (3 MiB of rings: memlock) */
	ret = resize(&self->r, &p, IOU_MAX_ENTRIES + 1, 0, IORING_SETUP_CLAMP);
	SKIP_IF_MEMLOCK_SHORT(ret, iou_ring_pinned_bytes(IOU_MAX_ENTRIES, 2 * IOU_MAX_ENTRIES, 0));
	ASSERT_RES(0, ret);
	ASSERT_EQ(IOU_MAX_ENTRIES, p.sq_entries);
	ASSERT_EQ(2 * IOU_MAX_ENTRIES, p.cq_entries);
	remap(_metadata, &self->r, &p);
	ASSERT_EQ(IOU_MAX_ENTRIES, self->r.sq_entries);
}

TEST_F(resize, null_or_bad_nr_args_is_einval)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.sq_entries = 16;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_RESIZE_RINGS, NULL, 1));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_RESIZE_RINGS, &p, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_RESIZE_RINGS, &p, 2));
}

TEST_F(resize, faulting_argument_is_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_RESIZE_RINGS,
					 iou_fault_ptr(), 1));
}

TEST_HARNESS_MAIN
