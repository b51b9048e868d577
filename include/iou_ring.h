/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small raw-syscall io_uring library (harness/ring.c).
 *
 * Three levels:
 *  - sys_io_uring_setup/enter/register: the bare system calls; they return
 *    -1 and set errno, so tests can assert the errno exactly;
 *  - struct iou_ring: setup and mmap (single or separate maps, NO_MMAP user
 *    memory, SQE128, CQE32, CQE_MIXED, NO_SQARRAY, registered ring fd),
 *    get SQE, submit, wait, peek, seen.  These return 0 / a count or
 *    -errno, never touch errno-based reporting;
 *  - raw pointers: every kernel-shared word is reachable through the ring
 *    (sq_khead, sq_ktail, sq_kflags, sq_array, cq_khead, ...), so tests
 *    can poke the shared-ring protocol directly.
 *
 * Ordering: the SQ tail and CQ head are published with release stores; the
 * SQ head and CQ tail are read with acquire loads.
 */
#ifndef IOU_RING_H
#define IOU_RING_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "iou_abi.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter	426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register	427
#endif

#define iou_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define iou_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define iou_read_once(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define iou_write_once(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define iou_smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)

/* kernel sigset size for EXT_ARG and enter's sigmask (8 on all 64-bit) */
#define IOU_NSIG_BYTES		(64 / 8)

/* IOU_TIMEOUT_SCALE (iou_harness.h) */
unsigned int iou_timeout_scale(void);

/*
 * Bounded default wait for CQEs that should arrive (ms): generous, as it
 * only bounds a failing case; stretched by the timeout scale.
 */
#define IOU_WAIT_MS		(5000u * iou_timeout_scale())

int sys_io_uring_setup(unsigned int entries, struct io_uring_params *p);
int sys_io_uring_enter(int fd, unsigned int to_submit, unsigned int min_complete,
		       unsigned int flags, const void *arg, size_t argsz);
int sys_io_uring_register(int fd, unsigned int opcode, const void *arg,
			  unsigned int nr_args);

struct iou_ring {
	int fd;			/* ring fd; -1 with REGISTERED_FD_ONLY */
	int enter_fd;		/* fd or registered-ring index for syscalls */
	unsigned int enter_flags;	/* REGISTERED_RING when enter_fd is an index */
	unsigned int register_flags;	/* USE_REGISTERED_RING likewise */
	unsigned int flags;		/* setup flags */
	unsigned int features;
	struct io_uring_params params;	/* as setup returned them */

	/* SQ */
	unsigned int *sq_khead, *sq_ktail, *sq_kring_mask, *sq_kring_entries;
	unsigned int *sq_kflags, *sq_kdropped, *sq_array;
	struct io_uring_sqe *sqes;
	unsigned int sq_mask, sq_entries;
	unsigned int sqe_head;	/* first SQE not yet published */
	unsigned int sqe_tail;	/* next SQE to hand out */
	unsigned int sqe_shift;	/* 1 with SQE128 */

	/* CQ */
	unsigned int *cq_khead, *cq_ktail, *cq_kring_mask, *cq_kring_entries;
	unsigned int *cq_koverflow, *cq_kflags;
	struct io_uring_cqe *cqes;
	unsigned int cq_mask, cq_entries;
	unsigned int cqe_shift;	/* 1 with CQE32 */

	/* mappings (or user memory with NO_MMAP) */
	void *sq_ring_ptr;
	size_t sq_ring_sz;
	void *cq_ring_ptr;
	size_t cq_ring_sz;
	void *sqes_ptr;
	size_t sqes_sz;
	bool single_mmap;
	bool user_mem;		/* NO_MMAP memory we allocated */
	bool own_mem;
};

/* How to build a ring beyond its params. */
struct iou_ring_opts {
	bool map_separately;	/* ignore FEAT_SINGLE_MMAP */
	bool register_ring_fd;	/* use IORING_ENTER_REGISTERED_RING */
	void *mem;		/* NO_MMAP: rings memory (page aligned) */
	size_t mem_size;
	void *sqe_mem;		/* NO_MMAP: SQE array memory */
	size_t sqe_mem_size;
};

/*
 * Memory of the caller's for NO_MMAP rings (page aligned, faulted in),
 * sized for sq/cq entries; pass &m.opts to iou_ring_init_opts() or
 * iou_ring_map().  The ring does not own it: free it after iou_ring_exit().
 */
struct iou_ring_mem {
	struct iou_ring_opts opts;
};

int iou_ring_mem_alloc(struct iou_ring_mem *m, unsigned int sq_entries,
		       unsigned int cq_entries, unsigned int flags);
void iou_ring_mem_free(struct iou_ring_mem *m);

/* A completion copied out of the ring (big_cqe valid for 32-byte CQEs). */
struct iou_cqe {
	__u64	user_data;
	__s32	res;
	__u32	flags;
	__u64	big_cqe[2];
};

int iou_ring_init(struct iou_ring *r, unsigned int entries, unsigned int flags);
int iou_ring_init_params(struct iou_ring *r, unsigned int entries,
			 struct io_uring_params *p);
int iou_ring_init_opts(struct iou_ring *r, unsigned int entries,
		       struct io_uring_params *p, const struct iou_ring_opts *o);
/*
 * Map an existing ring described by p (from setup) into r: fd is what
 * setup returned (an index with REGISTERED_FD_ONLY); a NO_MMAP ring's
 * memory comes from o.
 */
int iou_ring_map(struct iou_ring *r, int fd, const struct io_uring_params *p,
		 const struct iou_ring_opts *o);
void iou_ring_exit(struct iou_ring *r);

/* Sizes the NO_MMAP memory of a ring must at least have. */
void iou_ring_mem_sizes(unsigned int sq_entries, unsigned int cq_entries,
			unsigned int flags, size_t *rings, size_t *sqes);

/* the memory a ring of these sizes pins (rings and SQEs) */
static inline size_t iou_ring_pinned_bytes(unsigned int sq_entries,
					   unsigned int cq_entries, unsigned int flags)
{
	size_t rings, sqes;

	iou_ring_mem_sizes(sq_entries, cq_entries, flags, &rings, &sqes);
	return rings + sqes;
}

int iou_ring_register_fd(struct iou_ring *r);
int iou_ring_unregister_fd(struct iou_ring *r);

/* io_uring_register on this ring; returns the result or -errno */
int iou_register(struct iou_ring *r, unsigned int opcode, const void *arg,
		 unsigned int nr_args);
/* io_uring_enter on this ring; returns the result or -errno */
int iou_enter(struct iou_ring *r, unsigned int to_submit,
	      unsigned int min_complete, unsigned int flags,
	      const void *arg, size_t argsz);

/* SQ side */
struct io_uring_sqe *iou_get_sqe(struct iou_ring *r);
unsigned int iou_sq_flush(struct iou_ring *r);
unsigned int iou_sq_ready(const struct iou_ring *r);
unsigned int iou_sq_space_left(const struct iou_ring *r);
/* the SQEs submitted (SQPOLL: those this call published), or -errno */
int iou_submit(struct iou_ring *r);
int iou_submit_and_wait(struct iou_ring *r, unsigned int wait_nr);

/* CQ side */
unsigned int iou_cq_ready(const struct iou_ring *r);
int iou_peek_cqe(struct iou_ring *r, struct io_uring_cqe **cqe);
int iou_wait_cqe(struct iou_ring *r, struct io_uring_cqe **cqe);
int iou_wait_cqe_timeout(struct iou_ring *r, struct io_uring_cqe **cqe,
			 unsigned int timeout_ms);
void iou_cqe_seen(struct iou_ring *r, const struct io_uring_cqe *cqe);
void iou_cq_advance(struct iou_ring *r, unsigned int nr);
struct io_uring_cqe *iou_cqe_at(const struct iou_ring *r, unsigned int index);
unsigned int iou_cqe_slots(const struct iou_ring *r,
			   const struct io_uring_cqe *cqe);
void iou_cqe_copy(const struct iou_ring *r, struct iou_cqe *dst,
		  const struct io_uring_cqe *src);

/*
 * Reap up to nr completions into out[], waiting at most timeout_ms in
 * all; returns how many arrived (a timeout is not an error) or
 * -errno if waiting failed otherwise.
 */
int iou_reap(struct iou_ring *r, struct iou_cqe *out, unsigned int nr,
	     unsigned int timeout_ms);
/* submit what is queued, then reap exactly nr completions or fail */
int iou_submit_reap(struct iou_ring *r, struct iou_cqe *out, unsigned int nr);

/* ---- SQE preparation --------------------------------------------- */

static inline void iou_prep_rw(struct io_uring_sqe *sqe, int op, int fd,
			       const void *addr, unsigned int len, __u64 off)
{
	sqe->opcode = (__u8)op;
	sqe->fd = fd;
	sqe->addr = (__u64)(uintptr_t)addr;
	sqe->len = len;
	sqe->off = off;
}

static inline void iou_prep_nop(struct io_uring_sqe *sqe, __u64 user_data)
{
	iou_prep_rw(sqe, IORING_OP_NOP, -1, NULL, 0, 0);
	sqe->user_data = user_data;
}

#endif /* IOU_RING_H */
