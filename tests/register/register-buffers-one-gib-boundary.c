// SPDX-License-Identifier: GPL-2.0
/*
 * One registered buffer may be at most 1 GiB long (SZ_1G in the kernel's
 * buffer validation): exactly 1 GiB registers, and its last page carries
 * fixed I/O while one byte further is outside the buffer (EFAULT);
 * 1 GiB + 1 byte is refused with EFAULT, by REGISTER_BUFFERS and by
 * BUFFERS_UPDATE alike, on the length alone (no page is touched).
 *
 * b4e41050b212 ("io_uring/rsrc: raise registered buffer 1GB limit", in
 * 7.2) raised the limit on 64-bit to 1 TiB (SZ_1T in
 * io_validate_user_buf_range()), refused with EINVAL, also on the length
 * alone.  Which limit the kernel has is probed with a 1 TiB + 1 byte
 * length (EINVAL with the new limit, EFAULT with the old one; nothing is
 * pinned either way): the 1 GiB + 1 cases run where 1 GiB is the limit,
 * the 1 TiB + 1 cases where 1 TiB is.  (Exactly 1 GiB registers under both.)
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
#include "iou_rsrc.h"

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
	ASSERT_RES(4096, iou_run_one(&r, NULL));
	ASSERT_TRUE(iou_check_pattern(mem + ONE_GIB - 4096, 4096, 4096));

	iou_prep_read_fixed(iou_get_sqe(&r), fd, mem + ONE_GIB - 4096, 4097, 0, 0);
	ASSERT_RES(-EFAULT, iou_run_one(&r, NULL));

	/* the start of the buffer works too */
	iou_prep_read_fixed(iou_get_sqe(&r), fd, mem, 100, 0, 0);
	ASSERT_RES(100, iou_run_one(&r, NULL));
	ASSERT_TRUE(iou_check_pattern(mem, 100, 0));

	ASSERT_RES(0, iou_register(&r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	iou_ring_exit(&r);
	close(fd);
	munmap(mem, ONE_GIB);
}

#define ONE_TIB		(1ULL << 40)

/*
 * What REGISTER_BUFFERS says to a buffer of 1 TiB + 1 byte: -EINVAL where
 * the limit is 1 TiB (b4e41050b212), -EFAULT where it is 1 GiB.  The
 * length is refused before any page is looked at.
 */
static int one_tib_plus_one_res(void)
{
	struct iou_ring r;
	struct iovec iov;
	void *page;
	int ret;

	page = mmap(NULL, IOU_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return -ENOMEM;
	ret = iou_ring_init(&r, 2, 0);
	if (ret == 0) {
		iov = (struct iovec){ page, (size_t)(ONE_TIB + 1) };
		ret = iou_register(&r, IORING_REGISTER_BUFFERS, &iov, 1);
		iou_ring_exit(&r);
	}
	munmap(page, IOU_PAGE_SIZE);
	return ret;
}

#define REQUIRE_ONE_GIB_LIMIT() do {					\
	if (one_tib_plus_one_res() == -EINVAL)				\
		SKIP(return, "kernel allows registered buffers up to 1 TiB " \
		     "(b4e41050b212)");					\
	} while (0)

#define REQUIRE_ONE_TIB_LIMIT() do {					\
	if (one_tib_plus_one_res() != -EINVAL)				\
		SKIP(return, "kernel limits a registered buffer to 1 GiB " \
		     "(before b4e41050b212)");				\
	} while (0)

TEST(one_gib_plus_one_byte_fails_efault)
{
	struct iou_ring r;
	struct iovec iov;
	void *mem;

	REQUIRE_ONE_GIB_LIMIT();
	/* address space only, never touched: the length is refused first */
	mem = mmap(NULL, ONE_GIB + IOU_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	iov = (struct iovec){ mem, ONE_GIB + 1 };
	ASSERT_RES(-EFAULT, iou_register(&r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(-ENXIO, iou_register(&r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	iou_ring_exit(&r);
	munmap(mem, ONE_GIB + IOU_PAGE_SIZE);
}

TEST(one_gib_plus_one_byte_by_update_fails_efault)
{
	struct iou_ring r;
	struct iovec iov;
	void *mem;

	REQUIRE_RSRC_SPARSE();
	REQUIRE_ONE_GIB_LIMIT();
	mem = mmap(NULL, ONE_GIB + IOU_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(0, iou_register_buffers2(&r, NULL, NULL, 2, IORING_RSRC_REGISTER_SPARSE));
	iov = (struct iovec){ mem, ONE_GIB + 1 };
	ASSERT_RES(-EFAULT, iou_rsrc_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 1,
					   &iov, NULL, 1));
	iou_ring_exit(&r);
	munmap(mem, ONE_GIB + IOU_PAGE_SIZE);
}

TEST(one_tib_plus_one_byte_fails_einval)
{
	struct iou_ring r;
	struct iovec iov;
	void *mem;

	REQUIRE_ONE_TIB_LIMIT();
	/* one page of memory: the length alone is refused */
	mem = iou_map_nohuge(IOU_PAGE_SIZE);
	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	iov = (struct iovec){ mem, (size_t)(ONE_TIB + 1) };
	ASSERT_RES(-EINVAL, iou_register(&r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(-ENXIO, iou_register(&r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	iou_ring_exit(&r);
	munmap(mem, IOU_PAGE_SIZE);
}

TEST(one_tib_plus_one_byte_by_update_fails_einval)
{
	struct iou_ring r;
	struct iovec iov;
	void *mem;
	int fd;

	REQUIRE_RSRC_SPARSE();
	REQUIRE_ONE_TIB_LIMIT();
	mem = iou_map_nohuge(IOU_PAGE_SIZE);
	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(0, iou_register_buffers2(&r, NULL, NULL, 2, IORING_RSRC_REGISTER_SPARSE));
	iov = (struct iovec){ mem, (size_t)(ONE_TIB + 1) };
	ASSERT_RES(-EINVAL, iou_rsrc_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 1,
					   &iov, NULL, 1));
	/* the slot stayed empty */
	fd = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, fd);
	iou_prep_read_fixed(iou_get_sqe(&r), fd, mem, 1, 0, 1);
	ASSERT_RES(-EFAULT, iou_run_one(&r, NULL));
	close(fd);
	iou_ring_exit(&r);
	munmap(mem, IOU_PAGE_SIZE);
}

TEST_HARNESS_MAIN
