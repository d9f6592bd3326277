# Front end over CMake. Every target that builds first makes sure the dependencies are installed
# (scripts/install-deps.sh is idempotent and quick when nothing is missing).
#
#   make            release build (build/release)
#   make debug      debug build (build/debug)
#   make test       install deps, build, run every test (unit + integration)
#   make test-sanitize   unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz       build the libFuzzer targets and run each for FUZZ_SECONDS
#   make demo       install deps, build, run the demo on an embedded `tide server`
#   make bench      build and run the benchmarks in bench/

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_GENERATOR ?= Ninja
FUZZ_SECONDS ?= 30
CTEST_ARGS ?=

RELEASE_DIR := build/release
DEBUG_DIR := build/debug
SANITIZE_DIR := build/sanitize
FUZZ_DIR := build/fuzz

.PHONY: all release debug deps test test-unit test-integration test-sanitize fuzz demo bench clean format

all: release

deps:
	@scripts/install-deps.sh

define configure
	@cmake -S . -B $(1) -G "$(CMAKE_GENERATOR)" $(2) >/dev/null
endef

release: deps
	$(call configure,$(RELEASE_DIR),-DCMAKE_BUILD_TYPE=Release)
	cmake --build $(RELEASE_DIR) -j $(JOBS)

debug: deps
	$(call configure,$(DEBUG_DIR),-DCMAKE_BUILD_TYPE=Debug)
	cmake --build $(DEBUG_DIR) -j $(JOBS)

test: release
	cd $(RELEASE_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-unit: release
	cd $(RELEASE_DIR) && ctest --output-on-failure -j $(JOBS) -L unit $(CTEST_ARGS)

test-integration: release
	cd $(RELEASE_DIR) && ctest --output-on-failure -j $(JOBS) -L integration $(CTEST_ARGS)

test-sanitize: deps
	$(call configure,$(SANITIZE_DIR),-DCMAKE_BUILD_TYPE=Debug -DTIDE_SANITIZE=ON)
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L unit $(CTEST_ARGS)

fuzz: deps
	$(call configure,$(FUZZ_DIR),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTIDE_FUZZ=ON -DTIDE_BUILD_BENCH=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers
	scripts/run-fuzzers.sh $(FUZZ_DIR)/fuzz $(FUZZ_SECONDS)

demo: release
	scripts/demo.sh $(RELEASE_DIR)/bin/tide

bench: release
	scripts/run-benchmarks.sh $(RELEASE_DIR)

clean:
	rm -rf build

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i
