// SPDX-License-Identifier: GPL-2.0
/*
 * Every IORING_NOP_* flag (sqe->nop_flags), each observed doing what it
 * names (io_uring/nop.c):
 *
 *  - INJECT_RESULT (6.10): res is sqe->len, any 32-bit value; without the
 *    flag len is ignored and res is 0;
 *  - FILE (6.13): the NOP looks up sqe->fd (-EBADF if it names no file);
 *    with FIXED_FILE (or IOSQE_FIXED_FILE) in the fixed table (-EBADF for
 *    an empty or out-of-range slot, or no table);
 *  - FIXED_BUFFER (6.13): the NOP looks up registered buffer buf_index
 *    (-EFAULT if there is none);
 *  - TW (6.17): the completion goes through task work, same CQE;
 *  - CQE32 (6.18): sqe->off and sqe->addr land in the two extra words of
 *    a 32-byte CQE; a ring without 32-byte CQEs refuses it (-EINVAL).
 *
 * An unknown bit is -EINVAL.  Each flag is probed on a scratch ring
 * (a NOP with only that flag, in a form that succeeds: "unknown" is
 * -EINVAL, only from kernels older than the flag) before its cases rely
 * on it.
 *
 * From 6.13 (a85f31052bce) a failed lookup marked the request failed but
 * the CQE still carried the injected result (0): NOP_FILE of a closed
 * descriptor, NOP_FIXED_FILE without a table and NOP_FIXED_BUFFER without
 * buffers all completed with 0 (seen on 6.18.5; 6.18.44 and 7.3.4 give
 * the errors); fix "io_uring/nop: pass all errors to userspace".
 *
 * A NOP with IOSQE_FIXED_FILE and NOP_FILE but not NOP_FIXED_FILE took a
 * reference to the normal descriptor of that number and never dropped it
 * (6.13 until 2564ca2e31bd, 7.2; 6.18.39, 7.1.4): that case gives the
 * descriptor number a file of its own and watches it being released
 * (fails on 6.18.5, 6.19.6 and 7.0.13; passes on 6.18.44, 7.2.13, 7.3.4).
 */
#include <poll.h>
#include <sys/uio.h>

#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_NOP),
	     .fixes = IOU_FIXES(IOU_FIX("2564ca2e31bd", "CVE-2026-64426", "*iosqe_fixed_file*",
					"io_uring/nop: fix file reference leak with IOSQE_FIXED_FILE")));

#define UD	0x90b0000000000abcULL

/* a NOP with just this flag, in a form that succeeds where it is known */
static enum iou_have have_nop_flag(unsigned int flag, char *why, size_t len)
{
	static const struct {
		unsigned int flag, since;
		int present_res;
		const char *name;
	} known[] = {
		{ IORING_NOP_FILE, IOU_V(6, 13), 0, "IORING_NOP_FILE" },
		{ IORING_NOP_FIXED_FILE, IOU_V(6, 13), 0, "IORING_NOP_FIXED_FILE" },
		{ IORING_NOP_FIXED_BUFFER, IOU_V(6, 13), 0, "IORING_NOP_FIXED_BUFFER" },
		{ IORING_NOP_TW, IOU_V(6, 17), 0, "IORING_NOP_TW" },
		{ IORING_NOP_CQE32, IOU_V(6, 18), 0, "IORING_NOP_CQE32" },
	};
	struct iou_ring r;
	struct io_uring_sqe *sqe;
	struct iou_cqe c;
	int res, ret;
	unsigned int i = 0;

	while (known[i].flag != flag)
		i++;
	ret = iou_ring_init(&r, 2, flag == IORING_NOP_CQE32 ? IORING_SETUP_CQE32 : 0);
	if (ret) {
		snprintf(why, len, "scratch ring for the %s probe: %s", known[i].name,
			 iou_res_str(ret));
		return IOU_BROKEN;
	}
	if (flag == IORING_NOP_FIXED_BUFFER) {
		static char page[64];
		struct iovec iov = { .iov_base = page, .iov_len = sizeof(page) };

		/* a buffer to find: the probe must not depend on the error path */
		ret = iou_register(&r, IORING_REGISTER_BUFFERS, &iov, 1);
		if (ret) {
			iou_ring_exit(&r);
			snprintf(why, len, "IORING_REGISTER_BUFFERS for the probe: %s",
				 iou_res_str(ret));
			return IOU_BROKEN;
		}
	}
	sqe = iou_get_sqe(&r);
	iou_prep_nop(sqe, 1);
	sqe->nop_flags = flag;
	sqe->fd = 0;		/* NOP_FILE: standard input, open in every test */
	res = iou_submit_reap(&r, &c, 1) == 1 ? c.res : -ETIME;
	iou_ring_exit(&r);
	return iou_have_by_result(res, known[i].present_res, known[i].since, known[i].name,
				  why, len);
}

#define REQUIRE_NOP_FLAG(f)	IOU_REQUIRE(have_nop_flag((f), __why, sizeof(__why)))

FIXTURE(nop) {
	struct iou_ring r;
};

FIXTURE_VARIANT(nop) {
	unsigned int setup_flags;
};

/* TW completions are task work: DEFER_TASKRUN runs it only when the ring waits */
#define IOU_MODES_FIXTURE nop
#include "iou_modes.h"

FIXTURE_SETUP(nop)
{
	REQUIRE_NOP_INJECT();
	IOU_RING_INIT_MODE(&self->r, 8, variant->setup_flags);
}

FIXTURE_TEARDOWN(nop)
{
	iou_ring_exit(&self->r);
}

static struct io_uring_sqe *nop_sqe(struct iou_ring *r, unsigned int nop_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, UD);
	sqe->nop_flags = nop_flags;
	return sqe;
}

static int run(struct iou_ring *r)
{
	struct iou_cqe c;

	if (iou_submit_reap(r, &c, 1) != 1 || c.user_data != UD || c.flags)
		return INT32_MIN;
	return c.res;
}

TEST_F(nop, inject_result_gives_len_as_res)
{
	static const int values[] = { 0, 1, 4096, INT32_MAX, -EIO, -EAGAIN, -4095, INT32_MIN + 1 };

	for (unsigned int i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		nop_sqe(&self->r, IORING_NOP_INJECT_RESULT)->len = (unsigned int)values[i];
		ASSERT_RES(values[i], run(&self->r));
	}
}

TEST_F(nop, len_without_inject_result_is_ignored)
{
	nop_sqe(&self->r, 0)->len = 77;
	ASSERT_RES(0, run(&self->r));
}

TEST_F(nop, unknown_flag_is_einval)
{
	nop_sqe(&self->r, 1u << 6);
	ASSERT_RES(-EINVAL, run(&self->r));
	nop_sqe(&self->r, IORING_NOP_INJECT_RESULT | 1u << 31)->len = 5;
	ASSERT_RES(-EINVAL, run(&self->r));
}

TEST_F(nop, file_looks_up_the_descriptor)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	REQUIRE_NOP_FLAG(IORING_NOP_FILE);
	ASSERT_LE(0, fd);
	nop_sqe(&self->r, IORING_NOP_FILE)->fd = fd;
	ASSERT_RES(0, run(&self->r));
	close(fd);
	nop_sqe(&self->r, IORING_NOP_FILE)->fd = fd;
	ASSERT_RES(-EBADF, run(&self->r));
	nop_sqe(&self->r, IORING_NOP_FILE)->fd = -1;
	ASSERT_RES(-EBADF, run(&self->r));
	/* the lookup's failure beats an injected result */
	nop_sqe(&self->r, IORING_NOP_FILE | IORING_NOP_INJECT_RESULT)->len = 9;
	ASSERT_RES(-EBADF, run(&self->r));
}

TEST_F(nop, fixed_file_looks_up_the_slot)
{
	struct io_uring_sqe *sqe;
	int fds[2] = { -1, -1 };

	REQUIRE_NOP_FLAG(IORING_NOP_FIXED_FILE);
	REQUIRE_NOP_FLAG(IORING_NOP_FILE);
	REQUIRE_RSRC_SPARSE();
	nop_sqe(&self->r, IORING_NOP_FILE | IORING_NOP_FIXED_FILE)->fd = 0;
	ASSERT_RES(-EBADF, run(&self->r));	/* no table */
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fds[0]);
	ASSERT_RES(0, iou_register_files2(&self->r, fds, NULL, 2, 0));
	close(fds[0]);
	nop_sqe(&self->r, IORING_NOP_FILE | IORING_NOP_FIXED_FILE)->fd = 0;
	ASSERT_RES(0, run(&self->r));
	nop_sqe(&self->r, IORING_NOP_FILE | IORING_NOP_FIXED_FILE)->fd = 1;
	ASSERT_RES(-EBADF, run(&self->r));	/* empty slot */
	nop_sqe(&self->r, IORING_NOP_FILE | IORING_NOP_FIXED_FILE)->fd = 2;
	ASSERT_RES(-EBADF, run(&self->r));	/* past the table */
	/* IOSQE_FIXED_FILE asks for the same lookup */
	sqe = nop_sqe(&self->r, IORING_NOP_FILE);
	sqe->fd = 0;
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(0, run(&self->r));
}

TEST_F(nop, iosqe_fixed_file_takes_no_normal_file_reference)
{
	int table[2], other[2], fds[16], nr;
	struct io_uring_sqe *sqe;
	struct pollfd pfd;

	REQUIRE_NOP_FLAG(IORING_NOP_FILE);
	REQUIRE_RSRC_SPARSE();
	ASSERT_EQ(0, pipe2(table, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(other, O_CLOEXEC));
	/* slot number other[1] holds table[1]; descriptor other[1] is another pipe */
	nr = other[1] + 1;
	ASSERT_GT((int)(sizeof(fds) / sizeof(fds[0])), other[1]);
	for (int i = 0; i < nr; i++)
		fds[i] = -1;
	fds[other[1]] = table[1];
	ASSERT_RES(0, iou_register_files2(&self->r, fds, NULL, (unsigned int)nr, 0));
	sqe = nop_sqe(&self->r, IORING_NOP_FILE);
	sqe->fd = other[1];
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(0, run(&self->r));
	/* descriptor other[1] was never the NOP's: closing it hangs the pipe up */
	close(other[1]);
	pfd = (struct pollfd){ .fd = other[0], .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, (int)IOU_WAIT_MS));
	ASSERT_TRUE(pfd.revents & POLLHUP);
	close(other[0]);
	close(table[0]);
	close(table[1]);
}

TEST_F(nop, fixed_buffer_looks_up_the_buffer)
{
	static char buf[4096];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };

	REQUIRE_NOP_FLAG(IORING_NOP_FIXED_BUFFER);
	nop_sqe(&self->r, IORING_NOP_FIXED_BUFFER)->buf_index = 0;
	ASSERT_RES(-EFAULT, run(&self->r));	/* no buffers */
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	nop_sqe(&self->r, IORING_NOP_FIXED_BUFFER)->buf_index = 0;
	ASSERT_RES(0, run(&self->r));
	nop_sqe(&self->r, IORING_NOP_FIXED_BUFFER)->buf_index = 1;
	ASSERT_RES(-EFAULT, run(&self->r));	/* past the table */
	/* a found buffer leaves an injected result alone */
	nop_sqe(&self->r, IORING_NOP_FIXED_BUFFER | IORING_NOP_INJECT_RESULT)->len = 12;
	ASSERT_RES(12, run(&self->r));
}

TEST_F(nop, tw_completes_through_task_work)
{
	REQUIRE_NOP_FLAG(IORING_NOP_TW);
	nop_sqe(&self->r, IORING_NOP_TW);
	ASSERT_RES(0, run(&self->r));
	nop_sqe(&self->r, IORING_NOP_TW | IORING_NOP_INJECT_RESULT)->len = (unsigned int)-ENOSPC;
	ASSERT_RES(-ENOSPC, run(&self->r));
}

TEST_F(nop, cqe32_needs_a_ring_with_big_cqes)
{
	REQUIRE_NOP_FLAG(IORING_NOP_CQE32);
	nop_sqe(&self->r, IORING_NOP_CQE32);
	ASSERT_RES(-EINVAL, run(&self->r));
}

TEST(cqe32_carries_off_and_addr)
{
	struct iou_ring r;
	struct io_uring_sqe *sqe;
	struct iou_cqe c;

	REQUIRE_NOP_FLAG(IORING_NOP_CQE32);
	IOU_RING_INIT_OR_SKIP(&r, 4, IORING_SETUP_CQE32);
	sqe = nop_sqe(&r, IORING_NOP_CQE32 | IORING_NOP_INJECT_RESULT);
	sqe->len = 3;
	sqe->off = 0x0123456789abcdefULL;
	sqe->addr = 0xfedcba9876543210ULL;
	ASSERT_EQ(1, iou_submit_reap(&r, &c, 1));
	ASSERT_CQE_AT(&c, 0, UD, 3, 0);
	ASSERT_EQ(0x0123456789abcdefULL, c.big_cqe[0]);
	ASSERT_EQ(0xfedcba9876543210ULL, c.big_cqe[1]);
	/* without the flag the extra words are zero */
	nop_sqe(&r, 0)->off = 5;
	ASSERT_EQ(1, iou_submit_reap(&r, &c, 1));
	ASSERT_EQ(0ULL, c.big_cqe[0]);
	ASSERT_EQ(0ULL, c.big_cqe[1]);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
