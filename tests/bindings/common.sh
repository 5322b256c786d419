# shellcheck shell=bash
# Shared by python_binding.sh and node_binding.sh (sourced, never run): checks
# of the arguments and tools, the install prefix's pkg-config module, and the
# scratch copy of c-kzg's layout that its binding suites expect:
#
#   <root>/src/trusted_setup.txt          copied from PEER_DIR/src
#   <root>/tests/<function>/<config>/<case>/data.yaml   the spec vectors
#   <root>/bindings/<python|node.js>/    copied from PEER_DIR, plus our glue
#
# Every problem is a failure with a message saying what is missing; nothing is
# ever skipped.

# The ten functions that c-kzg's binding suites read vectors for.
KZG_BINDING_FUNCTIONS=(
    blob_to_kzg_commitment compute_kzg_proof compute_blob_kzg_proof verify_kzg_proof
    verify_blob_kzg_proof verify_blob_kzg_proof_batch
    compute_cells compute_cells_and_kzg_proofs recover_cells_and_kzg_proofs
    verify_cell_kzg_proof_batch
)

fail() {
    echo "${SUITE:-binding}: FAIL: $*" >&2
    exit 1
}

log() { echo "${SUITE:-binding}: $*"; }

need_cmd() { # need_cmd CMD WHAT-TO-INSTALL
    command -v "$1" >/dev/null 2>&1 || fail "'$1' not found on PATH (install $2)"
}

# check_args PREFIX PEER_DIR VECTORS WORKDIR: sets PREFIX PEER_DIR VECTORS
# WORKDIR (absolute). KZG_TEST_VECTORS in the environment overrides VECTORS.
check_args() {
    [[ $# -eq 4 ]] || fail "usage: $0 PREFIX PEER_DIR VECTORS WORKDIR (got $# arguments)"
    PREFIX=$1 PEER_DIR=$2 VECTORS=${KZG_TEST_VECTORS:-$3} WORKDIR=$4
    [[ -n $PEER_DIR && $PEER_DIR != NOTFOUND && -d $PEER_DIR ]] ||
        fail "c-kzg 2.1.8 sources missing: PEER_DIR '$PEER_DIR' is not a folder (CKZG_PEER_DIR is set by cmake/peers.cmake from ../shared/peers/c-kzg-4844-2.1.8-*.tar.gz; KZG_CKZG_PEER_TARBALL overrides)"
    [[ -f $PEER_DIR/src/trusted_setup.txt ]] || fail "$PEER_DIR/src/trusted_setup.txt missing (not an unpacked c-kzg 2.1.8)"
    [[ -d $PREFIX ]] || fail "install prefix '$PREFIX' missing (the kzg_install test, fixture kzg_installed, creates it: cmake --install <build> --prefix $PREFIX)"
    [[ -d $VECTORS ]] || fail "test vectors '$VECTORS' missing (see ../shared/kzg-test-vectors/README.md; KZG_TEST_VECTORS overrides)"
    PREFIX=$(realpath "$PREFIX") PEER_DIR=$(realpath "$PEER_DIR") VECTORS=$(realpath "$VECTORS")
    mkdir -p "$WORKDIR" && WORKDIR=$(realpath "$WORKDIR")
}

# use_prefix: points pkg-config at PREFIX only and checks module kzg-ckzg. Sets
# KZG_CFLAGS, KZG_LIBS, KZG_LIBDIR (realpath) and KZG_SO (PREFIX's libkzg.so).
use_prefix() {
    need_cmd pkg-config pkg-config
    local d dirs=()
    for d in lib/pkgconfig lib/x86_64-linux-gnu/pkgconfig lib64/pkgconfig share/pkgconfig; do
        [[ -d $PREFIX/$d ]] && dirs+=("$PREFIX/$d")
    done
    ((${#dirs[@]})) || fail "no pkgconfig folder under $PREFIX (looked in lib/pkgconfig, lib/x86_64-linux-gnu/pkgconfig, lib64/pkgconfig, share/pkgconfig)"
    PKG_CONFIG_PATH=$(IFS=:; echo "${dirs[*]}")
    export PKG_CONFIG_PATH
    pkg-config --exists kzg-ckzg || fail "pkg-config module kzg-ckzg not found in $PKG_CONFIG_PATH ($(pkg-config --print-errors --exists kzg-ckzg 2>&1 | head -3 | tr '\n' ' '))"
    local m
    for m in kzg kzg-ckzg; do
        if pkg-config --exists "$m"; then
            log "pkg-config $m $(pkg-config --modversion "$m") from $(pkg-config --variable=pcfiledir "$m")"
        else
            log "note: pkg-config module $m is not installed under $PREFIX"
        fi
    done
    KZG_CFLAGS=$(pkg-config --cflags kzg-ckzg)
    KZG_LIBS=$(pkg-config --libs kzg-ckzg)
    local libdir
    libdir=$(pkg-config --variable=libdir kzg-ckzg)
    [[ -n $libdir && -d $libdir ]] || fail "kzg-ckzg.pc: libdir '$libdir' is not a folder"
    KZG_LIBDIR=$(realpath "$libdir")
    [[ $KZG_LIBDIR == "$PREFIX"/* ]] || fail "kzg-ckzg.pc: libdir $KZG_LIBDIR is not inside the prefix $PREFIX (a relocated install must use \${pcfiledir})"
    [[ -e $KZG_LIBDIR/libkzg.so ]] || fail "$KZG_LIBDIR/libkzg.so missing (the shared library is not installed)"
    KZG_SO=$(realpath "$KZG_LIBDIR/libkzg.so")
    log "cflags: $KZG_CFLAGS"
    log "libs:   $KZG_LIBS (rpath $KZG_LIBDIR)"
    log "libkzg.so: $KZG_LIBDIR/libkzg.so -> $KZG_SO"
}

# lay_out_tree ROOT: ROOT/src/trusted_setup.txt and ROOT/tests, then prints how
# many vector files each function has there (counted from the tree, not taken
# from the suite). VECTORS laid out as <function>/<config>/<case>/data.yaml is
# linked as is; anything else (e.g. consensus-spec-tests'
# general/<fork>/kzg/<function>/<config>/<case>/data.yaml) gets a symlink farm.
lay_out_tree() {
    local root=$1 fn n bad=0 total=0
    mkdir -p "$root/src"
    cp "$PEER_DIR/src/trusted_setup.txt" "$root/src/trusted_setup.txt"
    rm -rf "$root/tests"
    local direct=1
    for fn in "${KZG_BINDING_FUNCTIONS[@]}"; do
        compgen -G "$VECTORS/$fn/*/*/data.yaml" >/dev/null || { direct=0; break; }
    done
    if ((direct)); then
        ln -s "$VECTORS" "$root/tests"
        log "vectors: $root/tests -> $VECTORS (<function>/<config>/<case>/data.yaml)"
    else
        log "vectors: $VECTORS is not laid out as <function>/<config>/<case>/data.yaml; building a symlink farm"
        local f rel parts k case cfg
        while IFS= read -r -d '' f; do
            rel=${f#"$VECTORS"/}
            IFS=/ read -r -a parts <<<"$rel"
            k=${#parts[@]}
            ((k >= 4)) || continue
            fn=${parts[k - 4]} cfg=${parts[k - 3]} case=${parts[k - 2]}
            # keep cases from different forks apart: prefix what lies above
            if ((k > 4)); then case=$(IFS=_; echo "${parts[*]:0:k-4}")__$case; fi
            mkdir -p "$root/tests/$fn/$cfg/$case"
            ln -s "$f" "$root/tests/$fn/$cfg/$case/data.yaml"
        done < <(find -L "$VECTORS" -name data.yaml -print0)
    fi
    log "vector files per function (counted in $root/tests):"
    for fn in "${KZG_BINDING_FUNCTIONS[@]}"; do
        n=$(compgen -G "$root/tests/$fn/*/*/data.yaml" | wc -l)
        printf '%s:   %-32s %4d\n' "${SUITE:-binding}" "$fn" "$n"
        total=$((total + n))
        ((n > 0)) || bad=1
    done
    printf '%s:   %-32s %4d\n' "${SUITE:-binding}" "total" "$total"
    ((bad == 0)) || fail "some functions have no vector files under $VECTORS"
}

# check_links_prefix FILE: FILE (a module) needs libkzg.so, which the dynamic
# loader resolves to PREFIX's copy, and defines no c-kzg or blst code itself.
check_links_prefix() {
    local mod=$1 line path
    need_cmd ldd libc-bin
    need_cmd nm binutils
    line=$(env -u LD_LIBRARY_PATH ldd "$mod" | grep -E '^\s*libkzg\.so' || true)
    [[ -n $line ]] || fail "$mod does not link libkzg.so: $(ldd "$mod" | tr '\n' ' ')"
    path=$(sed -E 's/.*=> *([^ ]+).*/\1/' <<<"$line")
    [[ -e $path && $(realpath "$path") == "$KZG_SO" ]] ||
        fail "$mod resolves libkzg.so to '$path', not $KZG_SO"
    log "ldd: $(echo "$line" | xargs)"
    local own
    own=$(nm --defined-only "$mod" 2>/dev/null | grep -E ' [TtDdBbRr] (blst_[A-Za-z0-9_]*|blob_to_kzg_commitment|compute_cells_and_kzg_proofs|verify_cell_kzg_proof_batch|load_trusted_setup|load_trusted_setup_file|g1_lincomb_fast|fr_from_bytes|bytes_to_kzg_commitment)(@.*)?$' | head -5 || true)
    [[ -z $own ]] || fail "$mod defines c-kzg/blst code of its own: $(echo "$own" | tr '\n' ' ')"
    own=$(nm -D --defined-only "$mod" | grep -E ' (blst_[A-Za-z0-9_]*|blob_to_kzg_commitment|verify_kzg_proof)(@.*)?$' | head -5 || true)
    [[ -z $own ]] || fail "$mod exports c-kzg/blst symbols: $(echo "$own" | tr '\n' ' ')"
    nm -D --undefined-only "$mod" | grep -E ' blob_to_kzg_commitment(@.*)?$' >/dev/null ||
        fail "$mod does not import blob_to_kzg_commitment (not built against the C API?)"
    log "$(basename "$mod"): imports the C API from libkzg.so, defines no blst/c-kzg code ($(stat -c %s "$mod") bytes)"
}
