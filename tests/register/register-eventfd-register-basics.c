// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_EVENTFD / IORING_REGISTER_EVENTFD_ASYNC /
 * IORING_UNREGISTER_EVENTFD basics (eventfd semantics in depth live in
 * tests/eventfd): once registered, a completion bumps the eventfd; after
 * unregistering it no longer does; with EVENTFD_ASYNC a request completed
 * inline at submit does not signal but one completed from io-wq does.
 * One eventfd per ring: a second registration of either kind is EBUSY;
 * unregistering with none registered is ENXIO.  A bad fd is EBADF, a fd
 * that is not an eventfd EINVAL, an unreadable argument EFAULT, nr_args
 * other than 1 EINVAL, UNREGISTER with an argument EINVAL, a non-ring fd
 * EOPNOTSUPP.
 */
#include <sys/eventfd.h>

#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(eventfd) {
	struct iou_ring r;
	int efd;
};

FIXTURE_VARIANT(eventfd) {
	bool registered_ring;
};

/* entered by the ring fd, and by its registered index */
#define IOU_ENTRY_FIXTURE eventfd
#include "iou_modes.h"

FIXTURE_SETUP(eventfd)
{
	self->efd = -1;
	IOU_RING_INIT_ENTRY(&self->r, 4, variant->registered_ring);
	self->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(eventfd)
{
	if (self->efd >= 0)
		close(self->efd);
	iou_ring_exit(&self->r);
}

/* eventfd count, consuming it; 0 when nothing was signalled */
static __u64 drain(int efd)
{
	__u64 v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void nop(struct __test_metadata *_metadata, struct iou_ring *r,
		unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe;

	iou_prep_nop(sqe, 1);
	sqe->flags = (__u8)sqe_flags;
	ASSERT_EQ(1, iou_submit_reap(r, &cqe, 1));
	ASSERT_RES(0, cqe.res);
}

TEST_F(eventfd, completion_signals_registered_eventfd)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 1));
	ASSERT_EQ(0, drain(self->efd));
	nop(_metadata, &self->r, 0);
	ASSERT_EQ(1, drain(self->efd));
}

TEST_F(eventfd, no_signal_after_unregister)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 1));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 0));
	nop(_metadata, &self->r, 0);
	ASSERT_EQ(0, drain(self->efd));
}

TEST_F(eventfd, async_eventfd_ignores_inline_completions)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD_ASYNC,
				   &self->efd, 1));
	nop(_metadata, &self->r, 0);
	ASSERT_EQ(0, drain(self->efd));
	/* IOSQE_ASYNC sends the NOP through io-wq */
	nop(_metadata, &self->r, IOSQE_ASYNC);
	ASSERT_EQ(1, drain(self->efd));
}

TEST_F(eventfd, second_registration_is_ebusy)
{
	int other = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, other);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 1));
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_EVENTFD, &other, 1));
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_EVENTFD_ASYNC, &other, 1));
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 1));
	/* the first one is still the one in use */
	nop(_metadata, &self->r, 0);
	ASSERT_EQ(1, drain(self->efd));
	close(other);
}

TEST_F(eventfd, reregister_after_unregister)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD_ASYNC, &self->efd, 1));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 1));
	nop(_metadata, &self->r, 0);
	ASSERT_EQ(1, drain(self->efd));
}

TEST_F(eventfd, unregister_with_none_is_enxio)
{
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 1));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 0));
}

TEST_F(eventfd, bad_fd_is_ebadf)
{
	int fd = -1;

	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_EVENTFD, &fd, 1));
	ASSERT_RES(-EBADF, iou_register(&self->r, IORING_REGISTER_EVENTFD_ASYNC, &fd, 1));
}

TEST_F(eventfd, fd_that_is_not_an_eventfd_is_einval)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_EVENTFD, &fd, 1));
	close(fd);
	/* nothing got registered */
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 0));
}

TEST_F(eventfd, unreadable_argument_is_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_EVENTFD, NULL, 1));
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_EVENTFD_ASYNC,
					 iou_fault_ptr(), 1));
}

TEST_F(eventfd, nr_args_other_than_one_is_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_EVENTFD_ASYNC, &self->efd, 2));
}

TEST_F(eventfd, unregister_with_argument_is_einval)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_EVENTFD, &self->efd, 1));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, &self->efd, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 1));
	/* still registered */
	nop(_metadata, &self->r, 0);
	ASSERT_EQ(1, drain(self->efd));
}

TEST_F(eventfd, non_ring_fd_is_eopnotsupp)
{
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(self->efd,
			IORING_REGISTER_EVENTFD, &self->efd, 1));
}

TEST_HARNESS_MAIN
