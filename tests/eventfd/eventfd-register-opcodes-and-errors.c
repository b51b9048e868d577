// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_EVENTFD, IORING_REGISTER_EVENTFD_ASYNC and
 * IORING_UNREGISTER_EVENTFD: each succeeds, a ring holds at most one
 * eventfd (EBUSY), unregistering with none registered gives ENXIO, the
 * argument must point at one __s32 that is an open eventfd (EFAULT, EBADF,
 * EINVAL), nr_args must be exactly 1 for register and 0 with a NULL
 * argument for unregister (EINVAL), a failed registration registers
 * nothing, and after unregistering a new eventfd (of either kind) can be
 * registered and is the one signalled.
 *
 * Upstream io_uring/register.c checks nr_args before calling
 * io_eventfd_register(), which checks EBUSY before reading the argument,
 * then resolves the fd with eventfd_ctx_fdget() (EBADF for no such fd,
 * EINVAL for a file that is not an eventfd).  The same order holds back
 * to 5.2.
 *
 * Doc discrepancy: io_uring_register(2) lists EBUSY only for buffers,
 * files and restrictions already registered, and ENXIO only for
 * unregistering buffers or files; it does not list EBUSY for a second
 * eventfd, ENXIO for IORING_UNREGISTER_EVENTFD with none registered, nor
 * EINVAL for a descriptor that is not an eventfd.  The tests follow the
 * kernel.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "iou.h"
#include "iou_eventfd.h"

FIXTURE(registration) {
	struct iou_ring r;
	int efd;
};

FIXTURE_VARIANT(registration) {
	bool async;		/* IORING_REGISTER_EVENTFD_ASYNC */
};

FIXTURE_VARIANT_ADD(registration, eventfd) { .async = false };
FIXTURE_VARIANT_ADD(registration, eventfd_async) { .async = true };

FIXTURE_SETUP(registration)
{
	self->r.fd = -1;
	self->efd = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->efd = iou_evfd_create(0);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(registration)
{
	if (self->r.fd >= 0)
		iou_ring_exit(&self->r);
	if (self->efd >= 0)
		close(self->efd);
}

/*
 * Complete one NOP that signals a registration of the variant's kind: an
 * ASYNC registration only counts io-wq completions, hence IOSQE_ASYNC.
 */
static void complete_signalling_nop(struct __test_metadata *_metadata,
				    struct iou_ring *r, bool async, __u64 ud)
{
	struct iou_cqe cqe;

	ASSERT_EQ(1, iou_evfd_submit_nop(r, ud, async ? IOSQE_ASYNC : 0));
	ASSERT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(ud, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
}

TEST_F(registration, register_then_unregister_succeeds)
{
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	complete_signalling_nop(_metadata, &self->r, variant->async, 1);
	/* io-wq signals after posting the CQE: wait for it, bounded */
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	/* unregistered: the same completion no longer signals */
	complete_signalling_nop(_metadata, &self->r, variant->async, 2);
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
}

TEST_F(registration, second_registration_gives_ebusy)
{
	int other = iou_evfd_create(0);
	__s32 fd = other;

	ASSERT_LE(0, other);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	/* either opcode, either eventfd: one registration per ring */
	ASSERT_RES(-EBUSY, iou_evfd_register(&self->r, other, false));
	ASSERT_RES(-EBUSY, iou_evfd_register(&self->r, other, true));
	ASSERT_RES(-EBUSY, iou_evfd_register(&self->r, self->efd, variant->async));
	/* EBUSY is decided before the argument is read */
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_EVENTFD, NULL, 1));
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_EVENTFD_ASYNC,
					(void *)8, 1));
	ASSERT_RES(-EBUSY, iou_register(&self->r, IORING_REGISTER_EVENTFD, &fd, 1));

	/* the first registration is intact and still the one signalled */
	complete_signalling_nop(_metadata, &self->r, variant->async, 3);
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_evfd_take(other));
	close(other);
}

TEST_F(registration, unregister_without_registration_gives_enxio)
{
	ASSERT_RES(-ENXIO, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(-ENXIO, iou_evfd_unregister(&self->r));
}

TEST_F(registration, non_eventfd_fd_gives_einval)
{
	int pfd[2], file, devnull;

	ASSERT_SYSOK(pipe2(pfd, O_CLOEXEC));
	file = iou_scratch_file("plain", 64, 0);
	ASSERT_LE(0, file);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, devnull);

	ASSERT_RES(-EINVAL, iou_evfd_register(&self->r, pfd[0], variant->async));
	ASSERT_RES(-EINVAL, iou_evfd_register(&self->r, pfd[1], variant->async));
	ASSERT_RES(-EINVAL, iou_evfd_register(&self->r, file, variant->async));
	ASSERT_RES(-EINVAL, iou_evfd_register(&self->r, devnull, variant->async));
	/* the ring's own fd is no eventfd either */
	ASSERT_RES(-EINVAL, iou_evfd_register(&self->r, self->r.fd, variant->async));
	/* nothing got registered by the failures */
	ASSERT_RES(-ENXIO, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));

	close(pfd[0]);
	close(pfd[1]);
	close(file);
	close(devnull);
}

TEST_F(registration, closed_or_invalid_fd_gives_ebadf)
{
	int closed = iou_evfd_create(0);

	ASSERT_LE(0, closed);
	ASSERT_SYSOK(close(closed));
	ASSERT_RES(-EBADF, iou_evfd_register(&self->r, closed, variant->async));
	ASSERT_RES(-EBADF, iou_evfd_register(&self->r, -1, variant->async));
	ASSERT_RES(-EBADF, iou_evfd_register(&self->r, INT32_MIN, variant->async));
	/* far beyond the fd table (RLIMIT_NOFILE is 20000 here) */
	ASSERT_RES(-EBADF, iou_evfd_register(&self->r, 1 << 30, variant->async));
	ASSERT_RES(-ENXIO, iou_evfd_unregister(&self->r));
}

TEST_F(registration, unreadable_argument_gives_efault)
{
	unsigned int op = variant->async ? IORING_REGISTER_EVENTFD_ASYNC :
			  IORING_REGISTER_EVENTFD;
	long pg = sysconf(_SC_PAGESIZE);
	void *gone = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, gone);
	ASSERT_SYSOK(munmap(gone, (size_t)pg));

	ASSERT_RES(-EFAULT, iou_register(&self->r, op, NULL, 1));
	ASSERT_RES(-EFAULT, iou_register(&self->r, op, (void *)8, 1));
	ASSERT_RES(-EFAULT, iou_register(&self->r, op, gone, 1));
	/* a kernel address is not readable through copy_from_user either */
	ASSERT_RES(-EFAULT, iou_register(&self->r, op, (void *)-4096L, 1));
	ASSERT_RES(-ENXIO, iou_evfd_unregister(&self->r));
}

TEST_F(registration, nr_args_other_than_one_gives_einval)
{
	unsigned int op = variant->async ? IORING_REGISTER_EVENTFD_ASYNC :
			  IORING_REGISTER_EVENTFD;
	__s32 fds[2] = { self->efd, self->efd };

	ASSERT_RES(-EINVAL, iou_register(&self->r, op, fds, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, op, fds, 2));
	ASSERT_RES(-EINVAL, iou_register(&self->r, op, fds, 0xffffffffu));
	/* nr_args is checked even before the NULL argument */
	ASSERT_RES(-EINVAL, iou_register(&self->r, op, NULL, 0));
	ASSERT_RES(-ENXIO, iou_evfd_unregister(&self->r));
	/* ... and before EBUSY */
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	ASSERT_RES(-EINVAL, iou_register(&self->r, op, fds, 2));
}

TEST_F(registration, unregister_with_argument_gives_einval)
{
	__s32 fd = self->efd;

	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, &fd, 0));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, NULL, 1));
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_UNREGISTER_EVENTFD, &fd, 1));
	/* the registration survived the rejected unregisters */
	complete_signalling_nop(_metadata, &self->r, variant->async, 4);
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
}

TEST_F(registration, reregistration_signals_only_the_new_eventfd)
{
	int second = iou_evfd_create(0);

	ASSERT_LE(0, second);
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, second, variant->async));
	complete_signalling_nop(_metadata, &self->r, variant->async, 5);
	ASSERT_EQ(1, iou_evfd_wait_take(second, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_evfd_take(self->efd));
	/* and back to the first one */
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	complete_signalling_nop(_metadata, &self->r, variant->async, 6);
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	ASSERT_EQ(0, iou_evfd_take(second));
	close(second);
}

TEST_F(registration, reregistration_takes_the_mode_of_the_new_opcode)
{
	/* registered with the other opcode first, then this variant's */
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, !variant->async));
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));

	/* an inline NOP signals a plain registration only */
	complete_signalling_nop(_metadata, &self->r, false, 7);
	if (variant->async) {
		ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	} else {
		ASSERT_EQ(1, iou_evfd_take(self->efd));
	}
	/* an io-wq NOP signals both kinds */
	complete_signalling_nop(_metadata, &self->r, true, 8);
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
}

TEST_F(registration, one_eventfd_may_serve_two_rings)
{
	struct iou_ring other;

	ASSERT_EQ(0, iou_ring_init(&other, 8, 0));
	ASSERT_RES(0, iou_evfd_register(&self->r, self->efd, variant->async));
	ASSERT_RES(0, iou_evfd_register(&other, self->efd, variant->async));
	complete_signalling_nop(_metadata, &self->r, variant->async, 9);
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	complete_signalling_nop(_metadata, &other, variant->async, 10);
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	/* unregistering from one ring leaves the other's registration */
	ASSERT_RES(0, iou_evfd_unregister(&self->r));
	complete_signalling_nop(_metadata, &other, variant->async, 11);
	ASSERT_EQ(1, iou_evfd_wait_take(self->efd, IOU_WAIT_MS));
	complete_signalling_nop(_metadata, &self->r, variant->async, 12);
	ASSERT_EQ(0, iou_evfd_wait_take(self->efd, IOU_QUIET_MS));
	iou_ring_exit(&other);
}

TEST(register_on_a_non_ring_fd_gives_eopnotsupp)
{
	int efd = iou_evfd_create(0);
	int closed = iou_evfd_create(0);
	__s32 fd = efd;

	ASSERT_LE(0, efd);
	ASSERT_LE(0, closed);
	ASSERT_SYSOK(close(closed));
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(efd, IORING_REGISTER_EVENTFD, &fd, 1));
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(efd, IORING_REGISTER_EVENTFD_ASYNC, &fd, 1));
	ASSERT_SYSERR(EOPNOTSUPP, sys_io_uring_register(efd, IORING_UNREGISTER_EVENTFD, NULL, 0));
	ASSERT_SYSERR(EBADF, sys_io_uring_register(closed, IORING_REGISTER_EVENTFD, &fd, 1));
	ASSERT_SYSERR(EBADF, sys_io_uring_register(closed, IORING_UNREGISTER_EVENTFD, NULL, 0));
	/*
	 * fd -1 is left out: since 6.13 it selects "blind" register opcodes
	 * that need no ring, and the eventfd ones are refused with EINVAL
	 * there, while older kernels say EBADF.
	 */
	close(efd);
}

TEST_HARNESS_MAIN
