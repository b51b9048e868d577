// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_MSG_RING with IORING_MSG_DATA posts {user_data = sqe->off,
 * res = (s32)sqe->len, flags 0} on the ring behind sqe->fd and completes
 * the sender with res 0.  IORING_MSG_RING_FLAGS_PASS (6.3) carries
 * sqe->file_index into the target CQE's flags; IOSQE_CQE_SKIP_SUCCESS on
 * the sender leaves only the target's CQE.  Refused, with no target CQE:
 * file_index without FLAGS_PASS, IORING_MSG_RING_CQE_SKIP (it means "no
 * target CQE" and is for IORING_MSG_SEND_FD only: __io_msg_ring_data()
 * allows FLAGS_PASS alone), addr3 (the SEND_FD source slot), buf_index,
 * a personality (even a registered one), an unknown msg_ring_flags bit or command (-EINVAL); an fd that is not a
 * ring (-EBADFD, io_msg_ring()) or not open (-EBADF, the file lookup at
 * submission).  A ring may message itself.  Read from io_uring/msg_ring.c,
 * the same for these rows in 6.12 and 7.3.
 *
 * The target runs in every ring mode: a DEFER_TASKRUN target takes the
 * message as its own task work (io_msg_need_remote()), the others have it
 * posted by the sender.
 */
#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_MSG_RING));

#define SRC_UD		0x5e4d000000000001ULL
#define MSG_UD		0xfeedbeef00c0ffeeULL

FIXTURE(msgdata) {
	struct iou_ring src, dst;
};

FIXTURE_VARIANT(msgdata) {
	unsigned int setup_flags;	/* the target's mode */
};

#define IOU_MODES_FIXTURE msgdata
#include "iou_modes.h"

FIXTURE_SETUP(msgdata)
{
	IOU_RING_INIT_MODE(&self->dst, 8, variant->setup_flags);
	ASSERT_EQ(0, iou_ring_init(&self->src, 8, 0));
}

FIXTURE_TEARDOWN(msgdata)
{
	iou_ring_exit(&self->src);
	iou_ring_exit(&self->dst);
}

static struct io_uring_sqe *msg_sqe(struct iou_ring *src, int fd, unsigned int len,
				    __u64 data, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(src);

	iou_prep_msg_ring(sqe, fd, len, data, flags);
	sqe->user_data = SRC_UD;
	return sqe;
}

TEST_F(msgdata, delivers_len_as_res_and_off_as_user_data)
{
	msg_sqe(&self->src, self->dst.fd, 0x1234, MSG_UD, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(MSG_UD, 0x1234));
	ASSERT_NO_CQE(&self->dst, IOU_QUIET_MS);
}

TEST_F(msgdata, len_is_taken_as_a_signed_res)
{
	/* res is the 32 bits of len: a negative "result" passes through */
	msg_sqe(&self->src, self->dst.fd, (unsigned int)-EIO, 7, 0);
	msg_sqe(&self->src, self->dst.fd, 0x7fffffff, 8, 0);
	msg_sqe(&self->src, self->dst.fd, 0, 0, 0);
	ASSERT_EQ(3, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0), IOU_CQE(SRC_UD, 0),
			IOU_CQE(SRC_UD, 0));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(7, -EIO), IOU_CQE(8, 0x7fffffff),
			IOU_CQE(0, 0));
}

TEST_F(msgdata, flags_pass_carries_file_index_into_cqe_flags)
{
	/* anything but IORING_CQE_F_32, which 7.3 checks against the target */
	const unsigned int cflags = 0xabcd0000u | IORING_CQE_F_MORE | IORING_CQE_F_BUFFER;

	struct io_uring_sqe *sqe = iou_get_sqe(&self->src);

	iou_prep_msg_ring_cqe_flags(sqe, self->dst.fd, 3, MSG_UD, 0, cflags);
	sqe->user_data = SRC_UD;
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE_F(MSG_UD, 3, cflags));
}

TEST_F(msgdata, flags_pass_with_zero_file_index_posts_flags_zero)
{
	msg_sqe(&self->src, self->dst.fd, 4, MSG_UD, IORING_MSG_RING_FLAGS_PASS);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(MSG_UD, 4));
}

TEST_F(msgdata, cqe_skip_success_on_sender_leaves_only_target_cqe)
{
	msg_sqe(&self->src, self->dst.fd, 5, MSG_UD, 0)->flags = IOSQE_CQE_SKIP_SUCCESS;
	iou_queue_nop(&self->src, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(MSG_UD, 5));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(2, 0));
	ASSERT_NO_CQE(&self->src, IOU_QUIET_MS);
}

/* a refused message: the sender's CQE has err, the target sees nothing */
static void expect_refused(struct __test_metadata *_metadata,
			   FIXTURE_DATA(msgdata) *self, int err)
{
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, err));
	ASSERT_NO_CQE(&self->dst, IOU_QUIET_MS);
}

TEST_F(msgdata, file_index_without_flags_pass_is_einval)
{
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, 0)->file_index = 0x10000;
	expect_refused(_metadata, self, -EINVAL);
}

TEST_F(msgdata, target_cqe_skip_is_refused_for_data)
{
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, IORING_MSG_RING_CQE_SKIP);
	expect_refused(_metadata, self, -EINVAL);
}

TEST_F(msgdata, source_slot_in_addr3_is_einval)
{
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, 0)->addr3 = 1;
	expect_refused(_metadata, self, -EINVAL);
}

TEST_F(msgdata, buf_index_is_einval)
{
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, 0)->buf_index = 1;
	expect_refused(_metadata, self, -EINVAL);
}

TEST_F(msgdata, registered_personality_is_einval)
{
	/* io_init_req() takes the id; __io_msg_ring_prep() refuses any */
	int id;

	REQUIRE_REGISTER_OP(IORING_REGISTER_PERSONALITY);
	id = iou_register(&self->src, IORING_REGISTER_PERSONALITY, NULL, 0);
	ASSERT_LE(1, id);
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, 0)->personality = (__u16)id;
	expect_refused(_metadata, self, -EINVAL);
}

TEST_F(msgdata, unknown_msg_ring_flag_is_einval)
{
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, 1u << 2);
	expect_refused(_metadata, self, -EINVAL);
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, 1u << 31);
	expect_refused(_metadata, self, -EINVAL);
}

TEST_F(msgdata, unknown_command_is_einval)
{
	msg_sqe(&self->src, self->dst.fd, 1, MSG_UD, 0)->addr = IORING_MSG_SEND_FD + 1;
	expect_refused(_metadata, self, -EINVAL);
}

TEST_F(msgdata, fd_that_is_not_a_ring_is_ebadfd)
{
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	msg_sqe(&self->src, p[0], 1, MSG_UD, 0);
	expect_refused(_metadata, self, -EBADFD);
	close(p[0]);
	close(p[1]);
}

TEST_F(msgdata, closed_fd_is_ebadf)
{
	/* no file to look up: refused before io_msg_ring() can tell ring from not */
	int fd = iou_lowest_free_fd();

	ASSERT_LE(0, fd);
	msg_sqe(&self->src, fd, 1, MSG_UD, 0);
	expect_refused(_metadata, self, -EBADF);
}

TEST_F(msgdata, closed_target_ring_is_ebadf)
{
	int fd = self->dst.fd;

	/* the ring stays alive while mapped; only its descriptor goes */
	ASSERT_EQ(0, close(fd));
	msg_sqe(&self->src, fd, 1, MSG_UD, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, -EBADF));
	self->dst.fd = self->dst.enter_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

TEST_F(msgdata, ring_messages_itself)
{
	unsigned int pos[2];

	/*
	 * The message and the sender's own CQE land on the same ring, in an
	 * order the kernel does not define (posted at issue, or as task work
	 * for DEFER_TASKRUN).
	 */
	msg_sqe(&self->dst, self->dst.fd, 9, MSG_UD, 0);
	ASSERT_EQ(1, iou_submit(&self->dst));
	IOU_EXPECT_CQE_SET(&self->dst, pos, IOU_CQE(SRC_UD, 0), IOU_CQE(MSG_UD, 9));
	ASSERT_NO_CQE(&self->dst, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
