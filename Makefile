# Two entry points (see README.md): `make run` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
SETUP_ARGS ?=

.PHONY: all build run test vectors package clean

all: build

build:
	BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) ./scripts/bootstrap.sh

# Starts the service on the embedded mainnet trusted setup.
run: build
	./$(BUILD_DIR)/bin/kzgd $(SETUP_ARGS)

# Every test, through ctest.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The Debian package: $(BUILD_DIR)/kzgd_<version>_<arch>.deb (cmake/package.cmake;
# ctest package_deb checks it).
package: build
	cd $(BUILD_DIR) && cpack -G DEB --config CPackConfig.cmake

# The conformance runner on the shared consensus-spec vectors.
vectors: build
	./$(BUILD_DIR)/bin/kzgctl vectors $${KZG_TEST_VECTORS:-../shared/kzg-test-vectors}

clean:
	rm -rf $(BUILD_DIR)
