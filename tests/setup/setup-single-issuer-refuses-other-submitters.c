// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SINGLE_ISSUER: only one task may submit.  It is the task
 * that created the ring, or with R_DISABLED the task that enabled it.
 * Another thread or a forked child gets EEXIST from io_uring_enter() with
 * to_submit (its SQEs stay unconsumed) and from io_uring_register(); waiting for completions is
 * still open to other tasks unless DEFER_TASKRUN (whose task work only the
 * issuer may run) is set too.  With SQPOLL the poll thread is the issuer,
 * so any task may queue work.
 *
 * Doc discrepancy: io_uring_setup(2) says the kernel enforces the rule by
 * "failing requests with -EEXIST"; no request fails and no CQE is posted:
 * the io_uring_enter() call itself fails with EEXIST before consuming any
 * SQE.  The test follows the kernel.
 *
 * Regression-test-for: d7cce96c449e ("io_uring: limit registration w/ SINGLE_ISSUER")
 */
#include <pthread.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_SINGLE_ISSUER,
	     .fixes = IOU_FIXES(IOU_FIX("d7cce96c449e", "", "",
			"io_uring: limit registration w/ SINGLE_ISSUER")));

struct call {
	struct iou_ring *r;
	unsigned int to_submit, min_complete, flags;
	unsigned int opcode;	/* register opcode when nonzero */
	int ret;
};

static void *enter_thread(void *arg)
{
	struct call *c = arg;

	if (c->opcode)
		c->ret = iou_register(c->r, c->opcode, NULL, 0);
	else
		c->ret = iou_enter(c->r, c->to_submit, c->min_complete,
				   c->flags, NULL, 0);
	return NULL;
}

/* io_uring_enter (or register) from a second thread of this process */
static int from_thread(struct iou_ring *r, unsigned int to_submit,
		       unsigned int min_complete, unsigned int flags,
		       unsigned int opcode)
{
	struct call c = { r, to_submit, min_complete, flags, opcode, -1 };
	pthread_t t;

	if (pthread_create(&t, NULL, enter_thread, &c))
		return -EAGAIN;
	pthread_join(t, NULL);
	return c.ret;
}

static void queue_nop(struct iou_ring *r, __u64 ud)
{
	iou_prep_nop(iou_get_sqe(r), ud);
	iou_sq_flush(r);
}

TEST(other_thread_submit_gets_eexist)
{
	struct iou_ring r;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER));
	queue_nop(&r, 0x1551);
	ASSERT_RES(-EEXIST, from_thread(&r, 1, 0, 0, 0));
	ASSERT_EQ(0, *r.sq_khead);
	ASSERT_EQ(0, iou_cq_ready(&r));
	/* the issuer itself submits the very same SQE */
	ASSERT_RES(1, iou_enter(&r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x1551, cqe.user_data);
	iou_ring_exit(&r);
}

TEST(forked_child_submit_gets_eexist)
{
	struct iou_ring r;
	int pid;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER));
	queue_nop(&r, 0xc41d);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ret = iou_enter(&r, 1, 0, 0, NULL, 0);

		_exit(ret == -EEXIST ? 0 : 10 + (ret < 0 ? -ret : 99));
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	ASSERT_EQ(0, *r.sq_khead);
	ASSERT_RES(1, iou_enter(&r, 1, 0, 0, NULL, 0));
	iou_ring_exit(&r);
}

TEST(other_thread_register_gets_eexist)
{
	struct iou_ring r;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER));
	/* refused for the task before the opcode is looked at (EBADFD) */
	ASSERT_RES(-EEXIST, from_thread(&r, 0, 0, 0, IORING_REGISTER_ENABLE_RINGS));
	ASSERT_RES(-EBADFD, iou_register(&r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	iou_ring_exit(&r);
}

TEST(other_thread_may_wait_without_defer_taskrun)
{
	struct iou_ring r;

	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER));
	queue_nop(&r, 1);
	ASSERT_RES(1, iou_enter(&r, 1, 0, 0, NULL, 0));
	ASSERT_RES(0, from_thread(&r, 0, 1, IORING_ENTER_GETEVENTS, 0));
	ASSERT_EQ(1, iou_cq_ready(&r));
	iou_ring_exit(&r);
}

TEST(other_thread_wait_gets_eexist_with_defer_taskrun)
{
	struct iou_ring r;

	REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER |
				    IORING_SETUP_DEFER_TASKRUN));
	queue_nop(&r, 1);
	ASSERT_RES(1, iou_enter(&r, 1, 0, 0, NULL, 0));
	ASSERT_RES(-EEXIST, from_thread(&r, 0, 1, IORING_ENTER_GETEVENTS, 0));
	ASSERT_RES(0, iou_enter(&r, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(1, iou_cq_ready(&r));
	iou_ring_exit(&r);
}

TEST(enabling_task_becomes_the_issuer)
{
	struct iou_ring r;

	REQUIRE_SETUP_FLAG(IORING_SETUP_R_DISABLED);
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER |
				    IORING_SETUP_R_DISABLED));
	/* the creator did not enable it: another thread does */
	ASSERT_RES(0, from_thread(&r, 0, 0, 0, IORING_REGISTER_ENABLE_RINGS));
	queue_nop(&r, 0xe4ab);
	ASSERT_RES(-EEXIST, iou_enter(&r, 1, 0, 0, NULL, 0));
	ASSERT_EQ(0, *r.sq_khead);
	/* that thread has exited: no task can submit any more */
	ASSERT_RES(-EEXIST, from_thread(&r, 1, 0, 0, 0));
	ASSERT_EQ(0, iou_cq_ready(&r));
	iou_ring_exit(&r);
}

TEST(sqpoll_thread_is_the_issuer)
{
	struct io_uring_params p;
	struct iou_ring r;
	struct iou_cqe cqe;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQPOLL);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 50;
	ASSERT_RES(0, iou_ring_init_params(&r, 4, &p));
	queue_nop(&r, 0x5a);
	/* any task may wake the thread; it returns to_submit as usual */
	ASSERT_RES(1, from_thread(&r, 1, 0, IORING_ENTER_SQ_WAKEUP, 0));
	ASSERT_EQ(1, iou_reap(&r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x5a, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
