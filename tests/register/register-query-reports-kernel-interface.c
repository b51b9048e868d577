// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_QUERY answers without a ring (fd -1) as well as on a
 * ring fd or registered index.  IO_URING_QUERY_OPCODES reports what the
 * kernel really accepts: the request opcode count matches the probe, the
 * register opcode count is the first opcode register(2) refuses, the
 * feature mask is what setup returns, and one bit past each of the setup,
 * enter and SQE flag masks is refused.  Per entry, problems land in
 * hdr.result, not in the return value: an unknown query op is
 * -EOPNOTSUPP, a non-zero reserved word, a preset result or size 0 is
 * -EINVAL.  The answer is cut to the caller's size (hdr.size says how
 * much was written); entries chain through next_entry and a cycle ends
 * with ERANGE.  nr_args must be 0 (EINVAL); a NULL chain is an empty
 * query (0); unreadable headers or data are EFAULT.
 */
#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(query) {
	struct io_uring_query_opcode op;
	struct io_uring_query_hdr h;
};

FIXTURE_SETUP(query)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_QUERY);
	memset(&self->op, 0, sizeof(self->op));
	memset(&self->h, 0, sizeof(self->h));
	self->h.query_data = (__u64)(uintptr_t)&self->op;
	self->h.query_op = IO_URING_QUERY_OPCODES;
	self->h.size = sizeof(self->op);
}

FIXTURE_TEARDOWN(query)
{
}

static int query(int fd, void *arg, unsigned int nr)
{
	int ret = sys_io_uring_register(fd, IORING_REGISTER_QUERY, arg, nr);

	return ret < 0 ? -errno : ret;
}

/*
 * The first query op the running kernel does not know: later kernels know
 * more (7.3 four), so no fixed number is unknown everywhere.  The kernel
 * says how many it knows in nr_query_opcodes (6.18 fills it: 1); it fills
 * min(its size, ours).  Should one not fill it, it knows
 * IO_URING_QUERY_OPCODES alone.  0 if the query itself fails.
 */
static __u32 first_unknown_query_op(void)
{
	struct {
		struct io_uring_query_opcode op;
		__u64 room[4];				/* for later additions */
	} big;
	struct io_uring_query_hdr h;

	memset(&big, 0, sizeof(big));
	memset(&h, 0, sizeof(h));
	h.query_op = IO_URING_QUERY_OPCODES;
	h.query_data = (__u64)(uintptr_t)&big;
	h.size = sizeof(big);
	if (sys_io_uring_register(-1, IORING_REGISTER_QUERY, &h, 0) < 0 || h.result)
		return 0;
	if (h.size >= offsetof(struct io_uring_query_opcode, nr_query_opcodes) + sizeof(__u32))
		return big.op.nr_query_opcodes;
	return IO_URING_QUERY_OPCODES + 1;
}

TEST_F(query, ringless_query_reports_opcodes)
{
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(0, self->h.result);
	ASSERT_EQ(sizeof(self->op), self->h.size);
	ASSERT_EQ(iou_probe_nr_ops(), self->op.nr_request_opcodes);
	ASSERT_EQ(iou_features(), self->op.feature_flags);
}

TEST_F(query, ring_fd_and_registered_index_give_the_same_answer)
{
	struct io_uring_query_opcode a;
	struct iou_ring r;

	ASSERT_RES(0, query(-1, &self->h, 0));
	a = self->op;
	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	memset(&self->op, 0, sizeof(self->op));
	ASSERT_RES(0, query(r.fd, &self->h, 0));
	ASSERT_EQ(0, memcmp(&a, &self->op, sizeof(a)));
	if (iou_features() & IORING_FEAT_REG_REG_RING) {
		ASSERT_EQ(0, iou_ring_register_fd(&r));
		memset(&self->op, 0, sizeof(self->op));
		ASSERT_RES(0, iou_register(&r, IORING_REGISTER_QUERY, &self->h, 0));
		ASSERT_EQ(0, memcmp(&a, &self->op, sizeof(a)));
	}
	iou_ring_exit(&r);
}

TEST_F(query, register_opcode_count_is_first_refused_opcode)
{
	struct iou_ring r;
	unsigned int n;

	ASSERT_RES(0, query(-1, &self->h, 0));
	n = self->op.nr_register_opcodes;
	ASSERT_LT(IORING_REGISTER_QUERY, n);
	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	/* n itself is unknown: EINVAL whatever the arguments */
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(r.fd, n, NULL, 0));
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(r.fd, n, &self->h, 1));
	iou_ring_exit(&r);
}

TEST_F(query, flag_masks_match_what_the_kernel_accepts)
{
	struct io_uring_params p;
	struct iou_ring r;
	struct iou_cqe cqe;
	struct io_uring_sqe *sqe;
	unsigned int bit;

	ASSERT_RES(0, query(-1, &self->h, 0));
	/* the masks are contiguous from bit 0 */
	ASSERT_EQ(0, self->op.ring_setup_flags & (self->op.ring_setup_flags + 1));
	ASSERT_EQ(0, self->op.enter_flags & (self->op.enter_flags + 1));
	ASSERT_EQ(0, self->op.sqe_flags & (self->op.sqe_flags + 1));

	bit = (unsigned int)self->op.ring_setup_flags + 1;
	memset(&p, 0, sizeof(p));
	p.flags = bit;
	ASSERT_SYSERR(EINVAL, sys_io_uring_setup(2, &p));

	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	bit = (unsigned int)self->op.enter_flags + 1;
	ASSERT_RES(-EINVAL, iou_enter(&r, 0, 0, bit, NULL, 0));

	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 1);
	sqe->flags = (__u8)(self->op.sqe_flags + 1);
	ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
	ASSERT_RES(-EINVAL, cqe.res);
	/* and the mask itself is accepted on a NOP (no buffer-select group) */
	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 2);
	sqe->flags = IOSQE_IO_DRAIN;
	ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
	ASSERT_RES(0, cqe.res);
	iou_ring_exit(&r);
}

TEST_F(query, unknown_query_op_is_eopnotsupp_in_result)
{
	self->h.query_op = first_unknown_query_op();
	ASSERT_LT(0, self->h.query_op);
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(-EOPNOTSUPP, self->h.result);
	/* nothing was reported */
	ASSERT_EQ(0, self->h.size);
	ASSERT_EQ(0, self->op.nr_request_opcodes);
}

TEST_F(query, reserved_word_result_or_zero_size_is_einval_in_result)
{
	self->h.__resv[1] = 1;
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(-EINVAL, self->h.result);
	ASSERT_EQ(0, self->op.nr_request_opcodes);

	memset(&self->h, 0, sizeof(self->h));
	self->h.query_data = (__u64)(uintptr_t)&self->op;
	self->h.size = sizeof(self->op);
	self->h.result = 5;
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(-EINVAL, self->h.result);

	memset(&self->h, 0, sizeof(self->h));
	self->h.query_data = (__u64)(uintptr_t)&self->op;
	self->h.size = 0;
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(-EINVAL, self->h.result);
	ASSERT_EQ(0, self->op.nr_request_opcodes);
}

TEST_F(query, answer_is_cut_to_the_callers_size)
{
	unsigned char buf[sizeof(struct io_uring_query_opcode) + 16];

	memset(buf, 0xa5, sizeof(buf));
	self->h.query_data = (__u64)(uintptr_t)buf;
	self->h.size = 4;
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(0, self->h.result);
	ASSERT_EQ(4, self->h.size);
	ASSERT_EQ(iou_probe_nr_ops(), *(__u32 *)buf);
	for (unsigned int i = 4; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
}

TEST_F(query, larger_buffer_is_zero_filled_past_the_answer)
{
	unsigned char buf[4096];

	memset(buf, 0xa5, sizeof(buf));
	self->h.query_data = (__u64)(uintptr_t)buf;
	self->h.size = sizeof(buf);
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(0, self->h.result);
	/* the kernel says how much it knows; at least 6.18's layout */
	ASSERT_LE(sizeof(struct io_uring_query_opcode), self->h.size);
	ASSERT_GT(sizeof(buf), self->h.size);
	for (unsigned int i = self->h.size; i < sizeof(buf); i++)
		ASSERT_EQ(0, buf[i]);
}

TEST_F(query, entries_chain_through_next_entry)
{
	struct io_uring_query_hdr h2, h3;
	struct io_uring_query_opcode op2;
	__u32 unknown = first_unknown_query_op();

	ASSERT_LT(0, unknown);
	memset(&op2, 0, sizeof(op2));
	memset(&h2, 0, sizeof(h2));
	memset(&h3, 0, sizeof(h3));
	h2.query_op = unknown;		/* the first one this kernel does not know */
	h2.next_entry = (__u64)(uintptr_t)&h3;
	h3.query_op = IO_URING_QUERY_OPCODES;
	h3.query_data = (__u64)(uintptr_t)&op2;
	h3.size = sizeof(op2);
	self->h.next_entry = (__u64)(uintptr_t)&h2;
	ASSERT_RES(0, query(-1, &self->h, 0));
	ASSERT_RES(0, self->h.result);
	ASSERT_RES(-EOPNOTSUPP, h2.result);
	ASSERT_RES(0, h3.result);
	ASSERT_EQ(0, memcmp(&self->op, &op2, sizeof(op2)));
}

TEST_F(query, cyclic_chain_is_erange)
{
	self->h.next_entry = (__u64)(uintptr_t)&self->h;
	ASSERT_RES(-ERANGE, query(-1, &self->h, 0));
}

TEST_F(query, nr_args_not_zero_is_einval)
{
	ASSERT_RES(-EINVAL, query(-1, &self->h, 1));
	ASSERT_EQ(0, self->op.nr_request_opcodes);
}

TEST_F(query, null_chain_is_an_empty_query)
{
	ASSERT_RES(0, query(-1, NULL, 0));
}

TEST_F(query, unreadable_header_or_data_is_efault)
{
	ASSERT_RES(-EFAULT, query(-1, iou_fault_ptr(), 0));
	self->h.query_data = (__u64)(uintptr_t)iou_fault_ptr();
	ASSERT_RES(-EFAULT, query(-1, &self->h, 0));
}

TEST_F(query, non_ring_fd_is_eopnotsupp)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_RES(-EOPNOTSUPP, query(fd, &self->h, 0));
	close(fd);
}

TEST_HARNESS_MAIN
