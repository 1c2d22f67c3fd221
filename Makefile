# The two commands that matter: `make run` and `make test`. Both install what is missing
# (Debian packages, via scripts/install-deps.sh), build, and go.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
SANITIZE ?= OFF
CMAKE_FLAGS ?=

.PHONY: all build run test test-sanitize deps clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DDOMAINSCAN_SANITIZE=$(SANITIZE) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/domainscan serve

test: build
	bash tests/run-all.sh $(BUILD_DIR)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug SANITIZE=ON

clean:
	rm -rf $(BUILD_DIR) build-asan
