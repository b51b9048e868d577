// SPDX-License-Identifier: GPL-2.0
/*
 * SOCKET_URING_OP_TX_TIMESTAMP (6.17): a multishot socket command that
 * posts the socket's transmit timestamps as 32-byte CQEs: res the
 * timestamp key (SOF_TIMESTAMPING_OPT_ID), the timestamp type (SCM_TSTAMP_*)
 * in the flags from IORING_TIMESTAMP_TYPE_SHIFT, IORING_CQE_F_MORE, and
 * the time (struct io_timespec) in the CQE's second half.  It reports
 * what recvmsg(MSG_ERRQUEUE) reports in the same state: the same keys
 * and types in the same order, at a time between the send and now.
 *  - it needs 32-byte CQEs: on a plain ring EINVAL;
 *  - cancelled, it ends with one CQE without F_MORE;
 *  - when the CQ ring has no room for more, the timestamps it could not
 *    post stay queued on the socket, in order, for whoever reads next
 *    (46447367a529 "io_uring/cmd_net: fix wrong argument types for
 *    skb_queue_splice()"; Debian 6.17.8 and 6.17.9 lost them, per the
 *    regression catalog), and the command ends (-ENOBUFS without F_MORE):
 *    its poll is edge triggered, nothing would run it again.  6.18.44,
 *    7.1.13 and 7.2.6 leave it armed with the timestamps unposted
 *    (tests/known-issues); 7.2.13 and 7.3.4 end it ("io_uring/cmd_net:
 *    end TX_TIMESTAMP multishot when the CQ is full", stable 7.2.10).
 */
#include <time.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include "iou.h"
#include "iou_net.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("46447367a529", "", "*keeps_the_rest_queued",
					"io_uring/cmd_net: fix wrong argument types for skb_queue_splice()")));
/*
 * Proven with make vm-test (Debian kernels): 6.18.5 fails
 * no_room_in_the_cq_ends_it (XFAIL), 7.2.13 passes.
 */

#define UD	0x75e0000000000001ULL
#define TSTAMP_FLAGS (SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE | \
		      SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | \
		      SOF_TIMESTAMPING_OPT_TSONLY)

/* a timestamp: its key and type, and when */
struct stamp {
	unsigned int key, type;
	long long ns;
};

FIXTURE(tx_timestamp) {
	struct iou_ring r;
	int fds[2];
	long long before_ns;
};

static long long realtime_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* a UDP pair whose sender timestamps its datagrams */
static void stamped_pair(struct __test_metadata *_metadata, int fds[2])
{
	int flags = TSTAMP_FLAGS;

	ASSERT_EQ(0, iou_sock_pair(IOU_UDP, fds));
	ASSERT_EQ(0, setsockopt(fds[0], SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)));
}

FIXTURE_SETUP(tx_timestamp)
{
	self->fds[0] = self->fds[1] = -1;
	REQUIRE_OPCODE(IORING_OP_URING_CMD);
	REQUIRE_SOCKET_CMD(SOCKET_URING_OP_TX_TIMESTAMP);
	REQUIRE_SETUP_FLAGS(IORING_SETUP_CQE32);
	ASSERT_EQ(0, iou_ring_init(&self->r, 2, IORING_SETUP_CQE32));
	/* the mode took effect: 32-byte CQEs */
	ASSERT_EQ(1, self->r.cqe_shift);
	ASSERT_EQ(4, self->r.cq_entries);
	stamped_pair(_metadata, self->fds);
	self->before_ns = realtime_ns();
}

FIXTURE_TEARDOWN(tx_timestamp)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
}

/* n datagrams; each gets a scheduled and a sent timestamp */
static void send_datagrams(struct __test_metadata *_metadata, int fd, int n)
{
	for (int i = 0; i < n; i++)
		ASSERT_EQ(1, send(fd, "t", 1, 0));
}

/* the error queue's timestamps, as recvmsg(MSG_ERRQUEUE) gives them */
static int read_errqueue(int fd, struct stamp *st, int max)
{
	int n = 0;

	while (n < max) {
		union {
			struct cmsghdr align;
			char b[512];
		} ctl;
		struct msghdr m = { .msg_control = ctl.b, .msg_controllen = sizeof(ctl) };
		struct sock_extended_err *ee = NULL;
		struct scm_timestamping *tss = NULL;
		struct cmsghdr *c;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPING)
				tss = (void *)CMSG_DATA(c);
			else if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR)
				ee = (void *)CMSG_DATA(c);
		}
		if (!ee || !tss)
			return -EPROTO;
		st[n].key = ee->ee_data;
		st[n].type = ee->ee_info;
		st[n].ns = tss->ts[0].tv_sec * 1000000000LL + tss->ts[0].tv_nsec;
		n++;
	}
	return n;
}

static void queue_cmd(struct __test_metadata *_metadata, struct iou_ring *r, int fd)
{
	iou_prep_uring_cmd(iou_get_sqe(r), fd, SOCKET_URING_OP_TX_TIMESTAMP);
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit(r));
}

/* a timestamp CQE as a stamp; it must carry F_MORE and no other flag */
static struct stamp stamp_of(struct __test_metadata *_metadata, const struct iou_cqe *c)
{
	struct stamp s = { (unsigned int)c->res, c->flags >> IORING_TIMESTAMP_TYPE_SHIFT,
			   (long long)c->big_cqe[0] * 1000000000LL + (long long)c->big_cqe[1] };

	ASSERT_EQ(UD, c->user_data);
	ASSERT_LE(0, c->res);
	ASSERT_EQ(IORING_CQE_F_MORE,
		  c->flags & ((1U << IORING_TIMESTAMP_TYPE_SHIFT) - 1));
	return s;
}

static void assert_same_stamps(struct __test_metadata *_metadata, const struct stamp *twin,
			       const struct stamp *ring, int n, long long since)
{
	long long now = realtime_ns();

	for (int i = 0; i < n; i++) {
		if (twin[i].key != ring[i].key || twin[i].type != ring[i].type)
			TH_LOG("timestamp %d: errqueue key %u type %u, CQE key %u type %u", i,
			       twin[i].key, twin[i].type, ring[i].key, ring[i].type);
		ASSERT_EQ(twin[i].key, ring[i].key);
		ASSERT_EQ(twin[i].type, ring[i].type);
		ASSERT_LE(since, ring[i].ns);
		ASSERT_GE(now, ring[i].ns);
	}
}

TEST_F(tx_timestamp, reports_what_the_error_queue_reports)
{
	struct stamp twin[8], ring[8];
	struct iou_cqe c[4];
	int fds[2], n;

	/* the twin: the same sends on a socket of its own, read from the error queue */
	stamped_pair(_metadata, fds);
	send_datagrams(_metadata, fds[0], 2);
	n = read_errqueue(fds[0], twin, 8);
	iou_close_pair(fds);
	ASSERT_EQ(4, n);

	send_datagrams(_metadata, self->fds[0], 2);
	queue_cmd(_metadata, &self->r, self->fds[0]);
	ASSERT_EQ(4, iou_reap(&self->r, c, 4, IOU_WAIT_MS));
	for (int i = 0; i < 4; i++)
		ring[i] = stamp_of(_metadata, &c[i]);
	assert_same_stamps(_metadata, twin, ring, 4, self->before_ns);
	/* it stays armed: the next send is reported too */
	send_datagrams(_metadata, self->fds[0], 1);
	ASSERT_EQ(2, iou_reap(&self->r, c, 2, IOU_WAIT_MS));
	ASSERT_EQ(2u, stamp_of(_metadata, &c[0]).key);
	ASSERT_EQ(2u, stamp_of(_metadata, &c[1]).key);
}

TEST_F(tx_timestamp, cancel_ends_it_with_one_cqe)
{
	unsigned int pos[2];

	queue_cmd(_metadata, &self->r, self->fds[0]);
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	iou_prep_cancel(iou_get_sqe(&self->r), UD, 0);
	self->r.sqes[(self->r.sqe_tail - 1) & self->r.sq_mask].user_data = UD + 1;
	ASSERT_EQ(1, iou_submit(&self->r));
	IOU_EXPECT_CQE_SET(&self->r, pos, IOU_CQE(UD, -ECANCELED), IOU_CQE(UD + 1, 0));
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
}

/* six timestamps, room for four CQEs: the four posted match the twin's */
static void fill_the_cq(struct __test_metadata *_metadata, FIXTURE_DATA(tx_timestamp) *self,
			struct stamp *twin)
{
	struct stamp ring[4];
	struct iou_cqe c[4];
	int fds[2];

	stamped_pair(_metadata, fds);
	send_datagrams(_metadata, fds[0], 3);
	ASSERT_EQ(6, read_errqueue(fds[0], twin, 8));
	iou_close_pair(fds);

	send_datagrams(_metadata, self->fds[0], 3);
	queue_cmd(_metadata, &self->r, self->fds[0]);
	ASSERT_EQ(4, iou_reap(&self->r, c, 4, IOU_WAIT_MS));
	for (int i = 0; i < 4; i++)
		ring[i] = stamp_of(_metadata, &c[i]);
	assert_same_stamps(_metadata, twin, ring, 4, self->before_ns);
}

TEST_F(tx_timestamp, no_room_in_the_cq_keeps_the_rest_queued)
{
	struct stamp twin[8], rest[8];
	struct iou_cqe c;
	int ret;

	fill_the_cq(_metadata, self, twin);
	/*
	 * End the command before reading (an armed one would take the rest on
	 * the wakeup the read causes): a synchronous cancel posts no CQE of
	 * its own; the command's last CQE says how it ended.
	 */
	ret = iou_sync_cancel_ud(&self->r, UD);
	if (ret != 0 && ret != -ENOENT)
		TH_LOG("sync cancel: %s", iou_res_str(ret));
	ASSERT_TRUE(ret == 0 || ret == -ENOENT);
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&c, 0, UD, ret == 0 ? -ECANCELED : -ENOBUFS, 0);
	/* the two it could not post are still on the socket, in order */
	ASSERT_EQ(2, read_errqueue(self->fds[0], rest, 8));
	assert_same_stamps(_metadata, twin + 4, rest, 2, self->before_ns);
}

/*
 * Its poll is edge triggered and nothing runs it again once the CQ has
 * room: it must end, not sit on timestamps it will never post.
 */
TEST_F(tx_timestamp, no_room_in_the_cq_ends_it)
{
	struct stamp twin[8];
	struct iou_cqe last = { 0 };

	fill_the_cq(_metadata, self, twin);
	/* its last CQE was posted with the four (overflowed): it is there now */
	ASSERT_EQ(1, iou_reap_quiet(&self->r, IOU_QUIET_MS, &last));
	ASSERT_CQE_AT(&last, 0, UD, -ENOBUFS, 0);
}

TEST(plain_ring_is_einval)
{
	struct iou_ring r;
	int fds[2];

	REQUIRE_OPCODE(IORING_OP_URING_CMD);
	REQUIRE_SOCKET_CMD(SOCKET_URING_OP_TX_TIMESTAMP);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	stamped_pair(_metadata, fds);
	iou_prep_uring_cmd(iou_get_sqe(&r), fds[0], SOCKET_URING_OP_TX_TIMESTAMP);
	ASSERT_RES(-EINVAL, iou_run_one(&r, NULL));
	iou_close_pair(fds);
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
