#!/usr/bin/env python3
"""Hostile clients against a running kzgd (issue #8): slowloris headers and
bodies, thousands of idle connections, pipelined garbage, truncated bodies,
chunked-encoding abuse, oversized headers, and hostile JSON (non-UTF-8 and NUL
bytes, 100000-deep nesting, duplicate keys, wrong types, huge numbers).

Every case gets a bounded answer within a deadline: a 4xx whose JSON error
names the problem (checked), or a closed connection. Meanwhile a separate
process (a normal client on one keep-alive connection) keeps sending cheap
requests (POST /v1/verify_kzg_proof with a vector's inputs, GET /v1/info):
their median latency under attack must stay within 10x the quiet baseline
(at least 25 ms) and under 500 ms. Afterwards kzgd's RSS must be back near
its baseline (+32 MiB) and the process alive and serving. A table of the
cases and their outcomes is printed (docs/reliability.md).

Cases already checked in depth elsewhere are only re-tried briefly here:
test_bad_requests.py (the table of malformed requests, 413 before the body,
431, bad chunk size) and test_slow_clients.py (1 byte/s slow clients, idle
keep-alive connections, normal requests meanwhile).

KZG_TEST_TIME_SCALE (kzgd_harness.TIME_SCALE) stretches the deadlines and
latency bounds for sanitizer builds. Usage: test_hostile.py KZGD VECTORS_DIR
"""
import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

SCALE = getattr(h, "TIME_SCALE", 1.0)
READ_TIMEOUT = 2
IDLE_TIMEOUT = 2
MAX_CONNECTIONS = 256
REJECT_SLACK = 64  # server.cpp kRejectSlack: 503s beyond max-connections, then plain closes
MAX_HEADER = 8192
MAX_BODY = 1 << 20
FLOOD = 2500  # idle connections at once
SERVER_ARGS = ["--read-timeout", str(READ_TIMEOUT), "--idle-timeout", str(IDLE_TIMEOUT),
               "--max-connections", str(MAX_CONNECTIONS), "--max-header-bytes", str(MAX_HEADER),
               "--max-body-bytes", str(MAX_BODY), "--workers", "2", "--io-threads", "1",
               "--max-batch-blobs", "4", "--max-cells", "16"]
# Sanitizer builds keep freed memory in quarantine (ASan) or shadow: more slack there.
RSS_SLACK_MIB = 32 * SCALE

# Behaviours of kzgd (Boost.Beast 1.81 underneath) found by this test and
# reported (docs/reliability.md, "Hostile clients"): the case runs and its
# outcome is printed, but it does not fail the test. Remove a name once
# server.cpp bounds it; the case then asserts the bounded answer.
# Cases that document a known kzgd bug: they run and print their outcome
# without failing. Empty: the three found by this test (unbounded chunk
# extensions and trailers, Transfer-Encoding: identity smuggling) are fixed.
KNOWN_BUGS = set()

# Enough descriptors for the flood here and in kzgd (which inherits the limit).
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_want = FLOOD + 1024 if _hard == resource.RLIM_INFINITY else min(FLOOD + 1024, _hard)
if _soft != resource.RLIM_INFINITY and _soft < _want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (_want, _hard))
    _soft = _want
FLOOD = min(FLOOD, (_soft if _soft != resource.RLIM_INFINITY else FLOOD + 1024) - 512)

INF = h.INFINITY_HEX
ZERO32 = "0x" + "00" * 32
JSON_CT = {"Content-Type": "application/json"}
HEAD_JSON = (b"POST /v1/verify_kzg_proof HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")


def vkp_input():
    """A verify_kzg_proof input that verifies: a vector's, or the zero polynomial's."""
    try:
        for _, inp, out in h.load_vectors("verify_kzg_proof"):
            if out is True:
                return {k: inp[k] for k in h.FIELDS["verify_kzg_proof"]}
    except Exception:  # no PyYAML or no vectors: the zero polynomial
        pass
    return {"commitment": INF, "z": ZERO32, "y": ZERO32, "proof": INF}


VKP = vkp_input()
VKP_BODY = json.dumps(VKP).encode()


def deadline_s(seconds):
    return seconds * SCALE


# ---- the normal client: a separate process, so that the attackers here do not
# share its interpreter lock -------------------------------------------------------

MONITOR = r'''
import http.client, select, sys, time
port, body = int(sys.argv[1]), sys.argv[2].encode()
conn = None
n = 0
while True:
    if select.select([sys.stdin], [], [], 0.01)[0]:
        break  # the parent closed our stdin
    kind = "verify" if n % 2 == 0 else "info"
    n += 1
    t0 = time.monotonic()
    try:
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if kind == "verify":
            conn.request("POST", "/v1/verify_kzg_proof", body, {"Content-Type": "application/json"})
        else:
            conn.request("GET", "/v1/info")
        r = conn.getresponse()
        data = r.read()
        ok = r.status == 200 and (kind == "info" or data == b'{"valid":true}')
        print(f"{t0:.6f} {kind} {r.status if ok else 'BAD%d' % r.status} {time.monotonic() - t0:.6f}", flush=True)
        if r.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = None
    except Exception as e:
        print(f"{t0:.6f} {kind} ERR:{type(e).__name__} {time.monotonic() - t0:.6f}", flush=True)
        try:
            conn.close()
        except Exception:
            pass
        conn = None
        time.sleep(0.05)
'''


class Monitor:
    def __init__(self, port):
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([sys.executable, "-c", MONITOR, str(port), VKP_BODY.decode()],
                                     stdin=subprocess.PIPE, stdout=self.out, stderr=subprocess.DEVNULL)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.out.seek(0)
        samples = []
        text = self.out.read()
        self.out.close()
        for line in text.splitlines():
            t, kind, status, lat = line.split()
            samples.append((float(t), kind, status, float(lat)))
        return samples


def p50(values):
    values = sorted(values)
    return values[len(values) // 2] if values else float("nan")


# ---- raw HTTP -------------------------------------------------------------------------

class Conn:
    """One client socket with a small HTTP/1.1 response reader."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.eof = False
        self.t0 = time.monotonic()

    def send(self, data):
        self.sock.sendall(data)

    def try_send(self, data):
        """False once kzgd has closed or reset the connection."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer and no close before the deadline")
        self.sock.settimeout(left)
        try:
            c = self.sock.recv(65536)
        except socket.timeout as e:
            raise TimeoutError("no answer and no close before the deadline") from e
        except OSError:
            c = b""
        if not c:
            self.eof = True
            return False
        self.buf += c
        return True

    def response(self, timeout):
        """(status, headers, body) of the next response; None if kzgd closes first."""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            if not self._fill(deadline):
                return None
        head, _, _ = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        n = int(headers.get("content-length", "0"))
        need = len(head) + 4 + n
        while len(self.buf) < need:
            if not self._fill(deadline):
                return None
        body = self.buf[len(head) + 4:need]
        self.buf = self.buf[need:]
        return status, headers, body

    def wait_closed(self, timeout):
        """Seconds (since the connection opened) until kzgd closed it; the bytes
        received meanwhile stay in self.buf."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            self._fill(deadline)
        return time.monotonic() - self.t0

    def close(self):
        self.sock.close()


def check_error(resp, status, needle, where):
    """A kzgd error answer: the status, JSON (strict UTF-8) with code and a message naming the problem."""
    assert resp is not None, f"{where}: connection closed without an answer"
    st, hd, body = resp
    assert st == status, f"{where}: status {st}, want {status}: {body[:300]!r}"
    assert hd.get("content-type") == "application/json", f"{where}: content-type {hd.get('content-type')}"
    err = json.loads(body.decode("utf-8"))  # strict: the answer must be UTF-8
    assert err["code"] == status, f"{where}: code {err['code']}"
    assert needle in err["message"], f"{where}: {err['message']!r} does not mention {needle!r}"
    assert len(err["message"]) < 1000, f"{where}: a {len(err['message'])}-character message"
    return err["message"]


def short(message, n=70):
    return message if len(message) <= n else message[: n - 3] + "..."


# ---- the cases ---------------------------------------------------------------------------

class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = h.Kzgd(*SERVER_ARGS)
        cls.rows = []  # (case, attack, outcome, seconds, t0, t1, known bug)

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    # -- helpers --

    def conn(self):
        return Conn(self.server.port, timeout=deadline_s(10))

    def rss_mib(self):
        with open(f"/proc/{self.server.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def one(self, data, shut=False):
        """Sends data on a new connection: (first response or None, seconds until
        kzgd closed the connection, or None when it stays open for more)."""
        c = self.conn()
        try:
            c.try_send(data)
            if shut:
                c.sock.shutdown(socket.SHUT_WR)
            resp = c.response(deadline_s(5))
            closed = None
            if resp is None or resp[1].get("connection") == "close":
                closed = c.wait_closed(deadline_s(5))
            return resp, closed
        finally:
            c.close()

    def post(self, path, body, headers=JSON_CT):
        st, hd, data = self.server.request("POST", path, body, headers, timeout=deadline_s(30))
        return st, hd, data

    def still_serving(self, where):
        st, _, body = self.server.post_json("verify_kzg_proof", VKP, timeout=deadline_s(30))
        self.assertEqual((st, body), (200, b'{"valid":true}'), f"after {where}")

    def run_case(self, name, attack, fn):
        t0 = time.monotonic()
        known = name in KNOWN_BUGS
        with self.subTest(name):
            try:
                outcome = fn()
            except Exception as e:  # an assertion, or a deadline (TimeoutError) or reset on the way
                self.rows.append((name, attack, f"FAILED: {type(e).__name__}: {e}", time.monotonic() - t0, t0,
                                  time.monotonic(), known))
                raise
            self.rows.append((name, attack, outcome, time.monotonic() - t0, t0, time.monotonic(), known))
            self.assertIsNone(self.server.proc.poll(), f"kzgd exited during {name}")
            self.still_serving(name)

    # -- slow clients --

    def dribble(self, prefix, data, count, interval=0.1):
        """count connections: prefix at once, then one byte of data each interval.
        Returns the seconds until kzgd closed each (from its first byte)."""
        conns = [self.conn() for _ in range(count)]
        for c in conns:
            c.sock.setblocking(False)
            if prefix:
                c.sock.sendall(prefix)
            c.t0 = time.monotonic()
        closed = {}
        deadline = time.monotonic() + READ_TIMEOUT + deadline_s(6)
        i = 0
        try:
            while len(closed) < count and time.monotonic() < deadline:
                for k, c in enumerate(conns):
                    if k in closed:
                        continue
                    try:
                        got = c.sock.recv(65536)
                        if got:
                            c.buf += got
                        else:
                            closed[k] = time.monotonic() - c.t0
                            continue
                    except BlockingIOError:
                        pass
                    except OSError:
                        closed[k] = time.monotonic() - c.t0
                        continue
                    if i < len(data):
                        try:
                            c.sock.send(data[i:i + 1])
                        except BlockingIOError:
                            pass
                        except OSError:
                            closed[k] = time.monotonic() - c.t0
                i += 1
                time.sleep(interval)
        finally:
            for c in conns:
                c.close()
        self.assertEqual(len(closed), count, "kzgd did not close every slow connection")
        for c in conns:
            self.assertFalse(c.buf.startswith(b"HTTP/1.1 2"), "a slow request was served")
        return sorted(closed.values())

    def case_slowloris_headers(self):
        req = (b"POST /v1/verify_kzg_proof HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 200\r\nX-Padding: " + b"a" * 400 + b"\r\n\r\n")
        times = self.dribble(b"", req, 40)
        self.assertGreater(times[0], READ_TIMEOUT - 0.5)
        self.assertLess(times[-1], READ_TIMEOUT + deadline_s(3))
        return f"40 conns closed at {times[0]:.1f}-{times[-1]:.1f} s (read timeout {READ_TIMEOUT} s), no response"

    def case_slowloris_body(self):
        body = VKP_BODY
        head = HEAD_JSON + b"Content-Length: %d\r\n\r\n" % len(body)
        times = self.dribble(head, body, 40)
        self.assertGreater(times[0], READ_TIMEOUT - 0.5)
        self.assertLess(times[-1], READ_TIMEOUT + deadline_s(3))
        return f"40 conns closed at {times[0]:.1f}-{times[-1]:.1f} s (read timeout), no response"

    def case_truncated_close(self):
        c = self.conn()
        try:
            c.send(HEAD_JSON + b"Content-Length: %d\r\n\r\n" % len(VKP_BODY) + VKP_BODY[:60])
            c.sock.shutdown(socket.SHUT_WR)
            t = c.wait_closed(deadline_s(2))
            self.assertEqual(c.buf, b"", "an answer to a truncated body")
        finally:
            c.close()
        return f"closed after {t * 1000:.0f} ms, no response"

    def case_truncated_wait(self):
        c = self.conn()
        try:
            c.send(HEAD_JSON + b"Content-Length: 100000\r\n\r\n" + VKP_BODY)
            t = c.wait_closed(READ_TIMEOUT + deadline_s(3))
            self.assertGreater(t, READ_TIMEOUT - 0.5)
            self.assertEqual(c.buf, b"")
        finally:
            c.close()
        return f"closed at {t:.1f} s (read timeout), no response"

    # -- connection flood --

    def case_idle_flood(self):
        records = []  # [socket, opened at, bytes received, seconds until closed]
        sel = selectors.DefaultSelector()
        t_start = time.monotonic()
        connect_errors = 0
        try:
            for _ in range(FLOOD):
                try:
                    s = socket.create_connection(("127.0.0.1", self.server.port), timeout=deadline_s(5))
                except OSError:
                    connect_errors += 1
                    continue
                s.setblocking(False)
                rec = [s, time.monotonic(), b"", None]
                records.append(rec)
                sel.register(s, selectors.EVENT_READ, rec)
            opened = time.monotonic() - t_start
            # Meanwhile a new client is turned away (503) or closed, never left hanging.
            c = self.conn()
            try:
                c.send(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
                resp = c.response(deadline_s(5))
                if resp is not None:
                    check_error(resp, 503, "too many connections", "new client during the flood")
                newcomer = "503" if resp else "closed"
            finally:
                c.close()
            deadline = time.monotonic() + IDLE_TIMEOUT + deadline_s(8)
            open_n = len(records)
            while open_n and time.monotonic() < deadline:
                for key, _ in sel.select(timeout=0.2):
                    rec = key.data
                    try:
                        got = rec[0].recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        got = b""
                    if got:
                        rec[2] += got
                        continue
                    rec[3] = time.monotonic() - rec[1]
                    sel.unregister(rec[0])
                    open_n -= 1
            self.assertEqual(open_n, 0, f"{open_n} idle connections still open after the deadline")
        finally:
            for rec in records:
                rec[0].close()
            sel.close()
        answered = [r for r in records if r[2]]
        for r in answered[:5]:
            body = r[2].partition(b"\r\n\r\n")[2]
            check_error((int(r[2].split()[1]), {"content-type": "application/json"}, body), 503,
                        "too many connections", "flood")
        for r in answered:
            self.assertTrue(r[2].startswith(b"HTTP/1.1 503 "), r[2][:100])
        silent = [r[3] for r in records if not r[2]]
        idled = [t for t in silent if t >= IDLE_TIMEOUT - 0.5]
        at_once = [t for t in silent if t < IDLE_TIMEOUT - 0.5]
        self.assertLessEqual(len(idled), MAX_CONNECTIONS, "more connections held than max-connections")
        self.assertLessEqual(len(answered), REJECT_SLACK + 8, "more 503s than the reject slack")
        self.assertGreater(len(answered), 0, "no 503 beyond max-connections")
        last = max(r[3] for r in records)
        self.assertLess(last, opened + IDLE_TIMEOUT + deadline_s(3))
        return (f"{len(records)} sockets opened in {opened:.2f} s ({connect_errors} connect errors): "
                f"{len(idled)} held then closed at the idle timeout ({min(idled or [0]):.1f}-{max(idled or [0]):.1f} s), "
                f"{len(answered)} got 503 'too many connections', {len(at_once)} closed at once; "
                f"a new client meanwhile: {newcomer}; all closed by {last:.1f} s")

    # -- HTTP framing --

    def case_pipelined_garbage(self):
        c = self.conn()
        try:
            c.send(b"GET /v1/info HTTP/1.1\r\nHost: x\r\n\r\n" + b"\x00\xff\xfe garbage \x01\x02\r\n\r\n")
            first = c.response(deadline_s(5))
            self.assertEqual(first[0], 200)
            msg = check_error(c.response(deadline_s(5)), 400, "malformed HTTP request", "garbage")
            t = c.wait_closed(deadline_s(5))
        finally:
            c.close()
        c = self.conn()
        try:  # a valid pipelined request, then 64 KiB of binary junk
            c.send(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n" + HEAD_JSON +
                   b"Content-Length: %d\r\n\r\n" % len(VKP_BODY) + VKP_BODY + bytes(range(256)) * 256)
            self.assertEqual(c.response(deadline_s(5))[0], 200)
            self.assertEqual(c.response(deadline_s(5))[0], 200)
            resp = c.response(deadline_s(5))
            if resp is not None:
                self.assertIn(resp[0], (400, 431))
                check_error(resp, resp[0], "", "junk")
            c.wait_closed(deadline_s(5))
        finally:
            c.close()
        return f"200, then 400 '{short(msg, 40)}' and close ({t * 1000:.0f} ms); 200, 200, then 4xx/close for junk"

    def chunked(self, chunks_bytes):
        return HEAD_JSON + b"Transfer-Encoding: chunked\r\n\r\n" + chunks_bytes

    def case_chunk_sizes(self):
        out = []
        for label, size_line, status, needle in [
                ("non-hex", b"zz", 400, "bad chunk"), ("negative", b"-1", 400, "bad chunk"),
                ("2^96-1", b"ffffffffffffffffffffffff", 400, "bad chunk"),
                ("2^44 (over max-body-bytes)", b"fffffffffff", 413, "larger than the limit"),
                ("'5 5'", b"5 5", 400, "bad chunk extension"),
                ("0x prefix (a last-chunk '0' with extension 'x10')", b"0x10", 400, "bad chunk extension")]:
            resp, closed = self.one(self.chunked(size_line + b"\r\nabcdef\r\n\r\n"))
            check_error(resp, status, needle, f"chunk size {label}")
            self.assertEqual(resp[1].get("connection"), "close", label)
            out.append(f"{label}: {status}")
        return "; ".join(out) + "; each closed"

    def case_chunk_missing_final(self):
        c = self.conn()
        try:  # one chunk, no last-chunk, then wait: the read timeout ends it
            c.send(self.chunked(b"%x\r\n" % len(VKP_BODY) + VKP_BODY + b"\r\n"))
            t = c.wait_closed(READ_TIMEOUT + deadline_s(3))
            self.assertGreater(t, READ_TIMEOUT - 0.5)
            self.assertEqual(c.buf, b"")
        finally:
            c.close()
        resp, closed = self.one(self.chunked(b"%x\r\n" % len(VKP_BODY) + VKP_BODY + b"\r\n"), shut=True)
        self.assertIsNone(resp)
        return f"kept open: closed at {t:.1f} s (read timeout); half-closed: closed at once ({closed * 1000:.0f} ms)"

    def case_chunk_extensions_trailers(self):
        half = len(VKP_BODY) // 2
        body = (b"%x;name=value;flag\r\n" % half + VKP_BODY[:half] + b"\r\n" +
                b"%x ; q=\"quoted\"\r\n" % (len(VKP_BODY) - half) + VKP_BODY[half:] + b"\r\n" +
                b"0;last=1\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n")
        c = self.conn()
        try:
            c.send(self.chunked(body))
            st, _, data = c.response(deadline_s(5))
            self.assertEqual((st, data), (200, b'{"valid":true}'))
        finally:
            c.close()
        # Many 1-byte chunks.
        tiny = b"".join(b"1\r\n" + VKP_BODY[i:i + 1] + b"\r\n" for i in range(len(VKP_BODY))) + b"0\r\n\r\n"
        c = self.conn()
        try:
            c.send(self.chunked(tiny))
            st, _, data = c.response(deadline_s(5))
            self.assertEqual((st, data), (200, b'{"valid":true}'))
        finally:
            c.close()
        return "legal extensions and trailers: 200 {valid:true}; 1-byte chunks: 200"

    def flood_line(self, prefix, unit, total_mib=16):
        """Streams an endless chunk-size line / trailer; (verdict, RSS growth MiB, answer)."""
        before = self.rss_mib()
        c = self.conn()
        sent = 0
        grown = 0.0
        resp = None
        try:
            c.send(self.chunked(prefix))
            block = unit * ((1 << 20) // len(unit))
            c.sock.settimeout(deadline_s(5))
            while sent < total_mib << 20:
                if not c.try_send(block):
                    break
                sent += len(block)
            time.sleep(0.3)
            grown = self.rss_mib() - before
            try:
                resp = c.response(1.0)
            except TimeoutError:
                resp = "pending"
        finally:
            c.close()
        bounded = resp != "pending" and grown < 8
        answer = "no answer yet" if resp == "pending" else ("closed" if resp is None else str(resp[0]))
        return bounded, sent >> 20, grown, answer

    def case_chunk_extension_flood(self):
        bounded, sent, grown, answer = self.flood_line(b"5;x=", b"a")
        verdict = f"{sent} MiB of one chunk extension accepted; kzgd RSS +{grown:.0f} MiB; {answer}"
        if "chunk-extension flood" in KNOWN_BUGS:
            return ("BUG: buffered without limit: " if not bounded else "now bounded: ") + verdict
        self.assertTrue(bounded, verdict)
        return verdict

    def case_trailer_flood(self):
        bounded, sent, grown, answer = self.flood_line(b"2\r\n{}\r\n0\r\n", b"X-T: a\r\n")
        verdict = f"{sent} MiB of trailer fields accepted; kzgd RSS +{grown:.0f} MiB; {answer}"
        if "trailer flood" in KNOWN_BUGS:
            return ("BUG: buffered without limit: " if not bounded else "now bounded: ") + verdict
        self.assertTrue(bounded, verdict)
        return verdict

    def case_framing_headers(self):
        out = []
        for label, head, needle in [
                ("Content-Length + chunked", b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                 "bad Transfer-Encoding"),
                ("two Content-Lengths", b"Content-Length: 5\r\nContent-Length: 6\r\n", "multiple Content-Length"),
                ("Content-Length -1", b"Content-Length: -1\r\n", "bad Content-Length"),
                ("Content-Length 10^23", b"Content-Length: 99999999999999999999999\r\n", "bad Content-Length")]:
            resp, closed = self.one(HEAD_JSON + head + b"\r\n" + b"abcdef")
            check_error(resp, 400, needle, label)
            self.assertEqual(resp[1].get("connection"), "close", label)
            out.append(f"{label}: 400")
        # A coding kzgd does not implement, before a final chunked: 501 (RFC 9112 6.1), closed.
        resp, closed = self.one(HEAD_JSON + b"Transfer-Encoding: gzip, chunked\r\n\r\n" + b"2\r\n{}\r\n0\r\n\r\n")
        check_error(resp, 501, "unsupported transfer coding", "gzip, chunked")
        self.assertEqual(resp[1].get("connection"), "close", "gzip, chunked")
        out.append("gzip, chunked: 501")
        return "; ".join(out) + "; each closed"

    def case_te_identity(self):
        smuggled = b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"
        c = self.conn()
        try:
            c.send(HEAD_JSON + b"Transfer-Encoding: identity\r\n\r\n" + smuggled)
            first = c.response(deadline_s(5))
            second = None
            if first is not None and first[1].get("connection") != "close":
                try:
                    second = c.response(1.0)
                except TimeoutError:
                    pass
        finally:
            c.close()
        served = second is not None and second[0] == 200 and b"alive" in second[2]
        verdict = (f"first answer {first[0] if first else 'none'}"
                   + (", then the body was served as a request (GET /livez: 200)" if served else ", then closed"))
        if "Transfer-Encoding: identity" in KNOWN_BUGS:
            return ("BUG: " if served else "now refused: ") + verdict
        self.assertFalse(served, verdict)
        check_error(first, 400, "", "Transfer-Encoding: identity")
        return verdict

    def case_oversized_headers(self):
        out = []
        for label, req in [
                ("one 16 KiB header", b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 16384 + b"\r\n\r\n"),
                ("2000 small headers", b"GET /livez HTTP/1.1\r\n" +
                 b"".join(b"X-%d: a\r\n" % i for i in range(2000)) + b"\r\n"),
                ("20 KiB URL", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("1 MiB header, no end", b"GET /livez HTTP/1.1\r\nX-Big: " + b"a" * (1 << 20))]:
            resp, closed = self.one(req)
            check_error(resp, 431, f"larger than the limit of {MAX_HEADER} bytes", label)
            out.append(f"{label}: 431")
        return "; ".join(out) + "; each closed"

    # -- hostile JSON --

    def json_cases(self, cases):
        out = []
        for label, path, body, needle in cases:
            st, hd, data = self.post(path, body)
            msg = check_error((st, hd, data), 400, needle, label)
            out.append(f"{label}: 400 '{short(msg, 60)}'")
        return out

    def case_non_utf8_nul(self):
        z_bad = b"0x" + b"00" * 20 + b"\xff\xfe" + b"00" * 11  # 64 digits, two of them not ASCII
        vkp = dict(VKP)
        cases = [
            ("non-UTF-8 in a hex string", "/v1/verify_kzg_proof",
             json.dumps(vkp).encode().replace(vkp["z"].encode(), z_bad), "z: invalid hex character byte 0xff at digit 40"),
            # The message quotes the key as a JSON string literal (escapes and all).
            ("non-UTF-8 key", "/v1/verify_kzg_proof", b'{"\xff\xfe\xc3(":1}',
             'unknown field "\\ufffd\\ufffd\\ufffd("'),
            ("overlong UTF-8 key", "/v1/verify_kzg_proof", b'{"\xc0\xafz":1}', "unknown field"),
            ("raw NUL in a string", "/v1/verify_kzg_proof", b'{"z":"0x\x0000"}', "control character in a string"),
            ("NUL outside strings", "/v1/verify_kzg_proof", b'{"z"\x00:1}', "expected ':', found byte 0"),
            ("escaped NUL key", "/v1/verify_kzg_proof", b'{"z\\u0000":1}', 'unknown field "z\\u0000"'),
            ("lone surrogate key", "/v1/verify_kzg_proof", b'{"\\ud800":1}', 'unknown field "\ufffd"'),
            ("UTF-16 body", "/v1/verify_kzg_proof", json.dumps(VKP).encode("utf-16"), "invalid JSON at byte 0"),
            ("UTF-8 BOM", "/v1/verify_kzg_proof", b"\xef\xbb\xbf" + VKP_BODY, "invalid JSON at byte 0"),
        ]
        return "; ".join(self.json_cases(cases))

    def case_deep_nesting(self):
        n = 100000
        cases = [
            ("100000 x '['", "/v1/verify_kzg_proof", b"[" * n, "nested deeper than 32 levels"),
            ("100000 x '[' closed", "/v1/verify_kzg_proof", b"[" * n + b"]" * n, "nested deeper than 32 levels"),
            ("100000 x '{\"a\":'", "/v1/verify_kzg_proof", b'{"a":' * n, "nested deeper than 32 levels"),
            ("nested in a field", "/v1/verify_kzg_proof", b'{"z":' + b"[" * n, "nested deeper than 32 levels"),
        ]
        t0 = time.monotonic()
        out = self.json_cases(cases)
        self.assertLess(time.monotonic() - t0, deadline_s(5))
        return "; ".join(out)

    def case_duplicates(self):
        body = VKP_BODY[:-1] + b', "\\u007a": "' + VKP["z"].encode() + b'"}'
        cases = [
            ("duplicate, escaped", "/v1/verify_kzg_proof", body, 'duplicate field "z"'),
            ("50 duplicates", "/v1/verify_kzg_proof", b"{" + b",".join([b'"z":"0x00"'] * 50) + b"}",
             'duplicate field "z"'),
            ("5000 duplicates", "/v1/verify_kzg_proof", b"{" + b",".join([b'"z":"0x00"'] * 5000) + b"}",
             "more than 132 values"),
        ]
        return "; ".join(self.json_cases(cases))

    def case_wrong_types(self):
        out = []
        kinds = [("1", "a number"), ("null", "null"), ("true", "a boolean"), ("[]", "an array"), ("{}", "an object"),
                 ('["0x00"]', "an array")]
        for lit, kind in kinds:
            body = VKP_BODY.replace(b'"' + VKP["z"].encode() + b'"', lit.encode())
            st, hd, data = self.post("/v1/verify_kzg_proof", body)
            check_error((st, hd, data), 400, f"z: expected a 0x-hex string, got {kind}", f"z as {lit}")
        out.append("z as number/null/bool/array/object: 400 'z: expected a 0x-hex string, got ...'")
        for lit, kind in [('"0x00"', "a string"), ("{}", "an object"), ("7", "a number"), ("null", "null")]:
            body = ('{"blobs":%s,"commitments":[],"proofs":[]}' % lit).encode()
            st, hd, data = self.post("/v1/verify_blob_kzg_proof_batch", body)
            check_error((st, hd, data), 400, f"blobs: expected an array of 0x-hex strings, got {kind}", f"blobs {lit}")
        out.append("blobs as string/object/number/null: 400 'blobs: expected an array ...'")
        bad_indices = ["null", "true", "[]", "{}", '"0x01"', '"01"', '"\\u0031"', '" 1"', "-1", "1.0", "1e2", '""']
        body = ('{"commitments":[],"cell_indices":[%s],"cells":[],"proofs":[]}' % ",".join(bad_indices)).encode()
        st, hd, data = self.post("/v1/verify_cell_kzg_proof_batch", body)
        check_error((st, hd, data), 400, "cell_indices[0]: expected an unsigned", "bad indices")
        failures = json.loads(data)["failures"]
        self.assertEqual([f["index"] for f in failures], list(range(len(bad_indices))))
        out.append(f"{len(bad_indices)} bad cell indices (null, bool, [], {{}}, \"0x01\", \"01\", escaped, "
                   f"-1, 1.0, 1e2, \"\"): 400 with {len(failures)} failures")
        return "; ".join(out)

    def case_huge_numbers(self):
        digits = "9" * 100000
        cases = [
            ("2^64 as an index", "/v1/verify_cell_kzg_proof_batch",
             b'{"commitments":[],"cell_indices":[18446744073709551616],"cells":[],"proofs":[]}',
             "cell_indices[0]: expected an unsigned 64-bit integer"),
            ("1e999999 as an index", "/v1/verify_cell_kzg_proof_batch",
             b'{"commitments":[],"cell_indices":[1e999999],"cells":[],"proofs":[]}', "cell_indices[0]: expected"),
            ("100000-digit index", "/v1/verify_cell_kzg_proof_batch",
             ('{"commitments":[],"cell_indices":[%s],"cells":[],"proofs":[]}' % digits).encode(),
             "cell_indices[0]: expected an unsigned 64-bit integer"),
            ("100000-digit string index", "/v1/verify_cell_kzg_proof_batch",
             ('{"commitments":[],"cell_indices":["%s"],"cells":[],"proofs":[]}' % digits).encode(),
             "cell_indices[0]: expected an unsigned 64-bit integer"),
            ("100000-digit z", "/v1/verify_kzg_proof",
             VKP_BODY.replace(b'"' + VKP["z"].encode() + b'"', digits.encode()), "z: expected a 0x-hex string"),
            ("-1e-999999 as z", "/v1/verify_kzg_proof",
             VKP_BODY.replace(b'"' + VKP["z"].encode() + b'"', b"-1e-999999"), "got a number"),
            ("900 KiB hex commitment", "/v1/verify_kzg_proof",
             json.dumps(dict(VKP, commitment="0x" + "ab" * (450 * 1024))).encode(),
             "commitment: expected 48 bytes, got 460800"),
        ]
        return "; ".join(self.json_cases(cases))

    def case_ssz_offsets(self):
        def u32(n):
            return n.to_bytes(4, "little")
        octets = {"Content-Type": "application/octet-stream"}
        out = []
        for label, body, needle in [
                ("offset 2^32-1", u32(16) + u32(16) + u32(0xffffffff) + u32(16), "is past the end"),
                ("offsets decreasing", u32(16) + u32(24) + u32(16) + u32(24) + b"\x00" * 8, "before the previous"),
                ("17 cell indices", u32(16) + u32(16) + u32(16 + 17 * 8) + u32(16 + 17 * 8) + b"\x00" * (17 * 8),
                 "17 elements are more than the limit of 16")]:
            st, hd, data = self.post("/v1/verify_cell_kzg_proof_batch", body, octets)
            msg = check_error((st, hd, data), 400, needle, label)
            out.append(f"{label}: 400 '{short(msg, 50)}'")
        return "; ".join(out)

    # -- the run --

    def test_hostile_clients(self):
        server = self.server
        for _ in range(20):  # warm up (first requests build lazily initialized state)
            self.still_serving("warm-up")
        monitor = Monitor(server.port)
        try:
            time.sleep(2.0)  # quiet: the baseline
            t_attack = time.monotonic()
            rss_before = self.rss_mib()
            cases = [
                ("slowloris headers", "40 conns, request line + headers at 1 byte/100 ms",
                 self.case_slowloris_headers),
                ("slowloris body", "40 conns, headers at once, body at 1 byte/100 ms", self.case_slowloris_body),
                ("truncated body, client closes", "Content-Length 181, 60 bytes sent, write side shut",
                 self.case_truncated_close),
                ("truncated body, client waits", "Content-Length 100000, 181 bytes sent, connection kept open",
                 self.case_truncated_wait),
                ("idle connection flood", f"{FLOOD} connections opened at once, nothing sent",
                 self.case_idle_flood),
                ("pipelined garbage", "valid request + binary garbage in one write; valid x2 + 64 KiB junk",
                 self.case_pipelined_garbage),
                ("chunk sizes", "chunk sizes zz, -1, 2^96-1, 2^44, '5 5', 0x10", self.case_chunk_sizes),
                ("missing final chunk", "a chunk but no last-chunk: kept open / half-closed",
                 self.case_chunk_missing_final),
                ("chunk extensions, trailers", "legal extensions, quoted values, trailers; 1-byte chunks",
                 self.case_chunk_extensions_trailers),
                ("framing headers", "Content-Length + chunked, two Content-Lengths, negative and 10^23 lengths",
                 self.case_framing_headers),
                ("oversized headers", "16 KiB header, 2000 headers, 20 KiB URL, 1 MiB unterminated header",
                 self.case_oversized_headers),
                ("non-UTF-8 and NUL bytes", "bytes 0xff/0xfe/overlong in strings and keys, raw and escaped NUL, "
                 "lone surrogate, UTF-16 body, BOM", self.case_non_utf8_nul),
                ("deep nesting", "100000 x '[' (open and closed), 100000 x '{\"a\":'", self.case_deep_nesting),
                ("duplicate keys", "an escaped duplicate; 50 and 5000 duplicates", self.case_duplicates),
                ("wrong types", "numbers/null/bools/arrays/objects for strings, lists and indices",
                 self.case_wrong_types),
                ("huge numbers", "2^64, 1e999999, 100000-digit numbers; a 900 KiB hex string",
                 self.case_huge_numbers),
                ("SSZ offsets", "offset 2^32-1, decreasing offsets, a list over the limit", self.case_ssz_offsets),
            ]
            for name, attack, fn in cases:
                self.run_case(name, attack, fn)
            t_attack_end = time.monotonic()
            # Memory back near its baseline once the attacks are over.
            rss_after = self.rss_mib()
            deadline = time.monotonic() + deadline_s(10)
            while rss_after > rss_before + RSS_SLACK_MIB and time.monotonic() < deadline:
                time.sleep(0.5)
                rss_after = self.rss_mib()
            # Known bugs last: their buffers may stay in the allocator's free lists.
            late = [("chunk-extension flood", "one chunk-size line with 16 MiB of extension",
                     self.case_chunk_extension_flood),
                    ("trailer flood", "16 MiB of trailer fields after the last chunk", self.case_trailer_flood),
                    ("Transfer-Encoding: identity", "TE identity, a GET /livez as the body",
                     self.case_te_identity)]
            for name, attack, fn in late:
                self.run_case(name, attack, fn)
        finally:
            samples = monitor.stop()
        self.report(samples, t_attack, t_attack_end, rss_before, rss_after)

    def report(self, samples, t_attack, t_attack_end, rss_before, rss_after):
        base = [s[3] for s in samples if s[0] < t_attack and s[2] == "200"]
        under = [s for s in samples if t_attack <= s[0] < t_attack_end]
        bad = [s for s in under if s[2] != "200"]
        lat_under = [s[3] for s in under if s[2] == "200"]
        base_p50, under_p50 = p50(base), p50(lat_under)
        bound = min(max(10 * base_p50, 0.025 * SCALE), 0.5 * SCALE)

        print("\nhostile clients (kzgd " + " ".join(SERVER_ARGS) + "):", file=sys.stderr)
        print("| case | attack | outcome | s | normal client p50 (ms) |", file=sys.stderr)
        print("|---|---|---|---|---|", file=sys.stderr)
        for name, attack, outcome, secs, t0, t1, known in self.rows:
            lat = [s[3] for s in samples if t0 <= s[0] < t1 and s[2] == "200"]
            mark = " (known bug)" if known else ""
            lat_text = f"{p50(lat) * 1000:.1f} ({len(lat)} req)" if lat else "-"
            print(f"| {name}{mark} | {attack} | {outcome} | {secs:.1f} | {lat_text} |", file=sys.stderr)
        print(f"normal client: baseline p50 {base_p50 * 1000:.2f} ms ({len(base)} requests); under attack p50 "
              f"{under_p50 * 1000:.2f} ms, max {max(lat_under or [0]) * 1000:.1f} ms ({len(lat_under)} requests, "
              f"{len(bad)} not 200); bound {bound * 1000:.0f} ms", file=sys.stderr)
        print(f"kzgd RSS: {rss_before:.1f} MiB before the attacks, {rss_after:.1f} MiB after "
              f"(bound {rss_before + RSS_SLACK_MIB:.1f})", file=sys.stderr)

        self.assertGreaterEqual(len(base), 20, "too few baseline samples")
        self.assertGreaterEqual(len(lat_under), 50, "the normal client was starved")
        self.assertEqual(bad, [], "the normal client got errors under attack")
        self.assertLess(under_p50, bound, "normal requests slowed down under attack")
        self.assertLess(rss_after, rss_before + RSS_SLACK_MIB, "kzgd's RSS did not come back")
        self.assertIsNone(self.server.proc.poll(), "kzgd exited")
        info = json.loads(self.server.request("GET", "/v1/info", timeout=deadline_s(10))[2])
        self.assertEqual(info["state"]["in_flight"], 0)
        self.still_serving("everything")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
