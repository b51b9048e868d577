// SPDX-License-Identifier: GPL-2.0
/*
 * SPLICE and TEE through registered files: SPLICE_F_FD_IN_FIXED makes
 * splice_fd_in a slot of the table, IOSQE_FIXED_FILE does the same for
 * the output descriptor, and either or both ends may be fixed.  The data
 * moves as with the normal descriptors; an empty slot or one past the
 * table is -EBADF, whichever end it is.
 */
#include "iou.h"
#include "iou_rsrc.h"

/* slots: 0 the file, 1 and 2 pipe p's ends, 3 pipe q's write end, 4 empty */
FIXTURE(fixsp) {
	struct iou_ring r;
	int file, p[2], q[2];
};

FIXTURE_VARIANT(fixsp) {
	bool in_fixed, out_fixed;
};

FIXTURE_VARIANT_ADD(fixsp, input_fixed) { .in_fixed = true };
FIXTURE_VARIANT_ADD(fixsp, output_fixed) { .out_fixed = true };
FIXTURE_VARIANT_ADD(fixsp, both_fixed) { .in_fixed = true, .out_fixed = true };

FIXTURE_SETUP(fixsp)
{
	int fds[5];

	self->file = self->p[0] = self->p[1] = self->q[0] = self->q[1] = -1;
	REQUIRE_OPCODE(IORING_OP_SPLICE);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->file = iou_scratch_file("file", 8192, 0);
	ASSERT_LE(0, self->file);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->q, O_CLOEXEC));
	fds[0] = self->file;
	fds[1] = self->p[0];
	fds[2] = self->p[1];
	fds[3] = self->q[1];
	fds[4] = -1;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 5));
}

FIXTURE_TEARDOWN(fixsp)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++) {
		if (self->p[i] >= 0)
			close(self->p[i]);
		if (self->q[i] >= 0)
			close(self->q[i]);
	}
	if (self->file >= 0)
		close(self->file);
}

/* splice in -> out: each is a slot if its end is fixed, else the fd */
static int run_splice(struct iou_ring *r, const FIXTURE_VARIANT(fixsp) *v, int in_slot,
		      int in_fd, __s64 off_in, int out_slot, int out_fd, unsigned int len)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_splice(sqe, v->in_fixed ? in_slot : in_fd, off_in,
			v->out_fixed ? out_slot : out_fd, -1, len,
			v->in_fixed ? SPLICE_F_FD_IN_FIXED : 0);
	if (v->out_fixed)
		sqe->flags = IOSQE_FIXED_FILE;
	return iou_run_one(r, NULL);
}

TEST_F(fixsp, splice_file_into_pipe)
{
	unsigned char buf[4096];

	ASSERT_RES(4096, run_splice(&self->r, variant, 0, self->file, 4096, 2, self->p[1], 4096));
	ASSERT_EQ(4096, read(self->p[0], buf, sizeof(buf)));
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 4096));
}

TEST_F(fixsp, splice_pipe_into_pipe)
{
	char buf[8];

	ASSERT_EQ(5, write(self->p[1], "hello", 5));
	ASSERT_RES(5, run_splice(&self->r, variant, 1, self->p[0], -1, 3, self->q[1], 5));
	ASSERT_EQ(5, read(self->q[0], buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_TRUE(iou_fd_empty(self->p[0]));
}

TEST_F(fixsp, empty_slot_is_ebadf)
{
	ASSERT_RES(-EBADF, run_splice(&self->r, variant, 4, -1, 0, 4, -1, 4096));
}

TEST_F(fixsp, slot_past_the_table_is_ebadf)
{
	ASSERT_RES(-EBADF, run_splice(&self->r, variant, 9, 1 << 20, 0, 9, 1 << 20, 4096));
}

TEST_F(fixsp, tee_between_pipes)
{
	struct io_uring_sqe *sqe;
	char buf[8];

	REQUIRE_OPCODE(IORING_OP_TEE);
	ASSERT_EQ(4, write(self->p[1], "data", 4));
	sqe = iou_get_sqe(&self->r);
	iou_prep_tee(sqe, variant->in_fixed ? 1 : self->p[0], variant->out_fixed ? 3 : self->q[1],
		     4, variant->in_fixed ? SPLICE_F_FD_IN_FIXED : 0);
	if (variant->out_fixed)
		sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(4, iou_run_one(&self->r, NULL));
	ASSERT_EQ(4, read(self->q[0], buf, sizeof(buf)));
	/* tee leaves the source its data */
	ASSERT_EQ(4, read(self->p[0], buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "data", 4));
}

TEST_HARNESS_MAIN
