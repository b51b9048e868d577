// SPDX-License-Identifier: GPL-2.0
/*
 * For a ring created by a caller without CAP_IPC_LOCK, every page of a
 * registered buffer is charged to the user's locked memory, against the
 * caller's RLIMIT_MEMLOCK read at registration time.  The boundary is
 * exact: a total of exactly the limit registers, one page more fails with
 * ENOMEM.  A failed registration or update gives back what it charged
 * part way, unregistering or emptying a slot gives back the buffer's
 * pages, a replacement is charged before the buffer it replaces
 * is let go, and the budget belongs to the user, shared by all of its
 * rings.  Buffers cloned from another ring of the same user are not
 * charged a second time.  A ring created
 * with CAP_IPC_LOCK is not charged at all.
 *
 * Each case runs in a child that switches to a uid of its own (memlock is
 * charged per user, and other programs run in parallel) with a fresh
 * RLIMIT_MEMLOCK.  Rings themselves are charged too on some kernels
 * (before 5.12 and since 6.14): a 1-entry ring's SQ/CQ rings and its SQE
 * array fit one page each, 2 pages, and whether this kernel charges them
 * is probed by creating a ring under a zero limit (ENOMEM if charged;
 * a refused setup charges nothing).  Buffers use small pages only, so
 * that no huge page is charged whole.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include "iou.h"
#include "iou_rsrc.h"

#define N_PAGES		16U
#define CHILD_MS	10000

static size_t pg(void)
{
	return IOU_PAGE_SIZE;
}

static int set_memlock_pages(unsigned long pages)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		return -errno;
	rl.rlim_cur = pages * pg();
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		return -ERANGE;
	return setrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0;
}

/* Pages a 1-entry ring costs this user: 2 where rings are charged, else 0. */
static unsigned long ring_charge_pages(struct __test_metadata *_metadata)
{
	struct io_uring_params p;
	int fd;

	ASSERT_EQ(0, set_memlock_pages(0));
	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(1, &p);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	ASSERT_EQ(ENOMEM, errno);
	return 2;
}

typedef void (*child_fn)(struct __test_metadata *_metadata);

/*
 * Run fn in a child as a private uid without capabilities (drop true) or
 * as root with its capabilities; the case fails if fn did.
 */
static void in_child(struct __test_metadata *_metadata, child_fn fn, bool drop)
{
	int pid, status;

	if (geteuid() != 0 || !iou_has_cap(CAP_SETUID))
		SKIP(return, "needs root (CAP_SETUID) to charge a private uid");
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop) {
			unsigned int uid = iou_private_uid();

			ASSERT_EQ(0, iou_drop_privileges(uid, uid));
		}
		fn(_metadata);
		fflush(NULL);
		_exit(_metadata->exit_code);
	}
	status = iou_wait_child(pid, CHILD_MS);
	ASSERT_EQ(0, status);
}

static void *pages(unsigned long n)
{
	return iou_map_nohuge(n * pg());
}

static int reg_pages(struct iou_ring *r, void *mem, unsigned long n)
{
	struct iovec iov = { mem, n * pg() };

	return iou_register(r, IORING_REGISTER_BUFFERS, &iov, 1);
}

/* ---- the cases, each run by a child ---------------------------------- */

static void exactly_at_limit(struct __test_metadata *_metadata)
{
	unsigned long R = ring_charge_pages(_metadata);
	void *mem = pages(N_PAGES);
	struct iou_ring r;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, set_memlock_pages(R + N_PAGES));
	ASSERT_EQ(0, iou_ring_init(&r, 1, 0));
	ASSERT_RES(0, reg_pages(&r, mem, N_PAGES));
	/* unregistering gives the pages back at once */
	ASSERT_RES(0, iou_register(&r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_RES(0, reg_pages(&r, mem, N_PAGES));
	iou_ring_exit(&r);
}

TEST(buffer_of_exactly_the_limit_registers)
{
	in_child(_metadata, exactly_at_limit, true);
}

static void one_page_over(struct __test_metadata *_metadata)
{
	unsigned long R = ring_charge_pages(_metadata);
	void *mem = pages(N_PAGES + 1);
	struct iou_ring r;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, set_memlock_pages(R + N_PAGES));
	ASSERT_EQ(0, iou_ring_init(&r, 1, 0));
	ASSERT_RES(-ENOMEM, reg_pages(&r, mem, N_PAGES + 1));
	/* the refusal charged nothing: the whole budget is still there */
	ASSERT_RES(0, reg_pages(&r, mem, N_PAGES));
	iou_ring_exit(&r);
}

TEST(one_page_over_the_limit_fails_enomem)
{
	in_child(_metadata, one_page_over, true);
}

static void split_over(struct __test_metadata *_metadata)
{
	unsigned long R = ring_charge_pages(_metadata);
	unsigned char *mem = pages(N_PAGES + 1);
	struct iovec iov[2];
	struct iou_ring r;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, set_memlock_pages(R + N_PAGES));
	ASSERT_EQ(0, iou_ring_init(&r, 1, 0));
	/* the first buffer fits, the second takes the total one page over */
	iov[0] = (struct iovec){ mem, (N_PAGES / 2) * pg() };
	iov[1] = (struct iovec){ mem + (N_PAGES / 2) * pg(), (N_PAGES / 2 + 1) * pg() };
	ASSERT_RES(-ENOMEM, iou_register(&r, IORING_REGISTER_BUFFERS, iov, 2));
	/* the first buffer's charge was given back with the failure */
	iov[1].iov_len = (N_PAGES / 2) * pg();
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_BUFFERS, iov, 2));
	iou_ring_exit(&r);
}

TEST(split_registration_over_the_limit_gives_back_its_charge)
{
	in_child(_metadata, split_over, true);
}

/*
 * BUFFERS_UPDATE of one slot, retried while it fails with ENOMEM for up
 * to 3 s: kernels before the resource-node rework (6.1 and older) put a
 * replaced buffer from a delayed work item, about a second later, and
 * only then give its pages back; newer ones do it before returning.
 */
static int update_when_released(struct iou_ring *r, unsigned int slot,
				const struct iovec *iov)
{
	uint64_t start = iou_now_ns();
	int ret;

	while ((ret = iou_rsrc_update2(r, IORING_REGISTER_BUFFERS_UPDATE, slot,
				     iov, NULL, 1)) == -ENOMEM &&
	       iou_ms_since(start) < 3000)
		usleep(10000);
	return ret;
}

static void update_over(struct __test_metadata *_metadata)
{
	unsigned long R = ring_charge_pages(_metadata);
	unsigned char *mem = pages(N_PAGES + 1);
	struct iovec iov[2], upd;
	struct iou_ring r;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, set_memlock_pages(R + N_PAGES));
	ASSERT_EQ(0, iou_ring_init(&r, 1, 0));
	iov[0] = (struct iovec){ mem, (N_PAGES - 1) * pg() };
	iov[1] = (struct iovec){ NULL, 0 };
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_BUFFERS, iov, 2));
	upd = (struct iovec){ mem + (N_PAGES - 1) * pg(), 2 * pg() };
	ASSERT_RES(-ENOMEM, iou_rsrc_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 1,
					   &upd, NULL, 1));
	upd.iov_len = pg();
	ASSERT_RES(1, iou_rsrc_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 1,
				     &upd, NULL, 1));
	/*
	 * A replacement is charged before the buffer it replaces is let go:
	 * with the budget used up, even a smaller buffer does not fit.
	 */
	upd = (struct iovec){ mem, pg() };
	ASSERT_RES(-ENOMEM, iou_rsrc_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 0,
					   &upd, NULL, 1));
	/* emptying the slot gives its pages back */
	upd = (struct iovec){ NULL, 0 };
	ASSERT_RES(1, iou_rsrc_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 0,
				     &upd, NULL, 1));
	upd = (struct iovec){ mem, (N_PAGES - 1) * pg() };
	ASSERT_RES(1, update_when_released(&r, 0, &upd));
	/* and the budget is full again */
	upd = (struct iovec){ mem, pg() };
	ASSERT_RES(-ENOMEM, iou_rsrc_update2(&r, IORING_REGISTER_BUFFERS_UPDATE, 0,
					   &upd, NULL, 1));
	iou_ring_exit(&r);
}

TEST(update_over_the_limit_fails_enomem)
{
	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);	/* NULL iovecs, BUFFERS_UPDATE */
	in_child(_metadata, update_over, true);
}

static void shared_budget(struct __test_metadata *_metadata)
{
	unsigned long R = ring_charge_pages(_metadata);
	unsigned char *mem = pages(N_PAGES + 1);
	struct iou_ring a, b;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, set_memlock_pages(2 * R + N_PAGES));
	ASSERT_EQ(0, iou_ring_init(&a, 1, 0));
	ASSERT_EQ(0, iou_ring_init(&b, 1, 0));
	ASSERT_RES(0, reg_pages(&a, mem, 5));
	/* ring b has what ring a left, not a budget of its own */
	ASSERT_RES(-ENOMEM, reg_pages(&b, mem + 5 * pg(), N_PAGES - 4));
	ASSERT_RES(0, reg_pages(&b, mem + 5 * pg(), N_PAGES - 5));
	iou_ring_exit(&a);
	iou_ring_exit(&b);
}

TEST(budget_is_shared_by_all_rings_of_the_user)
{
	in_child(_metadata, shared_budget, true);
}

static void limit_read_late(struct __test_metadata *_metadata)
{
	unsigned long R = ring_charge_pages(_metadata);
	void *mem = pages(N_PAGES + 8);
	struct iou_ring r;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, set_memlock_pages(R + N_PAGES));
	ASSERT_EQ(0, iou_ring_init(&r, 1, 0));
	ASSERT_RES(-ENOMEM, reg_pages(&r, mem, N_PAGES + 8));
	/* the limit in force when registering counts, not the one at setup */
	ASSERT_EQ(0, set_memlock_pages(R + N_PAGES + 8));
	ASSERT_RES(0, reg_pages(&r, mem, N_PAGES + 8));
	iou_ring_exit(&r);
}

TEST(limit_is_read_when_registering)
{
	in_child(_metadata, limit_read_late, true);
}

static void clone_not_charged(struct __test_metadata *_metadata)
{
	unsigned long R = ring_charge_pages(_metadata);
	void *mem = pages(N_PAGES);
	struct io_uring_clone_buffers arg;
	struct iou_ring a, b;

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, set_memlock_pages(2 * R + N_PAGES));
	ASSERT_EQ(0, iou_ring_init(&a, 1, 0));
	ASSERT_EQ(0, iou_ring_init(&b, 1, 0));
	ASSERT_RES(0, reg_pages(&a, mem, N_PAGES));
	/* the budget is used up, yet the clone registers: same pages */
	memset(&arg, 0, sizeof(arg));
	arg.src_fd = (__u32)a.fd;
	ASSERT_RES(0, iou_register(&b, IORING_REGISTER_CLONE_BUFFERS, &arg, 1));
	iou_ring_exit(&b);
	iou_ring_exit(&a);
}

TEST(cloned_buffers_are_not_charged_again)
{
	if (!iou_register_op_supported(IORING_REGISTER_CLONE_BUFFERS))
		SKIP(return, "kernel lacks register opcode IORING_REGISTER_CLONE_BUFFERS");
	in_child(_metadata, clone_not_charged, true);
}

static void ipc_lock_exempt(struct __test_metadata *_metadata)
{
	void *mem = pages(256);
	struct iou_ring r;

	ASSERT_NE(NULL, mem);
	ASSERT_TRUE(iou_has_cap(CAP_IPC_LOCK));
	/* two pages: enough for no ring and for no buffer if charged */
	ASSERT_EQ(0, set_memlock_pages(2));
	ASSERT_EQ(0, iou_ring_init(&r, 1, 0));
	ASSERT_RES(0, reg_pages(&r, mem, 256));
	iou_ring_exit(&r);
}

TEST(ring_of_a_cap_ipc_lock_caller_is_not_charged)
{
	if (!iou_has_cap(CAP_IPC_LOCK))
		SKIP(return, "needs CAP_IPC_LOCK");
	in_child(_metadata, ipc_lock_exempt, false);
}

TEST_HARNESS_MAIN
