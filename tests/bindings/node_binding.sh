#!/usr/bin/env bash
# c-kzg 2.1.8's Node.js binding suite (jest), unchanged, on kzgd's installed C API.
#
#   node_binding.sh PREFIX PEER_DIR VECTORS WORKDIR
#
# PREFIX    an install of kzgd (cmake --install ... --prefix PREFIX)
# PEER_DIR  unpacked c-kzg 2.1.8 (CKZG_PEER_DIR; bindings/node.js, src/)
# VECTORS   the consensus-spec KZG vectors (KZG_TEST_VECTORS overrides)
# WORKDIR   scratch: WORKDIR/node/c-kzg-4844 (node_modules kept between runs
#           while package.json is unchanged) and WORKDIR/npm-cache
#
# Copies bindings/node.js (src/, lib/, test/, package.json: not one line
# changed) and replaces only its build glue: our binding.gyp compiles
# src/kzg.cxx alone with `pkg-config --cflags kzg-ckzg` from PREFIX and links
# PREFIX's libkzg.so (rpath) instead of compiling deps/c-kzg and deps/blst.
# deps/c-kzg/trusted_setup.txt (lib/kzg.js's default setup) is copied from
# PEER_DIR/src and the vectors are placed at ../../tests. Then
# `npm install --ignore-scripts`, `node-gyp configure --nodedir=...`,
# `node-gyp build`, checks that build/Release/kzg.node links PREFIX's
# libkzg.so and holds no blst/c-kzg code, and runs `npx jest`, requiring
# "Tests: N passed" with N >= 61 and nothing failed. NODEDIR overrides the
# folder holding include/node (default: the one above node's bin/).
set -euo pipefail
SUITE=binding_node
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
check_args "$@"
t_start=$SECONDS
MIN_TESTS=61

need_cmd node "nodejs"
need_cmd npm "npm (nodejs from nodesource ships it; Debian: npm)"
need_cmd npx "npm"
need_cmd make build-essential
need_cmd c++ "build-essential (g++)"
need_cmd python3 "python3 (node-gyp runs gyp with it)"
NODEDIR=${NODEDIR:-$(dirname "$(dirname "$(realpath "$(command -v node)")")")}
for h in node_api.h js_native_api.h common.gypi; do
    [[ -f $NODEDIR/include/node/$h ]] ||
        fail "Node.js headers missing: $NODEDIR/include/node/$h (nodesource's nodejs package ships /usr/include/node; Debian's is libnode-dev; NODEDIR overrides)"
done
for f in src/kzg.cxx lib/kzg.js package.json test/kzg.test.ts jest.config.js; do
    [[ -f $PEER_DIR/bindings/node.js/$f ]] || fail "$PEER_DIR/bindings/node.js/$f missing (not an unpacked c-kzg 2.1.8)"
done
log "node $(node --version), npm $(npm --version), headers in $NODEDIR/include/node"

use_prefix

# Scratch tree: WORKDIR/node/c-kzg-4844/{src,tests,bindings/node.js}. Everything
# but node_modules (and npm's lock file) is copied afresh on every run.
root=$WORKDIR/node/c-kzg-4844
bind=$root/bindings/node.js
mkdir -p "$bind"
find "$bind" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name package-lock.json -exec rm -rf {} +
cp -a "$PEER_DIR/bindings/node.js/." "$bind/"
rm -f "$bind/binding.gyp"
lay_out_tree "$root"
mkdir -p "$bind/deps/c-kzg"
cp "$PEER_DIR/src/trusted_setup.txt" "$bind/deps/c-kzg/trusted_setup.txt"

# Our build glue: the addon is src/kzg.cxx alone; the KZG code is libkzg.so.
incs=() flags=()
# shellcheck disable=SC2086
for f in $KZG_CFLAGS; do
    if [[ $f == -I* ]]; then incs+=("${f#-I}"); else flags+=("$f"); fi
done
json_list() { # json_list ITEMS... -> "a", "b"
    local out="" x
    for x in "$@"; do out+="${out:+, }$(printf '%s' "$x" | python3 -c 'import json, sys; print(json.dumps(sys.stdin.read()), end="")')"; done
    printf '%s' "$out"
}
# shellcheck disable=SC2086
cat >"$bind/binding.gyp" <<EOF
# Written by kzgd's tests/bindings/node_binding.sh (replaces c-kzg's binding.gyp):
# compile src/kzg.cxx only and link the installed libkzg.so ($KZG_SO).
{
  "targets": [
    {
      "target_name": "kzg",
      "sources": ["src/kzg.cxx"],
      "include_dirs": [
        $(json_list "${incs[@]}"),
        "<!@(node -p \"require('node-addon-api').include\")"
      ],
      "defines": ["NAPI_CPP_EXCEPTIONS"],
      "cflags": [$(json_list "${flags[@]}")],
      "cflags_cc": ["-fexceptions", "-std=c++17", "-fPIC"],
      "ldflags": [$(json_list "-Wl,-rpath,$KZG_LIBDIR")],
      "libraries": [$(json_list $KZG_LIBS)]
    }
  ]
}
EOF
log "binding.gyp:"; sed 's/^/    /' "$bind/binding.gyp"

cd "$bind"
export npm_config_cache=$WORKDIR/npm-cache npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
stamp_want=$( (cat package.json; node --version; npm --version) | sha256sum | cut -d' ' -f1)
if [[ -d node_modules && -f node_modules/.kzgd-stamp && $(cat node_modules/.kzgd-stamp) == "$stamp_want" ]]; then
    log "npm: node_modules up to date (package.json unchanged), not reinstalling"
else
    log "npm install --ignore-scripts (cache $npm_config_cache)"
    t=$SECONDS
    rm -rf node_modules
    npm install --ignore-scripts --prefer-offline --no-audit --no-fund 2>&1 | tail -n 5 ||
        fail "npm install failed (the npm registry must be reachable, or the cache in $npm_config_cache filled)"
    [[ -d node_modules/jest && -d node_modules/node-addon-api && -d node_modules/node-gyp ]] ||
        fail "npm install did not install jest, node-addon-api and node-gyp"
    echo "$stamp_want" >node_modules/.kzgd-stamp
    log "npm install: $((SECONDS - t)) s"
fi

t=$SECONDS
rm -rf build
npx --no-install node-gyp configure --nodedir="$NODEDIR" --loglevel=warn || fail "node-gyp configure failed"
npx --no-install node-gyp build --loglevel=warn || fail "node-gyp build failed (compiling src/kzg.cxx against kzg-ckzg)"
log "node-gyp configure + build: $((SECONDS - t)) s"
check_links_prefix "$bind/build/Release/kzg.node"

# In node: the addon is ours, and the libkzg.so it mapped is PREFIX's.
KZG_SO=$KZG_SO env -u LD_LIBRARY_PATH node -e '
const fs = require("fs"), path = require("path");
const kzg = require("./lib/kzg");
const want = process.env.KZG_SO;
const mapped = new Set(fs.readFileSync("/proc/self/maps", "utf8").split("\n")
  .map((l) => l.trim().split(/\s+/)[5]).filter((p) => p && p.startsWith("/"))
  .map((p) => fs.realpathSync(p)));
const ours = [...mapped].filter((p) => /kzg|blst/.test(path.basename(p))).sort();
console.log("binding_node: mapped:\n  " + ours.join("\n  "));
if (!mapped.has(want)) { console.error(want + " is not mapped"); process.exit(1); }
const addon = fs.realpathSync("build/Release/kzg.node");
const others = ours.filter((p) => p !== want && p !== addon);
if (others.length) { console.error("other KZG libraries mapped: " + others); process.exit(1); }
kzg.loadTrustedSetup(0);
console.log("binding_node: default setup loads; commitment of the zero blob " +
  Buffer.from(kzg.blobToKzgCommitment(new Uint8Array(kzg.BYTES_PER_BLOB))).toString("hex").slice(0, 16) + "...");
' || fail "the addon did not load PREFIX's libkzg.so"

# The suite itself, unchanged.
log "running npx jest (test/kzg.test.ts unchanged)"
t=$SECONDS
set +e
CI=true env -u LD_LIBRARY_PATH npx --no-install jest --ci 2>&1 | tee "$WORKDIR/node/jest.log"
rc=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^Tests:' "$WORKDIR/node/jest.log" | tail -n 1 || true)
log "jest exit $rc, '$summary', $((SECONDS - t)) s (whole script $((SECONDS - t_start)) s)"
((rc == 0)) || fail "jest exited with $rc"
[[ -n $summary ]] || fail "no 'Tests:' line in jest's output"
[[ $summary != *failed* ]] || fail "jest reports failures: $summary"
passed=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$summary")
[[ -n $passed && $passed -ge $MIN_TESTS ]] || fail "jest passed ${passed:-0} tests, expected at least $MIN_TESTS: $summary"
log "PASS ($passed tests)"
