// SPDX-License-Identifier: GPL-2.0
/*
 * Each IORING_FEAT_* bit that io_uring_setup() reports promises a
 * behaviour; every case checks one promise on a ring of this kernel (and
 * skips where the bit is not reported):
 *  NODROP          completions beyond the CQ size are kept, not dropped;
 *  SUBMIT_STABLE   data an SQE points to may be reused once submitted;
 *  RW_CUR_POS      offset -1 reads at, and advances, the file position;
 *  CUR_PERSONALITY a request runs with the submitter's credentials;
 *  FAST_POLL       a read that must wait is parked on poll, not on an
 *                  io-wq worker (workers are iou-wrk-* threads of this
 *                  process: NATIVE_WORKERS);
 *  EXT_ARG         io_uring_enter() takes a timeout (ETIME when it ends);
 *  CQE_SKIP        IOSQE_CQE_SKIP_SUCCESS suppresses a successful CQE;
 *  LINKED_FILE     a linked request resolves its fd when it runs;
 *  REG_REG_RING    io_uring_register() accepts a registered ring index;
 *  RSRC_TAGS       a tagged registered file posts its tag when replaced;
 *  NO_IOWAIT       IORING_ENTER_NO_IOWAIT is accepted for a wait.
 * SINGLE_MMAP has its own program (setup-single-mmap-sq-and-cq-share-pages),
 * SQPOLL_NONFIXED and NATIVE_WORKERS' SQPOLL side are checked in
 * setup-sqpoll-thread-submits-without-enter.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
};

FIXTURE_SETUP(ring)
{
	ASSERT_RES(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(ring)
{
	iou_ring_exit(&self->r);
}

static struct io_uring_sqe *sqe_ud(struct iou_ring *r, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	sqe->user_data = ud;
	return sqe;
}

TEST_F(ring, nodrop_keeps_completions_beyond_the_cq)
{
	struct iou_cqe cqe[12];

	REQUIRE_FEATURE(IORING_FEAT_NODROP);
	/* CQ of 8: post 12 without reaping */
	for (unsigned int round = 0; round < 3; round++) {
		for (unsigned int i = 0; i < 4; i++)
			iou_prep_nop(iou_get_sqe(&self->r), round * 4 + i);
		ASSERT_EQ(4, iou_submit(&self->r));
	}
	ASSERT_EQ(8, iou_cq_ready(&self->r));
	ASSERT_EQ(12, iou_reap(&self->r, cqe, 12, IOU_WAIT_MS));
	for (unsigned int i = 0; i < 12; i++)
		ASSERT_EQ(i, cqe[i].user_data);
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

TEST_F(ring, submit_stable_iovec_may_be_reused_after_submit)
{
	char data[8] = { 0 }, other[8] = { 0 };
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct iou_cqe cqe;
	int fds[2];

	REQUIRE_FEATURE(IORING_FEAT_SUBMIT_STABLE);
	ASSERT_EQ(0, pipe(fds));
	/* the pipe is empty: the read waits beyond the submit */
	iou_prep_readv(sqe_ud(&self->r, 0x57ab), fds[0], &iov, 1, 0);
	self->r.sqes[0].user_data = 0x57ab;
	ASSERT_EQ(1, iou_submit(&self->r));
	iov.iov_base = other;
	iov.iov_len = 1;
	ASSERT_EQ(8, write(fds[1], "stable!", 8));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x57ab, cqe.user_data);
	ASSERT_RES(8, cqe.res);
	ASSERT_STREQ("stable!", data);
	ASSERT_EQ(0, other[0]);
	close(fds[0]);
	close(fds[1]);
}

TEST_F(ring, rw_cur_pos_offset_minus_one_uses_file_position)
{
	char buf[100];
	struct iou_cqe cqe;
	int fd;

	REQUIRE_FEATURE(IORING_FEAT_RW_CUR_POS);
	fd = iou_scratch_file("pos", 4096, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1000, lseek(fd, 1000, SEEK_SET));
	for (unsigned int i = 0; i < 2; i++) {
		iou_prep_read(sqe_ud(&self->r, i), fd, buf, sizeof(buf), (__u64)-1);
		self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = i;
		ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
		ASSERT_RES(100, cqe.res);
		ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 1000 + 100 * i));
	}
	ASSERT_EQ(1200, lseek(fd, 0, SEEK_CUR));
	close(fd);
}

TEST_F(ring, cur_personality_uses_submitter_credentials)
{
	const char *path;
	struct iou_cqe cqe;
	int fd, pid;

	REQUIRE_FEATURE(IORING_FEAT_CUR_PERSONALITY);
	REQUIRE_ROOT();
	fd = iou_scratch_file("secret", 16, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0600));
	close(fd);
	path = iou_scratch_path("secret");
	/* the ring was created by root; the child submits as nobody-like */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		ASSERT_EQ(0, iou_drop_privileges(iou_private_uid(), iou_private_uid()));
		iou_prep_openat(iou_get_sqe(&self->r), AT_FDCWD, path, O_RDONLY, 0);
		ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
		ASSERT_RES(-EACCES, cqe.res);
		_exit(0);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	/* the same request from root succeeds */
	self->r.sqe_head = self->r.sqe_tail = *self->r.sq_ktail;
	iou_prep_openat(iou_get_sqe(&self->r), AT_FDCWD, path, O_RDONLY, 0);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_LE(0, cqe.res);
	close(cqe.res);
}

TEST_F(ring, fast_poll_parks_waiting_read_without_worker)
{
	struct iou_cqe cqe;
	char a[4], b[4];
	int fds[2];

	REQUIRE_FEATURE(IORING_FEAT_FAST_POLL);
	REQUIRE_FEATURE(IORING_FEAT_NATIVE_WORKERS);
	ASSERT_EQ(0, pipe(fds));
	iou_prep_read(sqe_ud(&self->r, 1), fds[0], a, sizeof(a), 0);
	self->r.sqes[0].user_data = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	/* no worker blocks on it (20 ms window) */
	usleep(20 * 1000);
	ASSERT_EQ(0, iou_threads("iou-wrk-", NULL, 0));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	/* the same read forced async does take an io-wq worker */
	iou_prep_read(iou_get_sqe(&self->r), fds[0], b, sizeof(b), 0);
	self->r.sqes[1].user_data = 2;
	self->r.sqes[1].flags = IOSQE_ASYNC;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_wait_threads("iou-wrk-", 1, IOU_WAIT_MS));
	ASSERT_EQ(8, write(fds[1], "12345678", 8));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_RES(4, cqe.res);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_RES(4, cqe.res);
	close(fds[0]);
	close(fds[1]);
}

TEST_F(ring, ext_arg_wait_times_out_with_etime)
{
	struct __kernel_timespec ts = iou_ts_ms(10);
	struct io_uring_getevents_arg arg = { .ts = (__u64)(uintptr_t)&ts };
	uint64_t t0 = iou_now_ns();

	REQUIRE_FEATURE(IORING_FEAT_EXT_ARG);
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS |
				     IORING_ENTER_EXT_ARG, &arg, sizeof(arg)));
	/* it did wait (at least the 10 ms asked) */
	ASSERT_LE(10, iou_ms_since(t0));
}

TEST_F(ring, no_iowait_wait_accepted)
{
	struct __kernel_timespec ts = iou_ts_ms(1);
	struct io_uring_getevents_arg arg = { .ts = (__u64)(uintptr_t)&ts };

	REQUIRE_FEATURE(IORING_FEAT_NO_IOWAIT);
	ASSERT_RES(-ETIME, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS |
				     IORING_ENTER_EXT_ARG | IORING_ENTER_NO_IOWAIT,
				     &arg, sizeof(arg)));
}

TEST_F(ring, cqe_skip_suppresses_successful_cqe_only)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];

	REQUIRE_FEATURE(IORING_FEAT_CQE_SKIP);
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 1);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 2);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	sqe->opcode = 0xff;	/* no such opcode: fails, so it does post */
	/* a request failed at prep ends the batch: submit it last */
	ASSERT_EQ(2, iou_submit(&self->r));
	iou_prep_nop(iou_get_sqe(&self->r), 3);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_EQ(2, cqe[0].user_data);
	ASSERT_RES(-EINVAL, cqe[0].res);
	ASSERT_EQ(3, cqe[1].user_data);
	ASSERT_RES(0, cqe[1].res);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(ring, linked_file_resolved_when_the_request_runs)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	char buf[64];
	int src, fd;

	REQUIRE_FEATURE(IORING_FEAT_LINKED_FILE);
	src = iou_scratch_file("linked", 4096, 0);
	ASSERT_LE(0, src);
	close(src);
	/* the descriptor OPENAT will get is not open when READ is queued */
	fd = iou_lowest_free_fd();
	ASSERT_LE(0, fd);
	sqe = iou_get_sqe(&self->r);
	iou_prep_openat(sqe, AT_FDCWD, iou_scratch_path("linked"), O_RDONLY, 0);
	sqe->user_data = 1;
	sqe->flags = IOSQE_IO_LINK;
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, fd, buf, sizeof(buf), 64);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_EQ(1, cqe[0].user_data);
	ASSERT_RES(fd, cqe[0].res);
	ASSERT_EQ(2, cqe[1].user_data);
	ASSERT_RES(64, cqe[1].res);
	ASSERT_TRUE(iou_check_pattern(buf, sizeof(buf), 64));
	close(fd);
}

TEST_F(ring, reg_reg_ring_register_by_index)
{
	struct io_uring_probe *probe;

	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	ASSERT_RES(0, iou_ring_register_fd(&self->r));
	ASSERT_EQ(IORING_REGISTER_USE_REGISTERED_RING, self->r.register_flags);
	probe = calloc(1, sizeof(*probe) + 256 * sizeof(probe->ops[0]));
	ASSERT_NE(NULL, probe);
	/* the index, not a descriptor, names the ring here */
	ASSERT_EQ(0, sys_io_uring_register(self->r.enter_fd,
					   IORING_REGISTER_PROBE |
					   IORING_REGISTER_USE_REGISTERED_RING,
					   probe, 256));
	ASSERT_LT(IORING_OP_NOP, probe->last_op);
	free(probe);
}

TEST_F(ring, rsrc_tags_posted_when_file_replaced)
{
	int fds[2], none = -1;
	__u64 tags[2] = { 0x7a61, 0 };
	struct io_uring_rsrc_register reg = {
		.nr = 2,
		.data = (__u64)(uintptr_t)fds,
		.tags = (__u64)(uintptr_t)tags,
	};
	struct io_uring_rsrc_update2 up = {
		.offset = 0,
		.data = (__u64)(uintptr_t)&none,
		.nr = 1,
	};
	struct iou_cqe cqe;

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_EQ(0, pipe(fds));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES2, &reg,
				   sizeof(reg)));
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	/*
	 * Emptying the tagged slot releases its file: the tag comes back as
	 * a CQE (user_data = tag, res 0) once the kernel let go of it.
	 */
	ASSERT_RES(1, iou_register(&self->r, IORING_REGISTER_FILES_UPDATE2, &up,
				   sizeof(up)));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x7a61, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/* the untagged slot posts nothing when emptied */
	up.offset = 1;
	ASSERT_RES(1, iou_register(&self->r, IORING_REGISTER_FILES_UPDATE2, &up,
				   sizeof(up)));
	ASSERT_EQ(0, iou_reap(&self->r, &cqe, 1, 50));
	close(fds[0]);
	close(fds[1]);
}

TEST_HARNESS_MAIN
