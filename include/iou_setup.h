/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the ring-setup programs (tests/setup): raw setup calls that
 * report -errno, rings in user memory (IORING_SETUP_NO_MMAP) wired into a
 * struct iou_ring, and the io_uring threads of this process (SQPOLL's
 * iou-sqp-*, io-wq's iou-wrk-*; iou_threads() lists them) waited for and
 * seen through /proc/self/task.
 *
 * Everything is static inline so that no symbol can clash with another
 * area's helpers in libiou.a.
 */
#ifndef IOU_SETUP_H
#define IOU_SETUP_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iou_abi.h"
#include "iou_harness.h"
#include "iou_ring.h"

/* ---- raw setup -------------------------------------------------------- */

/* io_uring_setup(); the fd (or registered index) or -errno */
static inline int iou_su_setup(unsigned int entries, struct io_uring_params *p)
{
	int ret = sys_io_uring_setup(entries, p);

	return ret < 0 ? -errno : ret;
}

/* setup with zeroed params but for flags; closes the ring; 0 or -errno */
static inline int iou_su_try(unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	fd = iou_su_setup(entries, &p);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* the lowest free descriptor number: what the next open() would get */
static inline int iou_su_next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* ---- rings in user memory (IORING_SETUP_NO_MMAP) ----------------------- */

/*
 * Point r at rings the kernel placed in user memory.  The kernel takes the
 * rings (header, CQEs, SQ array) from cq_off.user_addr and the SQE array
 * from sq_off.user_addr (io_allocate_scq_urings()).
 */
static inline void iou_su_wire_user_rings(struct iou_ring *r, int fd,
					  const struct io_uring_params *p,
					  void *rings, size_t rings_sz,
					  void *sqes, size_t sqes_sz)
{
	char *base = rings;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->enter_fd = fd;
	r->flags = p->flags;
	r->features = p->features;
	r->params = *p;
	r->user_mem = true;
	r->sq_ring_ptr = r->cq_ring_ptr = rings;
	r->sq_ring_sz = r->cq_ring_sz = rings_sz;
	r->sqes_ptr = sqes;
	r->sqes_sz = sqes_sz;

	r->sq_khead = (unsigned int *)(base + p->sq_off.head);
	r->sq_ktail = (unsigned int *)(base + p->sq_off.tail);
	r->sq_kring_mask = (unsigned int *)(base + p->sq_off.ring_mask);
	r->sq_kring_entries = (unsigned int *)(base + p->sq_off.ring_entries);
	r->sq_kflags = (unsigned int *)(base + p->sq_off.flags);
	r->sq_kdropped = (unsigned int *)(base + p->sq_off.dropped);
	r->sq_array = p->flags & IORING_SETUP_NO_SQARRAY ? NULL :
		      (unsigned int *)(base + p->sq_off.array);
	r->sqes = sqes;
	r->cq_khead = (unsigned int *)(base + p->cq_off.head);
	r->cq_ktail = (unsigned int *)(base + p->cq_off.tail);
	r->cq_kring_mask = (unsigned int *)(base + p->cq_off.ring_mask);
	r->cq_kring_entries = (unsigned int *)(base + p->cq_off.ring_entries);
	r->cq_koverflow = (unsigned int *)(base + p->cq_off.overflow);
	r->cq_kflags = (unsigned int *)(base + p->cq_off.flags);
	r->cqes = (struct io_uring_cqe *)(base + p->cq_off.cqes);

	r->sq_mask = *r->sq_kring_mask;
	r->sq_entries = *r->sq_kring_entries;
	r->cq_mask = *r->cq_kring_mask;
	r->cq_entries = *r->cq_kring_entries;
	r->sqe_shift = p->flags & IORING_SETUP_SQE128 ? 1 : 0;
	r->cqe_shift = p->flags & IORING_SETUP_CQE32 ? 1 : 0;
	r->sqe_head = r->sqe_tail = *r->sq_ktail;
	if (r->sq_array)
		for (unsigned int i = 0; i < r->sq_entries; i++)
			r->sq_array[i] = i;
	if (p->flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		r->fd = -1;
		r->enter_flags = IORING_ENTER_REGISTERED_RING;
		r->register_flags = IORING_REGISTER_USE_REGISTERED_RING;
	}
}

/* Anonymous memory for NO_MMAP rings; both areas page aligned. */
struct iou_su_mem {
	void *rings, *sqes;
	size_t rings_sz, sqes_sz;
};

static inline int iou_su_mem_alloc(struct iou_su_mem *m, unsigned int sq,
				   unsigned int cq, unsigned int flags)
{
	iou_ring_mem_sizes(sq, cq, flags, &m->rings_sz, &m->sqes_sz);
	m->rings = mmap(NULL, m->rings_sz, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	m->sqes = mmap(NULL, m->sqes_sz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (m->rings == MAP_FAILED || m->sqes == MAP_FAILED)
		return -ENOMEM;
	return 0;
}

static inline void iou_su_mem_free(struct iou_su_mem *m)
{
	if (m->rings && m->rings != MAP_FAILED)
		munmap(m->rings, m->rings_sz);
	if (m->sqes && m->sqes != MAP_FAILED)
		munmap(m->sqes, m->sqes_sz);
	m->rings = m->sqes = NULL;
}

/*
 * Set up a NO_MMAP ring (p->flags must hold NO_MMAP) in m and wire r to
 * it; 0 or -errno.  iou_ring_exit() closes the fd and leaves m alone.
 */
static inline int iou_su_user_ring(struct iou_ring *r, unsigned int entries,
				   struct io_uring_params *p,
				   const struct iou_su_mem *m)
{
	int fd;

	p->cq_off.user_addr = (__u64)(uintptr_t)m->rings;
	p->sq_off.user_addr = (__u64)(uintptr_t)m->sqes;
	fd = iou_su_setup(entries, p);
	if (fd < 0)
		return fd;
	iou_su_wire_user_rings(r, fd, p, m->rings, m->rings_sz, m->sqes,
			       m->sqes_sz);
	/* the memory belongs to m: iou_ring_exit() must not unmap it */
	r->own_mem = false;
	return 0;
}

/*
 * The errno with which this kernel refuses an mmap() of the ring fd that
 * it cannot serve (an offset with no region behind it, or a region that
 * lives in user memory): the mm core asks io_uring_get_unmapped_area()
 * for an address first, and that reported every refusal as ENOMEM until
 * df645b745941 ("io_uring/memmap: return -EINVAL from get_unmapped_area()
 * on bad mmap", 7.2), which passes on the validation's EINVAL (before
 * io_uring had that hook, added in 2023, io_uring_mmap() refused with
 * EINVAL as well).  Probed on a plain ring at offset 0x18000000, which
 * no kernel maps (SQ ring 0, CQ ring 0x8000000, SQEs 0x10000000, param
 * region 0x20000000, zcrx 0x30000000, buffer rings 0x80000000).  The
 * errno, or 0 if the mmap succeeded or the ring could not be set up.
 */
#define IOU_SU_UNMAPPED_OFFSET	0x18000000L

static inline int iou_su_bad_mmap_errno(void)
{
	struct io_uring_params p;
	void *m;
	int fd, err;

	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(4, &p);
	if (fd < 0)
		return 0;
	errno = 0;
	m = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, IOU_SU_UNMAPPED_OFFSET);
	err = m == MAP_FAILED ? errno : 0;
	if (m != MAP_FAILED)
		munmap(m, (size_t)sysconf(_SC_PAGESIZE));
	close(fd);
	return err;
}

/* ---- completions ------------------------------------------------------ */

/*
 * Sort reaped CQEs by user_data.  The order of completions of different
 * requests is not guaranteed: a request that fails before it is issued
 * posts its CQE at once on older kernels (5.10, 6.1), ahead of inline
 * completions of the same batch that are flushed at its end.  Tests that
 * only care which CQEs came sort them first.
 */
static inline void iou_su_sort_cqes(struct iou_cqe *c, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		struct iou_cqe x = c[i];
		unsigned int j = i;

		while (j > 0 && c[j - 1].user_data > x.user_data) {
			c[j] = c[j - 1];
			j--;
		}
		c[j] = x;
	}
}

/*
 * Whether a NOP is accepted on an IOPOLL ring.  Older kernels refused it
 * with EINVAL (5.10 did); 6.0, the release that brought SINGLE_ISSUER,
 * has the per-opcode iopoll table that lets NOP through.
 */
static inline bool iou_su_iopoll_takes_nop(void)
{
	return iou_setup_flag_supported(IORING_SETUP_SINGLE_ISSUER);
}

/* ---- io_uring threads of this process ----------------------------------- */

/*
 * Wait (bounded) until exactly n threads of this process have a comm that
 * starts with prefix (iou_threads()), as a new thread names itself only
 * once it runs and an exiting one lingers a little; the last count seen.
 */
static inline int iou_su_wait_threads(const char *prefix, int n,
				      unsigned int timeout_ms)
{
	int seen = iou_threads(prefix, NULL, 0);

	for (unsigned int i = 0; i < timeout_ms && seen != n; i++) {
		usleep(1000);
		seen = iou_threads(prefix, NULL, 0);
	}
	return seen;
}

/*
 * Field 3 (state) and field 39 (last CPU) of /proc/self/task/tid/stat;
 * 0 or -errno.
 */
static inline int iou_su_task_stat(int tid, char *state, int *cpu)
{
	char path[64], buf[1024], *p;
	ssize_t len;
	int field;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	len = iou_read_file(path, buf, sizeof(buf));
	if (len < 0)
		return (int)len;
	if (len == 0)
		return -EIO;
	/* comm may contain spaces: fields are counted after its ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EIO;
	p += 2;
	if (state)
		*state = *p;
	for (field = 3; field < 39 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -EIO;
	if (cpu)
		*cpu = atoi(p);
	return 0;
}

/* wait (bounded) until thread tid sleeps ('S'); true if it did */
static inline bool iou_su_wait_sleeping(int tid, unsigned int timeout_ms)
{
	for (unsigned int i = 0; i < timeout_ms; i++) {
		char st = 0;

		if (!iou_su_task_stat(tid, &st, NULL) && st == 'S')
			return true;
		usleep(1000);
	}
	return false;
}

#endif /* IOU_SETUP_H */
