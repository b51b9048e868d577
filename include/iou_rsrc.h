/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registered resources: buffer and file tables with their argument
 * structs filled in (IORING_REGISTER_BUFFERS2/FILES2, the updates, tags),
 * and memory that is never huge, so the kernel charges and coalesces it
 * page by page.  Register opcodes are probed with REQUIRE_REGISTER_OP(),
 * sparse tables with REQUIRE_RSRC_SPARSE() (iou_harness.h).
 */
#ifndef IOU_RSRC_H
#define IOU_RSRC_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "iou.h"
#include "iou_versions.h"

/*
 * Unregistering a whole table posts the tags still in it only since 6.13
 * (iou_unregister_posts_tags()).
 */
#define REQUIRE_UNREGISTER_POSTS_TAGS() do {				\
	if (!iou_unregister_posts_tags())				\
		SKIP(return, "a table unregister posts no tags before 6.13 (7029acd8a950)"); \
	} while (0)

/* ---- memory ---------------------------------------------------------- */

/*
 * len bytes of private anonymous memory, faulted in and kept out of
 * transparent huge pages (so that the kernel charges and coalesces it
 * page by page); NULL on failure.  Free with munmap().
 */
static inline void *iou_map_nohuge(size_t len)
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

static inline int iou_rsrc_register2(struct iou_ring *r, unsigned int op,
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
static inline int iou_register_buffers2(struct iou_ring *r, const struct iovec *iov,
				  const __u64 *tags, unsigned int nr,
				  unsigned int flags)
{
	return iou_rsrc_register2(r, IORING_REGISTER_BUFFERS2, iov, tags, nr, flags);
}

/* IORING_REGISTER_FILES2; 0 or -errno */
static inline int iou_register_files2(struct iou_ring *r, const int *fds,
				const __u64 *tags, unsigned int nr,
				unsigned int flags)
{
	return iou_rsrc_register2(r, IORING_REGISTER_FILES2, fds, tags, nr, flags);
}

/*
 * IORING_REGISTER_FILES_UPDATE2 or IORING_REGISTER_BUFFERS_UPDATE: nr
 * entries of data (fds or iovecs) and tags at table slot off; the count
 * updated or -errno.
 */
static inline int iou_rsrc_update2(struct iou_ring *r, unsigned int op,
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
static inline int iou_register_files_update(struct iou_ring *r, unsigned int off,
				      const int *fds, unsigned int nr)
{
	struct io_uring_rsrc_update up;

	memset(&up, 0, sizeof(up));
	up.offset = off;
	up.data = (__u64)(uintptr_t)fds;
	return iou_register(r, IORING_REGISTER_FILES_UPDATE, &up, nr);
}

/* a one-byte READ through registered file slot: the CQE's res */
static inline int iou_read_fixed_slot(struct iou_ring *r, int slot)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	char c;

	iou_prep_read(sqe, slot, &c, 1, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	return iou_run_one(r, NULL);
}

#endif /* IOU_RSRC_H */
