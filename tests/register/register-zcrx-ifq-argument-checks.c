// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_ZCRX_IFQ (zero-copy receive) argument checks.  The
 * registration needs CAP_NET_ADMIN (EPERM), a DEFER_TASKRUN ring with big
 * CQEs (EINVAL otherwise), a readable request (EFAULT) with zero reserved
 * words, known flags and a non-zero refill ring size (EINVAL), an existing
 * interface (ENODEV) whose driver can hand out queues (loopback cannot:
 * EOPNOTSUPP), a readable area (EFAULT); NULL and nr_args other than 1
 * are EINVAL.
 *
 * The positive case reconfigures a NIC receive queue, which is a change
 * of machine state: it runs only on the interface and queue named by
 * IOU_ZCRX_IFNAME and IOU_ZCRX_RXQ, and is skipped otherwise.
 */
#include <net/if.h>

#include "iou.h"
#include "iou_pbuf.h"

/*
 * Decided once for the program: a kernel built without
 * CONFIG_IO_URING_ZCRX answers every registration with EOPNOTSUPP, which
 * the requirement reports as "not built in" (SKIP) instead of letting
 * each argument check fail on it.
 */
IOU_REQUIRES(.register_ops = IOU_OPS(IORING_REGISTER_ZCRX_IFQ));

#define AREA_SIZE	(64 * 1024)

FIXTURE(zcrx) {
	struct iou_ring r;
	struct io_uring_zcrx_ifq_reg reg;
	struct io_uring_zcrx_area_reg area;
	struct io_uring_region_desc rd;
	void *area_mem, *rq_mem;
};

FIXTURE_SETUP(zcrx)
{
	struct io_uring_params p;

	REQUIRE_SETUP_FLAG(IORING_SETUP_DEFER_TASKRUN);
	REQUIRE_CAP(CAP_NET_ADMIN);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_CQE32;
	ASSERT_EQ(0, iou_ring_init_params(&self->r, 8, &p));

	self->area_mem = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area_mem);
	self->rq_mem = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->rq_mem);

	memset(&self->area, 0, sizeof(self->area));
	self->area.addr = (__u64)(uintptr_t)self->area_mem;
	self->area.len = AREA_SIZE;
	memset(&self->rd, 0, sizeof(self->rd));
	self->rd.user_addr = (__u64)(uintptr_t)self->rq_mem;
	self->rd.size = AREA_SIZE;
	self->rd.flags = IORING_MEM_REGION_TYPE_USER;
	memset(&self->reg, 0, sizeof(self->reg));
	self->reg.if_idx = if_nametoindex("lo");
	self->reg.if_rxq = 0;
	self->reg.rq_entries = 64;
	self->reg.area_ptr = (__u64)(uintptr_t)&self->area;
	self->reg.region_ptr = (__u64)(uintptr_t)&self->rd;
	ASSERT_NE(0, self->reg.if_idx);
}

FIXTURE_TEARDOWN(zcrx)
{
	iou_ring_exit(&self->r);
}

static int zreg(struct iou_ring *r, struct io_uring_zcrx_ifq_reg *reg)
{
	return iou_register(r, IORING_REGISTER_ZCRX_IFQ, reg, 1);
}

TEST_F(zcrx, registers_on_the_designated_nic_queue)
{
	const char *ifname = getenv("IOU_ZCRX_IFNAME");
	const char *rxq = getenv("IOU_ZCRX_RXQ");

	if (!ifname || !rxq)
		SKIP(return, "no zero-copy receive capable NIC queue designated (set IOU_ZCRX_IFNAME and IOU_ZCRX_RXQ; loopback and virtual NICs cannot do it)");
	self->reg.if_idx = if_nametoindex(ifname);
	ASSERT_NE(0, self->reg.if_idx);
	self->reg.if_rxq = (__u32)atoi(rxq);
	ASSERT_RES(0, zreg(&self->r, &self->reg));
	/* the kernel fills in where the refill ring lives */
	ASSERT_NE(0, self->reg.offsets.rqes);
	ASSERT_NE(self->reg.offsets.head, self->reg.offsets.tail);
	ASSERT_NE(0, self->area.rq_area_token);
}

TEST_F(zcrx, loopback_cannot_give_out_a_queue)
{
	ASSERT_RES(-EOPNOTSUPP, zreg(&self->r, &self->reg));
}

TEST_F(zcrx, unknown_interface_is_enodev)
{
	self->reg.if_idx = 0x7ffffff0;
	ASSERT_RES(-ENODEV, zreg(&self->r, &self->reg));
}

TEST_F(zcrx, reserved_word_is_einval)
{
	self->reg.__resv[1] = 1;
	ASSERT_RES(-EINVAL, zreg(&self->r, &self->reg));
}

TEST_F(zcrx, unknown_flag_is_einval)
{
	self->reg.flags = 1U << 31;
	ASSERT_RES(-EINVAL, zreg(&self->r, &self->reg));
}

TEST_F(zcrx, zero_refill_entries_is_einval)
{
	self->reg.rq_entries = 0;
	ASSERT_RES(-EINVAL, zreg(&self->r, &self->reg));
}

TEST_F(zcrx, unreadable_area_is_efault)
{
	self->reg.area_ptr = (__u64)(uintptr_t)iou_fault_ptr();
	ASSERT_RES(-EFAULT, zreg(&self->r, &self->reg));
}

TEST_F(zcrx, unreadable_request_is_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_ZCRX_IFQ,
					 iou_fault_ptr(), 1));
}

TEST_F(zcrx, null_or_bad_nr_args_is_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_ZCRX_IFQ, NULL, 1));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_ZCRX_IFQ, &self->reg, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_ZCRX_IFQ, &self->reg, 2));
}

TEST_F(zcrx, ring_without_defer_taskrun_is_einval)
{
	struct iou_ring plain;

	ASSERT_EQ(0, iou_ring_init(&plain, 4, IORING_SETUP_CQE32));
	ASSERT_RES(-EINVAL, zreg(&plain, &self->reg));
	iou_ring_exit(&plain);
}

TEST_F(zcrx, ring_with_small_cqes_is_einval)
{
	struct iou_ring small;

	ASSERT_EQ(0, iou_ring_init(&small, 4, IORING_SETUP_SINGLE_ISSUER |
				   IORING_SETUP_DEFER_TASKRUN));
	ASSERT_RES(-EINVAL, zreg(&small, &self->reg));
	iou_ring_exit(&small);
}

TEST_F(zcrx, without_cap_net_admin_is_eperm)
{
	int pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct io_uring_params p;
		struct iou_ring r;

		if (iou_drop_privileges(iou_private_uid(), iou_private_uid()))
			_exit(10);
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			  IORING_SETUP_CQE32;
		if (iou_ring_init_params(&r, 8, &p))
			_exit(11);
		_exit(zreg(&r, &self->reg) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
