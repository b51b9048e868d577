// SPDX-License-Identifier: GPL-2.0
/*
 * SQE fields SPLICE and TEE do not use, set non-zero in turn on an
 * otherwise valid request: TEE refuses an offset at either end
 * (io_tee_prep(): off and splice_off_in) with -EINVAL, both refuse
 * ioprio (io_init_req(): their io_issue_def lacks .ioprio), and both
 * ignore addr3 and buf_index; the same in 6.1, 6.12 and 7.3.
 */
#include "iou_twin.h"

FIXTURE(reserved) {
	struct iou_ring r;
};

FIXTURE_VARIANT(reserved) {
	int opcode;
	struct iou_sqe_field field;
	bool refused;
};

#define RSV(op, f, refused_)						\
	FIXTURE_VARIANT_ADD(reserved, op##_##f) {				\
		.opcode = IORING_OP_##op, .field = IOU_SQE_FIELD(f), .refused = (refused_) \
	}

RSV(TEE, off, true);
RSV(TEE, splice_off_in, true);
RSV(TEE, ioprio, true);
RSV(TEE, addr3, false);
RSV(SPLICE, ioprio, true);
RSV(SPLICE, addr3, false);
RSV(SPLICE, buf_index, false);

static int setup(struct iou_twin_run *s, int opcode)
{
	int ret = iou_twin_fd(s, 0, IOU_FD_PIPE_R);

	return ret ? ret : iou_twin_fd(s, 1, IOU_FD_PIPE_W);
}

static void prep(struct iou_twin_run *s, int opcode, struct io_uring_sqe *sqe)
{
	if (opcode == IORING_OP_TEE)
		iou_prep_tee(sqe, s->use[0], s->use[1], 4096, 0);
	else
		iou_prep_splice(sqe, s->use[0], -1, s->use[1], -1, 4096, 0);
}

static const struct iou_rsv_ops ops = { .setup = setup, .prep = prep };

FIXTURE_SETUP(reserved)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(reserved)
{
	iou_ring_exit(&self->r);
}

TEST_F(reserved, field_refused_or_ignored)
{
	REQUIRE_OPCODE(variant->opcode);
	iou_rsv_check(_metadata, &self->r, &ops, variant->opcode, &variant->field,
		      variant->refused);
}

TEST_HARNESS_MAIN
