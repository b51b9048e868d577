// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_WAITID (6.7) held to waitid(2): with WNOHANG and no child in
 * a waitable state both return 0 and write a siginfo whose si_signo,
 * si_errno, si_code, si_pid, si_uid and si_status are all 0 (Linux
 * zeroes them, which is how a caller tells "nothing yet" from a child).
 *
 * Before 93d93f5f8da7 the request's copy of the wait info was not
 * cleared at prep, so a WNOHANG wait that found nothing copied out
 * whatever the recycled request held: here the pid, uid and exit status
 * of the child reaped by the previous WAITID on the same ring, an
 * information leak and a wrong answer.
 *
 * Proven (make vm-test, Debian kernels): FAIL on 6.12.43 (both cases:
 * si_code 1 = CLD_EXITED from the reaped child, 32766 on a fresh ring)
 * and 6.18.5 (the recycled request); pass on 7.2.13 and 6.18.44.
 */
#include <signal.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_WAITID),
	     .fixes = IOU_FIXES(IOU_FIX("93d93f5f8da7", "CVE-2026-46315", "",
			"io_uring/waitid: clear waitid info before copying it to userspace")));

#define EXIT_CODE	7
#define STALE		0xa5

FIXTURE(kids) {
	struct iou_ring r;
	pid_t gone;	/* exits at once */
	pid_t alive;	/* waits until hold is closed */
	int hold[2];
};

FIXTURE_SETUP(kids)
{
	char c;

	self->gone = self->alive = -1;
	self->hold[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, pipe(self->hold));
	self->alive = fork();
	ASSERT_LE(0, self->alive);
	if (!self->alive) {
		close(self->hold[1]);
		_exit(read(self->hold[0], &c, 1) == 0 ? 0 : 1);
	}
	close(self->hold[0]);
	self->gone = fork();
	ASSERT_LE(0, self->gone);
	if (!self->gone)
		_exit(EXIT_CODE);
}

FIXTURE_TEARDOWN(kids)
{
	if (self->hold[1] >= 0)
		close(self->hold[1]);
	if (self->alive > 0)
		waitpid(self->alive, NULL, 0);
	if (self->gone > 0)
		waitpid(self->gone, NULL, 0);
	iou_ring_exit(&self->r);
}

static int uring_waitid(struct iou_ring *r, pid_t pid, siginfo_t *si, int options)
{
	iou_prep_waitid(iou_get_sqe(r), P_PID, pid, si, options, 0);
	return iou_run_one(r, NULL);
}

#define ASSERT_SI(exp, got) do {					\
	ASSERT_EQ((exp)->si_signo, (got)->si_signo);			\
	ASSERT_EQ((exp)->si_errno, (got)->si_errno);			\
	ASSERT_EQ((exp)->si_code, (got)->si_code);			\
	ASSERT_EQ((exp)->si_pid, (got)->si_pid);			\
	ASSERT_EQ((exp)->si_uid, (got)->si_uid);			\
	ASSERT_EQ((exp)->si_status, (got)->si_status);			\
} while (0)

TEST_F(kids, wnohang_after_a_reaped_child_copies_out_zeroes)
{
	siginfo_t twin, si;

	/* the request before: reaps a child, filling the wait info */
	memset(&si, STALE, sizeof(si));
	ASSERT_EQ(0, uring_waitid(&self->r, self->gone, &si, WEXITED));
	ASSERT_EQ(SIGCHLD, si.si_signo);
	ASSERT_EQ(CLD_EXITED, si.si_code);
	ASSERT_EQ(self->gone, si.si_pid);
	ASSERT_EQ(getuid(), si.si_uid);
	ASSERT_EQ(EXIT_CODE, si.si_status);
	self->gone = -1;

	memset(&twin, STALE, sizeof(twin));
	ASSERT_EQ(0, waitid(P_PID, self->alive, &twin, WEXITED | WNOHANG));
	ASSERT_EQ(0, twin.si_pid);
	ASSERT_EQ(0, twin.si_signo);

	for (int i = 0; i < 4; i++) {
		memset(&si, STALE, sizeof(si));
		ASSERT_EQ(0, uring_waitid(&self->r, self->alive, &si, WEXITED | WNOHANG));
		ASSERT_SI(&twin, &si);
	}
}

TEST_F(kids, wnohang_on_a_fresh_ring_copies_out_zeroes)
{
	siginfo_t twin, si;

	memset(&twin, STALE, sizeof(twin));
	ASSERT_EQ(0, waitid(P_PID, self->alive, &twin, WEXITED | WNOHANG));
	memset(&si, STALE, sizeof(si));
	ASSERT_EQ(0, uring_waitid(&self->r, self->alive, &si, WEXITED | WNOHANG));
	ASSERT_SI(&twin, &si);
	ASSERT_EQ(0, si.si_pid);
}

TEST_HARNESS_MAIN
