// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_EPOLL_CTL (5.6) is held to epoll_ctl(2): on the same epoll
 * instance, operation, target and event it completes with the call's
 * result and leaves the same interest list (seen as the events the
 * instance reports ready right after), inline and from io-wq.  Before
 * each row the instance watches pipe A's read end (data 0xa) for
 * EPOLLIN; pipe B's read end is not watched.  Rows: ADD, MOD and DEL of
 * watched and unwatched targets, EPOLLEXCLUSIVE with ADD and with MOD,
 * EPOLLONESHOT, edge triggering, a regular file (EPERM), the instance
 * itself, an unknown operation, an epfd that is no epoll instance,
 * closed descriptors, NULL and unmapped events.
 */
#include <sys/epoll.h>
#define IOU_TWIN_FIXTURE epoll_ctl
#include "iou_twin.h"

enum target { PIPE_A, PIPE_B, SOCKET, FILE_FD, EPFD_ITSELF, CLOSED };

FIXTURE_VARIANT(epoll_ctl) {
	IOU_TWIN_ROW_FIELDS;
	int op;
	enum target target;
	unsigned int events;
	enum iou_ptr_kind ev;		/* IOU_PTR_BUF: a struct epoll_event */
	enum iou_fd_kind epfd;		/* IOU_FD_NONE: the epoll instance */
};

#define ROW(name, res_, op_, target_, events_, ...)			\
	FIXTURE_VARIANT_ADD(epoll_ctl, name) {				\
		.twin_res = (res_), .op = EPOLL_CTL_##op_, .target = (target_), \
		.events = (events_), __VA_ARGS__			\
	}

ROW(add_unwatched, 0, ADD, PIPE_B, EPOLLIN);
ROW(add_watched, -EEXIST, ADD, PIPE_A, EPOLLIN);
ROW(add_socket_edge_triggered, 0, ADD, SOCKET, EPOLLIN | EPOLLET);
ROW(add_oneshot, 0, ADD, PIPE_B, EPOLLIN | EPOLLONESHOT);
ROW(add_exclusive, 0, ADD, PIPE_B, EPOLLIN | EPOLLEXCLUSIVE);
ROW(add_regular_file, -EPERM, ADD, FILE_FD, EPOLLIN);
ROW(add_the_instance_itself, -EINVAL, ADD, EPFD_ITSELF, EPOLLIN);
ROW(add_closed_target, -EBADF, ADD, CLOSED, EPOLLIN);
ROW(add_null_event, -EFAULT, ADD, PIPE_B, EPOLLIN, .ev = IOU_PTR_NULL);
ROW(add_unmapped_event, -EFAULT, ADD, PIPE_B, EPOLLIN, .ev = IOU_PTR_FAULT);
ROW(mod_watched, 0, MOD, PIPE_A, EPOLLOUT);
ROW(mod_unwatched, -ENOENT, MOD, PIPE_B, EPOLLIN);
ROW(mod_to_exclusive, -EINVAL, MOD, PIPE_A, EPOLLIN | EPOLLEXCLUSIVE);
ROW(del_watched, 0, DEL, PIPE_A, 0);
ROW(del_watched_null_event, 0, DEL, PIPE_A, 0, .ev = IOU_PTR_NULL);
ROW(del_unwatched, -ENOENT, DEL, PIPE_B, 0);
FIXTURE_VARIANT_ADD(epoll_ctl, unknown_operation) {
	.twin_res = -EINVAL, .op = 99, .target = PIPE_B, .events = EPOLLIN,
};
ROW(epfd_is_not_epoll, -EINVAL, ADD, PIPE_B, EPOLLIN, .epfd = IOU_FD_FILE);
ROW(epfd_closed, -EBADF, ADD, PIPE_B, EPOLLIN, .epfd = IOU_FD_CLOSED);

struct ctl_state {
	int instance;		/* the epoll instance, whose list is compared */
	int epfd;		/* what the row passes as epfd */
	int target;
	struct epoll_event ev;
};

static struct ctl_state st;

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(epoll_ctl) *v = row;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xa };
	int ret;

	/* slot 0: pipe A (other end 2); slot 1: pipe B or the socket (3) */
	if ((ret = iou_twin_fd(s, 0, IOU_FD_PIPE_R)) ||
	    (ret = iou_twin_fd(s, 1, v->target == SOCKET ? IOU_FD_SOCK : IOU_FD_PIPE_R)))
		return ret;
	st.instance = st.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (st.instance < 0)
		return -errno;
	if (epoll_ctl(st.instance, EPOLL_CTL_ADD, s->use[0], &ev))
		return -errno;
	st.target = v->target == PIPE_A ? s->use[0] :
		    v->target == EPFD_ITSELF ? st.instance :
		    v->target == FILE_FD ? iou_twin_file(s->dirfd, "file", 10) :
		    v->target == CLOSED ? IOU_FD_BAD_NR : s->use[1];
	if (st.target < 0)
		return st.target;
	st.ev.events = v->events;
	st.ev.data.u64 = 0xb;
	if (v->epfd != IOU_FD_NONE) {
		if ((ret = iou_twin_fd(s, 2, v->epfd)))
			return ret;
		st.epfd = s->use[2];
	}
	return 0;
}

static struct epoll_event *event(struct iou_twin_run *s, const FIXTURE_VARIANT(epoll_ctl) *v)
{
	return v->ev == IOU_PTR_BUF ? &st.ev : iou_twin_ptr(s, v->ev);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(epoll_ctl) *v = row;

	return epoll_ctl(st.epfd, v->op, st.target, event(s, v)) ? -errno : 0;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(epoll_ctl) *v = row;

	iou_prep_epoll_ctl(sqe, st.epfd, st.target, v->op, event(s, v));
}

/* the interest list, as the events ready now (both pipes hold data) */
static void state(struct iou_twin_run *s, const void *row, char *out, size_t len)
{
	struct epoll_event evs[4];
	int n = epoll_wait(st.instance, evs, 4, 0);

	snprintf(out, len, "epoll ready: %d", n);
	for (int i = 0; i < n; i++)
		iou_twin_appendf(out, len, " [%llx %#x]", (unsigned long long)evs[i].data.u64,
				 evs[i].events);
	iou_twin_appendf(out, len, "\n");
}

static void done(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(epoll_ctl) *v = row;

	close(st.instance);
	if (v->target == FILE_FD)
		close(st.target);
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .state = state, .done = done,
};

TEST_F(epoll_ctl, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(IORING_OP_EPOLL_CTL);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
