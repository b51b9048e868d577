// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_RECV_ZC (6.15) receives into a zero-copy receive area
 * registered with IORING_REGISTER_ZCRX_IFQ on a NIC queue.  Without one
 * (nothing here has a capable NIC: loopback and AF_UNIX cannot do it,
 * tests/register/register-zcrx-ifq-argument-checks covers the
 * registration), the request is refused at preparation, before its file
 * is looked at:
 *  - an ifq index that names no registered ifq: EINVAL;
 *  - addr, addr2 or addr3 set (reserved for it): EINVAL;
 * on the ring zero-copy receive needs (DEFER_TASKRUN, 32-byte CQEs) and
 * on a plain one alike.  A receive that works needs the NIC: SKIP.
 */
#include "iou.h"
#include "iou_modes.h"
#include "iou_net.h"

#define UD	0x2c50000000000001ULL

FIXTURE(recv_zc) {
	struct iou_ring r;
	int fds[2];
};

FIXTURE_VARIANT(recv_zc) {
	unsigned int setup_flags;
};

FIXTURE_VARIANT_ADD(recv_zc, plain) { .setup_flags = 0 };
FIXTURE_VARIANT_ADD(recv_zc, defer_taskrun_cqe32) {
	.setup_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		       IORING_SETUP_CQE32 };

FIXTURE_SETUP(recv_zc)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_OPCODE(IORING_OP_RECV_ZC);
	/* proves DEFER_TASKRUN took effect; 32-byte CQEs show in the shift */
	IOU_RING_INIT_MODE(&self->r, 4, variant->setup_flags);
	ASSERT_EQ(variant->setup_flags & IORING_SETUP_CQE32 ? 1 : 0, self->r.cqe_shift);
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
}

FIXTURE_TEARDOWN(recv_zc)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

/* a multishot RECV_ZC on fd through ifq; the field to spoil set to 1 */
static struct io_uring_sqe *queue_recv_zc(struct iou_ring *r, int fd, unsigned int ifq)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_rw(sqe, IORING_OP_RECV_ZC, fd, NULL, 0, 0);
	sqe->ioprio = IORING_RECV_MULTISHOT;
	sqe->zcrx_ifq_idx = ifq;
	sqe->user_data = UD;
	return sqe;
}

static void expect_einval(struct __test_metadata *_metadata, struct iou_ring *r)
{
	ASSERT_EQ(1, iou_submit(r));
	IOU_EXPECT_CQES(r, IOU_CQE(UD, -EINVAL));
	ASSERT_NO_CQE(r, IOU_QUIET_MS);
}

TEST_F(recv_zc, no_registered_ifq_is_einval)
{
	queue_recv_zc(&self->r, self->fds[0], 0);
	expect_einval(_metadata, &self->r);
	queue_recv_zc(&self->r, self->fds[0], 7);
	expect_einval(_metadata, &self->r);
}

TEST_F(recv_zc, reserved_fields_are_einval)
{
	queue_recv_zc(&self->r, self->fds[0], 0)->addr = 1;
	expect_einval(_metadata, &self->r);
	queue_recv_zc(&self->r, self->fds[0], 0)->addr2 = 1;
	expect_einval(_metadata, &self->r);
	queue_recv_zc(&self->r, self->fds[0], 0)->addr3 = 1;
	expect_einval(_metadata, &self->r);
}

TEST_F(recv_zc, refused_before_the_file_is_looked_at)
{
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	queue_recv_zc(&self->r, p[0], 0);
	expect_einval(_metadata, &self->r);
	close(p[0]);
	close(p[1]);
	queue_recv_zc(&self->r, iou_lowest_free_fd(), 0);
	expect_einval(_metadata, &self->r);
}

TEST(receives_into_a_registered_area)
{
	REQUIRE_OPCODE(IORING_OP_RECV_ZC);
	SKIP(return, "zero-copy receive needs a NIC queue with header/data split registered as a zcrx ifq; loopback and AF_UNIX cannot provide one");
}

TEST_HARNESS_MAIN
