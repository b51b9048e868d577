// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_URING_CMD on files that have no ->uring_cmd: a regular file,
 * a pipe, an eventfd, a directory: -EOPNOTSUPP, through a plain or a
 * fixed descriptor, on a plain ring and on an SQE128|CQE32 one (the ring
 * shape does not make a file support it); a socket knows its own commands
 * only (an unknown cmd_op: -EOPNOTSUPP).  /dev/null is the kernel's sink
 * for commands (6.0, 707527956d90): every command completes with 0.
 *
 * What io_uring itself checks comes first, whatever the file (prep, before
 * the file is asked): sqe->__pad1 set, an unknown uring_cmd_flags bit (the
 * top byte is the kernel's own), FIXED with MULTISHOT, MULTISHOT without
 * IOSQE_BUFFER_SELECT: -EINVAL; a descriptor that is not open: -EBADF.
 */
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_URING_CMD));

enum kind { REGULAR, PIPE, EVENTFD, DEVNULL, DIRECTORY };

FIXTURE(unsupported_file) {
	struct iou_ring r;
	int fd, other;
};

FIXTURE_VARIANT(unsupported_file) {
	enum kind kind;
	unsigned int setup_flags;
	bool fixed;
	bool sink;	/* /dev/null: every command succeeds */
};

#define KIND(name, k, flags, fx)				\
	FIXTURE_VARIANT_ADD(unsupported_file, name) {			\
		.kind = k, .setup_flags = flags, .fixed = fx,	\
		.sink = k == DEVNULL,				\
	}

#define BIG	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32)

KIND(regular_file, REGULAR, 0, false);
KIND(regular_file_fixed, REGULAR, 0, true);
KIND(regular_file_sqe128_cqe32, REGULAR, BIG, false);
KIND(pipe, PIPE, 0, false);
KIND(pipe_sqe128_cqe32, PIPE, BIG, false);
KIND(eventfd, EVENTFD, 0, false);
KIND(dev_null, DEVNULL, 0, false);
KIND(dev_null_fixed_sqe128_cqe32, DEVNULL, BIG, true);
KIND(directory, DIRECTORY, 0, false);

FIXTURE_SETUP(unsupported_file)
{
	int p[2];

	self->other = -1;
	IOU_RING_INIT_OR_SKIP(&self->r, 4, variant->setup_flags);
	ASSERT_EQ(variant->setup_flags, self->r.params.flags & BIG);
	switch (variant->kind) {
	case REGULAR:
		self->fd = iou_scratch_file("cmd", 4096, O_RDWR);
		break;
	case PIPE:
		ASSERT_SYSOK(pipe2(p, O_CLOEXEC));
		self->fd = p[0];
		self->other = p[1];
		break;
	case EVENTFD:
		self->fd = eventfd(0, EFD_CLOEXEC);
		break;
	case DEVNULL:
		self->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		break;
	case DIRECTORY:
		self->fd = open(iou_scratch_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	}
	ASSERT_LE(0, self->fd);
	if (variant->fixed)
		ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, &self->fd, 1));
}

FIXTURE_TEARDOWN(unsupported_file)
{
	iou_ring_exit(&self->r);
	close(self->fd);
	if (self->other >= 0)
		close(self->other);
}

/* one URING_CMD on the fixture's file; its CQE's res */
static int cmd_res(struct __test_metadata *_metadata, FIXTURE_DATA(unsupported_file) *self,
		   const FIXTURE_VARIANT(unsupported_file) *variant, __u32 cmd_op,
		   void (*spoil)(struct io_uring_sqe *), __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe;

	iou_prep_uring_cmd(sqe, variant->fixed ? 0 : self->fd, cmd_op);
	if (variant->fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = ud;
	if (spoil)
		spoil(sqe);
	EXPECT_EQ(1, iou_submit_reap(&self->r, &cqe, 1));
	EXPECT_EQ(ud, cqe.user_data);
	EXPECT_EQ(0, cqe.flags);
	return cqe.res;
}

TEST_F(unsupported_file, any_command_is_eopnotsupp_or_sunk)
{
	static const __u32 ops[] = { 0, 1, SOCKET_URING_OP_SIOCINQ + 100, 0xc0484e80, ~0u };
	/* /dev/null took commands from 6.0 on; URING_CMD came in 5.19 */
	int expect = variant->sink && iou_kernel_version() >= IOU_KVER(6, 0, 0) ? 0 : -EOPNOTSUPP;

	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		ASSERT_RES(expect, cmd_res(_metadata, self, variant, ops[i], NULL, 0x100 + i));
}

static void set_pad1(struct io_uring_sqe *sqe) { sqe->__pad1 = 1; }
static void set_unknown_flag(struct io_uring_sqe *sqe) { sqe->uring_cmd_flags = 1U << 2; }
static void set_internal_flag(struct io_uring_sqe *sqe) { sqe->uring_cmd_flags = 1U << 31; }
static void set_fixed_multishot(struct io_uring_sqe *sqe)
{
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED | IORING_URING_CMD_MULTISHOT;
}
static void set_multishot_alone(struct io_uring_sqe *sqe)
{
	sqe->uring_cmd_flags = IORING_URING_CMD_MULTISHOT;
}

TEST_F(unsupported_file, bad_fields_are_einval_before_the_file_is_asked)
{
	static void (*const spoil[])(struct io_uring_sqe *) = {
		set_pad1, set_unknown_flag, set_internal_flag, set_fixed_multishot,
		set_multishot_alone,
	};

	for (unsigned int i = 0; i < sizeof(spoil) / sizeof(spoil[0]); i++) {
		int res = cmd_res(_metadata, self, variant, 0, spoil[i], 0x200 + i);

		if (res != -EINVAL)
			TH_LOG("spoiler %u", i);
		ASSERT_RES(-EINVAL, res);
	}
}

TEST(closed_descriptor_is_ebadf)
{
	struct iou_cqe cqe;
	struct iou_ring r;
	int fd;

	ASSERT_RES(0, iou_ring_init(&r, 2, 0));
	/* a number that was open a moment ago, after the ring took its own */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	close(fd);
	iou_prep_uring_cmd(iou_get_sqe(&r), fd, 0);
	ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
	ASSERT_RES(-EBADF, cqe.res);
	iou_ring_exit(&r);
}

TEST(socket_refuses_commands_it_does_not_know)
{
	struct iou_cqe cqe;
	struct iou_ring r;
	int sv[2];

	ASSERT_SYSOK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_RES(0, iou_ring_init(&r, 2, 0));
	iou_prep_uring_cmd(iou_get_sqe(&r), sv[0], 0x7fff);
	ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
	ASSERT_RES(-EOPNOTSUPP, cqe.res);
	iou_ring_exit(&r);
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
