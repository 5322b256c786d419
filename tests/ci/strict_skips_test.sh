#!/usr/bin/env bash
# The strict ctest-log check of scripts/ci-hardening.sh (--check-ctest-log):
# a skip fails a strict run, except test_fp_ifma's alone on a CPU without
# AVX-512 IFMA. Crafted logs against the test list of build dir $1.
set -uo pipefail
build=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=$(cd "$build" && ctest -N | grep -c '^ *Test *#[0-9]*: ')
grep -v avx512ifma /proc/cpuinfo > "$work/no-ifma"
{ cat /proc/cpuinfo; echo "flags : avx512f avx512ifma"; } > "$work/ifma"
failures=0

# case NAME EXPECTED_RC CPUINFO NOT_RUN_LINES...
case_() {
    local name=$1 want=$2 cpu=$3 rc
    shift 3
    {
        echo "100% tests passed, 0 tests failed out of $n"
        echo
        echo "The following tests did not run:"
        printf '\t%s\n' "$@"
    } > "$work/log"
    KZG_STRICT=1 KZG_CPUINFO="$cpu" bash "$repo/scripts/ci-hardening.sh" --check-ctest-log "$build" "$work/log" \
        > "$work/out" 2>&1
    rc=$?
    if [[ $rc != "$want" ]]; then
        echo "FAIL: $name: exit $rc, expected $want"; cat "$work/out"; failures=$((failures + 1))
    else
        echo "ok: $name (exit $rc)"
    fi
}

case_ "test_fp_ifma skipped, no IFMA" 0 "$work/no-ifma" "  9 - test_fp_ifma (Skipped)"
case_ "test_fp_ifma skipped on an IFMA CPU" 1 "$work/ifma" "  9 - test_fp_ifma (Skipped)"
case_ "another test skipped too" 1 "$work/no-ifma" "  9 - test_fp_ifma (Skipped)" " 12 - test_eip7594 (Skipped)"
case_ "another test skipped alone" 1 "$work/no-ifma" " 12 - test_eip7594 (Skipped)"
case_ "test_fp_ifma not built" 1 "$work/no-ifma" "  9 - test_fp_ifma (Not Run)"
((failures == 0))
