// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_SYNC_CANCEL (6.0) cancels like IORING_OP_ASYNC_CANCEL
 * but from io_uring_register, returning the result directly: 0 when a
 * match was cancelled (the target's -ECANCELED CQE is posted), the count
 * with CANCEL_ALL/ANY, -ENOENT (errno) when nothing matched; keys by
 * user_data, file (FD, FD_FIXED) and opcode (OP, 6.6) as the SQE form;
 * the opcode key is probed apart from the SQE flag (Debian's 6.1.192 has
 * the flag but not the argument's opcode field, iou_cancel.h).
 * For a request io-wq is running it waits until the request is gone,
 * without a time limit when the timeout is {-1, -1}, or fails with ETIME
 * when its timeout passes first.  Bad arguments: unknown flags or
 * non-zero padding EINVAL, unreadable argument EFAULT, a NULL argument or
 * nr_args other than 1 EINVAL, a descriptor not open EBADF.
 *
 * Timing tolerance: a 10 ms sync-cancel timeout returns ETIME no sooner
 * than 9 ms and while the (about 80 ms) request still runs.
 */
#include <poll.h>

#include "iou.h"
#define IOU_CANCEL_RING_REQUIRES REQUIRE_REGISTER_OP(IORING_REGISTER_SYNC_CANCEL)
#include "iou_cancel.h"

/* the poll ud is now posted with -ECANCELED */
#define ASSERT_CANCELLED(r, ud) do {					\
	struct iou_cqe __c;						\
	ASSERT_EQ(1, iou_reap((r), &__c, 1, IOU_WAIT_MS));		\
	ASSERT_CQE_AT(&__c, 0, (ud), -ECANCELED, 0);			\
	} while (0)

TEST_F(ring, cancels_by_user_data_and_returns_zero)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(1, 0);

	iou_queue_poll(&self->r, self->a[0], 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_CANCELLED(&self->r, 1);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_F(ring, nothing_matching_is_enoent)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(9, 0);

	iou_queue_poll(&self->r, self->a[0], 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(-ENOENT, iou_sync_cancel(&self->r, &reg));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	reg.addr = 1;
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_CANCELLED(&self->r, 1);
}

TEST_F(ring, all_and_any_return_the_count)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(5, IORING_ASYNC_CANCEL_ALL);
	struct iou_cqe cqe[3];

	iou_queue_poll(&self->r, self->a[0], 5);
	iou_queue_poll(&self->r, self->b[0], 5);
	iou_queue_poll(&self->r, self->b[0], 6);
	ASSERT_EQ(3, iou_submit(&self->r));
	ASSERT_EQ(2, iou_sync_cancel(&self->r, &reg));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_CQE_AT(cqe, 0, 5, -ECANCELED, 0);
	ASSERT_CQE_AT(cqe, 1, 5, -ECANCELED, 0);
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	reg = iou_sync_cancel_arg(0, IORING_ASYNC_CANCEL_ANY);
	ASSERT_EQ(1, iou_sync_cancel(&self->r, &reg));
	ASSERT_CANCELLED(&self->r, 6);
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
}

TEST_F(ring, cancels_by_fd_and_by_fixed_slot)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(0, IORING_ASYNC_CANCEL_FD);
	int files[1] = { self->b[0] };

	iou_queue_poll(&self->r, self->a[0], 1);
	iou_queue_poll(&self->r, self->b[0], 2);
	ASSERT_EQ(2, iou_submit(&self->r));
	reg.fd = self->a[0];
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_CANCELLED(&self->r, 1);
	ASSERT_EQ(-ENOENT, iou_sync_cancel(&self->r, &reg));
	ASSERT_EQ(0, iou_register(&self->r, IORING_REGISTER_FILES, files, 1));
	reg.fd = 0;
	reg.flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_FD_FIXED;
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_CANCELLED(&self->r, 2);
	reg.fd = 1;	/* past the table */
	ASSERT_EQ(-EBADF, iou_sync_cancel(&self->r, &reg));
}

TEST_F(ring, cancels_by_opcode)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(0, IORING_ASYNC_CANCEL_OP);
	struct __kernel_timespec far = iou_ts_ms(10000);
	struct io_uring_sqe *sqe;

	REQUIRE_CANCEL_FLAGS(IORING_ASYNC_CANCEL_OP);
	/* a kernel may take the SQE flag without the argument's field */
	REQUIRE_SYNC_CANCEL_OPCODE();
	iou_queue_poll(&self->r, self->a[0], 1);
	sqe = iou_get_sqe(&self->r);
	iou_prep_timeout(sqe, &far, 0, 0);
	sqe->user_data = 2;
	ASSERT_EQ(2, iou_submit(&self->r));
	reg.opcode = IORING_OP_TIMEOUT;
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_CANCELLED(&self->r, 2);
	reg.opcode = IORING_OP_READ;
	ASSERT_EQ(-ENOENT, iou_sync_cancel(&self->r, &reg));
	reg.opcode = IORING_OP_POLL_ADD;
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_CANCELLED(&self->r, 1);
}

/* a bounded timeout does not delay a cancel that succeeds at once */
TEST_F(ring, timeout_does_not_delay_an_immediate_cancel)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(1, 0);
	uint64_t start;

	reg.timeout.tv_sec = 5;
	reg.timeout.tv_nsec = 0;
	iou_queue_poll(&self->r, self->a[0], 1);
	ASSERT_EQ(1, iou_submit(&self->r));
	start = iou_now_ns();
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_GT(1000, iou_ms_since(start));
	ASSERT_CANCELLED(&self->r, 1);
	reg.addr = 9;
	ASSERT_EQ(-ENOENT, iou_sync_cancel(&self->r, &reg));
}

TEST_F(ring, waits_for_a_running_request_without_a_timeout)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(1, 0);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	long base;

	REQUIRE_BUSY_MADVISE();
	self->busy = iou_busy_region(IOU_BUSY_LEN);
	ASSERT_NE(NULL, self->busy);
	base = iou_vmpte_kb();
	sqe = iou_get_sqe(&self->r);
	iou_prep_madvise(sqe, self->busy, IOU_BUSY_LEN, MADV_POPULATE_READ);
	sqe->user_data = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_TRUE(iou_busy_wait_started(base, IOU_WAIT_MS));
	/* returns once the request is no longer running */
	ASSERT_EQ(0, iou_sync_cancel(&self->r, &reg));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 1, 0, 0);
	ASSERT_EQ(-ENOENT, iou_sync_cancel(&self->r, &reg));
}

TEST_F(ring, times_out_with_etime_while_a_request_runs)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(1, 0);
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	uint64_t start;
	long base;

	REQUIRE_BUSY_MADVISE();
	self->busy = iou_busy_region(IOU_BUSY_LEN);
	ASSERT_NE(NULL, self->busy);
	base = iou_vmpte_kb();
	sqe = iou_get_sqe(&self->r);
	iou_prep_madvise(sqe, self->busy, IOU_BUSY_LEN, MADV_POPULATE_READ);
	sqe->user_data = 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_TRUE(iou_busy_wait_started(base, IOU_WAIT_MS));
	reg.timeout.tv_sec = 0;
	reg.timeout.tv_nsec = 10 * 1000000LL;
	start = iou_now_ns();
	ASSERT_EQ(-ETIME, iou_sync_cancel(&self->r, &reg));
	ASSERT_LE(9, iou_ms_since(start));
	/* it timed out while the request was still running */
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, 1, 0, 0);
}

TEST_F(ring, bad_flags_or_padding_einval)
{
	struct io_uring_sync_cancel_reg reg;

	reg = iou_sync_cancel_arg(1, 1U << 6);
	ASSERT_EQ(-EINVAL, iou_sync_cancel(&self->r, &reg));
	reg = iou_sync_cancel_arg(1, 0);
	reg.pad[3] = 1;
	ASSERT_EQ(-EINVAL, iou_sync_cancel(&self->r, &reg));
	reg = iou_sync_cancel_arg(1, 0);
	reg.pad2[2] = 1;
	ASSERT_EQ(-EINVAL, iou_sync_cancel(&self->r, &reg));
}

TEST_F(ring, bad_argument_pointer_or_count)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(1, 0);
	void *noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, noaccess);
	ASSERT_EQ(-EFAULT, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, noaccess, 1));
	ASSERT_EQ(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, NULL, 1));
	ASSERT_EQ(-EINVAL, iou_register(&self->r, IORING_REGISTER_SYNC_CANCEL, &reg, 2));
	munmap(noaccess, 4096);
}

TEST_F(ring, fd_not_open_ebadf)
{
	struct io_uring_sync_cancel_reg reg = iou_sync_cancel_arg(0, IORING_ASYNC_CANCEL_FD);
	int fd = dup(self->a[0]);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	reg.fd = fd;
	ASSERT_EQ(-EBADF, iou_sync_cancel(&self->r, &reg));
}

/* keys that differ only above bit 31 name different requests */
TEST_F(ring, user_data_is_matched_in_all_64_bits)
{
	struct iou_cqe cqe;

	iou_queue_poll(&self->r, self->a[0], IOU_UD_HIGH(1));
	iou_queue_poll(&self->r, self->a[0], IOU_UD_HIGH(2));
	ASSERT_EQ(2, iou_submit(&self->r));
	ASSERT_EQ(0, iou_sync_cancel_ud(&self->r, IOU_UD_HIGH(2)));
	ASSERT_CANCELLED(&self->r, IOU_UD_HIGH(2));
	ASSERT_EQ(-ENOENT, iou_sync_cancel_ud(&self->r, IOU_UD_HIGH(3)));
	ASSERT_EQ(1, write(self->a[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&cqe, 0, IOU_UD_HIGH(1), POLLIN, 0);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
