// SPDX-License-Identifier: GPL-2.0
/*
 * One registered buffer may be at most 1 GiB long (SZ_1G in the kernel's
 * buffer validation): exactly 1 GiB registers, and its last page carries
 * fixed I/O while one byte further is outside the buffer (EFAULT);
 * 1 GiB + 1 byte is refused with EFAULT, by REGISTER_BUFFERS and by
 * BUFFERS_UPDATE alike, on the length alone (no page is touched).
 *
 * The 1 GiB case is the only one of the suite allowed to pin more than
 * 64 MiB.  It builds its 1 GiB of address space from 512 mappings of the
 * same 2 MiB memfd, so the kernel pins 1 GiB worth of page references
 * but only 2 MiB of memory (the limit is on the length, not on how the
 * memory is backed); kernels before 5.14, which refuse shmem buffers,
 * get 1 GiB of private memory instead, after a MemAvailable check (skip
 * if short).  It needs CAP_IPC_LOCK or an RLIMIT_MEMLOCK above 1 GiB,
 * since every pinned page reference is charged to the locked-memory
 * limit otherwise.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "iou.h"
#include "iou_register.h"

#define ONE_GIB		(1UL << 30)
#define CHUNK		(2UL << 20)

static long long mem_available_kib(void)
{
	char line[256];
	long long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static bool can_pin_one_gib(void)
{
	struct rlimit rl;

	if (iou_has_cap(CAP_IPC_LOCK))
		return true;
	return getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	       (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= ONE_GIB + (1UL << 20));
}

/*
 * 1 GiB of address space whose 2 MiB chunks all map the same memfd pages:
 * a buffer of that length then pins 2 MiB of memory, not 1 GiB.  NULL if
 * the mappings cannot be made.
 */
static unsigned char *aliased_gib(void)
{
	unsigned char *base;
	int mfd = memfd_create("iou-gib", MFD_CLOEXEC);

	if (mfd < 0)
		return NULL;
	base = mmap(NULL, ONE_GIB, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED || ftruncate(mfd, (off_t)CHUNK)) {
		close(mfd);
		return NULL;
	}
	for (size_t off = 0; off < ONE_GIB; off += CHUNK)
		if (mmap(base + off, CHUNK, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED | MAP_POPULATE, mfd, 0) == MAP_FAILED) {
			munmap(base, ONE_GIB);
			close(mfd);
			return NULL;
		}
	close(mfd);
	return base;
}

/* 1 GiB of private memory, faulted in; NULL if it cannot be had */
static unsigned char *plain_gib(const char **why)
{
	long long avail = mem_available_kib();
	unsigned char *mem;

	/* 1 GiB pinned plus the rest of the machine's needs: want 1.5 GiB */
	if (avail < 0 || avail < (long long)(3 * ONE_GIB / 2 / 1024)) {
		*why = "MemAvailable below 1.5 GiB";
		return NULL;
	}
	mem = mmap(NULL, ONE_GIB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		*why = "cannot map 1 GiB";
		return NULL;
	}
	madvise(mem, ONE_GIB, MADV_HUGEPAGE);
	/* pinning untouched memory would fault it in page by page, slower */
	memset(mem, 0, ONE_GIB);
	return mem;
}

TEST(exactly_one_gib_registers_and_its_last_page_carries_io)
{
	const char *why = "cannot map 1 GiB of aliased shared memory";
	struct iou_ring r;
	struct iovec iov;
	unsigned char *mem;
	int fd;

	if (!can_pin_one_gib())
		SKIP(return, "needs CAP_IPC_LOCK or RLIMIT_MEMLOCK above 1 GiB to pin 1 GiB");
	/* shmem-backed buffers are accepted since 5.14 (with IOWQ_AFF) */
	if (iou_register_op_supported(IORING_REGISTER_IOWQ_AFF))
		mem = aliased_gib();
	else
		mem = plain_gib(&why);
	if (!mem)
		SKIP(return, "%s", why);
	fd = iou_scratch_file("data", 8192, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));

	iov = (struct iovec){ mem, ONE_GIB };
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_BUFFERS, &iov, 1));

	memset(mem + ONE_GIB - 4096, 0, 4096);
	iou_prep_read_fixed(iou_get_sqe(&r), fd, mem + ONE_GIB - 4096, 4096, 4096, 0);
	ASSERT_RES(4096, iou_rg_one(&r, NULL));
	ASSERT_TRUE(iou_check_pattern(mem + ONE_GIB - 4096, 4096, 4096));

	iou_prep_read_fixed(iou_get_sqe(&r), fd, mem + ONE_GIB - 4096, 4097, 0, 0);
	ASSERT_RES(-EFAULT, iou_rg_one(&r, NULL));

	/* the start of the buffer works too */
	iou_prep_read_fixed(iou_get_sqe(&r), fd, mem, 100, 0, 0);
	ASSERT_RES(100, iou_rg_one(&r, NULL));
	ASSERT_TRUE(iou_check_pattern(mem, 100, 0));

	ASSERT_RES(0, iou_register(&r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	iou_ring_exit(&r);
	close(fd);
	munmap(mem, ONE_GIB);
}

TEST(one_gib_plus_one_byte_fails_efault)
{
	struct iou_ring r;
	struct iovec iov;
	void *mem;

	/* address space only, never touched: the length is refused first */
	mem = mmap(NULL, ONE_GIB + IOU_RG_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	iov = (struct iovec){ mem, ONE_GIB + 1 };
	ASSERT_RES(-EFAULT, iou_register(&r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(-ENXIO, iou_register(&r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	iou_ring_exit(&r);
	munmap(mem, ONE_GIB + IOU_RG_PAGE);
}

TEST(one_gib_plus_one_byte_by_update_fails_efault)
{
	struct iou_ring r;
	struct iovec iov;
	void *mem;

	IOU_RG_REQUIRE_SPARSE();
	mem = mmap(NULL, ONE_GIB + IOU_RG_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(0, iou_rg_buffers2(&r, NULL, NULL, 2, IORING_RSRC_REGISTER_SPARSE));
	iov = (struct iovec){ mem, ONE_GIB + 1 };
	ASSERT_RES(-EFAULT, iou_rg_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 1,
					   &iov, NULL, 1));
	iou_ring_exit(&r);
	munmap(mem, ONE_GIB + IOU_RG_PAGE);
}

TEST_HARNESS_MAIN
