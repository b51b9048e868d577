// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_PERSONALITY returns a new id per call, from 1 upwards
 * (0 in sqe->personality means "none"); ids are per ring.  A ring holds
 * at most 65535 of them (ids 1..65535, sqe->personality is 16 bits): the
 * next registration fails with EBUSY, and once one is unregistered that
 * very id is handed out again.  IORING_UNREGISTER_PERSONALITY takes the
 * id in nr_args: an id that is not registered (again, 0, or past 65535)
 * fails with EINVAL.  A request naming an unknown id completes with
 * -EINVAL; one that started with a personality keeps its credentials when
 * the id is unregistered meanwhile.  Registering with an argument or
 * nr_args, or unregistering with an argument, fails with EINVAL.
 *
 * The 65535 bound and EBUSY are those of the XArray (5.12, with
 * IORING_FEAT_NATIVE_WORKERS); before, an IDR allowed one id less.
 */
#include "iou.h"
#include "iou_rsrc.h"

#define MAX_ID	65535

FIXTURE(personality) {
	struct iou_ring r;
};

FIXTURE_SETUP(personality)
{
	REQUIRE_FEATURE(IORING_FEAT_CUR_PERSONALITY);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(personality)
{
	iou_ring_exit(&self->r);
}

static int reg(struct iou_ring *r)
{
	return iou_register(r, IORING_REGISTER_PERSONALITY, NULL, 0);
}

static int unreg(struct iou_ring *r, unsigned int id)
{
	return iou_register(r, IORING_UNREGISTER_PERSONALITY, NULL, id);
}

static int nop_as(struct iou_ring *r, unsigned int id)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	iou_prep_nop(sqe, 0x9e75);
	sqe->personality = (__u16)id;
	return iou_run_one(r, NULL);
}

TEST_F(personality, ids_start_at_one_and_grow)
{
	ASSERT_RES(1, reg(&self->r));
	ASSERT_RES(2, reg(&self->r));
	ASSERT_RES(3, reg(&self->r));
	ASSERT_RES(0, nop_as(&self->r, 2));
	ASSERT_RES(0, nop_as(&self->r, 0));
}

TEST_F(personality, ids_belong_to_their_ring)
{
	struct iou_ring other;

	ASSERT_RES(1, reg(&self->r));
	ASSERT_EQ(0, iou_ring_init(&other, 4, 0));
	ASSERT_RES(-EINVAL, nop_as(&other, 1));
	ASSERT_RES(-EINVAL, unreg(&other, 1));
	/* the other ring numbers its own from 1 too */
	ASSERT_RES(1, reg(&other));
	iou_ring_exit(&other);
	ASSERT_RES(0, nop_as(&self->r, 1));
}

TEST_F(personality, unregister_then_id_is_unknown)
{
	int id = reg(&self->r);

	ASSERT_LE(1, id);
	ASSERT_RES(0, unreg(&self->r, (unsigned int)id));
	ASSERT_RES(-EINVAL, unreg(&self->r, (unsigned int)id));
	ASSERT_RES(-EINVAL, nop_as(&self->r, (unsigned int)id));
}

TEST_F(personality, unknown_ids_fail_einval)
{
	ASSERT_RES(1, reg(&self->r));
	ASSERT_RES(-EINVAL, nop_as(&self->r, 2));
	ASSERT_RES(-EINVAL, nop_as(&self->r, MAX_ID));
	ASSERT_RES(-EINVAL, unreg(&self->r, 0));
	ASSERT_RES(-EINVAL, unreg(&self->r, 2));
	ASSERT_RES(-EINVAL, unreg(&self->r, MAX_ID + 1));
	ASSERT_RES(-EINVAL, unreg(&self->r, 1U << 31));
	ASSERT_RES(0, nop_as(&self->r, 1));
}

TEST_F(personality, arguments_fail_einval)
{
	int dummy = 0;

	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PERSONALITY, &dummy, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_PERSONALITY, NULL, 1));
	ASSERT_RES(1, reg(&self->r));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_PERSONALITY, &dummy, 1));
	/* the refusals registered and removed nothing */
	ASSERT_RES(2, reg(&self->r));
	ASSERT_RES(0, unreg(&self->r, 1));
}

TEST_F(personality, request_keeps_its_personality_when_unregistered_meanwhile)
{
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;
	int pfd[2], id;
	char buf[4];

	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	id = reg(&self->r);
	ASSERT_LE(1, id);
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, pfd[0], buf, sizeof(buf), 0);
	sqe->personality = (__u16)id;
	sqe->user_data = 0x1ea;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, 50, NULL));
	ASSERT_RES(0, unreg(&self->r, (unsigned int)id));
	ASSERT_EQ(4, write(pfd[1], "pers", 4));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x1ea, cqe.user_data);
	ASSERT_RES(4, cqe.res);
	close(pfd[0]);
	close(pfd[1]);
}

TEST_F(personality, table_holds_65535_ids_then_ebusy_and_a_freed_id_returns)
{
	REQUIRE_FEATURE(IORING_FEAT_NATIVE_WORKERS);	/* XArray ids (5.12) */
	for (int i = 1; i <= MAX_ID; i++) {
		int id = reg(&self->r);

		if (id != i)
			ASSERT_RES(i, id);
	}
	ASSERT_RES(-EBUSY, reg(&self->r));
	ASSERT_RES(0, nop_as(&self->r, MAX_ID));
	/* the only free id is the one given back */
	ASSERT_RES(0, unreg(&self->r, 4242));
	ASSERT_RES(4242, reg(&self->r));
	ASSERT_RES(-EBUSY, reg(&self->r));
}

TEST_HARNESS_MAIN
