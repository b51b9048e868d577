// SPDX-License-Identifier: GPL-2.0
/*
 * execve(2) and a ring:
 *  - ring descriptors are created close-on-exec: a new program image does
 *    not get them;
 *  - a descriptor without FD_CLOEXEC (a dup()) survives the exec and is a
 *    working ring there: the new image submits what the old one queued,
 *    and the CQE is seen by every other holder of the ring;
 *  - exec cancels the requests the exec'ing task had in flight (CQE
 *    -ECANCELED, posted before the new image runs), and only those: the
 *    requests of the other tasks sharing the ring go on.
 *
 * The new image is this very program (/proc/self/exe), which acts as a
 * helper when IOU_LC_EXEC is in its environment, before any test runs:
 *   closed:<fd>      exit 0 if fd is not open
 *   submit:<fd>      exit 0 if io_uring_enter(fd, 1, 1, GETEVENTS) is 1
 *   hold:<fd>        write one byte to fd, then wait to be killed
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "iou.h"

#define HELPER_ENV	"IOU_LC_EXEC"

static void __attribute__((constructor)) exec_helper(void)
{
	const char *m = getenv(HELPER_ENV);
	int fd;

	if (!m)
		return;
	fd = atoi(strchr(m, ':') ? strchr(m, ':') + 1 : "-1");
	if (!strncmp(m, "closed:", 7))
		_exit(fcntl(fd, F_GETFD) == -1 && errno == EBADF ? 0 : 1);
	if (!strncmp(m, "submit:", 7))
		_exit(sys_io_uring_enter(fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) == 1 ? 0 : 1);
	if (!strncmp(m, "hold:", 5)) {
		if (write(fd, "h", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	_exit(99);
}

/* in a forked child: replace the image by the helper in mode m */
static void exec_helper_mode(const char *mode, int fd)
{
	char env[64];
	char *argv[] = { (char *)"iou-exec-helper", NULL };
	char *envp[] = { env, NULL };

	snprintf(env, sizeof(env), HELPER_ENV "=%s:%d", mode, fd);
	execve("/proc/self/exe", argv, envp);
	_exit(98);
}

FIXTURE(exec) {
	struct iou_ring r;
	int p[2];
};

FIXTURE_SETUP(exec)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe2(self->p, O_CLOEXEC));
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(exec)
{
	iou_ring_exit(&self->r);
	close(self->p[0]);
	close(self->p[1]);
}

TEST_F(exec, ring_descriptor_is_close_on_exec)
{
	ASSERT_EQ(FD_CLOEXEC, fcntl(self->r.fd, F_GETFD));
}

TEST_F(exec, exec_closes_the_ring_descriptor)
{
	int pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		exec_helper_mode("closed", self->r.fd);
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_F(exec, descriptor_without_cloexec_is_a_working_ring_after_exec)
{
	struct iou_cqe c;
	int d = dup(self->r.fd), pid;

	ASSERT_LE(0, d);
	ASSERT_EQ(0, fcntl(d, F_GETFD));
	/* queue the SQE here; the new image only calls io_uring_enter */
	iou_prep_nop(iou_get_sqe(&self->r), 0x5e);
	iou_sq_flush(&self->r);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		exec_helper_mode("submit", d);
	close(d);
	ASSERT_EQ(0, iou_wait_child(pid, IOU_WAIT_MS));
	ASSERT_EQ(1, iou_load_acquire(self->r.sq_khead));
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&c, 0, 0x5e, 0, 0);
}

TEST_F(exec, exec_cancels_only_the_execing_tasks_requests)
{
	struct iou_cqe c;
	int hold[2], pid;
	char x;

	/* the parent's own request, which must survive */
	iou_queue_poll(&self->r, self->p[0], 0xa1);
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(0, pipe(hold));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(hold[0]);
		iou_queue_poll(&self->r, self->p[0], 0xc4);
		if (iou_submit(&self->r) != 1)
			_exit(3);
		exec_helper_mode("hold", hold[1]);
	}
	close(hold[1]);
	/* the new image runs: the old one's request must be gone by now */
	ASSERT_EQ(1, read(hold[0], &x, 1));
	close(hold[0]);
	self->r.sqe_head = self->r.sqe_tail = *self->r.sq_ktail;
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&c, 0, 0xc4, -ECANCELED, 0);
	/* and the parent's poll is still armed */
	ASSERT_NO_CQE(&self->r, IOU_QUIET_MS);
	ASSERT_EQ(1, write(self->p[1], "x", 1));
	ASSERT_EQ(1, iou_reap(&self->r, &c, 1, IOU_WAIT_MS));
	ASSERT_CQE_AT(&c, 0, 0xa1, POLLIN, 0);
	kill(pid, SIGKILL);
	ASSERT_EQ(128 + SIGKILL, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
