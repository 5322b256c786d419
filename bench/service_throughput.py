#!/usr/bin/env python3
"""kzgd over HTTP next to the same operations in-process.

Starts kzgd on a free loopback port, drives verify_blob_kzg_proof and
blob_to_kzg_commitment with JSON and SSZ (application/octet-stream) bodies for
a bounded time each, and prints requests/s, mean, p50 and p99 per request
beside kzgd_inprocess_timing's figures for the same blob, and the ratios.

    bench/service_throughput.py [--build build] [--duration 5] [--connections 1]

With --connections 1 (the default) requests go one at a time, so the HTTP
per-request time compares directly with the in-process time of one call at a
time, run as kzgd runs it: on a kzg::ThreadPool of kzgd's worker count that is
also the context's pool (the targets: JSON within 1.3x, SSZ within 1.1x). The load generator is wrk (with a
Lua script) when installed, else a Python keep-alive client (slower client,
so it overstates the overhead). Only 127.0.0.1 is used; kzgd is always killed.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOB = 131072


def random_blob(seed=1):
    r = random.Random(seed)
    return b"".join(b"\x00" + r.randbytes(31) for _ in range(BLOB // 32))


def start_kzgd(kzgd, tmp, extra):
    ports = os.path.join(tmp, "ports")
    log = open(os.path.join(tmp, "kzgd.log"), "wb")
    proc = subprocess.Popen([kzgd, "--listen", "127.0.0.1:0", "--ports-file", ports, *extra],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    port = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kzgd exited with {proc.returncode}")
        if port is None and os.path.exists(ports):
            with open(ports) as f:
                text = f.read()
            if text.endswith("\n"):
                port = int(text)
        if port is not None:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    return proc, port
            except OSError:
                pass
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("kzgd did not become ready")


def post(port, path, body, headers):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", path, body, headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status != 200:
        raise RuntimeError(f"{path}: {r.status} {data[:200]!r}")
    return data


WRK_LUA = """
wrk.method = "POST"
local f = io.open("{body}", "rb")
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "{ctype}"
wrk.headers["Accept"] = "{ctype}"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(port, path, body_file, ctype, duration, connections, tmp):
    script = os.path.join(tmp, "post.lua")
    with open(script, "w") as f:
        f.write(WRK_LUA.format(body=body_file, ctype=ctype))
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "-s", script,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         timeout=duration + 60).stdout
    for line in out.splitlines():
        if line.startswith("RESULT"):
            n, dur_us, errors, mean, p50, p99 = line.split()[1:]
            return {"requests": int(n), "rps": int(n) / (int(dur_us) / 1e6), "errors": int(errors),
                    "mean_ms": float(mean) / 1000, "p50_ms": float(p50) / 1000, "p99_ms": float(p99) / 1000}
    raise RuntimeError("wrk gave no result:\n" + out)


def run_python(port, path, body, ctype, duration, connections):
    lat, errors, lock = [], [0], threading.Lock()
    end = time.monotonic() + duration

    def client():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < end:
            t0 = time.perf_counter()
            c.request("POST", path, body, {"Content-Type": ctype, "Accept": ctype})
            r = c.getresponse()
            r.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if r.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            lat.extend(mine)
        c.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat.sort()
    return {"requests": len(lat), "rps": len(lat) / elapsed, "errors": errors[0],
            "mean_ms": sum(lat) / len(lat), "p50_ms": lat[len(lat) // 2],
            "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory (default: build)")
    ap.add_argument("--duration", type=float, default=5, help="seconds per measurement (default 5)")
    ap.add_argument("--connections", type=int, default=1, help="concurrent connections (default 1)")
    ap.add_argument("--workers", type=int, default=0, help="kzgd --workers (default: kzgd's own default)")
    ap.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = ap.parse_args()

    kzgd = os.path.join(args.build, "bin", "kzgd")
    timing = os.path.join(args.build, "bin", "kzgd_inprocess_timing")
    for p in (kzgd, timing):
        if not os.access(p, os.X_OK):
            sys.exit(f"{p} not found: cmake --build {args.build} --target kzgd kzgd_inprocess_timing")
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"

    tmp = tempfile.mkdtemp(prefix="kzgd-bench-")
    blob = random_blob()
    blob_file = os.path.join(tmp, "blob.bin")
    with open(blob_file, "wb") as f:
        f.write(blob)

    extra = ["--workers", str(args.workers)] if args.workers else []
    proc, port = start_kzgd(kzgd, tmp, extra)
    results = []
    inproc = {}
    try:
        # In-process (kzgd idle meanwhile), with a pool of kzgd's worker count:
        # kzgd shares its workers with the library (ContextOptions::pool), so a
        # call may be split across them; the in-process calls run the same way.
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/v1/info")
        workers = json.loads(c.getresponse().read())["workers"]
        out = subprocess.run([timing, blob_file, str(args.duration), str(workers)], capture_output=True, text=True,
                             check=True, timeout=args.duration * 10 + 120).stdout
        for line in out.splitlines():
            r = json.loads(line)
            inproc[r["op"]] = r

        octets = "application/octet-stream"
        commitment = post(port, "/v1/blob_to_kzg_commitment", blob, {"Content-Type": octets, "Accept": octets})
        proof = post(port, "/v1/compute_blob_kzg_proof", blob + commitment, {"Content-Type": octets,
                                                                              "Accept": octets})
        hexs = lambda b: "0x" + b.hex()  # noqa: E731
        bodies = {
            ("verify_blob_kzg_proof", "json"): json.dumps({"blob": hexs(blob), "commitment": hexs(commitment),
                                                           "proof": hexs(proof)}).encode(),
            ("verify_blob_kzg_proof", "ssz"): blob + commitment + proof,
            ("blob_to_kzg_commitment", "json"): json.dumps({"blob": hexs(blob)}).encode(),
            ("blob_to_kzg_commitment", "ssz"): blob,
        }
        for (op, enc), body in bodies.items():
            ctype = "application/json" if enc == "json" else octets
            body_file = os.path.join(tmp, f"{op}.{enc}")
            with open(body_file, "wb") as f:
                f.write(body)
            path = "/v1/" + op
            post(port, path, body, {"Content-Type": ctype, "Accept": ctype})  # warm-up, and must be 200
            if client == "wrk":
                r = run_wrk(port, path, body_file, ctype, args.duration, args.connections, tmp)
            else:
                r = run_python(port, path, body, ctype, args.duration, args.connections)
            r.update(op=op, encoding=enc, body_bytes=len(body))
            results.append(r)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"kzgd over HTTP on 127.0.0.1 ({client}, {args.connections} connection(s), {args.duration:g} s each, "
          f"{workers} workers) vs in-process (one call at a time on a pool of {workers}); ms per request")
    one = args.connections == 1
    last = f"{'ratio mean':>10} {'p50':>6}" if one else f"{'req/s vs serial':>17}"
    print(f"{'operation':24} {'body':5} {'bytes':>7} {'req/s':>8} {'mean':>7} {'p50':>7} {'p99':>7} "
          f"{'in-proc mean':>12} {'p50':>7} {last} {'errors':>6}")
    for r in results:
        ip = inproc[r["op"]]
        if one:
            cmp = f"{r['mean_ms'] / ip['mean_ms']:10.2f} {r['p50_ms'] / ip['p50_ms']:6.2f}"
        else:
            cmp = f"{r['rps'] * ip['mean_ms'] / 1000:16.2f}x"
        print(f"{r['op']:24} {r['encoding']:5} {r['body_bytes']:7d} {r['rps']:8.1f} {r['mean_ms']:7.3f} "
              f"{r['p50_ms']:7.3f} {r['p99_ms']:7.3f} {ip['mean_ms']:12.3f} {ip['p50_ms']:7.3f} {cmp} {r['errors']:6d}")
    for op in ("json_decode_verify_blob_kzg_proof", "ssz_decode_verify_blob_kzg_proof"):
        if op in inproc:
            print(f"  (in-process {op}: p50 {inproc[op]['p50_ms']:.3f} ms)")
    if args.connections == 1:
        print("targets: JSON ratio <= 1.3, SSZ ratio <= 1.1 (per-request time, one at a time)")
    if args.json:
        print(json.dumps({"http": results, "inprocess": inproc}, indent=1))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
