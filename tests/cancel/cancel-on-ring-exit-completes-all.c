// SPDX-License-Identifier: GPL-2.0
/*
 * Closing a ring with requests still pending cancels them all and lets
 * go of everything they hold, without hanging: polls and reads parked
 * on a pipe, a linked chain with its link timeout, a timeout and a
 * multishot timeout, and a splice blocked in io-wq on an empty pipe.
 * The ring's descriptor closes at once and the teardown finishes in the
 * background; it is observed from outside without disturbing it: the
 * pipes' read ends, whose only references were the pending requests,
 * are released (each write end reports POLLERR: no reader left).  The
 * same holds when the submitting process exits without closing the
 * ring, on plain, DEFER_TASKRUN and SQPOLL rings.
 *
 * Bounds: the teardown must be observed within 2 s; the exiting process
 * must be gone within IOU_WAIT_MS.
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("10dc95939817", "CVE-2026-23113",
			"exit.sqpoll.closing_the_ring_cancels_and_releases_everything",
			"io_uring/io-wq: check IO_WQ_BIT_EXIT inside work run loop")));

#define TEARDOWN_MS	2000

FIXTURE(exit) {
	int p[2];	/* read end held by parked polls and reads */
	int q[2];	/* read end held by a splice blocked in io-wq */
	int devnull;
};

FIXTURE_VARIANT(exit) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(exit, plain) { .flags = 0 };
FIXTURE_VARIANT_ADD(exit, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
FIXTURE_VARIANT_ADD(exit, sqpoll) { .flags = IORING_SETUP_SQPOLL };

FIXTURE_SETUP(exit)
{
	REQUIRE_SETUP_FLAGS(variant->flags);
	ASSERT_EQ(0, pipe(self->p));
	ASSERT_EQ(0, pipe(self->q));
	self->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, self->devnull);
}

FIXTURE_TEARDOWN(exit)
{
	close(self->p[1]);
	close(self->q[1]);
	close(self->devnull);
}

/*
 * Fill ring r with pending work that holds read ends rfd and sfd (which
 * the caller then closes); false if a submission failed.  sfd is
 * registered as fixed file 0.  Returns once
 * the kernel has consumed the SQEs (an SQPOLL thread does it later),
 * since the descriptors are looked up when a request is issued.
 */
static bool load_ring(struct iou_ring *r, int rfd, int sfd, int devnull)
{
	static struct __kernel_timespec far = { .tv_sec = 10 };
	static struct __kernel_timespec tick = { .tv_nsec = 10000000 };
	static char buf[4][8];
	struct io_uring_sqe *sqe;
	unsigned int n = 0;

	sqe = iou_get_sqe(r);
	iou_prep_poll_add(sqe, rfd, POLLIN);
	sqe->user_data = ++n;
	sqe = iou_get_sqe(r);
	iou_prep_poll_multishot(sqe, rfd, POLLIN);
	sqe->user_data = ++n;
	sqe = iou_get_sqe(r);
	iou_prep_read(sqe, rfd, buf[0], sizeof(buf[0]), 0);
	sqe->user_data = ++n;
	/* read -> nop, the read guarded by a link timeout */
	sqe = iou_get_sqe(r);
	iou_prep_read(sqe, rfd, buf[1], sizeof(buf[1]), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = ++n;
	sqe = iou_get_sqe(r);
	iou_prep_link_timeout(sqe, &far, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = ++n;
	iou_prep_nop(iou_get_sqe(r), ++n);
	sqe = iou_get_sqe(r);
	iou_prep_timeout(sqe, &far, 0, 0);
	sqe->user_data = ++n;
	if (iou_have_timeout_flags(IORING_TIMEOUT_MULTISHOT, NULL, 0) == IOU_PRESENT) {
		sqe = iou_get_sqe(r);
		iou_prep_timeout(sqe, &tick, 0, IORING_TIMEOUT_MULTISHOT);
		sqe->user_data = ++n;
	}
	/*
	 * splice always runs in io-wq, and blocks there on an empty pipe;
	 * its input comes from the file table (slot 0 = sfd) because a
	 * worker looks the input up only when it starts.
	 */
	if (iou_register(r, IORING_REGISTER_FILES, &sfd, 1))
		return false;
	sqe = iou_get_sqe(r);
	iou_prep_splice(sqe, 0, -1, devnull, -1, 64, SPLICE_F_FD_IN_FIXED);
	sqe->user_data = ++n;
	if (iou_submit(r) != (int)n)
		return false;
	for (uint64_t start = iou_now_ns(); iou_ms_since(start) < IOU_WAIT_MS;) {
		if (iou_load_acquire(r->sq_khead) == *r->sq_ktail)
			return true;
		usleep(500);
	}
	return false;
}

/* the read end of pipe wfd belongs to nobody any more */
static bool reader_gone(int wfd, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();

	do {
		struct pollfd pfd = { .fd = wfd, .events = POLLOUT };

		if (poll(&pfd, 1, 10) == 1 && (pfd.revents & POLLERR))
			return true;
	} while (iou_ms_since(start) < timeout_ms);
	return false;
}

/* the loaded ring really holds both: nothing was released early */
#define ASSERT_HELD(self) do {						\
	struct pollfd __p[2] = {					\
		{ .fd = (self)->p[1], .events = POLLOUT },		\
		{ .fd = (self)->q[1], .events = POLLOUT },		\
	};								\
	ASSERT_EQ(2, poll(__p, 2, 0));					\
	ASSERT_EQ(0, __p[0].revents & POLLERR);				\
	ASSERT_EQ(0, __p[1].revents & POLLERR);				\
	} while (0)

TEST_F(exit, closing_the_ring_cancels_and_releases_everything)
{
	struct iou_ring r;
	uint64_t start;

	ASSERT_EQ(0, iou_ring_init(&r, 32, variant->flags));
	ASSERT_TRUE(load_ring(&r, self->p[0], self->q[0], self->devnull));
	ASSERT_EQ(0, close(self->p[0]));
	ASSERT_EQ(0, close(self->q[0]));
	/* let the splice reach a worker and block (either way it must go) */
	usleep(20000);
	ASSERT_HELD(self);
	start = iou_now_ns();
	iou_ring_exit(&r);
	/* close() itself does not wait for the teardown */
	ASSERT_GT(TEARDOWN_MS, iou_ms_since(start));
	ASSERT_TRUE(reader_gone(self->p[1], TEARDOWN_MS));
	ASSERT_TRUE(reader_gone(self->q[1], TEARDOWN_MS));
}

TEST_F(exit, process_exit_without_closing_cancels_and_releases_everything)
{
	int pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct iou_ring r;

		close(self->p[1]);
		close(self->q[1]);
		if (iou_ring_init(&r, 32, variant->flags) ||
		    !load_ring(&r, self->p[0], self->q[0], self->devnull))
			_exit(2);
		close(self->p[0]);
		close(self->q[0]);
		usleep(20000);
		_exit(0);	/* the ring is left open */
	}
	ASSERT_EQ(0, close(self->p[0]));
	ASSERT_EQ(0, close(self->q[0]));
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	ASSERT_TRUE(reader_gone(self->p[1], TEARDOWN_MS));
	ASSERT_TRUE(reader_gone(self->q[1], TEARDOWN_MS));
}

TEST_HARNESS_MAIN
