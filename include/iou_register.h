/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the "registration, part 1" programs (tests/register/
 * register-buffers-*, register-files-*, probe-*, personality-*,
 * restrictions-*, register-common-*): the table registration calls with
 * their argument structs filled in, a probe for register opcodes that
 * does not trip over "!arg" checks, memory that is never huge, a window
 * that asserts silence on the CQ ring, and child processes that run with
 * other credentials or limits.
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

/* ---- a pointer the kernel can never copy from or to ------------------- */

/*
 * The address of a PROT_NONE page: copy_from_user() on it fails with
 * EFAULT, whereas NULL is refused earlier with EINVAL by many opcodes
 * ("!arg").  The page stays reserved for the life of the process.
 */
static inline void *iou_rg_fault_ptr(void)
{
	static void *p;

	if (!p) {
		p = mmap(NULL, IOU_RG_PAGE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			p = NULL;
	}
	return p;
}

/* ---- which register opcodes this kernel knows ----------------------- */

/*
 * iou_register_op_supported() probes with a NULL argument, which opcodes
 * such as FILE_ALLOC_RANGE and CLONE_BUFFERS refuse with EINVAL ("!arg")
 * before looking at it, so it reports them missing.  This probe asks
 * IORING_REGISTER_QUERY where it exists, and otherwise passes a faulting
 * pointer with a valid nr_args: a known opcode then fails with EFAULT,
 * an unknown one with EINVAL.
 */
static inline bool iou_rg_register_op_supported(unsigned int op)
{
	static unsigned long long known, supported;
	struct io_uring_query_opcode q;
	struct io_uring_query_hdr h;
	struct io_uring_params p;
	unsigned int nr = 1;
	int fd, ret, err;

	if (op >= 64)
		return false;
	if (known & (1ULL << op))
		return supported & (1ULL << op);

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
	/* 5.1-5.6 opcodes (several refuse any argument): always there */
	if (op < IORING_REGISTER_RESTRICTIONS)
		return true;
	/* these two came with R_DISABLED (5.10) */
	if (op == IORING_REGISTER_RESTRICTIONS || op == IORING_REGISTER_ENABLE_RINGS)
		return iou_setup_flag_supported(IORING_SETUP_R_DISABLED);

	switch (op) {
	case IORING_REGISTER_FILE_ALLOC_RANGE:
		nr = 0;
		break;
	case IORING_REGISTER_FILES2:
	case IORING_REGISTER_BUFFERS2:
		nr = sizeof(struct io_uring_rsrc_register);
		break;
	case IORING_REGISTER_FILES_UPDATE2:
	case IORING_REGISTER_BUFFERS_UPDATE:
		nr = sizeof(struct io_uring_rsrc_update2);
		break;
	}
	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(2, &p);
	if (fd < 0)
		return false;
	ret = sys_io_uring_register(fd, op, iou_rg_fault_ptr(), nr);
	err = errno;
	close(fd);
	known |= 1ULL << op;
	if (ret >= 0 || err == EFAULT)
		supported |= 1ULL << op;
	return supported & (1ULL << op);
}

#define IOU_RG_REQUIRE_REGISTER_OP(op) do {				\
	if (!iou_rg_register_op_supported(op))				\
		SKIP(return, "kernel lacks register opcode %s", #op);	\
	} while (0)

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
	if (!iou_rg_register_op_supported(IORING_REGISTER_FILES2) ||	\
	    !iou_rg_sparse_supported())					\
		SKIP(return, "kernel lacks IORING_RSRC_REGISTER_SPARSE"); \
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
