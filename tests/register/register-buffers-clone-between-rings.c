// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_CLONE_BUFFERS (6.12) gives a ring the registered
 * buffers of another ring: the same pinned pages at the same indexes, so
 * a fixed read through the clone stores into the source's memory.  The
 * clone holds its own references: it keeps working after the source ring
 * unregisters its buffers or is closed.  Tags stay with the source (the
 * clone posts none, and the source posts its tag when its own slot lets
 * go of the buffer, the clone's reference notwithstanding).  Refused: a destination that already has buffers
 * without IORING_REGISTER_DST_REPLACE (EBUSY), a source without buffers
 * (ENXIO), a source fd that is not a ring (EOPNOTSUPP) or not open
 * (EBADF), unknown flags, non-zero padding, nr_args other than 1 or a
 * NULL argument (EINVAL), an unreadable argument (EFAULT).
 *
 * 6.13 added ranges (src_off, dst_off, nr) and DST_REPLACE, probed by a
 * ranged clone (6.12 refuses the then-padding with EINVAL): a range lands
 * at dst_off with empty slots before it; a range past the source fails
 * with EINVAL or EOVERFLOW; offsets without nr with EINVAL; and with
 * DST_REPLACE the destination's own buffers outside the range survive.
 * Regression-test-for: 525916ce4966 ("io_uring/rsrc: fix lost entries after cloned range")
 */
#include "iou.h"
#include "iou_rsrc.h"
#include "iou_versions.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("525916ce4966", "", "",
			"io_uring/rsrc: fix lost entries after cloned range"),
		IOU_FIX("b8201b50e403", "", "clone.replace_keeps_destination_entries_outside_the_range",
			"io_uring/rsrc: clean up buffer cloning arg validation"),
		IOU_FIX("1d27f11bf02b", "CVE-2025-38196", "clone.range_errors_are_refused",
			"io_uring/rsrc: validate buffer count with offset for cloning")));
/*
 * Proven with make vm-test (Debian kernels): 6.18.5 fails the replace case
 * (XFAIL), 7.2.13 passes.
 */

#define NBUF	4

FIXTURE(clone) {
	struct iou_ring src, dst;
	unsigned char *mem;	/* NBUF source buffers, then NBUF for dst */
	int fd;
};

FIXTURE_SETUP(clone)
{
	struct iovec iov[NBUF];

	self->fd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_CLONE_BUFFERS);
	ASSERT_EQ(0, iou_ring_init(&self->src, 4, 0));
	ASSERT_EQ(0, iou_ring_init(&self->dst, 4, 0));
	self->mem = iou_map_nohuge(2 * NBUF * IOU_PAGE_SIZE);
	ASSERT_NE(NULL, self->mem);
	for (int i = 0; i < NBUF; i++)
		iov[i] = (struct iovec){ self->mem + i * IOU_PAGE_SIZE, IOU_PAGE_SIZE };
	ASSERT_RES(0, iou_register(&self->src, IORING_REGISTER_BUFFERS, iov, NBUF));
	self->fd = iou_scratch_file("data", 16 * IOU_PAGE_SIZE, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(clone)
{
	iou_ring_exit(&self->dst);
	iou_ring_exit(&self->src);
	if (self->fd >= 0)
		close(self->fd);
}

static int clone_from(struct iou_ring *dst, int src_fd, unsigned int flags,
		      unsigned int src_off, unsigned int dst_off, unsigned int nr)
{
	struct io_uring_clone_buffers arg;

	memset(&arg, 0, sizeof(arg));
	arg.src_fd = (__u32)src_fd;
	arg.flags = flags;
	arg.src_off = src_off;
	arg.dst_off = dst_off;
	arg.nr = nr;
	return iou_register(dst, IORING_REGISTER_CLONE_BUFFERS, &arg, 1);
}

static unsigned char *srcbuf(FIXTURE_DATA(clone) *self, int i)
{
	return self->mem + i * IOU_PAGE_SIZE;
}

static unsigned char *dstbuf(FIXTURE_DATA(clone) *self, int i)
{
	return self->mem + (NBUF + i) * IOU_PAGE_SIZE;
}

static int read_fixed(struct iou_ring *r, int fd, void *buf, unsigned int len,
		      __u64 off, unsigned int index)
{
	iou_prep_read_fixed(iou_get_sqe(r), fd, buf, len, off, index);
	return iou_run_one(r, NULL);
}

/* ranged clones and DST_REPLACE (6.13); false on 6.12 */
static bool clone_ranges_supported(void)
{
	struct iou_ring a, b;
	unsigned char *m;
	struct iovec iov;
	bool ok = false;

	m = iou_map_nohuge(IOU_PAGE_SIZE);
	if (!m)
		return false;
	if (iou_ring_init(&a, 2, 0) == 0) {
		if (iou_ring_init(&b, 2, 0) == 0) {
			iov = (struct iovec){ m, IOU_PAGE_SIZE };
			if (iou_register(&a, IORING_REGISTER_BUFFERS, &iov, 1) == 0)
				ok = clone_from(&b, a.fd, 0, 0, 0, 1) == 0;
			iou_ring_exit(&b);
		}
		iou_ring_exit(&a);
	}
	munmap(m, IOU_PAGE_SIZE);
	return ok;
}

#define REQUIRE_CLONE_RANGES() do {					\
	if (!clone_ranges_supported())					\
		SKIP(return, "kernel lacks ranged CLONE_BUFFERS (6.13)"); \
	} while (0)

TEST_F(clone, clone_reads_into_the_source_memory)
{
	ASSERT_RES(0, clone_from(&self->dst, self->src.fd, 0, 0, 0, 0));
	for (int i = 0; i < NBUF; i++) {
		ASSERT_RES(512, read_fixed(&self->dst, self->fd, srcbuf(self, i) + 100,
					   512, 1000 * (i + 1), i));
		ASSERT_TRUE(iou_check_pattern(srcbuf(self, i) + 100, 512, 1000 * (i + 1)));
	}
	/* same table size: one past it has no buffer */
	ASSERT_RES(-EFAULT, read_fixed(&self->dst, self->fd, srcbuf(self, 0), 16, 0, NBUF));
	/* and the index still owns its own address range only */
	ASSERT_RES(-EFAULT, read_fixed(&self->dst, self->fd, srcbuf(self, 1), 16, 0, 0));
}

TEST_F(clone, clone_outlives_source_unregister_and_close)
{
	ASSERT_RES(0, clone_from(&self->dst, self->src.fd, 0, 0, 0, 0));
	ASSERT_RES(0, iou_register(&self->src, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 2), 64, 77, 2));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 2), 64, 77));
	iou_ring_exit(&self->src);
	ASSERT_EQ(0, iou_ring_init(&self->src, 2, 0));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 3), 64, 99, 3));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 3), 64, 99));
}

/*
 * The source lets go of its buffer by emptying the slot with
 * BUFFERS_UPDATE, which posts the tag on every kernel with tags: a table
 * unregister posts tags only since 6.13 (see iou_unregister_posts_tags()),
 * and cloning came in 6.12.
 */
TEST_F(clone, tags_stay_with_the_source)
{
	struct iou_ring tagged;
	struct iovec iov = { srcbuf(self, 0), IOU_PAGE_SIZE }, none = { NULL, 0 };
	__u64 tag = 0x7a6;
	struct iou_cqe cqe;

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_EQ(0, iou_ring_init(&tagged, 4, 0));
	ASSERT_RES(0, iou_register_buffers2(&tagged, &iov, &tag, 1, 0));
	ASSERT_RES(0, clone_from(&self->dst, tagged.fd, 0, 0, 0, 0));
	/*
	 * The source's slot goes while the clone still holds the buffer:
	 * the source posts its tag, the clone nothing.
	 */
	ASSERT_RES(1, iou_rsrc_update2(&tagged, IORING_REGISTER_BUFFERS_UPDATE, 0,
				     &none, NULL, 1));
	ASSERT_EQ(1, iou_reap(&tagged, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x7a6, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	EXPECT_EQ(0, iou_reap_quiet(&self->dst, 50, NULL));
	/* the clone still reads into that buffer */
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 0), 64, 55, 0));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 0), 64, 55));
	/* the clone's table goes: it carries no tag, nothing is posted anywhere */
	ASSERT_RES(0, iou_register(&self->dst, IORING_UNREGISTER_BUFFERS, NULL, 0));
	EXPECT_EQ(0, iou_reap_quiet(&self->dst, 50, NULL));
	EXPECT_EQ(0, iou_reap_quiet(&tagged, 50, NULL));
	iou_ring_exit(&tagged);
}

TEST_F(clone, destination_with_buffers_fails_ebusy)
{
	struct iovec iov = { dstbuf(self, 0), IOU_PAGE_SIZE };

	ASSERT_RES(0, iou_register(&self->dst, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(-EBUSY, clone_from(&self->dst, self->src.fd, 0, 0, 0, 0));
	/* the destination's own table is untouched */
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, dstbuf(self, 0), 64, 0, 0));
}

TEST_F(clone, source_without_buffers_fails_enxio)
{
	ASSERT_RES(0, iou_register(&self->src, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_RES(-ENXIO, clone_from(&self->dst, self->src.fd, 0, 0, 0, 0));
}

TEST_F(clone, source_that_is_not_a_ring_fails_eopnotsupp)
{
	ASSERT_RES(-EOPNOTSUPP, clone_from(&self->dst, self->fd, 0, 0, 0, 0));
}

TEST_F(clone, source_fd_not_open_fails_ebadf)
{
	int fd = dup(self->fd);

	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_RES(-EBADF, clone_from(&self->dst, fd, 0, 0, 0, 0));
}

TEST_F(clone, bad_arguments_fail_einval_or_efault)
{
	struct io_uring_clone_buffers arg;

	ASSERT_RES(-EINVAL, clone_from(&self->dst, self->src.fd, 1U << 2, 0, 0, 0));
	ASSERT_RES(-EINVAL, clone_from(&self->dst, self->src.fd, 1U << 31, 0, 0, 0));
	memset(&arg, 0, sizeof(arg));
	arg.src_fd = (__u32)self->src.fd;
	arg.pad[2] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->dst, IORING_REGISTER_CLONE_BUFFERS, &arg, 1));
	arg.pad[2] = 0;
	ASSERT_RES(-EINVAL, iou_register(&self->dst, IORING_REGISTER_CLONE_BUFFERS, &arg, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->dst, IORING_REGISTER_CLONE_BUFFERS, &arg, 2));
	ASSERT_RES(-EINVAL, iou_register(&self->dst, IORING_REGISTER_CLONE_BUFFERS, NULL, 1));
	ASSERT_RES(-EFAULT, iou_register(&self->dst, IORING_REGISTER_CLONE_BUFFERS,
					 iou_fault_ptr(), 1));
	/* none of it registered anything */
	ASSERT_RES(-ENXIO, iou_register(&self->dst, IORING_UNREGISTER_BUFFERS, NULL, 0));
}

TEST_F(clone, source_given_as_registered_ring_index)
{
	struct io_uring_rsrc_update up = { .offset = -1U };

	up.data = (__u64)self->src.fd;
	ASSERT_RES(1, iou_register(&self->src, IORING_REGISTER_RING_FDS, &up, 1));
	ASSERT_RES(0, clone_from(&self->dst, (int)up.offset,
				 IORING_REGISTER_SRC_REGISTERED, 0, 0, 0));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 1), 64, 5, 1));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 1), 64, 5));
	up.data = 0;
	ASSERT_RES(1, iou_register(&self->src, IORING_UNREGISTER_RING_FDS, &up, 1));
}

TEST_F(clone, range_lands_at_dst_off_after_empty_slots)
{
	REQUIRE_CLONE_RANGES();
	ASSERT_RES(0, clone_from(&self->dst, self->src.fd, 0, 1, 2, 2));
	/* table of dst_off + nr slots: 0 and 1 empty, 2 and 3 = src 1 and 2 */
	ASSERT_RES(-EFAULT, read_fixed(&self->dst, self->fd, srcbuf(self, 0), 16, 0, 0));
	ASSERT_RES(-EFAULT, read_fixed(&self->dst, self->fd, srcbuf(self, 1), 16, 0, 1));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 1), 64, 11, 2));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 1), 64, 11));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 2), 64, 22, 3));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 2), 64, 22));
	ASSERT_RES(-EFAULT, read_fixed(&self->dst, self->fd, srcbuf(self, 3), 16, 0, 4));
}

TEST_F(clone, range_errors_are_refused)
{
	REQUIRE_CLONE_RANGES();
	/* more than the source has */
	ASSERT_RES(-EINVAL, clone_from(&self->dst, self->src.fd, 0, 0, 0, NBUF + 1));
	/* a range running off the end of the source */
	ASSERT_RES(-EOVERFLOW, clone_from(&self->dst, self->src.fd, 0, 3, 0, 2));
	/* offsets without a count */
	ASSERT_RES(-EINVAL, clone_from(&self->dst, self->src.fd, 0, 1, 0, 0));
	ASSERT_RES(-EINVAL, clone_from(&self->dst, self->src.fd, 0, 0, 1, 0));
	/* a destination table beyond 16384 slots */
	ASSERT_RES(-EINVAL, clone_from(&self->dst, self->src.fd, 0, 0,
				       IOU_MAX_REG_BUFFERS, 1));
	ASSERT_RES(-ENXIO, iou_register(&self->dst, IORING_UNREGISTER_BUFFERS, NULL, 0));
}

TEST_F(clone, replace_keeps_destination_entries_outside_the_range)
{
	struct iovec iov[NBUF];

	REQUIRE_CLONE_RANGES();
	for (int i = 0; i < NBUF; i++)
		iov[i] = (struct iovec){ dstbuf(self, i), IOU_PAGE_SIZE };
	ASSERT_RES(0, iou_register(&self->dst, IORING_REGISTER_BUFFERS, iov, NBUF));
	/* source buffer 0 into destination slot 1 only */
	ASSERT_RES(0, clone_from(&self->dst, self->src.fd, IORING_REGISTER_DST_REPLACE,
				 0, 1, 1));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 0), 64, 1, 1));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 0), 64, 1));
	ASSERT_RES(-EFAULT, read_fixed(&self->dst, self->fd, dstbuf(self, 1), 16, 0, 1));
	/* slot 0 before the range and slots 2, 3 after it are the old ones */
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, dstbuf(self, 0), 64, 2, 0));
	ASSERT_TRUE(iou_check_pattern(dstbuf(self, 0), 64, 2));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, dstbuf(self, 2), 64, 3, 2));
	ASSERT_TRUE(iou_check_pattern(dstbuf(self, 2), 64, 3));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, dstbuf(self, 3), 64, 4, 3));
	ASSERT_TRUE(iou_check_pattern(dstbuf(self, 3), 64, 4));
}

TEST_F(clone, replace_of_whole_table_swaps_all_buffers)
{
	struct iovec iov = { dstbuf(self, 0), IOU_PAGE_SIZE };

	REQUIRE_CLONE_RANGES();
	ASSERT_RES(0, iou_register(&self->dst, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(0, clone_from(&self->dst, self->src.fd, IORING_REGISTER_DST_REPLACE,
				 0, 0, 0));
	ASSERT_RES(-EFAULT, read_fixed(&self->dst, self->fd, dstbuf(self, 0), 16, 0, 0));
	ASSERT_RES(64, read_fixed(&self->dst, self->fd, srcbuf(self, 3), 64, 8, 3));
	ASSERT_TRUE(iou_check_pattern(srcbuf(self, 3), 64, 8));
}

TEST_HARNESS_MAIN
