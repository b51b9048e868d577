// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_NO_MMAP puts the SQ and CQ rings in user memory, so the
 * ring fd refuses mmap of IORING_OFF_SQ_RING, _CQ_RING and _SQES; it says
 * nothing about provided-buffer rings.  A kernel-allocated buffer ring
 * (IOU_PBUF_RING_MMAP) of such a ring maps from the ring fd at
 * IORING_OFF_PBUF_RING | bgid << IORING_OFF_PBUF_SHIFT like on any other
 * ring, and the buffers published through it feed reads.
 *
 * A kernel once refused that mapping along with the others (the NO_MMAP
 * check guarded the buffer-ring offset too); fixed by 6f007b140663.  The
 * Debian kernels the QEMU runner boots do not have the guard (6.12's and
 * 7.3's mmap validation checks NO_MMAP for the SQ/CQ offsets only; 6.1
 * has no NO_MMAP), so this cannot be shown failing there.
 */
#include "iou.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.register_ops = IOU_OPS(IORING_REGISTER_PBUF_RING),
	     .setup_flags = IORING_SETUP_NO_MMAP,
	     .fixes = IOU_FIXES(IOU_FIX("6f007b140663", "", "",
			"io_uring: don't guard IORING_OFF_PBUF_RING with SETUP_NO_MMAP")));

#define BGID	3

FIXTURE(nommap) {
	struct iou_ring r;
	int fd;
	char *bufs;
};

FIXTURE_SETUP(nommap)
{
	self->fd = -1;
	self->bufs = MAP_FAILED;
	IOU_RING_INIT_MODE(&self->r, 8, IORING_SETUP_NO_MMAP);
	REQUIRE_PBUF_RING_MMAP(&self->r, BGID);
	self->fd = iou_scratch_file("data", 65536, 0);
	ASSERT_LE(0, self->fd);
	self->bufs = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
}

FIXTURE_TEARDOWN(nommap)
{
	if (self->bufs != MAP_FAILED)
		munmap(self->bufs, 2 * 4096);
	if (self->fd >= 0)
		close(self->fd);
	iou_ring_exit(&self->r);
}

TEST_F(nommap, kernel_allocated_buffer_ring_maps_and_feeds_reads)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	/* iou_pbuf_ring_setup maps the group's ring from the ring fd */
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 8, BGID, IOU_PBUF_RING_MMAP));
	ASSERT_EQ(0, iou_load_acquire(&pb.br->tail));
	iou_pbuf_add(&pb, self->bufs, 4096, 9, 0);
	iou_pbuf_advance(&pb, 1);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 200, 1000, BGID);
	ASSERT_RES(200, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(9, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs, 200, 1000));
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(nommap, sq_and_cq_rings_are_not_mappable)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->r.fd,
		       IORING_OFF_SQ_RING);

	ASSERT_EQ(MAP_FAILED, p);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->r.fd, IORING_OFF_SQES);
	ASSERT_EQ(MAP_FAILED, p);
}

TEST_HARNESS_MAIN
