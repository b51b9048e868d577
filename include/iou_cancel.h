/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the cancellation tests (tests/cancel/), on top of
 * iou_timeout.h:
 *
 *  - a request that keeps an io-wq worker busy for a while and cannot be
 *    interrupted: IORING_OP_MADVISE(MADV_POPULATE_READ) over a large
 *    read-only private anonymous mapping.  io_uring always runs madvise
 *    in io-wq; populating maps the shared zero page into every PTE (no
 *    memory is used but the page tables: 1 MiB for the 512 MiB used
 *    here), takes about 80 ms for it on an idle machine of this kind
 *    (several times longer under load) and stops only for fatal
 *    signals, so the
 *    notification io-wq sends to cancel a running request does not end
 *    it: it completes with 0.
 *  - knowing it has started without taking mmap_lock (which the populate
 *    holds): VmPTE of /proc/self/status grows as it fills page tables.
 *  - the synchronous-cancel register call.
 */
#ifndef IOU_CANCEL_H
#define IOU_CANCEL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iou_timeout.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif

/* size of the region a busy madvise populates */
#define IOU_BUSY_LEN		(512UL << 20)

/* a read-only anonymous region whose population takes a while, or NULL */
static inline void *iou_busy_region(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* huge zero pages would populate the region almost at once */
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

/* the kernel knows MADV_POPULATE_READ (5.14) */
static inline bool iou_populate_read_supported(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = iou_busy_region((size_t)pg);
	bool ok;

	if (!p)
		return false;
	ok = madvise(p, (size_t)pg, MADV_POPULATE_READ) == 0;
	munmap(p, (size_t)pg);
	return ok;
}

/* VmPTE of this process in kB, or -1 */
static inline long iou_vmpte_kb(void)
{
	char buf[4096];
	char *p;

	if (iou_read_file("/proc/self/status", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "VmPTE:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

/*
 * Wait (at most timeout_ms) until page tables grew by more than 4 kB
 * over base_kb, i.e. a busy madvise has been running for a while;
 * false if that never happened.
 */
static inline bool iou_busy_wait_started(long base_kb, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();

	while (iou_ms_since(start) < timeout_ms) {
		long kb = iou_vmpte_kb();

		if (kb < 0)
			return false;
		if (kb > base_kb + 4)
			return true;
		usleep(200);
	}
	return false;
}

#define REQUIRE_BUSY_MADVISE() do {					\
	REQUIRE_OPCODE(IORING_OP_MADVISE);				\
	if (!iou_populate_read_supported())				\
		SKIP(return, "kernel lacks MADV_POPULATE_READ");	\
	if (iou_vmpte_kb() < 0)						\
		SKIP(return, "no VmPTE in /proc/self/status");		\
	} while (0)

/* IORING_REGISTER_SYNC_CANCEL; 0, a count, or -errno */
static inline int iou_sync_cancel(struct iou_ring *r,
				  struct io_uring_sync_cancel_reg *reg)
{
	return iou_register(r, IORING_REGISTER_SYNC_CANCEL, reg, 1);
}

/* a sync-cancel argument that waits without a time limit */
static inline struct io_uring_sync_cancel_reg iou_sync_cancel_arg(__u64 addr,
								   unsigned int flags)
{
	struct io_uring_sync_cancel_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.addr = addr;
	reg.flags = flags;
	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	return reg;
}

/*
 * The opcode key of IORING_REGISTER_SYNC_CANCEL (struct
 * io_uring_sync_cancel_reg.opcode, 6.6 with IORING_ASYNC_CANCEL_OP).
 * Where the argument has padding there instead, a non-zero byte is
 * refused with EINVAL.  This is probed on its own: Debian's 6.1.192
 * (stable 6.1.165 took "io_uring/cancel: support opcode based lookup and
 * cancelation") accepts IORING_ASYNC_CANCEL_OP in an SQE but kept the
 * old sync-cancel argument.
 */
static inline bool iou_sync_cancel_opcode_supported(void)
{
	struct io_uring_sync_cancel_reg reg;
	struct iou_ring r;
	int res;

	if (iou_ring_init(&r, 4, 0))
		return false;
	reg = iou_sync_cancel_arg(IOU_PROBE_NO_SUCH_UD, IORING_ASYNC_CANCEL_OP);
	reg.opcode = IORING_OP_READ;	/* nothing of it pending: -ENOENT */
	res = iou_sync_cancel(&r, &reg);
	iou_ring_exit(&r);
	return res != -EINVAL;
}

#define REQUIRE_SYNC_CANCEL_OPCODE() do {				\
	if (!iou_sync_cancel_opcode_supported())			\
		SKIP(return, "kernel lacks the opcode key of "		\
		     "IORING_REGISTER_SYNC_CANCEL");			\
	} while (0)

/* how long the rest may take once a cancel reported that it missed */
#define IOU_CANCEL_MISS_MS	100

/*
 * Submit what is queued and reap up to nr CQEs, one of them the cancel
 * request's (user_data cancel_ud, cancel_flags flags).  Once the cancel
 * reports that it cancelled nothing (res < 0, or 0 with CANCEL_ALL),
 * no target will complete because of it: the rest are waited for only
 * IOU_CANCEL_MISS_MS, so that a case the kernel fails ends at once
 * instead of after IOU_WAIT_MS.  The number reaped, or -errno.
 */
static inline int iou_submit_reap_cancel(struct iou_ring *r, struct iou_cqe *out,
					 unsigned int nr, __u64 cancel_ud,
					 unsigned int flags)
{
	unsigned int wait = IOU_WAIT_MS;
	int got = 0, ret = iou_submit(r);

	if (ret < 0)
		return ret;
	while ((unsigned int)got < nr) {
		if (iou_reap(r, &out[got], 1, wait) != 1)
			break;
		if (out[got].user_data == cancel_ud &&
		    (out[got].res < 0 ||
		     (out[got].res == 0 && (flags & IORING_ASYNC_CANCEL_ALL))))
			wait = IOU_CANCEL_MISS_MS;
		got++;
	}
	return got;
}

#endif /* IOU_CANCEL_H */
