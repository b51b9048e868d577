/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SQE preparation for every 6.18 opcode: which SQE field carries which
 * argument, written once.  iou_get_sqe() hands out zeroed SQEs, so each
 * helper only sets what its opcode reads; user_data is the caller's.
 *
 * Direct-descriptor variants take a 0-based slot, or IORING_FILE_INDEX_ALLOC
 * to let the kernel pick (the SQE carries slot + 1).
 */
#ifndef IOU_PREP_H
#define IOU_PREP_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "iou_ring.h"

#define IOU_PTR(p)	((__u64)(uintptr_t)(p))

struct open_how;
struct statx;
struct epoll_event;
struct futex_waitv;
struct __kernel_timespec;
struct msghdr;
struct sockaddr;

static inline void iou_set_target_slot(struct io_uring_sqe *sqe, unsigned int slot)
{
	sqe->file_index = slot == IORING_FILE_INDEX_ALLOC ? slot : slot + 1;
}

static inline void iou_prep_read(struct io_uring_sqe *sqe, int fd, void *buf,
				 unsigned int len, __u64 off)
{
	iou_prep_rw(sqe, IORING_OP_READ, fd, buf, len, off);
}

static inline void iou_prep_write(struct io_uring_sqe *sqe, int fd, const void *buf,
				  unsigned int len, __u64 off)
{
	iou_prep_rw(sqe, IORING_OP_WRITE, fd, buf, len, off);
}

static inline void iou_prep_readv(struct io_uring_sqe *sqe, int fd,
				  const struct iovec *iov, unsigned int nr, __u64 off)
{
	iou_prep_rw(sqe, IORING_OP_READV, fd, iov, nr, off);
}

static inline void iou_prep_writev(struct io_uring_sqe *sqe, int fd,
				   const struct iovec *iov, unsigned int nr, __u64 off)
{
	iou_prep_rw(sqe, IORING_OP_WRITEV, fd, iov, nr, off);
}

static inline void iou_prep_read_fixed(struct io_uring_sqe *sqe, int fd, void *buf,
				       unsigned int len, __u64 off, unsigned int index)
{
	iou_prep_rw(sqe, IORING_OP_READ_FIXED, fd, buf, len, off);
	sqe->buf_index = (__u16)index;
}

static inline void iou_prep_write_fixed(struct io_uring_sqe *sqe, int fd,
					const void *buf, unsigned int len, __u64 off,
					unsigned int index)
{
	iou_prep_rw(sqe, IORING_OP_WRITE_FIXED, fd, buf, len, off);
	sqe->buf_index = (__u16)index;
}

static inline void iou_prep_readv_fixed(struct io_uring_sqe *sqe, int fd,
					const struct iovec *iov, unsigned int nr,
					__u64 off, unsigned int index)
{
	iou_prep_rw(sqe, IORING_OP_READV_FIXED, fd, iov, nr, off);
	sqe->buf_index = (__u16)index;
}

static inline void iou_prep_writev_fixed(struct io_uring_sqe *sqe, int fd,
					 const struct iovec *iov, unsigned int nr,
					 __u64 off, unsigned int index)
{
	iou_prep_rw(sqe, IORING_OP_WRITEV_FIXED, fd, iov, nr, off);
	sqe->buf_index = (__u16)index;
}

static inline void iou_prep_fsync(struct io_uring_sqe *sqe, int fd, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_FSYNC, fd, NULL, 0, 0);
	sqe->fsync_flags = flags;
}

static inline void iou_prep_sync_file_range(struct io_uring_sqe *sqe, int fd,
					    unsigned int len, __u64 off,
					    unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_SYNC_FILE_RANGE, fd, NULL, len, off);
	sqe->sync_range_flags = flags;
}

/* poll: events is a poll(2) mask; multishot adds IORING_POLL_ADD_MULTI */
static inline void iou_prep_poll_add(struct io_uring_sqe *sqe, int fd,
				     unsigned int events)
{
	iou_prep_rw(sqe, IORING_OP_POLL_ADD, fd, NULL, 0, 0);
	sqe->poll32_events = events;	/* little-endian hosts */
}

/* queue a NOP with these IOSQE_* flags, without submitting */
static inline struct io_uring_sqe *iou_queue_nop(struct iou_ring *r, __u64 user_data,
						 unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, user_data);
	sqe->flags = (__u8)sqe_flags;
	return sqe;
}

/*
 * Queue a one-shot POLL_ADD(POLLIN) on fd, without submitting: its CQE
 * (res POLLIN) comes when fd turns readable, so a pipe or eventfd nobody
 * writes keeps a request pending for as long as a test needs one.
 */
static inline struct io_uring_sqe *iou_queue_poll(struct iou_ring *r, int fd,
						  __u64 user_data)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_poll_add(sqe, fd, POLLIN);
	sqe->user_data = user_data;
	return sqe;
}

static inline void iou_prep_poll_multishot(struct io_uring_sqe *sqe, int fd,
					   unsigned int events)
{
	iou_prep_poll_add(sqe, fd, events);
	sqe->len = IORING_POLL_ADD_MULTI;
}

static inline void iou_prep_poll_remove(struct io_uring_sqe *sqe, __u64 target)
{
	iou_prep_rw(sqe, IORING_OP_POLL_REMOVE, -1, NULL, 0, 0);
	sqe->addr = target;
}

/* flags: IORING_POLL_UPDATE_EVENTS / _USER_DATA (/ ADD_MULTI) */
static inline void iou_prep_poll_update(struct io_uring_sqe *sqe, __u64 old_ud,
					__u64 new_ud, unsigned int events,
					unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_POLL_REMOVE, -1, NULL, flags, new_ud);
	sqe->addr = old_ud;
	sqe->poll32_events = events;
}

/* count > 0: also completes after that many other completions */
static inline void iou_prep_timeout(struct io_uring_sqe *sqe,
				    const struct __kernel_timespec *ts,
				    unsigned int count, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_TIMEOUT, -1, ts, 1, count);
	sqe->timeout_flags = flags;
}

static inline void iou_prep_timeout_remove(struct io_uring_sqe *sqe, __u64 target,
					   unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_TIMEOUT_REMOVE, -1, NULL, 0, 0);
	sqe->addr = target;
	sqe->timeout_flags = flags;
}

/*
 * flags must hold IORING_TIMEOUT_UPDATE (without it the request is a plain
 * TIMEOUT_REMOVE); add IORING_LINK_TIMEOUT_UPDATE to retime a link timeout
 */
static inline void iou_prep_timeout_update(struct io_uring_sqe *sqe,
					   const struct __kernel_timespec *ts,
					   __u64 target, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_TIMEOUT_REMOVE, -1, NULL, 0, IOU_PTR(ts));
	sqe->addr = target;
	sqe->timeout_flags = flags;
}

static inline void iou_prep_link_timeout(struct io_uring_sqe *sqe,
					 const struct __kernel_timespec *ts,
					 unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_LINK_TIMEOUT, -1, ts, 1, 0);
	sqe->timeout_flags = flags;
}

/* cancel by user_data (flags may add ALL, ANY, FD, OP, ...) */
static inline void iou_prep_cancel(struct io_uring_sqe *sqe, __u64 target,
				   unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_ASYNC_CANCEL, -1, NULL, 0, 0);
	sqe->addr = target;
	sqe->cancel_flags = flags;
}

static inline void iou_prep_cancel_fd(struct io_uring_sqe *sqe, int fd,
				      unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_ASYNC_CANCEL, fd, NULL, 0, 0);
	sqe->cancel_flags = flags | IORING_ASYNC_CANCEL_FD;
}

static inline void iou_prep_accept(struct io_uring_sqe *sqe, int fd,
				   struct sockaddr *addr, socklen_t *addrlen,
				   int flags)
{
	iou_prep_rw(sqe, IORING_OP_ACCEPT, fd, addr, 0, IOU_PTR(addrlen));
	sqe->accept_flags = (__u32)flags;
}

static inline void iou_prep_multishot_accept(struct io_uring_sqe *sqe, int fd,
					     struct sockaddr *addr,
					     socklen_t *addrlen, int flags)
{
	iou_prep_accept(sqe, fd, addr, addrlen, flags);
	sqe->ioprio |= IORING_ACCEPT_MULTISHOT;
}

static inline void iou_prep_connect(struct io_uring_sqe *sqe, int fd,
				    const struct sockaddr *addr, socklen_t len)
{
	iou_prep_rw(sqe, IORING_OP_CONNECT, fd, addr, 0, len);
}

static inline void iou_prep_bind(struct io_uring_sqe *sqe, int fd,
				 const struct sockaddr *addr, socklen_t len)
{
	iou_prep_rw(sqe, IORING_OP_BIND, fd, addr, 0, len);
}

static inline void iou_prep_listen(struct io_uring_sqe *sqe, int fd, int backlog)
{
	iou_prep_rw(sqe, IORING_OP_LISTEN, fd, NULL, (unsigned int)backlog, 0);
}

static inline void iou_prep_send(struct io_uring_sqe *sqe, int fd, const void *buf,
				 size_t len, int flags)
{
	iou_prep_rw(sqe, IORING_OP_SEND, fd, buf, (unsigned int)len, 0);
	sqe->msg_flags = (__u32)flags;
}

static inline void iou_prep_recv(struct io_uring_sqe *sqe, int fd, void *buf,
				 size_t len, int flags)
{
	iou_prep_rw(sqe, IORING_OP_RECV, fd, buf, (unsigned int)len, 0);
	sqe->msg_flags = (__u32)flags;
}

/* multishot recv from provided buffer group bgid */
static inline void iou_prep_recv_multishot(struct io_uring_sqe *sqe, int fd,
					   unsigned int bgid, int flags)
{
	iou_prep_recv(sqe, fd, NULL, 0, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16)bgid;
}

static inline void iou_prep_sendmsg(struct io_uring_sqe *sqe, int fd,
				    const struct msghdr *msg, int flags)
{
	iou_prep_rw(sqe, IORING_OP_SENDMSG, fd, msg, 1, 0);
	sqe->msg_flags = (__u32)flags;
}

static inline void iou_prep_recvmsg(struct io_uring_sqe *sqe, int fd,
				    struct msghdr *msg, int flags)
{
	iou_prep_rw(sqe, IORING_OP_RECVMSG, fd, msg, 1, 0);
	sqe->msg_flags = (__u32)flags;
}

/* zc_flags: IORING_RECVSEND_POLL_FIRST, _FIXED_BUF, IORING_SEND_ZC_REPORT_USAGE */
static inline void iou_prep_send_zc(struct io_uring_sqe *sqe, int fd,
				    const void *buf, size_t len, int flags,
				    unsigned int zc_flags)
{
	iou_prep_rw(sqe, IORING_OP_SEND_ZC, fd, buf, (unsigned int)len, 0);
	sqe->msg_flags = (__u32)flags;
	sqe->ioprio = (__u16)zc_flags;
}

static inline void iou_prep_sendmsg_zc(struct io_uring_sqe *sqe, int fd,
				       const struct msghdr *msg, int flags)
{
	iou_prep_sendmsg(sqe, fd, msg, flags);
	sqe->opcode = IORING_OP_SENDMSG_ZC;
}

static inline void iou_prep_shutdown(struct io_uring_sqe *sqe, int fd, int how)
{
	iou_prep_rw(sqe, IORING_OP_SHUTDOWN, fd, NULL, (unsigned int)how, 0);
}

static inline void iou_prep_socket(struct io_uring_sqe *sqe, int domain, int type,
				   int protocol, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_SOCKET, domain, NULL, (unsigned int)protocol,
		    (__u64)type);
	sqe->rw_flags = (int)flags;
}

static inline void iou_prep_socket_direct(struct io_uring_sqe *sqe, int domain,
					  int type, int protocol, unsigned int slot)
{
	iou_prep_socket(sqe, domain, type, protocol, 0);
	iou_set_target_slot(sqe, slot);
}

static inline void iou_prep_uring_cmd(struct io_uring_sqe *sqe, int fd,
				      unsigned int cmd_op)
{
	iou_prep_rw(sqe, IORING_OP_URING_CMD, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
}

static inline void iou_prep_fallocate(struct io_uring_sqe *sqe, int fd, int mode,
				      __u64 off, __u64 len)
{
	iou_prep_rw(sqe, IORING_OP_FALLOCATE, fd, NULL, (unsigned int)mode, off);
	sqe->addr = len;
}

static inline void iou_prep_ftruncate(struct io_uring_sqe *sqe, int fd, __u64 len)
{
	iou_prep_rw(sqe, IORING_OP_FTRUNCATE, fd, NULL, 0, len);
}

static inline void iou_prep_openat(struct io_uring_sqe *sqe, int dfd,
				   const char *path, int flags, unsigned int mode)
{
	iou_prep_rw(sqe, IORING_OP_OPENAT, dfd, path, mode, 0);
	sqe->open_flags = (__u32)flags;
}

static inline void iou_prep_openat_direct(struct io_uring_sqe *sqe, int dfd,
					  const char *path, int flags,
					  unsigned int mode, unsigned int slot)
{
	iou_prep_openat(sqe, dfd, path, flags, mode);
	iou_set_target_slot(sqe, slot);
}

static inline void iou_prep_openat2(struct io_uring_sqe *sqe, int dfd,
				    const char *path, const struct open_how *how,
				    size_t how_size)
{
	iou_prep_rw(sqe, IORING_OP_OPENAT2, dfd, path, (unsigned int)how_size,
		    IOU_PTR(how));
}

static inline void iou_prep_close(struct io_uring_sqe *sqe, int fd)
{
	iou_prep_rw(sqe, IORING_OP_CLOSE, fd, NULL, 0, 0);
}

static inline void iou_prep_close_direct(struct io_uring_sqe *sqe, unsigned int slot)
{
	iou_prep_close(sqe, 0);
	iou_set_target_slot(sqe, slot);
}

static inline void iou_prep_files_update(struct io_uring_sqe *sqe, int *fds,
					 unsigned int nr, int offset)
{
	iou_prep_rw(sqe, IORING_OP_FILES_UPDATE, -1, fds, nr, (__u64)offset);
}

static inline void iou_prep_statx(struct io_uring_sqe *sqe, int dfd,
				  const char *path, int flags, unsigned int mask,
				  struct statx *buf)
{
	iou_prep_rw(sqe, IORING_OP_STATX, dfd, path, mask, IOU_PTR(buf));
	sqe->statx_flags = (__u32)flags;
}

static inline void iou_prep_fadvise(struct io_uring_sqe *sqe, int fd, __u64 off,
				    unsigned int len, int advice)
{
	iou_prep_rw(sqe, IORING_OP_FADVISE, fd, NULL, len, off);
	sqe->fadvise_advice = (__u32)advice;
}

static inline void iou_prep_madvise(struct io_uring_sqe *sqe, void *addr,
				    unsigned int len, int advice)
{
	iou_prep_rw(sqe, IORING_OP_MADVISE, -1, addr, len, 0);
	sqe->fadvise_advice = (__u32)advice;
}

static inline void iou_prep_epoll_ctl(struct io_uring_sqe *sqe, int epfd, int fd,
				      int op, struct epoll_event *ev)
{
	iou_prep_rw(sqe, IORING_OP_EPOLL_CTL, epfd, ev, (unsigned int)op, (__u64)fd);
}

static inline void iou_prep_epoll_wait(struct io_uring_sqe *sqe, int epfd,
				       struct epoll_event *events, int maxevents,
				       unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_EPOLL_WAIT, epfd, events,
		    (unsigned int)maxevents, 0);
	sqe->rw_flags = (int)flags;
}

static inline void iou_prep_splice(struct io_uring_sqe *sqe, int fd_in,
				   __s64 off_in, int fd_out, __s64 off_out,
				   unsigned int nbytes, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_SPLICE, fd_out, NULL, nbytes, (__u64)off_out);
	sqe->splice_off_in = (__u64)off_in;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = flags;
}

static inline void iou_prep_tee(struct io_uring_sqe *sqe, int fd_in, int fd_out,
				unsigned int nbytes, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_TEE, fd_out, NULL, nbytes, 0);
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = flags;
}

/* legacy provided buffers: nr buffers of len bytes from addr, ids bid.. */
static inline void iou_prep_provide_buffers(struct io_uring_sqe *sqe, void *addr,
					    unsigned int len, int nr,
					    unsigned int bgid, unsigned int bid)
{
	iou_prep_rw(sqe, IORING_OP_PROVIDE_BUFFERS, nr, addr, len, bid);
	sqe->buf_group = (__u16)bgid;
}

static inline void iou_prep_remove_buffers(struct io_uring_sqe *sqe, int nr,
					   unsigned int bgid)
{
	iou_prep_rw(sqe, IORING_OP_REMOVE_BUFFERS, nr, NULL, 0, 0);
	sqe->buf_group = (__u16)bgid;
}

static inline void iou_prep_renameat(struct io_uring_sqe *sqe, int olddfd,
				     const char *oldpath, int newdfd,
				     const char *newpath, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_RENAMEAT, olddfd, oldpath, (unsigned int)newdfd,
		    IOU_PTR(newpath));
	sqe->rename_flags = flags;
}

static inline void iou_prep_unlinkat(struct io_uring_sqe *sqe, int dfd,
				     const char *path, int flags)
{
	iou_prep_rw(sqe, IORING_OP_UNLINKAT, dfd, path, 0, 0);
	sqe->unlink_flags = (__u32)flags;
}

static inline void iou_prep_mkdirat(struct io_uring_sqe *sqe, int dfd,
				    const char *path, unsigned int mode)
{
	iou_prep_rw(sqe, IORING_OP_MKDIRAT, dfd, path, mode, 0);
}

static inline void iou_prep_symlinkat(struct io_uring_sqe *sqe, const char *target,
				      int newdfd, const char *linkpath)
{
	iou_prep_rw(sqe, IORING_OP_SYMLINKAT, newdfd, target, 0, IOU_PTR(linkpath));
}

static inline void iou_prep_linkat(struct io_uring_sqe *sqe, int olddfd,
				   const char *oldpath, int newdfd,
				   const char *newpath, int flags)
{
	iou_prep_rw(sqe, IORING_OP_LINKAT, olddfd, oldpath, (unsigned int)newdfd,
		    IOU_PTR(newpath));
	sqe->hardlink_flags = (__u32)flags;
}

/* post a CQE {user_data = data, res = len} on the ring behind fd */
static inline void iou_prep_msg_ring(struct io_uring_sqe *sqe, int fd,
				     unsigned int len, __u64 data,
				     unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_MSG_RING, fd, NULL, len, data);
	sqe->addr = IORING_MSG_DATA;
	sqe->msg_ring_flags = flags;
}

static inline void iou_prep_msg_ring_cqe_flags(struct io_uring_sqe *sqe, int fd,
					       unsigned int len, __u64 data,
					       unsigned int flags,
					       unsigned int cqe_flags)
{
	iou_prep_msg_ring(sqe, fd, len, data, flags | IORING_MSG_RING_FLAGS_PASS);
	sqe->file_index = cqe_flags;
}

/* send this ring's fixed file src_slot to target slot of the ring fd */
static inline void iou_prep_msg_ring_fd(struct io_uring_sqe *sqe, int fd,
					unsigned int src_slot,
					unsigned int target_slot, __u64 data,
					unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_MSG_RING, fd, NULL, 0, data);
	sqe->addr = IORING_MSG_SEND_FD;
	sqe->addr3 = src_slot;
	iou_set_target_slot(sqe, target_slot);
	sqe->msg_ring_flags = flags;
}

static inline void iou_prep_fsetxattr(struct io_uring_sqe *sqe, int fd,
				      const char *name, const void *value,
				      int flags, unsigned int len)
{
	iou_prep_rw(sqe, IORING_OP_FSETXATTR, fd, name, len, IOU_PTR(value));
	sqe->xattr_flags = (__u32)flags;
}

static inline void iou_prep_setxattr(struct io_uring_sqe *sqe, const char *name,
				     const void *value, const char *path,
				     int flags, unsigned int len)
{
	iou_prep_rw(sqe, IORING_OP_SETXATTR, 0, name, len, IOU_PTR(value));
	sqe->addr3 = IOU_PTR(path);
	sqe->xattr_flags = (__u32)flags;
}

static inline void iou_prep_fgetxattr(struct io_uring_sqe *sqe, int fd,
				      const char *name, void *value,
				      unsigned int len)
{
	iou_prep_rw(sqe, IORING_OP_FGETXATTR, fd, name, len, IOU_PTR(value));
}

static inline void iou_prep_getxattr(struct io_uring_sqe *sqe, const char *name,
				     void *value, const char *path,
				     unsigned int len)
{
	iou_prep_rw(sqe, IORING_OP_GETXATTR, 0, name, len, IOU_PTR(value));
	sqe->addr3 = IOU_PTR(path);
}

/* reads into buffers of group bgid until the file has no more data */
static inline void iou_prep_read_multishot(struct io_uring_sqe *sqe, int fd,
					   unsigned int nbytes, __u64 off,
					   unsigned int bgid)
{
	iou_prep_rw(sqe, IORING_OP_READ_MULTISHOT, fd, NULL, nbytes, off);
	sqe->buf_group = (__u16)bgid;
	sqe->flags |= IOSQE_BUFFER_SELECT;
}

static inline void iou_prep_waitid(struct io_uring_sqe *sqe, int idtype, int id,
				   void *infop, int options, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_WAITID, id, NULL, (unsigned int)idtype, 0);
	sqe->waitid_flags = flags;
	sqe->file_index = (__u32)options;
	sqe->addr2 = IOU_PTR(infop);
}

/* futex_flags are FUTEX2_* (size, private); flags are SQE futex flags */
static inline void iou_prep_futex_wait(struct io_uring_sqe *sqe, void *futex,
				       __u64 val, __u64 mask,
				       unsigned int futex_flags, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_FUTEX_WAIT, (int)futex_flags, futex, 0, val);
	sqe->futex_flags = flags;
	sqe->addr3 = mask;
}

static inline void iou_prep_futex_wake(struct io_uring_sqe *sqe, void *futex,
				       __u64 nr, __u64 mask,
				       unsigned int futex_flags, unsigned int flags)
{
	iou_prep_futex_wait(sqe, futex, nr, mask, futex_flags, flags);
	sqe->opcode = IORING_OP_FUTEX_WAKE;
}

static inline void iou_prep_futex_waitv(struct io_uring_sqe *sqe,
					struct futex_waitv *futexv,
					unsigned int nr, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_FUTEX_WAITV, 0, futexv, nr, 0);
	sqe->futex_flags = flags;
}

/* install fixed file slot as a normal fd (returned in res) */
static inline void iou_prep_fixed_fd_install(struct io_uring_sqe *sqe,
					     unsigned int slot, unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_FIXED_FD_INSTALL, (int)slot, NULL, 0, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->install_fd_flags = flags;
}

static inline void iou_prep_pipe(struct io_uring_sqe *sqe, int fds[2],
				 unsigned int flags)
{
	iou_prep_rw(sqe, IORING_OP_PIPE, 0, fds, 0, 0);
	sqe->pipe_flags = flags;
}

static inline void iou_prep_pipe_direct(struct io_uring_sqe *sqe, int fds[2],
					unsigned int flags, unsigned int slot)
{
	iou_prep_pipe(sqe, fds, flags);
	iou_set_target_slot(sqe, slot);
}

/* a user_data no test gives to a request: cancelling it finds nothing */
#define IOU_NO_SUCH_UD		0x6e6f2d6f6e65ULL

/*
 * A request that fails when it is executed, on every kernel since 5.5:
 * cancelling a request that does not exist completes with -ENOENT and,
 * being a negative result, breaks a link chain.  Unlike an SQE with a bad
 * field, it passes submission, so a chain is assembled and started.
 */
static inline void iou_prep_fail_enoent(struct io_uring_sqe *sqe, __u64 ud)
{
	iou_prep_cancel(sqe, IOU_NO_SUCH_UD, 0);
	sqe->user_data = ud;
}

/* queue a request that fails with -ENOENT, with these IOSQE_* flags */
static inline void iou_queue_fail(struct iou_ring *r, __u64 ud, unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_fail_enoent(sqe, ud);
	sqe->flags = (__u8)sqe_flags;
}

/* a NOP completing with res (IORING_NOP_INJECT_RESULT, 6.10) */
static inline void iou_prep_nop_inject(struct io_uring_sqe *sqe, __u64 ud, int res)
{
	iou_prep_nop(sqe, ud);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = (__u32)res;
}

#endif /* IOU_PREP_H */
