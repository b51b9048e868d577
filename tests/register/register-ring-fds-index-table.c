// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_RING_FDS / IORING_UNREGISTER_RING_FDS: a task holds up
 * to 16 registered ring fds.  With offset -1 the kernel picks the lowest
 * free slot and writes it back; an explicit offset must be free (EBUSY)
 * and below 16 (EINVAL); registering 16 at once fills the table, a 17th is
 * EBUSY, asking for 17 is EINVAL; a batch stops at the first bad entry and
 * returns how many were done.  The index then stands for the ring in
 * io_uring_enter (IORING_ENTER_REGISTERED_RING) and io_uring_register
 * (IORING_REGISTER_USE_REGISTERED_RING), even after the fd is closed; an
 * empty slot there is EBADF, 16 or more EINVAL.  Unregistering clears the
 * slot (an empty slot counts too); only io_uring fds can be registered.
 * The table belongs to the task: a forked child has none (EINVAL) until
 * it uses io_uring itself, and then an empty one (EBADF).
 */
#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(ring_fds) {
	struct iou_ring r;
};

FIXTURE_SETUP(ring_fds)
{
	REQUIRE_REGISTER_OP(IORING_REGISTER_RING_FDS);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(ring_fds)
{
	iou_ring_exit(&self->r);
}

static int reg(int ringfd, unsigned int op, struct io_uring_rsrc_update *u,
	       unsigned int nr)
{
	int ret = sys_io_uring_register(ringfd, op, u, nr);

	return ret < 0 ? -errno : ret;
}

static int enter_index(unsigned int index, unsigned int to_submit)
{
	int ret = sys_io_uring_enter((int)index, to_submit, 0,
				     IORING_ENTER_REGISTERED_RING, NULL, 0);

	return ret < 0 ? -errno : ret;
}

TEST_F(ring_fds, auto_offset_takes_lowest_free_slot)
{
	struct io_uring_rsrc_update u = { .offset = -1U, .data = (__u64)self->r.fd };
	struct io_uring_rsrc_update x = { .offset = 0 };

	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	ASSERT_EQ(0, u.offset);
	u.offset = -1U;
	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	ASSERT_EQ(1, u.offset);
	ASSERT_RES(1, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, &x, 1));
	u.offset = -1U;
	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	ASSERT_EQ(0, u.offset);
}

TEST_F(ring_fds, sixteen_fill_the_table_and_a_seventeenth_is_ebusy)
{
	struct io_uring_rsrc_update u[16], one = { .offset = -1U };

	for (unsigned int i = 0; i < 16; i++) {
		u[i].offset = -1U;
		u[i].resv = 0;
		u[i].data = (__u64)self->r.fd;
	}
	ASSERT_RES(16, reg(self->r.fd, IORING_REGISTER_RING_FDS, u, 16));
	for (unsigned int i = 0; i < 16; i++)
		ASSERT_EQ(i, u[i].offset);
	one.data = (__u64)self->r.fd;
	ASSERT_RES(-EBUSY, reg(self->r.fd, IORING_REGISTER_RING_FDS, &one, 1));
	/* every index drives the ring */
	for (unsigned int i = 0; i < 16; i++) {
		struct iou_cqe cqe;

		iou_prep_nop(iou_get_sqe(&self->r), i);
		iou_sq_flush(&self->r);
		ASSERT_RES(1, enter_index(i, 1));
		ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
		ASSERT_EQ(i, cqe.user_data);
	}
}

TEST_F(ring_fds, seventeen_at_once_is_einval)
{
	struct io_uring_rsrc_update u[17];

	for (unsigned int i = 0; i < 17; i++) {
		u[i].offset = -1U;
		u[i].resv = 0;
		u[i].data = (__u64)self->r.fd;
	}
	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_REGISTER_RING_FDS, u, 17));
	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, u, 17));
}

TEST_F(ring_fds, explicit_offset_is_used)
{
	struct io_uring_rsrc_update u = { .offset = 9, .data = (__u64)self->r.fd };

	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	ASSERT_EQ(9, u.offset);
	iou_prep_nop(iou_get_sqe(&self->r), 0x99);
	iou_sq_flush(&self->r);
	ASSERT_RES(1, enter_index(9, 1));
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	ASSERT_EQ(0x99, iou_cqe_at(&self->r, *self->r.cq_khead)->user_data);
}

TEST_F(ring_fds, occupied_offset_is_ebusy)
{
	struct io_uring_rsrc_update u = { .offset = 5, .data = (__u64)self->r.fd };

	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	u.offset = 5;
	ASSERT_RES(-EBUSY, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
}

TEST_F(ring_fds, offset_16_is_einval)
{
	struct io_uring_rsrc_update u = { .offset = 16, .data = (__u64)self->r.fd };

	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	u.data = 0;
	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, &u, 1));
}

TEST_F(ring_fds, batch_stops_at_first_bad_entry_and_counts_the_rest)
{
	struct io_uring_rsrc_update u[3] = {
		{ .offset = 2, .data = (__u64)self->r.fd },
		{ .offset = 2, .data = (__u64)self->r.fd },	/* now taken */
		{ .offset = 4, .data = (__u64)self->r.fd },
	};

	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, u, 3));
	/* the third entry was not processed */
	ASSERT_RES(-EBADF, enter_index(4, 0));
	ASSERT_RES(0, enter_index(2, 0));
}

TEST_F(ring_fds, index_outlives_the_closed_fd)
{
	struct io_uring_rsrc_update u = { .offset = -1U, .data = (__u64)self->r.fd };
	struct iou_cqe cqe;
	unsigned int idx;

	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	idx = u.offset;
	close(self->r.fd);
	/* the library now drives the ring through the index only */
	self->r.fd = -1;
	self->r.enter_fd = (int)idx;
	self->r.enter_flags = IORING_ENTER_REGISTERED_RING;
	iou_prep_nop(iou_get_sqe(&self->r), 7);
	ASSERT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	ASSERT_EQ(7, cqe.user_data);
	if (iou_features() & IORING_FEAT_REG_REG_RING) {
		struct io_uring_rsrc_update x = { .offset = idx };

		/* unregistering through its own index drops the last reference */
		ASSERT_RES(1, reg((int)idx, IORING_UNREGISTER_RING_FDS |
				  IORING_REGISTER_USE_REGISTERED_RING, &x, 1));
		self->r.enter_flags = 0;
		self->r.enter_fd = -1;
		ASSERT_RES(-EBADF, enter_index(idx, 0));
	}
}

TEST_F(ring_fds, unregistered_slot_is_ebadf_in_enter_and_register)
{
	struct io_uring_rsrc_update u = { .offset = 6, .data = (__u64)self->r.fd };
	struct io_uring_rsrc_update x = { .offset = 6 };

	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	ASSERT_RES(0, enter_index(6, 0));
	ASSERT_RES(1, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, &x, 1));
	ASSERT_RES(-EBADF, enter_index(6, 0));
	if (iou_features() & IORING_FEAT_REG_REG_RING) {
		int one = -1;

		/* EVENTFD_ASYNC stands for any opcode: the lookup fails first */
		ASSERT_SYSERR(EBADF, sys_io_uring_register(6,
				IORING_REGISTER_EVENTFD |
				IORING_REGISTER_USE_REGISTERED_RING, &one, 1));
	}
}

TEST_F(ring_fds, unregister_of_empty_slot_counts)
{
	struct io_uring_rsrc_update x = { .offset = 11 };

	ASSERT_RES(1, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, &x, 1));
}

TEST_F(ring_fds, enter_index_16_is_einval)
{
	ASSERT_RES(-EINVAL, enter_index(16, 0));
	ASSERT_RES(-EINVAL, enter_index(-1U, 0));
}

TEST_F(ring_fds, non_ring_fd_is_eopnotsupp)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct io_uring_rsrc_update u = { .offset = -1U };

	ASSERT_LE(0, fd);
	u.data = (__u64)fd;
	ASSERT_RES(-EOPNOTSUPP, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	close(fd);
}

TEST_F(ring_fds, closed_fd_is_ebadf)
{
	int fd = dup(self->r.fd);
	struct io_uring_rsrc_update u = { .offset = -1U };

	ASSERT_LE(0, fd);
	close(fd);
	u.data = (__u64)fd;
	ASSERT_RES(-EBADF, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
}

TEST_F(ring_fds, reserved_field_or_data_in_unregister_is_einval)
{
	struct io_uring_rsrc_update u = { .offset = -1U, .resv = 1,
					  .data = (__u64)self->r.fd };

	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	u.resv = 0;
	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	/* unregister wants offset only */
	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, &u, 1));
	u.data = 0;
	u.resv = 1;
	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, &u, 1));
	/* still registered */
	ASSERT_RES(0, enter_index(u.offset, 0));
}

TEST_F(ring_fds, zero_entries_is_einval)
{
	struct io_uring_rsrc_update u = { .offset = -1U, .data = (__u64)self->r.fd };

	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 0));
	ASSERT_RES(-EINVAL, reg(self->r.fd, IORING_UNREGISTER_RING_FDS, &u, 0));
}

TEST_F(ring_fds, faulting_array_is_efault)
{
	ASSERT_RES(-EFAULT, reg(self->r.fd, IORING_REGISTER_RING_FDS,
				iou_fault_ptr(), 1));
	ASSERT_RES(-EFAULT, reg(self->r.fd, IORING_UNREGISTER_RING_FDS,
				iou_fault_ptr(), 1));
}

TEST_F(ring_fds, table_is_per_task)
{
	struct io_uring_rsrc_update u = { .offset = 3, .data = (__u64)self->r.fd };
	int pid, st;

	ASSERT_RES(1, reg(self->r.fd, IORING_REGISTER_RING_FDS, &u, 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct iou_ring own;

		/* the child has the fd but no table at all ... */
		if (enter_index(3, 0) != -EINVAL)
			_exit(1);
		/* ... and once it uses io_uring, an empty one */
		if (iou_ring_init(&own, 1, 0))
			_exit(2);
		_exit(enter_index(3, 0) == -EBADF ? 0 : 3);
	}
	st = iou_wait_child(pid, IOU_WAIT_MS);
	ASSERT_EQ(0, st);
	ASSERT_RES(0, enter_index(3, 0));
}

TEST_HARNESS_MAIN
