#!/usr/bin/env python3
"""kzgctl rollout against a kubectl test double (kubectl_double.py, on PATH as
`kubectl`) and, for verification, a real kzgd or a small stand-in HTTP server.
Usage: test_rollout.py KZGCTL KZGD

Every process started here is stopped: kzgd by its harness (and
PR_SET_PDEATHSIG), kzgctl by subprocess timeouts and PR_SET_PDEATHSIG, the
double by PR_SET_PDEATHSIG and the pid check of the hang case; the stand-in
server is a thread of this process.
"""
import http.server
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "service"))
import kzgd_harness  # noqa: E402

KZGCTL, KZGD = sys.argv[1], sys.argv[2]
kzgd_harness.KZGD = KZGD
DOUBLE = os.path.join(HERE, "kubectl_double.py")

OLD = "registry.example/kzgd:v0.0.9"
JSONPATH = 'jsonpath={range .spec.template.spec.containers[*]}{.name}{"\\t"}{.image}{"\\n"}{end}'
KNOWN_COMMITMENT = ("0x8e5c3f4168591eab0c9d5460f99f95a9ca5da9c318839dd18754404794ec6079"
                    "3b90ac27cad8e609a8808c0d0560191b")


def known_answer_blob():
    """src/ops/known_answer.hpp's blob: field element i, big-endian, is i*i*7919 + 12345*i + 1 mod 2^64."""
    return b"".join((((i * i * 7919 + 12345 * i + 1) % 2**64).to_bytes(32, "big")) for i in range(4096))


class StandIn(http.server.BaseHTTPRequestHandler):
    """A kzgd stand-in: /readyz 200, /v1/info and the known-answer call as
    the server's `mode` says ("wrong-version", "wrong-commitment")."""

    def log_message(self, *args):
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.requests.append(("GET", self.path))
        if self.path == "/readyz":
            self.reply(200, {"status": "ready"})
        elif self.path == "/v1/info":
            self.reply(200, {"version": "0.0.1-old" if self.server.mode == "wrong-version" else self.server.version})
        else:
            self.reply(404, {"code": 404, "message": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append(("POST", self.path, self.headers.get("Content-Type"), body))
        if self.path != "/v1/blob_to_kzg_commitment":
            return self.reply(404, {"code": 404, "message": "not found"})
        wrong = "0x" + "ab" * 48
        self.reply(200, {"commitment": wrong if self.server.mode == "wrong-commitment" else KNOWN_COMMITMENT})


class Rollout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kzgd = kzgd_harness.Kzgd()
        status, _, body = cls.kzgd.request("GET", "/v1/info")
        assert status == 200, body
        cls.version = json.loads(body)["version"]
        cls.kzgd_url = f"http://127.0.0.1:{cls.kzgd.port}"

    @classmethod
    def tearDownClass(cls):
        cls.kzgd.close()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="kzgctl-rollout-")
        self.addCleanup(self.tmp.cleanup)
        self.bin = os.path.join(self.tmp.name, "bin")
        os.mkdir(self.bin)
        wrapper = os.path.join(self.bin, "kubectl")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(DOUBLE)} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        self.log = os.path.join(self.tmp.name, "kubectl.log")
        self.pid_file = os.path.join(self.tmp.name, "hang.pid")

    def scenario(self, name, **overrides):
        path = os.path.join(self.tmp.name, "scenario.json")
        with open(path, "w") as f:
            json.dump({"scenario": name, "namespace": "prod", "pid_file": self.pid_file, **overrides}, f)
        return path

    def stand_in(self, mode):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        server.mode, server.version, server.requests = mode, self.version, []
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()

        def stop():
            server.shutdown()
            server.server_close()
            thread.join(10)
        self.addCleanup(stop)
        return server, f"http://127.0.0.1:{server.server_address[1]}"

    def rollout(self, scenario, *args, timeout=120):
        env = {k: v for k, v in os.environ.items() if k != "KUBECTL"}
        env.update(PATH=self.bin + os.pathsep + os.environ.get("PATH", ""), KUBECTL_DOUBLE_LOG=self.log,
                   KUBECTL_DOUBLE_SCENARIO=scenario)
        started = time.monotonic()
        p = subprocess.run([KZGCTL, "rollout", "--deployment", "kzgd", *args], env=env, capture_output=True,
                           timeout=timeout, preexec_fn=kzgd_harness._die_with_parent)
        self.elapsed = time.monotonic() - started
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def image_now(self):
        with open(self.log + ".state") as f:
            return dict(json.load(f)["containers"])["kzgd"]

    # The kubectl calls of each phase, with the namespace prod.
    GET = ["get", "deployment", "kzgd", "-n", "prod", "-o", JSONPATH]
    UNDO = ["rollout", "undo", "deployment/kzgd", "-n", "prod"]

    def set_image(self, image):
        return ["set", "image", "deployment/kzgd", "kzgd=" + image, "-n", "prod"]

    def assert_status_call(self, call, at_most):
        self.assertEqual(call[:5], ["rollout", "status", "deployment/kzgd", "-n", "prod"], call)
        self.assertEqual(len(call), 6, call)
        m = re.fullmatch(r"--timeout=(\d+)s", call[5])
        self.assertTrue(m, call)
        self.assertTrue(1 <= int(m.group(1)) <= at_most, call)

    def assert_undone(self, calls, before):
        """calls[before:] are the undo, its status and the image read back."""
        self.assertEqual(calls[before], self.UNDO)
        self.assert_status_call(calls[before + 1], 300)
        self.assertEqual(calls[before + 2], self.GET)
        self.assertEqual(len(calls), before + 3, calls)
        self.assertEqual(self.image_now(), OLD)

    def last_line(self, out):
        return out.strip().splitlines()[-1]

    # ---- cases ------------------------------------------------------------------

    def test_dry_run_prints_the_plan_and_runs_nothing(self):
        rc, out, err = self.rollout(self.scenario("success"), "--image", "registry.example/kzgd:v9.9.9", "-n", "prod",
                                    "--verify-url", self.kzgd_url, "--dry-run")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.calls(), [])
        self.assertIn("kubectl get deployment kzgd -n prod -o", out)
        self.assertIn("kubectl set image deployment/kzgd CONTAINER=registry.example/kzgd:v9.9.9 -n prod", out)
        self.assertIn("kubectl rollout status deployment/kzgd -n prod --timeout=300s", out)
        self.assertIn("GET /readyz", out)
        self.assertIn("version is 9.9.9", out)
        self.assertIn(KNOWN_COMMITMENT, out)
        self.assertIn("kubectl rollout undo deployment/kzgd -n prod", out)
        self.assertIn("nothing was changed", out)

    def test_verification_is_required_unless_no_verify(self):
        rc, _, err = self.rollout(self.scenario("success"), "--image", "registry.example/kzgd:v1.0.0", "-n", "prod")
        self.assertEqual(rc, 2)
        self.assertIn("--no-verify", err)
        self.assertEqual(self.calls(), [])

    def test_success_verified_against_a_real_kzgd(self):
        new = f"registry.example/kzgd:v{self.version}"
        rc, out, err = self.rollout(self.scenario("success"), "--image", new, "--namespace", "prod",
                                    "--verify-url", self.kzgd_url, "--expect-version", self.version)
        self.assertEqual(rc, 0, out + err)
        calls = self.calls()
        self.assertEqual(calls[:2], [self.GET, self.set_image(new)])
        self.assert_status_call(calls[2], 300)
        self.assertEqual(len(calls), 3, calls)
        self.assertEqual(self.image_now(), new)
        # kubectl's progress, streamed with a prefix, then the checks and the summary.
        self.assertIn('rollout: Waiting for deployment "kzgd" rollout to finish: 1 out of 3 new replicas have been '
                      'updated...', out)
        self.assertIn('rollout: deployment "kzgd" successfully rolled out', out)
        self.assertIn(f"verify: attempt 1/5: ok: ready, version {self.version}, known-answer commitment matches", out)
        summary = self.last_line(out)
        self.assertTrue(summary.startswith("rollout succeeded:"), summary)
        self.assertIn(f"{OLD} -> {new}", summary)

    def test_success_json_version_from_the_tag(self):
        new = f"registry.example/kzgd:v{self.version}"
        rc, out, err = self.rollout(self.scenario("success"), "--image", new, "-n", "prod",
                                    "--verify-url", self.kzgd_url, "--json")
        self.assertEqual(rc, 0, out + err)
        report = json.loads(out)
        self.assertTrue(report["ok"])
        self.assertEqual((report["from"], report["to"], report["container"]), (OLD, new, "kzgd"))
        self.assertEqual(report["verification"]["version"], self.version)
        self.assertEqual(report["verification"]["expected_version"], "v" + self.version)
        self.assertEqual([s["step"] for s in report["steps"]], ["get-image", "set-image", "rollout-status", "verify"])
        self.assertIn("rollout: Waiting for deployment", err)  # progress on stderr with --json

    def test_progress_deadline_exceeded_is_undone(self):
        rc, out, err = self.rollout(self.scenario("deadline"), "--image", "registry.example/kzgd:v0.1.0", "-n", "prod",
                                    "--verify-url", self.kzgd_url)
        self.assertEqual(rc, 6, out + err)
        calls = self.calls()
        self.assertEqual(calls[:2], [self.GET, self.set_image("registry.example/kzgd:v0.1.0")])
        self.assert_status_call(calls[2], 300)
        self.assert_undone(calls, 3)
        summary = self.last_line(out)
        self.assertIn("rollout FAILED at rollout-status", summary)
        self.assertIn('exceeded its progress deadline', summary)
        self.assertIn(f"undo succeeded: back on {OLD}", summary)
        self.assertIn("undo: deployment.apps/kzgd rolled back", out)

    def test_wrong_version_is_undone(self):
        server, url = self.stand_in("wrong-version")
        rc, out, err = self.rollout(self.scenario("success"), "--image", f"registry.example/kzgd:v{self.version}",
                                    "-n", "prod", "--verify-url", url, "--verify-attempts", "2")
        self.assertEqual(rc, 7, out + err)
        calls = self.calls()
        self.assert_status_call(calls[2], 300)
        self.assert_undone(calls, 3)
        summary = self.last_line(out)
        self.assertIn("rollout FAILED at verify", summary)
        self.assertIn(f'version mismatch: /v1/info reports "0.0.1-old", expected "v{self.version}"', summary)
        self.assertIn("after 2 attempts", summary)
        self.assertIn("undo succeeded", summary)
        self.assertEqual([r[:2] for r in server.requests].count(("GET", "/v1/info")), 2)

    def test_wrong_commitment_is_undone(self):
        server, url = self.stand_in("wrong-commitment")
        rc, out, err = self.rollout(self.scenario("success"), "--image", "registry.example/kzgd:latest", "-n", "prod",
                                    "--verify-url", url, "--expect-version", self.version, "--verify-attempts", "1",
                                    "--json")
        self.assertEqual(rc, 7, out + err)
        self.assert_undone(self.calls(), 3)
        report = json.loads(out)
        self.assertFalse(report["ok"])
        self.assertEqual((report["exit_code"], report["failed_step"]), (7, "verify"))
        self.assertIn("known-answer mismatch: commitment 0x" + "ab" * 48 + ", expected " + KNOWN_COMMITMENT,
                      report["error"])
        self.assertEqual((report["undo"]["attempted"], report["undo"]["succeeded"]), (True, True))
        self.assertEqual(report["undo"]["image_after"], OLD)
        # kzgctl sent the known-answer blob as JSON.
        posts = [r for r in server.requests if r[0] == "POST"]
        self.assertEqual(len(posts), 1)
        self.assertEqual(posts[0][2], "application/json")
        self.assertEqual(json.loads(posts[0][3]), {"blob": "0x" + known_answer_blob().hex()})

    def test_hang_is_killed_at_the_deadline_and_undone(self):
        rc, out, err = self.rollout(self.scenario("hang", hang_seconds=60), "--image", "registry.example/kzgd:v0.1.0",
                                    "-n", "prod", "--verify-url", self.kzgd_url, "--timeout", "3s")
        self.assertEqual(rc, 6, out + err)
        self.assertLess(self.elapsed, 30)
        calls = self.calls()
        self.assert_status_call(calls[2], 3)
        self.assert_undone(calls, 3)
        self.assertIn("rollout: Waiting for deployment", out)  # streamed before the kill
        summary = self.last_line(out)
        self.assertIn("rollout FAILED at rollout-status", summary)
        self.assertIn("killed by kzgctl at its deadline", summary)
        self.assertIn("undo succeeded", summary)
        # The hanging kubectl is gone.
        with open(self.pid_file) as f:
            pid = int(f.read())
        try:
            os.kill(pid, 0)
            os.kill(pid, signal.SIGKILL)
            self.fail(f"the hanging kubectl double {pid} is still running")
        except ProcessLookupError:
            pass

    def test_failed_undo_exits_8(self):
        rc, out, err = self.rollout(self.scenario("deadline", undo="fail"), "--image", "registry.example/kzgd:v0.1.0",
                                    "-n", "prod", "--verify-url", self.kzgd_url, "--json")
        self.assertEqual(rc, 8, out + err)
        calls = self.calls()
        self.assertEqual(calls[3:], [self.UNDO])
        report = json.loads(out)
        self.assertEqual((report["failed_step"], report["exit_code"]), ("rollout-status", 8))
        self.assertEqual(report["failed_command"][1:3], ["rollout", "status"])
        self.assertEqual((report["undo"]["attempted"], report["undo"]["succeeded"]), (True, False))
        self.assertIn("kubectl rollout undo: exit status 1: error: unable to connect to the server", report["undo"]["state"])
        self.assertIn("undo FAILED", report["summary"])

    def test_no_undo_when_already_on_the_image(self):
        # An undo would go back to an older revision, not to the state before.
        _, url = self.stand_in("wrong-version")
        rc, out, err = self.rollout(self.scenario("success"), "--image", OLD, "-n", "prod", "--verify-url", url,
                                    "--expect-version", self.version, "--verify-attempts", "1")
        self.assertEqual(rc, 7, out + err)
        self.assertNotIn(self.UNDO, self.calls())
        self.assertIn(f"undo not run: the deployment already ran {OLD}", self.last_line(out))

    def test_set_image_failure(self):
        rc, out, err = self.rollout(self.scenario("set-image-fails"), "--image", "registry.example/kzgd:v0.1.0",
                                    "-n", "prod", "--verify-url", self.kzgd_url)
        self.assertEqual(rc, 5, out + err)
        # The image is read again; it did not change, so no undo (that would
        # roll back to an older revision).
        self.assertEqual(self.calls(), [self.GET, self.set_image("registry.example/kzgd:v0.1.0"), self.GET])
        summary = self.last_line(out)
        self.assertIn("rollout FAILED at set-image", summary)
        self.assertIn("Forbidden", summary)
        self.assertIn(f"undo not needed: the deployment still runs {OLD}", summary)

    def test_unknown_deployment_or_container_changes_nothing(self):
        rc, out, err = self.rollout(self.scenario("success", namespace="staging"), "--image",
                                    "registry.example/kzgd:v0.1.0", "-n", "prod", "--no-verify")
        self.assertEqual(rc, 4, out + err)
        self.assertIn('deployments.apps "kzgd" not found', self.last_line(out))
        self.assertEqual(self.calls(), [self.GET])
        os.remove(self.log)
        rc, out, err = self.rollout(self.scenario("success"), "--image", "registry.example/kzgd:v0.1.0", "-n", "prod",
                                    "--container", "kzgd-server", "--no-verify")
        self.assertEqual(rc, 4, out + err)
        self.assertIn("no container 'kzgd-server' (it has: kzgd, log-shipper)", self.last_line(out))
        self.assertEqual(self.calls(), [self.GET])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
