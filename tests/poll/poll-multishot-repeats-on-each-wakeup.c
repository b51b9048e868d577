// SPDX-License-Identifier: GPL-2.0
/*
 * POLL_ADD waits for its events and, single-shot, completes once;
 * multishot (IORING_POLL_ADD_MULTI, 5.13) posts a CQE with
 * IORING_CQE_F_MORE on every wakeup that finds its events:
 *  - nothing ready: nothing posted (a bounded quiet window);
 *  - armed on a file that is already ready: a CQE at once;
 *  - data left unread raises no further CQE: a CQE is posted per wakeup
 *    (edge), not while the condition holds; the next write is a wakeup;
 *  - POLLHUP and POLLERR arrive unasked: the writer of a pipe going away
 *    completes a poll for POLLIN with POLLHUP, the reader going away one
 *    for POLLOUT with POLLERR;
 *  - a full CQ ring ends it: the wakeup whose CQE found no room posts it
 *    without F_MORE (to the overflow list) and the poll is gone;
 *  - IORING_POLL_ADD_LEVEL is refused (EINVAL) by every kernel: level
 *    triggered poll was never implemented (axboe, liburing#829).
 *    Doc discrepancy: the uapi header defines it as "Level triggered
 *    poll";
 *  - unknown bits in sqe->len, multishot with IOSQE_CQE_SKIP_SUCCESS:
 *    EINVAL.
 */
#include <sys/eventfd.h>

#include "iou.h"
#include "iou_modes.h"
#include "iou_net.h"

#define UD	0x9011000000000001ULL
#define MORE	IORING_CQE_F_MORE

FIXTURE(mpoll) {
	struct iou_ring r;
	int p[2];
};

FIXTURE_VARIANT(mpoll) {
	unsigned int setup_flags;
};

#define IOU_MODES_FIXTURE mpoll
#include "iou_modes.h"

FIXTURE_SETUP(mpoll)
{
	self->p[0] = self->p[1] = -1;
	REQUIRE_POLL_MULTISHOT();
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC | O_NONBLOCK));
}

FIXTURE_TEARDOWN(mpoll)
{
	iou_ring_exit(&self->r);
	iou_close_res(self->p[0]);
	iou_close_res(self->p[1]);
}

static void submit_poll(struct __test_metadata *_metadata, struct iou_ring *r, int fd,
			unsigned int events, unsigned int len)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_poll_add(sqe, fd, events);
	sqe->len = len;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(r));
}

static void write_byte(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(1, write(fd, "x", 1));
}

TEST_F(mpoll, single_shot_completes_once)
{
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	write_byte(_metadata, self->p[1]);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLIN));
	write_byte(_metadata, self->p[1]);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(mpoll, multishot_posts_a_cqe_per_wakeup)
{
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, IORING_POLL_ADD_MULTI);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	for (int i = 0; i < 3; i++) {
		write_byte(_metadata, self->p[1]);
		IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, POLLIN, MORE));
		/* the data stays unread: no wakeup, no CQE */
		ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	}
}

TEST_F(mpoll, armed_on_a_ready_file_posts_at_once)
{
	write_byte(_metadata, self->p[1]);
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, IORING_POLL_ADD_MULTI);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, POLLIN, MORE));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	write_byte(_metadata, self->p[1]);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, POLLIN, MORE));
}

TEST_F(mpoll, writer_going_away_is_pollhup)
{
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	close(self->p[1]);
	self->p[1] = -1;
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLHUP));
}

TEST_F(mpoll, reader_going_away_is_pollerr)
{
	/* a full pipe: the write end is not writable */
	while (write(self->p[1], "xxxxxxxxxxxxxxxx", 16) > 0)
		;
	ASSERT_EQ(EAGAIN, errno);
	submit_poll(_metadata, &self->r, self->p[1], POLLOUT, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	close(self->p[0]);
	self->p[0] = -1;
	/* still full: the error alone */
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, POLLERR));
}

TEST_F(mpoll, multishot_sees_the_hangup_too)
{
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, IORING_POLL_ADD_MULTI);
	write_byte(_metadata, self->p[1]);
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, POLLIN, MORE));
	close(self->p[1]);
	self->p[1] = -1;
	IOU_EXPECT_CQES(&self->r, IOU_CQE_F(UD, POLLIN | POLLHUP, MORE));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(mpoll, level_flag_is_einval)
{
	/* nothing to wait for: the flag is refused before anything else */
	write_byte(_metadata, self->p[1]);
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, IORING_POLL_ADD_LEVEL);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
	submit_poll(_metadata, &self->r, self->p[0], POLLIN,
		    IORING_POLL_ADD_LEVEL | IORING_POLL_ADD_MULTI);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
}

TEST_F(mpoll, unknown_len_bits_are_einval)
{
	write_byte(_metadata, self->p[1]);
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, 1U << 4);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
	/* the update flags belong to POLL_REMOVE */
	submit_poll(_metadata, &self->r, self->p[0], POLLIN, IORING_POLL_UPDATE_EVENTS);
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
}

TEST_F(mpoll, multishot_with_cqe_skip_success_is_einval)
{
	struct io_uring_sqe *sqe;

	REQUIRE_FEATURE(IORING_FEAT_CQE_SKIP);
	write_byte(_metadata, self->p[1]);
	sqe = iou_get_sqe(&self->r);
	iou_prep_poll_multishot(sqe, self->p[0], POLLIN);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(UD, -EINVAL));
}

/* an eventfd's counter stays where it is: every write is a wakeup */
TEST(full_cq_ends_the_multishot)
{
	struct iou_cqe c[8];
	struct iou_ring r;
	int efd, n;

	REQUIRE_POLL_MULTISHOT();
	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	ASSERT_EQ(4, r.cq_entries);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	iou_prep_poll_multishot(iou_get_sqe(&r), efd, POLLIN);
	r.sqes[(r.sqe_tail - 1) & r.sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(&r));
	/* six wakeups, none reaped: four fit, the fifth ends it */
	for (int i = 0; i < 6; i++) {
		ASSERT_EQ(0, eventfd_write(efd, 1));
		/* each wakeup is handled before the next write */
		ASSERT_LE(0, iou_enter(&r, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
	}
	n = iou_reap(&r, c, 5, IOU_WAIT_MS);
	ASSERT_EQ(5, n);
	for (int i = 0; i < 4; i++)
		ASSERT_CQE_AT(c, i, UD, POLLIN, MORE);
	ASSERT_CQE_AT(c, 4, UD, POLLIN, 0);
	ASSERT_EQ(0, eventfd_write(efd, 1));
	ASSERT_NO_CQE(&r, IOU_QUIET_MS);
	close(efd);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
