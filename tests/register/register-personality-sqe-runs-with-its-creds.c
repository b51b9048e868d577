// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_REGISTER_PERSONALITY snapshots the caller's credentials; a
 * request carrying that id in sqe->personality runs with them instead of
 * the submitter's.  Proved with files only one user may read: a
 * submitter running as user B opens A's 0400 file only through A's
 * personality (without it: -EACCES), and through A's personality can no
 * longer open its own 0400 file (-EACCES).  A personality registered by
 * root carries root's capabilities to an unprivileged submitter.  Without
 * a personality, requests run as the submitter, not as the ring's
 * creator (IORING_FEAT_CUR_PERSONALITY).  Credentials changed after
 * registering do not change the snapshot.  Each case runs inline and
 * with IOSQE_ASYNC (an io-wq worker must take on the same credentials).
 *
 * Needs root to create the users' files and switch effective uid; the
 * switching happens in a child process.
 */
#include <grp.h>
#include <sys/stat.h>

#include "iou.h"
#include "iou_rsrc.h"

FIXTURE(personality) {
	unsigned int uid_a, uid_b;
	int dir;		/* O_PATH fd of the scratch directory */
	char file_a[512], file_b[512], file_root[512];
};

FIXTURE_VARIANT(personality) {
	unsigned int sqe_flags;
};

FIXTURE_VARIANT_ADD(personality, inline) { .sqe_flags = 0 };
FIXTURE_VARIANT_ADD(personality, async) { .sqe_flags = IOSQE_ASYNC };

static void make_private_file(struct __test_metadata *_metadata, char *path,
			      size_t len, const char *name, unsigned int uid)
{
	int fd = iou_scratch_file(name, 64, 0);

	ASSERT_LE(0, fd);
	close(fd);
	snprintf(path, len, "%s", name);
	ASSERT_EQ(0, chown(iou_scratch_path(name), uid, uid));
	ASSERT_EQ(0, chmod(iou_scratch_path(name), 0400));
}

FIXTURE_SETUP(personality)
{
	self->dir = -1;
	if (geteuid() != 0 || !iou_has_cap(CAP_SETUID) || !iou_has_cap(CAP_CHOWN))
		SKIP(return, "needs root (CAP_SETUID, CAP_CHOWN) to act as two users");
	REQUIRE_FEATURE(IORING_FEAT_CUR_PERSONALITY);
	/*
	 * The users open the files relative to a descriptor of the scratch
	 * directory, so only that directory must be searchable by them,
	 * not its ancestors (the runner's TMPDIR is private to root).
	 */
	ASSERT_EQ(0, chmod(iou_scratch_dir(), 0755));
	self->dir = open(iou_scratch_dir(), O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->dir);
	self->uid_a = iou_private_uid();
	self->uid_b = self->uid_a + 100000;
	make_private_file(_metadata, self->file_a, sizeof(self->file_a), "only-a",
			  self->uid_a);
	make_private_file(_metadata, self->file_b, sizeof(self->file_b), "only-b",
			  self->uid_b);
	make_private_file(_metadata, self->file_root, sizeof(self->file_root),
			  "only-root", 0);
	ASSERT_EQ(0, chmod(iou_scratch_path("only-root"), 0));
}

FIXTURE_TEARDOWN(personality)
{
	if (self->dir >= 0)
		close(self->dir);
}

static int scratch_dir_fd = -1;

/* openat(dir, name) on r, as personality id (0: none); CQE res, fd closed */
static int try_open(struct iou_ring *r, const char *name, unsigned int id,
		    unsigned int sqe_flags)
{
	struct io_uring_sqe *sqe = iou_get_sqe(r);
	int res;

	iou_prep_openat(sqe, scratch_dir_fd, name, O_RDONLY | O_CLOEXEC, 0);
	sqe->personality = (__u16)id;
	sqe->flags = (__u8)sqe_flags;
	res = iou_run_one(r, NULL);
	if (res >= 0)
		close(res);
	return res;
}

static int register_as(struct iou_ring *r, unsigned int euid)
{
	int id;

	if (seteuid(euid))
		return -errno;
	id = iou_register(r, IORING_REGISTER_PERSONALITY, NULL, 0);
	if (seteuid(0))
		return -errno;
	return id;
}

typedef void (*child_fn)(struct __test_metadata *_metadata,
			 FIXTURE_DATA(personality) *self, unsigned int sqe_flags);

static void in_child(struct __test_metadata *_metadata, FIXTURE_DATA(personality) *self,
		     child_fn fn, unsigned int sqe_flags)
{
	int pid;

	fflush(NULL);
	scratch_dir_fd = self->dir;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* no supplementary groups; root's saved uid lets us switch back */
		ASSERT_EQ(0, setgroups(0, NULL));
		fn(_metadata, self, sqe_flags);
		fflush(NULL);
		_exit(_metadata->exit_code);
	}
	ASSERT_EQ(0, iou_wait_child(pid, 10000));
}

static void as_other_user(struct __test_metadata *_metadata, FIXTURE_DATA(personality) *self,
			  unsigned int sqe_flags)
{
	struct iou_ring r;
	int pa;

	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	pa = register_as(&r, self->uid_a);
	ASSERT_LE(1, pa);
	ASSERT_EQ(0, seteuid(self->uid_b));
	ASSERT_FALSE(iou_has_cap(CAP_DAC_OVERRIDE));

	/* as B: A's file is closed to us, except through A's personality */
	ASSERT_RES(-EACCES, try_open(&r, self->file_a, 0, sqe_flags));
	ASSERT_LE(0, try_open(&r, self->file_a, (unsigned int)pa, sqe_flags));
	/* B's own file, through A's personality, is closed */
	ASSERT_LE(0, try_open(&r, self->file_b, 0, sqe_flags));
	ASSERT_RES(-EACCES, try_open(&r, self->file_b, (unsigned int)pa, sqe_flags));
	ASSERT_EQ(0, seteuid(0));
	iou_ring_exit(&r);
}

TEST_F(personality, personality_opens_what_only_its_user_may_read)
{
	in_child(_metadata, self, as_other_user, variant->sqe_flags);
}

static void root_snapshot(struct __test_metadata *_metadata, FIXTURE_DATA(personality) *self,
			  unsigned int sqe_flags)
{
	struct iou_ring r;
	int proot;

	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	proot = iou_register(&r, IORING_REGISTER_PERSONALITY, NULL, 0);
	ASSERT_LE(1, proot);
	ASSERT_EQ(0, seteuid(self->uid_b));
	/* a mode-0 file opens only with root's DAC override */
	ASSERT_RES(-EACCES, try_open(&r, self->file_root, 0, sqe_flags));
	ASSERT_LE(0, try_open(&r, self->file_root, (unsigned int)proot, sqe_flags));
	ASSERT_EQ(0, seteuid(0));
	iou_ring_exit(&r);
}

TEST_F(personality, root_personality_carries_capabilities_to_unprivileged_submitter)
{
	in_child(_metadata, self, root_snapshot, variant->sqe_flags);
}

static void submitter_creds(struct __test_metadata *_metadata, FIXTURE_DATA(personality) *self,
			    unsigned int sqe_flags)
{
	struct iou_ring r;

	/* created by root, used by A: requests run as A */
	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_EQ(0, seteuid(self->uid_a));
	ASSERT_RES(-EACCES, try_open(&r, self->file_root, 0, sqe_flags));
	ASSERT_RES(-EACCES, try_open(&r, self->file_b, 0, sqe_flags));
	ASSERT_LE(0, try_open(&r, self->file_a, 0, sqe_flags));
	ASSERT_EQ(0, seteuid(0));
	ASSERT_LE(0, try_open(&r, self->file_root, 0, sqe_flags));
	iou_ring_exit(&r);
}

TEST_F(personality, without_personality_requests_run_as_the_submitter)
{
	in_child(_metadata, self, submitter_creds, variant->sqe_flags);
}

static void snapshot_is_fixed(struct __test_metadata *_metadata, FIXTURE_DATA(personality) *self,
			      unsigned int sqe_flags)
{
	struct iou_ring r;
	int pa;

	ASSERT_EQ(0, iou_ring_init(&r, 4, 0));
	ASSERT_EQ(0, seteuid(self->uid_a));
	pa = iou_register(&r, IORING_REGISTER_PERSONALITY, NULL, 0);
	ASSERT_LE(1, pa);
	/* the registering task moves on to B; the snapshot stays A */
	ASSERT_EQ(0, seteuid(0));
	ASSERT_EQ(0, seteuid(self->uid_b));
	ASSERT_LE(0, try_open(&r, self->file_a, (unsigned int)pa, sqe_flags));
	ASSERT_RES(-EACCES, try_open(&r, self->file_b, (unsigned int)pa, sqe_flags));
	ASSERT_EQ(0, seteuid(0));
	iou_ring_exit(&r);
}

TEST_F(personality, later_credential_changes_do_not_alter_the_snapshot)
{
	in_child(_metadata, self, snapshot_is_fixed, variant->sqe_flags);
}

TEST_HARNESS_MAIN
