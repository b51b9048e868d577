// SPDX-License-Identifier: GPL-2.0
/*
 * Environment report for the runner: what this kernel's io_uring offers,
 * as key=value lines (run_tests.sh puts them in the KTAP header and in
 * summary.json).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iou_abi.h"
#include "iou_ring.h"
#include "iou_harness.h"

static void print_features(unsigned int features)
{
	const char *sep = "";

	printf("io_uring_features=0x%x\n", features);
	printf("io_uring_feature_names=");
	for (unsigned int bit = 0; bit < 32; bit++) {
		if (!(features & (1U << bit)))
			continue;
		printf("%s%s", sep, iou_feature_name(1U << bit));
		sep = " ";
	}
	printf("\n");
}

int main(void)
{
	char reason[256];
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2];
	unsigned int nr_ops, missing = 0;
	const char *sep = "";

	printf("io_uring_group=%ld\n",
	       iou_read_sysctl("/proc/sys/kernel/io_uring_group", -1));
	memset(caps, 0, sizeof(caps));
	if (!syscall(SYS_capget, &hdr, caps))
		printf("cap_effective=0x%08x%08x\n", caps[1].effective,
		       caps[0].effective);
	if (iou_available(reason, sizeof(reason)) != IOU_PRESENT) {
		printf("io_uring=unavailable: %s\n", reason);
		return 0;
	}
	printf("io_uring=available\n");
	print_features(iou_features());
	nr_ops = iou_probe_nr_ops();
	printf("io_uring_nr_opcodes=%u\n", nr_ops);
	printf("io_uring_unsupported_opcodes=");
	for (int op = 0; op < IORING_OP_LAST; op++) {
		if (iou_opcode_supported(op))
			continue;
		printf("%s%s", sep, iou_opcode_name(op));
		sep = " ";
		missing++;
	}
	printf("%s\n", missing ? "" : "none");
	printf("io_uring_setup_flags=");
	sep = "";
	for (unsigned int bit = 0; bit < 19; bit++) {
		if (!iou_setup_flag_supported(1U << bit))
			continue;
		printf("%s%s", sep, iou_setup_flag_name(1U << bit) + strlen("IORING_SETUP_"));
		sep = " ";
	}
	printf("\n");
	return 0;
}
