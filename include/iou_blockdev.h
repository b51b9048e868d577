/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the block-device area (tests/blockdev): I/O on a raw block
 * device and NVMe passthrough (IORING_OP_URING_CMD) on its generic char
 * device, both named by the environment:
 *
 *   IOU_TEST_BLKDEV        a raw block device (/dev/nvme0n2) whose content
 *                          the tests may overwrite;
 *   IOU_TEST_NVME_CHARDEV  the NVMe generic char device of a namespace the
 *                          tests may overwrite (/dev/ng0n2).
 *
 * harness/vm exports both inside the QEMU runner (an 80 MiB namespace of
 * its own, nsid 2).  Without them every case skips, naming the variable.
 * A device that is mounted, or smaller than the regions below, is refused
 * (skip) so that a wrong setting cannot destroy a file system.
 *
 * Programs of the area may run at the same time (two per vCPU in the VM),
 * so each one owns a region of the device and touches no other block
 * (reads at the very end of the device, which nobody writes, excepted).
 * Data is written with a pattern that differs per process before it is
 * read back, so nothing depends on what the device held before.
 *
 * Everything is static inline so that no symbol can clash with another
 * area's helpers in libiou.a.
 */
#ifndef IOU_BLOCKDEV_H
#define IOU_BLOCKDEV_H

#include <errno.h>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iou_abi.h"
#include "iou_harness.h"
#include "iou_ring.h"

#define IOU_BLOCKDEV_ENV_BLKDEV	"IOU_TEST_BLKDEV"
#define IOU_BLOCKDEV_ENV_NVME_CHARDEV	"IOU_TEST_NVME_CHARDEV"

/* ---- regions of the shared device, one per program ------------------- */

#define IOU_BLOCKDEV_REGION_SIZE		(16ULL << 20)
#define IOU_BLOCKDEV_REGION_NVME_PASSTHROUGH	0	/* blockdev-nvme-passthrough-read-write */
#define IOU_BLOCKDEV_REGION_IOPOLL_READ	1	/* blockdev-iopoll-o-direct-read */
#define IOU_BLOCKDEV_REGION_RW_O_DIRECT	2	/* rw-o-direct-alignment-matches-pread */
#define IOU_BLOCKDEV_REGION_URINGCMD_NVME	3	/* uringcmd-nvme-admin-flush-and-fixed-buffers */
#define IOU_BLOCKDEV_NR_REGIONS		4

static inline unsigned long long iou_blockdev_region_start(unsigned int region)
{
	return region * IOU_BLOCKDEV_REGION_SIZE;
}

/*
 * A pattern seed unique to this process: iou_fill_pattern() at
 * seed + device offset, so data left by an earlier case or run never
 * matches by accident.
 */
static inline unsigned long long iou_blockdev_seed(void)
{
	return (unsigned long long)getpid() << 40;
}

/* ---- opening the devices ---------------------------------------------- */

/* "/dev/nvme0n2" -> "nvme0n2", "/dev/ng0n2" -> "nvme0n2" (the block name) */
static inline int iou_blockdev_block_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!strncmp(base, "ng", 2))
		return snprintf(name, len, "nvme%s", base + 2) < (int)len ? 0 : -ENAMETOOLONG;
	return snprintf(name, len, "%s", base) < (int)len ? 0 : -ENAMETOOLONG;
}

/* /sys/block/<name>/<attr> as a number, or -1 */
static inline long long iou_blockdev_sysfs_ll(const char *name, const char *attr)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/block/%s/%s", name, attr);
	if (iou_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

/* is the device (by its block name) or one of its partitions mounted? */
static inline bool iou_blockdev_mounted(const char *name)
{
	char buf[8192], pat[80];

	if (iou_read_file("/proc/mounts", buf, sizeof(buf)) <= 0)
		return false;
	snprintf(pat, sizeof(pat), "/dev/%s", name);
	for (char *p = buf; (p = strstr(p, pat)); p += strlen(pat))
		if (p == buf || p[-1] == '\n')
			return true;
	return false;
}

/*
 * What the tests know of a device: its fd, the block name, the logical
 * block size and the size in bytes (from sysfs, which both the block and
 * the char device have through the block name).
 */
struct iou_blockdev {
	int fd;
	char path[64];
	char name[32];
	unsigned int lbs;
	unsigned long long size;
};

/*
 * Open the device named by env with flags; NULL on success, else why not
 * (for SKIP).  A device that is absent from the environment, not
 * accessible, mounted, or too small for the regions is not used.
 */
static inline const char *iou_blockdev_open(struct iou_blockdev *d, const char *env,
				      int flags)
{
	static char why[160];
	const char *path = getenv(env);
	long long lbs, sectors;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if (!path || !*path) {
		snprintf(why, sizeof(why), "needs %s (a device the test may overwrite)", env);
		return why;
	}
	snprintf(d->path, sizeof(d->path), "%s", path);
	if (iou_blockdev_block_name(path, d->name, sizeof(d->name))) {
		snprintf(why, sizeof(why), "%s=%s: not a device name", env, path);
		return why;
	}
	if (iou_blockdev_mounted(d->name)) {
		snprintf(why, sizeof(why), "%s=%s is mounted: not overwriting it", env, path);
		return why;
	}
	lbs = iou_blockdev_sysfs_ll(d->name, "queue/logical_block_size");
	sectors = iou_blockdev_sysfs_ll(d->name, "size");
	if (lbs <= 0 || lbs > 65536 || sectors <= 0) {
		snprintf(why, sizeof(why), "%s=%s: no /sys/block/%s", env, path, d->name);
		return why;
	}
	d->lbs = (unsigned int)lbs;
	d->size = (unsigned long long)sectors * 512;
	if (d->size < IOU_BLOCKDEV_NR_REGIONS * IOU_BLOCKDEV_REGION_SIZE + (1ULL << 20)) {
		snprintf(why, sizeof(why), "%s=%s: smaller than %llu MiB", env, path,
			 (IOU_BLOCKDEV_NR_REGIONS * IOU_BLOCKDEV_REGION_SIZE >> 20) + 1);
		return why;
	}
	d->fd = open(path, flags | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(why, sizeof(why), "cannot open %s=%s: %s", env, path,
			 iou_errno_name(errno));
		return why;
	}
	return NULL;
}

static inline void iou_blockdev_close(struct iou_blockdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* a page-aligned, zeroed buffer (O_DIRECT), or NULL */
static inline void *iou_blockdev_buf(size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, len))
		return NULL;
	memset(p, 0, len);
	return p;
}

/* ---- polled completions ------------------------------------------------- */

/*
 * Reap nr completions of an IOPOLL ring within timeout_ms: such a ring's
 * completions are found only by io_uring_enter(GETEVENTS), which polls
 * the device (an EXT_ARG timeout is not looked at while polling, and
 * before 5.11 the ring fd never turns readable for polled I/O).  Each
 * call returns after at least one completion or when the task should
 * reschedule, so the deadline is checked in between.  How many arrived,
 * or -errno.
 */
static inline int iou_blockdev_reap_polled(struct iou_ring *r, struct iou_cqe *out,
				     unsigned int nr, unsigned int timeout_ms)
{
	uint64_t start = iou_now_ns();
	unsigned int got = 0;

	while (got < nr) {
		struct io_uring_cqe *cqe;
		int ret;

		if (!iou_peek_cqe(r, &cqe)) {
			iou_cqe_copy(r, &out[got++], cqe);
			iou_cqe_seen(r, cqe);
			continue;
		}
		if (iou_ms_since(start) > timeout_ms)
			break;
		ret = iou_enter(r, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
			return ret;
	}
	return (int)got;
}

/* submit what is queued on an IOPOLL ring and reap nr completions */
static inline int iou_blockdev_submit_reap_polled(struct iou_ring *r,
					    struct iou_cqe *out, unsigned int nr)
{
	int ret = iou_submit(r);

	if (ret < 0)
		return ret;
	return iou_blockdev_reap_polled(r, out, nr, IOU_WAIT_MS);
}

/* ---- NVMe passthrough (linux/nvme_ioctl.h, 5.19) ----------------------- */

/* struct nvme_uring_cmd: the command in the 80 bytes of an SQE128's cmd */
struct iou_nvme_uring_cmd {
	__u8	opcode;
	__u8	flags;
	__u16	rsvd1;
	__u32	nsid;
	__u32	cdw2;
	__u32	cdw3;
	__u64	metadata;
	__u64	addr;
	__u32	metadata_len;
	__u32	data_len;
	__u32	cdw10;
	__u32	cdw11;
	__u32	cdw12;
	__u32	cdw13;
	__u32	cdw14;
	__u32	cdw15;
	__u32	timeout_ms;
	__u32	rsvd2;
};

_Static_assert(sizeof(struct iou_nvme_uring_cmd) == 72, "nvme_uring_cmd is 72 bytes");
_Static_assert(offsetof(struct iou_nvme_uring_cmd, addr) == 24, "nvme_uring_cmd.addr");
_Static_assert(offsetof(struct iou_nvme_uring_cmd, cdw10) == 40, "nvme_uring_cmd.cdw10");

/* sqe->cmd_op of the NVMe char devices */
#define IOU_NVME_URING_CMD_IO		_IOWR('N', 0x80, struct iou_nvme_uring_cmd)
#define IOU_NVME_URING_CMD_IO_VEC	_IOWR('N', 0x81, struct iou_nvme_uring_cmd)	/* 6.1 */
#define IOU_NVME_URING_CMD_ADMIN	_IOWR('N', 0x82, struct iou_nvme_uring_cmd)
#define IOU_NVME_IOCTL_ID		_IO('N', 0x40)	/* the fd's namespace id */
/* the synchronous twins: struct nvme_passthru_cmd has the same 72 bytes */
#define IOU_NVME_IOCTL_ADMIN_CMD	_IOWR('N', 0x41, struct iou_nvme_uring_cmd)
#define IOU_NVME_IOCTL_IO_CMD		_IOWR('N', 0x43, struct iou_nvme_uring_cmd)

/* NVM command set opcodes */
#define IOU_NVME_CMD_FLUSH	0x00
#define IOU_NVME_CMD_WRITE	0x01
#define IOU_NVME_CMD_READ	0x02

/* admin opcodes; Identify's CNS (cdw10) values */
#define IOU_NVME_ADMIN_IDENTIFY		0x06
#define IOU_NVME_ID_CNS_NS		0x00
#define IOU_NVME_ID_CNS_CTRL		0x01
#define IOU_NVME_IDENTIFY_LEN		4096

/*
 * Open $IOU_TEST_NVME_CHARDEV read-write (iou_blockdev_open()) and learn
 * its namespace id; NULL, or why not (for SKIP; *nsid is then 0).
 */
static inline const char *iou_blockdev_open_nvme(struct iou_blockdev *d, __u32 *nsid)
{
	static char why[160];
	const char *no = iou_blockdev_open(d, IOU_BLOCKDEV_ENV_NVME_CHARDEV, O_RDWR);
	int ret;

	*nsid = 0;
	if (no)
		return no;
	ret = ioctl(d->fd, IOU_NVME_IOCTL_ID);
	if (ret <= 0) {
		snprintf(why, sizeof(why), "%s: NVME_IOCTL_ID: %s", d->path,
			 ret < 0 ? iou_errno_name(errno) : "namespace 0");
		iou_blockdev_close(d);
		return why;
	}
	*nsid = (__u32)ret;
	return NULL;
}

/* "/dev/ng0n2" or "/dev/nvme0n2" -> "/dev/nvme0", the controller's char device */
static inline int iou_blockdev_ctrl_path(const char *path, char *ctrl, size_t len)
{
	char name[32];
	unsigned int c, n;

	if (iou_blockdev_block_name(path, name, sizeof(name)) ||
	    sscanf(name, "nvme%un%u", &c, &n) != 2)
		return -EINVAL;
	return snprintf(ctrl, len, "/dev/nvme%u", c) < (int)len ? 0 : -ENAMETOOLONG;
}

/*
 * NVMe status as the kernel reports it in a passthrough CQE's res: the
 * completion's status field without its phase bit (res = status >> 1), a
 * positive number: status code (bits 0-7), status code type (8-10), and
 * the controller's retry hints CRD (11-12), More (13), Do Not Retry (14).
 */
#define IOU_NVME_SC_MASK		0x07ff	/* SCT and SC */
#define IOU_NVME_SC_INVALID_OPCODE	0x0001	/* generic: Invalid Command Opcode */
#define IOU_NVME_SC_LBA_RANGE		0x0080	/* generic: LBA Out of Range */
#define IOU_NVME_SC_DNR			0x4000

/*
 * A passthrough command on an SQE128 ring: the command goes into the
 * SQE's cmd area (the kernel reads it from there, io_uring_sqe_cmd()).
 */
static inline struct iou_nvme_uring_cmd *
iou_blockdev_prep_nvme(struct io_uring_sqe *sqe, int fd, unsigned int cmd_op,
		 __u64 user_data)
{
	struct iou_nvme_uring_cmd *cmd = (struct iou_nvme_uring_cmd *)sqe->cmd;

	iou_prep_rw(sqe, IORING_OP_URING_CMD, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	sqe->user_data = user_data;
	memset(cmd, 0, sizeof(*cmd));
	return cmd;
}

/* READ or WRITE of nlb logical blocks at slba through buf */
static inline struct iou_nvme_uring_cmd *
iou_blockdev_prep_nvme_rw(struct io_uring_sqe *sqe, int fd, __u8 opcode, __u32 nsid,
		    __u64 slba, unsigned int nlb, unsigned int lbs, void *buf,
		    __u64 user_data)
{
	struct iou_nvme_uring_cmd *cmd;

	cmd = iou_blockdev_prep_nvme(sqe, fd, IOU_NVME_URING_CMD_IO, user_data);
	cmd->opcode = opcode;
	cmd->nsid = nsid;
	cmd->addr = (__u64)(uintptr_t)buf;
	cmd->data_len = nlb * lbs;
	cmd->cdw10 = (__u32)slba;
	cmd->cdw11 = (__u32)(slba >> 32);
	cmd->cdw12 = nlb - 1;	/* 0-based */
	return cmd;
}

#endif /* IOU_BLOCKDEV_H */
