/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the suite adds to the kselftest harness (harness/iou.c):
 * declared requirements that turn a missing feature into a uniform SKIP,
 * kernel capability probes, names of constants for diagnostics, scratch
 * files, privilege dropping and clocks.
 */
#ifndef IOU_HARNESS_H
#define IOU_HARNESS_H

#include <linux/capability.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/time_types.h>

struct __test_metadata;

/* The case running in this process (NULL in the harness itself). */
extern struct __test_metadata *__th_current;

/* ---- availability and probes ------------------------------------ */

/* false (and a reason) if io_uring_setup() is refused outright */
bool iou_available(char *reason, size_t len);

/* cached IORING_REGISTER_PROBE result */
bool iou_opcode_supported(int op);
/* last_op + 1 from the probe, 0 without probe support */
unsigned int iou_probe_nr_ops(void);
/* params.features of a plain ring */
unsigned int iou_features(void);
/* setup accepts flag (with the companion flags it needs) */
bool iou_setup_flag_supported(unsigned int flag);
/* a PROT_NONE page: copying from or to it fails with EFAULT */
void *iou_fault_ptr(void);
/*
 * IORING_REGISTER_QUERY (6.18) of IO_URING_QUERY_OPCODES (the numbers of
 * opcodes, the known flags) into *q, on no ring; false without it
 */
struct io_uring_query_opcode;
bool iou_query_opcodes(struct io_uring_query_opcode *q);
/* the kernel knows register opcode op */
bool iou_register_op_supported(unsigned int op);
/* IORING_NOP_INJECT_RESULT works: a NOP can complete with a chosen res */
bool iou_nop_inject_supported(void);
/* effective capability, via capget(2) */
bool iou_has_cap(int cap);
/* value of an integer sysctl under /proc/sys, or def if unreadable */
long iou_read_sysctl(const char *path, long def);

/*
 * Read a small file (/proc, /sys) into buf: at most size - 1 bytes, always
 * NUL-terminated.  The number of bytes read, or -errno if it cannot be
 * opened; a read error ends the data like end of file.
 */
ssize_t iou_read_file(const char *path, char *buf, size_t size);

/*
 * Thread ids of this process whose comm starts with prefix ("iou-sqp-",
 * "iou-wrk-"), seen through /proc/self/task; how many there are (up to
 * max stored in tids, which may be NULL), or -errno.
 */
int iou_threads(const char *prefix, int *tids, int max);

/* ---- names for diagnostics -------------------------------------- */

const char *iou_opcode_name(int op);
const char *iou_register_op_name(unsigned int op);
const char *iou_setup_flag_name(unsigned int flag);
const char *iou_feature_name(unsigned int feature);
const char *iou_errno_name(int err);
/* "-EINVAL" for negative errnos, the number otherwise (rotating buffer) */
const char *iou_res_str(int res);

/* ---- requirements ----------------------------------------------- */

/*
 * Requirements of a whole program, declared once at file scope:
 *
 *	IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FUTEX_WAIT),
 *		     .setup_flags = IORING_SETUP_DEFER_TASKRUN,
 *		     .caps = IOU_CAPS(CAP_SYS_ADMIN));
 *
 * If one is missing, every case is reported "ok N name # SKIP <reason>"
 * without running, so case names stay the same on every kernel.
 */
struct iou_requirements {
	const int *opcodes;		/* IOU_OPS(...) */
	const int *register_ops;	/* IOU_OPS(...) of IORING_REGISTER_* */
	const int *caps;		/* IOU_CAPS(...) */
	unsigned int setup_flags;
	unsigned int features;
	bool root;
};

#define IOU_OPS(...)	((const int[]){ __VA_ARGS__, -1 })
#define IOU_CAPS(...)	((const int[]){ __VA_ARGS__, -1 })

/* NULL if met, else the uniform SKIP reason */
const char *iou_requirements_unmet(const struct iou_requirements *req);
void __th_set_program_check(const char *(*fn)(void));

#define IOU_REQUIRES(...)						\
	static const struct iou_requirements __iou_program_reqs = {	\
		__VA_ARGS__						\
	};								\
	static const char *__iou_program_check(void)			\
	{								\
		return iou_requirements_unmet(&__iou_program_reqs);	\
	}								\
	static void __attribute__((constructor)) __iou_reqs_register(void) \
	{								\
		__th_set_program_check(__iou_program_check);		\
	}

/* Requirements of one case (or of a fixture, in FIXTURE_SETUP). */
#define REQUIRE_OPCODE(op) do {						\
	if (!iou_opcode_supported(op))					\
		SKIP(return, "kernel lacks opcode %s", #op);		\
	} while (0)

#define REQUIRE_SETUP_FLAG(flag) do {					\
	if (!iou_setup_flag_supported(flag))				\
		SKIP(return, "kernel lacks setup flag %s", #flag);	\
	} while (0)

/*
 * Every flag of a combination (a variant's setup flags, say), naming the
 * first one the kernel lacks.
 */
#define REQUIRE_SETUP_FLAGS(flags) do {					\
	for (unsigned int __sf = (flags); __sf; __sf &= __sf - 1)	\
		if (!iou_setup_flag_supported(__sf & -__sf))		\
			SKIP(return, "kernel lacks setup flag %s",	\
			     iou_setup_flag_name(__sf & -__sf));	\
	} while (0)

/* set up ring with these setup flags, or SKIP naming the missing one */
#define IOU_RING_INIT_OR_SKIP(ring, entries, setup_flags) do {		\
	REQUIRE_SETUP_FLAGS(setup_flags);				\
	ASSERT_EQ(0, iou_ring_init((ring), (entries), (setup_flags)));	\
	} while (0)

#define REQUIRE_FEATURE(feat) do {					\
	if (!(iou_features() & (feat)))					\
		SKIP(return, "kernel lacks feature %s", #feat);		\
	} while (0)

#define REQUIRE_REGISTER_OP(op) do {					\
	if (!iou_register_op_supported(op))				\
		SKIP(return, "kernel lacks register opcode %s", #op);	\
	} while (0)

#define REQUIRE_CAP(cap) do {						\
	if (!iou_has_cap(cap))						\
		SKIP(return, "needs %s", #cap);				\
	} while (0)

#define REQUIRE_ROOT() do {						\
	if (geteuid() != 0)						\
		SKIP(return, "needs root");				\
	} while (0)

/*
 * A ring (or ring resize) refused with ENOMEM for a caller without
 * CAP_IPC_LOCK ran out of RLIMIT_MEMLOCK: rings are charged to it since
 * 6.14, and the budget is shared by every process of the user.  That is
 * the environment's limit, not a kernel fault: skip, saying so.
 */
#define SKIP_IF_MEMLOCK_SHORT(ret) do {					\
	if ((ret) == -ENOMEM && !iou_has_cap(CAP_IPC_LOCK))		\
		SKIP(return, "RLIMIT_MEMLOCK too small for the memory "	\
		     "(no CAP_IPC_LOCK)");					\
	} while (0)

/* ---- checks with errno names in the diagnostics -------------------- */

/* call must fail with -1 and errno == err */
#define ASSERT_SYSERR(err, call) do {					\
	errno = 0;							\
	long __r = (long)(call);					\
	int __e = errno;						\
	if (__r != -1 || __e != (err))					\
		TH_LOG("%s: expected -1 %s, got %ld %s", #call,	\
		       iou_errno_name(err), __r,			\
		       __r == -1 ? iou_errno_name(__e) : "");		\
	ASSERT_EQ(-1, __r);						\
	ASSERT_EQ(err, __e);						\
	} while (0)

/* call must succeed (>= 0); evaluates to nothing, logs errno on failure */
#define ASSERT_SYSOK(call) do {						\
	errno = 0;							\
	long __r = (long)(call);					\
	int __e = errno;						\
	if (__r < 0)							\
		TH_LOG("%s: failed with %s", #call, iou_errno_name(__e)); \
	ASSERT_LE(0, __r);						\
	} while (0)

/* CQE results and -errno returns, logged by name */
#define ASSERT_RES(expected, seen) do {					\
	int __x = (expected), __s = (seen);				\
	if (__x != __s)							\
		TH_LOG("%s: got %s, expected %s", #seen,		\
		       iou_res_str(__s), iou_res_str(__x));		\
	ASSERT_EQ(__x, __s);						\
	} while (0)

#define EXPECT_RES(expected, seen) do {					\
	int __x = (expected), __s = (seen);				\
	if (__x != __s)							\
		TH_LOG("%s: got %s, expected %s", #seen,		\
		       iou_res_str(__s), iou_res_str(__x));		\
	EXPECT_EQ(__x, __s);						\
	} while (0)

/* ---- completions by user_data ---------------------------------------- */

/*
 * Where the kernel does not define the order in which several requests
 * complete, a CQE is found by its user_data among those reaped.
 */
struct iou_cqe;
/* index of the first CQE with user_data ud in c[0..n), or -1 */
int iou_cqe_index(const struct iou_cqe *c, int n, __u64 ud);
/* how many CQEs in c[0..n) carry user_data ud */
int iou_cqe_count(const struct iou_cqe *c, int n, __u64 ud);

/* ---- scratch files, processes, time --------------------------------- */

/*
 * The current case's scratch directory under $TMPDIR (created on first
 * use); the harness removes it, whatever the case did, when it ends.
 */
const char *iou_scratch_dir(void);
/* a path inside it (rotating buffer) */
const char *iou_scratch_path(const char *name);
/* create (truncate) a scratch file of size bytes filled with a pattern */
int iou_scratch_file(const char *name, size_t size, int open_flags);
/* fill / check the suite's deterministic byte pattern at file offset off */
void iou_fill_pattern(void *buf, size_t len, uint64_t off);
bool iou_check_pattern(const void *buf, size_t len, uint64_t off);

/* drop to uid/gid (65534 = nobody) and all capabilities; 0 or -errno */
int iou_drop_privileges(unsigned int uid, unsigned int gid);

/*
 * A uid no other running program uses (derived from the pid): memlock is
 * charged per user, so unprivileged memlock checks must not share one.
 */
unsigned int iou_private_uid(void);

/*
 * Wait (bounded) for a child the case forked: its exit status, 128 + the
 * signal that killed it, or -ETIME after killing it when it overran.
 * An ASSERT failing in such a child makes it exit 1.
 */
int iou_wait_child(int pid, unsigned int timeout_ms);

uint64_t iou_now_ns(void);

static inline struct __kernel_timespec iou_ts_ms(unsigned long long ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = (long long)(ms / 1000),
		.tv_nsec = (long long)(ms % 1000) * 1000000,
	};

	return ts;
}

static inline uint64_t iou_ms_since(uint64_t start_ns)
{
	return (iou_now_ns() - start_ns) / 1000000;
}

/* an unrelated log line from helpers that have no _metadata */
void iou_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* IOU_HARNESS_H */
