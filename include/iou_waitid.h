/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Children for the WAITID tests: waiting (bounded) for a child to reach a
 * state, and a WAITID that reaps an exited child through a ring.
 */
#ifndef IOU_WAITID_H
#define IOU_WAITID_H

#include <signal.h>
#include <sys/wait.h>

#include "iou.h"

/* wait (bounded) until process pid is in state want ('Z', 'T', ...) */
static inline bool iou_wait_proc_state(pid_t pid, char want, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();

	for (;;) {
		char st = 0;

		if (!iou_task_stat(pid, &st, NULL) && st == want)
			return true;
		if (iou_ms_since(start) > timeout_ms)
			return false;
		usleep(1000);
	}
}

/*
 * Fork a child that exits with status and reap it with a WAITID on r:
 * 0, or -errno / -EIO if anything differs.  The ring's next request then
 * reuses one whose waitid_info was filled, so that a kernel copying out
 * stale info (before 93d93f5f8da7) shows that child, not chance.
 */
static inline int iou_waitid_reap_exited_child(struct iou_ring *r, int status)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe c;
	siginfo_t si;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(status);
	if (!iou_wait_proc_state(pid, 'Z', IOU_WAIT_MS))
		return -ETIME;
	memset(&si, 0, sizeof(si));
	sqe = iou_get_sqe(r);
	iou_prep_waitid(sqe, P_PID, pid, &si, WEXITED, 0);
	sqe->user_data = 0x9;
	if (iou_submit_reap(r, &c, 1) != 1)
		return -ETIME;
	if (c.res)
		return c.res < 0 ? c.res : -EIO;
	return si.si_pid == pid && si.si_status == status ? 0 : -EIO;
}

#endif /* IOU_WAITID_H */
