// SPDX-License-Identifier: GPL-2.0
/*
 * What a ring holds is given back when it goes away, closed or left open
 * at process exit:
 *  - the locked-memory charge of its rings and SQE array (for a creator
 *    without CAP_IPC_LOCK, on kernels that charge rings: before 5.12,
 *    and from 6.14 until b59cabf9b4ac stopped it again in 7.3 and
 *    stable 7.2.11: 7.3's io_allocate_scq_urings() creates both regions
 *    with no user to charge), and of its registered buffers: with RLIMIT_MEMLOCK
 *    room for exactly one ring, a second ring is refused (ENOMEM) while
 *    the first lives and can be created once it is gone;
 *  - the files registered with it (a pipe end only the ring still holds
 *    is released).
 * The charge is given back by the asynchronous ring teardown, so the
 * second ring is retried until it can be made (up to IOU_WAIT_MS).
 *
 * Memory cases run in children that switch to a uid of this test's own
 * (memlock is charged per user and other programs run in parallel), with
 * RLIMIT_MEMLOCK set there; they need root to switch.  Whether this
 * kernel charges rings is probed in such a child with a zero limit.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "iou.h"
#include "iou_fdinfo.h"

/*
 * The asynchronous teardown is waited for as long as a CQE would be: the
 * retry ends as soon as it is done.  A child retries at most twice.
 */
#define TEARDOWN_MS	IOU_WAIT_MS
#define CHILD_MS	(3 * IOU_WAIT_MS)
#define PAGE		((rlim_t)sysconf(_SC_PAGESIZE))

enum { OK = 0, WRONG = 1, SETUP_FAILED = 2, NOT_CHARGED = 4 };

/* in a child: become uid with RLIMIT_MEMLOCK of pages pages */
static int become(unsigned int uid, rlim_t pages)
{
	struct rlimit rl = { .rlim_cur = pages * PAGE, .rlim_max = pages * PAGE };

	if (iou_drop_privileges(uid, uid))
		return -1;
	return setrlimit(RLIMIT_MEMLOCK, &rl) ? -1 : 0;
}

static int ring_of_one(void)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	return sys_io_uring_setup(1, &p) < 0 ? -errno : 0;
}

/* retry creating a 1-entry ring for up to ms; its fd or -errno of the last try */
static int ring_within(unsigned int ms)
{
	uint64_t start = iou_now_ns();
	struct io_uring_params p;
	int fd;

	do {
		memset(&p, 0, sizeof(p));
		fd = sys_io_uring_setup(1, &p);
		if (fd >= 0)
			return fd;
		usleep(1000);
	} while (iou_ms_since(start) < ms);
	return -errno;
}

/* does this kernel charge ring memory?  Probed in a child of uid uid */
static int rings_charged(unsigned int uid)
{
	int pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (become(uid, 0))
			_exit(SETUP_FAILED);
		_exit(ring_of_one() == -ENOMEM ? OK : NOT_CHARGED);
	}
	return iou_wait_child(pid, IOU_WAIT_MS);
}

#define REQUIRE_RING_CHARGES(uid) do {					\
	int __c;							\
	REQUIRE_ROOT();							\
	__c = rings_charged(uid);					\
	if (__c == NOT_CHARGED)						\
		SKIP(return, "kernel does not charge rings to RLIMIT_MEMLOCK (5.12 to 6.13, and since b59cabf9b4ac: 7.3, 7.2.11)"); \
	ASSERT_EQ(OK, __c);						\
	} while (0)

TEST(closing_a_ring_gives_its_memlock_charge_back)
{
	unsigned int uid = iou_private_uid();
	int pid;

	REQUIRE_RING_CHARGES(uid);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct io_uring_params p;
		int a, b;

		/* a 1-entry ring: one page of rings, one of SQEs */
		if (become(uid, 2))
			_exit(SETUP_FAILED);
		memset(&p, 0, sizeof(p));
		a = sys_io_uring_setup(1, &p);
		if (a < 0)
			_exit(10);
		if (ring_of_one() != -ENOMEM)
			_exit(11);
		close(a);
		b = ring_within(TEARDOWN_MS);
		_exit(b >= 0 ? OK : 12);
	}
	ASSERT_EQ(OK, iou_wait_child(pid, CHILD_MS));
}

TEST(closing_a_ring_gives_back_its_buffers_charge_too)
{
	unsigned int uid = iou_private_uid();
	int pid;

	REQUIRE_RING_CHARGES(uid);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct io_uring_params p;
		struct iovec iov;
		void *buf;
		int a;

		/* a ring (2 pages) and a 2-page buffer: 4 pages, the limit */
		if (become(uid, 4))
			_exit(SETUP_FAILED);
		buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			_exit(SETUP_FAILED);
		memset(&p, 0, sizeof(p));
		a = sys_io_uring_setup(1, &p);
		iov.iov_base = buf;
		iov.iov_len = 2 * PAGE;
		if (a < 0 || sys_io_uring_register(a, IORING_REGISTER_BUFFERS, &iov, 1))
			_exit(10);
		if (ring_of_one() != -ENOMEM)
			_exit(11);
		close(a);
		/* both charges back: two rings fit now */
		a = ring_within(TEARDOWN_MS);
		if (a < 0)
			_exit(12);
		_exit(ring_within(TEARDOWN_MS) >= 0 ? OK : 13);
	}
	ASSERT_EQ(OK, iou_wait_child(pid, CHILD_MS));
}

TEST(process_exit_gives_the_charge_of_an_open_ring_back)
{
	unsigned int uid = iou_private_uid();
	int holder, tester, held[2], go[2];
	char x;

	REQUIRE_RING_CHARGES(uid);
	ASSERT_EQ(0, pipe(held));
	ASSERT_EQ(0, pipe(go));
	holder = fork();
	ASSERT_LE(0, holder);
	if (holder == 0) {
		close(held[0]);
		if (become(uid, 2) || ring_of_one())
			_exit(SETUP_FAILED);
		/* ring_of_one() leaves its ring open: hold it until told */
		if (write(held[1], "h", 1) != 1 || read(go[0], &x, 1) != 1)
			_exit(SETUP_FAILED);
		_exit(OK);
	}
	close(held[1]);
	ASSERT_EQ(1, read(held[0], &x, 1));
	tester = fork();
	ASSERT_LE(0, tester);
	if (tester == 0) {
		if (become(uid, 2))
			_exit(SETUP_FAILED);
		/* the same user's budget is used up by the holder */
		_exit(ring_of_one() == -ENOMEM ? OK : WRONG);
	}
	ASSERT_EQ(OK, iou_wait_child(tester, CHILD_MS));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(OK, iou_wait_child(holder, CHILD_MS));
	tester = fork();
	ASSERT_LE(0, tester);
	if (tester == 0) {
		if (become(uid, 2))
			_exit(SETUP_FAILED);
		_exit(ring_within(TEARDOWN_MS) >= 0 ? OK : WRONG);
	}
	ASSERT_EQ(OK, iou_wait_child(tester, CHILD_MS));
	close(held[0]);
	close(go[0]);
	close(go[1]);
}

TEST(registered_files_are_let_go_with_the_ring)
{
	struct iou_ring r;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_FILES, &p[0], 1));
	ASSERT_EQ(0, close(p[0]));
	ASSERT_TRUE(iou_pipe_reader_held(p[1]));
	iou_ring_exit(&r);
	ASSERT_TRUE(iou_wait_pipe_reader_gone(p[1], TEARDOWN_MS));
	close(p[1]);
}

TEST_HARNESS_MAIN
