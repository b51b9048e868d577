# SPDX-License-Identifier: GPL-2.0
#
# io_uring conformance suite.
#
#   make              build the harness library and every test program
#   make runtests     build, then run the whole suite against this kernel
#   make check        the suite's own tests (harness, runner, ABI), then runtests
#   make install      DESTDIR=... PREFIX=... (default /usr/local)
#   make clean
#
# Variables: CC, CFLAGS, EXTRA_CFLAGS, LDFLAGS, STATIC=1 (static binaries),
# OUTPUT=dir (build out of tree), KHDR_INCLUDES (-isystem of newer uapi
# headers, used by the ABI check), RUNTESTS_ARGS (passed to run_tests.sh),
# AREAS (a subset of tests/ to build and run).

TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
OUTPUT ?= $(TOP)
override OUTPUT := $(abspath $(OUTPUT))

CC ?= gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wno-unused-parameter
override CFLAGS += -std=gnu11 $(WARN) -D_GNU_SOURCE -I$(TOP)/include \
	-MMD -MP $(KHDR_INCLUDES) $(EXTRA_CFLAGS)
ifeq ($(STATIC),1)
override LDFLAGS += -static
endif

PREFIX ?= /usr/local
LIBEXECDIR ?= $(PREFIX)/libexec/iouring-tests
BINDIR ?= $(PREFIX)/bin

HARNESS_SRCS := $(wildcard $(TOP)/harness/*.c)
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

.PHONY: all runtests check selftests install clean abi-check
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
	@mkdir -p $(dir $@) $(OUTPUT)/build/tests
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
	sh $(TOP)/harness/selftest/run.sh $(OUTPUT)/build/harness/selftest $(OUTPUT)/tests

check: selftests
	$(MAKE) -f $(TOP)/Makefile runtests

install: all
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(BINDIR)
	install -m 0755 $(TOP)/run_tests.sh $(DESTDIR)$(LIBEXECDIR)/run_tests.sh
	install -D -m 0755 $(ENV_TOOL) $(DESTDIR)$(LIBEXECDIR)/build/iou-env
	cd $(OUTPUT) && for t in $(patsubst $(OUTPUT)/%,%,$(TEST_PROGS)); do \
		install -D -m 0755 $$t $(DESTDIR)$(LIBEXECDIR)/$$t || exit 1; \
	done
	ln -sf $(LIBEXECDIR)/run_tests.sh $(DESTDIR)$(BINDIR)/iouring-tests

clean:
	rm -rf $(OUTPUT)/build $(TEST_PROGS)

-include $(wildcard $(OUTPUT)/build/*/*.d $(OUTPUT)/build/tests/*.d \
	$(OUTPUT)/build/harness/selftest/*.d $(OUTPUT)/build/*.d)
