// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer selection from legacy PROVIDE_BUFFERS groups, seen in the CQE:
 * IORING_CQE_F_BUFFER with the buffer id in the upper 16 bits; buffers are
 * handed out in the order they were provided (5.18+), each once; a read is
 * cut to the selected buffer's length; a read at EOF still consumes and
 * reports its buffer; an empty or unknown group fails with ENOBUFS and no
 * buffer flag; a consumed buffer can be provided again under the same id;
 * a batch of reads takes distinct buffers; READV selects with exactly one
 * iovec; IOSQE_BUFFER_SELECT on an opcode that cannot select is EOPNOTSUPP.
 */
#include "iou.h"
#include "iou_pbuf.h"
#include "iou_versions.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_PROVIDE_BUFFERS));

FIXTURE(select) {
	struct iou_ring r;
	char *mem;
	int fd;
};

FIXTURE_SETUP(select)
{
	self->fd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 16, 0));
	self->mem = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	self->fd = iou_scratch_file("data", 8192, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(select)
{
	if (self->fd >= 0)
		close(self->fd);
	iou_ring_exit(&self->r);
}

static void provide(struct __test_metadata *_metadata, struct iou_ring *r,
		    void *addr, unsigned int len, int nbufs, unsigned int bgid,
		    unsigned int bid)
{
	/*
	 * 0: every call here provides to a group that does not exist (or,
	 * on 5.18 and later, one emptied before), which completes with 0 on
	 * every kernel (see iou_pbuf_legacy_pre_5_18()).  The one case that
	 * adds to a group that has buffers runs on 5.18 and later only.
	 */
	ASSERT_RES(0, iou_pbuf_provide(r, addr, len, nbufs, bgid, bid));
}

TEST_F(select, buffers_are_selected_in_provision_order)
{
	/*
	 * Before 5.18 ("io_uring: manage provided buffers strictly
	 * ordered", dbc7d452e7cf) the newest buffer went first.
	 */
	if (iou_pbuf_legacy_pre_5_18())
		SKIP(return, "kernel selects the newest legacy buffer first "
		     "(before 5.18: dbc7d452e7cf)");
	provide(_metadata, &self->r, self->mem, 4096, 2, 1, 20);
	provide(_metadata, &self->r, self->mem + 2 * 4096, 4096, 2, 1, 5);
	static const unsigned int order[] = { 20, 21, 5, 6 };
	for (unsigned int i = 0; i < 4; i++) {
		struct iou_cqe cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd,
						 100, 100 * i, 1);

		ASSERT_RES(100, cqe.res);
		ASSERT_EQ(iou_pbuf_cqe_flags(order[i], 0), cqe.flags);
		ASSERT_TRUE(iou_check_pattern(self->mem + i * 4096, 100, 100 * i));
	}
	ASSERT_RES(-ENOBUFS, iou_pbuf_read_select(_metadata, &self->r, self->fd, 100, 0, 1).res);
}

TEST_F(select, read_is_cut_to_buffer_length)
{
	struct iou_cqe cqe;

	provide(_metadata, &self->r, self->mem, 5, 1, 2, 9);
	self->mem[5] = 0x11;
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 100, 0, 2);
	ASSERT_RES(5, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(9, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->mem, 5, 0));
	ASSERT_EQ(0x11, self->mem[5]);
}

TEST_F(select, read_at_eof_still_reports_its_buffer)
{
	struct iou_cqe cqe;

	provide(_metadata, &self->r, self->mem, 64, 2, 3, 40);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 1 << 20, 3);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(IORING_CQE_F_BUFFER, cqe.flags & 0xffff);
	/* it was consumed: one buffer left */
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 0, 3);
	ASSERT_RES(64, cqe.res);
	ASSERT_EQ(IORING_CQE_F_BUFFER, cqe.flags & 0xffff);
	ASSERT_RES(-ENOBUFS, iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 0, 3).res);
}

TEST_F(select, unknown_group_is_enobufs_without_buffer_flag)
{
	struct iou_cqe cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 0, 99);

	ASSERT_RES(-ENOBUFS, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(select, consumed_buffer_can_be_provided_again)
{
	struct iou_cqe cqe;

	provide(_metadata, &self->r, self->mem, 64, 1, 4, 300);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 0, 4);
	ASSERT_EQ(iou_pbuf_cqe_flags(300, 0), cqe.flags);
	ASSERT_RES(-ENOBUFS, iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 0, 4).res);
	provide(_metadata, &self->r, self->mem + 4096, 64, 1, 4, 300);
	cqe = iou_pbuf_read_select(_metadata, &self->r, self->fd, 64, 64, 4);
	ASSERT_RES(64, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(300, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->mem + 4096, 64, 64));
}

TEST_F(select, batch_of_reads_takes_distinct_buffers)
{
	struct iou_cqe cqe[8];
	unsigned int seen = 0;

	provide(_metadata, &self->r, self->mem, 4096, 8, 5, 0);
	for (unsigned int i = 0; i < 8; i++) {
		iou_pbuf_prep_read(iou_get_sqe(&self->r), self->fd, 512, 512 * i, 5);
		self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = i;
	}
	ASSERT_EQ(8, iou_submit_reap(&self->r, cqe, 8));
	for (unsigned int i = 0; i < 8; i++) {
		unsigned int bid = cqe[i].flags >> IORING_CQE_BUFFER_SHIFT;

		ASSERT_RES(512, cqe[i].res);
		ASSERT_EQ(IORING_CQE_F_BUFFER, cqe[i].flags & 0xffff);
		ASSERT_GT(8, bid);
		ASSERT_EQ(0, seen & (1U << bid));
		seen |= 1U << bid;
		/* the data of read user_data lands in the buffer it names */
		ASSERT_TRUE(iou_check_pattern(self->mem + bid * 4096, 512,
					      512 * cqe[i].user_data));
	}
	ASSERT_EQ(0xff, seen);
}

TEST_F(select, readv_selects_with_one_iovec)
{
	struct iovec iov[2] = { { NULL, 200 }, { NULL, 200 } };
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;

	provide(_metadata, &self->r, self->mem, 4096, 1, 6, 12);
	sqe = iou_get_sqe(&self->r);
	iou_prep_readv(sqe, self->fd, iov, 1, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 6;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_RES(200, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(12, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->mem, 200, 0));

	provide(_metadata, &self->r, self->mem, 4096, 1, 6, 13);
	sqe = iou_get_sqe(&self->r);
	iou_prep_readv(sqe, self->fd, iov, 2, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 6;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_RES(-EINVAL, cqe.res);
}

TEST_F(select, buffer_select_on_nop_is_eopnotsupp)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;

	provide(_metadata, &self->r, self->mem, 64, 1, 7, 0);
	sqe = iou_get_sqe(&self->r);
	iou_prep_nop(sqe, 5);
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = 7;
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_RES(-EOPNOTSUPP, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/* the buffer was not taken */
	ASSERT_EQ(iou_pbuf_cqe_flags(0, 0),
		  iou_pbuf_read_select(_metadata, &self->r, self->fd, 8, 0, 7).flags);
}

TEST_HARNESS_MAIN
