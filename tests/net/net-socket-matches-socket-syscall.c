// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_SOCKET (5.19) is socket(2): on every row of a table of
 * domains, types, protocols and type flags, good and bad, the CQE carries
 * what socket(2) returns in the same state (the same descriptor number,
 * or the same -errno), and the socket it made has the same domain, type,
 * protocol, O_NONBLOCK and FD_CLOEXEC; also when the request is forced to
 * io-wq.  With no descriptor left under RLIMIT_NOFILE both fail with
 * EMFILE.
 *
 * Rows that could make the kernel load a module (an unknown IPv4
 * protocol, a family it has not registered, IPv6 where it is a module)
 * are left out: a test must not change what the kernel has loaded.
 * Families past AF_MAX and out-of-range protocols are refused before any
 * lookup.
 *
 * Direct descriptors (file_index): the socket goes into the chosen slot
 * (res 0) or a free one with IORING_FILE_INDEX_ALLOC (res the slot), a
 * taken slot is replaced, and the socket works through the slot; a full
 * table is ENFILE, a slot past the table EINVAL, no table ENXIO (ENFILE
 * for ALLOC), SOCK_CLOEXEC (meaningless for a slot) EINVAL, and a flag
 * in sqe->rw_flags (the type carries the flags) EINVAL.
 */
#include <sys/resource.h>

#include "iou.h"
#include "iou_net.h"
#include "iou_rsrc.h"

FIXTURE(sock) {
	struct iou_ring r;
};

FIXTURE_VARIANT(sock) {
	int domain, type, protocol;
	bool no_free_fd;	/* RLIMIT_NOFILE leaves no descriptor */
};

/* domain, type (with its flags), protocol */
#define ROW(d, t, p)	{ .domain = (d), .type = (t), .protocol = (p) }

FIXTURE_VARIANT_ADD(sock, inet_stream) ROW(AF_INET, SOCK_STREAM, 0);
FIXTURE_VARIANT_ADD(sock, inet_stream_tcp) ROW(AF_INET, SOCK_STREAM, IPPROTO_TCP);
FIXTURE_VARIANT_ADD(sock, inet_dgram) ROW(AF_INET, SOCK_DGRAM, 0);
FIXTURE_VARIANT_ADD(sock, inet_dgram_udp) ROW(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
FIXTURE_VARIANT_ADD(sock, inet_raw_icmp) ROW(AF_INET, SOCK_RAW, IPPROTO_ICMP);
FIXTURE_VARIANT_ADD(sock, unix_stream) ROW(AF_UNIX, SOCK_STREAM, 0);
FIXTURE_VARIANT_ADD(sock, unix_dgram) ROW(AF_UNIX, SOCK_DGRAM, 0);
FIXTURE_VARIANT_ADD(sock, unix_seqpacket) ROW(AF_UNIX, SOCK_SEQPACKET, 0);
FIXTURE_VARIANT_ADD(sock, unix_protocol_pf_unix) ROW(AF_UNIX, SOCK_STREAM, PF_UNIX);
FIXTURE_VARIANT_ADD(sock, stream_nonblock) ROW(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
FIXTURE_VARIANT_ADD(sock, dgram_cloexec) ROW(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
FIXTURE_VARIANT_ADD(sock, unix_nonblock_cloexec)
	ROW(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
FIXTURE_VARIANT_ADD(sock, family_past_af_max) ROW(4242, SOCK_STREAM, 0);
FIXTURE_VARIANT_ADD(sock, negative_family) ROW(-1, SOCK_STREAM, 0);
FIXTURE_VARIANT_ADD(sock, type_out_of_range) ROW(AF_INET, 42, 0);
FIXTURE_VARIANT_ADD(sock, negative_type) ROW(AF_UNIX, -1, 0);
FIXTURE_VARIANT_ADD(sock, unknown_type_flag) ROW(AF_INET, SOCK_STREAM | 0x1000, 0);
FIXTURE_VARIANT_ADD(sock, unix_raw_type) ROW(AF_UNIX, SOCK_RAW, 0);
FIXTURE_VARIANT_ADD(sock, unix_bad_protocol) ROW(AF_UNIX, SOCK_DGRAM, 7);
FIXTURE_VARIANT_ADD(sock, inet_negative_protocol) ROW(AF_INET, SOCK_STREAM, -1);
FIXTURE_VARIANT_ADD(sock, inet_protocol_past_max) ROW(AF_INET, SOCK_DGRAM, 263);
FIXTURE_VARIANT_ADD(sock, no_free_descriptor) {
	.domain = AF_INET, .type = SOCK_STREAM, .no_free_fd = true };

FIXTURE_SETUP(sock)
{
	REQUIRE_OPCODE(IORING_OP_SOCKET);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(sock)
{
	iou_ring_exit(&self->r);
}

struct sock_state {
	struct rlimit saved;	/* zero unless the row exhausted descriptors */
};

static int tw_setup(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(sock) *v = row;
	struct sock_state *s = tw->st;

	return v->no_free_fd ? iou_twin_fds_exhaust(&s->saved) : 0;
}

static int tw_call(struct iou_twin_run *tw, const void *row)
{
	const FIXTURE_VARIANT(sock) *v = row;
	int fd = socket(v->domain, v->type, v->protocol);

	return fd < 0 ? -errno : fd;
}

static void tw_prep(struct iou_twin_run *tw, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(sock) *v = row;

	iou_prep_socket(sqe, v->domain, v->type, v->protocol, 0);
}

static void tw_state(struct iou_twin_run *tw, const void *row, char *out, size_t outlen)
{
	if (tw->res < 0)
		return;
	iou_twin_field(out, outlen, "SO_DOMAIN", iou_sockopt_int(tw->res, SOL_SOCKET, SO_DOMAIN));
	iou_twin_field(out, outlen, "SO_TYPE", iou_sockopt_int(tw->res, SOL_SOCKET, SO_TYPE));
	iou_twin_field(out, outlen, "SO_PROTOCOL", iou_sockopt_int(tw->res, SOL_SOCKET, SO_PROTOCOL));
	iou_twin_field(out, outlen, "SOCK_NONBLOCK|SOCK_CLOEXEC", iou_fd_sock_flags(tw->res));
	close(tw->res);
}

static void tw_done(struct iou_twin_run *tw, const void *row)
{
	struct sock_state *s = tw->st;

	iou_twin_fds_restore(&s->saved);
}

static const struct iou_twin_ops socket_twin = {
	.twin = "socket(2)",
	.st_size = sizeof(struct sock_state),
	.setup = tw_setup,
	.call = tw_call,
	.prep = tw_prep,
	.state = tw_state,
	.done = tw_done,
};

IOU_TWIN_SIDE_CASES(sock, matches_socket, &socket_twin, variant, NULL)

/* ---- direct descriptors ------------------------------------------------ */

#define SLOTS	4
#define UD	0x50c4e7000000beefULL

FIXTURE(direct) {
	struct iou_ring r;
};

FIXTURE_SETUP(direct)
{
	REQUIRE_OPCODE(IORING_OP_SOCKET);
	REQUIRE_RSRC_SPARSE();
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ASSERT_RES(0, iou_register_files2(&self->r, NULL, NULL, SLOTS,
					  IORING_RSRC_REGISTER_SPARSE));
}

FIXTURE_TEARDOWN(direct)
{
	iou_ring_exit(&self->r);
}

/* one SOCKET request into slot (or ALLOC); its CQE res */
static int socket_direct(struct __test_metadata *_metadata, struct iou_ring *r,
			 int domain, int type, unsigned int slot)
{
	struct iou_cqe c;

	iou_prep_socket_direct(iou_get_sqe(r), domain, type, 0, slot);
	r->sqes[(r->sqe_tail - 1) & r->sq_mask].user_data = UD;
	ASSERT_EQ(1, iou_submit_reap(r, &c, 1));
	EXPECT_EQ(UD, c.user_data);
	EXPECT_EQ(0, c.flags);
	return c.res;
}

/*
 * Prove a UDP socket sits in slot: send a datagram from it (fixed file)
 * to a plain receiver, which sees it come from 127.0.0.1.
 */
static void assert_slot_sends_udp(struct __test_metadata *_metadata,
				  struct iou_ring *r, unsigned int slot)
{
	struct sockaddr_in to, from;
	socklen_t fromlen = sizeof(from);
	struct io_uring_sqe *sqe;
	char buf[8] = { 0 };
	int rx = iou_loopback_socket(SOCK_DGRAM, -1, &to);

	ASSERT_LE(0, rx);
	sqe = iou_get_sqe(r);
	iou_prep_send(sqe, (int)slot, "slot", 4, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->addr2 = IOU_PTR(&to);
	sqe->addr_len = sizeof(to);
	sqe->user_data = UD + 1;
	ASSERT_EQ(1, iou_submit(r));
	IOU_EXPECT_CQES(r, IOU_CQE(UD + 1, 4));
	ASSERT_EQ(4, recvfrom(rx, buf, sizeof(buf), MSG_DONTWAIT,
			      (struct sockaddr *)&from, &fromlen));
	ASSERT_EQ(0, memcmp(buf, "slot", 4));
	ASSERT_EQ(AF_INET, from.sin_family);
	ASSERT_EQ(htonl(INADDR_LOOPBACK), from.sin_addr.s_addr);
	close(rx);
}

TEST_F(direct, socket_goes_into_the_chosen_slot)
{
	ASSERT_RES(0, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM, 2));
	assert_slot_sends_udp(_metadata, &self->r, 2);
}

TEST_F(direct, alloc_returns_the_lowest_free_slot)
{
	ASSERT_RES(0, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM, 0));
	ASSERT_RES(1, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM,
				    IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(2, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM,
				    IORING_FILE_INDEX_ALLOC));
	assert_slot_sends_udp(_metadata, &self->r, 1);
}

TEST_F(direct, taken_slot_is_replaced)
{
	ASSERT_RES(0, socket_direct(_metadata, &self->r, AF_UNIX, SOCK_STREAM, 1));
	ASSERT_RES(0, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM, 1));
	assert_slot_sends_udp(_metadata, &self->r, 1);
}

TEST_F(direct, full_table_alloc_is_enfile)
{
	for (unsigned int i = 0; i < SLOTS; i++)
		ASSERT_RES((int)i, socket_direct(_metadata, &self->r, AF_UNIX, SOCK_DGRAM,
						 IORING_FILE_INDEX_ALLOC));
	ASSERT_RES(-ENFILE, socket_direct(_metadata, &self->r, AF_UNIX, SOCK_DGRAM,
					  IORING_FILE_INDEX_ALLOC));
}

TEST_F(direct, slot_past_the_table_is_einval)
{
	ASSERT_RES(-EINVAL, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM, SLOTS));
	ASSERT_RES(-EINVAL, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM, 1000));
}

TEST_F(direct, cloexec_with_a_slot_is_einval)
{
	int fd;

	ASSERT_RES(-EINVAL, socket_direct(_metadata, &self->r, AF_INET,
					  SOCK_DGRAM | SOCK_CLOEXEC, 0));
	/* the same flag without a slot is fine */
	fd = iou_lowest_free_fd();
	iou_prep_socket(iou_get_sqe(&self->r), AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0, 0);
	ASSERT_RES(fd, iou_run_one(&self->r, NULL));
	ASSERT_EQ(SOCK_CLOEXEC, iou_fd_sock_flags(fd));
	close(fd);
}

TEST_F(direct, flags_field_is_einval)
{
	struct iou_cqe c;

	iou_prep_socket(iou_get_sqe(&self->r), AF_INET, SOCK_DGRAM, 0, SOCK_NONBLOCK);
	ASSERT_RES(-EINVAL, iou_run_one(&self->r, &c));
	ASSERT_EQ(0, c.flags);
}

TEST_F(direct, bad_domain_fails_without_taking_the_slot)
{
	ASSERT_RES(-EAFNOSUPPORT, socket_direct(_metadata, &self->r, 4242, SOCK_DGRAM, 0));
	ASSERT_RES(0, socket_direct(_metadata, &self->r, AF_INET, SOCK_DGRAM,
				    IORING_FILE_INDEX_ALLOC));
}

TEST(no_table_slot_is_enxio_and_alloc_enfile)
{
	struct iou_ring r;

	REQUIRE_OPCODE(IORING_OP_SOCKET);
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_RES(-ENXIO, socket_direct(_metadata, &r, AF_INET, SOCK_DGRAM, 0));
	ASSERT_RES(-ENFILE, socket_direct(_metadata, &r, AF_INET, SOCK_DGRAM,
					  IORING_FILE_INDEX_ALLOC));
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
