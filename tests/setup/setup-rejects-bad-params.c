// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_setup() refuses bad input with the documented errno, installs
 * no descriptor and leaves the caller's params untouched:
 *  - a flag bit the kernel does not know (bit 19 and up on 6.18, 21 and
 *    up on 7.3; IORING_REGISTER_QUERY says which): EINVAL;
 *  - entries 0, or above 32768 without IORING_SETUP_CLAMP: EINVAL;
 *  - with IORING_SETUP_CQSIZE, cq_entries 0, above 65536, or (after
 *    rounding) below the SQ size: EINVAL;
 *  - a non-zero resv[] word: EINVAL;
 *  - sq_thread_cpu beyond the possible CPUs with SQPOLL|SQ_AFF: EINVAL
 *    (and ignored without SQ_AFF);
 *  - a params pointer the kernel cannot read, or cannot write the result
 *    back to: EFAULT.
 *
 * Regression-test-for: 917257daa0fe ("io_uring: only test SQPOLL cpu after we've verified it")
 */
#include <sys/mman.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("917257daa0fe", "", "",
			"io_uring: only test SQPOLL cpu after we've verified it")));

/*
 * The setup flags this kernel knows: IORING_REGISTER_QUERY says so from
 * 6.18 on; an older kernel knows at most the 19 flags of 6.18.
 */
static unsigned int known_setup_flags(void)
{
	struct io_uring_query_opcode q;

	if (iou_query_opcodes(&q) == 0)
		return (unsigned int)q.ring_setup_flags;
	return IOU_SETUP_FLAGS_6_18;
}

/* nr_cpu_ids: one past the highest possible CPU */
static int possible_cpus(void)
{
	char buf[128];
	char *p;

	if (iou_read_file("/sys/devices/system/cpu/possible", buf, sizeof(buf)) <= 0)
		return -1;
	/* "0-1", "0", or "0-3,8-11": the last number is the highest */
	p = buf + strcspn(buf, "\n");
	*p = 0;
	while (p > buf && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return atoi(p) + 1;
}

/*
 * setup(entries, p) must fail with err, leave *p as it was and install no
 * descriptor (the next free fd number is unchanged).
 */
static void expect_refused(struct __test_metadata *_metadata,
			   unsigned int entries, struct io_uring_params *p,
			   int err)
{
	struct io_uring_params before = *p;
	int next = iou_lowest_free_fd();

	ASSERT_SYSERR(err, sys_io_uring_setup(entries, p));
	ASSERT_EQ(0, memcmp(&before, p, sizeof(before)))
		TH_LOG("a refused setup wrote to params");
	ASSERT_EQ(next, iou_lowest_free_fd());
}

static struct io_uring_params params_with(unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return p;
}

/*
 * Every bit the running kernel does not know is refused.  Which bits it
 * knows comes from the kernel (IORING_REGISTER_QUERY): 6.18 knows bits
 * 0-18, 6.19 adds SQE_MIXED (19), 7.0 SQ_REWIND (20), and so on, so only
 * the rest are tried.  A kernel that answers QUERY knows at least 6.18's
 * flags; without QUERY the 6.18 mask itself is used.
 */
TEST(unknown_flag_bits_give_einval)
{
	unsigned int known = known_setup_flags();
	int tried = 0;

	ASSERT_EQ(0, IOU_SETUP_FLAGS_6_18 & ~known)
		TH_LOG("known setup flags 0x%x lack some of 6.18's 0x%x",
		       known, IOU_SETUP_FLAGS_6_18);
	for (unsigned int bit = 0; bit < 32; bit++) {
		struct io_uring_params p = params_with(1U << bit);

		if (known & (1U << bit))
			continue;
		expect_refused(_metadata, 4, &p, EINVAL);
		tried++;
	}
	/* none is defined at the top: bit 31 at least was tried */
	ASSERT_EQ(0, known & (1U << 31));
	ASSERT_LE(1, tried);
}

TEST(unknown_bit_next_to_valid_flags_gives_einval)
{
	struct io_uring_params p;
	unsigned int known = known_setup_flags();
	unsigned int bit = 31;

	while (bit > 0 && (known & (1U << bit)))
		bit--;
	ASSERT_EQ(0, known & (1U << bit));
	p = params_with(IORING_SETUP_CQSIZE | (1U << bit));
	p.cq_entries = 64;
	expect_refused(_metadata, 4, &p, EINVAL);
}

TEST(query_lists_all_19_flags_of_6_18)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_QUERY);
	/* QUERY came with 6.18, whose 19 setup flags a kernel keeps */
	ASSERT_EQ(IOU_SETUP_FLAGS_6_18, known_setup_flags() & IOU_SETUP_FLAGS_6_18);
	/* bit 19 is SQE_MIXED from 6.19 on: refused where unknown */
	if (!(known_setup_flags() & IOU_NEXT_SETUP_SQE_MIXED)) {
		struct io_uring_params p = params_with(IOU_NEXT_SETUP_SQE_MIXED);

		expect_refused(_metadata, 4, &p, EINVAL);
	}
}

TEST(zero_entries_gives_einval)
{
	struct io_uring_params p = params_with(0);

	expect_refused(_metadata, 0, &p, EINVAL);
}

TEST(entries_above_32768_without_clamp_give_einval)
{
	static const unsigned int bad[] = { IOU_MAX_ENTRIES + 1, 65536, 1U << 31, ~0U };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct io_uring_params p = params_with(0);

		expect_refused(_metadata, bad[i], &p, EINVAL);
	}
}

TEST(cqsize_zero_gives_einval)
{
	struct io_uring_params p = params_with(IORING_SETUP_CQSIZE);

	p.cq_entries = 0;
	expect_refused(_metadata, 4, &p, EINVAL);
}

TEST(cqsize_above_65536_without_clamp_gives_einval)
{
	static const unsigned int bad[] = { IOU_MAX_CQ_ENTRIES + 1, 1U << 17, ~0U };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct io_uring_params p = params_with(IORING_SETUP_CQSIZE);

		p.cq_entries = bad[i];
		expect_refused(_metadata, 4, &p, EINVAL);
	}
}

TEST(cqsize_below_sq_size_gives_einval)
{
	struct io_uring_params p = params_with(IORING_SETUP_CQSIZE);

	p.cq_entries = 4;
	expect_refused(_metadata, 8, &p, EINVAL);
	/* 5 rounds up to 8 and 9 entries to an SQ of 16: still smaller */
	p.cq_entries = 5;
	expect_refused(_metadata, 9, &p, EINVAL);
	/* the clamped SQ (32768) against a smaller CQ */
	p = params_with(IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP);
	p.cq_entries = 16;
	expect_refused(_metadata, IOU_MAX_ENTRIES + 1, &p, EINVAL);
}

TEST(nonzero_resv_gives_einval)
{
	for (unsigned int i = 0; i < 3; i++) {
		struct io_uring_params p = params_with(0);

		p.resv[i] = 1;
		expect_refused(_metadata, 4, &p, EINVAL);
		p.resv[i] = 0x80000000u;
		expect_refused(_metadata, 4, &p, EINVAL);
	}
}

TEST(sq_thread_cpu_beyond_possible_cpus_gives_einval)
{
	int nr = possible_cpus();
	struct io_uring_params p;

	ASSERT_LT(0, nr);
	REQUIRE_SETUP_FLAG(IORING_SETUP_SQ_AFF);
	p = params_with(IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF);
	p.sq_thread_cpu = (unsigned int)nr;
	expect_refused(_metadata, 4, &p, EINVAL);
	p.sq_thread_cpu = 4096;
	expect_refused(_metadata, 4, &p, EINVAL);
	/* taken as an int by the kernel: -1 must not pass as "any CPU" */
	p.sq_thread_cpu = ~0U;
	expect_refused(_metadata, 4, &p, EINVAL);
}

TEST(sq_thread_cpu_ignored_without_sq_aff)
{
	struct io_uring_params p = params_with(0);
	int fd;

	p.sq_thread_cpu = 4096;
	fd = sys_io_uring_setup(4, &p);
	ASSERT_LE(0, fd);
	close(fd);

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQPOLL);
	p = params_with(IORING_SETUP_SQPOLL);
	p.sq_thread_cpu = 4096;
	p.sq_thread_idle = 1;
	fd = sys_io_uring_setup(4, &p);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST(null_params_gives_efault)
{
	int next = iou_lowest_free_fd();

	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(4, NULL));
	ASSERT_EQ(next, iou_lowest_free_fd());
}

TEST(unreadable_params_give_efault)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * (size_t)ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct io_uring_params *tail;
	int next = iou_lowest_free_fd();

	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, mprotect(m + ps, (size_t)ps, PROT_NONE));
	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(4, (void *)(m + ps)));
	/* params straddling into the unreadable page: still EFAULT */
	tail = (void *)(m + ps - 64);
	memset(tail, 0, 64);
	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(4, tail));
	ASSERT_EQ(next, iou_lowest_free_fd());
	munmap(m, 2 * (size_t)ps);
}

/*
 * The kernel reads params, builds the ring, then writes the result back;
 * a read-only params page fails that last copy with EFAULT and the ring
 * is torn down: no descriptor is left behind.
 */
TEST(read_only_params_give_efault_and_no_ring)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct io_uring_params *p = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int next = iou_lowest_free_fd();

	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0, sizeof(*p));
	ASSERT_EQ(0, mprotect(p, (size_t)ps, PROT_READ));
	ASSERT_SYSERR(EFAULT, sys_io_uring_setup(4, p));
	ASSERT_EQ(next, iou_lowest_free_fd());
	/* nothing was written either */
	ASSERT_EQ(0, p->sq_entries);
	ASSERT_EQ(0, p->features);
	munmap(p, (size_t)ps);
}

TEST_HARNESS_MAIN
