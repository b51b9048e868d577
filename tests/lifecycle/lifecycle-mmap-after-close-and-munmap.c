// SPDX-License-Identifier: GPL-2.0
/*
 * Ring memory and the ring's lifetime:
 *  - the kernel works on the ring through its own mapping: SQEs published
 *    before the application unmaps everything are still submitted by
 *    io_uring_enter(2), their CQEs are written, and mapping the ring again
 *    shows them, with the heads and tails where they belong;
 *  - two mappings of a ring region are the same memory;
 *  - a mapping holds a reference to the ring file: after the last
 *    descriptor is closed the ring and its requests in flight live on (a
 *    pending poll still completes into the mapped CQ ring, the file it
 *    polls is still held), nothing consumes newly published SQEs, and the
 *    ring goes away when the last mapping does;
 *  - mmap(2) of a closed ring descriptor is EBADF.
 * Each case runs with the rings in one mapping (IORING_FEAT_SINGLE_MMAP)
 * and in separate ones.
 *
 * Timing: teardown is observed within 2 s; "nothing happens" windows are
 * 50 ms.
 */
#include <sys/mman.h>

#include "iou.h"
#include "iou_fdinfo.h"

FIXTURE(mapping) {
	struct iou_ring r;
	struct io_uring_params p;
	int pp[2];
	bool gone;
};

FIXTURE_VARIANT(mapping) {
	bool separately;
};

FIXTURE_VARIANT_ADD(mapping, single_mapping) { .separately = false };
FIXTURE_VARIANT_ADD(mapping, separate_mappings) { .separately = true };

FIXTURE_SETUP(mapping)
{
	struct iou_ring_opts o = { .map_separately = variant->separately };

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(self->pp, O_CLOEXEC));
	memset(&self->p, 0, sizeof(self->p));
	ASSERT_EQ(0, iou_ring_init_opts(&self->r, 4, &self->p, &o));
}

FIXTURE_TEARDOWN(mapping)
{
	if (!self->gone)
		iou_ring_exit(&self->r);
	if (self->pp[0] >= 0)
		close(self->pp[0]);
	close(self->pp[1]);
}

static void unmap_all(struct iou_ring *r)
{
	munmap(r->sqes_ptr, r->sqes_sz);
	if (r->cq_ring_ptr != r->sq_ring_ptr)
		munmap(r->cq_ring_ptr, r->cq_ring_sz);
	munmap(r->sq_ring_ptr, r->sq_ring_sz);
}

TEST_F(mapping, kernel_keeps_working_after_everything_is_unmapped)
{
	struct iou_ring again;
	struct iou_ring_opts o = { .map_separately = variant->separately };

	for (unsigned int i = 0; i < 3; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 500 + i);
	iou_sq_flush(&self->r);
	unmap_all(&self->r);
	ASSERT_RES(3, iou_enter(&self->r, 3, 3, IORING_ENTER_GETEVENTS, NULL, 0));
	ASSERT_EQ(0, iou_ring_map(&again, self->r.fd, &self->r.params, &o));
	ASSERT_EQ(3, iou_load_acquire(again.sq_khead));
	ASSERT_EQ(3, *again.sq_ktail);
	ASSERT_EQ(0, *again.cq_khead);
	ASSERT_EQ(3, iou_load_acquire(again.cq_ktail));
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(500 + i, iou_cqe_at(&again, i)->user_data);
		ASSERT_RES(0, iou_cqe_at(&again, i)->res);
		ASSERT_EQ(0, iou_cqe_at(&again, i)->flags);
	}
	/* the new mapping is a working ring */
	again.sqe_head = again.sqe_tail = 3;
	iou_prep_nop(iou_get_sqe(&again), 503);
	ASSERT_RES(1, iou_submit(&again));
	ASSERT_EQ(4, iou_load_acquire(again.cq_ktail));
	IOU_EXPECT_CQES(&again, IOU_CQE(500, 0), IOU_CQE(501, 0), IOU_CQE(502, 0),
			IOU_CQE(503, 0));
	iou_ring_exit(&again);
	self->gone = true;
}

TEST_F(mapping, two_mappings_are_the_same_memory)
{
	struct iou_ring twin;
	struct iou_ring_opts o = { .map_separately = variant->separately };

	ASSERT_EQ(0, iou_ring_map(&twin, self->r.fd, &self->r.params, &o));
	ASSERT_NE(self->r.sq_ring_ptr, twin.sq_ring_ptr);
	iou_prep_nop(iou_get_sqe(&self->r), 7);
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_EQ(1, iou_load_acquire(twin.cq_ktail));
	ASSERT_EQ(7, iou_cqe_at(&twin, 0)->user_data);
	ASSERT_RES(0, iou_cqe_at(&twin, 0)->res);
	ASSERT_EQ(0, iou_cqe_at(&twin, 0)->flags);
	/* a head published through one mapping is read through the other */
	iou_cq_advance(&twin, 1);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
	twin.fd = -1;	/* the descriptor is not twin's to close */
	iou_ring_exit(&twin);
}

TEST_F(mapping, mapping_keeps_the_ring_and_its_requests_after_the_last_close)
{
	int q[2];

	ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
	iou_queue_poll(&self->r, self->pp[0], 0x11);
	iou_queue_poll(&self->r, q[0], 0x22);
	ASSERT_RES(2, iou_submit(&self->r));
	ASSERT_EQ(0, close(q[0]));
	ASSERT_EQ(0, close(self->r.fd));
	self->r.fd = self->r.enter_fd = -1;
	/* the poll on q still holds its file: the ring is alive */
	ASSERT_FALSE(iou_wait_pipe_reader_gone(q[1], IOU_QUIET_MS));
	/* and the poll on the other pipe still completes into the mapping */
	ASSERT_EQ(1, write(self->pp[1], "x", 1));
	for (uint64_t start = iou_now_ns(); iou_ms_since(start) < IOU_WAIT_MS;) {
		if (iou_cq_ready(&self->r))
			break;
		usleep(1000);
	}
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(0x11, iou_cqe_at(&self->r, 0)->user_data);
	ASSERT_EQ(POLLIN, iou_cqe_at(&self->r, 0)->res);
	ASSERT_EQ(0, iou_cqe_at(&self->r, 0)->flags);
	/* with no descriptor nobody submits what is published now */
	iou_prep_nop(iou_get_sqe(&self->r), 0x33);
	iou_sq_flush(&self->r);
	for (uint64_t start = iou_now_ns(); iou_ms_since(start) < IOU_QUIET_MS; usleep(1000))
		ASSERT_EQ(2, iou_load_acquire(self->r.sq_khead));
	/* the last mapping goes: so does the ring, and what it held */
	munmap(self->r.sqes_ptr, self->r.sqes_sz);
	ASSERT_TRUE(iou_pipe_reader_held(q[1]));
	unmap_all(&self->r);
	self->gone = true;
	ASSERT_TRUE(iou_wait_pipe_reader_gone(q[1], IOU_EVENT_MS));
	close(q[1]);
}

TEST_F(mapping, mmap_of_a_closed_descriptor_is_ebadf)
{
	int fd = self->r.fd;

	iou_ring_exit(&self->r);
	self->gone = true;
	ASSERT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
				   fd, IORING_OFF_SQ_RING));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
				   fd, IORING_OFF_SQES));
	ASSERT_EQ(EBADF, errno);
}

TEST_HARNESS_MAIN
