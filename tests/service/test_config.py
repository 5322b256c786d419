#!/usr/bin/env python3
"""kzgd configuration: --help/--version, flag > KZGD_* environment > config
file > default, errors for unknown keys and invalid values (exit status 2,
a message naming the source), --setup, --ports-file, worker defaults.
Usage: test_config.py KZGD VECTORS_DIR"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402
from tempdir_case import TempDirCase  # noqa: E402

MAINNET_SHA256 = "608ac720ba55fc77f65d155391020fc5b0501db266a3e360e734d6c0db0dfae3"


class Config(TempDirCase):

    def info(self, *args, env=None):
        with h.Kzgd(*args, env=env) as server:
            st, _, body = server.request("GET", "/v1/info")
            self.assertEqual(st, 200)
            return json.loads(body)

    def test_help_and_version(self):
        rc, out, err = h.run_kzgd("--help")
        self.assertEqual(rc, 0, err)
        for key in ("--listen", "--ports-file", "--setup", "--workers", "--max-queue", "--max-body-bytes",
                    "--max-header-bytes", "--read-timeout", "--idle-timeout", "--max-connections",
                    "--max-batch-blobs", "--max-cells", "--shutdown-delay", "--drain-timeout", "--config"):
            self.assertIn(key, out)
        rc, out, err = h.run_kzgd("--version")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^kzgd \d+\.\d+\.\d+ \(commit \S+, blst 0\.3\.12\)")

    def test_errors_exit_2_and_name_the_source(self):
        conf = self.write("bad.conf", "# comment\nworkers = 2\nwrokers = 3\n")
        conf_value = self.write("bad-value.conf", "max-queue = lots\n")
        conf_syntax = self.write("bad-syntax.conf", "listen 127.0.0.1:1\n")
        conf_dup = self.write("dup.conf", "workers = 1\nworkers = 2\n")
        for args, env, want in [
            (["--bogus", "1"], None, "unknown option --bogus"),
            (["--workers", "many"], None, 'invalid value "many" for --workers'),
            (["--workers=-1"], None, 'invalid value "-1" for --workers'),
            (["--read-timeout", "0"], None, "for --read-timeout"),
            (["--listen", "nohost"], None, "expected HOST:PORT"),
            (["--listen", "127.0.0.1:70000"], None, "port must be"),
            (["--max-body-bytes", "12XB"], None, "for --max-body-bytes"),
            (["--max-body-bytes", "1GiB"], None, "max-inflight-bytes"),
            (["--access-log", "maybe"], None, "expected true or false"),
            (["--precompute", "1"], None, "expected 0 (no table) or a window of 2 to 16 bits"),
            (["--blob-window-bits", "17"], None, 'invalid value "17" for --blob-window-bits'),
            (["positional"], None, 'unexpected argument "positional"'),
            (["--workers"], None, "--workers needs a value"),
            ([], {"KZGD_WORKERS": "x"}, 'invalid value "x" for KZGD_WORKERS'),
            ([], {"KZGD_NO_SUCH_THING": "1"}, "unknown environment variable KZGD_NO_SUCH_THING"),
            (["--config", conf], None, f'{conf}:3: unknown key "wrokers"'),
            (["--config", conf_value], None, f"for {conf_value}:1 max-queue"),
            (["--config", conf_syntax], None, f"{conf_syntax}:1: expected 'key = value'"),
            (["--config", conf_dup], None, "duplicate key"),
            (["--config", os.path.join(self.tmp.name, "missing.conf")], None, "cannot read config file"),
            ([], {"KZGD_CONFIG": conf}, 'unknown key "wrokers"'),
        ]:
            with self.subTest(args=args, env=env):
                # Never the default port, should a case unexpectedly start serving.
                safe = args if any(a.startswith("--listen") for a in args) else ["--listen", "127.0.0.1:0", *args]
                rc, out, err = h.run_kzgd(*safe, env=env)
                self.assertEqual(rc, 2, f"{args} {env}: {out} {err}")
                self.assertIn(want, err)

    def test_precedence_flag_env_file(self):
        conf = self.write("kzgd.conf", "# limits\nmax-batch-blobs = 3\nmax-cells = 30\nmax-queue = 7\n"
                                       "read-timeout = 4.5\nmax-body-bytes = 2MiB\n")
        info = self.info("--config", conf, "--max-batch-blobs", "5",
                         env={"KZGD_MAX_BATCH_BLOBS": "4", "KZGD_MAX_CELLS": "40"})
        lim = info["limits"]
        self.assertEqual(lim["max_batch_blobs"], 5)   # flag over env and file
        self.assertEqual(lim["max_cells"], 40)        # env over file
        self.assertEqual(lim["max_queue"], 7)         # file over default
        self.assertEqual(lim["read_timeout_s"], 4.5)
        self.assertEqual(lim["max_body_bytes"], 2 << 20)
        self.assertEqual(lim["max_header_bytes"], 16384)  # default
        # KZGD_CONFIG names the file when --config is absent.
        info = self.info(env={"KZGD_CONFIG": conf})
        self.assertEqual(info["limits"]["max_batch_blobs"], 3)

    def test_workers_default_and_flag(self):
        info = self.info()
        self.assertGreaterEqual(info["workers"], 1)
        self.assertLessEqual(info["workers"], len(os.sched_getaffinity(0)))
        self.assertEqual(self.info("--workers", "3")["workers"], 3)

    def test_table_options_reach_the_library(self):
        info = self.info("--precompute", "0", "--blob-window-bits", "4")
        self.assertEqual((info["precompute"], info["blob_window_bits"]), (0, 4))

    def test_setup_file(self):
        setup = os.path.join(os.path.dirname(os.path.abspath(h.require_vectors())), "trusted_setup.txt")
        if not os.path.exists(setup):
            self.fail(f"{setup} is missing")
        info = self.info("--setup", setup)
        self.assertEqual(info["setup"]["sha256"], MAINNET_SHA256)
        self.assertEqual(info["setup"]["source"], setup)

    def test_table_cache(self):
        cache = os.path.join(self.tmp.name, "cache", "tables")  # kzgd creates it
        blob = h.hexs(h.random_blob(9))
        answers = []
        for _ in range(2):  # a cold start that writes the cache, then a warm one that reads it
            with h.Kzgd("--table-cache", cache) as server:
                info = json.loads(server.request("GET", "/v1/info")[2])
                self.assertEqual(info["setup"]["table_cache"], cache)
                self.assertTrue(os.listdir(cache), "no table was written to the cache")
                st, _, body = server.post_json("blob_to_kzg_commitment", {"blob": blob})
                self.assertEqual(st, 200)
                answers.append(json.loads(body))
        self.assertEqual(answers[0], answers[1])

    def test_bad_setup_file_exits_1(self):
        bad = self.write("setup.txt", "4096\n65\nnot a point\n")
        rc, out, err = h.run_kzgd("--listen", "127.0.0.1:0", "--setup", bad)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("cannot load the trusted setup", err)
        self.assertIn("line 3", err)
        rc, out, err = h.run_kzgd("--listen", "127.0.0.1:0", "--setup", os.path.join(self.tmp.name, "none.txt"))
        self.assertEqual(rc, 1, out + err)
        self.assertIn("cannot open", err)

    def test_ports_file_and_listen_errors(self):
        with h.Kzgd() as server:
            with open(server.ports_file) as f:
                self.assertEqual(f.read(), f"{server.port}\n")
            # The same port again: cannot listen, exit 1 with a message.
            rc, out, err = h.run_kzgd("--listen", f"127.0.0.1:{server.port}")
            self.assertEqual(rc, 1)
            self.assertIn("cannot listen on", err)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
