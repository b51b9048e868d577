// SPDX-License-Identifier: GPL-2.0
/*
 * Changing a registered file table in place, and the tag CQEs that say
 * when the kernel let go of a file:
 *  - IORING_REGISTER_FILES_UPDATE (5.5), FILES_UPDATE2 (with tags) and
 *    the IORING_OP_FILES_UPDATE request all return how many slots they
 *    processed; an fd installs a file, -1 empties the slot,
 *    IORING_REGISTER_FILES_SKIP (-2) leaves it as it is; the next request
 *    naming the slot sees the change;
 *  - a file registered with a non-zero tag posts {user_data = tag,
 *    res 0, flags 0} once it is replaced, removed or unregistered; a
 *    skipped slot posts nothing; a request already using the old file
 *    keeps it, and the tag comes only after that request completed;
 *  - refused: no table (ENXIO), a range past the table or nr 0
 *    (EINVAL), non-zero resv (EINVAL), a tag with -1 or SKIP (EINVAL), a
 *    closed or io_uring fd (EBADF), an unreadable fd array (EFAULT); an
 *    update stops at the first bad entry and returns the count done.
 *
 * Tags, FILES_UPDATE2 and SKIP need FEAT_RSRC_TAGS (5.13); older kernels
 * post tag CQEs from a work item, so tag CQEs are waited for.  The
 * unregister of the whole table posts the remaining tags only since 6.13
 * (7029acd8a950, "io_uring/rsrc: get rid of per-ring io_rsrc_node list");
 * 5.13 to 6.12 drop the table silently, so that case is probed
 * (iou_unregister_posts_tags()) and skips without it.
 */
#include "iou.h"
#include "iou_rsrc.h"
#include "iou_versions.h"

#define QUIET_MS	50

FIXTURE(file_update) {
	struct iou_ring r;
	int f[3];		/* three scratch files with distinct contents */
};

FIXTURE_SETUP(file_update)
{
	char name[8];

	for (int i = 0; i < 3; i++)
		self->f[i] = -1;
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		/* file i holds the pattern from offset 1000 * i on */
		self->f[i] = iou_scratch_file(name, 8192, 0);
		ASSERT_LE(0, self->f[i]);
	}
}

FIXTURE_TEARDOWN(file_update)
{
	iou_ring_exit(&self->r);
	for (int i = 0; i < 3; i++)
		if (self->f[i] >= 0)
			close(self->f[i]);
}

/* Give each file a marker in its first 8 bytes, to see which one a slot holds. */
static void mark_files(struct __test_metadata *_metadata, FIXTURE_DATA(file_update) *self)
{
	for (int i = 0; i < 3; i++) {
		char m[8] = { 0 };

		snprintf(m, sizeof(m), "file%d", i);
		ASSERT_EQ(8, pwrite(self->f[i], m, 8, 0));
	}
}

/* read the 8-byte marker through fixed slot; the CQE res */
static int read_slot(struct iou_ring *r, int slot, char *out)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);

	memset(out, 0, 8);
	iou_prep_read(sqe, slot, out, 8, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 0x5107;
	return iou_run_one(r, NULL);
}

#define ASSERT_SLOT_HOLDS(slot, name) do {				\
	char __m[8];							\
	ASSERT_RES(8, read_slot(&self->r, slot, __m));			\
	ASSERT_STREQ(name, __m);					\
	} while (0)

#define ASSERT_SLOT_EMPTY(slot) do {					\
	char __m[8];							\
	ASSERT_RES(-EBADF, read_slot(&self->r, slot, __m));		\
	} while (0)

static bool wait_tag(struct iou_ring *r, __u64 tag)
{
	struct iou_cqe cqe;

	return iou_reap(r, &cqe, 1, IOU_WAIT_MS) == 1 && cqe.user_data == tag &&
	       cqe.res == 0 && cqe.flags == 0;
}

TEST_F(file_update, legacy_update_installs_empties_and_skips)
{
	int fds[3] = { self->f[0], -1, self->f[1] };
	int upd[3] = { IORING_REGISTER_FILES_SKIP, self->f[2], -1 };

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);	/* FILES_SKIP */
	mark_files(_metadata, self);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 3));
	ASSERT_RES(3, iou_register_files_update(&self->r, 0, upd, 3));
	ASSERT_SLOT_HOLDS(0, "file0");
	ASSERT_SLOT_HOLDS(1, "file2");
	ASSERT_SLOT_EMPTY(2);
}

TEST_F(file_update, tags_post_on_unregister_for_nonzero_tags_only)
{
	int fds[3] = { self->f[0], self->f[1], self->f[2] };
	__u64 tags[3] = { 0x10, 0, 0x30 };
	struct iou_cqe cqe[2];
	bool seen10 = false, seen30 = false;

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	REQUIRE_UNREGISTER_POSTS_TAGS();
	ASSERT_RES(0, iou_register_files2(&self->r, fds, tags, 3, 0));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_FILES, NULL, 0));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	for (int i = 0; i < 2; i++) {
		ASSERT_RES(0, cqe[i].res);
		ASSERT_EQ(0, cqe[i].flags);
		if (cqe[i].user_data == 0x10 && !seen10)
			seen10 = true;
		else if (cqe[i].user_data == 0x30 && !seen30)
			seen30 = true;
		else
			ASSERT_EQ(0, cqe[i].user_data);
	}
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
}

TEST_F(file_update, update2_replacing_a_file_posts_the_old_tag)
{
	int fds[2] = { self->f[0], self->f[1] };
	__u64 tags[2] = { 0x10, 0x11 }, new_tag = 0x20;

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	mark_files(_metadata, self);
	ASSERT_RES(0, iou_register_files2(&self->r, fds, tags, 2, 0));
	ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_FILES_UPDATE2, 0,
				     &self->f[2], &new_tag, 1));
	ASSERT_TRUE(wait_tag(&self->r, 0x10));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
	ASSERT_SLOT_HOLDS(0, "file2");
	ASSERT_SLOT_HOLDS(1, "file1");
	/* removing it posts the new tag */
	{
		int none = -1;

		ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_FILES_UPDATE2, 0,
					     &none, NULL, 1));
	}
	ASSERT_TRUE(wait_tag(&self->r, 0x20));
	ASSERT_SLOT_EMPTY(0);
}

TEST_F(file_update, skipped_slot_keeps_its_file_and_tag)
{
	int fds[2] = { self->f[0], self->f[1] };
	int upd[2] = { IORING_REGISTER_FILES_SKIP, self->f[2] };
	__u64 tags[2] = { 0x10, 0x11 };

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	mark_files(_metadata, self);
	ASSERT_RES(0, iou_register_files2(&self->r, fds, tags, 2, 0));
	ASSERT_RES(2, iou_rsrc_update2(&self->r, IORING_REGISTER_FILES_UPDATE2, 0,
				     upd, NULL, 2));
	ASSERT_TRUE(wait_tag(&self->r, 0x11));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
	ASSERT_SLOT_HOLDS(0, "file0");
	ASSERT_SLOT_HOLDS(1, "file2");
}

TEST_F(file_update, tag_with_minus_one_or_skip_fails_einval)
{
	int fds[2] = { self->f[0], self->f[1] };
	int none = -1, skip = IORING_REGISTER_FILES_SKIP;
	__u64 tag = 0x42;

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_RES(0, iou_register_files2(&self->r, fds, NULL, 2, 0));
	ASSERT_RES(-EINVAL, iou_rsrc_update2(&self->r, IORING_REGISTER_FILES_UPDATE2, 0,
					   &none, &tag, 1));
	ASSERT_RES(-EINVAL, iou_rsrc_update2(&self->r, IORING_REGISTER_FILES_UPDATE2, 0,
					   &skip, &tag, 1));
}

TEST_F(file_update, update_errors)
{
	int fds[2] = { self->f[0], self->f[1] };
	int closed = dup(self->f[2]);
	struct io_uring_rsrc_update up;

	ASSERT_LE(0, closed);
	close(closed);
	ASSERT_RES(-ENXIO, iou_register_files_update(&self->r, 0, fds, 1));
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 2));
	ASSERT_RES(-EINVAL, iou_register_files_update(&self->r, 0, fds, 0));
	ASSERT_RES(-EINVAL, iou_register_files_update(&self->r, 2, fds, 1));
	ASSERT_RES(-EINVAL, iou_register_files_update(&self->r, 1, fds, 2));
	ASSERT_RES(-EBADF, iou_register_files_update(&self->r, 0, &closed, 1));
	ASSERT_RES(-EBADF, iou_register_files_update(&self->r, 0, &self->r.fd, 1));
	ASSERT_RES(-EFAULT, iou_register_files_update(&self->r, 0, iou_fault_ptr(), 1));
	memset(&up, 0, sizeof(up));
	up.resv = 1;
	up.data = (__u64)(uintptr_t)fds;
	ASSERT_RES(-EINVAL, iou_register(&self->r, IORING_REGISTER_FILES_UPDATE, &up, 1));
	ASSERT_RES(-EFAULT, iou_register(&self->r, IORING_REGISTER_FILES_UPDATE,
					 iou_fault_ptr(), 1));
}

TEST_F(file_update, update_stops_at_the_first_bad_entry)
{
	int fds[3] = { self->f[0], self->f[1], -1 };
	int upd[3] = { self->f[2], -1, -1 };

	mark_files(_metadata, self);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 3));
	upd[1] = dup(self->f[0]);
	ASSERT_LE(0, upd[1]);
	close(upd[1]);
	upd[2] = self->f[1];
	/* entry 0 applied, entry 1 is a closed fd: 1, and entry 2 untouched */
	ASSERT_RES(1, iou_register_files_update(&self->r, 0, upd, 3));
	ASSERT_SLOT_HOLDS(0, "file2");
	ASSERT_SLOT_EMPTY(2);
}

TEST_F(file_update, files_update_request_updates_the_table)
{
	int fds[2] = { self->f[0], -1 };
	int upd[2] = { -1, self->f[1] };
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe;

	REQUIRE_OPCODE(IORING_OP_FILES_UPDATE);
	mark_files(_metadata, self);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 2));
	sqe = iou_get_sqe(&self->r);
	iou_prep_files_update(sqe, upd, 2, 0);
	sqe->user_data = 0xf11e;
	ASSERT_RES(2, iou_run_one(&self->r, &cqe));
	ASSERT_EQ(0xf11e, cqe.user_data);
	ASSERT_SLOT_EMPTY(0);
	ASSERT_SLOT_HOLDS(1, "file1");
	/* no table range: the request fails like the register call */
	sqe = iou_get_sqe(&self->r);
	iou_prep_files_update(sqe, upd, 2, 1);
	ASSERT_RES(-EINVAL, iou_run_one(&self->r, NULL));
}

TEST_F(file_update, files_update_request_allocates_free_slots)
{
	int fds[3] = { self->f[0], -1, -1 };
	int upd[2] = { self->f[1], self->f[2] };
	struct io_uring_sqe *sqe;

	/* IORING_FILE_INDEX_ALLOC here came with sparse tables (5.19) */
	REQUIRE_RSRC_SPARSE();
	mark_files(_metadata, self);
	ASSERT_RES(0, iou_register(&self->r, IORING_REGISTER_FILES, fds, 3));
	sqe = iou_get_sqe(&self->r);
	iou_prep_files_update(sqe, upd, 2, (int)IORING_FILE_INDEX_ALLOC);
	ASSERT_RES(2, iou_run_one(&self->r, NULL));
	/* the chosen slots are written back over the fds */
	ASSERT_EQ(1, upd[0]);
	ASSERT_EQ(2, upd[1]);
	ASSERT_SLOT_HOLDS(1, "file1");
	ASSERT_SLOT_HOLDS(2, "file2");
	/* table full now */
	upd[0] = self->f[0];
	sqe = iou_get_sqe(&self->r);
	iou_prep_files_update(sqe, upd, 1, (int)IORING_FILE_INDEX_ALLOC);
	ASSERT_RES(-ENFILE, iou_run_one(&self->r, NULL));
}

TEST_F(file_update, request_in_flight_keeps_the_old_file_and_delays_its_tag)
{
	int pfd[2], none = -1;
	__u64 tag = 0xace;
	struct io_uring_sqe *sqe;
	struct iou_cqe cqe[2];
	char buf[8];

	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	ASSERT_RES(0, iou_register_files2(&self->r, &pfd[0], &tag, 1, 0));
	sqe = iou_get_sqe(&self->r);
	iou_prep_read(sqe, 0, buf, sizeof(buf), 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->user_data = 0x7ead;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));

	/* the slot is emptied; the pending read still holds the pipe */
	ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_FILES_UPDATE2, 0,
				     &none, NULL, 1));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
	ASSERT_EQ(4, write(pfd[1], "pipe", 4));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	ASSERT_EQ(0x7ead, cqe[0].user_data);
	ASSERT_RES(4, cqe[0].res);
	ASSERT_EQ(0, memcmp(buf, "pipe", 4));
	ASSERT_EQ(0xace, cqe[1].user_data);
	ASSERT_RES(0, cqe[1].res);
	close(pfd[0]);
	close(pfd[1]);
}

TEST_HARNESS_MAIN
