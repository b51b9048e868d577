// SPDX-License-Identifier: GPL-2.0
/*
 * A multishot RECVMSG whose header (struct io_uring_recvmsg_out, the name
 * room and the control room) would not fit in an int is refused with
 * EOVERFLOW before anything is received: a negative msg_namelen, a name
 * room or a control room that overflows the sum.  The control room check
 * once truncated the size to an int and let a huge msg_controllen through
 * (8ede3db5061b "io_uring/net: fix overflow check in
 * io_recvmsg_mshot_prep()", CVE-2024-35827; Debian's 6.1.y has it since
 * 6.1.83).  Shown to pass on 6.1.192, 6.12 and 6.18; the unfixed code
 * writes the header out of the buffer's bounds, hence unsafe.
 */
#include <limits.h>

#include "iou.h"
#include "iou_net.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("8ede3db5061b", "CVE-2024-35827", "",
					"io_uring/net: fix overflow check in io_recvmsg_mshot_prep()")),
	     .unsafe = "an unfixed kernel lays a huge header out past the provided buffer");

#define UD	0x0f10000000000001ULL

FIXTURE(overflow) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	int fds[2];
	unsigned char buf[256];
};

FIXTURE_VARIANT(overflow) {
	int namelen;
	size_t controllen;
};

FIXTURE_VARIANT_ADD(overflow, negative_name_room) { .namelen = -1 };
FIXTURE_VARIANT_ADD(overflow, name_room_past_int) { .namelen = INT_MAX };
FIXTURE_VARIANT_ADD(overflow, control_room_past_int) { .controllen = INT_MAX - 8 };
FIXTURE_VARIANT_ADD(overflow, control_room_past_32_bits) { .controllen = (1ULL << 32) + 64 };

FIXTURE_SETUP(overflow)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	REQUIRE_RECV_MULTISHOT(IORING_OP_RECVMSG);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &self->pb, 1, 1, 0));
	iou_pbuf_add(&self->pb, self->buf, sizeof(self->buf), 0, 0);
	iou_pbuf_advance(&self->pb, 1);
	ASSERT_EQ(0, iou_sock_pair(IOU_UDP, self->fds));
}

FIXTURE_TEARDOWN(overflow)
{
	iou_pbuf_ring_free(&self->r, &self->pb);
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

TEST_F(overflow, header_overflow_is_eoverflow)
{
	struct msghdr m = { .msg_namelen = (socklen_t)variant->namelen,
			    .msg_controllen = variant->controllen };
	struct io_uring_sqe *sqe;
	unsigned char c;

	ASSERT_EQ(1, send(self->fds[1], "x", 1, 0));
	/* it has arrived (loopback can defer delivery to softirq) */
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = self->fds[0], .events = POLLIN }, 1,
			  (int)IOU_WAIT_MS));
	sqe = iou_get_sqe(&self->r);
	iou_prep_recvmsg(sqe, self->fds[0], &m, 0);
	sqe->ioprio = IORING_RECV_MULTISHOT;
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = 1;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EOVERFLOW));
	/* nothing was received, the buffer is untouched */
	ASSERT_EQ(1, recv(self->fds[0], &c, 1, MSG_DONTWAIT));
	for (unsigned int i = 0; i < sizeof(self->buf); i++)
		ASSERT_EQ(0, self->buf[i]);
}

TEST_HARNESS_MAIN
