/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading /proc/self/fdinfo/<fd> of a ring: the text and its "key: value"
 * lines.
 */
#ifndef IOU_FDINFO_H
#define IOU_FDINFO_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iou_harness.h"

/* /proc/self/fdinfo/<fd> into buf (NUL-terminated); bytes or -errno */
static inline ssize_t iou_fdinfo_read(int fd, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return iou_read_file(path, buf, len);
}

/* the line of fdinfo text buf that starts with "key:", or NULL */
static inline const char *iou_fdinfo_line(const char *buf, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return p;
	return NULL;
}

/* the number after "key:" (decimal, or hex with 0x); false if absent */
static inline bool iou_fdinfo_value(const char *buf, const char *key,
				       long long *val)
{
	const char *p = iou_fdinfo_line(buf, key);
	char *end;

	if (!p)
		return false;
	p += strlen(key) + 1;
	*val = strtoll(p, &end, 0);
	return end != p;
}

/* lines after the "from:" line up to (not including) the "to:" line; -1 if absent */
static inline int iou_fdinfo_lines_between(const char *buf, const char *from,
					      const char *to)
{
	const char *a = iou_fdinfo_line(buf, from);
	const char *b = iou_fdinfo_line(buf, to);
	int n = 0;

	if (!a || !b || b < a)
		return -1;
	for (const char *p = strchr(a, '\n'); p && p + 1 < b; p = strchr(p + 1, '\n'))
		n++;
	return n;
}

#endif /* IOU_FDINFO_H */
