# xborder - top-level build.
#
#   make            build the library, the xborder tool and the unit tests
#   make test       install missing packages, build, run every test suite
#   make run        install, build, start Redis + nginx + demo receiver
#   make stop       stop what `make run` started
#   make bench      classifier and gateway benchmarks
#
# Sources are picked up by wildcard so that adding a file never means editing
# this Makefile:
#   classifier/*/*.c        -> build/libxborder.a   (the plain C library;
#                              cmd_*.c files excluded)
#   **/cmd_*.c, rules/tools/*.c, reporting/*.c
#                           -> build/libxbcli.a     (subcommands)
#   cli/xborder.c           -> build/xborder        (the dispatcher)
#   tests/unit/test_*.c     -> build/tests/test_*   (one cmocka binary each)
#   rules/schema/*.xsd, config/schema/*.xsd
#                           -> build/gen/*_xsd.c    (schemas compiled in)

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
SANITIZE ?=

PKGS      := libxml-2.0 libpcre2-8 zlib libcrypto
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
HIREDIS_LIBS = -lhiredis

CFLAGS_COMMON = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -fPIC \
                -I. $(PKG_CFLAGS) $(SANITIZE)
CFLAGS  ?=
ALL_CFLAGS = $(CFLAGS_COMMON) $(OPT) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) $(HIREDIS_LIBS) -lm -lpthread

# (filter-out takes a single %, so subcommands are dropped by name)
LIB_SRC  := $(sort $(foreach f,$(wildcard classifier/*/*.c),$(if $(findstring /cmd_,$(f)),,$(f))))
CLI_SRC  := $(sort $(wildcard classifier/*/cmd_*.c) $(wildcard rules/tools/*.c) \
                   $(wildcard reporting/*.c) $(filter-out cli/xborder.c,$(wildcard cli/*.c)))
XSD_SRC  := $(sort $(wildcard rules/schema/*.xsd) $(wildcard config/schema/*.xsd))
GEN_SRC  := $(patsubst %.xsd,$(BUILD)/gen/%_xsd.c,$(notdir $(XSD_SRC)))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC)) \
           $(patsubst $(BUILD)/gen/%.c,$(BUILD)/obj/gen/%.o,$(GEN_SRC))
CLI_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))

LIB     := $(BUILD)/libxborder.a
CLILIB  := $(BUILD)/libxbcli.a
XBORDER := $(BUILD)/xborder

.PHONY: all deps test unit unit-asan e2e integration run stop bench module clean
.DEFAULT_GOAL := all

all: $(LIB) $(XBORDER) $(TEST_BIN)

deps:
	@sh scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/%_xsd.c: $(XSD_SRC)
	@mkdir -p $(dir $@)
	@src=$$(ls rules/schema/$*.xsd config/schema/$*.xsd 2>/dev/null | head -1); \
	 sym=xb_$$(echo $* | tr -c 'a-zA-Z0-9\n' '_')_xsd; \
	 { echo "/* generated from $$src; do not edit */"; \
	   echo "#include <stddef.h>"; \
	   echo "const char $$sym[] ="; \
	   sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$src; \
	   echo ";"; \
	   echo "const size_t $${sym}_len = sizeof($$sym) - 1;"; } > $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CLILIB): $(CLI_OBJ) $(LIB)
	@rm -f $@
	@if [ -n "$(CLI_OBJ)" ]; then ar rcs $@ $(CLI_OBJ); else ar rcs $@; fi

$(XBORDER): $(BUILD)/obj/cli/xborder.o $(CLILIB) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(CLILIB) $(LIB) $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(CLILIB) $(LIB) tests/unit/xb_test.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(CLILIB) $(LIB) $(LDLIBS_ALL) -lcmocka -lz

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

# Run every unit test binary; each prints cmocka's summary.
unit: $(TEST_BIN)
	@sh scripts/run-unit-tests.sh $(BUILD)/tests

# The same unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
unit-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT=-O1 \
	    SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    unit

# End-to-end tests of the xborder tool on files under tests/.
e2e: $(XBORDER)
	@sh scripts/run-pytest.sh tests/e2e

# Integration tests that drive real nginx and real Redis.
integration: all module
	@sh scripts/run-pytest.sh tests/integration

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory integration

module: $(LIB)
	@if [ -f ngx_module/config ]; then bash scripts/build-module.sh; \
	 else echo "ngx_module not present yet"; fi

run: deps
	@$(MAKE) --no-print-directory all module
	@sh scripts/run.sh start

stop:
	@sh scripts/run.sh stop

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@sh scripts/bench.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
