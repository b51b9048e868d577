// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_enter(2) refuses what it cannot use, with a fixed errno and in
 * a fixed order:
 *  - a flag bit the kernel does not know is EINVAL, checked before the
 *    descriptor is even looked up;
 *  - a descriptor that is not open is EBADF; an open descriptor of any
 *    other kind of file is EOPNOTSUPP, whatever else is asked;
 *  - with IORING_ENTER_EXT_ARG, an argsz other than
 *    sizeof(struct io_uring_getevents_arg) is EINVAL and an argument (or
 *    its timespec) the kernel cannot read is EFAULT - but the argument is
 *    only read when the call waits (IORING_ENTER_GETEVENTS), and once
 *    SQEs were submitted the call returns their count, not the error of
 *    the wait that followed.
 *
 * The valid flag mask comes from IORING_REGISTER_QUERY where the kernel
 * has it (6.18); elsewhere bits 8-31, unknown to every kernel up to 6.18.
 */
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

/* enter flags this kernel accepts: QUERY on 6.18+, else the 6.18 set */
static unsigned int known_enter_flags(void)
{
	struct io_uring_query_opcode q;

	if (iou_query_opcodes(&q) == 0)
		return (unsigned int)q.enter_flags;
	return IOU_ENTER_FLAGS_6_18;
}

TEST_F(ring, unknown_flag_bits_are_einval)
{
	unsigned int known = known_enter_flags();

	for (unsigned int bit = 0; bit < 32; bit++) {
		if (known & (1U << bit))
			continue;
		ASSERT_EQ(-EINVAL, iou_enter(&self->r, 0, 0, 1U << bit, NULL, 0))
			TH_LOG("enter flag bit %u", bit);
	}
	/* and with every known flag around it */
	ASSERT_RES(-EINVAL, iou_enter(&self->r, 0, 0, ~0U, NULL, 0));
}

TEST_F(ring, flags_are_checked_before_the_descriptor)
{
	unsigned int bad = ~known_enter_flags() & -~known_enter_flags();

	ASSERT_SYSERR(EINVAL, sys_io_uring_enter(-1, 0, 0, bad, NULL, 0));
}

TEST(descriptors_that_are_not_open_are_ebadf)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	ASSERT_SYSERR(EBADF, sys_io_uring_enter(fd, 0, 0, 0, NULL, 0));
	ASSERT_SYSERR(EBADF, sys_io_uring_enter(-1, 0, 0, 0, NULL, 0));
	ASSERT_SYSERR(EBADF, sys_io_uring_enter(0x7fffffff, 1, 1,
						IORING_ENTER_GETEVENTS, NULL, 0));
}

FIXTURE(other) {
	int fd;
	int extra;
};

FIXTURE_VARIANT(other) {
	int kind;
};

enum { K_PIPE, K_DEVNULL, K_EVENTFD, K_FILE, K_SOCKET, K_EPOLL };

FIXTURE_VARIANT_ADD(other, pipe) { .kind = K_PIPE };
FIXTURE_VARIANT_ADD(other, dev_null) { .kind = K_DEVNULL };
FIXTURE_VARIANT_ADD(other, eventfd) { .kind = K_EVENTFD };
FIXTURE_VARIANT_ADD(other, regular_file) { .kind = K_FILE };
FIXTURE_VARIANT_ADD(other, socket) { .kind = K_SOCKET };
FIXTURE_VARIANT_ADD(other, epoll) { .kind = K_EPOLL };

FIXTURE_SETUP(other)
{
	int p[2];

	self->extra = -1;
	switch (variant->kind) {
	case K_PIPE:
		ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
		self->fd = p[0];
		self->extra = p[1];
		break;
	case K_DEVNULL:
		self->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		break;
	case K_EVENTFD:
		self->fd = eventfd(0, EFD_CLOEXEC);
		break;
	case K_FILE:
		self->fd = iou_scratch_file("plain", 4096, 0);
		break;
	case K_SOCKET:
		self->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		break;
	default:
		self->fd = epoll_create1(EPOLL_CLOEXEC);
		break;
	}
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(other)
{
	close(self->fd);
	if (self->extra >= 0)
		close(self->extra);
}

TEST_F(other, is_eopnotsupp)
{
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_enter(self->fd, 0, 0, 0, NULL, 0));
	/* whatever the rest of the call asks for */
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_enter(self->fd, 8, 8,
						     IORING_ENTER_GETEVENTS,
						     NULL, 3));
	if (iou_features() & IORING_FEAT_EXT_ARG)
		ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_enter(self->fd, 8, 8,
							     IORING_ENTER_GETEVENTS |
							     IORING_ENTER_EXT_ARG,
							     NULL, 3));
}

TEST_F(ring, ext_arg_size_must_be_the_struct_size)
{
	static const size_t sizes[] = { 0, 1, 8, 16, 23, 25, 32, 64, 4096 };
	struct __kernel_timespec ts = iou_ts_ms(0);
	struct io_uring_getevents_arg a = iou_getevents_arg(&ts, NULL, 0);

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_EQ(-EINVAL, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT,
					     &a, sizes[i]))
			TH_LOG("argsz %zu", sizes[i]);
	}
	/* the right size with a zero timeout: the wait times out at once */
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT, &a, sizeof(a)));
}

TEST_F(ring, unreadable_ext_arg_is_efault)
{
	struct io_uring_getevents_arg a = iou_getevents_arg(iou_fault_ptr(), NULL, 0);

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	ASSERT_RES(-EFAULT, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT,
				      NULL, sizeof(a)));
	ASSERT_RES(-EFAULT, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT,
				      iou_fault_ptr(), sizeof(a)));
	/* the argument itself is fine, the timespec it points to is not */
	ASSERT_RES(-EFAULT, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT,
				      &a, sizeof(a)));
}

/* without GETEVENTS nothing waits, so the argument is never looked at */
TEST_F(ring, ext_arg_is_not_read_without_getevents)
{
	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_EXT_ARG, NULL, 3));
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_EXT_ARG,
				iou_fault_ptr(), 24));
	iou_prep_nop(iou_get_sqe(&self->r), 0x51);
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 1, 1, IORING_ENTER_EXT_ARG, NULL, 3));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x51, 0));
}

/*
 * Submission comes first; a bad wait argument found afterwards does not
 * undo it, and the call reports what it submitted.
 */
TEST_F(ring, bad_wait_argument_after_submission_returns_the_count)
{
	struct io_uring_getevents_arg a = iou_getevents_arg(iou_fault_ptr(), NULL, 0);

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	iou_prep_nop(iou_get_sqe(&self->r), 2);
	iou_sq_flush(&self->r);
	ASSERT_RES(2, iou_enter(&self->r, 2, 4, IOU_GETEVENTS_EXT, &a, 7));
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	iou_sq_flush(&self->r);
	ASSERT_RES(1, iou_enter(&self->r, 1, 4, IOU_GETEVENTS_EXT, &a, sizeof(a)));
	ASSERT_EQ(3, iou_cq_ready(&self->r));
	ASSERT_EQ(3, *self->r.sq_khead);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(3, 0));
}

TEST_HARNESS_MAIN
