// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_PBUF_RING and IORING_UNREGISTER_PBUF_RING refuse bad
 * arguments with their exact errno and leave no group behind: entries not
 * a power of two or of 65536 and more (head and tail are 16 bits, a full
 * ring could not be told from an empty one), unknown flags, non-zero
 * reserved words, a missing (EFAULT) or unaligned (EINVAL) ring address,
 * memory that cannot be pinned; and the register(2) call itself: NULL or
 * faulting argument, nr_args other than 1, a fd that is not a ring
 * (EOPNOTSUPP) or not open (EBADF), a registered-ring index that is empty
 * (EBADF) or out of range (EINVAL).
 */
#include "iou.h"
#include "iou_pbuf.h"

enum addr_kind { ADDR_VALID, ADDR_NULL, ADDR_UNALIGNED, ADDR_PROT_NONE };

FIXTURE(invalid) {
	struct iou_ring r;
	void *mem;
};

FIXTURE_VARIANT(invalid) {
	unsigned int entries;
	unsigned int flags;
	enum addr_kind addr;
	int resv;		/* index of a non-zero resv word, or -1 */
	int err;
};

FIXTURE_VARIANT_ADD(invalid, zero_entries) {
	.entries = 0, .addr = ADDR_VALID, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, three_entries) {
	.entries = 3, .addr = ADDR_VALID, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, entries_32769) {
	.entries = 32769, .addr = ADDR_VALID, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, entries_65536) {
	.entries = 65536, .addr = ADDR_VALID, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, entries_2_pow_31) {
	.entries = 1U << 31, .addr = ADDR_VALID, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, unknown_flag_4) {
	.entries = 4, .flags = 4, .addr = ADDR_VALID, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, unknown_flag_0x8000) {
	.entries = 4, .flags = 0x8000, .addr = ADDR_VALID, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, resv0_set) {
	.entries = 4, .addr = ADDR_VALID, .resv = 0, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, resv2_set) {
	.entries = 4, .addr = ADDR_VALID, .resv = 2, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, null_ring_addr) {
	.entries = 4, .addr = ADDR_NULL, .resv = -1, .err = EFAULT };
FIXTURE_VARIANT_ADD(invalid, unaligned_ring_addr) {
	.entries = 4, .addr = ADDR_UNALIGNED, .resv = -1, .err = EINVAL };
FIXTURE_VARIANT_ADD(invalid, unpinnable_ring_addr) {
	.entries = 4, .addr = ADDR_PROT_NONE, .resv = -1, .err = EFAULT };

FIXTURE_SETUP(invalid)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
}

FIXTURE_TEARDOWN(invalid)
{
	iou_ring_exit(&self->r);
}

TEST_F(invalid, refused_with_errno_and_no_group_created)
{
	struct io_uring_buf_reg reg;
	struct iou_pbuf_ring pb;

	memset(&reg, 0, sizeof(reg));
	reg.ring_entries = variant->entries;
	/*
	 * An id of 64 or more: before 6.9 (09ab7eff3820) ids below 64 sat
	 * in a fixed array that, once allocated (a refusal late in the
	 * registration leaves it allocated), makes every low id read as an
	 * existing legacy group, so "no group left" could not be seen there.
	 */
	reg.bgid = 300;
	reg.flags = (__u16)variant->flags;
	switch (variant->addr) {
	case ADDR_VALID:
		reg.ring_addr = (__u64)(uintptr_t)self->mem;
		break;
	case ADDR_NULL:
		reg.ring_addr = 0;
		break;
	case ADDR_UNALIGNED:
		reg.ring_addr = (__u64)(uintptr_t)self->mem + 64;
		break;
	case ADDR_PROT_NONE:
		reg.ring_addr = (__u64)(uintptr_t)iou_fault_ptr();
		break;
	}
	if (variant->resv >= 0)
		reg.resv[variant->resv] = 1;
	ASSERT_RES(-variant->err,
		   iou_register(&self->r, IORING_REGISTER_PBUF_RING, &reg, 1));
	/* nothing was left registered under the group id */
	ASSERT_RES(-ENOENT, iou_pbuf_unregister(&self->r, 300));
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 300, 0));
	iou_pbuf_ring_free(&self->r, &pb);
}

/* ---- the register(2) call itself ---------------------------------- */

FIXTURE(call) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	struct io_uring_buf_reg reg;
	void *mem;
};

FIXTURE_SETUP(call)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	memset(&self->reg, 0, sizeof(self->reg));
	self->reg.ring_addr = (__u64)(uintptr_t)self->mem;
	self->reg.ring_entries = 4;
	self->reg.bgid = 1;
}

FIXTURE_TEARDOWN(call)
{
	iou_ring_exit(&self->r);
}

TEST_F(call, null_argument_is_einval)
{
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(self->r.fd,
			IORING_REGISTER_PBUF_RING, NULL, 1));
}

TEST_F(call, faulting_argument_is_efault)
{
	ASSERT_SYSERR(EFAULT, sys_io_uring_register(self->r.fd,
			IORING_REGISTER_PBUF_RING, iou_fault_ptr(), 1));
}

TEST_F(call, nr_args_zero_is_einval)
{
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(self->r.fd,
			IORING_REGISTER_PBUF_RING, &self->reg, 0));
	ASSERT_RES(-ENOENT, iou_pbuf_unregister(&self->r, 1));
}

TEST_F(call, nr_args_two_is_einval)
{
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(self->r.fd,
			IORING_REGISTER_PBUF_RING, &self->reg, 2));
	ASSERT_RES(-ENOENT, iou_pbuf_unregister(&self->r, 1));
}

TEST_F(call, non_ring_fd_is_eopnotsupp)
{
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(fds[0],
			IORING_REGISTER_PBUF_RING, &self->reg, 1));
	close(fds[0]);
	close(fds[1]);
}

TEST_F(call, closed_fd_is_ebadf)
{
	int fd = dup(0);

	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_SYSERR(EBADF, sys_io_uring_register(fd,
			IORING_REGISTER_PBUF_RING, &self->reg, 1));
}

TEST_F(call, empty_registered_ring_index_is_ebadf)
{
	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	/* index 0 holds this ring; index 1 is empty */
	ASSERT_EQ(0, iou_ring_register_fd(&self->r));
	ASSERT_EQ(0, self->r.enter_fd);
	ASSERT_SYSERR(EBADF, sys_io_uring_register(1,
			IORING_REGISTER_PBUF_RING |
			IORING_REGISTER_USE_REGISTERED_RING, &self->reg, 1));
	/* the good index works */
	ASSERT_SYSOK(sys_io_uring_register(0,
			IORING_REGISTER_PBUF_RING |
			IORING_REGISTER_USE_REGISTERED_RING, &self->reg, 1));
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 1));
}

TEST_F(call, registered_ring_index_16_is_einval)
{
	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	ASSERT_EQ(0, iou_ring_register_fd(&self->r));
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(IOU_RINGFD_REG_MAX,
			IORING_REGISTER_PBUF_RING |
			IORING_REGISTER_USE_REGISTERED_RING, &self->reg, 1));
}

TEST_F(call, unregister_null_argument_is_einval)
{
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(self->r.fd,
			IORING_UNREGISTER_PBUF_RING, NULL, 1));
}

TEST_F(call, unregister_faulting_argument_is_efault)
{
	ASSERT_SYSERR(EFAULT, sys_io_uring_register(self->r.fd,
			IORING_UNREGISTER_PBUF_RING, iou_fault_ptr(), 1));
}

TEST_F(call, unregister_nr_args_two_is_einval)
{
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &self->pb, 4, 1, 0));
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(self->r.fd,
			IORING_UNREGISTER_PBUF_RING, &self->reg, 2));
	/* still registered */
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 1));
	self->pb.registered = false;
	iou_pbuf_ring_free(&self->r, &self->pb);
}

TEST_F(call, unregister_with_reserved_word_set_is_einval)
{
	struct io_uring_buf_reg reg;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &self->pb, 4, 1, 0));
	memset(&reg, 0, sizeof(reg));
	reg.bgid = 1;
	reg.resv[1] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_PBUF_RING, &reg, 1));
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 1));
	self->pb.registered = false;
	iou_pbuf_ring_free(&self->r, &self->pb);
}

TEST_HARNESS_MAIN
