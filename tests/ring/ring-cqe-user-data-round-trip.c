// SPDX-License-Identifier: GPL-2.0
/*
 * user_data is opaque to the kernel: every 64-bit pattern an SQE carries
 * comes back unchanged in its CQE - each single bit, each single bit
 * cleared, 0, all ones, the sign bit, byte-wise patterns - whichever way
 * the CQE is made: posted inline (NOP), as an error before the request
 * is issued (unknown opcode), by a later asynchronous completion (poll of
 * a timerfd), or after a detour through the CQ overflow backlog.  On a
 * 32-byte CQE ring the extra 16 bytes of a NOP's CQE are zero.
 */
#include "iou.h"

#define NPAT	(2 * 64 + 8)

static void patterns(__u64 *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 64; i++) {
		p[n++] = 1ULL << i;
		p[n++] = ~(1ULL << i);
	}
	p[n++] = 0;
	p[n++] = ~0ULL;
	p[n++] = 0x8000000000000000ULL;
	p[n++] = 0x7fffffffffffffffULL;
	p[n++] = 0x0123456789abcdefULL;
	p[n++] = 0xfedcba9876543210ULL;
	p[n++] = 0x5555555555555555ULL;
	p[n++] = 0xaaaaaaaaaaaaaaaaULL;
}

FIXTURE(user_data) {
	struct iou_ring r;
	__u64 pat[NPAT];
};

FIXTURE_VARIANT(user_data) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(user_data, cqe16) { .flags = 0 };
FIXTURE_VARIANT_ADD(user_data, cqe32) { .flags = IORING_SETUP_CQE32 };

FIXTURE_SETUP(user_data)
{
	if (variant->flags)
		REQUIRE_SETUP_FLAG(IORING_SETUP_CQE32);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, variant->flags));
	patterns(self->pat);
}

FIXTURE_TEARDOWN(user_data)
{
	iou_ring_exit(&self->r);
}

/*
 * Submit the patterns as SQEs of the opcode, batch at a time (a failing
 * SQE ends its batch, so failures go one by one), and compare each CQE.
 */
static void run(struct __test_metadata *_metadata, FIXTURE_DATA(user_data) *self,
		int opcode, int res, bool big_zero, unsigned int batch)
{
	for (unsigned int base = 0; base < NPAT; base += batch) {
		unsigned int n = NPAT - base < batch ? NPAT - base : batch;
		struct iou_cqe c[8];

		for (unsigned int i = 0; i < n; i++) {
			struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

			iou_prep_nop(sqe, self->pat[base + i]);
			sqe->opcode = (__u8)opcode;
		}
		ASSERT_EQ((int)n, iou_submit(&self->r));
		ASSERT_EQ((int)n, iou_reap(&self->r, c, n, IOU_WAIT_MS));
		for (unsigned int i = 0; i < n; i++) {
			ASSERT_EQ(self->pat[base + i], c[i].user_data)
				TH_LOG("pattern %u", base + i);
			ASSERT_RES(res, c[i].res);
			ASSERT_EQ(0, c[i].flags);
			if (big_zero) {
				ASSERT_EQ(0, c[i].big_cqe[0]);
				ASSERT_EQ(0, c[i].big_cqe[1]);
			}
		}
	}
}

TEST_F(user_data, inline_completions_return_every_pattern)
{
	run(_metadata, self, IORING_OP_NOP, 0, variant->flags & IORING_SETUP_CQE32, 8);
}

TEST_F(user_data, failed_requests_return_every_pattern)
{
	run(_metadata, self, 255, -EINVAL, false, 1);
}

TEST_F(user_data, asynchronous_completions_return_every_pattern)
{
	int tfd = iou_timerfd_ms(0);

	ASSERT_LE(0, tfd);
	for (unsigned int base = 0; base < NPAT; base += 8) {
		unsigned int n = NPAT - base < 8 ? NPAT - base : 8;
		struct iou_cqe c[8];

		for (unsigned int i = 0; i < n; i++)
			iou_queue_poll(&self->r, tfd, self->pat[base + i]);
		ASSERT_EQ((int)n, iou_submit(&self->r));
		ASSERT_EQ((int)n, iou_reap(&self->r, c, n, IOU_WAIT_MS));
		for (unsigned int i = 0; i < n; i++) {
			bool found = false;

			/* concurrent polls of one file may complete in any order */
			for (unsigned int j = 0; j < n; j++)
				if (c[j].user_data == self->pat[base + i] &&
				    c[j].res == POLLIN)
					found = true;
			ASSERT_TRUE(found) TH_LOG("pattern %u", base + i);
		}
	}
	close(tfd);
}

TEST_F(user_data, overflowed_completions_return_every_pattern)
{
	struct iou_cqe c[NPAT];
	unsigned int got = 0;

	/* submitting with a backlog is refused (EBUSY) before 5.13 (RSRC_TAGS) */
	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	/* 16 CQ slots, NPAT NOPs without reaping: most go to the backlog */
	for (unsigned int base = 0; base < NPAT; base += 8) {
		unsigned int n = NPAT - base < 8 ? NPAT - base : 8;

		for (unsigned int i = 0; i < n; i++)
			iou_prep_nop(iou_get_sqe(&self->r), self->pat[base + i]);
		ASSERT_EQ((int)n, iou_submit(&self->r));
	}
	ASSERT_EQ(self->r.cq_entries, iou_cq_ready(&self->r));
	while (got < NPAT) {
		int k = iou_reap(&self->r, c + got, NPAT - got, IOU_WAIT_MS);

		ASSERT_LT(0, k);
		got += (unsigned int)k;
	}
	for (unsigned int i = 0; i < NPAT; i++) {
		ASSERT_EQ(self->pat[i], c[i].user_data) TH_LOG("pattern %u", i);
		ASSERT_RES(0, c[i].res);
		ASSERT_EQ(0, c[i].flags);
		if (variant->flags & IORING_SETUP_CQE32) {
			ASSERT_EQ(0, c[i].big_cqe[0]);
			ASSERT_EQ(0, c[i].big_cqe[1]);
		}
	}
	ASSERT_EQ(0, *self->r.cq_koverflow);
}

TEST_HARNESS_MAIN
