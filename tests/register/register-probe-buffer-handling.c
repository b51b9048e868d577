// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_PROBE fills a caller-supplied struct io_uring_probe:
 * last_op is the highest opcode the kernel knows, ops_len the number of
 * entries it filled, which is nr_args clamped to last_op + 1; entry i
 * names opcode i and carries IO_URING_OP_SUPPORTED or nothing, with its
 * reserved fields zero.  The buffer must be zeroed on entry as far as
 * the kernel will use it (anything else is EINVAL), entries past that
 * are neither checked nor written; nr_args above 256 (ops_len is 8 bits)
 * or a NULL buffer fail with EINVAL, an unreadable one with EFAULT.
 * The answer is the same through a registered ring fd, and, where
 * IORING_REGISTER_QUERY exists (6.18), agrees with its opcode count.
 *
 * Entries past last_op are left alone only since 6bc9199d0c84
 * ("io_uring: Allocate only necessary memory in io_probe", 6.11), which
 * clamps nr_args before copying the buffer in; before it the whole
 * nr_args buffer had to be zero (EINVAL otherwise) and was written back
 * in full.  That difference is probed and the case about it skips on the
 * older behaviour.
 */
#include "iou.h"
#include "iou_rsrc.h"

#define NR_MAX	256

FIXTURE(probe) {
	struct iou_ring r;
	struct io_uring_probe *p;
	size_t size;
};

FIXTURE_SETUP(probe)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 2, 0));
	self->size = sizeof(*self->p) + NR_MAX * sizeof(self->p->ops[0]);
	self->p = calloc(1, self->size);
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(probe)
{
	iou_ring_exit(&self->r);
	free(self->p);
}

/* the kernel's last opcode, from a full probe on a scratch buffer */
static int kernel_last_op(struct iou_ring *r)
{
	struct io_uring_probe *p = calloc(1, sizeof(*p) + NR_MAX * sizeof(p->ops[0]));
	int last = -1;

	if (p && iou_register(r, IORING_REGISTER_PROBE, p, NR_MAX) == 0)
		last = p->last_op;
	free(p);
	return last;
}

static void check_entries(struct __test_metadata *_metadata,
			  const struct io_uring_probe *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_EQ(i, p->ops[i].op);
		ASSERT_EQ(0, p->ops[i].resv);
		ASSERT_EQ(0, p->ops[i].resv2);
		ASSERT_EQ(0, p->ops[i].flags & ~IO_URING_OP_SUPPORTED);
	}
}

TEST_F(probe, full_probe_fills_one_entry_per_known_opcode)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
	ASSERT_LT(0, self->p->last_op);
	ASSERT_EQ(self->p->last_op + 1, self->p->ops_len);
	ASSERT_EQ(0, self->p->resv);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, self->p->resv2[i]);
	check_entries(_metadata, self->p, self->p->ops_len);
	/* NOP and READV exist since 5.1: both are always supported */
	ASSERT_EQ(IO_URING_OP_SUPPORTED, self->p->ops[IORING_OP_NOP].flags);
	ASSERT_EQ(IO_URING_OP_SUPPORTED, self->p->ops[IORING_OP_READV].flags);
}

TEST_F(probe, short_buffer_gets_ops_len_entries_only)
{
	int last = kernel_last_op(&self->r);

	ASSERT_LT(5, last);
	/* entries past nr_args are not the kernel's to check or write */
	memset(&self->p->ops[5], 0xab, (NR_MAX - 5) * sizeof(self->p->ops[0]));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, 5));
	ASSERT_EQ(last, self->p->last_op);
	ASSERT_EQ(5, self->p->ops_len);
	check_entries(_metadata, self->p, 5);
	for (size_t i = 5 * sizeof(self->p->ops[0]);
	     i < NR_MAX * sizeof(self->p->ops[0]); i++)
		ASSERT_EQ(0xab, ((unsigned char *)self->p->ops)[i]);
}

/*
 * The probe ignores entries past last_op (6.11, 6bc9199d0c84): a buffer
 * one entry longer than the kernel fills, with garbage in that entry, is
 * accepted.  Before, it failed with EINVAL.
 */
static bool probe_ignores_entries_past_last_op(struct iou_ring *r, int last)
{
	size_t n = (size_t)last + 2;
	struct io_uring_probe *p = calloc(1, sizeof(*p) + n * sizeof(p->ops[0]));
	bool ignored;

	if (!p)
		return false;
	p->ops[last + 1].op = 0xcd;
	ignored = iou_register(r, IORING_REGISTER_PROBE, p, (unsigned int)n) == 0;
	free(p);
	return ignored;
}

TEST_F(probe, entries_past_last_op_are_neither_checked_nor_written)
{
	int last = kernel_last_op(&self->r);
	size_t used;

	ASSERT_LT(0, last);
	if (!probe_ignores_entries_past_last_op(&self->r, last))
		SKIP(return, "kernel checks probe entries past last_op "
		     "(before 6.11: 6bc9199d0c84)");
	used = (size_t)(last + 1) * sizeof(self->p->ops[0]);
	memset((unsigned char *)self->p->ops + used, 0xcd,
	       NR_MAX * sizeof(self->p->ops[0]) - used);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
	ASSERT_EQ(last + 1, self->p->ops_len);
	for (size_t i = used; i < NR_MAX * sizeof(self->p->ops[0]); i++)
		ASSERT_EQ(0xcd, ((unsigned char *)self->p->ops)[i]);
}

TEST_F(probe, zero_entries_reports_last_op_only)
{
	int last = kernel_last_op(&self->r);

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, 0));
	ASSERT_EQ(last, self->p->last_op);
	ASSERT_EQ(0, self->p->ops_len);
	ASSERT_EQ(0, self->p->ops[0].op);
	ASSERT_EQ(0, self->p->ops[0].flags);
}

TEST_F(probe, nonzero_input_fails_einval)
{
	self->p->resv2[1] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
	/* the refusal wrote nothing back */
	ASSERT_EQ(0, self->p->last_op);
	self->p->resv2[1] = 0;
	self->p->ops[2].flags = IO_URING_OP_SUPPORTED;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
	self->p->ops[2].flags = 0;
	self->p->last_op = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
}

TEST_F(probe, more_than_256_entries_fail_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PROBE, self->p,
					 NR_MAX + 1));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
}

TEST_F(probe, null_buffer_fails_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PROBE, NULL, NR_MAX));
}

TEST_F(probe, unreadable_buffer_fails_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_PROBE,
					 iou_fault_ptr(), NR_MAX));
}

TEST_F(probe, same_answer_through_a_registered_ring_fd)
{
	struct io_uring_probe *q = calloc(1, self->size);

	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	ASSERT_NE(NULL, q);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
	ASSERT_EQ(0, iou_ring_register_fd(&self->r));
	ASSERT_EQ(IORING_REGISTER_USE_REGISTERED_RING, self->r.register_flags);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, q, NR_MAX));
	ASSERT_EQ(0, memcmp(self->p, q, self->size));
	free(q);
}

TEST_F(probe, last_op_agrees_with_query)
{
	struct io_uring_query_opcode q;
	struct io_uring_query_hdr h;

	REQUIRE_REGISTER_OP(IORING_REGISTER_QUERY);
	memset(&q, 0, sizeof(q));
	memset(&h, 0, sizeof(h));
	h.query_data = (__u64)(uintptr_t)&q;
	h.query_op = IO_URING_QUERY_OPCODES;
	h.size = sizeof(q);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_QUERY, &h, 0));
	ASSERT_EQ(0, h.result);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, self->p, NR_MAX));
	ASSERT_EQ(q.nr_request_opcodes, self->p->last_op + 1U);
}

TEST_HARNESS_MAIN
