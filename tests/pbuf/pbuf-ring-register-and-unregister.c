// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_PBUF_RING / IORING_UNREGISTER_PBUF_RING lifecycle: a ring
 * of any power-of-two size up to 32768 entries registers, feeds reads that
 * select from it (the CQE names the buffer), unregisters, and its group id
 * (0..65535) can then be registered again; a group id in use, by a ring or
 * by legacy PROVIDE_BUFFERS buffers, is refused with EEXIST; unregistering
 * a group that does not exist gives ENOENT, a legacy group EINVAL.
 *
 * Group ids 0..63 were kept in a fixed array until 09ab7eff3820
 * ("io_uring/kbuf: get rid of lower BGID lists", 6.9; not in Debian's
 * 6.1.y): once that array exists, every id below 64 reads as an (empty)
 * legacy group, so unregistering one without a ring gives EINVAL, not
 * ENOENT.  That is an artefact of where the kernel kept low ids, not a
 * property of the interface: the cases that look at a group which must
 * not exist use ids of 64 and up, which every kernel looks up the same way.
 *
 * Each case runs once with the ring fd and once through a registered ring
 * index (IORING_REGISTER_USE_REGISTERED_RING), which must behave the same.
 */
#include "iou.h"
#include "iou_pbuf.h"

#define FILE_SIZE	65536

FIXTURE(pbuf) {
	struct iou_ring r;
	int fd;
	char *bufs;		/* 16 buffers of 4096 bytes */
};

FIXTURE_VARIANT(pbuf) {
	bool registered_ring;
};

/* entered by the ring fd, and by its registered index */
#define IOU_ENTRY_FIXTURE pbuf
#include "iou_modes.h"

FIXTURE_SETUP(pbuf)
{
	struct io_uring_params p;
	struct iou_ring_opts o = { .register_ring_fd = variant->registered_ring };

	memset(&p, 0, sizeof(p));
	self->fd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	if (variant->registered_ring) {
		REQUIRE_REGISTER_OP(IORING_REGISTER_RING_FDS);
		REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	}
	ASSERT_EQ(0, iou_ring_init_opts(&self->r, 8, &p, &o));
	if (variant->registered_ring) {
		ASSERT_EQ(IORING_REGISTER_USE_REGISTERED_RING, self->r.register_flags);
		ASSERT_RING_INDEX_USED(&self->r);
	}
	self->fd = iou_scratch_file("data", FILE_SIZE, 0);
	ASSERT_LE(0, self->fd);
	self->bufs = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bufs);
}

FIXTURE_TEARDOWN(pbuf)
{
	if (self->fd >= 0)
		close(self->fd);
	iou_ring_exit(&self->r);
}

/* read len bytes at off through group bgid; returns the CQE */
static struct iou_cqe read_select(struct __test_metadata *_metadata,
				  struct iou_ring *r, int fd, unsigned int len,
				  __u64 off, unsigned int bgid, __u64 ud)
{
	struct iou_cqe cqe = { 0 };

	iou_pbuf_prep_read(iou_get_sqe(r), fd, len, off, bgid);
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = ud;
	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	EXPECT_EQ(ud, cqe.user_data);
	return cqe;
}

TEST_F(pbuf, power_of_two_sizes_up_to_32768_register_and_unregister)
{
	static const unsigned int sizes[] = { 1, 2, 8, 256, 4096, 32768 };

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct iou_pbuf_ring pb;

		int ret = iou_pbuf_ring_setup(&self->r, &pb, sizes[i], 1, 0);

		if (ret)
			TH_LOG("entries %u", sizes[i]);
		ASSERT_RES(0, ret);
		ASSERT_RES(0, iou_pbuf_unregister(&self->r, 1));
		pb.registered = false;
		iou_pbuf_ring_free(&self->r, &pb);
	}
}

TEST_F(pbuf, largest_ring_of_32768_feeds_reads)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 32768, 2, 0));
	iou_pbuf_add(&pb, self->bufs, 64, 4321, 0);
	iou_pbuf_advance(&pb, 1);
	cqe = read_select(_metadata, &self->r, self->fd, 64, 0, 2, 1);
	ASSERT_RES(64, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(4321, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs, 64, 0));
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(pbuf, read_selects_buffers_in_ring_order_with_bid_in_cqe)
{
	struct iou_pbuf_ring pb;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 8, 7, 0));
	/* bids deliberately not equal to the slot index */
	for (unsigned int i = 0; i < 4; i++)
		iou_pbuf_add(&pb, self->bufs + i * 4096, 4096, 100 + 3 * i, i);
	iou_pbuf_advance(&pb, 4);
	for (unsigned int i = 0; i < 4; i++) {
		struct iou_cqe cqe = read_select(_metadata, &self->r, self->fd,
						 512, 512 * i, 7, 10 + i);

		ASSERT_RES(512, cqe.res);
		ASSERT_EQ(iou_pbuf_cqe_flags(100 + 3 * i, 0), cqe.flags);
		ASSERT_TRUE(iou_check_pattern(self->bufs + i * 4096, 512, 512 * i));
	}
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(pbuf, group_id_65535_is_valid)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 65535, 0));
	iou_pbuf_add(&pb, self->bufs, 4096, 9, 0);
	iou_pbuf_advance(&pb, 1);
	cqe = read_select(_metadata, &self->r, self->fd, 100, 1000, 65535, 1);
	ASSERT_RES(100, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(9, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs, 100, 1000));
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 65535));
	pb.registered = false;
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(pbuf, same_group_twice_is_eexist)
{
	struct iou_pbuf_ring a, b;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &a, 4, 3, 0));
	ASSERT_RES(-EEXIST, iou_pbuf_ring_setup(&self->r, &b, 4, 3, 0));
	/* the first ring is still the one in use */
	iou_pbuf_add(&a, self->bufs, 4096, 1, 0);
	iou_pbuf_advance(&a, 1);
	ASSERT_EQ(iou_pbuf_cqe_flags(1, 0),
		  read_select(_metadata, &self->r, self->fd, 8, 0, 3, 1).flags);
	iou_pbuf_ring_free(&self->r, &a);
}

TEST_F(pbuf, group_id_reusable_after_unregister)
{
	struct iou_pbuf_ring a, b;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &a, 4, 3, 0));
	iou_pbuf_add(&a, self->bufs, 4096, 1, 0);
	iou_pbuf_advance(&a, 1);
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 3));
	a.registered = false;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &b, 4, 3, 0));
	iou_pbuf_add(&b, self->bufs + 4096, 4096, 2, 0);
	iou_pbuf_advance(&b, 1);
	/* the new ring serves, not the buffer left in the old one */
	cqe = read_select(_metadata, &self->r, self->fd, 64, 64, 3, 1);
	ASSERT_RES(64, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(2, 0), cqe.flags);
	ASSERT_TRUE(iou_check_pattern(self->bufs + 4096, 64, 64));
	iou_pbuf_ring_free(&self->r, &b);
	iou_pbuf_ring_free(&self->r, &a);
}

TEST_F(pbuf, read_after_unregister_is_enobufs)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 5, 0));
	iou_pbuf_add(&pb, self->bufs, 4096, 1, 0);
	iou_pbuf_advance(&pb, 1);
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 5));
	pb.registered = false;
	cqe = read_select(_metadata, &self->r, self->fd, 64, 0, 5, 1);
	ASSERT_RES(-ENOBUFS, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(pbuf, groups_are_independent)
{
	struct iou_pbuf_ring a, b;

	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &a, 4, 1, 0));
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &b, 4, 2, 0));
	iou_pbuf_add(&a, self->bufs, 4096, 11, 0);
	iou_pbuf_add(&b, self->bufs + 4096, 4096, 22, 0);
	iou_pbuf_advance(&a, 1);
	iou_pbuf_advance(&b, 1);
	ASSERT_EQ(iou_pbuf_cqe_flags(22, 0),
		  read_select(_metadata, &self->r, self->fd, 8, 0, 2, 1).flags);
	ASSERT_EQ(iou_pbuf_cqe_flags(11, 0),
		  read_select(_metadata, &self->r, self->fd, 8, 0, 1, 2).flags);
	/* both are empty now */
	ASSERT_RES(-ENOBUFS, read_select(_metadata, &self->r, self->fd, 8, 0, 2, 3).res);
	ASSERT_RES(-ENOBUFS, read_select(_metadata, &self->r, self->fd, 8, 0, 1, 4).res);
	iou_pbuf_ring_free(&self->r, &a);
	iou_pbuf_ring_free(&self->r, &b);
}

TEST_F(pbuf, unregister_of_unknown_group_is_enoent)
{
	ASSERT_RES(-ENOENT, iou_pbuf_unregister(&self->r, 100));
}

TEST_F(pbuf, unregister_twice_is_enoent)
{
	struct iou_pbuf_ring pb;

	/* an id above the fixed low-id array of kernels before 6.9 */
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 100, 0));
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 100));
	ASSERT_RES(-ENOENT, iou_pbuf_unregister(&self->r, 100));
	pb.registered = false;
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_F(pbuf, group_with_legacy_buffers_is_eexist)
{
	struct iou_pbuf_ring pb;

	REQUIRE_OPCODE(IORING_OP_PROVIDE_BUFFERS);
	ASSERT_RES(0, iou_pbuf_provide(&self->r, self->bufs, 64, 2, 4, 0));
	ASSERT_RES(-EEXIST, iou_pbuf_ring_setup(&self->r, &pb, 4, 4, 0));
}

TEST_F(pbuf, unregister_of_legacy_group_is_einval)
{
	struct iou_cqe cqe;

	REQUIRE_OPCODE(IORING_OP_PROVIDE_BUFFERS);
	ASSERT_RES(0, iou_pbuf_provide(&self->r, self->bufs, 64, 2, 4, 0));
	ASSERT_RES(-EINVAL, iou_pbuf_unregister(&self->r, 4));
	/* the legacy buffers are still there to be selected */
	cqe = read_select(_metadata, &self->r, self->fd, 8, 0, 4, 1);
	ASSERT_RES(8, cqe.res);
	ASSERT_EQ(IORING_CQE_F_BUFFER, cqe.flags & IORING_CQE_F_BUFFER);
}

TEST_F(pbuf, unregister_frees_the_group_for_legacy_buffers)
{
	struct iou_pbuf_ring pb;
	struct iou_cqe cqe;

	REQUIRE_OPCODE(IORING_OP_PROVIDE_BUFFERS);
	ASSERT_RES(0, iou_pbuf_ring_setup(&self->r, &pb, 4, 6, 0));
	ASSERT_RES(0, iou_pbuf_unregister(&self->r, 6));
	pb.registered = false;
	ASSERT_RES(0, iou_pbuf_provide(&self->r, self->bufs, 64, 1, 6, 77));
	cqe = read_select(_metadata, &self->r, self->fd, 8, 0, 6, 1);
	ASSERT_RES(8, cqe.res);
	ASSERT_EQ(iou_pbuf_cqe_flags(77, 0), cqe.flags);
	iou_pbuf_ring_free(&self->r, &pb);
}

TEST_HARNESS_MAIN
