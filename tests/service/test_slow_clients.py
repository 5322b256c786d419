#!/usr/bin/env python3
"""Slow clients do not delay normal requests: connections sending headers (or
a body) at 1 byte per second and idle keep-alive connections hold neither the
one I/O thread nor the one worker; normal requests stay fast meanwhile, and
kzgd closes the slow ones at --read-timeout and the idle ones at
--idle-timeout. Latency bounds are stretched by KZG_TEST_TIME_SCALE.
Usage: test_slow_clients.py KZGD VECTORS_DIR"""
import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

SLOW_HEADERS = 10
SLOW_BODIES = 5
IDLE = 10
READ_TIMEOUT = 3
IDLE_TIMEOUT = 2
# Normal requests while the slow clients are connected: a verification and a
# /readyz each round, so 2 * ROUNDS latencies for the p95.
ROUNDS = 30


class SlowClients(unittest.TestCase):
    def test_slow_and_idle_clients(self):
        server = h.Kzgd("--workers", "1", "--io-threads", "1", "--read-timeout", str(READ_TIMEOUT),
                        "--idle-timeout", str(IDLE_TIMEOUT))
        self.addCleanup(server.close)
        blob = h.random_blob(7)
        st, _, commitment = server.post_ssz("blob_to_kzg_commitment", blob)
        st, _, proof = server.post_ssz("compute_blob_kzg_proof", blob + commitment)
        request = blob + commitment + proof

        closed_after = {}  # name -> seconds until kzgd closed the connection
        lock = threading.Lock()
        stop = threading.Event()

        def dribble(name, prefix, data):
            # prefix at once, then 1 byte per second until kzgd closes the connection.
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            t0 = time.monotonic()
            try:
                s.sendall(prefix)
                for b in data:
                    if stop.is_set():
                        return
                    try:
                        s.sendall(bytes([b]))
                    except OSError:
                        break
                    s.settimeout(1.0)
                    try:
                        if s.recv(4096) == b"":
                            break
                    except socket.timeout:
                        continue
                    except OSError:
                        break
            finally:
                with lock:
                    closed_after[name] = time.monotonic() - t0
                s.close()

        def idle(name):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            t0 = time.monotonic()
            try:
                s.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
                got = b""
                while b"alive" not in got:
                    got += s.recv(4096)
                s.settimeout(30)
                while s.recv(4096):  # then idle until the server closes
                    pass
            except OSError:
                pass
            finally:
                with lock:
                    closed_after[name] = time.monotonic() - t0
                s.close()

        headers = (b"POST /v1/verify_blob_kzg_proof HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Type: application/octet-stream\r\nContent-Length: 131168\r\n\r\n")
        threads = [threading.Thread(target=dribble, args=(f"headers{i}", b"", headers)) for i in range(SLOW_HEADERS)]
        threads += [threading.Thread(target=dribble, args=(f"body{i}", headers, request))
                    for i in range(SLOW_BODIES)]
        threads += [threading.Thread(target=idle, args=(f"idle{i}",)) for i in range(IDLE)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            # Normal requests meanwhile: all answered, none slowed to the clients' pace.
            latencies = []
            for _ in range(ROUNDS):
                t0 = time.monotonic()
                st, _, body = server.post_ssz("verify_blob_kzg_proof", request)
                latencies.append(time.monotonic() - t0)
                self.assertEqual((st, body), (200, b"\x01"))
                t0 = time.monotonic()
                self.assertEqual(server.request("GET", "/readyz")[0], 200)
                latencies.append(time.monotonic() - t0)
            latencies.sort()
            p95 = h.percentile(latencies, 95)
            print(f"normal requests: median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
                  f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms ({len(latencies)})", file=sys.stderr)
            # Judged on the p95, not the maximum: one request delayed by the
            # scheduler on a busy machine says nothing about kzgd, while slow
            # clients holding the I/O thread or the worker would delay most of
            # them (for seconds: until the read timeout frees it). The maximum
            # keeps a looser bound: no request waited a whole read timeout.
            self.assertLess(p95, h.scaled(1.0))
            self.assertLess(latencies[-1], h.scaled(READ_TIMEOUT))
            for t in threads:
                t.join(timeout=READ_TIMEOUT + h.scaled(15))
                self.assertFalse(t.is_alive(), "kzgd did not close a slow or idle connection")
        finally:
            stop.set()
        for name, secs in sorted(closed_after.items()):
            limit = IDLE_TIMEOUT if name.startswith("idle") else READ_TIMEOUT
            # Early is kzgd's fault whatever the load (not scaled); late by up to
            # 3 s (stretched under sanitizers) is the timer's and scheduler's slack.
            self.assertGreater(secs, limit - 0.5, f"{name} closed early ({secs:.2f} s)")
            self.assertLess(secs, limit + h.scaled(3), f"{name} closed late ({secs:.2f} s)")
        self.assertEqual(len(closed_after), SLOW_HEADERS + SLOW_BODIES + IDLE)
        # The socket closes as the timer fires; the log line follows a moment later.
        deadline = time.monotonic() + h.scaled(5)
        while True:
            timeouts = sum(1 for r in server.log_records() if r.get("msg") == "read timeout: connection closed")
            if timeouts >= SLOW_HEADERS + SLOW_BODIES or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(timeouts, SLOW_HEADERS + SLOW_BODIES)
        # No worker was held: nothing is in flight, and it still serves.
        self.assertEqual(json.loads(server.request("GET", "/v1/info")[2])["state"]["in_flight"], 0)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
