// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test of the helpers every area shares (iou_harness.h):
 * reading small files, finding this process's threads by name, finding
 * CQEs by user_data, the register-opcode query, and the uniform SKIP of
 * a setup flag the kernel lacks (bit 31 is no flag on any kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "iou.h"

#define NO_SUCH_SETUP_FLAG	(1U << 31)

TEST(read_file_whole_truncated_and_missing)
{
	char buf[16];
	int fd = iou_scratch_file("f", 0, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(10, write(fd, "0123456789", 10));
	close(fd);
	ASSERT_EQ(10, iou_read_file(iou_scratch_path("f"), buf, sizeof(buf)));
	ASSERT_STREQ("0123456789", buf);
	/* at most size - 1 bytes, always NUL-terminated */
	ASSERT_EQ(4, iou_read_file(iou_scratch_path("f"), buf, 5));
	ASSERT_STREQ("0123", buf);
	ASSERT_EQ(-ENOENT, iou_read_file(iou_scratch_path("none"), buf, sizeof(buf)));
}

TEST(threads_found_by_comm_prefix)
{
	int tids[2] = { 0, 0 };

	ASSERT_EQ(0, iou_threads("iou-st-", NULL, 0));
	/* each case is a process of its own: renaming it harms nobody */
	ASSERT_EQ(0, prctl(PR_SET_NAME, "iou-st-main"));
	ASSERT_EQ(1, iou_threads("iou-st-", tids, 2));
	ASSERT_EQ(getpid(), tids[0]);
	ASSERT_EQ(0, iou_threads("iou-st-x", NULL, 0));
}

TEST(cqes_found_by_user_data)
{
	struct iou_cqe c[4] = {
		{ .user_data = 7 }, { .user_data = 9 }, { .user_data = 7 }, { .user_data = 1 },
	};

	ASSERT_EQ(0, iou_cqe_index(c, 4, 7));
	ASSERT_EQ(3, iou_cqe_index(c, 4, 1));
	ASSERT_EQ(-1, iou_cqe_index(c, 4, 2));
	ASSERT_EQ(-1, iou_cqe_index(c, 3, 1));
	ASSERT_EQ(2, iou_cqe_count(c, 4, 7));
	ASSERT_EQ(1, iou_cqe_count(c, 4, 9));
	ASSERT_EQ(0, iou_cqe_count(c, 4, 2));
}

TEST(query_agrees_with_register_op_probe)
{
	struct io_uring_query_opcode q;

	if (iou_query_opcodes(&q))
		SKIP(return, "kernel lacks register opcode IORING_REGISTER_QUERY");
	ASSERT_LT(0, q.nr_register_opcodes);
	ASSERT_TRUE(iou_register_op_supported(q.nr_register_opcodes - 1));
	ASSERT_FALSE(iou_register_op_supported(q.nr_register_opcodes));
}

TEST(ring_init_or_skip_known_flags)
{
	struct iou_ring r;

	IOU_RING_INIT_OR_SKIP(&r, 4, 0);
	iou_ring_exit(&r);
}

TEST(setup_flags_unknown_bit_skips)
{
	REQUIRE_SETUP_FLAGS(NO_SUCH_SETUP_FLAG);
	TH_LOG("marker: never-printed");
}

TEST(ring_init_or_skip_unknown_bit_skips)
{
	struct iou_ring r;

	IOU_RING_INIT_OR_SKIP(&r, 4, NO_SUCH_SETUP_FLAG);
	TH_LOG("marker: never-printed");
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
