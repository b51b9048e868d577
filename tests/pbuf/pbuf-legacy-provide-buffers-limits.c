// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy IORING_OP_PROVIDE_BUFFERS / IORING_OP_REMOVE_BUFFERS at their
 * limits: 1..65536 buffers per request (0 and 65537 are E2BIG), buffer ids
 * 0..65535 with bid + nbufs <= 65536 (bid 65536 is E2BIG, running past the
 * id space EINVAL), a non-zero length, a range that neither wraps
 * (EOVERFLOW) nor leaves user space (EFAULT); the whole id space is usable,
 * so 65536 buffers provided are 65536 buffers in the group.  REMOVE takes
 * 1..65536, returns how many it removed (no more than there are), ENOENT
 * for an unknown group; neither opcode works on a group that is a
 * provided-buffer ring (EINVAL).
 *
 * Regression-test-for: ab69838e7c75 ("io_uring/kbuf: Fix check of BID wrapping in provided buffers")
 * Regression-test-for: f74c746e476b ("io_uring/kbuf: Allow the full buffer id space for provided buffers")
 * Regression-test-for: c0921e51dab7 ("io_uring: fix return value when removing provided buffers")
 * Regression-test-for: cf960726eb65 ("io_uring/kbuf: reject zero sized provided buffers")
 */
#include "iou.h"
#include "iou_pbuf.h"
#include "iou_versions.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_PROVIDE_BUFFERS,
				IORING_OP_REMOVE_BUFFERS),
	     .fixes = IOU_FIXES(IOU_FIX("ab69838e7c75", "", "limits.ids_running_past_65535_are_einval",
			"io_uring/kbuf: Fix check of BID wrapping in provided buffers"),
		IOU_FIX("f74c746e476b", "", "limits.provide_65536_buffers_fills_the_whole_id_space",
			"io_uring/kbuf: Allow the full buffer id space for provided buffers"),
		IOU_FIX("c0921e51dab7", "", "",
			"io_uring: fix return value when removing provided buffers"),
		IOU_FIX("cf960726eb65", "", "limits.zero_length_is_einval",
			"io_uring/kbuf: reject zero sized provided buffers"),
		IOU_FIX("ca55f98d6ff1", "", "limits.provide_65536_buffers_fills_the_whole_id_space",
			"io_uring/kbuf: align legacy buffer add limit with MAX_BIDS_PER_BGID"),
		IOU_FIX("38134ada0cee", "CVE-2021-47040", "limits.wrapping_range_is_eoverflow",
			"io_uring: fix overflows checks in provide buffers")));
/*
 * Proven with make vm-test (Debian kernels): 6.18.5 fails
 * provide_65536_buffers_fills_the_whole_id_space (XFAIL), 7.2.13 passes.
 */

FIXTURE(limits) {
	struct iou_ring r;
	char *mem;		/* 1 MiB */
	int fd;
};

FIXTURE_SETUP(limits)
{
	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	self->fd = iou_scratch_file("data", 4096, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(limits)
{
	if (self->fd >= 0)
		close(self->fd);
	iou_ring_exit(&self->r);
}

/*
 * A successful PROVIDE_BUFFERS to a group that does not exist yet
 * completes with 0 on every kernel (see iou_pbuf_legacy_pre_5_18()), and
 * every case here provides to a new group.
 */

static struct iou_cqe submit_one(struct __test_metadata *_metadata,
				 struct iou_ring *r, struct io_uring_sqe *sqe)
{
	struct iou_cqe cqe = { 0 };

	sqe->user_data = 0x77;
	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	EXPECT_EQ(0x77, cqe.user_data);
	EXPECT_EQ(0, cqe.flags);
	return cqe;
}

static int provide(struct __test_metadata *_metadata, struct iou_ring *r,
		   void *addr, unsigned int len, int nbufs, unsigned int bgid,
		   unsigned int bid)
{
	iou_prep_provide_buffers(iou_get_sqe(r), addr, len, nbufs, bgid, bid);
	return submit_one(_metadata, r, &r->sqes[(r->sqe_tail - 1) & r->sq_mask]).res;
}

static int remove_bufs(struct __test_metadata *_metadata, struct iou_ring *r,
		       int nbufs, unsigned int bgid)
{
	iou_prep_remove_buffers(iou_get_sqe(r), nbufs, bgid);
	return submit_one(_metadata, r, &r->sqes[(r->sqe_tail - 1) & r->sq_mask]).res;
}

/*
 * The request is validated against 65536 (MAX_BIDS_PER_BGID) and must then
 * add all of them: an application that was told "done" uses ids 0..65535.
 * 6.16 to 7.1 stop adding at 65535 buffers in a group (607d09d1a01e,
 * "io_uring/kbuf: limit legacy provided buffer lists to USHRT_MAX", made
 * io_add_buffers() check bl->nbufs against USHRT_MAX) yet complete with
 * success, so bid 65535 silently never exists; fixed in 7.2 by
 * ca55f98d6ff1 ("io_uring/kbuf: align legacy buffer add limit with
 * MAX_BIDS_PER_BGID").  Kernels without f74c746e476b (6.7; in 6.1.y, not
 * in 5.10.y) refuse 65536 with E2BIG.  Both are in tests/known-issues.
 */
TEST_F(limits, provide_65536_buffers_fills_the_whole_id_space)
{
	ASSERT_RES(0,
		   provide(_metadata, &self->r, self->mem, 1, 65536, 1, 0));
	/* every one of them is in the group */
	ASSERT_RES(65536, remove_bufs(_metadata, &self->r, 65536, 1));
}

TEST_F(limits, provide_65537_buffers_is_e2big)
{
	ASSERT_RES(-E2BIG, provide(_metadata, &self->r, self->mem, 1, 65537, 1, 0));
	ASSERT_RES(-ENOENT, remove_bufs(_metadata, &self->r, 1, 1));
}

TEST_F(limits, provide_zero_buffers_is_e2big)
{
	ASSERT_RES(-E2BIG, provide(_metadata, &self->r, self->mem, 1, 0, 1, 0));
}

TEST_F(limits, last_buffer_id_65535_is_usable)
{
	struct iou_cqe cqe;

	ASSERT_RES(0,
		   provide(_metadata, &self->r, self->mem, 64, 1, 2, 65535));
	iou_pbuf_prep_read(iou_get_sqe(&self->r), self->fd, 64, 0, 2);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_RES(64, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(65535, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->mem, 64, 0));
}

TEST_F(limits, ids_up_to_65535_inclusive_accepted)
{
	/* 65534 + 2 == 65536 buffers ids: the last two ids */
	ASSERT_RES(0,
		   provide(_metadata, &self->r, self->mem, 1, 2, 3, 65534));
	ASSERT_RES(2, remove_bufs(_metadata, &self->r, 2, 3));
}

TEST_F(limits, buffer_id_65536_is_e2big)
{
	ASSERT_RES(-E2BIG, provide(_metadata, &self->r, self->mem, 1, 1, 3, 65536));
}

TEST_F(limits, ids_running_past_65535_are_einval)
{
	ASSERT_RES(-EINVAL, provide(_metadata, &self->r, self->mem, 1, 2, 3, 65535));
	ASSERT_RES(-ENOENT, remove_bufs(_metadata, &self->r, 1, 3));
}

TEST_F(limits, zero_length_is_einval)
{
	ASSERT_RES(-EINVAL, provide(_metadata, &self->r, self->mem, 0, 1, 3, 0));
}

TEST_F(limits, wrapping_range_is_eoverflow)
{
	ASSERT_RES(-EOVERFLOW, provide(_metadata, &self->r,
				       (void *)(uintptr_t)0xfffffffffffff000ULL,
				       0x1000, 2, 3, 0));
}

TEST_F(limits, kernel_address_range_is_efault)
{
	ASSERT_RES(-EFAULT, provide(_metadata, &self->r,
				    (void *)(uintptr_t)0xffff800000000000ULL,
				    16, 1, 3, 0));
}

TEST_F(limits, reserved_fields_set_are_einval)
{
	struct io_uring_sqe *sqe;

	sqe = iou_get_sqe(&self->r);
	iou_prep_provide_buffers(sqe, self->mem, 16, 1, 3, 0);
	sqe->rw_flags = 1;
	ASSERT_RES(-EINVAL, submit_one(_metadata, &self->r, sqe).res);
	sqe = iou_get_sqe(&self->r);
	iou_prep_provide_buffers(sqe, self->mem, 16, 1, 3, 0);
	sqe->splice_fd_in = 1;
	ASSERT_RES(-EINVAL, submit_one(_metadata, &self->r, sqe).res);
	sqe = iou_get_sqe(&self->r);
	iou_prep_remove_buffers(sqe, 1, 3);
	sqe->addr = 1;
	ASSERT_RES(-EINVAL, submit_one(_metadata, &self->r, sqe).res);
}

TEST_F(limits, remove_zero_or_65537_is_einval)
{
	ASSERT_RES(0, provide(_metadata, &self->r, self->mem, 1, 4, 4, 0));
	ASSERT_RES(-EINVAL, remove_bufs(_metadata, &self->r, 0, 4));
	ASSERT_RES(-EINVAL, remove_bufs(_metadata, &self->r, 65537, 4));
	ASSERT_RES(4, remove_bufs(_metadata, &self->r, 4, 4));
}

TEST_F(limits, remove_returns_count_removed_capped_at_what_is_there)
{
	ASSERT_RES(0, provide(_metadata, &self->r, self->mem, 1, 5, 4, 0));
	ASSERT_RES(3, remove_bufs(_metadata, &self->r, 3, 4));
	/*
	 * 2 left: asking for more removes those 2, not 3.  (65535, the
	 * largest count every kernel takes: 65536 is allowed since
	 * f74c746e476b, see provide_65536_buffers_fills_the_whole_id_space.)
	 */
	ASSERT_RES(2, remove_bufs(_metadata, &self->r, 65535, 4));
}

TEST_F(limits, remove_from_emptied_group_returns_zero)
{
	if (iou_pbuf_legacy_pre_5_18())
		SKIP(return, "kernel deletes emptied legacy groups "
		     "(before 5.18: dbc7d452e7cf)");
	ASSERT_RES(0, provide(_metadata, &self->r, self->mem, 1, 2, 4, 0));
	ASSERT_RES(2, remove_bufs(_metadata, &self->r, 2, 4));
	ASSERT_RES(0, remove_bufs(_metadata, &self->r, 1, 4));
}

TEST_F(limits, remove_from_unknown_group_is_enoent)
{
	ASSERT_RES(-ENOENT, remove_bufs(_metadata, &self->r, 1, 4));
}

TEST_F(limits, legacy_opcodes_refuse_a_ring_group)
{
	struct iou_pbuf_ring pb;

	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 5, 0));
	ASSERT_RES(-EINVAL, provide(_metadata, &self->r, self->mem, 16, 1, 5, 0));
	ASSERT_RES(-EINVAL, remove_bufs(_metadata, &self->r, 1, 5));
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_HARNESS_MAIN
