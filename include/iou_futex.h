/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The futex system calls the futex opcodes are held to (futex2: 6.7's
 * futex_wait and futex_wake, 5.16's futex_waitv; the FUTEX_*_BITSET
 * operations of futex(2)), as -errno wrappers, and the FUTEX2_* flags an
 * old <linux/futex.h> lacks.
 */
#ifndef IOU_FUTEX_H
#define IOU_FUTEX_H

#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "iou_harness.h"

/* the same number on every architecture (the unified syscall table) */
#ifndef __NR_futex_waitv
#define __NR_futex_waitv	449
#endif
#ifndef __NR_futex_wake
#define __NR_futex_wake		454
#endif
#ifndef __NR_futex_wait
#define __NR_futex_wait		455
#endif

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U8		0x00
#define FUTEX2_SIZE_U16		0x01
#define FUTEX2_SIZE_U32		0x02
#define FUTEX2_SIZE_U64		0x03
#define FUTEX2_PRIVATE		FUTEX_PRIVATE_FLAG
#endif
#ifndef FUTEX2_NUMA
#define FUTEX2_NUMA		0x04
#endif
#ifndef FUTEX_BITSET_MATCH_ANY
#define FUTEX_BITSET_MATCH_ANY	0xffffffff
#endif

/* futex_wait(2) until the CLOCK_MONOTONIC deadline ms from now: 0 or -errno */
static inline int iou_sys_futex_wait(void *uaddr, uint64_t val, uint64_t mask,
				     unsigned int flags, unsigned int ms)
{
	struct __kernel_timespec ts;
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec + (long long)ms * 1000000LL;
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	return syscall(__NR_futex_wait, uaddr, val, mask, flags, &ts,
		       CLOCK_MONOTONIC) < 0 ? -errno : 0;
}

/* futex_wake(2): how many were woken, or -errno */
static inline int iou_sys_futex_wake(void *uaddr, uint64_t mask, int nr, unsigned int flags)
{
	long r = syscall(__NR_futex_wake, uaddr, mask, nr, flags);

	return r < 0 ? -errno : (int)r;
}

/* futex_waitv(2), relative ms on CLOCK_MONOTONIC: the woken index or -errno */
static inline int iou_sys_futex_waitv(struct futex_waitv *w, unsigned int nr,
				      unsigned int flags, unsigned int ms)
{
	struct __kernel_timespec ts;
	struct timespec now;
	long long ns;
	long r;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec + (long long)ms * 1000000LL;
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	r = syscall(__NR_futex_waitv, w, nr, flags, &ts, CLOCK_MONOTONIC);
	return r < 0 ? -errno : (int)r;
}

/*
 * futex(2) FUTEX_WAIT_BITSET, absolute CLOCK_MONOTONIC deadline ms from
 * now (the legacy call: 32-bit value and mask): 0 or -errno
 */
static inline int iou_sys_futex_wait_bitset(void *uaddr, uint32_t val, uint32_t mask,
					    bool private_, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return syscall(SYS_futex, uaddr, FUTEX_WAIT_BITSET | (private_ ? FUTEX_PRIVATE_FLAG : 0),
		       val, &ts, NULL, mask) < 0 ? -errno : 0;
}

/* futex(2) FUTEX_WAKE_BITSET: how many were woken, or -errno */
static inline int iou_sys_futex_wake_bitset(void *uaddr, int nr, uint32_t mask, bool private_)
{
	long r = syscall(SYS_futex, uaddr, FUTEX_WAKE_BITSET | (private_ ? FUTEX_PRIVATE_FLAG : 0),
			 nr, NULL, NULL, mask);

	return r < 0 ? -errno : (int)r;
}

/* the futex2 calls exist (6.7): the twins of FUTEX_WAIT and FUTEX_WAKE */
static inline bool iou_have_futex2_syscalls(void)
{
	uint32_t word = 0;

	return iou_sys_futex_wake(&word, FUTEX_BITSET_MATCH_ANY, 1,
				  FUTEX2_SIZE_U32 | FUTEX2_PRIVATE) != -ENOSYS;
}

#define REQUIRE_FUTEX2_SYSCALLS() do {					\
	if (!iou_have_futex2_syscalls())				\
		SKIP(return, "futex_wait(2)/futex_wake(2) missing (ENOSYS): no twin"); \
	} while (0)

#endif /* IOU_FUTEX_H */
