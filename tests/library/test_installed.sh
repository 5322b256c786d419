#!/usr/bin/env bash
# Builds programs against the *installed* library, the way users do, and runs
# them: C through pkg-config kzg-ckzg (shared, and static from libkzg.a), C++
# through pkg-config kzg, and a CMake project through find_package(kzg CONFIG).
# The expected commitment is a consensus-spec vector's (an independent oracle).
#   test_installed.sh PREFIX VECTORS SETUP_TXT WORKDIR
set -euo pipefail
prefix=$(realpath "$1"); vectors=${KZG_TEST_VECTORS:-$2}; setup=$3; work=$4
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ -d $vectors ]] || fail "test vectors not found at $vectors (set KZG_TEST_VECTORS)"
case_dir=$(find -L "$vectors/blob_to_kzg_commitment" -path '*case_valid_blob*' -name data.yaml | sort | sed -n 1p)
[[ -n $case_dir ]] || fail "no valid blob_to_kzg_commitment case under $vectors"
rm -rf "$work"; mkdir -p "$work"
python3 - "$case_dir" "$work" <<'PY'
import sys, yaml
case = yaml.safe_load(open(sys.argv[1]))
open(sys.argv[2] + "/blob.hex", "w").write(case["input"]["blob"])
open(sys.argv[2] + "/expected.hex", "w").write(case["output"])
PY
expected=$(cat "$work/expected.hex")
echo "vector: $case_dir"

libdir=$(dirname "$(find "$prefix" -name 'libkzg.so' | sed -n 1p)")
[[ -f $libdir/libkzg.so && -f $libdir/libkzg.a ]] || fail "libkzg.so and libkzg.a not installed under $prefix"
export PKG_CONFIG_PATH=$libdir/pkgconfig
for m in kzg kzg-ckzg; do
    pkg-config --exists "$m" || fail "pkg-config does not find $m in $PKG_CONFIG_PATH"
    echo "pkg-config $m $(pkg-config --modversion "$m"): $(pkg-config --cflags --libs "$m")"
done
[[ -f $prefix/include/kzg/kzg.hpp && -f $prefix/include/kzg-ckzg/ckzg.h && -f $prefix/include/kzg-ckzg/blst.h ]] ||
    fail "headers missing under $prefix/include"

# C, shared, through pkg-config.
cc -std=c11 -Wall -Wextra -Werror -o "$work/consumer_c" "$here/consumer/consumer.c" \
    $(pkg-config --cflags --libs kzg-ckzg) -Wl,-rpath,"$libdir"
# ldd's output is read whole first: `ldd | grep -q` under pipefail fails at
# random when grep exits at its first match and ldd then dies of SIGPIPE.
deps=$(env -u LD_LIBRARY_PATH ldd "$work/consumer_c")
grep -q "$libdir/libkzg.so" <<<"$deps" || fail "consumer_c does not load $libdir/libkzg.so; ldd says:
$deps"
"$work/consumer_c" "$setup" "$work/blob.hex" "$expected"

# C, static: libkzg.a alone (blst inside) plus the C++ runtime.
cc -std=c11 -Wall -Wextra -Werror -o "$work/consumer_static" "$here/consumer/consumer.c" \
    $(pkg-config --cflags kzg-ckzg) "$libdir/libkzg.a" $(pkg-config --static --libs-only-l kzg-ckzg | sed 's/-lkzg//')
deps=$(env -u LD_LIBRARY_PATH ldd "$work/consumer_static")
if grep -q libkzg <<<"$deps"; then fail "consumer_static still needs libkzg.so; ldd says:
$deps"; fi
"$work/consumer_static" "$setup" "$work/blob.hex" "$expected"

# C++, shared, through pkg-config.
c++ -std=c++20 -Wall -Wextra -Werror -o "$work/consumer_cpp" "$here/consumer/consumer.cpp" \
    $(pkg-config --cflags --libs kzg) -Wl,-rpath,"$libdir"
"$work/consumer_cpp" "$work/blob.hex" "$expected"

# CMake: find_package(kzg CONFIG) -> kzg::ckzg, kzg::kzg, kzg::kzg_static.
cmake -S "$here/consumer" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_BUILD_RPATH="$libdir" >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "find_package(kzg) project did not configure"; }
cmake --build "$work/cmake" -j 2 >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "find_package(kzg) project did not build"; }
"$work/cmake/consumer_c" "$setup" "$work/blob.hex" "$expected"
"$work/cmake/consumer_cpp" "$work/blob.hex" "$expected"
"$work/cmake/consumer_static" "$setup" "$work/blob.hex" "$expected"
echo "installed library: 6 consumers built and passed"
