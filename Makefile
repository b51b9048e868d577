# SPDX-License-Identifier: GPL-2.0
#
# io_uring conformance suite.
#
#   make              build the harness library and every test program
#   make runtests     build, then run the whole suite against this kernel
#   make check        the suite's own tests (harness, runner, ABI), then runtests
#   make install      DESTDIR=... PREFIX=... (default /usr/local)
#   make dist         a tarball of statically linked programs and the runner
#   make vm-test KERNEL=6.1      the suite in another kernel under QEMU
#   make vm-matrix KERNELS="5.10 6.1 6.12 newest"
#   make clean
#
# Variables: CC, CFLAGS, EXTRA_CFLAGS, LDFLAGS, STATIC=1 (static binaries),
# OUTPUT=dir (build out of tree), KHDR_INCLUDES (-isystem of newer uapi
# headers: the ABI check compares against them), RUNTESTS_ARGS (passed to
# run_tests.sh), AREAS (a subset of tests/ to build and run).
#
# Copied into a kernel tree as tools/testing/selftests/<dir>, this Makefile
# builds through the kernel's lib.mk instead (see README): run_tests,
# install, gen_tar and run_kselftest.sh then work like for any selftest.
# IOU_STANDALONE=1 forces the standalone build there.

TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

ALL_TEST_SRCS := $(sort $(wildcard $(TOP)/tests/*/*.c))
# kselftest keys logs, arguments and results on the basename
DUP_NAMES := $(shell printf '%s\n' $(notdir $(ALL_TEST_SRCS)) | sort | uniq -d)
ifneq ($(DUP_NAMES),)
$(error test program names must be unique across tests/: $(DUP_NAMES))
endif

HARNESS_SRCS := $(wildcard $(TOP)/harness/*.c)
IOU_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -I$(TOP)/include

ifeq ($(IOU_STANDALONE)$(wildcard $(TOP)/../lib.mk),$(TOP)/../lib.mk)
# ---- inside a kernel tree: tools/testing/selftests/<dir> -----------------

TEST_GEN_PROGS := $(notdir $(ALL_TEST_SRCS:.c=))
# every program and the harness depend on the suite's headers
LOCAL_HDRS += $(wildcard $(TOP)/include/*.h)
OVERRIDE_TARGETS := 1
# -D_GNU_SOURCE= as the newest lib.mk does (sources guard their own define)
CFLAGS += $(IOU_CFLAGS) -D_GNU_SOURCE= $(KHDR_INCLUDES)

include $(TOP)/../lib.mk

IOU_OBJ := $(OUTPUT)/iou-obj
LIB := $(IOU_OBJ)/libiou.a
EXTRA_CLEAN := $(IOU_OBJ)
vpath %.c $(sort $(dir $(ALL_TEST_SRCS)))

$(IOU_OBJ)/%.o: $(TOP)/harness/%.c $(LOCAL_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(patsubst $(TOP)/harness/%.c,$(IOU_OBJ)/%.o,$(HARNESS_SRCS))
	$(AR) rcs $@ $^

$(OUTPUT)/%: %.c $(LIB) $(LOCAL_HDRS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

all: $(IOU_OBJ)/abi-check.stamp
$(IOU_OBJ)/abi-check.stamp: $(TOP)/include/iou_abi.h $(TOP)/harness/abi_check.sh
	@mkdir -p $(dir $@)
	sh $(TOP)/harness/abi_check.sh $(IOU_OBJ) '$(CC)' $(KHDR_INCLUDES)
	@touch $@

else
# ---- standalone ------------------------------------------------------------

OUTPUT ?= $(TOP)
override OUTPUT := $(abspath $(OUTPUT))

CC ?= gcc
CFLAGS ?= -Og -g
override CFLAGS += $(IOU_CFLAGS) -Werror -D_GNU_SOURCE -MMD -MP \
	$(KHDR_INCLUDES) $(EXTRA_CFLAGS)
ifeq ($(STATIC),1)
override LDFLAGS += -static
endif

PREFIX ?= /usr/local
LIBEXECDIR ?= $(PREFIX)/libexec/iouring-tests
BINDIR ?= $(PREFIX)/bin
DOCDIR ?= $(PREFIX)/share/doc/iouring-tests

HARNESS_OBJS := $(patsubst $(TOP)/%.c,$(OUTPUT)/build/%.o,$(HARNESS_SRCS))
LIB := $(OUTPUT)/build/libiou.a

# AREAS="ring setup" builds (and runs) only those areas
AREAS ?= *
TEST_SRCS := $(sort $(foreach a,$(AREAS),$(wildcard $(TOP)/tests/$(a)/*.c)))
TEST_PROGS := $(patsubst $(TOP)/%.c,$(OUTPUT)/%,$(TEST_SRCS))

SELFTEST_SRCS := $(sort $(wildcard $(TOP)/harness/selftest/*.c))
SELFTEST_PROGS := $(patsubst $(TOP)/%.c,$(OUTPUT)/build/%,$(SELFTEST_SRCS))

ABI_STAMP := $(OUTPUT)/build/abi-check.stamp
ENV_TOOL := $(OUTPUT)/build/iou-env

VERSION := $(shell cd $(TOP) && git describe --always --dirty 2>/dev/null || date -u +%Y%m%d)
DIST := iouring-tests-$(VERSION)-$(shell uname -m)

.PHONY: all runtests check selftests install dist clean abi-check vm-test vm-matrix \
	fault-lib check-fault check-fault-quick
.DELETE_ON_ERROR:

all: $(ABI_STAMP) $(ENV_TOOL) $(TEST_PROGS)

$(OUTPUT)/build/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(HARNESS_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(OUTPUT)/tests/%: $(TOP)/tests/%.c $(LIB)
	@mkdir -p $(dir $@) $(OUTPUT)/build/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -MF $(OUTPUT)/build/tests/$(subst /,_,$*).d \
		-o $@ $< $(LIB) $(LDLIBS)

$(ENV_TOOL): $(TOP)/harness/tools/iou-env.c $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -MF $@.d -o $@ $< $(LIB) $(LDLIBS)

$(OUTPUT)/build/harness/selftest/%: $(TOP)/harness/selftest/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -MF $@.d -o $@ $< $(LIB) $(LDLIBS)

# The ABI header against whatever <linux/io_uring.h> the build sees.
$(ABI_STAMP): $(TOP)/include/iou_abi.h $(TOP)/harness/abi_check.sh
	@mkdir -p $(dir $@)
	sh $(TOP)/harness/abi_check.sh $(OUTPUT)/build '$(CC)' $(KHDR_INCLUDES)
	@touch $@

abi-check:
	sh $(TOP)/harness/abi_check.sh $(OUTPUT)/build '$(CC)' $(KHDR_INCLUDES)

runtests: all
	$(TOP)/run_tests.sh --dir $(OUTPUT)/tests $(RUNTESTS_ARGS) \
		$(if $(filter-out *,$(AREAS)),$(AREAS))

selftests: all $(SELFTEST_PROGS)
	sh $(TOP)/harness/selftest/run.sh $(OUTPUT)/build/harness/selftest

# The suite tests itself (README "fault injection"): a preload library that
# makes the io_uring system calls misbehave, and a run of the suite under
# each of its perturbations that must FAIL, never SKIP its way to green.
FAULT_LIB := $(OUTPUT)/build/harness/selftest/fault/libiou-fault.so
FAULT := sh $(TOP)/harness/selftest/fault/run.sh -l $(FAULT_LIB) -d $(OUTPUT)/tests
# a representative few, over programs that notice them quickly
FAULT_QUICK := setup-refuse-sqpoll setup-drop-defer-taskrun setup-enomem-first \
	probe-efault query-fewer-opcodes register-noop-files enter-etime-as-eintr \
	cqe-res-zero-to-one
FAULT_QUICK_PROGS := ring/ring-nop-batch-completes-in-order ring/ring-cqe-user-data-round-trip \
	setup/setup-sqpoll-thread-submits-without-enter \
	setup/setup-defer-taskrun-posts-completions-on-getevents \
	register/register-probe-supported-opcodes-accepted \
	register/register-query-reports-kernel-interface register/register-files-fixed-file-io \
	enter/enter-getevents-min-complete enter/enter-rejects-invalid-arguments \
	timeout/timeout-relative-expires-with-etime
FAULTS ?=
FAULT_PROGS ?=
FAULT_ARGS ?=

fault-lib: $(FAULT_LIB)
$(FAULT_LIB): $(TOP)/harness/selftest/fault/iou-fault.c $(TOP)/include/iou_abi.h
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -static,$(CFLAGS)) -fPIC -shared -MF $@.d -o $@ $< -ldl -lpthread

# every perturbation (FAULTS="..." for some), over the whole suite (FAULT_PROGS);
# FAULT_ARGS="-P 2 -j 1 -t 20" and the like go to run.sh
check-fault: all $(FAULT_LIB)
	$(FAULT) $(FAULT_ARGS) $(if $(FAULTS),-f '$(FAULTS)') $(FAULT_PROGS)

check-fault-quick: all $(FAULT_LIB)
	$(FAULT) -P 2 -j 1 -f '$(FAULT_QUICK)' $(FAULT_QUICK_PROGS)

# Nothing here changes global state: other io_uring users share the machine.
check: selftests check-fault-quick
	$(MAKE) -f $(TOP)/Makefile runtests

# Sets the system-wide kernel.io_uring_disabled sysctl for a while, so only
# on request, or inside the QEMU guest, where the machine is the suite's own:
# make vm-test KERNEL=6.12 VM_ARGS=--io-uring-disabled (after the run, on its programs).
check-io-uring-disabled: all
	sh $(TOP)/harness/selftest/io-uring-disabled.sh $(OUTPUT)/tests

# The installed tree runs with sh, awk and coreutils (or busybox) only.
install: all
	install -d $(DESTDIR)$(LIBEXECDIR)/tests $(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(TOP)/run_tests.sh $(DESTDIR)$(LIBEXECDIR)/run_tests.sh
	install -d $(DESTDIR)$(LIBEXECDIR)/harness/runner
	install -m 0644 $(wildcard $(TOP)/harness/runner/*) $(DESTDIR)$(LIBEXECDIR)/harness/runner/
	install -D -m 0755 $(ENV_TOOL) $(DESTDIR)$(LIBEXECDIR)/build/iou-env
	cd $(OUTPUT) && for t in $(patsubst $(OUTPUT)/%,%,$(TEST_PROGS)); do \
		install -D -m 0755 $$t $(DESTDIR)$(LIBEXECDIR)/$$t || exit 1; \
	done
	[ ! -f $(TOP)/tests/known-issues ] || \
		install -m 0644 $(TOP)/tests/known-issues $(DESTDIR)$(LIBEXECDIR)/tests/known-issues
	printf '#!/bin/sh\nexec %s/run_tests.sh "$$@"\n' '$(LIBEXECDIR)' > $(DESTDIR)$(BINDIR)/iouring-tests
	chmod 0755 $(DESTDIR)$(BINDIR)/iouring-tests
	install -m 0644 $(TOP)/README.md $(DESTDIR)$(DOCDIR)/README.md

# Statically linked, so it runs on another machine of the same architecture.
dist:
	rm -rf $(OUTPUT)/build/dist
	$(MAKE) -f $(TOP)/Makefile STATIC=1 LDFLAGS=-s OUTPUT=$(OUTPUT)/build/dist/obj all
	$(MAKE) -f $(TOP)/Makefile STATIC=1 LDFLAGS=-s OUTPUT=$(OUTPUT)/build/dist/obj \
		DESTDIR=$(OUTPUT)/build/dist/stage PREFIX= LIBEXECDIR=/$(DIST) \
		BINDIR=/$(DIST)/bin DOCDIR=/$(DIST) install
	rm -rf $(OUTPUT)/build/dist/stage/$(DIST)/bin	# its wrapper names an absolute path
	tar -C $(OUTPUT)/build/dist/stage -czf $(OUTPUT)/$(DIST).tar.gz $(DIST)
	@echo "$(OUTPUT)/$(DIST).tar.gz: run $(DIST)/run_tests.sh"

# Another kernel under QEMU (harness/vm/README.md): KERNEL is a bzImage or
# vmlinux, a Debian package, a version (5.10, 6.1, 6.1.170, 7.3-rc, newest)
# or debug[-X.Y] (built from Debian's linux-source-X.Y with KASAN and lockdep).
KERNEL ?= newest
KERNELS ?= 5.10 6.1 6.12 newest
VM_ARGS ?=
VM := sh $(TOP)/harness/vm/vm.sh
vm-test:
	$(VM) --kernel '$(KERNEL)' $(VM_ARGS) $(RUNTESTS_ARGS) $(if $(filter-out *,$(AREAS)),$(AREAS))

vm-matrix:
	$(VM) --matrix '$(KERNELS)' $(VM_ARGS) $(RUNTESTS_ARGS) $(if $(filter-out *,$(AREAS)),$(AREAS))

clean:
	rm -rf $(OUTPUT)/build $(TEST_PROGS) $(OUTPUT)/iouring-tests-*.tar.gz

-include $(wildcard $(OUTPUT)/build/*/*.d $(OUTPUT)/build/tests/*.d \
	$(OUTPUT)/build/harness/selftest/*.d \
	$(OUTPUT)/build/harness/selftest/fault/*.d $(OUTPUT)/build/*.d)
endif
