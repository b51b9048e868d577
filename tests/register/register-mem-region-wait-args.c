// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_MEM_REGION: one parameter region per ring, in user
 * memory (IORING_MEM_REGION_TYPE_USER) or allocated by the kernel and
 * mapped at the mmap_offset it reports.  With IORING_MEM_REGION_REG_WAIT_ARG
 * (only while the ring is still IORING_SETUP_R_DISABLED) it holds
 * struct io_uring_reg_wait entries that io_uring_enter uses through
 * IORING_ENTER_EXT_ARG_REG: the wait ends with ETIME after the timeout of
 * the entry at the given offset.  A second region is EBUSY; bad flags,
 * reserved words, sizes, ids or offsets are EINVAL; unreachable memory is
 * EFAULT; NULL and nr_args other than 1 are EINVAL.  An EXT_ARG_REG offset
 * past the region, or on a ring without a wait region, is EFAULT; an
 * argument size other than the entry size, or an entry with unknown
 * flags, is EINVAL.
 */
#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(region) {
	struct iou_ring r;
	void *mem;
};

FIXTURE_SETUP(region)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_MEM_REGION);
	REQUIRE_SETUP_FLAG(IORING_SETUP_R_DISABLED);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, IORING_SETUP_R_DISABLED));
	self->mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	memset(self->mem, 0, 2 * 4096);
}

FIXTURE_TEARDOWN(region)
{
	iou_ring_exit(&self->r);
}

static int reg_region(struct iou_ring *r, struct io_uring_region_desc *rd,
		      __u64 flags)
{
	struct io_uring_mem_region_reg mr = { .region_uptr = (__u64)(uintptr_t)rd,
					      .flags = flags };

	return iou_register(r, IORING_REGISTER_MEM_REGION, &mr, 1);
}

static void user_desc(struct io_uring_region_desc *rd, void *mem, __u64 size)
{
	memset(rd, 0, sizeof(*rd));
	rd->user_addr = (__u64)(uintptr_t)mem;
	rd->size = size;
	rd->flags = IORING_MEM_REGION_TYPE_USER;
}

static int wait_reg(struct iou_ring *r, unsigned long offset, size_t argsz)
{
	return iou_enter(r, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG |
			 IORING_ENTER_EXT_ARG_REG, (void *)offset, argsz);
}

/*
 * Timing tolerance: not before the 50 ms timeout (2 ms of slack for the
 * clock reads), well within 2 s with the other CPU busy.
 */
TEST_F(region, registered_wait_argument_times_out)
{
	struct io_uring_reg_wait *w = self->mem;
	struct io_uring_region_desc rd;
	uint64_t start;
	uint64_t ms;

	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(0, reg_region(&self->r, &rd, IORING_MEM_REGION_REG_WAIT_ARG));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	/* entry 1; entry 0 stays empty (no timeout) */
	w[1].ts.tv_nsec = 50 * 1000 * 1000;
	w[1].flags = IORING_REG_WAIT_TS;
	start = iou_now_ns();
	ASSERT_RES(-ETIME, wait_reg(&self->r, sizeof(*w), sizeof(*w)));
	ms = iou_ms_since(start);
	ASSERT_LE(48, ms);
	ASSERT_GT(2000, ms);
}

TEST_F(region, wait_returns_at_once_when_cqe_is_there)
{
	struct io_uring_reg_wait *w = self->mem;
	struct io_uring_region_desc rd;
	struct iou_cqe cqe;

	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(0, reg_region(&self->r, &rd, IORING_MEM_REGION_REG_WAIT_ARG));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	w[0].ts.tv_sec = 10;
	w[0].flags = IORING_REG_WAIT_TS;
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_RES(0, wait_reg(&self->r, 0, sizeof(*w)));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, 0));
	ASSERT_EQ(3, cqe.user_data);
}

TEST_F(region, kernel_region_is_mapped_at_reported_offset)
{
	struct io_uring_region_desc rd;
	struct io_uring_reg_wait *w;

	memset(&rd, 0, sizeof(rd));
	rd.size = 4096;
	ASSERT_RES(0, reg_region(&self->r, &rd, IORING_MEM_REGION_REG_WAIT_ARG));
	ASSERT_NE(0, rd.mmap_offset);
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->r.fd,
		 (off_t)rd.mmap_offset);
	ASSERT_NE(MAP_FAILED, w);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	w[3].ts.tv_nsec = 20 * 1000 * 1000;
	w[3].flags = IORING_REG_WAIT_TS;
	ASSERT_RES(-ETIME, wait_reg(&self->r, 3 * sizeof(*w), sizeof(*w)));
	munmap(w, 4096);
}

TEST_F(region, second_region_is_ebusy)
{
	struct io_uring_region_desc rd;

	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(0, reg_region(&self->r, &rd, 0));
	user_desc(&rd, (char *)self->mem + 4096, 4096);
	ASSERT_RES(-EBUSY, reg_region(&self->r, &rd, 0));
}

TEST_F(region, wait_arg_region_on_enabled_ring_is_einval)
{
	struct io_uring_region_desc rd;

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, IORING_MEM_REGION_REG_WAIT_ARG));
	/* a plain region is still fine there */
	ASSERT_RES(0, reg_region(&self->r, &rd, 0));
}

TEST_F(region, ext_arg_reg_without_wait_region_is_efault)
{
	struct io_uring_region_desc rd;

	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(0, reg_region(&self->r, &rd, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	ASSERT_RES(-EFAULT, wait_reg(&self->r, 0, sizeof(struct io_uring_reg_wait)));
}

TEST_F(region, ext_arg_reg_errors)
{
	struct io_uring_reg_wait *w = self->mem;
	struct io_uring_region_desc rd;

	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(0, reg_region(&self->r, &rd, IORING_MEM_REGION_REG_WAIT_ARG));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	/* past the region */
	ASSERT_RES(-EFAULT, wait_reg(&self->r, 4096, sizeof(*w)));
	/* the size must be that of an entry */
	ASSERT_RES(-EINVAL, wait_reg(&self->r, 0, sizeof(*w) / 2));
	/* unknown entry flags */
	w[2].flags = 0x80;
	ASSERT_RES(-EINVAL, wait_reg(&self->r, 2 * sizeof(*w), sizeof(*w)));
}

TEST_F(region, bad_descriptors_are_einval)
{
	struct io_uring_region_desc rd;

	memset(&rd, 0, sizeof(rd));
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 0));		/* size 0 */
	rd.size = 100;
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 0));		/* not pages */
	rd.size = 4096;
	rd.id = 1;
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 0));
	rd.id = 0;
	rd.mmap_offset = 4096;
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 0));
	rd.mmap_offset = 0;
	rd.flags = 2;
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 0));
	rd.flags = 0;
	rd.__resv[1] = 1;
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 0));
	user_desc(&rd, (char *)self->mem + 8, 4096);
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 0));		/* unaligned */
	/* none of these left a region behind */
	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(0, reg_region(&self->r, &rd, 0));
}

TEST_F(region, bad_register_arguments_are_einval)
{
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg m;

	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(-EINVAL, reg_region(&self->r, &rd, 2));		/* unknown flag */
	memset(&m, 0, sizeof(m));
	m.region_uptr = (__u64)(uintptr_t)&rd;
	m.__resv[0] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_MEM_REGION, &m, 1));
	m.__resv[0] = 0;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_MEM_REGION, &m, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_MEM_REGION, &m, 2));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_MEM_REGION, NULL, 1));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_MEM_REGION, &m, 1));
}

TEST_F(region, unreachable_memory_is_efault)
{
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg m;

	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_MEM_REGION,
					 iou_fault_ptr(), 1));
	memset(&m, 0, sizeof(m));
	m.region_uptr = (__u64)(uintptr_t)iou_fault_ptr();
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_MEM_REGION, &m, 1));
	user_desc(&rd, NULL, 4096);
	ASSERT_RES(-EFAULT, reg_region(&self->r, &rd, 0));
	user_desc(&rd, iou_fault_ptr(), 4096);
	ASSERT_RES(-EFAULT, reg_region(&self->r, &rd, 0));
}

TEST_F(region, registered_ring_index_works)
{
	struct io_uring_region_desc rd;
	struct iou_ring_opts o = { .register_ring_fd = true };
	struct io_uring_params p;
	struct iou_ring x;

	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(0, iou_ring_init_opts(&x, 4, &p, &o));
	ASSERT_EQ(IORING_REGISTER_USE_REGISTERED_RING, x.register_flags);
	user_desc(&rd, self->mem, 4096);
	ASSERT_RES(0, reg_region(&x, &rd, 0));
	ASSERT_RES(-EBUSY, reg_region(&x, &rd, 0));
	iou_ring_exit(&x);
}

TEST_HARNESS_MAIN
