#!/usr/bin/env python3
"""Memory admission: kzgd with a small --memory-budget gets a flood of large
verify_blob_kzg_proof_batch requests (more, at once, than the budget holds).
Every request gets its correct answer or a 503 (reason "memory" in the
metrics), none hangs, and the process' peak resident memory (VmHWM) stays
under the budget. Also: tracked memory is exported and the warning threshold
logs once per crossing. The control: the same flood without a budget peaks
above it (measured: ~106 MiB against 80). Usage: test_memory_budget.py KZGD VECTORS_DIR"""
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

BUDGET_MIB = 80
CLIENTS = 16
BLOBS = 48  # 6 MiB SSZ bodies; 16 at once (96 MiB of bodies, as much again decoded) exceed the budget


def vm_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


class MemoryBudget(unittest.TestCase):
    def test_flood_stays_under_budget(self):
        self.flood(f"{BUDGET_MIB}MiB", control=False)

    def test_control_without_budget_exceeds_it(self):
        self.flood("1024GiB", control=True)

    def flood(self, budget, control):
        # No fixed-base tables: a small baseline, so the budget is about requests.
        with h.Kzgd("--workers", "2", "--max-queue", "64", "--precompute", "0", "--blob-window-bits", "0",
                    "--memory-budget", budget, "--memory-warn-ratio", "0.2") as server:
            blob = h.random_blob(3)
            st, _, commitment = server.post_ssz("blob_to_kzg_commitment", blob)
            self.assertEqual(st, 200)
            st, _, proof = server.post_ssz("compute_blob_kzg_proof", blob + commitment)
            self.assertEqual(st, 200)
            n = BLOBS
            offsets = 3 * 4
            body = ((offsets).to_bytes(4, "little") + (offsets + n * h.BLOB).to_bytes(4, "little")
                    + (offsets + n * h.BLOB + n * 48).to_bytes(4, "little")
                    + blob * n + commitment * n + proof * n)
            results = [None] * CLIENTS
            barrier = threading.Barrier(CLIENTS)

            def client(i):
                try:
                    conn = server.connection(timeout=120)
                    conn.connect()
                    barrier.wait(timeout=30)
                    conn.request("POST", "/v1/verify_blob_kzg_proof_batch", body,
                                 {"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"})
                    r = conn.getresponse()
                    results[i] = (r.status, r.read())
                    conn.close()
                except Exception as e:  # noqa: BLE001
                    results[i] = ("exception", repr(e))

            peak_sampled = [0]
            stop = threading.Event()

            def sampler():
                while not stop.is_set():
                    try:
                        peak_sampled[0] = max(peak_sampled[0], vm_kib(server.proc.pid, "VmRSS"))
                    except (OSError, KeyError):
                        pass
                    time.sleep(0.01)
            s = threading.Thread(target=sampler)
            s.start()
            threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=150)
                self.assertFalse(t.is_alive(), "a client hung")
            stop.set()
            s.join()
            hwm = vm_kib(server.proc.pid, "VmHWM")
            ok = refused = 0
            for r in results:
                self.assertIsNotNone(r)
                self.assertNotEqual(r[0], "exception", r)
                if r[0] == 200:
                    self.assertEqual(r[1], b"\x01")
                    ok += 1
                else:
                    self.assertEqual(r[0], 503, r[1][:300])
                    self.assertIn("memory budget", json.loads(r[1])["message"])
                    refused += 1
            print(f"{ok} answered, {refused} refused; VmHWM {hwm // 1024} MiB, sampled RSS peak "
                  f"{peak_sampled[0] // 1024} MiB, budget {budget}", file=sys.stderr)
            if control:
                self.assertEqual(refused, 0)
                self.assertGreater(hwm, BUDGET_MIB * 1024, "the flood does not need the budget: make it larger")
                return
            self.assertGreaterEqual(ok, 1)
            self.assertGreaterEqual(refused, 1)
            self.assertLess(hwm, BUDGET_MIB * 1024)
            st, _, text = server.request("GET", "/metrics")
            text = text.decode()
            line = [x for x in text.splitlines() if x.startswith('kzg_rejected_requests_total{reason="memory"}')][0]
            self.assertEqual(float(line.split()[-1]), refused)
            budget = [x for x in text.splitlines() if x.startswith("kzg_memory_budget_bytes ")][0]
            self.assertEqual(float(budget.split()[-1]), BUDGET_MIB * 1024 * 1024)
            peak = [x for x in text.splitlines() if x.startswith("kzg_memory_tracked_peak_bytes ")][0]
            self.assertGreater(float(peak.split()[-1]), 0.2 * BUDGET_MIB * 1024 * 1024)
            # The flood crossed 20% of the budget: one warning per crossing (the
            # monitor samples once a second; the flood may span a few samples).
            recs = server.wait_log(lambda rs: any(r["msg"] == "tracked memory is back below the warning threshold"
                                                  for r in rs), timeout=5)
            crossings = [r for r in recs if r["msg"] == "tracked memory crossed the warning threshold"]
            backs = [r for r in recs if r["msg"] == "tracked memory is back below the warning threshold"]
            self.assertGreaterEqual(len(crossings), 1)
            self.assertIn(len(crossings) - len(backs), (0, 1))  # alternating: once per crossing


if __name__ == "__main__":
    h.require_binary()
    unittest.main(argv=sys.argv[:1], verbosity=2)
