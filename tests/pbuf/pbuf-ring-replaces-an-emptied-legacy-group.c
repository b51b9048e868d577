// SPDX-License-Identifier: GPL-2.0
/*
 * A group id that legacy PROVIDE_BUFFERS used and whose buffers are all
 * consumed can take a buffer ring (IORING_REGISTER_PBUF_RING), in user
 * memory or kernel-allocated and mapped (IOU_PBUF_RING_MMAP): reads then
 * select from the ring, the legacy opcodes refuse the group (EINVAL), and
 * after unregistering the id is free for legacy buffers again.  While a
 * legacy buffer is left the registration is EEXIST.
 *
 * Kernels before 8802766324e1 turned the emptied legacy list into the
 * ring's list in place, changing fields that lookups without the lock
 * (mmap of the ring) rely on; a race there was a use-after-free
 * (CVE-2025-21836; Debian's 6.1.y lacks the fix, which went to 6.6.79,
 * 6.12.16 and 6.13.4).  This sequential program checks the upgrade's
 * outcome, which those kernels get right too: it cannot show the race
 * (6.1.170, without the fix, passes; so do 6.12.43, 6.18.5, 6.19.6,
 * 7.0.13 and 7.2.13).
 */
#include "iou.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_PROVIDE_BUFFERS),
	     .register_ops = IOU_OPS(IORING_REGISTER_PBUF_RING),
	     .fixes = IOU_FIXES(IOU_FIX("8802766324e1", "CVE-2025-21836", "",
			"io_uring/kbuf: reallocate buf lists on upgrade")));

#define BGID	70	/* 64 and up: not in the pre-6.9 array of low ids */

FIXTURE(upgrade) {
	struct iou_ring r;
	int fd;
	char legacy[2][256];
	char *bufs;
};

FIXTURE_VARIANT(upgrade) {
	unsigned int ring_flags;
};

FIXTURE_VARIANT_ADD(upgrade, user_memory) { .ring_flags = 0 };
FIXTURE_VARIANT_ADD(upgrade, kernel_mapped) { .ring_flags = IOU_PBUF_RING_MMAP };

FIXTURE_SETUP(upgrade)
{
	self->fd = -1;
	self->bufs = MAP_FAILED;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	if (variant->ring_flags)
		REQUIRE_PBUF_RING_MMAP(&self->r, BGID + 1);
	self->fd = iou_scratch_file("data", 65536, 0);
	ASSERT_LE(0, self->fd);
	self->bufs = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
}

FIXTURE_TEARDOWN(upgrade)
{
	if (self->bufs != MAP_FAILED)
		munmap(self->bufs, 2 * 4096);
	if (self->fd >= 0)
		close(self->fd);
	iou_ring_exit(&self->r);
}

/* legacy PROVIDE_BUFFERS of nr buffers from bid 0: the CQE's res */
static int provide(struct iou_ring *r, void *mem, unsigned int nr)
{
	iou_prep_provide_buffers(iou_get_sqe(r), mem, 256, nr, BGID, 0);
	return iou_run_one(r, NULL);
}

static int ring_setup(struct iou_ring *r, struct iou_pbuf_ring *pb, unsigned int flags)
{
	return iou_pbuf_ring_setup(r, pb, 4, BGID, flags);
}

TEST_F(upgrade, emptied_legacy_group_takes_a_ring)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	ASSERT_RES(0, provide(&self->r, self->legacy, 1));
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 100, 0, BGID);
	ASSERT_RES(100, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(0, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->legacy[0], 100, 0));

	ASSERT_RES(0, ring_setup(&self->r, &pb, variant->ring_flags));
	iou_pbuf_add(&pb, self->bufs, 4096, 33, 0);
	iou_pbuf_add(&pb, self->bufs + 4096, 4096, 34, 1);
	iou_pbuf_advance(&pb, 2);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 300, 1000, BGID);
	ASSERT_RES(300, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(33, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs, 300, 1000));

	/* a ring group now: the legacy opcodes refuse it */
	ASSERT_RES(-EINVAL, provide(&self->r, self->legacy, 1));

	iou_pbuf_ring_free(&self->r, &pb);
	/* and once it is gone, legacy buffers may come back */
	ASSERT_RES(0, provide(&self->r, self->legacy, 2));
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 50, 0, BGID);
	ASSERT_RES(50, cqe.res);
	ASSERT_EQ(IORING_CQE_F_BUFFER, cqe.flags & IORING_CQE_F_BUFFER);
}

TEST_F(upgrade, legacy_group_with_a_buffer_left_is_eexist)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	ASSERT_RES(0, provide(&self->r, self->legacy, 2));
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 10, 0, BGID);
	ASSERT_RES(10, cqe.res);
	ASSERT_RES(-EEXIST, ring_setup(&self->r, &pb, variant->ring_flags));
	/* the buffer left is still selectable */
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 10, 0, BGID);
	ASSERT_RES(10, cqe.res);
	ASSERT_EQ(IORING_CQE_F_BUFFER, cqe.flags & IORING_CQE_F_BUFFER);
}

TEST_HARNESS_MAIN
