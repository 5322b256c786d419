#!/usr/bin/env python3
"""kzgd under a real Prometheus: the Debian `prometheus` server scrapes a
running kzgd every second (temporary TSDB, a free loopback port picked by
binding port 0 first); after real requests, Prometheus' HTTP API
(/api/v1/query) shows the counters moved (bounded wait). promtool validates
the exposition and the alert rules (deploy/monitoring), and runs the rules'
unit tests. Every process is killed at the end.
Usage: test_prometheus.py KZGD VECTORS_DIR (PROMETHEUS, PROMTOOL, KZG_MONITORING in the environment)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

PROMETHEUS = os.environ.get("PROMETHEUS") or shutil.which("prometheus")
PROMTOOL = os.environ.get("PROMTOOL") or shutil.which("promtool")
MONITORING = os.environ.get("KZG_MONITORING") or os.path.join(os.path.dirname(__file__), "..", "..", "deploy",
                                                             "monitoring")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Prometheus(unittest.TestCase):
    def test_rules_are_valid_and_their_unit_tests_pass(self):
        self.assertTrue(PROMTOOL, "promtool not found (Debian package prometheus)")
        rules = os.path.join(MONITORING, "alerts.yml")
        p = subprocess.run([PROMTOOL, "check", "rules", rules], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        p = subprocess.run([PROMTOOL, "test", "rules", "alerts_test.yml"], cwd=MONITORING, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(os.path.join(MONITORING, "grafana-dashboard.json")) as f:
            dash = json.load(f)
        self.assertTrue(dash["panels"])

    def test_prometheus_scrapes_kzgd(self):
        self.assertTrue(PROMETHEUS, "prometheus not found (Debian package prometheus)")
        with h.Kzgd("--workers", "1") as server, tempfile.TemporaryDirectory(prefix="kzgd-prom-") as tmp:
            port = free_port()
            config = os.path.join(tmp, "prometheus.yml")
            with open(config, "w") as f:
                f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - {os.path.abspath(os.path.join(MONITORING, "alerts.yml"))}
scrape_configs:
  - job_name: kzgd
    static_configs:
      - targets: ["127.0.0.1:{server.port}"]
""")
            log = open(os.path.join(tmp, "prometheus.log"), "wb")
            prom = subprocess.Popen([PROMETHEUS, "--config.file", config, "--storage.tsdb.path",
                                     os.path.join(tmp, "data"), "--web.listen-address", f"127.0.0.1:{port}"],
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    preexec_fn=h._die_with_parent)
            try:
                def query(q):
                    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
                    with urllib.request.urlopen(url, timeout=5) as r:
                        data = json.load(r)
                    self.assertEqual(data["status"], "success", data)
                    return data["data"]["result"]

                def wait_for(q, pred, timeout=60):
                    deadline = time.monotonic() + timeout
                    last = None
                    while time.monotonic() < deadline:
                        self.assertIsNone(prom.poll(), "prometheus exited")
                        try:
                            last = query(q)
                            if pred(last):
                                return last
                        except OSError:
                            pass
                        time.sleep(0.5)
                    with open(os.path.join(tmp, "prometheus.log"), "rb") as f:
                        tail = f.read()[-2000:].decode(errors="replace")
                    self.fail(f"{q}: condition not met in {timeout} s; last {last}; prometheus log: {tail}")

                # kzgd is up as a target, with the pre-created series at zero.
                wait_for('up{job="kzgd"}', lambda r: r and r[0]["value"][1] == "1")
                r = wait_for('kzg_operations_total{operation="compute_cells",outcome="ok"}', lambda r: len(r) == 1)
                self.assertEqual(r[0]["value"][1], "0")
                blob = h.random_blob(9)
                for _ in range(3):
                    self.assertEqual(server.post_ssz("blob_to_kzg_commitment", blob)[0], 200)
                self.assertEqual(server.post_json("blob_to_kzg_commitment", {"blob": "0x1"})[0], 400)
                wait_for('kzg_operations_total{operation="blob_to_kzg_commitment",outcome="ok"}',
                         lambda r: r and float(r[0]["value"][1]) == 3)
                wait_for('kzg_operations_total{operation="blob_to_kzg_commitment",outcome="invalid_input"}',
                         lambda r: r and float(r[0]["value"][1]) == 1)
                wait_for('sum(kzg_http_requests_total{route="/metrics",code="200"})',
                         lambda r: r and float(r[0]["value"][1]) >= 2)
                wait_for('kzg_operation_duration_seconds_count{operation="blob_to_kzg_commitment"}',
                         lambda r: r and float(r[0]["value"][1]) == 3)
                wait_for('process_resident_memory_bytes{job="kzgd"}', lambda r: r and float(r[0]["value"][1]) > 0)
                # The recording rules evaluate over real data.
                wait_for('kzg:operations:error_ratio_rate5m', lambda r: len(r) == 1, timeout=30)
            finally:
                prom.kill()
                prom.wait(timeout=30)
                log.close()


if __name__ == "__main__":
    h.require_binary()
    unittest.main(argv=sys.argv[:1], verbosity=2)
