#!/usr/bin/env python3
"""c-kzg 2.1.8's Python binding on c-kzg itself vs. on kzgd's C API.

Builds (or reuses from --workdir) the CPython extension `ckzg` from c-kzg's
bindings/python/ckzg_wrap.c twice:

  c-kzg  ckzg_wrap.c + PEER_DIR/src/ckzg.c + PEER_DIR/blst (blst's build.sh
         with -D__BLST_PORTABLE__, as c-kzg's setup.py does; -O2 throughout)
  kzgd   ckzg_wrap.c alone, linked to the installed libkzg.so through
         `pkg-config kzg-ckzg` from --prefix (rpath to its lib folder)

Both modules are named `ckzg`, so each side runs in its own python3 worker
process; the two workers load the mainnet setup (--precompute, default 8) and build the
same inputs from --seed (random canonical field elements: top byte < 0x73),
check that they derive identical commitments, proofs and cells, and then time
every binding function once per round (the shortest few REPS times, per-call
mean), the rounds alternating A, B, A, B, ...
(one warm-up round each, not counted). The result is the median of
--iterations rounds per function and side: a markdown table (c-kzg ms, kzgd
ms, ratio = kzgd / c-kzg as kzg_compare prints it, so < 1 means kzgd is faster) and, with --json, the
same as JSON. A benchmark, never a test.

  bench/bindings_compare.py --prefix BUILD/test-install \\
      --peer-dir BUILD/peers/c-kzg-4844 --workdir BUILD/bindings-bench [--iterations 9] [--json [FILE]]
"""
import argparse
import hashlib
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import sysconfig
import time

FUNCTIONS = [
    ("blob_to_kzg_commitment", "blob_to_kzg_commitment"),
    ("compute_kzg_proof", "compute_kzg_proof"),
    ("compute_blob_kzg_proof", "compute_blob_kzg_proof"),
    ("verify_kzg_proof", "verify_kzg_proof"),
    ("verify_blob_kzg_proof", "verify_blob_kzg_proof"),
    ("verify_blob_kzg_proof_batch", "verify_blob_kzg_proof_batch (64)"),
    ("compute_cells", "compute_cells"),
    ("compute_cells_and_kzg_proofs", "compute_cells_and_kzg_proofs"),
    ("recover_cells_and_kzg_proofs", "recover_cells_and_kzg_proofs (64 of 128)"),
    ("verify_cell_kzg_proof_batch", "verify_cell_kzg_proof_batch (8 blobs x 128)"),
]
BATCH_BLOBS = 64
CELL_BLOBS = 8
CELLS_PER_EXT_BLOB = 128
PRECOMPUTE = 8
# Calls per round for the short functions (the round's time / REPS is one
# sample), so that one scheduler hiccup on a busy machine moves less.
REPS = {"verify_kzg_proof": 16, "verify_blob_kzg_proof": 8, "compute_cells": 4}
BYTES_PER_BLOB = 4096 * 32


# --------------------------------------------------------------------------- #
# worker: one side, in its own process (both modules are named ckzg)
# --------------------------------------------------------------------------- #
def field_element(rng):
    b = bytearray(rng.randbytes(32))
    b[0] %= 0x73  # < 0x73 in the top byte: always below the BLS modulus r
    return bytes(b)


def make_blob(rng):
    return b"".join(field_element(rng) for _ in range(4096))


def worker(args):
    sys.path.insert(0, args.worker)
    import ckzg  # noqa: E402  (the module of this side)

    mod = os.path.realpath(ckzg.__file__)
    if os.path.dirname(mod) != os.path.realpath(args.worker):
        raise SystemExit(f"imported {mod}, not the module in {args.worker}")
    mapped = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()
            if len(p) >= 6 and p[5].startswith("/"):
                mapped.add(os.path.realpath(p[5]))
    libs = sorted(p for p in mapped if "kzg" in os.path.basename(p) or "blst" in os.path.basename(p))
    version = None
    for p in libs:
        if os.path.basename(p).startswith("libkzg.so"):
            import ctypes
            fn = ctypes.CDLL(p, mode=os.RTLD_NOLOAD).kzgd_version
            fn.restype = ctypes.c_char_p
            version = fn().decode()

    t = time.perf_counter()
    ts = ckzg.load_trusted_setup(args.setup, args.precompute)
    load_s = time.perf_counter() - t

    rng = random.Random(args.seed)
    blobs = [make_blob(rng) for _ in range(BATCH_BLOBS)]
    z = field_element(rng)
    recover_idx = sorted(rng.sample(range(CELLS_PER_EXT_BLOB), CELLS_PER_EXT_BLOB // 2))

    # Derived inputs, untimed; their digest must be the same on both sides.
    commitments = [ckzg.blob_to_kzg_commitment(b, ts) for b in blobs]
    proofs = [ckzg.compute_blob_kzg_proof(b, c, ts) for b, c in zip(blobs, commitments)]
    proof_z, y = ckzg.compute_kzg_proof(blobs[0], z, ts)
    cells, cell_proofs = [], []
    for b in blobs[:CELL_BLOBS]:
        c, p = ckzg.compute_cells_and_kzg_proofs(b, ts)
        cells.append(c)
        cell_proofs.append(p)
    rec_cells = [cells[0][i] for i in recover_idx]
    v_commitments = [commitments[k] for k in range(CELL_BLOBS) for _ in range(CELLS_PER_EXT_BLOB)]
    v_indices = [i for _ in range(CELL_BLOBS) for i in range(CELLS_PER_EXT_BLOB)]
    v_cells = [c for k in range(CELL_BLOBS) for c in cells[k]]
    v_proofs = [p for k in range(CELL_BLOBS) for p in cell_proofs[k]]
    blobs_cat, comm_cat, proofs_cat = b"".join(blobs), b"".join(commitments), b"".join(proofs)

    h = hashlib.sha256()
    for part in commitments + proofs + [proof_z, y] + v_cells + v_proofs:
        h.update(part)
    b0, c0, p0 = blobs[0], commitments[0], proofs[0]
    calls = {
        "blob_to_kzg_commitment": lambda: ckzg.blob_to_kzg_commitment(b0, ts),
        "compute_kzg_proof": lambda: ckzg.compute_kzg_proof(b0, z, ts),
        "compute_blob_kzg_proof": lambda: ckzg.compute_blob_kzg_proof(b0, c0, ts),
        "verify_kzg_proof": lambda: ckzg.verify_kzg_proof(c0, z, y, proof_z, ts),
        "verify_blob_kzg_proof": lambda: ckzg.verify_blob_kzg_proof(b0, c0, p0, ts),
        "verify_blob_kzg_proof_batch": lambda: ckzg.verify_blob_kzg_proof_batch(blobs_cat, comm_cat, proofs_cat, ts),
        "compute_cells": lambda: ckzg.compute_cells(b0, ts),
        "compute_cells_and_kzg_proofs": lambda: ckzg.compute_cells_and_kzg_proofs(b0, ts),
        "recover_cells_and_kzg_proofs": lambda: ckzg.recover_cells_and_kzg_proofs(recover_idx, rec_cells, ts),
        "verify_cell_kzg_proof_batch": lambda: ckzg.verify_cell_kzg_proof_batch(v_commitments, v_indices, v_cells, v_proofs, ts),
    }
    # Check once, untimed, that every call does what it should.
    expect_true = ("verify_kzg_proof", "verify_blob_kzg_proof", "verify_blob_kzg_proof_batch", "verify_cell_kzg_proof_batch")
    for name in expect_true:
        if calls[name]() is not True:
            raise SystemExit(f"{name} did not verify")
    if calls["recover_cells_and_kzg_proofs"]() != (cells[0], cell_proofs[0]):
        raise SystemExit("recover_cells_and_kzg_proofs did not recover blob 0")
    if calls["compute_cells"]() != cells[0] or calls["blob_to_kzg_commitment"]() != c0:
        raise SystemExit("compute_cells / blob_to_kzg_commitment disagree with the inputs")

    print(json.dumps({"ready": True, "module": mod, "libs": libs, "version": version,
                      "load_s": load_s, "digest": h.hexdigest()}), flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        out = {}
        for name, _ in FUNCTIONS:
            fn, reps = calls[name], REPS.get(name, 1)
            t = time.perf_counter_ns()
            for _ in range(reps):
                fn()
            out[name] = (time.perf_counter_ns() - t) / 1e6 / reps
        print(json.dumps(out), flush=True)


# --------------------------------------------------------------------------- #
# parent: builds both modules, drives the two workers
# --------------------------------------------------------------------------- #
def sh(cmd, **kw):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def sha_files(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def build_if_needed(outdir, cmd, inputs, pre=None):
    """Runs pre() and cmd in outdir unless the stamp (cmd + inputs) matches."""
    os.makedirs(outdir, exist_ok=True)
    ext = sysconfig.get_config_var("EXT_SUFFIX")
    module = os.path.join(outdir, "ckzg" + ext)
    stamp = hashlib.sha256((json.dumps(cmd) + sha_files(inputs)).encode()).hexdigest()
    stamp_file = os.path.join(outdir, ".stamp")
    if os.path.exists(module) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        print(f"reusing {module}", file=sys.stderr)
        return module
    if pre:
        pre()
    sh(cmd, cwd=outdir)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return module


def pkg_config(prefix, *args):
    dirs = [os.path.join(prefix, d) for d in
            ("lib/pkgconfig", "lib/x86_64-linux-gnu/pkgconfig", "lib64/pkgconfig", "share/pkgconfig")]
    env = dict(os.environ, PKG_CONFIG_PATH=":".join(d for d in dirs if os.path.isdir(d)))
    return subprocess.run(["pkg-config", *args, "kzg-ckzg"], check=True, env=env,
                          capture_output=True, text=True).stdout.split()


def build_modules(args):
    peer, work = os.path.realpath(args.peer_dir), os.path.realpath(args.workdir)
    cc = os.environ.get("CC", "cc")
    wrap = os.path.join(peer, "bindings/python/ckzg_wrap.c")
    py_inc = "-I" + sysconfig.get_paths()["include"]
    ext = sysconfig.get_config_var("EXT_SUFFIX")
    for p in (wrap, os.path.join(peer, "src/ckzg.c"), os.path.join(peer, "blst/build.sh")):
        if not os.path.exists(p):
            raise SystemExit(f"{p} missing: --peer-dir must be an unpacked c-kzg 2.1.8")
    if not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")):
        raise SystemExit("Python.h missing (install python3-dev)")

    # A: c-kzg 2.1.8 itself, as its setup.py builds it (blst via build.sh
    # -D__BLST_PORTABLE__ into libblst.a, then ckzg_wrap.c + src/ckzg.c).
    a_dir = os.path.join(work, "ckzg-ref")
    blst_dir = os.path.join(a_dir, "blst")
    a_cmd = [cc, "-O2", "-fPIC", "-shared", py_inc, "-I" + os.path.join(peer, "src"),
             "-I" + os.path.join(peer, "blst/bindings"), wrap, os.path.join(peer, "src/ckzg.c"),
             os.path.join(blst_dir, "libblst.a"), "-o", "ckzg" + ext]

    def build_blst():
        os.makedirs(blst_dir, exist_ok=True)
        sh(["sh", os.path.join(peer, "blst/build.sh"), "-D__BLST_PORTABLE__"], cwd=blst_dir,
           stdout=subprocess.DEVNULL)

    a = build_if_needed(a_dir, a_cmd, [wrap, os.path.join(peer, "src/ckzg.c"), os.path.join(peer, "blst/build.sh")],
                        pre=build_blst)

    # B: the same ckzg_wrap.c on kzgd's installed libkzg.so.
    prefix = os.path.realpath(args.prefix)
    cflags, libs = pkg_config(prefix, "--cflags"), pkg_config(prefix, "--libs")
    libdir = os.path.realpath(pkg_config(prefix, "--variable=libdir")[0])
    b_dir = os.path.join(work, "kzgd")
    b_cmd = [cc, "-O2", "-fPIC", "-shared", py_inc, *cflags, wrap, "-o", "ckzg" + ext, *libs,
             "-Wl,-rpath," + libdir]
    b = build_if_needed(b_dir, b_cmd, [wrap])
    return a, b, libdir


class Worker:
    def __init__(self, label, module, setup, seed, precompute):
        env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
        self.label = label
        self.proc = subprocess.Popen(
            [sys.executable, "-u", os.path.abspath(__file__), "--worker", os.path.dirname(module),
             "--setup", setup, "--seed", str(seed), "--precompute", str(precompute)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=os.path.dirname(module))
        self.info = self._read()

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"{self.label} worker died (exit {self.proc.wait()})")
        return json.loads(line)

    def run(self):
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait()


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--prefix", help="kzgd install prefix (has the kzg-ckzg pkg-config module)")
    ap.add_argument("--peer-dir", help="unpacked c-kzg 2.1.8 (CKZG_PEER_DIR)")
    ap.add_argument("--workdir", help="where the two modules are built and reused")
    ap.add_argument("--setup", help="trusted_setup.txt (default PEER_DIR/src/trusted_setup.txt)")
    ap.add_argument("--iterations", type=int, default=9, help="timed rounds per side (default 9)")
    ap.add_argument("--seed", type=int, default=4844, help="input seed (default 4844)")
    ap.add_argument("--precompute", type=int, default=PRECOMPUTE,
                    help=f"load_trusted_setup's precompute on both sides (default {PRECOMPUTE})")
    ap.add_argument("--json", nargs="?", const="-", metavar="FILE",
                    help="also write the results as JSON (to FILE, or stdout)")
    ap.add_argument("--cxx-json", metavar="FILE",
                    help="kzg_compare --json output of the same machine: adds the C++ ratio and the difference")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    for k in ("prefix", "peer_dir", "workdir"):
        if not getattr(args, k):
            ap.error(f"--{k.replace('_', '-')} is required")
    if args.iterations < 1:
        ap.error("--iterations must be >= 1")
    setup = os.path.realpath(args.setup or os.path.join(args.peer_dir, "src/trusted_setup.txt"))

    t0 = time.time()
    load0 = os.getloadavg()[0]
    mod_a, mod_b, libdir = build_modules(args)
    sides = [Worker("c-kzg", mod_a, setup, args.seed, args.precompute),
             Worker("kzgd", mod_b, setup, args.seed, args.precompute)]
    a, b = sides
    if any(os.path.basename(p).startswith("libkzg.so") for p in a.info["libs"]):
        raise SystemExit(f"the c-kzg module mapped a libkzg.so: {a.info['libs']}")
    if not any(os.path.dirname(p) == libdir and os.path.basename(p).startswith("libkzg.so") for p in b.info["libs"]):
        raise SystemExit(f"the kzgd module did not map {libdir}/libkzg.so: {b.info['libs']}")
    if a.info["digest"] != b.info["digest"]:
        raise SystemExit("the two sides derived different commitments/proofs/cells from the same blobs")
    print(f"c-kzg: {a.info['module']} (setup load {a.info['load_s']:.2f} s)", file=sys.stderr)
    print(f"kzgd:  {b.info['module']} -> {b.info['libs']} ({b.info['version']}; setup load {b.info['load_s']:.2f} s)",
          file=sys.stderr)

    for w in sides:  # warm-up round, not counted
        w.run()
    samples = {w.label: {n: [] for n, _ in FUNCTIONS} for w in sides}
    for _ in range(args.iterations):
        for w in sides:  # A, B, A, B, ...
            for n, ms in w.run().items():
                samples[w.label][n].append(ms)
    for w in sides:
        w.close()

    rows = []
    for name, label in FUNCTIONS:
        ma, mb = statistics.median(samples["c-kzg"][name]), statistics.median(samples["kzgd"][name])
        rows.append({"function": name, "label": label, "ckzg_ms": ma, "kzgd_ms": mb, "ratio": mb / ma,
                     "ckzg_samples_ms": samples["c-kzg"][name], "kzgd_samples_ms": samples["kzgd"][name]})

    def fmt(ms):
        return f"{ms:.3f}" if ms < 10 else f"{ms:.2f}" if ms < 100 else f"{ms:.1f}"

    print(f"\nc-kzg 2.1.8 Python binding (`ckzg_wrap.c`) on c-kzg itself vs. on kzgd's libkzg.so: "
          f"median of {args.iterations} interleaved rounds, one thread, precompute {args.precompute}, seed {args.seed} "
          f"(per call; {', '.join(f'{n} x{r}' for n, r in REPS.items())} calls per round); "
          f"{cpu_model()}, {os.cpu_count()} CPUs, load average {load0:.1f} -> {os.getloadavg()[0]:.1f}; "
          f"{b.info['version']}.\n")
    # kzg_compare's rows are named "function" or "function (detail)".
    cxx = {}
    if args.cxx_json:
        with open(args.cxx_json) as f:
            cxx = {r["function"].split(" ")[0]: r["ratio"] for r in json.load(f)["rows"]}
    for r in rows:
        if r["function"] in cxx:
            r["cxx_ratio"] = cxx[r["function"]]
            r["ratio_difference"] = r["ratio"] / r["cxx_ratio"] - 1
    extra = " C++ ratio (kzg_compare) | difference |" if cxx else ""
    print("| function | c-kzg ms | kzgd ms | ratio (kzgd / c-kzg) |" + extra)
    print("|---|---:|---:|---:|" + ("---:|---:|" if cxx else ""))
    for r in rows:
        tail = (f" {r['cxx_ratio']:.2f} | {r['ratio_difference'] * 100:+.0f}% |" if "cxx_ratio" in r
                else (" | |" if cxx else ""))
        print(f"| {r['label']} | {fmt(r['ckzg_ms'])} | {fmt(r['kzgd_ms'])} | {r['ratio']:.2f} |" + tail)
    print(f"| load_trusted_setup (precompute {args.precompute}, once) | {a.info['load_s'] * 1e3:.0f} | "
          f"{b.info['load_s'] * 1e3:.0f} | {b.info['load_s'] / a.info['load_s']:.2f} |" + (" | |" if cxx else ""))
    print(f"\n(total wall time {time.time() - t0:.0f} s)")

    if args.json:
        doc = {"iterations": args.iterations, "seed": args.seed, "precompute": args.precompute,
               "reps_per_round": REPS, "cpu": cpu_model(), "cpus": os.cpu_count(),
               "loadavg_start_end": [load0, os.getloadavg()[0]], "python": platform.python_version(),
               "ckzg_module": a.info["module"], "kzgd_module": b.info["module"], "kzgd_libs": b.info["libs"],
               "kzgd_version": b.info["version"], "load_s": {"ckzg": a.info["load_s"], "kzgd": b.info["load_s"]},
               "results": rows}
        text = json.dumps(doc, indent=2)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as f:
                f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
