// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_ATTACH_WQ: a new ring shares the async backend of the ring
 * named by wq_fd.  Since io-wq became per task (5.12), what is shared is
 * the SQPOLL thread: SQPOLL|ATTACH_WQ adds the new ring to the existing
 * iou-sqp thread (one thread serves both rings and outlives the ring it
 * came with).  A ring of another process cannot be joined: that attach
 * quietly gets a thread of its own.  A bad wq_fd fails the setup:
 *  - a closed descriptor: ENXIO (EBADF before 5.12 without SQPOLL);
 *  - an open descriptor that is no io_uring: EINVAL;
 *  - with SQPOLL, a ring that has no SQPOLL thread: EINVAL.
 *
 * Doc discrepancy: io_uring_setup(2) documents ENXIO for a wq_fd that
 * "does not refer to an io_uring instance"; upstream returns EINVAL for an
 * open descriptor of another kind and ENXIO only when wq_fd is not open
 * (io_attach_sq_data(), io_sq_offload_create()).  The test follows the
 * kernel.
 */
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_ATTACH_WQ);

static int ring_attached(struct iou_ring *r, unsigned int flags, int wq_fd)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags | IORING_SETUP_ATTACH_WQ;
	p.wq_fd = (unsigned int)wq_fd;
	p.sq_thread_idle = 20;
	return iou_ring_init_params(r, 4, &p);
}

static int sqpoll_ring(struct iou_ring *r)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 20;
	return iou_ring_init_params(r, 4, &p);
}

static void nop_round_trip(struct __test_metadata *_metadata,
			   struct iou_ring *r, __u64 ud)
{
	struct iou_cqe cqe;

	iou_prep_nop(iou_get_sqe(r), ud);
	ASSERT_LE(0, iou_submit(r));
	ASSERT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, cqe.user_data);
	ASSERT_RES(0, cqe.res);
}

/* a descriptor number that is certainly not open */
static int closed_fd(void)
{
	int fd = iou_lowest_free_fd();

	return fd < 0 ? 1000 : fd;
}

TEST(sqpoll_rings_share_one_thread)
{
	struct iou_ring a, b;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQPOLL);
	ASSERT_RES(0, sqpoll_ring(&a));
	ASSERT_RES(0, ring_attached(&b, IORING_SETUP_SQPOLL, a.fd));
	nop_round_trip(_metadata, &a, 0xa);
	nop_round_trip(_metadata, &b, 0xb);
	if (iou_features() & IORING_FEAT_NATIVE_WORKERS)
		ASSERT_EQ(1, iou_wait_threads("iou-sqp-", 1, IOU_WAIT_MS));
	/* the shared thread stays for the ring still attached */
	iou_ring_exit(&a);
	nop_round_trip(_metadata, &b, 0xb2);
	if (iou_features() & IORING_FEAT_NATIVE_WORKERS)
		ASSERT_EQ(1, iou_threads("iou-sqp-", NULL, 0));
	iou_ring_exit(&b);
}

TEST(other_process_gets_a_thread_of_its_own)
{
	struct iou_ring a;
	int pid;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQPOLL);
	REQUIRE_FEATURE(IORING_FEAT_NATIVE_WORKERS);
	ASSERT_RES(0, sqpoll_ring(&a));
	ASSERT_EQ(1, iou_wait_threads("iou-sqp-", 1, IOU_WAIT_MS));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct iou_ring b;

		/* the parent's thread belongs to the parent: a new one here */
		ASSERT_RES(0, ring_attached(&b, IORING_SETUP_SQPOLL, a.fd));
		ASSERT_EQ(1, iou_wait_threads("iou-sqp-", 1, IOU_WAIT_MS));
		nop_round_trip(_metadata, &b, 0xc);
		iou_ring_exit(&b);
		_exit(0);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	nop_round_trip(_metadata, &a, 0xd);
	iou_ring_exit(&a);
}

TEST(attach_without_sqpoll_to_a_ring_is_accepted)
{
	struct iou_ring a, b;

	ASSERT_RES(0, iou_ring_init(&a, 4, 0));
	ASSERT_RES(0, ring_attached(&b, 0, a.fd));
	nop_round_trip(_metadata, &b, 1);
	iou_ring_exit(&b);
	iou_ring_exit(&a);
}

TEST(closed_wq_fd_gives_enxio)
{
	struct iou_ring r;
	int fd = closed_fd();

	if (iou_setup_flag_supported(IORING_SETUP_SQPOLL))
		ASSERT_RES(-ENXIO, ring_attached(&r, IORING_SETUP_SQPOLL, fd));
	/* io-wq attach of old kernels said EBADF; 5.12 kept the check, as ENXIO */
	ASSERT_RES(iou_features() & IORING_FEAT_NATIVE_WORKERS ? -ENXIO : -EBADF,
		   ring_attached(&r, 0, fd));
	ASSERT_RES(iou_features() & IORING_FEAT_NATIVE_WORKERS ? -ENXIO : -EBADF,
		   ring_attached(&r, 0, 0x7fffffff));
}

TEST(non_ring_wq_fd_gives_einval)
{
	struct iou_ring r;
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	if (iou_setup_flag_supported(IORING_SETUP_SQPOLL))
		ASSERT_RES(-EINVAL, ring_attached(&r, IORING_SETUP_SQPOLL, fds[0]));
	ASSERT_RES(-EINVAL, ring_attached(&r, 0, fds[0]));
	close(fds[0]);
	close(fds[1]);
}

TEST(sqpoll_attach_to_ring_without_thread_gives_einval)
{
	struct iou_ring a, r;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQPOLL);
	ASSERT_RES(0, iou_ring_init(&a, 4, 0));
	ASSERT_RES(-EINVAL, ring_attached(&r, IORING_SETUP_SQPOLL, a.fd));
	iou_ring_exit(&a);
}

TEST_HARNESS_MAIN
