/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the request-dependency tests (tests/link, tests/drain):
 * requests that fail deterministically at execution time, probes for the
 * features those tests gate on (timeout flags are probed with
 * iou_timeout.h), and checks of CQE sequences that log the whole sequence
 * seen when one entry differs.
 *
 * Everything is static inline: each test program is one translation unit.
 */
#ifndef IOU_LINK_H
#define IOU_LINK_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "iou.h"

/* Window in which a CQE that must not come is waited for (ms). */
#define IOU_LINK_QUIET_MS	50

/*
 * A user_data no test gives to a request: an ASYNC_CANCEL aimed at it
 * finds nothing and completes with -ENOENT.
 */
#define IOU_LINK_NOBODY		0x6e6f2d6f6e65ULL

/*
 * A request that fails when it is *executed*, on every kernel since 5.5:
 * cancelling a request that does not exist completes with -ENOENT and,
 * being a negative result, breaks a link chain.  Unlike an SQE with a bad
 * field, it passes submission, so the chain is assembled and started.
 */
static inline void iou_prep_fail_enoent(struct io_uring_sqe *sqe, __u64 ud)
{
	iou_prep_cancel(sqe, IOU_LINK_NOBODY, 0);
	sqe->user_data = ud;
}

/* queue a request that fails with -ENOENT, with these IOSQE_* flags */
static inline void iou_queue_fail(struct iou_ring *r, __u64 ud, unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_fail_enoent(sqe, ud);
	sqe->flags = (__u8)sqe_flags;
}

/* NOP completing with res (IORING_NOP_INJECT_RESULT, 6.10) */
static inline void iou_prep_nop_inject(struct io_uring_sqe *sqe, __u64 ud, int res)
{
	iou_prep_nop(sqe, ud);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = (__u32)res;
}


/*
 * Multishot poll (5.13): armed on a readable eventfd, the first CQE
 * carries IORING_CQE_F_MORE.  Older kernels refuse len != 0 (-EINVAL).
 */
static inline bool iou_poll_multishot_supported(void)
{
	static int known = -1;
	struct iou_ring r;
	struct iou_cqe cqe;
	int efd;

	if (known >= 0)
		return known;
	known = 0;
	efd = eventfd(1, EFD_CLOEXEC);
	if (efd < 0)
		return false;
	if (iou_ring_init(&r, 4, 0) == 0) {
		struct io_uring_sqe *sqe = iou_get_sqe(&r);

		iou_prep_poll_multishot(sqe, efd, POLLIN);
		sqe->user_data = 7;
		if (iou_submit(&r) >= 1 && iou_reap(&r, &cqe, 1, IOU_WAIT_MS) == 1 &&
		    cqe.user_data == 7 && (cqe.flags & IORING_CQE_F_MORE))
			known = 1;
		iou_ring_exit(&r);
	}
	close(efd);
	return known;
}

/* IORING_REGISTER_SYNC_CANCEL (6.0) of user_data ud, without a timeout */
static inline int iou_link_sync_cancel(struct iou_ring *r, __u64 ud)
{
	struct io_uring_sync_cancel_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.addr = ud;
	reg.fd = -1;
	reg.timeout.tv_sec = -1;	/* no timeout */
	reg.timeout.tv_nsec = -1;
	return iou_register(r, IORING_REGISTER_SYNC_CANCEL, &reg, 1);
}

/*
 * Requests submitted after a drained request start only once it has
 * *completed* (as io_uring_enter(2) documents) since 6.16, when drain was
 * reworked to count allocated requests ("io_uring: drain based on
 * allocates reqs").  Before, they started as soon as the drained request
 * had *started*.  No feature flag marks the change; IORING_OP_PIPE came
 * in the same release, so its presence stands for it.
 */
static inline bool iou_drain_holds_later_until_done(void)
{
	return iou_opcode_supported(IORING_OP_PIPE);
}

#define REQUIRE_DRAIN_HOLDS_LATER_UNTIL_DONE() do {			\
	if (!iou_drain_holds_later_until_done())			\
		SKIP(return, "kernel before 6.16 (no IORING_OP_PIPE) starts requests after a drain once it started"); \
	} while (0)

/* ---- CQE sequence checks --------------------------------------------- */

struct iou_exp {
	__u64		ud;
	int		res;
	unsigned int	flags;
};

/* one expected CQE: user_data, res and (IOU_CQE_F) flags */
#define IOU_CQE(ud, res)		{ (ud), (res), 0 }
#define IOU_CQE_F(ud, res, flags)	{ (ud), (res), (flags) }

static inline void iou_link_log_cqes(struct __test_metadata *_metadata,
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
			snprintf(g, sizeof(g), "ud %llu res %s flags 0x%x",
				 (unsigned long long)got[i].user_data,
				 iou_res_str(got[i].res), got[i].flags);
		if (i < n_exp)
			snprintf(e, sizeof(e), "ud %llu res %s flags 0x%x",
				 (unsigned long long)exp[i].ud,
				 iou_res_str(exp[i].res), exp[i].flags);
		fprintf(TH_LOG_STREAM, "#   [%u] seen %-40s expected %s\n", i, g, e);
	}
}

/*
 * Reap n CQEs (each within IOU_WAIT_MS) and require them to be exactly
 * exp[], in that order.
 */
static inline void iou_link_expect(struct __test_metadata *_metadata,
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
		iou_link_log_cqes(_metadata, file, line, got, nr > 0 ? (unsigned int)nr : 0,
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
	iou_link_expect(_metadata, (r), __iou_exp,			\
			sizeof(__iou_exp) / sizeof(__iou_exp[0]),	\
			__FILE__, __LINE__);				\
	} while (0)

/*
 * Reap n CQEs in whatever order they come (requests of different chains
 * are not ordered against each other) and require each of exp[] exactly
 * once; pos[i] receives the arrival index of exp[i], so a case can still
 * check the order *within* a chain.
 */
static inline void iou_link_expect_set(struct __test_metadata *_metadata,
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
		       got[pos[i]].flags == exp[i].flags;
	}
	if (!same)
		iou_link_log_cqes(_metadata, file, line, got, nr > 0 ? (unsigned int)nr : 0,
				  exp, n);
	ASSERT_EQ((int)n, nr);
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_NE(~0u, pos[i]);
		ASSERT_RES(exp[i].res, got[pos[i]].res);
		ASSERT_EQ(exp[i].flags, got[pos[i]].flags);
	}
}

#define IOU_EXPECT_CQE_SET(r, pos, ...) do {				\
	const struct iou_exp __iou_exp[] = { __VA_ARGS__ };		\
	iou_link_expect_set(_metadata, (r), __iou_exp,			\
			    sizeof(__iou_exp) / sizeof(__iou_exp[0]),	\
			    (pos), __FILE__, __LINE__);			\
	} while (0)

/* No CQE may arrive within ms (a bounded wait, so the case cannot hang). */
static inline void iou_link_expect_none(struct __test_metadata *_metadata,
					struct iou_ring *r, unsigned int ms,
					const char *file, int line)
{
	struct io_uring_cqe *cqe;
	int ret = iou_wait_cqe_timeout(r, &cqe, ms);

	if (ret == 0)
		fprintf(TH_LOG_STREAM,
			"# %s:%d:%s: unexpected CQE ud %llu res %s flags 0x%x\n",
			file, line, _metadata->name,
			(unsigned long long)cqe->user_data, iou_res_str(cqe->res),
			cqe->flags);
	ASSERT_RES(-ETIME, ret);
}

#define IOU_EXPECT_NO_CQE(r, ms) \
	iou_link_expect_none(_metadata, (r), (ms), __FILE__, __LINE__)

/* ---- rings and descriptors ------------------------------------------ */

/*
 * Set up ring r with flags, or SKIP the case naming the first flag the
 * kernel lacks.  SQPOLL rings here use ordinary (not registered) files,
 * which needs IORING_FEAT_SQPOLL_NONFIXED (5.11).
 */
#define IOU_LINK_RING(r, entries, flags) do {				\
	unsigned int __f = (flags);					\
	REQUIRE_SETUP_FLAGS(__f);					\
	if ((__f & IORING_SETUP_SQPOLL) &&				\
	    !(iou_features() & IORING_FEAT_SQPOLL_NONFIXED))		\
		SKIP(return, "kernel lacks feature IORING_FEAT_SQPOLL_NONFIXED"); \
	ASSERT_EQ(0, iou_ring_init((r), (entries), __f));		\
	} while (0)

/* pipe with both ends close-on-exec; ASSERTs on failure */
#define IOU_LINK_PIPE(fds) ASSERT_SYSOK(pipe2((fds), O_CLOEXEC))

/* true if fd has nothing to read right now (a non-blocking probe) */
static inline bool iou_link_fd_empty(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

#endif /* IOU_LINK_H */
