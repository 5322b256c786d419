# Two entry points (see README.md): `make run` and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
SETUP_ARGS ?=

.PHONY: all build run test vectors clean

all: build

build:
	BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) ./scripts/bootstrap.sh

# Starts the service on the embedded mainnet trusted setup.
run: build
	./$(BUILD_DIR)/bin/kzgd $(SETUP_ARGS)

# Every test, through ctest.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The conformance runner on the shared consensus-spec vectors.
vectors: build
	./$(BUILD_DIR)/bin/kzgctl vectors $${KZG_TEST_VECTORS:-../shared/kzg-test-vectors}

clean:
	rm -rf $(BUILD_DIR)
