/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the provided-buffer (tests/pbuf) and "registration, part 2"
 * (tests/register/register-{iowq,ring-fds,napi,clock,...}-*) programs:
 * provided-buffer rings in user or kernel memory, a pointer that always
 * faults, and io-wq worker threads seen through /proc.
 *
 * Everything is static inline so that no symbol can clash with another
 * area's helpers in libiou.a.
 */
#ifndef IOU_PBUF_H
#define IOU_PBUF_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iou_abi.h"
#include "iou_ring.h"

/* ---- a pointer the kernel can never copy from or to ---------------- */

/*
 * The address of a PROT_NONE page: copy_from_user() on it fails with
 * EFAULT, whereas NULL is often refused earlier with EINVAL ("!arg").
 * The page stays reserved for the life of the process.
 */
static inline void *iou_pb_fault_ptr(void)
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

/* ---- which register opcodes this kernel knows ------------------------ */

/*
 * The suite's iou_register_op_supported() probes with a NULL argument and
 * takes EINVAL for "unknown opcode"; but 6.x refuses a NULL argument of
 * most newer opcodes with EINVAL before looking at it (PBUF_RING,
 * PBUF_STATUS, SYNC_CANCEL, NAPI, CLOCK, IOWQ_*, RESIZE_RINGS,
 * MEM_REGION...), so it reports them missing.  This probe asks
 * IORING_REGISTER_QUERY where it exists (6.18: the number of register
 * opcodes) and otherwise passes a faulting pointer with a valid nr_args,
 * on a ring whose flags pass the opcode's first checks: a known opcode
 * then fails with EFAULT (or EPERM for a privilege it checks first), an
 * unknown one with EINVAL.
 */
static inline bool iou_pb_register_op_supported(unsigned int op)
{
	struct io_uring_query_opcode q;
	struct io_uring_query_hdr h;
	struct io_uring_params p;
	unsigned int nr = 1;
	int fd, ret, err;

	memset(&q, 0, sizeof(q));
	memset(&h, 0, sizeof(h));
	h.query_data = (__u64)(uintptr_t)&q;
	h.query_op = IO_URING_QUERY_OPCODES;
	h.size = sizeof(q);
	if (sys_io_uring_register(-1, IORING_REGISTER_QUERY, &h, 0) == 0 &&
	    h.result == 0)
		return op < q.nr_register_opcodes;
	if (op >= IORING_REGISTER_QUERY)
		return false;

	if (op == IORING_REGISTER_SEND_MSG_RING) {
		/* before 6.13, fd -1 is just a bad fd (EBADF) */
		ret = sys_io_uring_register(-1, op, iou_pb_fault_ptr(), 1);
		return ret < 0 && errno == EFAULT;
	}
	switch (op) {
	case IORING_UNREGISTER_IOWQ_AFF:
		op = IORING_REGISTER_IOWQ_AFF;	/* came together (5.14) */
		break;
	case IORING_UNREGISTER_NAPI:
		op = IORING_REGISTER_NAPI;	/* came together (6.9) */
		break;
	case IORING_REGISTER_IOWQ_MAX_WORKERS:
		nr = 2;
		break;
	case IORING_REGISTER_CLOCK:
	case IORING_REGISTER_FILE_ALLOC_RANGE:
		nr = 0;
		break;
	}
	memset(&p, 0, sizeof(p));
	/* RESIZE_RINGS wants DEFER_TASKRUN, ZCRX_IFQ also a big-CQE ring */
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_CQE32;
	fd = sys_io_uring_setup(2, &p);
	if (fd < 0) {
		memset(&p, 0, sizeof(p));
		fd = sys_io_uring_setup(2, &p);
	}
	if (fd < 0)
		return false;
	ret = sys_io_uring_register(fd, op, iou_pb_fault_ptr(), nr);
	err = errno;
	close(fd);
	return ret >= 0 || err == EFAULT || err == EPERM;
}

#define IOU_PB_REQUIRE_REGISTER_OP(op) do {				\
	if (!iou_pb_register_op_supported(op))				\
		SKIP(return, "kernel lacks register opcode %s", #op);	\
	} while (0)

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

/* a read of up to len bytes at off into a buffer picked from group bgid */
static inline void iou_pb_prep_read(struct io_uring_sqe *sqe, int fd,
				    unsigned int len, __u64 off,
				    unsigned int bgid)
{
	iou_prep_rw(sqe, IORING_OP_READ, fd, NULL, len, off);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16)bgid;
}

/* CQE flags of a completion that consumed buffer bid */
static inline __u32 iou_pb_cqe_flags(unsigned int bid, __u32 extra)
{
	return IORING_CQE_F_BUFFER | ((__u32)bid << IORING_CQE_BUFFER_SHIFT) | extra;
}

/* ---- io-wq workers seen from /proc ------------------------------------ */

/*
 * io-wq workers are threads of the submitting process named
 * "iou-wrk-<tid>".  Fills up to max tids (may be NULL), returns how many
 * such threads exist now.
 */
static inline int iou_pb_iowq_workers(int *tids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[300], comm[64];
		ssize_t len;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (len <= 0)
			continue;
		comm[len] = 0;
		if (strncmp(comm, "iou-wrk-", 8))
			continue;
		if (tids && n < max)
			tids[n] = atoi(de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* Wait (bounded) until at least nr io-wq workers exist; returns the count. */
static inline int iou_pb_wait_iowq_workers(int nr, int *tids, int max,
					   unsigned int timeout_ms)
{
	for (unsigned int waited = 0;; waited++) {
		int n = iou_pb_iowq_workers(tids, max);

		if (n >= nr || waited >= timeout_ms)
			return n;
		usleep(1000);
	}
}

#endif /* IOU_PBUF_H */
