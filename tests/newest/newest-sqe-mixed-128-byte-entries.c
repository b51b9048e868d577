// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQE_MIXED (6.19): a ring of 64-byte SQEs that also takes
 * 128-byte ones, IORING_OP_NOP128 and IORING_OP_URING_CMD128, each in two
 * consecutive SQE slots:
 *  - a 128-byte entry takes two SQ entries: the SQ head moves by two and
 *    io_uring_enter() counts both as submitted, while 64-byte NOPs around
 *    it take one each; CQEs come in submission order;
 *  - on a ring without SQE_MIXED (or with SQE128 the 128-byte opcodes are
 *    plain ones) NOP128 is -EINVAL; with SQE128 it takes one slot;
 *  - SQE_MIXED with SQE128 is refused (EINVAL), so is a one-entry mixed
 *    SQ (EOVERFLOW: no room for a 128-byte entry);
 *  - URING_CMD128 on a file without ->uring_cmd is -EOPNOTSUPP, as
 *    URING_CMD; on a socket it runs SOCKET_URING_OP_SIOCINQ.
 * A 128-byte entry in the last slot of the ring is in
 * newest-sqe-mixed-last-slot-refused.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_NOP128),
	     .setup_flags = IORING_SETUP_SQE_MIXED);

FIXTURE(mixed) {
	struct iou_ring r;
};

FIXTURE_SETUP(mixed)
{
	ASSERT_RES(0, iou_ring_init(&self->r, 8, IORING_SETUP_SQE_MIXED));
	/* the mode took effect: the kernel reports it back */
	ASSERT_TRUE(self->r.params.flags & IORING_SETUP_SQE_MIXED);
}

FIXTURE_TEARDOWN(mixed)
{
	iou_ring_exit(&self->r);
}

/* a 128-byte request in the next two slots; its first half */
static struct io_uring_sqe *get_sqe128(struct iou_ring *r, int op, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	if (!sqe || !iou_get_sqe(r))
		return NULL;
	sqe->opcode = (__u8)op;
	sqe->fd = -1;
	sqe->user_data = ud;
	return sqe;
}

TEST_F(mixed, nop128_takes_two_entries)
{
	unsigned int head = iou_load_acquire(self->r.sq_khead);

	iou_queue_nop(&self->r, 1, 0);
	ASSERT_NE(NULL, get_sqe128(&self->r, IORING_OP_NOP128, 2));
	iou_queue_nop(&self->r, 3, 0);
	ASSERT_NE(NULL, get_sqe128(&self->r, IORING_OP_NOP128, 4));
	/* six SQ entries, four requests */
	ASSERT_EQ(6, iou_submit(&self->r));
	ASSERT_EQ(head + 6, iou_load_acquire(self->r.sq_khead));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(3, 0),
			IOU_CQE(4, 0));
}

TEST_F(mixed, nop128_second_half_is_not_a_request)
{
	struct io_uring_sqe *sqe;

	/* the second slot holds what would be an invalid request on its own */
	sqe = get_sqe128(&self->r, IORING_OP_NOP128, 0x128);
	ASSERT_NE(NULL, sqe);
	memset(sqe + 1, 0xff, sizeof(*sqe));
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x128, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(mixed, nop128_cut_off_by_to_submit_is_einval)
{
	/* only one of its two entries handed to the kernel */
	ASSERT_NE(NULL, get_sqe128(&self->r, IORING_OP_NOP128, 0xc07));
	iou_sq_flush(&self->r);
	ASSERT_EQ(1, iou_enter(&self->r, 1, 0, 0, NULL, 0));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xc07, -EINVAL));
}

TEST_F(mixed, uring_cmd128_on_a_regular_file_is_eopnotsupp)
{
	struct io_uring_sqe *sqe;
	int fd;

	REQUIRE_OPCODE(IORING_OP_URING_CMD128);
	fd = iou_scratch_file("plain", 4096, O_RDWR);
	ASSERT_LE(0, fd);
	sqe = get_sqe128(&self->r, IORING_OP_URING_CMD128, 0xf11e);
	ASSERT_NE(NULL, sqe);
	sqe->fd = fd;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0xf11e, -EOPNOTSUPP));
	close(fd);
}

TEST_F(mixed, uring_cmd128_siocinq_matches_the_ioctl)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct io_uring_sqe *sqe;
	int fd, inq = -1;

	REQUIRE_OPCODE(IORING_OP_URING_CMD128);
	/* a UDP socket sending to itself: SIOCINQ is the next datagram's size */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	ASSERT_SYSOK(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_SYSOK(getsockname(fd, (struct sockaddr *)&a, &alen));
	ASSERT_SYSOK(connect(fd, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(5, send(fd, "hello", 5, 0));
	ASSERT_SYSOK(ioctl(fd, SIOCINQ, &inq));
	ASSERT_EQ(5, inq);
	sqe = get_sqe128(&self->r, IORING_OP_URING_CMD128, 0x51);
	ASSERT_NE(NULL, sqe);
	sqe->fd = fd;
	sqe->cmd_op = SOCKET_URING_OP_SIOCINQ;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(0x51, inq));
	close(fd);
}

TEST(nop128_needs_a_mixed_ring)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;

	ASSERT_RES(0, iou_ring_init(&r, 4, 0));
	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 0x64);
	sqe->opcode = IORING_OP_NOP128;
	ASSERT_EQ(1, iou_submit(&r));
	IOU_EXPECT_CQES(&r, IOU_CQE(0x64, -EINVAL));
	iou_ring_exit(&r);
}

TEST(nop128_on_an_sqe128_ring_takes_one_entry)
{
	struct io_uring_sqe *sqe;
	struct iou_ring r;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQE128);
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SQE128));
	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 0x1281);
	sqe->opcode = IORING_OP_NOP128;
	iou_queue_nop(&r, 0x1282, 0);
	ASSERT_EQ(2, iou_submit(&r));
	IOU_EXPECT_CQES(&r, IOU_CQE(0x1281, 0), IOU_CQE(0x1282, 0));
	iou_ring_exit(&r);
}

TEST(mixed_with_sqe128_or_one_entry_is_refused)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE_MIXED | IORING_SETUP_SQE128;
	ASSERT_SYSERR(EINVAL, sys_io_uring_setup(4, &p));
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE_MIXED;
	ASSERT_SYSERR(EOVERFLOW, sys_io_uring_setup(1, &p));
}

TEST_HARNESS_MAIN
