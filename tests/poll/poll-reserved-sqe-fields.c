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
#define IOU_RSV_FIXTURE
#include "iou_twin.h"

struct pst {
	int efd;
};

/* POLL_ADD on an eventfd whose counter is 1: POLLIN at once */
static int add_setup(struct iou_twin_run *tw, int opcode)
{
	struct pst *s = tw->st;

	s->efd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	return s->efd < 0 ? -errno : 0;
}

static void add_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_poll_add(sqe, ((struct pst *)tw->st)->efd, POLLIN);
}

static void pst_done(struct iou_twin_run *tw, int opcode, int res)
{
	iou_close_res(((struct pst *)tw->st)->efd);
}

/* polling changes nothing */
static const struct iou_rsv_ops op_poll_add = {
	.st_size = sizeof(struct pst), .setup = add_setup, .prep = add_prep, .done = pst_done };

/*
 * POLL_REMOVE of a poll armed on an eventfd that stays at 0: removing
 * it completes the poll with -ECANCELED.  The poll is armed in setup on
 * the runner's ring and reaped, if it ended, in state.
 */
#define TARGET	0x5e7000000000aaaaULL

static int rm_setup(struct iou_twin_run *tw, int opcode)
{
	struct pst *s = tw->st;

	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0)
		return -errno;
	iou_queue_poll(tw->ring, s->efd, TARGET);
	return iou_submit(tw->ring) == 1 ? 0 : -EIO;
}

static void rm_prep(struct iou_twin_run *tw, int opcode, struct io_uring_sqe *sqe)
{
	iou_prep_poll_remove(sqe, TARGET);
}

/* did the target poll end (and how), or is it still armed? */
static void rm_state(struct iou_twin_run *tw, int opcode, char *out, size_t outlen)
{
	struct iou_cqe c = tw->other;
	struct pst *s = tw->st;
	int n = tw->others ? 1 : iou_reap_quiet(tw->ring, IOU_QUIET_MS, &c);

	if (n == 0) {
		/* still armed: end it, out of the state */
		eventfd_write(s->efd, 1);
		n = iou_reap(tw->ring, &c, 1, IOU_WAIT_MS) == 1 ? 0 : -1;
		iou_twin_field(out, outlen, "target still armed", n == 0 && c.res == POLLIN);
		return;
	}
	iou_twin_field(out, outlen, "target ended with",
		       c.user_data == TARGET ? c.res : INT32_MIN);
}

static const struct iou_rsv_ops op_poll_remove = {
	.st_size = sizeof(struct pst), .setup = rm_setup, .prep = rm_prep, .state = rm_state,
	.done = pst_done };

#define VF(o, name, f, field_, e) FIXTURE_VARIANT_ADD(reserved, name##_##f) { \
	.opcode = IORING_OP_##o, .ops = &op_##name, .field = field_, .refused = (e) }
#define V(o, name, f, e)	VF(o, name, f, IOU_SQE_FIELD(f), e)

V(POLL_ADD, poll_add, ioprio, true);
V(POLL_ADD, poll_add, off, true);
V(POLL_ADD, poll_add, addr, true);
V(POLL_ADD, poll_add, buf_index, true);
V(POLL_ADD, poll_add, file_index, false);
V(POLL_ADD, poll_add, addr3, false);
V(POLL_REMOVE, poll_remove, ioprio, true);
V(POLL_REMOVE, poll_remove, off, true);
/* not 1, which is IORING_POLL_UPDATE_EVENTS */
VF(POLL_REMOVE, poll_remove, rw_flags, IOU_SQE_FIELD_V(rw_flags, 0x40000000), true);
V(POLL_REMOVE, poll_remove, buf_index, true);
V(POLL_REMOVE, poll_remove, file_index, true);
V(POLL_REMOVE, poll_remove, addr3, false);

TEST_F(reserved, answer_is_the_interfaces)
{
	iou_rsv_check(_metadata, &self->r, variant->ops, variant->opcode, &variant->field,
		      variant->refused);
}

TEST_HARNESS_MAIN
