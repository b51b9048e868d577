// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_SEND_MSG_RING sends an IORING_OP_MSG_RING (IORING_MSG_DATA)
 * without a source ring: io_uring_register(-1, ...) with the SQE as the
 * argument posts {user_data = sqe->off, res = sqe->len} on the target ring
 * (flags too with IORING_MSG_RING_FLAGS_PASS) and returns 0.  Only fd -1
 * is accepted (a ring fd is EINVAL); nr_args must be 1 and the SQE
 * non-NULL (EINVAL), readable (EFAULT), with no SQE flags and opcode
 * MSG_RING (EINVAL); MSG_SEND_FD is EINVAL (no source file table); the
 * target must be an open (EBADF) io_uring (EBADFD) that is enabled
 * (EBADFD).
 */
#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(msg_ring) {
	struct iou_ring target;
};

FIXTURE_VARIANT(msg_ring) {
	unsigned int target_flags;
};

FIXTURE_VARIANT_ADD(msg_ring, plain_target) { .target_flags = 0 };
FIXTURE_VARIANT_ADD(msg_ring, defer_taskrun_target) {
	.target_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };

FIXTURE_SETUP(msg_ring)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_SEND_MSG_RING);
	if (variant->target_flags)
		REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	ASSERT_EQ(0, iou_ring_init(&self->target, 4, variant->target_flags));
	ASSERT_MODE_PROVEN(&self->target);
}

FIXTURE_TEARDOWN(msg_ring)
{
	iou_ring_exit(&self->target);
}

static void msg_sqe(struct io_uring_sqe *sqe, int fd, unsigned int len, __u64 data)
{
	memset(sqe, 0, sizeof(*sqe));
	iou_prep_msg_ring(sqe, fd, len, data, 0);
}

static int send_msg(struct io_uring_sqe *sqe)
{
	int ret = sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, sqe, 1);

	return ret < 0 ? -errno : ret;
}

TEST_F(msg_ring, posts_cqe_on_target)
{
	struct io_uring_sqe sqe;
	struct iou_cqe cqe;

	msg_sqe(&sqe, self->target.fd, 0x1234, 0xfeedbeefcafeULL);
	ASSERT_RES(0, send_msg(&sqe));
	ASSERT_EQ(1, iou_reap(&self->target, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0xfeedbeefcafeULL, cqe.user_data);
	ASSERT_RES(0x1234, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(msg_ring, several_messages_arrive_in_order)
{
	struct io_uring_sqe sqe;
	struct iou_cqe cqe[3];

	for (unsigned int i = 0; i < 3; i++) {
		msg_sqe(&sqe, self->target.fd, i, 100 + i);
		ASSERT_RES(0, send_msg(&sqe));
	}
	ASSERT_EQ(3, iou_reap(&self->target, cqe, 3, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(100 + i, cqe[i].user_data);
		ASSERT_RES((int)i, cqe[i].res);
	}
}

TEST_F(msg_ring, flags_pass_sets_cqe_flags)
{
	struct io_uring_sqe sqe;
	struct iou_cqe cqe;

	memset(&sqe, 0, sizeof(sqe));
	iou_prep_msg_ring_cqe_flags(&sqe, self->target.fd, 5, 6, 0, 0x4000 << 16);
	ASSERT_RES(0, send_msg(&sqe));
	ASSERT_EQ(1, iou_reap(&self->target, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(6, cqe.user_data);
	ASSERT_RES(5, cqe.res);
	ASSERT_EQ(0x4000U << 16, cqe.flags);
}

TEST_F(msg_ring, ring_fd_instead_of_minus_one_is_einval)
{
	struct io_uring_sqe sqe;

	msg_sqe(&sqe, self->target.fd, 1, 1);
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(self->target.fd,
			IORING_REGISTER_SEND_MSG_RING, &sqe, 1));
	ASSERT_EQ(0, iou_cq_ready(&self->target));
}

TEST_F(msg_ring, nr_args_other_than_one_is_einval)
{
	struct io_uring_sqe sqe;

	msg_sqe(&sqe, self->target.fd, 1, 1);
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, &sqe, 0));
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, &sqe, 2));
	ASSERT_EQ(0, iou_cq_ready(&self->target));
}

TEST_F(msg_ring, null_is_einval_and_faulting_sqe_efault)
{
	ASSERT_SYSERR(EINVAL, sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING, NULL, 1));
	ASSERT_SYSERR(EFAULT, sys_io_uring_register(-1, IORING_REGISTER_SEND_MSG_RING,
						    iou_fault_ptr(), 1));
}

TEST_F(msg_ring, sqe_flags_are_einval)
{
	struct io_uring_sqe sqe;

	msg_sqe(&sqe, self->target.fd, 1, 1);
	sqe.flags = IOSQE_FIXED_FILE;
	ASSERT_RES(-EINVAL, send_msg(&sqe));
	sqe.flags = IOSQE_IO_LINK;
	ASSERT_RES(-EINVAL, send_msg(&sqe));
	ASSERT_EQ(0, iou_cq_ready(&self->target));
}

TEST_F(msg_ring, other_opcode_is_einval)
{
	struct io_uring_sqe sqe;

	msg_sqe(&sqe, self->target.fd, 1, 1);
	sqe.opcode = IORING_OP_NOP;
	ASSERT_RES(-EINVAL, send_msg(&sqe));
}

TEST_F(msg_ring, send_fd_is_einval)
{
	struct io_uring_sqe sqe;

	memset(&sqe, 0, sizeof(sqe));
	iou_prep_msg_ring_fd(&sqe, self->target.fd, 0, 0, 1, 0);
	ASSERT_RES(-EINVAL, send_msg(&sqe));
}

TEST_F(msg_ring, unknown_msg_ring_flag_is_einval)
{
	struct io_uring_sqe sqe;

	msg_sqe(&sqe, self->target.fd, 1, 1);
	sqe.msg_ring_flags = 1U << 7;
	ASSERT_RES(-EINVAL, send_msg(&sqe));
}

TEST_F(msg_ring, closed_target_is_ebadf)
{
	struct io_uring_sqe sqe;
	int fd = dup(0);

	ASSERT_LE(0, fd);
	close(fd);
	msg_sqe(&sqe, fd, 1, 1);
	ASSERT_RES(-EBADF, send_msg(&sqe));
}

TEST_F(msg_ring, non_ring_target_is_ebadfd)
{
	struct io_uring_sqe sqe;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	msg_sqe(&sqe, fd, 1, 1);
	ASSERT_RES(-EBADFD, send_msg(&sqe));
	close(fd);
}

TEST_F(msg_ring, disabled_target_is_ebadfd)
{
	struct io_uring_sqe sqe;
	struct iou_ring dis;
	struct iou_cqe cqe;

	REQUIRE_SETUP_FLAG(IORING_SETUP_R_DISABLED);
	ASSERT_EQ(0, iou_ring_init(&dis, 4, IORING_SETUP_R_DISABLED));
	msg_sqe(&sqe, dis.fd, 1, 1);
	ASSERT_RES(-EBADFD, send_msg(&sqe));
	ASSERT_RES(0, iou_register(&dis, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	ASSERT_RES(0, send_msg(&sqe));
	ASSERT_EQ(1, iou_reap(&dis, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(1, cqe.user_data);
	iou_ring_exit(&dis);
}

TEST_HARNESS_MAIN
