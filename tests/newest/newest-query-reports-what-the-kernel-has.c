// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_QUERY beyond IO_URING_QUERY_OPCODES: each query op a
 * kernel counts in nr_query_opcodes answers (result 0, the size of its
 * structure), and what it reports is what the kernel does:
 *  - OPCODES: the interface of 6.19 to 7.3 where the kernel counts it:
 *    every opcode below nr_request_opcodes is known to PROBE (NOP128 and
 *    URING_CMD128 among them from 6.19), every setup flag in
 *    ring_setup_flags is accepted by io_uring_setup (SQE_MIXED, 6.19;
 *    SQ_REWIND with NO_SQARRAY, 7.0) and the next bit refused, every
 *    register opcode below nr_register_opcodes is not "unknown"; no
 *    feature bit or enter flag was added after 6.18 (7.3 has none);
 *  - ZCRX (6.19): the registration flags (IMPORT, NODEV at most), the area flags
 *    (DMABUF), the control ops counted as ZCRX_CTRL_* has them (3 in
 *    7.2, 4 in 7.3), the refill-queue header size and alignment;
 *  - SCQ (6.19): the size of the rings' header (the SQ head is at its
 *    start, the CQEs right after it) and its alignment;
 *  - ZCRX_EVENT (7.2): the event types and the stats struct's size;
 *  - a buffer larger than the answer is zero-filled past it.
 */
#include "iou.h"

IOU_REQUIRES(.register_ops = IOU_OPS(IORING_REGISTER_QUERY));

/* query op qop into data of size bytes (0xa5 before): the answer fills it */
#define QUERY_WHOLE(qop, data) do {						\
	__u32 __size = 0;							\
	memset((data), 0xa5, sizeof(*(data)));					\
	ASSERT_RES(0, iou_query((qop), (data), sizeof(*(data)), &__size));		\
	ASSERT_EQ(sizeof(*(data)), __size);					\
	} while (0)

FIXTURE(query) {
	struct io_uring_query_opcode op;
};

FIXTURE_SETUP(query)
{
	ASSERT_RES(0, iou_query(IO_URING_QUERY_OPCODES, &self->op, sizeof(self->op), NULL));
}

FIXTURE_TEARDOWN(query)
{
}

/* the query op is counted by this kernel, else SKIP (it is newer than it) */
#define REQUIRE_QUERY_OP(self, qop) do {					\
	if ((self)->op.nr_query_opcodes <= (qop))				\
		SKIP(return, "kernel lacks %s (QUERY counts %u query ops)",	\
		     iou_query_op_name(qop), (self)->op.nr_query_opcodes);	\
	} while (0)

TEST_F(query, opcodes_counted_are_known_to_probe)
{
	ASSERT_EQ(iou_probe_nr_ops(), self->op.nr_request_opcodes);
	if (self->op.nr_request_opcodes <= IORING_OP_NOP128)
		SKIP(return, "kernel lacks IORING_OP_NOP128 (QUERY counts %u opcodes)",
		     self->op.nr_request_opcodes);
	ASSERT_TRUE(iou_opcode_supported(IORING_OP_NOP128));
	ASSERT_TRUE(iou_opcode_supported(IORING_OP_URING_CMD128));
}

TEST_F(query, setup_flags_listed_are_accepted)
{
	for (unsigned int bit = IORING_SETUP_SQE_MIXED; bit <= IORING_SETUP_SQ_REWIND; bit <<= 1) {
		struct io_uring_params p;
		int fd;

		if (!(self->op.ring_setup_flags & bit))
			continue;
		memset(&p, 0, sizeof(p));
		p.flags = bit;
		if (bit == IORING_SETUP_SQ_REWIND)
			p.flags |= IORING_SETUP_NO_SQARRAY;
		fd = sys_io_uring_setup(4, &p);
		if (fd < 0)
			TH_LOG("%s: %s", iou_setup_flag_name(bit), iou_errno_name(errno));
		ASSERT_LE(0, fd);
		ASSERT_EQ(p.flags, p.flags & (bit | IORING_SETUP_NO_SQARRAY));
		close(fd);
	}
	if (!(self->op.ring_setup_flags & IORING_SETUP_SQE_MIXED))
		SKIP(return, "kernel lacks IORING_SETUP_SQE_MIXED (not in QUERY)");
}

TEST_F(query, register_opcodes_counted_are_not_unknown)
{
	struct iou_ring r;

	if (self->op.nr_register_opcodes <= IORING_REGISTER_ZCRX_CTRL)
		SKIP(return, "kernel lacks IORING_REGISTER_ZCRX_CTRL (QUERY counts %u)",
		     self->op.nr_register_opcodes);
	ASSERT_RES(0, iou_ring_init(&r, 2, 0));
	/* a faulting argument gets past the opcode switch: EFAULT, not EINVAL */
	ASSERT_RES(-EFAULT, iou_register(&r, IORING_REGISTER_ZCRX_CTRL, iou_fault_ptr(), 0));
	if (self->op.nr_register_opcodes > IORING_REGISTER_BPF_FILTER &&
	    iou_register_op_supported(IORING_REGISTER_BPF_FILTER))
		ASSERT_RES(-EFAULT, iou_register(&r, IORING_REGISTER_BPF_FILTER,
						 iou_fault_ptr(), 1));
	iou_ring_exit(&r);
}

TEST_F(query, no_feature_bit_or_enter_flag_after_6_18)
{
	const char *evidence;

	if (iou_interface_level(&evidence) > IOU_V(7, 3))
		SKIP(return, "kernel newer than 7.3 (%s): it may add bits", evidence);
	ASSERT_EQ(IOU_FEAT_FLAGS_7_3, self->op.feature_flags);
	ASSERT_EQ(IOU_ENTER_FLAGS_7_3, self->op.enter_flags);
	ASSERT_EQ(IOU_SQE_VALID_FLAGS, self->op.sqe_flags);
	ASSERT_EQ(iou_features(), self->op.feature_flags);
}

TEST_F(query, zcrx_reports_flags_ops_and_refill_header)
{
	struct io_uring_query_zcrx z;

	REQUIRE_QUERY_OP(self, IO_URING_QUERY_ZCRX);
	QUERY_WHOLE(IO_URING_QUERY_ZCRX, &z);
	ASSERT_EQ(0, z.register_flags & ~(__u64)(ZCRX_REG_IMPORT | ZCRX_REG_NODEV));
	ASSERT_EQ(IORING_ZCRX_AREA_DMABUF, z.area_flags);
	ASSERT_LE(2, z.nr_ctrl_opcodes);
	ASSERT_EQ(0, z.features & ~(__u32)(ZCRX_FEATURE_RX_PAGE_SIZE | ZCRX_FEATURE_EVENT));
	/* the refill ring header: head and tail, at least 8 bytes; a power of 2 alignment */
	ASSERT_LE(8, z.rq_hdr_size);
	ASSERT_NE(0, z.rq_hdr_alignment);
	ASSERT_EQ(0, z.rq_hdr_alignment & (z.rq_hdr_alignment - 1));
	ASSERT_EQ(0, z.__resv2);
	/* the event query came with the event feature */
	ASSERT_EQ(!!(z.features & ZCRX_FEATURE_EVENT),
		  self->op.nr_query_opcodes > IO_URING_QUERY_ZCRX_EVENT);
	/* 7.2 has FLUSH_RQ, EXPORT, ARM_EVENT; 7.3 adds ADD_AREA */
	if (self->op.nr_query_opcodes > IO_URING_QUERY_ZCRX_EVENT)
		ASSERT_LE(3, z.nr_ctrl_opcodes);
}

TEST_F(query, scq_reports_the_rings_header)
{
	struct io_uring_query_scq s;
	struct io_uring_params p;
	int fd;

	REQUIRE_QUERY_OP(self, IO_URING_QUERY_SCQ);
	QUERY_WHOLE(IO_URING_QUERY_SCQ, &s);
	ASSERT_NE(0, s.hdr_alignment);
	ASSERT_EQ(0, s.hdr_alignment & (s.hdr_alignment - 1));
	ASSERT_EQ(0, s.hdr_size % s.hdr_alignment);
	/* a ring's CQ map: the header, then the CQEs */
	memset(&p, 0, sizeof(p));
	fd = sys_io_uring_setup(4, &p);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, p.sq_off.head);
	ASSERT_EQ(s.hdr_size, p.cq_off.cqes);
	ASSERT_GT(s.hdr_size, p.cq_off.flags);
}

TEST_F(query, zcrx_event_reports_types_and_stats_size)
{
	struct io_uring_query_zcrx_event e;

	REQUIRE_QUERY_OP(self, IO_URING_QUERY_ZCRX_EVENT);
	QUERY_WHOLE(IO_URING_QUERY_ZCRX_EVENT, &e);
	ASSERT_EQ((1U << __ZCRX_EVENT_TYPE_LAST) - 1, e.event_flags);
	ASSERT_EQ(sizeof(struct zcrx_stats), e.stats_size);
	ASSERT_EQ(__alignof__(struct zcrx_stats), e.stats_off_alignment);
	ASSERT_EQ(0, e.__resv1);
	for (unsigned int i = 0; i < 4; i++)
		ASSERT_EQ(0, e.__resv2[i]);
}

TEST_F(query, newer_ops_zero_fill_a_larger_buffer)
{
	unsigned char buf[256];

	for (__u32 qop = IO_URING_QUERY_ZCRX; qop < self->op.nr_query_opcodes &&
	     qop < __IO_URING_QUERY_MAX; qop++) {
		__u32 size = 0;

		memset(buf, 0xa5, sizeof(buf));
		ASSERT_RES(0, iou_query(qop, buf, sizeof(buf), &size));
		ASSERT_LT(0, size);
		for (unsigned int i = size; i < sizeof(buf); i++) {
			if (buf[i])
				TH_LOG("%s byte %u", iou_query_op_name(qop), i);
			ASSERT_EQ(0, buf[i]);
		}
	}
	if (self->op.nr_query_opcodes <= IO_URING_QUERY_ZCRX)
		SKIP(return, "kernel lacks IO_URING_QUERY_ZCRX (QUERY counts %u query ops)",
		     self->op.nr_query_opcodes);
}

TEST_HARNESS_MAIN
