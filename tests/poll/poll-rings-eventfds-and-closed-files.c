// SPDX-License-Identifier: GPL-2.0
/*
 * What POLL_ADD polls besides pipes and sockets, and what becomes of a
 * poll whose descriptor goes away:
 *  - another ring's fd: POLLIN once that ring has a CQE, POLLOUT at once
 *    while its SQ has room (io_uring_poll());
 *  - an eventfd: POLLIN once its counter is non-zero; a multishot poll
 *    posts a CQE per write and polling does not reset the counter;
 *  - a registered file (IOSQE_FIXED_FILE) polls like the file itself; a
 *    slot with nothing in it is EBADF;
 *  - the descriptor closed while the poll waits (close(2), or
 *    IORING_OP_CLOSE): the poll holds the file and keeps waiting, and
 *    completes when the file becomes ready through another descriptor.
 */
#include <sys/eventfd.h>

#include "iou.h"
#include "iou_net.h"
#include "iou_rsrc.h"

#define UD	0xe0e0000000000001ULL

FIXTURE(other) {
	struct iou_ring r;
	int efd;
};

FIXTURE_SETUP(other)
{
	self->efd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(other)
{
	iou_ring_exit(&self->r);
	iou_close_res(self->efd);
}

static void submit_poll(struct __test_metadata *_metadata, struct iou_ring *r, int fd,
			unsigned int events, unsigned int len, unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_poll_add(sqe, fd, events);
	sqe->len = len;
	sqe->flags = (__u8)sqe_flags;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(r));
}

TEST_F(other, ring_fd_is_readable_once_it_has_a_cqe)
{
	struct iou_ring b;

	ASSERT_EQ(0, iou_ring_init(&b, 4, 0));
	submit_poll(_metadata, &self->r, b.fd, POLLIN, 0, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	iou_queue_nop(&b, 1, 0);
	ASSERT_EQ(1, iou_submit(&b));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLIN));
	IOU_EXPECT_CQES(&b, IOU_CQE(1, 0));
	iou_ring_exit(&b);
}

TEST_F(other, ring_fd_is_writable_while_its_sq_has_room)
{
	struct iou_ring b;

	ASSERT_EQ(0, iou_ring_init(&b, 4, 0));
	submit_poll(_metadata, &self->r, b.fd, POLLOUT | POLLIN, 0, 0);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLOUT));
	iou_ring_exit(&b);
}

TEST_F(other, eventfd_readable_after_a_write)
{
	eventfd_t v = 0;

	submit_poll(_metadata, &self->r, self->efd, POLLIN, 0, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(0, eventfd_write(self->efd, 5));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLIN));
	/* polling took nothing */
	ASSERT_EQ(0, eventfd_read(self->efd, &v));
	ASSERT_EQ(5, v);
}

TEST_F(other, eventfd_multishot_posts_per_write)
{
	REQUIRE_POLL_MULTISHOT();
	submit_poll(_metadata, &self->r, self->efd, POLLIN, IORING_POLL_ADD_MULTI, 0);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, eventfd_write(self->efd, 1));
		IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, POLLIN, IORING_CQE_F_MORE));
	}
}

TEST_F(other, registered_file_polls_like_the_file)
{
	int fds[2] = { self->efd, -1 };

	REQUIRE_RSRC_SPARSE();
	ASSERT_RES(0, iou_register_files2(&self->r, fds, NULL, 2, 0));
	submit_poll(_metadata, &self->r, 0, POLLIN, 0, IOSQE_FIXED_FILE);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(0, eventfd_write(self->efd, 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLIN));
	submit_poll(_metadata, &self->r, 1, POLLIN, 0, IOSQE_FIXED_FILE);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EBADF));
}

TEST_F(other, closed_descriptor_keeps_the_poll_waiting)
{
	int dup_fd = dup(self->efd);

	ASSERT_LE(0, dup_fd);
	submit_poll(_metadata, &self->r, self->efd, POLLIN, 0, 0);
	close(self->efd);
	self->efd = -1;
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(0, eventfd_write(dup_fd, 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLIN));
	close(dup_fd);
}

TEST_F(other, close_opcode_keeps_the_poll_waiting)
{
	int p[2];

	REQUIRE_OPCODE(IORING_OP_CLOSE);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	submit_poll(_metadata, &self->r, p[0], POLLIN, 0, 0);
	iou_prep_close(iou_get_sqe(&self->r), p[0]);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = UD + 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD + 1, 0));
	ASSERT_EQ(-1, fcntl(p[0], F_GETFD));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	/* the pipe lives on in the poll: a write wakes it */
	ASSERT_EQ(1, write(p[1], "x", 1));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLIN));
	close(p[1]);
}

TEST_HARNESS_MAIN
