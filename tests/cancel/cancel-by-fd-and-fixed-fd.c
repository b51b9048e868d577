// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_ASYNC_CANCEL_FD (5.19) matches pending requests by the file
 * they use instead of user_data: the descriptor in sqe->fd is resolved
 * to its file, so a dup() of the descriptor matches too.  One request per
 * cancel, or all of them (count returned) with CANCEL_ALL; -ENOENT when
 * nothing uses the file, -EBADF when sqe->fd is not open.  With
 * IORING_ASYNC_CANCEL_FD_FIXED (6.0), or IOSQE_FIXED_FILE on the cancel
 * SQE, sqe->fd is an index in the registered file table (-EBADF for an
 * empty or out-of-range slot, or without a table).  Adding
 * IORING_ASYNC_CANCEL_USERDATA (6.6) requires the user_data to match as
 * well.
 */
#include <poll.h>

#include "iou.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("22dbb0987bd1", "", "ring.fd_and_userdata_must_both_match",
			"io_uring/cancel: de-unionize file and user_data in struct io_cancel_data")));
/*
 * Proven with make vm-test (Debian kernels): 6.12.43 and 6.18.5 fail
 * fd_and_userdata_must_both_match (XFAIL), 7.2.13 passes.
 */

#define IOU_CANCEL_RING_REQUIRES REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_FD)
#include "iou_cancel.h"

static void q_poll(struct iou_ring *r, int fd, __u64 ud, bool fixed)
{
	if (fixed)
		iou_queue_poll(r, fd, ud)->flags |= IOSQE_FIXED_FILE;
	else
		iou_queue_poll(r, fd, ud);
}

static struct io_uring_sqe *q_cancel_fd(struct iou_ring *r, int fd,
					unsigned int flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_cancel_fd(sqe, fd, flags);
	sqe->user_data = 0xcc;
	return sqe;
}

/* the poll ud on pipe p is still pending: data makes it complete */
#define ASSERT_POLL_PENDING(r, p, ud) do {				\
	struct iou_cqe __c;						\
	char __b[4];							\
	ASSERT_EQ(1, write((p)[1], "x", 1));				\
	ASSERT_EQ(1, iou_reap((r), &__c, 1, IOU_WAIT_MS));		\
	ASSERT_CQE_AT(&__c, 0, (ud), POLLIN, 0);			\
	ASSERT_EQ(1, read((p)[0], __b, sizeof(__b)));			\
	} while (0)

TEST_F(ring, cancels_one_request_on_that_file)
{
	struct iou_cqe cqe[2], *other;

	q_poll(&self->r, self->a[0], 1, false);
	q_poll(&self->r, self->a[0], 2, false);
	q_poll(&self->r, self->b[0], 3, false);
	ASSERT_EQ(3, iou_submit(&self->r));
	q_cancel_fd(&self->r, self->a[0], 0);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	/* which of the two on that file is not defined; exactly one */
	other = cqe[0].user_data == 0xcc ? &cqe[1] : &cqe[0];
	ASSERT_TRUE(other->user_data == 1 || other->user_data == 2);
	ASSERT_RES(-ECANCELED, other->res);
	ASSERT_EQ(0, other->flags);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_POLL_PENDING(&self->r, self->b, 3);
	/* the other one on a[0] is still there for a second cancel */
	q_cancel_fd(&self->r, self->a[0], 0);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
}

TEST_F(ring, all_cancels_every_request_on_that_file)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[4];
	char buf[8];

	q_poll(&self->r, self->a[0], 1, false);
	q_poll(&self->r, self->a[0], 2, false);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->a[0], buf, sizeof(buf), 0);
	sqe->user_data = 4;
	q_poll(&self->r, self->b[0], 3, false);
	ASSERT_EQ(4, iou_submit(&self->r));
	q_cancel_fd(&self->r, self->a[0], IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(4, iou_submit_reap(&self->r, cqe, 4));
	ASSERT_CQE_UD(cqe, 4, 0xcc, 3, 0);
	ASSERT_CQE_UD(cqe, 4, 1, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 2, -ECANCELED, 0);
	ASSERT_CQE_UD(cqe, 4, 4, -ECANCELED, 0);
	ASSERT_POLL_PENDING(&self->r, self->b, 3);
}

/* the key is the file: another descriptor of it matches */
TEST_F(ring, a_dup_of_the_descriptor_matches)
{
	struct iou_cqe cqe[2];
	int dupfd = dup(self->a[0]);

	ASSERT_LE(0, dupfd);
	q_poll(&self->r, self->a[0], 1, false);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel_fd(&self->r, dupfd, 0);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	close(dupfd);
}

TEST_F(ring, file_without_requests_is_enoent)
{
	q_poll(&self->r, self->b[0], 3, false);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel_fd(&self->r, self->a[0], 0);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	ASSERT_POLL_PENDING(&self->r, self->b, 3);
}

TEST_F(ring, descriptor_not_open_is_ebadf)
{
	int fd = dup(self->a[0]);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	q_cancel_fd(&self->r, fd, 0);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EBADF);
	q_cancel_fd(&self->r, fd, IORING_ASYNC_CANCEL_ALL);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EBADF);
}

TEST_F(ring, fixed_fd_cancels_by_registered_slot)
{
	int files[2] = { self->b[0], self->a[0] };
	struct iou_cqe cqe[2];

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED);
	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_FILES, files, 2));
	q_poll(&self->r, 1, 1, true);	/* slot 1 = a[0] */
	q_poll(&self->r, 0, 2, true);	/* slot 0 = b[0] */
	ASSERT_EQ(2, iou_submit(&self->r));
	q_cancel_fd(&self->r, 1, IORING_ASYNC_CANCEL_FD_FIXED);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
	ASSERT_POLL_PENDING(&self->r, self->b, 2);
}

/* IOSQE_FIXED_FILE on the cancel SQE means the same as FD_FIXED */
TEST_F(ring, fixed_file_sqe_flag_selects_the_slot_too)
{
	int files[1] = { self->a[0] };
	struct iou_cqe cqe[2];

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED);
	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_FILES, files, 1));
	q_poll(&self->r, 0, 1, true);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel_fd(&self->r, 0, 0)->flags |= IOSQE_FIXED_FILE;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
}

/* a request on a plain descriptor of the same file matches the slot */
TEST_F(ring, fixed_fd_matches_requests_on_the_same_file)
{
	int files[1] = { self->a[0] };
	struct iou_cqe cqe[2];

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED);
	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_FILES, files, 1));
	q_poll(&self->r, self->a[0], 1, false);
	ASSERT_EQ(1, iou_submit(&self->r));
	q_cancel_fd(&self->r, 0, IORING_ASYNC_CANCEL_FD_FIXED);
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 1, -ECANCELED, 0);
}

TEST_F(ring, fixed_fd_bad_slot_or_no_table_is_ebadf)
{
	int files[2] = { self->a[0], -1 };

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED);
	q_cancel_fd(&self->r, 0, IORING_ASYNC_CANCEL_FD_FIXED);
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EBADF);
	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_FILES, files, 2));
	q_cancel_fd(&self->r, 1, IORING_ASYNC_CANCEL_FD_FIXED);	/* empty */
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EBADF);
	q_cancel_fd(&self->r, 2, IORING_ASYNC_CANCEL_FD_FIXED);	/* past the end */
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -EBADF);
	q_cancel_fd(&self->r, 0, IORING_ASYNC_CANCEL_FD_FIXED);	/* no request */
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
}

TEST_F(ring, fd_and_userdata_must_both_match)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_USERDATA);
	q_poll(&self->r, self->a[0], 1, false);
	q_poll(&self->r, self->a[0], 2, false);
	q_poll(&self->r, self->b[0], 3, false);
	ASSERT_EQ(3, iou_submit(&self->r));
	/* user_data 3 exists, but not on a[0] */
	sqe = q_cancel_fd(&self->r, self->a[0], IORING_ASYNC_CANCEL_USERDATA);
	sqe->addr = 3;
	ASSERT_NEXT_CQE_IS_CANCEL(&self->r, -ENOENT);
	sqe = q_cancel_fd(&self->r, self->a[0], IORING_ASYNC_CANCEL_USERDATA);
	sqe->addr = 2;
	ASSERT_EQ(2, iou_submit_reap(&self->r, cqe, 2));
	ASSERT_CQE_UD(cqe, 2, 0xcc, 0, 0);
	ASSERT_CQE_UD(cqe, 2, 2, -ECANCELED, 0);
	ASSERT_POLL_PENDING(&self->r, self->a, 1);
	ASSERT_POLL_PENDING(&self->r, self->b, 3);
}

TEST_HARNESS_MAIN
