// SPDX-License-Identifier: GPL-2.0
/*
 * Suite helpers on top of the harness: see include/iou_harness.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "iou_harness.h"
#include "iou_ring.h"
#include "iou_prep.h"

/* ---- availability -------------------------------------------------- */

bool iou_available(char *reason, size_t len)
{
	struct io_uring_params p;
	int fd, err;
	long disabled;

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(1, &p);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	err = errno;
	switch (err) {
	case ENOSYS:
		snprintf(reason, len, "io_uring not supported by this kernel (ENOSYS: CONFIG_IO_URING off)");
		return false;
	case EPERM:
		disabled = iou_read_sysctl("/proc/sys/kernel/io_uring_disabled", -1);
		if (disabled > 0)
			snprintf(reason, len, "io_uring disabled by kernel.io_uring_disabled=%ld (EPERM)",
				 disabled);
		else
			snprintf(reason, len, "io_uring_setup refused (EPERM: seccomp or LSM policy?)");
		return false;
	case ENOMEM:
		/* a ring is charged to RLIMIT_MEMLOCK on some kernels */
		snprintf(reason, len, "io_uring_setup failed (ENOMEM: RLIMIT_MEMLOCK too low?)");
		return false;
	}
	/* anything else is the kernel's business: let the cases report it */
	return true;
}

long iou_read_sysctl(const char *path, long def)
{
	char buf[64];

	if (iou_read_file(path, buf, sizeof(buf)) <= 0)
		return def;
	return strtol(buf, NULL, 10);
}

/* ---- /proc ------------------------------------------------------------ */

ssize_t iou_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)got < size - 1 &&
	       (n = read(fd, buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

int iou_threads(const char *prefix, int *tids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[300], comm[64];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		if (iou_read_file(path, comm, sizeof(comm)) <= 0)
			continue;	/* the thread exited meanwhile */
		if (strncmp(comm, prefix, strlen(prefix)))
			continue;
		if (tids && n < max)
			tids[n] = atoi(de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* ---- probes ---------------------------------------------------------- */

static struct {
	bool done;
	bool have_probe;
	unsigned int nr_ops;
	unsigned short flags[256];
	unsigned int features;
} probe;

static void probe_once(void)
{
	struct io_uring_probe *pr;
	struct io_uring_params p;
	size_t sz = sizeof(*pr) + 256 * sizeof(struct io_uring_probe_op);
	int fd;

	if (probe.done)
		return;
	probe.done = true;
	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(1, &p);
	if (fd < 0)
		return;
	probe.features = p.features;
	pr = calloc(1, sz);
	if (pr && sys_io_uring_register(fd, IORING_REGISTER_PROBE, pr, 256) == 0) {
		probe.have_probe = true;
		probe.nr_ops = pr->last_op + 1u;
		for (unsigned int i = 0; i < pr->ops_len && i < 256; i++)
			probe.flags[pr->ops[i].op] = pr->ops[i].flags;
	}
	free(pr);
	close(fd);
}

bool iou_opcode_supported(int op)
{
	probe_once();
	if (op < 0 || op > 255 || !probe.have_probe)
		return false;
	return probe.flags[op] & IO_URING_OP_SUPPORTED;
}

unsigned int iou_probe_nr_ops(void)
{
	probe_once();
	return probe.nr_ops;
}

unsigned int iou_features(void)
{
	probe_once();
	return probe.features;
}

/* flags a setup flag cannot be used without */
static unsigned int companion_flags(unsigned int flag)
{
	switch (flag) {
	case IORING_SETUP_SQ_AFF:
		return IORING_SETUP_SQPOLL;
	case IORING_SETUP_TASKRUN_FLAG:
		return IORING_SETUP_COOP_TASKRUN;
	case IORING_SETUP_DEFER_TASKRUN:
		return IORING_SETUP_SINGLE_ISSUER;
	case IORING_SETUP_REGISTERED_FD_ONLY:
		return IORING_SETUP_NO_MMAP;
	case IORING_SETUP_HYBRID_IOPOLL:
		return IORING_SETUP_IOPOLL;
	}
	return 0;
}

bool iou_setup_flag_supported(unsigned int flag)
{
	static unsigned int known, supported;
	struct io_uring_params p;
	struct iou_ring r;
	int ret;

	if (known & flag)
		return supported & flag;
	memset(&p, 0, sizeof(p));
	p.flags = flag | companion_flags(flag);
	if (flag == IORING_SETUP_CQSIZE)
		p.cq_entries = 8;
	if (flag == IORING_SETUP_SQ_AFF)
		p.sq_thread_cpu = (unsigned int)sched_getcpu();
	if (flag == IORING_SETUP_ATTACH_WQ) {
		struct io_uring_params q;

		memset(&q, 0, sizeof(q));
		ret = sys_io_uring_setup(1, &q);
		if (ret < 0)
			return false;
		p.wq_fd = (unsigned int)ret;
		ret = iou_ring_init_params(&r, 4, &p);
		close((int)p.wq_fd);
	} else {
		ret = iou_ring_init_params(&r, 4, &p);
	}
	known |= flag;
	if (ret == 0) {
		supported |= flag;
		iou_ring_exit(&r);
	}
	return supported & flag;
}

void *iou_fault_ptr(void)
{
	static void *p;

	if (!p) {
		p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			p = NULL;
	}
	return p;
}

bool iou_query_opcodes(struct io_uring_query_opcode *q)
{
	struct io_uring_query_hdr h;

	memset(q, 0, sizeof(*q));
	memset(&h, 0, sizeof(h));
	h.query_data = (__u64)(uintptr_t)q;
	h.query_op = IO_URING_QUERY_OPCODES;
	h.size = sizeof(*q);
	return sys_io_uring_register(-1, IORING_REGISTER_QUERY, &h, 0) == 0 &&
	       h.result == 0;
}

/*
 * Register opcodes: IORING_REGISTER_QUERY (6.18) counts them.  Before
 * that, a known opcode given a faulting argument with a valid nr_args
 * fails with EFAULT (EPERM for ZCRX without CAP_NET_ADMIN), an unknown one
 * with EINVAL.  NULL will not do: many opcodes refuse "!arg" with EINVAL
 * before looking further.  Opcodes of 5.1-5.6 (several refuse any
 * argument) are always there.
 */
bool iou_register_op_supported(unsigned int op)
{
	static unsigned long long known, supported;
	struct io_uring_query_opcode q;
	struct io_uring_params p;
	void *arg = iou_fault_ptr();
	unsigned int nr = 1;
	int fd = -1, ret, err;

	if (op >= 64)
		return false;
	if (known & (1ULL << op))
		return supported & (1ULL << op);
	known |= 1ULL << op;

	if (iou_query_opcodes(&q)) {
		if (op < q.nr_register_opcodes)
			supported |= 1ULL << op;
		return supported & (1ULL << op);
	}
	if (op >= IORING_REGISTER_QUERY)
		return false;
	if (op < IORING_REGISTER_RESTRICTIONS) {
		supported |= 1ULL << op;
		return true;
	}
	/* both came with R_DISABLED (5.10) */
	if (op == IORING_REGISTER_RESTRICTIONS || op == IORING_REGISTER_ENABLE_RINGS) {
		if (iou_setup_flag_supported(IORING_SETUP_R_DISABLED))
			supported |= 1ULL << op;
		return supported & (1ULL << op);
	}

	switch (op) {
	case IORING_REGISTER_FILE_ALLOC_RANGE:
	case IORING_REGISTER_CLOCK:
		nr = 0;
		break;
	case IORING_REGISTER_IOWQ_MAX_WORKERS:
		nr = 2;
		break;
	case IORING_UNREGISTER_IOWQ_AFF:
		/* takes no argument; with nothing registered it succeeds */
		arg = NULL;
		nr = 0;
		break;
	case IORING_REGISTER_FILES2:
	case IORING_REGISTER_BUFFERS2:
		nr = sizeof(struct io_uring_rsrc_register);
		break;
	case IORING_REGISTER_FILES_UPDATE2:
	case IORING_REGISTER_BUFFERS_UPDATE:
		nr = sizeof(struct io_uring_rsrc_update2);
		break;
	}
	/* a ring-less opcode (6.13): before it, fd -1 is just EBADF */
	if (op != IORING_REGISTER_SEND_MSG_RING) {
		memset(&p, 0, sizeof(p));
		/* the ring ZCRX and RESIZE_RINGS insist on, before any copy */
		p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			  IORING_SETUP_CQE32;
		fd = sys_io_uring_setup(2, &p);
		if (fd < 0) {
			memset(&p, 0, sizeof(p));
			fd = sys_io_uring_setup(2, &p);
		}
		if (fd < 0)
			return false;
	}
	ret = sys_io_uring_register(fd, op, arg, nr);
	err = errno;
	if (fd >= 0)
		close(fd);
	if (ret >= 0 || err == EFAULT ||
	    (op == IORING_REGISTER_ZCRX_IFQ && err == EPERM))
		supported |= 1ULL << op;
	return supported & (1ULL << op);
}

/* kernels before 6.10 fail NOP with any nop_flags with -EINVAL */
bool iou_nop_inject_supported(void)
{
	static int known = -1;
	struct iou_ring r;
	struct iou_cqe cqe;
	struct io_uring_sqe *sqe;

	if (known >= 0)
		return known;
	known = 0;
	if (iou_ring_init(&r, 2, 0))
		return false;
	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 1);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = (unsigned int)-EXDEV;
	if (iou_submit_reap(&r, &cqe, 1) == 1 && cqe.res == -EXDEV)
		known = 1;
	iou_ring_exit(&r);
	return known;
}

bool iou_has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

/* ---- names ------------------------------------------------------------ */

static const char *const opcode_names[] = {
#define N(x) [IORING_OP_##x] = "IORING_OP_" #x
	N(NOP), N(READV), N(WRITEV), N(FSYNC), N(READ_FIXED), N(WRITE_FIXED),
	N(POLL_ADD), N(POLL_REMOVE), N(SYNC_FILE_RANGE), N(SENDMSG), N(RECVMSG),
	N(TIMEOUT), N(TIMEOUT_REMOVE), N(ACCEPT), N(ASYNC_CANCEL),
	N(LINK_TIMEOUT), N(CONNECT), N(FALLOCATE), N(OPENAT), N(CLOSE),
	N(FILES_UPDATE), N(STATX), N(READ), N(WRITE), N(FADVISE), N(MADVISE),
	N(SEND), N(RECV), N(OPENAT2), N(EPOLL_CTL), N(SPLICE),
	N(PROVIDE_BUFFERS), N(REMOVE_BUFFERS), N(TEE), N(SHUTDOWN), N(RENAMEAT),
	N(UNLINKAT), N(MKDIRAT), N(SYMLINKAT), N(LINKAT), N(MSG_RING),
	N(FSETXATTR), N(SETXATTR), N(FGETXATTR), N(GETXATTR), N(SOCKET),
	N(URING_CMD), N(SEND_ZC), N(SENDMSG_ZC), N(READ_MULTISHOT), N(WAITID),
	N(FUTEX_WAIT), N(FUTEX_WAKE), N(FUTEX_WAITV), N(FIXED_FD_INSTALL),
	N(FTRUNCATE), N(BIND), N(LISTEN), N(RECV_ZC), N(EPOLL_WAIT),
	N(READV_FIXED), N(WRITEV_FIXED), N(PIPE),
#undef N
};

static const char *unknown_name(const char *prefix, long v)
{
	static char bufs[4][48];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s%ld", prefix, v);
	return b;
}

const char *iou_opcode_name(int op)
{
	if (op >= 0 && op < IORING_OP_LAST && opcode_names[op])
		return opcode_names[op];
	return unknown_name("opcode ", op);
}

static const char *const register_names[] = {
#define N(x) [IORING_##x] = "IORING_" #x
	N(REGISTER_BUFFERS), N(UNREGISTER_BUFFERS), N(REGISTER_FILES),
	N(UNREGISTER_FILES), N(REGISTER_EVENTFD), N(UNREGISTER_EVENTFD),
	N(REGISTER_FILES_UPDATE), N(REGISTER_EVENTFD_ASYNC), N(REGISTER_PROBE),
	N(REGISTER_PERSONALITY), N(UNREGISTER_PERSONALITY),
	N(REGISTER_RESTRICTIONS), N(REGISTER_ENABLE_RINGS), N(REGISTER_FILES2),
	N(REGISTER_FILES_UPDATE2), N(REGISTER_BUFFERS2),
	N(REGISTER_BUFFERS_UPDATE), N(REGISTER_IOWQ_AFF), N(UNREGISTER_IOWQ_AFF),
	N(REGISTER_IOWQ_MAX_WORKERS), N(REGISTER_RING_FDS),
	N(UNREGISTER_RING_FDS), N(REGISTER_PBUF_RING), N(UNREGISTER_PBUF_RING),
	N(REGISTER_SYNC_CANCEL), N(REGISTER_FILE_ALLOC_RANGE),
	N(REGISTER_PBUF_STATUS), N(REGISTER_NAPI), N(UNREGISTER_NAPI),
	N(REGISTER_CLOCK), N(REGISTER_CLONE_BUFFERS), N(REGISTER_SEND_MSG_RING),
	N(REGISTER_ZCRX_IFQ), N(REGISTER_RESIZE_RINGS), N(REGISTER_MEM_REGION),
	N(REGISTER_QUERY),
#undef N
};

const char *iou_register_op_name(unsigned int op)
{
	op &= ~(unsigned int)IORING_REGISTER_USE_REGISTERED_RING;
	if (op < IORING_REGISTER_LAST && register_names[op])
		return register_names[op];
	return unknown_name("register opcode ", (long)op);
}

static const char *const setup_names[] = {
	"IORING_SETUP_IOPOLL", "IORING_SETUP_SQPOLL", "IORING_SETUP_SQ_AFF",
	"IORING_SETUP_CQSIZE", "IORING_SETUP_CLAMP", "IORING_SETUP_ATTACH_WQ",
	"IORING_SETUP_R_DISABLED", "IORING_SETUP_SUBMIT_ALL",
	"IORING_SETUP_COOP_TASKRUN", "IORING_SETUP_TASKRUN_FLAG",
	"IORING_SETUP_SQE128", "IORING_SETUP_CQE32",
	"IORING_SETUP_SINGLE_ISSUER", "IORING_SETUP_DEFER_TASKRUN",
	"IORING_SETUP_NO_MMAP", "IORING_SETUP_REGISTERED_FD_ONLY",
	"IORING_SETUP_NO_SQARRAY", "IORING_SETUP_HYBRID_IOPOLL",
	"IORING_SETUP_CQE_MIXED",
};

static const char *bit_name(const char *const *names, size_t nr, unsigned int v)
{
	if (v && !(v & (v - 1))) {
		unsigned int bit = (unsigned int)__builtin_ctz(v);

		if (bit < nr)
			return names[bit];
	}
	return "?";
}

const char *iou_setup_flag_name(unsigned int flag)
{
	return bit_name(setup_names, sizeof(setup_names) / sizeof(*setup_names), flag);
}

static const char *const feature_names[] = {
	"IORING_FEAT_SINGLE_MMAP", "IORING_FEAT_NODROP",
	"IORING_FEAT_SUBMIT_STABLE", "IORING_FEAT_RW_CUR_POS",
	"IORING_FEAT_CUR_PERSONALITY", "IORING_FEAT_FAST_POLL",
	"IORING_FEAT_POLL_32BITS", "IORING_FEAT_SQPOLL_NONFIXED",
	"IORING_FEAT_EXT_ARG", "IORING_FEAT_NATIVE_WORKERS",
	"IORING_FEAT_RSRC_TAGS", "IORING_FEAT_CQE_SKIP",
	"IORING_FEAT_LINKED_FILE", "IORING_FEAT_REG_REG_RING",
	"IORING_FEAT_RECVSEND_BUNDLE", "IORING_FEAT_MIN_TIMEOUT",
	"IORING_FEAT_RW_ATTR", "IORING_FEAT_NO_IOWAIT",
};

const char *iou_feature_name(unsigned int feature)
{
	return bit_name(feature_names, sizeof(feature_names) / sizeof(*feature_names),
			feature);
}

const char *iou_errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
#define E(x) { x, #x }
		E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO),
		E(E2BIG), E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM),
		E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
		E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
		E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
		E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOSYS), E(ENOTEMPTY),
		E(ELOOP), E(ENODATA), E(ETIME), E(EBADR), E(EOVERFLOW), E(EBADFD),
		E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE),
		E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(EOPNOTSUPP), E(EAFNOSUPPORT),
		E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETUNREACH), E(ECONNABORTED),
		E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT),
		E(ECONNREFUSED), E(EALREADY), E(EINPROGRESS), E(ECANCELED),
		E(EOWNERDEAD), E(ENOTRECOVERABLE), E(EHOSTUNREACH), E(ESTALE),
		E(EDQUOT), E(ENOKEY), E(ENOMSG), E(EIDRM), E(EILSEQ), E(ERESTART),
#undef E
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return err ? "E?" : "0";
}

const char *iou_res_str(int res)
{
	static char bufs[4][48];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	if (res < 0)
		snprintf(b, sizeof(bufs[0]), "-%s (%d)", iou_errno_name(-res), res);
	else
		snprintf(b, sizeof(bufs[0]), "%d", res);
	return b;
}

/* ---- requirements ---------------------------------------------------- */

static const char *cap_name(int cap)
{
	switch (cap) {
	case CAP_CHOWN: return "CAP_CHOWN";
	case CAP_DAC_OVERRIDE: return "CAP_DAC_OVERRIDE";
	case CAP_DAC_READ_SEARCH: return "CAP_DAC_READ_SEARCH";
	case CAP_SETGID: return "CAP_SETGID";
	case CAP_SETUID: return "CAP_SETUID";
	case CAP_NET_ADMIN: return "CAP_NET_ADMIN";
	case CAP_NET_RAW: return "CAP_NET_RAW";
	case CAP_IPC_LOCK: return "CAP_IPC_LOCK";
	case CAP_SYS_ADMIN: return "CAP_SYS_ADMIN";
	case CAP_SYS_NICE: return "CAP_SYS_NICE";
	case CAP_SYS_RESOURCE: return "CAP_SYS_RESOURCE";
	case CAP_SYS_CHROOT: return "CAP_SYS_CHROOT";
	case CAP_SYS_PTRACE: return "CAP_SYS_PTRACE";
	case CAP_FOWNER: return "CAP_FOWNER";
	case CAP_SYSLOG: return "CAP_SYSLOG";
	}
	return "CAP_?";
}

const char *iou_requirements_unmet(const struct iou_requirements *req)
{
	static char reason[128];

	if (req->root && geteuid() != 0)
		return "needs root";
	for (const int *c = req->caps; c && *c >= 0; c++)
		if (!iou_has_cap(*c)) {
			snprintf(reason, sizeof(reason), "needs %s", cap_name(*c));
			return reason;
		}
	for (const int *op = req->opcodes; op && *op >= 0; op++)
		if (!iou_opcode_supported(*op)) {
			snprintf(reason, sizeof(reason), "kernel lacks opcode %s",
				 iou_opcode_name(*op));
			return reason;
		}
	for (const int *op = req->register_ops; op && *op >= 0; op++)
		if (!iou_register_op_supported((unsigned int)*op)) {
			snprintf(reason, sizeof(reason),
				 "kernel lacks register opcode %s",
				 iou_register_op_name((unsigned int)*op));
			return reason;
		}
	for (unsigned int f = req->setup_flags; f; f &= f - 1) {
		unsigned int bit = f & -f;

		if (!iou_setup_flag_supported(bit)) {
			snprintf(reason, sizeof(reason), "kernel lacks setup flag %s",
				 iou_setup_flag_name(bit));
			return reason;
		}
	}
	for (unsigned int f = req->features; f; f &= f - 1) {
		unsigned int bit = f & -f;

		if (!(iou_features() & bit)) {
			snprintf(reason, sizeof(reason), "kernel lacks feature %s",
				 iou_feature_name(bit));
			return reason;
		}
	}
	return NULL;
}

/* ---- completions by user_data ------------------------------------------ */

int iou_cqe_index(const struct iou_cqe *c, int n, __u64 ud)
{
	for (int i = 0; i < n; i++)
		if (c[i].user_data == ud)
			return i;
	return -1;
}

int iou_cqe_count(const struct iou_cqe *c, int n, __u64 ud)
{
	int nr = 0;

	for (int i = 0; i < n; i++)
		nr += c[i].user_data == ud;
	return nr;
}

/* ---- scratch files ------------------------------------------------------ */

const char *iou_scratch_dir(void)
{
	static char fallback[256];
	const char *dir;

	if (__th_current) {
		dir = __th_current->scratch;
	} else {
		if (!fallback[0])
			snprintf(fallback, sizeof(fallback), "%s/iou-%d",
				 getenv("TMPDIR") && *getenv("TMPDIR") ?
				 getenv("TMPDIR") : "/tmp", (int)getpid());
		dir = fallback;
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return NULL;
	return dir;
}

const char *iou_scratch_path(const char *name)
{
	static char bufs[4][512];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", iou_scratch_dir(), name);
	return b;
}

void iou_fill_pattern(void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		uint64_t x = off + i;

		p[i] = (unsigned char)((x * 131) ^ (x >> 8) ^ 0x5a);
	}
}

bool iou_check_pattern(const void *buf, size_t len, uint64_t off)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		uint64_t x = off + i;

		if (p[i] != (unsigned char)((x * 131) ^ (x >> 8) ^ 0x5a))
			return false;
	}
	return true;
}

int iou_scratch_file(const char *name, size_t size, int open_flags)
{
	char chunk[4096];
	size_t done = 0;
	int fd = open(iou_scratch_path(name), O_RDWR | O_CREAT | O_TRUNC |
		      O_CLOEXEC | open_flags, 0644);

	if (fd < 0)
		return -errno;
	while (done < size) {
		size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);
		ssize_t w;

		iou_fill_pattern(chunk, n, done);
		w = pwrite(fd, chunk, n, (off_t)done);
		if (w <= 0) {
			int err = w < 0 ? errno : EIO;

			close(fd);
			return -err;
		}
		done += (size_t)w;
	}
	return fd;
}

/* ---- privileges, time, logging --------------------------------------------- */

int iou_drop_privileges(unsigned int uid, unsigned int gid)
{
	if (setgroups(0, NULL))
		return -errno;
	if (setresgid(gid, gid, gid))
		return -errno;
	if (setresuid(uid, uid, uid))
		return -errno;
	/* a non-root uid loses its capabilities; check none survived */
	if (iou_has_cap(CAP_IPC_LOCK) || iou_has_cap(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

unsigned int iou_private_uid(void)
{
	return 200000u + (unsigned int)getpid() % 100000u;
}

int iou_wait_child(int pid, unsigned int timeout_ms)
{
	uint64_t deadline = iou_now_ns() + timeout_ms * 1000000ULL;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0)
			return -errno;
		if (iou_now_ns() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIME;
		}
		usleep(1000);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

uint64_t iou_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void iou_log(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
