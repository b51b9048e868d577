// SPDX-License-Identifier: GPL-2.0
/*
 * A fixed-file table may not have more slots than the caller's
 * RLIMIT_NOFILE, read at registration time (whatever the caller's
 * capabilities), nor more than 2^20 (IORING_MAX_FIXED_FILES): exactly
 * the limit registers, one more fails with EMFILE, dense or sparse.
 * The limit is on the table's size, not on the files in it: a sparse
 * table of the limit's size costs no descriptors.
 *
 * The limit is lowered in a child, so nothing else sees it.  The 2^20
 * table needs RLIMIT_NOFILE of 2^20, which an unprivileged caller can
 * reach only if its hard limit allows; the case skips otherwise.
 *
 * Doc discrepancy: io_uring_register(2) presents this EMFILE as a
 * per-user limit for callers without CAP_SYS_RESOURCE; the kernel
 * compares nr_args with the caller's own RLIMIT_NOFILE and checks no
 * capability.
 * Regression-test-for: 3a1b8a4e843f ("io_uring: limit fixed table size by RLIMIT_NOFILE")
 */
#include <sys/resource.h>

#include "iou.h"
#include "iou_rsrc.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("3a1b8a4e843f", "", "",
			"io_uring: limit fixed table size by RLIMIT_NOFILE")));

#define LIMIT	64U

typedef void (*child_fn)(struct __test_metadata *_metadata);

static void in_child(struct __test_metadata *_metadata, child_fn fn)
{
	int pid;

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fn(_metadata);
		fflush(NULL);
		_exit(_metadata->exit_code);
	}
	ASSERT_EQ(0, iou_wait_child(pid, 20000));
}

static int set_nofile(rlim_t soft)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	rl.rlim_cur = soft;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

/* nr slots of -1: a sparse table with the oldest opcode (5.5+) */
static int register_empty(struct iou_ring *r, unsigned int nr)
{
	int *fds = malloc(nr * sizeof(int));
	int ret;

	if (!fds)
		return -ENOMEM;
	for (unsigned int i = 0; i < nr; i++)
		fds[i] = -1;
	ret = iou_register(r, IORING_REGISTER_FILES, fds, nr);
	free(fds);
	return ret;
}

static void at_limit(struct __test_metadata *_metadata)
{
	struct iou_ring r;

	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	ASSERT_EQ(0, set_nofile(LIMIT));
	ASSERT_RES(-EMFILE, register_empty(&r, LIMIT + 1));
	ASSERT_RES(0, register_empty(&r, LIMIT));
	ASSERT_RES(0, iou_register(&r, IORING_UNREGISTER_FILES, NULL, 0));
	iou_ring_exit(&r);
}

TEST(table_of_exactly_rlimit_nofile_registers_one_more_fails_emfile)
{
	in_child(_metadata, at_limit);
}

static void dense_at_limit(struct __test_metadata *_metadata)
{
	int fds[LIMIT + 1];
	struct iou_ring r;

	/* LIMIT + 1 real descriptors, then the limit under them */
	for (unsigned int i = 0; i <= LIMIT; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fds[i]);
	}
	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	/* lowering the limit closes nothing: the descriptors stay open */
	ASSERT_EQ(0, set_nofile(LIMIT));
	ASSERT_RES(-EMFILE, iou_register(&r, IORING_REGISTER_FILES, fds, LIMIT + 1));
	ASSERT_RES(0, iou_register(&r, IORING_REGISTER_FILES, fds, LIMIT));
	iou_ring_exit(&r);
}

TEST(dense_table_is_capped_the_same_way)
{
	in_child(_metadata, dense_at_limit);
}

static void sparse2_at_limit(struct __test_metadata *_metadata)
{
	struct iou_ring r;

	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	ASSERT_EQ(0, set_nofile(LIMIT));
	ASSERT_RES(-EMFILE, iou_register_files2(&r, NULL, NULL, LIMIT + 1,
					  IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, iou_register_files2(&r, NULL, NULL, LIMIT, IORING_RSRC_REGISTER_SPARSE));
	iou_ring_exit(&r);
}

TEST(sparse_files2_table_is_capped_the_same_way)
{
	REQUIRE_RSRC_SPARSE();
	in_child(_metadata, sparse2_at_limit);
}

static void read_late(struct __test_metadata *_metadata)
{
	struct iou_ring r;

	ASSERT_EQ(0, set_nofile(LIMIT));
	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	ASSERT_RES(-EMFILE, register_empty(&r, 2 * LIMIT));
	/* the limit in force now counts, not the one at ring setup */
	ASSERT_EQ(0, set_nofile(2 * LIMIT));
	ASSERT_RES(0, register_empty(&r, 2 * LIMIT));
	iou_ring_exit(&r);
}

TEST(limit_is_read_when_registering)
{
	in_child(_metadata, read_late);
}

static void max_table(struct __test_metadata *_metadata)
{
	struct iou_ring r;
	int fd, slot = IOU_MAX_FIXED_FILES - 1;
	struct io_uring_sqe *sqe;
	char c;

	ASSERT_EQ(0, iou_ring_init(&r, 2, 0));
	ASSERT_RES(-EMFILE, iou_register_files2(&r, NULL, NULL, IOU_MAX_FIXED_FILES + 1,
					  IORING_RSRC_REGISTER_SPARSE));
	ASSERT_RES(0, iou_register_files2(&r, NULL, NULL, IOU_MAX_FIXED_FILES,
				    IORING_RSRC_REGISTER_SPARSE));
	/* the last slot is usable */
	fd = iou_scratch_file("data", 16, 0);
	ASSERT_LE(0, fd);
	ASSERT_RES(1, iou_rsrc_update2(&r, IORING_REGISTER_FILES_UPDATE2, (unsigned int)slot,
				     &fd, NULL, 1));
	sqe = iou_get_sqe(&r);
	iou_prep_read(sqe, slot, &c, 1, 5);
	sqe->flags = IOSQE_FIXED_FILE;
	ASSERT_RES(1, iou_run_one(&r, NULL));
	ASSERT_TRUE(iou_check_pattern(&c, 1, 5));
	iou_ring_exit(&r);
	close(fd);
}

TEST(table_of_2_pow_20_registers_where_rlimit_allows)
{
	struct rlimit rl;

	REQUIRE_RSRC_SPARSE();
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < IOU_MAX_FIXED_FILES &&
	    !iou_has_cap(CAP_SYS_RESOURCE))
		SKIP(return, "RLIMIT_NOFILE hard limit %llu < 2^20 and no CAP_SYS_RESOURCE",
		     (unsigned long long)rl.rlim_max);
	if (iou_read_sysctl("/proc/sys/fs/nr_open", 0) < (long)IOU_MAX_FIXED_FILES)
		SKIP(return, "fs.nr_open below 2^20");
	fflush(NULL);
	{
		int pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			rl.rlim_cur = IOU_MAX_FIXED_FILES;
			if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < IOU_MAX_FIXED_FILES)
				rl.rlim_max = IOU_MAX_FIXED_FILES;
			ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
			max_table(_metadata);
			fflush(NULL);
			_exit(_metadata->exit_code);
		}
		ASSERT_EQ(0, iou_wait_child(pid, 20000));
	}
}

TEST_HARNESS_MAIN
