#!/usr/bin/env bash
# Hardening suites, run by .ci/run after `make test` (docs/reliability.md):
#   1. ASan + UBSan (clang, halt on the first report) over the library's test
#      suite, in build-asan/ (the same build also carries the fuzzers);
#   2. TSan (g++) over the thread pool, the 4-thread Context tests and the
#      Context-on-a-shared-pool stress test, in build-tsan/;
#   3. a bounded run of every libFuzzer target (a few seconds each), seeded from
#      the consensus-spec vectors, plus the saved regression inputs.
# Environment: JOBS (default nproc), KZG_DIFF_ITERATIONS (default 50 here, 1000
# in `make test`), KZG_FUZZ_TIME seconds per fuzz target (default 12), NICE
# (e.g. "nice -n 19"), ASAN_BUILD_DIR / TSAN_BUILD_DIR (build-asan, build-tsan),
# KZG_HARDEN_SKIP (space-separated: asan tsan fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-$(nproc)}
NICE=${NICE:-}
ASAN_DIR=${ASAN_BUILD_DIR:-build-asan}
TSAN_DIR=${TSAN_BUILD_DIR:-build-tsan}
FUZZ_TIME=${KZG_FUZZ_TIME:-12}
SKIP=" ${KZG_HARDEN_SKIP:-} "
export KZG_DIFF_ITERATIONS=${KZG_DIFF_ITERATIONS:-50}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# ---- what each suite builds and runs ---------------------------------------------
# Test names are ctest names; for kzg_add_test() tests the target has the same
# name. The service (src/service, tests/service, and kzgctl, which now links
# it) is not in yet: to add it, append kzgctl kzgd to *_EXTRA_TARGETS and
# kzgctl_vectors kzgctl_cli service_api service_bad_requests ... to ASAN_TESTS
# (those tests drive the kzgctl/kzgd binaries; their target names differ).
ASAN_TESTS=(kzg_unit_codec kzg_unit_setup kzg_unit_context kzg_unit_core test_msm test_conformance test_eip7594
            kzg_diff_commitment kzg_diff_kzg_proof kzg_diff_blob_proof kzg_diff_verify kzg_diff_edge
            kzg_diff_eip7594 kzg_stress_context_pool)
ASAN_EXTRA_TARGETS=(fuzzers)
TSAN_TESTS=(kzg_unit_core kzg_unit_context kzg_stress_context_pool)
TSAN_EXTRA_TARGETS=()

# Targets to build for a list of tests (test names that are not targets are skipped).
targets_for() { local t; for t in "$@"; do [[ $t == kzgctl_* || $t == service_* ]] || echo "$t"; done; }
regex() { local IFS='|'; echo "^($*)\$"; }
step_start=0
step() { step_start=$SECONDS; echo; echo "==== hardening: $* ===="; }
took() { echo "==== hardening: $1 took $((SECONDS - step_start)) s"; timings+=("$1: $((SECONDS - step_start)) s"); }
timings=()
passed=0

if [[ $SKIP != *" asan "* ]]; then
    step "ASan+UBSan build ($ASAN_DIR, clang)"
    CC=clang CXX=clang++ $NICE cmake -S . -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DKZG_SANITIZE=address,undefined -DKZG_BUILD_FUZZERS=ON >/dev/null
    $NICE cmake --build "$ASAN_DIR" -j "$JOBS" --target $(targets_for "${ASAN_TESTS[@]}") "${ASAN_EXTRA_TARGETS[@]}"
    took "asan build"
    step "ASan+UBSan tests (KZG_DIFF_ITERATIONS=$KZG_DIFF_ITERATIONS)"
    (cd "$ASAN_DIR" && $NICE ctest --output-on-failure -j "$JOBS" -R "$(regex "${ASAN_TESTS[@]}")")
    took "asan tests"
    passed=$((passed + 1))
fi

if [[ $SKIP != *" tsan "* ]]; then
    step "TSan build ($TSAN_DIR, g++)"
    CC=gcc CXX=g++ $NICE cmake -S . -B "$TSAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKZG_SANITIZE=thread >/dev/null
    $NICE cmake --build "$TSAN_DIR" -j "$JOBS" --target $(targets_for "${TSAN_TESTS[@]}") "${TSAN_EXTRA_TARGETS[@]}"
    took "tsan build"
    step "TSan tests"
    (cd "$TSAN_DIR" && $NICE ctest --output-on-failure -j "$JOBS" -R "$(regex "${TSAN_TESTS[@]}")")
    took "tsan tests"
    passed=$((passed + 1))
fi

if [[ $SKIP != *" fuzz "* ]]; then
    step "bounded fuzzing (${FUZZ_TIME} s per target)"
    if [[ $SKIP == *" asan "* ]]; then  # the fuzzers live in the ASan build
        CC=clang CXX=clang++ $NICE cmake -S . -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DKZG_SANITIZE=address,undefined -DKZG_BUILD_FUZZERS=ON >/dev/null
        $NICE cmake --build "$ASAN_DIR" -j "$JOBS" --target fuzzers
    fi
    # Fresh seeds (2 cases per function) and corpora each time, apart from those
    # of long runs (BUILD/corpus, BUILD/fuzz-runs): bounded and repeatable.
    rm -rf "$ASAN_DIR/fuzz-ci"
    $NICE fuzz/run.sh --build "$ASAN_DIR" --time "$FUZZ_TIME" --parallel "$JOBS" --seeds-per-function 2 \
        --seeds "$ASAN_DIR/fuzz-ci/seeds" --out "$ASAN_DIR/fuzz-ci"
    took "fuzz"
    passed=$((passed + 1))
fi

echo
for t in "${timings[@]}"; do echo "hardening: $t"; done
echo "hardening: $passed passed, 0 failed"
