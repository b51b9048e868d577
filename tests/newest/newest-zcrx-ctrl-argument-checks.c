// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_ZCRX_CTRL (6.19) multiplexes the operations on a
 * zero-copy receive instance (struct zcrx_ctrl, nr_args 0).  What it
 * checks before it looks for the instance:
 *  - nr_args other than 0: EINVAL;
 *  - an unreadable argument: EFAULT;
 *  - a reserved word set: EFAULT (7.3 reports it so);
 *  - a zcrx_id no instance has, whatever the op: ENXIO;
 *  - on a ring-less call (fd -1) it is not one of the ring-less opcodes:
 *    EINVAL; on a file that is not a ring: EOPNOTSUPP.
 * No instance is created (that needs a NIC queue or CAP_NET_ADMIN), so
 * nothing here changes the ring.
 */
#include "iou.h"

IOU_REQUIRES(.register_ops = IOU_OPS(IORING_REGISTER_ZCRX_IFQ, IORING_REGISTER_ZCRX_CTRL));

FIXTURE(ctrl) {
	struct iou_ring r;
	struct zcrx_ctrl c;
};

FIXTURE_SETUP(ctrl)
{
	ASSERT_RES(0, iou_ring_init(&self->r, 4, 0));
	memset(&self->c, 0, sizeof(self->c));
	self->c.zcrx_id = 0;
	self->c.op = ZCRX_CTRL_FLUSH_RQ;
}

FIXTURE_TEARDOWN(ctrl)
{
	iou_ring_exit(&self->r);
}

static int ctrl(struct iou_ring *r, const void *arg, unsigned int nr)
{
	return iou_register(r, IORING_REGISTER_ZCRX_CTRL, arg, nr);
}

TEST_F(ctrl, nr_args_not_zero_is_einval)
{
	ASSERT_RES(-EINVAL, ctrl(&self->r, &self->c, 1));
	ASSERT_RES(-EINVAL, ctrl(&self->r, &self->c, 72));
}

TEST_F(ctrl, unreadable_argument_is_efault)
{
	ASSERT_RES(-EFAULT, ctrl(&self->r, iou_fault_ptr(), 0));
	ASSERT_RES(-EFAULT, ctrl(&self->r, NULL, 0));
}

TEST_F(ctrl, reserved_words_are_efault)
{
	for (unsigned int i = 0; i < 2; i++) {
		memset(&self->c, 0, sizeof(self->c));
		self->c.__resv[i] = 1;
		ASSERT_RES(-EFAULT, ctrl(&self->r, &self->c, 0));
	}
}

TEST_F(ctrl, no_such_instance_is_enxio_for_every_op)
{
	static const __u32 ids[] = { 0, 1, 0xffffffffu };
	static const __u32 ops[] = {
		ZCRX_CTRL_FLUSH_RQ, ZCRX_CTRL_EXPORT, ZCRX_CTRL_ARM_EVENT,
		ZCRX_CTRL_ADD_AREA, __ZCRX_CTRL_LAST + 100,
	};

	for (unsigned int i = 0; i < 3; i++)
		for (unsigned int j = 0; j < 5; j++) {
			memset(&self->c, 0, sizeof(self->c));
			self->c.zcrx_id = ids[i];
			self->c.op = ops[j];
			ASSERT_RES(-ENXIO, ctrl(&self->r, &self->c, 0));
		}
}

TEST_F(ctrl, ringless_or_not_a_ring)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_SYSERR(EINVAL, sys_io_uring_register(-1, IORING_REGISTER_ZCRX_CTRL, &self->c, 0));
	ASSERT_LE(0, fd);
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(fd, IORING_REGISTER_ZCRX_CTRL,
							&self->c, 0));
	close(fd);
}

TEST_HARNESS_MAIN
