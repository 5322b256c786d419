#!/usr/bin/env bash
# Driver for bench/bindings_compare.py: c-kzg 2.1.8's Python binding on c-kzg
# itself vs. on kzgd's installed libkzg.so. A benchmark, never a test.
#
#   bench/bindings_compare.sh [BUILD_DIR] [bindings_compare.py options...]
#
# BUILD_DIR (default build) must be configured (cmake/peers.cmake unpacks
# c-kzg 2.1.8 into BUILD_DIR/peers/c-kzg-4844). Builds the two libraries
# (JOBS, default 1), installs them into BUILD_DIR/test-install (as the ctest
# fixture kzg_installed does), and runs the comparison with its modules kept
# in BUILD_DIR/bindings-bench (reused while their sources are unchanged).
# Example: bench/bindings_compare.sh build --iterations 3 --json build/bindings.json
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
[[ $# -gt 0 ]] && shift
fail() { echo "bindings_compare: $*" >&2; exit 1; }
[[ -f $build/CMakeCache.txt ]] || fail "$build is not a configured build folder (cmake -S . -B $build)"
peer=$build/peers/c-kzg-4844
[[ -f $peer/bindings/python/ckzg_wrap.c ]] ||
    fail "$peer missing: c-kzg 2.1.8 is unpacked at configure time from ../shared/peers (KZG_CKZG_PEER_TARBALL)"
cmake --build "$build" -j "${JOBS:-1}" --target kzg_shared kzg_static
cmake --install "$build" --prefix "$build/test-install" >/dev/null
exec "${PYTHON:-python3}" "$here/bindings_compare.py" --prefix "$build/test-install" --peer-dir "$peer" \
    --workdir "$build/bindings-bench" "$@"
