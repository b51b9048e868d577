// SPDX-License-Identifier: GPL-2.0
/*
 * IOSQE_CQE_SKIP_SUCCESS (5.17, IORING_FEAT_CQE_SKIP): a request that
 * succeeds posts no CQE at all (the CQ tail does not move) though its side
 * effects happen; one that fails posts its CQE as usual.  "Fails" means
 * what breaks a link chain, so a short read, even one returning 0 at EOF,
 * posts its CQE, and an expired timeout posts -ETIME unless it has
 * IORING_TIMEOUT_ETIME_SUCCESS.  An SQE refused at submission posts its
 * error.  A multishot poll cannot skip CQEs: POLL_ADD with
 * IORING_POLL_ADD_MULTI and the flag is refused with -EINVAL, while a
 * single-shot poll that fires is silent.  A successful ASYNC_CANCEL with
 * the flag is silent; its target still posts -ECANCELED.
 */
#include <poll.h>
#include <sys/eventfd.h>

#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_CQE_SKIP);

#define SKIP_OK IOSQE_CQE_SKIP_SUCCESS

FIXTURE(skip) {
	struct iou_ring r;
	int fd;
};

FIXTURE_SETUP(skip)
{
	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 64, 0));
	self->fd = iou_scratch_file("small", 100, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(skip)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(skip, successful_nop_posts_no_cqe)
{
	iou_queue_nop(&self->r, 1, SKIP_OK);
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(skip, cq_tail_moves_only_for_posted_cqes)
{
	unsigned int tail = *self->r.cq_ktail;

	for (int i = 0; i < 32; i++)
		iou_queue_nop(&self->r, 100 + i, SKIP_OK);
	iou_queue_nop(&self->r, 1, 0);
	ASSERT_EQ(33, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
	ASSERT_EQ(tail + 1, iou_load_acquire(self->r.cq_ktail));
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

TEST_F(skip, failed_request_posts_its_cqe)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_fail_enoent(sqe, 1);
	sqe->flags = SKIP_OK;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ENOENT));
}

TEST_F(skip, injected_error_posts_and_injected_value_does_not)
{
	struct io_uring_sqe *sqe;

	REQUIRE_NOP_INJECT();
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop_inject(sqe, 1, 1234);
	sqe->flags = SKIP_OK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop_inject(sqe, 2, -EBADMSG);
	sqe->flags = SKIP_OK;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, -EBADMSG));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(skip, full_read_is_silent_short_read_posts)
{
	char a[100], b[4096];
	struct io_uring_sqe *sqe;

	/* linked, so the short read's CQE also tells the full one is done */
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, a, sizeof(a), 0);
	sqe->user_data = 1;
	sqe->flags = SKIP_OK | IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, self->fd, b, sizeof(b), 0);
	sqe->user_data = 2;
	sqe->flags = SKIP_OK;
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 100));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_TRUE(iou_check_pattern(a, sizeof(a), 0));
	ASSERT_TRUE(iou_check_pattern(b, 100, 0));
}

TEST_F(skip, read_at_eof_posts_cqe_with_zero)
{
	char buf[16];
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_read(sqe, self->fd, buf, sizeof(buf), 100);
	sqe->user_data = 1;
	sqe->flags = SKIP_OK;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
}

TEST_F(skip, successful_write_is_silent_and_done)
{
	char wbuf[50], now[50];
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	memset(wbuf, 'S', sizeof(wbuf));
	iou_prep_write(sqe, self->fd, wbuf, sizeof(wbuf), 10);
	sqe->user_data = 1;
	/* the NOP's CQE then also says the (maybe io-wq) write is done */
	sqe->flags = SKIP_OK | IOSQE_IO_LINK;
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
	ASSERT_EQ(50, pread(self->fd, now, sizeof(now), 10));
	ASSERT_EQ(0, memcmp(wbuf, now, sizeof(now)));
}

TEST_F(skip, sqe_refused_at_submission_posts_its_error)
{
	struct io_uring_sqe *sqe;

	sqe = iou_queue_nop(&self->r, 1, SKIP_OK | 0x80);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EINVAL));
	sqe = iou_queue_nop(&self->r, 2, SKIP_OK);
	sqe->opcode = 0xff;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, -EINVAL));
	iou_queue_nop(&self->r, 3, SKIP_OK | IOSQE_BUFFER_SELECT);
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(3, -EOPNOTSUPP));
}

TEST_F(skip, expired_timeout_posts_etime)
{
	struct __kernel_timespec ts = iou_ts_ms(1);
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_prep_timeout(sqe, &ts, 0, 0);
	sqe->user_data = 1;
	sqe->flags = SKIP_OK;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ETIME));
}

TEST_F(skip, expired_etime_success_timeout_is_silent)
{
	struct __kernel_timespec ts = iou_ts_ms(1);
	struct io_uring_sqe *sqe;

	REQUIRE_TIMEOUT_FLAGS(IORING_TIMEOUT_ETIME_SUCCESS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_ETIME_SUCCESS);
	sqe->user_data = 1;
	sqe->flags = SKIP_OK | IOSQE_IO_LINK;
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	/* the NOP runs after the expiry: only its CQE comes */
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(skip, multishot_poll_with_skip_is_refused)
{
	struct io_uring_sqe *sqe;
	int efd;

	REQUIRE_POLL_MULTISHOT();
	efd = eventfd(1, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_multishot(sqe, efd, POLLIN);
	sqe->user_data = 1;
	sqe->flags = SKIP_OK;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -EINVAL));
	close(efd);
}

TEST_F(skip, oneshot_poll_that_fires_is_silent)
{
	struct io_uring_sqe *sqe;
	int efd = eventfd(1, EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_add(sqe, efd, POLLIN);
	sqe->user_data = 1;
	sqe->flags = SKIP_OK | IOSQE_IO_LINK;
	iou_queue_nop(&self->r, 2, 0);
	ASSERT_EQ(2, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(2, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	close(efd);
}

TEST_F(skip, successful_cancel_is_silent_target_still_posts)
{
	char buf[4];
	struct io_uring_sqe *sqe;
	int p[2];

	ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->user_data = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	sqe = iou_get_sqe(&self->r);
	iou_prep_cancel(sqe, 1, 0);
	sqe->user_data = 2;
	sqe->flags = SKIP_OK;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, -ECANCELED));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
