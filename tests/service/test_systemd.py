#!/usr/bin/env python3
"""kzgd under systemd: the readiness protocol (src/service/sd_notify.hpp),
kzgd --check-config, and the unit file deploy/systemd/kzgd.service.

- READY=1 reaches $NOTIFY_SOCKET (a path, or an @abstract name) from kzgd's
  own pid, once and only when /readyz says ready; SIGTERM sends STOPPING=1
  while kzgd still runs (before its drain ends); an unreachable NOTIFY_SOCKET
  is logged, never fatal.
- A socket hand-over (kzgctl upgrade, as the unit's ExecReload) makes the new
  process send MAINPID=<its pid> and READY=1; the old process, draining after
  the hand-over, sends no STOPPING=1. A new process stopped before it took
  over sends neither, and the old one keeps serving.
- --check-config: exit 0 and each key's value and source (default, file
  PATH:LINE, env VAR, flag) for a valid configuration, without binding or
  loading the setup; non-zero naming the file line otherwise. Every key of
  config.cpp's table is a row of docs/service.md's configuration table.
- The unit: Type=notify, NotifyAccess=all, ExecStart/ExecReload whose
  arguments kzgd --check-config and kzgctl accept, the hardening keys;
  `systemd-analyze verify` (and `security --offline`) where installed.

Run as: test_systemd.py KZGD_BINARY VECTORS_DIR, with KZGCTL in the environment
(without it, or with KZG_TEST_NO_KZGCTL=1, the hand-over starts the new kzgd
directly and the unit's ExecReload is not run)."""
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402
from tempdir_case import TempDirCase  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNIT = os.path.join(ROOT, "deploy", "systemd", "kzgd.service")
DOCS = os.path.join(ROOT, "docs", "service.md")
KZGCTL = os.environ.get("KZGCTL")
NO_KZGCTL = os.environ.get("KZG_TEST_NO_KZGCTL", "") not in ("", "0")


alive, stop_pid = h.alive, h.stop_pid


class NotifySocket:
    """What systemd listens on: an AF_UNIX datagram socket, with the sender's
    credentials (SO_PASSCRED) on every message."""

    def __init__(self, directory=None, abstract=False):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        if abstract:
            name = "kzgd-test-" + uuid.uuid4().hex
            self.sock.bind("\0" + name)
            self.env = "@" + name
        else:
            self.env = os.path.join(directory, "notify.sock")
            self.sock.bind(self.env)
        self.messages = []  # (sender pid, {VAR: VALUE}, raw text, monotonic time)

    def close(self):
        self.sock.close()

    def poll(self, timeout=0.0):
        """Reads what has arrived (waiting up to `timeout` for the first message)."""
        self.sock.settimeout(timeout if timeout > 0 else None)
        if timeout <= 0:
            self.sock.setblocking(False)
        got = []
        while True:
            try:
                data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(struct.calcsize("iII")))
            except (BlockingIOError, socket.timeout):
                break
            pid = None
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", payload[:struct.calcsize("iII")])[0]
            text = data.decode()
            fields = dict(line.split("=", 1) for line in text.split("\n") if "=" in line)
            got.append((pid, fields, text, time.monotonic()))
            self.sock.setblocking(False)
        self.messages.extend(got)
        return got

    def wait_for(self, predicate, timeout, on_idle=None):
        """The first message (pid, fields, text, t) for which predicate(pid, fields) holds."""
        deadline = time.monotonic() + h.scaled(timeout)
        seen = 0
        while time.monotonic() < deadline:
            self.poll(0.05)
            for m in self.messages[seen:]:
                if predicate(m[0], m[1]):
                    return m
            seen = len(self.messages)
            if on_idle:
                on_idle()
        raise AssertionError(f"no such notification within {timeout} s; got {[m[2] for m in self.messages]}")

    def sent_by(self, pid, var):
        return [m for m in self.messages if m[0] == pid and var in m[1]]


class Readiness(unittest.TestCase):
    def setUp(self):
        h.require_binary()
        self.tmp = tempfile.TemporaryDirectory(prefix="kzgd-systemd-")
        self.addCleanup(self.tmp.cleanup)

    def notify_socket(self, abstract=False):
        n = NotifySocket(self.tmp.name, abstract)
        self.addCleanup(n.close)
        return n

    def start(self, n, *args):
        k = h.Kzgd("--access-log", "false", *args, env={"NOTIFY_SOCKET": n.env}, ready=False)
        self.addCleanup(k.close)
        return k

    def check_ready(self, n, k):
        """READY=1 once, from kzgd itself, and only when /readyz says ready."""
        early = []

        def probe():  # /readyz while READY=1 has not arrived: must not be ready before setup + self-test
            try:
                st = k.request("GET", "/readyz", timeout=5)[0]
            except OSError:
                return
            early.append(st)

        pid, fields, text, _ = n.wait_for(lambda p, f: "READY" in f, 60, on_idle=probe)
        self.assertEqual(fields["READY"], "1", text)
        self.assertEqual(pid, k.proc.pid, "READY=1 must come from kzgd's own pid")
        self.assertNotIn("MAINPID", fields)  # a fresh start: systemd knows its main pid
        # Sent after the setup loaded and the self-test passed: the log says so
        # already, and /readyz agrees at once.
        records = k.log_records()
        self.assertTrue(any(r["msg"] == "trusted setup loaded" for r in records), records)
        self.assertTrue(any(r["msg"] == "ready" and r.get("self_test_passed") is True for r in records))
        self.assertEqual(k.request("GET", "/readyz")[0], 200)
        # Every /readyz answered 200 before READY=1 came at most a moment before it
        # (the notification follows the readiness flip); none came while loading.
        self.assertLessEqual(early.count(200), 5, early)
        return fields

    def test_ready_then_stopping_on_sigterm(self):
        n = self.notify_socket()
        k = self.start(n, "--shutdown-delay", "1")
        fields = self.check_ready(n, k)
        self.assertIn("STATUS", fields)
        time.sleep(0.3)
        n.poll()
        self.assertEqual(len(n.sent_by(k.proc.pid, "READY")), 1, [m[2] for m in n.messages])
        self.assertEqual(n.sent_by(k.proc.pid, "STOPPING"), [])
        k.signal(signal.SIGTERM)
        pid, fields, text, _ = n.wait_for(lambda p, f: "STOPPING" in f, 10)
        # While kzgd still runs: the notification opens the drain, it does not follow it.
        self.assertIsNone(k.proc.poll(), "STOPPING=1 must arrive before kzgd exits")
        self.assertEqual((pid, fields["STOPPING"]), (k.proc.pid, "1"), text)
        self.assertEqual(k.wait(30), 0)
        n.poll()
        self.assertEqual(len(n.sent_by(k.proc.pid, "STOPPING")), 1)

    def test_abstract_socket(self):
        n = self.notify_socket(abstract=True)
        k = self.start(n)
        self.check_ready(n, k)
        k.signal(signal.SIGTERM)
        n.wait_for(lambda p, f: f.get("STOPPING") == "1" and p == k.proc.pid, 10)
        self.assertEqual(k.wait(30), 0)

    def test_unreachable_notify_socket_is_not_fatal(self):
        for value in (os.path.join(self.tmp.name, "nobody-listens.sock"), "relative/path"):
            with self.subTest(NOTIFY_SOCKET=value):
                with h.Kzgd("--access-log", "false", env={"NOTIFY_SOCKET": value}) as k:
                    self.assertEqual(k.request("GET", "/readyz")[0], 200)
                    records = k.wait_log(lambda rs: any(r["msg"] == "cannot notify the service manager"
                                                        for r in rs))
                    warn = [r for r in records if r["msg"] == "cannot notify the service manager"]
                    self.assertTrue(warn, records)
                    self.assertIn("READY=1", warn[0]["state"])

    def test_no_notify_socket_no_notification(self):
        # Without NOTIFY_SOCKET nothing is sent (and nothing is logged about it).
        saved = os.environ.pop("NOTIFY_SOCKET", None)  # the harness passes os.environ on
        try:
            with h.Kzgd("--access-log", "false", "--log-level", "debug") as k:
                msgs = [r["msg"] for r in k.log_records()]
                self.assertNotIn("notified the service manager", msgs)
                self.assertNotIn("cannot notify the service manager", msgs)
        finally:
            if saved is not None:
                os.environ["NOTIFY_SOCKET"] = saved


class Handover(unittest.TestCase):
    """MAINPID=<new pid> on a hand-over, as `systemctl reload` (kzgctl upgrade) does it."""

    def setUp(self):
        h.require_binary()
        self.use_kzgctl = bool(KZGCTL and os.access(KZGCTL, os.X_OK))
        if not self.use_kzgctl and not NO_KZGCTL and h.STRICT:
            self.fail(f"KZGCTL must name an executable (got {KZGCTL!r})")
        self.tmp = tempfile.TemporaryDirectory(prefix="kzgd-systemd-")
        self.addCleanup(self.tmp.cleanup)
        self.n = NotifySocket(self.tmp.name)
        self.addCleanup(self.n.close)
        self.sock = os.path.join(self.tmp.name, "upgrade.sock")
        self.k = h.Kzgd("--upgrade-socket", self.sock, "--access-log", "false",
                        env={"NOTIFY_SOCKET": self.n.env})
        self.addCleanup(self.k.close)
        self.started = []
        self.addCleanup(lambda: [stop_pid(p) for p in self.started])
        self.n.wait_for(lambda p, f: f.get("READY") == "1" and p == self.k.proc.pid, 30)

    def new_args(self):
        return [h.KZGD, "--listen", "127.0.0.1:0", "--ports-file", self.k.ports_file, "--access-log", "false"]

    def upgrade(self):
        """The new pid, after an upgrade that succeeded."""
        env = dict(os.environ, NOTIFY_SOCKET=self.n.env)
        if self.use_kzgctl:
            p = subprocess.run([KZGCTL, "upgrade", "--socket", self.sock, "--timeout", "120", "--no-wait-old",
                                "--log", os.path.join(self.tmp.name, "new.log"), "--", *self.new_args()],
                               capture_output=True, text=True, timeout=h.scaled(180), env=env)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            pid = int(re.search(r"started pid (\d+)", p.stdout).group(1))
            self.started.append(pid)
            return pid
        log = open(os.path.join(self.tmp.name, "new.log"), "ab")
        self.addCleanup(log.close)
        proc = subprocess.Popen([*self.new_args(), "--upgrade-socket", self.sock], stdout=log, stderr=log,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        self.addCleanup(lambda: (stop_pid(proc.pid), proc.wait(timeout=60)))
        return proc.pid

    def test_mainpid_on_handover(self):
        old = self.k.proc.pid
        new = self.upgrade()
        pid, fields, text, _ = self.n.wait_for(lambda p, f: "MAINPID" in f, 60)
        self.assertEqual(fields["MAINPID"], str(new), text)
        self.assertEqual(pid, new, "MAINPID= must come from the new process")
        self.assertEqual(fields.get("READY"), "1", text)  # MAINPID first, then READY=1: one datagram, in order
        self.assertLess(text.index("MAINPID="), text.index("READY=1"))
        self.assertEqual(self.k.proc.wait(timeout=h.scaled(60)), 0)  # the old one drained and exited
        self.n.poll(0.3)
        # The old process's drain is no stop of the service: no STOPPING=1 from it.
        self.assertEqual(self.n.sent_by(old, "STOPPING"), [], [m[2] for m in self.n.messages])
        self.assertEqual(len(self.n.sent_by(new, "MAINPID")), 1)
        # The new main process: its SIGTERM is the service's stop.
        os.kill(new, signal.SIGTERM)
        self.n.wait_for(lambda p, f: p == new and f.get("STOPPING") == "1", 10)

    def test_stopped_before_takeover_sends_nothing(self):
        # A new process stopped while it loads (kzgctl upgrade's timeout, or a
        # stop meanwhile) is not the main process: no STOPPING=1, no MAINPID=,
        # and the old process keeps serving.
        log_path = os.path.join(self.tmp.name, "early.log")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([*self.new_args(), "--upgrade-socket", self.sock], stdout=log, stderr=log,
                                    stdin=subprocess.DEVNULL, env=dict(os.environ, NOTIFY_SOCKET=self.n.env))
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.monotonic() + h.scaled(30)
        while time.monotonic() < deadline:
            with open(log_path) as f:
                if "taking over from the running kzgd" in f.read():
                    break
            time.sleep(0.01)
        else:
            self.fail("the new process did not start its takeover")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=h.scaled(60))
        self.n.poll(0.3)
        self.assertEqual([m for m in self.n.messages if m[0] == proc.pid], [])
        with open(log_path) as f:
            log = f.read()
        self.assertIn("stopped before taking over", log)
        time.sleep(0.3)
        self.assertIsNone(self.k.proc.poll(), "the old process must keep serving")
        self.assertEqual(self.k.request("GET", "/readyz")[0], 200)
        self.assertEqual(self.n.sent_by(self.k.proc.pid, "STOPPING"), [])


# ---- kzgd --check-config -----------------------------------------------------

def check_rows(out):
    """{key: (value, source)} from --check-config's table."""
    rows = {}
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("KEY"))
    for line in lines[header + 1:]:
        if not line.strip():
            continue
        key, value, source = re.match(r"(\S+)\s+(\S+(?: \S+)*?)\s{2,}(\S.*)$", line).groups()
        rows[key] = (value, source)
    return rows


def table_keys():
    """The keys of config.cpp's table, from --help (generated from it)."""
    rc, out, err = h.run_kzgd("--help")
    assert rc == 0, err
    keys = re.findall(r"^  --([a-z0-9-]+) V\b", out, re.M)
    assert len(keys) > 20, out
    return keys


class CheckConfig(TempDirCase):
    tmp_prefix = "kzgd-check-"

    def setUp(self):
        h.require_binary()
        super().setUp()

    def test_valid_prints_sources_and_touches_nothing(self):
        conf = self.write("kzgd.conf", "# a comment\n\nworkers = 2\nmax-cells = 30\nmax-queue = 7\n")
        setup = self.write("not-a-setup.txt", "this is no trusted setup\n")  # never loaded
        ports = os.path.join(self.tmp.name, "ports")
        busy = socket.socket()  # a port in use: --check-config never binds
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        self.addCleanup(busy.close)
        listen = f"127.0.0.1:{busy.getsockname()[1]}"
        t0 = time.monotonic()
        rc, out, err = h.run_kzgd("--check-config", "--config", conf, "--listen", listen, "--ports-file", ports,
                                  "--setup", setup, "--max-queue", "9",
                                  env={"KZGD_MAX_CELLS": "40", "KZGD_IDLE_TIMEOUT": "12.5"})
        self.assertEqual(rc, 0, out + err)
        self.assertLess(time.monotonic() - t0, h.scaled(5))
        self.assertIn("configuration is valid", out)
        self.assertIn(f"config file: {conf}", out)
        rows = check_rows(out)
        self.assertEqual(rows["workers"], ("2", f"file {conf}:3"))
        self.assertEqual(rows["max-cells"], ("40", f"env KZGD_MAX_CELLS (overrides file {conf}:4)"))
        self.assertEqual(rows["idle-timeout"], ("12.5", "env KZGD_IDLE_TIMEOUT"))
        self.assertEqual(rows["max-queue"], ("9", f"flag --max-queue (overrides file {conf}:5)"))
        self.assertEqual(rows["listen"], (listen, "flag --listen"))
        self.assertEqual(rows["setup"], (setup, "flag --setup"))
        self.assertEqual(rows["read-timeout"], ("30", "default"))
        self.assertEqual(rows["admin-listen"][1], "default")
        self.assertEqual(sorted(rows), sorted(table_keys()))  # every key, nothing else
        self.assertFalse(os.path.exists(ports), "--check-config must not write the ports file")
        self.assertEqual(err, "")

    def test_errors_name_the_file_line(self):
        bad_key = self.write("bad-key.conf", "workers = 2\n# fine so far\nfoo = 1\n")
        bad_value = self.write("bad-value.conf", "listen = 127.0.0.1:0\nmax-queue = lots\n")
        ok = self.write("ok.conf", "workers = 1\n")
        for args, env, want in [
            (["--config", bad_key], None, f'{bad_key}:3: unknown key "foo"'),
            (["--config", bad_value], None, f'invalid value "lots" for {bad_value}:2 max-queue'),
            (["--config", ok, "--workers", "x"], None, 'invalid value "x" for --workers'),
            (["--config", ok], {"KZGD_WORKERS": "-3"}, 'invalid value "-3" for KZGD_WORKERS'),
            (["--config", ok], {"KZGD_NO_SUCH": "1"}, "unknown environment variable KZGD_NO_SUCH"),
            (["--setup", os.path.join(self.tmp.name, "missing.txt")], None, "setup: cannot read"),
            (["--tls-cert", ok], None, "tls-cert and tls-key go together"),
        ]:
            with self.subTest(args=args, env=env):
                rc, out, err = h.run_kzgd("--check-config", *args, env=env)
                self.assertNotEqual(rc, 0, out)
                self.assertIn(want, err)
                self.assertNotIn("valid", out)

    def test_docs_list_every_key(self):
        with open(DOCS) as f:
            docs = f.read()
        rows = set(re.findall(r"^\| `([a-z0-9-]+)` \| `--\1` \| `KZGD_[A-Z0-9_]+` \|", docs, re.M))
        missing = [k for k in table_keys() if k not in rows]
        self.assertEqual(missing, [], f"keys of src/service/config.cpp missing from {DOCS}'s configuration table")
        for key in table_keys():
            env = "KZGD_" + key.upper().replace("-", "_")
            self.assertIn(f"| `{key}` | `--{key}` | `{env}` |", docs)
        self.assertIn("--check-config", docs)


# ---- deploy/systemd/kzgd.service -------------------------------------------------

def parse_unit(path):
    """{section: {key: [values]}} (keys may repeat; backslash continuations joined)."""
    sections, current = {}, None
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


class Unit(unittest.TestCase):
    def setUp(self):
        h.require_binary()
        self.unit = parse_unit(UNIT)
        self.svc = self.unit["Service"]
        self.tmp = tempfile.TemporaryDirectory(prefix="kzgd-unit-")
        self.addCleanup(self.tmp.cleanup)

    def one(self, key):
        values = self.svc.get(key)
        self.assertTrue(values, f"{key}= is missing")
        return values[-1]

    def exec_start(self):
        argv = shlex.split(self.one("ExecStart"))
        self.assertEqual(argv[0], "/usr/bin/kzgd")
        return argv

    def check_config(self, argv):
        """kzgd --check-config with the unit's arguments (the config file replaced)."""
        conf = os.path.join(self.tmp.name, "kzgd.conf")
        with open(conf, "w") as f:
            f.write("listen = 127.0.0.1:4844\n")
        args = [conf if a == "/etc/kzgd/kzgd.conf" else a for a in argv[1:]]
        rc, out, err = h.run_kzgd("--check-config", *args)
        self.assertEqual(rc, 0, f"kzgd --check-config {' '.join(args)}: {out} {err}")
        return check_rows(out)

    def test_type_and_commands(self):
        self.assertEqual(self.one("Type"), "notify")
        self.assertEqual(self.one("NotifyAccess"), "all")  # MAINPID= from the process kzgctl started
        argv = self.exec_start()
        self.assertEqual(argv[argv.index("--config") + 1], "/etc/kzgd/kzgd.conf")  # where the package puts it
        rows = self.check_config(argv)
        sock = rows["upgrade-socket"][0]
        self.assertEqual(rows["upgrade-socket"][1], "flag --upgrade-socket")
        self.assertEqual(os.path.dirname(sock), "/run/" + self.one("RuntimeDirectory"))
        # ExecReload: kzgctl upgrade on the same socket, with the same kzgd and arguments.
        reload = shlex.split(self.one("ExecReload"))
        self.assertEqual(reload[:2], ["/usr/bin/kzgctl", "upgrade"])
        sep = reload.index("--")
        opts, new = reload[2:sep], reload[sep + 1:]
        self.assertEqual(opts[opts.index("--socket") + 1], sock)
        start_args = [a for i, a in enumerate(argv) if a != "--upgrade-socket" and argv[i - 1] != "--upgrade-socket"]
        self.assertEqual(new, start_args)  # kzgctl adds --upgrade-socket itself
        if "--log" in opts:
            self.assertEqual(os.path.dirname(opts[opts.index("--log") + 1]), "/var/log/" + self.one("LogsDirectory"))
        kzgctl_timeout = float(opts[opts.index("--timeout") + 1]) if "--timeout" in opts else 120
        self.assertLess(kzgctl_timeout, float(self.one("TimeoutStartSec").rstrip("s")))  # bounds a reload too
        if KZGCTL and os.access(KZGCTL, os.X_OK):
            # kzgctl parses these options: it gets as far as asking the (absent) kzgd.
            nowhere = os.path.join(self.tmp.name, "none.sock")
            args = [nowhere if a == sock else a for a in reload[2:]]
            p = subprocess.run([KZGCTL, "upgrade", *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("no kzgd serves upgrades", p.stderr)
        elif h.STRICT and not NO_KZGCTL:
            self.fail(f"KZGCTL must name an executable (got {KZGCTL!r})")

    def test_stop_timeout_covers_the_drain(self):
        rows = self.check_config(self.exec_start())
        drain = float(rows["drain-timeout"][0]) + float(rows["shutdown-delay"][0])
        self.assertGreater(float(self.one("TimeoutStopSec").rstrip("s")), drain)
        self.assertEqual(self.one("Restart"), "on-failure")
        self.assertTrue(self.one("RestartSec"))

    def test_user_and_hardening(self):
        want = {
            "User": "kzgd", "Group": "kzgd", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
            "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes", "ProtectKernelTunables": "yes",
            "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes",
            "LockPersonality": "yes", "MemoryDenyWriteExecute": "yes", "RestrictNamespaces": "yes",
            "RestrictRealtime": "yes", "RestrictSUIDSGID": "yes", "SystemCallArchitectures": "native",
            "CapabilityBoundingSet": "",
        }
        for key, value in want.items():
            with self.subTest(key=key):
                self.assertEqual(self.one(key), value)
        self.assertEqual(sorted(self.one("RestrictAddressFamilies").split()), ["AF_INET", "AF_INET6", "AF_UNIX"])
        self.assertIn("@system-service", self.svc["SystemCallFilter"])
        self.assertGreaterEqual(int(self.one("LimitNOFILE")), 4096)
        self.assertIn("multi-user.target", self.unit["Install"]["WantedBy"])

    def test_systemd_analyze(self):
        tool = shutil.which("systemd-analyze")
        if not tool:
            h.skip_or_fail(self, "systemd-analyze is not installed")
        # verify wants the commands to exist: the built binaries stand in for /usr/bin's.
        with open(UNIT) as f:
            text = f.read()
        kzgctl = KZGCTL if KZGCTL and os.access(KZGCTL, os.X_OK) else "/bin/true"
        text = text.replace("/usr/bin/kzgctl", kzgctl).replace("/usr/bin/kzgd", h.KZGD)
        unit = os.path.join(self.tmp.name, "kzgd.service")
        with open(unit, "w") as f:
            f.write(text)
        p = subprocess.run([tool, "verify", unit], capture_output=True, text=True, timeout=60, cwd=self.tmp.name)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stderr.strip(), "")
        p = subprocess.run([tool, "security", "--offline=true", "--no-pager", unit], capture_output=True, text=True,
                           timeout=60, cwd=self.tmp.name)
        m = re.search(r"Overall exposure level for kzgd\.service: (\d+\.\d+)", p.stdout)
        if p.returncode == 0 and m:  # systemd >= 252
            self.assertLessEqual(float(m.group(1)), 2.5, p.stdout)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
