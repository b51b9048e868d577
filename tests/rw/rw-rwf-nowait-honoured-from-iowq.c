// SPDX-License-Identifier: GPL-2.0
/*
 * RWF_NOWAIT in sqe->rw_flags means what it means for preadv2(2): if the
 * data is not there without blocking, complete with -EAGAIN.  Issued
 * inline the opcode does so; issued from an io-wq worker (IOSQE_ASYNC) it
 * must too, instead of blocking until data comes.
 *
 * Finding: __io_read() clears IOCB_NOWAIT whenever it issues from a
 * blocking context ("Ensure we clear previously set non-block flag"),
 * which also drops the caller's RWF_NOWAIT: an IOSQE_ASYNC read with
 * RWF_NOWAIT on an empty pipe blocks until a writer comes, and one on
 * file data that is not cached reads it from disk.  Seen on 6.18.44; the
 * code is the same in 6.1, 6.12 and 7.3.  No upstream fix known.
 */
#include "iou.h"

#define UD_READ		0x4e0a000000000001ULL

FIXTURE(nowait) {
	struct iou_ring r;
	int p[2];
};

FIXTURE_VARIANT(nowait) {
	unsigned int sqe_flags;
};

FIXTURE_VARIANT_ADD(nowait, inline) { .sqe_flags = 0 };
FIXTURE_VARIANT_ADD(nowait, iowq) { .sqe_flags = IOSQE_ASYNC };

FIXTURE_SETUP(nowait)
{
	self->p[0] = self->p[1] = -1;
	REQUIRE_OPCODE(IORING_OP_READ);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	/* a blocking pipe: only RWF_NOWAIT keeps a read from waiting */
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
}

FIXTURE_TEARDOWN(nowait)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 2; i++)
		if (self->p[i] >= 0)
			close(self->p[i]);
}

/* submit a RWF_NOWAIT read; its res, or INT32_MIN if none came within ms */
static int nowait_read(struct iou_ring *r, int fd, void *buf, unsigned int len,
		       __u64 off, unsigned int sqe_flags, unsigned int ms)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	struct iou_cqe cqe;

	iou_prep_read(sqe, fd, buf, len, off);
	sqe->rw_flags = RWF_NOWAIT;
	sqe->flags = (__u8)sqe_flags;
	sqe->user_data = UD_READ;
	if (iou_submit(r) != 1 || iou_reap(r, &cqe, 1, ms) != 1)
		return INT32_MIN;
	return cqe.user_data == UD_READ && cqe.flags == 0 ? cqe.res : INT32_MIN + 1;
}

TEST_F(nowait, empty_pipe_read_is_what_preadv2_gives)
{
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	int res, twin;

	/*
	 * The twin: EAGAIN where pipes take RWF_NOWAIT (FMODE_NOWAIT, 6.x),
	 * EOPNOTSUPP where they do not (6.1); the opcode must say the same.
	 */
	twin = preadv2(self->p[0], &iov, 1, -1, RWF_NOWAIT) < 0 ? -errno : 0;
	if (twin != -EAGAIN)
		ASSERT_RES(-EOPNOTSUPP, twin);
	/* an -EAGAIN from io-wq takes microseconds: a second is generous */
	res = nowait_read(&self->r, self->p[0], buf, sizeof(buf), (__u64)-1,
			  variant->sqe_flags, iou_scaled_ms(1000));
	if (res == INT32_MIN) {
		struct iou_cqe cqe;

		TH_LOG("the RWF_NOWAIT read is still waiting for data: let it finish");
		ASSERT_EQ(3, write(self->p[1], "abc", 3));
		ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
		TH_LOG("it then completed with %s", iou_res_str(cqe.res));
	}
	ASSERT_RES(twin, res);
}

TEST_F(nowait, uncached_file_data_is_eagain)
{
	char buf[4096];
	struct iovec iov = { buf, sizeof(buf) };
	int fd = iou_scratch_file("data", 8 << 20, 0);
	ssize_t ret;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fsync(fd));
	ASSERT_EQ(0, posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
	errno = 0;
	/* the twin, far from where the opcode reads: its miss starts readahead */
	ret = preadv2(fd, &iov, 1, 0, RWF_NOWAIT);
	if (ret != -1 || errno != EAGAIN) {
		close(fd);
		SKIP(return, "after fsync and POSIX_FADV_DONTNEED the scratch file's data still reads without blocking (preadv2 RWF_NOWAIT gave %zd %s)",
		     ret, ret < 0 ? iou_errno_name(errno) : "");
	}
	ASSERT_RES(-EAGAIN, nowait_read(&self->r, fd, buf, sizeof(buf), 6 << 20,
					variant->sqe_flags, IOU_WAIT_MS));
	close(fd);
}

TEST_HARNESS_MAIN
