// SPDX-License-Identifier: GPL-2.0
/*
 * IOU_PBUF_RING_MMAP: the kernel allocates the provided-buffer ring and
 * the application maps it from the ring fd at IORING_OFF_PBUF_RING |
 * (bgid << IORING_OFF_PBUF_SHIFT).  Buffers published through that
 * mapping feed reads; each group maps its own ring; a group that has no
 * kernel-allocated ring (none at all, a ring in user memory, one already
 * unregistered) cannot be mapped: the ring fd's get_unmapped_area refuses
 * it with the errno it gives for any offset that names no region (ENOMEM
 * before 7.2, EINVAL since df645b745941, "io_uring/memmap: return -EINVAL
 * from get_unmapped_area() on bad mmap"; probed with an offset of no
 * IORING_OFF_* type); a mapping made before the unregister keeps its pages.
 *
 * Regression-test-for: c392cbecd8ec ("io_uring/kbuf: defer release of mapped buffer rings")
 * CVE: CVE-2024-0582
 */
#include "iou.h"
#include "iou_pbuf.h"
#include "iou_versions.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("c392cbecd8ec", "", "",
			"io_uring/kbuf: defer release of mapped buffer rings")));

FIXTURE(mmap) {
	struct iou_ring r;
	int fd;
	char *bufs;
};

FIXTURE_SETUP(mmap)
{
	int ret;

	self->fd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	/* before 6.4 the flag bits were a pad that had to be zero */
	ret = iou_pbuf_register(&self->r, 0, 1, 0, IOU_PBUF_RING_MMAP);
	IOU_REQUIRE(iou_have_by_result(ret, 0, IOU_V(6, 4), "IOU_PBUF_RING_MMAP",
				       __why, sizeof(__why)));
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 0));
	self->fd = iou_scratch_file("data", 65536, 0);
	ASSERT_LE(0, self->fd);
	self->bufs = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
}

FIXTURE_TEARDOWN(mmap)
{
	if (self->fd >= 0)
		close(self->fd);
	iou_ring_exit(&self->r);
}

static void *map_group(struct iou_ring *r, unsigned int bgid, size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		    (off_t)(IORING_OFF_PBUF_RING |
			    ((__u64)bgid << IORING_OFF_PBUF_SHIFT)));
}

/*
 * The errno of a mapping whose region does not exist, as this kernel gives
 * it for an offset of no known type: ENOMEM (before 7.2) or EINVAL.
 */
#define ASSERT_NO_REGION_ERRNO(r, err) do {				\
	int __err = (err);	/* before the probe's mmap changes errno */ \
	int __want = iou_mmap_refusal_errno();				\
	ASSERT_TRUE(__want == ENOMEM || __want == EINVAL)		\
		TH_LOG("mmap of an unknown offset: errno %d", __want);	\
	ASSERT_EQ(__want, __err);					\
	} while (0)

TEST_F(mmap, mapped_ring_starts_empty_and_feeds_reads)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 8, 5, IOU_PBUF_RING_MMAP));
	/* fresh kernel memory: tail 0, so nothing to select yet */
	ASSERT_EQ(0, iou_load_acquire(&pb.br->tail));
	ASSERT_RES(-ENOBUFS, iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 0, 5).res);

	iou_pbuf_add(&pb, self->bufs, 4096, 31, 0);
	iou_pbuf_add(&pb, self->bufs + 4096, 4096, 32, 1);
	iou_pbuf_advance(&pb, 2);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 300, 100, 5);
	ASSERT_RES(300, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(31, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs, 300, 100));
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 300, 400, 5);
	ASSERT_RES(300, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(32, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs + 4096, 300, 400));
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(mmap, largest_mapped_ring_of_32768_entries)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 32768, 6, IOU_PBUF_RING_MMAP));
	ASSERT_EQ(32768 * sizeof(struct io_uring_buf), pb.map_size);
	/* the last entry of the mapping is writable kernel memory */
	pb.br->bufs[32767].len = 1;
	iou_pbuf_add(&pb, self->bufs, 128, 65535, 0);
	iou_pbuf_advance(&pb, 1);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 128, 0, 6);
	ASSERT_RES(128, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(65535, 0), cqe.flags);
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(mmap, each_group_maps_its_own_ring)
{
	struct iou_pbuf_ring a, b;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &a, 4, 1, IOU_PBUF_RING_MMAP));
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &b, 4, 300, IOU_PBUF_RING_MMAP));
	ASSERT_NE(a.br, b.br);
	/* publish only in group 300's mapping */
	iou_pbuf_add(&b, self->bufs, 4096, 3, 0);
	iou_pbuf_advance(&b, 1);
	ASSERT_EQ(0, iou_load_acquire(&a.br->tail));
	ASSERT_RES(-ENOBUFS, iou_pbuf_read_select(_metadata, &self->r, self->fd, 8, 0, 1).res);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 8, 0, 300);
	ASSERT_RES(8, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(3, 0), cqe.flags);
	iou_pbuf_ring_free(&self->r, &a);
	iou_pbuf_ring_free(&self->r, &b);
}

TEST_F(mmap, mapping_a_group_without_ring_fails)
{
	void *p = map_group(&self->r, 7, 4096);

	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_NO_REGION_ERRNO(&self->r, errno);
}

TEST_F(mmap, mapping_a_user_memory_ring_fails)
{
	struct iou_pbuf_ring pb;
	void *p;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 7, 0));
	p = map_group(&self->r, 7, 4096);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_NO_REGION_ERRNO(&self->r, errno);
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(mmap, mapping_after_unregister_fails)
{
	void *p;

	ASSERT_RES(0, iou_pbuf_register(&self->r, 0, 4, 8, IOU_PBUF_RING_MMAP));
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 8));
	p = map_group(&self->r, 8, 4096);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_NO_REGION_ERRNO(&self->r, errno);
}

TEST_F(mmap, mapping_keeps_its_pages_after_unregister)
{
	struct iou_pbuf_ring pb, other[8];
	unsigned char *p;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 256, 9, IOU_PBUF_RING_MMAP));
	p = (unsigned char *)pb.br;
	iou_fill_pattern(p, pb.map_size, 7);
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 9));
	pb.registered = false;
	/*
	 * Had the unregister freed the pages under our mapping, new
	 * kernel-allocated (zeroed) rings would be likely to reuse them.
	 */
	for (unsigned int i = 0; i < 8; i++)
		ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &other[i], 256, 10 + i,
						IOU_PBUF_RING_MMAP));
	ASSERT_TRUE(iou_check_pattern(p, pb.map_size, 7));
	/* and the group is gone for the kernel */
	ASSERT_RES(-ENOBUFS, iou_pbuf_read_select(_metadata, &self->r, self->fd, 8, 0, 9).res);
	for (unsigned int i = 0; i < 8; i++)
		iou_pbuf_ring_free(&self->r, &other[i]);
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_HARNESS_MAIN
