// SPDX-License-Identifier: GPL-2.0
/*
 * SQE fields EPOLL_CTL and EPOLL_WAIT do not use, set non-zero in turn
 * on an otherwise valid request: refused at prep with -EINVAL
 * (io_epoll_ctl_prep(): buf_index, splice_fd_in; io_epoll_wait_prep():
 * off, rw_flags, buf_index, splice_fd_in; io_init_req(): ioprio) or
 * ignored (addr3); the same in 6.1, 6.12 and 7.3 (EPOLL_WAIT: 6.15 on).
 */
#include <sys/epoll.h>
#define IOU_RSV_FIXTURE
#include "iou_twin.h"

IOU_RSV(EPOLL_CTL, buf_index, true);
IOU_RSV(EPOLL_CTL, splice_fd_in, true);
IOU_RSV(EPOLL_CTL, ioprio, true);
IOU_RSV(EPOLL_CTL, addr3, false);
IOU_RSV(EPOLL_WAIT, off, true);
IOU_RSV(EPOLL_WAIT, rw_flags, true);
IOU_RSV(EPOLL_WAIT, buf_index, true);
IOU_RSV(EPOLL_WAIT, splice_fd_in, true);
IOU_RSV(EPOLL_WAIT, ioprio, true);
IOU_RSV(EPOLL_WAIT, addr3, false);

static struct epoll_event ev = { .events = EPOLLIN };

static int setup(struct iou_twin_run *s, int opcode)
{
	int ret = iou_twin_fd(s, 0, IOU_FD_PIPE_R), ep;

	if (ret)
		return ret;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	s->fd[1] = s->use[1] = ep;
	/* EPOLL_WAIT finds the pipe ready; EPOLL_CTL adds it */
	if (opcode == IORING_OP_EPOLL_WAIT && epoll_ctl(ep, EPOLL_CTL_ADD, s->use[0], &ev))
		return -errno;
	return 0;
}

static void prep(struct iou_twin_run *s, int opcode, struct io_uring_sqe *sqe)
{
	if (opcode == IORING_OP_EPOLL_WAIT)
		iou_prep_epoll_wait(sqe, s->use[1], (struct epoll_event *)s->buf, 4, 0);
	else
		iou_prep_epoll_ctl(sqe, s->use[1], s->use[0], EPOLL_CTL_ADD, &ev);
}

static const struct iou_rsv_ops ops = { .setup = setup, .prep = prep };

TEST_F(reserved, field_refused_or_ignored)
{
	iou_rsv_check(_metadata, &self->r, &ops, variant->opcode, &variant->field,
		      variant->refused);
}

TEST_HARNESS_MAIN
