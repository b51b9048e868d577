// SPDX-License-Identifier: GPL-2.0
/*
 * A WAITID for a running child stays pending until the child changes
 * state, then completes with 0 and the child's siginfo, in every ring
 * mode: the wakeup comes from the exiting child's task (io_waitid_wait()
 * queues task work on the ring's side; SQPOLL's thread, DEFER_TASKRUN's
 * waiting task or the plain ring's submitter finish it).  With P_ALL and
 * two children, the one that exits is the one reported and reaped, the
 * other stays ours; a child killed by a signal reports CLD_KILLED.
 */
#include <signal.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_WAITID));

#define WAIT_UD		0x3a17d00000000041ULL

FIXTURE(mode) {
	struct iou_ring r;
	pid_t child[2];
	int release[2];		/* closing one lets that child exit with 3 + i */
	siginfo_t si;
};

FIXTURE_VARIANT(mode) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE mode
#include "iou_modes.h"

static void start_child(struct __test_metadata *_metadata, FIXTURE_DATA(mode) *self, int i)
{
	int p[2];
	char c;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	self->child[i] = fork();
	ASSERT_LE(0, self->child[i]);
	if (self->child[i] == 0) {
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(3 + i);
	}
	close(p[0]);
	self->release[i] = p[1];
}

FIXTURE_SETUP(mode)
{
	for (int i = 0; i < 2; i++) {
		self->child[i] = -1;
		self->release[i] = -1;
	}
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
}

FIXTURE_TEARDOWN(mode)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++) {
		if (self->release[i] >= 0)
			close(self->release[i]);
		if (self->child[i] > 0) {
			kill(self->child[i], SIGKILL);
			waitpid(self->child[i], NULL, 0);
		}
	}
}

static void queue_waitid(struct __test_metadata *_metadata, FIXTURE_DATA(mode) *self,
			 int idtype, pid_t id)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	memset(&self->si, 0xa5, sizeof(self->si));
	iou_prep_waitid(sqe, idtype, id, &self->si, WEXITED, 0);
	sqe->user_data = WAIT_UD;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

static void expect_report(struct __test_metadata *_metadata, FIXTURE_DATA(mode) *self,
			  int i, int code, int status)
{
	int st;

	IOU_EXPECT_CQES(&self->r, IOU_CQE(WAIT_UD, 0));
	ASSERT_EQ(SIGCHLD, self->si.si_signo);
	ASSERT_EQ(0, self->si.si_errno);
	ASSERT_EQ(code, self->si.si_code);
	ASSERT_EQ(self->child[i], self->si.si_pid);
	ASSERT_EQ(getuid(), self->si.si_uid);
	ASSERT_EQ(status, self->si.si_status);
	/* reaped */
	ASSERT_EQ(-1, waitpid(self->child[i], &st, WNOHANG));
	ASSERT_EQ(ECHILD, errno);
	self->child[i] = -1;
}

TEST_F(mode, exit_completes_waiting_waitid)
{
	start_child(_metadata, self, 0);
	queue_waitid(_metadata, self, P_PID, self->child[0]);
	close(self->release[0]);
	self->release[0] = -1;
	expect_report(_metadata, self, 0, CLD_EXITED, 3);
}

TEST_F(mode, kill_completes_waiting_waitid)
{
	start_child(_metadata, self, 0);
	queue_waitid(_metadata, self, P_PID, self->child[0]);
	ASSERT_EQ(0, kill(self->child[0], SIGKILL));
	expect_report(_metadata, self, 0, CLD_KILLED, SIGKILL);
}

TEST_F(mode, p_all_reports_the_child_that_exited)
{
	int st;

	start_child(_metadata, self, 0);
	start_child(_metadata, self, 1);
	queue_waitid(_metadata, self, P_ALL, 0);
	close(self->release[1]);
	self->release[1] = -1;
	expect_report(_metadata, self, 1, CLD_EXITED, 4);
	/* the other is still ours and running */
	ASSERT_EQ(0, waitpid(self->child[0], &st, WNOHANG));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
