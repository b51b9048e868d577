// SPDX-License-Identifier: GPL-2.0
/*
 * An eventfd-driven event loop: epoll waits on the registered eventfd, and
 * on every wakeup the loop resets the eventfd, enters GETEVENTS when the
 * ring defers task work, reaps every visible CQE and tops the queue up.
 * Over thousands of requests of every completion kind (inline NOPs, io-wq
 * NOPs and file reads, timer-driven timeouts) the loop must never sleep
 * through a completion (an epoll_wait that times out while requests are
 * outstanding and nothing is visible is a lost wakeup) and must see every
 * request complete exactly once with its own result.
 *
 * This works because the kernel signals after posting (or, DEFER_TASKRUN,
 * when the work that will post is queued, and again after posting it), so
 * a CQE the loop missed is always followed by a wakeup; a signal for a
 * CQE that was already reaped only costs a spurious wakeup.  An
 * EVENTFD_ASYNC registration is driven by io-wq work only.
 */
#include <sys/epoll.h>

#include "iou.h"
#include "iou_eventfd.h"

#define TOTAL		16384
#define DEPTH		64
#define READ_LEN	512

enum kind { K_NOP, K_ASYNC_NOP, K_ASYNC_READ, K_TIMEOUT, NR_KINDS };

FIXTURE(loop) {
	struct iou_ring r;
	int efd, epfd, file;
	unsigned char seen[TOTAL];
	char bufs[DEPTH][READ_LEN];
	struct __kernel_timespec ts;
};

FIXTURE_VARIANT(loop) {
	unsigned int flags;
	bool async_registration;	/* and io-wq work only */
	bool edge_triggered;
};

FIXTURE_VARIANT_ADD(loop, level_triggered) { .flags = 0 };
FIXTURE_VARIANT_ADD(loop, edge_triggered) { .edge_triggered = true };
FIXTURE_VARIANT_ADD(loop, defer_taskrun) {
	.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
};
FIXTURE_VARIANT_ADD(loop, sqpoll) { .flags = IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(loop, async_registration) { .async_registration = true };

FIXTURE_SETUP(loop)
{
	struct epoll_event ev = { .events = EPOLLIN };

	self->efd = self->epfd = self->file = -1;
	self->r.fd = -1;
	IOU_RING_INIT_MODE(&self->r, DEPTH, variant->flags);
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd,
					variant->async_registration));
	self->epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, self->epfd);
	if (variant->edge_triggered)
		ev.events |= EPOLLET;
	ASSERT_SYSOK(epoll_ctl(self->epfd, EPOLL_CTL_ADD, self->efd, &ev));
	self->file = iou_scratch_file("data", DEPTH * READ_LEN, 0);
	ASSERT_LE(0, self->file);
	self->ts = iou_ts_ms(0);
	self->ts.tv_nsec = 100 * 1000;	/* 100 us */
}

FIXTURE_TEARDOWN(loop)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->epfd >= 0)
		close(self->epfd);
	if (self->efd >= 0)
		close(self->efd);
	if (self->file >= 0)
		close(self->file);
}

/*
 * user_data: request number << 8 | kind.  A read lands in buffer n % DEPTH;
 * two reads in flight on one buffer read the same file range, so the
 * pattern check holds either way.
 */
static enum kind kind_of(const FIXTURE_VARIANT(loop) *variant, unsigned int n)
{
	if (variant->async_registration)
		return n % 2 ? K_ASYNC_READ : K_ASYNC_NOP;
	return (enum kind)(n % NR_KINDS);
}

/*
 * false if the SQ ring is full: with SQPOLL the kernel publishes its SQ
 * head after flushing the batch's CQEs, so reaped requests may still hold
 * their SQ slots for a moment.
 */
static bool queue_one(FIXTURE_DATA(loop) *self, const FIXTURE_VARIANT(loop) *variant,
		      unsigned int n)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	enum kind k = kind_of(variant, n);
	unsigned int slot = n % DEPTH;

	if (!sqe)
		return false;
	switch (k) {
	case K_NOP:
		iou_prep_nop(sqe, 0);
		break;
	case K_ASYNC_NOP:
		iou_prep_nop(sqe, 0);
		sqe->flags = IOSQE_ASYNC;
		break;
	case K_ASYNC_READ:
		iou_prep_read(sqe, self->file, self->bufs[slot], READ_LEN,
			      (__u64)slot * READ_LEN);
		sqe->flags = IOSQE_ASYNC;
		break;
	case K_TIMEOUT:
		iou_prep_timeout(sqe, &self->ts, 0, 0);
		break;
	default:
		break;
	}
	sqe->user_data = (__u64)n << 8 | k;
	return true;
}

TEST_F(loop, epoll_driven_loop_reaps_every_completion_once)
{
	unsigned int queued = 0, reaped = 0, inflight = 0, wakeups = 0;
	uint64_t start = iou_now_ns();

	while (reaped < TOTAL) {
		struct epoll_event ev;
		struct io_uring_cqe *c;
		unsigned int batch = 0;
		int ret;

		/* top up; a slot's read buffer is free once its CQE was reaped */
		while (queued < TOTAL && inflight < DEPTH &&
		       queue_one(self, variant, queued)) {
			queued++;
			inflight++;
			batch++;
		}
		if (batch && (variant->flags & IORING_SETUP_SQPOLL)) {
			/* counts what the SQ thread has yet to consume */
			ASSERT_LE((int)batch, iou_submit(&self->r));
		} else if (batch) {
			ASSERT_EQ((int)batch, iou_submit(&self->r));
		}

		ret = epoll_wait(self->epfd, &ev, 1, IOU_WAIT_MS);
		if (ret < 0 && errno == EINTR)
			continue;
		ASSERT_LE(0, ret);
		if (ret == 0) {
			TH_LOG("epoll timed out with %u in flight, %u reaped, %u visible",
			       inflight, reaped, iou_cq_ready(&self->r));
			ASSERT_EQ(1, ret);
		}
		wakeups++;
		ASSERT_LE(0, iou_evfd_take(self->efd));
		if (variant->flags & IORING_SETUP_DEFER_TASKRUN) {
			ASSERT_RES(0, iou_evfd_getevents(&self->r));
		}

		while (iou_peek_cqe(&self->r, &c) == 0) {
			unsigned int n = (unsigned int)(c->user_data >> 8);
			enum kind k = (enum kind)(c->user_data & 0xff);

			ASSERT_GT(TOTAL, n);
			ASSERT_EQ(0, self->seen[n]);
			self->seen[n] = 1;
			ASSERT_EQ(kind_of(variant, n), k);
			ASSERT_EQ(0, c->flags);
			switch (k) {
			case K_ASYNC_READ:
				ASSERT_RES(READ_LEN, c->res);
				ASSERT_TRUE(iou_check_pattern(self->bufs[n % DEPTH], READ_LEN,
							      (uint64_t)(n % DEPTH) * READ_LEN));
				break;
			case K_TIMEOUT:
				ASSERT_RES(-ETIME, c->res);
				break;
			default:
				ASSERT_RES(0, c->res);
			}
			iou_cqe_seen(&self->r, c);
			reaped++;
			inflight--;
		}
	}
	ASSERT_EQ(TOTAL, queued);
	ASSERT_EQ(0, inflight);
	for (unsigned int i = 0; i < TOTAL; i++) {
		ASSERT_EQ(1, self->seen[i]);
	}
	TH_LOG("%u completions in %u wakeups, %llu ms", reaped, wakeups,
	       (unsigned long long)iou_ms_since(start));
}

TEST_HARNESS_MAIN
