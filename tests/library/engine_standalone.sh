#!/usr/bin/env bash
# The engine builds alone: configures a fresh build with the service, tools and
# tests off, checks that CMake never looked up a service or test dependency,
# builds and installs the libraries, and links a C program against them.
#   engine_standalone.sh SOURCE_DIR DEPS_DIR WORKDIR SETUP_TXT VECTORS
set -euo pipefail
src=$1; deps=$2; work=$3; setup=$4; vectors=$5
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DKZG_DEPS_DIR="$deps" \
    -DKZG_BUILD_SERVICE=OFF -DKZG_BUILD_TOOLS=OFF -DKZG_BUILD_TESTS=OFF >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; fail "the engine alone does not configure"; }
# What a find_package leaves in the cache, found or not.
looked_up=$(grep -E -i '^(Boost|prometheus-cpp|OpenSSL|CLI11|GTest|benchmark|nlohmann_json|yaml-cpp|Python3)[A-Za-z0-9_-]*_(DIR|INCLUDE_DIR|LIBRARY|EXECUTABLE)' \
    "$work/build/CMakeCache.txt" || true)
[[ -z $looked_up ]] || fail "the engine-only configure looked up service/test dependencies:
$looked_up"
targets=$(cmake --build "$work/build" --target help | sed 's/^\.\.\. //;s/ .*//;s/$/:/')
for t in kzgd kzgctl kzg_bench kzg_compare ckzg_ref; do
    if grep -q "^$t:" <<<"$targets"; then
        fail "target $t exists in the engine-only build"
    fi
done
cmake --build "$work/build" -j "${JOBS:-2}" >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; fail "the engine alone does not build"; }
cmake --install "$work/build" --prefix "$work/prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "install failed"; }
[[ ! -e $work/prefix/bin/kzgd && ! -e $work/prefix/bin/kzgctl ]] || fail "kzgd/kzgctl installed by an engine-only build"
"$here/test_installed.sh" "$work/prefix" "$vectors" "$setup" "$work/consumers"
echo "engine alone: configured without service/test dependencies, built, installed, consumers pass"
