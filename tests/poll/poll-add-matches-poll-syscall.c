// SPDX-License-Identifier: GPL-2.0
/*
 * A one-shot IORING_OP_POLL_ADD on a file that is ready is poll(2): on
 * every row of a table of files (pipes, sockets of every kind, eventfds,
 * a regular file) in states that are ready (data, room, the other end
 * gone) and of event masks (POLLIN, POLLOUT, POLLPRI, POLLRDNORM, none at
 * all), the CQE's res is the revents poll(2) reports in the same state:
 * the events asked for that hold, plus POLLERR and POLLHUP, which are
 * reported unasked.  Polling consumes nothing: the file reads the same
 * afterwards.
 *
 * Where they differ by design:
 *  - io_uring also listens for EPOLLRDHUP unasked (IO_POLL_UNMASK), so a
 *    stream whose peer shut down reports POLLRDHUP where poll(2) reports
 *    it only when asked (rows that meet a shutdown ask for it, and a case
 *    shows the unasked report);
 *  - a descriptor that is not open is -EBADF, where poll(2) reports
 *    POLLNVAL for it.
 */
#include <sys/eventfd.h>

#include "iou.h"
#include "iou_net.h"
#define IOU_TWIN_FIXTURE padd
#include "iou_twin.h"

enum file {
	F_PIPE_DATA,		/* read end, data in the pipe */
	F_PIPE_WRITE,		/* write end, room */
	F_PIPE_NO_WRITER,	/* read end, writer closed, empty */
	F_PIPE_NO_WRITER_DATA,	/* read end, writer closed, data left */
	F_PIPE_NO_READER,	/* write end, reader closed */
	F_EVENTFD,		/* counter 3 */
	F_EVENTFD_FULL,		/* counter at its maximum: not writable */
	F_REGULAR,
	F_UNIX_STREAM_DATA,
	F_UNIX_STREAM_PEER_GONE,
	F_UNIX_DGRAM_DATA,
	F_TCP_DATA,
	F_TCP_URGENT,		/* an out-of-band byte waits */
	F_TCP_PEER_SHUT,	/* the peer shut down its sending side */
	F_TCP_UNCONNECTED,
	F_TCP_LISTENER,		/* a connection waits */
	F_UDP_DATA,
	F_CLOSED,
};

FIXTURE_VARIANT(padd) {
	enum file file;
	unsigned int events;
	int ring_res;		/* with why: the opcode's result by design */
	const char *why;
};

#define ROW(f, e)	{ .file = (f), .events = (e) }

FIXTURE_VARIANT_ADD(padd, pipe_readable) ROW(F_PIPE_DATA, POLLIN);
FIXTURE_VARIANT_ADD(padd, pipe_readable_rdnorm) ROW(F_PIPE_DATA, POLLIN | POLLRDNORM);
FIXTURE_VARIANT_ADD(padd, pipe_readable_asked_for_out_too) ROW(F_PIPE_DATA, POLLIN | POLLOUT);
FIXTURE_VARIANT_ADD(padd, pipe_writable) ROW(F_PIPE_WRITE, POLLOUT);
FIXTURE_VARIANT_ADD(padd, pipe_writer_gone) ROW(F_PIPE_NO_WRITER, POLLIN);
FIXTURE_VARIANT_ADD(padd, pipe_writer_gone_data_left) ROW(F_PIPE_NO_WRITER_DATA, POLLIN);
FIXTURE_VARIANT_ADD(padd, pipe_writer_gone_nothing_asked) ROW(F_PIPE_NO_WRITER, 0);
FIXTURE_VARIANT_ADD(padd, pipe_reader_gone) ROW(F_PIPE_NO_READER, POLLOUT);
FIXTURE_VARIANT_ADD(padd, pipe_reader_gone_nothing_asked) ROW(F_PIPE_NO_READER, 0);
FIXTURE_VARIANT_ADD(padd, eventfd_readable) ROW(F_EVENTFD, POLLIN);
FIXTURE_VARIANT_ADD(padd, eventfd_writable) ROW(F_EVENTFD, POLLOUT);
FIXTURE_VARIANT_ADD(padd, eventfd_full_is_not_writable) ROW(F_EVENTFD_FULL, POLLIN | POLLOUT);
FIXTURE_VARIANT_ADD(padd, regular_file) ROW(F_REGULAR, POLLIN | POLLOUT | POLLPRI);
FIXTURE_VARIANT_ADD(padd, unix_stream_data) ROW(F_UNIX_STREAM_DATA, POLLIN | POLLPRI);
FIXTURE_VARIANT_ADD(padd, unix_stream_peer_gone)
	ROW(F_UNIX_STREAM_PEER_GONE, POLLIN | POLLOUT | POLLRDHUP);
FIXTURE_VARIANT_ADD(padd, unix_dgram_data) ROW(F_UNIX_DGRAM_DATA, POLLIN | POLLOUT);
FIXTURE_VARIANT_ADD(padd, tcp_data) ROW(F_TCP_DATA, POLLIN | POLLRDNORM);
FIXTURE_VARIANT_ADD(padd, tcp_writable) ROW(F_TCP_DATA, POLLOUT | POLLWRNORM);
FIXTURE_VARIANT_ADD(padd, tcp_urgent) ROW(F_TCP_URGENT, POLLPRI);
FIXTURE_VARIANT_ADD(padd, tcp_peer_shut_down) ROW(F_TCP_PEER_SHUT, POLLIN | POLLRDHUP);
FIXTURE_VARIANT_ADD(padd, tcp_unconnected) ROW(F_TCP_UNCONNECTED, POLLOUT);
FIXTURE_VARIANT_ADD(padd, tcp_listener_with_a_connection) ROW(F_TCP_LISTENER, POLLIN);
FIXTURE_VARIANT_ADD(padd, udp_data) ROW(F_UDP_DATA, POLLIN | POLLOUT);
FIXTURE_VARIANT_ADD(padd, closed_descriptor) {
	.file = F_CLOSED, .events = POLLIN, .ring_res = -EBADF,
	.why = "the opcode cannot poll a descriptor that is not open (poll(2) says POLLNVAL)" };

struct padd_state {
	int fds[3];	/* [0] is polled */
};

static int make_file(enum file f, struct padd_state *s)
{
	struct sockaddr_in a;
	int p[2];

	s->fds[0] = s->fds[1] = s->fds[2] = -1;
	switch (f) {
	case F_PIPE_DATA:
	case F_PIPE_NO_WRITER_DATA:
	case F_PIPE_NO_WRITER:
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		s->fds[0] = p[0];
		if (f != F_PIPE_NO_WRITER && write(p[1], "data", 4) != 4)
			return -errno;
		if (f == F_PIPE_DATA)
			s->fds[1] = p[1];
		else
			close(p[1]);
		return 0;
	case F_PIPE_WRITE:
	case F_PIPE_NO_READER:
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		s->fds[0] = p[1];
		if (f == F_PIPE_WRITE)
			s->fds[1] = p[0];
		else
			close(p[0]);
		return 0;
	case F_EVENTFD:
	case F_EVENTFD_FULL:
		s->fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (s->fds[0] < 0)
			return -errno;
		return eventfd_write(s->fds[0], f == F_EVENTFD ? 3 : 0xfffffffffffffffeULL) ?
		       -errno : 0;
	case F_REGULAR:
		s->fds[0] = iou_scratch_file("f", 64, 0);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	case F_UNIX_STREAM_DATA:
	case F_UNIX_STREAM_PEER_GONE:
		if (iou_sock_pair(IOU_UNIX_STREAM, s->fds))
			return -errno;
		if (send(s->fds[1], "data", 4, 0) != 4)
			return -errno;
		if (f == F_UNIX_STREAM_PEER_GONE) {
			close(s->fds[1]);
			s->fds[1] = -1;
		}
		return 0;
	case F_UNIX_DGRAM_DATA:
	case F_UDP_DATA:
		if (iou_sock_pair(f == F_UDP_DATA ? IOU_UDP : IOU_UNIX_DGRAM, s->fds))
			return -errno;
		if (send(s->fds[1], "data", 4, 0) != 4)
			return -errno;
		return poll(&(struct pollfd){ .fd = s->fds[0], .events = POLLIN }, 1,
			    (int)IOU_WAIT_MS) == 1 ? 0 : -ETIME;
	case F_TCP_DATA:
	case F_TCP_URGENT:
	case F_TCP_PEER_SHUT:
		if (iou_sock_pair(IOU_TCP, s->fds))
			return -errno;
		if (send(s->fds[1], "data", 4, f == F_TCP_URGENT ? MSG_OOB : 0) != 4)
			return -errno;
		if (f == F_TCP_PEER_SHUT && shutdown(s->fds[1], SHUT_WR))
			return -errno;
		/* everything has arrived, the FIN too */
		return poll(&(struct pollfd){ .fd = s->fds[0],
					      .events = f == F_TCP_PEER_SHUT ? POLLRDHUP :
					      f == F_TCP_URGENT ? POLLPRI : POLLIN }, 1,
			    (int)IOU_WAIT_MS) == 1 ? 0 : -ETIME;
	case F_TCP_UNCONNECTED:
		s->fds[0] = iou_socket(AF_INET, SOCK_STREAM);
		return s->fds[0] < 0 ? s->fds[0] : 0;
	case F_TCP_LISTENER:
		s->fds[0] = iou_tcp_listener(1, &a);
		if (s->fds[0] < 0)
			return s->fds[0];
		s->fds[1] = iou_tcp_connect(&a);
		if (s->fds[1] < 0)
			return s->fds[1];
		return iou_tcp_wait_accept_queue(s->fds[0], 1, IOU_WAIT_MS) == 1 ? 0 : -ETIME;
	case F_CLOSED:
		s->fds[0] = iou_lowest_free_fd();
		return 0;
	}
	return -EINVAL;
}

static int padd_twin_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(padd) *v = row;

	return make_file(v->file, tw->st);
}

static int padd_twin_call(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(padd) *v = row;
	struct padd_state *s = tw->st;
	struct pollfd pfd = { .fd = s->fds[0], .events = (short)v->events };
	int n = poll(&pfd, 1, 0);

	if (n < 0)
		return -errno;
	/* not ready would make the opcode wait: no row of this table */
	return n ? pfd.revents : -ETIME;
}

static void padd_twin_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(padd) *v = row;
	struct padd_state *s = tw->st;

	iou_prep_poll_add(sqe, s->fds[0], v->events);
}

static void padd_twin_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	const FIXTURE_VARIANT(padd) *v = row;
	struct padd_state *s = tw->st;
	struct pollfd pfd = { .fd = s->fds[0], .events = (short)v->events };

	if (v->file == F_CLOSED)
		return;
	/* nothing was consumed: the same events hold */
	iou_twin_field(out, outlen, "revents afterwards", poll(&pfd, 1, 0) == 1 ? pfd.revents : 0);
}

static void padd_twin_done(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(padd) *v = row;
	struct padd_state *s = tw->st;

	if (v->file == F_CLOSED)
		return;
	for (int i = 0; i < 3; i++)
		iou_close_res(s->fds[i]);
}

static const struct iou_twin_ops padd_twin = {
	.twin = "poll(2)",
	.st_size = sizeof(struct padd_state),
	.setup = padd_twin_setup,
	.call = padd_twin_call,
	.prep = padd_twin_prep,
	.state = padd_twin_state,
	.done = padd_twin_done,
};

TEST_F(padd, matches_poll)
{
	struct iou_twin_diff d = { variant->why, variant->ring_res };

	iou_twin_check_side(_metadata, &self->r, &padd_twin, variant, false, &d);
}

/* the one difference in events: EPOLLRDHUP is always listened for */
TEST(rdhup_is_reported_unasked)
{
	struct pollfd pfd;
	struct iou_ring r;
	int fds[2];

	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, fds));
	ASSERT_EQ(0, shutdown(fds[1], SHUT_WR));
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLRDHUP };
	ASSERT_EQ(1, poll(&pfd, 1, (int)IOU_WAIT_MS));
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLIN, pfd.revents);
	iou_prep_poll_add(iou_get_sqe(&r), fds[0], POLLIN);
	ASSERT_RES(POLLIN | POLLRDHUP, iou_run_one(&r, NULL));
	iou_close_pair(fds);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
