// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_URING_CMD on NVMe beyond READ and WRITE on a namespace
 * (blockdev-nvme-passthrough-read-write), held to the synchronous
 * passthrough ioctls where there is one:
 *  - NVME_URING_CMD_ADMIN on the controller's char device (/dev/nvmeX,
 *    derived from $IOU_TEST_NVME_CHARDEV): Identify Controller and
 *    Identify Namespace complete with res 0, result dword 0 in big_cqe[0],
 *    and return the same 4096 bytes as NVME_IOCTL_ADMIN_CMD; the
 *    controller's serial number is the one sysfs shows, the namespace
 *    size the device's; an I/O cmd_op on the controller is -ENOTTY;
 *  - a Flush on the namespace completes with res 0, as
 *    NVME_IOCTL_IO_CMD does;
 *  - IORING_URING_CMD_FIXED: a WRITE from one registered buffer and a
 *    READ into another move the data; a buffer index past the table, an
 *    address outside the registered buffer and a ring without buffers are
 *    -EFAULT;
 *  - URING_CMD128 (6.19) on an SQE_MIXED|CQE_MIXED ring: the 128-byte SQE
 *    carries the command, the completion is a 32-byte CQE
 *    (IORING_CQE_F_32); a 64-byte URING_CMD on that ring is -EOPNOTSUPP
 *    (the driver needs the big SQE).
 * Without $IOU_TEST_NVME_CHARDEV every case skips, naming it.  The
 * namespace is written only in this program's region
 * (IOU_BLOCKDEV_REGION_URINGCMD_NVME, include/iou_blockdev.h).
 */
#include <ctype.h>
#include <sys/uio.h>

#include "iou.h"
#include "iou_blockdev.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_URING_CMD),
	     .setup_flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32);

#define BIG	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32)
#define XFER	(64 * 1024)

FIXTURE(nvme) {
	struct iou_blockdev dev;
	__u32 nsid;
	struct iou_ring r;
	char *mem;		/* two transfers: buf, then chk */
	char *buf, *chk;
	unsigned long long base;	/* first LBA of this program's region */
	unsigned int nlb;
};

FIXTURE_SETUP(nvme)
{
	const char *why = iou_blockdev_open_nvme(&self->dev, &self->nsid);

	self->r.fd = -1;
	if (why)
		SKIP(return, "%s", why);
	self->mem = iou_blockdev_buf(2 * XFER);
	ASSERT_NE(NULL, self->mem);
	self->buf = self->mem;
	self->chk = self->mem + XFER;
	self->base = iou_blockdev_region_start(IOU_BLOCKDEV_REGION_URINGCMD_NVME) / self->dev.lbs;
	self->nlb = XFER / self->dev.lbs;
	ASSERT_RES(0, iou_ring_init(&self->r, 8, BIG));
}

FIXTURE_TEARDOWN(nvme)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	iou_blockdev_close(&self->dev);
	free(self->mem);
}

/* the one CQE of what is queued on r (zeroes if none came) */
static struct iou_cqe submit_one(struct __test_metadata *_metadata, struct iou_ring *r)
{
	struct iou_cqe cqe = { 0 };

	EXPECT_EQ(1, iou_submit_reap(r, &cqe, 1));
	return cqe;
}

/* Identify (cns, nsid) into buf through the ring and through the ioctl */
static void identify_both(struct __test_metadata *_metadata, struct iou_ring *r, int ctrl,
			  __u32 cns, __u32 nsid, void *ring_buf, void *ioctl_buf)
{
	struct iou_nvme_uring_cmd *cmd, twin;
	struct iou_cqe cqe;

	cmd = iou_blockdev_prep_nvme(iou_get_sqe(r), ctrl, IOU_NVME_URING_CMD_ADMIN, 0x1d + cns);
	cmd->opcode = IOU_NVME_ADMIN_IDENTIFY;
	cmd->nsid = nsid;
	cmd->addr = (__u64)(uintptr_t)ring_buf;
	cmd->data_len = IOU_NVME_IDENTIFY_LEN;
	cmd->cdw10 = cns;
	cqe = submit_one(_metadata, r);
	ASSERT_EQ(0x1d + cns, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(0, cqe.big_cqe[0]);

	memset(&twin, 0, sizeof(twin));
	twin.opcode = IOU_NVME_ADMIN_IDENTIFY;
	twin.nsid = nsid;
	twin.addr = (__u64)(uintptr_t)ioctl_buf;
	twin.data_len = IOU_NVME_IDENTIFY_LEN;
	twin.cdw10 = cns;
	ASSERT_SYSOK(ioctl(ctrl, IOU_NVME_IOCTL_ADMIN_CMD, &twin));
	ASSERT_EQ(0, memcmp(ring_buf, ioctl_buf, IOU_NVME_IDENTIFY_LEN));
}

/* the controller's char device, opened read-only (admin Identify needs no more) */
static int open_ctrl(struct __test_metadata *_metadata, FIXTURE_DATA(nvme) *self)
{
	char path[64];
	int fd;

	ASSERT_RES(0, iou_blockdev_ctrl_path(self->dev.path, path, sizeof(path)));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		TH_LOG("%s: %s", path, iou_errno_name(errno));
	return fd;
}

TEST_F(nvme, identify_controller_matches_the_ioctl_and_sysfs)
{
	char serial[64], ctrl[64], sys[128];
	size_t n;
	int fd = open_ctrl(_metadata, self);

	ASSERT_LE(0, fd);
	identify_both(_metadata, &self->r, fd, IOU_NVME_ID_CNS_CTRL, 0, self->buf, self->chk);
	/* bytes 4..23: the serial number, space padded */
	memcpy(serial, self->buf + 4, 20);
	serial[20] = 0;
	for (n = 20; n && serial[n - 1] == ' '; n--)
		serial[n - 1] = 0;
	ASSERT_RES(0, iou_blockdev_ctrl_path(self->dev.path, ctrl, sizeof(ctrl)));
	snprintf(sys, sizeof(sys), "/sys/class/nvme/%s/serial", ctrl + strlen("/dev/"));
	ASSERT_LT(0, iou_read_file(sys, self->chk, 64));
	for (n = strlen(self->chk); n && isspace((unsigned char)self->chk[n - 1]); n--)
		self->chk[n - 1] = 0;
	ASSERT_STREQ(self->chk, serial);
	close(fd);
}

TEST_F(nvme, identify_namespace_reports_its_size)
{
	__u64 nsze;
	int ctrl = open_ctrl(_metadata, self);

	ASSERT_LE(0, ctrl);
	identify_both(_metadata, &self->r, ctrl, IOU_NVME_ID_CNS_NS, self->nsid,
		      self->buf, self->chk);
	/* bytes 0..7: NSZE, the namespace size in logical blocks */
	memcpy(&nsze, self->buf, sizeof(nsze));
	ASSERT_EQ(self->dev.size / self->dev.lbs, nsze);
	close(ctrl);
}

TEST_F(nvme, io_command_on_the_controller_is_enotty)
{
	struct iou_nvme_uring_cmd *cmd;
	struct iou_cqe cqe;
	int ctrl = open_ctrl(_metadata, self);

	ASSERT_LE(0, ctrl);
	cmd = iou_blockdev_prep_nvme(iou_get_sqe(&self->r), ctrl, IOU_NVME_URING_CMD_IO, 0x10);
	cmd->opcode = IOU_NVME_CMD_FLUSH;
	cmd->nsid = self->nsid;
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0x10, cqe.user_data);
	ASSERT_RES(-ENOTTY, cqe.res);
	close(ctrl);
}

TEST_F(nvme, flush_completes_as_the_ioctl_does)
{
	struct iou_nvme_uring_cmd *cmd, twin;
	struct iou_cqe cqe;

	cmd = iou_blockdev_prep_nvme(iou_get_sqe(&self->r), self->dev.fd,
				     IOU_NVME_URING_CMD_IO, 0xf1);
	cmd->opcode = IOU_NVME_CMD_FLUSH;
	cmd->nsid = self->nsid;
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xf1, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.big_cqe[0]);

	memset(&twin, 0, sizeof(twin));
	twin.opcode = IOU_NVME_CMD_FLUSH;
	twin.nsid = self->nsid;
	ASSERT_EQ(0, ioctl(self->dev.fd, IOU_NVME_IOCTL_IO_CMD, &twin));
}

/* a READ or WRITE of one transfer at lba through registered buffer idx */
static struct io_uring_sqe *prep_fixed_rw(FIXTURE_DATA(nvme) *self, __u8 op,
					  unsigned long long lba, void *addr,
					  unsigned int idx, __u64 ud)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);

	iou_blockdev_prep_nvme_rw(sqe, self->dev.fd, op, self->nsid, lba, self->nlb,
				  self->dev.lbs, addr, ud);
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = (__u16)idx;
	return sqe;
}

TEST_F(nvme, fixed_write_then_fixed_read_move_the_data)
{
	struct iovec iov[2] = {
		{ .iov_base = self->buf, .iov_len = XFER },
		{ .iov_base = self->chk, .iov_len = XFER },
	};
	unsigned long long seed = iou_blockdev_seed() + self->base * self->dev.lbs;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 2));
	iou_fill_pattern(self->buf, XFER, seed);
	prep_fixed_rw(self, IOU_NVME_CMD_WRITE, self->base, self->buf, 0, 0x3e);
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0x3e, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	prep_fixed_rw(self, IOU_NVME_CMD_READ, self->base, self->chk, 1, 0x3d);
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0x3d, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER, seed));
}

TEST_F(nvme, fixed_buffer_outside_the_table_is_efault)
{
	struct iovec iov = { .iov_base = self->chk, .iov_len = XFER };
	struct iou_cqe cqe;

	/* no table yet */
	prep_fixed_rw(self, IOU_NVME_CMD_READ, self->base, self->chk, 0, 0xe0);
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xe0, cqe.user_data);
	ASSERT_RES(-EFAULT, cqe.res);

	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	/* an index past the table */
	prep_fixed_rw(self, IOU_NVME_CMD_READ, self->base, self->chk, 1, 0xe1);
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xe1, cqe.user_data);
	ASSERT_RES(-EFAULT, cqe.res);
	/* an address range that ends past the registered buffer */
	prep_fixed_rw(self, IOU_NVME_CMD_READ, self->base, self->chk + 4096, 0, 0xe2);
	cqe = submit_one(_metadata, &self->r);
	ASSERT_EQ(0xe2, cqe.user_data);
	ASSERT_RES(-EFAULT, cqe.res);
}

TEST_F(nvme, uring_cmd128_on_a_mixed_ring_posts_a_32_byte_cqe)
{
	unsigned long long lba = self->base + 2 * self->nlb;
	unsigned long long seed = iou_blockdev_seed() + lba * self->dev.lbs;
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	struct iou_ring m;

	REQUIRE_OPCODE(IORING_OP_URING_CMD128);
	REQUIRE_SETUP_FLAGS(IORING_SETUP_SQE_MIXED | IORING_SETUP_CQE_MIXED);
	ASSERT_RES(0, iou_ring_init(&m, 8, IORING_SETUP_SQE_MIXED | IORING_SETUP_CQE_MIXED));
	/* a 64-byte URING_CMD: the driver needs a 128-byte SQE */
	sqe = iou_get_sqe(&m);
	iou_prep_uring_cmd(sqe, self->dev.fd, IOU_NVME_URING_CMD_IO);
	sqe->user_data = 0x64;
	ASSERT_EQ(1, iou_submit_reap(&m, &cqe, 1));
	ASSERT_EQ(0x64, cqe.user_data);
	ASSERT_RES(-EOPNOTSUPP, cqe.res);
	ASSERT_EQ(0, cqe.flags);

	/* WRITE then READ as URING_CMD128, each in two slots */
	iou_fill_pattern(self->buf, XFER, seed);
	for (unsigned int i = 0; i < 2; i++) {
		__u8 op = i ? IOU_NVME_CMD_READ : IOU_NVME_CMD_WRITE;

		sqe = iou_get_sqe(&m);
		ASSERT_NE(NULL, iou_get_sqe(&m));
		iou_blockdev_prep_nvme_rw(sqe, self->dev.fd, op, self->nsid, lba, self->nlb,
					  self->dev.lbs, i ? self->chk : self->buf, 0x128 + i);
		sqe->opcode = IORING_OP_URING_CMD128;
		ASSERT_EQ(2, iou_submit(&m));
		ASSERT_EQ(1, iou_reap(&m, &cqe, 1, IOU_WAIT_MS));
		ASSERT_EQ(0x128 + i, cqe.user_data);
		ASSERT_RES(0, cqe.res);
		ASSERT_EQ(IORING_CQE_F_32, cqe.flags);
		ASSERT_EQ(0, cqe.big_cqe[0]);
	}
	iou_ring_exit(&m);
	ASSERT_TRUE(iou_check_pattern(self->chk, XFER, seed));
}

TEST_HARNESS_MAIN
