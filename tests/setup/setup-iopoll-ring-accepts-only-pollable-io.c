// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_IOPOLL (and IORING_SETUP_HYBRID_IOPOLL, which needs it):
 * completions are found by polling the device, not by interrupts.
 *  - only opcodes that can be polled (or complete inline, like NOP from
 *    6.0 on) are accepted; others (POLL_ADD, TIMEOUT) fail with EINVAL;
 *  - read/write must be O_DIRECT on a file whose driver can poll:
 *    buffered I/O fails with EOPNOTSUPP;
 *  - io_uring_enter(GETEVENTS) with nothing in flight returns at once;
 *  - an O_DIRECT read on a device with poll queues completes with the
 *    data.  Where the device behind $TMPDIR has no poll queues (sysfs
 *    queue/io_poll = 0) the kernel refuses the polled bio with
 *    EOPNOTSUPP and that case is skipped, saying so.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "iou.h"
#include "iou_versions.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_IOPOLL);

FIXTURE(ring) {
	struct iou_ring r;
	bool up;
};

FIXTURE_VARIANT(ring) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(ring, iopoll) { .flags = IORING_SETUP_IOPOLL };
FIXTURE_VARIANT_ADD(ring, hybrid_iopoll) {
	.flags = IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL };

FIXTURE_SETUP(ring)
{
	/* IORING_SETUP_IOPOLL itself is a requirement of the program */
	REQUIRE_SETUP_FLAGS(variant->flags);
	ASSERT_RES(0, iou_ring_init(&self->r, 4, variant->flags));
	self->up = true;
}

FIXTURE_TEARDOWN(ring)
{
	if (self->up)
		iou_ring_exit(&self->r);
}

/* 1 if the block queue behind fd can poll, 0 if not, -1 unknown */
static int queue_can_poll(int fd)
{
	static const char *const rel[] = { "queue/io_poll", "../queue/io_poll" };
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	for (unsigned int i = 0; i < 2; i++) {
		char path[128], c[8];

		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s",
			 major(st.st_dev), minor(st.st_dev), rel[i]);
		if (iou_read_file(path, c, sizeof(c)) < 0)
			continue;
		if (c[0] == '0' || c[0] == '1')
			return c[0] - '0';
	}
	return -1;
}

TEST_F(ring, nop_completes)
{
	struct iou_cqe cqe;

	if (!iou_iopoll_takes_nop())
		SKIP(return, "kernel before 6.0 refuses NOP on an IOPOLL ring");
	iou_prep_nop(iou_get_sqe(&self->r), 0x1010);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_EQ(0x1010, cqe.user_data);
	ASSERT_RES(0, cqe.res);
}

TEST_F(ring, opcodes_that_cannot_poll_give_einval)
{
	struct __kernel_timespec ts = iou_ts_ms(1);
	struct iou_cqe cqe[2];
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	/* one at a time: a request refused at init ends the batch */
	iou_prep_poll_add(iou_get_sqe(&self->r), fds[0], POLLIN);
	self->r.sqes[0].user_data = 1;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe[0], 1));
	iou_prep_timeout(iou_get_sqe(&self->r), &ts, 0, 0);
	self->r.sqes[1].user_data = 2;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe[1], 1));
	ASSERT_EQ(1, cqe[0].user_data);
	ASSERT_RES(-EINVAL, cqe[0].res);
	ASSERT_EQ(2, cqe[1].user_data);
	ASSERT_RES(-EINVAL, cqe[1].res);
	close(fds[0]);
	close(fds[1]);
}

TEST_F(ring, buffered_read_gives_eopnotsupp)
{
	struct iou_cqe cqe;
	char buf[4096];
	int fd = iou_scratch_file("buffered", 8192, 0);

	ASSERT_LE(0, fd);
	iou_prep_read(iou_get_sqe(&self->r), fd, buf, sizeof(buf), 0);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_RES(-EOPNOTSUPP, cqe.res);
	close(fd);
}

TEST_F(ring, getevents_with_nothing_in_flight_returns_at_once)
{
	uint64_t t0 = iou_now_ns();

	/* min_complete 1 but nothing to poll: no sleep (bound: 1 s) */
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_GT(1000, iou_ms_since(t0));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(ring, direct_read_completes_by_polling)
{
	struct iou_cqe cqe;
	void *buf = NULL;
	int fd, dfd, can_poll;

	fd = iou_scratch_file("direct", 8192, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fsync(fd));
	dfd = open(iou_scratch_path("direct"), O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (dfd < 0 && errno == EINVAL)
		SKIP(goto out, "filesystem of $TMPDIR has no O_DIRECT");
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 4096));
	memset(buf, 0, 4096);
	iou_prep_read(iou_get_sqe(&self->r), dfd, buf, 4096, 4096);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	can_poll = queue_can_poll(dfd);
	if (cqe.res == -EOPNOTSUPP && can_poll != 1)
		SKIP(goto done, "block device behind $TMPDIR has no poll queues "
		     "(queue/io_poll=%d): polled O_DIRECT read refused (EOPNOTSUPP)",
		     can_poll);
	ASSERT_RES(4096, cqe.res);
	ASSERT_TRUE(iou_check_pattern(buf, 4096, 4096));
done:
	free(buf);
	close(dfd);
out:
	close(fd);
}

TEST_HARNESS_MAIN
