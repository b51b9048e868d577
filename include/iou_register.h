/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the "registration, part 1" programs (tests/register/
 * register-buffers-*, register-files-*, probe-*, personality-*,
 * restrictions-*, register-common-*): the table registration calls with
 * their argument structs filled in, memory that is never huge, a window
 * that asserts silence on the CQ ring, and child processes that run with
 * other credentials or limits.  Register opcodes are probed with the
 * suite's REQUIRE_REGISTER_OP(), and iou_fault_ptr() gives a pointer that
 * always faults (iou_harness.h).
 *
 * Everything is static inline so that no symbol can clash with another
 * area's helpers in libiou.a.
 */
#ifndef IOU_REGISTER_H
#define IOU_REGISTER_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "iou_abi.h"
#include "iou_harness.h"
#include "iou_ring.h"

#define IOU_RG_PAGE	((size_t)sysconf(_SC_PAGESIZE))

/*
 * IORING_RSRC_REGISTER_SPARSE (5.19) has no feature bit: a kernel
 * without it refuses the flag with EINVAL.  Probed on a scratch ring.
 */
static inline bool iou_rg_sparse_supported(void)
{
	static int known = -1;
	struct io_uring_rsrc_register rr;
	struct io_uring_params p;
	int fd;

	if (known >= 0)
		return known;
	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(2, &p);
	if (fd < 0)
		return false;
	memset(&rr, 0, sizeof(rr));
	rr.nr = 1;
	rr.flags = IORING_RSRC_REGISTER_SPARSE;
	known = sys_io_uring_register(fd, IORING_REGISTER_FILES2, &rr,
				      sizeof(rr)) == 0;
	close(fd);
	return known;
}

#define IOU_RG_REQUIRE_SPARSE() do {					\
	if (!iou_register_op_supported(IORING_REGISTER_FILES2) ||	\
	    !iou_rg_sparse_supported())					\
		SKIP(return, "kernel lacks IORING_RSRC_REGISTER_SPARSE"); \
	} while (0)

/*
 * Does unregistering a whole table (IORING_UNREGISTER_BUFFERS or
 * IORING_UNREGISTER_FILES) post the CQEs of the tags still in it?
 * From FEAT_RSRC_TAGS (5.13) to 6.12 it does not: tags are posted only
 * when an update replaces or empties a slot, and a table unregister frees
 * its resources silently.  Since 7029acd8a950 ("io_uring/rsrc: get rid of
 * per-ring io_rsrc_node list", 6.13) every resource is a node that posts
 * its tag whenever it is freed, so the unregister posts them (at once,
 * during the call).  reg_op is IORING_REGISTER_BUFFERS2 or
 * IORING_REGISTER_FILES2; probed on a scratch ring with one tagged entry.
 */
static inline bool iou_rg_unregister_posts_tags(unsigned int reg_op)
{
	unsigned int unreg_op = reg_op == IORING_REGISTER_FILES2 ?
		IORING_UNREGISTER_FILES : IORING_UNREGISTER_BUFFERS;
	struct io_uring_rsrc_register rr;
	struct io_uring_cqe *cqe;
	struct iou_ring r;
	struct iovec iov;
	__u64 tag = 0x7a9;
	bool posted = false;
	void *page = NULL;
	int pfd[2] = { -1, -1 };
	int ret;

	if (!(iou_features() & IORING_FEAT_RSRC_TAGS))
		return false;
	if (iou_ring_init(&r, 2, 0))
		return false;
	memset(&rr, 0, sizeof(rr));
	rr.nr = 1;
	rr.tags = (__u64)(uintptr_t)&tag;
	if (reg_op == IORING_REGISTER_FILES2) {
		if (pipe(pfd))
			goto out;
		rr.data = (__u64)(uintptr_t)&pfd[0];
	} else {
		page = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE),
			    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
		if (page == MAP_FAILED) {
			page = NULL;
			goto out;
		}
		iov = (struct iovec){ page, (size_t)sysconf(_SC_PAGESIZE) };
		rr.data = (__u64)(uintptr_t)&iov;
	}
	if (iou_register(&r, reg_op, &rr, sizeof(rr)) ||
	    iou_register(&r, unreg_op, NULL, 0))
		goto out;
	/* posted during the call where it happens at all; a short grace */
	ret = iou_wait_cqe_timeout(&r, &cqe, 50);
	posted = ret == 0 && cqe->user_data == tag;
out:
	iou_ring_exit(&r);
	if (page)
		munmap(page, (size_t)sysconf(_SC_PAGESIZE));
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	return posted;
}

#define IOU_RG_REQUIRE_UNREGISTER_TAGS(reg_op) do {			\
	if (!iou_rg_unregister_posts_tags(reg_op))			\
		SKIP(return, "kernel posts no tags on a table unregister " \
		     "(before 6.13: 7029acd8a950)");			\
	} while (0)

/* ---- memory ---------------------------------------------------------- */

/*
 * len bytes of private anonymous memory, faulted in and kept out of
 * transparent huge pages (so that the kernel charges and coalesces it
 * page by page); NULL on failure.  Free with munmap().
 */
static inline void *iou_rg_map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0, len);
	return p;
}

/* ---- table registration ---------------------------------------------- */

static inline int iou_rg_register2(struct iou_ring *r, unsigned int op,
				   const void *data, const __u64 *tags,
				   unsigned int nr, unsigned int flags)
{
	struct io_uring_rsrc_register rr;

	memset(&rr, 0, sizeof(rr));
	rr.nr = nr;
	rr.flags = flags;
	rr.data = (__u64)(uintptr_t)data;
	rr.tags = (__u64)(uintptr_t)tags;
	return iou_register(r, op, &rr, sizeof(rr));
}

/* IORING_REGISTER_BUFFERS2; 0 or -errno */
static inline int iou_rg_buffers2(struct iou_ring *r, const struct iovec *iov,
				  const __u64 *tags, unsigned int nr,
				  unsigned int flags)
{
	return iou_rg_register2(r, IORING_REGISTER_BUFFERS2, iov, tags, nr, flags);
}

/* IORING_REGISTER_FILES2; 0 or -errno */
static inline int iou_rg_files2(struct iou_ring *r, const int *fds,
				const __u64 *tags, unsigned int nr,
				unsigned int flags)
{
	return iou_rg_register2(r, IORING_REGISTER_FILES2, fds, tags, nr, flags);
}

/*
 * IORING_REGISTER_FILES_UPDATE2 or IORING_REGISTER_BUFFERS_UPDATE: nr
 * entries of data (fds or iovecs) and tags at table slot off; the count
 * updated or -errno.
 */
static inline int iou_rg_update2(struct iou_ring *r, unsigned int op,
				 unsigned int off, const void *data,
				 const __u64 *tags, unsigned int nr)
{
	struct io_uring_rsrc_update2 up;

	memset(&up, 0, sizeof(up));
	up.offset = off;
	up.data = (__u64)(uintptr_t)data;
	up.tags = (__u64)(uintptr_t)tags;
	up.nr = nr;
	return iou_register(r, op, &up, sizeof(up));
}

/* the 5.5 IORING_REGISTER_FILES_UPDATE: the count updated or -errno */
static inline int iou_rg_files_update(struct iou_ring *r, unsigned int off,
				      const int *fds, unsigned int nr)
{
	struct io_uring_rsrc_update up;

	memset(&up, 0, sizeof(up));
	up.offset = off;
	up.data = (__u64)(uintptr_t)fds;
	return iou_register(r, IORING_REGISTER_FILES_UPDATE, &up, nr);
}

/* ---- the CQ ring ------------------------------------------------------ */

/*
 * Wait up to ms for a CQE that must NOT come; returns how many arrived
 * (copied to *out if non-NULL and consumed), 0 if the ring stayed quiet.
 */
static inline int iou_rg_quiet(struct iou_ring *r, unsigned int ms,
			       struct iou_cqe *out)
{
	struct io_uring_cqe *cqe;
	int n = 0;

	while (iou_wait_cqe_timeout(r, &cqe, n ? 0 : ms) == 0) {
		if (out && n == 0)
			iou_cqe_copy(r, out, cqe);
		iou_cqe_seen(r, cqe);
		n++;
	}
	return n;
}

/* Submit one prepared SQE and reap its CQE; res, or INT32_MIN on no CQE. */
static inline int iou_rg_one(struct iou_ring *r, struct iou_cqe *cqe)
{
	struct iou_cqe tmp;

	if (!cqe)
		cqe = &tmp;
	if (iou_submit_reap(r, cqe, 1) != 1)
		return INT32_MIN;
	return cqe->res;
}

#endif /* IOU_REGISTER_H */
