// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_MSG_RING against each kind of target ring:
 *
 *  - a SINGLE_ISSUER | DEFER_TASKRUN ring owned by another thread: the
 *    message (data or a file) is handed to the owner as task work and
 *    posted when the owner waits; the sender completes with 0, for a file
 *    only once the owner ran that work (io_msg_fd_remote()).  Once the
 *    owner has exited, a file has nobody to install it: -EOWNERDEAD.
 *  - an IORING_SETUP_R_DISABLED ring: -EBADFD for data and files, and
 *    messages work once IORING_REGISTER_ENABLE_RINGS enabled it;
 *  - a ring whose CQ is full: with IORING_FEAT_NODROP the message goes to
 *    the overflow list (io_post_aux_cqe()/io_add_aux_cqe() fail only when
 *    that allocation fails, -EOVERFLOW), the sender gets 0, and the
 *    message arrives after the CQEs ahead of it, nothing dropped;
 *  - an IOPOLL ring: posted under its lock, like any other.
 *
 * Read from io_uring/msg_ring.c in 6.12 and 7.3.
 */
#include <pthread.h>

#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_MSG_RING));

#define SRC_UD		0x5e4d000000000003ULL
#define DATA_UD		0xda7a00000000da7aULL
#define FILE_UD		0xf11e00000000f11eULL

FIXTURE(owner) {
	struct iou_ring src;
	int pipe[2];		/* the write end sits in the sender's slot 0 */
};

FIXTURE_SETUP(owner)
{
	REQUIRE_SETUP_FLAGS(IOU_MODE_DEFER_TASKRUN);
	REQUIRE_RSRC_SPARSE();
	ASSERT_EQ(0, iou_ring_init(&self->src, 8, 0));
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC | O_NONBLOCK));
	ASSERT_RES(0, iou_register_files2(&self->src, &self->pipe[1], NULL, 1, 0));
}

FIXTURE_TEARDOWN(owner)
{
	iou_ring_exit(&self->src);
	close(self->pipe[0]);
	close(self->pipe[1]);
}

/* the other thread: owns a DEFER_TASKRUN ring, waits for two messages */
struct owned {
	pthread_barrier_t ready;
	struct iou_ring r;
	int setup_res;
	int tid;
	bool wait;		/* false: exit right after setting up */
	int nr;
	struct iou_cqe cqe[3];
	int write_res;
};

static void *owner_thread(void *arg)
{
	struct owned *o = arg;
	struct io_uring_sqe *sqe;

	o->tid = gettid();
	o->setup_res = iou_ring_init(&o->r, 8, IOU_MODE_DEFER_TASKRUN);
	if (!o->setup_res)
		o->setup_res = iou_register_files2(&o->r, NULL, NULL, 2,
						   IORING_RSRC_REGISTER_SPARSE);
	pthread_barrier_wait(&o->ready);
	if (o->setup_res || !o->wait)
		return NULL;
	o->nr = iou_reap(&o->r, o->cqe, 2, IOU_WAIT_MS);
	/* the file arrived in slot 1: write through it */
	sqe = iou_get_sqe(&o->r);
	iou_prep_write(sqe, 1, "own", 3, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 0x3a;
	o->write_res = iou_run_one(&o->r, NULL);
	return NULL;
}

TEST_F(owner, defer_taskrun_ring_of_another_thread_gets_data_and_file)
{
	struct io_uring_sqe *sqe;
	struct owned *o = calloc(1, sizeof(*o));
	pthread_t th;
	char buf[8] = { 0 };
	unsigned int pos[2];

	ASSERT_NE(NULL, o);
	o->wait = true;
	pthread_barrier_init(&o->ready, NULL, 2);
	ASSERT_EQ(0, pthread_create(&th, NULL, owner_thread, o));
	pthread_barrier_wait(&o->ready);
	ASSERT_RES(0, o->setup_res);

	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring(sqe, o->r.fd, 11, DATA_UD, 0);
	sqe->user_data = SRC_UD;
	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring_fd(sqe, o->r.fd, 0, 1, FILE_UD, 0);
	sqe->user_data = SRC_UD + 1;
	ASSERT_EQ(2, iou_submit(&self->src));
	/* the file's CQE waits for the owner to run the install */
	IOU_EXPECT_CQE_SET(&self->src, pos, IOU_CQE(SRC_UD, 0), IOU_CQE(SRC_UD + 1, 0));
	ASSERT_EQ(0, pthread_join(th, NULL));

	ASSERT_EQ(2, o->nr);
	ASSERT_CQE_UD(o->cqe, 2, DATA_UD, 11, 0);
	ASSERT_CQE_UD(o->cqe, 2, FILE_UD, 0, 0);
	ASSERT_RES(3, o->write_res);
	ASSERT_EQ(3, read(self->pipe[0], buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "own", 3));
	iou_ring_exit(&o->r);
	free(o);
}

TEST_F(owner, file_for_a_ring_whose_owner_exited_is_eownerdead)
{
	struct io_uring_sqe *sqe;
	struct owned *o = calloc(1, sizeof(*o));
	pthread_t th;
	char path[64];
	uint64_t start;

	ASSERT_NE(NULL, o);
	pthread_barrier_init(&o->ready, NULL, 2);
	ASSERT_EQ(0, pthread_create(&th, NULL, owner_thread, o));
	pthread_barrier_wait(&o->ready);
	ASSERT_RES(0, o->setup_res);
	ASSERT_EQ(0, pthread_join(th, NULL));
	/* gone from /proc only once it passed exit_task_work() */
	snprintf(path, sizeof(path), "/proc/self/task/%d", o->tid);
	start = iou_now_ns();
	while (access(path, F_OK) == 0 && iou_ms_since(start) < IOU_WAIT_MS)
		usleep(1000);
	ASSERT_NE(0, access(path, F_OK));

	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring_fd(sqe, o->r.fd, 0, 1, FILE_UD, 0);
	sqe->user_data = SRC_UD;
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, -EOWNERDEAD));
	iou_ring_exit(&o->r);
	free(o);
}

/* ---- a disabled ring ------------------------------------------------------ */

FIXTURE(disabled) {
	struct iou_ring src, dst;
};

FIXTURE_VARIANT(disabled) {
	unsigned int setup_flags;
};

FIXTURE_VARIANT_ADD(disabled, plain) { .setup_flags = 0 };
FIXTURE_VARIANT_ADD(disabled, defer_taskrun) { .setup_flags = IOU_MODE_DEFER_TASKRUN };

/* a sender with /dev/null in fixed slot 0, and one free slot in dst's table */
static void sender_and_table(struct __test_metadata *_metadata, struct iou_ring *src,
			     struct iou_ring *dst)
{
	int fd;

	ASSERT_EQ(0, iou_ring_init(src, 8, 0));
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_RES(0, iou_register_files2(src, &fd, NULL, 1, 0));
	close(fd);
	ASSERT_RES(0, iou_register_files2(dst, NULL, NULL, 1, IORING_RSRC_REGISTER_SPARSE));
}

FIXTURE_SETUP(disabled)
{
	REQUIRE_SETUP_FLAGS(variant->setup_flags | IORING_SETUP_R_DISABLED);
	REQUIRE_RSRC_SPARSE();
	ASSERT_EQ(0, iou_ring_init(&self->dst, 8, variant->setup_flags | IORING_SETUP_R_DISABLED));
	sender_and_table(_metadata, &self->src, &self->dst);
}

FIXTURE_TEARDOWN(disabled)
{
	iou_ring_exit(&self->src);
	iou_ring_exit(&self->dst);
}

TEST_F(disabled, messages_are_ebadfd_until_enabled)
{
	struct io_uring_sqe *sqe;
	unsigned int pos[2];

	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring(sqe, self->dst.fd, 1, DATA_UD, 0);
	sqe->user_data = SRC_UD;
	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring_fd(sqe, self->dst.fd, 0, 0, FILE_UD, 0);
	sqe->user_data = SRC_UD + 1;
	ASSERT_EQ(2, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, -EBADFD), IOU_CQE(SRC_UD + 1, -EBADFD));
	ASSERT_EQ(0u, iou_cq_ready(&self->dst));

	ASSERT_RES(0, iou_register(&self->dst, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring(sqe, self->dst.fd, 2, DATA_UD, 0);
	sqe->user_data = SRC_UD;
	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring_fd(sqe, self->dst.fd, 0, 0, FILE_UD, 0);
	sqe->user_data = SRC_UD + 1;
	ASSERT_EQ(2, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0), IOU_CQE(SRC_UD + 1, 0));
	/* a DEFER_TASKRUN target posts data from its work list, a file at once */
	IOU_EXPECT_CQE_SET(&self->dst, pos, IOU_CQE(DATA_UD, 2), IOU_CQE(FILE_UD, 0));
}

/* ---- a full CQ ------------------------------------------------------------ */

FIXTURE(full) {
	struct iou_ring src, dst;
};

FIXTURE_VARIANT(full) {
	unsigned int setup_flags;	/* the target's mode */
};

#define IOU_MODES_FIXTURE full
#include "iou_modes.h"

FIXTURE_SETUP(full)
{
	REQUIRE_FEATURE(IORING_FEAT_NODROP);
	REQUIRE_RSRC_SPARSE();
	IOU_RING_INIT_MODE(&self->dst, 1, variant->setup_flags);
	ASSERT_EQ(2u, self->dst.cq_entries);
	sender_and_table(_metadata, &self->src, &self->dst);
}

FIXTURE_TEARDOWN(full)
{
	iou_ring_exit(&self->src);
	iou_ring_exit(&self->dst);
}

/* fill the target's two CQ slots with NOPs nobody reaps yet */
static void fill_cq(struct __test_metadata *_metadata, struct iou_ring *dst)
{
	for (__u64 ud = 1; ud <= 2; ud++) {
		uint64_t start = iou_now_ns();

		/* one SQ entry: an SQPOLL thread must have taken the last one */
		while (!iou_sq_space_left(dst) && iou_ms_since(start) < IOU_WAIT_MS)
			usleep(1000);
		ASSERT_NE(NULL, iou_queue_nop(dst, ud, 0));
		ASSERT_EQ(1, iou_submit(dst));
	}
	/* ... and posted both before the message comes */
	uint64_t start = iou_now_ns();

	while (iou_cq_ready(dst) < 2 && iou_ms_since(start) < IOU_WAIT_MS)
		usleep(1000);
	ASSERT_EQ(2u, iou_cq_ready(dst));
}

/* the CQ is still full: the ring has flagged the overflow backlog */
static void wait_overflow_flag(struct __test_metadata *_metadata, struct iou_ring *dst)
{
	uint64_t start = iou_now_ns();

	while (!(iou_load_acquire(dst->sq_kflags) & IORING_SQ_CQ_OVERFLOW) &&
	       iou_ms_since(start) < IOU_WAIT_MS)
		usleep(1000);
	ASSERT_NE(0u, iou_load_acquire(dst->sq_kflags) & IORING_SQ_CQ_OVERFLOW);
}

TEST_F(full, data_message_goes_to_overflow_and_is_not_lost)
{
	struct io_uring_sqe *sqe;

	fill_cq(_metadata, &self->dst);
	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring(sqe, self->dst.fd, 3, DATA_UD, 0);
	sqe->user_data = SRC_UD;
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	/* a DEFER_TASKRUN target posts it (into the backlog) when it waits */
	if (!(self->dst.flags & IORING_SETUP_DEFER_TASKRUN)) {
		wait_overflow_flag(_metadata, &self->dst);
		ASSERT_EQ(2u, iou_cq_ready(&self->dst));
	}
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(DATA_UD, 3));
	ASSERT_EQ(0u, iou_read_once(self->dst.cq_koverflow));
	ASSERT_EQ(0u, iou_load_acquire(self->dst.sq_kflags) & IORING_SQ_CQ_OVERFLOW);
}

TEST_F(full, file_message_goes_to_overflow_and_is_not_lost)
{
	struct io_uring_sqe *sqe;

	fill_cq(_metadata, &self->dst);
	sqe = iou_get_sqe(&self->src);
	iou_prep_msg_ring_fd(sqe, self->dst.fd, 0, 0, FILE_UD, 0);
	sqe->user_data = SRC_UD;
	ASSERT_EQ(1, iou_submit(&self->src));
	IOU_EXPECT_CQES(&self->src, IOU_CQE(SRC_UD, 0));
	wait_overflow_flag(_metadata, &self->dst);
	ASSERT_EQ(2u, iou_cq_ready(&self->dst));
	IOU_EXPECT_CQES(&self->dst, IOU_CQE(1, 0), IOU_CQE(2, 0), IOU_CQE(FILE_UD, 0));
	ASSERT_EQ(0u, iou_read_once(self->dst.cq_koverflow));
}

/* ---- an IOPOLL ring ------------------------------------------------------- */

TEST(iopoll_target_gets_data)
{
	struct iou_ring src, dst;
	struct io_uring_sqe *sqe;

	IOU_RING_INIT_OR_SKIP(&dst, 4, IORING_SETUP_IOPOLL);
	ASSERT_EQ(0, iou_ring_init(&src, 4, 0));
	sqe = iou_get_sqe(&src);
	iou_prep_msg_ring(sqe, dst.fd, 4, DATA_UD, 0);
	sqe->user_data = SRC_UD;
	ASSERT_EQ(1, iou_submit(&src));
	IOU_EXPECT_CQES(&src, IOU_CQE(SRC_UD, 0));
	ASSERT_EQ(1u, iou_cq_ready(&dst));
	IOU_EXPECT_CQES(&dst, IOU_CQE(DATA_UD, 4));
	iou_ring_exit(&src);
	iou_ring_exit(&dst);
}

TEST_HARNESS_MAIN
