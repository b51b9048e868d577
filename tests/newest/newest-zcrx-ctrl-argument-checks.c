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
 * With CAP_NET_ADMIN, an instance without a net device (ZCRX_REG_NODEV,
 * 7.1, where QUERY lists it) takes the operations on its id:
 * ZCRX_CTRL_FLUSH_RQ of an empty refill queue is 0, with a reserved word
 * of its own set EINVAL, an unknown op EOPNOTSUPP, another id still ENXIO.
 */
#include <sys/mman.h>

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

/* ZCRX_REG_NODEV is listed by QUERY's zcrx answer, else SKIP */
static bool nodev_listed(void)
{
	struct io_uring_query_zcrx z;

	memset(&z, 0, sizeof(z));
	return !iou_query(IO_URING_QUERY_ZCRX, &z, sizeof(z), NULL) &&
	       (z.register_flags & ZCRX_REG_NODEV);
}

TEST(nodev_instance_takes_operations_on_its_id)
{
	struct io_uring_zcrx_area_reg area;
	struct io_uring_zcrx_ifq_reg reg;
	struct io_uring_region_desc rd;
	struct zcrx_ctrl c;
	struct iou_ring r;
	size_t len = 16 * 4096;
	void *mem;

	REQUIRE_CAP(CAP_NET_ADMIN);
	if (!nodev_listed())
		SKIP(return, "kernel lacks ZCRX_REG_NODEV (not in QUERY's zcrx register flags)");
	/* the ring zcrx insists on: DEFER_TASKRUN and 32-byte CQEs */
	ASSERT_RES(0, iou_ring_init(&r, 4, IORING_SETUP_SINGLE_ISSUER |
				    IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQE32));
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(&area, 0, sizeof(area));
	area.addr = (__u64)(uintptr_t)mem;
	area.len = len;
	memset(&rd, 0, sizeof(rd));
	rd.size = 4096;		/* the kernel allocates the refill ring */
	memset(&reg, 0, sizeof(reg));
	reg.flags = ZCRX_REG_NODEV;
	reg.rq_entries = 4;
	reg.area_ptr = (__u64)(uintptr_t)&area;
	reg.region_ptr = (__u64)(uintptr_t)&rd;
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_ZCRX_IFQ, &reg, 1));

	memset(&c, 0, sizeof(c));
	c.zcrx_id = reg.zcrx_id;
	c.op = ZCRX_CTRL_FLUSH_RQ;
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_ZCRX_CTRL, &c, 0));
	c.zc_flush.__resv[5] = 1;
	ASSERT_RES(-EINVAL, iou_register(&r, IORING_REGISTER_ZCRX_CTRL, &c, 0));
	memset(&c, 0, sizeof(c));
	c.zcrx_id = reg.zcrx_id;
	c.op = __ZCRX_CTRL_LAST + 100;
	ASSERT_RES(-EOPNOTSUPP, iou_register(&r, IORING_REGISTER_ZCRX_CTRL, &c, 0));
	c.zcrx_id = reg.zcrx_id + 1;
	c.op = ZCRX_CTRL_FLUSH_RQ;
	ASSERT_RES(-ENXIO, iou_register(&r, IORING_REGISTER_ZCRX_CTRL, &c, 0));
	iou_ring_exit(&r);
	munmap(mem, len);
}

TEST_HARNESS_MAIN
