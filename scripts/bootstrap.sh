#!/usr/bin/env bash
# Installs the Debian packages that kzgd's build, tests and service need (only
# those missing), then configures and builds into build/. Idempotent: a second
# run installs nothing and rebuilds only what changed.
#   BUILD_DIR (default build), BUILD_TYPE (default Release), CXX/CC as usual,
#   KZG_STRICT=1 (CI, .ci/run): configure with -DKZG_STRICT=ON, where a missing
#   test prerequisite is a failure, never a skip (README.md, "Tests");
#   CMAKE_ARGS: more cmake arguments (they come last, so they win).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    build-essential cmake g++ clang libclang-rt-14-dev make pkg-config git ca-certificates openssl
    dpkg-dev
    npm
    libgtest-dev libgmock-dev libbenchmark-dev
    libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
    libboost1.81-dev libssl-dev
    prometheus-cpp-dev prometheus
    python3 python3-yaml python3-jsonschema python3-dev curl wrk nginx
    libnode-dev
    kubernetes-client
    systemd
)

missing=()
for p in "${PACKAGES[@]}"; do
    # npm may come from Node.js' own installer rather than Debian.
    if [[ $p == npm ]] && command -v npm >/dev/null 2>&1; then continue; fi
    # kubectl renders deploy/k8s (`kubectl kustomize`, ctest deploy_lint); any
    # kubectl will do (Debian's kubernetes-client: 1.20, kustomize built in).
    if [[ $p == kubernetes-client ]] && command -v kubectl >/dev/null 2>&1; then continue; fi
    # Node.js headers for c-kzg's Node.js binding suite: Node.js' own packages
    # ship them; Debian's nodejs needs libnode-dev (never mix the two).
    if [[ $p == libnode-dev ]] && [[ -f "$(dirname "$(dirname "$(realpath "$(command -v node || echo /usr/bin/node)")")")/include/node/node_api.h" ]]; then continue; fi
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}"
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-Release}
JOBS=${JOBS:-$(nproc)}
# Explicit either way: the cache would otherwise keep a once-strict build strict.
STRICT=OFF
[[ ${KZG_STRICT:-0} == 0 ]] || STRICT=ON
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DKZG_STRICT="$STRICT" ${CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j "$JOBS"
