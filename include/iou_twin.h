/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An opcode held to its synchronous twin (pread for IORING_OP_READ,
 * renameat2 for IORING_OP_RENAMEAT, ...), row by row of a table of inputs.
 *
 * For each row the driver builds the same scratch state three times, in
 * fresh directories of the case's scratch directory (each one also the
 * working directory while it is in use, so AT_FDCWD and relative paths
 * name the same thing on every side):
 *
 *   side "call":  the system call runs; its result (count or -errno) is
 *                 the expectation;
 *   side "ring":  the opcode runs inline;
 *   side "async": the opcode runs with IOSQE_ASYNC (from an io-wq worker).
 *
 * Each ring side must complete with the call's result, cqe->flags 0 (or
 * what ops->cqe_flags says) and its own user_data, and leave the same
 * visible state: every entry of the directory (type, mode, size, link
 * count, content checksum, symlink target, user.* xattrs), the offset of
 * every descriptor the setup made, the data buffer, and
 * whatever the program's state() hook adds.  A mismatch FAILs naming
 * both results and both states.  Where the opcode is defined to differ,
 * the row says why (differs) and the program's expect() hook gives the
 * opcode's result; the inline and io-wq sides must then agree with each
 * other, in result and state.  A row whose io-wq side is another
 * program's subject says so (no_async) and runs inline only.
 *
 * A row also names the call's result it is about (twin_res, or
 * IOU_TWIN_ANY where that depends on the file system): a row whose
 * setup went wrong fails instead of comparing two identical mistakes.
 *
 * A row's hooks may also keep their own state (ops->st_size bytes, zeroed,
 * in s->st), use the ring the opcode runs on (s->ring, NULL on the call
 * side: to register files, say), and expect CQE flags other than 0
 * (ops->cqe_flags).  Tables whose rows do not start with the row fields
 * (the socket tables) pass them apart: iou_twin_check_row().
 *
 * A program writes a variant struct that starts with IOU_TWIN_ROW_FIELDS,
 * a struct iou_twin_ops, and one case:
 *
 *	FIXTURE_VARIANT(pread) { IOU_TWIN_ROW_FIELDS; int fd; unsigned int len; };
 *	FIXTURE_VARIANT_ADD(pread, bad_fd) { .twin_res = -EBADF, .fd = IOU_FD_BAD };
 *	TEST_F(pread, matches_pread) { iou_twin_check(_metadata, &self->r, &ops, variant); }
 *
 * Everything is static inline: each test program is one translation unit.
 */
#ifndef IOU_TWIN_H
#define IOU_TWIN_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "iou.h"

/* a row's twin_res when the call's result depends on the file system */
#define IOU_TWIN_ANY		INT32_MIN
/* ... when it is some count or descriptor, not an error */
#define IOU_TWIN_NONNEG		(INT32_MIN + 1)

/* the fields every row starts with */
#define IOU_TWIN_ROW_FIELDS						\
	int twin_res;		/* what the call gives, or IOU_TWIN_ANY */ \
	const char *differs;	/* why the opcode's result differs, or NULL */ \
	int ring_res;		/* the opcode's result where it differs (no expect hook) */ \
	bool same_effect;	/* it differs in result only: state compared with the call's */ \
	const char *no_async;	/* why the io-wq side is left out, or NULL */ \
	const char *no_inline	/* why the inline side is left out, or NULL */

struct iou_twin_row {
	IOU_TWIN_ROW_FIELDS;
};

/* ---- one side's scratch state ------------------------------------------ */

#define IOU_TWIN_NFD		4
#define IOU_TWIN_BUF		(64 * 1024)
#define IOU_TWIN_FILE_SIZE	8192	/* "file": the pattern, 8 KiB */
#define IOU_TWIN_BUF_FILL	0xa5	/* the data buffer before each run */

enum iou_twin_side { IOU_TWIN_CALL, IOU_TWIN_RING, IOU_TWIN_ASYNC, IOU_TWIN_SIDES };

struct iou_twin_run {
	enum iou_twin_side side;
	int dirfd;		/* the side's directory, also the cwd */
	char dir[300];
	int fd[IOU_TWIN_NFD];	/* descriptors of the setup (-1: none) */
	int use[IOU_TWIN_NFD];	/* numbers the row uses (may be closed or bad) */
	unsigned char *buf;	/* IOU_TWIN_BUF bytes and a PROT_NONE page after */
	int res;		/* the side's result, for the state() and done() hooks */
	void *priv;		/* the program's own, shared by the sides */
	void *st;		/* the program's per-side state: ops->st_size bytes, zeroed */
	struct iou_ring *ring;	/* the ring the opcode runs on; NULL on the call side */
	struct iou_cqe other;	/* a CQE of another request that came before the result */
	unsigned int others;	/* 1 when other holds one */
};

/*
 * What a program supplies.  setup builds the state in s->dirfd (0 or
 * -errno); call runs the system call (result or -errno); prep fills the
 * SQE (user_data and IOSQE_ASYNC are the driver's); state (optional)
 * appends more visible state (s->res is the side's result); expect
 * (optional) maps the call's result to the opcode's where the row says
 * they differ (else the row's ring_res); cqe_flags (optional) gives the
 * CQE flags a result comes with (else 0); done (optional) releases what
 * setup made beyond s->fd.
 */
struct iou_twin_ops {
	const char *twin;	/* the system call, for diagnostics (NULL: "the system call") */
	size_t st_size;		/* bytes of s->st */
	int (*setup)(struct iou_twin_run *s, const void *row);
	int (*call)(struct iou_twin_run *s, const void *row);
	void (*prep)(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe);
	void (*state)(struct iou_twin_run *s, const void *row, char *out, size_t len);
	int (*expect)(int call_res, const void *row);
	unsigned int (*cqe_flags)(struct iou_twin_run *s, const void *row, int res);
	void (*done)(struct iou_twin_run *s, const void *row);
};

/* ---- descriptors and pointers a row names --------------------------------- */

/*
 * Descriptors by kind, made in the side's directory: IOU_FD_FILE is
 * "file" (the 8 KiB pattern) opened O_RDWR; the pipe kinds are
 * non-blocking and their read end holds "pipe data", and so does the
 * socket (one end of a non-blocking AF_UNIX stream pair); their other
 * end goes to s->fd[slot + 2] (so slot is 0 or 1); IOU_FD_CLOSED is a
 * number that was just closed (200 or above, which no later open of the
 * row takes); IOU_FD_BAD is far above any open one.
 */
enum iou_fd_kind {
	IOU_FD_NONE,
	IOU_FD_FILE,
	IOU_FD_RDONLY,
	IOU_FD_WRONLY,
	IOU_FD_APPEND,
	IOU_FD_DIR,
	IOU_FD_OPATH,
	IOU_FD_PIPE_R,
	IOU_FD_PIPE_W,
	IOU_FD_SOCK,
	IOU_FD_DEVNULL,
	IOU_FD_CLOSED,
	IOU_FD_BAD,
	IOU_FD_NEG,		/* -1 */
	IOU_FD_CWD,		/* AT_FDCWD */
	IOU_FD_EMPTY_FILE,	/* "empty": a 0-byte file, O_RDWR */
};

#define IOU_TWIN_PIPE_DATA	"pipe data"
#define IOU_FD_BAD_NR		(1 << 20)

/* the side's directory as a dirfd for *at() calls: IOU_FD_DIR gives it */
static inline int iou_twin_file(int dirfd, const char *name, size_t size)
{
	unsigned char chunk[4096];
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < size;) {
		size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);

		iou_fill_pattern(chunk, n, done);
		if (pwrite(fd, chunk, n, (off_t)done) != (ssize_t)n) {
			int err = errno ? errno : EIO;

			close(fd);
			return -err;
		}
		done += n;
	}
	return fd;
}

/*
 * Make a descriptor of kind in s: the number to use goes to s->use[slot],
 * an open descriptor also to s->fd[slot] (the driver closes it and
 * reports its offset).  0, or -errno when it could not be made.
 */
static inline int iou_twin_fd(struct iou_twin_run *s, int slot, enum iou_fd_kind kind)
{
	int fd = -1, p[2], ret;

	switch (kind) {
	case IOU_FD_NONE:
	case IOU_FD_NEG:
		s->use[slot] = -1;
		return 0;
	case IOU_FD_CWD:
		s->use[slot] = AT_FDCWD;
		return 0;
	case IOU_FD_BAD:
		s->use[slot] = IOU_FD_BAD_NR;
		return 0;
	case IOU_FD_FILE:
	case IOU_FD_RDONLY:
	case IOU_FD_WRONLY:
	case IOU_FD_APPEND:
		ret = iou_twin_file(s->dirfd, "file", IOU_TWIN_FILE_SIZE);
		if (ret < 0)
			return ret;
		close(ret);
		fd = openat(s->dirfd, "file", O_CLOEXEC |
			    (kind == IOU_FD_RDONLY ? O_RDONLY :
			     kind == IOU_FD_WRONLY ? O_WRONLY :
			     kind == IOU_FD_APPEND ? O_RDWR | O_APPEND : O_RDWR));
		break;
	case IOU_FD_EMPTY_FILE:
		fd = iou_twin_file(s->dirfd, "empty", 0);
		if (fd < 0)
			return fd;
		break;
	case IOU_FD_DIR:
		fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	case IOU_FD_OPATH:
		ret = iou_twin_file(s->dirfd, "file", IOU_TWIN_FILE_SIZE);
		if (ret < 0)
			return ret;
		close(ret);
		fd = openat(s->dirfd, "file", O_PATH | O_CLOEXEC);
		break;
	case IOU_FD_PIPE_R:
	case IOU_FD_PIPE_W:
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
			return -errno;
		if (write(p[1], IOU_TWIN_PIPE_DATA, sizeof(IOU_TWIN_PIPE_DATA)) < 0) {
			close(p[0]);
			close(p[1]);
			return -EIO;
		}
		/* the other end goes to slot + 2, kept open */
		s->fd[slot + 2] = kind == IOU_FD_PIPE_R ? p[1] : p[0];
		fd = kind == IOU_FD_PIPE_R ? p[0] : p[1];
		break;
	case IOU_FD_SOCK:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, p))
			return -errno;
		if (write(p[1], IOU_TWIN_PIPE_DATA, sizeof(IOU_TWIN_PIPE_DATA)) < 0) {
			close(p[0]);
			close(p[1]);
			return -EIO;
		}
		s->fd[slot + 2] = p[1];
		fd = p[0];
		break;
	case IOU_FD_DEVNULL:
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		break;
	case IOU_FD_CLOSED:
		/* above the lowest free numbers, so later opens do not reuse it */
		ret = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (ret < 0)
			return -errno;
		fd = fcntl(ret, F_DUPFD_CLOEXEC, 200);
		close(ret);
		if (fd < 0)
			return -errno;
		close(fd);
		s->use[slot] = fd;
		return 0;
	}
	if (fd < 0)
		return -errno;
	s->fd[slot] = s->use[slot] = fd;
	return 0;
}

/* pointers a row names */
enum iou_ptr_kind {
	IOU_PTR_BUF,		/* the data buffer */
	IOU_PTR_NULL,
	IOU_PTR_FAULT,		/* a PROT_NONE page */
	IOU_PTR_BUF_TAIL,	/* 16 bytes before the buffer's PROT_NONE guard */
};

static inline void *iou_twin_ptr(struct iou_twin_run *s, enum iou_ptr_kind kind)
{
	switch (kind) {
	case IOU_PTR_BUF:
		return s->buf;
	case IOU_PTR_NULL:
		return NULL;
	case IOU_PTR_FAULT:
		return iou_fault_ptr();
	case IOU_PTR_BUF_TAIL:
		return s->buf + IOU_TWIN_BUF - 16;
	}
	return NULL;
}

/* ---- a directory tree and the paths a row names --------------------------- */

/*
 * The tree namespace rows work in, made in the side's directory:
 *   file       8 KiB of the pattern      other     5 bytes
 *   dir/       holding inner (5 bytes)   emptydir/
 *   link -> file                         dangling -> nowhere
 *   loop -> loop (ELOOP)
 */
static inline int iou_twin_tree(struct iou_twin_run *s)
{
	int fd = iou_twin_file(s->dirfd, "file", IOU_TWIN_FILE_SIZE);

	if (fd < 0)
		return fd;
	close(fd);
	if ((fd = iou_twin_file(s->dirfd, "other", 5)) < 0)
		return fd;
	close(fd);
	if (mkdirat(s->dirfd, "dir", 0755) || mkdirat(s->dirfd, "emptydir", 0755) ||
	    symlinkat("file", s->dirfd, "link") || symlinkat("nowhere", s->dirfd, "dangling") ||
	    symlinkat("loop", s->dirfd, "loop"))
		return -errno;
	if ((fd = iou_twin_file(s->dirfd, "dir/inner", 5)) < 0)
		return fd;
	close(fd);
	return 0;
}

/* paths that are not strings: resolved by iou_twin_path() */
#define IOU_PATH_NULL		((const char *)1)
#define IOU_PATH_FAULT		((const char *)2)
#define IOU_PATH_TOO_LONG	((const char *)3)	/* PATH_MAX bytes: ENAMETOOLONG */
#define IOU_PATH_NAME_TOO_LONG	((const char *)4)	/* a 256-byte component */

static inline const char *iou_twin_path(const char *p)
{
	static char too_long[4097], name_too_long[257];

	if (p == IOU_PATH_NULL)
		return NULL;
	if (p == IOU_PATH_FAULT)
		return iou_fault_ptr();
	if (p == IOU_PATH_TOO_LONG) {
		memset(too_long, 'a', sizeof(too_long) - 1);
		for (size_t i = 100; i < sizeof(too_long) - 1; i += 100)
			too_long[i] = '/';
		return too_long;
	}
	if (p == IOU_PATH_NAME_TOO_LONG) {
		memset(name_too_long, 'n', sizeof(name_too_long) - 1);
		return name_too_long;
	}
	return p;
}

/* the scratch file system stores user.* xattrs: 0, or -errno (EOPNOTSUPP: it does not) */
static inline int iou_scratch_user_xattrs(void)
{
	int fd = iou_scratch_file("xattr-probe", 0, 0);
	int ret;

	if (fd < 0)
		return fd;
	ret = fsetxattr(fd, "user.probe", "x", 1, 0) ? -errno : 0;
	close(fd);
	unlink(iou_scratch_path("xattr-probe"));
	return ret;
}

/* SKIP where the scratch file system stores no user.* xattrs (any other failure FAILs) */
#define REQUIRE_SCRATCH_USER_XATTRS() do {					\
	int __xr = iou_scratch_user_xattrs();					\
	if (__xr == -EOPNOTSUPP)						\
		SKIP(return, "the scratch file system (%s) stores no user.* xattrs", \
		     iou_scratch_dir());						\
	ASSERT_RES(0, __xr);							\
	} while (0)

/*
 * No descriptor number free for the side's new descriptor: RLIMIT_NOFILE
 * lowered to the lowest free number (EMFILE for the next one), the old
 * limits kept in saved for iou_twin_fds_restore().  0, or -errno.
 */
static inline int iou_twin_fds_exhaust(struct rlimit *saved)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, saved))
		return -errno;
	rl = *saved;
	rl.rlim_cur = (rlim_t)iou_lowest_free_fd();
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

static inline void iou_twin_fds_restore(const struct rlimit *saved)
{
	if (saved->rlim_max)
		setrlimit(RLIMIT_NOFILE, saved);
}

/* ---- visible state ----------------------------------------------------------- */

/* FNV-1a over bytes: contents as one number */
#define IOU_HASH_INIT	1469598103934665603ULL

static inline unsigned long long iou_hash_update(unsigned long long h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
	return h;
}

static inline long long iou_hash_bytes(const void *p, size_t n)
{
	return (long long)iou_hash_update(IOU_HASH_INIT, p, n);
}

static inline void iou_twin_appendf(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void iou_twin_appendf(char *out, size_t len, const char *fmt, ...)
{
	size_t used = strlen(out);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(out + used, len - used, fmt, ap);
	va_end(ap);
}

/* one named number of a state() hook's visible state */
static inline void iou_twin_field(char *out, size_t len, const char *name, long long v)
{
	iou_twin_appendf(out, len, "%s: %lld\n", name, v);
}

/* user.* xattrs of an entry (names and values), in the order listed */
static inline void iou_twin_xattrs(int dirfd, const char *name, char *out, size_t len)
{
	char path[64], names[1024], val[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, name);
	n = llistxattr(path, names, sizeof(names));
	for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(names + i) + 1) {
		ssize_t v;

		if (strncmp(names + i, "user.", 5))
			continue;
		v = lgetxattr(path, names + i, val, sizeof(val));
		iou_twin_appendf(out, len, " %s=%llx", names + i, v < 0 ? 0ULL :
				 iou_hash_update(IOU_HASH_INIT, val, (size_t)v));
	}
}

static inline int iou_twin_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What descriptor fd is (for opcodes that make one): status flags,
 * close-on-exec, type and size, and offset; it is then closed.
 */
static inline void iou_twin_describe_fd(int fd, char *out, size_t len)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		iou_twin_appendf(out, len, "new fd: none\n");
		return;
	}
	iou_twin_appendf(out, len, "new fd: flags %#x fd flags %#x mode %o size %lld offset %lld\n",
			 (unsigned int)fcntl(fd, F_GETFL), (unsigned int)fcntl(fd, F_GETFD),
			 (unsigned int)st.st_mode, (long long)st.st_size,
			 (long long)lseek(fd, 0, SEEK_CUR));
	close(fd);
}

/*
 * Every entry of the directory dirfd, sorted, recursively: type, mode,
 * size, links, content checksum or link target, user.* xattrs.  Inode
 * numbers and times differ between sides and are left out.
 */
static inline void iou_twin_snap_dir(int dirfd, const char *prefix, char *out, size_t len)
{
	char *names[64];
	int n = 0, dfd = dup(dirfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	if (!d) {
		iou_twin_appendf(out, len, "[%s: unreadable]", prefix);
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((e = readdir(d)) && n < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), iou_twin_name_cmp);
	for (int i = 0; i < n; i++) {
		struct stat st;
		char target[256];

		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW)) {
			iou_twin_appendf(out, len, "%s%s:gone\n", prefix, names[i]);
			continue;
		}
		iou_twin_appendf(out, len, "%s%s: mode %o size %lld links %u", prefix,
				 names[i], (unsigned int)st.st_mode, (long long)st.st_size,
				 (unsigned int)st.st_nlink);
		if (S_ISLNK(st.st_mode)) {
			ssize_t t = readlinkat(dirfd, names[i], target, sizeof(target) - 1);

			target[t < 0 ? 0 : t] = 0;
			iou_twin_appendf(out, len, " -> %s", target);
		} else if (S_ISREG(st.st_mode)) {
			int fd = openat(dirfd, names[i], O_RDONLY | O_CLOEXEC | O_NOATIME);
			unsigned long long h = IOU_HASH_INIT;
			unsigned char b[4096];
			ssize_t r;

			if (fd < 0)
				fd = openat(dirfd, names[i], O_RDONLY | O_CLOEXEC);
			while (fd >= 0 && (r = read(fd, b, sizeof(b))) > 0)
				h = iou_hash_update(h, b, (size_t)r);
			if (fd >= 0)
				close(fd);
			iou_twin_appendf(out, len, " data %llx", (unsigned long long)h);
		}
		iou_twin_xattrs(dirfd, names[i], out, len);
		iou_twin_appendf(out, len, "\n");
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			char p[256];

			snprintf(p, sizeof(p), "%s%s/", prefix, names[i]);
			if (sub >= 0) {
				iou_twin_snap_dir(sub, p, out, len);
				close(sub);
			}
		}
		free(names[i]);
	}
}

/* the side's whole visible state, as text */
static inline void iou_twin_snapshot(struct iou_twin_run *s, const struct iou_twin_ops *ops,
				     const void *row, char *out, size_t len)
{
	size_t used = 0;

	out[0] = 0;
	iou_twin_snap_dir(s->dirfd, "", out, len);
	for (int i = 0; i < IOU_TWIN_NFD; i++) {
		if (s->fd[i] < 0)
			continue;
		int queued = -1;

		/* what a pipe or socket holds to be read */
		if (ioctl(s->fd[i], FIONREAD, &queued))
			queued = -1;
		iou_twin_appendf(out, len, "fd%d: offset %lld flags %#x queued %d\n", i,
				 (long long)lseek(s->fd[i], 0, SEEK_CUR),
				 (unsigned int)fcntl(s->fd[i], F_GETFL), queued);
	}
	/* how much of the buffer changed, and to what */
	for (size_t i = 0; i < IOU_TWIN_BUF; i++)
		if (s->buf[i] != IOU_TWIN_BUF_FILL)
			used = i + 1;
	iou_twin_appendf(out, len, "buf: %zu bytes %llx\n", used,
			 iou_hash_update(IOU_HASH_INIT, s->buf, used));
	if (ops && ops->state)
		ops->state(s, row, out + strlen(out), len - strlen(out));
}

/* ---- the driver ---------------------------------------------------------------- */

static const char *const iou_twin_side_name[IOU_TWIN_SIDES] = {
	"call", "ring", "async",
};

/* user_data of the ring sides: differs above bit 31 too */
#define IOU_TWIN_UD(side)	(0x7717000000000000ULL | ((__u64)(side) << 32) | 0x51deU)

/* a fresh side: its directory (also the cwd), the buffer refilled, st zeroed */
static inline int iou_twin_side_begin(struct iou_twin_run *s, enum iou_twin_side side,
				      unsigned char *buf, size_t st_size)
{
	snprintf(s->dir, sizeof(s->dir), "%s", iou_scratch_path(iou_twin_side_name[side]));
	s->side = side;
	s->buf = buf;
	for (int i = 0; i < IOU_TWIN_NFD; i++)
		s->fd[i] = s->use[i] = -1;
	memset(buf, IOU_TWIN_BUF_FILL, IOU_TWIN_BUF);
	s->st = calloc(1, st_size ? st_size : 1);
	if (!s->st)
		return -ENOMEM;
	if (mkdir(s->dir, 0755))
		return -errno;
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0)
		return -errno;
	return fchdir(s->dirfd) ? -errno : 0;
}

/* after done(): the setup's descriptors closed, the directory left */
static inline void iou_twin_side_end(struct iou_twin_run *s)
{
	for (int i = 0; i < IOU_TWIN_NFD; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	close(s->dirfd);
	free(s->st);
	s->st = NULL;
	if (chdir(iou_scratch_dir()))
		iou_log("cannot leave %s", s->dir);
}

static inline bool iou_twin_zero_copy(int opcode)
{
	return opcode == IORING_OP_SEND_ZC || opcode == IORING_OP_SENDMSG_ZC;
}

/*
 * Submit the SQE prepared on s's side and reap its CQE: a CQE of another
 * request that comes first is kept in s->other (a POLL_REMOVE's target
 * may complete before it); a zero-copy send's F_MORE must be followed by
 * exactly one notification with the same user_data.  1, or -errno.
 */
static inline int iou_twin_reap(struct iou_ring *r, struct iou_twin_run *s,
				struct iou_cqe *cqe, int opcode)
{
	struct iou_cqe notif;
	int ret = iou_submit_reap(r, cqe, 1);

	if (ret == 1 && cqe->user_data != IOU_TWIN_UD(s->side)) {
		s->other = *cqe;
		s->others = 1;
		ret = iou_reap(r, cqe, 1, IOU_WAIT_MS);
	}
	if (ret == 1 && iou_twin_zero_copy(opcode) && (cqe->flags & IORING_CQE_F_MORE)) {
		ret = iou_reap(r, &notif, 1, IOU_WAIT_MS);
		if (ret == 1 && (notif.user_data != cqe->user_data ||
				 notif.flags != IORING_CQE_F_NOTIF))
			ret = -EPROTO;
	}
	return ret;
}

/* the opcode on one side: its CQE's res (user_data and flags checked) */
static inline int iou_twin_run_ring(struct __test_metadata *_metadata, struct iou_ring *r,
				    struct iou_twin_run *s, const struct iou_twin_ops *ops,
				    const void *row)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe = { 0 };
	unsigned int flags;

	ops->prep(s, row, sqe);
	sqe->user_data = IOU_TWIN_UD(s->side);
	if (s->side == IOU_TWIN_ASYNC)
		sqe->flags |= IOSQE_ASYNC;
	EXPECT_EQ(1, iou_twin_reap(r, s, &cqe, sqe->opcode)) TH_LOG("the opcode posted no CQE");
	EXPECT_EQ(IOU_TWIN_UD(s->side), cqe.user_data);
	flags = ops->cqe_flags ? ops->cqe_flags(s, row, cqe.res) : 0;
	if (cqe.flags != flags)
		TH_LOG("%s: CQE flags %#x, expected %#x", iou_twin_side_name[s->side],
		       cqe.flags, flags);
	EXPECT_EQ(flags, cqe.flags);
	return cqe.res;
}

#define IOU_TWIN_STATE	8192

/* a state dump, a KTAP diagnostic line per line */
static inline void iou_twin_log_state(const char *name, const char *state)
{
	const char *nl;

	iou_log("state after the %s:", name);
	for (; *state; state = nl + 1) {
		nl = strchr(state, '\n');
		if (!nl) {
			iou_log("  %s", state);
			break;
		}
		iou_log("  %.*s", (int)(nl - state), state);
	}
}

/* two sides' visible state: equal, or both logged */
static inline bool iou_twin_same_state(const char *ref, const char *ref_name,
				       const char *got, const char *got_name)
{
	if (!strcmp(ref, got))
		return true;
	iou_twin_log_state(ref_name, ref);
	iou_twin_log_state(got_name, got);
	return false;
}

/*
 * Run the row on the call side and the ring sides it does not leave out,
 * and compare.  hdr holds the row fields (row itself where the row starts
 * with IOU_TWIN_ROW_FIELDS); priv is handed to the hooks in s->priv.
 */
static inline void iou_twin_check_row(struct __test_metadata *_metadata, struct iou_ring *r,
				      const struct iou_twin_ops *ops, const void *row,
				      const struct iou_twin_row *hdr, void *priv)
{
	const char *twin = ops->twin ? ops->twin : "the system call";
	size_t map = IOU_TWIN_BUF + IOU_PAGE_SIZE;
	unsigned char *mem = mmap(NULL, map, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static char state[IOU_TWIN_SIDES][IOU_TWIN_STATE];
	bool ran[IOU_TWIN_SIDES] = { true, !hdr->no_inline, !hdr->no_async };
	int res[IOU_TWIN_SIDES], want;

	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, mprotect(mem + IOU_TWIN_BUF, IOU_PAGE_SIZE, PROT_NONE));
	for (int side = 0; side < IOU_TWIN_SIDES; side++) {
		struct iou_twin_run s = { .priv = priv };
		int ret;

		res[side] = 0;
		state[side][0] = 0;
		if (!ran[side])
			continue;
		ret = iou_twin_side_begin(&s, (enum iou_twin_side)side, mem, ops->st_size);
		ASSERT_RES(0, ret);
		s.ring = side == IOU_TWIN_CALL ? NULL : r;
		ret = ops->setup(&s, row);
		if (ret)
			TH_LOG("setup of side %s failed", iou_twin_side_name[side]);
		ASSERT_RES(0, ret);
		if (side == IOU_TWIN_CALL)
			res[side] = ops->call(&s, row);
		else
			res[side] = iou_twin_run_ring(_metadata, r, &s, ops, row);
		s.res = res[side];
		iou_twin_snapshot(&s, ops, row, state[side], IOU_TWIN_STATE);
		if (ops->done)
			ops->done(&s, row);
		iou_twin_side_end(&s);
	}
	munmap(mem, map);

	if (getenv("IOU_TWIN_LOG"))
		TH_LOG("%s: %s", twin, iou_res_str(res[IOU_TWIN_CALL]));
	if (hdr->twin_res == IOU_TWIN_NONNEG) {
		if (res[IOU_TWIN_CALL] < 0)
			TH_LOG("%s gave %s where the row expects success: %s",
			       twin, iou_res_str(res[IOU_TWIN_CALL]),
			       "the row's state is not what it says");
		EXPECT_LE(0, res[IOU_TWIN_CALL]);
	} else if (hdr->twin_res != IOU_TWIN_ANY) {
		if (hdr->twin_res != res[IOU_TWIN_CALL])
			TH_LOG("%s gave %s where the row expects %s: %s",
			       twin, iou_res_str(res[IOU_TWIN_CALL]), iou_res_str(hdr->twin_res),
			       "the row's state is not what it says");
		EXPECT_EQ(hdr->twin_res, res[IOU_TWIN_CALL]);
	}
	want = res[IOU_TWIN_CALL];
	if (hdr->differs)
		want = ops->expect ? ops->expect(want, row) : hdr->ring_res;
	for (int side = IOU_TWIN_RING; side < IOU_TWIN_SIDES; side++) {
		/* a result that differs may leave other state: the sides agree among themselves */
		int ref = hdr->differs && !hdr->same_effect && ran[IOU_TWIN_RING] ?
			IOU_TWIN_RING : IOU_TWIN_CALL;

		if (!ran[side])
			continue;
		if (res[side] != want)
			TH_LOG("%s: %s gave %s, the opcode %s (expected %s%s%s)",
			       iou_twin_side_name[side], twin, iou_res_str(res[IOU_TWIN_CALL]),
			       iou_res_str(res[side]), iou_res_str(want),
			       hdr->differs ? ": " : "", hdr->differs ? hdr->differs : "");
		EXPECT_EQ(want, res[side]);
		EXPECT_TRUE(iou_twin_same_state(state[ref], ref == IOU_TWIN_CALL ? twin :
						"inline opcode", state[side],
						iou_twin_side_name[side]));
	}
}

static inline void iou_twin_check_priv(struct __test_metadata *_metadata, struct iou_ring *r,
				       const struct iou_twin_ops *ops, const void *row,
				       void *priv)
{
	iou_twin_check_row(_metadata, r, ops, row, row, priv);
}

static inline void iou_twin_check(struct __test_metadata *_metadata, struct iou_ring *r,
				  const struct iou_twin_ops *ops, const void *row)
{
	iou_twin_check_row(_metadata, r, ops, row, row, NULL);
}

/* ---- one buffer read or written: READ/WRITE held to pread/pwrite ---------- */

/*
 * A row of a single-buffer READ or WRITE: the descriptor by kind, the
 * offset (-1: the file position, and read(2)/write(2) the twin), the
 * length and the buffer by kind.  A WRITE writes the pattern at a
 * distinct offset, so what lands in the file is told from what was there.
 */
#define IOU_TWIN_RW_FIELDS						\
	IOU_TWIN_ROW_FIELDS;						\
	int opcode;		/* IORING_OP_READ or IORING_OP_WRITE */	\
	enum iou_fd_kind fd;						\
	long long off;							\
	unsigned int len;						\
	enum iou_ptr_kind buf

struct iou_twin_rw_row {
	IOU_TWIN_RW_FIELDS;
};

static inline int iou_twin_rw_setup(struct iou_twin_run *s, const void *row)
{
	const struct iou_twin_rw_row *v = row;

	if (v->opcode == IORING_OP_WRITE)
		iou_fill_pattern(s->buf, IOU_TWIN_BUF, 1 << 30);
	return iou_twin_fd(s, 0, v->fd);
}

static inline int iou_twin_rw_call(struct iou_twin_run *s, const void *row)
{
	const struct iou_twin_rw_row *v = row;
	void *buf = iou_twin_ptr(s, v->buf);
	int fd = s->use[0];
	ssize_t ret;

	if (v->opcode == IORING_OP_WRITE)
		ret = v->off == -1 ? write(fd, buf, v->len) :
				     pwrite(fd, buf, v->len, (off_t)v->off);
	else
		ret = v->off == -1 ? read(fd, buf, v->len) :
				     pread(fd, buf, v->len, (off_t)v->off);
	return ret < 0 ? -errno : (int)ret;
}

static inline void iou_twin_rw_prep(struct iou_twin_run *s, const void *row,
				    struct io_uring_sqe *sqe)
{
	const struct iou_twin_rw_row *v = row;

	iou_prep_rw(sqe, v->opcode, s->use[0], iou_twin_ptr(s, v->buf), v->len, (__u64)v->off);
}

static const struct iou_twin_ops iou_twin_rw_ops __attribute__((unused)) = {
	.setup = iou_twin_rw_setup, .call = iou_twin_rw_call, .prep = iou_twin_rw_prep,
};

/* how the opcode's result legitimately differs from the call's */
struct iou_twin_diff {
	const char *why;	/* the upstream reason; NULL: no difference */
	int ring_res;		/* the opcode's result instead of the call's */
};

/*
 * A socket table's row, whose expectation is the call's result whatever
 * it is: the opcode inline or from io-wq (iowq); where diff says it gives
 * another result, with the same visible effect.
 */
static inline void iou_twin_check_side(struct __test_metadata *_metadata, struct iou_ring *r,
				       const struct iou_twin_ops *ops, const void *row,
				       bool iowq, const struct iou_twin_diff *diff)
{
	const struct iou_twin_row hdr = {
		.twin_res = IOU_TWIN_ANY,
		.differs = diff ? diff->why : NULL,
		.ring_res = diff ? diff->ring_res : 0,
		.same_effect = true,
		.no_inline = iowq ? "the inline side is a case of its own" : NULL,
		.no_async = iowq ? NULL : "the io-wq side is a case of its own",
	};

	iou_twin_check_row(_metadata, r, ops, row, &hdr, NULL);
}

/*
 * The two cases of a socket twin table: name (the opcode inline) and
 * name_from_iowq.  diff: a const struct iou_twin_diff * or NULL, evaluated
 * in the case (it may use variant).
 */
#define IOU_TWIN_SIDE_CASES(fixture, name, ops, row, diff)			\
	TEST_F(fixture, name)							\
	{									\
		iou_twin_check_side(_metadata, &self->r, ops, row, false, diff); \
	}									\
	TEST_F(fixture, name##_from_iowq)					\
	{									\
		iou_twin_check_side(_metadata, &self->r, ops, row, true, diff);	\
	}

/* ---- reserved SQE fields ------------------------------------------------------- */

/*
 * An SQE field an opcode does not use, set non-zero in turn: the kernel
 * either refuses it at prep (-EINVAL) or ignores it; which, and since
 * which release, is read from the opcode's prep function.
 */
struct iou_sqe_field {
	const char *name;
	unsigned int off, size;
	unsigned long long value;	/* what it is set to; 0 means 1 */
};

#define IOU_SQE_FIELD_AS(name, f, v)	{ name, offsetof(struct io_uring_sqe, f), \
					  sizeof(((struct io_uring_sqe *)0)->f), (v) }
#define IOU_SQE_FIELD(f)		IOU_SQE_FIELD_AS(#f, f, 0)
#define IOU_SQE_FIELD_V(f, v)		IOU_SQE_FIELD_AS(#f, f, v)

/* set the field to its value (little-endian: the low bytes first) */
static inline void iou_sqe_field_poke(struct io_uring_sqe *sqe, const struct iou_sqe_field *f)
{
	unsigned long long v = f->value ? f->value : 1;

	memset((unsigned char *)sqe + f->off, 0, f->size);
	memcpy((unsigned char *)sqe + f->off, &v, f->size < sizeof(v) ? f->size : sizeof(v));
}

/*
 * A program's valid request of an opcode (one ops for all the opcodes a
 * program covers, or one per opcode), made in a fresh side directory:
 * setup builds what it needs (0 or -errno; s->ring is the ring the
 * request runs on), prep fills the SQE, state (optional) appends what
 * the request visibly changed beyond the directory, the setup's
 * descriptors and the buffer (s->res is its result, INT32_MIN when
 * nothing was submitted), done (optional) releases what setup and the
 * request made (res: its result).
 */
struct iou_rsv_ops {
	size_t st_size;		/* bytes of s->st */
	int (*setup)(struct iou_twin_run *s, int opcode);
	void (*prep)(struct iou_twin_run *s, int opcode, struct io_uring_sqe *sqe);
	void (*state)(struct iou_twin_run *s, int opcode, char *out, size_t len);
	void (*done)(struct iou_twin_run *s, int opcode, int res);
};

/* what one run left: the CQE (res INT32_MIN when nothing was submitted) and the state */
struct iou_rsv_result {
	struct iou_cqe cqe;
	char state[IOU_TWIN_STATE];
};

/*
 * Set up the request on side (CALL: set up only, nothing submitted; RING:
 * the valid request; ASYNC: with f set) and record what it did.  0, or
 * -errno when setup failed or no CQE came.
 */
static inline int iou_rsv_run(struct __test_metadata *_metadata, struct iou_ring *r,
			      const struct iou_rsv_ops *ops, int opcode,
			      const struct iou_sqe_field *f, enum iou_twin_side side,
			      unsigned char *mem, void *priv, struct iou_rsv_result *out)
{
	struct iou_twin_run s = { .priv = priv, .ring = r };
	struct io_uring_sqe *sqe;
	int ret = iou_twin_side_begin(&s, side, mem, ops->st_size);

	memset(&out->cqe, 0, sizeof(out->cqe));
	out->cqe.res = INT32_MIN;
	if (!ret)
		ret = ops->setup(&s, opcode);
	if (ret) {
		TH_LOG("setup for %s failed: %s", iou_opcode_name(opcode), iou_res_str(ret));
		iou_twin_side_end(&s);
		return ret;
	}
	if (side != IOU_TWIN_CALL) {
		sqe = iou_get_sqe(r);
		ops->prep(&s, opcode, sqe);
		if (f)
			iou_sqe_field_poke(sqe, f);
		sqe->user_data = IOU_TWIN_UD(side);
		ret = iou_twin_reap(r, &s, &out->cqe, opcode);
		if (ret != 1)
			TH_LOG("%s: no CQE, or a wrong notification (%s)", iou_opcode_name(opcode),
			       iou_res_str(ret));
		else if (out->cqe.user_data != IOU_TWIN_UD(side))
			ret = -EPROTO;
		ret = ret == 1 ? 0 : ret < 0 ? ret : -EPROTO;
	}
	s.res = out->cqe.res;
	iou_twin_snapshot(&s, NULL, NULL, out->state, IOU_TWIN_STATE);
	if (ops->state)
		ops->state(&s, opcode, out->state + strlen(out->state),
			   IOU_TWIN_STATE - strlen(out->state));
	if (ops->done)
		ops->done(&s, opcode, out->cqe.res);
	iou_twin_side_end(&s);
	return ret;
}

/*
 * The opcode's valid request completes with some res >= 0; the same
 * request with field f set must complete with -EINVAL and do nothing if
 * refused, else with that same res and flags, doing the same.
 */
static inline void iou_rsv_check_priv(struct __test_metadata *_metadata, struct iou_ring *r,
				      const struct iou_rsv_ops *ops, int opcode,
				      const struct iou_sqe_field *f, bool refused, void *priv)
{
	static struct iou_rsv_result untouched, clean, poked;
	size_t map = IOU_TWIN_BUF + IOU_PAGE_SIZE;
	unsigned char *mem = mmap(NULL, map, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const char *name = iou_opcode_name(opcode);
	int want;

	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, mprotect(mem + IOU_TWIN_BUF, IOU_PAGE_SIZE, PROT_NONE));
	ASSERT_RES(0, iou_rsv_run(_metadata, r, ops, opcode, NULL, IOU_TWIN_CALL, mem, priv,
				  &untouched));
	ASSERT_RES(0, iou_rsv_run(_metadata, r, ops, opcode, NULL, IOU_TWIN_RING, mem, priv,
				  &clean));
	if (clean.cqe.res < 0)
		TH_LOG("%s without %s set: %s (the request must be valid)", name, f->name,
		       iou_res_str(clean.cqe.res));
	ASSERT_LE(0, clean.cqe.res);
	/* a receive may say more is queued; a zero-copy send, that a notification follows */
	ASSERT_EQ(0u, clean.cqe.flags & ~(IORING_CQE_F_SOCK_NONEMPTY |
					  (iou_twin_zero_copy(opcode) ? IORING_CQE_F_MORE : 0)));
	ASSERT_RES(0, iou_rsv_run(_metadata, r, ops, opcode, f, IOU_TWIN_ASYNC, mem, priv,
				  &poked));
	munmap(mem, map);
	want = refused ? -EINVAL : clean.cqe.res;
	if (poked.cqe.res != want)
		TH_LOG("%s with %s set: %s, expected %s (%s)", name, f->name,
		       iou_res_str(poked.cqe.res), iou_res_str(want),
		       refused ? "refused at prep" : "ignored");
	ASSERT_EQ(want, poked.cqe.res);
	if (refused) {
		/* a zero-copy send may have had its notification set up */
		ASSERT_EQ(0u, poked.cqe.flags & ~(iou_twin_zero_copy(opcode) ?
						  IORING_CQE_F_MORE : 0));
		EXPECT_TRUE(iou_twin_same_state(untouched.state, "setup alone", poked.state,
						"refused request"));
	} else {
		ASSERT_EQ(clean.cqe.flags, poked.cqe.flags);
		EXPECT_TRUE(iou_twin_same_state(clean.state, "valid request", poked.state,
						"request with the field set"));
	}
}

static inline void iou_rsv_check(struct __test_metadata *_metadata, struct iou_ring *r,
				 const struct iou_rsv_ops *ops, int opcode,
				 const struct iou_sqe_field *f, bool refused)
{
	iou_rsv_check_priv(_metadata, r, ops, opcode, f, refused, NULL);
}

/*
 * For requests without a successful form that needs no setup (a futex
 * wait, a WAITID): the SQE base completes with some res other than
 * -EINVAL (an error is fine: -EAGAIN, -ECHILD); with field f set it must
 * complete with -EINVAL if refused, else with that same res.  Inline.
 */
static inline void iou_rsv_check_sqe(struct __test_metadata *_metadata, struct iou_ring *r,
				     const struct io_uring_sqe *base,
				     const struct iou_sqe_field *f, bool refused)
{
	struct iou_cqe c[2];

	for (int poked = 0; poked < 2; poked++) {
		struct io_uring_sqe *sqe = iou_get_sqe(r);

		*sqe = *base;
		if (poked)
			iou_sqe_field_poke(sqe, f);
		sqe->user_data = 0x5e5e0000ULL + (unsigned int)poked;
		ASSERT_EQ(1, iou_submit_reap(r, &c[poked], 1));
		ASSERT_EQ(0x5e5e0000ULL + (unsigned int)poked, c[poked].user_data);
		ASSERT_EQ(0u, c[poked].flags);
	}
	if (c[0].res == -EINVAL)
		TH_LOG("%s without %s set: -EINVAL (the request must be valid)",
		       iou_opcode_name(base->opcode), f->name);
	ASSERT_NE(-EINVAL, c[0].res);
	if (c[1].res != (refused ? -EINVAL : c[0].res))
		TH_LOG("%s with %s set: %s, expected %s (%s)", iou_opcode_name(base->opcode),
		       f->name, iou_res_str(c[1].res),
		       iou_res_str(refused ? -EINVAL : c[0].res),
		       refused ? "refused at prep" : "ignored");
	ASSERT_EQ(refused ? -EINVAL : c[0].res, c[1].res);
}

#endif /* IOU_TWIN_H */

/*
 * The fixture every reserved-field program shares, "reserved": a ring (the
 * opcode required first) and a row per opcode and field.  Include this
 * header with IOU_RSV_FIXTURE defined, then list the rows:
 *
 *	IOU_RSV(FSYNC, addr, true);	(variant FSYNC_addr: refused)
 *
 * A program whose answer depends on more sets .rule (its own values) or
 * gives each row its own ops (.ops) with a row macro of its own.
 */
#ifdef IOU_RSV_FIXTURE
FIXTURE(reserved) {
	struct iou_ring r;
};

FIXTURE_VARIANT(reserved) {
	int opcode;
	struct iou_sqe_field field;
	bool refused;
	int rule;				/* the program's own rule, if any */
	const struct iou_rsv_ops *ops;		/* the row's own ops, if any */
};

#define IOU_RSV(op, f, refused_)						\
	FIXTURE_VARIANT_ADD(reserved, op##_##f) {				\
		.opcode = IORING_OP_##op, .field = IOU_SQE_FIELD(f), .refused = (refused_) \
	}

FIXTURE_SETUP(reserved)
{
	REQUIRE_OPCODE(variant->opcode);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(reserved)
{
	iou_ring_exit(&self->r);
}
#undef IOU_RSV_FIXTURE
#endif

/*
 * The fixture of a twin table that needs nothing but a ring (and, with
 * IOU_TWIN_OPCODE defined, the opcode): define IOU_TWIN_FIXTURE as the
 * fixture's name and include this header, then declare its variant.
 */
#ifdef IOU_TWIN_FIXTURE
#define __IOU_TWIN_FIXTURE(f)		FIXTURE(f)
#define __IOU_TWIN_SETUP(f)		FIXTURE_SETUP(f)
#define __IOU_TWIN_TEARDOWN(f)		FIXTURE_TEARDOWN(f)

__IOU_TWIN_FIXTURE(IOU_TWIN_FIXTURE) {
	struct iou_ring r;
};

__IOU_TWIN_SETUP(IOU_TWIN_FIXTURE)
{
#ifdef IOU_TWIN_OPCODE
	REQUIRE_OPCODE(IOU_TWIN_OPCODE);
#endif
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

__IOU_TWIN_TEARDOWN(IOU_TWIN_FIXTURE)
{
	iou_ring_exit(&self->r);
}
#undef IOU_TWIN_FIXTURE
#undef IOU_TWIN_OPCODE
#endif
