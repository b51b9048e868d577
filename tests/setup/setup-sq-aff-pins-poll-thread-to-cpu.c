// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_SETUP_SQ_AFF: the SQPOLL thread is bound to sq_thread_cpu.  Its
 * affinity (sched_getaffinity of the iou-sqp-<pid> thread) is exactly
 * that CPU, and after doing work it last ran there (/proc stat field
 * 39).  Without SQ_AFF the thread may run on every CPU this process may
 * use.  (sq_thread_cpu out of range: see setup-rejects-bad-params.)
 */
#include <sched.h>

#include "iou.h"

/* the thread must be visible as a thread of ours (5.12+) */
IOU_REQUIRES(.setup_flags = IORING_SETUP_SQ_AFF,
	     .features = IORING_FEAT_NATIVE_WORKERS);

static int sqpoll_ring(struct iou_ring *r, bool aff, unsigned int cpu)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | (aff ? IORING_SETUP_SQ_AFF : 0);
	p.sq_thread_cpu = cpu;
	p.sq_thread_idle = 20;
	return iou_ring_init_params(r, 4, &p);
}

/* the tid of the only SQPOLL thread, once it has named itself */
static int poll_thread(void)
{
	int tid = -1;

	if (iou_wait_threads("iou-sqp-", 1, IOU_WAIT_MS) != 1)
		return -1;
	iou_threads("iou-sqp-", &tid, 1);
	return tid;
}

static void nop_round_trip(struct __test_metadata *_metadata, struct iou_ring *r)
{
	struct iou_cqe cqe;

	iou_prep_nop(iou_get_sqe(r), 0xaff);
	ASSERT_LE(0, iou_submit(r));
	ASSERT_EQ(1, iou_reap(r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0xaff, cqe.user_data);
	ASSERT_RES(0, cqe.res);
}

TEST(thread_bound_to_each_cpu_asked)
{
	cpu_set_t mine;
	int tried = 0;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(mine), &mine));
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		struct iou_ring r;
		cpu_set_t set;
		int tid, last = -1;

		if (!CPU_ISSET(cpu, &mine))
			continue;
		ASSERT_RES(0, sqpoll_ring(&r, true, (unsigned int)cpu));
		tid = poll_thread();
		ASSERT_LT(0, tid);
		/*
		 * The thread names itself before it binds itself: only once
		 * it has done work is its affinity final.
		 */
		nop_round_trip(_metadata, &r);
		ASSERT_EQ(0, sched_getaffinity(tid, sizeof(set), &set));
		ASSERT_EQ(1, CPU_COUNT(&set)) TH_LOG("cpu %d", cpu);
		ASSERT_TRUE(CPU_ISSET(cpu, &set)) TH_LOG("cpu %d", cpu);
		/* and it last ran on that CPU */
		ASSERT_EQ(0, iou_task_stat(tid, NULL, &last));
		ASSERT_EQ(cpu, last);
		iou_ring_exit(&r);
		ASSERT_EQ(0, iou_wait_threads("iou-sqp-", 0, IOU_WAIT_MS));
		tried++;
	}
	ASSERT_LT(0, tried);
}

TEST(thread_unbound_without_sq_aff)
{
	cpu_set_t mine, set, both;
	struct iou_ring r;
	int tid;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(mine), &mine));
	/* sq_thread_cpu is not looked at without SQ_AFF */
	ASSERT_RES(0, sqpoll_ring(&r, false, 0));
	tid = poll_thread();
	ASSERT_LT(0, tid);
	nop_round_trip(_metadata, &r);
	ASSERT_EQ(0, sched_getaffinity(tid, sizeof(set), &set));
	CPU_AND(&both, &mine, &set);
	ASSERT_TRUE(CPU_EQUAL(&both, &mine));
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
