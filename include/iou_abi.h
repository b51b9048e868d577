/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The io_uring user ABI as of Linux 7.3, written for this suite: the
 * uapi headers <linux/io_uring.h>, <linux/io_uring/query.h>,
 * <linux/io_uring/zcrx.h>, <linux/io_uring/bpf_filter.h> and
 * <linux/io_uring/mock_file.h>.
 *
 * The suite never includes <linux/io_uring.h>: distro headers lag the
 * kernel (Debian 12 ships 6.1), and a test must be able to name every 7.3
 * constant.  Values and layouts are facts of the kernel ABI; the static
 * asserts at the end pin them, and harness/abi_check.sh compares every name
 * that this file and an installed <linux/io_uring.h> both define
 * (harness/abi_check_newer.sh against 7.3's own headers).
 *
 * A name carries the release that added it when that is after 6.18; a
 * test must still probe for it (include/iou_harness.h), never trust the
 * version.
 */
#ifndef IOU_ABI_H
#define IOU_ABI_H

#if defined(LINUX_IO_URING_H) && !defined(IOU_ABI_CLAIMS_LINUX_IO_URING_H)
#error "include iou_abi.h instead of <linux/io_uring.h>, never both"
#endif
/* Make a later #include <linux/io_uring.h> (and its subheaders) a no-op. */
#define IOU_ABI_CLAIMS_LINUX_IO_URING_H 1
#define LINUX_IO_URING_H 1
#define _UAPI_LINUX_IO_URING_H 1
#define LINUX_IO_URING_QUERY_H 1
#define LINUX_IO_URING_MOCK_FILE_H 1
#define LINUX_IO_ZCRX_H 1
#define LINUX_IO_URING_BPF_FILTER_H 1

#include <linux/types.h>
#include <linux/time_types.h>

/* ------------------------------------------------------------------ */
/* Submission queue entry                                              */
/* ------------------------------------------------------------------ */

struct io_uring_sqe {
	__u8	opcode;
	__u8	flags;			/* IOSQE_* */
	__u16	ioprio;
	__s32	fd;
	union {
		__u64	off;
		__u64	addr2;
		struct {
			__u32	cmd_op;
			__u32	__pad1;
		};
	};
	union {
		__u64	addr;
		__u64	splice_off_in;
		struct {
			__u32	level;
			__u32	optname;
		};
	};
	__u32	len;
	union {
		int	rw_flags;	/* __kernel_rwf_t */
		__u32	fsync_flags;
		__u16	poll_events;
		__u32	poll32_events;
		__u32	sync_range_flags;
		__u32	msg_flags;
		__u32	timeout_flags;
		__u32	accept_flags;
		__u32	cancel_flags;
		__u32	open_flags;
		__u32	statx_flags;
		__u32	fadvise_advice;
		__u32	splice_flags;
		__u32	rename_flags;
		__u32	unlink_flags;
		__u32	hardlink_flags;
		__u32	xattr_flags;
		__u32	msg_ring_flags;
		__u32	uring_cmd_flags;
		__u32	waitid_flags;
		__u32	futex_flags;
		__u32	install_fd_flags;
		__u32	nop_flags;
		__u32	pipe_flags;
	};
	__u64	user_data;
	union {
		__u16	buf_index;
		__u16	buf_group;
	} __attribute__((packed));
	__u16	personality;
	union {
		__s32	splice_fd_in;
		__u32	file_index;
		__u32	zcrx_ifq_idx;
		__u32	optlen;
		struct {
			__u16	addr_len;
			__u16	__pad3[1];
		};
		struct {
			__u8	write_stream;
			__u8	__pad4[3];
		};
	};
	union {
		struct {
			__u64	addr3;
			__u64	__pad2[1];
		};
		struct {
			__u64	attr_ptr;
			__u64	attr_type_mask;
		};
		__u64	optval;
		/* with IORING_SETUP_SQE128: 80 bytes of command data */
		__u8	cmd[0];
	};
};

/* sqe->attr_type_mask */
#define IORING_RW_ATTR_FLAG_PI	(1U << 0)

struct io_uring_attr_pi {
	__u16	flags;
	__u16	app_tag;
	__u32	len;
	__u64	addr;
	__u64	seed;
	__u64	rsvd;
};

/* sqe->file_index: let the kernel pick a free direct descriptor */
#define IORING_FILE_INDEX_ALLOC		(~0U)

enum io_uring_sqe_flags_bit {
	IOSQE_FIXED_FILE_BIT,
	IOSQE_IO_DRAIN_BIT,
	IOSQE_IO_LINK_BIT,
	IOSQE_IO_HARDLINK_BIT,
	IOSQE_ASYNC_BIT,
	IOSQE_BUFFER_SELECT_BIT,
	IOSQE_CQE_SKIP_SUCCESS_BIT,
};

#define IOSQE_FIXED_FILE	(1U << IOSQE_FIXED_FILE_BIT)
#define IOSQE_IO_DRAIN		(1U << IOSQE_IO_DRAIN_BIT)
#define IOSQE_IO_LINK		(1U << IOSQE_IO_LINK_BIT)
#define IOSQE_IO_HARDLINK	(1U << IOSQE_IO_HARDLINK_BIT)
#define IOSQE_ASYNC		(1U << IOSQE_ASYNC_BIT)
#define IOSQE_BUFFER_SELECT	(1U << IOSQE_BUFFER_SELECT_BIT)
#define IOSQE_CQE_SKIP_SUCCESS	(1U << IOSQE_CQE_SKIP_SUCCESS_BIT)

/* ------------------------------------------------------------------ */
/* io_uring_setup(2) flags                                             */
/* ------------------------------------------------------------------ */

#define IORING_SETUP_IOPOLL		(1U << 0)
#define IORING_SETUP_SQPOLL		(1U << 1)
#define IORING_SETUP_SQ_AFF		(1U << 2)
#define IORING_SETUP_CQSIZE		(1U << 3)
#define IORING_SETUP_CLAMP		(1U << 4)
#define IORING_SETUP_ATTACH_WQ		(1U << 5)
#define IORING_SETUP_R_DISABLED		(1U << 6)
#define IORING_SETUP_SUBMIT_ALL		(1U << 7)
#define IORING_SETUP_COOP_TASKRUN	(1U << 8)
#define IORING_SETUP_TASKRUN_FLAG	(1U << 9)
#define IORING_SETUP_SQE128		(1U << 10)
#define IORING_SETUP_CQE32		(1U << 11)
#define IORING_SETUP_SINGLE_ISSUER	(1U << 12)
#define IORING_SETUP_DEFER_TASKRUN	(1U << 13)
#define IORING_SETUP_NO_MMAP		(1U << 14)
#define IORING_SETUP_REGISTERED_FD_ONLY	(1U << 15)
#define IORING_SETUP_NO_SQARRAY		(1U << 16)
#define IORING_SETUP_HYBRID_IOPOLL	(1U << 17)
#define IORING_SETUP_CQE_MIXED		(1U << 18)
/* 6.19: 64 and 128-byte SQEs in one ring; a 128-byte one takes two slots */
#define IORING_SETUP_SQE_MIXED		(1U << 19)
/* 7.0: every submission starts at SQE 0, the SQ head and tail are unused */
#define IORING_SETUP_SQ_REWIND		(1U << 20)

/* ------------------------------------------------------------------ */
/* Opcodes                                                             */
/* ------------------------------------------------------------------ */

enum io_uring_op {
	IORING_OP_NOP,
	IORING_OP_READV,
	IORING_OP_WRITEV,
	IORING_OP_FSYNC,
	IORING_OP_READ_FIXED,
	IORING_OP_WRITE_FIXED,
	IORING_OP_POLL_ADD,
	IORING_OP_POLL_REMOVE,
	IORING_OP_SYNC_FILE_RANGE,
	IORING_OP_SENDMSG,
	IORING_OP_RECVMSG,
	IORING_OP_TIMEOUT,
	IORING_OP_TIMEOUT_REMOVE,
	IORING_OP_ACCEPT,
	IORING_OP_ASYNC_CANCEL,
	IORING_OP_LINK_TIMEOUT,
	IORING_OP_CONNECT,
	IORING_OP_FALLOCATE,
	IORING_OP_OPENAT,
	IORING_OP_CLOSE,
	IORING_OP_FILES_UPDATE,
	IORING_OP_STATX,
	IORING_OP_READ,
	IORING_OP_WRITE,
	IORING_OP_FADVISE,
	IORING_OP_MADVISE,
	IORING_OP_SEND,
	IORING_OP_RECV,
	IORING_OP_OPENAT2,
	IORING_OP_EPOLL_CTL,
	IORING_OP_SPLICE,
	IORING_OP_PROVIDE_BUFFERS,
	IORING_OP_REMOVE_BUFFERS,
	IORING_OP_TEE,
	IORING_OP_SHUTDOWN,
	IORING_OP_RENAMEAT,
	IORING_OP_UNLINKAT,
	IORING_OP_MKDIRAT,
	IORING_OP_SYMLINKAT,
	IORING_OP_LINKAT,
	IORING_OP_MSG_RING,
	IORING_OP_FSETXATTR,
	IORING_OP_SETXATTR,
	IORING_OP_FGETXATTR,
	IORING_OP_GETXATTR,
	IORING_OP_SOCKET,
	IORING_OP_URING_CMD,
	IORING_OP_SEND_ZC,
	IORING_OP_SENDMSG_ZC,
	IORING_OP_READ_MULTISHOT,
	IORING_OP_WAITID,
	IORING_OP_FUTEX_WAIT,
	IORING_OP_FUTEX_WAKE,
	IORING_OP_FUTEX_WAITV,
	IORING_OP_FIXED_FD_INSTALL,
	IORING_OP_FTRUNCATE,
	IORING_OP_BIND,
	IORING_OP_LISTEN,
	IORING_OP_RECV_ZC,
	IORING_OP_EPOLL_WAIT,
	IORING_OP_READV_FIXED,
	IORING_OP_WRITEV_FIXED,
	IORING_OP_PIPE,
	IORING_OP_NOP128,		/* 6.19: a NOP in a 128-byte SQE */
	IORING_OP_URING_CMD128,		/* 6.19: URING_CMD in a 128-byte SQE */

	IORING_OP_LAST,
};

/* sqe->uring_cmd_flags (the top 8 bits are kernel-internal) */
#define IORING_URING_CMD_FIXED		(1U << 0)
#define IORING_URING_CMD_MULTISHOT	(1U << 1)
#define IORING_URING_CMD_MASK		(IORING_URING_CMD_FIXED | IORING_URING_CMD_MULTISHOT)

/* sqe->fsync_flags */
#define IORING_FSYNC_DATASYNC		(1U << 0)

/* sqe->timeout_flags */
#define IORING_TIMEOUT_ABS		(1U << 0)
#define IORING_TIMEOUT_UPDATE		(1U << 1)
#define IORING_TIMEOUT_BOOTTIME		(1U << 2)
#define IORING_TIMEOUT_REALTIME		(1U << 3)
#define IORING_LINK_TIMEOUT_UPDATE	(1U << 4)
#define IORING_TIMEOUT_ETIME_SUCCESS	(1U << 5)
#define IORING_TIMEOUT_MULTISHOT	(1U << 6)
#define IORING_TIMEOUT_IMMEDIATE_ARG	(1U << 7)	/* 7.1: sqe->addr is the time in ns */
#define IORING_TIMEOUT_CLOCK_MASK	(IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME)
#define IORING_TIMEOUT_UPDATE_MASK	(IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE)

/* sqe->splice_flags: extends splice(2) flags */
#define SPLICE_F_FD_IN_FIXED		(1U << 31)

/* POLL_ADD command flags, in sqe->len */
#define IORING_POLL_ADD_MULTI		(1U << 0)
#define IORING_POLL_UPDATE_EVENTS	(1U << 1)
#define IORING_POLL_UPDATE_USER_DATA	(1U << 2)
#define IORING_POLL_ADD_LEVEL		(1U << 3)

/* ASYNC_CANCEL flags, in sqe->cancel_flags */
#define IORING_ASYNC_CANCEL_ALL		(1U << 0)
#define IORING_ASYNC_CANCEL_FD		(1U << 1)
#define IORING_ASYNC_CANCEL_ANY		(1U << 2)
#define IORING_ASYNC_CANCEL_FD_FIXED	(1U << 3)
#define IORING_ASYNC_CANCEL_USERDATA	(1U << 4)
#define IORING_ASYNC_CANCEL_OP		(1U << 5)

/* send/sendmsg/recv/recvmsg flags, in sqe->ioprio */
#define IORING_RECVSEND_POLL_FIRST	(1U << 0)
#define IORING_RECV_MULTISHOT		(1U << 1)
#define IORING_RECVSEND_FIXED_BUF	(1U << 2)
#define IORING_SEND_ZC_REPORT_USAGE	(1U << 3)
#define IORING_RECVSEND_BUNDLE		(1U << 4)
#define IORING_SEND_VECTORIZED		(1U << 5)

/* cqe->res of a zero-copy notification with SEND_ZC_REPORT_USAGE */
#define IORING_NOTIF_USAGE_ZC_COPIED	(1U << 31)

/* accept flags, in sqe->ioprio */
#define IORING_ACCEPT_MULTISHOT		(1U << 0)
#define IORING_ACCEPT_DONTWAIT		(1U << 1)
#define IORING_ACCEPT_POLL_FIRST	(1U << 2)

/* IORING_OP_MSG_RING command types, in sqe->addr */
enum io_uring_msg_ring_flags {
	IORING_MSG_DATA,
	IORING_MSG_SEND_FD,
};

/* IORING_OP_MSG_RING flags, in sqe->msg_ring_flags */
#define IORING_MSG_RING_CQE_SKIP	(1U << 0)
#define IORING_MSG_RING_FLAGS_PASS	(1U << 1)

/* IORING_OP_FIXED_FD_INSTALL flags, in sqe->install_fd_flags */
#define IORING_FIXED_FD_NO_CLOEXEC	(1U << 0)

/* IORING_OP_NOP flags, in sqe->nop_flags */
#define IORING_NOP_INJECT_RESULT	(1U << 0)
#define IORING_NOP_FILE			(1U << 1)
#define IORING_NOP_FIXED_FILE		(1U << 2)
#define IORING_NOP_FIXED_BUFFER		(1U << 3)
#define IORING_NOP_TW			(1U << 4)
#define IORING_NOP_CQE32		(1U << 5)

/* ------------------------------------------------------------------ */
/* Completion queue entry                                              */
/* ------------------------------------------------------------------ */

struct io_uring_cqe {
	__u64	user_data;
	__s32	res;
	__u32	flags;
	/* with IORING_SETUP_CQE32 (or a CQE_MIXED entry with F_32): 16 more bytes */
	__u64	big_cqe[];
};

#define IORING_CQE_F_BUFFER		(1U << 0)
#define IORING_CQE_F_MORE		(1U << 1)
#define IORING_CQE_F_SOCK_NONEMPTY	(1U << 2)
#define IORING_CQE_F_NOTIF		(1U << 3)
#define IORING_CQE_F_BUF_MORE		(1U << 4)
#define IORING_CQE_F_SKIP		(1U << 5)
#define IORING_CQE_F_32			(1U << 15)
#define IORING_CQE_F_TSTAMP_HW		(1U << 16)

enum {
	IORING_CQE_BUFFER_SHIFT		= 16,
};

/* Timestamp CQEs of SOCKET_URING_OP_TX_TIMESTAMP */
#define IORING_TIMESTAMP_HW_SHIFT	16
#define IORING_TIMESTAMP_TYPE_SHIFT	(IORING_TIMESTAMP_HW_SHIFT + 1)

struct io_timespec {
	__u64	tv_sec;
	__u64	tv_nsec;
};

/* ------------------------------------------------------------------ */
/* mmap offsets                                                        */
/* ------------------------------------------------------------------ */

#define IORING_OFF_SQ_RING		0ULL
#define IORING_OFF_CQ_RING		0x8000000ULL
#define IORING_OFF_SQES			0x10000000ULL
#define IORING_OFF_PBUF_RING		0x80000000ULL
#define IORING_OFF_PBUF_SHIFT		16
#define IORING_OFF_MMAP_MASK		0xf8000000ULL

struct io_sqring_offsets {
	__u32	head;
	__u32	tail;
	__u32	ring_mask;
	__u32	ring_entries;
	__u32	flags;
	__u32	dropped;
	__u32	array;
	__u32	resv1;
	__u64	user_addr;
};

/* sq_ring->flags */
#define IORING_SQ_NEED_WAKEUP		(1U << 0)
#define IORING_SQ_CQ_OVERFLOW		(1U << 1)
#define IORING_SQ_TASKRUN		(1U << 2)

struct io_cqring_offsets {
	__u32	head;
	__u32	tail;
	__u32	ring_mask;
	__u32	ring_entries;
	__u32	overflow;
	__u32	cqes;
	__u32	flags;
	__u32	resv1;
	__u64	user_addr;
};

/* cq_ring->flags: the only bit userspace may set */
#define IORING_CQ_EVENTFD_DISABLED	(1U << 0)

/* ------------------------------------------------------------------ */
/* io_uring_enter(2) flags                                             */
/* ------------------------------------------------------------------ */

#define IORING_ENTER_GETEVENTS		(1U << 0)
#define IORING_ENTER_SQ_WAKEUP		(1U << 1)
#define IORING_ENTER_SQ_WAIT		(1U << 2)
#define IORING_ENTER_EXT_ARG		(1U << 3)
#define IORING_ENTER_REGISTERED_RING	(1U << 4)
#define IORING_ENTER_ABS_TIMER		(1U << 5)
#define IORING_ENTER_EXT_ARG_REG	(1U << 6)
#define IORING_ENTER_NO_IOWAIT		(1U << 7)

/* ------------------------------------------------------------------ */
/* io_uring_setup(2) parameters                                        */
/* ------------------------------------------------------------------ */

struct io_uring_params {
	__u32	sq_entries;
	__u32	cq_entries;
	__u32	flags;
	__u32	sq_thread_cpu;
	__u32	sq_thread_idle;
	__u32	features;
	__u32	wq_fd;
	__u32	resv[3];
	struct io_sqring_offsets sq_off;
	struct io_cqring_offsets cq_off;
};

/* io_uring_params->features */
#define IORING_FEAT_SINGLE_MMAP		(1U << 0)
#define IORING_FEAT_NODROP		(1U << 1)
#define IORING_FEAT_SUBMIT_STABLE	(1U << 2)
#define IORING_FEAT_RW_CUR_POS		(1U << 3)
#define IORING_FEAT_CUR_PERSONALITY	(1U << 4)
#define IORING_FEAT_FAST_POLL		(1U << 5)
#define IORING_FEAT_POLL_32BITS		(1U << 6)
#define IORING_FEAT_SQPOLL_NONFIXED	(1U << 7)
#define IORING_FEAT_EXT_ARG		(1U << 8)
#define IORING_FEAT_NATIVE_WORKERS	(1U << 9)
#define IORING_FEAT_RSRC_TAGS		(1U << 10)
#define IORING_FEAT_CQE_SKIP		(1U << 11)
#define IORING_FEAT_LINKED_FILE		(1U << 12)
#define IORING_FEAT_REG_REG_RING	(1U << 13)
#define IORING_FEAT_RECVSEND_BUNDLE	(1U << 14)
#define IORING_FEAT_MIN_TIMEOUT		(1U << 15)
#define IORING_FEAT_RW_ATTR		(1U << 16)
#define IORING_FEAT_NO_IOWAIT		(1U << 17)

/* ------------------------------------------------------------------ */
/* io_uring_register(2)                                                */
/* ------------------------------------------------------------------ */

enum io_uring_register_op {
	IORING_REGISTER_BUFFERS			= 0,
	IORING_UNREGISTER_BUFFERS		= 1,
	IORING_REGISTER_FILES			= 2,
	IORING_UNREGISTER_FILES			= 3,
	IORING_REGISTER_EVENTFD			= 4,
	IORING_UNREGISTER_EVENTFD		= 5,
	IORING_REGISTER_FILES_UPDATE		= 6,
	IORING_REGISTER_EVENTFD_ASYNC		= 7,
	IORING_REGISTER_PROBE			= 8,
	IORING_REGISTER_PERSONALITY		= 9,
	IORING_UNREGISTER_PERSONALITY		= 10,
	IORING_REGISTER_RESTRICTIONS		= 11,
	IORING_REGISTER_ENABLE_RINGS		= 12,
	IORING_REGISTER_FILES2			= 13,
	IORING_REGISTER_FILES_UPDATE2		= 14,
	IORING_REGISTER_BUFFERS2		= 15,
	IORING_REGISTER_BUFFERS_UPDATE		= 16,
	IORING_REGISTER_IOWQ_AFF		= 17,
	IORING_UNREGISTER_IOWQ_AFF		= 18,
	IORING_REGISTER_IOWQ_MAX_WORKERS	= 19,
	IORING_REGISTER_RING_FDS		= 20,
	IORING_UNREGISTER_RING_FDS		= 21,
	IORING_REGISTER_PBUF_RING		= 22,
	IORING_UNREGISTER_PBUF_RING		= 23,
	IORING_REGISTER_SYNC_CANCEL		= 24,
	IORING_REGISTER_FILE_ALLOC_RANGE	= 25,
	IORING_REGISTER_PBUF_STATUS		= 26,
	IORING_REGISTER_NAPI			= 27,
	IORING_UNREGISTER_NAPI			= 28,
	IORING_REGISTER_CLOCK			= 29,
	IORING_REGISTER_CLONE_BUFFERS		= 30,
	IORING_REGISTER_SEND_MSG_RING		= 31,
	IORING_REGISTER_ZCRX_IFQ		= 32,
	IORING_REGISTER_RESIZE_RINGS		= 33,
	IORING_REGISTER_MEM_REGION		= 34,
	IORING_REGISTER_QUERY			= 35,
	IORING_REGISTER_ZCRX_CTRL		= 36,	/* 6.19 */
	IORING_REGISTER_BPF_FILTER		= 37,	/* 7.0 */

	IORING_REGISTER_LAST,

	/* OR-ed into the opcode: fd is a registered ring index */
	IORING_REGISTER_USE_REGISTERED_RING	= 1U << 31,
};

/* io-wq worker categories, the index into IOWQ_MAX_WORKERS' array */
enum io_wq_type {
	IO_WQ_BOUND,
	IO_WQ_UNBOUND,
};

/* deprecated form of struct io_uring_rsrc_update */
struct io_uring_files_update {
	__u32	offset;
	__u32	resv;
	__aligned_u64 fds;		/* __s32 * */
};

/* Zero-copy receive (IORING_REGISTER_ZCRX_IFQ, IORING_OP_RECV_ZC) */
enum io_uring_zcrx_area_flags {
	IORING_ZCRX_AREA_DMABUF		= 1,
};

struct io_uring_zcrx_rqe {
	__u64	off;
	__u32	len;
	__u32	__pad;
};

struct io_uring_zcrx_cqe {
	__u64	off;
	__u64	__pad;
};

#define IORING_ZCRX_AREA_SHIFT	48
#define IORING_ZCRX_AREA_MASK	(~(((__u64)1 << IORING_ZCRX_AREA_SHIFT) - 1))

struct io_uring_zcrx_offsets {
	__u32	head;
	__u32	tail;
	__u32	rqes;
	__u32	__resv2;
	__u64	__resv[2];
};

struct io_uring_zcrx_area_reg {
	__u64	addr;
	__u64	len;
	__u64	rq_area_token;
	__u32	flags;
	__u32	dmabuf_fd;
	__u64	__resv2[2];
};

/* io_uring_zcrx_ifq_reg.flags (6.19) */
enum zcrx_reg_flags {
	ZCRX_REG_IMPORT		= 1,
	ZCRX_REG_NODEV		= 2,	/* 7.1: no net device, all data copied */
};

/* io_uring_query_zcrx.features */
enum zcrx_features {
	ZCRX_FEATURE_RX_PAGE_SIZE	= 1 << 0,
	ZCRX_FEATURE_EVENT		= 1 << 1,
};

enum zcrx_event_type {
	ZCRX_EVENT_ALLOC_FAIL,
	ZCRX_EVENT_COPY,

	__ZCRX_EVENT_TYPE_LAST,
};

enum zcrx_event_desc_flags {
	ZCRX_EVENT_DESC_FLAG_STATS	= 1 << 0,
};

struct zcrx_stats {
	__u64	copy_count;
	__u64	copy_bytes;
};

struct zcrx_event_desc {
	__u64	user_data;
	__u32	type_mask;
	__u32	flags;			/* enum zcrx_event_desc_flags */
	__u64	stats_offset;
	__u64	__resv2[9];
};

struct io_uring_zcrx_ifq_reg {
	__u32	if_idx;
	__u32	if_rxq;
	__u32	rq_entries;
	__u32	flags;			/* enum zcrx_reg_flags */
	__u64	area_ptr;		/* struct io_uring_zcrx_area_reg * */
	__u64	region_ptr;		/* struct io_uring_region_desc * */
	struct io_uring_zcrx_offsets offsets;
	__u32	zcrx_id;
	__u32	rx_buf_len;		/* reserved before 6.19 */
	__u64	event_desc;		/* struct zcrx_event_desc *; 7.2, reserved before */
	__u64	__resv[2];
};

/* IORING_REGISTER_ZCRX_CTRL (6.19): struct zcrx_ctrl, nr_args 0 */
enum zcrx_ctrl_op {
	ZCRX_CTRL_FLUSH_RQ,
	ZCRX_CTRL_EXPORT,
	ZCRX_CTRL_ARM_EVENT,
	ZCRX_CTRL_ADD_AREA,		/* 7.3 */

	__ZCRX_CTRL_LAST,
};

struct zcrx_ctrl_flush_rq {
	__u64	__resv[6];
};

struct zcrx_ctrl_export {
	__u32	zcrx_fd;
	__u32	__resv1[11];
};

struct zcrx_ctrl_arm_event {
	__u32	event_type;		/* enum zcrx_event_type */
	__u32	__resv[11];
};

struct zcrx_ctrl_add_area {
	__u64	area_ptr;		/* struct io_uring_zcrx_area_reg * */
	__u64	__resv[5];
};

struct zcrx_ctrl {
	__u32	zcrx_id;
	__u32	op;			/* enum zcrx_ctrl_op */
	__u64	__resv[2];
	union {
		struct zcrx_ctrl_export		zc_export;
		struct zcrx_ctrl_flush_rq	zc_flush;
		struct zcrx_ctrl_arm_event	zc_arm_event;
		struct zcrx_ctrl_add_area	zc_area;
	};
};

/* Memory regions (IORING_REGISTER_MEM_REGION, RESIZE_RINGS, ZCRX) */
enum {
	IORING_MEM_REGION_TYPE_USER	= 1,
};

struct io_uring_region_desc {
	__u64	user_addr;
	__u64	size;
	__u32	flags;
	__u32	id;
	__u64	mmap_offset;
	__u64	__resv[4];
};

enum {
	IORING_MEM_REGION_REG_WAIT_ARG	= 1,
};

struct io_uring_mem_region_reg {
	__u64	region_uptr;		/* struct io_uring_region_desc * */
	__u64	flags;
	__u64	__resv[2];
};

/* Files and buffers: struct io_uring_rsrc_register.flags */
#define IORING_RSRC_REGISTER_SPARSE	(1U << 0)

struct io_uring_rsrc_register {
	__u32	nr;
	__u32	flags;
	__u64	resv2;
	__aligned_u64 data;
	__aligned_u64 tags;
};

struct io_uring_rsrc_update {
	__u32	offset;
	__u32	resv;
	__aligned_u64 data;
};

struct io_uring_rsrc_update2 {
	__u32	offset;
	__u32	resv;
	__aligned_u64 data;
	__aligned_u64 tags;
	__u32	nr;
	__u32	resv2;
};

/* FILES_UPDATE: leave this slot as it is */
#define IORING_REGISTER_FILES_SKIP	(-2)

/* Probe */
#define IO_URING_OP_SUPPORTED		(1U << 0)

struct io_uring_probe_op {
	__u8	op;
	__u8	resv;
	__u16	flags;			/* IO_URING_OP_* */
	__u32	resv2;
};

struct io_uring_probe {
	__u8	last_op;
	__u8	ops_len;
	__u16	resv;
	__u32	resv2[3];
	struct io_uring_probe_op ops[];
};

/* Restrictions */
struct io_uring_restriction {
	__u16	opcode;
	union {
		__u8	register_op;
		__u8	sqe_op;
		__u8	sqe_flags;
	};
	__u8	resv;
	__u32	resv2[3];
};

/* IORING_REGISTER_RESTRICTIONS without a ring (fd -1, 7.0): the task's */
struct io_uring_task_restriction {
	__u16	flags;
	__u16	nr_res;
	__u32	resv[3];
	struct io_uring_restriction restrictions[];
};

enum io_uring_register_restriction_op {
	IORING_RESTRICTION_REGISTER_OP		= 0,
	IORING_RESTRICTION_SQE_OP		= 1,
	IORING_RESTRICTION_SQE_FLAGS_ALLOWED	= 2,
	IORING_RESTRICTION_SQE_FLAGS_REQUIRED	= 3,

	IORING_RESTRICTION_LAST
};

/* IORING_REGISTER_CLOCK */
struct io_uring_clock_register {
	__u32	clockid;
	__u32	__resv[3];
};

/* IORING_REGISTER_CLONE_BUFFERS */
enum {
	IORING_REGISTER_SRC_REGISTERED	= (1U << 0),
	IORING_REGISTER_DST_REPLACE	= (1U << 1),
};

struct io_uring_clone_buffers {
	__u32	src_fd;
	__u32	flags;
	__u32	src_off;
	__u32	dst_off;
	__u32	nr;
	__u32	pad[3];
};

/* Provided buffer rings */
struct io_uring_buf {
	__u64	addr;
	__u32	len;
	__u16	bid;
	__u16	resv;
};

struct io_uring_buf_ring {
	union {
		/* the ring's tail shares the first buffer's resv field */
		struct {
			__u64	resv1;
			__u32	resv2;
			__u16	resv3;
			__u16	tail;
		};
		struct {
			struct {} __empty_bufs;
			struct io_uring_buf bufs[];
		};
	};
};

enum io_uring_register_pbuf_ring_flags {
	IOU_PBUF_RING_MMAP	= 1,
	IOU_PBUF_RING_INC	= 2,
};

struct io_uring_buf_reg {
	__u64	ring_addr;
	__u32	ring_entries;
	__u16	bgid;
	__u16	flags;
	union {
		__u64	resv[3];	/* 6.18's spelling of the reserved words */
		struct {
			/* by 7.2, IOU_PBUF_RING_INC only: a buffer with fewer bytes left is done */
			__u32	min_left;
			__u32	__resv_7[5];
		};
	};
};

struct io_uring_buf_status {
	__u32	buf_group;
	__u32	head;
	__u32	resv[8];
};

/* NAPI busy polling */
enum io_uring_napi_op {
	IO_URING_NAPI_REGISTER_OP	= 0,
	IO_URING_NAPI_STATIC_ADD_ID	= 1,
	IO_URING_NAPI_STATIC_DEL_ID	= 2,
};

enum io_uring_napi_tracking_strategy {
	IO_URING_NAPI_TRACKING_DYNAMIC	= 0,
	IO_URING_NAPI_TRACKING_STATIC	= 1,
	IO_URING_NAPI_TRACKING_INACTIVE	= 255,
};

struct io_uring_napi {
	__u32	busy_poll_to;
	__u8	prefer_busy_poll;
	__u8	opcode;
	__u8	pad[2];
	__u32	op_param;
	__u32	resv;
};

/* Registered wait arguments (IORING_ENTER_EXT_ARG_REG) */
enum {
	IORING_REG_WAIT_TS		= (1U << 0),
};

struct io_uring_reg_wait {
	struct __kernel_timespec ts;
	__u32	min_wait_usec;
	__u32	flags;
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	pad[3];
	__u64	pad2[2];
};

/* Argument of IORING_ENTER_EXT_ARG */
struct io_uring_getevents_arg {
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	min_wait_usec;
	__u64	ts;
};

/* IORING_REGISTER_SYNC_CANCEL */
struct io_uring_sync_cancel_reg {
	__u64	addr;
	__s32	fd;
	__u32	flags;
	struct __kernel_timespec timeout;
	__u8	opcode;
	__u8	pad[7];
	__u64	pad2[3];
};

/* IORING_REGISTER_FILE_ALLOC_RANGE */
struct io_uring_file_index_range {
	__u32	off;
	__u32	len;
	__u64	resv;
};

/* Header in front of a multishot recvmsg's buffer */
struct io_uring_recvmsg_out {
	__u32	namelen;
	__u32	controllen;
	__u32	payloadlen;
	__u32	flags;
};

/* IORING_OP_URING_CMD on sockets: sqe->cmd_op */
enum io_uring_socket_op {
	SOCKET_URING_OP_SIOCINQ		= 0,
	SOCKET_URING_OP_SIOCOUTQ,
	SOCKET_URING_OP_GETSOCKOPT,
	SOCKET_URING_OP_SETSOCKOPT,
	SOCKET_URING_OP_TX_TIMESTAMP,
	SOCKET_URING_OP_GETSOCKNAME,	/* 6.19 */
};

/* ------------------------------------------------------------------ */
/* linux/io_uring/query.h (6.18; more query ops since 6.19)       */
/* ------------------------------------------------------------------ */

struct io_uring_query_hdr {
	__u64	next_entry;
	__u64	query_data;
	__u32	query_op;
	__u32	size;
	__s32	result;
	__u32	__resv[3];
};

enum {
	IO_URING_QUERY_OPCODES		= 0,
	IO_URING_QUERY_ZCRX		= 1,	/* 6.19 */
	IO_URING_QUERY_SCQ		= 2,	/* 6.19 */
	IO_URING_QUERY_ZCRX_EVENT	= 3,	/* 7.2 */

	__IO_URING_QUERY_MAX,
};

/* extensible: the kernel copies min(hdr.size, what it knows) */
struct io_uring_query_opcode {
	__u32	nr_request_opcodes;
	__u32	nr_register_opcodes;
	__u64	feature_flags;
	__u64	ring_setup_flags;
	__u64	enter_flags;
	__u64	sqe_flags;
	__u32	nr_query_opcodes;
	__u32	__pad;
};

struct io_uring_query_zcrx {
	__u64	register_flags;		/* enum zcrx_reg_flags */
	__u64	area_flags;		/* IORING_ZCRX_AREA_* */
	__u32	nr_ctrl_opcodes;	/* ZCRX_CTRL_* */
	__u32	features;		/* enum zcrx_features */
	__u32	rq_hdr_size;
	__u32	rq_hdr_alignment;
	__u64	__resv2;
};

struct io_uring_query_zcrx_event {
	__u32	event_flags;
	__u32	stats_size;		/* sizeof(struct zcrx_stats) */
	__u32	stats_off_alignment;
	__u32	__resv1;
	__u64	__resv2[4];
};

struct io_uring_query_scq {
	__u64	hdr_size;		/* of the SQ/CQ rings' header */
	__u64	hdr_alignment;
};

/* ------------------------------------------------------------------ */
/* linux/io_uring/bpf_filter.h (IORING_REGISTER_BPF_FILTER, 7.0)       */
/* ------------------------------------------------------------------ */

/* what a filter sees (classic BPF, loads of 4-byte words) */
struct io_uring_bpf_ctx {
	__u64	user_data;
	__u8	opcode;
	__u8	sqe_flags;
	__u8	pdu_size;		/* bytes of the opcode's part below */
	__u8	pad[5];
	union {
		struct {
			__u32	family;
			__u32	type;
			__u32	protocol;
		} socket;
		struct {
			__u64	flags;
			__u64	mode;
			__u64	resolve;
		} open;
		struct {
			__u32	family;
			__be16	port;
			__u8	pad[2];
			union {
				__be32	v4_addr;
				__u8	v6_addr[16];
			};
		} connect;
	};
};

enum {
	IO_URING_BPF_FILTER_DENY_REST	= 1,	/* deny every opcode left unfiltered */
	IO_URING_BPF_FILTER_SZ_STRICT	= 2,	/* refuse a pdu_size the kernel disagrees with */
};

struct io_uring_bpf_filter {
	__u32	opcode;
	__u32	flags;
	__u32	filter_len;		/* instructions (struct sock_filter) */
	__u8	pdu_size;
	__u8	resv[3];
	__u64	filter_ptr;		/* struct sock_filter * */
	__u64	resv2[5];
};

enum {
	IO_URING_BPF_CMD_FILTER		= 1,
};

struct io_uring_bpf {
	__u16	cmd_type;		/* IO_URING_BPF_CMD_* */
	__u16	cmd_flags;
	__u32	resv;
	union {
		struct io_uring_bpf_filter	filter;
	};
};

/* ------------------------------------------------------------------ */
/* linux/io_uring/mock_file.h (CONFIG_IO_URING_MOCK_FILE, 6.17)        */
/* ------------------------------------------------------------------ */

enum {
	IORING_MOCK_FEAT_CMD_COPY,
	IORING_MOCK_FEAT_RW_ZERO,
	IORING_MOCK_FEAT_RW_NOWAIT,
	IORING_MOCK_FEAT_RW_ASYNC,
	IORING_MOCK_FEAT_POLL,

	IORING_MOCK_FEAT_END,
};

struct io_uring_mock_probe {
	__u64	features;
	__u64	__resv[9];
};

enum {
	IORING_MOCK_CREATE_F_SUPPORT_NOWAIT	= 1,
	IORING_MOCK_CREATE_F_POLL		= 2,
};

struct io_uring_mock_create {
	__u32	out_fd;
	__u32	flags;
	__u64	file_size;
	__u64	rw_delay_ns;
	__u64	__resv[13];
};

enum {
	IORING_MOCK_MGR_CMD_PROBE,
	IORING_MOCK_MGR_CMD_CREATE,
};

enum {
	IORING_MOCK_CMD_COPY_REGBUF,
};

enum {
	IORING_MOCK_COPY_FROM			= 1,
};

/*
 * The suite's earlier spelling of the names above that came after 6.18,
 * kept so that tests written then still build.  Use the uapi names.
 */
#define IOU_NEXT_OP_NOP128			IORING_OP_NOP128
#define IOU_NEXT_OP_URING_CMD128		IORING_OP_URING_CMD128
#define IOU_NEXT_SETUP_SQE_MIXED		IORING_SETUP_SQE_MIXED
#define IOU_NEXT_SETUP_SQ_REWIND		IORING_SETUP_SQ_REWIND
#define IOU_NEXT_REGISTER_ZCRX_CTRL		IORING_REGISTER_ZCRX_CTRL
#define IOU_NEXT_REGISTER_BPF_FILTER		IORING_REGISTER_BPF_FILTER
#define IOU_NEXT_TIMEOUT_IMMEDIATE_ARG		IORING_TIMEOUT_IMMEDIATE_ARG
#define IOU_NEXT_QUERY_ZCRX			IO_URING_QUERY_ZCRX
#define IOU_NEXT_QUERY_SCQ			IO_URING_QUERY_SCQ
#define IOU_NEXT_SOCKET_URING_OP_GETSOCKNAME	SOCKET_URING_OP_GETSOCKNAME

/* ------------------------------------------------------------------ */
/* Kernel limits (not uapi names; values as of 6.18, see README)       */
/* ------------------------------------------------------------------ */

#define IOU_MAX_ENTRIES			32768	/* IORING_MAX_ENTRIES */
#define IOU_MAX_CQ_ENTRIES		(2 * IOU_MAX_ENTRIES)
#define IOU_MAX_REG_BUFFERS		(1U << 14)
#define IOU_MAX_FIXED_FILES		(1U << 20)
#define IOU_RINGFD_REG_MAX		16
#define IOU_SQE_VALID_FLAGS		0x7fU
#define IOU_SETUP_FLAGS_6_18		0x7ffffU
#define IOU_ENTER_FLAGS_6_18		0xffU
#define IOU_FEAT_FLAGS_6_18		0x3ffffU
/* 6.19 to 7.3 added setup flags, no feature bits and no enter flags */
#define IOU_SETUP_FLAGS_7_3		0x1fffffU
#define IOU_ENTER_FLAGS_7_3		0xffU
#define IOU_FEAT_FLAGS_7_3		0x3ffffU
#define IOU_NR_OPCODES_6_18		63
#define IOU_NR_REGISTER_OPS_6_18	36
#define IOU_NR_QUERY_OPS_6_18		1

/* ------------------------------------------------------------------ */
/* Layout pins: any difference is an ABI break in this header          */
/* ------------------------------------------------------------------ */

#ifdef __cplusplus
#define IOU_ABI_ASSERT static_assert
#else
#define IOU_ABI_ASSERT _Static_assert
#endif
#define IOU_ABI_OFF(type, field, off) \
	IOU_ABI_ASSERT(__builtin_offsetof(struct type, field) == (off), \
		       "offsetof(" #type ", " #field ") != " #off)
#define IOU_ABI_SIZE(type, size) \
	IOU_ABI_ASSERT(sizeof(struct type) == (size), "sizeof(" #type ") != " #size)

IOU_ABI_SIZE(io_uring_sqe, 64);
IOU_ABI_OFF(io_uring_sqe, opcode, 0);
IOU_ABI_OFF(io_uring_sqe, flags, 1);
IOU_ABI_OFF(io_uring_sqe, ioprio, 2);
IOU_ABI_OFF(io_uring_sqe, fd, 4);
IOU_ABI_OFF(io_uring_sqe, off, 8);
IOU_ABI_OFF(io_uring_sqe, cmd_op, 8);
IOU_ABI_OFF(io_uring_sqe, addr, 16);
IOU_ABI_OFF(io_uring_sqe, optname, 20);
IOU_ABI_OFF(io_uring_sqe, len, 24);
IOU_ABI_OFF(io_uring_sqe, rw_flags, 28);
IOU_ABI_OFF(io_uring_sqe, user_data, 32);
IOU_ABI_OFF(io_uring_sqe, buf_index, 40);
IOU_ABI_OFF(io_uring_sqe, personality, 42);
IOU_ABI_OFF(io_uring_sqe, splice_fd_in, 44);
IOU_ABI_OFF(io_uring_sqe, addr_len, 44);
IOU_ABI_OFF(io_uring_sqe, write_stream, 44);
IOU_ABI_OFF(io_uring_sqe, addr3, 48);
IOU_ABI_OFF(io_uring_sqe, attr_type_mask, 56);
IOU_ABI_OFF(io_uring_sqe, optval, 48);
IOU_ABI_OFF(io_uring_sqe, cmd, 48);
IOU_ABI_SIZE(io_uring_attr_pi, 32);

IOU_ABI_SIZE(io_uring_cqe, 16);
IOU_ABI_OFF(io_uring_cqe, user_data, 0);
IOU_ABI_OFF(io_uring_cqe, res, 8);
IOU_ABI_OFF(io_uring_cqe, flags, 12);
IOU_ABI_OFF(io_uring_cqe, big_cqe, 16);

IOU_ABI_SIZE(io_sqring_offsets, 40);
IOU_ABI_OFF(io_sqring_offsets, array, 24);
IOU_ABI_OFF(io_sqring_offsets, user_addr, 32);
IOU_ABI_SIZE(io_cqring_offsets, 40);
IOU_ABI_OFF(io_cqring_offsets, cqes, 20);
IOU_ABI_OFF(io_cqring_offsets, flags, 24);
IOU_ABI_OFF(io_cqring_offsets, user_addr, 32);

IOU_ABI_SIZE(io_uring_params, 120);
IOU_ABI_OFF(io_uring_params, features, 20);
IOU_ABI_OFF(io_uring_params, wq_fd, 24);
IOU_ABI_OFF(io_uring_params, resv, 28);
IOU_ABI_OFF(io_uring_params, sq_off, 40);
IOU_ABI_OFF(io_uring_params, cq_off, 80);

IOU_ABI_SIZE(io_uring_files_update, 16);
IOU_ABI_SIZE(io_uring_rsrc_register, 32);
IOU_ABI_OFF(io_uring_rsrc_register, data, 16);
IOU_ABI_OFF(io_uring_rsrc_register, tags, 24);
IOU_ABI_SIZE(io_uring_rsrc_update, 16);
IOU_ABI_SIZE(io_uring_rsrc_update2, 32);
IOU_ABI_OFF(io_uring_rsrc_update2, nr, 24);

IOU_ABI_SIZE(io_uring_probe_op, 8);
IOU_ABI_SIZE(io_uring_probe, 16);
IOU_ABI_OFF(io_uring_probe, ops, 16);
IOU_ABI_SIZE(io_uring_restriction, 16);
IOU_ABI_OFF(io_uring_restriction, sqe_op, 2);

IOU_ABI_SIZE(io_uring_clock_register, 16);
IOU_ABI_SIZE(io_uring_clone_buffers, 32);
IOU_ABI_SIZE(io_uring_buf, 16);
IOU_ABI_SIZE(io_uring_buf_ring, 16);
IOU_ABI_OFF(io_uring_buf_ring, tail, 14);
IOU_ABI_OFF(io_uring_buf_ring, bufs, 0);
IOU_ABI_SIZE(io_uring_buf_reg, 40);
IOU_ABI_SIZE(io_uring_buf_status, 40);
IOU_ABI_SIZE(io_uring_napi, 16);

IOU_ABI_SIZE(io_uring_reg_wait, 64);
IOU_ABI_OFF(io_uring_reg_wait, min_wait_usec, 16);
IOU_ABI_OFF(io_uring_reg_wait, sigmask, 24);
IOU_ABI_SIZE(io_uring_getevents_arg, 24);
IOU_ABI_OFF(io_uring_getevents_arg, min_wait_usec, 12);
IOU_ABI_OFF(io_uring_getevents_arg, ts, 16);
IOU_ABI_SIZE(io_uring_sync_cancel_reg, 64);
IOU_ABI_OFF(io_uring_sync_cancel_reg, timeout, 16);
IOU_ABI_OFF(io_uring_sync_cancel_reg, opcode, 32);
IOU_ABI_SIZE(io_uring_file_index_range, 16);
IOU_ABI_SIZE(io_uring_recvmsg_out, 16);

IOU_ABI_SIZE(io_uring_region_desc, 64);
IOU_ABI_OFF(io_uring_region_desc, mmap_offset, 24);
IOU_ABI_SIZE(io_uring_mem_region_reg, 32);
IOU_ABI_SIZE(io_uring_zcrx_rqe, 16);
IOU_ABI_SIZE(io_uring_zcrx_cqe, 16);
IOU_ABI_SIZE(io_uring_zcrx_offsets, 32);
IOU_ABI_SIZE(io_uring_zcrx_area_reg, 48);
IOU_ABI_SIZE(io_uring_zcrx_ifq_reg, 96);
IOU_ABI_OFF(io_uring_zcrx_ifq_reg, offsets, 32);
IOU_ABI_OFF(io_uring_zcrx_ifq_reg, zcrx_id, 64);
IOU_ABI_OFF(io_uring_zcrx_ifq_reg, rx_buf_len, 68);
IOU_ABI_OFF(io_uring_zcrx_ifq_reg, event_desc, 72);
IOU_ABI_SIZE(zcrx_stats, 16);
IOU_ABI_SIZE(zcrx_event_desc, 96);
IOU_ABI_SIZE(zcrx_ctrl_flush_rq, 48);
IOU_ABI_SIZE(zcrx_ctrl_export, 48);
IOU_ABI_SIZE(zcrx_ctrl_arm_event, 48);
IOU_ABI_SIZE(zcrx_ctrl_add_area, 48);
IOU_ABI_SIZE(zcrx_ctrl, 72);
IOU_ABI_OFF(zcrx_ctrl, zc_export, 24);
IOU_ABI_SIZE(io_uring_task_restriction, 16);
IOU_ABI_OFF(io_uring_task_restriction, restrictions, 16);
IOU_ABI_OFF(io_uring_buf_reg, min_left, 16);

IOU_ABI_SIZE(io_uring_query_hdr, 40);
IOU_ABI_OFF(io_uring_query_hdr, result, 24);
IOU_ABI_SIZE(io_uring_query_opcode, 48);
IOU_ABI_SIZE(io_uring_query_zcrx, 40);
IOU_ABI_SIZE(io_uring_query_zcrx_event, 48);
IOU_ABI_SIZE(io_uring_query_scq, 16);
IOU_ABI_SIZE(io_uring_bpf_ctx, 40);
IOU_ABI_OFF(io_uring_bpf_ctx, socket, 16);
IOU_ABI_OFF(io_uring_bpf_ctx, connect.port, 20);
IOU_ABI_OFF(io_uring_bpf_ctx, connect.v4_addr, 24);
IOU_ABI_SIZE(io_uring_bpf_filter, 64);
IOU_ABI_OFF(io_uring_bpf_filter, filter_ptr, 16);
IOU_ABI_SIZE(io_uring_bpf, 72);
IOU_ABI_SIZE(io_uring_mock_probe, 80);
IOU_ABI_SIZE(io_uring_mock_create, 128);
IOU_ABI_SIZE(io_timespec, 16);

IOU_ABI_ASSERT(IORING_OP_LAST == 65, "7.3 has 65 opcodes");
IOU_ABI_ASSERT(IORING_OP_NOP128 == 63 && IORING_OP_URING_CMD128 == 64, "6.19 opcodes");
IOU_ABI_ASSERT(IORING_REGISTER_LAST == 38, "7.3 has 38 register opcodes");
IOU_ABI_ASSERT(__IO_URING_QUERY_MAX == 4, "7.3 has 4 query opcodes");
IOU_ABI_ASSERT(__ZCRX_CTRL_LAST == 4, "7.3 has 4 zcrx control opcodes");
IOU_ABI_ASSERT(IORING_RESTRICTION_LAST == 4, "4 restriction types");

#endif /* IOU_ABI_H */
