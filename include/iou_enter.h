/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the enter, ring and lifecycle areas (tests/enter, tests/ring,
 * tests/lifecycle):
 *  - waits with an extended argument (IORING_ENTER_EXT_ARG);
 *  - completions that arrive later without IORING_OP_TIMEOUT: an expiring
 *    TIMEOUT request ends every GETEVENTS wait by itself (io_should_wake()
 *    counts cq_timeouts), so min_complete semantics are observed with a
 *    POLL_ADD on a timerfd instead;
 *  - small readers of /proc.
 */
#ifndef IOU_ENTER_H
#define IOU_ENTER_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "iou_ring.h"
#include "iou_harness.h"

#define IOU_EN_GETEV_EXT	(IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG)

/* an EXT_ARG argument; ts and mask may be NULL */
static inline struct io_uring_getevents_arg
iou_en_arg(const struct __kernel_timespec *ts, const sigset_t *mask,
	   unsigned int min_wait_usec)
{
	struct io_uring_getevents_arg a;

	memset(&a, 0, sizeof(a));
	a.ts = (__u64)(uintptr_t)ts;
	a.sigmask = (__u64)(uintptr_t)mask;
	a.sigmask_sz = mask ? IOU_NSIG_BYTES : 0;
	a.min_wait_usec = min_wait_usec;
	return a;
}

/*
 * io_uring_enter(to_submit, min_complete, GETEVENTS | EXT_ARG | extra)
 * with a relative timeout of ms milliseconds; returns the result or -errno.
 */
static inline int iou_en_wait_ms(struct iou_ring *r, unsigned int to_submit,
				 unsigned int min_complete, unsigned int extra,
				 unsigned int ms)
{
	struct __kernel_timespec ts = iou_ts_ms(ms);
	struct io_uring_getevents_arg a = iou_en_arg(&ts, NULL, 0);

	return iou_enter(r, to_submit, min_complete, IOU_EN_GETEV_EXT | extra,
			 &a, sizeof(a));
}

/* a CLOCK_MONOTONIC timerfd that expires once, ms from now; fd or -errno */
static inline int iou_en_timerfd_ms(unsigned int ms)
{
	struct itimerspec it;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd < 0)
		return -errno;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	if (!ms)
		it.it_value.tv_nsec = 1;	/* 0 would disarm it */
	if (timerfd_settime(fd, 0, &it, NULL)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* the "procs_blocked" line of /proc/stat (tasks in iowait), or -1 */
static inline int iou_en_procs_blocked(void)
{
	char buf[16384];
	char *p;

	if (iou_read_file("/proc/stat", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nprocs_blocked ");
	return p ? atoi(p + 15) : -1;
}

/*
 * Is task tid (of any process) asleep inside system call nr?  Read from
 * /proc/<tid>/stat (state S or D) and /proc/<tid>/syscall (first field).
 */
static inline bool iou_en_task_sleeps_in(int tid, long nr)
{
	char path[64], buf[512];
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (iou_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	p = strrchr(buf, ')');
	if (!p || (p[2] != 'S' && p[2] != 'D'))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	if (iou_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	return strtol(buf, NULL, 10) == nr && buf[0] >= '0' && buf[0] <= '9';
}

#endif /* IOU_ENTER_H */
