#!/usr/bin/env python3
"""kzgctl as a client of kzgd: https:// with certificate and hostname
verification (--cacert, KZGCTL_CACERT), plain http://, DNS names and IP
literals, and `kzgctl --server URL <command>`, whose stdout, stderr and exit
status must equal the local run's byte for byte on consensus-spec vector
inputs (valid, invalid-proof and bad-input cases), with kzgd's access log
showing that the calls were served remotely.

A throwaway CA and server certificates are made with the openssl CLI in a
temporary directory: one for localhost and 127.0.0.1 (SAN), one for another
name only.
Run as: test_kzgctl_remote.py KZGD_BINARY VECTORS_DIR, with KZGCTL set to the
kzgctl binary."""
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

KZGCTL = os.environ.get("KZGCTL")

# function -> (kzgctl command, how its arguments come from a vector's input)
COMMANDS = {
    "blob_to_kzg_commitment": ("blob-to-commitment", ["@blob"]),
    "compute_kzg_proof": ("compute-proof", ["@blob", "z"]),
    "compute_blob_kzg_proof": ("compute-blob-proof", ["@blob", "commitment"]),
    "verify_kzg_proof": ("verify-proof", ["commitment", "z", "y", "proof"]),
    "verify_blob_kzg_proof": ("verify-blob-proof", ["@blob", "commitment", "proof"]),
    "verify_blob_kzg_proof_batch": ("verify-blob-proof-batch", ["@json"]),
    "compute_cells": ("compute-cells", ["@blob"]),
    "compute_cells_and_kzg_proofs": ("compute-cells-and-proofs", ["@blob"]),
    "recover_cells_and_kzg_proofs": ("recover-cells-and-proofs", ["@json"]),
    "verify_cell_kzg_proof_batch": ("verify-cell-proof-batch", ["@json"]),
}


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(d):
    """ca.pem; server.pem/key for localhost + 127.0.0.1; wrong.pem/key for wrong.example only."""
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl is not on PATH: it makes the test certificates (scripts/bootstrap.sh installs it)")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=kzgctl test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    for name, san in (("server", "DNS:localhost,IP:127.0.0.1"), ("wrong", "DNS:wrong.example")):
        # CN=localhost on both: with a SAN present the CN must not be used.
        openssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=localhost", cwd=d)
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext", cwd=d)
    return {n: os.path.join(d, n) for n in ("ca.pem", "server.pem", "server.key", "wrong.pem", "wrong.key")}


def dockerfile_healthcheck():
    """The argv of deploy/docker/Dockerfile's HEALTHCHECK CMD (exec form)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy", "docker", "Dockerfile")
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith("HEALTHCHECK"):
            return json.loads(line[line.index(" CMD ") + 5:].strip())
    raise AssertionError("no HEALTHCHECK in " + path)


def start_tls_kzgd(cert, key, ca):
    k = h.Kzgd("--tls-cert", cert, "--tls-key", key, ready=False)
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False  # the wrong-name server too; kzgctl is what is tested
    deadline = time.monotonic() + h.scaled(120)
    while True:
        try:
            with urllib.request.urlopen(f"https://127.0.0.1:{k.port}/readyz", context=ctx, timeout=5) as r:
                if r.status == 200:
                    return k
        except OSError:
            pass
        if k.proc.poll() is not None:
            raise RuntimeError(f"kzgd (TLS) exited: {k.stderr()}")
        if time.monotonic() > deadline:
            k.close()
            raise RuntimeError("kzgd (TLS) did not become ready")
        time.sleep(0.1)


def kzgctl(*args, env=None, timeout=300):
    """(exit status, stdout bytes, stderr text); KZGCTL_* and SSL_CERT_* come only from env."""
    full = {k: v for k, v in os.environ.items()
            if not k.startswith("KZGCTL_") and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    full.update(env or {})
    p = subprocess.run([KZGCTL, *args], capture_output=True, timeout=h.scaled(timeout), env=full,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


class Remote(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_binary()
        if not KZGCTL or not os.access(KZGCTL, os.X_OK):
            raise RuntimeError(f"KZGCTL must name the kzgctl binary (got {KZGCTL!r})")
        cls.tmp = tempfile.TemporaryDirectory(prefix="kzgctl-remote-")
        cls.pki = make_pki(cls.tmp.name)
        cls.servers = []
        try:
            cls.tls = start_tls_kzgd(cls.pki["server.pem"], cls.pki["server.key"], cls.pki["ca.pem"])
            cls.servers.append(cls.tls)
            cls.wrong = start_tls_kzgd(cls.pki["wrong.pem"], cls.pki["wrong.key"], cls.pki["ca.pem"])
            cls.servers.append(cls.wrong)
            cls.plain = h.Kzgd()
            cls.servers.append(cls.plain)
        except BaseException:
            cls.tearDownClass()
            raise
        cls.https = f"https://localhost:{cls.tls.port}"
        cls.zero_blob = os.path.join(cls.tmp.name, "zero.blob")  # raw bytes (too long for an argument)
        with open(cls.zero_blob, "wb") as f:
            f.write(bytes(h.BLOB))
        cls.ca = cls.pki["ca.pem"]

    @classmethod
    def tearDownClass(cls):
        for k in cls.servers:
            k.close()
        cls.tmp.cleanup()

    def assert_ok_health(self, rc, out, err):
        self.assertEqual(rc, 0, err)
        self.assertIn(b"checks: ", out)

    # ---- TLS: trust and names -------------------------------------------------

    def test_https_dns_name_with_cacert(self):
        self.assert_ok_health(*kzgctl("--cacert", self.ca, "--server", self.https, "health"))
        # The same through the positional URL, and through an IP address in the SAN.
        self.assert_ok_health(*kzgctl("--cacert", self.ca, "health", self.https))
        self.assert_ok_health(*kzgctl("--cacert", self.ca, "health", f"https://127.0.0.1:{self.tls.port}"))

    def test_environment_variables(self):
        # What the container's HEALTHCHECK uses (deploy/docker/Dockerfile).
        self.assert_ok_health(*kzgctl("health", env={"KZGCTL_SERVER": self.https, "KZGCTL_CACERT": self.ca}))

    def test_dockerfile_healthcheck_over_tls(self):
        # deploy/docker/Dockerfile's HEALTHCHECK command as written, kzgctl's path replaced.
        argv = dockerfile_healthcheck()
        self.assertTrue(any("/usr/local/bin/kzgctl" in a for a in argv), argv)
        argv = [a.replace("/usr/local/bin/kzgctl", KZGCTL) for a in argv]

        def run(env):
            full = {k: v for k, v in os.environ.items() if not k.startswith("KZGCTL_")}
            full.update(env)
            return subprocess.run(argv, capture_output=True, text=True, env=full, timeout=h.scaled(60))

        ip = f"https://127.0.0.1:{self.tls.port}"
        p = run({"KZGCTL_HEALTH_URL": ip, "KZGCTL_CACERT": self.ca})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("checks: ", p.stdout)
        # A certificate for a DNS name only, dialled at 127.0.0.1.
        p = run({"KZGCTL_HEALTH_URL": f"https://127.0.0.1:{self.wrong.port}", "KZGCTL_CACERT": self.ca,
                 "KZGCTL_TLS_SERVER_NAME": "wrong.example"})
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run({"KZGCTL_HEALTH_URL": ip})
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("certificate verify failed", p.stderr)
        p = run({"KZGCTL_HEALTH_URL": f"http://127.0.0.1:{self.plain.port}"})
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_without_cacert_the_certificate_is_refused(self):
        for args in (["health", self.https], ["--server", self.https, "verify-proof", h.INFINITY_HEX,
                                               "0x" + "00" * 32, "0x" + "00" * 32, h.INFINITY_HEX]):
            rc, out, err = kzgctl(*args)
            self.assertNotEqual(rc, 0, err)
            self.assertEqual(out, b"")
            self.assertIn(f"TLS handshake with localhost:{self.tls.port} failed: certificate verify failed", err)
            self.assertIn("--cacert", err)  # says what to do
        # A compute/verify command: status 3 (kzgd unreachable), never 1 ("not valid").
        self.assertEqual(rc, 3)

    def test_wrong_name_fails_hostname_verification(self):
        for url in (f"https://localhost:{self.wrong.port}", f"https://127.0.0.1:{self.wrong.port}"):
            rc, out, err = kzgctl("--cacert", self.ca, "health", url)
            self.assertNotEqual(rc, 0, err)
            self.assertEqual(out, b"")
            self.assertIn("certificate verify failed", err)
            self.assertIn("hostname mismatch", err)
        # The chain itself is fine: the same CA, the right name would pass.
        rc, out, err = kzgctl("--cacert", self.ca, "--server", f"https://localhost:{self.wrong.port}",
                              "blob-to-commitment", self.zero_blob)
        self.assertEqual((rc, out), (3, b""), err)
        self.assertIn("hostname mismatch", err)

    def test_tls_server_name(self):
        # The wrong-name server dialled by address, verified against the name its certificate carries.
        self.assert_ok_health(*kzgctl("--cacert", self.ca, "--tls-server-name", "wrong.example", "health",
                                      f"https://127.0.0.1:{self.wrong.port}"))
        self.assert_ok_health(*kzgctl("health", env={"KZGCTL_SERVER": f"https://127.0.0.1:{self.wrong.port}",
                                                     "KZGCTL_CACERT": self.ca,
                                                     "KZGCTL_TLS_SERVER_NAME": "wrong.example"}))
        # ... and it replaces the URL's host: localhost is then not accepted for it.
        rc, out, err = kzgctl("--cacert", self.ca, "--tls-server-name", "other.example", "health", self.https)
        self.assertNotEqual(rc, 0)
        self.assertIn("not valid for 'other.example'", err)

    def test_a_file_that_is_no_ca(self):
        bogus = os.path.join(self.tmp.name, "bogus.pem")
        with open(bogus, "w") as f:
            f.write("not a certificate\n")
        rc, out, err = kzgctl("--cacert", bogus, "health", self.https)
        self.assertNotEqual(rc, 0)
        self.assertIn("--cacert", err)

    def test_scheme_mismatches_are_named(self):
        rc, _, err = kzgctl("health", f"http://localhost:{self.tls.port}")
        self.assertNotEqual(rc, 0)
        self.assertIn(f"localhost:{self.tls.port}", err)
        rc, _, err = kzgctl("--cacert", self.ca, "health", f"https://localhost:{self.plain.port}")
        self.assertNotEqual(rc, 0)
        self.assertIn(f"TLS handshake with localhost:{self.plain.port} failed", err)

    # ---- plain http, names, literals --------------------------------------------

    def test_plain_http(self):
        for host in ("localhost", "127.0.0.1"):
            self.assert_ok_health(*kzgctl("health", f"http://{host}:{self.plain.port}"))
        rc, out, err = kzgctl("--server", f"http://localhost:{self.plain.port}", "blob-to-commitment", self.zero_blob)
        self.assertEqual((rc, out), (0, h.INFINITY_HEX.encode() + b"\n"), err)

    def test_resolution_and_connection_errors(self):
        rc, out, err = kzgctl("health", "http://no-such-host.invalid:4844")
        self.assertNotEqual(rc, 0)
        self.assertIn("cannot resolve host 'no-such-host.invalid'", err)
        # An IPv6 literal in brackets is parsed and dialled (nothing listens there).
        rc, out, err = kzgctl("--server", f"http://[::1]:{self.plain.port}", "blob-to-commitment", self.zero_blob)
        self.assertEqual(rc, 3)
        self.assertIn(f"[::1]:{self.plain.port}", err)
        rc, out, err = kzgctl("--server", "ftp://localhost", "blob-to-commitment", self.zero_blob)
        self.assertEqual(rc, 2)
        self.assertIn("unsupported scheme", err)

    # ---- --server: the same answers as the local engine ---------------------------

    def args_for(self, function, name, inputs):
        d = os.path.join(self.tmp.name, function, name)
        os.makedirs(d, exist_ok=True)
        args = []
        for spec in COMMANDS[function][1]:
            if spec == "@blob":
                path = os.path.join(d, "blob.hex")
                with open(path, "w") as f:
                    f.write(inputs["blob"])
                args.append(path)
            elif spec == "@json":
                path = os.path.join(d, "input.json")
                with open(path, "w") as f:
                    json.dump(inputs, f)
                args.append(path)
            else:
                args.append(inputs[spec])
        return args

    @staticmethod
    def pick(cases):
        """A few cases of each kind: a result, a false verdict, a rejected input."""
        kinds = {"value": [], "false": [], "null": []}
        for case in cases:
            output = case[2]
            kinds["null" if output is None else "false" if output is False else "value"].append(case)
        return kinds["value"][:2] + kinds["false"][:2] + kinds["null"][:3]

    def test_server_equals_local(self):
        h.require_vectors()
        seen = {}  # function -> set of exit statuses
        checked = 0
        for function, (command, _) in COMMANDS.items():
            cases = self.pick(h.load_vectors(function))
            self.assertTrue(cases, f"no vectors for {function}")
            variants = [[]] if function != "recover_cells_and_kzg_proofs" else [[], ["--cells-only"]]
            for name, inputs, output in cases:
                args = self.args_for(function, name, inputs)
                for extra in variants:
                    local = kzgctl(command, *extra, *args)
                    remote = kzgctl("--cacert", self.ca, "--server", self.https, command, *extra, *args)
                    where = f"{command} {' '.join(extra)} ({name})"
                    self.assertEqual(remote[0], local[0], f"{where}: exit status; stderr {remote[2]!r}")
                    self.assertEqual(remote[1], local[1], f"{where}: stdout differs")
                    self.assertEqual(remote[2], local[2], f"{where}: stderr differs")
                    expected_rc = 2 if output is None else 1 if output is False else 0
                    self.assertEqual(local[0], expected_rc, f"{where}: local exit status; stderr {local[2]!r}")
                    seen.setdefault(function, set()).add(local[0])
                    checked += 1
        for function in COMMANDS:
            self.assertIn(0, seen[function], f"{function}: no successful case compared")
            self.assertIn(2, seen[function], f"{function}: no bad-input case compared")
        self.assertIn(1, seen["verify_kzg_proof"])
        self.assertIn(1, seen["verify_cell_kzg_proof_batch"])
        # kzgd served them: 200s for every function, and 400s (input the
        # library rejects, e.g. an invalid point) passed on as kzgctl's status 2.
        statuses = {}
        for r in self.tls.log_records():
            if r.get("msg") == "request" and str(r.get("route", "")).startswith("/v1/"):
                statuses.setdefault(r["route"][4:], set()).add(r.get("status"))
        for function in COMMANDS:
            self.assertIn(200, statuses.get(function, set()), f"{function} was not served by kzgd: {statuses}")
        self.assertIn(400, statuses.get("verify_kzg_proof", set()), statuses)
        self.assertGreater(checked, 40)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
