// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_COOP_TASKRUN and IORING_SETUP_TASKRUN_FLAG: completions
 * that need task work (a poll request woken by a pipe write) run in the
 * task that submitted them.
 *  - With TASKRUN_FLAG the kernel raises IORING_SQ_TASKRUN in the SQ flags
 *    as soon as such work is queued, and clears it when the work ran and
 *    posted its CQE; without the flag the bit never shows.  The submitter
 *    here is a stopped child, so the work provably waits until SIGCONT.
 *  - COOP_TASKRUN only spares a task that runs in user space the
 *    interrupt (IPI); a task asleep in an interruptible wait is still
 *    woken to run the work, exactly as on a plain ring: the CQE is posted
 *    while it sleeps in read(2), which then restarts.
 * Nothing here depends on timing: the test controls when the submitter
 * runs, and only checks for "nothing yet" while it cannot.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "iou.h"

#define UD 0xc00b

static void arm_poll(struct iou_ring *r, int fd)
{
	iou_prep_poll_add(iou_get_sqe(r), fd, POLLIN);
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = UD;
}

/* ---- a stopped submitter ---------------------------------------------- */

struct stopped {
	unsigned int cq_ready;	/* while the submitter was stopped */
	unsigned int sq_flags;
	unsigned int sq_flags_after;
	struct iou_cqe cqe;
};

static void run_stopped(struct __test_metadata *_metadata, unsigned int flags,
			struct stopped *out)
{
	struct iou_ring r;
	int data[2], ready[2], pid, st = 0;
	char c;

	ASSERT_RES(0, iou_ring_init(&r, 4, flags));
	ASSERT_EQ(0, pipe(data));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* the child submits, so the task work is queued to it */
		arm_poll(&r, data[0]);
		if (iou_submit(&r) != 1 || write(ready[1], "r", 1) != 1)
			_exit(2);
		raise(SIGSTOP);
		/* on the way back to user space the work ran */
		_exit(iou_cq_ready(&r) == 1 ? 0 : 3);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	for (unsigned int i = 0; i < IOU_WAIT_MS; i++) {
		if (waitpid(pid, &st, WNOHANG | WUNTRACED) == pid)
			break;
		usleep(1000);
	}
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_EQ(0, iou_cq_ready(&r));

	ASSERT_EQ(1, write(data[1], "x", 1));
	/* the submitter cannot run it: look for 50 ms, nothing may change */
	for (unsigned int i = 0; i < 50; i++) {
		usleep(1000);
		ASSERT_EQ(0, iou_cq_ready(&r));
	}
	out->cq_ready = iou_cq_ready(&r);
	out->sq_flags = iou_load_acquire(r.sq_kflags);

	ASSERT_EQ(0, kill(pid, SIGCONT));
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	ASSERT_EQ(1, iou_reap(&r, &out->cqe, 1, IOU_WAIT_MS));
	out->sq_flags_after = iou_load_acquire(r.sq_kflags);
	iou_ring_exit(&r);
	close(data[0]);
	close(data[1]);
	close(ready[0]);
	close(ready[1]);
}

TEST(taskrun_flag_raised_while_stopped_submitter_owes_work)
{
	struct stopped s;

	REQUIRE_SETUP_FLAG(IORING_SETUP_TASKRUN_FLAG);
	run_stopped(_metadata, IORING_SETUP_COOP_TASKRUN |
		    IORING_SETUP_TASKRUN_FLAG, &s);
	ASSERT_EQ(0, s.cq_ready);
	ASSERT_EQ(IORING_SQ_TASKRUN, s.sq_flags & IORING_SQ_TASKRUN);
	ASSERT_EQ(UD, s.cqe.user_data);
	ASSERT_RES(POLLIN, s.cqe.res);
	ASSERT_EQ(0, s.sq_flags_after & IORING_SQ_TASKRUN);
}

TEST(no_taskrun_flag_without_the_setup_flag)
{
	struct stopped s;

	REQUIRE_SETUP_FLAG(IORING_SETUP_COOP_TASKRUN);
	run_stopped(_metadata, IORING_SETUP_COOP_TASKRUN, &s);
	ASSERT_EQ(0, s.cq_ready);
	ASSERT_EQ(0, s.sq_flags & IORING_SQ_TASKRUN);
	ASSERT_EQ(UD, s.cqe.user_data);
	ASSERT_RES(POLLIN, s.cqe.res);
}

TEST(plain_ring_work_also_waits_for_the_submitter)
{
	struct stopped s;

	run_stopped(_metadata, 0, &s);
	ASSERT_EQ(0, s.cq_ready);
	ASSERT_EQ(0, s.sq_flags & IORING_SQ_TASKRUN);
	ASSERT_EQ(UD, s.cqe.user_data);
	ASSERT_RES(POLLIN, s.cqe.res);
}

/* ---- a sleeping submitter ---------------------------------------------- */

struct scene {
	struct iou_ring r;
	int data[2];		/* the poll request watches data[0] */
	int ctl[2];		/* the submitter sleeps reading ctl[0] */
	int submitter_tid;
	bool asleep;
	unsigned int cq_ready_while_asleep;
	unsigned int sq_flags_while_asleep;
};

static void *helper(void *arg)
{
	struct scene *s = arg;

	/* the submitter must be inside read(2) before the wakeup fires */
	s->asleep = iou_wait_task_sleeping(s->submitter_tid, IOU_WAIT_MS);
	if (s->asleep && write(s->data[1], "x", 1) == 1) {
		/* bounded: the CQE must show while the submitter sleeps */
		for (unsigned int i = 0; i < IOU_WAIT_MS; i++) {
			if (iou_cq_ready(&s->r))
				break;
			usleep(1000);
		}
		s->cq_ready_while_asleep = iou_cq_ready(&s->r);
		s->sq_flags_while_asleep = iou_load_acquire(s->r.sq_kflags);
	}
	if (write(s->ctl[1], "go", 2) != 2)
		s->asleep = false;
	return NULL;
}

static void run_sleeping(struct __test_metadata *_metadata, struct scene *s,
			 unsigned int flags)
{
	struct iou_cqe cqe;
	pthread_t t;
	char buf[2];

	memset(s, 0, sizeof(*s));
	ASSERT_EQ(0, pipe(s->data));
	ASSERT_EQ(0, pipe(s->ctl));
	ASSERT_RES(0, iou_ring_init(&s->r, 4, flags));
	arm_poll(&s->r, s->data[0]);
	ASSERT_EQ(1, iou_submit(&s->r));
	ASSERT_EQ(0, iou_cq_ready(&s->r));
	s->submitter_tid = (int)syscall(SYS_gettid);
	ASSERT_EQ(0, pthread_create(&t, NULL, helper, s));
	/* the helper releases us only after it has looked */
	ASSERT_EQ(2, read(s->ctl[0], buf, 2));
	pthread_join(t, NULL);
	ASSERT_TRUE(s->asleep);
	ASSERT_EQ(1, s->cq_ready_while_asleep);
	ASSERT_EQ(0, s->sq_flags_while_asleep & IORING_SQ_TASKRUN);
	ASSERT_EQ(1, iou_reap(&s->r, &cqe, 1, 0));
	ASSERT_EQ(UD, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	iou_ring_exit(&s->r);
	close(s->data[0]);
	close(s->data[1]);
	close(s->ctl[0]);
	close(s->ctl[1]);
}

TEST(plain_ring_wakes_a_sleeping_submitter)
{
	struct scene s;

	run_sleeping(_metadata, &s, 0);
}

TEST(coop_taskrun_still_wakes_a_sleeping_submitter)
{
	struct scene s;

	REQUIRE_SETUP_FLAG(IORING_SETUP_TASKRUN_FLAG);
	run_sleeping(_metadata, &s, IORING_SETUP_COOP_TASKRUN |
		     IORING_SETUP_TASKRUN_FLAG);
}

TEST_HARNESS_MAIN
