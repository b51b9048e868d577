// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe passthrough: IORING_OP_URING_CMD with NVME_URING_CMD_IO on a
 * namespace's generic char device ($IOU_TEST_NVME_CHARDEV, /dev/ngXnY)
 * sends an NVMe command to the namespace, on a ring with SQE128 (the
 * 72-byte struct nvme_uring_cmd lives in the SQE) and CQE32 (the
 * command's result dword 0 comes back in big_cqe[0]):
 *  - a WRITE then a READ of the same blocks complete with res 0 and the
 *    data comes back; the block device sees what passthrough wrote and
 *    passthrough reads what the block device wrote (O_DIRECT both ways);
 *  - the same through a registered buffer (IORING_URING_CMD_FIXED,
 *    6.1), through an iovec array (NVME_URING_CMD_IO_VEC, 6.1) and on
 *    an IOPOLL ring (the char device polls, 6.0);
 *  - what the device refuses comes back as the NVMe status in res, a
 *    positive number (status field >> 1): an unknown opcode is Invalid
 *    Command Opcode, blocks past the end are LBA Out of Range;
 *  - what the kernel refuses before the device comes back as -errno: a
 *    command for another namespace -EINVAL (nvme_validate_passthru_nsid()),
 *    non-zero command flags -EINVAL, an admin command on a namespace
 *    device -ENOTTY, a ring without SQE128 and CQE32 -EOPNOTSUPP.
 *
 * The device is written: only blocks of this program's region
 * (IOU_BLOCKDEV_REGION_NVME_PASSTHROUGH, include/iou_blockdev.h).
 */
#include <sys/uio.h>

#include "iou.h"
#include "iou_blockdev.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_URING_CMD),
	     .setup_flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32);

#define BIG	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32)
#define XFER	(64 * 1024)

FIXTURE(nvme) {
	struct iou_blockdev dev;
	struct iou_ring r;
	bool up;
	__u32 nsid;
	unsigned long long base;	/* first LBA of this program's region */
	unsigned int nlb;		/* LBAs of one transfer */
	char *buf, *chk;
};

FIXTURE_SETUP(nvme)
{
	const char *why = iou_blockdev_open(&self->dev, IOU_BLOCKDEV_ENV_NVME_CHARDEV, O_RDWR);
	int ret;

	if (why)
		SKIP(return, "%s", why);
	ret = ioctl(self->dev.fd, IOU_NVME_IOCTL_ID);
	ASSERT_LT(0, ret) TH_LOG("NVME_IOCTL_ID: %s", iou_errno_name(errno));
	self->nsid = (__u32)ret;
	self->base = iou_blockdev_region_start(IOU_BLOCKDEV_REGION_NVME_PASSTHROUGH) / self->dev.lbs;
	self->nlb = XFER / self->dev.lbs;
	self->buf = iou_blockdev_buf(XFER);
	self->chk = iou_blockdev_buf(XFER);
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->chk);
	ASSERT_RES(0, iou_ring_init(&self->r, 8, BIG));
	self->up = true;
}

FIXTURE_TEARDOWN(nvme)
{
	if (self->up)
		iou_ring_exit(&self->r);
	iou_blockdev_close(&self->dev);
	free(self->buf);
	free(self->chk);
}

/* byte offset on the device of LBA lba */
static unsigned long long byte_off(FIXTURE_DATA(nvme) *self, unsigned long long lba)
{
	return lba * self->dev.lbs;
}

/* one passthrough READ/WRITE of a whole transfer at lba, on ring r */
static void nvme_rw(struct __test_metadata *_metadata, FIXTURE_DATA(nvme) *self,
		    struct iou_ring *r, __u8 op, unsigned long long lba, void *buf)
{
	struct iou_cqe cqe;

	iou_blockdev_prep_nvme_rw(iou_get_sqe(r), self->dev.fd, op, self->nsid, lba,
			    self->nlb, self->dev.lbs, buf, op);
	if (r->flags & IORING_SETUP_IOPOLL) {
		ASSERT_EQ(1, iou_blockdev_submit_reap_polled(r, &cqe, 1));
	} else {
		ASSERT_EQ(1, iou_submit_reap(r, &cqe, 1));
	}
	ASSERT_EQ(op, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	/* result dword 0 of a READ or WRITE is reserved: 0 */
	ASSERT_EQ(0, cqe.big_cqe[0]);
}

/* submit one prepared command and return its CQE */
static struct iou_cqe submit_one(struct __test_metadata *_metadata,
				 struct iou_ring *r)
{
	struct iou_cqe cqe;

	memset(&cqe, 0, sizeof(cqe));
	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	return cqe;
}

TEST_F(nvme, write_then_read_returns_the_data)
{
	unsigned long long lba = self->base;

	iou_fill_pattern(self->buf, XFER, iou_blockdev_seed() + byte_off(self, lba));
	nvme_rw(_metadata, self, &self->r, IOU_NVME_CMD_WRITE, lba, self->buf);
	nvme_rw(_metadata, self, &self->r, IOU_NVME_CMD_READ, lba, self->chk);
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER,
				      iou_blockdev_seed() + byte_off(self, lba)));
}

TEST_F(nvme, block_device_and_passthrough_see_the_same_blocks)
{
	unsigned long long lba = self->base + 2 * self->nlb;
	unsigned long long seed = iou_blockdev_seed();
	struct iou_blockdev blk;
	char name[32];
	const char *why = iou_blockdev_open(&blk, IOU_BLOCKDEV_ENV_BLKDEV, O_RDWR | O_DIRECT);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, iou_blockdev_block_name(self->dev.path, name, sizeof(name)));
	if (strcmp(name, blk.name)) {
		iou_blockdev_close(&blk);
		SKIP(return, "%s and %s are different namespaces",
		     IOU_BLOCKDEV_ENV_BLKDEV, IOU_BLOCKDEV_ENV_NVME_CHARDEV);
	}
	/* passthrough WRITE, block device O_DIRECT read */
	iou_fill_pattern(self->buf, XFER, seed + byte_off(self, lba));
	nvme_rw(_metadata, self, &self->r, IOU_NVME_CMD_WRITE, lba, self->buf);
	ASSERT_EQ(XFER, pread(blk.fd, self->chk, XFER, (off_t)byte_off(self, lba)));
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER, seed + byte_off(self, lba)));
	/* block device O_DIRECT write, passthrough READ */
	iou_fill_pattern(self->buf, XFER, seed + 1 + byte_off(self, lba));
	ASSERT_EQ(XFER, pwrite(blk.fd, self->buf, XFER, (off_t)byte_off(self, lba)));
	memset(self->chk, 0, XFER);
	nvme_rw(_metadata, self, &self->r, IOU_NVME_CMD_READ, lba, self->chk);
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER, seed + 1 + byte_off(self, lba)));
	iou_blockdev_close(&blk);
}

TEST_F(nvme, read_into_a_registered_buffer)
{
	unsigned long long lba = self->base + 4 * self->nlb;
	struct iovec iov = { .iov_base = self->chk, .iov_len = XFER };
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;

	/* IORING_URING_CMD_FIXED came with fixed-buffer passthrough (6.1) */
	iou_fill_pattern(self->buf, XFER, iou_blockdev_seed() + byte_off(self, lba));
	nvme_rw(_metadata, self, &self->r, IOU_NVME_CMD_WRITE, lba, self->buf);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	sqe = iou_get_sqe(&self->r);
	iou_blockdev_prep_nvme_rw(sqe, self->dev.fd, IOU_NVME_CMD_READ, self->nsid, lba,
			    self->nlb, self->dev.lbs, self->chk, 0xf1);
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = 0;
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xf1, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER,
				      iou_blockdev_seed() + byte_off(self, lba)));
}

TEST_F(nvme, vectored_read_fills_each_iovec)
{
	unsigned long long lba = self->base + 6 * self->nlb;
	struct iovec iov[3] = {
		{ .iov_base = self->chk, .iov_len = 4096 },
		{ .iov_base = self->chk + 8192, .iov_len = XFER / 2 - 4096 },
		{ .iov_base = self->chk + XFER / 2 + 8192, .iov_len = XFER / 2 - 8192 },
	};
	unsigned long long seed = iou_blockdev_seed() + byte_off(self, lba);
	struct iou_nvme_uring_cmd *cmd;
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	size_t done = 0;

	/* 4096 + 28672 + 24576 bytes: 56 KiB, whole blocks */
	iou_fill_pattern(self->buf, XFER, seed);
	nvme_rw(_metadata, self, &self->r, IOU_NVME_CMD_WRITE, lba, self->buf);
	sqe = iou_get_sqe(&self->r);
	cmd = iou_blockdev_prep_nvme_rw(sqe, self->dev.fd, IOU_NVME_CMD_READ, self->nsid,
				  lba, (XFER - 8192) / self->dev.lbs, self->dev.lbs,
				  NULL, 0xec);
	sqe->cmd_op = IOU_NVME_URING_CMD_IO_VEC;
	/* with IO_VEC, addr and data_len describe the iovec array */
	cmd->addr = (__u64)(uintptr_t)iov;
	cmd->data_len = 3;
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xec, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_TRUE(iou_check_pattern(iov[i].iov_base, iov[i].iov_len, seed + done))
			TH_LOG("iovec %u", i);
		done += iov[i].iov_len;
	}
	/* the gaps between the iovecs were not written */
	for (size_t i = 4096; i < 8192; i++)
		ASSERT_EQ(0, self->chk[i]);
	for (size_t i = 36864; i < 40960; i++)
		ASSERT_EQ(0, self->chk[i]);
}

TEST_F(nvme, iopoll_ring_polls_passthrough_commands)
{
	unsigned long long lba = self->base + 8 * self->nlb;
	struct iou_ring pr;

	REQUIRE_SETUP_FLAG(IORING_SETUP_IOPOLL);
	ASSERT_RES(0, iou_ring_init(&pr, 4, BIG | IORING_SETUP_IOPOLL));
	iou_fill_pattern(self->buf, XFER, iou_blockdev_seed() + byte_off(self, lba));
	nvme_rw(_metadata, self, &pr, IOU_NVME_CMD_WRITE, lba, self->buf);
	nvme_rw(_metadata, self, &pr, IOU_NVME_CMD_READ, lba, self->chk);
	iou_ring_exit(&pr);
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER,
				      iou_blockdev_seed() + byte_off(self, lba)));
}

TEST_F(nvme, unknown_opcode_completes_with_invalid_opcode_status)
{
	struct iou_nvme_uring_cmd *cmd;
	struct iou_cqe cqe;

	/*
	 * 0x7c: an I/O opcode no command set defines, below the vendor
	 * specific range (0x80 on), without data (direction bits 0)
	 */
	cmd = iou_blockdev_prep_nvme(iou_get_sqe(&self->r), self->dev.fd,
			       IOU_NVME_URING_CMD_IO, 0x7c);
	cmd->opcode = 0x7c;
	cmd->nsid = self->nsid;
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0x7c, cqe.user_data);
	/*
	 * The controller's status, passed on as it is: SCT/SC exactly;
	 * the retry hints (CRD, More, DNR) are the controller's choice.
	 */
	ASSERT_LT(0, cqe.res) TH_LOG("res %s", iou_res_str(cqe.res));
	ASSERT_EQ(IOU_NVME_SC_INVALID_OPCODE, cqe.res & IOU_NVME_SC_MASK)
		TH_LOG("status 0x%x", (unsigned int)cqe.res);
	ASSERT_EQ(0, cqe.res & ~0x7fff);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(nvme, read_past_the_end_completes_with_lba_range_status)
{
	unsigned long long nlba = self->dev.size / self->dev.lbs;
	struct iou_cqe cqe;

	/* the last block plus one more */
	iou_blockdev_prep_nvme_rw(iou_get_sqe(&self->r), self->dev.fd, IOU_NVME_CMD_READ,
			    self->nsid, nlba - 1, 2, self->dev.lbs, self->chk, 0xe0d);
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xe0d, cqe.user_data);
	ASSERT_LT(0, cqe.res) TH_LOG("res %s", iou_res_str(cqe.res));
	ASSERT_EQ(IOU_NVME_SC_LBA_RANGE, cqe.res & IOU_NVME_SC_MASK)
		TH_LOG("status 0x%x", (unsigned int)cqe.res);
	ASSERT_EQ(0, cqe.res & ~0x7fff);
	/* and the last block alone is fine */
	iou_blockdev_prep_nvme_rw(iou_get_sqe(&self->r), self->dev.fd, IOU_NVME_CMD_READ,
			    self->nsid, nlba - 1, 1, self->dev.lbs, self->chk, 0xe0e);
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xe0e, cqe.user_data);
	ASSERT_RES(0, cqe.res);
}

TEST_F(nvme, other_namespace_id_gives_einval)
{
	static const __u32 bad[] = { 0, 0x7ffffff0 };

	/* a namespace device takes commands for its own namespace only */
	for (unsigned int i = 0; i < 2; i++) {
		struct iou_cqe cqe;

		iou_blockdev_prep_nvme_rw(iou_get_sqe(&self->r), self->dev.fd,
				    IOU_NVME_CMD_READ, bad[i], self->base, 1,
				    self->dev.lbs, self->chk, 0x5100 + i);
		cqe = submit_one(_metadata, &self->r);
		ASSERT_EQ(0x5100 + i, cqe.user_data);
		ASSERT_RES(-EINVAL, cqe.res);
	}
}

TEST_F(nvme, command_flags_give_einval)
{
	struct iou_nvme_uring_cmd *cmd;
	struct iou_cqe cqe;

	/* fused operations and SGL data pointers are not for userspace */
	cmd = iou_blockdev_prep_nvme_rw(iou_get_sqe(&self->r), self->dev.fd,
				  IOU_NVME_CMD_READ, self->nsid, self->base, 1,
				  self->dev.lbs, self->chk, 0xf1a);
	cmd->flags = 0x40;	/* PSDT: SGL */
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xf1a, cqe.user_data);
	ASSERT_RES(-EINVAL, cqe.res);
}

TEST_F(nvme, admin_command_on_a_namespace_device_gives_enotty)
{
	struct iou_nvme_uring_cmd *cmd;
	struct iou_cqe cqe;

	/* admin commands go to the controller's device (/dev/ngX has none) */
	cmd = iou_blockdev_prep_nvme(iou_get_sqe(&self->r), self->dev.fd,
			       IOU_NVME_URING_CMD_ADMIN, 0xad);
	cmd->opcode = 0x06;	/* Identify */
	cmd->nsid = self->nsid;
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xad, cqe.user_data);
	ASSERT_RES(-ENOTTY, cqe.res);
}

TEST_F(nvme, ring_without_sqe128_and_cqe32_gives_eopnotsupp)
{
	static const unsigned int flags[] = {
		0, IORING_SETUP_SQE128, IORING_SETUP_CQE32,
	};

	for (unsigned int i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe;
		struct iou_ring r;
		struct iou_cqe cqe;

		ASSERT_RES(0, iou_ring_init(&r, 4, flags[i]));
		/*
		 * The 16 bytes of a 64-byte SQE's command area hold only the
		 * start of the command; the driver refuses before reading it.
		 */
		sqe = iou_get_sqe(&r);
		iou_prep_uring_cmd(sqe, self->dev.fd, IOU_NVME_URING_CMD_IO);
		sqe->user_data = 0x64 + i;
		ASSERT_EQ(1, iou_submit_reap(&r, &cqe, 1));
		iou_ring_exit(&r);
		ASSERT_EQ(0x64 + i, cqe.user_data);
		if (cqe.res != -EOPNOTSUPP)
			TH_LOG("ring flags 0x%x", flags[i]);
		ASSERT_RES(-EOPNOTSUPP, cqe.res);
	}
}

TEST_HARNESS_MAIN
