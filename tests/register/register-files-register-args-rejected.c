// SPDX-License-Identifier: GPL-2.0
/*
 * What IORING_REGISTER_FILES, IORING_REGISTER_FILES2 and
 * IORING_UNREGISTER_FILES refuse, each with its own errno:
 *  - nr_args 0 (EINVAL), a NULL or unreadable fd array (EFAULT), more
 *    than 2^20 files (EMFILE, checked before the array is read);
 *  - an fd that is not open, the ring's own fd or another io_uring fd
 *    (EBADF: rings cannot be registered, which would let a ring hold a
 *    reference to itself);
 *  - a second registration (EBUSY); unregistering with an argument
 *    (EINVAL) or with nothing registered (ENXIO);
 *  - FILES2: an argument size other than the struct, nr 0, non-zero
 *    resv2 or an unknown flag (EINVAL), SPARSE together with an fd array
 *    (EINVAL), an unreadable tag array (EFAULT), a tag on a -1 slot
 *    (EINVAL).
 * A registration that fails part way leaves no table and no reference
 * behind.
 */
#include "iou.h"
#include "iou_rsrc.h"

FIXTURE(file_args) {
	struct iou_ring r;
	int fd[2];		/* two ordinary open files */
};

FIXTURE_SETUP(file_args)
{
	self->fd[0] = self->fd[1] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->fd[0] = iou_scratch_file("a", 4096, 0);
	self->fd[1] = iou_scratch_file("b", 4096, 0);
	ASSERT_LE(0, self->fd[0]);
	ASSERT_LE(0, self->fd[1]);
}

FIXTURE_TEARDOWN(file_args)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
}

static int unregister(struct iou_ring *r)
{
	return iou_register(r, IORING_UNREGISTER_FILES, NULL, 0);
}

TEST_F(file_args, nr_args_zero_fails_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILES, self->fd, 0));
}

TEST_F(file_args, null_fd_array_fails_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_FILES, NULL, 1));
}

TEST_F(file_args, unreadable_fd_array_fails_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_FILES,
					 iou_fault_ptr(), 1));
	ASSERT_RES(-ENXIO, unregister(&self->r));
}

TEST_F(file_args, more_than_2_pow_20_files_fail_emfile)
{
	/* refused on the count: the one-entry array is never read past */
	ASSERT_RES(-EMFILE, iou_register(&self->r, IORING_REGISTER_FILES, self->fd,
					 IOU_MAX_FIXED_FILES + 1));
}

TEST_F(file_args, closed_fd_fails_ebadf)
{
	int fds[2] = { self->fd[0], dup(self->fd[1]) };

	ASSERT_LE(0, fds[1]);
	close(fds[1]);
	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_FILES, fds, 2));
	ASSERT_RES(-ENXIO, unregister(&self->r));
}

TEST_F(file_args, ring_fds_fail_ebadf)
{
	struct iou_ring other;
	int fds[1];

	fds[0] = self->r.fd;
	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_FILES, fds, 1));
	ASSERT_EQ(0, iou_ring_init(&other, 2, 0));
	fds[0] = other.fd;
	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_FILES, fds, 1));
	iou_ring_exit(&other);
	ASSERT_RES(-ENXIO, unregister(&self->r));
}

TEST_F(file_args, skip_value_is_not_an_fd_at_registration)
{
	int fds[1] = { IORING_REGISTER_FILES_SKIP };

	/* -2 means "leave the slot" to updates only; here it is a bad fd */
	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_FILES, fds, 1));
}

TEST_F(file_args, second_registration_fails_ebusy)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, self->fd, 2));
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_FILES, self->fd, 1));
	ASSERT_RES(0, unregister(&self->r));
	ASSERT_RES(-ENXIO, unregister(&self->r));
}

TEST_F(file_args, unregister_with_nothing_registered_fails_enxio)
{
	ASSERT_RES(-ENXIO, unregister(&self->r));
}

TEST_F(file_args, unregister_with_argument_fails_einval)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, self->fd, 2));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_FILES, self->fd, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 2));
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_FILES, self->fd, 1));
}

TEST_F(file_args, failed_registration_leaves_no_reference)
{
	int pfd[2], fds[2];
	char c;

	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC | O_NONBLOCK));
	fds[0] = pfd[1];
	fds[1] = self->r.fd;		/* refused: unwinds fds[0] */
	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_FILES, fds, 2));
	close(pfd[1]);
	/* nothing holds the write end: the reader sees end of file */
	ASSERT_EQ(0, read(pfd[0], &c, 1));
	close(pfd[0]);
	ASSERT_RES(-ENXIO, unregister(&self->r));
}

/* ---- IORING_REGISTER_FILES2 ----------------------------------------- */

TEST_F(file_args, files2_bad_struct_fields_fail_einval)
{
	struct io_uring_rsrc_register rr;

	REQUIRE_REGISTER_OP(IORING_REGISTER_FILES2);
	memset(&rr, 0, sizeof(rr));
	rr.nr = 2;
	rr.data = (__u64)(uintptr_t)self->fd;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILES2, &rr,
					 sizeof(rr) - 8));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILES2, &rr,
					 sizeof(rr) + 8));
	rr.resv2 = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.resv2 = 0;
	rr.flags = 1U << 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.flags = 0;
	rr.nr = 0;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
	rr.nr = 2;
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES2, &rr, sizeof(rr)));
}

TEST_F(file_args, files2_sparse_with_fd_array_fails_einval)
{
	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(-EINVAL, iou_register_files2(&self->r, self->fd, NULL, 2,
					  IORING_RSRC_REGISTER_SPARSE));
}

TEST_F(file_args, files2_unreadable_tags_fail_efault)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_FILES2);
	ASSERT_RES(-EFAULT, iou_register_files2(&self->r, self->fd, iou_fault_ptr(), 2, 0));
	ASSERT_RES(-ENXIO, unregister(&self->r));
}

TEST_F(file_args, files2_unreadable_argument_fails_efault)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_FILES2);
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_FILES2,
					 iou_fault_ptr(),
					 sizeof(struct io_uring_rsrc_register)));
}

TEST_F(file_args, files2_tag_on_empty_slot_fails_einval)
{
	int fds[2] = { self->fd[0], -1 };
	__u64 tags[2] = { 0, 0x99 };

	REQUIRE_REGISTER_OP(IORING_REGISTER_FILES2);
	ASSERT_RES(-EINVAL, iou_register_files2(&self->r, fds, tags, 2, 0));
	ASSERT_RES(-ENXIO, unregister(&self->r));
	EXPECT_EQ(0, iou_reap_quiet(&self->r, 50, NULL));
}

TEST_F(file_args, files2_more_than_2_pow_20_files_fail_emfile)
{
	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(-EMFILE, iou_register_files2(&self->r, NULL, NULL, IOU_MAX_FIXED_FILES + 1,
					  IORING_RSRC_REGISTER_SPARSE));
}

TEST_HARNESS_MAIN
