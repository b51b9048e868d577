// SPDX-License-Identifier: GPL-2.0
/*
 * sqe->ioprio on the read and write opcodes (READ, WRITE, READV, WRITEV:
 * their io_issue_def has .ioprio) is the request's I/O priority, checked
 * by io_prep_rw() with ioprio_check_cap(), the check ioprio_set(2) makes:
 * the opcode's result is the transfer when ioprio_set(IOPRIO_WHO_PROCESS)
 * accepts the same value, and ioprio_set's errno otherwise.  preadv2 and
 * pwritev2 have no priority argument, so ioprio_set(2) is the twin:
 * BE and IDLE at any level, priority hints (6.5) and 0 (the task's own
 * priority) are accepted; NONE with a level, and the classes above IDLE
 * (4 to 7), are -EINVAL; RT needs CAP_SYS_ADMIN or CAP_SYS_NICE, -EPERM
 * without (checked as nobody).  Inline and from io-wq.
 */
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_READ, IORING_OP_WRITE, IORING_OP_READV,
				IORING_OP_WRITEV));

#define PRIO(class, data)	((unsigned int)(class) << 13 | (data))
#define LEN			64

FIXTURE(ioprio) {
	int fd;
};

FIXTURE_VARIANT(ioprio) {
	int twin_res;		/* ioprio_set(2)'s result */
	unsigned int value;
	bool as_nobody;
};

#define ROW(name, v, res, ...) \
	FIXTURE_VARIANT_ADD(ioprio, name) { .value = (v), .twin_res = (res), __VA_ARGS__ }

ROW(zero_is_the_task_priority, 0, 0);
ROW(best_effort_level_0, PRIO(2, 0), 0);
ROW(best_effort_level_7, PRIO(2, 7), 0);
ROW(idle, PRIO(3, 0), 0);
ROW(realtime_level_4, PRIO(1, 4), 0);
ROW(realtime_as_nobody, PRIO(1, 0), -EPERM, .as_nobody = true);
ROW(best_effort_as_nobody, PRIO(2, 3), 0, .as_nobody = true);
ROW(none_with_a_level, PRIO(0, 3), -EINVAL);
ROW(class_4, PRIO(4, 0), -EINVAL);
ROW(class_7, PRIO(7, 1), -EINVAL);

FIXTURE_SETUP(ioprio)
{
	self->fd = iou_scratch_file("data", 4096, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(ioprio)
{
	close(self->fd);
}

static int ioprio_set_self(unsigned int value)
{
	return syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int)value) < 0 ?
	       -errno : 0;
}

/* every rw opcode, inline and from io-wq, with the row's ioprio */
static void check_opcodes(struct __test_metadata *_metadata, int fd, unsigned int value,
			  int expect)
{
	static const int ops[] = {
		IORING_OP_READ, IORING_OP_WRITE, IORING_OP_READV, IORING_OP_WRITEV,
	};
	static char buf[LEN];
	struct iovec iov = { .iov_base = buf, .iov_len = LEN };
	struct iou_ring r;

	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		for (unsigned int async = 0; async < 2; async++) {
			struct io_uring_sqe *sqe = iou_get_sqe(&r);
			bool vec = ops[i] == IORING_OP_READV || ops[i] == IORING_OP_WRITEV;
			struct iou_cqe c;

			iou_prep_rw(sqe, ops[i], fd, vec ? (void *)&iov : (void *)buf,
				    vec ? 1 : LEN, 0);
			sqe->ioprio = (__u16)value;
			sqe->flags = async ? IOSQE_ASYNC : 0;
			sqe->user_data = i;
			ASSERT_EQ(1, iou_submit_reap(&r, &c, 1));
			if (c.res != expect)
				TH_LOG("%s%s with ioprio %#x: %s, expected %s",
				       iou_opcode_name(ops[i]), async ? " (io-wq)" : "", value,
				       iou_res_str(c.res), iou_res_str(expect));
			ASSERT_CQE_AT(&c, 0, i, expect, 0);
		}
	}
	iou_ring_exit(&r);
}

static void check_row(struct __test_metadata *_metadata, int fd,
		      const FIXTURE_VARIANT(ioprio) *row)
{
	int twin = ioprio_set_self(row->value);

	/* back to the default before the ring runs anything */
	ASSERT_EQ(0, ioprio_set_self(0));
	ASSERT_RES(row->twin_res, twin);
	check_opcodes(_metadata, fd, row->value, twin ? twin : LEN);
}

TEST_F(ioprio, matches_ioprio_set)
{
	pid_t pid;

	if (!variant->as_nobody) {
		if (variant->twin_res == 0 && (variant->value >> 13) == 1 &&
		    !iou_has_cap(CAP_SYS_ADMIN) && !iou_has_cap(CAP_SYS_NICE))
			SKIP(return, "the realtime class needs CAP_SYS_ADMIN or CAP_SYS_NICE");
		check_row(_metadata, self->fd, variant);
		return;
	}
	REQUIRE_ROOT();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		ASSERT_EQ(0, iou_drop_privileges(65534, 65534));
		check_row(_metadata, self->fd, variant);
		_exit(0);
	}
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
