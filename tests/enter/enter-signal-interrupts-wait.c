// SPDX-License-Identifier: GPL-2.0
/*
 * Signals and a GETEVENTS wait:
 *  - a signal caught while waiting ends the wait with EINTR (SA_RESTART
 *    or not: the wait is not restarted), unless CQEs are already in the
 *    ring, in which case the call returns 0 and the handler still runs;
 *  - the signal mask passed to the call (IORING_ENTER_EXT_ARG's sigmask,
 *    or the sigset_t argument of the original form) is in force only
 *    during the wait, as with pselect(2): a pending signal it unblocks is
 *    delivered at once (EINTR), one it blocks does not interrupt, and the
 *    caller's own mask is back in place when the call returns;
 *  - the mask must be exactly the kernel's sigset_t size (EINVAL) and
 *    readable (EFAULT), but is only looked at when the call really
 *    sleeps;
 *  - a wait with no timeout can always be killed.
 *
 * Timing: a signal meant to arrive during a wait is sent by a helper
 * thread once the caller is seen asleep in io_uring_enter (a timer armed
 * before the call could fire before the wait on a loaded machine); the
 * wait it must not end lasts 200 ms times the timeout scale.
 */
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "iou.h"

IOU_REQUIRES(.features = IORING_FEAT_EXT_ARG);

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	(void)sig;
	caught++;
}

static void catch(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void block(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static bool is_blocked(int sig)
{
	sigset_t s;

	sigprocmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

static bool is_pending(int sig)
{
	sigset_t s;

	sigpending(&s);
	return sigismember(&s, sig);
}

/* EXT_ARG wait for one CQE, up to ms, with signal mask m (or none) */
static int wait_masked(struct iou_ring *r, unsigned int min_complete,
		       const sigset_t *m, unsigned int ms)
{
	struct __kernel_timespec ts = iou_ts_ms(ms);
	struct io_uring_getevents_arg a = iou_getevents_arg(&ts, m, 0);

	return iou_enter(r, 0, min_complete, IOU_GETEVENTS_EXT, &a, sizeof(a));
}

FIXTURE(signal) {
	struct iou_ring r;
};

FIXTURE_VARIANT(signal) {
	int sa_flags;
};

FIXTURE_VARIANT_ADD(signal, plain_handler) { .sa_flags = 0 };
FIXTURE_VARIANT_ADD(signal, sa_restart_handler) { .sa_flags = SA_RESTART };

FIXTURE_SETUP(signal)
{
	caught = 0;
	catch(SIGALRM, variant->sa_flags);
	catch(SIGUSR1, variant->sa_flags);
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(signal)
{
	iou_ring_exit(&self->r);
}

/*
 * A signal for the calling thread, sent by a helper thread only once the
 * caller sleeps in io_uring_enter: a timer armed before the call could
 * fire before the wait starts on a loaded machine.
 */
struct signal_in_wait {
	pthread_t thread;
	pid_t tid;
	int sig;
	bool sent;
};

static void *send_when_asleep(void *arg)
{
	struct signal_in_wait *s = arg;

	if (iou_wait_sleeps_in(s->tid, __NR_io_uring_enter, IOU_WAIT_MS))
		s->sent = syscall(SYS_tgkill, getpid(), s->tid, s->sig) == 0;
	return NULL;
}

static int signal_in_wait_start(struct signal_in_wait *s, int sig)
{
	s->tid = (pid_t)syscall(SYS_gettid);
	s->sig = sig;
	s->sent = false;
	return pthread_create(&s->thread, NULL, send_when_asleep, s);
}

/* joined: was the signal sent while the caller slept in the wait? */
static bool signal_in_wait_sent(struct signal_in_wait *s)
{
	pthread_join(s->thread, NULL);
	return s->sent;
}

TEST_F(signal, signal_during_the_wait_is_eintr)
{
	struct signal_in_wait s;

	ASSERT_EQ(0, signal_in_wait_start(&s, SIGALRM));
	ASSERT_RES(-EINTR, wait_masked(&self->r, 1, NULL, IOU_WAIT_MS));
	ASSERT_TRUE(signal_in_wait_sent(&s));
	ASSERT_EQ(1, caught);
	ASSERT_EQ(0, iou_cq_ready(&self->r));
}

TEST_F(signal, pending_signal_unblocked_by_the_wait_mask_interrupts_at_once)
{
	sigset_t none;

	block(SIGUSR1);
	raise(SIGUSR1);
	ASSERT_EQ(0, caught);
	sigemptyset(&none);
	ASSERT_RES(-EINTR, wait_masked(&self->r, 1, &none, IOU_WAIT_MS));
	ASSERT_EQ(1, caught);
	/* the caller's mask is back and the signal was consumed */
	ASSERT_TRUE(is_blocked(SIGUSR1));
	ASSERT_FALSE(is_pending(SIGUSR1));
}

TEST_F(signal, signal_blocked_by_the_wait_mask_does_not_interrupt)
{
	sigset_t usr1;
	uint64_t start = iou_now_ns();

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	block(SIGUSR1);
	raise(SIGUSR1);
	ASSERT_RES(-ETIME, wait_masked(&self->r, 1, &usr1, 30));
	ASSERT_LE(30, iou_ms_since(start));
	ASSERT_EQ(0, caught);
	ASSERT_TRUE(is_pending(SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	ASSERT_EQ(1, caught);
}

/* blocked only during the wait: delivered on the way out of the call */
TEST_F(signal, signal_held_off_by_the_wait_mask_arrives_after_the_call)
{
	struct signal_in_wait s;
	unsigned int ms = iou_scaled_ms(200);
	sigset_t alrm;
	uint64_t start = iou_now_ns();

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	ASSERT_EQ(0, signal_in_wait_start(&s, SIGALRM));
	ASSERT_RES(-ETIME, wait_masked(&self->r, 1, &alrm, ms));
	ASSERT_LE(ms, iou_ms_since(start));
	ASSERT_TRUE(signal_in_wait_sent(&s));
	ASSERT_EQ(1, caught);
	ASSERT_FALSE(is_blocked(SIGALRM));
}

TEST_F(signal, original_sigmask_argument_behaves_the_same)
{
	sigset_t none;

	block(SIGUSR1);
	raise(SIGUSR1);
	sigemptyset(&none);
	ASSERT_RES(-EINTR, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS,
				     &none, IOU_NSIG_BYTES));
	ASSERT_EQ(1, caught);
	ASSERT_TRUE(is_blocked(SIGUSR1));
}

TEST_F(signal, signal_with_cqes_ready_returns_zero)
{
	sigset_t none;

	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_RES(1, iou_submit(&self->r));
	block(SIGUSR1);
	raise(SIGUSR1);
	sigemptyset(&none);
	ASSERT_RES(0, wait_masked(&self->r, 2, &none, IOU_WAIT_MS));
	ASSERT_EQ(1, caught);
	ASSERT_EQ(1, iou_cq_ready(&self->r));
	IOU_EXPECT_CQES(&self->r, IOU_CQE(1, 0));
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* only the waiting thread blocks SIGUSR1: the process's signal goes elsewhere */
TEST_F(signal, signal_taken_by_another_thread_does_not_interrupt)
{
	uint64_t start;
	pthread_t t;
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	ASSERT_EQ(0, pthread_create(&t, NULL, sleeper, NULL));
	block(SIGUSR1);
	start = iou_now_ns();
	ASSERT_EQ(0, kill(getpid(), SIGUSR1));
	ASSERT_RES(-ETIME, wait_masked(&self->r, 1, &usr1, 30));
	ASSERT_LE(30, iou_ms_since(start));
	/* the other thread runs the handler whenever it gets a CPU */
	while (!caught && iou_ms_since(start) < IOU_WAIT_MS)
		usleep(1000);
	ASSERT_EQ(1, caught);
	ASSERT_FALSE(is_pending(SIGUSR1));
	pthread_cancel(t);
	pthread_join(t, NULL);
}

FIXTURE(mask) {
	struct iou_ring r;
};

FIXTURE_SETUP(mask)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
}

FIXTURE_TEARDOWN(mask)
{
	iou_ring_exit(&self->r);
}

TEST_F(mask, sigmask_of_another_size_is_einval)
{
	static const unsigned int sizes[] = { 0, 4, 7, 9, 16, 128 };
	sigset_t m;
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);

	sigemptyset(&m);
	struct io_uring_getevents_arg a = iou_getevents_arg(&ts, &m, 0);

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (!sizes[i])
			continue;	/* sigmask_sz 0 is only tried below */
		a.sigmask_sz = sizes[i];
		ASSERT_EQ(-EINVAL, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT,
					     &a, sizeof(a)))
			TH_LOG("sigmask_sz %u", sizes[i]);
		ASSERT_EQ(-EINVAL, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS,
					     &m, sizes[i]))
			TH_LOG("argsz %u", sizes[i]);
	}
	a.sigmask_sz = 0;
	ASSERT_RES(-EINVAL, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT, &a, sizeof(a)));
}

TEST_F(mask, unreadable_sigmask_is_efault)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	struct io_uring_getevents_arg a = iou_getevents_arg(&ts, iou_fault_ptr(), 0);

	ASSERT_RES(-EFAULT, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT, &a, sizeof(a)));
	ASSERT_RES(-EFAULT, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS,
				      iou_fault_ptr(), IOU_NSIG_BYTES));
}

/* not waiting (min_complete 0, or enough CQEs): the mask is never read */
TEST_F(mask, sigmask_is_only_read_when_the_call_sleeps)
{
	struct __kernel_timespec ts = iou_ts_ms(IOU_WAIT_MS);
	struct io_uring_getevents_arg a = iou_getevents_arg(&ts, iou_fault_ptr(), 0);

	a.sigmask_sz = 3;
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IOU_GETEVENTS_EXT, &a, sizeof(a)));
	ASSERT_RES(0, iou_enter(&self->r, 0, 0, IORING_ENTER_GETEVENTS,
				iou_fault_ptr(), 3));
	iou_prep_nop(iou_get_sqe(&self->r), 1);
	ASSERT_RES(1, iou_submit(&self->r));
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IOU_GETEVENTS_EXT, &a, sizeof(a)));
	ASSERT_RES(0, iou_enter(&self->r, 0, 1, IORING_ENTER_GETEVENTS,
				iou_fault_ptr(), 3));
}

TEST(wait_without_timeout_is_killable)
{
	int pid, ready[2];
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct iou_ring r;

		if (iou_ring_init(&r, 4, 0))
			_exit(2);
		close(ready[0]);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		sys_io_uring_enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
		_exit(4);	/* nothing can complete: never reached */
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	/* let it reach the wait, then kill it there */
	ASSERT_TRUE(iou_wait_sleeps_in(pid, __NR_io_uring_enter, IOU_WAIT_MS));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, iou_wait_child(pid, IOU_WAIT_MS));
}

TEST_HARNESS_MAIN
