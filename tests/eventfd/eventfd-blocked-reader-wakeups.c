// SPDX-License-Identifier: GPL-2.0
/*
 * A task blocked in read(2) on the registered eventfd:
 *  - when the completion it waits for needs that same task's task work
 *    (a poll-driven completion), the kernel interrupts the read to run the
 *    work, the CQE is posted and the read returns the signal instead of
 *    hanging (liburing issue #146, 5.7);
 *  - on a DEFER_TASKRUN ring the read returns when the work is queued,
 *    before the CQE exists, and GETEVENTS then posts it;
 *  - closing an idle ring leaves a reader in another thread blocked and
 *    the counter untouched;
 *  - closing a ring with a request still pending wakes that reader: the
 *    teardown cancels the request, posting a CQE, which is signalled while
 *    the eventfd is still registered (every version unregisters it only
 *    when the ring is freed).
 *
 * A reader that does not wake is released by a watchdog write of 1000
 * after IOU_WAIT_MS, so a hang shows up as a wrong value, not a timeout.
 *
 * Regression-test-for: ce593a6c480a ("io_uring: use signal based task_work running")
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "iou.h"
#include "iou_eventfd.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("ce593a6c480a", "", "",
			"io_uring: use signal based task_work running")));

#define WATCHDOG_VALUE	1000

struct reader {
	int efd;
	uint64_t value;
	ssize_t ret;
	int done;
};

static void *reader_fn(void *arg)
{
	struct reader *rd = arg;

	rd->ret = read(rd->efd, &rd->value, sizeof(rd->value));
	__atomic_store_n(&rd->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static bool reader_done(struct reader *rd)
{
	return __atomic_load_n(&rd->done, __ATOMIC_ACQUIRE);
}

/* wait up to ms for the reader to return */
static bool reader_wait(struct reader *rd, unsigned int ms)
{
	uint64_t start = iou_now_ns();

	while (!reader_done(rd) && iou_ms_since(start) < ms)
		usleep(1000);
	return reader_done(rd);
}

/*
 * A helper thread: once the reader (thread tid) is seen asleep in
 * read(2), write one byte into a pipe; a write made earlier would let the
 * completion be posted before anybody blocked.
 */
struct pipe_writer {
	int fd;
	pid_t reader;
};

static void *pipe_writer_fn(void *arg)
{
	struct pipe_writer *w = arg;

	if (!iou_wait_sleeps_in(w->reader, __NR_read, IOU_WAIT_MS))
		return (void *)2;
	if (write(w->fd, "x", 1) != 1)
		return (void *)1;
	return NULL;
}

/* After IOU_WAIT_MS, unblock whoever still reads the eventfd. */
struct watchdog {
	int efd;
	int cancel;
};

static void *watchdog_fn(void *arg)
{
	struct watchdog *wd = arg;
	uint64_t start = iou_now_ns(), v = WATCHDOG_VALUE;

	while (!__atomic_load_n(&wd->cancel, __ATOMIC_ACQUIRE)) {
		if (iou_ms_since(start) >= IOU_WAIT_MS) {
			if (write(wd->efd, &v, sizeof(v)) != sizeof(v))
				return (void *)1;
			return NULL;
		}
		usleep(1000);
	}
	return NULL;
}

FIXTURE(blocked_reader) {
	struct iou_ring r;
	int efd;		/* blocking */
	int pfd[2];
};

FIXTURE_VARIANT(blocked_reader) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE blocked_reader
#include "iou_modes.h"

FIXTURE_SETUP(blocked_reader)
{
	IOU_EVFD_FIXTURE_CLEAR(self);
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
	IOU_EVFD_FIXTURE_OPEN(self, eventfd(0, EFD_CLOEXEC));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
}

FIXTURE_TEARDOWN(blocked_reader)
{
	IOU_EVFD_FIXTURE_CLOSE(self);
}

static void arm_poll(struct __test_metadata *_metadata, struct iou_ring *r,
		     int fd, __u64 ud)
{
	iou_queue_poll(r, fd, ud);
	ASSERT_EQ(1, iou_submit(r));
	if (r->flags & IORING_SETUP_SQPOLL) {
		uint64_t start = iou_now_ns();

		/* issued only once the SQ thread consumed it */
		while (iou_sq_ready(r) && iou_ms_since(start) < IOU_WAIT_MS)
			usleep(1000);
		ASSERT_EQ(0, iou_sq_ready(r));
	}
}

TEST_F(blocked_reader, submitter_blocked_on_eventfd_wakes_for_its_completion)
{
	struct pipe_writer w = { .fd = self->pfd[1], .reader = (pid_t)syscall(SYS_gettid) };
	struct watchdog wd = { .efd = self->efd };
	pthread_t wt, dt;
	struct iou_cqe cqe;
	uint64_t v = 0;
	void *wres;

	arm_poll(_metadata, &self->r, self->pfd[0], 1);
	ASSERT_EQ(0, pthread_create(&dt, NULL, watchdog_fn, &wd));
	ASSERT_EQ(0, pthread_create(&wt, NULL, pipe_writer_fn, &w));
	/* this very task must run the poll's task work (or, DEFER, be told to) */
	ASSERT_EQ(8, read(self->efd, &v, sizeof(v)));
	__atomic_store_n(&wd.cancel, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(wt, &wres));
	ASSERT_EQ(NULL, wres);
	ASSERT_EQ(0, pthread_join(dt, NULL));
	ASSERT_EQ(1, v);
	if (variant->setup_flags & IORING_SETUP_DEFER_TASKRUN) {
		/* woken for queued work: the CQE needs GETEVENTS */
		ASSERT_EQ(0, iou_cq_ready(&self->r));
		ASSERT_RES(0, iou_evfd_getevents(&self->r));
	}
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(1, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(blocked_reader, closing_an_idle_ring_leaves_the_reader_blocked)
{
	struct reader rd = { .efd = self->efd };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, reader_fn, &rd));
	iou_ring_exit(&self->r);
	self->r.fd = -1;
	/* the teardown posts nothing: nothing to signal */
	ASSERT_FALSE(reader_wait(&rd, IOU_QUIET_MS));
	ASSERT_EQ(0, iou_evfd_add(self->efd, 5));
	ASSERT_TRUE(reader_wait(&rd, IOU_WAIT_MS));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(8, rd.ret);
	ASSERT_EQ(5, rd.value);
}

TEST_F(blocked_reader, closing_a_ring_with_a_pending_request_wakes_the_reader)
{
	struct reader rd = { .efd = self->efd };
	pthread_t t;

	arm_poll(_metadata, &self->r, self->pfd[0], 2);
	ASSERT_EQ(0, pthread_create(&t, NULL, reader_fn, &rd));
	iou_ring_exit(&self->r);
	self->r.fd = -1;
	if (!reader_wait(&rd, IOU_WAIT_MS))
		iou_evfd_add(self->efd, WATCHDOG_VALUE);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(8, rd.ret);
	/* the cancellation CQE's signal: once per flush, at least one */
	ASSERT_LE(1, rd.value);
	ASSERT_GT(WATCHDOG_VALUE, rd.value);
}

TEST_HARNESS_MAIN
