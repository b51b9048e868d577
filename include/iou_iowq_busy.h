/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A request that keeps an io-wq worker busy for a while (cancellation and
 * linked-timeout tests):
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
 */
#ifndef IOU_IOWQ_BUSY_H
#define IOU_IOWQ_BUSY_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iou.h"

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

/* the largest busy region iou_busy_region_timed() tries (16 MiB of page tables) */
#define IOU_BUSY_MAX_LEN	(8UL << 30)

/*
 * A busy region whose population takes at least min_ms on this machine
 * as it is now: the time is measured by populating a fresh region of the
 * same size synchronously, starting at IOU_BUSY_LEN and doubling (up to
 * IOU_BUSY_MAX_LEN) until it takes that long; a 512 MiB populate took
 * 13 ms on one idle machine and seconds on a loaded one.  The region
 * (not populated), or NULL; *len and *ms are what was measured.
 */
static inline void *iou_busy_region_timed(unsigned int min_ms, size_t *len,
					  unsigned int *ms)
{
	for (*len = IOU_BUSY_LEN; ; *len *= 2) {
		void *p = iou_busy_region(*len);
		uint64_t start;
		int ret;

		if (!p)
			return NULL;
		start = iou_now_ns();
		ret = madvise(p, *len, MADV_POPULATE_READ);
		*ms = (unsigned int)iou_ms_since(start);
		munmap(p, *len);
		if (ret)
			return NULL;
		if (*ms >= min_ms || *len >= IOU_BUSY_MAX_LEN)
			return iou_busy_region(*len);
	}
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

#endif /* IOU_IOWQ_BUSY_H */
