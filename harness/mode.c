// SPDX-License-Identifier: GPL-2.0
/*
 * Every mode proves itself: the observable mark of a ring's setup flags,
 * asserted where a test runs in that mode (include/iou_modes.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "iou_kselftest_harness.h"
#include "iou_harness.h"
#include "iou_ring.h"
#include "iou_prep.h"
#include "iou_modes.h"

static int fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* SQPOLL: the ring's poll thread exists (named iou-sqp-<pid> once it runs) */
static int prove_sqpoll(char *why, size_t len)
{
	uint64_t start = iou_now_ns();

	while (iou_threads("iou-sqp-", NULL, 0) < 1) {
		if (iou_ms_since(start) > IOU_WAIT_MS)
			return fail(why, len, "IORING_SETUP_SQPOLL was accepted but no iou-sqp- thread appeared");
		usleep(1000);
	}
	return 0;
}

struct other_task {
	struct iou_ring *r;
	int res;
};

static void *enter_from_other_task(void *arg)
{
	struct other_task *o = arg;

	o->res = iou_enter(o->r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
	return NULL;
}

/*
 * DEFER_TASKRUN: a completion that needs task work (a poll woken by a
 * write) is posted only when the ring's task asks for events, however
 * many system calls it makes meanwhile; and, being SINGLE_ISSUER, another
 * task may not wait on the ring (EEXIST).  Proven on a sibling ring of
 * the same flags, so the ring under test keeps its state.
 */
static int prove_defer_taskrun(unsigned int flags, char *why, size_t len)
{
	struct other_task o = { .r = NULL, .res = 1 };
	struct iou_ring r;
	struct iou_cqe cqe;
	pthread_t t;
	int fds[2] = { -1, -1 }, ret, rc = -1;
	char byte = 1;

	ret = iou_ring_init(&r, 4, flags & (IORING_SETUP_SINGLE_ISSUER |
					    IORING_SETUP_DEFER_TASKRUN |
					    IORING_SETUP_COOP_TASKRUN |
					    IORING_SETUP_TASKRUN_FLAG));
	if (ret)
		return fail(why, len, "a second DEFER_TASKRUN ring: setup failed with %s",
			    iou_res_str(ret));
	if (pipe2(fds, O_CLOEXEC)) {
		fail(why, len, "pipe2: %s", iou_errno_name(errno));
		goto out;
	}
	iou_queue_poll(&r, fds[0], 1);
	ret = iou_submit(&r);
	if (ret != 1) {
		fail(why, len, "DEFER_TASKRUN proof: submitting a poll gave %s", iou_res_str(ret));
		goto out;
	}
	if (write(fds[1], &byte, 1) != 1 || getppid() < 0) {
		fail(why, len, "write: %s", iou_errno_name(errno));
		goto out;
	}
	if (iou_cq_ready(&r)) {
		fail(why, len, "IORING_SETUP_DEFER_TASKRUN was accepted but a poll completion was posted without GETEVENTS");
		goto out;
	}
	o.r = &r;
	if (pthread_create(&t, NULL, enter_from_other_task, &o) || pthread_join(t, NULL)) {
		fail(why, len, "pthread_create failed");
		goto out;
	}
	if (o.res != -EEXIST) {
		fail(why, len, "IORING_SETUP_SINGLE_ISSUER was accepted but another task's io_uring_enter got %s, not -EEXIST",
		     iou_res_str(o.res));
		goto out;
	}
	ret = iou_reap(&r, &cqe, 1, IOU_WAIT_MS);
	if (ret != 1 || cqe.user_data != 1 || cqe.res != POLLIN) {
		fail(why, len, "DEFER_TASKRUN proof: GETEVENTS reaped %d CQEs (ud %llu res %s)", ret,
		     (unsigned long long)cqe.user_data, iou_res_str(cqe.res));
		goto out;
	}
	rc = 0;
out:
	if (fds[0] >= 0) {
		close(fds[0]);
		close(fds[1]);
	}
	iou_ring_exit(&r);
	return rc;
}

int iou_prove_mode(const struct iou_ring *r, char *why, size_t len)
{
	if ((r->flags & IORING_SETUP_SQPOLL) && prove_sqpoll(why, len))
		return -1;
	if ((r->flags & IORING_SETUP_DEFER_TASKRUN) && prove_defer_taskrun(r->flags, why, len))
		return -1;
	return 0;
}
