#!/usr/bin/env python3
"""A rolling upgrade of a kzgd fleet behind nginx, under load.

Three kzgd instances (loopback, --listen 127.0.0.1:0 --ports-file, each with its
own --upgrade-socket, --workers 1) behind a real nginx (run as the current user,
everything in one temporary folder) that fails over to the next instance
(proxy_next_upstream error timeout http_502 http_503 non_idempotent). A few
client threads send real KZG requests through nginx (verify_kzg_proof in JSON
and SSZ, blob_to_kzg_commitment in SSZ, inputs and answers from the
consensus-spec vectors) and check every answer.

 1. Each instance in turn is replaced by a "new build" (a copy of kzgd) with
    `kzgctl upgrade` (socket handover): zero failed requests, three new PIDs,
    the old processes exit 0, the ports stay, /v1/info answers, and the
    requests were spread over the three instances.
 2. The same rolling loop with a build whose known-answer self-test fails
    (kzgd_broken_for_tests), then with one that exits 1 at once: the upgrade of
    instance 1 fails, the loop stops (instances 2 and 3 untouched), instance 1
    keeps its PID, and the fleet serves on with zero failed requests.

Nothing outlives the test: the kzgd started here and nginx die with it
(PR_SET_PDEATHSIG); the upgraded kzgd (started by kzgctl in their own session)
are re-parented to this process (PR_SET_CHILD_SUBREAPER); and a watchdog in
its own session kills whatever is left (listed PIDs and process groups, any
process whose command line names the temporary folder) once this process is
gone, even after a SIGKILL (a ctest timeout).

Usage: test_fleet.py KZGD VECTORS_DIR, with KZGCTL, KZG_FLEET_BROKEN (the
kzgd_broken_for_tests binary) and NGINX in the environment.
"""
import atexit
import collections
import ctypes
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "service"))
import kzgd_harness as h  # noqa: E402

KZGCTL = os.environ.get("KZGCTL")
KZGD_BROKEN = os.environ.get("KZG_FLEET_BROKEN")
NGINX = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"

INSTANCES = 3
LOAD_THREADS = 3
UPGRADE_TIMEOUT_S = 60   # kzgctl upgrade --timeout
DRAIN_EXIT_S = 40        # an old process must exit this long after its handover

_libc = ctypes.CDLL("libc.so.6", use_errno=True)
PR_SET_CHILD_SUBREAPER = 36


# ---- cleanup: a watchdog that outlives this process ------------------------------

WATCHDOG = r"""
import os, shutil, signal, sys, time
tmp, listing = sys.argv[1], sys.argv[2]
try:
    while sys.stdin.buffer.read(4096):
        pass
except Exception:
    pass
# The test process is gone (or done): kill what it started, then its folder.
me = os.getpid()
def named_pids():
    out = []
    for d in os.listdir('/proc'):
        if d.isdigit() and int(d) != me:
            try:
                with open('/proc/%s/cmdline' % d, 'rb') as f:
                    if tmp.encode() in f.read():
                        out.append(int(d))
            except OSError:
                pass
    return out
for _ in range(3):
    try:
        with open(listing) as f:
            for line in f:
                kind, _, n = line.partition(' ')
                try:
                    if kind == 'pgid':
                        os.killpg(int(n), signal.SIGKILL)
                    else:
                        os.kill(int(n), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
    except OSError:
        pass
    for pid in named_pids():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.2)
shutil.rmtree(tmp, ignore_errors=True)
"""


class Reaper:
    """The temporary folder, and everything started here, gone at exit."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="kzgd-fleet-")
        self.listing = os.path.join(self.tmp, "pids")
        open(self.listing, "w").close()
        # The watchdog first, in its own session (a ctest timeout that kills the
        # process group leaves it), then the subreaper bit (so that the watchdog
        # is not one of the orphans it catches).
        self.watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, self.tmp, self.listing],
                                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
        self.subreaper = _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
        self.pids, self.pgids, self.procs = set(), set(), []
        self.done = False
        atexit.register(self.cleanup)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, frame):
        # unittest would take a SystemExit for a test error and go on: stop here.
        print(f"test_fleet: signal {signum}: stopping the fleet", file=sys.stderr)
        self.cleanup()
        os._exit(128 + signum)

    def add_pid(self, pid):
        self.pids.add(pid)
        with open(self.listing, "a") as f:
            f.write(f"pid {pid}\n")

    def add_proc(self, proc):
        self.procs.append(proc)
        self.add_pid(proc.pid)

    def add_pgid(self, pgid):
        self.pgids.add(pgid)
        with open(self.listing, "a") as f:
            f.write(f"pgid {pgid}\n")

    def cleanup(self):
        if self.done:
            return
        self.done = True
        for pgid in self.pgids:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for pid in self.pids - {p.pid for p in self.procs}:
            reap(pid)
        try:  # the watchdog sweeps the folder's command lines once more, then removes it
            self.watchdog.stdin.close()
            self.watchdog.wait(timeout=10)
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def reap(pid):
    """Collects `pid` if it is an exited child (an orphan re-parented here).
    Only PIDs this test learnt of: a waitpid(-1) would steal the exit status
    of a subprocess.Popen."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def running_with(text):
    """PIDs of the live processes whose command line contains `text`."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    if text.encode() in f.read() and alive(int(d)):
                        out.append(int(d))
            except OSError:
                pass
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


# ---- the fleet -------------------------------------------------------------------

class Instance:
    """One kzgd slot: its upgrade socket, ports file and port stay; its process changes."""

    def __init__(self, reaper, index):
        self.index = index
        self.dir = os.path.join(reaper.tmp, f"kzgd{index}")
        os.mkdir(self.dir)
        self.socket = os.path.join(self.dir, "upgrade.sock")
        self.ports_file = os.path.join(self.dir, "ports")
        self.log = os.path.join(self.dir, "kzgd.log")
        self.reaper = reaper
        self.proc = None
        self.pid = None
        self.port = None

    def args(self, listen):
        # --precompute 0: no FK20 tables (no cell requests here), a faster start.
        return ["--listen", listen, "--ports-file", self.ports_file, "--workers", "1", "--precompute", "0"]

    def start(self, binary, listen="127.0.0.1:0"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KZGD_")}
        cmd = [binary, *self.args(listen), "--upgrade-socket", self.socket]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, preexec_fn=h._die_with_parent)
        self.pid = self.proc.pid
        self.reaper.add_proc(self.proc)

    def read_port(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(self.ports_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    return int(text)
            except FileNotFoundError:
                pass
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"kzgd {self.index} exited with {self.proc.returncode}: {self.tail()}")
            time.sleep(0.02)
        raise RuntimeError(f"kzgd {self.index} wrote no ports file")

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if http_get(self.port, "/readyz", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"kzgd {self.index} exited with {self.proc.returncode}: {self.tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"kzgd {self.index} not ready in {timeout}s: {self.tail()}")

    def tail(self, n=2000):
        try:
            with open(self.log, "rb") as f:
                return f.read()[-n:].decode(errors="replace")
        except OSError:
            return ""


NGINX_CONF = """\
# Generated by test_fleet.py: everything under {tmp}.
daemon off;
master_process on;
worker_processes 1;
{user}pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log info;

events {{
    worker_connections 512;
}}

http {{
    client_body_temp_path {tmp}/nginx-client-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;

    log_format fleet '$msec|$status|$request_method|$uri|$upstream_addr|$upstream_status|$request_time|$http_x_request_id';
    access_log {tmp}/nginx-access.log fleet;

    # A blob in JSON is ~256 KiB: held in memory, and the whole body is read
    # before the first upstream is tried (proxy_request_buffering on), so that it
    # can be sent again to the next one.
    client_max_body_size 20m;
    client_body_buffer_size 1m;

    upstream kzgd {{
        # No passive health marking (max_fails=0): one failed attempt (a
        # kept-alive connection closed under a request while an instance drains)
        # would take that instance out for fail_timeout, and with every instance
        # marked, nginx answers 502 "no live upstreams" without trying any.
{servers}
        keepalive 16;
        # Below kzgd's --idle-timeout (60 s): nginx closes an idle upstream
        # connection before kzgd does, never the other way round.
        keepalive_timeout 30s;
    }}

    server {{
        listen 127.0.0.1:{port};
        keepalive_timeout 30s;

        location / {{
            proxy_pass http://kzgd;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_request_buffering on;
            # Failover for POSTs: a request sent on a connection that fails
            # (refused, reset, closed before the response) or answered 502/503
            # goes to the next instance. non_idempotent allows it for POST once
            # the request was sent: every KZG call is a pure function, so running
            # it twice is harmless. Errors on cached (kept-alive) connections do
            # not count against the tries.
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 6;
            proxy_next_upstream_timeout 60s;
            proxy_connect_timeout 2s;
            proxy_send_timeout 60s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, reaper, ports):
        if not (NGINX and os.access(NGINX, os.X_OK)):
            raise RuntimeError(f"nginx not found: {NGINX!r} (set NGINX)")
        self.tmp = reaper.tmp
        self.conf = os.path.join(self.tmp, "nginx.conf")
        self.access_log = os.path.join(self.tmp, "nginx-access.log")
        self.error_log = os.path.join(self.tmp, "nginx-error.log")
        user = ""
        if os.geteuid() == 0:  # else the workers would run as nobody, shut out of the folder
            import grp
            import pwd
            user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};\n"
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in ports)
        for attempt in range(5):
            self.port = free_port()
            with open(self.conf, "w") as f:
                f.write(NGINX_CONF.format(tmp=self.tmp, user=user, servers=servers, port=self.port))
            cmd = [NGINX, "-p", self.tmp, "-e", self.error_log, "-c", self.conf]
            subprocess.run([*cmd, "-t", "-q"], check=True, capture_output=True, timeout=30)
            with open(os.path.join(self.tmp, "nginx-stderr.log"), "ab") as err:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                             start_new_session=True, preexec_fn=h._die_with_parent)
            reaper.add_pgid(self.proc.pid)
            reaper.add_proc(self.proc)
            self.reaper = reaper
            if self._wait_up():
                return
            self.stop()
        raise RuntimeError(f"nginx did not start: {self.errors()}")

    def _wait_up(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # e.g. the port was taken in between: try another
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def errors(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGQUIT)
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def upstream_errors(self):
        """{what went wrong: count} of the failed upstream attempts in the error log."""
        out = collections.Counter()
        try:
            with open(self.error_log, errors="replace") as f:
                for line in f:
                    m = re.search(r"\[(?:error|warn)\] \d+#\d+: \*\d+ (.*?)(?:, client:|$)", line)
                    if m and "upstream" in m.group(1):
                        out[m.group(1)] += 1
        except OSError:
            pass
        return out

    def access_records(self):
        """[(upstream addresses tried, status, request id)] of every logged request."""
        out = []
        with open(self.access_log, errors="replace") as f:
            for line in f:
                parts = line.rstrip("\n").split("|")
                if len(parts) != 8:
                    continue
                upstreams = [a.strip() for a in parts[4].split(",") if a.strip() not in ("", "-")]
                out.append((upstreams, parts[1], parts[7]))
        return out


# ---- load ------------------------------------------------------------------------

def request_pool():
    """[(path, body, headers, check(status, headers, body) -> error or None)]."""
    pool = []
    for name, inp, out in h.load_vectors("verify_kzg_proof"):
        if out is None:
            continue
        want_json, want_ssz = h.expected_outputs("verify_kzg_proof", out)

        def check_json(st, data, want=want_json):
            if st != 200:
                return f"status {st}: {data[:200]!r}"
            return None if json.loads(data) == want else f"wrong answer {data[:200]!r}, want {want}"

        def check_ssz(st, data, want=want_ssz):
            if st != 200:
                return f"status {st}: {data[:200]!r}"
            return None if data == want else f"wrong answer {data[:200]!r}, want {want!r}"
        pool.append(("cheap", "/v1/verify_kzg_proof", json.dumps(inp).encode(),
                     {"Content-Type": "application/json"}, check_json))
        pool.append(("cheap", "/v1/verify_kzg_proof", h.ssz_encode("verify_kzg_proof", inp),
                     {"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"}, check_ssz))
    for name, inp, out in h.load_vectors("blob_to_kzg_commitment"):
        if out is None:
            continue
        _, want_ssz = h.expected_outputs("blob_to_kzg_commitment", out)

        def check_blob(st, data, want=want_ssz):
            if st != 200:
                return f"status {st}: {data[:200]!r}"
            return None if data == want else f"wrong commitment {data.hex()[:100]}"
        pool.append(("expensive", "/v1/blob_to_kzg_commitment", h.ssz_encode("blob_to_kzg_commitment", inp),
                     {"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"}, check_blob))
    return pool


class Load:
    """LOAD_THREADS clients through nginx: 3 in 4 requests cheap, 1 in 4 a blob
    commitment; thread 0 opens a new connection for each request, the others
    keep theirs alive. Every answer is checked."""

    def __init__(self, port, pool, label, pause=0.005):
        self.port, self.label, self.pause = port, label, pause
        self.cheap = [p for p in pool if p[0] == "cheap"]
        self.expensive = [p for p in pool if p[0] == "expensive"]
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.sent = 0
        self.ok = collections.Counter()
        self.failures = []  # (request id, what went wrong)
        self.threads = [threading.Thread(target=self._run, args=(k,), daemon=True) for k in range(LOAD_THREADS)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=120)

    def _run(self, k):
        rnd = random.Random(f"{self.label}-{k}")
        conn, n = None, 0
        while not self.stop_event.is_set():
            n += 1
            rid = f"{self.label}-{k}-{n}"
            kind, path, body, headers, check = rnd.choice(self.expensive if rnd.random() < 0.25 else self.cheap)
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
            err = None
            try:
                conn.request("POST", path, body, {**headers, "X-Request-Id": rid})
                r = conn.getresponse()
                data = r.read()
                err = check(r.status, data)
                if err is None and r.getheader("X-Request-Id") != rid:
                    err = f"X-Request-Id {r.getheader('X-Request-Id')!r}"
                if k == 0 or r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except Exception as e:  # noqa: BLE001
                err = f"client error {e!r}"
                conn.close()
                conn = None
            with self.lock:
                self.sent += 1
                if err is None:
                    self.ok[kind] += 1
                else:
                    self.failures.append((rid, err))
            time.sleep(self.pause)
        if conn is not None:
            conn.close()

    def wait_for(self, count, timeout=60):
        """Until `count` more requests were answered (the load is running)."""
        with self.lock:
            target = self.sent + count
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.sent >= target:
                    return
            time.sleep(0.02)
        raise TimeoutError(f"load: {count} requests not answered in {timeout}s")


class Upgrade:
    """One `kzgctl upgrade` of the rolling loop."""

    def __init__(self, inst, label):
        self.inst = inst
        self.log = os.path.join(inst.dir, f"upgrade-{label}.log")
        self.t0 = time.monotonic()
        self.rc, self.out, self.seconds = None, "", 0.0
        self.old = self.new = self.handover_s = None
        self.old_exit = None

    def log_tail(self, n=3000):
        try:
            with open(self.log, "rb") as f:
                return f.read()[-n:].decode(errors="replace")
        except OSError:
            return ""


class ExitCollector:
    """Reaps an instance's process when it exits (it is a child of this one: a
    Popen, or an orphan re-parented here), as its supervisor would; kzgctl
    tells a drained process from a live one with kill(pid, 0), which a zombie
    passes."""

    def __init__(self, inst):
        self.proc, self.pid = inst.proc, inst.pid
        self.code = None
        self.exited = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            if self.proc is not None:
                if self.proc.poll() is not None:
                    self.code = self.proc.returncode
                    break
            else:
                try:
                    got, st = os.waitpid(self.pid, os.WNOHANG)
                    if got == self.pid:
                        self.code = os.waitstatus_to_exitcode(st)
                        break
                except ChildProcessError:
                    if not alive(self.pid):
                        break  # exited, not ours to collect: code None
            time.sleep(0.01)
        else:
            return
        self.exited.set()

    def finish(self, timeout):
        """Its exit status (None: exited, status unknown), or "running"."""
        self.exited.wait(timeout)
        self.stopping.set()
        self.thread.join()
        return self.code if self.exited.is_set() else "running"


def kzgctl(*args, timeout=UPGRADE_TIMEOUT_S + 30):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZGD_")}  # the new kzgd inherits it
    p = subprocess.run([KZGCTL, *args], capture_output=True, text=True, timeout=timeout, env=env,
                       stdin=subprocess.DEVNULL, preexec_fn=h._die_with_parent)
    return p.returncode, p.stdout + p.stderr


def status(instance):
    """(pid, state) from `kzgctl upgrade --status`."""
    rc, out = kzgctl("upgrade", "--socket", instance.socket, "--status", timeout=30)
    m = re.search(r"pid=(\d+) version=(\S*) state=(\w+)", out)
    if rc != 0 or not m:
        raise AssertionError(f"kzgctl upgrade --status: rc {rc}: {out}")
    return int(m.group(1)), m.group(3)


# ---- the test --------------------------------------------------------------------

SUMMARY = []


def dump_logs_on_failure(test):
    """Marks the class failed (tearDownClass prints the logs) when `test` raises."""
    def wrapper(self):
        try:
            return test(self)
        except BaseException:
            type(self).failed = True
            raise
    wrapper.__name__, wrapper.__doc__ = test.__name__, test.__doc__
    return wrapper


def tail_of(path, n=4000, skip=None):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()
    except OSError:
        return ""
    if skip:
        lines = [l for l in lines if not skip(l)]
    return "\n".join(lines)[-n:]


class Fleet(unittest.TestCase):
    failed = False

    @classmethod
    def setUpClass(cls):
        try:
            cls.start_fleet()
        except BaseException:
            cls.failed = True
            cls.tearDownClass()
            raise

    @classmethod
    def start_fleet(cls):
        h.require_binary()
        h.require_vectors()
        if not (KZGCTL and os.access(KZGCTL, os.X_OK)):
            raise RuntimeError(f"KZGCTL not set: {KZGCTL!r}")
        cls.t0 = time.monotonic()
        cls.reaper = Reaper()
        cls.tmp = cls.reaper.tmp
        # The "new build": a copy, so that the processes of each build are told apart.
        cls.new_build = os.path.join(cls.tmp, "kzgd-new")
        shutil.copy2(h.KZGD, cls.new_build)
        cls.pool = request_pool()
        cls.instances = [Instance(cls.reaper, i + 1) for i in range(INSTANCES)]
        for inst in cls.instances:
            inst.start(h.KZGD)
        for inst in cls.instances:
            inst.port = inst.read_port()
        for inst in cls.instances:
            inst.wait_ready()
        cls.nginx = Nginx(cls.reaper, [i.port for i in cls.instances])
        st, data = http_get(cls.nginx.port, "/v1/info")
        assert st == 200, (st, data)
        SUMMARY.append(f"fleet up in {time.monotonic() - cls.t0:.1f}s: kzgd on ports "
                       f"{[i.port for i in cls.instances]}, nginx on {cls.nginx.port}")

    @classmethod
    def tearDownClass(cls):
        reaper = getattr(cls, "reaper", None)
        if reaper is None:
            return
        try:
            if hasattr(cls, "nginx"):
                SUMMARY.append(cls.spread_text())
                retried = cls.retried_text()
                if retried:
                    SUMMARY.append("retried by nginx:\n" + retried)
                cls.nginx.stop()
            if cls.failed:
                cls.dump_logs()
        finally:
            reaper.cleanup()
            SUMMARY.append(f"total {time.monotonic() - cls.t0:.1f}s")
            print("\n== fleet summary ==\n" + "\n".join(SUMMARY), file=sys.stderr)

    @classmethod
    def dump_logs(cls):
        """The logs that tell what went wrong (request lines left out)."""
        out = []
        for inst in getattr(cls, "instances", []):
            for name in sorted(os.listdir(inst.dir)):
                if name.endswith(".log"):
                    text = tail_of(os.path.join(inst.dir, name), skip=lambda l: '"msg":"request"' in l)
                    out.append(f"---- kzgd{inst.index}/{name} ----\n{text}")
        text = tail_of(os.path.join(cls.tmp, "nginx-error.log"), n=6000,
                       skip=lambda l: "closed keepalive connection" in l)
        out.append(f"---- nginx-error.log ----\n{text}")
        print("\n== fleet logs ==\n" + "\n".join(out), file=sys.stderr)

    @classmethod
    def spread(cls, prefix=""):
        """{port: requests} of the load requests (id starting with prefix) by the
        instance that answered, and how many nginx sent to a second instance."""
        by_port, retried = collections.Counter(), 0
        for upstreams, _, rid in cls.nginx.access_records():
            if not rid.startswith(prefix) or rid == "-":
                continue
            if upstreams:
                by_port[upstreams[-1].rsplit(":", 1)[-1]] += 1
            retried += len(upstreams) > 1
        return by_port, retried

    @classmethod
    def kzgd_request_ids(cls):
        """{request id: number of kzgd access lines} over every kzgd log of the fleet."""
        seen = collections.Counter()
        for inst in cls.instances:
            for name in os.listdir(inst.dir):
                if name.endswith(".log"):
                    with open(os.path.join(inst.dir, name), errors="replace") as f:
                        for line in f:
                            if '"msg":"request"' in line:
                                try:
                                    seen[json.loads(line).get("request_id")] += 1
                                except ValueError:
                                    pass
        return seen

    @classmethod
    def retried_text(cls):
        """The requests nginx sent to a second instance, and whether the first had read them."""
        seen = cls.kzgd_request_ids()
        lines = []
        for upstreams, st, rid in cls.nginx.access_records():
            if len(upstreams) > 1:
                lines.append(f"  {rid}: {' then '.join(upstreams)} -> {st}; "
                             f"read by {seen.get(rid, 0)} kzgd process(es)")
        return "\n".join(lines)

    @classmethod
    def spread_text(cls):
        by_port, retried = cls.spread()
        parts = [f"kzgd{i.index} (:{i.port}) {by_port.get(str(i.port), 0)}" for i in cls.instances]
        errors = "".join(f"\n  {n} x {what}" for what, n in cls.nginx.upstream_errors().most_common())
        return (f"answered by: {', '.join(parts)}; retried on another instance by nginx: {retried}; "
                f"nginx's failed upstream attempts:{errors or ' none'}")

    # -- helpers --

    def pids(self):
        return [status(i)[0] for i in self.instances]

    def rolling_upgrade(self, binary, label):
        """The rolling loop: upgrades instance 1, 2, 3 in turn and stops at the
        first failure. [Upgrade] of the instances it tried."""
        done = []
        for inst in self.instances:
            u = Upgrade(inst, label)
            collector = ExitCollector(inst)  # reaps the old process, as its supervisor would
            u.rc, u.out = kzgctl("upgrade", "--socket", inst.socket, "--timeout", str(UPGRADE_TIMEOUT_S),
                                 "--log", u.log, "--", binary, *inst.args(f"127.0.0.1:{inst.port}"))
            u.seconds = time.monotonic() - u.t0
            m = re.search(r"upgraded: pid (\d+) \(version [^)]*\) -> pid (\d+) \(version [^)]*\) in ([0-9.]+) s",
                          u.out)
            if m:
                u.old, u.new, u.handover_s = int(m.group(1)), int(m.group(2)), float(m.group(3))
                self.reaper.add_pid(u.new)
            u.old_exit = collector.finish(DRAIN_EXIT_S if u.rc == 0 else 0)
            done.append(u)
            if u.rc != 0:
                break
        return done

    def assert_serving(self, load):
        for inst in self.instances:
            st, data = http_get(inst.port, "/v1/info")
            self.assertEqual(st, 200, f"kzgd{inst.index}: {data[:300]!r}")
            self.assertFalse(json.loads(data)["state"]["draining"])
        st, data = http_get(self.nginx.port, "/v1/info")
        self.assertEqual(st, 200, data[:300])
        load.wait_for(20)  # and the load still gets answers

    def load_report(self, load, label):
        by_port, retried = self.spread(label + "-")
        per = ", ".join(f"kzgd{i.index} {by_port.get(str(i.port), 0)}" for i in self.instances)
        SUMMARY.append(f"{label}: {load.sent} requests ({load.ok['cheap']} cheap, {load.ok['expensive']} blob "
                       f"commitments) ok, {len(load.failures)} failed; answered by {per}; "
                       f"retried by nginx {retried}")
        self.assertEqual(load.failures[:20], [], f"{len(load.failures)} failed requests")
        return by_port

    # -- the tests, in order --

    @dump_logs_on_failure
    def test_1_rolling_upgrade(self):
        before = self.pids()
        self.assertEqual(before, [i.pid for i in self.instances])
        with Load(self.nginx.port, self.pool, "roll") as load:
            load.wait_for(30)
            done = self.rolling_upgrade(self.new_build, "roll")
            for u in done:
                inst = u.inst
                self.assertEqual(u.rc, 0, f"kzgd{inst.index}: {u.out}\n{inst.tail()}\n{u.log_tail()}")
                self.assertIsNotNone(u.new, u.out)
                self.assertEqual(u.old, inst.pid)
                SUMMARY.append(f"kzgd{inst.index}: pid {u.old} -> {u.new}: handover {u.handover_s:.2f}s, "
                               f"with the old one's drain and exit {u.seconds:.2f}s")
                # The old process drained and exited 0 (None: not our child to tell).
                self.assertIn(u.old_exit, (0,) if self.reaper.subreaper else (0, None),
                              f"kzgd{inst.index}: old pid {u.old}: {u.old_exit}")
                inst.proc, inst.pid = None, u.new
                # The new one took the port over, and serves the next handover.
                self.assertEqual(inst.read_port(), inst.port)
                self.assertEqual(status(inst), (u.new, "serving"))
                with open(f"/proc/{u.new}/cmdline", "rb") as f:
                    self.assertEqual(f.read().split(b"\0")[0].decode(), self.new_build)
            self.assertEqual(len(done), INSTANCES)
            self.assert_serving(load)
            load.wait_for(30)
        after = self.pids()
        self.assertTrue(all(a != b for a, b in zip(before, after)), (before, after))
        self.assertEqual(after, [i.pid for i in self.instances])
        by_port = self.load_report(load, "roll")
        total = sum(by_port.values())
        for inst in self.instances:
            self.assertGreater(by_port.get(str(inst.port), 0), total // 10,
                               f"kzgd{inst.index} answered too few of {total}: {dict(by_port)}")

    def broken_upgrade(self, binary, label):
        before = self.pids()
        with Load(self.nginx.port, self.pool, label) as load:
            load.wait_for(30)
            done = self.rolling_upgrade(binary, label)
            self.assertEqual(len(done), 1, "the rolling loop went on after a failed upgrade")
            u = done[0]
            self.assertEqual(u.inst.index, 1)
            self.assertEqual(u.rc, 1, u.out)
            self.assertIn("upgrade failed", u.out)
            self.assertIn(f"pid {before[0]} keeps serving", u.out)
            self.assertEqual(u.old_exit, "running")
            SUMMARY.append(f"{label}: kzgd1 upgrade failed after {u.seconds:.2f}s "
                           f"({u.out.strip().splitlines()[-1] if u.out.strip() else ''})")
            # Nothing of the broken build is left running.
            deadline = time.monotonic() + 10
            while True:
                left = [pid for pid in running_with(binary) if pid != os.getpid()]
                if not left or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            self.assertEqual(left, [], f"processes of the broken build still running: {left}")
            self.assertEqual(self.pids(), before)
            self.assertEqual(status(self.instances[0]), (before[0], "serving"))
            self.assert_serving(load)
            load.wait_for(30)
        self.assertEqual(self.pids(), before)
        self.load_report(load, label)

    @dump_logs_on_failure
    def test_2_broken_self_test(self):
        self.assertTrue(KZGD_BROKEN and os.access(KZGD_BROKEN, os.X_OK), f"KZG_FLEET_BROKEN not set: {KZGD_BROKEN!r}")
        binary = os.path.join(self.tmp, "kzgd-broken-self-test")
        shutil.copy2(KZGD_BROKEN, binary)
        self.broken_upgrade(binary, "broken-self-test")

    @dump_logs_on_failure
    def test_3_broken_exits_at_once(self):
        binary = os.path.join(self.tmp, "kzgd-broken-exit")
        with open(binary, "w") as f:
            f.write("#!/bin/sh\necho 'kzgd-broken-exit: refusing to start' >&2\nexit 1\n")
        os.chmod(binary, os.stat(binary).st_mode | stat.S_IXUSR)
        self.broken_upgrade(binary, "broken-exit")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
