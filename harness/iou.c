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

#include "iou_kselftest_harness.h"
#include "iou_harness.h"
#include "iou_ring.h"
#include "iou_prep.h"

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
	N(READV_FIXED), N(WRITEV_FIXED), N(PIPE), N(NOP128), N(URING_CMD128),
#undef N
};

_Static_assert(sizeof(opcode_names) / sizeof(*opcode_names) == IORING_OP_LAST,
	       "a name for every opcode");

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
	N(REGISTER_QUERY), N(REGISTER_ZCRX_CTRL), N(REGISTER_BPF_FILTER),
#undef N
};

_Static_assert(sizeof(register_names) / sizeof(*register_names) == IORING_REGISTER_LAST,
	       "a name for every register opcode");

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
	"IORING_SETUP_CQE_MIXED", "IORING_SETUP_SQE_MIXED", "IORING_SETUP_SQ_REWIND",
};

_Static_assert(sizeof(setup_names) / sizeof(*setup_names) ==
	       __builtin_popcount(IOU_SETUP_FLAGS_7_3), "a name for every setup flag");

static const char *bit_name(const char *const *names, size_t nr, const char *kind,
			    unsigned int v)
{
	if (v && !(v & (v - 1))) {
		unsigned int bit = (unsigned int)__builtin_ctz(v);

		if (bit < nr)
			return names[bit];
		return unknown_name(kind, bit);
	}
	return unknown_name(kind, -1);
}

const char *iou_setup_flag_name(unsigned int flag)
{
	return bit_name(setup_names, sizeof(setup_names) / sizeof(*setup_names),
			"setup flag bit ", flag);
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

_Static_assert(sizeof(feature_names) / sizeof(*feature_names) ==
	       __builtin_popcount(IOU_FEAT_FLAGS_7_3), "a name for every feature bit");

const char *iou_feature_name(unsigned int feature)
{
	return bit_name(feature_names, sizeof(feature_names) / sizeof(*feature_names),
			"feature bit ", feature);
}

static const char *const enter_names[] = {
	"IORING_ENTER_GETEVENTS", "IORING_ENTER_SQ_WAKEUP",
	"IORING_ENTER_SQ_WAIT", "IORING_ENTER_EXT_ARG",
	"IORING_ENTER_REGISTERED_RING", "IORING_ENTER_ABS_TIMER",
	"IORING_ENTER_EXT_ARG_REG", "IORING_ENTER_NO_IOWAIT",
};

_Static_assert(sizeof(enter_names) / sizeof(*enter_names) ==
	       __builtin_popcount(IOU_ENTER_FLAGS_7_3), "a name for every enter flag");

const char *iou_enter_flag_name(unsigned int flag)
{
	return bit_name(enter_names, sizeof(enter_names) / sizeof(*enter_names),
			"enter flag bit ", flag);
}

static const char *const query_names[] = {
	[IO_URING_QUERY_OPCODES] = "IO_URING_QUERY_OPCODES",
	[IO_URING_QUERY_ZCRX] = "IO_URING_QUERY_ZCRX",
	[IO_URING_QUERY_SCQ] = "IO_URING_QUERY_SCQ",
	[IO_URING_QUERY_ZCRX_EVENT] = "IO_URING_QUERY_ZCRX_EVENT",
};

_Static_assert(sizeof(query_names) / sizeof(*query_names) == __IO_URING_QUERY_MAX,
	       "a name for every query op");

const char *iou_query_op_name(unsigned int op)
{
	if (op < sizeof(query_names) / sizeof(*query_names) && query_names[op])
		return query_names[op];
	return unknown_name("query op ", (long)op);
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
