#!/usr/bin/env bash
# Mutation check (issue #17): plants each bug of scripts/mutants.list, one at a
# time, in a scratch copy of the repository, rebuilds only what its tests need,
# runs those tests and reports whether the bug was caught ("killed") or not
# ("SURVIVED"). Every mutant must be killed.
#
#   scripts/mutants.sh [--list] [--only ID...] [--keep] [--workdir DIR]
#
#   --list          print the mutants (id, file, tests, planted bug) and exit
#   --only ID...    run these mutants only (the baseline runs their tests only)
#   --keep          keep DIR (scratch copy and build) afterwards: the next run
#                   with the same DIR rebuilds only what changed
#   --workdir DIR   scratch folder (default ${TMPDIR:-/tmp}/kzgd-mutants)
#
# Environment: JOBS (build and ctest parallelism, default 2),
# KZG_DIFF_ITERATIONS (differential tests' input count, default here 2),
# KZG_MUTANT_TIMEOUT (seconds for one mutant's tests, default 900),
# KZG_MUTANTS_LIST (another list file, e.g. to try a new mutant).
#
# The repository itself (ROOT) is never modified: its committed files with the
# working tree's changes (git ls-files, plus untracked files git does not
# ignore) are copied to DIR/tree/src, with DIR/tree/shared a link to
# ROOT/../shared (test vectors, c-kzg 2.1.8 tarball), and built once in
# DIR/build (the default configuration: service, tools and tests) against
# ROOT/.deps (the verified c-kzg npm package). Then:
#   baseline  the union of the selected mutants' tests must pass unmutated
#             (otherwise the run is invalid: exit 2);
#   mutants   apply (the anchor must match exactly once), build the tests'
#             targets, ctest them (the first failure stops them), restore the
#             file byte for byte.
# Output: one line per mutant, "killed  ID  bug  (tests: ...)" or
# "SURVIVED  ID  ...", then "mutants: N killed, M survived" last.
# Exit status: 0 all killed; 1 some survived; 2 invalid run (baseline failing,
# an anchor not found, a mutant that does not build, missing test names).
# Logs: DIR/logs/ (build and test output per mutant).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIST=${KZG_MUTANTS_LIST:-$ROOT/scripts/mutants.list}
WORKDIR=${TMPDIR:-/tmp}/kzgd-mutants
JOBS=${JOBS:-2}
export KZG_DIFF_ITERATIONS=${KZG_DIFF_ITERATIONS:-2}
MUTANT_TIMEOUT=${KZG_MUTANT_TIMEOUT:-900}
KEEP=0
LIST_ONLY=0
ONLY=()

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --list) LIST_ONLY=1; shift ;;
    --keep) KEEP=1; shift ;;
    --workdir) [[ $# -ge 2 ]] || { echo "mutants: --workdir needs a folder" >&2; exit 2; }
               WORKDIR=$2; shift 2 ;;
    --workdir=*) WORKDIR=${1#*=}; shift ;;
    --only) shift
            while [[ $# -gt 0 && $1 != --* ]]; do ONLY+=("$1"); shift; done
            [[ ${#ONLY[@]} -gt 0 ]] || { echo "mutants: --only needs at least one ID" >&2; exit 2; } ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mutants: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---------------------------------------------------------------------------
# The list parser, the anchor checks, mutation and the source sync (Python).
helper() {
  python3 - "$@" <<'PY'
import filecmp, os, shutil, subprocess, sys

def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)

def parse(path):
    mutants, cur, errors = [], None, []
    def close():
        if cur is None:
            return
        for key in ("file", "tests"):
            if not cur.get(key):
                errors.append(f"{path}: [{cur['id']}] has no {key}: line")
        if not cur["minus"]:
            errors.append(f"{path}: [{cur['id']}] has no '- ' anchor line")
        mutants.append(cur)
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("["):
                close()
                end = line.find("]")
                if end < 2:
                    errors.append(f"{path}:{no}: expected [ID] description")
                    cur = None
                    continue
                cur = {"id": line[1:end], "desc": line[end + 1:].strip(), "file": "", "tests": [],
                       "build": [], "minus": [], "plus": [], "line": no}
                continue
            if not line.strip() or line.startswith("#"):
                continue
            if cur is None:
                errors.append(f"{path}:{no}: text outside a mutant block")
                continue
            if line[0] in "-+" and (len(line) == 1 or line[1] == " "):
                (cur["minus"] if line[0] == "-" else cur["plus"]).append(line[2:])
            elif ":" in line and line.split(":", 1)[0].strip() in ("file", "tests", "build"):
                key, value = line.split(":", 1)
                key = key.strip()
                cur[key] = value.strip() if key == "file" else value.split()
            else:
                errors.append(f"{path}:{no}: unrecognised line: {line}")
    close()
    seen = set()
    for m in mutants:
        if m["id"] in seen:
            errors.append(f"{path}: duplicate id [{m['id']}]")
        seen.add(m["id"])
        m["anchor"] = "\n".join(m["minus"])
        m["replacement"] = "\n".join(m["plus"])
        if m["anchor"] == m["replacement"]:
            errors.append(f"{path}: [{m['id']}] replacement equals the anchor")
    if errors:
        die("mutants: errors in the list:\n  " + "\n  ".join(errors))
    return mutants

def select(mutants, ids):
    if not ids:
        return mutants
    by_id = {m["id"]: m for m in mutants}
    missing = [i for i in ids if i not in by_id]
    if missing:
        die("mutants: no such mutant: " + " ".join(missing) + " (see --list)")
    return [by_id[i] for i in ids]

def mutated_text(m, src):
    path = os.path.join(src, m["file"])
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        return None, f"[{m['id']}] {m['file']}: {e.strerror}"
    n = text.count(m["anchor"])
    if n != 1:
        return None, (f"[{m['id']}] {m['file']}: the anchor occurs {n} times (must be exactly once):\n"
                      + "\n".join("    | " + l for l in m["anchor"].split("\n")))
    return text.replace(m["anchor"], m["replacement"], 1), None

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "table":      # LIST [IDS...]: id, file, tests, build, desc (separated by \x1f)
    for m in select(parse(args[0]), args[1:]):
        print("\x1f".join([m["id"], m["file"], " ".join(m["tests"]), " ".join(m["build"]), m["desc"]]))
elif cmd == "check":    # LIST SRC [IDS...]: every anchor exactly once
    errs = [e for m in select(parse(args[0]), args[2:]) for e in [mutated_text(m, args[1])[1]] if e]
    if errs:
        die("mutants: the list does not match the sources (fix scripts/mutants.list):\n" + "\n".join(errs))
elif cmd == "apply":    # LIST SRC ID
    m = select(parse(args[0]), [args[2]])[0]
    text, err = mutated_text(m, args[1])
    if err:
        die("mutants: " + err)
    with open(os.path.join(args[1], m["file"]), "w", encoding="utf-8") as f:
        f.write(text)
elif cmd == "sync":     # ROOT SRC: SRC becomes ROOT's working tree; changed files get a new mtime
    root, src = args
    out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         check=True, capture_output=True).stdout
    files = sorted({p for p in out.decode().split("\0") if p and os.path.lexists(os.path.join(root, p))})
    wanted = set(files)
    copied = removed = 0
    for p in files:
        a, b = os.path.join(root, p), os.path.join(src, p)
        if os.path.islink(a):
            if os.path.islink(b) and os.readlink(a) == os.readlink(b):
                continue
            if os.path.lexists(b):
                os.remove(b)
            os.makedirs(os.path.dirname(b), exist_ok=True)
            os.symlink(os.readlink(a), b)
            copied += 1
            continue
        if os.path.isfile(b) and not os.path.islink(b) and filecmp.cmp(a, b, shallow=False):
            if os.stat(a).st_mode & 0o111 == os.stat(b).st_mode & 0o111:
                continue
        if os.path.lexists(b) and (os.path.islink(b) or not os.path.isfile(b)):
            shutil.rmtree(b) if os.path.isdir(b) and not os.path.islink(b) else os.remove(b)
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copyfile(a, b)  # a fresh mtime: make rebuilds what depends on it
        shutil.copymode(a, b)
        copied += 1
    for d, _, names in os.walk(src, topdown=False):
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), src)
            if rel not in wanted:
                os.remove(os.path.join(d, n))
                removed += 1
        if d != src and not os.listdir(d):
            os.rmdir(d)
    print(f"{len(files)} files, {copied} copied, {removed} removed")
else:
    die(f"helper: unknown command {cmd}")
PY
}

# ---------------------------------------------------------------------------
TABLE=$(helper table "$LIST" "${ONLY[@]}")
mapfile -t ROWS <<<"$TABLE"

if [[ $LIST_ONLY == 1 ]]; then
  printf '%-26s %-32s %-40s %s\n' ID FILE TESTS "PLANTED BUG"
  for row in "${ROWS[@]}"; do
    IFS=$'\x1f' read -r id file tests _build desc <<<"$row"
    printf '%-26s %-32s %-40s %s\n' "$id" "$file" "$tests" "$desc"
  done
  echo "${#ROWS[@]} mutants"
  exit 0
fi

# The cmake targets a test needs (a mutant's "build:" line overrides this).
targets_for_test() {
  case $1 in
    service_handover|fleet_*) echo "kzgd kzgctl kzgd_broken_for_tests" ;;
    service_*) echo "kzgd kzgctl" ;;
    kzgctl_*) echo "kzgctl" ;;
    library_symbols) echo "kzg_shared kzg_static" ;;
    *_scalar) echo "${1%_scalar}" ;;  # a rerun of a test binary with KZG_NO_IFMA=1
    *) echo "$1" ;;
  esac
}
targets_for_row() {  # tests, build
  if [[ -n $2 ]]; then echo "$2"; return; fi
  local t out=()
  # shellcheck disable=SC2207  # target names: one word each
  for t in $1; do out+=($(targets_for_test "$t")); done
  printf '%s\n' "${out[@]}" | awk '!seen[$0]++' | tr '\n' ' '
}
ctest_regex() { printf '^(%s)$' "$(tr ' ' '\n' <<<"$1" | sed '/^$/d' | sed 's/[.+]/\\&/g' | paste -sd'|')"; }

START=$(date +%s)
TREE=$WORKDIR/tree
SRC=$TREE/src
BUILD=$WORKDIR/build
LOGS=$WORKDIR/logs
# Only a folder this script made (or an empty/new one) is used: cleanup
# deletes DIR/tree and DIR/build.
if [[ -d $WORKDIR && ! -f $WORKDIR/.kzgd-mutants && -n $(ls -A "$WORKDIR") ]]; then
  echo "mutants: $WORKDIR is not empty and was not made by this script: choose another --workdir" >&2
  exit 2
fi
mkdir -p "$SRC" "$LOGS"
touch "$WORKDIR/.kzgd-mutants"
exec 9>"$WORKDIR/.lock"
flock -n 9 || { echo "mutants: $WORKDIR is in use by another run" >&2; exit 2; }

CURRENT_FILE=""   # the mutated file while a mutant is applied
ORIG=$WORKDIR/original
restore() {
  if [[ -n $CURRENT_FILE ]]; then
    cp "$ORIG" "$SRC/$CURRENT_FILE"   # a fresh mtime: the next build recompiles it
    cmp -s "$ORIG" "$SRC/$CURRENT_FILE" || { echo "mutants: could not restore $CURRENT_FILE" >&2; exit 2; }
    CURRENT_FILE=""
  fi
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local rc=$?
  restore || true
  if [[ $KEEP == 0 ]]; then
    rm -rf "$TREE" "$BUILD" "$ORIG" "$WORKDIR/.lock"   # the logs stay
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "mutants: copying $ROOT (working tree) to $SRC: $(helper sync "$ROOT" "$SRC")"
SHARED=$(cd "$ROOT/.." && pwd)/shared
[[ -d $SHARED ]] || echo "mutants: warning: $SHARED is missing (test vectors, c-kzg 2.1.8): the baseline will fail" >&2
ln -sfn "$SHARED" "$TREE/shared"

helper check "$LIST" "$SRC" "${ONLY[@]}"

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  echo "mutants: configuring $BUILD (log: $LOGS/configure.log)"
  cmake -S "$SRC" -B "$BUILD" -DKZG_DEPS_DIR="$ROOT/.deps" >"$LOGS/configure.log" 2>&1 ||
    { tail -30 "$LOGS/configure.log" >&2; echo "mutants: configure failed" >&2; exit 2; }
fi

# Every test named in the list must exist (a misspelt name would run nothing).
ALL_TESTS="" ALL_TARGETS=""
for row in "${ROWS[@]}"; do
  IFS=$'\x1f' read -r id file tests build desc <<<"$row"
  ALL_TESTS+=" $tests"
  ALL_TARGETS+=" $(targets_for_row "$tests" "$build")"
done
ALL_TESTS=$(tr ' ' '\n' <<<"$ALL_TESTS" | sed '/^$/d' | awk '!seen[$0]++' | tr '\n' ' ')
ALL_TARGETS=$(tr ' ' '\n' <<<"$ALL_TARGETS" | sed '/^$/d' | awk '!seen[$0]++' | tr '\n' ' ')
KNOWN=$(ctest --test-dir "$BUILD" -N 2>/dev/null | sed -n 's/^ *Test *#[0-9]*: *//p')
for t in $ALL_TESTS; do
  grep -qxF "$t" <<<"$KNOWN" || { echo "mutants: no test named $t in $BUILD (ctest -N)" >&2; exit 2; }
done

build_targets() {  # LOG TARGETS...
  local log=$1; shift
  # shellcheck disable=SC2068
  cmake --build "$BUILD" -j"$JOBS" --target $@ >"$log" 2>&1
}
run_tests() {  # LOG TESTS
  timeout "$MUTANT_TIMEOUT" ctest --test-dir "$BUILD" -R "$(ctest_regex "$2")" -j"$JOBS" \
    --stop-on-failure --no-tests=error --output-on-failure >"$1" 2>&1
}

failed_tests() {  # LOG RC: the tests ctest reports failed
  [[ $2 == 124 || $2 == 137 ]] && { echo "timeout after ${MUTANT_TIMEOUT} s"; return; }
  local names
  names=$(sed -n '/The following tests FAILED/,$p' "$1" | sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (\(.*\))$/\1 (\2)/p' | paste -sd, -)
  echo "${names:-ctest exit $2}"
}

echo "mutants: ${#ROWS[@]} mutants; JOBS=$JOBS KZG_DIFF_ITERATIONS=$KZG_DIFF_ITERATIONS"
echo "mutants: baseline build (targets: $ALL_TARGETS; log: $LOGS/baseline-build.log)"
t0=$(date +%s)
# shellcheck disable=SC2086  # the targets, one word each
build_targets "$LOGS/baseline-build.log" $ALL_TARGETS ||
  { tail -30 "$LOGS/baseline-build.log" >&2; echo "mutants: the unmutated tree does not build: invalid run" >&2; exit 2; }
echo "mutants: baseline tests (tests: $ALL_TESTS)"
if ! run_tests "$LOGS/baseline-test.log" "$ALL_TESTS"; then
  grep -E 'tests passed|\*\*\*|Failed|Timeout' "$LOGS/baseline-test.log" | tail -20 >&2 || true
  echo "mutants: the baseline fails without any mutant: invalid run (log: $LOGS/baseline-test.log)" >&2
  exit 2
fi
echo "mutants: baseline passed ($(( $(date +%s) - t0 )) s)"

KILLED=0 SURVIVED=0 BROKEN=0
SURVIVORS=() BROKEN_IDS=()
for row in "${ROWS[@]}"; do
  IFS=$'\x1f' read -r id file tests build desc <<<"$row"
  t0=$(date +%s)
  cp "$SRC/$file" "$ORIG"
  CURRENT_FILE=$file
  helper apply "$LIST" "$SRC" "$id"
  # shellcheck disable=SC2046  # the targets, one word each
  if ! build_targets "$LOGS/$id.build.log" $(targets_for_row "$tests" "$build"); then
    restore
    if grep -q 'generated/mainnet_setup\.bin\] Error' "$LOGS/$id.build.log"; then
      # It compiled; the build's own check (the mainnet setup validated by the
      # mutated engine before it is embedded) refused: caught, by the build.
      KILLED=$((KILLED + 1))
      printf '%-9s %-26s %s  (tests: %s; failed: the build-time setup validation, kzg_embed_setup)  [%d s]\n' \
        killed "$id" "$desc" "$tests" $(( $(date +%s) - t0 ))
    else
      BROKEN=$((BROKEN + 1)); BROKEN_IDS+=("$id")
      printf 'ERROR     %-26s does not build (log: %s)\n' "$id" "$LOGS/$id.build.log"
    fi
    continue
  fi
  rc=0
  run_tests "$LOGS/$id.test.log" "$tests" || rc=$?
  if [[ $rc == 0 ]]; then
    verdict=SURVIVED; SURVIVED=$((SURVIVED + 1)); SURVIVORS+=("$id"); by=""
  else
    verdict=killed; KILLED=$((KILLED + 1)); by="; failed: $(failed_tests "$LOGS/$id.test.log" "$rc")"
  fi
  restore
  printf '%-9s %-26s %s  (tests: %s%s)  [%d s]\n' "$verdict" "$id" "$desc" "$tests" "$by" $(( $(date +%s) - t0 ))
done

echo "mutants: wall time $(( $(date +%s) - START )) s; logs in $LOGS"
[[ $KEEP == 0 ]] || echo "mutants: kept $WORKDIR (the copy in $SRC, the build in $BUILD)"
[[ $SURVIVED -eq 0 ]] || echo "mutants: survivors (no test failed): ${SURVIVORS[*]}"
[[ $BROKEN -eq 0 ]] || echo "mutants: ${BROKEN_IDS[*]}: did not build: fix scripts/mutants.list (invalid run)"
echo "mutants: $KILLED killed, $SURVIVED survived"
if [[ $BROKEN -gt 0 ]]; then exit 2; fi
if [[ $SURVIVED -gt 0 ]]; then exit 1; fi
exit 0
