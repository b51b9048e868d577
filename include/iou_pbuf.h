/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the provided-buffer (tests/pbuf) and "registration, part 2"
 * (tests/register/register-{iowq,ring-fds,napi,clock,...}-*) programs:
 * provided-buffer rings in user or kernel memory, and waiting for io-wq
 * worker threads.  (The faulting pointer, the register-opcode probe and
 * the thread lookup are the suite's: iou_fault_ptr(),
 * REQUIRE_REGISTER_OP() and iou_threads() in iou_harness.h.)
 *
 * Everything is static inline so that no symbol can clash with another
 * area's helpers in libiou.a.
 */
#ifndef IOU_PBUF_H
#define IOU_PBUF_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iou_abi.h"
#include "iou_harness.h"
#include "iou_ring.h"

/* ---- provided-buffer rings ------------------------------------------ */

struct iou_pb_ring {
	struct io_uring_buf_ring *br;	/* the shared ring */
	size_t map_size;		/* bytes mapped at br */
	unsigned int entries;
	unsigned int mask;
	unsigned int bgid;
	unsigned int flags;		/* IOU_PBUF_RING_* it was registered with */
	__u16 tail;			/* our copy of the tail, not yet published */
	bool registered;
};

static inline size_t iou_pb_ring_bytes(unsigned int entries)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	size_t sz = (size_t)entries * sizeof(struct io_uring_buf);

	return (sz + ps - 1) & ~(ps - 1);
}

/* IORING_REGISTER_PBUF_RING with a filled-in struct; 0 or -errno */
static inline int iou_pb_register(struct iou_ring *r, __u64 ring_addr,
				  unsigned int entries, unsigned int bgid,
				  unsigned int flags)
{
	struct io_uring_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = ring_addr;
	reg.ring_entries = entries;
	reg.bgid = (__u16)bgid;
	reg.flags = (__u16)flags;
	return iou_register(r, IORING_REGISTER_PBUF_RING, &reg, 1);
}

static inline int iou_pb_unregister(struct iou_ring *r, unsigned int bgid)
{
	struct io_uring_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.bgid = (__u16)bgid;
	return iou_register(r, IORING_UNREGISTER_PBUF_RING, &reg, 1);
}

/*
 * Set up and register a ring of 'entries' buffers for group bgid: in
 * anonymous user memory, or, with IOU_PBUF_RING_MMAP in flags, allocated
 * by the kernel and mapped from the ring fd.  0 or -errno.
 */
static inline int iou_pb_ring_setup(struct iou_ring *r, struct iou_pb_ring *pb,
				    unsigned int entries, unsigned int bgid,
				    unsigned int flags)
{
	int ret;

	memset(pb, 0, sizeof(*pb));
	pb->entries = entries;
	pb->mask = entries - 1;
	pb->bgid = bgid;
	pb->flags = flags;
	pb->map_size = iou_pb_ring_bytes(entries);

	if (flags & IOU_PBUF_RING_MMAP) {
		void *p;

		ret = iou_pb_register(r, 0, entries, bgid, flags);
		if (ret)
			return ret;
		pb->registered = true;
		p = mmap(NULL, pb->map_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd,
			 (off_t)(IORING_OFF_PBUF_RING |
				 ((__u64)bgid << IORING_OFF_PBUF_SHIFT)));
		if (p == MAP_FAILED) {
			ret = -errno;
			iou_pb_unregister(r, bgid);
			pb->registered = false;
			return ret;
		}
		pb->br = p;
		return 0;
	}

	pb->br = mmap(NULL, pb->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pb->br == MAP_FAILED) {
		pb->br = NULL;
		return -ENOMEM;
	}
	ret = iou_pb_register(r, (__u64)(uintptr_t)pb->br, entries, bgid, flags);
	if (ret) {
		munmap(pb->br, pb->map_size);
		pb->br = NULL;
		return ret;
	}
	pb->registered = true;
	return 0;
}

/*
 * The errno mmap(2) of the ring fd gives for an offset that names no
 * region at all (0xf8000000: no IORING_OFF_* type).  The ring fd's
 * get_unmapped_area refuses such a mapping before ->mmap runs; it said
 * ENOMEM whatever the reason until df645b745941 ("io_uring/memmap: return
 * -EINVAL from get_unmapped_area() on bad mmap", 7.2) made it pass on the
 * EINVAL of the region lookup.  A provided-buffer offset whose group has
 * no kernel-allocated ring fails the same way.  0 if the mapping worked.
 */
static inline int iou_pb_no_region_errno(struct iou_ring *r)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		       (off_t)0xf8000000ULL);

	if (p != MAP_FAILED) {
		munmap(p, ps);
		return 0;
	}
	return errno;
}

/* Queue buffer (addr, len, bid) 'offset' slots past our unpublished tail. */
static inline void iou_pb_add(struct iou_pb_ring *pb, void *addr,
			      unsigned int len, unsigned int bid,
			      unsigned int offset)
{
	struct io_uring_buf *buf = &pb->br->bufs[(pb->tail + offset) & pb->mask];

	buf->addr = (__u64)(uintptr_t)addr;
	buf->len = len;
	buf->bid = (__u16)bid;
}

/* Publish nr queued buffers to the kernel (release store of the tail). */
static inline void iou_pb_advance(struct iou_pb_ring *pb, unsigned int nr)
{
	pb->tail = (__u16)(pb->tail + nr);
	iou_store_release(&pb->br->tail, pb->tail);
}

/* Unregister (if still registered) and unmap. */
static inline void iou_pb_ring_free(struct iou_ring *r, struct iou_pb_ring *pb)
{
	if (pb->registered && r->fd >= 0)
		iou_pb_unregister(r, pb->bgid);
	pb->registered = false;
	if (pb->br)
		munmap(pb->br, pb->map_size);
	pb->br = NULL;
}

/* IORING_REGISTER_PBUF_STATUS: the kernel's head of group bgid, or -errno */
static inline int iou_pb_status(struct iou_ring *r, unsigned int bgid,
				unsigned int *head)
{
	struct io_uring_buf_status st;
	int ret;

	memset(&st, 0, sizeof(st));
	st.buf_group = bgid;
	ret = iou_register(r, IORING_REGISTER_PBUF_STATUS, &st, 1);
	if (ret == 0)
		*head = st.head;
	return ret;
}

/*
 * Legacy provided buffers before dbc7d452e7cf ("io_uring: manage provided
 * buffers strictly ordered", 5.18)?  Until then a PROVIDE_BUFFERS that
 * added to an existing group completed with the number of buffers added
 * (one that created the group, with 0 all the same: from 5.13 the result
 * of inserting the group replaced the count), a group was deleted when
 * its last buffer was removed or selected, and the newest buffer was
 * selected first.  Since, every PROVIDE_BUFFERS completes with 0, emptied
 * groups stay, and buffers go in the order provided.  Probed by adding one
 * buffer to an existing group on a scratch ring: 1 before, 0 since.
 */
static inline bool iou_pb_legacy_pre_5_18(void)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	struct iou_ring r;
	char buf[2];
	int res = -1;

	if (iou_ring_init(&r, 2, 0))
		return false;
	sqe = iou_get_sqe(&r);
	iou_prep_rw(sqe, IORING_OP_PROVIDE_BUFFERS, 1, buf, 1, 0);
	sqe->buf_group = 9;
	if (iou_submit_reap(&r, &cqe, 1) == 1 && cqe.res == 0) {
		sqe = iou_get_sqe(&r);
		iou_prep_rw(sqe, IORING_OP_PROVIDE_BUFFERS, 1, buf + 1, 1, 1);
		sqe->buf_group = 9;
		if (iou_submit_reap(&r, &cqe, 1) == 1)
			res = cqe.res;
	}
	iou_ring_exit(&r);
	return res == 1;
}

/* a read of up to len bytes at off into a buffer picked from group bgid */
static inline void iou_pb_prep_read(struct io_uring_sqe *sqe, int fd,
				    unsigned int len, __u64 off,
				    unsigned int bgid)
{
	iou_prep_rw(sqe, IORING_OP_READ, fd, NULL, len, off);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16)bgid;
}

/* submit such a read and reap its CQE */
static inline struct iou_cqe iou_pb_read_select(struct __test_metadata *_metadata,
						struct iou_ring *r, int fd,
						unsigned int len, __u64 off,
						unsigned int bgid)
{
	struct iou_cqe cqe = { 0 };

	iou_pb_prep_read(iou_get_sqe(r), fd, len, off, bgid);
	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	return cqe;
}

/* CQE flags of a completion that consumed buffer bid */
static inline __u32 iou_pb_cqe_flags(unsigned int bid, __u32 extra)
{
	return IORING_CQE_F_BUFFER | ((__u32)bid << IORING_CQE_BUFFER_SHIFT) | extra;
}

/* ---- io-wq workers seen from /proc ------------------------------------ */

/*
 * io-wq workers are threads of the submitting process named
 * "iou-wrk-<tid>" (iou_threads("iou-wrk-", ...) counts them now).
 * Wait (bounded) until at least nr exist; returns the count, filling up to
 * max tids (may be NULL).
 */
static inline int iou_pb_wait_iowq_workers(int nr, int *tids, int max,
					   unsigned int timeout_ms)
{
	for (unsigned int waited = 0;; waited++) {
		int n = iou_threads("iou-wrk-", tids, max);

		if (n >= nr || waited >= timeout_ms)
			return n;
		usleep(1000);
	}
}

#endif /* IOU_PBUF_H */
