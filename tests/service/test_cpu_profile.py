"""kzgd end-to-end: GET /debug/cpu-profile on the admin listener (folded stacks
for flame graphs): a 2 s capture under a bounded blob_to_kzg_commitment load
gives folded lines with samples and kzg/blst frames; the public port answers
404; seconds out of 1..60 gives 400; a concurrent capture gives 409; the
service serves normally afterwards; kzgctl cpu-profile writes a file.
Usage: test_cpu_profile.py KZGD VECTORS_DIR (KZGCTL in the environment)."""
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

KZGCTL = os.environ.get("KZGCTL")
FOLDED = re.compile(r"^(.+) (\d+)$")


class CpuProfileTest(unittest.TestCase):
    def setUp(self):
        self.server = h.Kzgd("--admin-listen", "127.0.0.1:0")
        self.addCleanup(self.server.close)
        recs = self.server.wait_log(lambda rs: any(r["msg"] == "admin listening" for r in rs))
        self.admin_port = [r for r in recs if r["msg"] == "admin listening"][0]["port"]

    def admin(self, path, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.admin_port, timeout=timeout)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read().decode()
        finally:
            c.close()

    def load(self, stop, counter):
        blob = h.random_blob(7)
        deadline = time.monotonic() + 20  # bounded even if stop is never set
        while not stop.is_set() and time.monotonic() < deadline:
            st, _, _ = self.server.post_ssz("blob_to_kzg_commitment", blob, timeout=30)
            self.assertEqual(st, 200)
            counter.append(1)

    def test_capture_under_load(self):
        stop, done = threading.Event(), []
        worker = threading.Thread(target=self.load, args=(stop, done), daemon=True)
        worker.start()
        try:
            time.sleep(0.2)
            # A second capture while the first runs: 409.
            results = {}
            first = threading.Thread(target=lambda: results.setdefault("first", self.admin("/debug/cpu-profile?seconds=2")))
            first.start()
            self.server.wait_log(lambda rs: any(r["msg"] == "cpu profile started" for r in rs), timeout=10)
            st, _, body = self.admin("/debug/cpu-profile?seconds=1")
            self.assertEqual(st, 409, body)
            self.assertIn("already", body)
            first.join(30)
            self.assertFalse(first.is_alive())
        finally:
            stop.set()
            worker.join(30)
        self.assertGreater(len(done), 0)
        st, headers, body = results["first"]
        self.assertEqual(st, 200, body)
        self.assertTrue(headers["content-type"].startswith("text/plain"))
        lines = body.splitlines()
        self.assertTrue(lines)
        total = 0
        for line in lines:
            m = FOLDED.match(line)
            self.assertIsNotNone(m, line)
            total += int(m.group(2))
        self.assertGreater(total, 0)
        self.assertEqual(str(total), headers["x-profile-samples"])
        # The commitment is an MSM in blst, called from kzg:: code (names from
        # -rdynamic; static functions show as kzgd+0x...).
        self.assertTrue(any("blst" in line or "kzg::" in line for line in lines), body[:2000])

        # The public port does not serve it.
        self.assertEqual(self.server.request("GET", "/debug/cpu-profile?seconds=1")[0], 404)
        # Out of range, or not a number: 400, and no capture starts.
        for bad in ("0", "1000", "-1", "abc", ""):
            st, _, body = self.admin("/debug/cpu-profile?seconds=" + bad)
            self.assertEqual(st, 400, (bad, body))
            self.assertIn("1 to 60", body)
        # Still serving normally.
        self.assertEqual(self.server.request("GET", "/readyz")[0], 200)
        st, _, _ = self.server.post_ssz("blob_to_kzg_commitment", h.random_blob(8))
        self.assertEqual(st, 200)
        self.assertEqual(self.server.request("GET", "/livez")[0], 200)
        self.assertIsNone(self.server.proc.poll())

    def test_kzgctl_cpu_profile(self):
        if not KZGCTL:  # tests/service/CMakeLists.txt sets it (kzgd_ops_test)
            h.skip_or_fail(self, "KZGCTL is not set: kzgctl cpu-profile cannot be tested")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "kzgd.folded")
            r = subprocess.run([KZGCTL, "cpu-profile", f"http://127.0.0.1:{self.admin_port}", "--seconds", "1",
                                "--output", out], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("samples", r.stderr)
            with open(out) as f:
                for line in f.read().splitlines():
                    self.assertRegex(line, FOLDED)
            r = subprocess.run([KZGCTL, "cpu-profile", f"http://127.0.0.1:{self.server.port}", "--seconds", "1"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 1)
            self.assertIn("404", r.stderr)
        self.assertEqual(self.server.request("GET", "/livez")[0], 200)


if __name__ == "__main__":
    h.require_binary()
    unittest.main(argv=sys.argv[:1], verbosity=2)
