#!/usr/bin/env bash
# Runs the libFuzzer targets (docs/reliability.md).
#
#   fuzz/run.sh [options] [TARGET...]          (default: every fuzz_* binary in BUILD/fuzz)
#     --build DIR      build directory with the fuzzers (default build-fuzz; configure it with
#                      CC=clang CXX=clang++ -DKZG_BUILD_FUZZERS=ON -DKZG_SANITIZE=address,undefined)
#     --time S         -max_total_time per target (default 60)
#     --jobs N         N libFuzzer jobs per target (-jobs=N -workers=N; default 1)
#     --parallel N     run N targets at once (default 1)
#     --out DIR        where the grown corpora, logs and crash artifacts go
#                      (default BUILD/fuzz-runs); the grown corpora are reused by the next run
#     --seeds DIR      seed corpora (default BUILD/corpus, made by fuzz/make_corpus.py when missing)
#     --seeds-per-function N   when making the seeds: cases per function (default all)
#     --runs N         -runs per target instead of a time limit (e.g. 0: only replay the seeds)
#
# Long runs: fuzz/run.sh --build build-fuzz --time 3600 --jobs 2 fuzz_differential
# Bounded CI run: scripts/ci-hardening.sh (a few seconds per target).
# A crash leaves OUT/artifacts/TARGET-crash-*; reproduce with BUILD/fuzz/TARGET FILE.
# Exit status: 0 when no target found anything, 1 otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

BUILD=build-fuzz TIME=60 JOBS=1 PARALLEL=1 OUT="" SEEDS="" PER_FUNCTION=0 RUNS=""
TARGETS=()
while (($#)); do
    case $1 in
        --build) BUILD=$2; shift 2 ;;
        --time) TIME=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        --parallel) PARALLEL=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --seeds) SEEDS=$2; shift 2 ;;
        --seeds-per-function) PER_FUNCTION=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) TARGETS+=("$1"); shift ;;
    esac
done
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
OUT=${OUT:-$BUILD/fuzz-runs}
SEEDS=${SEEDS:-$BUILD/corpus}
[[ $OUT = /* ]] || OUT=$PWD/$OUT
[[ $SEEDS = /* ]] || SEEDS=$PWD/$SEEDS
if [[ ! -d $BUILD/fuzz ]]; then
    echo "run.sh: no fuzzers in $BUILD/fuzz: build them (cmake --build $BUILD --target fuzzers)" >&2
    exit 2
fi
if ((${#TARGETS[@]} == 0)); then
    for f in "$BUILD"/fuzz/fuzz_*; do [[ -x $f && -f $f ]] && TARGETS+=("$(basename "$f")"); done
fi
if [[ ! -d $SEEDS ]]; then
    args=()
    ((PER_FUNCTION > 0)) && args+=(--max-per-function "$PER_FUNCTION")
    python3 "$ROOT/fuzz/make_corpus.py" "$SEEDS" "${args[@]}" >/dev/null
fi
mkdir -p "$OUT/artifacts" "$OUT/logs"

# Inputs each target reads (libFuzzer's -max_len): blobs need 131 KiB, a
# recovery of 128 raw cells 263 KiB, a blob as JSON hex 262 KB; the setup and
# hex decoders and the response encoders stay small.
max_len() {
    case $1 in
        fuzz_hex|fuzz_setup_json|fuzz_setup_binary|fuzz_verify_kzg_proof|fuzz_compute_verify_cell_kzg_proof_batch_challenge) echo 16384 ;;
        fuzz_setup_text) echo 8192 ;;
        fuzz_verify_cell_kzg_proof_batch) echo 24576 ;;
        fuzz_conformance_case) echo 400000 ;;
        fuzz_recover_cells|fuzz_recover_cells_and_kzg_proofs|fuzz_differential) echo 270000 ;;
        fuzz_service_json_request|fuzz_service_ssz_request) echo 300000 ;;  # a JSON blob is 262 KB
        fuzz_service_response) echo 16384 ;;
        *) echo 140000 ;;
    esac
}

run_one() {
    local t=$1 bin=$BUILD/fuzz/$1 work=$OUT/corpus/$1 log=$OUT/logs/$1.log
    mkdir -p "$work" "$OUT/work/$t"
    local dirs=("$work")
    [[ -d $SEEDS/$t ]] && dirs+=("$SEEDS/$t")
    [[ -d $ROOT/fuzz/regressions/$t ]] && dirs+=("$ROOT/fuzz/regressions/$t")
    local limit=(-max_total_time="$TIME")
    [[ -n $RUNS ]] && limit=(-runs="$RUNS")
    local rc=0
    # -jobs writes fuzz-N.log files into the current directory.
    (cd "$OUT/work/$t" && rm -f fuzz-*.log &&
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
        "$bin" "${limit[@]}" -max_len="$(max_len "$t")" -timeout=120 -rss_limit_mb=4096 \
            -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-" \
            $( ((JOBS > 1)) && echo "-jobs=$JOBS -workers=$JOBS" ) "${dirs[@]}" >"$log" 2>&1) || rc=$?
    (cd "$OUT/work/$t" && for f in fuzz-*.log; do [[ -f $f ]] && cat "$f" >>"$log"; done; true)
    local execs rate
    execs=$(awk '/stat::number_of_executed_units/ {s += $2} END {print s + 0}' "$log")
    rate=$(awk '/stat::average_exec_per_sec/ {s += $2} END {print s + 0}' "$log")
    local verdict=ok
    if ((rc != 0)) || ls "$OUT/artifacts/$t-"* >/dev/null 2>&1; then verdict="FOUND SOMETHING (rc $rc, see $log)"; fi
    printf '%-52s %10s execs %7s/s  %s\n' "$t" "$execs" "$rate" "$verdict" | tee -a "$OUT/summary.txt"
    [[ $verdict == ok ]]
}

: >"$OUT/summary.txt"
fail=0
running=0
pids=()
for t in "${TARGETS[@]}"; do
    if [[ ! -x $BUILD/fuzz/$t ]]; then echo "run.sh: no such target $t" >&2; fail=1; continue; fi
    run_one "$t" &
    pids+=($!)
    running=$((running + 1))
    if ((running >= PARALLEL)); then
        wait "${pids[0]}" || fail=1
        pids=("${pids[@]:1}")
        running=$((running - 1))
    fi
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
total=$(awk '{s += $2} END {print s + 0}' "$OUT/summary.txt")
echo "fuzz: ${#TARGETS[@]} targets, $total executions in all; logs in $OUT/logs"
if ((fail)); then
    echo "fuzz: FAILED: crash inputs in $OUT/artifacts" >&2
    exit 1
fi
