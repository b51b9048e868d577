// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_REGISTERED_FD_ONLY (with NO_MMAP): io_uring_setup() installs
 * no file descriptor; it registers the ring in the task's registered-ring
 * table and returns that index (0..15).  The ring is then reached only
 * with IORING_ENTER_REGISTERED_RING / IORING_REGISTER_USE_REGISTERED_RING;
 * the index used as a plain descriptor does not reach it.  The table holds
 * 16 rings: the 17th setup fails with EBUSY.  Unregistering the index
 * drops the last reference: the slot is empty afterwards (EBADF).
 */
#include "iou.h"

IOU_REQUIRES(.setup_flags = IORING_SETUP_REGISTERED_FD_ONLY);

#define FLAGS (IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY)

FIXTURE(ring) {
	struct iou_ring r;
	struct iou_ring_mem m;
	bool up;
};

FIXTURE_SETUP(ring)
{
	struct io_uring_params p;
	int next = iou_lowest_free_fd();

	memset(&p, 0, sizeof(p));
	p.flags = FLAGS;
	ASSERT_EQ(0, iou_ring_mem_alloc(&self->m, 4, 8, FLAGS));
	ASSERT_RES(0, iou_ring_init_opts(&self->r, 4, &p, &self->m.opts));
	self->up = true;
	/* no descriptor was installed */
	ASSERT_EQ(next, iou_lowest_free_fd());
}

FIXTURE_TEARDOWN(ring)
{
	if (self->up)
		iou_ring_exit(&self->r);
	iou_ring_mem_free(&self->m);
}

TEST_F(ring, setup_returns_an_index_usable_with_registered_ring)
{
	struct io_uring_probe *probe;
	struct iou_cqe cqe;

	/* the first ring of this task takes slot 0 */
	ASSERT_EQ(0, self->r.enter_fd);
	ASSERT_EQ(-1, self->r.fd);
	iou_prep_nop(iou_get_sqe(&self->r), 0x1d);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_EQ(0x1d, cqe.user_data);
	ASSERT_RES(0, cqe.res);

	probe = calloc(1, sizeof(*probe) + 256 * sizeof(probe->ops[0]));
	ASSERT_NE(NULL, probe);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_PROBE, probe, 256));
	ASSERT_LT(IORING_OP_NOP, probe->last_op);
	free(probe);
}

TEST_F(ring, index_used_as_descriptor_misses_the_ring)
{
	int idx = self->r.enter_fd;
	int expected = fcntl(idx, F_GETFD) < 0 ? EBADF : EOPNOTSUPP;

	/* whatever descriptor idx is (if any), it is not this ring */
	ASSERT_SYSERR(expected, sys_io_uring_enter(idx, 0, 0, 0, NULL, 0));
	ASSERT_SYSERR(EBADF, sys_io_uring_enter(idx + 1, 0, 0,
					       IORING_ENTER_REGISTERED_RING,
					       NULL, 0));
}

TEST_F(ring, unregistering_the_index_releases_the_ring)
{
	struct io_uring_rsrc_update up = { .offset = (__u32)self->r.enter_fd };

	ASSERT_RES(1, iou_register(&self->r, IORING_UNREGISTER_RING_FDS, &up, 1));
	ASSERT_SYSERR(EBADF, sys_io_uring_enter(up.offset, 0, 0,
					       IORING_ENTER_REGISTERED_RING,
					       NULL, 0));
	/* nothing left to tear down */
	self->r.enter_flags = 0;
	self->r.enter_fd = -1;
}

TEST(seventeenth_ring_gives_ebusy)
{
	struct iou_ring_mem m[IOU_RINGFD_REG_MAX + 1];
	struct iou_ring r[IOU_RINGFD_REG_MAX];
	unsigned int seen = 0;

	for (unsigned int i = 0; i <= IOU_RINGFD_REG_MAX; i++) {
		struct io_uring_params p;
		int ret;

		memset(&p, 0, sizeof(p));
		p.flags = FLAGS;
		ASSERT_EQ(0, iou_ring_mem_alloc(&m[i], 4, 8, FLAGS));
		if (i == IOU_RINGFD_REG_MAX) {
			struct iou_ring extra;

			ASSERT_RES(-EBUSY, iou_ring_init_opts(&extra, 4, &p, &m[i].opts));
			break;
		}
		ret = iou_ring_init_opts(&r[i], 4, &p, &m[i].opts);
		ASSERT_RES(0, ret);
		ASSERT_LE(0, r[i].enter_fd);
		ASSERT_GT(IOU_RINGFD_REG_MAX, r[i].enter_fd);
		/* each ring got a slot of its own */
		ASSERT_EQ(0, seen & (1U << r[i].enter_fd));
		seen |= 1U << r[i].enter_fd;
	}
	ASSERT_EQ(0xffff, seen);
	for (unsigned int i = 0; i < IOU_RINGFD_REG_MAX; i++)
		iou_ring_exit(&r[i]);
	for (unsigned int i = 0; i <= IOU_RINGFD_REG_MAX; i++)
		iou_ring_mem_free(&m[i]);
}

TEST_HARNESS_MAIN
