// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_RESTRICTIONS and IORING_REGISTER_ENABLE_RINGS, the
 * setup side: restrictions are accepted only while the ring is still
 * disabled (IORING_SETUP_R_DISABLED), once (EBUSY the second time), and
 * the ring refuses submissions (EBADFD) until ENABLE_RINGS.  On an enabled
 * ring, RESTRICTIONS and ENABLE_RINGS fail with EBADFD, unless the ring
 * is restricted and does not allow them, which is EACCES.  The list is
 * validated whole: an unknown restriction type, a register opcode or SQE
 * opcode the kernel does not have, more entries than the maximum, a NULL
 * list (EINVAL) or an unreadable one (EFAULT) register nothing, so a
 * correct list is still accepted afterwards.  An empty list is a valid
 * registration that allows nothing at all.
 *
 * The maximum number of entries is IORING_RESTRICTION_LAST + the number
 * of register opcodes + the number of SQE opcodes, so it grows with the
 * kernel; it is taken from IORING_REGISTER_QUERY where that exists (6.18)
 * and the exact-boundary case skips elsewhere.
 */
#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_R_DISABLED);

FIXTURE(restrictions) {
	struct iou_ring r;
};

FIXTURE_SETUP(restrictions)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, IORING_SETUP_R_DISABLED));
}

FIXTURE_TEARDOWN(restrictions)
{
	iou_ring_exit(&self->r);
}

static struct io_uring_restriction res_entry(unsigned int type, unsigned int val)
{
	struct io_uring_restriction e;

	memset(&e, 0, sizeof(e));
	e.opcode = (__u16)type;
	e.sqe_op = (__u8)val;	/* the union's one byte */
	return e;
}

static int restrict_to(struct iou_ring *r, const struct io_uring_restriction *e,
		       unsigned int nr)
{
	return iou_register(r, IORING_REGISTER_RESTRICTIONS, e, nr);
}

static int enable(struct iou_ring *r)
{
	return iou_register(r, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
}

static int nop(struct iou_ring *r)
{
	iou_prep_nop(iou_get_sqe(r), 0x40);
	return iou_run_one(r, NULL);
}

TEST_F(restrictions, disabled_ring_refuses_submission_until_enabled)
{
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_RES(-EBADFD, iou_submit(&self->r));
	ASSERT_RES(0, enable(&self->r));
	/* the SQE queued before is still there and now goes in */
	ASSERT_RES(1, iou_submit(&self->r));
	{
		struct iou_cqe cqe;

		ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
		ASSERT_EQ(1, cqe.user_data);
		ASSERT_RES(0, cqe.res);
	}
}

TEST_F(restrictions, enabling_without_restrictions_leaves_ring_unrestricted)
{
	ASSERT_RES(0, enable(&self->r));
	ASSERT_RES(0, nop(&self->r));
	ASSERT_RES(1, iou_register(&self->r, IORING_REGISTER_PERSONALITY, NULL, 0));
}

TEST_F(restrictions, restrictions_on_an_enabled_ring_fail_ebadfd)
{
	struct io_uring_restriction e = res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP);
	struct iou_ring plain;

	ASSERT_EQ(0, iou_ring_init(&plain, 4, 0));
	ASSERT_RES(-EBADFD, restrict_to(&plain, &e, 1));
	ASSERT_RES(-EBADFD, enable(&plain));
	iou_ring_exit(&plain);
	/* and after enabling a disabled one */
	ASSERT_RES(0, enable(&self->r));
	ASSERT_RES(-EBADFD, restrict_to(&self->r, &e, 1));
	ASSERT_RES(-EBADFD, enable(&self->r));
}

TEST_F(restrictions, second_restrictions_fail_ebusy)
{
	struct io_uring_restriction e = res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP);

	ASSERT_RES(0, restrict_to(&self->r, &e, 1));
	ASSERT_RES(-EBUSY, restrict_to(&self->r, &e, 1));
}

TEST_F(restrictions, restricted_ring_denies_restrictions_and_enable_eacces)
{
	struct io_uring_restriction e[2] = {
		res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP),
		res_entry(IORING_RESTRICTION_REGISTER_OP, IORING_REGISTER_ENABLE_RINGS),
	};

	ASSERT_RES(0, restrict_to(&self->r, e, 2));
	ASSERT_RES(0, enable(&self->r));
	/* RESTRICTIONS is not allowed: the restriction check comes first */
	ASSERT_RES(-EACCES, restrict_to(&self->r, e, 1));
	/* ENABLE_RINGS is allowed, and then refused as the ring is enabled */
	ASSERT_RES(-EBADFD, enable(&self->r));
}

TEST_F(restrictions, unknown_restriction_type_fails_einval)
{
	struct io_uring_restriction e[2] = {
		res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP),
		res_entry(IORING_RESTRICTION_LAST, 0),
	};

	ASSERT_RES(-EINVAL, restrict_to(&self->r, e, 2));
	e[1] = res_entry(0xffff, 0);
	ASSERT_RES(-EINVAL, restrict_to(&self->r, e, 2));
	/* nothing stuck: the valid part alone registers */
	ASSERT_RES(0, restrict_to(&self->r, e, 1));
}

TEST_F(restrictions, register_opcode_past_the_last_fails_einval)
{
	struct io_uring_restriction e = res_entry(IORING_RESTRICTION_REGISTER_OP, 255);

	ASSERT_RES(-EINVAL, restrict_to(&self->r, &e, 1));
	/* the first opcode the kernel does not have */
	if (iou_register_op_supported(IORING_REGISTER_QUERY)) {
		struct io_uring_query_opcode q;
		struct io_uring_query_hdr h;

		memset(&q, 0, sizeof(q));
		memset(&h, 0, sizeof(h));
		h.query_data = (__u64)(uintptr_t)&q;
		h.query_op = IO_URING_QUERY_OPCODES;
		h.size = sizeof(q);
		ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_QUERY, &h, 0));
		e = res_entry(IORING_RESTRICTION_REGISTER_OP, q.nr_register_opcodes);
		ASSERT_RES(-EINVAL, restrict_to(&self->r, &e, 1));
		e = res_entry(IORING_RESTRICTION_REGISTER_OP, q.nr_register_opcodes - 1);
		ASSERT_RES(0, restrict_to(&self->r, &e, 1));
	}
}

TEST_F(restrictions, sqe_opcode_past_the_last_fails_einval)
{
	unsigned int nr_ops = iou_probe_nr_ops();
	struct io_uring_restriction e;

	if (!nr_ops)
		SKIP(return, "kernel lacks IORING_REGISTER_PROBE");
	e = res_entry(IORING_RESTRICTION_SQE_OP, nr_ops);
	ASSERT_RES(-EINVAL, restrict_to(&self->r, &e, 1));
	e = res_entry(IORING_RESTRICTION_SQE_OP, 255);
	ASSERT_RES(-EINVAL, restrict_to(&self->r, &e, 1));
	e = res_entry(IORING_RESTRICTION_SQE_OP, nr_ops - 1);
	ASSERT_RES(0, restrict_to(&self->r, &e, 1));
}

TEST_F(restrictions, null_or_unreadable_list_fails)
{
	ASSERT_RES(-EINVAL, restrict_to(&self->r, NULL, 1));
	ASSERT_RES(-EFAULT, restrict_to(&self->r, iou_fault_ptr(), 1));
	ASSERT_RES(0, restrict_to(&self->r, (struct io_uring_restriction[]){
		res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP) }, 1));
}

TEST_F(restrictions, list_of_exactly_the_maximum_registers_one_more_fails_einval)
{
	struct io_uring_query_opcode q;
	struct io_uring_query_hdr h;
	struct io_uring_restriction *e;
	unsigned int max;

	REQUIRE_REGISTER_OP(IORING_REGISTER_QUERY);
	memset(&q, 0, sizeof(q));
	memset(&h, 0, sizeof(h));
	h.query_data = (__u64)(uintptr_t)&q;
	h.query_op = IO_URING_QUERY_OPCODES;
	h.size = sizeof(q);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_QUERY, &h, 0));
	max = IORING_RESTRICTION_LAST + q.nr_register_opcodes + q.nr_request_opcodes;
	e = calloc(max + 1, sizeof(*e));
	ASSERT_NE(NULL, e);
	/* entries may repeat: NOP allowed max + 1 times */
	for (unsigned int i = 0; i <= max; i++)
		e[i] = res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP);
	ASSERT_RES(-EINVAL, restrict_to(&self->r, e, max + 1));
	ASSERT_RES(0, restrict_to(&self->r, e, max));
	free(e);
}

TEST_F(restrictions, empty_list_allows_nothing)
{
	struct io_uring_restriction none;

	memset(&none, 0, sizeof(none));
	ASSERT_RES(0, restrict_to(&self->r, &none, 0));
	ASSERT_RES(-EBUSY, restrict_to(&self->r, &none, 0));
	ASSERT_RES(0, enable(&self->r));
	ASSERT_RES(-EACCES, nop(&self->r));
	ASSERT_RES(-EACCES, iou_register(&self->r, IORING_REGISTER_PERSONALITY, NULL, 0));
	ASSERT_RES(-EACCES, enable(&self->r));
}

TEST_F(restrictions, enable_with_arguments_fails_einval)
{
	int dummy = 0;

	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, &dummy, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 1));
	/* still disabled */
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_RES(-EBADFD, iou_submit(&self->r));
}

TEST_HARNESS_MAIN
