#!/usr/bin/env bash
# Runs every consensus-spec vector through `kzgctl vectors` and checks that its
# last line reports all cases (as many as there are data.yaml files) passed.
set -euo pipefail
kzgctl=$1
dir=${KZG_TEST_VECTORS:-$2}
if [[ ! -d $dir ]]; then
    echo "FAIL: test vectors not found at $dir (set KZG_TEST_VECTORS)" >&2
    exit 1
fi
expected=$(find "$dir" -name data.yaml -printf x | wc -c)
if [[ $expected -eq 0 ]]; then
    echo "FAIL: no data.yaml under $dir" >&2
    exit 1
fi
set +e
out=$("$kzgctl" vectors "$dir")
rc=$?
set -e
echo "$out" | tail -n 20
last=$(echo "$out" | tail -n 1)
if [[ $rc -ne 0 || $last != "$expected passed, 0 failed" ]]; then
    echo "FAIL: kzgctl vectors exited $rc with '$last'; expected '$expected passed, 0 failed'" >&2
    exit 1
fi
# A directory with an unknown function is reported, not fatal, and a failing
# case makes the exit status non-zero.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/not_a_function/kzg-mainnet/case_0" "$tmp/verify_kzg_proof/kzg-mainnet/flipped"
echo "input: {}" > "$tmp/not_a_function/kzg-mainnet/case_0/data.yaml"
src=$(find "$dir/verify_kzg_proof" -name data.yaml -print -quit)
# Flip the expected output: true <-> false, null -> true.
sed -e 's/^output: true$/output: XX/' -e 's/^output: false$/output: true/' -e 's/^output: XX$/output: false/' \
    -e 's/^output: null$/output: true/' "$src" > "$tmp/verify_kzg_proof/kzg-mainnet/flipped/data.yaml"
set +e
out=$("$kzgctl" vectors "$tmp")
rc=$?
set -e
echo "$out"
[[ $rc -eq 1 ]] || { echo "FAIL: a failing case must exit 1, got $rc" >&2; exit 1; }
grep -q "^unknown function (not run): not_a_function$" <<<"$out" || { echo "FAIL: unknown function not reported" >&2; exit 1; }
grep -q "^FAIL verify_kzg_proof kzg-mainnet/flipped" <<<"$out" || { echo "FAIL: failing case not listed" >&2; exit 1; }
[[ $(tail -n 1 <<<"$out") == "0 passed, 1 failed" ]] || { echo "FAIL: wrong summary line" >&2; exit 1; }
echo "kzgctl vectors: OK"
