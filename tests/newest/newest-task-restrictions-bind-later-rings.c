// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_RESTRICTIONS without a ring (fd -1, 7.0): a task
 * restricts itself (struct io_uring_task_restriction), as with seccomp
 * only under no_new_privs or with CAP_SYS_ADMIN (else EACCES):
 *  - rings the task creates afterwards take only the allowed SQE
 *    opcodes (the others complete with -EACCES), rings created before
 *    are untouched, and a child created by fork inherits the set;
 *  - a register-opcode restriction also binds ring-less calls: a
 *    ring-less opcode not allowed is EACCES (from 4a93427e99a8; 7.0.13
 *    and 7.2.13 run IORING_REGISTER_SEND_MSG_RING for a task that allowed
 *    only QUERY, 7.3.4 refuses it);
 *  - once set it cannot be replaced (EPERM);
 *  - flags or reserved words set, nr_args other than 1: EINVAL.
 * Every case runs in a child of its own: the restriction is the task's.
 */
#include <sys/prctl.h>

#include "iou.h"

IOU_REQUIRES(.register_ops = IOU_OPS(IORING_REGISTER_RESTRICTIONS),
	     .fixes = IOU_FIXES(IOU_FIX("4a93427e99a8", "",
			"*.ringless_register_ops_are_restricted_too",
			"io_uring/register: enforce per-task restrictions in io_uring_register_blind()")));

/* header and n restrictions */
struct task_res {
	struct io_uring_task_restriction hdr;
	struct io_uring_restriction res[4];
};

static void allow_sqe_ops(struct task_res *t, const __u8 *ops, unsigned int n)
{
	memset(t, 0, sizeof(*t));
	t->hdr.nr_res = (__u16)n;
	for (unsigned int i = 0; i < n; i++) {
		t->res[i].opcode = IORING_RESTRICTION_SQE_OP;
		t->res[i].sqe_op = ops[i];
	}
}

static int restrict_task(const struct task_res *t, unsigned int nr)
{
	return sys_io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, t, nr) ? -errno : 0;
}

/* a NOP and a zero TIMEOUT on r: their results through *nop and *tmo */
static int run_two(struct iou_ring *r, int *nop, int *tmo)
{
	static const struct __kernel_timespec zero;
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	iou_queue_nop(r, 1, 0);
	iou_prep_timeout(sqe = iou_get_sqe(r), &zero, 0, 0);
	sqe->user_data = 2;
	if (iou_submit(r) != 2 || iou_reap(r, cqe, 2, IOU_WAIT_MS) != 2)
		return -1;
	for (unsigned int i = 0; i < 2; i++)
		*(cqe[i].user_data == 1 ? nop : tmo) = cqe[i].res;
	return 0;
}

/* run fn in a child under no_new_privs; its exit status */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(100);
		_exit(fn());
	}
	return pid < 0 ? -1 : iou_wait_child(pid, IOU_WAIT_MS);
}

static const __u8 nop_only[] = { IORING_OP_NOP };

/* a valid task restriction in a child: 0, or the errno; before 7.0 EINVAL */
static int try_task_restriction(void)
{
	struct task_res t;

	allow_sqe_ops(&t, nop_only, 1);
	return -restrict_task(&t, 1);
}

#define REQUIRE_TASK_RESTRICTIONS()					\
	IOU_REQUIRE(iou_have_by_result(-in_child(try_task_restriction), 0, IOU_V(7, 0), \
				       "task restrictions (IORING_REGISTER_RESTRICTIONS, fd -1)", \
				       __why, sizeof(__why)))

static int child_later_rings_take_only_allowed_ops(void)
{
	struct iou_ring before, after;
	struct task_res t;
	int nop = 1, tmo = 1;
	pid_t pid;

	if (iou_ring_init(&before, 4, 0))
		return 10;
	allow_sqe_ops(&t, nop_only, 1);
	if (restrict_task(&t, 1))
		return 11;
	if (iou_ring_init(&after, 4, 0))
		return 12;
	if (run_two(&before, &nop, &tmo) || nop != 0 || tmo != -ETIME)
		return 13;
	if (run_two(&after, &nop, &tmo) || nop != 0 || tmo != -EACCES)
		return 14;
	/* a child inherits the restriction for its own new rings */
	pid = fork();
	if (pid == 0) {
		struct iou_ring r;

		if (iou_ring_init(&r, 4, 0))
			_exit(1);
		_exit(run_two(&r, &nop, &tmo) || nop != 0 || tmo != -EACCES ? 2 : 0);
	}
	if (pid < 0 || iou_wait_child(pid, IOU_WAIT_MS))
		return 15;
	/* and it cannot be replaced */
	if (restrict_task(&t, 1) != -EPERM)
		return 16;
	return 0;
}

TEST(later_rings_take_only_allowed_ops)
{
	REQUIRE_TASK_RESTRICTIONS();
	ASSERT_EQ(0, in_child(child_later_rings_take_only_allowed_ops));
}

static int child_ringless_register_ops_are_restricted_too(void)
{
	struct io_uring_query_opcode q;
	struct task_res t;

	memset(&t, 0, sizeof(t));
	t.hdr.nr_res = 1;
	t.res[0].opcode = IORING_RESTRICTION_REGISTER_OP;
	t.res[0].register_op = IORING_REGISTER_QUERY;
	if (restrict_task(&t, 1))
		return 10;
	/* QUERY is allowed, SEND_MSG_RING (another ring-less one) is not */
	if (iou_query_opcodes(&q))
		return 11;
	if (sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, NULL, 1) != -1 ||
	    errno != EACCES)
		return 12;
	return 0;
}

TEST(ringless_register_ops_are_restricted_too)
{
	REQUIRE_TASK_RESTRICTIONS();
	ASSERT_EQ(0, in_child(child_ringless_register_ops_are_restricted_too));
}

static int child_bad_arguments_are_einval(void)
{
	struct task_res t;

	allow_sqe_ops(&t, nop_only, 1);
	t.hdr.flags = 1;
	if (restrict_task(&t, 1) != -EINVAL)
		return 10;
	allow_sqe_ops(&t, nop_only, 1);
	t.hdr.resv[2] = 1;
	if (restrict_task(&t, 1) != -EINVAL)
		return 11;
	allow_sqe_ops(&t, nop_only, 1);
	if (restrict_task(&t, 0) != -EINVAL || restrict_task(&t, 2) != -EINVAL)
		return 12;
	/* none of that left a restriction behind: a valid one still goes in */
	if (restrict_task(&t, 1))
		return 13;
	return 0;
}

TEST(bad_arguments_are_einval)
{
	REQUIRE_TASK_RESTRICTIONS();
	ASSERT_EQ(0, in_child(child_bad_arguments_are_einval));
}

TEST(without_no_new_privs_is_eacces)
{
	struct task_res t;
	pid_t pid;

	if (iou_has_cap(CAP_SYS_ADMIN))
		SKIP(return, "CAP_SYS_ADMIN may restrict itself without no_new_privs");
	REQUIRE_TASK_RESTRICTIONS();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		allow_sqe_ops(&t, nop_only, 1);
		_exit(restrict_task(&t, 1) == -EACCES ? 0 : 10);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
