/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite's shared vocabulary of checks and waits, one helper per
 * concept:
 *
 *  - CQEs: exact sequences (IOU_EXPECT_CQES), sets in any order
 *    (IOU_EXPECT_CQE_SET), one CQE by user_data or position
 *    (ASSERT_CQE_UD, ASSERT_CQE_AT), "nothing arrives" (ASSERT_NO_CQE),
 *    sorting by user_data;
 *  - time: the quiet window and timer lateness, both scaled by the
 *    harness's timeout scale; absolute deadlines on a clock;
 *  - completions that come later without a TIMEOUT request (a timerfd);
 *  - waits with IORING_ENTER_EXT_ARG; a ring used through its registered
 *    index proving it;
 *  - synchronous cancellation (IORING_REGISTER_SYNC_CANCEL);
 *  - tasks and threads seen through /proc: io_uring's own threads
 *    (iou-sqp-*, iou-wrk-*), a task's state and the system call it sleeps in;
 *  - -errno wrappers of the raw system calls and of small descriptor
 *    checks.
 *
 * Everything is static inline: each test program is one translation unit.
 */
#ifndef IOU_CHECKS_H
#define IOU_CHECKS_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "iou_kselftest_harness.h"
#include "iou_abi.h"
#include "iou_ring.h"
#include "iou_harness.h"
#include "iou_modes.h"

/* ---- time --------------------------------------------------------------- */

/*
 * How long "nothing arrives" is watched for: a CQE or signal that was
 * going to come would have come by then on an idle machine many times
 * over; stretched by the timeout scale on a slow or loaded one.
 */
#define IOU_QUIET_MS		iou_scaled_ms(50)

/*
 * A timer may fire late (never early) on a loaded machine: lower bounds
 * on elapsed time are exact (minus 1 ms for millisecond truncation),
 * upper bounds allow this much lateness.
 */
#define IOU_TIMER_LATE_MS	iou_scaled_ms(1500)

/*
 * The bound on waiting for something that must happen but whose speed
 * the test does not judge (a teardown, a blocked request's completion):
 * the case's own timeout, scaled, less a margin left for the report.  It
 * is reached only when the thing never happens.
 */
#define IOU_EVENT_MS		iou_scaled_ms((TEST_TIMEOUT_DEFAULT - 5) * 1000)

/* now + delta_ms on clock clk, as a timespec for absolute deadlines */
static inline struct __kernel_timespec iou_clock_deadline(clockid_t clk,
							   long long delta_ms)
{
	struct timespec now;
	long long ns;
	struct __kernel_timespec ts;

	clock_gettime(clk, &now);
	ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec + delta_ms * 1000000LL;
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	return ts;
}

/* ---- CQEs ------------------------------------------------------------------ */

struct iou_exp {
	__u64		ud;
	int		res;
	unsigned int	flags;
};

/*
 * user_data keys that differ only above bit 31 (their low 32 bits are
 * the same): where user_data names a request (cancel, timeout remove and
 * update, sync cancel), a kernel comparing fewer bits takes one for another.
 */
#define IOU_UD_HIGH(n)		(((__u64)(n) << 32) | 0x7eedULL)

/* one expected CQE: user_data, res and (IOU_CQE_F) flags */
#define IOU_CQE(ud, res)		{ (ud), (res), 0 }
#define IOU_CQE_F(ud, res, flags)	{ (ud), (res), (flags) }

static inline void iou_log_cqes(struct __test_metadata *_metadata,
				const char *file, int line,
				const struct iou_cqe *got, unsigned int n_got,
				const struct iou_exp *exp, unsigned int n_exp)
{
	unsigned int n = n_got > n_exp ? n_got : n_exp;

	fprintf(TH_LOG_STREAM, "# %s:%d:%s: CQEs seen (%u) vs expected (%u):\n",
		file, line, _metadata->name, n_got, n_exp);
	for (unsigned int i = 0; i < n; i++) {
		char g[96] = "-", e[96] = "-";

		if (i < n_got)
			snprintf(g, sizeof(g), "ud %#llx res %s flags 0x%x",
				 (unsigned long long)got[i].user_data,
				 iou_res_str(got[i].res), got[i].flags);
		if (i < n_exp)
			snprintf(e, sizeof(e), "ud %#llx res %s flags 0x%x",
				 (unsigned long long)exp[i].ud,
				 iou_res_str(exp[i].res), exp[i].flags);
		fprintf(TH_LOG_STREAM, "#   [%u] seen %-44s expected %s\n", i, g, e);
	}
}

/* reap n CQEs (within IOU_WAIT_MS) and require exactly exp[], in order */
static inline void iou_expect_cqes(struct __test_metadata *_metadata,
				   struct iou_ring *r, const struct iou_exp *exp,
				   unsigned int n, const char *file, int line)
{
	struct iou_cqe got[n ? n : 1];
	int nr = iou_reap(r, got, n, IOU_WAIT_MS);
	bool same = nr == (int)n;

	for (unsigned int i = 0; same && i < n; i++)
		same = got[i].user_data == exp[i].ud && got[i].res == exp[i].res &&
		       got[i].flags == exp[i].flags;
	if (!same)
		iou_log_cqes(_metadata, file, line, got, nr > 0 ? (unsigned int)nr : 0,
			     exp, n);
	ASSERT_EQ((int)n, nr);
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_EQ(exp[i].ud, got[i].user_data);
		ASSERT_RES(exp[i].res, got[i].res);
		ASSERT_EQ(exp[i].flags, got[i].flags);
	}
}

/* IOU_EXPECT_CQES(&ring, IOU_CQE(ud, res), ...): exactly these, in this order */
#define IOU_EXPECT_CQES(r, ...) do {					\
	const struct iou_exp __iou_exp[] = { __VA_ARGS__ };		\
	iou_expect_cqes(_metadata, (r), __iou_exp,			\
			sizeof(__iou_exp) / sizeof(__iou_exp[0]),	\
			__FILE__, __LINE__);				\
	} while (0)

/*
 * Reap n CQEs in whatever order they come (requests of different chains
 * are not ordered against each other) and require each of exp[] exactly
 * once; pos[i] receives the arrival index of exp[i], so a case can still
 * check the order within a chain.
 */
static inline void iou_expect_cqe_set(struct __test_metadata *_metadata,
				      struct iou_ring *r, const struct iou_exp *exp,
				      unsigned int n, unsigned int *pos,
				      const char *file, int line)
{
	struct iou_cqe got[n ? n : 1];
	int nr = iou_reap(r, got, n, IOU_WAIT_MS);
	bool same = nr == (int)n;

	for (unsigned int i = 0; i < n; i++)
		pos[i] = ~0u;
	for (unsigned int i = 0; same && i < n; i++) {
		for (unsigned int j = 0; j < n; j++)
			if (got[j].user_data == exp[i].ud)
				pos[i] = j;
		same = pos[i] != ~0u && got[pos[i]].res == exp[i].res &&
		       got[pos[i]].flags == exp[i].flags &&
		       iou_cqe_count(got, (int)n, exp[i].ud) == 1;
	}
	if (!same)
		iou_log_cqes(_metadata, file, line, got, nr > 0 ? (unsigned int)nr : 0,
			     exp, n);
	ASSERT_EQ((int)n, nr);
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_NE(~0u, pos[i]);
		ASSERT_EQ(1, iou_cqe_count(got, (int)n, exp[i].ud));
		ASSERT_RES(exp[i].res, got[pos[i]].res);
		ASSERT_EQ(exp[i].flags, got[pos[i]].flags);
	}
}

#define IOU_EXPECT_CQE_SET(r, pos, ...) do {				\
	const struct iou_exp __iou_exp[] = { __VA_ARGS__ };		\
	iou_expect_cqe_set(_metadata, (r), __iou_exp,			\
			   sizeof(__iou_exp) / sizeof(__iou_exp[0]),	\
			   (pos), __FILE__, __LINE__);			\
	} while (0)

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

/*
 * Watch the CQ ring for ms: how many CQEs arrived (consumed, the first
 * copied to *first if not NULL), 0 if it stayed quiet.
 */
static inline int iou_reap_quiet(struct iou_ring *r, unsigned int ms,
				 struct iou_cqe *first)
{
	struct io_uring_cqe *cqe;
	int n = 0;

	while (iou_wait_cqe_timeout(r, &cqe, n ? 0 : ms) == 0) {
		if (first && n == 0)
			iou_cqe_copy(r, first, cqe);
		iou_cqe_seen(r, cqe);
		n++;
	}
	return n;
}

/* no CQE arrives within ms (IOU_QUIET_MS, usually): a bounded watch */
#define ASSERT_NO_CQE(ring, ms) do {					\
	struct iou_cqe __c;						\
	int __n = iou_reap_quiet((ring), (ms), &__c);			\
	if (__n > 0)							\
		TH_LOG("unexpected CQE user_data %#llx res %s flags 0x%x (%d in all)", \
		       (unsigned long long)__c.user_data,		\
		       iou_res_str(__c.res), __c.flags, __n);		\
	ASSERT_EQ(0, __n);						\
	} while (0)

/*
 * Sort reaped CQEs by user_data, for cases that care which CQEs came and
 * not in which order: completions of different requests are not ordered
 * (a request that fails before issue posts its CQE at once on 5.10 and
 * 6.1, ahead of inline completions flushed at the end of the batch).
 */
static inline void iou_cqe_sort(struct iou_cqe *c, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		struct iou_cqe x = c[i];
		unsigned int j = i;

		while (j > 0 && c[j - 1].user_data > x.user_data) {
			c[j] = c[j - 1];
			j--;
		}
		c[j] = x;
	}
}

/* Submit one prepared SQE and reap its CQE: its res, or INT32_MIN if none came. */
static inline int iou_run_one(struct iou_ring *r, struct iou_cqe *cqe)
{
	struct iou_cqe tmp;

	if (!cqe)
		cqe = &tmp;
	if (iou_submit_reap(r, cqe, 1) != 1)
		return INT32_MIN;
	return cqe->res;
}

/* ---- completions that come later ------------------------------------------- */

/*
 * A CLOCK_MONOTONIC timerfd that expires once, ms from now (fd or
 * -errno): a POLL_ADD on it completes later without an IORING_OP_TIMEOUT,
 * whose expiry would end every GETEVENTS wait by itself.
 */
static inline int iou_timerfd_ms(unsigned int ms)
{
	struct itimerspec it;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd < 0)
		return -errno;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	if (!ms)
		it.it_value.tv_nsec = 1;	/* 0 would disarm it */
	if (timerfd_settime(fd, 0, &it, NULL)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* ---- waits with IORING_ENTER_EXT_ARG ----------------------------------------- */

#define IOU_GETEVENTS_EXT	(IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG)

/* an EXT_ARG argument; ts and mask may be NULL */
static inline struct io_uring_getevents_arg
iou_getevents_arg(const struct __kernel_timespec *ts, const sigset_t *mask,
		  unsigned int min_wait_usec)
{
	struct io_uring_getevents_arg a;

	memset(&a, 0, sizeof(a));
	a.ts = (__u64)(uintptr_t)ts;
	a.sigmask = (__u64)(uintptr_t)mask;
	a.sigmask_sz = mask ? IOU_NSIG_BYTES : 0;
	a.min_wait_usec = min_wait_usec;
	return a;
}

/*
 * io_uring_enter(to_submit, min_complete, GETEVENTS | EXT_ARG | extra)
 * with a relative timeout of ms milliseconds: the result or -errno.
 */
static inline int iou_wait_ext_ms(struct iou_ring *r, unsigned int to_submit,
				  unsigned int min_complete, unsigned int extra,
				  unsigned int ms)
{
	struct __kernel_timespec ts = iou_ts_ms(ms);
	struct io_uring_getevents_arg a = iou_getevents_arg(&ts, NULL, 0);

	return iou_enter(r, to_submit, min_complete, IOU_GETEVENTS_EXT | extra,
			 &a, sizeof(a));
}

/* ---- a ring used through its registered index ------------------------------ */

/*
 * A ring set up with iou_ring_opts.register_ring_fd proves that its
 * system calls go through the registered-ring table: io_uring_enter (and,
 * where the ring uses it, io_uring_register) succeeds on the index with
 * the flag, while the index as a plain descriptor is not this ring.  0,
 * or -1 with why filled in.
 */
static inline int iou_prove_ring_index(const struct iou_ring *r, char *why, size_t len)
{
	unsigned char probe[sizeof(struct io_uring_probe) + 8 * sizeof(struct io_uring_probe_op)];
	struct stat idx, ring;
	int ret;

	if (!(r->enter_flags & IORING_ENTER_REGISTERED_RING) || r->enter_fd == r->fd) {
		snprintf(why, len, "the ring is not entered through a registered index");
		return -1;
	}
	ret = sys_io_uring_enter(r->enter_fd, 0, 0, r->enter_flags, NULL, 0);
	if (ret) {
		snprintf(why, len, "io_uring_enter on registered index %d: %s",
			 r->enter_fd, ret < 0 ? iou_errno_name(errno) : "not 0");
		return -1;
	}
	if (r->register_flags) {
		memset(probe, 0, sizeof(probe));
		ret = sys_io_uring_register(r->enter_fd, IORING_REGISTER_PROBE | r->register_flags,
					    probe, 8);
		if (ret) {
			snprintf(why, len, "io_uring_register(PROBE) on registered index %d: %s",
				 r->enter_fd, ret < 0 ? iou_errno_name(errno) : "not 0");
			return -1;
		}
	}
	/* the number as a descriptor: none, or another file than the ring */
	if (fstat(r->enter_fd, &idx) == 0 && fstat(r->fd, &ring) == 0 &&
	    idx.st_dev == ring.st_dev && idx.st_ino == ring.st_ino)
		return 0;	/* cannot be told apart; the flag above worked */
	ret = sys_io_uring_enter(r->enter_fd, 0, 0, 0, NULL, 0);
	if (ret >= 0) {
		snprintf(why, len, "index %d entered as a plain descriptor succeeded: the index is not what was used",
			 r->enter_fd);
		return -1;
	}
	return 0;
}

/* the ring's calls go through its registered index (a variant's proof) */
#define ASSERT_RING_INDEX_USED(r) do {					\
	char __rwhy[200];						\
	int __rp = iou_prove_ring_index((r), __rwhy, sizeof(__rwhy));	\
	if (__rp)							\
		TH_LOG("%s", __rwhy);					\
	ASSERT_EQ(0, __rp);						\
	} while (0)

/*
 * A ring of a mode's setup flags built otherwise than by
 * IOU_RING_INIT_MODE() (other params, say) proves the mode took effect.
 */
#define ASSERT_MODE_PROVEN(r) do {					\
	char __mwhy[256];						\
	int __mp = iou_prove_mode((r), __mwhy, sizeof(__mwhy));		\
	if (__mp)							\
		TH_LOG("%s", __mwhy);					\
	ASSERT_EQ(0, __mp);						\
	} while (0)

/* ---- synchronous cancellation --------------------------------------------------- */

/* a sync-cancel argument that waits without a time limit */
static inline struct io_uring_sync_cancel_reg iou_sync_cancel_arg(__u64 addr,
								   unsigned int flags)
{
	struct io_uring_sync_cancel_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.addr = addr;
	reg.flags = flags;
	reg.fd = -1;
	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	return reg;
}

/* IORING_REGISTER_SYNC_CANCEL (6.0): 0, a count, or -errno */
static inline int iou_sync_cancel(struct iou_ring *r,
				  struct io_uring_sync_cancel_reg *reg)
{
	return iou_register(r, IORING_REGISTER_SYNC_CANCEL, reg, 1);
}

/* sync-cancel the request of user_data ud, without a time limit */
static inline int iou_sync_cancel_ud(struct iou_ring *r, __u64 ud)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(ud, 0);

	return iou_sync_cancel(r, &reg);
}

/* ---- tasks and threads seen through /proc ------------------------------------------ */

/*
 * Wait (bounded) until exactly n threads of this process have a comm that
 * starts with prefix (iou_threads()): a new thread names itself only once
 * it runs and an exiting one lingers a little.  The last count seen.
 */
static inline int iou_wait_threads(const char *prefix, int n, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();
	int seen = iou_threads(prefix, NULL, 0);

	while (seen != n && iou_ms_since(start) < timeout_ms) {
		usleep(1000);
		seen = iou_threads(prefix, NULL, 0);
	}
	return seen;
}

/*
 * Wait (bounded) until at least nr io-wq workers ("iou-wrk-<tid>") of
 * this process exist: the count, up to max of their tids in tids (may be
 * NULL).
 */
static inline int iou_wait_iowq_workers(int nr, int *tids, int max,
					unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();
	int n;

	while ((n = iou_threads("iou-wrk-", tids, max)) < nr &&
	       iou_ms_since(start) < timeout_ms)
		usleep(1000);
	return n;
}

/*
 * Field 3 (state) and field 39 (last CPU) of /proc/<tid>/stat of a
 * thread of any process; 0 or -errno.
 */
static inline int iou_task_stat(int tid, char *state, int *cpu)
{
	char path[64], buf[1024], *p;
	ssize_t len;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	len = iou_read_file(path, buf, sizeof(buf));
	if (len < 0)
		return (int)len;
	if (len == 0)
		return -EIO;
	/* comm may contain spaces: fields are counted after its ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EIO;
	p += 2;
	if (state)
		*state = *p;
	for (field = 3; field < 39 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -EIO;
	if (cpu)
		*cpu = atoi(p);
	return 0;
}

/* wait (bounded) until task tid sleeps (state S or D); true if it did */
static inline bool iou_wait_task_sleeping(int tid, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();

	do {
		char st = 0;

		if (!iou_task_stat(tid, &st, NULL) && (st == 'S' || st == 'D'))
			return true;
		usleep(1000);
	} while (iou_ms_since(start) < timeout_ms);
	return false;
}

/*
 * Is task tid (of any process) asleep inside system call nr?  Its state
 * (S or D) and the first field of /proc/<tid>/syscall.
 */
static inline bool iou_task_sleeps_in(int tid, long nr)
{
	char path[64], buf[512];
	char st = 0;

	if (iou_task_stat(tid, &st, NULL) || (st != 'S' && st != 'D'))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	if (iou_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	return buf[0] >= '0' && buf[0] <= '9' && strtol(buf, NULL, 10) == nr;
}

/* wait (bounded) until task tid sleeps inside system call nr; true if it did */
static inline bool iou_wait_sleeps_in(int tid, long nr, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();

	while (!iou_task_sleeps_in(tid, nr)) {
		if (iou_ms_since(start) > timeout_ms)
			return false;
		usleep(1000);
	}
	return true;
}

/* ---- -errno wrappers and descriptors ------------------------------------------------ */

/* io_uring_setup(): the fd (or registered index) or -errno */
static inline int iou_setup_fd(unsigned int entries, struct io_uring_params *p)
{
	int ret = sys_io_uring_setup(entries, p);

	return ret < 0 ? -errno : ret;
}

/* setup with zeroed params but for flags, then close: 0 or -errno */
static inline int iou_setup_try(unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	fd = iou_setup_fd(entries, &p);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* the lowest free descriptor number: what the next open() would get */
static inline int iou_lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* fd has nothing to read right now (a non-blocking look) */
static inline bool iou_fd_empty(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

/*
 * Is the read end of the pipe whose write end is wfd still referenced by
 * anyone?  A write end reports POLLERR once no reader is left.
 */
static inline bool iou_pipe_reader_held(int wfd)
{
	struct pollfd pfd = { .fd = wfd, .events = POLLOUT };

	return poll(&pfd, 1, 0) == 1 && !(pfd.revents & POLLERR);
}

/* wait (bounded) for the pipe's last reader to go; true if it went */
static inline bool iou_wait_pipe_reader_gone(int wfd, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();

	do {
		struct pollfd pfd = { .fd = wfd, .events = POLLOUT };

		if (poll(&pfd, 1, 5) == 1 && (pfd.revents & POLLERR))
			return true;
	} while (iou_ms_since(start) < timeout_ms);
	return false;
}

#endif /* IOU_CHECKS_H */
