/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the lifecycle area (tests/lifecycle): observing from outside
 * what a ring still holds (a pipe end it references; the threads it runs
 * are counted with iou_threads()) and reading /proc/<pid>/fdinfo of a ring.
 */
#ifndef IOU_LIFECYCLE_H
#define IOU_LIFECYCLE_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iou_harness.h"

/*
 * Is the read end of the pipe whose write end is wfd still referenced by
 * anyone?  A write end reports POLLERR once no reader is left.
 */
static inline bool iou_lc_reader_held(int wfd)
{
	struct pollfd pfd = { .fd = wfd, .events = POLLOUT };

	return poll(&pfd, 1, 0) == 1 && !(pfd.revents & POLLERR);
}

/* wait up to ms for the pipe's last reader to go; true if it went */
static inline bool iou_lc_reader_gone(int wfd, unsigned int ms)
{
	uint64_t start = iou_now_ns();

	do {
		struct pollfd pfd = { .fd = wfd, .events = POLLOUT };

		if (poll(&pfd, 1, 5) == 1 && (pfd.revents & POLLERR))
			return true;
	} while (iou_ms_since(start) < ms);
	return false;
}

/* /proc/self/fdinfo/<fd> into buf (NUL-terminated); bytes or -errno */
static inline ssize_t iou_lc_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return iou_read_file(path, buf, len);
}

/* the line of fdinfo text buf that starts with "key:", or NULL */
static inline const char *iou_lc_fdinfo_line(const char *buf, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return p;
	return NULL;
}

/* the number after "key:" (decimal, or hex with 0x); false if absent */
static inline bool iou_lc_fdinfo_value(const char *buf, const char *key,
				       long long *val)
{
	const char *p = iou_lc_fdinfo_line(buf, key);
	char *end;

	if (!p)
		return false;
	p += strlen(key) + 1;
	*val = strtoll(p, &end, 0);
	return end != p;
}

/* lines after the "from:" line up to (not including) the "to:" line; -1 if absent */
static inline int iou_lc_fdinfo_lines_between(const char *buf, const char *from,
					      const char *to)
{
	const char *a = iou_lc_fdinfo_line(buf, from);
	const char *b = iou_lc_fdinfo_line(buf, to);
	int n = 0;

	if (!a || !b || b < a)
		return -1;
	for (const char *p = strchr(a, '\n'); p && p + 1 < b; p = strchr(p + 1, '\n'))
		n++;
	return n;
}

#endif /* IOU_LIFECYCLE_H */
