// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_enter(IORING_ENTER_GETEVENTS) waits and the registered eventfd
 * are two views of the same postings, independent of each other: a wait
 * that times out with nothing completed signals nothing; a wait that
 * returns because a CQE was posted is matched by a signal (before the
 * wait returns when the waiter itself ran the completion); a wait for
 * several completions is matched by one signal per flush, at least one,
 * at most one per CQE; writing the eventfd from userspace does not end a
 * CQ wait; and a thread blocked on the eventfd and a task waiting in
 * GETEVENTS are both woken by one completion.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "iou.h"
#include "iou_eventfd.h"

/*
 * Writes made by a helper thread, each once the waiter (the case's own
 * thread) is seen asleep in io_uring_enter: a write made before the wait
 * began would be found at its start instead of waking it.
 */
struct delayed_writes {
	int fds[3];		/* write a byte to each, -1 ends */
	int efd;		/* or add 5 to this eventfd, if >= 0 */
	pid_t waiter;
};

#define DELAYED_WRITES(...) { __VA_ARGS__, .waiter = (pid_t)syscall(SYS_gettid) }

static void *delayed_writes_fn(void *arg)
{
	struct delayed_writes *d = arg;

	for (int i = 0; i < 3 && d->fds[i] >= 0; i++) {
		if (!iou_wait_sleeps_in(d->waiter, __NR_io_uring_enter, IOU_WAIT_MS))
			return (void *)2;
		if (write(d->fds[i], "x", 1) != 1)
			return (void *)1;
	}
	if (d->efd >= 0) {
		uint64_t v = 5;

		if (!iou_wait_sleeps_in(d->waiter, __NR_io_uring_enter, IOU_WAIT_MS))
			return (void *)2;
		if (write(d->efd, &v, sizeof(v)) != sizeof(v))
			return (void *)1;
	}
	return NULL;
}

FIXTURE(getevents) {
	struct iou_ring r;
	int efd;
	int p[3][2];
};

FIXTURE_SETUP(getevents)
{
	self->r.fd = -1;
	self->efd = -1;
	for (int i = 0; i < 3; i++)
		self->p[i][0] = self->p[i][1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
	for (int i = 0; i < 3; i++) {
		ASSERT_SYSOK(pipe2(self->p[i], O_CLOEXEC | O_NONBLOCK));
	}
}

FIXTURE_TEARDOWN(getevents)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
	for (int i = 0; i < 3; i++) {
		if (self->p[i][0] >= 0) {
			close(self->p[i][0]);
			close(self->p[i][1]);
		}
	}
}

static void arm_poll(struct __test_metadata *_metadata, struct iou_ring *r,
		     int fd, __u64 ud)
{
	iou_queue_poll(r, fd, ud);
	ASSERT_EQ(1, iou_submit(r));
}

TEST_F(getevents, wait_that_times_out_signals_nothing)
{
	struct io_uring_cqe *c;

	arm_poll(_metadata, &self->r, self->p[0][0], 1);
	ASSERT_EQ(-ETIME, iou_wait_cqe_timeout(&self->r, &c, IOU_QUIET_MS));
	ASSERT_EQ(0, iou_evfd_take(self->efd));
}

TEST_F(getevents, wait_ended_by_a_completion_is_matched_by_a_signal)
{
	struct delayed_writes d = DELAYED_WRITES(.fds = { self->p[0][1], -1, -1 },
						 .efd = -1);
	struct io_uring_cqe *c;
	pthread_t t;
	void *res;

	arm_poll(_metadata, &self->r, self->p[0][0], 2);
	ASSERT_EQ(0, pthread_create(&t, NULL, delayed_writes_fn, &d));
	ASSERT_EQ(0, iou_wait_cqe_timeout(&self->r, &c, IOU_WAIT_MS));
	ASSERT_EQ(2, c->user_data);
	ASSERT_RES(POLLIN, c->res);
	ASSERT_EQ(0, c->flags);
	iou_cqe_seen(&self->r, c);
	/* this task ran the completion inside its wait: already signalled */
	ASSERT_EQ(1, iou_evfd_take(self->efd));
	ASSERT_EQ(0, pthread_join(t, &res));
	ASSERT_EQ(NULL, res);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
}

TEST_F(getevents, wait_for_several_completions_is_signalled_per_flush)
{
	struct delayed_writes d = DELAYED_WRITES(.fds = { self->p[0][1], self->p[1][1],
							  self->p[2][1] },
						 .efd = -1);
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	struct io_uring_getevents_arg arg = { .ts = IOU_PTR(&ts) };
	struct iou_cqe cqe[3];
	unsigned int seen = 0;
	long long n;
	pthread_t t;
	void *res;

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	for (int i = 0; i < 3; i++)
		arm_poll(_metadata, &self->r, self->p[i][0], 0x10 + i);
	ASSERT_EQ(0, pthread_create(&t, NULL, delayed_writes_fn, &d));
	ASSERT_RES(0, iou_enter(&self->r, 0, 3, IORING_ENTER_GETEVENTS |
				IORING_ENTER_EXT_ARG, &arg, sizeof(arg)));
	ASSERT_EQ(0, pthread_join(t, &res));
	ASSERT_EQ(NULL, res);
	ASSERT_EQ(3, iou_cq_ready(&self->r));
	ASSERT_EQ(3, iou_reap(&self->r, cqe, 3, IOU_WAIT_MS));
	for (int i = 0; i < 3; i++) {
		ASSERT_RES(POLLIN, cqe[i].res);
		seen |= 1u << (cqe[i].user_data - 0x10);
	}
	ASSERT_EQ(7, seen);
	n = iou_evfd_collect(self->efd, 1, IOU_WAIT_MS);
	ASSERT_LE(1, n);
	ASSERT_GE(3, n);
}

TEST_F(getevents, writing_the_eventfd_does_not_end_a_cq_wait)
{
	struct delayed_writes d = DELAYED_WRITES(.fds = { -1 }, .efd = self->efd);
	struct io_uring_cqe *c;
	pthread_t t;
	void *res;

	arm_poll(_metadata, &self->r, self->p[0][0], 3);
	ASSERT_EQ(0, pthread_create(&t, NULL, delayed_writes_fn, &d));
	/* long enough for the writer to see the wait and write during it */
	ASSERT_EQ(-ETIME, iou_wait_cqe_timeout(&self->r, &c, iou_scaled_ms(500)));
	ASSERT_EQ(0, pthread_join(t, &res));
	ASSERT_EQ(NULL, res);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	/* the counter holds exactly what userspace wrote */
	ASSERT_EQ(5, iou_evfd_take(self->efd));
}

struct blocked_reader {
	int efd;
	uint64_t value;
	ssize_t ret;
};

static void *blocked_reader_fn(void *arg)
{
	struct blocked_reader *b = arg;

	ssize_t ret = read(b->efd, &b->value, sizeof(b->value));

	__atomic_store_n(&b->ret, ret, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(getevents, eventfd_reader_and_cq_waiter_both_wake)
{
	struct delayed_writes d = DELAYED_WRITES(.fds = { self->p[0][1], -1, -1 },
						 .efd = -1);
	struct blocked_reader b = { .ret = -2 };
	struct io_uring_cqe *c;
	pthread_t wt, rt;
	uint64_t start;
	void *res;

	/* a blocking eventfd for the reader thread */
	b.efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, b.efd);
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, b.efd, false));
	arm_poll(_metadata, &self->r, self->p[0][0], 4);
	ASSERT_EQ(0, pthread_create(&rt, NULL, blocked_reader_fn, &b));
	ASSERT_EQ(0, pthread_create(&wt, NULL, delayed_writes_fn, &d));
	ASSERT_EQ(0, iou_wait_cqe_timeout(&self->r, &c, IOU_WAIT_MS));
	ASSERT_EQ(4, c->user_data);
	ASSERT_RES(POLLIN, c->res);
	ASSERT_EQ(0, c->flags);
	iou_cqe_seen(&self->r, c);
	ASSERT_EQ(0, pthread_join(wt, &res));
	ASSERT_EQ(NULL, res);
	/* the reader is released by the signal, within the bounded wait */
	start = iou_now_ns();
	while (__atomic_load_n(&b.ret, __ATOMIC_ACQUIRE) == -2 &&
	       iou_ms_since(start) < IOU_WAIT_MS)
		usleep(1000);
	if (__atomic_load_n(&b.ret, __ATOMIC_ACQUIRE) == -2)
		iou_evfd_add(b.efd, 1000);	/* release it, then fail below */
	ASSERT_EQ(0, pthread_join(rt, NULL));
	ASSERT_EQ(8, b.ret);
	ASSERT_EQ(1, b.value);
	close(b.efd);
}

TEST_HARNESS_MAIN
