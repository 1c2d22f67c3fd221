# The two commands that matter: `make run` and `make test`. Both install what is missing
# (Debian packages, via scripts/install-deps.sh), build, and go.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
SANITIZE ?= OFF
CMAKE_FLAGS ?=

FUZZ_SECONDS ?= 60

.PHONY: all build run test test-sanitize fuzz fuzz-build deps bench-deps clean deb coverage

all: build

deps:
	@bash scripts/install-deps.sh

# The benchmarks' peers and tools (wrk, dnsperf, nmap, perf): bench/ and docs/benchmarks.md.
bench-deps:
	@bash scripts/install-deps.sh --bench

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DDOMAINSCAN_SANITIZE=$(SANITIZE) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/domainscan serve

test: build fuzz-build deb
	bash tests/run-all.sh $(BUILD_DIR)
	bash tests/package/test-deb.sh $(BUILD_DIR)
	bash tests/package/test-compose.sh
	bash fuzz/run.sh build-fuzz 3

# The Debian package: $(BUILD_DIR)/domainscan_VERSION_ARCH.deb (cmake/Packaging.cmake).
deb: build
	cd $(BUILD_DIR) && cpack -G DEB

# The libFuzzer targets (fuzz/), built with clang-16 under ASan and UBSan.
fuzz-build: deps
	cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-16
	cmake --build build-fuzz -j $(JOBS)

# Every target for FUZZ_SECONDS (default 60); corpora grow in build-fuzz/corpus.
fuzz: fuzz-build
	bash fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug SANITIZE=ON

# The suite on a gcov-instrumented build (build-coverage/), then gcovr's report of src/:
# build-coverage/coverage/index.html and summary.txt (line and branch coverage).
coverage:
	$(MAKE) build BUILD_DIR=build-coverage BUILD_TYPE=Debug CMAKE_FLAGS=-DDOMAINSCAN_COVERAGE=ON
	find build-coverage -name '*.gcda' -delete
	bash tests/run-all.sh build-coverage
	mkdir -p build-coverage/coverage
	gcovr --root . --filter 'src/' --object-directory build-coverage --exclude-unreachable-branches \
	  --exclude-throw-branches --gcov-ignore-parse-errors --html-details build-coverage/coverage/index.html \
	  --txt build-coverage/coverage/summary.txt --print-summary

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz build-coverage
