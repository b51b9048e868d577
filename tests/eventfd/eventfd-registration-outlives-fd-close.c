// SPDX-License-Identifier: GPL-2.0
/*
 * Registering an eventfd takes a reference to the eventfd itself, not to
 * the descriptor number: closing the descriptor (with close(2), or with
 * IORING_OP_CLOSE on the very ring) leaves the registration in place, so
 * other descriptors of the same eventfd keep being signalled, completions
 * keep working when no descriptor is left, the registration still blocks
 * a second one (EBUSY) and unregistering it succeeds; a new eventfd that
 * reuses the number is not signalled until it is registered itself.
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"
#include "iou_eventfd.h"

FIXTURE(closed_fd) {
	struct iou_ring r;
	int efd;
};

FIXTURE_SETUP(closed_fd)
{
	self->r.fd = -1;
	self->efd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
}

FIXTURE_TEARDOWN(closed_fd)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
}

static void complete_nop(struct __test_metadata *_metadata, struct iou_ring *r,
			 __u64 ud, unsigned int sqe_flags)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, iou_evfd_submit_nop(r, ud, sqe_flags));
	ASSERT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(closed_fd, other_descriptors_keep_being_signalled)
{
	int dup_fd = fcntl(self->efd, F_DUPFD_CLOEXEC, 0);

	ASSERT_LE(0, dup_fd);
	ASSERT_SYSOK(close(self->efd));
	self->efd = -1;
	complete_nop(_metadata, &self->r, 1, 0);
	ASSERT_EQ(1, iou_evfd_take(dup_fd));
	complete_nop(_metadata, &self->r, 2, IOSQE_ASYNC);
	ASSERT_EQ(1, iou_evfd_collect(dup_fd, 1, IOU_WAIT_MS));
	close(dup_fd);
}

TEST_F(closed_fd, completions_work_with_no_descriptor_left)
{
	int fresh;

	ASSERT_SYSOK(close(self->efd));
	self->efd = -1;
	complete_nop(_metadata, &self->r, 3, 0);
	complete_nop(_metadata, &self->r, 4, IOSQE_ASYNC);
	/* still registered: a second registration is refused */
	fresh = iou_evfd_create(0);
	ASSERT_LE(0, fresh);
	ASSERT_RES(-EBUSY, iou_evfd_register(&self->r, fresh, false));
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(-ENXIO, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, fresh, false));
	complete_nop(_metadata, &self->r, 5, 0);
	ASSERT_EQ(1, iou_evfd_take(fresh));
	close(fresh);
}

TEST_F(closed_fd, reused_descriptor_number_is_not_signalled)
{
	int old = self->efd, reused;

	ASSERT_SYSOK(close(self->efd));
	self->efd = -1;
	reused = iou_evfd_create(0);
	ASSERT_LE(0, reused);
	/* the lowest free number is the one just closed */
	ASSERT_EQ(old, reused);
	complete_nop(_metadata, &self->r, 6, 0);
	ASSERT_EQ(0, iou_evfd_wait_take(reused, IOU_QUIET_MS));

	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, reused, false));
	complete_nop(_metadata, &self->r, 7, 0);
	ASSERT_EQ(1, iou_evfd_take(reused));
	self->efd = reused;
}

TEST_F(closed_fd, pending_request_completes_after_the_close)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	int pfd[2], dup_fd;

	ASSERT_SYSOK(pipe2(pfd, O_CLOEXEC | O_NONBLOCK));
	dup_fd = fcntl(self->efd, F_DUPFD_CLOEXEC, 0);
	ASSERT_LE(0, dup_fd);
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, pfd[0], POLLIN);
	sqe->user_data = 8;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_SYSOK(close(self->efd));
	self->efd = -1;
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(8, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(1, iou_evfd_collect(dup_fd, 1, IOU_WAIT_MS));
	close(dup_fd);
	close(pfd[0]);
	close(pfd[1]);
}

TEST_F(closed_fd, ring_closing_the_registered_eventfd_still_signals_it)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	int dup_fd = fcntl(self->efd, F_DUPFD_CLOEXEC, 0);

	REQUIRE_OPCODE(IORING_OP_CLOSE);
	ASSERT_LE(0, dup_fd);
	sqe = iou_get_sqe(&self->r);
	iou_prep_close(sqe, self->efd);
	sqe->user_data = 9;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(9, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/* the descriptor is gone ... */
	ASSERT_SYSERR(EBADF, fcntl(self->efd, F_GETFD));
	self->efd = -1;
	/* ... and the CQE of its own close was signalled all the same */
	ASSERT_EQ(1, iou_evfd_collect(dup_fd, 1, IOU_WAIT_MS));
	close(dup_fd);
}

TEST_HARNESS_MAIN
