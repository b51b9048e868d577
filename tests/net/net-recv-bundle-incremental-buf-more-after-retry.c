// SPDX-License-Identifier: GPL-2.0
/*
 * A bundle receive (IORING_RECVSEND_BUNDLE, 6.10) from an incrementally
 * consumed buffer ring (IOU_PBUF_RING_INC, 6.12): each CQE names the
 * buffer its data starts in and carries IORING_CQE_F_BUF_MORE exactly
 * when its data ends inside a buffer (the ring head stays there and the
 * next receive continues in it).  A bundle whose first pass fills every
 * buffer it took while more data is queued may go round again and post
 * one CQE for both passes; its F_BUF_MORE is then the last pass's.
 *
 * Here: 4 buffers of 512 bytes in one contiguous area, 1600 bytes queued
 * on a TCP loopback stream, a first RECV of at most 1024 bytes, then
 * receives until all 1600 arrived.  Kernels that retry give one CQE of
 * 1600 bytes (bid 0) ending 64 bytes into buffer 3, so F_BUF_MORE; others
 * give 1024 (bid 0, buffers 0 and 1 used up: no F_BUF_MORE; data left:
 * IORING_CQE_F_SOCK_NONEMPTY), then 576 (bid 2, F_BUF_MORE); which one a
 * kernel does can vary from run to run.  The data lies in order across
 * the area.
 *
 * Before ed46f39c47eb a retry kept the first pass's F_BUF_MORE (none: its
 * buffers were used up) and dropped the last pass's, so the CQE said
 * buffer 3 was consumed while the kernel kept filling it.
 *
 * Proven (make vm-test, Debian kernels): FAIL on 6.18.5 and 6.19.6 (one
 * CQE of 1600 bytes, flags 0x1: no F_BUF_MORE); pass on 7.0.13, 7.2.13
 * and 6.18.44.  6.12.43 does not
 * retry here (the first receive completes with 1024 bytes), so it cannot
 * show the bug.
 */
#include "iou.h"
#include "iou_net.h"
#include "iou_pbuf.h"

IOU_REQUIRES(.features = IORING_FEAT_RECVSEND_BUNDLE,
	     .fixes = IOU_FIXES(IOU_FIX("ed46f39c47eb", "CVE-2026-53191", "",
			"io_uring/net: inherit IORING_CQE_F_BUF_MORE across bundle recv retries")));

#define BGID	7
#define NBUF	4
#define BUFSZ	512
#define SENT	1600
#define FIRST	1024
#define UD	0xed46000000000001ULL

FIXTURE(bundle) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	int fds[2];
	char *bufs;
};

FIXTURE_SETUP(bundle)
{
	int ret;

	self->fds[0] = self->fds[1] = -1;
	self->bufs = MAP_FAILED;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ret = iou_pbuf_ring_setup(&self->r, &self->pb, NBUF, BGID, IOU_PBUF_RING_INC);
	/* before 6.12 the flag is unknown: EINVAL */
	IOU_REQUIRE(iou_have_by_result(ret, 0, IOU_V(6, 12), "IOU_PBUF_RING_INC",
				       __why, sizeof(__why)));
	self->bufs = mmap(NULL, NBUF * BUFSZ, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
	for (unsigned int i = 0; i < NBUF; i++)
		iou_pbuf_add(&self->pb, self->bufs + i * BUFSZ, BUFSZ, i, i);
	iou_pbuf_advance(&self->pb, NBUF);
	ASSERT_EQ(0, iou_tcp_pair(self->fds));
}

FIXTURE_TEARDOWN(bundle)
{
	iou_close_pair(self->fds);
	iou_pbuf_ring_free(&self->r, &self->pb);
	if (self->bufs != MAP_FAILED)
		munmap(self->bufs, NBUF * BUFSZ);
	iou_ring_exit(&self->r);
}

static void send_pattern(struct __test_metadata *_metadata, int fd, size_t len, size_t off)
{
	char buf[SENT];

	iou_fill_pattern(buf, len, off);
	ASSERT_EQ((ssize_t)len, send(fd, buf, len, 0));
}

static struct iou_cqe recv_bundle(struct __test_metadata *_metadata, struct iou_ring *r,
				  int fd, unsigned int len)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe = { 0 };

	iou_prep_recv(sqe, fd, NULL, len, 0);
	sqe->ioprio = IORING_RECVSEND_BUNDLE;
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = UD;
	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	EXPECT_EQ(UD, cqe.user_data);
	return cqe;
}

TEST_F(bundle, buf_more_marks_a_partly_used_last_buffer)
{
	unsigned int total = 0, cqes = 0;

	send_pattern(_metadata, self->fds[1], SENT, 0);
	ASSERT_EQ(SENT, iou_sock_wait_queued(self->fds[0], SENT, IOU_WAIT_MS));

	while (total < SENT && cqes < NBUF) {
		struct iou_cqe cqe = recv_bundle(_metadata, &self->r, self->fds[0],
						 cqes ? 0 : FIRST);
		unsigned int end;

		ASSERT_LT(0, cqe.res) TH_LOG("receive %u after %u bytes", cqes, total);
		ASSERT_LE(total + (unsigned int)cqe.res, SENT);
		end = total + (unsigned int)cqe.res;
		/*
		 * the buffer its data starts in; F_BUF_MORE iff it ends inside
		 * one; F_SOCK_NONEMPTY iff data is left in the socket
		 */
		ASSERT_EQ(iou_pbuf_cqe_flags(total / BUFSZ,
					     (end % BUFSZ ? IORING_CQE_F_BUF_MORE : 0) |
					     (end < SENT ? IORING_CQE_F_SOCK_NONEMPTY : 0)),
			  cqe.flags)
			TH_LOG("CQE %u: res %d, flags %#x", cqes, cqe.res, cqe.flags);
		total = end;
		cqes++;
	}
	ASSERT_EQ(SENT, total);
	ASSERT_TRUE(iou_check_pattern(self->bufs, SENT, 0));

	/* buffer 3 still has 448 bytes: the next receive continues there */
	send_pattern(_metadata, self->fds[1], 100, SENT);
	ASSERT_EQ(100, iou_sock_wait_queued(self->fds[0], 100, IOU_WAIT_MS));
	struct iou_cqe cqe = recv_bundle(_metadata, &self->r, self->fds[0], 0);

	ASSERT_RES(100, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(3, IORING_CQE_F_BUF_MORE), cqe.flags)
		TH_LOG("flags %#x", cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs + SENT, 100, SENT));
}

TEST_HARNESS_MAIN
