// SPDX-License-Identifier: GPL-2.0
/*
 * The io_uring_register(2) checks every opcode of this area goes through
 * before its own: the fd must be an open io_uring instance (a regular
 * file is EOPNOTSUPP, a closed fd EBADF), with
 * IORING_REGISTER_USE_REGISTERED_RING the fd is an index into the task's
 * registered rings (an empty slot is EBADF, an index past the 16 slots
 * EINVAL), and an opcode the kernel does not have is EINVAL.  Through a
 * valid registered index each opcode does exactly what it does through
 * the ring fd.
 *
 * Opcodes covered: the buffer, file, probe, personality and restriction
 * opcodes (BUFFERS, UNREGISTER_BUFFERS, FILES, UNREGISTER_FILES,
 * FILES_UPDATE, PROBE, PERSONALITY, UNREGISTER_PERSONALITY, RESTRICTIONS,
 * ENABLE_RINGS, FILES2, FILES_UPDATE2, BUFFERS2, BUFFERS_UPDATE,
 * FILE_ALLOC_RANGE, CLONE_BUFFERS); each is skipped inside a case where
 * the kernel lacks it.
 */
#include "iou.h"
#include "iou_rsrc.h"

/* Arguments valid for each opcode on a ring prepared by prepare(). */
struct call {
	unsigned int op;
	const void *arg;
	unsigned int nr;
	int ok;			/* result through a valid fd or index */
};

struct env {
	struct iou_ring r;		/* R_DISABLED where supported */
	struct iou_ring src;		/* has one buffer, for CLONE_BUFFERS */
	unsigned char *mem;
	int file;
	struct iovec iov;
	int fds[2];
	struct io_uring_rsrc_update fup;
	struct io_uring_rsrc_register rr_files, rr_bufs;
	struct io_uring_rsrc_update2 up_files, up_bufs;
	struct io_uring_file_index_range range;
	struct io_uring_clone_buffers clone;
	struct io_uring_restriction res[2];
	struct io_uring_probe *probe;
	int none;
};

FIXTURE(matrix) {
	struct env e;
};

FIXTURE_SETUP(matrix)
{
	struct env *e = &self->e;
	unsigned int flags = iou_setup_flag_supported(IORING_SETUP_R_DISABLED) ?
			     IORING_SETUP_R_DISABLED : 0;

	memset(e, 0, sizeof(*e));
	e->file = -1;
	ASSERT_EQ(0, iou_ring_init(&e->r, 4, flags));
	ASSERT_EQ(0, iou_ring_init(&e->src, 4, 0));
	e->mem = iou_map_nohuge(2 * IOU_PAGE_SIZE);
	ASSERT_NE(NULL, e->mem);
	e->file = iou_scratch_file("data", 64, 0);
	ASSERT_LE(0, e->file);
	e->iov = (struct iovec){ e->mem, IOU_PAGE_SIZE };
	ASSERT_RES(0, iou_register(&e->src, IORING_REGISTER_BUFFERS, &e->iov, 1));
	e->fds[0] = e->file;
	e->fds[1] = -1;
	e->none = -1;
	e->fup.offset = 1;
	e->fup.data = (__u64)(uintptr_t)&e->none;
	e->rr_files.nr = 2;
	e->rr_files.data = (__u64)(uintptr_t)e->fds;
	e->rr_bufs.nr = 1;
	e->rr_bufs.data = (__u64)(uintptr_t)&e->iov;
	e->up_files.offset = 1;
	e->up_files.data = (__u64)(uintptr_t)&e->none;
	e->up_files.nr = 1;
	e->up_bufs.offset = 0;
	e->up_bufs.data = (__u64)(uintptr_t)&e->iov;
	e->up_bufs.nr = 1;
	e->range.off = 0;
	e->range.len = 2;
	e->clone.src_fd = (__u32)e->src.fd;
	/* after ENABLE_RINGS: fixed reads and PROBE only */
	e->res[0].opcode = IORING_RESTRICTION_SQE_OP;
	e->res[0].sqe_op = IORING_OP_READ_FIXED;
	e->res[1].opcode = IORING_RESTRICTION_REGISTER_OP;
	e->res[1].register_op = IORING_REGISTER_PROBE;
	e->probe = calloc(1, sizeof(*e->probe) + 8 * sizeof(e->probe->ops[0]));
	ASSERT_NE(NULL, e->probe);
}

FIXTURE_TEARDOWN(matrix)
{
	iou_ring_exit(&self->e.r);
	iou_ring_exit(&self->e.src);
	if (self->e.file >= 0)
		close(self->e.file);
	free(self->e.probe);
}

/*
 * The calls in an order in which each succeeds on the ring after the
 * previous ones: register, use, unregister.
 */
static unsigned int calls(struct env *e, struct call *c)
{
	unsigned int n = 0;

	c[n++] = (struct call){ IORING_REGISTER_PERSONALITY, NULL, 0, 1 };
	c[n++] = (struct call){ IORING_UNREGISTER_PERSONALITY, NULL, 1, 0 };
	c[n++] = (struct call){ IORING_REGISTER_FILES, e->fds, 2, 0 };
	c[n++] = (struct call){ IORING_REGISTER_FILES_UPDATE, &e->fup, 1, 1 };
	c[n++] = (struct call){ IORING_UNREGISTER_FILES, NULL, 0, 0 };
	c[n++] = (struct call){ IORING_REGISTER_FILES2, &e->rr_files, sizeof(e->rr_files), 0 };
	c[n++] = (struct call){ IORING_REGISTER_FILES_UPDATE2, &e->up_files,
				sizeof(e->up_files), 1 };
	c[n++] = (struct call){ IORING_REGISTER_FILE_ALLOC_RANGE, &e->range, 0, 0 };
	c[n++] = (struct call){ IORING_REGISTER_BUFFERS, &e->iov, 1, 0 };
	c[n++] = (struct call){ IORING_UNREGISTER_BUFFERS, NULL, 0, 0 };
	c[n++] = (struct call){ IORING_REGISTER_BUFFERS2, &e->rr_bufs, sizeof(e->rr_bufs), 0 };
	c[n++] = (struct call){ IORING_REGISTER_BUFFERS_UPDATE, &e->up_bufs,
				sizeof(e->up_bufs), 1 };
	c[n++] = (struct call){ IORING_UNREGISTER_BUFFERS, NULL, 0, 0 };
	c[n++] = (struct call){ IORING_REGISTER_CLONE_BUFFERS, &e->clone, 1, 0 };
	c[n++] = (struct call){ IORING_REGISTER_RESTRICTIONS, e->res, 2, 0 };
	c[n++] = (struct call){ IORING_REGISTER_ENABLE_RINGS, NULL, 0, 0 };
	c[n++] = (struct call){ IORING_REGISTER_PROBE, e->probe, 8, 0 };
	return n;
}

TEST_F(matrix, regular_file_fd_fails_eopnotsupp)
{
	struct call c[32];
	unsigned int n = calls(&self->e, c);

	for (unsigned int i = 0; i < n; i++) {
		if (!iou_register_op_supported(c[i].op))
			continue;
		errno = 0;
		ASSERT_EQ(-1, sys_io_uring_register(self->e.file, c[i].op, c[i].arg, c[i].nr))
			TH_LOG("%s", iou_register_op_name(c[i].op));
		ASSERT_EQ(EOPNOTSUPP, errno) TH_LOG("%s: %s", iou_register_op_name(c[i].op),
						    iou_errno_name(errno));
	}
}

TEST_F(matrix, closed_fd_fails_ebadf)
{
	struct call c[32];
	unsigned int n = calls(&self->e, c);
	int fd = dup(self->e.file);

	ASSERT_LE(0, fd);
	close(fd);
	for (unsigned int i = 0; i < n; i++) {
		if (!iou_register_op_supported(c[i].op))
			continue;
		errno = 0;
		ASSERT_EQ(-1, sys_io_uring_register(fd, c[i].op, c[i].arg, c[i].nr))
			TH_LOG("%s", iou_register_op_name(c[i].op));
		ASSERT_EQ(EBADF, errno) TH_LOG("%s: %s", iou_register_op_name(c[i].op),
					       iou_errno_name(errno));
	}
}

TEST_F(matrix, each_opcode_works_through_a_registered_ring_index)
{
	struct call c[32];
	unsigned int n = calls(&self->e, c);

	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	ASSERT_EQ(0, iou_ring_register_fd(&self->e.r));
	ASSERT_EQ(IORING_REGISTER_USE_REGISTERED_RING, self->e.r.register_flags);
	for (unsigned int i = 0; i < n; i++) {
		int ret;

		if (!iou_register_op_supported(c[i].op))
			continue;
		ret = iou_register(&self->e.r, c[i].op, c[i].arg, c[i].nr);
		ASSERT_EQ(c[i].ok, ret) TH_LOG("%s: %s", iou_register_op_name(c[i].op),
					       iou_res_str(ret));
	}
	/* the work was done on the ring: it is enabled and restricted, and
	 * its cloned buffer reads */
	if (iou_register_op_supported(IORING_REGISTER_CLONE_BUFFERS)) {
		iou_prep_read_fixed(iou_get_sqe(&self->e.r), self->e.file, self->e.mem,
				    16, 0, 0);
		ASSERT_RES(16, iou_run_one(&self->e.r, NULL));
	}
}

TEST_F(matrix, empty_registered_ring_slot_fails_ebadf)
{
	struct call c[32];
	unsigned int n = calls(&self->e, c);
	int slot;

	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	/* our ring at some slot: the next one up is empty */
	ASSERT_EQ(0, iou_ring_register_fd(&self->e.r));
	slot = self->e.r.enter_fd == 15 ? 14 : self->e.r.enter_fd + 1;
	for (unsigned int i = 0; i < n; i++) {
		if (!iou_register_op_supported(c[i].op))
			continue;
		errno = 0;
		ASSERT_EQ(-1, sys_io_uring_register(slot,
			c[i].op | IORING_REGISTER_USE_REGISTERED_RING, c[i].arg, c[i].nr))
			TH_LOG("%s", iou_register_op_name(c[i].op));
		ASSERT_EQ(EBADF, errno) TH_LOG("%s: %s", iou_register_op_name(c[i].op),
					       iou_errno_name(errno));
	}
}

TEST_F(matrix, registered_ring_index_past_the_table_fails_einval)
{
	struct call c[32];
	unsigned int n = calls(&self->e, c);

	REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);
	ASSERT_EQ(0, iou_ring_register_fd(&self->e.r));
	for (unsigned int i = 0; i < n; i++) {
		if (!iou_register_op_supported(c[i].op))
			continue;
		errno = 0;
		ASSERT_EQ(-1, sys_io_uring_register(IOU_RINGFD_REG_MAX,
			c[i].op | IORING_REGISTER_USE_REGISTERED_RING, c[i].arg, c[i].nr))
			TH_LOG("%s", iou_register_op_name(c[i].op));
		ASSERT_EQ(EINVAL, errno) TH_LOG("%s: %s", iou_register_op_name(c[i].op),
						iou_errno_name(errno));
	}
}

TEST_F(matrix, opcode_the_kernel_lacks_fails_einval)
{
	unsigned int first = 255;

	if (iou_register_op_supported(IORING_REGISTER_QUERY)) {
		struct io_uring_query_opcode q;
		struct io_uring_query_hdr h;

		memset(&q, 0, sizeof(q));
		memset(&h, 0, sizeof(h));
		h.query_data = (__u64)(uintptr_t)&q;
		h.query_op = IO_URING_QUERY_OPCODES;
		h.size = sizeof(q);
		ASSERT_RES(0, iou_register(&self->e.r, IORING_REGISTER_QUERY, &h, 0));
		first = q.nr_register_opcodes;
	}
	ASSERT_RES(-EINVAL, iou_register(&self->e.r, first, self->e.probe, 8));
	ASSERT_RES(-EINVAL, iou_register(&self->e.r, 255, self->e.probe, 8));
	ASSERT_RES(-EINVAL, iou_register(&self->e.r, 0x7fffffff, self->e.probe, 8));
	if (iou_features() & IORING_FEAT_REG_REG_RING) {
		ASSERT_EQ(0, iou_ring_register_fd(&self->e.r));
		ASSERT_RES(-EINVAL, iou_register(&self->e.r, first, self->e.probe, 8));
	}
}

TEST_HARNESS_MAIN
