// SPDX-License-Identifier: GPL-2.0
/*
 * Sparse buffer tables and IORING_REGISTER_BUFFERS_UPDATE.  A table can
 * be registered with empty slots (BUFFERS2 with IORING_RSRC_REGISTER_SPARSE
 * or without an iovec array, or {NULL, 0} iovecs): fixed I/O naming an
 * empty slot fails with EFAULT until BUFFERS_UPDATE installs a buffer
 * there, which takes effect for the next request; updating the slot
 * again swaps the buffer.  The update returns how many slots it changed
 * and refuses: a ring without a table (ENXIO), nr 0, an argument size
 * other than the struct, non-zero resv or resv2 (EINVAL), an offset + nr
 * that wraps (EOVERFLOW), an unreadable iovec array or argument (EFAULT).
 *
 * Sparse registration came in 5.19 (probed: EINVAL before); {NULL, 0}
 * iovecs and BUFFERS_UPDATE in 5.13 (FEAT_RSRC_TAGS).
 */
#include "iou.h"
#include "iou_rsrc.h"

FIXTURE(sparse) {
	struct iou_ring r;
	unsigned char *mem;
	size_t len;
	int fd;
};

FIXTURE_SETUP(sparse)
{
	self->fd = -1;
	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->len = 4 * IOU_PAGE_SIZE;
	self->mem = iou_map_nohuge(self->len);
	ASSERT_NE(NULL, self->mem);
	self->fd = iou_scratch_file("data", 8 * IOU_PAGE_SIZE, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(sparse)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static int read_fixed(struct iou_ring *r, int fd, void *buf, unsigned int len,
		      __u64 off, unsigned int index)
{
	iou_prep_read_fixed(iou_get_sqe(r), fd, buf, len, off, index);
	return iou_run_one(r, NULL);
}

static int update1(struct iou_ring *r, unsigned int slot, void *base, size_t len)
{
	struct iovec iov = { base, len };

	return iou_rsrc_update2(r, IORING_REGISTER_BUFFERS_UPDATE, slot, &iov, NULL, 1);
}

TEST_F(sparse, sparse_slots_fail_efault_until_updated)
{
	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(0, iou_register_buffers2(&self->r, NULL, NULL, 4, IORING_RSRC_REGISTER_SPARSE));
	for (unsigned int i = 0; i < 4; i++)
		ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0, i));
	ASSERT_RES(1, update1(&self->r, 2, self->mem + IOU_PAGE_SIZE, IOU_PAGE_SIZE));
	ASSERT_RES(256, read_fixed(&self->r, self->fd, self->mem + IOU_PAGE_SIZE, 256,
				   1000, 2));
	ASSERT_TRUE(iou_check_pattern(self->mem + IOU_PAGE_SIZE, 256, 1000));
	/* the neighbours stay empty */
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem + IOU_PAGE_SIZE, 64, 0, 1));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem + IOU_PAGE_SIZE, 64, 0, 3));
}

TEST_F(sparse, buffers2_without_iovecs_is_sparse)
{
	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(0, iou_register_buffers2(&self->r, NULL, NULL, 2, 0));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
	ASSERT_RES(1, update1(&self->r, 0, self->mem, IOU_PAGE_SIZE));
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
}

TEST_F(sparse, null_iovecs_leave_slots_empty)
{
	struct iovec iov[3] = {
		{ NULL, 0 }, { self->mem, IOU_PAGE_SIZE }, { NULL, 0 },
	};

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 3));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem, 64, 0, 1));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0, 2));
	/* a table from the old opcode can be updated like any other */
	ASSERT_RES(1, update1(&self->r, 2, self->mem + 2 * IOU_PAGE_SIZE, IOU_PAGE_SIZE));
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem + 2 * IOU_PAGE_SIZE, 64, 0, 2));
}

TEST_F(sparse, update_swaps_the_buffer_of_a_slot)
{
	struct iovec iov = { self->mem, IOU_PAGE_SIZE };

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(1, update1(&self->r, 0, self->mem + 3 * IOU_PAGE_SIZE, IOU_PAGE_SIZE));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
	ASSERT_RES(128, read_fixed(&self->r, self->fd, self->mem + 3 * IOU_PAGE_SIZE, 128,
				   IOU_PAGE_SIZE, 0));
	ASSERT_TRUE(iou_check_pattern(self->mem + 3 * IOU_PAGE_SIZE, 128, IOU_PAGE_SIZE));
}

TEST_F(sparse, update_of_several_slots_returns_the_count)
{
	struct iovec upd[3] = {
		{ self->mem, IOU_PAGE_SIZE },
		{ self->mem + IOU_PAGE_SIZE, IOU_PAGE_SIZE },
		{ self->mem + 2 * IOU_PAGE_SIZE, IOU_PAGE_SIZE },
	};
	struct iovec none[4] = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 } };

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, none, 4));
	ASSERT_RES(3, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 1,
				     upd, NULL, 3));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
	for (unsigned int i = 0; i < 3; i++)
		ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem + i * IOU_PAGE_SIZE,
					  64, 0, i + 1));
}

TEST_F(sparse, update_without_a_table_fails_enxio)
{
	ASSERT_RES(-ENXIO, update1(&self->r, 0, self->mem, IOU_PAGE_SIZE));
}

TEST_F(sparse, update_argument_errors_fail_einval)
{
	struct io_uring_rsrc_update2 up;
	struct iovec iov = { self->mem, IOU_PAGE_SIZE };
	struct iovec none[2] = { { NULL, 0 }, { NULL, 0 } };

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, none, 2));

	memset(&up, 0, sizeof(up));
	up.data = (__u64)(uintptr_t)&iov;
	up.nr = 0;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					 &up, sizeof(up)));
	up.nr = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					 &up, sizeof(up) - 8));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					 &up, sizeof(up) + 8));
	up.resv = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					 &up, sizeof(up)));
	up.resv = 0;
	up.resv2 = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					 &up, sizeof(up)));
	up.resv2 = 0;
	/* each refusal left slot 0 empty; the same update, valid, works */
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
	ASSERT_RES(1, iou_register(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
				   &up, sizeof(up)));
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
}

TEST_F(sparse, update_offset_wrapping_fails_eoverflow)
{
	struct iovec iov[2] = { { self->mem, IOU_PAGE_SIZE }, { self->mem, IOU_PAGE_SIZE } };

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 1));
	ASSERT_RES(-EOVERFLOW, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					      0xffffffffu, iov, NULL, 2));
}

TEST_F(sparse, update_with_unreadable_memory_fails_efault)
{
	struct iovec iov = { self->mem, IOU_PAGE_SIZE };

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(-EFAULT, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 0,
					   iou_fault_ptr(), NULL, 1));
	ASSERT_RES(-EFAULT, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 0,
					   &iov, iou_fault_ptr(), 1));
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_BUFFERS_UPDATE,
					 iou_fault_ptr(),
					 sizeof(struct io_uring_rsrc_update2)));
	/* the original buffer is still in slot 0 */
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem, 64, 0, 0));
}

TEST_HARNESS_MAIN
