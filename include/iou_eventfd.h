/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the eventfd-notification tests (tests/eventfd/): creating,
 * registering and reading eventfds, bounded waits on them, and the probes
 * that say which kernel-version rule of eventfd signalling applies.
 *
 * How the kernel signals a registered eventfd, by version:
 *  - every version: a flush that posted CQEs to the CQ ring adds 1 to the
 *    counter (not one per CQE); EVENTFD_ASYNC registrations only count
 *    flushes made by an io-wq worker; IORING_CQ_EVENTFD_DISABLED (5.8)
 *    suppresses the signal.
 *  - 5.x: each posting site decided whether it had posted; some flushes
 *    that put nothing into the CQ ring could still signal (CQE_SKIP_SUCCESS
 *    completions, CQEs parked on the overflow list), and inline
 *    completions were flushed in batches of at most 32 (5.15).
 *  - 6.0+ (305bef988708 "io_uring: hide eventfd assumptions in evenfd
 *    paths"): a flush signals only if the CQ tail moved since the last
 *    signal, so "signalled" means exactly "a CQE reached the CQ ring", and
 *    a whole io_uring_enter() batch of inline completions is one flush.
 *  - 6.1+ DEFER_TASKRUN (21a091b970cd "io_uring: signal registered eventfd
 *    to process deferred task work"): queueing deferred task work onto an
 *    empty list signals too, before any CQE exists, so a task sleeping on
 *    the eventfd wakes up to run io_uring_enter(GETEVENTS).
 */
#ifndef IOU_EVENTFD_H
#define IOU_EVENTFD_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "iou_abi.h"
#include "iou_harness.h"
#include "iou_ring.h"
#include "iou_checks.h"

/* A non-blocking, close-on-exec eventfd with counter 0 (or -errno). */
static inline int iou_evfd_create(int extra_flags)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | extra_flags);

	return fd < 0 ? -errno : fd;
}

/* IORING_REGISTER_EVENTFD(_ASYNC) of efd on r: 0 or -errno */
static inline int iou_evfd_register(struct iou_ring *r, int efd, bool async)
{
	__s32 fd = efd;

	return iou_register(r, async ? IORING_REGISTER_EVENTFD_ASYNC :
			    IORING_REGISTER_EVENTFD, &fd, 1);
}

static inline int iou_evfd_unregister(struct iou_ring *r)
{
	return iou_register(r, IORING_UNREGISTER_EVENTFD, NULL, 0);
}

/*
 * Wait up to timeout_ms for efd to be readable: 1 if it is, 0 if the time
 * ran out, -errno if poll failed.
 */
static inline int iou_evfd_wait(int efd, unsigned int timeout_ms)
{
	uint64_t deadline = iou_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	struct pollfd p = { .fd = efd, .events = POLLIN };

	for (;;) {
		uint64_t now = iou_now_ns();
		int left = now >= deadline ? 0 :
			   (int)((deadline - now + 999999) / 1000000);
		int ret = poll(&p, 1, left);

		if (ret > 0)
			return 1;
		if (ret == 0 && left == 0)
			return 0;
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * The counter now, resetting it to 0: 0 if it is 0 already, -errno on
 * error.  Never blocks, even on a blocking eventfd (polls first; the tests
 * have no competing reader).  Counters at or above 2^63 read as -ERANGE.
 */
static inline long long iou_evfd_take(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t v;
	int ret = poll(&p, 1, 0);

	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	if (read(efd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return errno == EAGAIN ? 0 : -errno;
	if (v > INT64_MAX)
		return -ERANGE;
	return (long long)v;
}

/* Wait (bounded) for a signal, then take the counter; 0 if none came. */
static inline long long iou_evfd_wait_take(int efd, unsigned int timeout_ms)
{
	int ret = iou_evfd_wait(efd, timeout_ms);

	if (ret <= 0)
		return ret;
	return iou_evfd_take(efd);
}

/*
 * Exact counting when signals may trail their CQEs (io-wq, SQPOLL, RCU):
 * take signals until `expected` arrived (bounded by timeout_ms), then
 * watch IOU_QUIET_MS more so that extra ones are counted too.
 * Returns the total seen, or -errno.
 */
static inline long long iou_evfd_collect(int efd, long long expected,
					 unsigned int timeout_ms)
{
	uint64_t deadline = iou_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	long long total = 0, n;

	while (total < expected) {
		uint64_t now = iou_now_ns();

		if (now >= deadline)
			break;
		n = iou_evfd_wait_take(efd, (unsigned int)((deadline - now) / 1000000) + 1);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		total += n;
	}
	n = iou_evfd_wait_take(efd, IOU_QUIET_MS);
	if (n < 0)
		return n;
	return total + n;
}

/* Add v to the counter from userspace (0 or -errno). */
static inline int iou_evfd_add(int efd, uint64_t v)
{
	return write(efd, &v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : -errno;
}

/* ---- which rule applies (see the top of this file) ------------------- */

/*
 * 6.0+ (305bef988708): signalled iff the CQ tail moved; one flush per
 * enter batch.  No flag marks it: decided by the kernel release.
 */
static inline bool iou_evfd_tail_rule(void)
{
	return iou_kernel_version() >= IOU_KVER(6, 0, 0);
}

/*
 * 5.18+: (un)registering an eventfd no longer quiesces the ring
 * (77bc59b49817 "io_uring: avoid ring quiesce while registering/
 * unregistering eventfd"), so it may be done with requests in flight;
 * before, it waited for every request to finish.  By the kernel release
 * (Debian's 5.10.y carries the 5.15 code: it quiesces).
 */
static inline bool iou_evfd_registers_without_quiesce(void)
{
	return iou_kernel_version() >= IOU_KVER(5, 18, 0);
}

/* The CQ ring has a flags word (5.8+), where EVENTFD_DISABLED lives. */
static inline bool iou_evfd_has_cq_flags(const struct iou_ring *r)
{
	return r->cq_kflags != NULL;
}

static inline void iou_evfd_set_disabled(struct iou_ring *r, bool disabled)
{
	unsigned int f = iou_read_once(r->cq_kflags);

	if (disabled)
		f |= IORING_CQ_EVENTFD_DISABLED;
	else
		f &= ~IORING_CQ_EVENTFD_DISABLED;
	/* the kernel reads it with READ_ONCE on every signal */
	iou_store_release(r->cq_kflags, f);
}

/* Queue one NOP (with sqe_flags, e.g. IOSQE_ASYNC) and submit it. */
static inline int iou_evfd_submit_nop(struct iou_ring *r, __u64 user_data,
				      unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	if (!sqe)
		return -EBUSY;
	iou_prep_nop(sqe, user_data);
	sqe->flags = (__u8)sqe_flags;
	return iou_submit(r);
}

/* Run pending task work (DEFER_TASKRUN) and flush overflow: enter(GETEVENTS, 0). */
static inline int iou_evfd_getevents(struct iou_ring *r)
{
	return iou_enter(r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
}

/*
 * The fixtures most eventfd programs share hold a ring r, an eventfd efd
 * and a non-blocking pipe pfd whose empty read end keeps polls pending.
 * IOU_EVFD_FIXTURE_CLEAR marks all three closed first, so that the
 * teardown (IOU_EVFD_FIXTURE_CLOSE) closes whatever a failed setup
 * reached; IOU_EVFD_FIXTURE_OPEN takes the eventfd created by efd_expr
 * and makes the pipe, once the ring is set up.
 */
#define IOU_EVFD_FIXTURE_CLEAR(self) do {				\
	(self)->r.fd = -1;						\
	(self)->efd = (self)->pfd[0] = (self)->pfd[1] = -1;		\
	} while (0)

#define IOU_EVFD_FIXTURE_OPEN(self, efd_expr) do {			\
	(self)->efd = (efd_expr);					\
	ASSERT_LE(0, (self)->efd);					\
	ASSERT_SYSOK(pipe2((self)->pfd, O_CLOEXEC | O_NONBLOCK));	\
	} while (0)

#define IOU_EVFD_FIXTURE_CLOSE(self) do {				\
	if ((self)->r.fd >= 0)						\
		iou_ring_exit(&(self)->r);				\
	if ((self)->efd >= 0)						\
		close((self)->efd);					\
	if ((self)->pfd[0] >= 0) {					\
		close((self)->pfd[0]);					\
		close((self)->pfd[1]);					\
	}								\
	} while (0)

#endif /* IOU_EVENTFD_H */
