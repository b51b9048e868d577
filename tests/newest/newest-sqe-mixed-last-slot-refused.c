// SPDX-License-Identifier: GPL-2.0
/*
 * A 128-byte SQE of an IORING_SETUP_SQE_MIXED ring cannot start in the
 * last physical slot of the SQE array: its second half would lie past the
 * array.  The kernel refuses it with -EINVAL, whatever logical SQ position
 * points there:
 *  - the SQ position and the slot both last (NO_SQARRAY, and identity
 *    SQ array): -EINVAL, one entry consumed;
 *  - the SQ array sending the first logical entry to the last slot:
 *    6.19 to 6.19.8 checked the logical position, accepted the request
 *    and read past the SQE array (6f02c6b19603, CVE-2026-43442);
 *  - /proc/<pid>/fdinfo of such a ring with that entry pending names it
 *    "corrupted sqe, wrapping 128B entry" and stops; 6.19 to 6.19.10
 *    read the second half past the array (5170efd9c344, CVE-2026-31484).
 * Shown to pass on 7.3.4 (QEMU guest).  Not yet shown to fail: Debian's
 * 6.19.6, inside both ranges, did not boot under TCG here (IO-APIC timer
 * check, a loaded host); the ranges are the fixes' stable releases.
 */
#include "iou.h"
#include "iou_fdinfo.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_NOP128),
	     .setup_flags = IORING_SETUP_SQE_MIXED,
	     .fixes = IOU_FIXES(
		IOU_FIX("6f02c6b19603", "CVE-2026-43442", "*.sq_array_sends_first_entry_to_last_slot",
			"io_uring: fix physical SQE bounds check for SQE_MIXED 128-byte ops"),
		IOU_FIX("5170efd9c344", "CVE-2026-31484", "*.fdinfo_names_the_wrapping_entry",
			"io_uring/fdinfo: fix OOB read in SQE_MIXED wrap check")),
	     .unsafe = "an unfixed kernel reads past the SQE array");

#define ENTRIES	4

FIXTURE(last) {
	struct iou_ring r;
};

FIXTURE_VARIANT(last) {
	unsigned int setup_flags;
};

FIXTURE_VARIANT_ADD(last, sq_array) {
	.setup_flags = IORING_SETUP_SQE_MIXED,
};

FIXTURE_VARIANT_ADD(last, no_sqarray) {
	.setup_flags = IORING_SETUP_SQE_MIXED | IORING_SETUP_NO_SQARRAY,
};

FIXTURE_SETUP(last)
{
	REQUIRE_SETUP_FLAGS(variant->setup_flags);
	ASSERT_RES(0, iou_ring_init(&self->r, ENTRIES, variant->setup_flags));
	ASSERT_EQ(variant->setup_flags, self->r.params.flags);
	ASSERT_EQ(ENTRIES, self->r.sq_entries);
	ASSERT_EQ(!(variant->setup_flags & IORING_SETUP_NO_SQARRAY), self->r.sq_array != NULL);
}

FIXTURE_TEARDOWN(last)
{
	iou_ring_exit(&self->r);
}

/* NOPs until the next SQE handed out is the last slot of the array */
static void advance_to_last_slot(struct __test_metadata *_metadata, struct iou_ring *r)
{
	for (unsigned int i = 0; i < ENTRIES - 1; i++)
		iou_queue_nop(r, 0x100 + i, 0);
	ASSERT_EQ(ENTRIES - 1, iou_submit(r));
	IOU_EXPECT_CQES(r, IOU_CQE(0x100, 0), IOU_CQE(0x101, 0), IOU_CQE(0x102, 0));
}

TEST_F(last, nop128_in_the_last_slot_is_einval)
{
	struct io_uring_sqe *sqe;

	advance_to_last_slot(_metadata, &self->r);
	sqe = iou_get_sqe(&self->r);
	ASSERT_EQ(&self->r.sqes[ENTRIES - 1], sqe);
	iou_prep_nop(sqe, 0x1a57);
	sqe->opcode = IORING_OP_NOP128;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x1a57, -EINVAL));
	/* the ring goes on: the slot after it is the first again */
	iou_queue_nop(&self->r, 0x1a58, 0);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x1a58, 0));
}

TEST(sq_array_sends_first_entry_to_last_slot)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;

	ASSERT_RES(0, iou_ring_init(&r, ENTRIES, IORING_SETUP_SQE_MIXED));
	ASSERT_NE(NULL, r.sq_array);
	/* logical entry 0 (a fresh ring), physical slot ENTRIES - 1 */
	sqe = iou_get_sqe(&r);
	ASSERT_EQ(&r.sqes[0], sqe);
	r.sq_array[0] = ENTRIES - 1;
	sqe = &r.sqes[ENTRIES - 1];
	iou_prep_nop(sqe, 0xa77a);
	sqe->opcode = IORING_OP_NOP128;
	ASSERT_EQ(1, iou_submit(&r));
	IOU_EXPECT_CQES(&r, IOU_CQE(0xa77a, -EINVAL));
	ASSERT_EQ(0, iou_load_acquire(r.sq_kdropped));
	iou_ring_exit(&r);
}

TEST_F(last, fdinfo_names_the_wrapping_entry)
{
	struct io_uring_sqe *sqe;
	char buf[8192], line[64];
	long long n;

	advance_to_last_slot(_metadata, &self->r);
	sqe = iou_get_sqe(&self->r);
	ASSERT_EQ(&self->r.sqes[ENTRIES - 1], sqe);
	iou_prep_nop(sqe, 0xfd1);
	sqe->opcode = IORING_OP_NOP128;
	/* published, not submitted */
	ASSERT_EQ(1, iou_sq_flush(&self->r));
	ASSERT_LT(0, iou_fdinfo_read(self->r.fd, buf, sizeof(buf)));
	ASSERT_TRUE(iou_fdinfo_value(buf, "SQEs", &n));
	ASSERT_EQ(1, n);
	snprintf(line, sizeof(line), "%5u: corrupted sqe, wrapping 128B entry\n", ENTRIES - 1);
	if (!strstr(buf, line))
		TH_LOG("fdinfo:\n%s", buf);
	ASSERT_NE(NULL, strstr(buf, line));
}

TEST_HARNESS_MAIN
