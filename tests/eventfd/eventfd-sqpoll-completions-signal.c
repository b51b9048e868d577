// SPDX-License-Identifier: GPL-2.0
/*
 * With IORING_SETUP_SQPOLL the kernel's SQ thread issues requests and posts
 * their inline completions, and it signals the registered eventfd like a
 * submitting task would: a plain registration sees those completions (so
 * a task blocked reading the eventfd wakes without ever entering the
 * kernel for them), while an EVENTFD_ASYNC registration does not, because
 * the SQ thread is not an io-wq worker.  Poll-driven completions run as
 * the SQ thread's task work, likewise signalling only a plain
 * registration; io-wq completions signal both.
 *
 * Signals come from another thread, after the CQE may already be visible,
 * so counts are taken with bounded waits.  SQPOLL is unprivileged since
 * 5.11; earlier kernels refuse it to non-root and the probe SKIPs.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>

#include "iou.h"
#include "iou_eventfd.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_SQPOLL);

FIXTURE(sqpoll_ring) {
	struct iou_ring r;
	int efd;
};

FIXTURE_VARIANT(sqpoll_ring) {
	bool async;
};

FIXTURE_VARIANT_ADD(sqpoll_ring, eventfd) { .async = false };
FIXTURE_VARIANT_ADD(sqpoll_ring, eventfd_async) { .async = true };

FIXTURE_SETUP(sqpoll_ring)
{
	struct io_uring_params p;

	self->r.fd = -1;
	self->efd = -1;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 100;
	ASSERT_EQ(0, iou_ring_init_params(&self->r, 16, &p));
	ASSERT_MODE_PROVEN(&self->r);
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
}

FIXTURE_TEARDOWN(sqpoll_ring)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
}

/* signals a completion by the SQ thread (not io-wq) gives */
static long long sq_thread_signals(const FIXTURE_VARIANT(sqpoll_ring) *variant)
{
	return variant->async ? 0 : 1;
}

TEST_F(sqpoll_ring, inline_completion_by_the_sq_thread)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 1, 0));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(1, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(sq_thread_signals(variant),
		  iou_evfd_collect(self->efd, sq_thread_signals(variant), IOU_WAIT_MS));
}

TEST_F(sqpoll_ring, batch_by_the_sq_thread_is_not_signalled_per_cqe)
{
	struct iou_cqe cqe[8];
	long long n;

	for (unsigned int i = 0; i < 8; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 0x10 + i);
	ASSERT_EQ(8, iou_submit(&self->r));
	ASSERT_EQ(8, iou_reap(&self->r, cqe, 8, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 8; i++) {
		ASSERT_EQ(0x10 + i, cqe[i].user_data);
		ASSERT_RES(0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
	}
	n = iou_evfd_collect(self->efd, sq_thread_signals(variant), IOU_WAIT_MS);
	if (variant->async) {
		ASSERT_EQ(0, n);
	} else {
		/* how the SQ thread splits its batches is its business */
		ASSERT_LE(1, n);
		ASSERT_GE(8, n);
	}
}

TEST_F(sqpoll_ring, iowq_completion_signals_either_registration)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, iou_evfd_submit_nop(&self->r, 2, IOSQE_ASYNC));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(2, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(1, iou_evfd_collect(self->efd, 1, IOU_WAIT_MS));
}

TEST_F(sqpoll_ring, poll_completion_runs_as_sq_thread_task_work)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	int pfd[2];

	ASSERT_SYSOK(pipe2(pfd, O_CLOEXEC | O_NONBLOCK));
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, pfd[0], POLLIN);
	sqe->user_data = 3;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(3, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(sq_thread_signals(variant),
		  iou_evfd_collect(self->efd, sq_thread_signals(variant), IOU_WAIT_MS));
	close(pfd[0]);
	close(pfd[1]);
}

struct blocked_reader {
	int efd;
	uint64_t value;
	ssize_t ret;
	int done;
};

static void *read_blocking(void *arg)
{
	struct blocked_reader *b = arg;

	b->ret = read(b->efd, &b->value, sizeof(b->value));
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(blocked_reader_wakes_for_sq_thread_completions)
{
	struct blocked_reader b = { .efd = -1 };
	struct io_uring_params p;
	struct iou_ring r;
	struct iou_cqe cqe;
	uint64_t start;
	pthread_t t;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 100;
	ASSERT_EQ(0, iou_ring_init_params(&r, 8, &p));
	/* a blocking eventfd, read by another thread */
	b.efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, b.efd);
	ASSERT_RES(0, iou_evfd_register(&r, b.efd, false));
	ASSERT_EQ(0, pthread_create(&t, NULL, read_blocking, &b));

	ASSERT_EQ(1, iou_evfd_submit_nop(&r, 4, 0));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(4, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/* the reader must come back on its own, within the bounded wait */
	start = iou_now_ns();
	while (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE) &&
	       iou_ms_since(start) < IOU_WAIT_MS)
		usleep(1000);
	if (!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE))
		iou_evfd_add(b.efd, 1000);	/* release it, then fail below */
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(8, b.ret);
	ASSERT_EQ(1, b.value);
	iou_ring_exit(&r);
	close(b.efd);
}

TEST_HARNESS_MAIN
