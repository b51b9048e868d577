// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test of the low-level kselftest.h API; with an argument
 * "skip" it skips the whole program before the plan.
 */
#include <string.h>
#include "iou_kselftest.h"

int main(int argc, char **argv)
{
	ksft_print_header();
	if (argc > 1 && !strcmp(argv[1], "skip"))
		ksft_exit_skip("marker whole skip\n");
	ksft_set_plan(5);
	ksft_print_msg("marker message %d\n", 42);
	ksft_test_result_pass("first\n");
	ksft_test_result(1 == 1, "second\n");
	ksft_test_result_skip("third\n");
	ksft_test_result_code(KSFT_SKIP, "fourth", "why %s", "not");
	ksft_test_result_code(KSFT_PASS, "fifth", NULL);
	ksft_finished();
}
