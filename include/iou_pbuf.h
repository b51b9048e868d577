/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Provided buffers: buffer rings in user or kernel memory (register,
 * add, publish, status, free) and reads that select a buffer from a
 * group.
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
#include "iou_prep.h"
#include "iou_ring.h"

/* ---- legacy provided buffers ------------------------------------------ */

#define IOU_PBUF_PROVIDE_UD	0x9b0f000000000b0fULL

/*
 * PROVIDE_BUFFERS run alone: nbufs buffers of len bytes from addr to
 * group bgid, ids from bid.  Its CQE's res, INT32_MIN if none came,
 * -EPROTO if the CQE had flags or another user_data.  Adding to a group
 * that has no buffers completes with 0 on every kernel, not with the
 * count: io_add_buffers() returns 0 once it added any.
 */
static inline int iou_pbuf_provide(struct iou_ring *r, void *addr, unsigned int len,
				   int nbufs, unsigned int bgid, unsigned int bid)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe;

	iou_prep_provide_buffers(sqe, addr, len, nbufs, bgid, bid);
	sqe->user_data = IOU_PBUF_PROVIDE_UD;
	if (iou_submit_reap(r, &cqe, 1) != 1)
		return INT32_MIN;
	if (cqe.user_data != IOU_PBUF_PROVIDE_UD || cqe.flags)
		return -EPROTO;
	return cqe.res;
}

/* ---- provided-buffer rings ------------------------------------------ */

struct iou_pbuf_ring {
	struct io_uring_buf_ring *br;	/* the shared ring */
	size_t map_size;		/* bytes mapped at br */
	unsigned int entries;
	unsigned int mask;
	unsigned int bgid;
	unsigned int flags;		/* IOU_PBUF_RING_* it was registered with */
	__u16 tail;			/* our copy of the tail, not yet published */
	bool registered;
};

static inline size_t iou_pbuf_ring_bytes(unsigned int entries)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	size_t sz = (size_t)entries * sizeof(struct io_uring_buf);

	return (sz + ps - 1) & ~(ps - 1);
}

/* IORING_REGISTER_PBUF_RING with a filled-in struct; 0 or -errno */
static inline int iou_pbuf_register(struct iou_ring *r, __u64 ring_addr,
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

static inline int iou_pbuf_unregister(struct iou_ring *r, unsigned int bgid)
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
static inline int iou_pbuf_ring_setup(struct iou_ring *r, struct iou_pbuf_ring *pb,
				    unsigned int entries, unsigned int bgid,
				    unsigned int flags)
{
	int ret;

	memset(pb, 0, sizeof(*pb));
	pb->entries = entries;
	pb->mask = entries - 1;
	pb->bgid = bgid;
	pb->flags = flags;
	pb->map_size = iou_pbuf_ring_bytes(entries);

	if (flags & IOU_PBUF_RING_MMAP) {
		void *p;

		ret = iou_pbuf_register(r, 0, entries, bgid, flags);
		if (ret)
			return ret;
		pb->registered = true;
		p = mmap(NULL, pb->map_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd,
			 (off_t)(IORING_OFF_PBUF_RING |
				 ((__u64)bgid << IORING_OFF_PBUF_SHIFT)));
		if (p == MAP_FAILED) {
			ret = -errno;
			iou_pbuf_unregister(r, bgid);
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
	ret = iou_pbuf_register(r, (__u64)(uintptr_t)pb->br, entries, bgid, flags);
	if (ret) {
		munmap(pb->br, pb->map_size);
		pb->br = NULL;
		return ret;
	}
	pb->registered = true;
	return 0;
}

/* Queue buffer (addr, len, bid) 'offset' slots past our unpublished tail. */
static inline void iou_pbuf_add(struct iou_pbuf_ring *pb, void *addr,
			      unsigned int len, unsigned int bid,
			      unsigned int offset)
{
	struct io_uring_buf *buf = &pb->br->bufs[(pb->tail + offset) & pb->mask];

	buf->addr = (__u64)(uintptr_t)addr;
	buf->len = len;
	buf->bid = (__u16)bid;
}

/* Publish nr queued buffers to the kernel (release store of the tail). */
static inline void iou_pbuf_advance(struct iou_pbuf_ring *pb, unsigned int nr)
{
	pb->tail = (__u16)(pb->tail + nr);
	iou_store_release(&pb->br->tail, pb->tail);
}

/* Unregister (if still registered) and unmap. */
static inline void iou_pbuf_ring_free(struct iou_ring *r, struct iou_pbuf_ring *pb)
{
	if (pb->registered && r->fd >= 0)
		iou_pbuf_unregister(r, pb->bgid);
	pb->registered = false;
	if (pb->br)
		munmap(pb->br, pb->map_size);
	pb->br = NULL;
}

/* IORING_REGISTER_PBUF_STATUS: the kernel's head of group bgid, or -errno */
static inline int iou_pbuf_status(struct iou_ring *r, unsigned int bgid,
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

/* a read of up to len bytes at off into a buffer picked from group bgid */
static inline void iou_pbuf_prep_read(struct io_uring_sqe *sqe, int fd,
				    unsigned int len, __u64 off,
				    unsigned int bgid)
{
	iou_prep_rw(sqe, IORING_OP_READ, fd, NULL, len, off);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16)bgid;
}

/* submit such a read and reap its CQE */
static inline struct iou_cqe iou_pbuf_read_select(struct __test_metadata *_metadata,
						struct iou_ring *r, int fd,
						unsigned int len, __u64 off,
						unsigned int bgid)
{
	struct iou_cqe cqe = { 0 };

	iou_pbuf_prep_read(iou_get_sqe(r), fd, len, off, bgid);
	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	return cqe;
}

/* CQE flags of a completion that consumed buffer bid */
static inline __u32 iou_pbuf_cqe_flags(unsigned int bid, __u32 extra)
{
	return IORING_CQE_F_BUFFER | ((__u32)bid << IORING_CQE_BUFFER_SHIFT) | extra;
}

#endif /* IOU_PBUF_H */
