/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the timeout and linked-timeout tests (tests/timeout/), also
 * used by the cancellation tests (tests/cancel/):
 *
 *  - probes that tell whether this kernel accepts a timeout flag, a
 *    TIMEOUT_REMOVE update mode or an ASYNC_CANCEL flag (each appeared in
 *    a different release, and an unknown one is refused with -EINVAL),
 *    with REQUIRE_* macros that turn a missing one into a SKIP;
 *  - absolute deadlines on a chosen clock;
 *  - checking a CQE by user_data (found with the suite's iou_cqe_index())
 *    where the kernel does not define the order in which several
 *    requests complete.
 */
#ifndef IOU_TIMEOUT_H
#define IOU_TIMEOUT_H

#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "iou.h"

/*
 * A timer may fire late (never early) on a loaded machine: lower bounds
 * on elapsed time are exact (minus 1 ms for millisecond truncation),
 * upper bounds allow this much lateness.
 */
#define IOU_TIMER_LATE_MS	1500

/* ---- probes ------------------------------------------------------ */

/* user_data no probe or test request uses */
#define IOU_PROBE_NO_SUCH_UD	0x7e57dead0000ULL

/* run one request on a scratch ring; its CQE res, or 1 if none came */
static inline int iou_probe_one(void (*prep)(struct io_uring_sqe *, unsigned int, int),
				unsigned int flags, int fd)
{
	struct iou_ring r;
	struct iou_cqe cqe;
	int res = 1;

	if (iou_ring_init(&r, 4, 0))
		return 1;
	prep(iou_get_sqe(&r), flags, fd);
	if (iou_submit(&r) == 1 && iou_reap(&r, &cqe, 1, 1000) == 1)
		res = cqe.res;
	iou_ring_exit(&r);
	return res;
}

static inline void __iou_probe_timeout(struct io_uring_sqe *sqe, unsigned int flags, int fd)
{
	/* a static zero timespec: read at submission, expires at once */
	static const struct __kernel_timespec zero;

	/* a multishot probe needs a repeat count to end by itself */
	iou_prep_timeout(sqe, &zero, (flags & IORING_TIMEOUT_MULTISHOT) ? 1 : 0, flags);
	(void)fd;
}

static inline void __iou_probe_update(struct io_uring_sqe *sqe, unsigned int flags, int fd)
{
	static const struct __kernel_timespec zero;

	iou_prep_timeout_update(sqe, &zero, IOU_PROBE_NO_SUCH_UD, flags);
	(void)fd;
}

static inline void __iou_probe_cancel(struct io_uring_sqe *sqe, unsigned int flags, int fd)
{
	iou_prep_cancel(sqe, IOU_PROBE_NO_SUCH_UD, flags);
	sqe->fd = fd;
}

/* IORING_OP_TIMEOUT accepts these timeout_flags */
static inline bool iou_timeout_flags_supported(unsigned int flags)
{
	return iou_probe_one(__iou_probe_timeout, flags, -1) != -EINVAL;
}

/* IORING_OP_TIMEOUT_REMOVE accepts these (update) timeout_flags */
static inline bool iou_timeout_update_supported(unsigned int flags)
{
	return iou_probe_one(__iou_probe_update, flags, -1) != -EINVAL;
}

/*
 * IORING_OP_ASYNC_CANCEL accepts these cancel_flags.  This is what the
 * kernel declares it supports: a flag it accepts is one it must honour,
 * so a wrong match after an accepted flag is a kernel bug, not a missing
 * feature (Debian's 6.1.192 accepts CANCEL_USERDATA and CANCEL_OP, from
 * a partial stable backport, but poll and timeout requests ignore them;
 * see tests/known-issues).
 */
static inline bool iou_cancel_flags_supported(unsigned int flags)
{
	int fds[2], res;

	/* CANCEL_FD needs an open descriptor to get past the fd lookup */
	if (pipe(fds))
		return false;
	res = iou_probe_one(__iou_probe_cancel, flags, fds[0]);
	close(fds[0]);
	close(fds[1]);
	return res != -EINVAL;
}

#define REQUIRE_TIMEOUT_FLAGS(f) do {					\
	if (!iou_timeout_flags_supported(f))				\
		SKIP(return, "kernel lacks timeout flags %s", #f);	\
	} while (0)

#define REQUIRE_TIMEOUT_UPDATE(f) do {					\
	if (!iou_timeout_update_supported(f))				\
		SKIP(return, "kernel lacks timeout update flags %s", #f); \
	} while (0)

#define REQUIRE_CANCEL_FLAGS(f) do {					\
	if (!iou_cancel_flags_supported(f))				\
		SKIP(return, "kernel lacks cancel flags %s", #f);	\
	} while (0)

/* ---- clocks ------------------------------------------------------ */

/* now + delta_ms on clock clk, as a timespec for IORING_TIMEOUT_ABS */
static inline struct __kernel_timespec iou_clock_deadline(clockid_t clk,
							   long long delta_ms)
{
	struct timespec now;
	long long ns;
	struct __kernel_timespec ts;

	clock_gettime(clk, &now);
	ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec +
	     delta_ms * 1000000LL;
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	return ts;
}

/* ---- CQEs by user_data ------------------------------------------- */

/*
 * The CQE of user_data ud among c[0..n) has exactly this res and flags
 * (and is the only one with that user_data).
 */
#define ASSERT_CQE_UD(c, n, ud, res_, flags_) do {			\
	int __i = iou_cqe_index((c), (n), (ud));			\
	if (__i < 0)							\
		TH_LOG("no CQE with user_data %#llx",			\
		       (unsigned long long)(ud));			\
	ASSERT_LE(0, __i);						\
	ASSERT_EQ(1, iou_cqe_count((c), (n), (ud)));			\
	ASSERT_RES((res_), (c)[__i].res);				\
	ASSERT_EQ((unsigned int)(flags_), (c)[__i].flags);		\
	} while (0)

/* the CQE at position i is (ud, res, flags) */
#define ASSERT_CQE_AT(c, i, ud, res_, flags_) do {			\
	ASSERT_EQ((__u64)(ud), (c)[i].user_data);			\
	ASSERT_RES((res_), (c)[i].res);					\
	ASSERT_EQ((unsigned int)(flags_), (c)[i].flags);		\
	} while (0)

/* nothing is posted within ms milliseconds */
#define ASSERT_NO_CQE_WITHIN(ring, ms) do {				\
	struct iou_cqe __c;						\
	int __n = iou_reap((ring), &__c, 1, (ms));			\
	if (__n > 0)							\
		TH_LOG("unexpected CQE user_data %#llx res %s",		\
		       (unsigned long long)__c.user_data,		\
		       iou_res_str(__c.res));				\
	ASSERT_EQ(0, __n);						\
	} while (0)

#endif /* IOU_TIMEOUT_H */
