// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel has, decided only on independent evidence: see
 * include/iou_harness.h ("requirements").
 *
 * Channels: io_uring_setup()'s params.features, IORING_REGISTER_PROBE,
 * IORING_REGISTER_QUERY (6.18), the setup flags a plain setup accepts, and
 * the errno that means "unknown" (EINVAL) or "not built in" (EOPNOTSUPP,
 * or PROBE's unsupported mark for an opcode whose config option is off,
 * checked against the system call that needs the same option).  The
 * channels are cross-checked: what QUERY lists must work and agree with
 * PROBE and the feature bits, and whatever the kernel demonstrably has
 * implies every interface that came before it in mainline ("the interface
 * level").  Any other refusal is a kernel fault (IOU_BROKEN), never a
 * missing feature.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/futex.h>

#include "iou_kselftest_harness.h"
#include "iou_harness.h"
#include "iou_ring.h"
#include "iou_prep.h"

/* ---- mainline versions of the interfaces (from the uapi history) ---- */

static const unsigned short opcode_version[] = {
	[IORING_OP_NOP] = IOU_V(5, 1), [IORING_OP_READV] = IOU_V(5, 1),
	[IORING_OP_WRITEV] = IOU_V(5, 1), [IORING_OP_FSYNC] = IOU_V(5, 1),
	[IORING_OP_READ_FIXED] = IOU_V(5, 1), [IORING_OP_WRITE_FIXED] = IOU_V(5, 1),
	[IORING_OP_POLL_ADD] = IOU_V(5, 1), [IORING_OP_POLL_REMOVE] = IOU_V(5, 1),
	[IORING_OP_SYNC_FILE_RANGE] = IOU_V(5, 2), [IORING_OP_SENDMSG] = IOU_V(5, 3),
	[IORING_OP_RECVMSG] = IOU_V(5, 3), [IORING_OP_TIMEOUT] = IOU_V(5, 4),
	[IORING_OP_TIMEOUT_REMOVE] = IOU_V(5, 5), [IORING_OP_ACCEPT] = IOU_V(5, 5),
	[IORING_OP_ASYNC_CANCEL] = IOU_V(5, 5), [IORING_OP_LINK_TIMEOUT] = IOU_V(5, 5),
	[IORING_OP_CONNECT] = IOU_V(5, 5), [IORING_OP_FALLOCATE] = IOU_V(5, 6),
	[IORING_OP_OPENAT] = IOU_V(5, 6), [IORING_OP_CLOSE] = IOU_V(5, 6),
	[IORING_OP_FILES_UPDATE] = IOU_V(5, 6), [IORING_OP_STATX] = IOU_V(5, 6),
	[IORING_OP_READ] = IOU_V(5, 6), [IORING_OP_WRITE] = IOU_V(5, 6),
	[IORING_OP_FADVISE] = IOU_V(5, 6), [IORING_OP_MADVISE] = IOU_V(5, 6),
	[IORING_OP_SEND] = IOU_V(5, 6), [IORING_OP_RECV] = IOU_V(5, 6),
	[IORING_OP_OPENAT2] = IOU_V(5, 6), [IORING_OP_EPOLL_CTL] = IOU_V(5, 6),
	[IORING_OP_SPLICE] = IOU_V(5, 7), [IORING_OP_PROVIDE_BUFFERS] = IOU_V(5, 7),
	[IORING_OP_REMOVE_BUFFERS] = IOU_V(5, 7), [IORING_OP_TEE] = IOU_V(5, 8),
	[IORING_OP_SHUTDOWN] = IOU_V(5, 11), [IORING_OP_RENAMEAT] = IOU_V(5, 11),
	[IORING_OP_UNLINKAT] = IOU_V(5, 11), [IORING_OP_MKDIRAT] = IOU_V(5, 15),
	[IORING_OP_SYMLINKAT] = IOU_V(5, 15), [IORING_OP_LINKAT] = IOU_V(5, 15),
	[IORING_OP_MSG_RING] = IOU_V(5, 18), [IORING_OP_FSETXATTR] = IOU_V(5, 19),
	[IORING_OP_SETXATTR] = IOU_V(5, 19), [IORING_OP_FGETXATTR] = IOU_V(5, 19),
	[IORING_OP_GETXATTR] = IOU_V(5, 19), [IORING_OP_SOCKET] = IOU_V(5, 19),
	[IORING_OP_URING_CMD] = IOU_V(5, 19), [IORING_OP_SEND_ZC] = IOU_V(6, 0),
	[IORING_OP_SENDMSG_ZC] = IOU_V(6, 1), [IORING_OP_READ_MULTISHOT] = IOU_V(6, 7),
	[IORING_OP_WAITID] = IOU_V(6, 7), [IORING_OP_FUTEX_WAIT] = IOU_V(6, 7),
	[IORING_OP_FUTEX_WAKE] = IOU_V(6, 7), [IORING_OP_FUTEX_WAITV] = IOU_V(6, 7),
	[IORING_OP_FIXED_FD_INSTALL] = IOU_V(6, 8), [IORING_OP_FTRUNCATE] = IOU_V(6, 9),
	[IORING_OP_BIND] = IOU_V(6, 11), [IORING_OP_LISTEN] = IOU_V(6, 11),
	[IORING_OP_RECV_ZC] = IOU_V(6, 15), [IORING_OP_EPOLL_WAIT] = IOU_V(6, 15),
	[IORING_OP_READV_FIXED] = IOU_V(6, 15), [IORING_OP_WRITEV_FIXED] = IOU_V(6, 15),
	[IORING_OP_PIPE] = IOU_V(6, 16), [IORING_OP_NOP128] = IOU_V(6, 19),
	[IORING_OP_URING_CMD128] = IOU_V(6, 19),
};

/* an interface newer than every one this suite knows (7.3) */
#define IOU_V_NEWER_THAN_ABI	IOU_V(7, 4)

/* bit n of IORING_SETUP_* */
static const unsigned short setup_flag_version[] = {
	IOU_V(5, 1), IOU_V(5, 1), IOU_V(5, 1), IOU_V(5, 5), IOU_V(5, 6),
	IOU_V(5, 6), IOU_V(5, 10), IOU_V(5, 18), IOU_V(5, 19), IOU_V(5, 19),
	IOU_V(5, 19), IOU_V(5, 19), IOU_V(6, 0), IOU_V(6, 1), IOU_V(6, 5),
	IOU_V(6, 5), IOU_V(6, 6), IOU_V(6, 13), IOU_V(6, 18), IOU_V(6, 19),
	IOU_V(7, 0),
};

/* bit n of IORING_FEAT_* */
static const unsigned short feature_version[] = {
	IOU_V(5, 4), IOU_V(5, 5), IOU_V(5, 5), IOU_V(5, 6), IOU_V(5, 6),
	IOU_V(5, 7), IOU_V(5, 9), IOU_V(5, 11), IOU_V(5, 11), IOU_V(5, 12),
	IOU_V(5, 13), IOU_V(5, 17), IOU_V(5, 17), IOU_V(6, 3), IOU_V(6, 10),
	IOU_V(6, 12), IOU_V(6, 14), IOU_V(6, 15),
};

static const unsigned short register_op_version[] = {
	[IORING_REGISTER_BUFFERS] = IOU_V(5, 1), [IORING_UNREGISTER_BUFFERS] = IOU_V(5, 1),
	[IORING_REGISTER_FILES] = IOU_V(5, 1), [IORING_UNREGISTER_FILES] = IOU_V(5, 1),
	[IORING_REGISTER_EVENTFD] = IOU_V(5, 2), [IORING_UNREGISTER_EVENTFD] = IOU_V(5, 2),
	[IORING_REGISTER_FILES_UPDATE] = IOU_V(5, 5),
	[IORING_REGISTER_EVENTFD_ASYNC] = IOU_V(5, 6), [IORING_REGISTER_PROBE] = IOU_V(5, 6),
	[IORING_REGISTER_PERSONALITY] = IOU_V(5, 6),
	[IORING_UNREGISTER_PERSONALITY] = IOU_V(5, 6),
	[IORING_REGISTER_RESTRICTIONS] = IOU_V(5, 10),
	[IORING_REGISTER_ENABLE_RINGS] = IOU_V(5, 10),
	[IORING_REGISTER_FILES2] = IOU_V(5, 13), [IORING_REGISTER_FILES_UPDATE2] = IOU_V(5, 13),
	[IORING_REGISTER_BUFFERS2] = IOU_V(5, 13),
	[IORING_REGISTER_BUFFERS_UPDATE] = IOU_V(5, 13),
	[IORING_REGISTER_IOWQ_AFF] = IOU_V(5, 14), [IORING_UNREGISTER_IOWQ_AFF] = IOU_V(5, 14),
	[IORING_REGISTER_IOWQ_MAX_WORKERS] = IOU_V(5, 15),
	[IORING_REGISTER_RING_FDS] = IOU_V(5, 18), [IORING_UNREGISTER_RING_FDS] = IOU_V(5, 18),
	[IORING_REGISTER_PBUF_RING] = IOU_V(5, 19),
	[IORING_UNREGISTER_PBUF_RING] = IOU_V(5, 19),
	[IORING_REGISTER_SYNC_CANCEL] = IOU_V(6, 0),
	[IORING_REGISTER_FILE_ALLOC_RANGE] = IOU_V(6, 0),
	[IORING_REGISTER_PBUF_STATUS] = IOU_V(6, 8), [IORING_REGISTER_NAPI] = IOU_V(6, 9),
	[IORING_UNREGISTER_NAPI] = IOU_V(6, 9), [IORING_REGISTER_CLOCK] = IOU_V(6, 12),
	[IORING_REGISTER_CLONE_BUFFERS] = IOU_V(6, 12),
	[IORING_REGISTER_SEND_MSG_RING] = IOU_V(6, 13),
	[IORING_REGISTER_ZCRX_IFQ] = IOU_V(6, 15),
	[IORING_REGISTER_RESIZE_RINGS] = IOU_V(6, 13),
	[IORING_REGISTER_MEM_REGION] = IOU_V(6, 13), [IORING_REGISTER_QUERY] = IOU_V(6, 18),
	[IORING_REGISTER_ZCRX_CTRL] = IOU_V(6, 19), [IORING_REGISTER_BPF_FILTER] = IOU_V(7, 0),
};

/* IO_URING_QUERY_* */
static const unsigned short query_op_version[] = {
	[IO_URING_QUERY_OPCODES] = IOU_V(6, 18), [IO_URING_QUERY_ZCRX] = IOU_V(6, 19),
	[IO_URING_QUERY_SCQ] = IOU_V(6, 19), [IO_URING_QUERY_ZCRX_EVENT] = IOU_V(7, 2),
};

_Static_assert(sizeof(opcode_version) / sizeof(*opcode_version) == IORING_OP_LAST,
	       "a version for every opcode");
_Static_assert(sizeof(setup_flag_version) / sizeof(*setup_flag_version) ==
	       __builtin_popcount(IOU_SETUP_FLAGS_7_3), "a version for every setup flag");
_Static_assert(sizeof(feature_version) / sizeof(*feature_version) ==
	       __builtin_popcount(IOU_FEAT_FLAGS_7_3), "a version for every feature bit");
_Static_assert(sizeof(register_op_version) / sizeof(*register_op_version) ==
	       IORING_REGISTER_LAST, "a version for every register opcode");
_Static_assert(sizeof(query_op_version) / sizeof(*query_op_version) ==
	       __IO_URING_QUERY_MAX, "a version for every query op");

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- reasons ----------------------------------------------------------- */

static enum iou_have verdict(enum iou_have have, char *why, size_t len,
			     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* the first sign of a broken kernel this process saw (see __th_skip) */
static char broken_evidence[320];

static enum iou_have verdict(enum iou_have have, char *why, size_t len,
			     const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	/* kept even when the caller asked only for a boolean */
	if (have == IOU_BROKEN && !broken_evidence[0]) {
		va_start(ap, fmt);
		vsnprintf(broken_evidence, sizeof(broken_evidence), fmt, ap);
		va_end(ap);
	}
	return have;
}

const char *iou_broken_evidence(void)
{
	return broken_evidence[0] ? broken_evidence : NULL;
}

static const char *version_str(unsigned int v)
{
	static char bufs[4][16];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%u.%u", v / 100, v % 100);
	return b;
}

/* ---- the environment ---------------------------------------------------- */

/* a line "key:\t<n>" of /proc/self/status, or -1 */
static long proc_status_value(const char *key)
{
	char buf[4096];
	const char *p;
	size_t kl = strlen(key);

	if (iou_read_file("/proc/self/status", buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return strtol(p + kl + 1, NULL, 10);
	return -1;
}

bool iou_memlock_short(size_t bytes, char *why, size_t len)
{
	struct rlimit rl;
	unsigned long long locked;
	long vmlck;

	if (iou_has_cap(CAP_IPC_LOCK) || getrlimit(RLIMIT_MEMLOCK, &rl) ||
	    rl.rlim_cur == RLIM_INFINITY)
		return false;
	vmlck = proc_status_value("VmLck");
	locked = vmlck > 0 ? (unsigned long long)vmlck * 1024 : 0;
	if (locked + bytes <= rl.rlim_cur)
		return false;
	verdict(IOU_ABSENT, why, len,
		"RLIMIT_MEMLOCK (%llu KiB, %llu KiB locked) is too small for %zu KiB and there is no CAP_IPC_LOCK",
		(unsigned long long)rl.rlim_cur / 1024, locked / 1024, bytes / 1024);
	return true;
}

static bool in_group(gid_t gid)
{
	gid_t groups[256];
	int n = getgroups(256, groups);

	if (getegid() == gid)
		return true;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/*
 * An EPERM from io_uring_setup() that the environment explains: the
 * io_uring_disabled sysctl (with its group), or a seccomp filter.
 */
static bool eperm_explained(char *why, size_t len)
{
	long disabled = iou_read_sysctl("/proc/sys/kernel/io_uring_disabled", 0);
	long group = iou_read_sysctl("/proc/sys/kernel/io_uring_group", -1);

	if (disabled >= 2) {
		verdict(IOU_ABSENT, why, len, "io_uring disabled by kernel.io_uring_disabled=%ld (EPERM)",
			disabled);
		return true;
	}
	if (disabled == 1 && !iou_has_cap(CAP_SYS_ADMIN) &&
	    (group < 0 || !in_group((gid_t)group))) {
		verdict(IOU_ABSENT, why, len,
			"io_uring disabled by kernel.io_uring_disabled=1 for callers outside kernel.io_uring_group=%ld (EPERM)",
			group);
		return true;
	}
	if (proc_status_value("Seccomp") == 2) {
		verdict(IOU_ABSENT, why, len, "io_uring_setup refused with EPERM under a seccomp filter");
		return true;
	}
	return false;
}

/* io_uring_setup() refused a ring: is that the environment's doing? */
static enum iou_have setup_refusal(int err, size_t bytes, const char *what,
				   char *why, size_t len)
{
	if (err == EPERM && eperm_explained(why, len))
		return IOU_ABSENT;
	if (err == ENOMEM && iou_memlock_short(bytes, why, len))
		return IOU_ABSENT;
	return verdict(IOU_BROKEN, why, len, "%s refused with %s, which nothing in the environment explains%s",
		       what, iou_errno_name(err),
		       err == EPERM ? " (io_uring_disabled allows it, no seccomp filter)" :
		       err == ENOMEM ? " (the memlock limit is not short)" : "");
}

/* bytes a ring of n entries may pin: rings and SQEs, a page margin each */
static size_t ring_bytes(unsigned int entries)
{
	return (size_t)entries * (64 + 4 + 2 * 16) + 3 * 4096;
}

enum iou_have iou_available(char *why, size_t len)
{
	struct io_uring_params p;
	int fd, err;

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(1, &p);
	if (fd >= 0) {
		close(fd);
		return IOU_PRESENT;
	}
	err = errno;
	if (err == ENOSYS) {
		if (access("/proc/sys/kernel/io_uring_disabled", F_OK) == 0)
			return verdict(IOU_BROKEN, why, len,
				       "io_uring_setup returned ENOSYS, yet the kernel has io_uring (kernel.io_uring_disabled exists)");
		return verdict(IOU_ABSENT, why, len,
			       "io_uring not built into this kernel (ENOSYS: CONFIG_IO_URING off)");
	}
	return setup_refusal(err, ring_bytes(2), "io_uring_setup of a plain 1-entry ring", why, len);
}

/* ---- the channels --------------------------------------------------------- */

static struct {
	bool done;
	int setup_err;			/* a plain ring could not be set up */
	unsigned int features;
	bool have_probe;
	int probe_err;
	unsigned int nr_ops;		/* PROBE's last_op + 1 */
	unsigned short op_flags[256];
	bool have_query;
	int query_err;
	struct io_uring_query_opcode query;
	/* setup flags: tried, accepted, errno of the refusal */
	unsigned int flags_tried, flags_ok;
	int flag_err[32];
	unsigned int level;		/* the interface level, IOU_V() */
	char level_why[96];
} pr;

static void raise_level(unsigned int v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void raise_level(unsigned int v, const char *fmt, ...)
{
	va_list ap;

	if (v <= pr.level)
		return;
	pr.level = v;
	va_start(ap, fmt);
	vsnprintf(pr.level_why, sizeof(pr.level_why), fmt, ap);
	va_end(ap);
}

/* a kernel that counts n of a kind (opcodes 0..n-1) has the newest of them */
static void raise_level_by_count(unsigned int n, const unsigned short *version, size_t len,
				 const char *(*name)(unsigned int))
{
	if (n > len)
		raise_level(IOU_V_NEWER_THAN_ABI, "QUERY counts %u after %s", n, name(len - 1));
	else if (n)
		raise_level(version[n - 1], "QUERY knows %s", name(n - 1));
}

int iou_query(__u32 op, void *data, __u32 size, __u32 *got)
{
	struct io_uring_query_hdr h;

	memset(&h, 0, sizeof(h));
	h.query_data = (__u64)(uintptr_t)data;
	h.query_op = op;
	h.size = size;
	if (sys_io_uring_register(-1, IORING_REGISTER_QUERY, &h, 0) < 0)
		return -errno;
	if (got)
		*got = h.size;
	return h.result;
}

int iou_query_opcodes(struct io_uring_query_opcode *q)
{
	memset(q, 0, sizeof(*q));
	return iou_query(IO_URING_QUERY_OPCODES, q, sizeof(*q), NULL);
}

static void probe_channels(void)
{
	struct io_uring_probe *p;
	struct io_uring_params params;
	size_t sz = sizeof(*p) + 256 * sizeof(struct io_uring_probe_op);
	int fd, ret;

	if (pr.done)
		return;
	pr.done = true;
	memset(&params, 0, sizeof(params));
	fd = sys_io_uring_setup(1, &params);
	if (fd < 0) {
		pr.setup_err = errno;
		return;
	}
	pr.features = params.features;
	for (unsigned int b = 0; b < ARRAY_LEN(feature_version); b++)
		if (pr.features & (1u << b))
			raise_level(feature_version[b], "it reports %s",
				    iou_feature_name(1u << b));

	p = calloc(1, sz);
	ret = p ? sys_io_uring_register(fd, IORING_REGISTER_PROBE, p, 256) : -1;
	if (ret == 0) {
		pr.have_probe = true;
		pr.nr_ops = p->last_op + 1u;
		for (unsigned int i = 0; i < p->ops_len && i < 256; i++)
			pr.op_flags[p->ops[i].op] = p->ops[i].flags;
		raise_level(IOU_V(5, 6), "it answers IORING_REGISTER_PROBE");
		if (p->last_op < ARRAY_LEN(opcode_version))
			raise_level(opcode_version[p->last_op], "PROBE knows %s",
				    iou_opcode_name(p->last_op));
		else
			raise_level(IOU_V_NEWER_THAN_ABI, "PROBE knows opcode %u", p->last_op);
	} else {
		pr.probe_err = p ? errno : ENOMEM;
	}
	free(p);
	close(fd);

	ret = iou_query_opcodes(&pr.query);
	if (ret == 0) {
		pr.have_query = true;
		raise_level(IOU_V(6, 18), "it answers IORING_REGISTER_QUERY");
		/* what QUERY counts it has, the newest of each kind */
		raise_level_by_count(pr.query.nr_register_opcodes, register_op_version,
				     ARRAY_LEN(register_op_version), iou_register_op_name);
		raise_level_by_count(pr.query.nr_query_opcodes, query_op_version,
				     ARRAY_LEN(query_op_version), iou_query_op_name);
	} else {
		pr.query_err = -ret;
	}
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
	case IORING_SETUP_SQ_REWIND:
		return IORING_SETUP_NO_SQARRAY;
	}
	return 0;
}

/* try a ring with this one setup flag (and its companions); 0 or errno */
static int try_setup_flag(unsigned int flag)
{
	struct io_uring_params p;
	struct iou_ring r;
	int ret, wq = -1;

	memset(&p, 0, sizeof(p));
	p.flags = flag | companion_flags(flag);
	if (flag == IORING_SETUP_CQSIZE)
		p.cq_entries = 8;
	if (flag == IORING_SETUP_SQ_AFF)
		p.sq_thread_cpu = (unsigned int)sched_getcpu();
	if (flag == IORING_SETUP_ATTACH_WQ) {
		struct io_uring_params q;

		memset(&q, 0, sizeof(q));
		wq = sys_io_uring_setup(1, &q);
		if (wq < 0)
			return errno;
		p.wq_fd = (unsigned int)wq;
	}
	ret = iou_ring_init_params(&r, 4, &p);
	if (wq >= 0)
		close(wq);
	if (ret == 0)
		iou_ring_exit(&r);
	return -ret;
}

static void probe_setup_flag(unsigned int bit)
{
	unsigned int n = (unsigned int)__builtin_ctz(bit);

	if (pr.flags_tried & bit)
		return;
	pr.flags_tried |= bit;
	pr.flag_err[n] = try_setup_flag(bit);
	if (!pr.flag_err[n]) {
		pr.flags_ok |= bit;
		if (n < ARRAY_LEN(setup_flag_version))
			raise_level(setup_flag_version[n], "setup accepts %s",
				    iou_setup_flag_name(bit));
	}
}

void iou_probe_all(void)
{
	probe_channels();
	if (pr.setup_err)
		return;
	for (unsigned int n = 0; n < ARRAY_LEN(setup_flag_version); n++)
		probe_setup_flag(1u << n);
}

unsigned int iou_interface_level(const char **evidence)
{
	iou_probe_all();
	if (evidence)
		*evidence = pr.level_why;
	return pr.level;
}

/*
 * A refusal with the errno that means "unknown" is absence, unless the
 * kernel demonstrably has something newer than the interface.
 */
enum iou_have iou_have_unless_newer(unsigned int since, const char *what,
				     char *why, size_t len)
{
	const char *evidence;
	unsigned int level = iou_interface_level(&evidence);

	if (since && since <= level)
		return verdict(IOU_BROKEN, why, len,
			       "the kernel has interfaces of %s (%s), so it must have %s (%s), but it refuses it as unknown",
			       version_str(level), evidence, what, version_str(since));
	return verdict(IOU_ABSENT, why, len, "kernel lacks %s", what);
}

enum iou_have iou_have_by_result(int res, int present_res, unsigned int since,
				 const char *what, char *why, size_t len)
{
	if (res == present_res)
		return IOU_PRESENT;
	if (res == -EINVAL)
		return iou_have_unless_newer(since, what, why, len);
	return verdict(IOU_BROKEN, why, len, "%s: probe got %s, expected %s or -EINVAL (unknown)",
		       what, iou_res_str(res), iou_res_str(present_res));
}

static enum iou_have no_plain_ring(char *why, size_t len)
{
	return setup_refusal(pr.setup_err, ring_bytes(2), "io_uring_setup of a plain ring", why, len);
}

/* ---- opcodes ---------------------------------------------------------------- */

/*
 * PROBE marks an opcode unsupported only when its config option is off.
 * The system call that needs the same option tells whether it is.
 */
static bool config_of_opcode_on(int op, const char **config)
{
	int fd;

	switch (op) {
	case IORING_OP_SENDMSG: case IORING_OP_RECVMSG: case IORING_OP_ACCEPT:
	case IORING_OP_CONNECT: case IORING_OP_SEND: case IORING_OP_RECV:
	case IORING_OP_SHUTDOWN: case IORING_OP_SOCKET: case IORING_OP_SEND_ZC:
	case IORING_OP_SENDMSG_ZC: case IORING_OP_BIND: case IORING_OP_LISTEN:
		*config = "CONFIG_NET";
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return errno != ENOSYS && errno != EAFNOSUPPORT;
		close(fd);
		return true;
	case IORING_OP_EPOLL_CTL: case IORING_OP_EPOLL_WAIT:
		*config = "CONFIG_EPOLL";
		fd = epoll_create1(EPOLL_CLOEXEC);
		if (fd < 0)
			return errno != ENOSYS;
		close(fd);
		return true;
	case IORING_OP_FUTEX_WAIT: case IORING_OP_FUTEX_WAKE: case IORING_OP_FUTEX_WAITV: {
		static int word;

		*config = "CONFIG_FUTEX";
		return syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) >= 0 ||
		       errno != ENOSYS;
	}
	case IORING_OP_RECV_ZC:
		/* CONFIG_IO_URING_ZCRX has no system call of its own */
		*config = "CONFIG_IO_URING_ZCRX";
		return false;
	}
	*config = NULL;
	return true;
}

enum iou_have iou_have_opcode(int op, char *why, size_t len)
{
	unsigned int since = op >= 0 && (unsigned int)op < ARRAY_LEN(opcode_version) ?
			     opcode_version[op] : 0;
	const char *config;

	probe_channels();
	if (pr.setup_err)
		return no_plain_ring(why, len);
	if (!pr.have_probe) {
		if (pr.probe_err != EINVAL)
			return verdict(IOU_BROKEN, why, len, "IORING_REGISTER_PROBE failed with %s",
				       iou_errno_name(pr.probe_err));
		if (iou_have_unless_newer(IOU_V(5, 6), "IORING_REGISTER_PROBE", why, len) == IOU_BROKEN)
			return IOU_BROKEN;
		return verdict(IOU_ABSENT, why, len,
			       "kernel lacks IORING_REGISTER_PROBE (before 5.6), so opcode %s cannot be known",
			       iou_opcode_name(op));
	}
	if (pr.have_query && pr.query.nr_request_opcodes != pr.nr_ops)
		return verdict(IOU_BROKEN, why, len,
			       "PROBE knows %u opcodes but QUERY %u", pr.nr_ops,
			       pr.query.nr_request_opcodes);
	if (op < 0 || (unsigned int)op >= pr.nr_ops || op > 255)
		return iou_have_unless_newer(since, iou_opcode_name(op), why, len);
	if (pr.op_flags[op] & IO_URING_OP_SUPPORTED)
		return IOU_PRESENT;
	if (config_of_opcode_on(op, &config) || !config)
		return verdict(IOU_BROKEN, why, len,
			       "PROBE marks %s unsupported, but %s", iou_opcode_name(op),
			       config ? "its config option is on (its system call works)" :
			       "it cannot be compiled out");
	return verdict(IOU_ABSENT, why, len, "kernel lacks opcode %s (not built in: %s)",
		       iou_opcode_name(op), config);
}

bool iou_opcode_supported(int op)
{
	return iou_have_opcode(op, NULL, 0) == IOU_PRESENT;
}

unsigned int iou_probe_nr_ops(void)
{
	probe_channels();
	return pr.nr_ops;
}

unsigned int iou_features(void)
{
	probe_channels();
	return pr.features;
}

/* ---- feature bits -------------------------------------------------------------- */

enum iou_have iou_have_feature(unsigned int feat, char *why, size_t len)
{
	unsigned int bit;

	probe_channels();
	if (pr.setup_err)
		return no_plain_ring(why, len);
	if (pr.have_query && pr.query.feature_flags != pr.features)
		return verdict(IOU_BROKEN, why, len,
			       "setup reports features %#x but QUERY %#llx", pr.features,
			       (unsigned long long)pr.query.feature_flags);
	for (unsigned int f = feat; f; f &= f - 1) {
		bit = f & -f;
		if (pr.features & bit)
			continue;
		return iou_have_unless_newer(__builtin_ctz(bit) < (int)ARRAY_LEN(feature_version) ?
					     feature_version[__builtin_ctz(bit)] : 0,
					     iou_feature_name(bit), why, len);
	}
	return IOU_PRESENT;
}

/* ---- setup flags ------------------------------------------------------------------ */

enum iou_have iou_have_setup_flags(unsigned int flags, char *why, size_t len)
{
	probe_channels();
	if (pr.setup_err)
		return no_plain_ring(why, len);
	for (unsigned int f = flags; f; f &= f - 1) {
		unsigned int bit = f & -f, n = (unsigned int)__builtin_ctz(bit);
		unsigned int since = n < ARRAY_LEN(setup_flag_version) ? setup_flag_version[n] : 0;
		int err;

		probe_setup_flag(bit);
		err = pr.flag_err[n];
		/* SQPOLL took CAP_SYS_ADMIN before 5.11 (FEAT_SQPOLL_NONFIXED) */
		if (err == EPERM && (bit & (IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF)) &&
		    !(pr.features & IORING_FEAT_SQPOLL_NONFIXED) && !iou_has_cap(CAP_SYS_ADMIN))
			return verdict(IOU_ABSENT, why, len,
				       "%s needs CAP_SYS_ADMIN on this kernel (before 5.11)",
				       iou_setup_flag_name(bit));
		if (err && err != EINVAL)
			return setup_refusal(err, ring_bytes(8), iou_setup_flag_name(bit), why, len);
		if (pr.have_query && !err != !!(pr.query.ring_setup_flags & bit))
			return verdict(IOU_BROKEN, why, len,
				       "QUERY %s %s but setup %s it%s%s",
				       pr.query.ring_setup_flags & bit ? "lists" : "does not list",
				       iou_setup_flag_name(bit), err ? "refuses" : "accepts",
				       err ? " with " : "", err ? iou_errno_name(err) : "");
		if (err)
			return iou_have_unless_newer(since, iou_setup_flag_name(bit), why, len);
	}
	return IOU_PRESENT;
}

bool iou_setup_flag_supported(unsigned int flag)
{
	return iou_have_setup_flags(flag, NULL, 0) == IOU_PRESENT;
}

/* ---- register opcodes ----------------------------------------------------------------- */

/*
 * Before QUERY, a known register opcode given a faulting argument with a
 * valid nr_args fails with EFAULT (EPERM for ZCRX without CAP_NET_ADMIN),
 * an unknown one with EINVAL.  NULL will not do: many opcodes refuse
 * "!arg" with EINVAL before looking further.
 */
static int try_register_op(unsigned int op)
{
	struct io_uring_params p;
	void *arg = iou_fault_ptr();
	unsigned int nr = 1;
	int fd = -1, ret, err;

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
			return errno;
	}
	ret = sys_io_uring_register(fd, op, arg, nr);
	err = errno;
	if (fd >= 0)
		close(fd);
	if (ret >= 0 || err == EFAULT || (op == IORING_REGISTER_ZCRX_IFQ && err == EPERM))
		return 0;
	return err;
}

enum iou_have iou_have_register_op(unsigned int op, char *why, size_t len)
{
	static unsigned long long tried, ok;
	static int errs[64];
	unsigned int since;
	int err;

	op &= ~(unsigned int)IORING_REGISTER_USE_REGISTERED_RING;
	since = op < ARRAY_LEN(register_op_version) ? register_op_version[op] : 0;
	probe_channels();
	if (pr.setup_err)
		return no_plain_ring(why, len);
	/* the one register opcode a config option compiles out */
	if (op == IORING_REGISTER_ZCRX_IFQ && try_register_op(op) == EOPNOTSUPP)
		return verdict(IOU_ABSENT, why, len,
			       "kernel lacks %s (not built in: CONFIG_IO_URING_ZCRX, EOPNOTSUPP)",
			       iou_register_op_name(op));
	/*
	 * CONFIG_IO_URING_BPF follows CONFIG_NET (which selects BPF); without
	 * it the opcode is known to QUERY but refuses everything with EINVAL.
	 */
	if (op == IORING_REGISTER_BPF_FILTER) {
		const char *config;

		if (!config_of_opcode_on(IORING_OP_SOCKET, &config))
			return verdict(IOU_ABSENT, why, len,
				       "kernel lacks %s (not built in: CONFIG_IO_URING_BPF needs %s)",
				       iou_register_op_name(op), config);
	}
	/* PROBE answers itself: a listed or implied PROBE that fails is broken */
	if (op == IORING_REGISTER_PROBE && !pr.have_probe) {
		if (pr.probe_err != EINVAL)
			return verdict(IOU_BROKEN, why, len, "IORING_REGISTER_PROBE failed with %s",
				       iou_errno_name(pr.probe_err));
		return iou_have_unless_newer(since, iou_register_op_name(op), why, len);
	}
	if (pr.have_query) {
		if (op < pr.query.nr_register_opcodes)
			return IOU_PRESENT;
		return iou_have_unless_newer(since, iou_register_op_name(op), why, len);
	}
	if (pr.query_err != EINVAL)
		return verdict(IOU_BROKEN, why, len, "IORING_REGISTER_QUERY failed with %s",
			       iou_errno_name(pr.query_err));
	if (iou_have_unless_newer(IOU_V(6, 18), "IORING_REGISTER_QUERY", why, len) == IOU_BROKEN)
		return IOU_BROKEN;
	if (op >= 64 || op >= IORING_REGISTER_QUERY)
		return iou_have_unless_newer(since, iou_register_op_name(op), why, len);
	/*
	 * The opcodes of 5.1 to 5.6 came with PROBE (several refuse any
	 * argument before reading it); RESTRICTIONS and ENABLE_RINGS came with
	 * R_DISABLED (5.10) and refuse an enabled ring with EBADFD first.
	 */
	if (op < IORING_REGISTER_RESTRICTIONS) {
		if (pr.have_probe)
			return IOU_PRESENT;
		return iou_have_unless_newer(since, iou_register_op_name(op), why, len);
	}
	if (op == IORING_REGISTER_RESTRICTIONS || op == IORING_REGISTER_ENABLE_RINGS) {
		enum iou_have have = iou_have_setup_flags(IORING_SETUP_R_DISABLED, why, len);

		if (have == IOU_ABSENT)
			return verdict(IOU_ABSENT, why, len, "kernel lacks %s (no IORING_SETUP_R_DISABLED)",
				       iou_register_op_name(op));
		return have;
	}
	if (!(tried & (1ULL << op))) {
		tried |= 1ULL << op;
		errs[op] = try_register_op(op);
		if (!errs[op])
			ok |= 1ULL << op;
	}
	if (ok & (1ULL << op))
		return IOU_PRESENT;
	err = errs[op];
	if (err == EINVAL)
		return iou_have_unless_newer(since, iou_register_op_name(op), why, len);
	return verdict(IOU_BROKEN, why, len, "%s refused a faulting argument with %s, not EFAULT",
		       iou_register_op_name(op), iou_errno_name(err));
}

bool iou_register_op_supported(unsigned int op)
{
	return iou_have_register_op(op, NULL, 0) == IOU_PRESENT;
}

/* ---- behaviours without a flag of their own ------------------------------------------------ */

/* IORING_NOP_INJECT_RESULT (6.10): before it, any nop_flags are -EINVAL */
enum iou_have iou_have_nop_inject(char *why, size_t len)
{
	static int res = 1;
	struct iou_ring r;
	struct iou_cqe cqe;
	struct io_uring_sqe *sqe;

	if (res == 1) {
		int ret = iou_ring_init(&r, 2, 0);

		if (ret)
			return setup_refusal(-ret, ring_bytes(2), "io_uring_setup", why, len);
		sqe = iou_get_sqe(&r);
		iou_prep_nop(sqe, 1);
		sqe->nop_flags = IORING_NOP_INJECT_RESULT;
		sqe->len = (unsigned int)-EXDEV;
		res = iou_submit_reap(&r, &cqe, 1) == 1 ? cqe.res : -ETIME;
		iou_ring_exit(&r);
	}
	return iou_have_by_result(res, -EXDEV, IOU_V(6, 10), "IORING_NOP_INJECT_RESULT", why, len);
}

bool iou_nop_inject_supported(void)
{
	return iou_have_nop_inject(NULL, 0) == IOU_PRESENT;
}

/* ---- the running kernel's release ---------------------------------------------------------------- */

/*
 * For behaviour that changed without any flag or feature bit to mark it.
 * Debian names its packages by ABI (uname -r 6.1.0-56-amd64); the upstream
 * version is in uname -v ("... Debian 6.1.170-1 ...").
 */
unsigned int iou_kernel_version(void)
{
	static unsigned int v;
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;
	const char *p;

	if (v)
		return v;
	if (uname(&u))
		return 0;
	p = strstr(u.version, "Debian ");
	if (!p || sscanf(p + 7, "%u.%u.%u", &a, &b, &c) < 2)
		sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	v = IOU_KVER(a, b, c > 255 ? 255 : c);
	return v;
}

/* ---- requirements -------------------------------------------------------------------------------- */

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

enum iou_have iou_requirements_met(const struct iou_requirements *req, char *why, size_t len)
{
	enum iou_have have;

	if (req->root && geteuid() != 0)
		return verdict(IOU_ABSENT, why, len, "needs root");
	for (const int *c = req->caps; c && *c >= 0; c++)
		if (!iou_has_cap(*c))
			return verdict(IOU_ABSENT, why, len, "needs %s", cap_name(*c));
	for (const int *op = req->opcodes; op && *op >= 0; op++)
		if ((have = iou_have_opcode(*op, why, len)) != IOU_PRESENT)
			return have;
	for (const int *op = req->register_ops; op && *op >= 0; op++)
		if ((have = iou_have_register_op((unsigned int)*op, why, len)) != IOU_PRESENT)
			return have;
	if ((have = iou_have_setup_flags(req->setup_flags, why, len)) != IOU_PRESENT)
		return have;
	return iou_have_feature(req->features, why, len);
}

/* ---- flags of single opcodes, probed on a scratch ring ------------------------------------------- */

/* the newest version among the bits of flags, per a table of bit versions */
static unsigned int flags_version(unsigned int flags, const unsigned short *v, size_t n)
{
	unsigned int max = 0;

	for (unsigned int f = flags; f; f &= f - 1) {
		unsigned int b = (unsigned int)__builtin_ctz(f);

		if (b < n && v[b] > max)
			max = v[b];
	}
	return max;
}

/* run one request on a scratch ring: its CQE (res -ETIME... if none came) */
static int probe_request(void (*prep)(struct io_uring_sqe *, unsigned int, int),
			 unsigned int flags, int fd, struct iou_cqe *cqe)
{
	struct iou_ring r;
	int ret = iou_ring_init(&r, 4, 0);

	memset(cqe, 0, sizeof(*cqe));
	if (ret)
		return ret;
	prep(iou_get_sqe(&r), flags, fd);
	ret = iou_submit(&r);
	if (ret == 1)
		ret = iou_reap(&r, cqe, 1, IOU_WAIT_MS) == 1 ? 0 : -ETIME;
	else if (ret >= 0)
		ret = -EIO;
	iou_ring_exit(&r);
	return ret;
}

/* user_data no probe or test request uses */
#define PROBE_NO_SUCH_UD	0x7e57dead0000ULL

static void prep_timeout_probe(struct io_uring_sqe *sqe, unsigned int flags, int fd)
{
	/* a static zero timespec: read at submission, expires at once */
	static const struct __kernel_timespec zero;

	/* a multishot probe needs a repeat count to end by itself */
	iou_prep_timeout(sqe, &zero, (flags & IORING_TIMEOUT_MULTISHOT) ? 1 : 0, flags);
	/* IMMEDIATE_ARG (7.1): addr is the time itself, in ns */
	if (flags & IORING_TIMEOUT_IMMEDIATE_ARG)
		sqe->addr = 0;
	(void)fd;
}

static void prep_update_probe(struct io_uring_sqe *sqe, unsigned int flags, int fd)
{
	static const struct __kernel_timespec zero;

	iou_prep_timeout_update(sqe, &zero, PROBE_NO_SUCH_UD, flags);
	(void)fd;
}

static void prep_cancel_probe(struct io_uring_sqe *sqe, unsigned int flags, int fd)
{
	iou_prep_cancel(sqe, PROBE_NO_SUCH_UD, flags);
	sqe->fd = fd;
}

static const unsigned short timeout_flag_version[] = {
	IOU_V(5, 5), IOU_V(5, 11), IOU_V(5, 15), IOU_V(5, 15), IOU_V(5, 15),
	IOU_V(5, 16), IOU_V(6, 4), IOU_V(7, 1),
};

static const unsigned short cancel_flag_version[] = {
	IOU_V(5, 19), IOU_V(5, 19), IOU_V(5, 19), IOU_V(6, 0), IOU_V(6, 6), IOU_V(6, 6),
};

static enum iou_have have_by_probe(int ret, const struct iou_cqe *cqe, int present_res,
				   unsigned int since, const char *what, char *why, size_t len)
{
	if (ret)
		return verdict(IOU_BROKEN, why, len, "probing %s: the scratch ring failed with %s",
			       what, iou_res_str(ret));
	return iou_have_by_result(cqe->res, present_res, since, what, why, len);
}

/* IORING_OP_TIMEOUT accepts these timeout_flags: an expired one is -ETIME */
enum iou_have iou_have_timeout_flags(unsigned int flags, char *why, size_t len)
{
	struct iou_cqe cqe;
	char what[64];
	int ret = probe_request(prep_timeout_probe, flags, -1, &cqe);

	snprintf(what, sizeof(what), "timeout flags %#x", flags);
	/* ETIME_SUCCESS changes only whether the expiry breaks a link */
	return have_by_probe(ret, &cqe, -ETIME,
			     flags_version(flags, timeout_flag_version,
					   ARRAY_LEN(timeout_flag_version)), what, why, len);
}

/* IORING_OP_TIMEOUT_REMOVE accepts these update flags: no such timeout is -ENOENT */
enum iou_have iou_have_timeout_update(unsigned int flags, char *why, size_t len)
{
	struct iou_cqe cqe;
	char what[64];
	int ret = probe_request(prep_update_probe, flags, -1, &cqe);

	snprintf(what, sizeof(what), "timeout update flags %#x", flags);
	return have_by_probe(ret, &cqe, -ENOENT,
			     flags_version(flags, timeout_flag_version,
					   ARRAY_LEN(timeout_flag_version)), what, why, len);
}

/*
 * IORING_OP_ASYNC_CANCEL accepts these cancel_flags: nothing to cancel is
 * -ENOENT (0 cancelled with CANCEL_ALL; -EBADF for a fixed descriptor on a
 * ring without a file table).  What the kernel accepts it must
 * honour: Debian's 6.1.192 accepts CANCEL_USERDATA and CANCEL_OP from a
 * partial backport but poll and timeout requests ignore them, a kernel
 * bug (tests/known-issues), not a missing feature.
 */
enum iou_have iou_have_cancel_flags(unsigned int flags, char *why, size_t len)
{
	struct iou_cqe cqe;
	char what[64];
	int fds[2], ret;

	/* CANCEL_FD needs an open descriptor to get past the fd lookup */
	if (pipe2(fds, O_CLOEXEC))
		return verdict(IOU_BROKEN, why, len, "pipe2: %s", iou_errno_name(errno));
	ret = probe_request(prep_cancel_probe, flags, fds[0], &cqe);
	close(fds[0]);
	close(fds[1]);
	snprintf(what, sizeof(what), "cancel flags %#x", flags);
	/* no file table: a fixed descriptor cannot be looked up (-EBADF) */
	return have_by_probe(ret, &cqe, flags & IORING_ASYNC_CANCEL_FD_FIXED ? -EBADF :
			     flags & IORING_ASYNC_CANCEL_ALL ? 0 : -ENOENT,
			     flags_version(flags, cancel_flag_version,
					   ARRAY_LEN(cancel_flag_version)), what, why, len);
}

/*
 * Multishot poll (5.13): armed on a readable eventfd, the first CQE is
 * POLLIN with IORING_CQE_F_MORE.  Older kernels refuse len != 0.
 */
enum iou_have iou_have_poll_multishot(char *why, size_t len)
{
	struct iou_ring r;
	struct iou_cqe cqe;
	int efd, ret;

	efd = eventfd(1, EFD_CLOEXEC);
	if (efd < 0)
		return verdict(IOU_BROKEN, why, len, "eventfd: %s", iou_errno_name(errno));
	ret = iou_ring_init(&r, 4, 0);
	if (ret) {
		close(efd);
		return setup_refusal(-ret, ring_bytes(4), "io_uring_setup", why, len);
	}
	iou_prep_poll_multishot(iou_get_sqe(&r), efd, POLLIN);
	ret = iou_submit(&r) == 1 && iou_reap(&r, &cqe, 1, IOU_WAIT_MS) == 1 ? 0 : -ETIME;
	iou_ring_exit(&r);
	close(efd);
	if (ret)
		return verdict(IOU_BROKEN, why, len, "a multishot poll probe got no CQE");
	if (cqe.res == -EINVAL)
		return iou_have_unless_newer(IOU_V(5, 13), "IORING_POLL_ADD_MULTI", why, len);
	if (cqe.res != POLLIN || !(cqe.flags & IORING_CQE_F_MORE))
		return verdict(IOU_BROKEN, why, len,
			       "a multishot poll on a readable eventfd completed with res %s flags %#x, not POLLIN with IORING_CQE_F_MORE",
			       iou_res_str(cqe.res), cqe.flags);
	return IOU_PRESENT;
}

/* IORING_RSRC_REGISTER_SPARSE (5.19): a sparse table of one file */
enum iou_have iou_have_rsrc_sparse(char *why, size_t len)
{
	struct io_uring_rsrc_register rr;
	struct iou_ring r;
	enum iou_have have;
	int ret;

	have = iou_have_register_op(IORING_REGISTER_FILES2, why, len);
	if (have != IOU_PRESENT)
		return have;
	ret = iou_ring_init(&r, 2, 0);
	if (ret)
		return setup_refusal(-ret, ring_bytes(2), "io_uring_setup", why, len);
	memset(&rr, 0, sizeof(rr));
	rr.nr = 1;
	rr.flags = IORING_RSRC_REGISTER_SPARSE;
	ret = iou_register(&r, IORING_REGISTER_FILES2, &rr, sizeof(rr));
	iou_ring_exit(&r);
	return iou_have_by_result(ret, 0, IOU_V(5, 19), "IORING_RSRC_REGISTER_SPARSE", why, len);
}

/*
 * The opcode key of IORING_REGISTER_SYNC_CANCEL (io_uring_sync_cancel_reg
 * .opcode, 6.6 with IORING_ASYNC_CANCEL_OP): where the argument has
 * padding instead, a non-zero byte there is refused with EINVAL.  Probed
 * on its own: Debian's 6.1.192 accepts IORING_ASYNC_CANCEL_OP in an SQE
 * (partial backport in 6.1.165) but kept the old sync-cancel argument.
 */
enum iou_have iou_have_sync_cancel_opcode(char *why, size_t len)
{
	struct io_uring_sync_cancel_reg reg;
	struct iou_ring r;
	enum iou_have have;
	int ret;

	have = iou_have_register_op(IORING_REGISTER_SYNC_CANCEL, why, len);
	if (have != IOU_PRESENT)
		return have;
	ret = iou_ring_init(&r, 2, 0);
	if (ret)
		return setup_refusal(-ret, ring_bytes(2), "io_uring_setup", why, len);
	memset(&reg, 0, sizeof(reg));
	reg.addr = PROBE_NO_SUCH_UD;
	reg.flags = IORING_ASYNC_CANCEL_OP;
	reg.opcode = IORING_OP_READ;	/* nothing of it pending: -ENOENT */
	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	ret = iou_register(&r, IORING_REGISTER_SYNC_CANCEL, &reg, 1);
	iou_ring_exit(&r);
	return iou_have_by_result(ret, -ENOENT, IOU_V(6, 6),
				  "the opcode key of IORING_REGISTER_SYNC_CANCEL", why, len);
}
