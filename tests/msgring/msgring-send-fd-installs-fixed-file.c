// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_MSG_SEND_FD (6.0) passes the sender's fixed file in slot addr3
 * into the target ring's file table at file_index (slot + 1, or
 * IORING_FILE_INDEX_ALLOC for the lowest free slot of the allocation
 * range): the sender completes with 0 (or the allocated slot), the target
 * gets {user_data = sqe->off, res = the same} unless
 * IORING_MSG_RING_CQE_SKIP, and the file then works through the target's
 * slot.  A slot already holding a file is replaced (io_install_fixed_file()
 * drops the old file; nothing answers -EEXIST), and the old file is
 * released.  Refused, with no target CQE: an empty or out-of-range source
 * slot, or a sender without a file table (-EBADF); a target without a file
 * table (-ENXIO), a target slot past its table (-EINVAL), no free slot to
 * allocate (-ENFILE); len set, or the sender itself as target (-EINVAL);
 * a non-ring fd (-EBADFD).  Read from io_uring/msg_ring.c and filetable.c,
 * the same in 6.12 and 7.3.
 *
 * A target without a file table oopsed 6.0 (NULL io_file_table in
 * io_msg_send_fd()) until 16bbdfe5fb0e.
 */
#include <poll.h>

#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_MSG_RING),
	     .fixes = IOU_FIXES(IOU_FIX("16bbdfe5fb0e", "CVE-2022-50295",
					"*target_without_file_table*",
					"io_uring/msg_ring: Fix NULL pointer dereference in io_msg_send_fd()")),
	     .unsafe = "a target without a file table oopses 6.0 before 6.0.6");

#define SRC_UD		0x5e4d000000000002ULL
#define MSG_UD		0xf11e00000000beefULL
#define SLOTS		4

FIXTURE(sendfd) {
	struct iou_ring src, dst;
	int pipe[2];		/* the write end sits in the sender's slot 0 */
};

FIXTURE_VARIANT(sendfd) {
	unsigned int setup_flags;	/* the target's mode */
};

#define IOU_MODES_FIXTURE sendfd
#include "iou_modes.h"

FIXTURE_SETUP(sendfd)
{
	int fds[SLOTS] = { -1, -1, -1, -1 };

	REQUIRE_RSRC_SPARSE();
	IOU_RING_INIT_MODE(&self->dst, 8, variant->setup_flags);
	ASSERT_EQ(0, iou_ring_init(&self->src, 8, 0));
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC | O_NONBLOCK));
	fds[0] = self->pipe[1];
	ASSERT_RES(0, iou_register_files2(&self->src, fds, NULL, SLOTS, 0));
	ASSERT_RES(0, iou_register_files2(&self->dst, NULL, NULL, SLOTS,
					  IORING_RSRC_REGISTER_SPARSE));
}

FIXTURE_TEARDOWN(sendfd)
{
	iou_ring_exit(&self->src);
	iou_ring_exit(&self->dst);
	close(self->pipe[0]);
	close(self->pipe[1]);
}

static struct io_uring_sqe *send_fd(struct iou_ring *src, int target, unsigned int src_slot,
				    unsigned int dst_slot, unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(src);

	iou_prep_msg_ring_fd(sqe, target, src_slot, dst_slot, MSG_UD, flags);
	sqe->user_data = SRC_UD;
	return sqe;
}

/* the target ring writes through its fixed slot; the pipe's reader sees it */
static void write_through_slot(struct __test_metadata *_metadata, struct iou_ring *dst,
			       unsigned int slot, int rfd)
{
	struct io_uring_sqe *sqe = iou_get_sqe(dst);
	char buf[8] = { 0 };

	iou_prep_write(sqe, (int)slot, "slot", 4, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 0x3a;
	ASSERT_EQ(1, iou_submit(dst));
	IOU_EXPECT_CQES(dst, IOU_CQE(0x3a, 4));
	ASSERT_EQ(4, read(rfd, buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "slot", 4));
}

TEST_F(sendfd, installs_file_into_target_slot)
{
	send_fd(&self->src, self->dst.fd, 0, 2, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(MSG_UD, 0));
	write_through_slot(_metadata, &self->dst, 2, self->pipe[0]);
}

TEST_F(sendfd, file_index_alloc_returns_lowest_free_slot)
{
	send_fd(&self->src, self->dst.fd, 0, IORING_FILE_INDEX_ALLOC, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(MSG_UD, 0));
	send_fd(&self->src, self->dst.fd, 0, IORING_FILE_INDEX_ALLOC, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 1));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(MSG_UD, 1));
	write_through_slot(_metadata, &self->dst, 1, self->pipe[0]);
}

TEST_F(sendfd, full_table_has_no_slot_to_allocate)
{
	for (unsigned int i = 0; i < SLOTS; i++) {
		send_fd(&self->src, self->dst.fd, 0, i, IORING_MSG_RING_CQE_SKIP);
		ASSERT_EQ(1, iou_submit(&self->src));
		IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	}
	send_fd(&self->src, self->dst.fd, 0, IORING_FILE_INDEX_ALLOC, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, -ENFILE));
	ASSERT_NO_CQE(&self->dst, IOU_QUIET_MS);
}

TEST_F(sendfd, cqe_skip_installs_without_target_cqe)
{
	send_fd(&self->src, self->dst.fd, 0, 3, IORING_MSG_RING_CQE_SKIP);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	ASSERT_NO_CQE(&self->dst, IOU_QUIET_MS);
	write_through_slot(_metadata, &self->dst, 3, self->pipe[0]);
}

TEST_F(sendfd, taken_slot_is_replaced_and_old_file_released)
{
	int other[2], fd;
	struct pollfd pfd;

	ASSERT_EQ(0, pipe2(other, O_CLOEXEC | O_NONBLOCK));
	fd = other[1];
	ASSERT_RES(1, iou_rsrc_update2(&self->dst, IORING_REGISTER_FILES_UPDATE2, 1,
				       &fd, NULL, 1));
	close(other[1]);
	/* the table's reference keeps the old writer alive */
	pfd = (struct pollfd){ .fd = other[0], .events = POLLIN };
	ASSERT_EQ(0, poll(&pfd, 1, 0));

	send_fd(&self->src, self->dst.fd, 0, 1, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(MSG_UD, 0));
	write_through_slot(_metadata, &self->dst, 1, self->pipe[0]);
	/* the replaced writer is gone: its reader sees the hang-up */
	pfd.revents = 0;
	ASSERT_EQ(1, poll(&pfd, 1, (int)IOU_WAIT_MS));
	ASSERT_TRUE(pfd.revents & POLLHUP);
	close(other[0]);
}

/* a refused message: the sender's CQE has err, the target sees nothing */
static void expect_refused(struct __test_metadata *_metadata, struct iou_ring *src,
			   struct iou_ring *dst, int err)
{
	ASSERT_EQ(1, iou_submit(src));
	IOU_EXPECT_CQES(src, IOU_CQE(SRC_UD, err));
	ASSERT_NO_CQE(dst, IOU_QUIET_MS);
}

TEST_F(sendfd, empty_source_slot_is_ebadf)
{
	send_fd(&self->src, self->dst.fd, 1, 0, 0);
	expect_refused(_metadata, &self->src, &self->dst, -EBADF);
}

TEST_F(sendfd, source_slot_past_table_is_ebadf)
{
	send_fd(&self->src, self->dst.fd, SLOTS, 0, 0);
	expect_refused(_metadata, &self->src, &self->dst, -EBADF);
	send_fd(&self->src, self->dst.fd, 1u << 20, 0, 0);
	expect_refused(_metadata, &self->src, &self->dst, -EBADF);
}

TEST_F(sendfd, sender_without_file_table_is_ebadf)
{
	struct iou_ring bare;

	ASSERT_EQ(0, iou_ring_init(&bare, 4, 0));
	send_fd(&bare, self->dst.fd, 0, 0, 0);
	expect_refused(_metadata, &bare, &self->dst, -EBADF);
	iou_ring_exit(&bare);
}

TEST_F(sendfd, target_without_file_table_is_enxio)
{
	struct iou_ring bare;

	ASSERT_EQ(0, iou_ring_init(&bare, 4, 0));
	send_fd(&self->src, bare.fd, 0, 0, 0);
	expect_refused(_metadata, &self->src, &bare, -ENXIO);
	send_fd(&self->src, bare.fd, 0, IORING_FILE_INDEX_ALLOC, 0);
	expect_refused(_metadata, &self->src, &bare, -ENFILE);
	iou_ring_exit(&bare);
}

TEST_F(sendfd, target_slot_past_table_is_einval)
{
	send_fd(&self->src, self->dst.fd, 0, SLOTS, 0);
	expect_refused(_metadata, &self->src, &self->dst, -EINVAL);
}

TEST_F(sendfd, len_is_einval)
{
	send_fd(&self->src, self->dst.fd, 0, 0, 0)->len = 1;
	expect_refused(_metadata, &self->src, &self->dst, -EINVAL);
}

TEST_F(sendfd, sender_as_target_is_einval)
{
	send_fd(&self->src, self->src.fd, 0, 1, 0);
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, -EINVAL));
	ASSERT_NO_CQE(&self->src, IOU_QUIET_MS);
}

TEST_F(sendfd, fd_that_is_not_a_ring_is_ebadfd)
{
	send_fd(&self->src, self->pipe[0], 0, 0, 0);
	expect_refused(_metadata, &self->src, &self->dst, -EBADFD);
}

TEST_HARNESS_MAIN
