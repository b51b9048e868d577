// SPDX-License-Identifier: GPL-2.0
/*
 * Every SQE field WAITID does not use, set non-zero in turn on a request
 * that completes without it (pid 1, never our child: -ECHILD): refused at
 * prep with -EINVAL (io_waitid_prep(): addr, buf_index, addr3,
 * waitid_flags), the same in 6.7, 6.12 and 7.3; ioprio is refused before
 * prep (no .ioprio in its table entry).
 */
#include <sys/wait.h>

#include "iou_twin.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_WAITID));

FIXTURE(reserved) {
	struct iou_ring r;
	siginfo_t si;
};

FIXTURE_VARIANT(reserved) {
	struct iou_sqe_field field;
};

#define RSV(f)	FIXTURE_VARIANT_ADD(reserved, f) { .field = IOU_SQE_FIELD(f) }

RSV(addr);
RSV(buf_index);
RSV(addr3);
RSV(waitid_flags);
RSV(ioprio);

FIXTURE_SETUP(reserved)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(reserved)
{
	iou_ring_exit(&self->r);
}

TEST_F(reserved, refused)
{
	struct io_uring_sqe base;

	memset(&base, 0, sizeof(base));
	iou_prep_waitid(&base, P_PID, 1, &self->si, WEXITED, 0);
	iou_rsv_check_sqe(_metadata, &self->r, &base, &variant->field, true);
}

TEST_HARNESS_MAIN
