// SPDX-License-Identifier: GPL-2.0
/*
 * What IORING_REGISTER_BUFFERS, IORING_REGISTER_BUFFERS2 and
 * IORING_UNREGISTER_BUFFERS refuse, each with its own errno:
 *  - nr_args 0 (EINVAL), a NULL or unreadable iovec array (EFAULT);
 *  - an iovec the kernel cannot pin: unmapped, PROT_NONE or read-only
 *    memory, a NULL base with a length, a length of 0 with a base, a
 *    length above 1 GiB (all EFAULT), a range that wraps past the top of
 *    the address space (EOVERFLOW);
 *  - a second registration while a table exists (EBUSY); unregistering
 *    with an argument (EINVAL) or with nothing registered (ENXIO);
 *  - BUFFERS2: an argument size other than the struct (EINVAL), nr 0,
 *    non-zero resv2 or an unknown flag (EINVAL), SPARSE together with an
 *    iovec array (EINVAL), an unreadable tag array (EFAULT).
 * A registration that fails part way leaves no table behind: the next
 * valid registration succeeds and the failed one's buffers are unusable.
 */
#include "iou.h"
#include "iou_rsrc.h"

FIXTURE(args) {
	struct iou_ring r;
	unsigned char *mem;
	size_t len;
};

FIXTURE_SETUP(args)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->len = 4 * IOU_PAGE_SIZE;
	self->mem = iou_map_nohuge(self->len);
	ASSERT_NE(NULL, self->mem);
}

FIXTURE_TEARDOWN(args)
{
	iou_ring_exit(&self->r);
	if (self->mem)
		munmap(self->mem, self->len);
}

static int reg1(struct iou_ring *r, void *base, size_t len)
{
	struct iovec iov = { base, len };

	return iou_register(r, IORING_REGISTER_BUFFERS, &iov, 1);
}

TEST_F(args, nr_args_zero_fails_einval)
{
	struct iovec iov = { self->mem, self->len };

	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 0));
}

TEST_F(args, nr_args_above_16384_fails_einval)
{
	struct iovec iov = { self->mem, self->len };

	/* the count is checked before the array is read */
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov,
					 IOU_MAX_REG_BUFFERS + 1));
}

TEST_F(args, null_iovec_array_fails_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_BUFFERS, NULL, 1));
}

TEST_F(args, unreadable_iovec_array_fails_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_BUFFERS,
					 iou_fault_ptr(), 1));
}

TEST_F(args, prot_none_memory_fails_efault)
{
	ASSERT_RES(-EFAULT, reg1(&self->r, iou_fault_ptr(), IOU_PAGE_SIZE));
}

TEST_F(args, unmapped_memory_fails_efault)
{
	/* the last two pages of the mapping are given back first */
	ASSERT_EQ(0, munmap(self->mem + 2 * IOU_PAGE_SIZE, 2 * IOU_PAGE_SIZE));
	self->len = 2 * IOU_PAGE_SIZE;
	ASSERT_RES(-EFAULT, reg1(&self->r, self->mem + IOU_PAGE_SIZE, 2 * IOU_PAGE_SIZE));
}

TEST_F(args, read_only_memory_fails_efault)
{
	/* buffers are pinned for writing: READ_FIXED stores into them */
	ASSERT_EQ(0, mprotect(self->mem, self->len, PROT_READ));
	ASSERT_RES(-EFAULT, reg1(&self->r, self->mem, self->len));
}

TEST_F(args, null_base_with_length_fails_efault)
{
	ASSERT_RES(-EFAULT, reg1(&self->r, NULL, 4096));
}

TEST_F(args, zero_length_with_base_fails_efault)
{
	ASSERT_RES(-EFAULT, reg1(&self->r, self->mem, 0));
}

TEST_F(args, length_above_one_gib_fails_efault)
{
	/* refused on the length alone, before any page is touched */
	ASSERT_RES(-EFAULT, reg1(&self->r, self->mem, (1UL << 30) + 1));
}

TEST_F(args, range_wrapping_the_address_space_fails_eoverflow)
{
	/* the explicit overflow check came with io_buffer_validate (5.13) */
	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_RES(-EOVERFLOW, reg1(&self->r, (void *)(uintptr_t)0xffffffffffff0000ULL,
				    0x20000));
}

TEST_F(args, second_registration_fails_ebusy)
{
	ASSERT_RES(0, reg1(&self->r, self->mem, self->len));
	ASSERT_RES(-EBUSY, reg1(&self->r, self->mem, IOU_PAGE_SIZE));
	/* EBUSY did not disturb the table in place */
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
}

TEST_F(args, unregister_with_nothing_registered_fails_enxio)
{
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
}

TEST_F(args, unregister_with_argument_fails_einval)
{
	ASSERT_RES(0, reg1(&self->r, self->mem, self->len));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_BUFFERS,
					 self->mem, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 1));
	/* still registered */
	ASSERT_RES(-EBUSY, reg1(&self->r, self->mem, self->len));
}

TEST_F(args, failed_registration_leaves_no_table)
{
	struct iovec iov[3] = {
		{ self->mem, IOU_PAGE_SIZE },
		{ self->mem + IOU_PAGE_SIZE, IOU_PAGE_SIZE },
		{ iou_fault_ptr(), IOU_PAGE_SIZE },	/* fails to pin */
	};
	struct io_uring_sqe *sqe;
	int fd = iou_scratch_file("data", 8192, 0);

	ASSERT_LE(0, fd);
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 3));
	/* the first two were unwound: no index 0 to read into */
	sqe = iou_get_sqe(&self->r);
	iou_prep_read_fixed(sqe, fd, self->mem, 64, 0, 0);
	ASSERT_RES(-EFAULT, iou_run_one(&self->r, NULL));
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 2));
	close(fd);
}

/* ---- IORING_REGISTER_BUFFERS2 --------------------------------------- */

TEST_F(args, buffers2_wrong_argument_size_fails_einval)
{
	struct io_uring_rsrc_register rr = { .nr = 1 };
	struct iovec iov = { self->mem, self->len };

	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	rr.data = (__u64)(uintptr_t)&iov;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS2, &rr,
					 sizeof(rr) - 8));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS2, &rr,
					 sizeof(rr) + 8));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr)));
}

TEST_F(args, buffers2_nr_zero_fails_einval)
{
	struct iovec iov = { self->mem, self->len };

	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	ASSERT_RES(-EINVAL, iou_register_buffers2(&self->r, &iov, NULL, 0, 0));
}

TEST_F(args, buffers2_nonzero_resv2_fails_einval)
{
	struct io_uring_rsrc_register rr = { .nr = 1, .resv2 = 1 };
	struct iovec iov = { self->mem, self->len };

	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	rr.data = (__u64)(uintptr_t)&iov;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BUFFERS2, &rr,
					 sizeof(rr)));
}

TEST_F(args, buffers2_unknown_flag_fails_einval)
{
	struct iovec iov = { self->mem, self->len };

	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	ASSERT_RES(-EINVAL, iou_register_buffers2(&self->r, &iov, NULL, 1, 1U << 1));
	ASSERT_RES(-EINVAL, iou_register_buffers2(&self->r, &iov, NULL, 1, 1U << 31));
}

TEST_F(args, buffers2_sparse_with_iovecs_fails_einval)
{
	struct iovec iov = { self->mem, self->len };

	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(-EINVAL, iou_register_buffers2(&self->r, &iov, NULL, 1,
					    IORING_RSRC_REGISTER_SPARSE));
}

TEST_F(args, buffers2_unreadable_tags_fail_efault)
{
	struct iovec iov = { self->mem, self->len };

	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	ASSERT_RES(-EFAULT, iou_register_buffers2(&self->r, &iov, iou_fault_ptr(), 1, 0));
	/* and nothing was left registered */
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
}

TEST_F(args, buffers2_unreadable_argument_fails_efault)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_BUFFERS2,
					 iou_fault_ptr(),
					 sizeof(struct io_uring_rsrc_register)));
}

TEST_F(args, buffers2_after_buffers_fails_ebusy)
{
	struct iovec iov = { self->mem, self->len };

	REQUIRE_REGISTER_OP(IORING_REGISTER_BUFFERS2);
	ASSERT_RES(0, reg1(&self->r, self->mem, self->len));
	ASSERT_RES(-EBUSY, iou_register_buffers2(&self->r, &iov, NULL, 1, 0));
}

TEST_HARNESS_MAIN
