// SPDX-License-Identifier: GPL-2.0
/*
 * A buffer registered with IORING_REGISTER_BUFFERS2 and a non-zero tag
 * posts one CQE {user_data = tag, res = 0, flags = 0} when the kernel
 * lets go of it: when BUFFERS_UPDATE replaces or empties its slot, or
 * when the table is unregistered.  A zero tag posts nothing.  A buffer
 * still used by an in-flight request is released (and its tag posted)
 * only after that request has completed, and the request still lands in
 * the old buffer.  A tag for an empty slot is refused (EINVAL), a failed
 * registration posts no tags, and an update stops at the first entry it
 * cannot apply, returning how many it did apply.
 *
 * Tags came with FEAT_RSRC_TAGS (5.13).  How soon a tag CQE appears after
 * the release differs between kernels (older ones post from a work
 * item), so the cases wait for tag CQEs instead of expecting them at
 * once; what is asserted is that they do not come before the release.
 *
 * Unregistering the whole table posts the tags still in it only since
 * 6.13 (7029acd8a950, "io_uring/rsrc: get rid of per-ring io_rsrc_node
 * list", made every buffer a node that posts its tag when freed); 5.13 to
 * 6.12 free the table silently and post tags for updates only.  That is
 * probed (iou_unregister_posts_tags()); a case about the unregister
 * itself skips without it, and one that only ends with an unregister
 * asserts the behaviour of the kernel found: its tags, or no CQE at all.
 */
#include "iou.h"
#include "iou_rsrc.h"
#include "iou_versions.h"

#define QUIET_MS	50

FIXTURE(tags) {
	struct iou_ring r;
	unsigned char *mem;
	size_t len;
	int fd;
};

FIXTURE_SETUP(tags)
{
	self->fd = -1;
	REQUIRE_FEATURE(IORING_FEAT_RSRC_TAGS);
	ASSERT_EQ(0, iou_ring_init(&self->r, 8, 0));
	self->len = 4 * IOU_PAGE_SIZE;
	self->mem = iou_map_nohuge(self->len);
	ASSERT_NE(NULL, self->mem);
	self->fd = iou_scratch_file("data", 4 * IOU_PAGE_SIZE, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(tags)
{
	iou_ring_exit(&self->r);
	if (self->fd >= 0)
		close(self->fd);
}

static struct iovec page_iov(FIXTURE_DATA(tags) *self, unsigned int i)
{
	return (struct iovec){ self->mem + i * IOU_PAGE_SIZE, IOU_PAGE_SIZE };
}

static int read_fixed(struct iou_ring *r, int fd, void *buf, unsigned int len,
		      unsigned int index)
{
	iou_prep_read_fixed(iou_get_sqe(r), fd, buf, len, 0, index);
	return iou_run_one(r, NULL);
}

/* true if cqe is a tag CQE for one of want[0..n) not seen before */
static bool is_new_tag(const struct iou_cqe *cqe, const __u64 *want,
		       bool *seen, unsigned int n)
{
	if (cqe->res != 0 || cqe->flags != 0)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (!seen[i] && cqe->user_data == want[i])
			return seen[i] = true;
	return false;
}

TEST_F(tags, unregister_posts_one_cqe_per_nonzero_tag)
{
	struct iovec iov[3] = { page_iov(self, 0), page_iov(self, 1), page_iov(self, 2) };
	__u64 tag[3] = { 0x11, 0, 0x33 };
	__u64 want[2] = { 0x11, 0x33 };
	bool seen[2] = { false, false };
	struct iou_cqe cqe[2];

	REQUIRE_UNREGISTER_POSTS_TAGS();
	ASSERT_RES(0, iou_register_buffers2(&self->r, iov, tag, 3, 0));
	/* registering posts nothing */
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	for (int i = 0; i < 2; i++) {
		ASSERT_TRUE(is_new_tag(&cqe[i], want, seen, 2))
			TH_LOG("cqe %d: user_data %#llx res %d flags %#x", i,
			       (unsigned long long)cqe[i].user_data, cqe[i].res,
			       cqe[i].flags);
	}
	/* the zero tag stays silent */
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
}

TEST_F(tags, update_replacing_a_buffer_posts_the_old_tag)
{
	struct iovec iov[2] = { page_iov(self, 0), page_iov(self, 1) };
	struct iovec repl = page_iov(self, 2);
	__u64 tag[2] = { 0x11, 0x22 }, new_tag = 0x44;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_register_buffers2(&self->r, iov, tag, 2, 0));
	ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 0,
				     &repl, &new_tag, 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x11, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));

	/* slot 0 now is page 2: page 0's address no longer belongs to it */
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem + 2 * IOU_PAGE_SIZE, 64, 0));
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0));

	/* and the new tag is the one posted when it goes */
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	if (!iou_unregister_posts_tags()) {
		/* before 6.13 the unregister posts nothing at all */
		ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
	} else {
		__u64 want[2] = { 0x44, 0x22 };
		bool seen[2] = { false, false };
		struct iou_cqe two[2];

		ASSERT_EQ(2, iou_reap(&self->r, two, 2, IOU_WAIT_MS));
		ASSERT_TRUE(is_new_tag(&two[0], want, seen, 2));
		ASSERT_TRUE(is_new_tag(&two[1], want, seen, 2));
	}
}

TEST_F(tags, update_emptying_a_slot_posts_its_tag)
{
	struct iovec iov = page_iov(self, 0), none = { NULL, 0 };
	__u64 tag = 0x5150;
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_register_buffers2(&self->r, &iov, &tag, 1, 0));
	ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 0,
				     &none, NULL, 1));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0x5150, cqe.user_data);
	ASSERT_RES(0, cqe.res);
	ASSERT_EQ(0, cqe.flags);
	ASSERT_RES(-EFAULT, read_fixed(&self->r, self->fd, self->mem, 64, 0));
	/* the emptied slot has no tag left to post */
	ASSERT_RES(0, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
}

TEST_F(tags, tag_for_an_empty_slot_fails_einval)
{
	struct iovec iov[2] = { page_iov(self, 0), { NULL, 0 } };
	__u64 tag[2] = { 0, 0x77 }, upd_tag = 0x78;
	struct iovec none = { NULL, 0 };

	ASSERT_RES(-EINVAL, iou_register_buffers2(&self->r, iov, tag, 2, 0));
	ASSERT_RES(-ENXIO, iou_register(&self->r, IORING_UNREGISTER_BUFFERS, NULL, 0));

	tag[1] = 0;
	ASSERT_RES(0, iou_register_buffers2(&self->r, iov, tag, 2, 0));
	ASSERT_RES(-EINVAL, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 1,
					   &none, &upd_tag, 1));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
}

TEST_F(tags, failed_registration_posts_no_tags)
{
	struct iovec iov[3] = { page_iov(self, 0), page_iov(self, 1),
				{ iou_fault_ptr(), IOU_PAGE_SIZE } };
	__u64 tag[3] = { 0x1, 0x2, 0x3 };

	ASSERT_RES(-EFAULT, iou_register_buffers2(&self->r, iov, tag, 3, 0));
	/* the two pinned buffers were unwound without announcing it */
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
}

TEST_F(tags, update_stops_at_the_first_bad_entry_and_returns_the_count)
{
	struct iovec iov[3] = { page_iov(self, 0), page_iov(self, 1), page_iov(self, 2) };
	struct iovec upd[3] = { page_iov(self, 3), { iou_fault_ptr(), IOU_PAGE_SIZE },
				page_iov(self, 3) };
	__u64 tag[3] = { 0xa, 0xb, 0xc };
	struct iou_cqe cqe;

	ASSERT_RES(0, iou_register_buffers2(&self->r, iov, tag, 3, 0));
	/* entry 0 is applied, entry 1 cannot be pinned: 1 is returned */
	ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 0,
				     upd, NULL, 3));
	ASSERT_EQ(1, iou_reap(&self->r, &cqe, 1, IOU_WAIT_MS));
	ASSERT_EQ(0xa, cqe.user_data);
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));
	/* slots 1 and 2 still hold pages 1 and 2 */
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem + IOU_PAGE_SIZE, 64, 1));
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem + 2 * IOU_PAGE_SIZE, 64, 2));
	ASSERT_RES(64, read_fixed(&self->r, self->fd, self->mem + 3 * IOU_PAGE_SIZE, 64, 0));
	/* a bad first entry returns its errno */
	ASSERT_RES(-EFAULT, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 1,
					   &upd[1], NULL, 1));
}

TEST_F(tags, release_waits_for_the_request_using_the_buffer)
{
	struct iovec iov = page_iov(self, 0), none = { NULL, 0 };
	__u64 tag = 0xbeef;
	struct io_uring_sqe *sqe;
	unsigned char src[100];
	struct iou_cqe cqe[2];
	int pfd[2];

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_RES(0, iou_register_buffers2(&self->r, &iov, &tag, 1, 0));

	/* a fixed read from an empty pipe: it waits, holding slot 0's buffer */
	sqe = iou_get_sqe(&self->r);
	iou_prep_read_fixed(sqe, pfd[0], self->mem, 100, 0, 0);
	sqe->user_data = 0x7ead;
	ASSERT_EQ(1, iou_submit(&self->r));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));

	/* the slot is emptied at once, but the buffer lives on */
	ASSERT_RES(1, iou_rsrc_update2(&self->r, IORING_REGISTER_BUFFERS_UPDATE, 0,
				     &none, NULL, 1));
	ASSERT_EQ(0, iou_reap_quiet(&self->r, QUIET_MS, NULL));

	iou_fill_pattern(src, sizeof(src), 4242);
	ASSERT_EQ(100, write(pfd[1], src, sizeof(src)));
	ASSERT_EQ(2, iou_reap(&self->r, cqe, 2, IOU_WAIT_MS));
	/* first the read, into the old buffer, then the tag */
	ASSERT_EQ(0x7ead, cqe[0].user_data);
	ASSERT_RES(100, cqe[0].res);
	ASSERT_TRUE(iou_check_pattern(self->mem, 100, 4242));
	ASSERT_EQ(0xbeef, cqe[1].user_data);
	ASSERT_RES(0, cqe[1].res);
	ASSERT_EQ(0, cqe[1].flags);
	close(pfd[0]);
	close(pfd[1]);
}

TEST_HARNESS_MAIN
