# The two commands a new user runs: `make demo` and `make test`. Both install what is missing.
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
TSAN_DIR ?= build-tsan
FUZZ_DIR ?= build-fuzz
PACKAGE_DIR ?= build-package
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_TARGETS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# The nested builds print progress and results, not a line per directory they enter.
MAKEFLAGS += --no-print-directory

.PHONY: all deps configure build format format-check test test-sanitize test-thread fuzz-build fuzz fuzz-smoke fuzz-seeds demo bench package mutate clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DUSEGATE_WERROR=ON $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure --progress -j $(JOBS)

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUSEGATE_SANITIZE=ON \
	  -DUSEGATE_BUILD_BENCHMARKS=OFF -DUSEGATE_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@USEGATE_TEST_SCALE=sanitize ctest --test-dir $(SANITIZE_DIR) --output-on-failure --progress -j $(JOBS)

# The tests that run the record stream on several threads (`eval`/`filter -j 2..4`, consent
# read for several policies at once), and the C API shared by several threads, under
# ThreadSanitizer: the program, the CLI suite and the C API's test only.
THREAD_TESTS ?= ^cli:.*(-j|consent|FIFO|too long)|^capi: threads
test-thread: deps
	@cmake -S . -B $(TSAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUSEGATE_TSAN=ON \
	  -DUSEGATE_BUILD_BENCHMARKS=OFF -DUSEGATE_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(TSAN_DIR) -j $(JOBS) --target usegate cli_tests capi_api_test
	@TSAN_OPTIONS=halt_on_error=1 ctest --test-dir $(TSAN_DIR) --output-on-failure --progress -j $(JOBS) \
	  -R "$(THREAD_TESTS)" --no-tests=error

# The libFuzzer programs of fuzz/, in their own clang build tree (docs/reliability.md).
fuzz-build: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUSEGATE_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers

# Each target for FUZZ_SECONDS on a writable copy of its corpus; findings under $(FUZZ_DIR).
fuzz: fuzz-build
	@fuzz/run $(FUZZ_DIR) $(FUZZ_SECONDS) full $(FUZZ_TARGETS)

# Each target briefly on the committed corpus, as CI runs it; fails when any target does.
fuzz-smoke: fuzz-build
	@fuzz/run $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) smoke $(FUZZ_TARGETS)

# Rewrites the artifact fuzzers' seeds from the bundled policies.
fuzz-seeds: fuzz-build
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target usegate_fuzz_seeds
	@$(FUZZ_DIR)/fuzz/usegate_fuzz_seeds fuzz/corpus/artifact_bytes
	@$(FUZZ_DIR)/fuzz/usegate_fuzz_seeds fuzz/corpus/artifact_structure

# The demo needs the program only, not the suites and benchmarks.
# Every C++ file of the tree (the mutants are diffs, and stay as they are) through .clang-format.
FORMAT_FILES = git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | grep -v '^tests/mutants/'
format: deps
	@$(FORMAT_FILES) | xargs clang-format -i

# Fails, listing the files, when any file differs from its formatted self.
format-check: deps
	@$(FORMAT_FILES) | xargs clang-format --dry-run 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | sort -u > .format-diff
	@if [ -s .format-diff ]; then echo "not formatted (run \`make format\`):"; sed 's/^/  /' .format-diff; rm -f .format-diff; exit 1; fi
	@rm -f .format-diff; echo "format: every file is formatted"

# The demo needs the program only, not the suites and benchmarks.
demo: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target usegate
	@scripts/demo $(BUILD_DIR)/usegate

bench: build
	@scripts/bench $(BUILD_DIR)

# The Debian package (cmake/package.cmake), from a Release build of its own made for any machine
# of the architecture (no -march=native), without the suites and benchmarks; then checked by
# tests/install/check_deb (file list, Depends, and a project built against it unpacked). The
# Python module is not in it: it is installed from a build tree (docs/python.md).
package: deps
	@cmake -S . -B $(PACKAGE_DIR) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DUSEGATE_NATIVE_ARCH=OFF \
	  -DUSEGATE_BUILD_TESTS=OFF -DUSEGATE_BUILD_BENCHMARKS=OFF -DUSEGATE_BUILD_PYTHON=OFF -DUSEGATE_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(PACKAGE_DIR) -j $(JOBS)
	@rm -f $(PACKAGE_DIR)/usegate_*.deb
	@cd $(PACKAGE_DIR) && cpack -G DEB >/dev/null
	@tests/install/check_deb $(PACKAGE_DIR)/usegate_*.deb

# Mutation testing: each bug of tests/mutants/ planted in a private copy, built, and the whole
# suite run against it (slow: a build and a suite run per mutant). MUTATE_FLAGS: see scripts/mutate --help.
mutate: deps
	@scripts/mutate --jobs $(JOBS) $(MUTATE_FLAGS)

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(TSAN_DIR) $(FUZZ_DIR) $(PACKAGE_DIR)
