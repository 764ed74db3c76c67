# ngx_sockerless: build, run and test on Debian 12.
#
#   make build   the module, build/ngx_http_sockerless_module.so
#   make run     install what running needs (tools/install-deps --run),
#                build, start dockerd if none answers, serve the API with
#                nginx.conf.sample (tools/run)
#   make stop    stop what make run started
#   make deb     the Debian package libnginx-mod-http-sockerless, in
#                build/deb (tools/deb; lintian checks it)
#   make deps    install everything the tests need (tools/install-deps)
#   make certs   new development certificates in build/certs (tools/certs
#                --force; make run makes them once when they are missing)
#   make test    the whole test suite (t/), with its own dockerd
#                (tools/test: deps, build, unit, tools/testenv, prove)
#   make test SANITIZE=1
#                the same with the module built with ASan and UBSan, in
#                build-asan/, loaded by nginx with the ASan runtime
#   make fuzz    every libFuzzer target, FUZZ_SECONDS (60) each
#   make docs    the documents generated from the operation table
#                (docs/api-coverage.md, the groups of docs/policy.md);
#                make check-docs fails when they are not up to date
#   make bench   benchmarks: dockerd direct, this module, stock nginx,
#                HAProxy (bench/run; BENCH_QUICK=1 for a short run)
#   make clean   stop what make run started, remove the build

SHELL =		/bin/bash
NGX_SRC ?=	/usr/share/nginx/src
NGINX ?=	/usr/sbin/nginx
ifeq ($(SANITIZE),1)
BUILD ?=	$(CURDIR)/build-asan
else
BUILD ?=	$(CURDIR)/build
endif
MODULE =	$(BUILD)/ngx_http_sockerless_module.so
SRCS =		$(wildcard ngx_sockerless_module/*.c ngx_sockerless_module/*.h)
CC_OPT ?=	-g -O2 -fPIC -Wall -Wextra -Wno-unused-parameter -Werror
LD_OPT ?=	-fPIC

ifeq ($(SANITIZE),1)
CC_OPT +=	-fsanitize=address,undefined -fno-omit-frame-pointer
LD_OPT +=	-fsanitize=address,undefined
# Debian's nginx is not built with ASan: its runtime must come first
ASAN_LIB :=	$(shell $(CC) -print-file-name=libasan.so)
SMOKE_ENV =	LD_PRELOAD=$(ASAN_LIB) ASAN_OPTIONS=detect_leaks=0
endif

.PHONY: all build deps run stop deb certs test unit docs check-docs fuzz \
	bench clean

all: build

build: $(MODULE)

deps:
	@tools/install-deps

$(BUILD)/Makefile: config
	@test -d $(NGX_SRC) || { echo "nginx-dev is missing: make deps"; exit 1; }
	mkdir -p $(BUILD)
	cd $(NGX_SRC) && . ./conf_flags && ./configure \
	    --with-cc-opt="$(CC_OPT)" --with-ld-opt="$(LD_OPT)" \
	    "$${NGX_CONF_FLAGS[@]}" \
	    --add-dynamic-module=$(CURDIR) --builddir=$(BUILD) \
	    > $(BUILD)/configure.log 2>&1 \
	    || { tail -20 $(BUILD)/configure.log; exit 1; }

$(MODULE): $(BUILD)/Makefile $(SRCS)
	$(MAKE) -f $(BUILD)/Makefile -C $(NGX_SRC) modules
	@printf 'load_module %s;\nevents {}\n' $(MODULE) > $(BUILD)/smoke.conf
	$(SMOKE_ENV) $(NGINX) -g 'error_log /dev/null; pid /dev/null;' -t -q \
	    -c $(BUILD)/smoke.conf

# the packages first, then the build that needs them
run:
	@tools/install-deps --run
	@$(MAKE) --no-print-directory build
	@tools/run start

stop:
	@tools/run stop

deb:
	@tools/install-deps --deb
	@tools/deb build

certs:
	@tools/certs --force $(BUILD)/certs

unit: $(BUILD)/Makefile
	$(MAKE) -C t/unit BUILD=$(BUILD)

# the group tables of docs/policy.md stand between these two lines
DOCS_BEGIN =	<!-- groups: made by make docs, do not edit -->
DOCS_END =	<!-- end of groups -->

$(BUILD)/docs: $(BUILD)/Makefile $(SRCS) tools/gen-docs.c docs/policy.md
	$(MAKE) -s -C t/unit BUILD=$(BUILD) gen-docs
	mkdir -p $@
	t/unit/gen-docs coverage > $@/api-coverage.md
	t/unit/gen-docs groups > $@/groups.md
	awk -v b='$(DOCS_BEGIN)' -v e='$(DOCS_END)' -v g=$@/groups.md \
	    '$$0 == b { print; while ((getline l < g) > 0) print l; skip = 1; \
	                next } \
	     $$0 == e { skip = 0 } !skip' docs/policy.md > $@/policy.md
	touch $@

docs: $(BUILD)/docs
	cp $(BUILD)/docs/api-coverage.md $(BUILD)/docs/policy.md docs/

check-docs: $(BUILD)/docs
	@cmp -s $(BUILD)/docs/api-coverage.md docs/api-coverage.md \
	    && cmp -s $(BUILD)/docs/policy.md docs/policy.md \
	    || { echo "docs/api-coverage.md or docs/policy.md is not what" \
	              "the operation table says: make docs"; \
	         diff -u docs/api-coverage.md $(BUILD)/docs/api-coverage.md \
	             | head -20; \
	         diff -u docs/policy.md $(BUILD)/docs/policy.md | head -20; \
	         exit 1; }

test:
	@SANITIZE=$(SANITIZE) tools/test

# make run's nginx and dockerd use build/ (config, certificates, logs)
clean:
	@if [ "$(BUILD)" = "$(CURDIR)/build" ]; then tools/run stop; fi
	rm -rf $(BUILD)

FUZZ_SECONDS ?=	60

fuzz: $(BUILD)/Makefile
	@FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD=$(BUILD) tools/fuzz $(FUZZ_TARGETS)

bench: build
	@bench/run
