// SPDX-License-Identifier: GPL-2.0
/*
 * SQE fields the read/write opcodes do not use, set non-zero in turn on
 * an otherwise valid request.  io_prep_rw() checks none of the old ones:
 * splice_fd_in and addr3 are ignored on every kernel.  Since 6.14
 * (IORING_FEAT_RW_ATTR) the last 16 bytes carry attributes: an
 * attr_type_mask with a bit other than IORING_RW_ATTR_FLAG_PI is refused
 * with -EINVAL; a kernel without the feature bit ignores it, so the
 * expectation follows the feature, not the version.
 */
#define IOU_RSV_FIXTURE
#include "iou_twin.h"
#include "iou_rsrc.h"

/* the program's own rule: refused where the kernel reads attributes */
#define REFUSED_WITH_RW_ATTR	1

#define RSV_ATTR(op)							\
	FIXTURE_VARIANT_ADD(reserved, op##_unknown_attribute) {		\
		.opcode = IORING_OP_##op, .field = IOU_SQE_FIELD_V(attr_type_mask, 2), \
		.rule = REFUSED_WITH_RW_ATTR				\
	}

IOU_RSV(READ, splice_fd_in, false);
IOU_RSV(READ, addr3, false);
RSV_ATTR(READ);
IOU_RSV(WRITE, splice_fd_in, false);
RSV_ATTR(WRITE);
IOU_RSV(READV, splice_fd_in, false);
RSV_ATTR(READV);
IOU_RSV(WRITEV, addr3, false);
RSV_ATTR(WRITEV);
IOU_RSV(READ_FIXED, splice_fd_in, false);
RSV_ATTR(READ_FIXED);
IOU_RSV(WRITE_FIXED, addr3, false);
RSV_ATTR(WRITE_FIXED);
RSV_ATTR(READV_FIXED);
RSV_ATTR(WRITEV_FIXED);

static struct iovec iov;

static int setup(struct iou_twin_run *s, int opcode)
{
	struct iovec buf = { s->buf, IOU_TWIN_BUF };
	int ret = iou_twin_fd(s, 0, IOU_FD_FILE);

	iov = (struct iovec){ s->buf, 4096 };
	return ret ? ret : iou_register(s->ring, IORING_REGISTER_BUFFERS, &buf, 1);
}

static void prep(struct iou_twin_run *s, int opcode, struct io_uring_sqe *sqe)
{
	bool vec = opcode == IORING_OP_READV || opcode == IORING_OP_WRITEV ||
		   opcode == IORING_OP_READV_FIXED || opcode == IORING_OP_WRITEV_FIXED;

	if (vec)
		iou_prep_rw(sqe, opcode, s->use[0], &iov, 1, 0);
	else
		iou_prep_rw(sqe, opcode, s->use[0], s->buf, 4096, 0);
}

static void done(struct iou_twin_run *s, int opcode, int res)
{
	iou_register(s->ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
}

TEST_F(reserved, field_refused_or_ignored)
{
	struct iou_rsv_ops ops = { .setup = setup, .prep = prep, .done = done };
	bool refused = variant->refused ||
		       (variant->rule == REFUSED_WITH_RW_ATTR &&
			(iou_features() & IORING_FEAT_RW_ATTR));

	iou_rsv_check(_metadata, &self->r, &ops, variant->opcode, &variant->field, refused);
}

TEST_HARNESS_MAIN
