// SPDX-License-Identifier: GPL-2.0
/*
 * Once a ring with registered restrictions is enabled, only what the
 * list allows goes through, and everything else is refused with EACCES:
 *  - an SQE whose opcode is not allowed completes with -EACCES (and,
 *    inside a link, fails the rest of the chain with -ECANCELED);
 *  - an SQE with a flag outside SQE_FLAGS_ALLOWED, or without one of the
 *    SQE_FLAGS_REQUIRED, completes with -EACCES;
 *  - an io_uring_register opcode that is not allowed fails with EACCES,
 *    unregistering and disabling ones included, also through a
 *    registered ring fd;
 * while the allowed opcodes, flags and register opcodes work as usual.
 * Before ENABLE_RINGS nothing is restricted: resources are registered
 * then, and used afterwards.
 */
#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_R_DISABLED);

FIXTURE(enforce) {
	struct iou_ring r;
	int fd;
};

FIXTURE_VARIANT(enforce) {
	bool require_fixed;	/* SQE_FLAGS_REQUIRED = FIXED_FILE */
};

FIXTURE_VARIANT_ADD(enforce, allowed_flags) { .require_fixed = false };
FIXTURE_VARIANT_ADD(enforce, required_fixed_file) { .require_fixed = true };

static struct io_uring_restriction res_entry(unsigned int type, unsigned int val)
{
	struct io_uring_restriction e;

	memset(&e, 0, sizeof(e));
	e.opcode = (__u16)type;
	e.sqe_op = (__u8)val;
	return e;
}

FIXTURE_SETUP(enforce)
{
	struct io_uring_restriction e[8];
	unsigned int n = 0;

	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, IORING_SETUP_R_DISABLED));
	self->fd = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, self->fd);
	/* registered while still unrestricted */
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, &self->fd, 1));

	e[n++] = res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP);
	e[n++] = res_entry(IORING_RESTRICTION_SQE_OP, IORING_OP_READ);
	e[n++] = res_entry(IORING_RESTRICTION_REGISTER_OP, IORING_REGISTER_PROBE);
	/*
	 * RING_FDS (5.18) only where the kernel knows it: a restriction
	 * naming a register opcode at or past IORING_REGISTER_LAST fails
	 * the whole list with EINVAL.
	 */
	if (iou_register_op_supported(IORING_REGISTER_RING_FDS))
		e[n++] = res_entry(IORING_RESTRICTION_REGISTER_OP,
				   IORING_REGISTER_RING_FDS);
	if (variant->require_fixed) {
		e[n++] = res_entry(IORING_RESTRICTION_SQE_FLAGS_REQUIRED, IOSQE_FIXED_FILE);
		e[n++] = res_entry(IORING_RESTRICTION_SQE_FLAGS_ALLOWED, IOSQE_IO_LINK);
	} else {
		e[n++] = res_entry(IORING_RESTRICTION_SQE_FLAGS_ALLOWED,
				   IOSQE_IO_LINK | IOSQE_FIXED_FILE);
	}
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_RESTRICTIONS, e, n));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
}

FIXTURE_TEARDOWN(enforce)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

/* one SQE of op with flags; its CQE res */
static int one(struct iou_ring *r, int op, int fd, void *buf, unsigned int len,
	       unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_rw(sqe, op, fd, buf, len, 0);
	sqe->flags = (__u8)flags;
	sqe->user_data = 0xacce55;
	return iou_run_one(r, NULL);
}

/* the flags every SQE of this variant must carry */
static unsigned int base(const FIXTURE_VARIANT(enforce) *variant)
{
	return variant->require_fixed ? IOSQE_FIXED_FILE : 0;
}

TEST_F(enforce, allowed_opcode_runs)
{
	char buf[16];

	ASSERT_RES(16, one(&self->r, IORING_OP_READ, 0, buf, sizeof(buf),
			   IOSQE_FIXED_FILE));
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 0));
	if (!variant->require_fixed)
		ASSERT_RES(0, one(&self->r, IORING_OP_NOP, -1, NULL, 0, 0));
}

TEST_F(enforce, opcode_not_allowed_fails_eacces)
{
	char buf[16] = "0123456789abcdef";

	ASSERT_RES(-EACCES, one(&self->r, IORING_OP_WRITE, 0, buf, sizeof(buf),
				IOSQE_FIXED_FILE));
	ASSERT_RES(-EACCES, one(&self->r, IORING_OP_READV, 0, buf, 1,
				IOSQE_FIXED_FILE));
	/* the file really was not written */
	ASSERT_EQ(16, pread(self->fd, buf, sizeof(buf), 0));
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 0));
}

TEST_F(enforce, flag_not_allowed_fails_eacces)
{
	char buf[16];

	ASSERT_RES(-EACCES, one(&self->r, IORING_OP_READ, 0, buf, sizeof(buf),
				IOSQE_FIXED_FILE | IOSQE_ASYNC));
	ASSERT_RES(-EACCES, one(&self->r, IORING_OP_NOP, -1, NULL, 0,
				base(variant) | IOSQE_IO_DRAIN));
}

TEST_F(enforce, sqe_without_a_required_flag_fails_eacces)
{
	char buf[16];

	if (!variant->require_fixed) {
		/* no flag required: a plain fd and a flagless NOP pass */
		ASSERT_RES(16, one(&self->r, IORING_OP_READ, self->fd, buf, sizeof(buf), 0));
		ASSERT_RES(0, one(&self->r, IORING_OP_NOP, -1, NULL, 0, 0));
		return;
	}
	ASSERT_RES(-EACCES, one(&self->r, IORING_OP_READ, self->fd, buf, sizeof(buf), 0));
	ASSERT_RES(-EACCES, one(&self->r, IORING_OP_NOP, -1, NULL, 0, IOSQE_IO_LINK));
	/* with it, an allowed opcode passes (a NOP ignores the file index) */
	ASSERT_RES(0, one(&self->r, IORING_OP_NOP, 0, NULL, 0, IOSQE_FIXED_FILE));
}

TEST_F(enforce, denied_link_member_cancels_the_chain)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	char buf[16];

	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, 0, buf, sizeof(buf), 0);
	sqe->flags = IOSQE_FIXED_FILE | IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = iou_get_sqe(&self->r);
	iou_prep_write(sqe, 0, buf, sizeof(buf), 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	for (int i = 0; i < 2; i++) {
		if (cqe[i].user_data == 1)
			ASSERT_RES(-ECANCELED, cqe[i].res);
		else
			ASSERT_RES(-EACCES, cqe[i].res);
	}
	ASSERT_NE(cqe[0].user_data, cqe[1].user_data);
}

TEST_F(enforce, allowed_link_runs)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	char buf[2][8];

	for (int i = 0; i < 2; i++) {
		sqe = iou_get_sqe(&self->r);
		iou_prep_read(sqe, 0, buf[i], 8, 8 * i);
		sqe->flags = IOSQE_FIXED_FILE | (i == 0 ? IOSQE_IO_LINK : 0);
		sqe->user_data = i + 1;
	}
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_EQ(1, cqe[0].user_data);
	ASSERT_RES(8, cqe[0].res);
	ASSERT_EQ(2, cqe[1].user_data);
	ASSERT_RES(8, cqe[1].res);
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 0));
}

TEST_F(enforce, register_opcode_not_allowed_fails_eacces)
{
	struct iovec iov = { &self->fd, sizeof(self->fd) };

	ASSERT_RES(-EACCES, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_RES(-EACCES, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 0));
	ASSERT_RES(-EACCES, iou_register(&self->r, IORING_REGISTER_PERSONALITY, NULL, 0));
	ASSERT_RES(-EACCES, iou_register(&self->r, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	/* the file table survived the refused unregister */
	{
		char buf[4];

		ASSERT_RES(4, one(&self->r, IORING_OP_READ, 0, buf, 4, IOSQE_FIXED_FILE));
	}
}

TEST_F(enforce, allowed_register_opcode_works)
{
	struct io_uring_probe *p = calloc(1, sizeof(*p) + 256 * sizeof(p->ops[0]));

	ASSERT_NE(NULL, p);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, p, 256));
	ASSERT_LT(0, p->last_op);
	free(p);
}

TEST_F(enforce, restrictions_hold_through_a_registered_ring_fd)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_RING_FDS);
	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	/* RING_FDS is allowed here; the index then carries the same rules */
	ASSERT_EQ(0, iou_ring_register_fd(&self->r));
	ASSERT_EQ(IORING_REGISTER_USE_REGISTERED_RING, self->r.register_flags);
	ASSERT_RES(-EACCES, iou_register(&self->r, IORING_REGISTER_PERSONALITY, NULL, 0));
	{
		struct io_uring_probe *p = calloc(1, sizeof(*p) + 8 * sizeof(p->ops[0]));

		ASSERT_NE(NULL, p);
		ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, p, 8));
		free(p);
	}
	{
		char buf[16] = { 0 };

		ASSERT_RES(-EACCES, one(&self->r, IORING_OP_WRITE, 0, buf, sizeof(buf),
					IOSQE_FIXED_FILE));
	}
}

TEST_HARNESS_MAIN
