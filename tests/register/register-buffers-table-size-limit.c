// SPDX-License-Identifier: GPL-2.0
/*
 * A ring's registered-buffer table holds at most 16384 entries
 * (IORING_MAX_REG_BUFFERS, because buf_index is 16 bits and the kernel
 * keeps headroom): exactly 16384 registers, with REGISTER_BUFFERS and
 * with BUFFERS2 (dense or SPARSE), and the last index then carries I/O;
 * 16385 fails with EINVAL before a single iovec is read; an update past
 * the last slot fails with EINVAL and leaves the table as it was.
 *
 * Every iovec points at the same page, so the boundary costs one page of
 * pinned memory however many entries the table has (the charge against
 * RLIMIT_MEMLOCK is per entry, though; see the fixture).  The 16384 limit came
 * with the resource-tag rework (5.13, FEAT_RSRC_TAGS); earlier kernels
 * stopped at UIO_MAXIOV (1024), so these cases need the feature.
 *
 * Doc discrepancy: io_uring_register(2) still gives UIO_MAXIOV (1024) as
 * the most buffers IORING_REGISTER_BUFFERS takes; the kernel takes 16384.
 */
#include "iou.h"
#include "iou_rsrc.h"

#define NR_MAX	IOU_MAX_REG_BUFFERS

FIXTURE(table) {
	struct iou_ring r;
	struct iovec *iov;
	unsigned char *page;
	int fd;
};

FIXTURE_SETUP(table)
{
	self->fd = -1;
	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->page = iou_map_nohuge(IOU_PAGE_SIZE);
	ASSERT_NE(NULL, self->page);
	self->iov = calloc(NR_MAX + 1, sizeof(*self->iov));
	ASSERT_NE(NULL, self->iov);
	/*
	 * Without CAP_IPC_LOCK every iovec is charged its page again (64 MiB
	 * for the table), beyond a usual RLIMIT_MEMLOCK: then only the first
	 * and the last two slots hold the page and the rest are empty, which
	 * counts the same against the table size.
	 */
	for (unsigned int i = 0; i <= NR_MAX; i++) {
		bool real = iou_has_cap(CAP_IPC_LOCK) || i == 0 || i >= NR_MAX - 1;

		self->iov[i] = real ? (struct iovec){ self->page, IOU_PAGE_SIZE } :
				      (struct iovec){ NULL, 0 };
	}
	self->fd = iou_scratch_file("data", 3 * IOU_PAGE_SIZE, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(table)
{
	iou_ring_exit(&self->r);
	free(self->iov);
	if (self->fd >= 0)
		close(self->fd);
}

static int read_fixed(struct iou_ring *r, int fd, void *buf, unsigned int len,
		      __u64 off, unsigned int index)
{
	iou_prep_read_fixed(iou_get_sqe(r), fd, buf, len, off, index);
	return iou_run_one(r, NULL);
}

TEST_F(table, exactly_16384_buffers_register_and_the_last_one_works)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, self->iov, NR_MAX));
	ASSERT_RES(512, read_fixed(&self->r, self->fd, self->page, 512,
				   IOU_PAGE_SIZE, NR_MAX - 1));
	ASSERT_TRUE(iou_check_pattern(self->page, 512, IOU_PAGE_SIZE));
	ASSERT_RES(512, read_fixed(&self->r, self->fd, self->page + 512, 512,
				   2 * IOU_PAGE_SIZE, 0));
	ASSERT_TRUE(iou_check_pattern(self->page + 512, 512, 2 * IOU_PAGE_SIZE));
	/* one past the table */
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->page, 512, 0, NR_MAX));
}

TEST_F(table, buffers_16385_fail_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS,
					 self->iov, NR_MAX + 1));
	/* nothing was registered */
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
}

TEST_F(table, buffers2_16384_register_and_16385_fail_einval)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	ASSERT_RES(-EINVAL, iou_register_buffers2(&self->r, self->iov, NULL, NR_MAX + 1, 0));
	ASSERT_RES(0, iou_register_buffers2(&self->r, self->iov, NULL, NR_MAX, 0));
	ASSERT_RES(100, read_fixed(&self->r, self->fd, self->page, 100, 0, NR_MAX - 1));
	ASSERT_TRUE(iou_check_pattern(self->page, 100, 0));
}

TEST_F(table, sparse_16384_table_fills_its_last_slot_by_update)
{
	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(-EINVAL, iou_register_buffers2(&self->r, NULL, NULL, NR_MAX + 1,
					    IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, iou_register_buffers2(&self->r, NULL, NULL, NR_MAX,
				      IORING_RSRC_REGISTER_SPARSE));
	/* sparse: no slot holds a buffer yet */
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->page, 64, 0, NR_MAX - 1));
	ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
				     NR_MAX - 1, self->iov, NULL, 1));
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->page, 64, 4096, NR_MAX - 1));
	ASSERT_TRUE(iou_check_pattern(self->page, 64, 4096));
}

TEST_F(table, update_past_the_last_slot_fails_einval)
{
	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(0, iou_register_buffers2(&self->r, NULL, NULL, NR_MAX,
				      IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(-EINVAL, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					   NR_MAX, self->iov, NULL, 1));
	/* a range that starts inside but ends outside is refused whole */
	ASSERT_RES(-EINVAL, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					   NR_MAX - 1, self->iov, NULL, 2));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->page, 64, 0, NR_MAX - 1));
}

TEST_HARNESS_MAIN
