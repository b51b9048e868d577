// SPDX-License-Identifier: GPL-2.0
/*
 * Every SQE field a futex opcode does not use, set non-zero in turn on a
 * request that completes without it (FUTEX_WAIT and FUTEX_WAITV on a
 * value that differs: -EAGAIN; FUTEX_WAKE with nobody waiting: 0): the
 * kernel refuses it at prep with -EINVAL (io_futex_prep(): len,
 * futex_flags, buf_index, file_index; io_futexv_prep(): fd, addr2, addr3,
 * futex_flags, buf_index, file_index), the same in 6.7, 6.12 and 7.3.
 * ioprio is refused before prep (no .ioprio in their table entries).
 */
#include "iou_twin.h"
#include "iou_futex.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FUTEX_WAIT, IORING_OP_FUTEX_WAKE,
				IORING_OP_FUTEX_WAITV));

#define U32P	(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)

FIXTURE(reserved) {
	struct iou_ring r;
	uint32_t word;
	struct futex_waitv v;
};

FIXTURE_VARIANT(reserved) {
	int opcode;
	struct iou_sqe_field field;
};

#define RSV(op, f)							\
	FIXTURE_VARIANT_ADD(reserved, op##_##f) {				\
		.opcode = IORING_OP_##op, .field = IOU_SQE_FIELD(f)	\
	}

RSV(FUTEX_WAIT, len);
RSV(FUTEX_WAIT, futex_flags);
RSV(FUTEX_WAIT, buf_index);
RSV(FUTEX_WAIT, file_index);
RSV(FUTEX_WAIT, ioprio);
RSV(FUTEX_WAKE, len);
RSV(FUTEX_WAKE, futex_flags);
RSV(FUTEX_WAKE, buf_index);
RSV(FUTEX_WAKE, file_index);
RSV(FUTEX_WAKE, ioprio);
RSV(FUTEX_WAITV, fd);
RSV(FUTEX_WAITV, addr2);
RSV(FUTEX_WAITV, addr3);
RSV(FUTEX_WAITV, futex_flags);
RSV(FUTEX_WAITV, buf_index);
RSV(FUTEX_WAITV, file_index);
RSV(FUTEX_WAITV, ioprio);

FIXTURE_SETUP(reserved)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->word = 1;
	self->v = (struct futex_waitv){ .val = 0, .uaddr = (__u64)(uintptr_t)&self->word,
					.flags = U32P };
}

FIXTURE_TEARDOWN(reserved)
{
	iou_ring_exit(&self->r);
}

TEST_F(reserved, refused)
{
	struct io_uring_sqe base;

	memset(&base, 0, sizeof(base));
	if (variant->opcode == IORING_OP_FUTEX_WAITV)
		iou_prep_futex_waitv(&base, &self->v, 1, 0);
	else if (variant->opcode == IORING_OP_FUTEX_WAKE)
		iou_prep_futex_wake(&base, &self->word, 1, FUTEX_BITSET_MATCH_ANY, U32P, 0);
	else
		iou_prep_futex_wait(&base, &self->word, 0, FUTEX_BITSET_MATCH_ANY, U32P, 0);
	iou_rsv_check_sqe(_metadata, &self->r, &base, &variant->field, true);
}

TEST_HARNESS_MAIN
