// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_PBUF_STATUS reports the kernel's head of a provided-
 * buffer ring: 0 for a fresh ring, one more for every buffer a read
 * consumed, equal to the tail when selection fails with ENOBUFS, and
 * unchanged by buffers published but not used.  It answers only for ring
 * groups: a missing group is ENOENT, a legacy PROVIDE_BUFFERS group
 * EINVAL; non-zero reserved words, NULL or faulting argument and a bad
 * nr_args are refused.  Checked through the ring fd and a registered ring
 * index.
 */
#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(status) {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	int fd;
	char *bufs;
};

FIXTURE_VARIANT(status) {
	bool registered_ring;
};

/* entered by the ring fd, and by its registered index */
#define IOU_ENTRY_FIXTURE status
#include "iou_modes.h"

FIXTURE_SETUP(status)
{
	self->fd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_STATUS);
	IOU_RING_INIT_ENTRY(&self->r, 8, variant->registered_ring);
	self->bufs = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &self->pb, 8, 3, 0));
	self->fd = iou_scratch_file("data", 65536, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(status)
{
	if (self->fd >= 0)
		close(self->fd);
	iou_pbuf_ring_free(&self->r, &self->pb);
	iou_ring_exit(&self->r);
}

static int read_one(struct __test_metadata *_metadata, struct iou_ring *r,
		    int fd, unsigned int bgid)
{
	struct iou_cqe cqe = { 0 };

	iou_pbuf_prep_read(iou_get_sqe(r), fd, 64, 0, bgid);
	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	return cqe.res;
}

TEST_F(status, fresh_ring_head_is_zero)
{
	unsigned int head = 99;

	ASSERT_RES(0, iou_pbuf_status(&self->r, 3, &head));
	ASSERT_EQ(0, head);
}

TEST_F(status, head_counts_consumed_buffers_not_published_ones)
{
	unsigned int head = 99;

	for (unsigned int i = 0; i < 6; i++)
		iou_pbuf_add(&self->pb, self->bufs + i * 4096, 4096, i, i);
	iou_pbuf_advance(&self->pb, 6);
	ASSERT_RES(0, iou_pbuf_status(&self->r, 3, &head));
	ASSERT_EQ(0, head);
	for (unsigned int i = 1; i <= 4; i++) {
		ASSERT_RES(64, read_one(_metadata, &self->r, self->fd, 3));
		ASSERT_RES(0, iou_pbuf_status(&self->r, 3, &head));
		ASSERT_EQ(i, head);
	}
}

TEST_F(status, head_meets_tail_when_ring_runs_dry)
{
	unsigned int head = 99;

	iou_pbuf_add(&self->pb, self->bufs, 4096, 0, 0);
	iou_pbuf_add(&self->pb, self->bufs + 4096, 4096, 1, 1);
	iou_pbuf_advance(&self->pb, 2);
	ASSERT_RES(64, read_one(_metadata, &self->r, self->fd, 3));
	ASSERT_RES(64, read_one(_metadata, &self->r, self->fd, 3));
	ASSERT_RES(-ENOBUFS, read_one(_metadata, &self->r, self->fd, 3));
	ASSERT_RES(0, iou_pbuf_status(&self->r, 3, &head));
	ASSERT_EQ(2, head);
	ASSERT_EQ(self->pb.tail, head);
}

TEST_F(status, head_keeps_counting_past_the_ring_size)
{
	unsigned int head = 99;

	/* 8 entries, 12 buffers through them: the head is not masked */
	for (unsigned int round = 0; round < 3; round++) {
		for (unsigned int i = 0; i < 4; i++)
			iou_pbuf_add(&self->pb, self->bufs + i * 4096, 4096, i, i);
		iou_pbuf_advance(&self->pb, 4);
		for (unsigned int i = 0; i < 4; i++)
			ASSERT_RES(64, read_one(_metadata, &self->r, self->fd, 3));
	}
	ASSERT_RES(0, iou_pbuf_status(&self->r, 3, &head));
	ASSERT_EQ(12, head);
}

TEST_F(status, missing_group_is_enoent)
{
	unsigned int head;

	ASSERT_RES(-ENOENT, iou_pbuf_status(&self->r, 4, &head));
}

TEST_F(status, legacy_group_is_einval)
{
	unsigned int head;

	REQUIRE_OPCODE(IORING_OP_PROVIDE_BUFFERS);
	ASSERT_RES(0, iou_pbuf_provide(&self->r, self->bufs, 64, 2, 4, 0));
	ASSERT_RES(-EINVAL, iou_pbuf_status(&self->r, 4, &head));
}

TEST_F(status, reserved_word_set_is_einval)
{
	struct io_uring_buf_status s;

	memset(&s, 0, sizeof(s));
	s.buf_group = 3;
	s.resv[7] = 1;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PBUF_STATUS, &s, 1));
}

TEST_F(status, null_argument_is_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PBUF_STATUS, NULL, 1));
}

TEST_F(status, faulting_argument_is_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_PBUF_STATUS,
					 iou_fault_ptr(), 1));
}

TEST_F(status, nr_args_other_than_one_is_einval)
{
	struct io_uring_buf_status s;

	memset(&s, 0, sizeof(s));
	s.buf_group = 3;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PBUF_STATUS, &s, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PBUF_STATUS, &s, 2));
}

TEST_F(status, non_ring_fd_is_eopnotsupp)
{
	struct io_uring_buf_status s;

	memset(&s, 0, sizeof(s));
	s.buf_group = 3;
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(self->fd,
			IORING_REGISTER_PBUF_STATUS, &s, 1));
}

TEST_HARNESS_MAIN
