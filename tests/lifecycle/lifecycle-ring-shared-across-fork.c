// SPDX-License-Identifier: GPL-2.0
/*
 * fork(2) with a ring open: the child inherits the descriptor and the
 * MAP_SHARED ring mappings, so parent and child share one ring.
 *  - SQEs the child submits complete into the CQ ring the parent reads,
 *    and CQEs the parent's requests post are seen in the child's mapping;
 *  - the child closing its descriptor, unmapping and exiting leaves the
 *    parent's ring and its requests in flight untouched;
 *  - the parent closing and unmapping leaves the ring to the child, which
 *    goes on using it.
 * (Rings that only let their creator submit or wait, SINGLE_ISSUER and
 * DEFER_TASKRUN, are covered by tests/setup; registered ring indexes,
 * which a child does not inherit, by tests/register.)
 *
 * Children report through their exit status (0 = as expected) and are
 * reaped with a bounded wait.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "iou.h"
#include "iou_fdinfo.h"

FIXTURE(fork) {
	struct iou_ring r;
	int p[2];
};

FIXTURE_SETUP(fork)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(fork)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	close(self->p[0]);
	close(self->p[1]);
}

TEST_F(fork, child_submissions_complete_into_the_shared_ring)
{
	struct iou_cqe c[4];
	int pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (unsigned int i = 0; i < 3; i++)
			iou_prep_nop(iou_get_sqe(&self->r), 0xc0 + i);
		_exit(iou_submit(&self->r) == 3 ? 0 : 1);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	/* the child's SQ tail and the kernel's SQ head are shared: catch up */
	self->r.sqe_head = self->r.sqe_tail = *self->r.sq_ktail;
	ASSERT_EQ(3, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(3, iou_reap(&self->r, c, 3, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 3; i++)
		ASSERT_CQE_AT(c, i, 0xc0 + i, 0, 0);
	/* and the parent goes on where the child left */
	iou_prep_nop(iou_get_sqe(&self->r), 0xd0);
	ASSERT_EQ(1, iou_submit_reap(&self->r, c, 1));
	ASSERT_CQE_AT(c, 0, 0xd0, 0, 0);
}

TEST_F(fork, child_sees_the_parents_completions)
{
	int go[2], pid;
	char x;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t start = iou_now_ns();
		struct io_uring_cqe *cqe;

		close(go[1]);
		if (read(go[0], &x, 1) != 1)
			_exit(2);
		/* no syscall on the ring: just watch the shared memory */
		while (iou_cq_ready(&self->r) < 1) {
			if (iou_ms_since(start) > IOU_WAIT_MS)
				_exit(3);
			usleep(500);
		}
		cqe = iou_cqe_at(&self->r, *self->r.cq_khead);
		_exit(cqe->user_data == 0xe0 && cqe->res == 0 && !cqe->flags ? 0 : 1);
	}
	close(go[0]);
	iou_prep_nop(iou_get_sqe(&self->r), 0xe0);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_F(fork, child_leaving_does_not_touch_the_parents_requests)
{
	struct iou_cqe c;
	int pid;

	iou_queue_poll(&self->r, self->p[0], 0xf0);
	ASSERT_EQ(1, iou_submit(&self->r));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		iou_ring_exit(&self->r);	/* close and unmap its copies */
		_exit(0);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	/* nothing happened to the poll: no CQE in the quiet window */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&c, 0, 0xf0, POLLIN, 0);
}

TEST_F(fork, ring_stays_with_the_child_when_the_parent_lets_go)
{
	int go[2], pid;
	char x;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct iou_cqe c;

		close(go[1]);
		if (read(go[0], &x, 1) != 1)
			_exit(2);
		iou_prep_nop(iou_get_sqe(&self->r), 0xab);
		if (iou_submit_reap(&self->r, &c, 1) != 1)
			_exit(3);
		_exit(c.user_data == 0xab && c.res == 0 && !c.flags ? 0 : 1);
	}
	close(go[0]);
	iou_ring_exit(&self->r);
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
