// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_MSG_RING posts a CQE on another ring, and that ring's
 * registered eventfd is signalled for it, independently of the sending
 * ring's eventfd, which counts the sender's own CQE.  A sender SQE with
 * IOSQE_CQE_SKIP_SUCCESS posts nothing there and (6.0+ tail rule) signals
 * nothing; a message the kernel rejects signals only the sender.
 * An EVENTFD_ASYNC registration on the target is not signalled: the
 * message is posted by the sending task (or, for a DEFER_TASKRUN target,
 * by the target's task work), never by io-wq.  The target's
 * IORING_CQ_EVENTFD_DISABLED applies to messages as to anything else.
 *
 * How a DEFER_TASKRUN target receives the message has changed across
 * versions: 6.18 queues it as the target's task work (a signal on
 * queueing, another when GETEVENTS posts it), while earlier kernels could
 * post it directly from the sender; so for that target the count is
 * bounded, 1..2, and it is exact for the others.
 */
#include "iou.h"
#include "iou_eventfd.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_MSG_RING));

FIXTURE(msg_ring) {
	struct iou_ring src, dst;
	int src_efd, dst_efd;
};

FIXTURE_VARIANT(msg_ring) {
	unsigned int dst_flags;
};

FIXTURE_VARIANT_ADD(msg_ring, plain_target) { .dst_flags = 0 };
FIXTURE_VARIANT_ADD(msg_ring, sqpoll_target) { .dst_flags = IORING_SETUP_SQPOLL };
FIXTURE_VARIANT_ADD(msg_ring, defer_taskrun_target) {
	.dst_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
};

FIXTURE_SETUP(msg_ring)
{
	self->src_efd = self->dst_efd = -1;
	self->src.fd = self->dst.fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->src, 8, 0));
	IOU_RING_INIT_MODE(&self->dst, 8, variant->dst_flags);
	self->src_efd = iou_evfd_create(0);
	ASSERT_LE(0, self->src_efd);
	self->dst_efd = iou_evfd_create(0);
	ASSERT_LE(0, self->dst_efd);
	ASSERT_RES(0, iou_evfd_register(&self->src, self->src_efd, false));
}

FIXTURE_TEARDOWN(msg_ring)
{
	if (self->src.fd >= 0)
		iou_ring_exit(&self->src);
	if (self->dst.fd >= 0)
		iou_ring_exit(&self->dst);
	if (self->src_efd >= 0)
		close(self->src_efd);
	if (self->dst_efd >= 0)
		close(self->dst_efd);
}

static bool defer_target(const FIXTURE_VARIANT(msg_ring) *variant)
{
	return variant->dst_flags & IORING_SETUP_DEFER_TASKRUN;
}

/* Send {user_data = data, res = len} to dst; the sender's CQE into *cqe. */
static void send_msg(struct __test_metadata *_metadata, struct iou_ring *src,
		     struct iou_ring *dst, __u64 data, unsigned int len,
		     unsigned int flags, struct iou_cqe *cqe)
{
	struct io_uring_sqe *sqe = iou_get_sqe(src);

	iou_prep_msg_ring(sqe, dst->fd, len, data, flags);
	sqe->user_data = 0x5e4d;
	ASSERT_EQ(1, iou_submit(src));
	if (cqe) {
		ASSERT_EQ(1, iou_reap(src, cqe, 1, IOU_WAIT_MS));
	}
}

static void expect_message(struct __test_metadata *_metadata,
			   struct iou_ring *dst, __u64 data, unsigned int len)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, iou_reap(dst, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(data, cqe.user_data);
	ASSERT_RES((int)len, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(msg_ring, message_signals_the_target_and_reply_the_sender)
{
	struct iou_cqe cqe;
	long long n;

	ASSERT_RES(0, iou_evfd_register(&self->dst, self->dst_efd, false));
	send_msg(_metadata, &self->src, &self->dst, 0xabc, 0x55, 0, &cqe);
	ASSERT_EQ(0x5e4d, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/* each ring's eventfd counts that ring's CQEs */
	ASSERT_EQ(1, iou_evfd_collect(self->src_efd, 1, IOU_WAIT_MS));
	if (defer_target(variant)) {
		/* signalled already, though the CQE waits for GETEVENTS */
		ASSERT_EQ(1, iou_evfd_wait_take(self->dst_efd, IOU_WAIT_MS));
		expect_message(_metadata, &self->dst, 0xabc, 0x55);
		n = iou_evfd_collect(self->dst_efd, 0, IOU_WAIT_MS);
		ASSERT_LE(0, n);
		ASSERT_GE(1, n);
	} else {
		ASSERT_EQ(1, iou_evfd_collect(self->dst_efd, 1, IOU_WAIT_MS));
		expect_message(_metadata, &self->dst, 0xabc, 0x55);
		ASSERT_EQ(0, iou_evfd_take(self->dst_efd));
	}
}

TEST_F(msg_ring, skipped_sender_cqe_leaves_the_sender_unsignalled)
{
	struct io_uring_sqe *sqe;

	REQUIRE_FEATURE(IORING_FEAT_CQE_SKIP);
	if (!iou_evfd_tail_rule())
		SKIP(return, "kernel predates the 6.0 eventfd tail rule (no IORING_SETUP_SINGLE_ISSUER): flushes that post nothing may signal");
	ASSERT_RES(0, iou_evfd_register(&self->dst, self->dst_efd, false));
	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring(sqe, self->dst.fd, 7, 0xdef, 0);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	ASSERT_EQ(1, iou_submit(&self->src));
	/* the target got it ... */
	ASSERT_LE(1, iou_evfd_wait_take(self->dst_efd, IOU_WAIT_MS));
	expect_message(_metadata, &self->dst, 0xdef, 7);
	/* ... the sender posted nothing and signalled nothing */
	ASSERT_EQ(0, iou_cq_ready(&self->src));
	ASSERT_EQ(0, iou_evfd_collect(self->src_efd, 0, IOU_WAIT_MS));
}

TEST_F(msg_ring, rejected_message_signals_only_the_sender)
{
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_evfd_register(&self->dst, self->dst_efd, false));
	/* MSG_RING_CQE_SKIP is for IORING_MSG_SEND_FD; a data message refuses it */
	send_msg(_metadata, &self->src, &self->dst, 0x789, 3,
		 IORING_MSG_RING_CQE_SKIP, &cqe);
	ASSERT_EQ(0x5e4d, cqe.user_data);
	ASSERT_RES(-EINVAL, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(1, iou_evfd_collect(self->src_efd, 1, IOU_WAIT_MS));
	/* nothing reached the target */
	ASSERT_RES(0, iou_evfd_getevents(&self->dst));
	ASSERT_EQ(0, iou_cq_ready(&self->dst));
	ASSERT_EQ(0, iou_evfd_collect(self->dst_efd, 0, IOU_WAIT_MS));
}

TEST_F(msg_ring, async_target_registration_is_not_signalled)
{
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_evfd_register(&self->dst, self->dst_efd, true));
	send_msg(_metadata, &self->src, &self->dst, 0x123, 1, 0, &cqe);
	ASSERT_RES(0, cqe.res);
	expect_message(_metadata, &self->dst, 0x123, 1);
	ASSERT_EQ(0, iou_evfd_collect(self->dst_efd, 0, IOU_WAIT_MS));
}

TEST_F(msg_ring, disabled_target_is_not_signalled)
{
	struct iou_cqe cqe;

	if (!iou_evfd_has_cq_flags(&self->dst))
		SKIP(return, "kernel lacks the CQ ring flags word (IORING_CQ_EVENTFD_DISABLED, 5.8)");
	ASSERT_RES(0, iou_evfd_register(&self->dst, self->dst_efd, false));
	iou_evfd_set_disabled(&self->dst, true);
	send_msg(_metadata, &self->src, &self->dst, 0x456, 2, 0, &cqe);
	ASSERT_RES(0, cqe.res);
	expect_message(_metadata, &self->dst, 0x456, 2);
	ASSERT_EQ(0, iou_evfd_collect(self->dst_efd, 0, IOU_WAIT_MS));
	/* the sender's own registration is unaffected */
	ASSERT_EQ(1, iou_evfd_collect(self->src_efd, 1, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
