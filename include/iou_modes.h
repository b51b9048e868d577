/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring modes a test runs in, as one shared variant set (the pattern
 * of the kernel's landlock scoped_base_variants.h).  Define the fixture's
 * variant with a setup_flags member, then include this header with
 * IOU_MODES_FIXTURE naming the fixture:
 *
 *	FIXTURE_VARIANT(chain) {
 *		unsigned int setup_flags;
 *	};
 *	#define IOU_MODES_FIXTURE chain
 *	#include "iou_modes.h"
 *
 * gives the variants plain, defer_taskrun (with SINGLE_ISSUER) and
 * sqpoll (leave it out with IOU_MODES_NO_SQPOLL defined).  Variants of the
 * test's own may follow.  In the fixture setup, IOU_RING_INIT_MODE() sets
 * the ring up, SKIPs where the kernel lacks the mode (on independent
 * evidence) and asserts once that the mode took effect.
 */
#ifndef IOU_MODES_H
#define IOU_MODES_H

#include "iou_kselftest_harness.h"
#include "iou_harness.h"
#include "iou_ring.h"

#define IOU_MODE_DEFER_TASKRUN	(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)

/*
 * The observable mark of the ring's mode: SQPOLL's poll thread exists;
 * DEFER_TASKRUN withholds a task-work completion until the ring's task
 * asks for events, and another task may not wait on the ring.  0, or -1
 * with why filled in.
 */
int iou_prove_mode(const struct iou_ring *r, char *why, size_t len);

/*
 * Set up ring in mode flags (SQPOLL rings here use ordinary, not
 * registered, files: that needs IORING_FEAT_SQPOLL_NONFIXED, 5.11), or
 * SKIP naming what the kernel lacks; then prove the mode took effect.
 */
#define IOU_RING_INIT_MODE(ring, entries, flags) do {			\
	unsigned int __mf = (flags);					\
	char __mwhy[256];						\
	REQUIRE_SETUP_FLAGS(__mf);					\
	if (__mf & IORING_SETUP_SQPOLL)					\
		REQUIRE_FEATURE(IORING_FEAT_SQPOLL_NONFIXED);		\
	ASSERT_EQ(0, iou_ring_init((ring), (entries), __mf));		\
	int __mp = iou_prove_mode((ring), __mwhy, sizeof(__mwhy));	\
	if (__mp)							\
		TH_LOG("%s", __mwhy);					\
	ASSERT_EQ(0, __mp);						\
	} while (0)

#define __IOU_MODE_VARIANT(fixture, name) FIXTURE_VARIANT_ADD(fixture, name)

/*
 * How the ring is entered, as a shared variant pair: ring_fd (its
 * descriptor) and registered_index (its IORING_REGISTER_RING_FDS index).
 * Define the fixture's variant with a registered_ring member, then
 * include this header with IOU_ENTRY_FIXTURE naming the fixture; in the
 * setup, IOU_RING_INIT_ENTRY() sets the ring up (SKIP without
 * IORING_FEAT_REG_REG_RING) and proves the index is what its calls use.
 */
#define IOU_RING_INIT_ENTRY(ring, entries, registered) do {		\
	struct io_uring_params __ep;					\
	struct iou_ring_opts __eo = { .register_ring_fd = (registered) };	\
	memset(&__ep, 0, sizeof(__ep));					\
	if (__eo.register_ring_fd)					\
		REQUIRE_FEATURE(IORING_FEAT_REG_REG_RING);		\
	ASSERT_EQ(0, iou_ring_init_opts((ring), (entries), &__ep, &__eo)); \
	if (__eo.register_ring_fd)					\
		ASSERT_RING_INDEX_USED(ring);				\
	} while (0)

#endif /* IOU_MODES_H */

#ifdef IOU_MODES_FIXTURE
__IOU_MODE_VARIANT(IOU_MODES_FIXTURE, plain) { .setup_flags = 0 };
__IOU_MODE_VARIANT(IOU_MODES_FIXTURE, defer_taskrun) { .setup_flags = IOU_MODE_DEFER_TASKRUN };
#ifndef IOU_MODES_NO_SQPOLL
__IOU_MODE_VARIANT(IOU_MODES_FIXTURE, sqpoll) { .setup_flags = IORING_SETUP_SQPOLL };
#endif
#undef IOU_MODES_FIXTURE
#undef IOU_MODES_NO_SQPOLL
#endif

#ifdef IOU_ENTRY_FIXTURE
__IOU_MODE_VARIANT(IOU_ENTRY_FIXTURE, ring_fd) { .registered_ring = false };
__IOU_MODE_VARIANT(IOU_ENTRY_FIXTURE, registered_index) { .registered_ring = true };
#undef IOU_ENTRY_FIXTURE
#endif
