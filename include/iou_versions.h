/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Behaviour that changed without any flag, feature bit or opcode to tell
 * it by: decided by the running kernel's release (iou_kernel_version(),
 * which reads the upstream version of Debian kernels from uname -v), the
 * only channel independent of the behaviour itself.  Each rule names the
 * upstream commit; a stable backport would show up as a FAIL naming it.
 */
#ifndef IOU_VERSIONS_H
#define IOU_VERSIONS_H

#include <errno.h>
#include <stdbool.h>

#include "iou_harness.h"

/*
 * Requests submitted after a drained request start only once it has
 * completed (as io_uring_enter(2) documents) since 6.16 ("io_uring: drain
 * based on allocates reqs"); before, as soon as it had started.
 */
static inline bool iou_drain_holds_later_until_done(void)
{
	return iou_kernel_version() >= IOU_KVER(6, 16, 0);
}

#define REQUIRE_DRAIN_HOLDS_LATER_UNTIL_DONE() do {			\
	if (!iou_drain_holds_later_until_done())			\
		SKIP(return, "before 6.16 requests after a drain start once it has started"); \
	} while (0)

/*
 * A NOP is accepted on an IOPOLL ring since 6.0, whose per-opcode table
 * marks NOP as pollable; 5.x refused it with EINVAL.
 */
static inline bool iou_iopoll_takes_nop(void)
{
	return iou_kernel_version() >= IOU_KVER(6, 0, 0);
}

/*
 * Unregistering a whole buffer or file table posts the CQEs of the tags
 * still in it since 7029acd8a950 ("io_uring/rsrc: get rid of per-ring
 * io_rsrc_node list", 6.13); from FEAT_RSRC_TAGS (5.13) to 6.12 a table
 * unregister freed its resources silently.
 */
static inline bool iou_unregister_posts_tags(void)
{
	return iou_kernel_version() >= IOU_KVER(6, 13, 0);
}

/*
 * Legacy provided buffers before 5.18: PROVIDE_BUFFERS completed with the
 * number of buffers added to an existing group (0 for one it created), a
 * group was deleted when its last buffer went, and the newest buffer was
 * selected first.  Since, every PROVIDE_BUFFERS completes with 0, emptied
 * groups stay, and buffers go in the order provided.  (Debian's 5.10.y
 * carries the 5.15 code.)
 */
static inline bool iou_pbuf_legacy_pre_5_18(void)
{
	return iou_kernel_version() < IOU_KVER(5, 18, 0);
}

/*
 * The errno with which mmap(2) of a ring fd is refused when the offset
 * names no region the kernel can map: the mm core asks
 * io_uring_get_unmapped_area() first, which reported every refusal as
 * ENOMEM until df645b745941 ("io_uring/memmap: return -EINVAL from
 * get_unmapped_area() on bad mmap", 7.2).
 */
static inline int iou_mmap_refusal_errno(void)
{
	return iou_kernel_version() >= IOU_KVER(7, 2, 0) ? EINVAL : ENOMEM;
}

/*
 * A ring's fdinfo shows its shared indexes, the SQE and CQE lists and the
 * overflow list (SqHead ... CqOverflowList) since 83f84356bc8f
 * ("io_uring: add more uring info to fdinfo for debug", 5.16).
 */
static inline bool iou_fdinfo_has_ring_state(void)
{
	return iou_kernel_version() >= IOU_KVER(5, 16, 0);
}

/*
 * A completion made while the CQ overflow backlog is not empty queues
 * behind it since aa1df3a360a0 ("io_uring: fix CQE reordering", 6.1);
 * before, it could be posted ahead of the older CQEs.
 */
static inline bool iou_overflow_keeps_cqe_order(void)
{
	return iou_kernel_version() >= IOU_KVER(6, 1, 0);
}

#endif /* IOU_VERSIONS_H */
