// SPDX-License-Identifier: GPL-2.0
/*
 * A WAITID waiting for a running child is found by IORING_OP_ASYNC_CANCEL
 * and IORING_REGISTER_SYNC_CANCEL: the cancel gives 1 (the count
 * io_cancel_remove() returns; poll and timeout cancels give 0, see the
 * doc discrepancy in futex/futex-cancel-waiting-futex), the WAITID exactly
 * one CQE with -ECANCELED and the siginfo fields zeroed (the cancel copies
 * out an empty waitid_info), and the child stays ours, unreaped, for a
 * later waitid(2).  A cancel racing the child's exit ends in exactly one
 * CQE: 0 with the child reaped and reported, or -ECANCELED with the child
 * left waitable.  In every ring mode.
 *
 * The race used to leave the wait queue entry linked (list corruption,
 * use-after-free) until 2f8229d53d98 (6.18; 6.12.53, 6.17.3).  A cancelled
 * WAITID copied out uninitialised bytes (si_code, si_pid, si_status) until
 * 93d93f5f8da7 (7.1; 6.12.92, 6.18.34, 7.0.11): those cases first reap a
 * child through the ring, so that stale info is that child's; the
 * *_finds_waiting_waitid cases fail on 6.12.43 (si_code 1 or garbage) and
 * pass on 6.12.118 and 6.18.44.
 */
#include <signal.h>
#include <sys/wait.h>

#include "iou.h"
#include "iou_waitid.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_WAITID, IORING_OP_ASYNC_CANCEL),
	     .fixes = IOU_FIXES(IOU_FIX("2f8229d53d98", "CVE-2025-40047", "*racing*",
					"io_uring/waitid: always prune wait queue entry in io_waitid_wait()"),
				IOU_FIX("93d93f5f8da7", "CVE-2026-46315", "*finds_waiting_waitid",
					"io_uring/waitid: clear waitid info before copying it to userspace")),
	     .unsafe = "a cancel racing the child's exit corrupts a wait queue before 6.12.53/6.17.3");

#define WAIT_UD		0x3a17d00000000031ULL
#define CANCEL_UD	0xcace100000000032ULL
#define SI_FILL		0xa5

FIXTURE(cancel) {
	struct iou_ring r;
	pid_t child;
	int release;		/* closing it lets the child exit with 3 */
	siginfo_t si;
};

FIXTURE_VARIANT(cancel) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE cancel
#include "iou_modes.h"

static void start_child(struct __test_metadata *_metadata, FIXTURE_DATA(cancel) *self)
{
	int p[2];
	char c;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(3);
	}
	close(p[0]);
	self->release = p[1];
}

FIXTURE_SETUP(cancel)
{
	self->child = -1;
	self->release = -1;
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
}

FIXTURE_TEARDOWN(cancel)
{
	iou_ring_exit(&self->r);
	if (self->release >= 0)
		close(self->release);
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
}

static void queue_waitid(struct __test_metadata *_metadata, FIXTURE_DATA(cancel) *self)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	memset(&self->si, SI_FILL, sizeof(self->si));
	iou_prep_waitid(sqe, P_PID, self->child, &self->si, WEXITED, 0);
	sqe->user_data = WAIT_UD;
	/* with SQPOLL, what its thread has not yet taken counts as well */
	ASSERT_LE(1, iou_submit(&self->r));
}

/* the cancelled WAITID reported nothing, and the child is still ours */
static void child_left_alone(struct __test_metadata *_metadata, FIXTURE_DATA(cancel) *self)
{
	siginfo_t si;
	int status;

	ASSERT_EQ(0, self->si.si_signo);
	ASSERT_EQ(0, self->si.si_code);
	ASSERT_EQ(0, self->si.si_pid);
	ASSERT_EQ(0, self->si.si_status);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, waitid(P_PID, (id_t)self->child, &si, WEXITED | WNOHANG));
	ASSERT_EQ(0, si.si_pid);
	close(self->release);
	self->release = -1;
	ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	self->child = -1;
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(cancel, async_cancel_finds_waiting_waitid)
{
	struct io_uring_sqe *sqe;
	unsigned int pos[2];

	/* stale info, if the kernel copies it, is then that child's */
	ASSERT_RES(0, iou_waitid_reap_exited_child(&self->r, 9));
	start_child(_metadata, self);
	queue_waitid(_metadata, self);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_cancel(sqe, WAIT_UD, 0);
	sqe->user_data = CANCEL_UD;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(CANCEL_UD, 1), IOU_CQE(WAIT_UD, -ECANCELED));
	child_left_alone(_metadata, self);
}

TEST_F(cancel, sync_cancel_finds_waiting_waitid)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_SYNC_CANCEL);
	/* stale info, if the kernel copies it, is then that child's */
	ASSERT_RES(0, iou_waitid_reap_exited_child(&self->r, 9));
	start_child(_metadata, self);
	queue_waitid(_metadata, self);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_RES(1, iou_sync_cancel_ud(&self->r, WAIT_UD));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(WAIT_UD, -ECANCELED));
	child_left_alone(_metadata, self);
}

TEST_F(cancel, cancel_racing_child_exit_ends_in_one_cqe)
{
	for (int round = 0; round < 20; round++) {
		struct io_uring_sqe *sqe;
		struct iou_cqe c[2];
		int status, w, k;

		start_child(_metadata, self);
		queue_waitid(_metadata, self);
		/* let the child go and cancel at once: either may win */
		close(self->release);
		self->release = -1;
		sqe = iou_get_sqe(&self->r);
		iou_prep_cancel(sqe, WAIT_UD, 0);
		sqe->user_data = CANCEL_UD;
		/* an SQPOLL thread may not have taken the WAITID yet: both count */
		ASSERT_LE(1, iou_submit(&self->r));
		ASSERT_EQ(2, iou_reap(&self->r, c, 2, IOU_WAIT_MS));
		w = iou_cqe_index(c, 2, WAIT_UD);
		k = iou_cqe_index(c, 2, CANCEL_UD);
		ASSERT_LE(0, w);
		ASSERT_LE(0, k);
		ASSERT_EQ(0u, c[w].flags);
		if (c[w].res == 0) {
			/* the exit won: reported and reaped, the cancel found nothing */
			ASSERT_TRUE(c[k].res == -ENOENT || c[k].res == -EALREADY);
			ASSERT_EQ(SIGCHLD, self->si.si_signo);
			ASSERT_EQ(CLD_EXITED, self->si.si_code);
			ASSERT_EQ(self->child, self->si.si_pid);
			ASSERT_EQ(3, self->si.si_status);
			ASSERT_EQ(-1, waitpid(self->child, &status, WNOHANG));
			ASSERT_EQ(ECHILD, errno);
		} else {
			ASSERT_RES(-ECANCELED, c[w].res);
			ASSERT_RES(1, c[k].res);
			ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
			ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3);
		}
		self->child = -1;
		ASSERT_NO_CQE(&self->r, 0);
	}
}

TEST_HARNESS_MAIN
