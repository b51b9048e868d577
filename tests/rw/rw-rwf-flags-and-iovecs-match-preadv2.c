// SPDX-License-Identifier: GPL-2.0
/*
 * The per-request RWF_* flags (sqe->rw_flags) and the iovec arrays of
 * IORING_OP_READV/WRITEV are held to preadv2(2)/pwritev2(2): the same
 * flags and vectors complete with the call's result and leave the same
 * file and buffer, inline and from io-wq.  READ and WRITE carry the flags
 * too, on one buffer (the call then gets a one-segment vector).
 *
 * Flags: none, DSYNC, SYNC, NOWAIT on cached data and on data dropped
 * from the page cache (where the file system can tell, EAGAIN), APPEND,
 * NOAPPEND (6.9), ATOMIC (6.11), DONTCACHE (6.14) and an unknown bit:
 * whatever the kernel makes of the newer ones, the opcode must make the
 * same.  Vectors: three segments, zero segments, UIO_MAXIOV (1024) and
 * one more, a NULL or unmapped array, a NULL segment, empty segments,
 * lengths whose sum overflows ssize_t.
 *
 * Where the two differ by definition the row says why: RWF_HIPRI asks
 * for polled completion, which a ring without IORING_SETUP_IOPOLL refuses
 * with EINVAL (io_rw_init_file() in io_uring/rw.c, since 5.1), where the
 * system call falls back to an ordinary read; a file system that refuses
 * a non-blocking buffered write with EOPNOTSUPP (ext4) gets EAGAIN from
 * the opcode, which io_write() maps on purpose.  What RWF_NOWAIT does in
 * io-wq is rw-rwf-nowait-honoured-from-iowq's subject.
 */
#define IOU_TWIN_FIXTURE preadv2
#include "iou_twin.h"

#ifndef RWF_NOAPPEND
#define RWF_NOAPPEND	0x00000020
#endif
#ifndef RWF_ATOMIC
#define RWF_ATOMIC	0x00000040
#endif
#ifndef RWF_DONTCACHE
#define RWF_DONTCACHE	0x00000080
#endif
#define RWF_UNKNOWN	0x40000000

enum iov_shape { IOV_THREE, IOV_NONE, IOV_MAXIOV, IOV_MAXIOV_PLUS_ONE, IOV_NULL_ARRAY,
		 IOV_FAULT_ARRAY, IOV_NULL_SEGMENT, IOV_EMPTY_SEGMENTS, IOV_OVERFLOW };

FIXTURE_VARIANT(preadv2) {
	IOU_TWIN_ROW_FIELDS;
	int opcode;
	enum iov_shape iov;
	int flags;
	enum iou_fd_kind fd;	/* IOU_FD_NONE: the file */
	long long off;
	bool uncached;		/* the file's pages dropped from the cache */
};

#define ROW(name, res_, op_, iov_, flags_, ...)				\
	FIXTURE_VARIANT_ADD(preadv2, name) {				\
		.twin_res = (res_), .opcode = IORING_OP_##op_, .iov = (iov_), \
		.flags = (flags_), __VA_ARGS__	\
	}

#define NOWAIT_ASYNC "rw-rwf-nowait-honoured-from-iowq's subject"
#define HIPRI_WHY "RWF_HIPRI needs an IOPOLL ring (io_rw_init_file); the call ignores it on buffered I/O"

/* vectors */
ROW(readv_three_segments, 4100, READV, IOV_THREE, 0);
ROW(writev_three_segments, 4100, WRITEV, IOV_THREE, 0);
ROW(readv_no_segments, 0, READV, IOV_NONE, 0);
ROW(writev_no_segments, 0, WRITEV, IOV_NONE, 0);
ROW(readv_uio_maxiov_segments, 1024, READV, IOV_MAXIOV, 0);
ROW(writev_uio_maxiov_segments, 1024, WRITEV, IOV_MAXIOV, 0);
ROW(readv_one_segment_too_many, -EINVAL, READV, IOV_MAXIOV_PLUS_ONE, 0);
ROW(writev_one_segment_too_many, -EINVAL, WRITEV, IOV_MAXIOV_PLUS_ONE, 0);
ROW(readv_null_array, -EFAULT, READV, IOV_NULL_ARRAY, 0);
ROW(writev_unmapped_array, -EFAULT, WRITEV, IOV_FAULT_ARRAY, 0);
ROW(readv_null_segment_is_a_short_read, 100, READV, IOV_NULL_SEGMENT, 0);
ROW(writev_null_segment_is_a_short_write, 100, WRITEV, IOV_NULL_SEGMENT, 0);
ROW(readv_empty_segments_skipped, 200, READV, IOV_EMPTY_SEGMENTS, 0);
ROW(writev_empty_segments_skipped, 200, WRITEV, IOV_EMPTY_SEGMENTS, 0);
ROW(readv_lengths_overflow, -EFAULT, READV, IOV_OVERFLOW, 0);
ROW(writev_lengths_overflow, -EFAULT, WRITEV, IOV_OVERFLOW, 0);
ROW(readv_at_file_position, 4100, READV, IOV_THREE, 0, .off = -1);
ROW(writev_pipe_at_file_position, 4100, WRITEV, IOV_THREE, 0, .fd = IOU_FD_PIPE_W, .off = -1);
/* flags */
ROW(read_dsync, 4096, READ, IOV_THREE, RWF_DSYNC);
ROW(write_dsync, 4096, WRITE, IOV_THREE, RWF_DSYNC);
ROW(writev_sync, 4100, WRITEV, IOV_THREE, RWF_SYNC);
ROW(read_nowait_cached, 4096, READ, IOV_THREE, RWF_NOWAIT);
ROW(read_nowait_not_cached, IOU_TWIN_ANY, READ, IOV_THREE, RWF_NOWAIT, .uncached = true,
    .no_async = NOWAIT_ASYNC);
ROW(readv_nowait_not_cached, IOU_TWIN_ANY, READV, IOV_THREE, RWF_NOWAIT, .uncached = true,
    .no_async = NOWAIT_ASYNC);
ROW(write_nowait, IOU_TWIN_ANY, WRITE, IOV_THREE, RWF_NOWAIT, .no_async = NOWAIT_ASYNC,
    .differs = "io_write() turns a file system's EOPNOTSUPP for IOCB_NOWAIT into EAGAIN");
ROW(write_append_ignores_offset, 4096, WRITE, IOV_THREE, RWF_APPEND);
ROW(writev_append_ignores_offset, 4100, WRITEV, IOV_THREE, RWF_APPEND);
ROW(read_append_is_ignored, 4096, READ, IOV_THREE, RWF_APPEND);
ROW(write_noappend_on_append_fd, IOU_TWIN_ANY, WRITE, IOV_THREE, RWF_NOAPPEND, .fd = IOU_FD_APPEND);
ROW(write_atomic_buffered, IOU_TWIN_ANY, WRITE, IOV_THREE, RWF_ATOMIC);
ROW(read_dontcache, IOU_TWIN_ANY, READ, IOV_THREE, RWF_DONTCACHE);
ROW(write_dontcache, IOU_TWIN_ANY, WRITE, IOV_THREE, RWF_DONTCACHE);
ROW(read_unknown_flag, -EOPNOTSUPP, READ, IOV_THREE, RWF_UNKNOWN);
ROW(writev_unknown_flag, -EOPNOTSUPP, WRITEV, IOV_THREE, RWF_UNKNOWN);
ROW(read_hipri_without_iopoll, 4096, READ, IOV_THREE, RWF_HIPRI,
    .differs = HIPRI_WHY, .ring_res = -EINVAL);
ROW(writev_hipri_without_iopoll, 4100, WRITEV, IOV_THREE, RWF_HIPRI,
    .differs = HIPRI_WHY, .ring_res = -EINVAL);

struct rwv_mem {
	struct iovec iov[1025];
};

/* the vector of a shape, over the data buffer */
static int make_iov(struct iou_twin_run *s, enum iov_shape shape, struct iovec **iov)
{
	struct iovec *v = ((struct rwv_mem *)s->priv)->iov;

	*iov = v;
	memset(v, 0, 1025 * sizeof(*v));
	switch (shape) {
	case IOV_THREE:
		v[0] = (struct iovec){ s->buf, 4096 };
		v[1] = (struct iovec){ s->buf + 8192, 3 };
		v[2] = (struct iovec){ s->buf + 16384, 1 };
		return 3;
	case IOV_NONE:
		return 0;
	case IOV_MAXIOV:
	case IOV_MAXIOV_PLUS_ONE:
		for (int i = 0; i < 1025; i++)
			v[i] = (struct iovec){ s->buf + 2 * i, 1 };
		return shape == IOV_MAXIOV ? 1024 : 1025;
	case IOV_NULL_ARRAY:
		*iov = NULL;
		return 2;
	case IOV_FAULT_ARRAY:
		*iov = iou_fault_ptr();
		return 2;
	case IOV_NULL_SEGMENT:
		v[0] = (struct iovec){ s->buf, 100 };
		v[1] = (struct iovec){ NULL, 100 };
		return 2;
	case IOV_EMPTY_SEGMENTS:
		v[0] = (struct iovec){ NULL, 0 };
		v[1] = (struct iovec){ s->buf, 100 };
		v[2] = (struct iovec){ iou_fault_ptr(), 0 };
		v[3] = (struct iovec){ s->buf + 1000, 100 };
		return 4;
	case IOV_OVERFLOW:
		v[0] = (struct iovec){ s->buf, (size_t)1 << 62 };
		v[1] = (struct iovec){ s->buf, (size_t)1 << 62 };
		return 2;
	}
	return 0;
}

/* how many of the file's pages are in the page cache (mincore), or -errno */
static int pages_resident(int fd)
{
	unsigned char vec[64];
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	size_t len;
	void *map;
	int n = 0;

	if (fstat(fd, &st))
		return -errno;
	len = (size_t)st.st_size;
	if (!len || len > sizeof(vec) * (size_t)page)
		return -EINVAL;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	if (mincore(map, len, vec))
		n = -errno;
	else
		for (size_t i = 0; i < (len + page - 1) / page; i++)
			n += vec[i] & 1;
	munmap(map, len);
	return n;
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(preadv2) *v = row;
	int ret = iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);

	iou_fill_pattern(s->buf, IOU_TWIN_BUF, 1 << 30);
	if (ret || !v->uncached)
		return ret;
	/* written back and dropped: a NOWAIT read would have to block */
	if (fsync(s->use[0]))
		return -errno;
	ret = -posix_fadvise(s->use[0], 0, 0, POSIX_FADV_DONTNEED);
	if (ret)
		return ret;
	/* the row's premise, checked: no page of the file is resident */
	ret = pages_resident(s->use[0]);
	return ret > 0 ? -EBUSY : ret;
}

static bool is_read(const FIXTURE_VARIANT(preadv2) *v)
{
	return v->opcode == IORING_OP_READ || v->opcode == IORING_OP_READV;
}

static bool is_vectored(const FIXTURE_VARIANT(preadv2) *v)
{
	return v->opcode == IORING_OP_READV || v->opcode == IORING_OP_WRITEV;
}

static off_t offset(const FIXTURE_VARIANT(preadv2) *v)
{
	return v->off ? (off_t)v->off : 100;
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(preadv2) *v = row;
	struct iovec *iov;
	int nr = make_iov(s, v->iov, &iov);
	ssize_t ret;

	if (!is_vectored(v))
		nr = 1;
	ret = is_read(v) ? preadv2(s->use[0], iov, nr, offset(v), v->flags) :
			   pwritev2(s->use[0], iov, nr, offset(v), v->flags);
	return ret < 0 ? -errno : (int)ret;
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(preadv2) *v = row;
	struct iovec *iov;
	int nr = make_iov(s, v->iov, &iov);

	if (is_vectored(v))
		iou_prep_rw(sqe, v->opcode, s->use[0], iov, (unsigned int)nr, (__u64)offset(v));
	else
		iou_prep_rw(sqe, v->opcode, s->use[0], iov[0].iov_base,
			    (unsigned int)iov[0].iov_len, (__u64)offset(v));
	sqe->rw_flags = v->flags;
}

static int expect(int call_res, const void *row)
{
	const FIXTURE_VARIANT(preadv2) *v = row;

	if (v->flags == RWF_NOWAIT)
		return call_res == -EOPNOTSUPP ? -EAGAIN : call_res;
	return v->ring_res;
}

static const struct iou_twin_ops ops = {
	.setup = setup, .call = call, .prep = prep, .expect = expect,
};

TEST_F(preadv2, opcode_matches_the_system_call)
{
	static struct rwv_mem mem;

	REQUIRE_OPCODE(variant->opcode);
	iou_twin_check_priv(_metadata, &self->r, &ops, variant, &mem);
}

TEST_HARNESS_MAIN
