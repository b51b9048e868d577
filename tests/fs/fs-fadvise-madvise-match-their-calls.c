// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_FADVISE is held to posix_fadvise(2) and IORING_OP_MADVISE to
 * madvise(2): on the same descriptor or memory, range and advice they
 * complete with the call's result and leave the same file and memory
 * (MADV_DONTNEED empties private anonymous pages, so the data buffer
 * shows it), inline and from io-wq.  Rows: each advice, an unknown one,
 * negative lengths and offsets, pipes, O_PATH and closed descriptors;
 * unaligned, unmapped and empty ranges of memory.
 *
 * Lengths fit in 32 bits: the SQE carries a 64-bit length in addr (off
 * for MADVISE) only since 6.11, where 6.1 refuses those fields as
 * reserved.
 */
#include <sys/mman.h>
#define IOU_TWIN_FIXTURE advise
#include "iou_twin.h"

enum mem { MEM_BUF, MEM_UNALIGNED, MEM_UNMAPPED };

FIXTURE_VARIANT(advise) {
	IOU_TWIN_ROW_FIELDS;
	bool memory;		/* MADVISE, else FADVISE */
	enum iou_fd_kind fd;	/* FADVISE: IOU_FD_NONE is the file */
	enum mem mem;		/* MADVISE: where */
	long long off;
	bool zero_len;		/* else 4 KiB of file, 8 KiB of memory */
	int advice;
};

#define FROW(name, res_, advice_, ...)					\
	FIXTURE_VARIANT_ADD(advise, name) {				\
		.twin_res = (res_), .advice = (advice_), __VA_ARGS__ \
	}
#define MROW(name, res_, advice_, ...)					\
	FIXTURE_VARIANT_ADD(advise, name) {				\
		.twin_res = (res_), .memory = true, .advice = (advice_), __VA_ARGS__ \
	}

FROW(fadvise_normal, 0, POSIX_FADV_NORMAL);
FROW(fadvise_random, 0, POSIX_FADV_RANDOM);
FROW(fadvise_sequential, 0, POSIX_FADV_SEQUENTIAL);
FROW(fadvise_willneed, 0, POSIX_FADV_WILLNEED);
FROW(fadvise_dontneed, 0, POSIX_FADV_DONTNEED);
FROW(fadvise_noreuse, 0, POSIX_FADV_NOREUSE);
FROW(fadvise_whole_file, 0, POSIX_FADV_WILLNEED, .zero_len = true);
FROW(fadvise_unknown_advice, -EINVAL, 99);
FROW(fadvise_negative_offset, IOU_TWIN_ANY, POSIX_FADV_WILLNEED, .off = -4096);
FROW(fadvise_read_only_fd, 0, POSIX_FADV_DONTNEED, .fd = IOU_FD_RDONLY);
FROW(fadvise_directory, IOU_TWIN_ANY, POSIX_FADV_WILLNEED, .fd = IOU_FD_DIR);
FROW(fadvise_pipe, -ESPIPE, POSIX_FADV_WILLNEED, .fd = IOU_FD_PIPE_R);
FROW(fadvise_o_path_fd, -EBADF, POSIX_FADV_WILLNEED, .fd = IOU_FD_OPATH);
FROW(fadvise_closed_fd, -EBADF, POSIX_FADV_WILLNEED, .fd = IOU_FD_CLOSED);
MROW(madvise_normal, 0, MADV_NORMAL);
MROW(madvise_random, 0, MADV_RANDOM);
MROW(madvise_sequential, 0, MADV_SEQUENTIAL);
MROW(madvise_willneed, 0, MADV_WILLNEED);
MROW(madvise_dontneed_empties_the_pages, 0, MADV_DONTNEED);
MROW(madvise_dontfork, 0, MADV_DONTFORK);
MROW(madvise_zero_length, 0, MADV_DONTNEED, .zero_len = true);
MROW(madvise_unknown_advice, -EINVAL, 999);
MROW(madvise_unaligned_address, -EINVAL, MADV_DONTNEED, .mem = MEM_UNALIGNED);
MROW(madvise_unmapped_range, -ENOMEM, MADV_WILLNEED, .mem = MEM_UNMAPPED);

static void *unmapped;

static unsigned int len(const FIXTURE_VARIANT(advise) *v)
{
	return v->zero_len ? 0 : v->memory ? 8192 : 4096;
}

static void *where(struct iou_twin_run *s, const FIXTURE_VARIANT(advise) *v)
{
	return v->mem == MEM_BUF ? s->buf : v->mem == MEM_UNALIGNED ? s->buf + 1 : unmapped;
}

static int setup(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(advise) *v = row;

	if (!unmapped) {
		/* an address nothing is mapped at, for as long as the case runs */
		unmapped = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (unmapped == MAP_FAILED || munmap(unmapped, 1 << 20))
			return -ENOMEM;
	}
	return v->memory ? 0 : iou_twin_fd(s, 0, v->fd ? v->fd : IOU_FD_FILE);
}

static int call(struct iou_twin_run *s, const void *row)
{
	const FIXTURE_VARIANT(advise) *v = row;

	if (v->memory)
		return madvise(where(s, v), len(v), v->advice) ? -errno : 0;
	return -posix_fadvise(s->use[0], (off_t)v->off, len(v), v->advice);
}

static void prep(struct iou_twin_run *s, const void *row, struct io_uring_sqe *sqe)
{
	const FIXTURE_VARIANT(advise) *v = row;

	if (v->memory)
		iou_prep_madvise(sqe, where(s, v), len(v), v->advice);
	else
		iou_prep_fadvise(sqe, s->use[0], (__u64)v->off, len(v), v->advice);
}

static const struct iou_twin_ops ops = { .setup = setup, .call = call, .prep = prep };

TEST_F(advise, opcode_matches_the_system_call)
{
	REQUIRE_OPCODE(variant->memory ? IORING_OP_MADVISE : IORING_OP_FADVISE);
	iou_twin_check(_metadata, &self->r, &ops, variant);
}

TEST_HARNESS_MAIN
