// SPDX-License-Identifier: GPL-2.0
/*
 * The raw-syscall ring library: see include/iou_ring.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "iou_ring.h"

int sys_io_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

int sys_io_uring_enter(int fd, unsigned int to_submit, unsigned int min_complete,
		       unsigned int flags, const void *arg, size_t argsz)
{
	return (int)syscall(__NR_io_uring_enter, fd, to_submit, min_complete,
			    flags, arg, argsz);
}

int sys_io_uring_register(int fd, unsigned int opcode, const void *arg,
			  unsigned int nr_args)
{
	return (int)syscall(__NR_io_uring_register, fd, opcode, arg, nr_args);
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t page_align(size_t sz)
{
	size_t ps = page_size();

	return (sz + ps - 1) & ~(ps - 1);
}

static unsigned int roundup_pow2(unsigned int v)
{
	unsigned int r = 1;

	while (r < v && r)
		r <<= 1;
	return r;
}

void iou_ring_mem_sizes(unsigned int sq_entries, unsigned int cq_entries,
			unsigned int flags, size_t *rings, size_t *sqes)
{
	size_t cqe_size = flags & IORING_SETUP_CQE32 ? 32 : 16;
	size_t sqe_size = flags & IORING_SETUP_SQE128 ? 128 : 64;
	/* the kernel's ring header is well under 1 KiB on every version */
	size_t sz = 1024 + cq_entries * cqe_size;

	if (!(flags & IORING_SETUP_NO_SQARRAY))
		sz = ((sz + 63) & ~(size_t)63) + sq_entries * sizeof(__u32);
	*rings = page_align(sz);
	*sqes = page_align(sq_entries * sqe_size);
}

/* Entries the kernel will use for a setup(entries, p), for NO_MMAP sizing. */
static void predict_entries(unsigned int entries, const struct io_uring_params *p,
			    unsigned int *sq, unsigned int *cq)
{
	unsigned int s = entries, c;

	if (p->flags & IORING_SETUP_CLAMP && s > IOU_MAX_ENTRIES)
		s = IOU_MAX_ENTRIES;
	s = roundup_pow2(s ? s : 1);
	if (p->flags & IORING_SETUP_CQSIZE) {
		c = p->cq_entries;
		if (p->flags & IORING_SETUP_CLAMP && c > IOU_MAX_CQ_ENTRIES)
			c = IOU_MAX_CQ_ENTRIES;
		c = roundup_pow2(c ? c : 1);
	} else {
		c = 2 * s;
	}
	*sq = s;
	*cq = c;
}

static void *map_anon(size_t sz)
{
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void unmap_all(struct iou_ring *r)
{
	if (r->user_mem) {
		if (r->own_mem) {
			munmap(r->sq_ring_ptr, r->sq_ring_sz);
			munmap(r->sqes_ptr, r->sqes_sz);
		}
	} else {
		if (r->sqes_ptr)
			munmap(r->sqes_ptr, r->sqes_sz);
		if (r->cq_ring_ptr && r->cq_ring_ptr != r->sq_ring_ptr)
			munmap(r->cq_ring_ptr, r->cq_ring_sz);
		if (r->sq_ring_ptr)
			munmap(r->sq_ring_ptr, r->sq_ring_sz);
	}
	r->sq_ring_ptr = r->cq_ring_ptr = r->sqes_ptr = NULL;
}

static void setup_pointers(struct iou_ring *r, const struct io_uring_params *p)
{
	char *sq = r->sq_ring_ptr, *cq = r->cq_ring_ptr;

	r->sq_khead = (unsigned int *)(sq + p->sq_off.head);
	r->sq_ktail = (unsigned int *)(sq + p->sq_off.tail);
	r->sq_kring_mask = (unsigned int *)(sq + p->sq_off.ring_mask);
	r->sq_kring_entries = (unsigned int *)(sq + p->sq_off.ring_entries);
	r->sq_kflags = (unsigned int *)(sq + p->sq_off.flags);
	r->sq_kdropped = (unsigned int *)(sq + p->sq_off.dropped);
	r->sq_array = r->flags & IORING_SETUP_NO_SQARRAY ? NULL :
		      (unsigned int *)(sq + p->sq_off.array);
	r->sqes = r->sqes_ptr;

	r->cq_khead = (unsigned int *)(cq + p->cq_off.head);
	r->cq_ktail = (unsigned int *)(cq + p->cq_off.tail);
	r->cq_kring_mask = (unsigned int *)(cq + p->cq_off.ring_mask);
	r->cq_kring_entries = (unsigned int *)(cq + p->cq_off.ring_entries);
	r->cq_koverflow = (unsigned int *)(cq + p->cq_off.overflow);
	r->cq_kflags = p->cq_off.flags ? (unsigned int *)(cq + p->cq_off.flags) : NULL;
	r->cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);

	r->sq_mask = *r->sq_kring_mask;
	r->sq_entries = *r->sq_kring_entries;
	r->cq_mask = *r->cq_kring_mask;
	r->cq_entries = *r->cq_kring_entries;
	r->sqe_shift = r->flags & IORING_SETUP_SQE128 ? 1 : 0;
	r->cqe_shift = r->flags & IORING_SETUP_CQE32 ? 1 : 0;
	r->sqe_head = r->sqe_tail = *r->sq_ktail;

	/* identity SQ array: publishing only needs the tail */
	if (r->sq_array)
		for (unsigned int i = 0; i < r->sq_entries; i++)
			r->sq_array[i] = i;
}

static int map_rings(struct iou_ring *r, int fd, const struct io_uring_params *p,
		     bool separately)
{
	size_t cqe_size = p->flags & IORING_SETUP_CQE32 ? 32 : 16;
	size_t sqe_size = p->flags & IORING_SETUP_SQE128 ? 128 : 64;
	int prot = PROT_READ | PROT_WRITE, mflags = MAP_SHARED | MAP_POPULATE;

	r->cq_ring_sz = p->cq_off.cqes + p->cq_entries * cqe_size;
	if (p->flags & IORING_SETUP_NO_SQARRAY)
		r->sq_ring_sz = r->cq_ring_sz;
	else
		r->sq_ring_sz = p->sq_off.array + p->sq_entries * sizeof(__u32);
	r->single_mmap = (p->features & IORING_FEAT_SINGLE_MMAP) && !separately;
	if (r->single_mmap) {
		if (r->cq_ring_sz > r->sq_ring_sz)
			r->sq_ring_sz = r->cq_ring_sz;
		r->cq_ring_sz = r->sq_ring_sz;
	}
	r->sq_ring_ptr = mmap(NULL, r->sq_ring_sz, prot, mflags, fd,
			      IORING_OFF_SQ_RING);
	if (r->sq_ring_ptr == MAP_FAILED) {
		r->sq_ring_ptr = NULL;
		return -errno;
	}
	if (r->single_mmap) {
		r->cq_ring_ptr = r->sq_ring_ptr;
	} else {
		r->cq_ring_ptr = mmap(NULL, r->cq_ring_sz, prot, mflags, fd,
				      IORING_OFF_CQ_RING);
		if (r->cq_ring_ptr == MAP_FAILED) {
			r->cq_ring_ptr = NULL;
			return -errno;
		}
	}
	r->sqes_sz = p->sq_entries * sqe_size;
	r->sqes_ptr = mmap(NULL, r->sqes_sz, prot, mflags, fd, IORING_OFF_SQES);
	if (r->sqes_ptr == MAP_FAILED) {
		r->sqes_ptr = NULL;
		return -errno;
	}
	return 0;
}

/* NO_MMAP: the rings live in the caller's memory, o->mem and o->sqe_mem */
static void use_caller_mem(struct iou_ring *r, const struct iou_ring_opts *o)
{
	r->user_mem = true;
	r->sq_ring_ptr = r->cq_ring_ptr = o->mem;
	r->sq_ring_sz = r->cq_ring_sz = o->mem_size;
	r->sqes_ptr = o->sqe_mem;
	r->sqes_sz = o->sqe_mem_size;
}

/* what setup returned: a ring fd, or an index with REGISTERED_FD_ONLY */
static void use_setup_fd(struct iou_ring *r, int fd, unsigned int flags)
{
	r->enter_fd = fd;
	if (flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		r->enter_flags = IORING_ENTER_REGISTERED_RING;
		r->register_flags = IORING_REGISTER_USE_REGISTERED_RING;
		fd = -1;
	}
	r->fd = fd;
}

static int ring_map(struct iou_ring *r, const struct io_uring_params *p,
		    const struct iou_ring_opts *o)
{
	int ret;

	r->flags = p->flags;
	r->features = p->features;
	r->params = *p;
	if (!(p->flags & IORING_SETUP_NO_MMAP)) {
		ret = map_rings(r, r->fd, p, o && o->map_separately);
		if (ret) {
			unmap_all(r);
			return ret;
		}
	}
	setup_pointers(r, p);
	return 0;
}

int iou_ring_map(struct iou_ring *r, int fd, const struct io_uring_params *p,
		 const struct iou_ring_opts *o)
{
	memset(r, 0, sizeof(*r));
	use_setup_fd(r, fd, p->flags);
	if (p->flags & IORING_SETUP_NO_MMAP) {
		if (!o || !o->mem)
			return -EINVAL;
		use_caller_mem(r, o);
	}
	return ring_map(r, p, o);
}

int iou_ring_init_opts(struct iou_ring *r, unsigned int entries,
		       struct io_uring_params *p, const struct iou_ring_opts *o)
{
	int fd, ret;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->enter_fd = -1;

	if (p->flags & IORING_SETUP_NO_MMAP) {
		unsigned int sq, cq;

		r->user_mem = true;
		if (o && o->mem) {
			use_caller_mem(r, o);
		} else {
			predict_entries(entries, p, &sq, &cq);
			iou_ring_mem_sizes(sq, cq, p->flags, &r->sq_ring_sz,
					   &r->sqes_sz);
			r->own_mem = true;
			r->sq_ring_ptr = map_anon(r->sq_ring_sz);
			r->sqes_ptr = map_anon(r->sqes_sz);
			if (!r->sq_ring_ptr || !r->sqes_ptr) {
				unmap_all(r);
				return -ENOMEM;
			}
		}
		r->cq_ring_ptr = r->sq_ring_ptr;
		r->cq_ring_sz = r->sq_ring_sz;
		/* the kernel takes the rings from cq_off, the SQEs from sq_off */
		p->cq_off.user_addr = (__u64)(uintptr_t)r->sq_ring_ptr;
		p->sq_off.user_addr = (__u64)(uintptr_t)r->sqes_ptr;
	}

	fd = sys_io_uring_setup(entries, p);
	if (fd < 0) {
		ret = -errno;
		unmap_all(r);
		return ret;
	}
	use_setup_fd(r, fd, p->flags);
	ret = ring_map(r, p, o);
	if (ret) {
		if (r->fd >= 0)
			close(r->fd);
		return ret;
	}
	if (o && o->register_ring_fd) {
		ret = iou_ring_register_fd(r);
		if (ret < 0) {
			iou_ring_exit(r);
			return ret;
		}
	}
	return 0;
}

int iou_ring_mem_alloc(struct iou_ring_mem *m, unsigned int sq_entries,
		       unsigned int cq_entries, unsigned int flags)
{
	memset(m, 0, sizeof(*m));
	iou_ring_mem_sizes(sq_entries, cq_entries, flags, &m->opts.mem_size,
			   &m->opts.sqe_mem_size);
	m->opts.mem = mmap(NULL, m->opts.mem_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	m->opts.sqe_mem = mmap(NULL, m->opts.sqe_mem_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m->opts.mem == MAP_FAILED || m->opts.sqe_mem == MAP_FAILED) {
		iou_ring_mem_free(m);
		return -ENOMEM;
	}
	return 0;
}

void iou_ring_mem_free(struct iou_ring_mem *m)
{
	if (m->opts.mem && m->opts.mem != MAP_FAILED)
		munmap(m->opts.mem, m->opts.mem_size);
	if (m->opts.sqe_mem && m->opts.sqe_mem != MAP_FAILED)
		munmap(m->opts.sqe_mem, m->opts.sqe_mem_size);
	m->opts.mem = m->opts.sqe_mem = NULL;
}

int iou_ring_init_params(struct iou_ring *r, unsigned int entries,
			 struct io_uring_params *p)
{
	return iou_ring_init_opts(r, entries, p, NULL);
}

int iou_ring_init(struct iou_ring *r, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return iou_ring_init_params(r, entries, &p);
}

int iou_ring_register_fd(struct iou_ring *r)
{
	struct io_uring_rsrc_update up = { .offset = -1U, .data = (__u64)r->fd };
	int ret;

	if (r->fd < 0)
		return -EINVAL;
	ret = sys_io_uring_register(r->fd, IORING_REGISTER_RING_FDS, &up, 1);
	if (ret < 0)
		return -errno;
	if (ret != 1)
		return -EIO;
	r->enter_fd = (int)up.offset;
	r->enter_flags = IORING_ENTER_REGISTERED_RING;
	/* register(2) takes the index only since 6.3 (FEAT_REG_REG_RING) */
	if (r->features & IORING_FEAT_REG_REG_RING)
		r->register_flags = IORING_REGISTER_USE_REGISTERED_RING;
	return 0;
}

int iou_ring_unregister_fd(struct iou_ring *r)
{
	struct io_uring_rsrc_update up = { .offset = (__u32)r->enter_fd };
	int ret;

	if (!(r->enter_flags & IORING_ENTER_REGISTERED_RING))
		return -EINVAL;
	if (r->fd >= 0)
		ret = sys_io_uring_register(r->fd, IORING_UNREGISTER_RING_FDS,
					    &up, 1);
	else
		ret = sys_io_uring_register(r->enter_fd,
					    IORING_UNREGISTER_RING_FDS |
					    IORING_REGISTER_USE_REGISTERED_RING,
					    &up, 1);
	if (ret < 0)
		return -errno;
	r->enter_fd = r->fd;
	r->enter_flags = 0;
	r->register_flags = 0;
	return 0;
}

void iou_ring_exit(struct iou_ring *r)
{
	if (r->enter_flags & IORING_ENTER_REGISTERED_RING)
		iou_ring_unregister_fd(r);
	unmap_all(r);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->enter_fd = -1;
}

int iou_register(struct iou_ring *r, unsigned int opcode, const void *arg,
		 unsigned int nr_args)
{
	int fd = r->register_flags ? r->enter_fd : r->fd;
	int ret = sys_io_uring_register(fd, opcode | r->register_flags, arg,
					nr_args);

	return ret < 0 ? -errno : ret;
}

int iou_enter(struct iou_ring *r, unsigned int to_submit,
	      unsigned int min_complete, unsigned int flags,
	      const void *arg, size_t argsz)
{
	int ret = sys_io_uring_enter(r->enter_fd, to_submit, min_complete,
				     flags | r->enter_flags, arg, argsz);

	return ret < 0 ? -errno : ret;
}

/* ---- SQ ------------------------------------------------------------ */

struct io_uring_sqe *iou_get_sqe(struct iou_ring *r)
{
	unsigned int head = iou_load_acquire(r->sq_khead);
	struct io_uring_sqe *sqe;

	if (r->sqe_tail - head >= r->sq_entries)
		return NULL;
	sqe = &r->sqes[(r->sqe_tail & r->sq_mask) << r->sqe_shift];
	r->sqe_tail++;
	memset(sqe, 0, sizeof(*sqe) << r->sqe_shift);
	return sqe;
}

unsigned int iou_sq_flush(struct iou_ring *r)
{
	if (r->sqe_head != r->sqe_tail) {
		r->sqe_head = r->sqe_tail;
		iou_store_release(r->sq_ktail, r->sqe_tail);
	}
	return r->sqe_tail - iou_load_acquire(r->sq_khead);
}

unsigned int iou_sq_ready(const struct iou_ring *r)
{
	return r->sqe_tail - iou_load_acquire(r->sq_khead);
}

unsigned int iou_sq_space_left(const struct iou_ring *r)
{
	return r->sq_entries - iou_sq_ready(r);
}

static bool sq_needs_wakeup(struct iou_ring *r)
{
	/* pairs with the SQPOLL thread setting NEED_WAKEUP before sleeping */
	iou_smp_mb();
	return iou_read_once(r->sq_kflags) & IORING_SQ_NEED_WAKEUP;
}

/*
 * On an SQPOLL ring a submission is the SQEs this call published: the
 * thread may post a CQE before it moves the SQ head, so "tail - head"
 * would count earlier SQEs again.
 */
static unsigned int sq_publish(struct iou_ring *r)
{
	unsigned int published = r->sqe_tail - r->sqe_head;

	iou_sq_flush(r);
	return published;
}

int iou_submit(struct iou_ring *r)
{
	if (r->flags & IORING_SETUP_SQPOLL) {
		unsigned int published = sq_publish(r);

		if (sq_needs_wakeup(r)) {
			int ret = iou_enter(r, 0, 0, IORING_ENTER_SQ_WAKEUP,
					    NULL, 0);
			if (ret < 0)
				return ret;
		}
		return (int)published;
	}
	return iou_enter(r, iou_sq_flush(r), 0, 0, NULL, 0);
}

int iou_submit_and_wait(struct iou_ring *r, unsigned int wait_nr)
{
	unsigned int flags = IORING_ENTER_GETEVENTS;
	int ret;

	if (r->flags & IORING_SETUP_SQPOLL) {
		unsigned int published = sq_publish(r);

		if (sq_needs_wakeup(r))
			flags |= IORING_ENTER_SQ_WAKEUP;
		ret = iou_enter(r, 0, wait_nr, flags, NULL, 0);
		return ret < 0 ? ret : (int)published;
	}
	return iou_enter(r, iou_sq_flush(r), wait_nr, flags, NULL, 0);
}

/* ---- CQ ------------------------------------------------------------ */

unsigned int iou_cq_ready(const struct iou_ring *r)
{
	return iou_load_acquire(r->cq_ktail) - iou_read_once(r->cq_khead);
}

struct io_uring_cqe *iou_cqe_at(const struct iou_ring *r, unsigned int index)
{
	return &r->cqes[(index & r->cq_mask) << r->cqe_shift];
}

unsigned int iou_cqe_slots(const struct iou_ring *r,
			   const struct io_uring_cqe *cqe)
{
	return (r->flags & IORING_SETUP_CQE_MIXED) &&
	       (cqe->flags & IORING_CQE_F_32) ? 2 : 1;
}

void iou_cq_advance(struct iou_ring *r, unsigned int nr)
{
	iou_store_release(r->cq_khead, iou_read_once(r->cq_khead) + nr);
}

void iou_cqe_seen(struct iou_ring *r, const struct io_uring_cqe *cqe)
{
	iou_cq_advance(r, iou_cqe_slots(r, cqe));
}

int iou_peek_cqe(struct iou_ring *r, struct io_uring_cqe **cqe)
{
	for (;;) {
		unsigned int tail = iou_load_acquire(r->cq_ktail);
		unsigned int head = iou_read_once(r->cq_khead);
		struct io_uring_cqe *c;

		if (head == tail)
			return -EAGAIN;
		c = iou_cqe_at(r, head);
		/* CQE_MIXED pads the ring end with a skip entry */
		if ((r->flags & IORING_SETUP_CQE_MIXED) &&
		    (c->flags & IORING_CQE_F_SKIP)) {
			iou_cq_advance(r, 1);
			continue;
		}
		*cqe = c;
		return 0;
	}
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* One bounded wait for at least one CQE (or overflow/task work to run). */
static int wait_once(struct iou_ring *r, long long left_ms)
{
	if (r->features & IORING_FEAT_EXT_ARG) {
		struct __kernel_timespec ts = {
			.tv_sec = left_ms / 1000,
			.tv_nsec = (left_ms % 1000) * 1000000,
		};
		struct io_uring_getevents_arg arg = {
			.ts = (__u64)(uintptr_t)&ts,
		};

		return iou_enter(r, 0, 1, IORING_ENTER_GETEVENTS |
				 IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
	} else {
		/* before 5.11: the ring fd polls readable with CQEs pending */
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		int ret = poll(&pfd, 1, (int)left_ms);

		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIME;
		return iou_enter(r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
	}
}

int iou_wait_cqe_timeout(struct iou_ring *r, struct io_uring_cqe **cqe,
			 unsigned int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;

	for (;;) {
		long long left;
		int ret;

		if (!iou_peek_cqe(r, cqe))
			return 0;
		left = deadline - mono_ms();
		if (left <= 0)
			return -ETIME;
		ret = wait_once(r, left);
		if (ret < 0 && ret != -ETIME && ret != -EINTR &&
		    ret != -EAGAIN && ret != -EBUSY)
			return ret;
	}
}

int iou_wait_cqe(struct iou_ring *r, struct io_uring_cqe **cqe)
{
	for (;;) {
		int ret;

		if (!iou_peek_cqe(r, cqe))
			return 0;
		ret = iou_enter(r, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN)
			return ret;
	}
}

void iou_cqe_copy(const struct iou_ring *r, struct iou_cqe *dst,
		  const struct io_uring_cqe *src)
{
	dst->user_data = src->user_data;
	dst->res = src->res;
	dst->flags = src->flags;
	if (r->cqe_shift || iou_cqe_slots(r, src) == 2) {
		dst->big_cqe[0] = src->big_cqe[0];
		dst->big_cqe[1] = src->big_cqe[1];
	} else {
		dst->big_cqe[0] = dst->big_cqe[1] = 0;
	}
}

int iou_reap(struct iou_ring *r, struct iou_cqe *out, unsigned int nr,
	     unsigned int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;
	unsigned int got = 0;

	while (got < nr) {
		struct io_uring_cqe *cqe;
		long long left = deadline - mono_ms();
		int ret = iou_wait_cqe_timeout(r, &cqe,
					       left > 0 ? (unsigned int)left : 0);

		if (ret == -ETIME)
			break;
		if (ret < 0)
			return ret;
		iou_cqe_copy(r, &out[got++], cqe);
		iou_cqe_seen(r, cqe);
	}
	return (int)got;
}

int iou_submit_reap(struct iou_ring *r, struct iou_cqe *out, unsigned int nr)
{
	int ret = iou_submit(r);

	if (ret < 0)
		return ret;
	return iou_reap(r, out, nr, IOU_WAIT_MS);
}
