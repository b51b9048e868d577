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
#include <unistd.h>
#include <linux/time_types.h>

struct __test_metadata;

/* The case running in this process (NULL in the harness itself). */
extern struct __test_metadata *__th_current;

/* ---- what the kernel has (harness/probe.c) ------------------------ */

/*
 * A feature is missing only on evidence independent of the behaviour
 * under test: params.features, IORING_REGISTER_PROBE, IORING_REGISTER_QUERY,
 * the setup flags a ring accepts, or the errno that means "unknown"
 * (EINVAL) or "not built in" (EOPNOTSUPP, PROBE's mark for an opcode
 * whose config option is off).  The channels are cross-checked: what QUERY
 * lists must work and agree with PROBE and the features, and whatever the
 * kernel demonstrably has implies the interfaces that came before it in
 * mainline (the "interface level").  Any other refusal is IOU_BROKEN: the
 * case FAILs with the reason instead of skipping.
 */
enum iou_have {
	IOU_ABSENT,	/* missing (the reason says on what evidence): SKIP */
	IOU_PRESENT,
	IOU_BROKEN,	/* the channels disagree or refuse: a kernel fault, FAIL */
};

/* mainline version numbers: IOU_V(6, 1) == 601 */
#define IOU_V(major, minor)	((major) * 100u + (minor))
/* a kernel release, as iou_kernel_version() gives it */
#define IOU_KVER(a, b, c)	(((a) << 16) + ((b) << 8) + (c))

/* io_uring_setup() works at all (else why: disabled, not built in, ...) */
enum iou_have iou_available(char *why, size_t len);
/* fill every probe cache (the harness does it once before cases fork) */
void iou_probe_all(void);

enum iou_have iou_have_opcode(int op, char *why, size_t len);
enum iou_have iou_have_setup_flags(unsigned int flags, char *why, size_t len);
enum iou_have iou_have_register_op(unsigned int op, char *why, size_t len);
enum iou_have iou_have_feature(unsigned int feat, char *why, size_t len);
/* IORING_NOP_INJECT_RESULT (6.10): a NOP completes with a chosen res */
enum iou_have iou_have_nop_inject(char *why, size_t len);

/* flags of single opcodes and registrations, probed on a scratch ring */
enum iou_have iou_have_timeout_flags(unsigned int flags, char *why, size_t len);
enum iou_have iou_have_timeout_update(unsigned int flags, char *why, size_t len);
enum iou_have iou_have_cancel_flags(unsigned int flags, char *why, size_t len);
enum iou_have iou_have_poll_multishot(char *why, size_t len);
enum iou_have iou_have_rsrc_sparse(char *why, size_t len);
enum iou_have iou_have_sync_cancel_opcode(char *why, size_t len);

/*
 * For an interface the suite probes itself (a flag of an opcode, say):
 * a probe result res means present when it is present_res, absent when
 * it is -EINVAL ("unknown") and the kernel has nothing newer than since
 * (IOU_V(), 0 if unknown); anything else is broken.  what names it.
 */
enum iou_have iou_have_by_result(int res, int present_res, unsigned int since,
				 const char *what, char *why, size_t len);
/* what refuses as unknown is absent, unless the kernel is newer than since */
enum iou_have iou_have_unless_newer(unsigned int since, const char *what,
				     char *why, size_t len);
/* the newest mainline interface the kernel demonstrably has, and why */
unsigned int iou_interface_level(const char **evidence);

/*
 * The reason of the first IOU_BROKEN verdict this process reached, or
 * NULL: a SKIP after it is a FAIL (the kernel's channels disagree, so
 * nothing it lacks can be told from what it breaks), even where a test
 * asked only for a boolean below.
 */
const char *iou_broken_evidence(void);
/* the same, as booleans: true only for IOU_PRESENT */
bool iou_opcode_supported(int op);
bool iou_setup_flag_supported(unsigned int flag);
bool iou_register_op_supported(unsigned int op);
bool iou_nop_inject_supported(void);
/* last_op + 1 from the probe, 0 without probe support */
unsigned int iou_probe_nr_ops(void);
/* params.features of a plain ring */
unsigned int iou_features(void);
/*
 * IORING_REGISTER_QUERY (6.18) of IO_URING_QUERY_OPCODES (the numbers of
 * opcodes, the known flags) into *q, on no ring: 0 or -errno
 */
struct io_uring_query_opcode;
int iou_query_opcodes(struct io_uring_query_opcode *q);
/*
 * One ring-less IORING_REGISTER_QUERY of op into data (size bytes): the
 * entry's result (0, or -EOPNOTSUPP for an op the kernel does not know),
 * or -errno of the call; *got (if given) receives the size answered.
 */
int iou_query(__u32 op, void *data, __u32 size, __u32 *got);

/*
 * The running kernel's release, IOU_KVER(a, b, c), for a behaviour that
 * changed without any flag or feature bit to tell (Debian kernels: the
 * upstream version in uname -v).  Use only where no other channel exists.
 */
unsigned int iou_kernel_version(void);

/*
 * RLIMIT_MEMLOCK demonstrably cannot hold bytes more for this process
 * (and it lacks CAP_IPC_LOCK): the environment, not the kernel, refuses.
 */
bool iou_memlock_short(size_t bytes, char *why, size_t len);

#define IOU_PAGE_SIZE	((size_t)sysconf(_SC_PAGESIZE))

/* a PROT_NONE page: copying from or to it fails with EFAULT */
void *iou_fault_ptr(void);
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
const char *iou_enter_flag_name(unsigned int flag);
const char *iou_query_op_name(unsigned int op);
const char *iou_errno_name(int err);
/* "-EINVAL" for negative errnos, the number otherwise (rotating buffer) */
const char *iou_res_str(int res);

/* ---- requirements ----------------------------------------------- */

/*
 * An upstream fix a program guards, declared as data: the runner reports
 * which fixes a kernel lacks.  commit: 12 hex digits ("" when only a
 * stable fix's subject is known); cve: "CVE-YYYY-NNNNN" (several joined by
 * commas) or ""; cases: a glob over the case names it covers ("" = all).
 */
struct iou_fix {
	const char *commit, *cve, *cases, *subject;
};

#define IOU_FIX(commit_, cve_, cases_, subject_)			\
	{ .commit = (commit_), .cve = (cve_), .cases = (cases_), .subject = (subject_) }
#define IOU_FIXES(...)	((const struct iou_fix[]){ __VA_ARGS__, { 0 } })

/*
 * Requirements of a whole program, declared once at file scope:
 *
 *	IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FUTEX_WAIT),
 *		     .setup_flags = IORING_SETUP_DEFER_TASKRUN,
 *		     .caps = IOU_CAPS(CAP_SYS_ADMIN),
 *		     .fixes = IOU_FIXES(IOU_FIX("508c1314b342", "CVE-2025-39698", "",
 *				"io_uring/futex: ensure io_futex_wait() cleans up properly on failure")),
 *		     .unsafe = "a use-after-free on a kernel without the fix");
 *
 * If one is missing, every case is reported "ok N name # SKIP <reason>"
 * without running, so case names stay the same on every kernel; if the
 * kernel's answers are broken, every case fails with the reason.  The
 * fixes are printed before the plan ("# fix: ..."); with IOU_SAFE_ONLY
 * set, a program marked unsafe is skipped.
 */
struct iou_requirements {
	const int *opcodes;		/* IOU_OPS(...) */
	const int *register_ops;	/* IOU_OPS(...) of IORING_REGISTER_* */
	const int *caps;		/* IOU_CAPS(...) */
	unsigned int setup_flags;
	unsigned int features;
	bool root;
	const struct iou_fix *fixes;	/* IOU_FIXES(...) */
	const char *unsafe;		/* why it can crash an unfixed kernel */
};

#define IOU_OPS(...)	((const int[]){ __VA_ARGS__, -1 })
#define IOU_CAPS(...)	((const int[]){ __VA_ARGS__, -1 })

enum iou_have iou_requirements_met(const struct iou_requirements *req, char *why, size_t len);
void __th_set_program_reqs(const struct iou_requirements *req);
/* a requirement the kernel answers wrongly: log why and fail the case */
void __th_requirement_broken(struct __test_metadata *m, const char *why);

#define IOU_REQUIRES(...)						\
	static const struct iou_requirements __iou_program_reqs = {	\
		__VA_ARGS__						\
	};								\
	static void __attribute__((constructor)) __iou_reqs_register(void) \
	{								\
		__th_set_program_reqs(&__iou_program_reqs);		\
	}

/*
 * Requirements of one case (or of a fixture, in FIXTURE_SETUP): absent
 * SKIPs with the reason, broken FAILs with it; either ends the function.
 * have_call is an iou_have_*() call that may use __why and sizeof(__why).
 */
#define IOU_REQUIRE(have_call) do {					\
	char __why[320];						\
	switch (have_call) {						\
	case IOU_PRESENT:						\
		break;							\
	case IOU_ABSENT:						\
		SKIP(return, "%s", __why);				\
	default:							\
		__th_requirement_broken(_metadata, __why);		\
		return;							\
	}								\
	} while (0)

#define REQUIRE_OPCODE(op)	IOU_REQUIRE(iou_have_opcode((op), __why, sizeof(__why)))
#define REQUIRE_REGISTER_OP(op)	IOU_REQUIRE(iou_have_register_op((op), __why, sizeof(__why)))
#define REQUIRE_FEATURE(feat)	IOU_REQUIRE(iou_have_feature((feat), __why, sizeof(__why)))
#define REQUIRE_NOP_INJECT()	IOU_REQUIRE(iou_have_nop_inject(__why, sizeof(__why)))
#define REQUIRE_TIMEOUT_FLAGS(f) \
	IOU_REQUIRE(iou_have_timeout_flags((f), __why, sizeof(__why)))
#define REQUIRE_TIMEOUT_UPDATE(f) \
	IOU_REQUIRE(iou_have_timeout_update((f), __why, sizeof(__why)))
#define REQUIRE_CANCEL_FLAGS(f) \
	IOU_REQUIRE(iou_have_cancel_flags((f), __why, sizeof(__why)))
#define REQUIRE_POLL_MULTISHOT() IOU_REQUIRE(iou_have_poll_multishot(__why, sizeof(__why)))
#define REQUIRE_RSRC_SPARSE()	IOU_REQUIRE(iou_have_rsrc_sparse(__why, sizeof(__why)))
#define REQUIRE_SYNC_CANCEL_OPCODE() \
	IOU_REQUIRE(iou_have_sync_cancel_opcode(__why, sizeof(__why)))
/* every flag of a combination (a variant's setup flags, say) */
#define REQUIRE_SETUP_FLAGS(flags) \
	IOU_REQUIRE(iou_have_setup_flags((flags), __why, sizeof(__why)))
#define REQUIRE_SETUP_FLAG(flag)	REQUIRE_SETUP_FLAGS(flag)

/* set up ring with these setup flags, or SKIP naming the missing one */
#define IOU_RING_INIT_OR_SKIP(ring, entries, setup_flags) do {		\
	REQUIRE_SETUP_FLAGS(setup_flags);				\
	ASSERT_EQ(0, iou_ring_init((ring), (entries), (setup_flags)));	\
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
 * A call that needed bytes of locked memory failed with ret: SKIP if
 * that was -ENOMEM and RLIMIT_MEMLOCK demonstrably cannot hold them
 * (no CAP_IPC_LOCK); otherwise nothing, and the case goes on to check ret.
 */
#define SKIP_IF_MEMLOCK_SHORT(ret, bytes) do {				\
	char __why[200];						\
	if ((ret) == -ENOMEM && iou_memlock_short((bytes), __why, sizeof(__why))) \
		SKIP(return, "%s", __why);				\
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
 * IOU_TIMEOUT_SCALE, the factor by which every bound is stretched on a
 * slow or loaded machine (the runner sets it; 1 by default).
 */
unsigned int iou_timeout_scale(void);
/* ms stretched by the timeout scale */
static inline unsigned int iou_scaled_ms(unsigned int ms)
{
	return ms * iou_timeout_scale();
}

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
