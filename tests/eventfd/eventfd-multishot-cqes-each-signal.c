// SPDX-License-Identifier: GPL-2.0
/*
 * A multishot request posts a CQE (IORING_CQE_F_MORE) per event and one
 * without F_MORE when it ends; every posting that reaches the CQ ring is
 * signalled on a plain registration, the terminating one included, and a
 * burst handled in one task-work run is one signal at least and never
 * more signals than CQEs.  An EVENTFD_ASYNC registration sees none of a
 * poll multishot's CQEs: they are posted from task work, not io-wq.
 *
 * Multishot poll came in 5.13 and multishot timeouts in 6.4; where the
 * kernel rejects the request with EINVAL the case SKIPs.
 */
#include <fcntl.h>
#include <poll.h>

#include "iou.h"
#include "iou_eventfd.h"

FIXTURE(multishot) {
	struct iou_ring r;
	int efd;
	int pfd[2];
};

FIXTURE_SETUP(multishot)
{
	IOU_EVFD_FIXTURE_CLEAR(self);
	ASSERT_EQ(0, iou_ring_init(&self->r, 32, 0));
	IOU_EVFD_FIXTURE_OPEN(self, iou_evfd_create(0));
}

FIXTURE_TEARDOWN(multishot)
{
	IOU_EVFD_FIXTURE_CLOSE(self);
}

/* Arm a multishot poll for POLLIN; false if the kernel has none (5.13). */
static bool arm_multishot_poll(struct __test_metadata *_metadata,
			       struct iou_ring *r, int fd, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct io_uring_cqe *c;

	iou_prep_poll_multishot(sqe, fd, POLLIN);
	sqe->user_data = ud;
	EXPECT_EQ(1, iou_submit(r));
	if (iou_peek_cqe(r, &c) == 0 && c->user_data == ud && c->res == -EINVAL) {
		iou_cqe_seen(r, c);
		return false;
	}
	return true;
}

static void fire(struct __test_metadata *_metadata, struct iou_ring *r,
		 int pfd[2], __u64 ud)
{
	struct iou_cqe cqe;
	char buf[8];

	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, cqe.user_data);
	ASSERT_RES(POLLIN, cqe.res);
	ASSERT_EQ(IORING_CQE_F_MORE, cqe.flags);
	/* drain, so the next write is a new event */
	ASSERT_EQ(1, read(pfd[0], buf, sizeof(buf)));
}

TEST_F(multishot, each_multishot_poll_cqe_signals)
{
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
	if (!arm_multishot_poll(_metadata, &self->r, self->pfd[0], 1))
		SKIP(return, "kernel lacks IORING_POLL_ADD_MULTI (5.13)");
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	for (unsigned int i = 0; i < 3; i++) {
		fire(_metadata, &self->r, self->pfd, 1);
		ASSERT_EQ(1, iou_evfd_take(self->efd));
	}
}

TEST_F(multishot, terminating_cqe_signals_too)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	long long n;

	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
	if (!arm_multishot_poll(_metadata, &self->r, self->pfd[0], 2))
		SKIP(return, "kernel lacks IORING_POLL_ADD_MULTI (5.13)");
	fire(_metadata, &self->r, self->pfd, 2);
	ASSERT_EQ(1, iou_evfd_take(self->efd));

	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_remove(sqe, 2);
	sqe->user_data = 3;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 2; i++) {
		if (cqe[i].user_data == 2) {
			/* the request's last CQE: no F_MORE */
			ASSERT_RES(-ECANCELED, cqe[i].res);
			ASSERT_EQ(0, cqe[i].flags);
		} else {
			ASSERT_EQ(3, cqe[i].user_data);
			ASSERT_RES(0, cqe[i].res);
			ASSERT_EQ(0, cqe[i].flags);
		}
	}
	ASSERT_NE(cqe[0].user_data, cqe[1].user_data);
	/* removal and cancellation may be one flush or two */
	n = iou_evfd_collect(self->efd, 1, IOU_WAIT_MS);
	ASSERT_LE(1, n);
	ASSERT_GE(2, n);
	/* and nothing follows the end */
	ASSERT_EQ(1, write(self->pfd[1], "x", 1));
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(multishot, async_registration_ignores_multishot_poll_cqes)
{
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, true));
	if (!arm_multishot_poll(_metadata, &self->r, self->pfd[0], 4))
		SKIP(return, "kernel lacks IORING_POLL_ADD_MULTI (5.13)");
	for (unsigned int i = 0; i < 3; i++)
		fire(_metadata, &self->r, self->pfd, 4);
	ASSERT_EQ(0, iou_evfd_collect(self->efd, 0, IOU_WAIT_MS));
}

TEST_F(multishot, multishot_timeout_expiries_signal)
{
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[3];
	long long n;

	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, false));
	sqe = iou_get_sqe(&self->r);
	/* off = 3: three expiries, then the request ends */
	iou_prep_timeout(sqe, &ts, 3, IORING_TIMEOUT_MULTISHOT);
	sqe->user_data = 5;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, cqe, 1, IOU_WAIT_MS));
	if (cqe[0].res == -EINVAL)
		SKIP(return, "kernel lacks IORING_TIMEOUT_MULTISHOT (6.4)");
	ASSERT_EQ(2, iou_reap(&self->r, cqe + 1, 2, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(5, cqe[i].user_data);
		ASSERT_RES(-ETIME, cqe[i].res);
		ASSERT_EQ(i < 2 ? IORING_CQE_F_MORE : 0, cqe[i].flags);
	}
	/*
	 * Each expiry is posted by task work; under load two may be run,
	 * and flushed, together.  At least one signal, at most one per CQE.
	 */
	n = iou_evfd_collect(self->efd, 3, IOU_QUIET_MS);
	ASSERT_LE(1, n);
	ASSERT_GE(3, n);
}

TEST_HARNESS_MAIN
