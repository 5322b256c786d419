"""Shared helpers for the kzgd service tests: start the real binary on a free
loopback port (--listen 127.0.0.1:0 --ports-file), talk HTTP to it, stop it.

Every test script is run as: test_X.py KZGD_BINARY VECTORS_DIR
A started kzgd is always killed: by Kzgd.close() (use it as a context manager
or with addCleanup), and by the kernel if this Python process dies first
(PR_SET_PDEATHSIG), so a ctest timeout leaves nothing behind.

Sanitizer builds (scripts/ci-hardening.sh, docs/reliability.md):
  KZG_TEST_TIME_SCALE=N   stretches the start-up wait, wait_log() and every
                          latency bound of the tests (through TIME_SCALE and
                          scaled()) N times; bounds that kzgd's own settings
                          imply from below (a timeout not fired early) are not
                          stretched;
  KZG_TEST_GRACEFUL_STOP=1  Kzgd.close() stops kzgd with SIGTERM and requires
                          exit status 0 (so that LeakSanitizer runs at exit and
                          any report fails the test), SIGKILL only as a fallback.
Whatever the build, close() and run_kzgd() raise SanitizerReport when kzgd's
stderr holds an ASan/LSan/UBSan/TSan report, and print that stderr.

Strict mode (KZG_STRICT=1, set on the tests by CMake -DKZG_STRICT=ON; CI):
a missing prerequisite (a tool, PID namespaces, a binary the build should
have made) fails the test instead of skipping it: skip_or_fail().
"""
import ctypes
import glob
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

KZGD = sys.argv[1] if len(sys.argv) > 1 else None
VECTORS = os.environ.get("KZG_TEST_VECTORS") or (sys.argv[2] if len(sys.argv) > 2 else None)

BLOB = 131072
CELL = 2048
# The zero blob, and its commitment (and proof): the compressed point at infinity.
ZERO_BLOB_HEX = "0x" + "00" * BLOB
INFINITY_HEX = "0xc0" + "00" * 47

TIME_SCALE = max(1.0, float(os.environ.get("KZG_TEST_TIME_SCALE") or 1))
GRACEFUL_STOP = os.environ.get("KZG_TEST_GRACEFUL_STOP", "") not in ("", "0")
STRICT = os.environ.get("KZG_STRICT", "") not in ("", "0")


def read_to_eof(sock):
    """Everything sock gives until EOF, a reset or its timeout."""
    chunks = []
    while True:
        try:
            c = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not c:
            break
        chunks.append(c)
    return b"".join(chunks)


def scaled(seconds):
    """A latency bound or deadline, stretched by KZG_TEST_TIME_SCALE."""
    return seconds * TIME_SCALE


def percentile(values, p):
    """The p-th percentile (0-100, nearest rank) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def skip_or_fail(test, reason):
    """A prerequisite is missing: skip the test, or fail it in strict mode
    (where a skip would hide that CI did not check what it claims to)."""
    if STRICT:
        test.fail(f"{reason} (KZG_STRICT=1: a missing prerequisite is a failure, not a skip)")
    test.skipTest(f"{reason} (KZG_STRICT=1 makes this a failure)")

# The first line of a sanitizer report (UBSan: "file:line:col: runtime error: ...").
_SANITIZER_REPORT = re.compile(r"(ERROR|WARNING): (Address|Leak|Thread|Memory|UndefinedBehavior)Sanitizer"
                               r"|^SUMMARY: \w+Sanitizer|: runtime error: ", re.M)


class SanitizerReport(AssertionError):
    """kzgd's stderr holds a sanitizer report (or kzgd failed its graceful stop)."""


def sanitizer_report(text):
    """The part of text from the first sanitizer report on, or None."""
    m = _SANITIZER_REPORT.search(text)
    if not m:
        return None
    return text[text.rfind("\n", 0, m.start()) + 1:]


def _surface(what, text):
    sys.stderr.write(f"\n==== {what} ====\n{text}\n==== end of kzgd stderr ====\n")
    sys.stderr.flush()

# Request fields of each function, in SSZ container order; bytes of a field's
# value (of a list's element); the list fields. From docs/openapi.json
# (kzgd_functions.py; checked against kzgd::functions() by service_openapi_table).
from kzgd_functions import FIELDS, LISTS, SIZES  # noqa: E402
OUTPUT = {
    "blob_to_kzg_commitment": "commitment",
    "compute_kzg_proof": "proof_y",
    "compute_blob_kzg_proof": "proof",
    "verify_kzg_proof": "valid",
    "verify_blob_kzg_proof": "valid",
    "verify_blob_kzg_proof_batch": "valid",
    "compute_cells": "cells",
    "compute_cells_and_kzg_proofs": "cells_proofs",
    "recover_cells_and_kzg_proofs": "cells_proofs",
    "verify_cell_kzg_proof_batch": "valid",
}


def require_binary():
    if not KZGD or not os.access(KZGD, os.X_OK):
        raise RuntimeError(f"kzgd binary not found: {KZGD!r} (usage: test.py KZGD VECTORS_DIR)")


def require_vectors():
    if not VECTORS or not os.path.isdir(VECTORS):
        raise RuntimeError(f"test vectors not found at {VECTORS!r} (set KZG_TEST_VECTORS)")
    return VECTORS


def _die_with_parent():
    # Runs in the child between fork and exec: SIGKILL it when this process dies.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Kzgd:
    """A kzgd child process on 127.0.0.1:<free port>."""

    def __init__(self, *args, env=None, ready=True, timeout=60, wrapper=None):
        require_binary()
        self.tmp = tempfile.TemporaryDirectory(prefix="kzgd-test-")
        self.ports_file = os.path.join(self.tmp.name, "ports")
        self.log_path = os.path.join(self.tmp.name, "stdout.log")
        self.err_path = os.path.join(self.tmp.name, "stderr.log")
        full_env = dict(os.environ)
        for k in list(full_env):
            if k.startswith("KZGD_"):
                del full_env[k]
        full_env.update(env or {})
        timeout *= TIME_SCALE
        self.cmd = [*(wrapper or []), KZGD, "--listen", "127.0.0.1:0", "--ports-file", self.ports_file, *args]
        with open(self.log_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         env=full_env, preexec_fn=_die_with_parent)
        self.port = None
        try:
            self._wait_port(timeout)
            if ready:
                self.wait_ready(timeout)
        except BaseException:
            self.close()
            raise

    def _wait_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kzgd exited with {self.proc.returncode}: {self.stderr()}")
            try:
                with open(self.ports_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    self.port = int(text)
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        raise RuntimeError("kzgd did not write its ports file in time")

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kzgd exited with {self.proc.returncode}: {self.stderr()}")
            try:
                if self.request("GET", "/readyz", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("kzgd did not become ready in time")

    # ---- HTTP ---------------------------------------------------------------

    def connection(self, timeout=60):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=60):
        """One request on a new connection: (status, headers dict (lower-case names), body bytes)."""
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            conn.close()

    def post_json(self, function, obj, timeout=120):
        body = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        return self.request("POST", "/v1/" + function, body, {"Content-Type": "application/json"}, timeout)

    def post_ssz(self, function, data, timeout=120):
        return self.request("POST", "/v1/" + function, data,
                            {"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"},
                            timeout)

    def raw(self, data, read_timeout=10, shut=False):
        """Sends raw bytes on a new socket and returns everything read until EOF or timeout."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
            return read_to_eof(s)
        finally:
            s.close()

    # ---- process ------------------------------------------------------------

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def stdout_lines(self):
        """Complete stdout lines. While kzgd runs, a reader can catch the file
        between the bytes of one write(): an unterminated last line is a line
        still being written and is left for the next read. Once kzgd has
        exited, every byte is final and an unterminated line is returned
        (and fails log_records, as a broken line should)."""
        with open(self.log_path, "rb") as f:
            text = f.read().decode(errors="replace")
        lines = text.split("\n")
        tail = lines.pop()  # "" when the text ends with a newline
        if tail and self.proc.poll() is not None:
            lines.append(tail)
        return lines

    def log_records(self):
        out = []
        for line in self.stdout_lines():
            out.append(json.loads(line))  # every stdout line must be one JSON object
        return out

    def wait_log(self, predicate, timeout=5):
        """Log records once predicate(records) holds (an access line is written
        just after its response, so a client can see the response first)."""
        deadline = time.monotonic() + scaled(timeout)
        while True:
            records = self.log_records()
            if predicate(records) or time.monotonic() > deadline:
                return records
            time.sleep(0.02)

    def stderr(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def close(self):
        """Stops kzgd (SIGKILL; SIGTERM first with KZG_TEST_GRACEFUL_STOP) and
        raises SanitizerReport if its stderr holds a sanitizer report, or if a
        graceful stop did not end with exit status 0."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        failure = None
        try:
            if self.proc.poll() is None and GRACEFUL_STOP:
                self.proc.terminate()
                try:
                    rc = self.proc.wait(timeout=30 * TIME_SCALE)
                    if rc != 0:
                        failure = f"kzgd exited with status {rc} after SIGTERM"
                except subprocess.TimeoutExpired:
                    pass  # still draining (a test's long timeouts): killed below
            if self.proc.poll() is None:
                self.proc.kill()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            err = self.stderr()
            report = sanitizer_report(err)
            if report is not None:
                failure = "sanitizer report in kzgd's stderr"
            if failure:
                _surface(f"{failure} (kzgd pid {self.proc.pid}, exit status {self.proc.returncode})", err[-20000:])
                raise SanitizerReport(f"{failure}: {(report or err)[:2000]}")
        finally:
            self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_kzgd(*args, env=None, timeout=30):
    """Runs kzgd to completion (for flags that exit): (returncode, stdout, stderr)."""
    require_binary()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KZGD_")}
    full_env.update(env or {})
    p = subprocess.run([KZGD, *args], capture_output=True, env=full_env, timeout=timeout * TIME_SCALE,
                       preexec_fn=_die_with_parent)
    err = p.stderr.decode(errors="replace")
    report = sanitizer_report(err)
    if report is not None:
        _surface(f"sanitizer report in kzgd's stderr (kzgd {' '.join(args)}, exit status {p.returncode})", err)
        raise SanitizerReport(report[:2000])
    return p.returncode, p.stdout.decode(errors="replace"), err


# ---- consensus-spec vectors ----------------------------------------------------

def alive(pid):
    """Running (a zombie that nobody has reaped yet counts as gone)."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def stop_pid(pid, timeout=30):
    """SIGTERM a kzgd that is not our child (kzgctl upgrade started it) and wait for it to go."""
    if not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def load_vectors(function):
    """[(case name, input, output)] of one function, sorted by name."""
    import yaml  # python3-yaml (scripts/bootstrap.sh installs it)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    cases = []
    for path in sorted(glob.glob(os.path.join(require_vectors(), function, "*", "*", "data.yaml"))):
        with open(path) as f:
            data = yaml.load(f, Loader=loader)
        cases.append((os.path.basename(os.path.dirname(path)), data["input"], data["output"]))
    return cases


def unhex(s):
    if not isinstance(s, str) or not s.startswith("0x"):
        raise ValueError("not 0x-hex")
    return bytes.fromhex(s[2:])


def ssz_encode(function, inputs):
    """The SSZ request body for `inputs`, or None when they cannot be encoded
    (wrong lengths, bad hex, indices that are not uint64)."""
    try:
        fixed, variable = [], []
        for name in FIELDS[function]:
            value = inputs[name]
            if name in LISTS:
                if name == "cell_indices":
                    if not all(isinstance(i, int) and 0 <= i < 2**64 for i in value):
                        return None
                    data = b"".join(i.to_bytes(8, "little") for i in value)
                else:
                    items = [unhex(v) for v in value]
                    if any(len(b) != SIZES[name] for b in items):
                        return None
                    data = b"".join(items)
                fixed.append(None)
                variable.append(data)
            else:
                b = unhex(value)
                if len(b) != SIZES[name]:
                    return None
                fixed.append(b)
        fixed_size = sum(4 if f is None else len(f) for f in fixed)
        out, tail, offset, k = b"", b"", fixed_size, 0
        for f in fixed:
            if f is None:
                out += offset.to_bytes(4, "little")
                offset += len(variable[k])
                tail += variable[k]
                k += 1
            else:
                out += f
        return out + tail
    except (ValueError, KeyError, TypeError):
        return None


def expected_outputs(function, output):
    """(expected JSON object, expected SSZ bytes) for a non-null vector output."""
    kind = OUTPUT[function]
    if kind == "commitment":
        return {"commitment": output}, unhex(output)
    if kind == "proof":
        return {"proof": output}, unhex(output)
    if kind == "proof_y":
        return {"proof": output[0], "y": output[1]}, unhex(output[0]) + unhex(output[1])
    if kind == "valid":
        return {"valid": output}, b"\x01" if output else b"\x00"
    if kind == "cells":
        return {"cells": output}, b"".join(unhex(c) for c in output)
    cells, proofs = output
    return {"cells": cells, "proofs": proofs}, b"".join(unhex(c) for c in cells) + b"".join(unhex(p) for p in proofs)


def random_blob(seed):
    """A valid blob: every field element < 2^248 (top byte zero)."""
    import random
    r = random.Random(seed)
    return b"".join(b"\x00" + r.randbytes(31) for _ in range(BLOB // 32))


def hexs(b):
    return "0x" + b.hex()
