// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_NO_MMAP: the rings live in memory the application passes
 * in, cq_off.user_addr for the rings (header, CQEs, SQ array) and
 * sq_off.user_addr for the SQE array.  The kernel writes the ring header
 * into that memory, takes SQEs from it and posts CQEs to it; the user
 * addresses come back in params as given, and the ring fd cannot be
 * mmap()ed: the kernel refuses the mapping when it looks for an address
 * for it (io_uring_get_unmapped_area()), with the errno it gives any
 * mmap() of the ring fd it cannot serve.  The memory must be page aligned
 * (EINVAL), mapped for its whole size and writable (EFAULT).
 *
 * That errno changed on purpose: io_uring_get_unmapped_area() reported
 * every refused request as ENOMEM (6.18 does) until df645b745941
 * ("io_uring/memmap: return -EINVAL from get_unmapped_area() on bad
 * mmap", 7.2) made it pass on the validation's EINVAL (7.3 does).  The
 * case probes which one this kernel gives for an offset no ring maps
 * (iou_mmap_refusal_errno()) and expects exactly that for the NO_MMAP
 * ring's three offsets.
 *
 * Doc discrepancy: the commit that added NO_MMAP (03d89a2de25b, "io_uring:
 * support for user allocated memory for rings/sqes") says mmap() of such
 * a ring "will now fail with -EINVAL"; io_uring_setup(2) names no errno.
 * From 6.5 (NO_MMAP) to 7.1 mmap() fails with ENOMEM, from
 * io_uring_get_unmapped_area(); from 7.2 on with EINVAL.  The test
 * follows the kernel.
 */
#include <sys/mman.h>

#include "iou.h"
#include "iou_versions.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_NO_MMAP);

static long ps(void)
{
	return sysconf(_SC_PAGESIZE);
}

static struct io_uring_params nommap_params(void *rings, void *sqes)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP;
	p.cq_off.user_addr = (__u64)(uintptr_t)rings;
	p.sq_off.user_addr = (__u64)(uintptr_t)sqes;
	return p;
}

FIXTURE(user_memory) {
	struct iou_ring_mem m;
};

FIXTURE_SETUP(user_memory)
{
	/*
	 * Fresh anonymous memory is zeroed.  Kernels before 93e197e524b1
	 * ("io_uring: use WRITE_ONCE for user shared memory", 6.19, in
	 * 6.18-stable) leave stale head/tail words of the caller's memory
	 * as they were, so nothing here depends on the kernel clearing them.
	 */
	ASSERT_EQ(0, iou_ring_mem_alloc(&self->m, 4, 8, 0));
}

FIXTURE_TEARDOWN(user_memory)
{
	iou_ring_mem_free(&self->m);
}

TEST_F(user_memory, kernel_uses_the_memory_given)
{
	struct io_uring_params p = nommap_params(self->m.opts.mem, self->m.opts.sqe_mem);
	char *base = self->m.opts.mem;
	struct io_uring_sqe *sqes = self->m.opts.sqe_mem;
	struct iou_ring r;
	struct iou_cqe cqe;
	int fd;

	fd = sys_io_uring_setup(4, &p);
	ASSERT_LE(0, fd) TH_LOG("setup: %s", iou_errno_name(errno));
	/* the addresses come back as given */
	ASSERT_EQ((__u64)(uintptr_t)self->m.opts.mem, p.cq_off.user_addr);
	ASSERT_EQ((__u64)(uintptr_t)self->m.opts.sqe_mem, p.sq_off.user_addr);
	/* the header was written into our memory */
	ASSERT_EQ(4, *(__u32 *)(base + p.sq_off.ring_entries));
	ASSERT_EQ(3, *(__u32 *)(base + p.sq_off.ring_mask));
	ASSERT_EQ(8, *(__u32 *)(base + p.cq_off.ring_entries));
	ASSERT_EQ(7, *(__u32 *)(base + p.cq_off.ring_mask));
	ASSERT_EQ(0, *(__u32 *)(base + p.sq_off.head));
	ASSERT_EQ(0, *(__u32 *)(base + p.cq_off.tail));

	ASSERT_EQ(0, iou_ring_map(&r, fd, &p, &self->m.opts));
	ASSERT_EQ(sqes, r.sqes);
	iou_prep_nop(iou_get_sqe(&r), 0x0a11);
	ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
	ASSERT_EQ(0x0a11, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	/* the CQE was posted in our memory */
	ASSERT_EQ(0x0a11, ((struct io_uring_cqe *)(base + p.cq_off.cqes))[0].user_data);
	ASSERT_EQ(1, *(__u32 *)(base + p.cq_off.tail));
	iou_ring_exit(&r);
}

TEST_F(user_memory, ring_fd_cannot_be_mmapped)
{
	struct io_uring_params p = nommap_params(self->m.opts.mem, self->m.opts.sqe_mem);
	static const off_t offs[] = { IORING_OFF_SQ_RING, IORING_OFF_CQ_RING,
				      IORING_OFF_SQES };
	/*
	 * ENOMEM before df645b745941 (7.2), EINVAL from it on: whichever
	 * this kernel gives for an unmapped offset, and nothing else, is
	 * expected below
	 */
	int expected = iou_mmap_refusal_errno();
	int fd;

	ASSERT_TRUE(expected == ENOMEM || expected == EINVAL)
		TH_LOG("mmap() at an offset no ring maps: %s",
		       expected ? iou_errno_name(expected) : "succeeded");
	fd = sys_io_uring_setup(4, &p);
	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < 3; i++) {
		void *m = mmap(NULL, (size_t)ps(), PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, offs[i]);

		int err = errno;

		ASSERT_EQ(MAP_FAILED, m) TH_LOG("offset 0x%llx", (long long)offs[i]);
		ASSERT_EQ(expected, err) TH_LOG("offset 0x%llx: %s, not %s as at "
						"an unmapped offset",
						(long long)offs[i], iou_errno_name(err),
						iou_errno_name(expected));
	}
	close(fd);
}

TEST_F(user_memory, unaligned_memory_gives_einval)
{
	struct io_uring_params p;

	p = nommap_params((char *)self->m.opts.mem + 64, self->m.opts.sqe_mem);
	ASSERT_SYSERR(EINVAL, sys_io_uring_setup(4, &p));
	p = nommap_params(self->m.opts.mem, (char *)self->m.opts.sqe_mem + 8);
	ASSERT_SYSERR(EINVAL, sys_io_uring_setup(4, &p));
}

TEST_F(user_memory, missing_sqe_memory_gives_efault)
{
	struct io_uring_params p = nommap_params(self->m.opts.mem, NULL);

	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(4, &p));
	p = nommap_params(NULL, self->m.opts.sqe_mem);
	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(4, &p));
}

TEST_F(user_memory, memory_shorter_than_the_ring_gives_efault)
{
	/* 128 SQEs need two pages: give one page and a hole */
	char *two = mmap(NULL, 2 * (size_t)ps(), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct io_uring_params p;
	struct iou_ring_mem big;

	ASSERT_NE(MAP_FAILED, two);
	ASSERT_EQ(0, munmap(two + ps(), (size_t)ps()));
	ASSERT_EQ(0, iou_ring_mem_alloc(&big, 128, 256, 0));
	p = nommap_params(big.opts.mem, two);
	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(128, &p));
	munmap(two, (size_t)ps());
	iou_ring_mem_free(&big);
}

TEST_F(user_memory, read_only_memory_gives_efault)
{
	struct io_uring_params p = nommap_params(self->m.opts.mem, self->m.opts.sqe_mem);

	ASSERT_EQ(0, mprotect(self->m.opts.mem, self->m.opts.mem_size, PROT_READ));
	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(4, &p));
	ASSERT_EQ(0, mprotect(self->m.opts.mem, self->m.opts.mem_size,
			      PROT_READ | PROT_WRITE));
}

TEST_HARNESS_MAIN
