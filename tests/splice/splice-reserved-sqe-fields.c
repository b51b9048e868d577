// SPDX-License-Identifier: GPL-2.0
/*
 * SQE fields SPLICE and TEE do not use, set non-zero in turn on an
 * otherwise valid request: TEE refuses an offset at either end
 * (io_tee_prep(): off and splice_off_in) with -EINVAL, both refuse
 * ioprio (io_init_req(): their io_issue_def lacks .ioprio), and both
 * ignore addr3 and buf_index; the same in 6.1, 6.12 and 7.3.
 */
#define IOU_RSV_FIXTURE
#include "iou_twin.h"

IOU_RSV(TEE, off, true);
IOU_RSV(TEE, splice_off_in, true);
IOU_RSV(TEE, ioprio, true);
IOU_RSV(TEE, addr3, false);
IOU_RSV(SPLICE, ioprio, true);
IOU_RSV(SPLICE, addr3, false);
IOU_RSV(SPLICE, buf_index, false);

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

TEST_F(reserved, field_refused_or_ignored)
{
	iou_rsv_check(_metadata, &self->r, &ops, variant->opcode, &variant->field,
		      variant->refused);
}

TEST_HARNESS_MAIN
