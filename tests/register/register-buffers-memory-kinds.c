// SPDX-License-Identifier: GPL-2.0
/*
 * Which memory can back a registered buffer, and that fixed I/O then
 * reaches exactly the bytes the buffer names:
 *  - a base and length at any byte offset (not page aligned) register,
 *    and a fixed read fills exactly [base, base + len);
 *  - shared memory (memfd/shmem, since 5.14) registers, and what a fixed
 *    read stores is seen through a second mapping of the same memfd;
 *  - a private mapping of a regular file registers on kernels that leave
 *    the check to GUP (writes go to private copies: the file is not
 *    changed); a shared mapping of a regular file is refused, with EFAULT
 *    there and with EOPNOTSUPP on kernels that checked the VMA
 *    themselves.  That change came in 6.5 with GUP's FOLL_LONGTERM rules,
 *    the release of IORING_SETUP_NO_MMAP, whose presence selects the
 *    expected errno;
 *  - transparent huge pages (skipped when the kernel gives none): a
 *    buffer that starts at an odd offset inside one huge page and ends
 *    inside the next is coalesced by the kernel into huge-page segments;
 *    fixed reads, plain and vectored, must still land at the right bytes
 *    (the first-segment offset used to be computed from the user address
 *    alignment);
 *  - hugetlbfs pages (skipped when vm.nr_hugepages is 0).
 *
 * Regression-test-for: f16769241594 ("io_uring/rsrc: don't rely on user vaddr alignment")
 * CVE: CVE-2025-40216
 * Regression-test-for: 79b97ce42c92 ("io_uring: don't assume uaddr alignment in io_vec_fill_bvec")
 */
#include <stdio.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("f16769241594", "CVE-2025-40216", "",
			"io_uring/rsrc: don't rely on user vaddr alignment"),
		IOU_FIX("79b97ce42c92", "", "",
			"io_uring: don't assume uaddr alignment in io_vec_fill_bvec")));

#define HPAGE		(2UL << 20)

FIXTURE(kinds) {
	struct iou_ring r;
	int fd;			/* scratch file with the pattern */
};

FIXTURE_SETUP(kinds)
{
	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->fd = iou_scratch_file("data", HPAGE + 65536, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(kinds)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static int reg1(struct iou_ring *r, void *base, size_t len)
{
	struct iovec iov = { base, len };

	return iou_register(r, IORING_REGISTER_BUFFERS, &iov, 1);
}

static int read_fixed(struct iou_ring *r, int fd, void *buf, unsigned int len,
		      __u64 off)
{
	iou_prep_read_fixed(iou_get_sqe(r), fd, buf, len, off, 0);
	return iou_run_one(r, NULL);
}

TEST_F(kinds, unaligned_base_and_length_bound_the_buffer_exactly)
{
	size_t map = 5 * IOU_PAGE_SIZE, len = 3 * IOU_PAGE_SIZE + 77;
	unsigned char *mem = iou_map_nohuge(map), *base;

	ASSERT_NE(NULL, mem);
	base = mem + 123;
	ASSERT_RES(0, reg1(&self->r, base, len));
	ASSERT_RES((int)len, read_fixed(&self->r, self->fd, base, (unsigned int)len, 999));
	ASSERT_TRUE(iou_check_pattern(base, len, 999));
	for (unsigned int i = 0; i < 123; i++)
		ASSERT_EQ(0, mem[i]);
	for (size_t i = 123 + len; i < map; i++)
		ASSERT_EQ(0, mem[i]);
	/* one byte either side of the buffer is outside it */
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, base - 1, 16, 0));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, base + len - 15, 16, 0));
	munmap(mem, map);
}

TEST_F(kinds, shared_memfd_memory_carries_fixed_io)
{
	size_t len = 4 * IOU_PAGE_SIZE;
	unsigned char *a, *b;
	int mfd;

	/* shmem-backed buffers are accepted since 5.14 (with IOWQ_AFF) */
	if (!iou_register_op_supported(IORING_REGISTER_IOWQ_AFF))
		SKIP(return, "kernel predates shmem-backed buffers (5.14)");
	mfd = memfd_create("iou-regbuf", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, (off_t)len));
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	b = mmap(NULL, len, PROT_READ, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_NE(MAP_FAILED, b);
	ASSERT_RES(0, reg1(&self->r, a, len));
	ASSERT_RES(5000, read_fixed(&self->r, self->fd, a + 100, 5000, 31));
	/* the same pages, seen through the other mapping */
	ASSERT_TRUE(iou_check_pattern(b + 100, 5000, 31));
	munmap(a, len);
	munmap(b, len);
	close(mfd);
}

/* the scratch file must live on a real (non-shmem) filesystem */
static bool scratch_is_shmem(void)
{
	struct statfs sf;

	return statfs(iou_scratch_dir(), &sf) == 0 &&
	       (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

TEST_F(kinds, private_file_mapping_registers_where_gup_decides)
{
	size_t len = 2 * IOU_PAGE_SIZE;
	unsigned char *m, back[64];

	if (scratch_is_shmem())
		SKIP(return, "scratch directory is on tmpfs: no regular-file memory");
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	if (!iou_setup_flag_supported(IORING_SETUP_NO_MMAP)) {
		/* before 6.5 io_uring refused every file-backed VMA itself */
		ASSERT_RES(-EOPNOTSUPP, reg1(&self->r, m, len));
		munmap(m, len);
		return;
	}
	ASSERT_RES(0, reg1(&self->r, m, len));
	/* pinning for write broke COW: the read lands in private copies */
	ASSERT_RES(64, read_fixed(&self->r, self->fd, m, 64, 8192));
	ASSERT_TRUE(iou_check_pattern(m, 64, 8192));
	ASSERT_EQ(64, pread(self->fd, back, sizeof(back), 0));
	ASSERT_TRUE(iou_check_pattern(back, sizeof(back), 0));
	munmap(m, len);
}

TEST_F(kinds, shared_file_mapping_is_refused)
{
	size_t len = 2 * IOU_PAGE_SIZE;
	void *m;

	if (scratch_is_shmem())
		SKIP(return, "scratch directory is on tmpfs: no regular-file memory");
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	/*
	 * Since 6.5 GUP refuses a long-term writable pin of a shared file
	 * mapping (the file would need dirty tracking) and the caller sees
	 * EFAULT; io_uring's own VMA check before that said EOPNOTSUPP.
	 */
	if (iou_setup_flag_supported(IORING_SETUP_NO_MMAP))
		ASSERT_RES(-EFAULT, reg1(&self->r, m, len));
	else
		ASSERT_RES(-EOPNOTSUPP, reg1(&self->r, m, len));
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	munmap(m, len);
}

/* bytes of AnonHugePages in the mapping that contains addr, or -1 */
static long thp_bytes_at(const void *addr)
{
	char line[256];
	unsigned long lo, hi;
	bool in = false;
	long kib = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib < 0 ? -1 : kib * 1024;
}

/* two THP-backed huge pages, 2 MiB aligned; NULL (and *map set) if none */
static unsigned char *thp_area(void **map)
{
	unsigned char *raw, *al;

	*map = NULL;
	raw = mmap(NULL, 3 * HPAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	*map = raw;
	al = (unsigned char *)(((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (madvise(al, 2 * HPAGE, MADV_HUGEPAGE))
		return NULL;
	memset(al, 0, 2 * HPAGE);
	if (thp_bytes_at(al) < (long)(2 * HPAGE))
		return NULL;
	return al;
}

TEST_F(kinds, thp_buffer_at_odd_offset_reads_the_right_bytes)
{
	unsigned char *hp;
	void *map;
	size_t off = HPAGE - 3 * IOU_PAGE_SIZE + 100, len = HPAGE;

	hp = thp_area(&map);
	if (!hp) {
		if (map)
			munmap(map, 3 * HPAGE);
		SKIP(return, "no transparent huge pages (THP disabled or none free)");
	}
	/* from near the end of the first huge page into the second */
	{
		int r1 = reg1(&self->r, hp + off, len);

		SKIP_IF_MEMLOCK_SHORT(r1, 2 * HPAGE);
		ASSERT_RES(0, r1);
	}
	ASSERT_RES((int)len, read_fixed(&self->r, self->fd, hp + off, (unsigned int)len, 0));
	ASSERT_TRUE(iou_check_pattern(hp + off, len, 0));
	for (size_t i = 0; i < off; i++)
		ASSERT_EQ(0, hp[i]);

	/* a read that starts inside the second huge page */
	memset(hp + HPAGE, 0, 8192);
	ASSERT_RES(8192, read_fixed(&self->r, self->fd, hp + HPAGE + 10, 8192, 777));
	ASSERT_TRUE(iou_check_pattern(hp + HPAGE + 10, 8192, 777));
	munmap(map, 3 * HPAGE);
}

TEST_F(kinds, thp_buffer_at_odd_offset_scatters_vectored_reads_right)
{
	unsigned char *hp;
	void *map;
	size_t off = HPAGE - 2 * IOU_PAGE_SIZE + 33, len = HPAGE;
	struct iovec seg[3];
	struct io_uring_sqe *sqe;
	int ret;

	REQUIRE_OPCODE(IORING_OP_READV_FIXED);
	hp = thp_area(&map);
	if (!hp) {
		if (map)
			munmap(map, 3 * HPAGE);
		SKIP(return, "no transparent huge pages (THP disabled or none free)");
	}
	ret = reg1(&self->r, hp + off, len);
	/* a huge page is charged whole: 2 MiB of the user's memlock budget */
	SKIP_IF_MEMLOCK_SHORT(ret, 2 * HPAGE);
	ASSERT_RES(0, ret);
	/* first segment at the buffer start, one across the boundary, one after */
	seg[0] = (struct iovec){ hp + off, 1000 };
	seg[1] = (struct iovec){ hp + HPAGE - 500, 3000 };
	seg[2] = (struct iovec){ hp + HPAGE + 70000, 4096 };
	sqe = iou_get_sqe(&self->r);
	iou_prep_readv_fixed(sqe, self->fd, seg, 3, 4096, 0);
	ASSERT_RES(8096, iou_run_one(&self->r, NULL));
	ASSERT_TRUE(iou_check_pattern(seg[0].iov_base, 1000, 4096));
	ASSERT_TRUE(iou_check_pattern(seg[1].iov_base, 3000, 5096));
	ASSERT_TRUE(iou_check_pattern(seg[2].iov_base, 4096, 8096));
	ASSERT_EQ(0, hp[off - 1]);
	ASSERT_EQ(0, hp[off + 1000]);
	munmap(map, 3 * HPAGE);
}

TEST_F(kinds, hugetlb_buffer_carries_fixed_io)
{
	unsigned char *hp;

	hp = mmap(NULL, HPAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (hp == MAP_FAILED)
		SKIP(return, "no hugetlb pages (vm.nr_hugepages is %ld)",
		     iou_read_sysctl("/proc/sys/vm/nr_hugepages", -1));
	memset(hp, 0, HPAGE);
	{
		int r1 = reg1(&self->r, hp + 4096 + 1, HPAGE - 8192);

		SKIP_IF_MEMLOCK_SHORT(r1, 2 * HPAGE);
		ASSERT_RES(0, r1);
	}
	ASSERT_RES(65536, read_fixed(&self->r, self->fd, hp + HPAGE - 4096 - 65536 - 1,
				     65536, 12345));
	ASSERT_TRUE(iou_check_pattern(hp + HPAGE - 4096 - 65536 - 1, 65536, 12345));
	munmap(hp, HPAGE);
}

TEST_HARNESS_MAIN
