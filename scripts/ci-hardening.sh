#!/usr/bin/env bash
# Hardening suites, run by .ci/run after `make test` (docs/reliability.md):
#   1. ASan + UBSan (clang, halt on the first report) over the library's test
#      suite, in build-asan/ (the same build also carries the fuzzers), then
#      kzgd and kzgctl under ASan + UBSan: the kzgctl CLI tests and the service
#      tests (API, bad requests, hostile clients, slow clients, drain,
#      overload, TLS and tokens, socket handover), one at a time;
#   2. TSan (g++) over the thread pool, the 4-thread Context tests and the
#      Context-on-a-shared-pool stress test, then kzgd under TSan (its I/O
#      threads, worker pool and drain): service_api, service_overload,
#      service_drain, service_hostile, service_security; in build-tsan/;
#   3. a bounded run of every libFuzzer target (a few seconds each), the
#      service's JSON/SSZ request decoders and response encoders included,
#      seeded from the consensus-spec vectors, plus the saved regression inputs.
# A sanitizer report fails the test that caused it: the library's tests halt
# (halt_on_error / abort_on_error below); the service tests' harness
# (tests/service/kzgd_harness.py) fails a test whose kzgd printed a report, and
# in these builds stops kzgd with SIGTERM and requires exit status 0, so that
# LeakSanitizer's exit-time check counts too (KZG_TEST_GRACEFUL_STOP, set by
# tests/service/CMakeLists.txt with KZG_TEST_TIME_SCALE, which stretches the
# service tests' deadlines and latency bounds: 3x under ASan, 4x under TSan,
# passed to CMake below).
# Every ctest step checks that it ran what it was meant to: each test named
# below must be listed by `ctest -N` in its build (a renamed or unconfigured
# test would otherwise drop out of the -R selection unnoticed), ctest must
# report running exactly that many, and with KZG_STRICT=1 (.ci/run) none may be
# skipped or not run; the builds are configured with -DKZG_STRICT=ON then, so
# that a test missing a prerequisite fails rather than skips. The fuzz step
# checks that every fuzz target of the build ran.
#   scripts/ci-hardening.sh --check-ctest-log BUILD_DIR LOG   only checks a
#   ctest run of every test in BUILD_DIR, logged in LOG (.ci/run: `make test`).
# Environment: JOBS (default nproc), KZG_DIFF_ITERATIONS (default 50 here, 1000
# in `make test`), KZG_FUZZ_TIME seconds per fuzz target (default 12), NICE
# (e.g. "nice -n 19"), ASAN_BUILD_DIR / TSAN_BUILD_DIR (build-asan, build-tsan),
# KZG_HARDEN_SKIP (space-separated: asan tsan fuzz), KZG_SERVICE_TEST_JOBS
# (default 1: the kzgctl/service tests one at a time; with 2 the latency
# tests still run alone, RUN_SERIAL), KZG_STRICT (1: strict, see above),
# KZG_ASAN_TIME_SCALE / KZG_TSAN_TIME_SCALE (default 3 / 4).
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-$(nproc)}
NICE=${NICE:-}
ASAN_DIR=${ASAN_BUILD_DIR:-build-asan}
TSAN_DIR=${TSAN_BUILD_DIR:-build-tsan}
FUZZ_TIME=${KZG_FUZZ_TIME:-12}
SERVICE_JOBS=${KZG_SERVICE_TEST_JOBS:-1}
SKIP=" ${KZG_HARDEN_SKIP:-} "
STRICT=OFF
[[ ${KZG_STRICT:-0} == 0 ]] || STRICT=ON
ASAN_TIME_SCALE=${KZG_ASAN_TIME_SCALE:-3}
TSAN_TIME_SCALE=${KZG_TSAN_TIME_SCALE:-4}
export KZG_DIFF_ITERATIONS=${KZG_DIFF_ITERATIONS:-50}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

# ---- what each suite builds and runs ---------------------------------------------
# Test names are ctest names; for kzg_add_test() tests the target has the same
# name. kzgctl_* and service_* tests drive the kzgctl/kzgd binaries (their
# target names differ): those binaries are in *_EXTRA_TARGETS, and the tests
# in *_SERVICE_TESTS run after the others, one at a time (they measure
# latencies and timeouts, which parallel CPU-bound tests would distort; the
# latency tests are RUN_SERIAL in any case, tests/service/CMakeLists.txt).
# Left out for time (about 30 s more under ASan): service_config and
# service_vectors (both pass under ASan+UBSan), the ops tests (need
# Prometheus tools), kzgctl_vectors (test_conformance covers the vectors).
# Measured on 2 vCPUs (docs/reliability.md): the service adds about 9 minutes
# to the script's 7.5 (ASan build +3.9, its service tests 1.4, TSan build
# +1.6-2.3, its service tests 1.1, fuzzing +0.2), mostly compiling server.cpp
# and kzgctl.
ASAN_TESTS=(kzg_unit_codec kzg_unit_setup kzg_unit_context kzg_unit_core kzg_unit_core_scalar test_msm test_fp_ifma test_conformance test_eip7594
            kzg_diff_commitment kzg_diff_kzg_proof kzg_diff_blob_proof kzg_diff_verify kzg_diff_edge
            kzg_diff_eip7594 kzg_stress_context_pool)
ASAN_SERVICE_TESTS=(kzgctl_cli service_api service_bad_requests service_hostile service_slow_clients
                    service_drain service_overload service_security service_handover service_sidecars)
ASAN_EXTRA_TARGETS=(fuzzers kzgd kzgctl kzgd_broken_for_tests)
TSAN_TESTS=(kzg_unit_core kzg_unit_context kzg_stress_context_pool)
TSAN_SERVICE_TESTS=(service_api service_overload service_drain service_hostile service_security)
TSAN_EXTRA_TARGETS=(kzgd)

# Targets to build for a list of tests (test names that are not targets are
# skipped; a *_scalar test reruns its binary with KZG_NO_IFMA=1).
targets_for() {
    local t
    for t in "$@"; do
        case $t in
            kzgctl_* | service_*) ;;
            *_scalar) echo "${t%_scalar}" ;;
            *) echo "$t" ;;
        esac
    done
}
regex() { local IFS='|'; echo "^($*)\$"; }
fail() { echo "hardening: FAIL: $*" >&2; exit 1; }

# The names of the tests `ctest -N` lists in build DIR [matching REGEX] (it
# also prints notes about executables not built there: only "Test #N:" counts).
listed_tests() {
    local args=(-N)
    [[ -z ${2:-} ]] || args+=(-R "$2")
    (cd "$1" && ctest "${args[@]}") | sed -n 's/^ *Test *#[0-9]*: //p'
}

# cpu_explains_skips LOG: the only test LOG lists as not run is test_fp_ifma,
# skipped (exit 77), and the CPU lacks AVX-512 IFMA: the one skip that strict
# mode accepts, since no code path can run those kernels on such a CPU.
# KZG_CPUINFO names another cpuinfo file (to test this check).
cpu_explains_skips() {
    local not_run
    not_run=$(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (\(.*\))[[:space:]]*$/\1 \2/p' "$1" | sort -u)
    [[ $not_run == "test_fp_ifma Skipped" ]] || return 1
    ! grep -qw avx512ifma "${KZG_CPUINFO:-/proc/cpuinfo}"
}

# check_ctest_log WHAT LOG EXPECTED: the ctest run logged in LOG ran EXPECTED
# tests (its summary line), none of them skipped in strict mode.
check_ctest_log() {
    local what=$1 log=$2 expected=$3 ran
    ran=$(sed -n 's/^[0-9]*% tests passed, [0-9]* tests* failed out of \([0-9]*\) *$/\1/p' "$log" | tail -n 1)
    [[ -n $ran ]] || fail "$what: no ctest summary line in $log"
    ((expected > 0)) || fail "$what: no tests expected (nothing configured?)"
    ((ran == expected)) || fail "$what: ctest ran $ran tests, $expected expected"
    # Skipped (SKIP_RETURN_CODE, DISABLED, a fixture's setup failed) or Not Run
    # (its executable was not built): listed by ctest after the summary.
    if grep -q -e '^The following tests did not run:' -e '\*\*\*Not Run' -e '\*\*\*Skipped' "$log"; then
        if cpu_explains_skips "$log"; then
            echo "hardening: NOTE: $what: test_fp_ifma skipped: this CPU has no AVX-512 IFMA, so its kernels" \
                 "cannot run here (the *_scalar reruns and every other test did run)" >&2
        else
            [[ $STRICT == ON ]] && fail "$what: tests did not run (KZG_STRICT=1: a skip is a failure)"
            echo "hardening: WARNING: $what: some tests did not run (see above)" >&2
        fi
    fi
    echo "hardening: $what: $ran of $expected tests ran"
}

# ctest_step DIR JOBS TEST...: runs exactly the named tests in DIR and checks
# that all of them ran: `ctest -N` must list every name, and ctest must report
# running that many.
ctest_step() {
    local dir=$1 jobs=$2; shift 2
    local re listed t missing=() log
    re=$(regex "$@")
    listed=$(listed_tests "$dir" "$re")
    for t in "$@"; do grep -qx -e "$t" <<<"$listed" || missing+=("$t"); done
    ((${#missing[@]} == 0)) || fail "$dir: ctest -N lists no ${missing[*]} (renamed, or not configured)"
    log="$dir/ci-hardening-ctest.log"
    (cd "$dir" && $NICE ctest --output-on-failure --no-tests=error -j "$jobs" -R "$re") 2>&1 | tee "$log"
    check_ctest_log "$dir" "$log" "$(grep -c . <<<"$listed")"
}

if [[ ${1:-} == --check-ctest-log ]]; then  # .ci/run, after `make test`
    (($# == 3)) || fail "usage: $0 --check-ctest-log BUILD_DIR LOG"
    check_ctest_log "$2 (make test)" "$3" "$(listed_tests "$2" | grep -c . || true)"
    exit 0
fi

step_start=0
step() { step_start=$SECONDS; echo; echo "==== hardening: $* ===="; }
took() { echo "==== hardening: $1 took $((SECONDS - step_start)) s"; timings+=("$1: $((SECONDS - step_start)) s"); }
timings=()
passed=0
# The ASan+UBSan build directory (it also carries the fuzzers).
configure_asan() {
    CC=clang CXX=clang++ $NICE cmake -S . -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DKZG_SANITIZE=address,undefined -DKZG_BUILD_FUZZERS=ON -DKZG_STRICT="$STRICT" \
        -DKZG_TEST_TIME_SCALE="$ASAN_TIME_SCALE" >/dev/null
}

if [[ $SKIP != *" asan "* ]]; then
    step "ASan+UBSan build ($ASAN_DIR, clang)"
    configure_asan
    $NICE cmake --build "$ASAN_DIR" -j "$JOBS" --target $(targets_for "${ASAN_TESTS[@]}" "${ASAN_SERVICE_TESTS[@]}") \
        "${ASAN_EXTRA_TARGETS[@]}"
    took "asan build"
    step "ASan+UBSan tests (KZG_DIFF_ITERATIONS=$KZG_DIFF_ITERATIONS)"
    ctest_step "$ASAN_DIR" "$JOBS" "${ASAN_TESTS[@]}"
    took "asan tests"
    step "ASan+UBSan kzgctl and service tests (KZG_TEST_TIME_SCALE=$ASAN_TIME_SCALE)"
    ctest_step "$ASAN_DIR" "$SERVICE_JOBS" "${ASAN_SERVICE_TESTS[@]}"
    took "asan service tests"
    passed=$((passed + 1))
fi

if [[ $SKIP != *" tsan "* ]]; then
    step "TSan build ($TSAN_DIR, g++)"
    CC=gcc CXX=g++ $NICE cmake -S . -B "$TSAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKZG_SANITIZE=thread \
        -DKZG_STRICT="$STRICT" -DKZG_TEST_TIME_SCALE="$TSAN_TIME_SCALE" >/dev/null
    $NICE cmake --build "$TSAN_DIR" -j "$JOBS" --target $(targets_for "${TSAN_TESTS[@]}" "${TSAN_SERVICE_TESTS[@]}") \
        "${TSAN_EXTRA_TARGETS[@]}"
    took "tsan build"
    step "TSan tests"
    ctest_step "$TSAN_DIR" "$JOBS" "${TSAN_TESTS[@]}"
    took "tsan tests"
    step "TSan service tests (KZG_TEST_TIME_SCALE=$TSAN_TIME_SCALE)"
    ctest_step "$TSAN_DIR" "$SERVICE_JOBS" "${TSAN_SERVICE_TESTS[@]}"
    took "tsan service tests"
    passed=$((passed + 1))
fi

if [[ $SKIP != *" fuzz "* ]]; then
    step "bounded fuzzing (${FUZZ_TIME} s per target)"
    if [[ $SKIP == *" asan "* ]]; then  # the fuzzers live in the ASan build
        configure_asan
        $NICE cmake --build "$ASAN_DIR" -j "$JOBS" --target fuzzers
    fi
    # Fresh seeds (2 cases per function) and corpora each time, apart from those
    # of long runs (BUILD/corpus, BUILD/fuzz-runs): bounded and repeatable.
    rm -rf "$ASAN_DIR/fuzz-ci"
    $NICE fuzz/run.sh --build "$ASAN_DIR" --time "$FUZZ_TIME" --parallel "$JOBS" --seeds-per-function 2 \
        --seeds "$ASAN_DIR/fuzz-ci/seeds" --out "$ASAN_DIR/fuzz-ci"
    # Every fuzz target the build defines ran (one summary line each): a target
    # configured out (fuzz_differential without the reference) or not built
    # would otherwise pass unnoticed.
    defined=$(cmake --build "$ASAN_DIR" --target help | grep -c '^\.\.\. fuzz_' || true)
    ran=$(grep -c . "$ASAN_DIR/fuzz-ci/summary.txt" || true)
    ((defined > 0 && ran == defined)) || fail "fuzz: $ran targets ran, the build defines $defined"
    echo "hardening: fuzz: $ran of $defined targets ran"
    took "fuzz"
    passed=$((passed + 1))
fi

echo
for t in "${timings[@]}"; do echo "hardening: $t"; done
echo "hardening: $passed passed, 0 failed"
