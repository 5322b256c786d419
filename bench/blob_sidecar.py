#!/usr/bin/env python3
"""What a blob submitter pays: compute_blob_sidecar against the spec call it
replaces (compute_cells_and_kzg_proofs per blob, then hashing commitments).

Starts kzgd (--workers N) on a free loopback port with random valid blobs and
prints, per blob count: response bytes (JSON and SSZ) of compute_blob_sidecar
and of compute_cells_and_kzg_proofs + blob_to_kzg_commitment per blob, and the
median wall time of `--rounds` requests of compute_blob_sidecar next to the
same blobs sent one spec call at a time.

    bench/blob_sidecar.py [--build build] [--workers 2] [--blobs 6] [--rounds 7]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "service"))
import kzgd_harness as h  # noqa: E402  (the service tests' start/stop helpers)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--blobs", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    h.KZGD = os.path.join(args.build, "bin", "kzgd")
    blobs = [h.hexs(h.random_blob(random.randrange(1 << 30))) for _ in range(args.blobs)]
    with h.Kzgd("--workers", str(args.workers)) as k:
        body = json.dumps({"blobs": blobs})
        ssz = (12).to_bytes(4, "little") + (1).to_bytes(8, "little") + b"".join(h.unhex(b) for b in blobs)

        def sidecar_json():
            st, _, data = k.post_json("compute_blob_sidecar", body, timeout=300)
            assert st == 200, data[:200]
            return data

        def sidecar_ssz():
            st, _, data = k.post_ssz("compute_blob_sidecar", ssz, timeout=300)
            assert st == 200, data[:200]
            return data

        def spec_calls():
            total = 0
            for b in blobs:
                for fn in ("blob_to_kzg_commitment", "compute_cells_and_kzg_proofs"):
                    st, _, data = k.post_json(fn, {"blob": b}, timeout=300)
                    assert st == 200, data[:200]
                    total += len(data)
            return total

        def timed(f):
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                f()
                times.append(time.perf_counter() - t)
            return statistics.median(times)

        sizes = {
            "compute_blob_sidecar JSON": len(sidecar_json()),
            "compute_blob_sidecar SSZ": len(sidecar_ssz()),
            "blob_to_kzg_commitment + compute_cells_and_kzg_proofs JSON, per blob": spec_calls(),
        }
        t_json, t_ssz, t_spec = timed(sidecar_json), timed(sidecar_ssz), timed(spec_calls)
    n = args.blobs
    print(f"{n} blobs, kzgd --workers {args.workers}, medians of {args.rounds}")
    for name, size in sizes.items():
        print(f"  {name:72s} {size:>10,d} bytes ({size / n / 1024:,.1f} KiB per blob)")
    for name, t in (("compute_blob_sidecar JSON", t_json), ("compute_blob_sidecar SSZ", t_ssz),
                    ("the spec calls one at a time (2 per blob)", t_spec)):
        print(f"  {name:72s} {t * 1000:8.1f} ms  {n / t:6.2f} blobs/s")


if __name__ == "__main__":
    main()
