// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile kernel, simulated: an LD_PRELOAD library that makes the three
 * io_uring system calls misbehave in named ways, so that the suite can
 * prove its checks fail when the kernel is wrong (harness/selftest/fault/).
 *
 *   IOU_FAULT=name[,name...] LD_PRELOAD=libiou-fault.so tests/AREA/PROG
 *   IOU_FAULT=list LD_PRELOAD=libiou-fault.so true     names and descriptions
 *
 * The suite makes every io_uring system call through libc's syscall(),
 * so interposing syscall() reaches them all.  mmap(), munmap() and close()
 * are interposed too, to find each ring's memory: the CQE perturbations
 * rewrite the CQ ring after io_uring_enter() returns, the SQ ones rewrite
 * the SQ before the kernel reads it.  No dependency beyond libc and -ldl.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iou_abi.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#define __NR_io_uring_enter	426
#define __NR_io_uring_register	427
#endif

enum kind {
	SETUP_REFUSE,		/* a = flag: EINVAL as if unknown */
	SETUP_DROP,		/* a = flag: cleared, setup succeeds, flag reported back */
	SETUP_ERR_FIRST,	/* a = errno on the process's first setup */
	SETUP_ERR_ALWAYS,	/* a = errno on every setup */
	SETUP_FEAT_CLEAR,	/* a = feature bits cleared from params.features */
	SETUP_CQ_LIE,		/* params.cq_entries halved */
	PROBE_ERR,		/* a = errno of REGISTER_PROBE */
	PROBE_NO_OPS,		/* PROBE knows only NOP */
	PROBE_DROP_OP,		/* a = opcode marked unsupported */
	PROBE_SHORT,		/* a = last opcode PROBE admits */
	QUERY_ERR,		/* a = errno of REGISTER_QUERY */
	QUERY_FEWER_OPS,	/* nr_request_opcodes one short */
	QUERY_FEWER_REG,	/* nr_register_opcodes one short */
	QUERY_DROP_SETUP,	/* a = setup flag left out of ring_setup_flags */
	QUERY_FEAT_CLEAR,	/* feature_flags = 0 */
	REG_NOOP,		/* a = register opcode: 0 (or b), nothing done */
	REG_ERRNO,		/* errno a becomes b */
	ENTER_NO_MIN,		/* min_complete ignored */
	ENTER_NO_GETEVENTS,	/* IORING_ENTER_GETEVENTS ignored */
	ENTER_ERRNO,		/* errno a becomes b */
	ENTER_SUBMIT_ZERO,	/* submitted count reported as 0 */
	ENTER_SUBMIT_LESS,	/* one SQE fewer submitted than asked */
	SQE_DROP,		/* the first pending SQE dropped (invalid index) */
	SQE_NOP,		/* the first pending SQE turned into a NOP */
	CQE_ZERO_TO_ONE,	/* every res 0 becomes 1 */
	CQE_NEGATE,		/* res negated */
	CQE_ERRNO_SHIFT,	/* every -errno becomes -(errno + 1) */
	CQE_SHORT,		/* every res > 1 one short */
	CQE_FLAGS_CLEAR,	/* flags = 0 */
	CQE_FLAG_CLEAR,		/* a = flag cleared */
	CQE_UD_FLIP,		/* user_data bit a flipped */
	CQE_DUP,		/* of two new CQEs, the second replaced by the first */
	CQE_SWAP,		/* the first two new CQEs swapped */
	CQE_HIDE,		/* the newest CQE hidden until the kernel posts another */
	CQ_OVERFLOW_BUMP,	/* the CQ overflow counter bumped on each wait */
};

struct fault {
	const char *name;
	enum kind kind;
	long a, b;
	const char *desc;
};

#define F(n, k, a, b, d)	{ n, k, a, b, d }
#define REFUSE(n, flag)	\
	F("setup-refuse-" n, SETUP_REFUSE, IORING_SETUP_##flag, 0, \
	  "setup refuses IORING_SETUP_" #flag " with EINVAL")
#define FEAT_DROP(n, feat)	\
	F("setup-feature-drop-" n, SETUP_FEAT_CLEAR, IORING_FEAT_##feat, 0, \
	  "setup leaves out IORING_FEAT_" #feat)

static const struct fault faults[] = {
	REFUSE("iopoll", IOPOLL),
	REFUSE("sqpoll", SQPOLL),
	REFUSE("sq-aff", SQ_AFF),
	REFUSE("cqsize", CQSIZE),
	REFUSE("clamp", CLAMP),
	REFUSE("attach-wq", ATTACH_WQ),
	REFUSE("r-disabled", R_DISABLED),
	REFUSE("submit-all", SUBMIT_ALL),
	REFUSE("coop-taskrun", COOP_TASKRUN),
	REFUSE("taskrun-flag", TASKRUN_FLAG),
	REFUSE("sqe128", SQE128),
	REFUSE("cqe32", CQE32),
	REFUSE("single-issuer", SINGLE_ISSUER),
	REFUSE("defer-taskrun", DEFER_TASKRUN),
	REFUSE("no-mmap", NO_MMAP),
	REFUSE("registered-fd-only", REGISTERED_FD_ONLY),
	REFUSE("no-sqarray", NO_SQARRAY),
	REFUSE("hybrid-iopoll", HYBRID_IOPOLL),
	REFUSE("cqe-mixed", CQE_MIXED),
	F("setup-drop-sqpoll", SETUP_DROP, IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF, 0, "setup ignores IORING_SETUP_SQPOLL (and SQ_AFF) but reports it set"),
	F("setup-drop-iopoll", SETUP_DROP, IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL, 0, "setup ignores IORING_SETUP_IOPOLL but reports it set"),
	F("setup-drop-coop-taskrun", SETUP_DROP, IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, 0, "setup ignores IORING_SETUP_COOP_TASKRUN (and TASKRUN_FLAG) but reports it set"),
	F("setup-drop-taskrun-flag", SETUP_DROP, IORING_SETUP_TASKRUN_FLAG, 0, "setup ignores IORING_SETUP_TASKRUN_FLAG but reports it set"),
	F("setup-drop-defer-taskrun", SETUP_DROP, IORING_SETUP_DEFER_TASKRUN, 0, "setup ignores IORING_SETUP_DEFER_TASKRUN but reports it set"),
	F("setup-drop-single-issuer", SETUP_DROP, IORING_SETUP_SINGLE_ISSUER, 0, "setup ignores IORING_SETUP_SINGLE_ISSUER (without DEFER_TASKRUN) but reports it set"),
	F("setup-drop-submit-all", SETUP_DROP, IORING_SETUP_SUBMIT_ALL, 0, "setup ignores IORING_SETUP_SUBMIT_ALL but reports it set"),
	F("setup-drop-r-disabled", SETUP_DROP, IORING_SETUP_R_DISABLED, 0, "setup ignores IORING_SETUP_R_DISABLED (the ring starts enabled) but reports it set"),
	F("setup-drop-clamp", SETUP_DROP, IORING_SETUP_CLAMP, 0, "setup ignores IORING_SETUP_CLAMP but reports it set"),
	F("setup-enomem-first", SETUP_ERR_FIRST, ENOMEM, 0, "the process's first setup fails with ENOMEM"),
	F("setup-eperm-first", SETUP_ERR_FIRST, EPERM, 0, "the process's first setup fails with EPERM"),
	F("setup-enomem-always", SETUP_ERR_ALWAYS, ENOMEM, 0, "every setup fails with ENOMEM"),
	F("setup-eperm-always", SETUP_ERR_ALWAYS, EPERM, 0, "every setup fails with EPERM"),
	F("setup-features-cleared", SETUP_FEAT_CLEAR, ~0L, 0, "setup reports no feature bits"),
	FEAT_DROP("nodrop", NODROP),
	FEAT_DROP("ext-arg", EXT_ARG),
	FEAT_DROP("fast-poll", FAST_POLL),
	FEAT_DROP("rsrc-tags", RSRC_TAGS),
	FEAT_DROP("min-timeout", MIN_TIMEOUT),
	F("setup-cq-entries-halved", SETUP_CQ_LIE, 0, 0, "setup reports half the CQ entries it made"),
	F("probe-einval", PROBE_ERR, EINVAL, 0, "IORING_REGISTER_PROBE fails with EINVAL (as before 5.6)"),
	F("probe-efault", PROBE_ERR, EFAULT, 0, "IORING_REGISTER_PROBE fails with EFAULT"),
	F("probe-no-ops", PROBE_NO_OPS, 0, 0, "IORING_REGISTER_PROBE succeeds but lists only IORING_OP_NOP"),
	F("probe-drops-read", PROBE_DROP_OP, IORING_OP_READ, 0, "IORING_REGISTER_PROBE marks IORING_OP_READ unsupported"),
	F("probe-drops-timeout", PROBE_DROP_OP, IORING_OP_TIMEOUT, 0, "IORING_REGISTER_PROBE marks IORING_OP_TIMEOUT unsupported"),
	F("probe-ends-at-socket", PROBE_SHORT, IORING_OP_URING_CMD, 0, "IORING_REGISTER_PROBE stops at IORING_OP_URING_CMD (a 5.19 list)"),
	F("query-einval", QUERY_ERR, EINVAL, 0, "IORING_REGISTER_QUERY fails with EINVAL (as before 6.18)"),
	F("query-efault", QUERY_ERR, EFAULT, 0, "IORING_REGISTER_QUERY fails with EFAULT"),
	F("query-fewer-opcodes", QUERY_FEWER_OPS, 0, 0, "IORING_REGISTER_QUERY reports one request opcode fewer"),
	F("query-fewer-register-ops", QUERY_FEWER_REG, 0, 0, "IORING_REGISTER_QUERY reports one register opcode fewer"),
	F("query-drops-defer-taskrun", QUERY_DROP_SETUP, IORING_SETUP_DEFER_TASKRUN, 0, "IORING_REGISTER_QUERY leaves IORING_SETUP_DEFER_TASKRUN out of ring_setup_flags"),
	F("query-features-cleared", QUERY_FEAT_CLEAR, 0, 0, "IORING_REGISTER_QUERY reports no feature flags"),
	F("register-noop-buffers", REG_NOOP, IORING_REGISTER_BUFFERS, 0, "IORING_REGISTER_BUFFERS returns 0 and registers nothing"),
	F("register-noop-files", REG_NOOP, IORING_REGISTER_FILES, 0, "IORING_REGISTER_FILES returns 0 and registers nothing"),
	F("register-noop-eventfd", REG_NOOP, IORING_REGISTER_EVENTFD, 0, "IORING_REGISTER_EVENTFD returns 0 and registers nothing"),
	F("register-noop-pbuf-ring", REG_NOOP, IORING_REGISTER_PBUF_RING, 0, "IORING_REGISTER_PBUF_RING returns 0 and registers nothing"),
	F("register-noop-restrictions", REG_NOOP, IORING_REGISTER_RESTRICTIONS, 0, "IORING_REGISTER_RESTRICTIONS returns 0 and restricts nothing"),
	F("register-noop-enable-rings", REG_NOOP, IORING_REGISTER_ENABLE_RINGS, 0, "IORING_REGISTER_ENABLE_RINGS returns 0 and leaves the ring disabled"),
	F("register-noop-files-update", REG_NOOP, IORING_REGISTER_FILES_UPDATE, -1, "IORING_REGISTER_FILES_UPDATE reports every slot updated and updates none"),
	F("register-noop-ring-fds", REG_NOOP, IORING_REGISTER_RING_FDS, -1, "IORING_REGISTER_RING_FDS reports every ring registered and registers none"),
	F("register-noop-sync-cancel", REG_NOOP, IORING_REGISTER_SYNC_CANCEL, 0, "IORING_REGISTER_SYNC_CANCEL returns 0 and cancels nothing"),
	F("register-noop-iowq-max-workers", REG_NOOP, IORING_REGISTER_IOWQ_MAX_WORKERS, 0, "IORING_REGISTER_IOWQ_MAX_WORKERS returns 0, sets and reports nothing"),
	F("register-einval-as-efault", REG_ERRNO, EINVAL, EFAULT, "register fails with EFAULT where it fails with EINVAL"),
	F("register-efault-as-einval", REG_ERRNO, EFAULT, EINVAL, "register fails with EINVAL where it fails with EFAULT"),
	F("register-ebusy-as-einval", REG_ERRNO, EBUSY, EINVAL, "register fails with EINVAL where it fails with EBUSY"),
	F("register-ebadf-as-einval", REG_ERRNO, EBADF, EINVAL, "register fails with EINVAL where it fails with EBADF"),
	F("register-enxio-as-einval", REG_ERRNO, ENXIO, EINVAL, "register fails with EINVAL where it fails with ENXIO"),
	F("register-eexist-as-ebusy", REG_ERRNO, EEXIST, EBUSY, "register fails with EBUSY where it fails with EEXIST"),
	F("enter-min-complete-ignored", ENTER_NO_MIN, 0, 0, "enter returns without waiting for min_complete"),
	F("enter-getevents-ignored", ENTER_NO_GETEVENTS, 0, 0, "enter ignores IORING_ENTER_GETEVENTS"),
	F("enter-etime-as-eintr", ENTER_ERRNO, ETIME, EINTR, "enter fails with EINTR where it fails with ETIME"),
	F("enter-eintr-as-etime", ENTER_ERRNO, EINTR, ETIME, "enter fails with ETIME where it fails with EINTR"),
	F("enter-einval-as-efault", ENTER_ERRNO, EINVAL, EFAULT, "enter fails with EFAULT where it fails with EINVAL"),
	F("enter-efault-as-einval", ENTER_ERRNO, EFAULT, EINVAL, "enter fails with EINVAL where it fails with EFAULT"),
	F("enter-ebadf-as-einval", ENTER_ERRNO, EBADF, EINVAL, "enter fails with EINVAL where it fails with EBADF"),
	F("enter-eopnotsupp-as-einval", ENTER_ERRNO, EOPNOTSUPP, EINVAL, "enter fails with EINVAL where it fails with EOPNOTSUPP"),
	F("enter-submitted-reported-zero", ENTER_SUBMIT_ZERO, 0, 0, "enter submits but reports 0 submitted"),
	F("enter-submits-one-less", ENTER_SUBMIT_LESS, 0, 0, "enter submits one SQE fewer than asked"),
	F("sqe-dropped", SQE_DROP, 0, 0, "the first SQE of each submission is dropped as if its index were invalid"),
	F("sqe-turned-nop", SQE_NOP, 0, 0, "the first SQE of each submission runs as IORING_OP_NOP"),
	F("cqe-res-zero-to-one", CQE_ZERO_TO_ONE, 0, 0, "every CQE res of 0 reads 1"),
	F("cqe-res-negated", CQE_NEGATE, 0, 0, "every CQE res reads negated"),
	F("cqe-errno-shifted", CQE_ERRNO_SHIFT, 0, 0, "every CQE -errno reads -(errno + 1)"),
	F("cqe-res-short", CQE_SHORT, 0, 0, "every CQE res above 1 reads one less (short I/O)"),
	F("cqe-flags-cleared", CQE_FLAGS_CLEAR, 0, 0, "every CQE flags reads 0"),
	F("cqe-more-cleared", CQE_FLAG_CLEAR, IORING_CQE_F_MORE, 0, "IORING_CQE_F_MORE cleared from every CQE"),
	F("cqe-buffer-cleared", CQE_FLAG_CLEAR, IORING_CQE_F_BUFFER, 0, "IORING_CQE_F_BUFFER cleared from every CQE"),
	F("cqe-user-data-bit0", CQE_UD_FLIP, 0, 0, "bit 0 of every CQE user_data flipped"),
	F("cqe-user-data-bit40", CQE_UD_FLIP, 40, 0, "bit 40 of every CQE user_data flipped"),
	F("cqe-duplicated", CQE_DUP, 0, 0, "of two CQEs that arrive together, the second is a copy of the first"),
	F("cqe-order-swapped", CQE_SWAP, 0, 0, "of CQEs that arrive together, the first two swap places"),
	F("cqe-hidden", CQE_HIDE, 0, 0, "the newest CQE stays hidden until the kernel posts another"),
	F("cq-overflow-bumped", CQ_OVERFLOW_BUMP, 0, 0, "the CQ ring's overflow counter grows by one on each wait"),
};

#define NR_FAULTS	(sizeof(faults) / sizeof(faults[0]))

static const struct fault *active[8];
static unsigned int nr_active;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int setups;

static long (*real_syscall)(long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static int (*real_close)(int);

static void init(void)
{
	const char *env = getenv("IOU_FAULT");
	char buf[512], *tok, *save;

	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	real_mmap = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
	real_munmap = (int (*)(void *, size_t))dlsym(RTLD_NEXT, "munmap");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	if (!env || !*env)
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		if (!strcmp(tok, "list")) {
			for (i = 0; i < NR_FAULTS; i++)
				printf("%s\t%s\n", faults[i].name, faults[i].desc);
			/* the host process may leave by _exit() */
			fflush(stdout);
			continue;
		}
		for (i = 0; i < NR_FAULTS; i++)
			if (!strcmp(tok, faults[i].name))
				break;
		if (i == NR_FAULTS) {
			/* a typo must not pass for a fault the suite caught */
			fprintf(stderr, "iou-fault: unknown fault '%s' (IOU_FAULT=list)\n", tok);
			_exit(127);
		}
		if (nr_active < sizeof(active) / sizeof(active[0]))
			active[nr_active++] = &faults[i];
	}
}

static void ensure_init(void)
{
	pthread_once(&once, init);
}

/* the active fault of this kind, or NULL */
static const struct fault *on(enum kind k)
{
	for (unsigned int i = 0; i < nr_active; i++)
		if (active[i]->kind == k)
			return active[i];
	return NULL;
}

/* ---- the rings this process set up -------------------------------------- */

#define MAX_FD	1024

struct ring {
	bool live;
	unsigned int flags;
	struct io_sqring_offsets sq_off;
	struct io_cqring_offsets cq_off;
	unsigned int sq_entries, cq_entries;
	char *sq, *cq, *sqes;		/* NULL until mapped */
	size_t sq_len, cq_len, sqes_len;
	unsigned int seen;		/* CQ tail up to which CQEs were perturbed */
};

static struct ring rings[MAX_FD];

static unsigned int cqe_size(const struct ring *r)
{
	return r->flags & IORING_SETUP_CQE32 ? 32 : 16;
}

static char *cq_base(struct ring *r)
{
	if (r->cq)
		return r->cq;
	/* one mapping for both rings (FEAT_SINGLE_MMAP or NO_MMAP) */
	if (r->sq && r->sq_len >= r->cq_off.cqes + (size_t)r->cq_entries * cqe_size(r))
		return r->sq;
	return NULL;
}

static void forget_range(const char *addr, size_t len)
{
	for (int fd = 0; fd < MAX_FD; fd++) {
		struct ring *r = &rings[fd];

		if (!r->live)
			continue;
		if (r->sq && r->sq >= addr && r->sq < addr + len)
			r->sq = NULL;
		if (r->cq && r->cq >= addr && r->cq < addr + len)
			r->cq = NULL;
		if (r->sqes && r->sqes >= addr && r->sqes < addr + len)
			r->sqes = NULL;
	}
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	ensure_init();
	p = real_mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED || fd < 0 || fd >= MAX_FD || !(prot & PROT_WRITE))
		return p;
	pthread_mutex_lock(&lock);
	if (rings[fd].live && !(rings[fd].flags & IORING_SETUP_NO_MMAP)) {
		struct ring *r = &rings[fd];

		if ((unsigned long long)off == IORING_OFF_SQ_RING) {
			r->sq = p;
			r->sq_len = len;
		} else if ((unsigned long long)off == IORING_OFF_CQ_RING) {
			r->cq = p;
			r->cq_len = len;
		} else if ((unsigned long long)off == IORING_OFF_SQES) {
			r->sqes = p;
			r->sqes_len = len;
		}
	}
	pthread_mutex_unlock(&lock);
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

int munmap(void *addr, size_t len)
{
	ensure_init();
	pthread_mutex_lock(&lock);
	forget_range(addr, len);
	pthread_mutex_unlock(&lock);
	return real_munmap(addr, len);
}

int close(int fd)
{
	ensure_init();
	if (fd >= 0 && fd < MAX_FD) {
		pthread_mutex_lock(&lock);
		rings[fd].live = false;
		pthread_mutex_unlock(&lock);
	}
	return real_close(fd);
}

/* ---- io_uring_setup ------------------------------------------------------ */

static long fail(int err)
{
	errno = err;
	return -1;
}

static long fault_setup(unsigned int entries, struct io_uring_params *p)
{
	const struct fault *f;
	unsigned int dropped = 0, n;
	__u64 ring_mem, sqe_mem;
	long fd;

	pthread_mutex_lock(&lock);
	n = setups++;
	pthread_mutex_unlock(&lock);
	if ((f = on(SETUP_ERR_ALWAYS)) || ((f = on(SETUP_ERR_FIRST)) && n == 0))
		return fail((int)f->a);
	if (!p)
		return real_syscall(__NR_io_uring_setup, entries, p);
	if ((f = on(SETUP_REFUSE)) && (p->flags & f->a))
		return fail(EINVAL);
	if ((f = on(SETUP_DROP)) && (p->flags & f->a) &&
	    !(f->a == IORING_SETUP_SINGLE_ISSUER && (p->flags & IORING_SETUP_DEFER_TASKRUN))) {
		dropped = p->flags & (unsigned int)f->a;
		p->flags &= ~dropped;
	}
	ring_mem = p->cq_off.user_addr;
	sqe_mem = p->sq_off.user_addr;
	fd = real_syscall(__NR_io_uring_setup, entries, p);
	p->flags |= dropped;
	if (fd < 0)
		return fd;
	if ((f = on(SETUP_FEAT_CLEAR)))
		p->features &= ~(unsigned int)f->a;
	if (fd < MAX_FD && !(p->flags & IORING_SETUP_REGISTERED_FD_ONLY)) {
		struct ring *r = &rings[fd];

		pthread_mutex_lock(&lock);
		memset(r, 0, sizeof(*r));
		r->live = true;
		r->flags = p->flags & ~dropped;
		r->sq_off = p->sq_off;
		r->cq_off = p->cq_off;
		r->sq_entries = p->sq_entries;
		r->cq_entries = p->cq_entries;
		if (p->flags & IORING_SETUP_NO_MMAP) {
			r->sq = (char *)(uintptr_t)ring_mem;
			r->sq_len = (size_t)-1 / 2;
			r->sqes = (char *)(uintptr_t)sqe_mem;
		}
		pthread_mutex_unlock(&lock);
	}
	if (on(SETUP_CQ_LIE))
		p->cq_entries /= 2;
	return fd;
}

/* ---- io_uring_register --------------------------------------------------- */

static long fault_register(int fd, unsigned int op, void *arg, unsigned int nr)
{
	unsigned int bare = op & ~(unsigned int)IORING_REGISTER_USE_REGISTERED_RING;
	const struct fault *f;
	long ret;

	if (bare == IORING_REGISTER_PROBE && (f = on(PROBE_ERR)))
		return fail((int)f->a);
	if (bare == IORING_REGISTER_QUERY && (f = on(QUERY_ERR)))
		return fail((int)f->a);
	if ((f = on(REG_NOOP)) && bare == (unsigned int)f->a)
		return f->b < 0 ? (long)nr : f->b;
	ret = real_syscall(__NR_io_uring_register, fd, op, arg, nr);
	if (ret < 0) {
		if ((f = on(REG_ERRNO)) && errno == f->a)
			errno = (int)f->b;
		return ret;
	}
	if (bare == IORING_REGISTER_PROBE && arg) {
		struct io_uring_probe *p = arg;

		if (on(PROBE_NO_OPS)) {
			p->last_op = 0;
			p->ops_len = p->ops_len ? 1 : 0;
		}
		if ((f = on(PROBE_DROP_OP)) && f->a < p->ops_len)
			p->ops[f->a].flags &= ~(__u16)IO_URING_OP_SUPPORTED;
		if ((f = on(PROBE_SHORT)) && p->last_op > f->a) {
			for (unsigned int i = (unsigned int)f->a + 1; i < p->ops_len; i++)
				p->ops[i].flags = 0;
			p->last_op = (__u8)f->a;
			p->ops_len = (__u8)(f->a + 1);
		}
	}
	if (bare == IORING_REGISTER_QUERY && arg) {
		struct io_uring_query_hdr *h = arg;
		struct io_uring_query_opcode *q = (void *)(uintptr_t)h->query_data;

		if (h->query_op == IO_URING_QUERY_OPCODES && h->result == 0 && q &&
		    h->size >= sizeof(*q)) {
			if (on(QUERY_FEWER_OPS))
				q->nr_request_opcodes--;
			if (on(QUERY_FEWER_REG))
				q->nr_register_opcodes--;
			if ((f = on(QUERY_DROP_SETUP)))
				q->ring_setup_flags &= ~(__u64)f->a;
			if (on(QUERY_FEAT_CLEAR))
				q->feature_flags = 0;
		}
	}
	return ret;
}

/* ---- io_uring_enter ------------------------------------------------------ */

static struct ring *ring_of(int fd, unsigned int flags)
{
	if (flags & IORING_ENTER_REGISTERED_RING || fd < 0 || fd >= MAX_FD ||
	    !rings[fd].live)
		return NULL;
	return &rings[fd];
}

static unsigned int load(const char *base, unsigned int off)
{
	return __atomic_load_n((const unsigned int *)(base + off), __ATOMIC_ACQUIRE);
}

/* the SQE the kernel reads next, and its SQ array slot; NULL if unknown */
static struct io_uring_sqe *next_sqe(struct ring *r, unsigned int **slot)
{
	unsigned int head, idx;

	*slot = NULL;
	if (!r->sq || !r->sqes || (r->flags & IORING_SETUP_SQPOLL))
		return NULL;
	head = load(r->sq, r->sq_off.head);
	if (head == load(r->sq, r->sq_off.tail))
		return NULL;
	idx = head & (r->sq_entries - 1);
	if (!(r->flags & IORING_SETUP_NO_SQARRAY)) {
		*slot = (unsigned int *)(r->sq + r->sq_off.array) + idx;
		idx = **slot;
		if (idx >= r->sq_entries)
			return NULL;
	}
	return (struct io_uring_sqe *)(r->sqes + ((size_t)idx << (r->flags & IORING_SETUP_SQE128 ? 7 : 6)));
}

static struct io_uring_cqe *cqe_at(struct ring *r, char *cq, unsigned int pos)
{
	return (struct io_uring_cqe *)(cq + r->cq_off.cqes +
				       (size_t)(pos & (r->cq_entries - 1)) * cqe_size(r));
}

static void perturb_cqes(struct ring *r)
{
	char *cq = cq_base(r);
	unsigned int head, tail, from, n, sz;
	const struct fault *f;

	if (!cq)
		return;
	sz = cqe_size(r);
	head = load(cq, r->cq_off.head);
	tail = load(cq, r->cq_off.tail);
	from = (int)(r->seen - head) > 0 ? r->seen : head;
	if ((int)(tail - from) <= 0)
		return;
	n = tail - from;
	if ((f = on(CQE_HIDE))) {
		/* the kernel rewrites the tail from its own copy on its next post */
		__atomic_store_n((unsigned int *)(cq + r->cq_off.tail), tail - 1, __ATOMIC_RELEASE);
		tail--;
		n--;
	}
	if (n >= 2 && on(CQE_DUP))
		memcpy(cqe_at(r, cq, from + 1), cqe_at(r, cq, from), sz);
	if (n >= 2 && on(CQE_SWAP)) {
		char tmp[32];

		memcpy(tmp, cqe_at(r, cq, from), sz);
		memcpy(cqe_at(r, cq, from), cqe_at(r, cq, from + 1), sz);
		memcpy(cqe_at(r, cq, from + 1), tmp, sz);
	}
	for (unsigned int pos = from; pos != tail; pos++) {
		struct io_uring_cqe *c = cqe_at(r, cq, pos);

		if (on(CQE_ZERO_TO_ONE) && c->res == 0)
			c->res = 1;
		if (on(CQE_NEGATE))
			c->res = -c->res;
		if (on(CQE_ERRNO_SHIFT) && c->res < 0 && c->res > -4095)
			c->res--;
		if (on(CQE_SHORT) && c->res > 1)
			c->res--;
		if (on(CQE_FLAGS_CLEAR))
			c->flags = 0;
		if ((f = on(CQE_FLAG_CLEAR)))
			c->flags &= ~(__u32)f->a;
		if ((f = on(CQE_UD_FLIP)))
			c->user_data ^= 1ULL << f->a;
	}
	r->seen = tail;
	if (on(CQ_OVERFLOW_BUMP))
		__atomic_fetch_add((unsigned int *)(cq + r->cq_off.overflow), 1, __ATOMIC_RELEASE);
}

static long fault_enter(int fd, unsigned int to_submit, unsigned int min_complete,
			unsigned int flags, void *arg, size_t argsz)
{
	const struct fault *f;
	struct io_uring_sqe *sqe;
	unsigned int *slot = NULL, saved = 0;
	struct ring *r;
	long ret;

	if (on(ENTER_NO_MIN))
		min_complete = 0;
	if (on(ENTER_NO_GETEVENTS))
		flags &= ~(unsigned int)IORING_ENTER_GETEVENTS;
	if (on(ENTER_SUBMIT_LESS) && to_submit > 1)
		to_submit--;
	pthread_mutex_lock(&lock);
	r = ring_of(fd, flags);
	if (r && to_submit && (on(SQE_DROP) || on(SQE_NOP)) && (sqe = next_sqe(r, &slot))) {
		if (on(SQE_NOP))
			sqe->opcode = IORING_OP_NOP;
		if (on(SQE_DROP) && slot) {
			saved = *slot;
			*slot = r->sq_entries;
		}
	}
	pthread_mutex_unlock(&lock);
	ret = real_syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, argsz);
	pthread_mutex_lock(&lock);
	if (slot && on(SQE_DROP))
		*slot = saved;
	if (ret >= 0 && (r = ring_of(fd, flags)))
		perturb_cqes(r);
	pthread_mutex_unlock(&lock);
	if (ret < 0) {
		if ((f = on(ENTER_ERRNO)) && errno == f->a)
			errno = (int)f->b;
		return ret;
	}
	if (on(ENTER_SUBMIT_ZERO) && to_submit && ret > 0)
		return 0;
	return ret;
}

/* ---- syscall() ------------------------------------------------------------ */

long syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	ensure_init();
	if (nr_active) {
		switch (nr) {
		case __NR_io_uring_setup:
			return fault_setup((unsigned int)a[0], (struct io_uring_params *)a[1]);
		case __NR_io_uring_register:
			return fault_register((int)a[0], (unsigned int)a[1], (void *)a[2],
					      (unsigned int)a[3]);
		case __NR_io_uring_enter:
			return fault_enter((int)a[0], (unsigned int)a[1], (unsigned int)a[2],
					   (unsigned int)a[3], (void *)a[4], (size_t)a[5]);
		}
	}
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* at load, so that a misspelt IOU_FAULT stops every process at once */
__attribute__((constructor)) static void fault_load(void)
{
	ensure_init();
}
