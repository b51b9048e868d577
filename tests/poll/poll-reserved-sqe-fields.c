// SPDX-License-Identifier: GPL-2.0
/*
 * Every SQE field POLL_ADD and POLL_REMOVE do not use, set non-zero in
 * turn: refused with EINVAL (and nothing done) or ignored (the clean
 * request's result and effect), the same on every kernel since 5.13:
 *  - POLL_ADD checks addr, off and buf_index (io_poll_add_prep()) and,
 *    having no .ioprio in its io_issue_def, ioprio; it ignores
 *    splice_fd_in and addr3;
 *  - POLL_REMOVE checks buf_index and splice_fd_in
 *    (io_poll_remove_prep()), ioprio, and off (the new user_data) and the
 *    events unless the update flags ask for them; it ignores addr3.
 */
#include <sys/eventfd.h>

#include "iou.h"
#include "iou_net.h"

struct pst {
	int efd;
	struct iou_ring *r;
};

/* POLL_ADD on an eventfd whose counter is 1: POLLIN at once */
static int add_setup(void *p)
{
	struct pst *s = p;

	s->efd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	return s->efd < 0 ? -errno : 0;
}

static void add_prep(struct io_uring_sqe *sqe, void *p)
{
	iou_prep_poll_add(sqe, ((struct pst *)p)->efd, POLLIN);
}

/* polling changes nothing */
static void no_effect(void *p, int res, struct iou_twin_view *v)
{
}

static void pst_teardown(void *p)
{
	iou_close_res(((struct pst *)p)->efd);
}

static const struct iou_rsv_op op_poll_add = {
	.name = "POLL_ADD", .state_size = sizeof(struct pst), .setup = add_setup,
	.prep = add_prep, .observe = no_effect, .teardown = pst_teardown };

/*
 * POLL_REMOVE of a poll armed on an eventfd that stays at 0: removing
 * it completes the poll with -ECANCELED.  The ring is the runner's; the
 * poll is armed in setup and reaped, if it ended, in observe.
 */
static struct iou_ring *ring;

#define TARGET	0x5e7000000000aaaaULL

static int rm_setup(void *p)
{
	struct pst *s = p;

	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0)
		return -errno;
	iou_queue_poll(ring, s->efd, TARGET);
	return iou_submit(ring) == 1 ? 0 : -EIO;
}

static void rm_prep(struct io_uring_sqe *sqe, void *p)
{
	iou_prep_poll_remove(sqe, TARGET);
}

/* did the target poll end (and how), or is it still armed? */
static void rm_observe(void *p, int res, struct iou_twin_view *v)
{
	struct iou_cqe c = iou_rsv_side;
	struct pst *s = p;
	int n = iou_rsv_side_n ? 1 : iou_reap_quiet(ring, IOU_QUIET_MS, &c);

	iou_rsv_side_n = 0;

	if (n == 0) {
		/* still armed: end it, out of the view */
		eventfd_write(s->efd, 1);
		n = iou_reap(ring, &c, 1, IOU_WAIT_MS) == 1 ? 0 : -1;
		iou_view_add(v, "target still armed", n == 0 && c.res == POLLIN);
		return;
	}
	iou_view_add(v, "target ended with", c.user_data == TARGET ? c.res : INT32_MIN);
}

static const struct iou_rsv_op op_poll_remove = {
	.name = "POLL_REMOVE", .state_size = sizeof(struct pst), .setup = rm_setup,
	.prep = rm_prep, .observe = rm_observe, .teardown = pst_teardown };

FIXTURE(rsv) {
	struct iou_ring r;
};

FIXTURE_VARIANT(rsv) {
	const struct iou_rsv_op *op;
	enum iou_sqe_field field;
	bool einval;
};

#define V(name, f, e) FIXTURE_VARIANT_ADD(rsv, name##_##f) { \
	.op = &op_##name, .field = IOU_F_##f, .einval = (e) }

V(poll_add, IOPRIO, true);
V(poll_add, OFF, true);
V(poll_add, ADDR, true);
V(poll_add, BUF_INDEX, true);
V(poll_add, FILE_INDEX, false);
V(poll_add, ADDR3, false);
V(poll_remove, IOPRIO, true);
V(poll_remove, OFF, true);
V(poll_remove, OP_FLAGS, true);
V(poll_remove, BUF_INDEX, true);
V(poll_remove, FILE_INDEX, true);
V(poll_remove, ADDR3, false);

FIXTURE_SETUP(rsv)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	ring = &self->r;
}

FIXTURE_TEARDOWN(rsv)
{
	iou_ring_exit(&self->r);
}

TEST_F(rsv, answer_is_the_interfaces)
{
	iou_rsv_check(_metadata, &self->r, variant->op, variant->field, variant->einval);
}

TEST_HARNESS_MAIN
