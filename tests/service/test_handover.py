"""Single-host binary upgrades: kzgctl upgrade and kzgd --upgrade-socket
(src/service/handover.hpp). Under load, a new kzgd takes over the listening
socket and the old one drains: no request fails. A build that fails its
self-test, or a binary that dies at once, leaves the old process serving.

Run as: test_handover.py KZGD_BINARY VECTORS_DIR, with KZGCTL and KZG_TEST_BROKEN_KZGD
(a kzgd whose known-answer self-test fails) in the environment."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from kzgd_harness import INFINITY_HEX as INFINITY, KZGD, ZERO_BLOB_HEX as ZERO_BLOB, Kzgd, require_binary  # noqa: E402

KZGCTL = os.environ.get("KZGCTL")
KZG_TEST_BROKEN_KZGD = os.environ.get("KZG_TEST_BROKEN_KZGD")


from kzgd_harness import alive, stop_pid  # noqa: E402


class Load:
    """Client threads through the shared port, each on a new connection per
    request (as a load balancer's health-checked upstream sees them), plus one
    keep-alive client. Every answer is checked."""

    def __init__(self, port, threads=3):
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ok = 0
        self.failures = []
        self.keepalive_retries = 0
        self.threads = [threading.Thread(target=self.fresh, args=(i,), daemon=True) for i in range(threads)]
        self.threads.append(threading.Thread(target=self.keepalive, daemon=True))
        for t in self.threads:
            t.start()

    def check(self, status, body, what):
        good = status == 200 and (what == "info" or json.loads(body).get("commitment") == INFINITY)
        with self.lock:
            if good:
                self.ok += 1
            else:
                self.failures.append((what, status, body[:200]))

    def one(self, conn, i):
        if i % 2:
            conn.request("GET", "/v1/info")
            what = "info"
        else:
            conn.request("POST", "/v1/blob_to_kzg_commitment", body=json.dumps({"blob": ZERO_BLOB}),
                         headers={"Content-Type": "application/json"})
            what = "commitment"
        r = conn.getresponse()
        self.check(r.status, r.read(), what)
        return r

    def fresh(self, n):
        i = n
        while not self.stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.one(conn, i)
            except Exception as e:  # noqa: BLE001 - every failure counts
                with self.lock:
                    self.failures.append(("fresh", repr(e), b""))
            finally:
                conn.close()
            i += 1
            time.sleep(0.01)  # steady, not saturating: the new process must load meanwhile

    def keepalive(self):
        # A reused connection may be closed by the server between requests
        # (drain, idle timeout): clients retry a request that got no response
        # byte on a reused connection (RFC 9112 9.3.1). Counted, not failed.
        conn, used, i = None, 0, 0
        while not self.stop.is_set():
            if conn is None:
                conn, used = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60), 0
            try:
                r = self.one(conn, i)
                used += 1
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                conn.close()
                conn = None
                if used == 0:
                    with self.lock:
                        self.failures.append(("keepalive-first", repr(e), b""))
                else:
                    with self.lock:
                        self.keepalive_retries += 1
                continue
            except Exception as e:  # noqa: BLE001
                with self.lock:
                    self.failures.append(("keepalive", repr(e), b""))
                conn.close()
                conn = None
            i += 1
            time.sleep(0.01)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)
        return self.ok, self.failures


class Handover(unittest.TestCase):
    def setUp(self):
        require_binary()
        for name, path in (("KZGCTL", KZGCTL), ("KZG_TEST_BROKEN_KZGD", KZG_TEST_BROKEN_KZGD)):
            if not path or not os.access(path, os.X_OK):
                raise RuntimeError(f"{name} must name an executable (got {path!r})")
        self.tmp = tempfile.TemporaryDirectory(prefix="kzgd-handover-")
        self.addCleanup(self.tmp.cleanup)
        self.sock = os.path.join(self.tmp.name, "upgrade.sock")
        self.k = Kzgd("--upgrade-socket", self.sock, "--workers", "1", "--access-log", "false")
        self.addCleanup(self.k.close)
        self.started = []  # pids started by kzgctl: stopped at the end
        self.addCleanup(lambda: [stop_pid(p) for p in self.started])

    def kzgctl(self, *args, timeout=180):
        t0 = time.monotonic()
        p = subprocess.run([KZGCTL, "upgrade", "--socket", self.sock, *args], capture_output=True, text=True,
                           timeout=timeout)
        print(f"\n  kzgctl upgrade {' '.join(args[:3])}...: exit {p.returncode} in {time.monotonic() - t0:.1f} s")
        return p

    def status(self):
        p = self.kzgctl("--status")
        self.assertEqual(p.returncode, 0, p.stderr)
        return dict(kv.split("=", 1) for kv in p.stdout.split())

    def upgrade(self, binary, *extra):
        log = os.path.join(self.tmp.name, "new.log")
        p = self.kzgctl("--timeout", "120", "--log", log, "--", binary, "--listen", "127.0.0.1:0",
                        "--ports-file", self.k.ports_file, "--workers", "1", "--access-log", "false", *extra)
        return p

    def test_status(self):
        st = self.status()
        self.assertEqual(int(st["pid"]), self.k.proc.pid)
        self.assertEqual(st["state"], "serving")
        self.assertEqual(oct(os.stat(self.sock).st_mode & 0o777), oct(0o600))

    def test_upgrade_under_load_twice(self):
        load = Load(self.k.port)
        time.sleep(1)
        p = self.upgrade(KZGD)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("upgraded: pid %d" % self.k.proc.pid, p.stdout)
        new_pid = int(self.status()["pid"])
        self.started.append(new_pid)
        self.assertNotEqual(new_pid, self.k.proc.pid)
        self.assertEqual(self.k.proc.wait(timeout=60), 0)  # the old one drained and exited cleanly
        time.sleep(1)
        # The new process serves handovers itself: upgrade again.
        p = self.upgrade(KZGD)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        third = int(self.status()["pid"])
        self.started.append(third)
        self.assertNotIn(third, (new_pid, self.k.proc.pid))
        self.assertFalse(alive(new_pid))
        time.sleep(1)
        ok, failures = load.finish()
        print(f"\nupgrade under load: {ok} requests answered, {len(failures)} failed, "
              f"{load.keepalive_retries} keep-alive retries after a server close")
        self.assertEqual(failures, [])
        self.assertGreater(ok, 20)
        with open(self.k.ports_file) as f:
            self.assertEqual(int(f.read()), self.k.port)  # the new process rewrote the same port

    def test_broken_builds_leave_the_old_process_serving(self):
        load = Load(self.k.port)
        time.sleep(0.5)
        p = self.upgrade(KZG_TEST_BROKEN_KZGD)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("keeps serving", p.stderr)
        with open(os.path.join(self.tmp.name, "new.log")) as f:
            self.assertIn("self-test failed", f.read())
        script = os.path.join(self.tmp.name, "dies.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 3\n")
        os.chmod(script, 0o755)
        p = self.upgrade(script)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("exited with status 3", p.stderr)
        p = self.upgrade(os.path.join(self.tmp.name, "no-such-binary"))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        time.sleep(0.5)
        ok, failures = load.finish()
        self.assertEqual(failures, [])
        self.assertGreater(ok, 5)
        self.assertIsNone(self.k.proc.poll())
        st = self.status()
        self.assertEqual((int(st["pid"]), st["state"]), (self.k.proc.pid, "serving"))
        # And a good build still upgrades it afterwards.
        p = self.upgrade(KZGD)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.started.append(int(self.status()["pid"]))

    def test_refusals(self):
        p = self.kzgctl("--timeout", "5")
        self.assertEqual(p.returncode, 2)
        self.assertIn("needs the new kzgd after --", p.stderr)
        p = subprocess.run([KZGCTL, "upgrade", "--socket", os.path.join(self.tmp.name, "none.sock"), "--status"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no kzgd serves upgrades", p.stderr)
        # A second kzgd cannot serve the same upgrade socket (it would take over instead);
        # a kzgd on a different port with the same socket takes over, i.e. keeps the old port.


class StaleSocket(unittest.TestCase):
    def test_stale_socket_file_is_replaced(self):
        require_binary()
        with tempfile.TemporaryDirectory(prefix="kzgd-handover-") as d:
            path = os.path.join(d, "upgrade.sock")
            s = socket.socket(socket.AF_UNIX)
            s.bind(path)
            s.close()  # the file stays, nobody listens: a crashed kzgd's leftover
            k = Kzgd("--upgrade-socket", path, "--access-log", "false")
            try:
                msgs = [r["msg"] for r in k.log_records()]
                self.assertIn("serving upgrades", msgs)
                self.assertNotIn("taking over from the running kzgd", msgs)
                k.signal(signal.SIGTERM)
                self.assertEqual(k.wait(60), 0)
            finally:
                k.close()
            self.assertFalse(os.path.exists(path))  # removed at exit


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
