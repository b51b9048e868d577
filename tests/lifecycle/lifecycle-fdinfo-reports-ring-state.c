// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/fdinfo/<ring fd> describes the ring as it is:
 *  - SqMask/CqMask are the ring sizes minus one; SqHead/SqTail/CqHead/
 *    CqTail are the shared indexes, CachedSqHead/CachedCqTail the
 *    kernel's own; SQEs and CQEs count what is queued and unreaped, and
 *    list one line per entry, with its user_data;
 *  - SqThread/SqThreadCpu are -1 without SQPOLL, and with it the thread id
 *    of this process's iou-sqp thread and a CPU it may run on;
 *  - UserFiles/UserBufs count the registered files and buffers, one line
 *    each; CqOverflowList lists the overflow backlog, oldest first;
 *  - whatever the application writes into the shared indexes, the entry
 *    lists stay within the ring size, and reading is quick.
 *    Regression-test-for: f75d118349be ("io_uring: harder fdinfo sq/cq ring iterating")
 * Kernels whose fdinfo predates these fields (before 5.16, decided by the
 * release: iou_fdinfo_has_ring_state()) SKIP.
 */
#include <sys/uio.h>

#include "iou.h"
#include "iou_fdinfo.h"
#include "iou_versions.h"

IOU_REQUIRES(.fixes = IOU_FIXES(IOU_FIX("f75d118349be", "",
			"fdinfo.*.bogus_indexes_do_not_make_the_listing_longer_than_the_ring",
			"io_uring: harder fdinfo sq/cq ring iterating")));

#define FDINFO_MAX	65536

FIXTURE(fdinfo) {
	struct iou_ring r;
	char buf[FDINFO_MAX];
};

FIXTURE_SETUP(fdinfo)
{
	ASSERT_EQ(0, iou_ring_init(&self->r, 4, 0));
	ASSERT_LT(0, iou_fdinfo_read(self->r.fd, self->buf, sizeof(self->buf)));
	if (!iou_fdinfo_has_ring_state())
		SKIP(return, "kernel's ring fdinfo lacks SqHead/CqOverflowList (before 5.16)");
}

FIXTURE_TEARDOWN(fdinfo)
{
	iou_ring_exit(&self->r);
}

static long long field(struct __test_metadata *_metadata, const char *buf,
		       const char *key)
{
	long long v = -12345;

	EXPECT_TRUE(iou_fdinfo_value(buf, key, &v)) TH_LOG("no %s in fdinfo", key);
	return v;
}

#define READ_FDINFO(self) \
	ASSERT_LT(0, iou_fdinfo_read((self)->r.fd, (self)->buf, sizeof((self)->buf)))

TEST_F(fdinfo, fresh_ring)
{
	ASSERT_EQ(3, field(_metadata, self->buf, "SqMask"));
	ASSERT_EQ(7, field(_metadata, self->buf, "CqMask"));
	ASSERT_EQ(0, field(_metadata, self->buf, "SqHead"));
	ASSERT_EQ(0, field(_metadata, self->buf, "SqTail"));
	ASSERT_EQ(0, field(_metadata, self->buf, "CachedSqHead"));
	ASSERT_EQ(0, field(_metadata, self->buf, "CqHead"));
	ASSERT_EQ(0, field(_metadata, self->buf, "CqTail"));
	ASSERT_EQ(0, field(_metadata, self->buf, "CachedCqTail"));
	ASSERT_EQ(0, field(_metadata, self->buf, "SQEs"));
	ASSERT_EQ(0, field(_metadata, self->buf, "CQEs"));
	ASSERT_EQ(-1, field(_metadata, self->buf, "SqThread"));
	ASSERT_EQ(-1, field(_metadata, self->buf, "SqThreadCpu"));
	ASSERT_EQ(0, field(_metadata, self->buf, "UserFiles"));
	ASSERT_EQ(0, field(_metadata, self->buf, "UserBufs"));
	ASSERT_EQ(0, iou_fdinfo_lines_between(self->buf, "CqOverflowList",
						 iou_fdinfo_line(self->buf, "NAPI") ?
						 "NAPI" : "CqOverflowList"));
}

TEST_F(fdinfo, indexes_and_entries_follow_the_ring)
{
	const char *cqes;

	for (unsigned int i = 0; i < 3; i++)
		iou_prep_nop(iou_get_sqe(&self->r), 7000 + i);
	ASSERT_RES(3, iou_submit(&self->r));
	iou_cq_advance(&self->r, 1);
	/* two SQEs queued but not submitted */
	iou_prep_nop(iou_get_sqe(&self->r), 8000);
	iou_prep_nop(iou_get_sqe(&self->r), 8001);
	iou_sq_flush(&self->r);
	READ_FDINFO(self);
	ASSERT_EQ(3, field(_metadata, self->buf, "SqHead"));
	ASSERT_EQ(5, field(_metadata, self->buf, "SqTail"));
	ASSERT_EQ(3, field(_metadata, self->buf, "CachedSqHead"));
	ASSERT_EQ(1, field(_metadata, self->buf, "CqHead"));
	ASSERT_EQ(3, field(_metadata, self->buf, "CqTail"));
	ASSERT_EQ(3, field(_metadata, self->buf, "CachedCqTail"));
	ASSERT_EQ(2, field(_metadata, self->buf, "SQEs"));
	ASSERT_EQ(2, iou_fdinfo_lines_between(self->buf, "SQEs", "CQEs"));
	ASSERT_NE(NULL, strstr(iou_fdinfo_line(self->buf, "SQEs"), "user_data:8000"));
	ASSERT_NE(NULL, strstr(iou_fdinfo_line(self->buf, "SQEs"), "user_data:8001"));
	ASSERT_EQ(2, field(_metadata, self->buf, "CQEs"));
	ASSERT_EQ(2, iou_fdinfo_lines_between(self->buf, "CQEs", "SqThread"));
	cqes = iou_fdinfo_line(self->buf, "CQEs");
	ASSERT_EQ(NULL, strstr(cqes, "user_data:7000,"));	/* reaped */
	ASSERT_NE(NULL, strstr(cqes, "user_data:7001,"));
	ASSERT_NE(NULL, strstr(cqes, "user_data:7002,"));
}

TEST_F(fdinfo, overflow_backlog_is_listed_oldest_first)
{
	const char *a, *b, *list;

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);	/* submitting with a backlog */
	for (unsigned int round = 0; round < 3; round++) {
		for (unsigned int i = 0; i < 4; i++)
			iou_prep_nop(iou_get_sqe(&self->r), 100 + round * 4 + i);
		ASSERT_RES(4, iou_submit(&self->r));
	}
	READ_FDINFO(self);
	ASSERT_EQ(8, field(_metadata, self->buf, "CQEs"));
	list = iou_fdinfo_line(self->buf, "CqOverflowList");
	a = strstr(list, "user_data=108,");
	b = strstr(list, "user_data=111,");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_LT(a, b);
	ASSERT_EQ(NULL, strstr(list, "user_data=107,"));	/* in the ring */
}

/* does the "<slot>: ..." line listed under key end with suffix? */
static bool slot_line_ends(const char *buf, const char *key, unsigned int slot,
			   const char *suffix)
{
	const char *p = iou_fdinfo_line(buf, key);
	char tag[16];

	snprintf(tag, sizeof(tag), " %u: ", slot);
	for (p = p ? strchr(p, '\n') : NULL; p && p[1] == ' '; p = strchr(p + 1, '\n')) {
		const char *end = strchr(p + 1, '\n');
		size_t sl = strlen(suffix);

		if (!end || !strstr(p + 1, tag) || strstr(p + 1, tag) > end)
			continue;
		if ((size_t)(end - p - 1) >= sl && !strncmp(end - sl, suffix, sl))
			return true;
	}
	return false;
}

TEST_F(fdinfo, registered_files_and_buffers_are_counted)
{
	static char mem[2][4096] __attribute__((aligned(4096)));
	struct iovec iov[2] = {
		{ .iov_base = mem[0], .iov_len = 4096 },
		{ .iov_base = mem[1], .iov_len = 512 },
	};
	int fds[3] = { -1, -1, -1 };

	fds[0] = iou_scratch_file("a", 0, 0);
	ASSERT_LE(0, fds[0]);
	fds[2] = iou_scratch_file("c", 0, 0);
	ASSERT_LE(0, fds[2]);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 3));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_BUFFERS, iov, 2));
	READ_FDINFO(self);
	ASSERT_EQ(3, field(_metadata, self->buf, "UserFiles"));
	/* slot by slot: the empty slot 1 is either left out or "<none>" */
	ASSERT_TRUE(slot_line_ends(self->buf, "UserFiles", 0, "/a") ||
		    slot_line_ends(self->buf, "UserFiles", 0, " a"));
	ASSERT_FALSE(slot_line_ends(self->buf, "UserFiles", 1, "a") ||
		     slot_line_ends(self->buf, "UserFiles", 1, "c"));
	ASSERT_TRUE(slot_line_ends(self->buf, "UserFiles", 2, "/c") ||
		    slot_line_ends(self->buf, "UserFiles", 2, " c"));
	ASSERT_EQ(2, field(_metadata, self->buf, "UserBufs"));
	ASSERT_NE(NULL, strstr(iou_fdinfo_line(self->buf, "UserBufs"), "/512\n"));
	close(fds[0]);
	close(fds[2]);
}

/* the application may write anything: the kernel lists one ring at most */
TEST_F(fdinfo, bogus_indexes_do_not_make_the_listing_longer_than_the_ring)
{
	uint64_t start = iou_now_ns();

	iou_store_release(self->r.sq_ktail, 0x80000000u);
	iou_store_release(self->r.cq_khead, 0x80000000u);
	READ_FDINFO(self);
	ASSERT_GT(1000, iou_ms_since(start));
	ASSERT_EQ(0x80000000LL, field(_metadata, self->buf, "SQEs"));
	ASSERT_GE(4, iou_fdinfo_lines_between(self->buf, "SQEs", "CQEs"));
	ASSERT_EQ(0x80000000LL, field(_metadata, self->buf, "CQEs"));
	ASSERT_GE(8, iou_fdinfo_lines_between(self->buf, "CQEs", "SqThread"));
	/* put them back, so that teardown sees a sane ring */
	iou_store_release(self->r.sq_ktail, 0);
	iou_store_release(self->r.cq_khead, 0);
}

TEST(sqpoll_thread_is_named_with_its_cpu)
{
	char buf[FDINFO_MAX], path[64], comm[64];
	struct io_uring_params p;
	struct iou_ring r;
	long long tid = -1, cpu = -1;
	FILE *f;

	REQUIRE_SETUP_FLAG(IORING_SETUP_SQPOLL);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	ASSERT_EQ(0, iou_ring_init_params(&r, 4, &p));
	if (!iou_fdinfo_has_ring_state())
		SKIP(goto out, "kernel's ring fdinfo lacks SqHead (before 5.16)");
	/*
	 * Until the thread has run and named itself, the kernel reports the
	 * creator's pid; from then on the thread's own id, and a moment
	 * later (io_sq_thread() sets it after its pid) the CPU it runs on:
	 * wait for both.
	 */
	for (uint64_t start = iou_now_ns(); ; usleep(1000)) {
		ASSERT_LT(0, iou_fdinfo_read(r.fd, buf, sizeof(buf)));
		ASSERT_TRUE(iou_fdinfo_value(buf, "SqThread", &tid));
		ASSERT_TRUE(iou_fdinfo_value(buf, "SqThreadCpu", &cpu));
		/* always a thread of this very process */
		snprintf(path, sizeof(path), "/proc/self/task/%lld/comm", tid);
		f = fopen(path, "re");
		ASSERT_NE(NULL, f) TH_LOG("SqThread %lld is not a thread of ours", tid);
		ASSERT_NE(NULL, fgets(comm, sizeof(comm), f));
		fclose(f);
		comm[strcspn(comm, "\n")] = 0;
		if ((tid != getpid() && cpu >= 0) || iou_ms_since(start) > IOU_WAIT_MS)
			break;
	}
	ASSERT_EQ(0, strncmp(comm, "iou-sqp-", 8)) TH_LOG("comm %s", comm);
	ASSERT_LE(0, cpu);
	ASSERT_GT(sysconf(_SC_NPROCESSORS_CONF), cpu);
out:
	iou_ring_exit(&r);
}

TEST_HARNESS_MAIN
