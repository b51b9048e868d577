// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_BPF_FILTER (7.0): a classic BPF program attached to one
 * opcode of a ring decides, per request, whether it may run: it sees a
 * struct io_uring_bpf_ctx (user_data, opcode, sqe_flags and, for some
 * opcodes, their arguments) and returns 0 to deny, anything else to allow:
 *  - a program returning 1 lets the opcode run; one returning 0 fails it
 *    with -EACCES at submission, other opcodes untouched;
 *  - a program matching on the context (the opcode byte, user_data) lets
 *    through exactly the requests it matches;
 *  - filters stack: every one must allow; IO_URING_BPF_FILTER_DENY_REST
 *    denies every opcode without a filter of its own;
 *  - a task filter (fd -1) needs no_new_privs (or CAP_SYS_ADMIN) and
 *    applies to rings the task creates afterwards;
 *  - bad registrations are refused: a wrong command type, reserved
 *    fields, an opcode past the last, unknown flags, no instructions,
 *    loads outside the context or unaligned, instructions outside the
 *    allowed set (EINVAL); a pdu_size larger than the kernel's or any
 *    other with IO_URING_BPF_FILTER_SZ_STRICT (EMSGSIZE, and the kernel's
 *    size written back); nr_args other than 1 (EINVAL); an unreadable
 *    argument (EFAULT).
 */
#include <linux/filter.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.register_ops = IOU_OPS(IORING_REGISTER_BPF_FILTER));

#define OP_BYTE_OFF	offsetof(struct io_uring_bpf_ctx, opcode)	/* 8: word 8..11 */

static const struct sock_filter allow_prog[] = {
	BPF_STMT(BPF_RET | BPF_K, 1),
};

static const struct sock_filter deny_prog[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* allow when the low word of user_data is 0x600d */
static const struct sock_filter ud_prog[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct io_uring_bpf_ctx, user_data)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x600d, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 1),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* allow only IORING_OP_NOP (the opcode is the low byte of word 8) */
static const struct sock_filter nop_only_prog[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OP_BYTE_OFF),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IORING_OP_NOP, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 1),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static void bpf_reg(struct io_uring_bpf *b, unsigned int op, unsigned int flags,
		    const struct sock_filter *prog, unsigned int len)
{
	memset(b, 0, sizeof(*b));
	b->cmd_type = IO_URING_BPF_CMD_FILTER;
	b->filter.opcode = op;
	b->filter.flags = flags;
	b->filter.filter_len = len;
	b->filter.filter_ptr = (__u64)(uintptr_t)prog;
}

#define PROG(p)	(p), (unsigned int)(sizeof(p) / sizeof((p)[0]))

static int attach(struct iou_ring *r, unsigned int op, unsigned int flags,
		  const struct sock_filter *prog, unsigned int len)
{
	struct io_uring_bpf b;

	bpf_reg(&b, op, flags, prog, len);
	return iou_register(r, IORING_REGISTER_BPF_FILTER, &b, 1);
}

/* a NOP and its CQE's res */
static int run_nop(struct __test_metadata *_metadata, struct iou_ring *r, __u64 ud)
{
	struct iou_cqe cqe;

	iou_queue_nop(r, ud, 0);
	EXPECT_EQ(1, iou_submit(r));
	EXPECT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	EXPECT_EQ(ud, cqe.user_data);
	EXPECT_EQ(0, cqe.flags);
	return cqe.res;
}

/* a TIMEOUT that expires at once (-ETIME when it runs) and its res */
static int run_timeout(struct __test_metadata *_metadata, struct iou_ring *r, __u64 ud)
{
	static const struct __kernel_timespec zero;
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe;

	iou_prep_timeout(sqe, &zero, 0, 0);
	sqe->user_data = ud;
	EXPECT_EQ(1, iou_submit(r));
	EXPECT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	EXPECT_EQ(ud, cqe.user_data);
	return cqe.res;
}

FIXTURE(filter) {
	struct iou_ring r;
};

FIXTURE_SETUP(filter)
{
	ASSERT_RES(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(filter)
{
	iou_ring_exit(&self->r);
}

TEST_F(filter, allow_program_lets_the_opcode_run)
{
	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, 0, PROG(allow_prog)));
	ASSERT_RES(0, run_nop(_metadata, &self->r, 1));
}

TEST_F(filter, deny_program_fails_the_opcode_with_eacces)
{
	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, 0, PROG(deny_prog)));
	ASSERT_RES(-EACCES, run_nop(_metadata, &self->r, 2));
	/* an opcode without a filter still runs */
	ASSERT_RES(-ETIME, run_timeout(_metadata, &self->r, 3));
}

TEST_F(filter, program_matches_on_user_data)
{
	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, 0, PROG(ud_prog)));
	ASSERT_RES(0, run_nop(_metadata, &self->r, 0x600d));
	ASSERT_RES(-EACCES, run_nop(_metadata, &self->r, 0xbad));
	/* only the low word is looked at */
	ASSERT_RES(0, run_nop(_metadata, &self->r, 0x100000000ULL | 0x600d));
}

TEST_F(filter, program_sees_the_opcode)
{
	/* the same program on two opcodes: it lets NOP through, not TIMEOUT */
	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, 0, PROG(nop_only_prog)));
	ASSERT_RES(0, attach(&self->r, IORING_OP_TIMEOUT, 0, PROG(nop_only_prog)));
	ASSERT_RES(0, run_nop(_metadata, &self->r, 4));
	ASSERT_RES(-EACCES, run_timeout(_metadata, &self->r, 5));
}

TEST_F(filter, stacked_filters_must_all_allow)
{
	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, 0, PROG(allow_prog)));
	ASSERT_RES(0, run_nop(_metadata, &self->r, 6));
	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, 0, PROG(ud_prog)));
	ASSERT_RES(-EACCES, run_nop(_metadata, &self->r, 7));
	ASSERT_RES(0, run_nop(_metadata, &self->r, 0x600d));
}

TEST_F(filter, deny_rest_denies_opcodes_without_a_filter)
{
	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, IO_URING_BPF_FILTER_DENY_REST,
			     PROG(allow_prog)));
	ASSERT_RES(0, run_nop(_metadata, &self->r, 8));
	ASSERT_RES(-EACCES, run_timeout(_metadata, &self->r, 9));
}

TEST_F(filter, denied_link_head_cancels_the_chain)
{
	struct io_uring_sqe *sqe;

	ASSERT_RES(0, attach(&self->r, IORING_OP_NOP, 0, PROG(ud_prog)));
	sqe = iou_queue_nop(&self->r, 0xbad, 0);
	sqe->flags = IOSQE_IO_LINK;
	iou_queue_nop(&self->r, 0x600d, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xbad, -EACCES), IOU_CQE(0x600d, -ECANCELED));
}

/* ---- bad registrations ------------------------------------------------- */

struct bad_filter {
	const char *what;
	int err;
	void (*spoil)(struct io_uring_bpf *b);
};

static const struct sock_filter unaligned_load[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

static const struct sock_filter load_past_ctx[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct io_uring_bpf_ctx)),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

/* byte loads are not in the allowed set */
static const struct sock_filter byte_load[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, OP_BYTE_OFF),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

/* falls off the end: no return */
static const struct sock_filter no_return[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
};

static const struct sock_filter jump_out[] = {
	BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
	BPF_STMT(BPF_RET | BPF_K, 1),
};

static void spoil_cmd_type(struct io_uring_bpf *b) { b->cmd_type = 0; }
static void spoil_cmd_type2(struct io_uring_bpf *b) { b->cmd_type = 2; }
static void spoil_cmd_flags(struct io_uring_bpf *b) { b->cmd_flags = 1; }
static void spoil_resv(struct io_uring_bpf *b) { b->resv = 1; }
static void spoil_opcode(struct io_uring_bpf *b) { b->filter.opcode = IORING_OP_LAST + 64; }
static void spoil_flags(struct io_uring_bpf *b) { b->filter.flags = 4; }
static void spoil_filter_resv(struct io_uring_bpf *b) { b->filter.resv[1] = 1; }
static void spoil_filter_resv2(struct io_uring_bpf *b) { b->filter.resv2[4] = 1; }
static void spoil_len0(struct io_uring_bpf *b) { b->filter.filter_len = 0; }
static void spoil_len_max(struct io_uring_bpf *b) { b->filter.filter_len = 4097; }
static void spoil_unaligned(struct io_uring_bpf *b)
{
	b->filter.filter_ptr = (__u64)(uintptr_t)unaligned_load;
	b->filter.filter_len = 2;
}
static void spoil_past_ctx(struct io_uring_bpf *b)
{
	b->filter.filter_ptr = (__u64)(uintptr_t)load_past_ctx;
	b->filter.filter_len = 2;
}
static void spoil_byte_load(struct io_uring_bpf *b)
{
	b->filter.filter_ptr = (__u64)(uintptr_t)byte_load;
	b->filter.filter_len = 2;
}
static void spoil_no_return(struct io_uring_bpf *b)
{
	b->filter.filter_ptr = (__u64)(uintptr_t)no_return;
	b->filter.filter_len = 1;
}
static void spoil_jump_out(struct io_uring_bpf *b)
{
	b->filter.filter_ptr = (__u64)(uintptr_t)jump_out;
	b->filter.filter_len = 2;
}
static void spoil_prog_ptr(struct io_uring_bpf *b)
{
	b->filter.filter_ptr = (__u64)(uintptr_t)iou_fault_ptr();
}

static const struct bad_filter bad_filters[] = {
	{ "cmd_type 0", EINVAL, spoil_cmd_type },
	{ "cmd_type 2", EINVAL, spoil_cmd_type2 },
	{ "cmd_flags", EINVAL, spoil_cmd_flags },
	{ "resv", EINVAL, spoil_resv },
	{ "opcode past the last", EINVAL, spoil_opcode },
	{ "unknown filter flag", EINVAL, spoil_flags },
	{ "filter.resv", EINVAL, spoil_filter_resv },
	{ "filter.resv2", EINVAL, spoil_filter_resv2 },
	{ "no instructions", EINVAL, spoil_len0 },
	{ "more than BPF_MAXINSNS", EINVAL, spoil_len_max },
	{ "unaligned load", EINVAL, spoil_unaligned },
	{ "load past the context", EINVAL, spoil_past_ctx },
	{ "byte load", EINVAL, spoil_byte_load },
	{ "no return", EINVAL, spoil_no_return },
	{ "jump out of the program", EINVAL, spoil_jump_out },
	{ "unreadable program", EFAULT, spoil_prog_ptr },
};

TEST_F(filter, bad_registrations_are_refused_and_change_nothing)
{
	for (unsigned int i = 0; i < sizeof(bad_filters) / sizeof(bad_filters[0]); i++) {
		struct io_uring_bpf b;
		int ret;

		/* a deny program: had it been attached, NOP would fail */
		bpf_reg(&b, IORING_OP_NOP, 0, PROG(deny_prog));
		bad_filters[i].spoil(&b);
		ret = iou_register(&self->r, IORING_REGISTER_BPF_FILTER, &b, 1);
		if (ret != -bad_filters[i].err)
			TH_LOG("%s", bad_filters[i].what);
		ASSERT_RES(-bad_filters[i].err, ret);
	}
	ASSERT_RES(0, run_nop(_metadata, &self->r, 10));
}

TEST_F(filter, pdu_size_mismatch_is_emsgsize_with_the_kernels_size)
{
	struct io_uring_bpf b;

	/* NOP has no per-opcode data: 0 is its size */
	bpf_reg(&b, IORING_OP_NOP, 0, PROG(deny_prog));
	b.filter.pdu_size = 8;
	ASSERT_RES(-EMSGSIZE, iou_register(&self->r, IORING_REGISTER_BPF_FILTER, &b, 1));
	ASSERT_EQ(0, b.filter.pdu_size);
	/* SOCKET's is the socket triple; smaller is fine unless strict */
	bpf_reg(&b, IORING_OP_SOCKET, IO_URING_BPF_FILTER_SZ_STRICT, PROG(allow_prog));
	b.filter.pdu_size = 4;
	ASSERT_RES(-EMSGSIZE, iou_register(&self->r, IORING_REGISTER_BPF_FILTER, &b, 1));
	ASSERT_EQ(sizeof(((struct io_uring_bpf_ctx *)0)->socket), b.filter.pdu_size);
	bpf_reg(&b, IORING_OP_SOCKET, 0, PROG(allow_prog));
	b.filter.pdu_size = 4;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BPF_FILTER, &b, 1));
	ASSERT_EQ(sizeof(((struct io_uring_bpf_ctx *)0)->socket), b.filter.pdu_size);
	ASSERT_RES(0, run_nop(_metadata, &self->r, 11));
}

TEST_F(filter, nr_args_and_unreadable_argument)
{
	struct io_uring_bpf b;

	bpf_reg(&b, IORING_OP_NOP, 0, PROG(deny_prog));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BPF_FILTER, &b, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_BPF_FILTER, &b, 2));
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_BPF_FILTER,
					 iou_fault_ptr(), 1));
	ASSERT_RES(0, run_nop(_metadata, &self->r, 12));
}

/* ---- the task's filter ---------------------------------------------------- */

TEST(task_filter_applies_to_rings_created_afterwards)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct iou_ring before, after;
		struct io_uring_bpf b;
		struct iou_cqe cqe;
		int ret;

		/* what the parent may not have: the child's own state only */
		if (!iou_has_cap(CAP_SYS_ADMIN)) {
			bpf_reg(&b, IORING_OP_NOP, 0, PROG(deny_prog));
			ret = sys_io_uring_register(-1, IORING_REGISTER_BPF_FILTER, &b, 1);
			if (ret != -1 || errno != EACCES)
				_exit(10);
		}
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(11);
		if (iou_ring_init(&before, 2, 0))
			_exit(12);
		bpf_reg(&b, IORING_OP_NOP, 0, PROG(deny_prog));
		if (sys_io_uring_register(-1, IORING_REGISTER_BPF_FILTER, &b, 1))
			_exit(13);
		if (iou_ring_init(&after, 2, 0))
			_exit(14);
		iou_queue_nop(&before, 1, 0);
		if (iou_submit_reap(&before, &cqe, 1) != 1 || cqe.res != 0)
			_exit(15);
		iou_queue_nop(&after, 2, 0);
		if (iou_submit_reap(&after, &cqe, 1) != 1 || cqe.res != -EACCES)
			_exit(16);
		_exit(0);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
