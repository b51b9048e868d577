// SPDX-License-Identifier: GPL-2.0
/*
 * Operations on the registered file table of a ring that has none are
 * refused, never run on the missing table:
 *  - IORING_OP_FILES_UPDATE with IORING_FILE_INDEX_ALLOC (5.19), which
 *    picks free slots, fails with -ENXIO;
 *  - IORING_OP_MSG_RING with IORING_MSG_SEND_FD (6.0) from a ring without
 *    a table fails with -EBADF (the source slot does not exist), and to a
 *    target ring without one with -ENXIO; nothing reaches the target.
 * With both tables in place the same requests succeed (the control).
 *
 * d785a773bed9 added the table check to the slot allocation of
 * FILES_UPDATE (found before 5.19 was released); 16bbdfe5fb0e (6.1,
 * stable 6.0.6) fixed MSG_SEND_FD dereferencing a source ring's missing
 * table (a NULL pointer dereference, CVE-2022-50295).  Every Debian
 * kernel the QEMU runner boots has both fixes (5.10's io_uring has
 * neither operation: it SKIPs); 6.1.170, 6.12.43, 6.18.5, 6.19.6 and
 * 7.2.13 pass.
 */
#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_FILES_UPDATE, IORING_OP_MSG_RING),
	     .fixes = IOU_FIXES(IOU_FIX("d785a773bed9", "", "table.files_update_alloc_*",
			"io_uring: check that we have a file table when allocating update slots"),
		IOU_FIX("16bbdfe5fb0e", "CVE-2022-50295", "table.send_fd_*",
			"io_uring/msg_ring: Fix NULL pointer dereference in io_msg_send_fd()")),
	     .unsafe = "a kernel without 16bbdfe5fb0e dereferences a NULL file table");

#define UD	0xd785000000000001ULL
#define MSG_UD	0x16bb000000000002ULL

FIXTURE(table) {
	struct iou_ring r, target;
	int fd;
};

FIXTURE_SETUP(table)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	ASSERT_EQ(0, iou_ring_init(&self->target, 4, 0));
	self->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(table)
{
	close(self->fd);
	iou_ring_exit(&self->target);
	iou_ring_exit(&self->r);
}

static int files_update_alloc(struct iou_ring *r, int *fds, unsigned int nr)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_files_update(sqe, fds, nr, (int)IORING_FILE_INDEX_ALLOC);
	sqe->user_data = UD;
	return iou_run_one(r, NULL);
}

static int send_fd(struct iou_ring *r, int target_fd, unsigned int src, unsigned int dst)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_msg_ring_fd(sqe, target_fd, src, dst, MSG_UD, 0);
	sqe->user_data = UD;
	return iou_run_one(r, NULL);
}

static int sparse_table(struct iou_ring *r, unsigned int nr)
{
	int fds[4] = { -1, -1, -1, -1 };

	return iou_register(r, IORING_REGISTER_FILES, fds, nr);
}

TEST_F(table, files_update_alloc_picks_a_slot_of_the_table)
{
	int fds[1] = { self->fd };
	int res;

	ASSERT_RES(0, sparse_table(&self->r, 2));
	res = files_update_alloc(&self->r, fds, 1);
	IOU_REQUIRE(iou_have_by_result(res, 1, IOU_V(5, 19), "IORING_FILE_INDEX_ALLOC",
				       __why, sizeof(__why)));
	ASSERT_EQ(0, fds[0]);
}

TEST_F(table, files_update_alloc_without_a_table_is_enxio)
{
	int fds[1] = { self->fd };

	ASSERT_RES(-ENXIO, files_update_alloc(&self->r, fds, 1));
	ASSERT_EQ(self->fd, fds[0]);
}

/* the control; SKIPs where MSG_SEND_FD is unknown (before 6.0) */
TEST_F(table, send_fd_between_tables_installs_it)
{
	struct iou_cqe cqe;
	int fds[1] = { self->fd };

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 1));
	ASSERT_RES(0, sparse_table(&self->target, 2));
	IOU_REQUIRE(iou_have_by_result(send_fd(&self->r, self->target.fd, 0, 1), 0, IOU_V(6, 0),
				       "IORING_MSG_SEND_FD", __why, sizeof(__why)));
	ASSERT_EQ(1, iou_reap(&self->target, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(MSG_UD, cqe.user_data);
	ASSERT_EQ(0, cqe.res);
	/* slot 1 of the target now reads /dev/null: end of file, not -EBADF */
	ASSERT_RES(0, iou_read_fixed_slot(&self->target, 1));
	ASSERT_RES(-EBADF, iou_read_fixed_slot(&self->target, 0));
}

TEST_F(table, send_fd_from_a_ring_without_a_table_is_ebadf)
{
	ASSERT_RES(0, sparse_table(&self->target, 2));
	ASSERT_RES(-EBADF, send_fd(&self->r, self->target.fd, 0, 1));
	ASSERT_NO_CQE(&self->target, IOU_QUIET_MS);
}

TEST_F(table, send_fd_to_a_ring_without_a_table_is_enxio)
{
	int fds[1] = { self->fd };

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 1));
	ASSERT_RES(-ENXIO, send_fd(&self->r, self->target.fd, 0, 1));
	ASSERT_NO_CQE(&self->target, IOU_QUIET_MS);
}

TEST_HARNESS_MAIN
