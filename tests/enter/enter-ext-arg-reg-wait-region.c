// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_ENTER_EXT_ARG_REG (6.13): the wait arguments live in a memory
 * region registered with IORING_REGISTER_MEM_REGION and
 * IORING_MEM_REGION_REG_WAIT_ARG, an array of struct io_uring_reg_wait;
 * io_uring_enter's arg is then a byte offset into it and argsz must be
 * sizeof(struct io_uring_reg_wait).
 *  - the entry's timeout (only with IORING_REG_WAIT_TS), min_wait_usec
 *    and signal mask act as those of IORING_ENTER_EXT_ARG; with
 *    IORING_ENTER_ABS_TIMER its timeout is a deadline; the entry is read
 *    at every call, so changing it changes the next wait;
 *  - the offset must be 8-byte aligned and the whole entry inside the
 *    region (EFAULT), flags other than IORING_REG_WAIT_TS are EINVAL,
 *    another argsz is EINVAL; like EXT_ARG, nothing is read unless the
 *    call waits;
 *  - without IORING_ENTER_EXT_ARG the flag does not turn arg into an
 *    offset: arg is the old sigset_t pointer and argsz its size (EINVAL);
 *  - a region registered without IORING_MEM_REGION_REG_WAIT_ARG holds no
 *    wait arguments (every offset EFAULT); an IOPOLL ring refuses
 *    registered wait arguments (EINVAL).
 * The region is either user memory or kernel memory mapped at the offset
 * the registration returns.  How the region is registered, and its
 * errors, is covered by tests/register.
 *
 * Kernel bug found (6.13+, still in 6.18.44): the last whole entry of the
 * region (offset = size - 64) passes the bounds check but is then clamped
 * to offset 0 by array_index_nospec(offset, size - 64), whose bound is one
 * too small, so the kernel silently uses entry 0 instead
 * (last_whole_entry_is_the_one_used fails).  The clamp came with
 * 29b95ac91792 ("io_uring: prevent reg-wait speculations"); no upstream
 * fix is known.
 *
 * Timing tolerance: as for EXT_ARG waits, lower bounds are exact, upper
 * bounds allow IOU_TIMER_LATE_MS (1.5 s times the timeout scale).
 */
#include <sys/mman.h>

#include "iou.h"

/* a wait due after ms ended by then, give or take a loaded machine */
#define LATE_BOUND(ms)	((ms) + IOU_TIMER_LATE_MS)
#define REGION_SIZE	8192U
#define NR_WAITS	(REGION_SIZE / sizeof(struct io_uring_reg_wait))
#define REG_WAIT	(IOU_GETEVENTS_EXT | IORING_ENTER_EXT_ARG_REG)
#define OFF(i)		((void *)(uintptr_t)((i) * sizeof(struct io_uring_reg_wait)))

FIXTURE(wait_region) {
	struct iou_ring r;
	void *mem;
	struct io_uring_reg_wait *w;
	int tfd;
};

FIXTURE_VARIANT(wait_region) {
	bool kernel_memory;
};

FIXTURE_VARIANT_ADD(wait_region, user_memory) { .kernel_memory = false };
FIXTURE_VARIANT_ADD(wait_region, kernel_memory) { .kernel_memory = true };

FIXTURE_SETUP(wait_region)
{
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;

	self->tfd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_MEM_REGION);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, IORING_SETUP_R_DISABLED));
	memset(&rd, 0, sizeof(rd));
	rd.size = REGION_SIZE;
	if (!variant->kernel_memory) {
		self->mem = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, self->mem);
		rd.user_addr = (__u64)(uintptr_t)self->mem;
		rd.flags = IORING_MEM_REGION_TYPE_USER;
	}
	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (__u64)(uintptr_t)&rd;
	mr.flags = IORING_MEM_REGION_REG_WAIT_ARG;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_MEM_REGION, &mr, 1));
	if (variant->kernel_memory) {
		ASSERT_NE(0, rd.mmap_offset);
		self->mem = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE,
				 MAP_SHARED, self->r.fd, (off_t)rd.mmap_offset);
		ASSERT_NE(MAP_FAILED, self->mem);
	}
	self->w = self->mem;
	memset(self->mem, 0, REGION_SIZE);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
}

FIXTURE_TEARDOWN(wait_region)
{
	iou_ring_exit(&self->r);
	if (self->mem && self->mem != MAP_FAILED)
		munmap(self->mem, REGION_SIZE);
	if (self->tfd >= 0)
		close(self->tfd);
}

static void set_ts(struct io_uring_reg_wait *w, unsigned int ms)
{
	w->ts.tv_sec = ms / 1000;
	w->ts.tv_nsec = (long long)(ms % 1000) * 1000000LL;
	w->flags = IORING_REG_WAIT_TS;
}

static int delayed(FIXTURE_DATA(wait_region) *self, unsigned int ms)
{
	self->tfd = iou_timerfd_ms(ms);
	if (self->tfd < 0)
		return self->tfd;
	iou_queue_poll(&self->r, self->tfd, 0xc0);
	return iou_submit(&self->r) == 1 ? 0 : -EIO;
}

TEST_F(wait_region, entry_timeout_ends_the_wait_with_etime)
{
	uint64_t start = iou_now_ns();

	set_ts(&self->w[1], 30);
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(1),
				     sizeof(struct io_uring_reg_wait)));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_GT(LATE_BOUND(30), iou_ms_since(start));
}

TEST_F(wait_region, cqe_before_the_entry_timeout_returns_zero)
{
	uint64_t start = iou_now_ns();

	set_ts(&self->w[2], IOU_WAIT_MS);
	ASSERT_EQ(0, delayed(self, 20));
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(2),
				sizeof(struct io_uring_reg_wait)));
	ASSERT_LE(20, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xc0, POLLIN));
}

/* a zero timeout that is not flagged is not a timeout */
TEST_F(wait_region, timeout_without_reg_wait_ts_is_ignored)
{
	uint64_t start = iou_now_ns();

	self->w[3].flags = 0;
	ASSERT_EQ(0, delayed(self, 30));
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(3),
				sizeof(struct io_uring_reg_wait)));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xc0, POLLIN));
}

TEST_F(wait_region, entry_is_read_at_every_call)
{
	uint64_t start;

	set_ts(&self->w[4], 0);
	start = iou_now_ns();
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(4),
				     sizeof(struct io_uring_reg_wait)));
	ASSERT_GT(LATE_BOUND(0), iou_ms_since(start));
	set_ts(&self->w[4], 40);
	start = iou_now_ns();
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(4),
				     sizeof(struct io_uring_reg_wait)));
	ASSERT_LE(40, iou_ms_since(start));
}

TEST_F(wait_region, first_entry_at_offset_zero_is_usable)
{
	set_ts(&self->w[0], 0);
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(0),
				     sizeof(struct io_uring_reg_wait)));
	self->w[0].flags |= 1U << 1;
	ASSERT_RES(-EINVAL, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(0),
				      sizeof(struct io_uring_reg_wait)));
}

/*
 * The entry that ends exactly at the end of the region is inside it and
 * must be the one used.  Entry 0 is made invalid (an unknown flag, EINVAL)
 * so that a kernel reading entry 0 instead is caught without a timing
 * guess.
 */
TEST_F(wait_region, last_whole_entry_is_the_one_used)
{
	self->w[0].flags = 1U << 1;
	set_ts(&self->w[NR_WAITS - 1], 0);
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(NR_WAITS - 1),
				     sizeof(struct io_uring_reg_wait)));
	set_ts(&self->w[NR_WAITS - 2], 0);
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(NR_WAITS - 2),
				     sizeof(struct io_uring_reg_wait)));
}

TEST_F(wait_region, min_wait_from_the_entry)
{
	uint64_t start = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_MIN_TIMEOUT);
	set_ts(&self->w[5], IOU_WAIT_MS);
	self->w[5].min_wait_usec = 40000;
	ASSERT_EQ(0, delayed(self, 10));
	ASSERT_RES(0, iou_enter(&self->r, 0, 2, REG_WAIT, OFF(5),
				sizeof(struct io_uring_reg_wait)));
	ASSERT_LE(40, iou_ms_since(start));
	ASSERT_GT(LATE_BOUND(40), iou_ms_since(start));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xc0, POLLIN));
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

/* a pending signal the entry's mask unblocks interrupts the wait */
TEST_F(wait_region, signal_mask_from_the_entry)
{
	struct sigaction sa;
	sigset_t none, usr1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &usr1, NULL));
	raise(SIGUSR1);
	sigemptyset(&none);
	set_ts(&self->w[6], IOU_WAIT_MS);
	self->w[6].sigmask = (__u64)(uintptr_t)&none;
	self->w[6].sigmask_sz = IOU_NSIG_BYTES;
	ASSERT_RES(-EINTR, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(6),
				     sizeof(struct io_uring_reg_wait)));
	ASSERT_EQ(1, caught);
	/* and the entry's mask blocking it keeps the wait going */
	raise(SIGUSR1);
	set_ts(&self->w[6], 20);
	self->w[6].sigmask = (__u64)(uintptr_t)&usr1;
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(6),
				     sizeof(struct io_uring_reg_wait)));
	ASSERT_EQ(1, caught);
}

TEST_F(wait_region, wrong_signal_mask_size_in_the_entry_is_einval)
{
	sigset_t none;

	sigemptyset(&none);
	set_ts(&self->w[7], IOU_WAIT_MS);
	self->w[7].sigmask = (__u64)(uintptr_t)&none;
	self->w[7].sigmask_sz = 4;
	ASSERT_RES(-EINVAL, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(7),
				      sizeof(struct io_uring_reg_wait)));
}

TEST_F(wait_region, abs_timer_makes_the_entry_timeout_a_deadline)
{
	struct timespec now;
	uint64_t start;

	REQUIRE_REGISTER_OP(IORING_REGISTER_CLOCK);
	/* {10 s} as a deadline is long past (relative, it would take 10 s) */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < 11)
		SKIP(return, "CLOCK_MONOTONIC reads %lld s: 10 s is not yet in the past",
		     (long long)now.tv_sec);
	set_ts(&self->w[8], 10000);
	start = iou_now_ns();
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT | IORING_ENTER_ABS_TIMER,
				     OFF(8), sizeof(struct io_uring_reg_wait)));
	ASSERT_GT(9000, iou_ms_since(start));
	start = iou_now_ns();
	clock_gettime(CLOCK_MONOTONIC, &now);
	self->w[8].ts.tv_sec = now.tv_sec + (now.tv_nsec + 40000000LL) / 1000000000LL;
	self->w[8].ts.tv_nsec = (now.tv_nsec + 40000000LL) % 1000000000LL;
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, REG_WAIT | IORING_ENTER_ABS_TIMER,
				     OFF(8), sizeof(struct io_uring_reg_wait)));
	ASSERT_LE(40, iou_ms_since(start));
	ASSERT_GT(LATE_BOUND(40), iou_ms_since(start));
}

TEST_F(wait_region, misaligned_offset_is_efault)
{
	static const uintptr_t offs[] = { 1, 4, 68, 100, 4 * sizeof(struct io_uring_reg_wait) + 4 };

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		ASSERT_EQ(-EFAULT, iou_enter(&self->r, 0, 1, REG_WAIT,
					     (void *)offs[i],
					     sizeof(struct io_uring_reg_wait)))
			TH_LOG("offset %zu", (size_t)offs[i]);
	}
}

TEST_F(wait_region, entry_running_past_the_region_is_efault)
{
	static const uintptr_t offs[] = {
		REGION_SIZE - sizeof(struct io_uring_reg_wait) + 8,
		REGION_SIZE, REGION_SIZE + 64, (uintptr_t)-64, (uintptr_t)-8,
	};

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		ASSERT_EQ(-EFAULT, iou_enter(&self->r, 0, 1, REG_WAIT,
					     (void *)offs[i],
					     sizeof(struct io_uring_reg_wait)))
			TH_LOG("offset %#zx", (size_t)offs[i]);
	}
}

TEST_F(wait_region, argsz_other_than_reg_wait_is_einval)
{
	static const size_t sizes[] = { 0, 8, sizeof(struct io_uring_getevents_arg),
					63, 65, 128 };

	set_ts(&self->w[1], 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_EQ(-EINVAL, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(1), sizes[i]))
			TH_LOG("argsz %zu", sizes[i]);
	}
}

TEST_F(wait_region, unknown_entry_flags_are_einval)
{
	set_ts(&self->w[9], 0);
	self->w[9].flags |= 1U << 1;
	ASSERT_RES(-EINVAL, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(9),
				      sizeof(struct io_uring_reg_wait)));
	self->w[9].flags = 1U << 31;
	ASSERT_RES(-EINVAL, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(9),
				      sizeof(struct io_uring_reg_wait)));
}

TEST_F(wait_region, nothing_is_read_without_getevents)
{
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_EXT_ARG |
				IORING_ENTER_EXT_ARG_REG, (void *)(uintptr_t)3, 1));
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, REG_WAIT, OFF(1),
				sizeof(struct io_uring_reg_wait)));
}

/* no EXT_ARG: arg is a sigset_t pointer, and 64 is not its size */
TEST_F(wait_region, without_ext_arg_arg_is_a_signal_mask)
{
	ASSERT_RES(-EINVAL, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS |
				      IORING_ENTER_EXT_ARG_REG, OFF(1),
				      sizeof(struct io_uring_reg_wait)));
	ASSERT_RES(-EFAULT, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS |
				      IORING_ENTER_EXT_ARG_REG, OFF(1),
				      IOU_NSIG_BYTES));
}

FIXTURE(other_region) {
	struct iou_ring r;
};

FIXTURE_SETUP(other_region)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_MEM_REGION);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, IORING_SETUP_R_DISABLED));
}

FIXTURE_TEARDOWN(other_region)
{
	iou_ring_exit(&self->r);
}

/* a kernel-allocated page as the ring's parameter region */
static int reg_region(struct iou_ring *r, __u64 flags)
{
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;

	memset(&rd, 0, sizeof(rd));
	rd.size = 4096;
	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (__u64)(uintptr_t)&rd;
	mr.flags = flags;
	return iou_register(r, IORING_REGISTER_MEM_REGION, &mr, 1);
}

TEST_F(other_region, region_not_for_waits_gives_no_wait_arguments)
{
	ASSERT_RES(0, reg_region(&self->r, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	ASSERT_RES(-EFAULT, iou_enter(&self->r, 0, 1, REG_WAIT, OFF(0),
				      sizeof(struct io_uring_reg_wait)));
}

TEST(iopoll_ring_refuses_registered_wait_arguments)
{
	struct iou_ring r;

	REQUIRE_REGISTER_OP(IORING_REGISTER_MEM_REGION);
	REQUIRE_SETUP_FLAG(IORING_SETUP_IOPOLL);
	ASSERT_EQ(0, iou_ring_init(&r, 4, IORING_SETUP_IOPOLL));
	ASSERT_RES(-EINVAL, iou_enter(&r, 0, 1, REG_WAIT, OFF(0),
				      sizeof(struct io_uring_reg_wait)));
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
