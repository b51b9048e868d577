// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_IOWQ_AFF sets the CPU affinity of the ring's io-wq
 * workers: a worker that runs a request after the registration (an
 * IOSQE_ASYNC OPENAT of a FIFO, which blocks in io-wq until a writer
 * comes) is allowed
 * only the registered CPU (every worker of the task is checked); IORING_UNREGISTER_IOWQ_AFF gives the next
 * worker every CPU of the task back, and succeeds when nothing was
 * registered.  Argument checks: nr_args 0 and NULL are EINVAL, a faulting
 * mask EFAULT, UNREGISTER with an argument or nr_args EINVAL, a non-ring
 * fd EOPNOTSUPP; a registered ring index works like the fd.
 */
#include <sched.h>
#include <sys/stat.h>

#include "iou.h"
#include "iou_pbuf.h"

FIXTURE(affinity) {
	struct iou_ring r;
	cpu_set_t task_cpus;
	char fifo[512];
	int wfd;
};

FIXTURE_VARIANT(affinity) {
	bool registered_ring;
};

/* entered by the ring fd, and by its registered index */
#define IOU_ENTRY_FIXTURE affinity
#include "iou_modes.h"

FIXTURE_SETUP(affinity)
{
	self->wfd = -1;
	REQUIRE_REGISTER_OP(IORING_REGISTER_IOWQ_AFF);
	IOU_RING_INIT_ENTRY(&self->r, 4, variant->registered_ring);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(self->task_cpus), &self->task_cpus));
	snprintf(self->fifo, sizeof(self->fifo), "%s", iou_scratch_path("fifo"));
	ASSERT_EQ(0, mkfifo(self->fifo, 0600));
}

FIXTURE_TEARDOWN(affinity)
{
	if (self->wfd >= 0)
		close(self->wfd);
	iou_ring_exit(&self->r);
}

/* lowest CPU the task may run on */
static int first_cpu(const cpu_set_t *s)
{
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, s))
			return i;
	return -1;
}

/*
 * Start an OPENAT of the FIFO (it blocks in an io-wq worker), find that
 * worker and return its affinity; then let the open complete.
 */
static void worker_affinity(struct __test_metadata *_metadata,
			    FIXTURE_DATA(affinity) *self, cpu_set_t *out)
{
	struct io_uring_sqe *sqe = iou_get_sqe(&self->r);
	struct iou_cqe cqe;
	int tids[16], n;

	iou_prep_openat(sqe, AT_FDCWD, self->fifo, O_RDONLY | O_CLOEXEC, 0);
	/* inline, OPENAT would try O_NONBLOCK first and a FIFO opens at once */
	sqe->flags |= IOSQE_ASYNC;
	sqe->user_data = 0x42;
	ASSERT_EQ(1, iou_submit(&self->r));
	n = iou_wait_iowq_workers(1, tids, 16, IOU_WAIT_MS);
	ASSERT_LE(1, n);
	ASSERT_GE(16, n);
	/* every worker of this task now has the new affinity */
	CPU_ZERO(out);
	for (int i = 0; i < n; i++) {
		cpu_set_t s;

		ASSERT_EQ(0, sched_getaffinity(tids[i], sizeof(s), &s));
		if (i == 0)
			*out = s;
		ASSERT_TRUE(CPU_EQUAL(out, &s));
	}
	/* a writer end lets the blocked open finish */
	if (self->wfd < 0)
		self->wfd = open(self->fifo, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->wfd);
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x42, cqe.user_data);
	ASSERT_LE(0, cqe.res);
	close(cqe.res);
}

TEST_F(affinity, workers_run_only_on_the_registered_cpu)
{
	cpu_set_t want, got;
	int cpu = first_cpu(&self->task_cpus);

	if (CPU_COUNT(&self->task_cpus) < 2)
		SKIP(return, "needs at least 2 CPUs to tell a pinned worker apart");
	ASSERT_LE(0, cpu);
	CPU_ZERO(&want);
	CPU_SET(cpu, &want);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_IOWQ_AFF, &want,
				   sizeof(want)));
	worker_affinity(_metadata, self, &got);
	ASSERT_TRUE(CPU_EQUAL(&want, &got));
}

TEST_F(affinity, unregister_gives_workers_all_task_cpus_back)
{
	cpu_set_t want, got;

	if (CPU_COUNT(&self->task_cpus) < 2)
		SKIP(return, "needs at least 2 CPUs to tell a pinned worker apart");
	CPU_ZERO(&want);
	CPU_SET(first_cpu(&self->task_cpus), &want);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_IOWQ_AFF, &want,
				   sizeof(want)));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_IOWQ_AFF, NULL, 0));
	worker_affinity(_metadata, self, &got);
	ASSERT_TRUE(CPU_EQUAL(&self->task_cpus, &got));
}

TEST_F(affinity, unregister_without_registration_succeeds)
{
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_IOWQ_AFF, NULL, 0));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_IOWQ_AFF, NULL, 0));
}

TEST_F(affinity, short_mask_is_read_as_given)
{
	/* nr_args is the mask size in bytes; one byte covers CPUs 0-7 */
	unsigned char one = 1;
	cpu_set_t got, want;

	if (CPU_COUNT(&self->task_cpus) < 2 || !CPU_ISSET(0, &self->task_cpus))
		SKIP(return, "needs CPU 0 and another CPU");
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_IOWQ_AFF, &one, 1));
	worker_affinity(_metadata, self, &got);
	CPU_ZERO(&want);
	CPU_SET(0, &want);
	ASSERT_TRUE(CPU_EQUAL(&want, &got));
}

TEST_F(affinity, zero_length_mask_is_einval)
{
	cpu_set_t s = self->task_cpus;

	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_IOWQ_AFF, &s, 0));
}

TEST_F(affinity, null_mask_is_einval)
{
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_IOWQ_AFF, NULL, 8));
}

TEST_F(affinity, faulting_mask_is_efault)
{
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_IOWQ_AFF,
					 iou_fault_ptr(), 8));
}

TEST_F(affinity, unregister_with_argument_is_einval)
{
	cpu_set_t s = self->task_cpus;

	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_IOWQ_AFF, &s, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_IOWQ_AFF, NULL, 1));
}

TEST_F(affinity, non_ring_fd_is_eopnotsupp)
{
	cpu_set_t s = self->task_cpus;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(fd, IORING_REGISTER_IOWQ_AFF,
							&s, sizeof(s)));
	close(fd);
}

TEST_HARNESS_MAIN
