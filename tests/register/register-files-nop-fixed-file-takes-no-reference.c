// SPDX-License-Identifier: GPL-2.0
/*
 * A NOP with IORING_NOP_FILE (6.13) resolves sqe->fd like any request
 * with a file: through the registered file table when IOSQE_FIXED_FILE
 * (or IORING_NOP_FIXED_FILE) is set, an empty slot giving -EBADF, and
 * the table's file is used without a reference of the request's own.
 *
 * Before 2564ca2e31bd the NOP looked at its own IORING_NOP_FIXED_FILE
 * only: with IOSQE_FIXED_FILE it took sqe->fd as a normal descriptor,
 * took a reference on that file (res 0 even for an empty slot), and the
 * completion, seeing a fixed-file request, never dropped it.  Here the
 * slot index is also an open descriptor, the only read end of a pipe:
 * after the NOP and close() that read end must be gone (the write end
 * reports POLLERR); a leaked reference keeps it alive for the life of
 * the process.  Those kernels also complete a NOP whose file lookup
 * failed with res 0 (seen on 6.18.5 and 6.19.6), so an empty slot named
 * through IORING_NOP_FIXED_FILE is not -EBADF there either (fixed by
 * 7.0 and 6.18.44; that commit is not identified).
 *
 * Proven (make vm-test, Debian kernels): FAIL on 6.19.6 (the slot's
 * descriptor stays referenced, res 0 for empty slots) and 7.0.13 (the
 * leak and res 0 through IOSQE_FIXED_FILE); pass on 7.2.13 and 6.18.44.
 */
#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("2564ca2e31bd", "CVE-2026-64426", "",
			"io_uring/nop: fix file reference leak with IOSQE_FIXED_FILE")));

#define SLOT	20	/* a table index that is also an open descriptor */
#define TABLE	32
#define UD	0x2564000000000001ULL

FIXTURE(nopfile) {
	struct iou_ring r;
	int a[2];	/* its read end goes into the table */
	int b_w;	/* write end of the pipe whose read end is fd SLOT */
};

FIXTURE_SETUP(nopfile)
{
	struct io_uring_sqe *sqe;
	int b[2], res;

	self->a[0] = self->a[1] = self->b_w = -1;
	REQUIRE_RSRC_SPARSE();
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_EQ(0, pipe(self->a));
	/*
	 * Before 6.13 NOP knows no IORING_NOP_FILE: EINVAL.  Probed with an
	 * open descriptor: kernels before the fix complete a NOP whose file
	 * lookup failed with res 0 all the same.
	 */
	iou_prep_nop(sqe = iou_get_sqe(&self->r), 1);
	sqe->nop_flags = IORING_NOP_FILE;
	sqe->fd = self->a[0];
	res = iou_run_one(&self->r, NULL);
	IOU_REQUIRE(iou_have_by_result(res, 0, IOU_V(6, 13), "IORING_NOP_FILE",
				       __why, sizeof(__why)));
	ASSERT_EQ(0, pipe(b));
	ASSERT_EQ(SLOT, dup2(b[0], SLOT));
	close(b[0]);
	self->b_w = b[1];
	ASSERT_EQ(0, iou_register_files2(&self->r, NULL, NULL, TABLE,
					 IORING_RSRC_REGISTER_SPARSE));
}

FIXTURE_TEARDOWN(nopfile)
{
	if (self->b_w >= 0) {
		close(SLOT);
		close(self->b_w);
	}
	if (self->a[0] >= 0) {
		close(self->a[0]);
		close(self->a[1]);
	}
	iou_ring_exit(&self->r);
}

static int nop_file(struct iou_ring *r, int fd, __u8 sqe_flags, unsigned int nop_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe;
	int res;

	iou_prep_nop(sqe, UD);
	sqe->nop_flags = IORING_NOP_FILE | nop_flags;
	sqe->fd = fd;
	sqe->flags = sqe_flags;
	res = iou_run_one(r, &cqe);
	if (res >= 0 && cqe.user_data != UD)
		return -EPROTO;
	return res;
}

/* the descriptor SLOT was not taken by the NOP: closing it frees the pipe end */
static bool slot_fd_released(int b_w)
{
	close(SLOT);
	return iou_wait_pipe_reader_gone(b_w, IOU_WAIT_MS);
}

TEST_F(nopfile, iosqe_fixed_file_reads_the_table_slot)
{
	ASSERT_EQ(1, iou_register_files_update(&self->r, SLOT, &self->a[0], 1));
	ASSERT_EQ(0, nop_file(&self->r, SLOT, IOSQE_FIXED_FILE, 0));
	ASSERT_TRUE(slot_fd_released(self->b_w));
	/* the table still holds the other pipe's read end */
	ASSERT_TRUE(iou_pipe_reader_held(self->a[1]));
}

TEST_F(nopfile, iosqe_fixed_file_on_an_empty_slot_is_ebadf)
{
	ASSERT_RES(-EBADF, nop_file(&self->r, SLOT, IOSQE_FIXED_FILE, 0));
	ASSERT_TRUE(slot_fd_released(self->b_w));
}

TEST_F(nopfile, nop_fixed_file_flag_reads_the_table_slot)
{
	ASSERT_EQ(1, iou_register_files_update(&self->r, SLOT, &self->a[0], 1));
	ASSERT_EQ(0, nop_file(&self->r, SLOT, 0, IORING_NOP_FIXED_FILE));
	ASSERT_RES(-EBADF, nop_file(&self->r, SLOT + 1, 0, IORING_NOP_FIXED_FILE));
	ASSERT_TRUE(slot_fd_released(self->b_w));
}

TEST_F(nopfile, plain_descriptor_reference_is_dropped_at_completion)
{
	ASSERT_EQ(0, nop_file(&self->r, SLOT, 0, 0));
	ASSERT_TRUE(slot_fd_released(self->b_w));
}

TEST_HARNESS_MAIN
