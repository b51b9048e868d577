// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_WAITID (6.7) held to waitid(2) on a table: the same child in
 * the same state (exited, killed, stopped, running), named the same way
 * (P_PID, P_PGID, P_ALL, P_PIDFD), with the same options, gives the
 * call's result in the CQE, inline and from io-wq, and the same siginfo_t,
 * compared byte for byte over all of its 128 bytes (both start from the
 * same fill; only si_pid, the side's own child, is set aside), and leaves
 * the child in the same state (reaped, or still waitable with WNOWAIT).
 * Every side forks its own child.
 *
 * Rows: an exited or killed child completes at once; WNOHANG with a
 * running child completes with 0 and a zeroed siginfo (the fields waitid
 * writes: signo, errno, code, pid, uid, status); WSTOPPED reports a
 * stopped child; a NULL infop reaps without reporting, an unwritable one
 * is -EFAULT; a pid that is not our child, or no child at all, -ECHILD;
 * no WEXITED/WSTOPPED/WCONTINUED, an unknown option bit, an unknown
 * idtype or a pid <= 0 with P_PID, -EINVAL; a bad pidfd -EBADF.  A child
 * still running is waited for: the request stays pending (a quiet
 * window) until the child exits.
 *
 * Where they differ: waitid(2) writes the six fields (zeroed) even when
 * it refuses its arguments (kernel/exit.c copies out whatever
 * kernel_waitid() returned), while WAITID refused by
 * kernel_waitid_prepare() completes without touching the buffer; both
 * leave the bytes past si_status alone, so those rows compare the
 * opcode's buffer with the untouched fill.
 *
 * Before 93d93f5f8da7 (7.1; stable 6.12.92, 6.18.34, 7.0.11) a WAITID
 * that completed without a child event (WNOHANG with nothing to report,
 * -ECHILD) copied uninitialised bytes of its request into si_code, si_pid,
 * si_uid and si_status: each ring side first reaps a child of its own
 * through the ring, so that the stale bytes are that child's.  The
 * wnohang_ and echild_ rows fail on 6.12.43 (si_code 1, si_pid and
 * si_status of an earlier child) and pass on 6.12.118 and 6.18.44.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "iou.h"
#include "iou_waitid.h"

IOU_REQUIRES(.opcodes = IOU_OPS(IORING_OP_WAITID),
	     .fixes = IOU_FIXES(IOU_FIX("93d93f5f8da7", "CVE-2026-46315", "*.wnohang_*",
					"io_uring/waitid: clear waitid info before copying it to userspace"),
				IOU_FIX("93d93f5f8da7", "CVE-2026-46315", "*.echild_*",
					"io_uring/waitid: clear waitid info before copying it to userspace")));

#ifndef P_PIDFD
#define P_PIDFD		3
#endif

#define SI_FILL		0xa5

enum scene { NO_CHILD, EXITED, KILLED, STOPPED, RUNNING, EXITS_LATER };
enum id_kind { ID_CHILD, ID_CHILD_PGID, ID_ZERO, ID_INIT, ID_NEG, ID_PIDFD, ID_BAD_FD };
enum info_kind { INFO_BUF, INFO_NULL, INFO_FAULT };

FIXTURE(waitid) {
	struct iou_ring r;
};

FIXTURE_VARIANT(waitid) {
	int twin_res;
	enum scene scene;
	int idtype;
	enum id_kind id;
	int options;
	enum info_kind info;
	bool still_waitable;	/* the child is not reaped by the call */
	bool si_untouched;	/* refused before the wait: see below */
};

#define ROW(name, ...) FIXTURE_VARIANT_ADD(waitid, name) { __VA_ARGS__ }

ROW(exited_child_by_pid, .twin_res = 0, .scene = EXITED, .idtype = P_PID, .options = WEXITED);
ROW(killed_child_by_pid, .twin_res = 0, .scene = KILLED, .idtype = P_PID, .options = WEXITED);
ROW(exited_child_by_pgid, .twin_res = 0, .scene = EXITED, .idtype = P_PGID,
    .id = ID_CHILD_PGID, .options = WEXITED);
ROW(exited_child_by_p_all, .twin_res = 0, .scene = EXITED, .idtype = P_ALL, .id = ID_ZERO,
    .options = WEXITED);
ROW(exited_child_by_pidfd, .twin_res = 0, .scene = EXITED, .idtype = P_PIDFD,
    .id = ID_PIDFD, .options = WEXITED);
ROW(exited_child_wnowait_stays_waitable, .twin_res = 0, .scene = EXITED, .idtype = P_PID,
    .options = WEXITED | WNOWAIT, .still_waitable = true);
ROW(wnohang_running_child, .twin_res = 0, .scene = RUNNING, .idtype = P_PID,
    .options = WEXITED | WNOHANG, .still_waitable = true);
ROW(wnohang_running_child_p_all, .twin_res = 0, .scene = RUNNING, .idtype = P_ALL,
    .id = ID_ZERO, .options = WEXITED | WNOHANG, .still_waitable = true);
ROW(stopped_child_wstopped, .twin_res = 0, .scene = STOPPED, .idtype = P_PID,
    .options = WSTOPPED);
ROW(child_exiting_later_is_waited_for, .twin_res = 0, .scene = EXITS_LATER,
    .idtype = P_PID, .options = WEXITED);
ROW(null_infop_reaps, .twin_res = 0, .scene = EXITED, .idtype = P_PID, .options = WEXITED,
    .info = INFO_NULL);
ROW(unwritable_infop, .twin_res = -EFAULT, .scene = EXITED, .idtype = P_PID,
    .options = WEXITED, .info = INFO_FAULT);
ROW(echild_pid_not_our_child, .twin_res = -ECHILD, .scene = EXITED, .idtype = P_PID, .id = ID_INIT,
    .options = WEXITED, .still_waitable = true);
ROW(echild_no_child_at_all, .twin_res = -ECHILD, .scene = NO_CHILD, .idtype = P_ALL, .id = ID_ZERO,
    .options = WEXITED);
ROW(no_event_option, .twin_res = -EINVAL, .scene = EXITED, .idtype = P_PID, .options = 0,
    .still_waitable = true, .si_untouched = true);
ROW(unknown_option_bit, .twin_res = -EINVAL, .scene = EXITED, .idtype = P_PID,
    .options = WEXITED | 0x00800000, .still_waitable = true, .si_untouched = true);
ROW(unknown_idtype, .twin_res = -EINVAL, .scene = EXITED, .idtype = 99,
    .options = WEXITED, .still_waitable = true, .si_untouched = true);
ROW(negative_pid, .twin_res = -EINVAL, .scene = EXITED, .idtype = P_PID, .id = ID_NEG,
    .options = WEXITED, .still_waitable = true, .si_untouched = true);
ROW(bad_pidfd, .twin_res = -EBADF, .scene = EXITED, .idtype = P_PIDFD, .id = ID_BAD_FD,
    .options = WEXITED, .still_waitable = true, .si_untouched = true);

FIXTURE_SETUP(waitid)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
}

FIXTURE_TEARDOWN(waitid)
{
	iou_ring_exit(&self->r);
}

/* one side's child, in the row's state */
struct scene_run {
	pid_t pid;
	int release;		/* write end: closing it lets a running child exit */
	int pidfd;
};

static int scene_start(struct scene_run *s, const FIXTURE_VARIANT(waitid) *row)
{
	int p[2];
	char c;

	s->pid = -1;
	s->release = -1;
	s->pidfd = -1;
	if (row->scene == NO_CHILD)
		return 0;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	s->pid = fork();
	if (s->pid < 0)
		return -errno;
	if (s->pid == 0) {
		close(p[1]);
		setpgid(0, 0);
		if (row->scene == EXITED)
			_exit(7);
		if (row->scene == STOPPED)
			raise(SIGSTOP);
		/* until the parent closes its end */
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(3);
	}
	close(p[0]);
	s->release = p[1];
	setpgid(s->pid, s->pid);
	if (row->scene == KILLED)
		kill(s->pid, SIGKILL);
	if ((row->scene == EXITED || row->scene == KILLED) &&
	    !iou_wait_proc_state(s->pid, 'Z', IOU_WAIT_MS))
		return -ETIME;
	if (row->scene == STOPPED && !iou_wait_proc_state(s->pid, 'T', IOU_WAIT_MS))
		return -ETIME;
	if (row->id == ID_PIDFD) {
		s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
		if (s->pidfd < 0)
			return -errno;
	}
	return 0;
}

static void scene_end(struct scene_run *s)
{
	if (s->release >= 0)
		close(s->release);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
}

static int row_id(const struct scene_run *s, const FIXTURE_VARIANT(waitid) *row)
{
	switch (row->id) {
	case ID_CHILD:
	case ID_CHILD_PGID:
		return s->pid;
	case ID_ZERO:
		return 0;
	case ID_INIT:
		return 1;
	case ID_NEG:
		return -s->pid;
	case ID_PIDFD:
		return s->pidfd;
	default:
		return 1 << 20;	/* no such descriptor */
	}
}

static siginfo_t *row_info(siginfo_t *buf, const FIXTURE_VARIANT(waitid) *row)
{
	return row->info == INFO_NULL ? NULL : row->info == INFO_FAULT ? iou_fault_ptr() : buf;
}

/*
 * One side: the call (ring NULL) or the opcode (inline or async); its
 * result, its siginfo with si_pid set aside (checked against its child),
 * and whether the child is still waitable afterwards.
 */
static int run_side(struct __test_metadata *_metadata, struct iou_ring *r, bool async,
		    const FIXTURE_VARIANT(waitid) *row, siginfo_t *si, bool *waitable)
{
	struct scene_run s;
	siginfo_t *info;
	int res, ret;

	/* a ring side first reaps a child of its own through the ring */
	if (r)
		ASSERT_RES(0, iou_waitid_reap_exited_child(r, 9));
	ret = scene_start(&s, row);

	if (ret) {
		TH_LOG("the row's child could not be set up: %s", iou_res_str(ret));
		scene_end(&s);
		return INT32_MIN;
	}
	memset(si, SI_FILL, sizeof(*si));
	info = row_info(si, row);
	if (!r) {
		if (row->scene == EXITS_LATER) {
			close(s.release);
			s.release = -1;
		}
		res = waitid(row->idtype, (id_t)row_id(&s, row), info, row->options) < 0 ?
		      -errno : 0;
	} else {
		struct io_uring_sqe *sqe = iou_get_sqe(r);
		struct iou_cqe c;
		__u64 ud = 0x3a17d000ULL + async;

		iou_prep_waitid(sqe, row->idtype, row_id(&s, row), info, row->options, 0);
		sqe->user_data = ud;
		sqe->flags = async ? IOSQE_ASYNC : 0;
		EXPECT_EQ(1, iou_submit(r));
		if (row->scene == EXITS_LATER) {
			EXPECT_EQ(0, iou_reap_quiet(r, IOU_QUIET_MS, NULL));
			close(s.release);
			s.release = -1;
		}
		res = iou_reap(r, &c, 1, IOU_WAIT_MS) == 1 ? c.res : INT32_MIN;
		EXPECT_EQ(ud, c.user_data);
		EXPECT_EQ(0u, c.flags);
	}
	if (row->info == INFO_BUF && res == 0 && si->si_pid != 0) {
		EXPECT_EQ(s.pid, si->si_pid);
		si->si_pid = 0;
	}
	*waitable = false;
	if (s.pid > 0) {
		siginfo_t peek;

		memset(&peek, 0, sizeof(peek));
		*waitable = waitid(P_PID, (id_t)s.pid, &peek,
				   WEXITED | WSTOPPED | WNOHANG | WNOWAIT) == 0 &&
			    peek.si_pid == s.pid;
		if (row->scene == RUNNING)	/* nothing to report yet, but still ours */
			*waitable = waitid(P_PID, (id_t)s.pid, &peek, WEXITED | WNOHANG) == 0;
	}
	scene_end(&s);
	return res;
}

static void log_si_diff(const siginfo_t *a, const siginfo_t *b, const char *side)
{
	const unsigned char *x = (const void *)a, *y = (const void *)b;

	for (size_t i = 0; i < sizeof(*a); i++)
		if (x[i] != y[i])
			iou_log("%s: siginfo byte %zu is 0x%02x, waitid(2) wrote 0x%02x",
				side, i, y[i], x[i]);
}

TEST_F(waitid, matches_waitid)
{
	siginfo_t twin_si, si;
	bool twin_waitable, waitable;
	int twin = run_side(_metadata, NULL, false, variant, &twin_si, &twin_waitable);

	ASSERT_RES(variant->twin_res, twin);
	ASSERT_EQ(variant->still_waitable, twin_waitable);
	if (variant->si_untouched) {
		/* the call zeroed what it writes, the opcode writes nothing */
		ASSERT_EQ(0, twin_si.si_signo);
		ASSERT_EQ(0, twin_si.si_code);
		ASSERT_EQ(0, twin_si.si_status);
		memset(&twin_si, SI_FILL, sizeof(twin_si));
	}

	for (unsigned int side = 0; side < 2; side++) {
		const char *name = side ? "WAITID from io-wq" : "WAITID";
		int res = run_side(_metadata, &self->r, side, variant, &si, &waitable);

		if (res != twin)
			TH_LOG("%s: %s, waitid(2): %s", name, iou_res_str(res), iou_res_str(twin));
		ASSERT_RES(twin, res);
		if (memcmp(&twin_si, &si, sizeof(si)))
			log_si_diff(&twin_si, &si, name);
		ASSERT_EQ(0, memcmp(&twin_si, &si, sizeof(si)));
		ASSERT_EQ(twin_waitable, waitable);
	}
}

TEST_HARNESS_MAIN
