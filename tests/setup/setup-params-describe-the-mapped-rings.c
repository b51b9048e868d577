// SPDX-License-Identifier: GPL-2.0
/*
 * The io_uring_params that io_uring_setup() writes back describe the rings
 * exactly, for every ring shape (plain, SQE128, CQE32, CQE_MIXED,
 * NO_SQARRAY, large):
 *  - every sq_off/cq_off offset is 4-byte aligned, lies inside the size
 *    the offsets imply for the mapping, and no two words overlap; the CQE
 *    array follows the header words and the SQ array follows the CQEs;
 *  - a fresh ring has head == tail == 0, no dropped or overflowed entries,
 *    no flags, and resv1/user_addr are 0;
 *  - the output fields are overwritten whatever the caller left in them,
 *    and input fields a flag does not enable (sq_thread_cpu,
 *    sq_thread_idle, wq_fd) are ignored;
 *  - features is the same for every ring shape and, where
 *    IORING_REGISTER_QUERY exists, equal to the feature set it reports.
 */
#include <sys/mman.h>

#include "iou.h"

FIXTURE(ring) {
	struct iou_ring r;
	struct io_uring_params p;
	bool up;
};

FIXTURE_VARIANT(ring) {
	unsigned int entries;
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(ring, plain) { .entries = 8 };
FIXTURE_VARIANT_ADD(ring, one_entry) { .entries = 1 };
FIXTURE_VARIANT_ADD(ring, large) { .entries = 4096 };
FIXTURE_VARIANT_ADD(ring, sqe128) { .entries = 8, .flags = IORING_SETUP_SQE128 };
FIXTURE_VARIANT_ADD(ring, cqe32) { .entries = 8, .flags = IORING_SETUP_CQE32 };
FIXTURE_VARIANT_ADD(ring, cqe_mixed) { .entries = 8, .flags = IORING_SETUP_CQE_MIXED };
FIXTURE_VARIANT_ADD(ring, no_sqarray) { .entries = 8, .flags = IORING_SETUP_NO_SQARRAY };
FIXTURE_VARIANT_ADD(ring, no_sqarray_cqe32_large) {
	.entries = 2048, .flags = IORING_SETUP_NO_SQARRAY | IORING_SETUP_CQE32 };

FIXTURE_SETUP(ring)
{
	REQUIRE_SETUP_FLAGS(variant->flags);
	memset(&self->p, 0, sizeof(self->p));
	self->p.flags = variant->flags;
	ASSERT_RES(0, iou_ring_init_params(&self->r, variant->entries, &self->p));
	self->up = true;
}

FIXTURE_TEARDOWN(ring)
{
	if (self->up)
		iou_ring_exit(&self->r);
}

static size_t cqe_size(unsigned int flags)
{
	return flags & IORING_SETUP_CQE32 ? 32 : 16;
}

TEST_F(ring, offsets_lie_inside_the_mapping_without_overlap)
{
	const struct io_uring_params *p = &self->p;
	const struct io_sqring_offsets *s = &p->sq_off;
	const struct io_cqring_offsets *c = &p->cq_off;
	size_t cq_end = c->cqes + p->cq_entries * cqe_size(p->flags);
	size_t sq_end = p->flags & IORING_SETUP_NO_SQARRAY ? cq_end :
			s->array + p->sq_entries * sizeof(__u32);
	__u32 words[] = { s->head, s->tail, s->ring_mask, s->ring_entries,
			  s->flags, s->dropped, c->head, c->tail, c->ring_mask,
			  c->ring_entries, c->overflow, c->flags };
	unsigned int n = sizeof(words) / sizeof(words[0]);

	for (unsigned int i = 0; i < n; i++) {
		ASSERT_EQ(0, words[i] % 4) TH_LOG("word %u at %u", i, words[i]);
		/* header words come before the CQE array */
		ASSERT_LE(words[i] + 4, c->cqes) TH_LOG("word %u at %u", i, words[i]);
		for (unsigned int j = i + 1; j < n; j++) {
			/* head/tail etc. of SQ and CQ are distinct words */
			ASSERT_NE(words[i], words[j]) TH_LOG("words %u and %u", i, j);
		}
	}
	ASSERT_EQ(0, c->cqes % 16);
	if (!(p->flags & IORING_SETUP_NO_SQARRAY)) {
		ASSERT_EQ(0, s->array % 4);
		/* the SQ array follows the CQEs it must not overlap */
		ASSERT_LE(cq_end, s->array);
	} else {
		/* no array: the offset is not one, and stays as passed (0) */
		ASSERT_EQ(0, s->array);
	}
	/* the library mapped these sizes; a word at the end must be reachable */
	ASSERT_LE(sq_end, self->r.sq_ring_sz);
	ASSERT_LE(cq_end, self->r.cq_ring_sz);
}

TEST_F(ring, fresh_ring_words_are_zero_but_sizes)
{
	const struct io_uring_params *p = &self->p;

	ASSERT_EQ(0, *self->r.sq_khead);
	ASSERT_EQ(0, *self->r.sq_ktail);
	ASSERT_EQ(0, *self->r.sq_kflags);
	ASSERT_EQ(0, *self->r.sq_kdropped);
	ASSERT_EQ(0, *self->r.cq_khead);
	ASSERT_EQ(0, *self->r.cq_ktail);
	ASSERT_EQ(0, *self->r.cq_koverflow);
	ASSERT_NE(NULL, self->r.cq_kflags);
	ASSERT_EQ(0, *self->r.cq_kflags);
	ASSERT_EQ(p->sq_entries, *self->r.sq_kring_entries);
	ASSERT_EQ(p->sq_entries - 1, *self->r.sq_kring_mask);
	ASSERT_EQ(p->cq_entries, *self->r.cq_kring_entries);
	ASSERT_EQ(p->cq_entries - 1, *self->r.cq_kring_mask);
	ASSERT_EQ(0, p->sq_off.resv1);
	ASSERT_EQ(0, p->cq_off.resv1);
	ASSERT_EQ(0, p->sq_off.user_addr);
	ASSERT_EQ(0, p->cq_off.user_addr);
}

TEST_F(ring, output_fields_overwritten_whatever_was_passed)
{
	struct io_uring_params g;
	int fd;

	/* garbage everywhere the kernel writes, and in ignored inputs */
	memset(&g, 0xa5, sizeof(g));
	g.flags = variant->flags;
	memset(g.resv, 0, sizeof(g.resv));
	if (variant->flags & IORING_SETUP_NO_SQARRAY)
		g.sq_off.array = 0;
	fd = sys_io_uring_setup(variant->entries, &g);
	ASSERT_LE(0, fd) TH_LOG("setup: %s", iou_errno_name(errno));
	close(fd);
	ASSERT_EQ(self->p.sq_entries, g.sq_entries);
	ASSERT_EQ(self->p.cq_entries, g.cq_entries);
	ASSERT_EQ(self->p.features, g.features);
	ASSERT_EQ(0, memcmp(&self->p.sq_off, &g.sq_off, sizeof(g.sq_off)));
	ASSERT_EQ(0, memcmp(&self->p.cq_off, &g.cq_off, sizeof(g.cq_off)));
	/* inputs of flags not set come back untouched */
	ASSERT_EQ(0xa5a5a5a5, g.sq_thread_cpu);
	ASSERT_EQ(0xa5a5a5a5, g.sq_thread_idle);
	ASSERT_EQ(0xa5a5a5a5, g.wq_fd);
}

TEST_F(ring, features_same_for_every_ring_shape)
{
	ASSERT_EQ(iou_features(), self->p.features);
	ASSERT_NE(0, self->p.features & IORING_FEAT_SINGLE_MMAP);
}

TEST_F(ring, features_match_query)
{
	struct io_uring_query_opcode q;
	struct io_uring_query_hdr h = {
		.query_data = (__u64)(uintptr_t)&q,
		.query_op = IO_URING_QUERY_OPCODES,
		.size = sizeof(q),
	};

	REQUIRE_REGISTER_OP(IORING_REGISTER_QUERY);
	memset(&q, 0, sizeof(q));
	ASSERT_EQ(0, sys_io_uring_register(-1, IORING_REGISTER_QUERY, &h, 0));
	ASSERT_RES(0, h.result);
	ASSERT_EQ(q.feature_flags, self->p.features);
	/* a kernel with QUERY (6.18+) has every 6.18 feature */
	ASSERT_EQ(IOU_FEAT_FLAGS_6_18, self->p.features & IOU_FEAT_FLAGS_6_18);
}

TEST_HARNESS_MAIN
