// SPDX-License-Identifier: GPL-2.0
/*
 * Closing a ring descriptor only drops one reference to the ring file;
 * the ring, and the requests in flight on it, live on until the last one
 * is gone:
 *  - with a dup() of the descriptor left, pending requests complete as
 *    if nothing happened, and the ring is used through the copy;
 *  - a thread waiting in io_uring_enter() holds the file for the length
 *    of its call: closing (and unmapping) the ring under it neither ends
 *    nor breaks the wait - it returns 0 for a CQE that comes, ETIME at its
 *    timeout - and the teardown (here: a pipe end only a pending request
 *    still references being let go) follows when the call returns;
 *  - a ring torn down with unreaped CQEs, an overflow backlog and pending
 *    requests lets everything go without a hang.
 * Cancelling pending requests at close and exit is covered by
 * tests/cancel; mappings as references by lifecycle-mmap-after-close-and-munmap.
 *
 * Timing: teardown is asynchronous, waited for until it is seen (up to
 * IOU_WAIT_MS); the waiter's timeout (300 ms) is far from the 0 ms of a
 * wait that would end at the close.
 */
#include <pthread.h>
#include <sys/mman.h>

#include "iou.h"
#include "iou_fdinfo.h"

/*
 * The asynchronous teardown is waited for itself, up to the case's
 * timeout: that it happens is judged, not how fast on a loaded machine.
 */
#define TEARDOWN_MS	IOU_EVENT_MS

static void unmap_ring(struct iou_ring *r)
{
	munmap(r->sqes_ptr, r->sqes_sz);
	if (r->cq_ring_ptr != r->sq_ring_ptr)
		munmap(r->cq_ring_ptr, r->cq_ring_sz);
	munmap(r->sq_ring_ptr, r->sq_ring_sz);
	r->sqes_ptr = r->cq_ring_ptr = r->sq_ring_ptr = NULL;
}

FIXTURE(closing) {
	struct iou_ring r;
	int p[2], q[2];
	bool closed;
};

FIXTURE_VARIANT(closing) {
	unsigned int setup_flags;
};

/* plain and defer_taskrun (SQPOLL submits by itself: another story) */
#define IOU_MODES_FIXTURE closing
#define IOU_MODES_NO_SQPOLL
#include "iou_modes.h"

FIXTURE_SETUP(closing)
{
	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->q, O_CLOEXEC));
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
}

FIXTURE_TEARDOWN(closing)
{
	if (!self->closed)
		iou_ring_exit(&self->r);
	close(self->p[0]);
	close(self->p[1]);
	close(self->q[0]);
	close(self->q[1]);
}

/* a poll on the read end of pipe q, whose only other reference we drop */
static void park_on_q(struct iou_ring *r, int fd)
{
	iou_queue_poll(r, fd, 0xa0);
	iou_sq_flush(r);
}

TEST_F(closing, requests_carry_on_through_a_remaining_duplicate)
{
	struct iou_cqe c;
	int d = dup(self->r.fd);

	ASSERT_LE(0, d);
	iou_queue_poll(&self->r, self->p[0], 0xd0);
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_EQ(0, close(self->r.fd));
	self->r.fd = self->r.enter_fd = d;
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&c, 0, 0xd0, POLLIN, 0);
	iou_prep_nop(iou_get_sqe(&self->r), 0xd1);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &c, 1));
	ASSERT_CQE_AT(&c, 0, 0xd1, 0, 0);
}

/*
 * Waiting from another thread: a plain ring only (a DEFER_TASKRUN ring
 * lets no task but its submitter wait, see tests/setup).
 */
FIXTURE(waiter) {
	struct iou_ring r;
	int p[2], q[2];
	bool closed;
};

FIXTURE_SETUP(waiter)
{
	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->q, O_CLOEXEC));
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(waiter)
{
	if (!self->closed)
		iou_ring_exit(&self->r);
	close(self->p[0]);
	close(self->p[1]);
	close(self->q[0]);
	close(self->q[1]);
}

struct waiter {
	struct iou_ring *r;
	unsigned int ms;
	int ret;
	uint64_t took_ms;
	pid_t tid;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	uint64_t start = iou_now_ns();

	w->tid = gettid();
	w->ret = iou_wait_ext_ms(w->r, 0, 1, 0, w->ms);
	w->took_ms = iou_ms_since(start);
	return NULL;
}

/* start a waiter and return once it sleeps inside io_uring_enter */
static int start_waiter(struct waiter *w, pthread_t *t)
{
	if (pthread_create(t, NULL, wait_thread, w))
		return -1;
	for (uint64_t start = iou_now_ns(); iou_ms_since(start) < IOU_WAIT_MS;) {
		if (w->tid && iou_task_sleeps_in(w->tid, __NR_io_uring_enter))
			return 0;
		usleep(1000);
	}
	return -1;
}

TEST_F(waiter, wait_outlives_the_close_and_gets_its_completion)
{
	struct waiter w = { .r = &self->r, .ms = IOU_WAIT_MS };
	pthread_t t;

	iou_queue_poll(&self->r, self->p[0], 0xb0);
	park_on_q(&self->r, self->q[0]);
	ASSERT_RES(2, iou_enter(&self->r, 2, 0, 0, NULL, 0));
	ASSERT_EQ(0, close(self->q[0]));
	self->q[0] = -1;
	ASSERT_EQ(0, start_waiter(&w, &t));
	/* the waiter uses the ring's enter_fd by number: it already holds the file */
	ASSERT_EQ(0, close(self->r.fd));
	unmap_ring(&self->r);
	self->closed = true;
	/* the ring is not torn down under the waiter */
	ASSERT_TRUE(iou_pipe_reader_held(self->q[1]));
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_RES(0, w.ret);
	ASSERT_GT(IOU_WAIT_MS, w.took_ms);
	/* the call has returned: the last reference went with it */
	ASSERT_TRUE(iou_wait_pipe_reader_gone(self->q[1], TEARDOWN_MS));
}

TEST_F(waiter, wait_outlives_the_close_until_its_timeout)
{
	struct waiter w = { .r = &self->r, .ms = 300 };
	pthread_t t;

	park_on_q(&self->r, self->q[0]);
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(0, close(self->q[0]));
	self->q[0] = -1;
	ASSERT_EQ(0, start_waiter(&w, &t));
	ASSERT_EQ(0, close(self->r.fd));
	unmap_ring(&self->r);
	self->closed = true;
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_RES(-ETIME, w.ret);
	ASSERT_LE(300, w.took_ms);
	ASSERT_TRUE(iou_wait_pipe_reader_gone(self->q[1], TEARDOWN_MS));
}

TEST_F(closing, teardown_with_unreaped_cqes_and_a_backlog_releases_everything)
{
	uint64_t start;

	REQUIRE_FEATURE(IORING_FEAT_NODROP);
	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);	/* submitting with a backlog */
	park_on_q(&self->r, self->q[0]);
	ASSERT_RES(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	for (unsigned int b = 0; b < 4; b++) {
		for (unsigned int i = 0; i < 8; i++)
			iou_prep_nop(iou_get_sqe(&self->r), b * 8 + i);
		ASSERT_RES(8, iou_submit(&self->r));
	}
	ASSERT_EQ(self->r.cq_entries, iou_cq_ready(&self->r));
	ASSERT_TRUE(iou_load_acquire(self->r.sq_kflags) & IORING_SQ_CQ_OVERFLOW);
	ASSERT_EQ(0, close(self->q[0]));
	self->q[0] = -1;
	ASSERT_TRUE(iou_pipe_reader_held(self->q[1]));
	start = iou_now_ns();
	iou_ring_exit(&self->r);
	self->closed = true;
	/* close() itself does not wait for the teardown */
	ASSERT_GT(IOU_WAIT_MS, iou_ms_since(start));
	ASSERT_TRUE(iou_wait_pipe_reader_gone(self->q[1], TEARDOWN_MS));
}

TEST_HARNESS_MAIN
