#!/usr/bin/env bash
# c-kzg 2.1.8's Python binding suite, unchanged, on kzgd's installed C API.
#
#   python_binding.sh PREFIX PEER_DIR VECTORS WORKDIR
#
# PREFIX    an install of kzgd (cmake --install ... --prefix PREFIX)
# PEER_DIR  unpacked c-kzg 2.1.8 (CKZG_PEER_DIR; bindings/python, src/)
# VECTORS   the consensus-spec KZG vectors (KZG_TEST_VECTORS overrides)
# WORKDIR   scratch; WORKDIR/python is rebuilt on every run
#
# Compiles bindings/python/ckzg_wrap.c (not one line changed) as the CPython
# extension module `ckzg` against `pkg-config kzg-ckzg` from PREFIX with an
# rpath to PREFIX's lib folder, lays out the tree tests.py expects
# (../../tests/<function>/*/*/data.yaml, ../../src/trusted_setup.txt), checks
# that the module imports PREFIX's libkzg.so (ldd, nm, and /proc/self/maps in
# the interpreter), then runs tests.py and requires exit 0 and the last line
# "tests passed". PYTHON (default python3) and PYTHON_CONFIG (default
# PYTHON-config) pick the interpreter; CC the compiler (default cc).
set -euo pipefail
SUITE=binding_python
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
check_args "$@"
t_start=$SECONDS

PYTHON=${PYTHON:-python3}
PYTHON_CONFIG=${PYTHON_CONFIG:-$PYTHON-config}
CC=${CC:-cc}
need_cmd "$PYTHON" python3
need_cmd "$PYTHON_CONFIG" "python3-dev (it provides $PYTHON_CONFIG)"
need_cmd "$CC" build-essential
for f in bindings/python/ckzg_wrap.c bindings/python/tests.py; do
    [[ -f $PEER_DIR/$f ]] || fail "$PEER_DIR/$f missing (not an unpacked c-kzg 2.1.8)"
done
"$PYTHON" -c 'import yaml' 2>/dev/null || fail "$PYTHON cannot import yaml (install python3-yaml)"

# The interpreter and python3-config must agree, and Python.h must be there.
py_inc=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
py_ext=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
cfg_ext=$("$PYTHON_CONFIG" --extension-suffix)
cfg_inc=$("$PYTHON_CONFIG" --includes)
[[ $py_ext == "$cfg_ext" ]] || fail "$PYTHON_CONFIG is for another Python ($cfg_ext vs $PYTHON's $py_ext); set PYTHON_CONFIG"
[[ " $cfg_inc " == *" -I$py_inc "* ]] || fail "$PYTHON_CONFIG --includes ($cfg_inc) lacks $PYTHON's $py_inc; set PYTHON_CONFIG"
[[ -f $py_inc/Python.h ]] || fail "$py_inc/Python.h missing (install python3-dev)"
log "python: $(command -v "$PYTHON") $("$PYTHON" -c 'import sys, yaml; print(sys.version.split()[0], "yaml", yaml.__version__)')"

use_prefix

# Scratch tree: WORKDIR/python/c-kzg-4844/{src,tests,bindings/python}.
root=$WORKDIR/python/c-kzg-4844
rm -rf "$WORKDIR/python"
mkdir -p "$root/bindings/python"
cp "$PEER_DIR/bindings/python/ckzg_wrap.c" "$PEER_DIR/bindings/python/tests.py" "$root/bindings/python/"
cmp -s "$PEER_DIR/bindings/python/tests.py" "$root/bindings/python/tests.py" || fail "copy of tests.py differs"
lay_out_tree "$root"

# Build the extension: ckzg_wrap.c only; every KZG function comes from libkzg.so.
cd "$root/bindings/python"
mod=ckzg$py_ext
# shellcheck disable=SC2086,SC2206  # flag lists from pkg-config / python3-config
build_cmd=("$CC" -O2 -fPIC -shared $cfg_inc $KZG_CFLAGS ckzg_wrap.c -o "$mod" $KZG_LIBS "-Wl,-rpath,$KZG_LIBDIR")
log "build: ${build_cmd[*]}"
"${build_cmd[@]}" || fail "compiling ckzg_wrap.c against kzg-ckzg failed"
check_links_prefix "$PWD/$mod"

# In the interpreter: the module is this one, and the libkzg.so it mapped is PREFIX's.
export KZG_SO
env -u LD_LIBRARY_PATH -u PYTHONPATH "$PYTHON" - <<'EOF' || fail "the module did not load PREFIX's libkzg.so"
import ctypes, os, sys
sys.path.insert(0, os.getcwd())
import ckzg
want = os.environ["KZG_SO"]
assert os.path.dirname(os.path.realpath(ckzg.__file__)) == os.getcwd(), ckzg.__file__
mapped = set()
with open("/proc/self/maps") as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 6 and parts[5].startswith("/"):
            mapped.add(os.path.realpath(parts[5]))
kzg = sorted(p for p in mapped if "kzg" in os.path.basename(p) or "blst" in os.path.basename(p))
print("binding_python: mapped:", *kzg, sep="\n  ")
assert want in mapped, f"{want} is not mapped"
others = [p for p in kzg if p not in (want, os.path.realpath(ckzg.__file__))]
assert not others, f"other KZG libraries mapped: {others}"
lib = ctypes.CDLL(want, mode=os.RTLD_NOLOAD)  # succeeds only if already loaded
fn = lib.kzgd_version
fn.restype = ctypes.c_char_p
print("binding_python: libkzg.so says:", fn().decode())
EOF

# The suite itself, unchanged, from its own folder (it uses relative paths).
log "running tests.py ($(wc -l <tests.py) lines, unchanged)"
t_suite=$SECONDS
set +e
env -u LD_LIBRARY_PATH -u PYTHONPATH PYTHONDONTWRITEBYTECODE=1 "$PYTHON" tests.py 2>&1 | tee "$WORKDIR/python/tests.log"
rc=${PIPESTATUS[0]}
set -e
last=$(tail -n 1 "$WORKDIR/python/tests.log")
log "tests.py exit $rc, last line '$last', $((SECONDS - t_suite)) s (whole script $((SECONDS - t_start)) s)"
((rc == 0)) || fail "tests.py exited with $rc"
[[ $last == "tests passed" ]] || fail "tests.py's last line is '$last', not 'tests passed'"
log "PASS"
