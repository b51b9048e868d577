// SPDX-License-Identifier: GPL-2.0
/*
 * Provided buffers on the network path:
 *  - IORING_RECVSEND_BUNDLE (6.10, IORING_FEAT_RECVSEND_BUNDLE) on RECV
 *    fills several buffers of the group in one CQE: res is the bytes, the
 *    buffer id the first one's, and the buffers used follow it in ring
 *    order (the head moves past them); it takes what is queued and no
 *    more, and with the buffers gone the rest stays queued; as multishot,
 *    one CQE per arrival, each starting at the next free buffer.  A
 *    bundle maps more than one buffer only for as much as the socket says
 *    is queued (msg_inq): not knowing, io_ring_buffers_peek() maps one
 *    buffer, so AF_UNIX stream, which tells only since 6.17 (df30285b3670
 *    "af_unix: Introduce SO_INQ."), fills one buffer per CQE before;
 *  - IOSQE_BUFFER_SELECT on SEND (6.10) sends the next buffer of the
 *    group as it is (CQE: IORING_CQE_F_BUFFER and its id); with BUNDLE it
 *    sends every buffer the group has, in ring order, in one CQE; an empty
 *    group is ENOBUFS; SENDMSG takes no BUNDLE (EINVAL) and selects no
 *    buffers (EOPNOTSUPP, the answer for any such opcode);
 *  - an incremental ring (IOU_PBUF_RING_INC, 6.12): a receive that leaves
 *    room in its buffer says IORING_CQE_F_BUF_MORE and the next receive
 *    continues in the same buffer, also for a bundle;
 *  - IORING_RECVSEND_FIXED_BUF on plain SEND and RECV (7.2, "io_uring/net:
 *    support registered buffer for plain send and recv"): the data comes
 *    from / goes to a registered buffer; an index past the table or an
 *    address outside the buffer is EFAULT; with buffer select it is
 *    EINVAL.
 */
#include "iou.h"
#include "iou_net.h"
#include "iou_pbuf.h"
#include "iou_rsrc.h"

#define UD	0xb0b0000000000001ULL
#define BGID	9
#define NBUF	8
#define BUFSZ	32

struct env {
	struct iou_ring r;
	struct iou_pbuf_ring pb;
	int fds[2];
	unsigned char bufs[NBUF][128];
};

FIXTURE(bundle) {
	struct env e;
};

FIXTURE_VARIANT(bundle) {
	enum iou_sock_kind kind;
};

FIXTURE_VARIANT_ADD(bundle, tcp) { .kind = IOU_TCP };
FIXTURE_VARIANT_ADD(bundle, unix_stream) { .kind = IOU_UNIX_STREAM };

static void env_setup(struct __test_metadata *_metadata, struct env *e,
		      enum iou_sock_kind kind, unsigned int pbuf_flags)
{
	int ret;

	e->fds[0] = e->fds[1] = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_PBUF_RING);
	ASSERT_EQ(0, iou_ring_init(&e->r, 8, 0));
	ret = iou_pbuf_ring_setup(&e->r, &e->pb, NBUF, BGID, pbuf_flags);
	if (pbuf_flags & IOU_PBUF_RING_INC)
		IOU_REQUIRE(iou_have_by_result(ret, 0, IOU_V(6, 12), "IOU_PBUF_RING_INC",
					       __why, sizeof(__why)));
	ASSERT_RES(0, ret);
	ASSERT_EQ(0, iou_sock_pair(kind, e->fds));
}

static void env_teardown(struct env *e)
{
	iou_pbuf_ring_free(&e->r, &e->pb);
	iou_ring_exit(&e->r);
	iou_close_pair(e->fds);
}

FIXTURE_SETUP(bundle)
{
	REQUIRE_FEATURE(IORING_FEAT_RECVSEND_BUNDLE);
	env_setup(_metadata, &self->e, variant->kind, 0);
}

FIXTURE_TEARDOWN(bundle)
{
	env_teardown(&self->e);
}

/* buffers first..first+n-1 of len bytes each, ids = index */
static void provide(struct env *e, unsigned int first, unsigned int n, unsigned int len)
{
	for (unsigned int i = 0; i < n; i++)
		iou_pbuf_add(&e->pb, e->bufs[first + i], len, first + i, i);
	iou_pbuf_advance(&e->pb, n);
}

/* the peer sends len bytes of the pattern from off; wait until queued */
static void peer_sends(struct __test_metadata *_metadata, struct env *e, size_t off,
		       size_t len, size_t queued)
{
	unsigned char data[512];

	iou_fill_pattern(data, sizeof(data), 0);
	ASSERT_EQ((ssize_t)len, send(e->fds[1], data + off, len, 0));
	ASSERT_LE((int)queued, iou_sock_wait_queued(e->fds[0], (int)queued, IOU_WAIT_MS));
}

static void queue_recv(struct env *e, unsigned int ioprio, unsigned int len)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&e->r);

	iou_prep_recv(sqe, e->fds[0], NULL, len, 0);
	sqe->ioprio = (__u16)ioprio;
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = UD;
}

/* what one bundle receive takes of queued bytes with nbufs buffers of bufsz */
static size_t bundle_takes(enum iou_sock_kind kind, size_t queued, unsigned int nbufs,
			   size_t bufsz)
{
	size_t room = iou_net_reports_inq(kind) ? nbufs * bufsz : bufsz;

	return queued < room ? queued : room;
}

/* buffers first.. hold the pattern from off on, total bytes, BUFSZ each */
static bool spread(struct env *e, unsigned int first, size_t off, size_t total)
{
	for (unsigned int i = first; total; i++) {
		size_t n = total < BUFSZ ? total : BUFSZ;

		if (!iou_check_pattern(e->bufs[i], n, off))
			return false;
		off += n;
		total -= n;
	}
	return true;
}

static unsigned int head_of(struct __test_metadata *_metadata, struct env *e)
{
	unsigned int head = ~0u;

	ASSERT_RES(0, iou_pbuf_status(&e->r, BGID, &head));
	return head;
}

TEST_F(bundle, recv_fills_several_buffers_in_one_cqe)
{
	int got = (int)bundle_takes(variant->kind, 3 * BUFSZ, 4, BUFSZ);

	provide(&self->e, 0, 4, BUFSZ);
	peer_sends(_metadata, &self->e, 0, 3 * BUFSZ, 3 * BUFSZ);
	queue_recv(&self->e, IORING_RECVSEND_BUNDLE, 0);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, got, iou_pbuf_cqe_flags(0, 0)));
	ASSERT_TRUE(spread(&self->e, 0, 0, (size_t)got));
	ASSERT_EQ((unsigned int)got / BUFSZ, head_of(_metadata, &self->e));
}

TEST_F(bundle, recv_takes_what_is_queued)
{
	int got = (int)bundle_takes(variant->kind, 40, NBUF, BUFSZ);

	provide(&self->e, 0, NBUF, BUFSZ);
	peer_sends(_metadata, &self->e, 0, 40, 40);
	queue_recv(&self->e, IORING_RECVSEND_BUNDLE, 0);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, got, iou_pbuf_cqe_flags(0, 0)));
	ASSERT_TRUE(spread(&self->e, 0, 0, (size_t)got));
	ASSERT_EQ(((unsigned int)got + BUFSZ - 1) / BUFSZ, head_of(_metadata, &self->e));
}

TEST_F(bundle, recv_out_of_buffers_leaves_the_rest_queued)
{
	unsigned int nonempty = iou_net_reports_inq(variant->kind) ?
				IORING_CQE_F_SOCK_NONEMPTY : 0;
	int got = (int)bundle_takes(variant->kind, 100, 2, BUFSZ);

	provide(&self->e, 0, 2, BUFSZ);
	peer_sends(_metadata, &self->e, 0, 100, 100);
	queue_recv(&self->e, IORING_RECVSEND_BUNDLE, 0);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, got, iou_pbuf_cqe_flags(0, nonempty)));
	ASSERT_TRUE(spread(&self->e, 0, 0, (size_t)got));
	ASSERT_EQ(100 - got, iou_sock_queued(self->e.fds[0], SIOCINQ));
}

/* a multishot bundle's CQEs for an arrival of n bytes, from buffer bid on */
static void expect_arrival(struct __test_metadata *_metadata, struct env *e,
			   enum iou_sock_kind kind, size_t n, unsigned int bid)
{
	while (n) {
		int got = (int)bundle_takes(kind, n, NBUF, BUFSZ);

		IOU_EXPECT_CQES(&e->r, IOU_CQE_F(UD, got,
						 iou_pbuf_cqe_flags(bid, IORING_CQE_F_MORE)));
		n -= (size_t)got;
		bid += ((unsigned int)got + BUFSZ - 1) / BUFSZ;
	}
}

TEST_F(bundle, multishot_bundle_starts_each_cqe_at_the_next_buffer)
{
	REQUIRE_RECV_MULTISHOT(IORING_OP_RECV);
	provide(&self->e, 0, NBUF, BUFSZ);
	queue_recv(&self->e, IORING_RECVSEND_BUNDLE | IORING_RECV_MULTISHOT, 0);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	peer_sends(_metadata, &self->e, 0, 40, 0);
	expect_arrival(_metadata, &self->e, variant->kind, 40, 0);
	peer_sends(_metadata, &self->e, 40, 2 * BUFSZ, 0);
	expect_arrival(_metadata, &self->e, variant->kind, 2 * BUFSZ, 2);
	ASSERT_TRUE(spread(&self->e, 0, 0, 40));
	ASSERT_TRUE(spread(&self->e, 2, 40, 2 * BUFSZ));
	ASSERT_EQ(4, head_of(_metadata, &self->e));
}

/* ---- sends from provided buffers ----------------------------------------- */

static void provide_words(struct env *e)
{
	static const char *const words[] = { "aaa", "bbbb", "cc" };

	for (unsigned int i = 0; i < 3; i++) {
		memcpy(e->bufs[i], words[i], strlen(words[i]));
		iou_pbuf_add(&e->pb, e->bufs[i], (unsigned int)strlen(words[i]), i, i);
	}
	iou_pbuf_advance(&e->pb, 3);
}

static void queue_send_select(struct env *e, unsigned int ioprio, int op)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&e->r);

	iou_prep_send(sqe, e->fds[0], NULL, 0, 0);
	sqe->opcode = (__u8)op;
	sqe->ioprio = (__u16)ioprio;
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = UD;
}

static void peer_gets(struct __test_metadata *_metadata, struct env *e, const char *s)
{
	struct iou_sock_rx rx = iou_sock_collect(e->fds[1], (long long)strlen(s), 0, IOU_WAIT_MS);

	ASSERT_EQ((long long)strlen(s), rx.bytes);
	ASSERT_EQ(iou_hash_update(IOU_HASH_INIT, s, strlen(s)), rx.hash);
}

TEST_F(bundle, send_select_sends_the_next_buffer)
{
	provide_words(&self->e);
	queue_send_select(&self->e, 0, IORING_OP_SEND);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, 3, iou_pbuf_cqe_flags(0, 0)));
	queue_send_select(&self->e, 0, IORING_OP_SEND);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, 4, iou_pbuf_cqe_flags(1, 0)));
	peer_gets(_metadata, &self->e, "aaabbbb");
}

TEST_F(bundle, send_bundle_sends_every_buffer_in_one_cqe)
{
	provide_words(&self->e);
	queue_send_select(&self->e, IORING_RECVSEND_BUNDLE, IORING_OP_SEND);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, 9, iou_pbuf_cqe_flags(0, 0)));
	peer_gets(_metadata, &self->e, "aaabbbbcc");
	ASSERT_EQ(3, head_of(_metadata, &self->e));
	/* the group is empty now */
	queue_send_select(&self->e, IORING_RECVSEND_BUNDLE, IORING_OP_SEND);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE(UD, -ENOBUFS));
	queue_send_select(&self->e, 0, IORING_OP_SEND);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE(UD, -ENOBUFS));
}

TEST_F(bundle, sendmsg_takes_neither_bundle_nor_buffer_select)
{
	struct msghdr m = { 0 };
	struct io_uring_sqe *sqe;

	provide_words(&self->e);
	sqe = iou_get_sqe(&self->e.r);
	iou_prep_sendmsg(sqe, self->e.fds[0], &m, 0);
	sqe->ioprio = IORING_RECVSEND_BUNDLE;
	sqe->user_data = UD;
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE(UD, -EINVAL));
	/* an opcode that cannot select buffers: refused before its own checks */
	queue_send_select(&self->e, 0, IORING_OP_SENDMSG);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE(UD, -EOPNOTSUPP));
}

/* ---- incremental buffers ---------------------------------------------------- */

FIXTURE(incremental) {
	struct env e;
};

FIXTURE_VARIANT(incremental) {
	enum iou_sock_kind kind;
};

FIXTURE_VARIANT_ADD(incremental, tcp) { .kind = IOU_TCP };
FIXTURE_VARIANT_ADD(incremental, unix_stream) { .kind = IOU_UNIX_STREAM };

FIXTURE_SETUP(incremental)
{
	env_setup(_metadata, &self->e, variant->kind, IOU_PBUF_RING_INC);
}

FIXTURE_TEARDOWN(incremental)
{
	env_teardown(&self->e);
}

#define BUF_MORE	IORING_CQE_F_BUF_MORE

TEST_F(incremental, receives_share_a_buffer_until_it_is_full)
{
	provide(&self->e, 0, 1, 100);
	for (unsigned int i = 0; i < 2; i++) {
		peer_sends(_metadata, &self->e, 30 * i, 30, 30);
		queue_recv(&self->e, 0, 0);
		ASSERT_EQ(1, iou_submit(&self->e.r));
		IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, 30, iou_pbuf_cqe_flags(0, BUF_MORE)));
	}
	peer_sends(_metadata, &self->e, 60, 40, 40);
	queue_recv(&self->e, 0, 0);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, 40, iou_pbuf_cqe_flags(0, 0)));
	ASSERT_TRUE(iou_check_pattern(self->e.bufs[0], 100, 0));
}

TEST_F(incremental, bundle_leaves_its_last_buffer_open)
{
	/* not knowing what is queued, the bundle takes (all of) buffer 0 */
	bool inq = iou_net_reports_inq(variant->kind);

	REQUIRE_FEATURE(IORING_FEAT_RECVSEND_BUNDLE);
	provide(&self->e, 0, 2, 64);
	peer_sends(_metadata, &self->e, 0, 100, 100);
	queue_recv(&self->e, IORING_RECVSEND_BUNDLE, 0);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, inq ? 100 : 64,
					      iou_pbuf_cqe_flags(0, inq ? BUF_MORE : 0)));
	/* the next receive goes on in buffer 1, after what is in it */
	peer_sends(_metadata, &self->e, 100, 20, inq ? 20 : 56);
	queue_recv(&self->e, IORING_RECVSEND_BUNDLE, 0);
	ASSERT_EQ(1, iou_submit(&self->e.r));
	IOU_EXPECT_CQES(&self->e.r, IOU_CQE_F(UD, inq ? 20 : 56, iou_pbuf_cqe_flags(1, BUF_MORE)));
	ASSERT_TRUE(iou_check_pattern(self->e.bufs[0], 64, 0));
	ASSERT_TRUE(iou_check_pattern(self->e.bufs[1], 56, 64));
}

/* ---- registered buffers on plain SEND and RECV ------------------------------ */

/* a plain SEND from a registered buffer works (7.2); before, EINVAL */
static enum iou_have have_fixed_send_recv(char *why, size_t len)
{
	/* anonymous memory: file-backed pages are not registrable everywhere */
	unsigned char *mem = iou_map_nohuge(IOU_PAGE_SIZE);
	struct iovec iov = { mem, IOU_PAGE_SIZE };
	struct io_uring_sqe *sqe;
	struct iou_ring r;
	int fds[2], res;

	if (!mem || iou_ring_init(&r, 2, 0) || iou_sock_pair(IOU_UNIX_DGRAM, fds)) {
		snprintf(why, len, "probing IORING_RECVSEND_FIXED_BUF: setting up failed");
		return IOU_BROKEN;
	}
	res = iou_register(&r, IORING_REGISTER_BUFFERS, &iov, 1);
	if (res) {
		snprintf(why, len, "probing IORING_RECVSEND_FIXED_BUF: registering a buffer: %s",
			 iou_res_str(res));
		res = INT32_MIN;
	} else {
		sqe = iou_get_sqe(&r);
		iou_prep_send(sqe, fds[0], mem, 8, 0);
		sqe->ioprio = IORING_RECVSEND_FIXED_BUF;
		res = iou_run_one(&r, NULL);
	}
	iou_close_pair(fds);
	iou_ring_exit(&r);
	munmap(mem, IOU_PAGE_SIZE);
	if (res == INT32_MIN)
		return IOU_BROKEN;
	return iou_have_by_result(res, 8, IOU_V(7, 2),
				  "IORING_RECVSEND_FIXED_BUF on plain SEND and RECV", why, len);
}

FIXTURE(fixed) {
	struct iou_ring r;
	int fds[2];
	unsigned char *mem;
};

FIXTURE_SETUP(fixed)
{
	struct iovec iov;

	self->fds[0] = self->fds[1] = -1;
	IOU_REQUIRE(have_fixed_send_recv(__why, sizeof(__why)));
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	self->mem = iou_map_nohuge(2 * IOU_PAGE_SIZE);
	ASSERT_NE(NULL, self->mem);
	iov = (struct iovec){ self->mem, IOU_PAGE_SIZE };
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, &iov, 1));
	ASSERT_EQ(0, iou_sock_pair(IOU_TCP, self->fds));
}

FIXTURE_TEARDOWN(fixed)
{
	iou_ring_exit(&self->r);
	iou_close_pair(self->fds);
	if (self->mem)
		munmap(self->mem, 2 * IOU_PAGE_SIZE);
}

static int fixed_op(struct iou_ring *r, int op, int fd, void *addr, unsigned int len,
		    unsigned int index, unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_send(sqe, fd, addr, len, 0);
	sqe->opcode = (__u8)op;
	sqe->ioprio = IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16)index;
	sqe->flags = (__u8)sqe_flags;
	return iou_run_one(r, NULL);
}

TEST_F(fixed, send_and_recv_use_the_registered_buffer)
{
	unsigned char got[100];

	iou_fill_pattern(self->mem, 200, 0);
	ASSERT_RES(100, fixed_op(&self->r, IORING_OP_SEND, self->fds[0], self->mem + 100, 100,
				 0, 0));
	/* into another part of the same buffer, from the peer's copy */
	ASSERT_EQ(100, iou_sock_wait_queued(self->fds[1], 100, IOU_WAIT_MS));
	ASSERT_EQ(100, recv(self->fds[1], got, 100, 0));
	ASSERT_TRUE(iou_check_pattern(got, 100, 100));
	ASSERT_EQ(100, send(self->fds[1], got, 100, 0));
	ASSERT_EQ(100, iou_sock_wait_queued(self->fds[0], 100, IOU_WAIT_MS));
	ASSERT_RES(100, fixed_op(&self->r, IORING_OP_RECV, self->fds[0], self->mem + 1000,
				 100, 0, 0));
	ASSERT_TRUE(iou_check_pattern(self->mem + 1000, 100, 100));
}

TEST_F(fixed, bad_index_or_address_is_efault)
{
	ASSERT_RES(-EFAULT, fixed_op(&self->r, IORING_OP_SEND, self->fds[0], self->mem, 10, 1, 0));
	ASSERT_RES(-EFAULT, fixed_op(&self->r, IORING_OP_SEND, self->fds[0],
				     self->mem + IOU_PAGE_SIZE, 10, 0, 0));
	ASSERT_RES(-EFAULT, fixed_op(&self->r, IORING_OP_SEND, self->fds[0],
				     self->mem + IOU_PAGE_SIZE - 5, 10, 0, 0));
	ASSERT_EQ(10, send(self->fds[1], "0123456789", 10, 0));
	ASSERT_RES(-EFAULT, fixed_op(&self->r, IORING_OP_RECV, self->fds[0], self->mem, 10, 7, 0));
	/* nothing was taken */
	ASSERT_EQ(10, iou_sock_wait_queued(self->fds[0], 10, IOU_WAIT_MS));
}

TEST_F(fixed, with_buffer_select_is_einval)
{
	ASSERT_RES(-EINVAL, fixed_op(&self->r, IORING_OP_SEND, self->fds[0], NULL, 0, 0,
				     IOSQE_BUFFER_SELECT));
	ASSERT_RES(-EINVAL, fixed_op(&self->r, IORING_OP_RECV, self->fds[0], NULL, 0, 0,
				     IOSQE_BUFFER_SELECT));
}

TEST_HARNESS_MAIN
