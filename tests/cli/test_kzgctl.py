#!/usr/bin/env python3
"""kzgctl on files: every command, raw and hex inputs, exit statuses and error
messages. Usage: test_kzgctl.py KZGCTL VECTORS_DIR SETUP_TXT"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

KZGCTL, VECTORS, SETUP_TXT = sys.argv[1], os.environ.get("KZG_TEST_VECTORS") or sys.argv[2], sys.argv[3]
BLOB_BYTES = 131072


def run(*args, stdin=None):
    p = subprocess.run([KZGCTL, *args], input=stdin, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def vector(function, case):
    """Reads input/output of a reference case (simple 'key: value' YAML)."""
    path = os.path.join(VECTORS, function, "kzg-mainnet", case, "data.yaml")
    data = {}
    with open(path) as f:
        for line in f:
            if ":" in line and not line.startswith(" " * 4):
                key, _, value = line.strip().partition(": ")
                data[key.rstrip(":")] = value.strip("'")
    return data


class Kzgctl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(VECTORS):
            raise RuntimeError(f"test vectors not found at {VECTORS} (set KZG_TEST_VECTORS)")
        cls.tmp = tempfile.TemporaryDirectory()
        d = vector("blob_to_kzg_commitment", "blob_to_kzg_commitment_case_valid_blob_2")
        cls.blob_hex, cls.commitment = d["blob"], d["output"]
        cls.hex_file = cls.path("blob.hex")
        with open(cls.hex_file, "w") as f:
            f.write(cls.blob_hex + "\n")
        cls.raw_file = cls.path("blob.bin")
        with open(cls.raw_file, "wb") as f:
            f.write(bytes.fromhex(cls.blob_hex[2:]))

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def ok(self, *args, stdin=None):
        rc, out, err = run(*args, stdin=stdin)
        self.assertEqual(rc, 0, f"kzgctl {args[0]} failed: {err}")
        return out

    def test_commitment_from_raw_hex_and_stdin(self):
        self.assertEqual(self.ok("blob-to-commitment", self.raw_file).strip(), self.commitment)
        self.assertEqual(self.ok("blob-to-commitment", self.hex_file).strip(), self.commitment)
        with open(self.raw_file, "rb") as f:
            self.assertEqual(self.ok("blob-to-commitment", "-", stdin=f.read()).strip(), self.commitment)

    def test_blob_proof_round_trip(self):
        proof = self.ok("compute-blob-proof", self.raw_file, self.commitment).strip()
        self.assertEqual(proof, self.ok("compute-blob-proof", self.raw_file).strip())
        self.assertEqual(self.ok("verify-blob-proof", self.raw_file, self.commitment, proof).strip(), "true")
        # A valid proof for another blob does not verify: "false", exit 1.
        zero = self.path("zero.bin")
        with open(zero, "wb") as f:
            f.write(bytes(BLOB_BYTES))
        other = self.ok("compute-blob-proof", zero).strip()
        rc, out, _ = run("verify-blob-proof", self.raw_file, self.commitment, other)
        self.assertEqual((rc, out.strip()), (1, "false"))
        batch = self.path("batch.json")
        with open(batch, "w") as f:
            json.dump({"blobs": [self.blob_hex], "commitments": [self.commitment], "proofs": [proof]}, f)
        self.assertEqual(self.ok("verify-blob-proof-batch", batch).strip(), "true")
        with open(batch, "w") as f:
            json.dump({"blobs": [self.blob_hex], "commitments": [self.commitment], "proofs": [other]}, f)
        rc, out, _ = run("verify-blob-proof-batch", batch)
        self.assertEqual((rc, out.strip()), (1, "false"))

    def test_point_proof_round_trip(self):
        z = "0x" + "00" * 31 + "05"
        proof, y = self.ok("compute-proof", self.hex_file, z).split()
        self.assertEqual(self.ok("verify-proof", self.commitment, z, y, proof).strip(), "true")
        wrong_y = "0x" + "00" * 31 + ("01" if y != "0x" + "00" * 31 + "01" else "02")
        rc, out, _ = run("verify-proof", self.commitment, z, wrong_y, proof)
        self.assertEqual((rc, out.strip()), (1, "false"))

    def test_bad_inputs_name_the_input(self):
        short = self.path("short.bin")
        with open(short, "wb") as f:
            f.write(bytes(BLOB_BYTES - 1))
        cases = [
            (("blob-to-commitment", short), "blob"),
            (("blob-to-commitment", self.path("missing.bin")), "cannot read"),
            (("verify-proof", "0x1234", "0x" + "00" * 32, "0x" + "00" * 32, self.commitment), "commitment: expected 48 bytes, got 2"),
            (("verify-proof", self.commitment, "0xzz", "0x" + "00" * 32, self.commitment), "z: invalid hex"),
            (("verify-proof", self.commitment, "0x" + "ff" * 32, "0x" + "00" * 32, self.commitment), "z: not a canonical field element"),
        ]
        ff = self.path("ff.bin")
        with open(ff, "wb") as f:
            f.write(b"\xff" * BLOB_BYTES)
        cases.append((("blob-to-commitment", ff), "blob: field element 0 is not canonical"))
        for args, needle in cases:
            rc, out, err = run(*args)
            self.assertEqual(rc, 2, f"{args}: {out} {err}")
            self.assertIn(needle, err, args)
            self.assertEqual(out, "")

    def test_every_command_has_help(self):
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        commands = ["blob-to-commitment", "compute-proof", "compute-blob-proof", "verify-proof",
                    "verify-blob-proof", "verify-blob-proof-batch", "compute-cells", "compute-cells-and-proofs",
                    "recover-cells-and-proofs", "verify-cell-proof-batch", "vectors", "setup-info", "bench"]
        for c in commands:
            self.assertIn(c, out)
            rc, sub, _ = run(c, "--help")
            self.assertEqual(rc, 0, c)
            self.assertIn("Usage", sub, c)
        rc, _, _ = run("no-such-command")
        self.assertEqual(rc, 2)

    def test_bench_reports_medians_as_json(self):
        out = json.loads(self.ok("bench", "--runs", "1", "--function", "verify_kzg_proof", "--json"))
        self.assertEqual([r["function"] for r in out["results"]], ["verify_kzg_proof"])
        self.assertGreater(out["results"][0]["median_ms"], 0)
        self.assertGreaterEqual(out["machine"]["usable_cpus"], 1)
        rc, _, err = run("bench", "--threads", "0")
        self.assertEqual(rc, 2, err)

    def test_setup_file_matches_embedded(self):
        embedded = self.ok("setup-info").split()[1]
        from_file = self.ok("--setup", SETUP_TXT, "setup-info").split()[1]
        self.assertEqual(embedded, from_file)
        self.assertEqual(len(embedded), 64)
        bad = self.path("bad_setup.txt")
        with open(bad, "w") as f:
            f.write("4096\n64\n")
        rc, _, err = run("--setup", bad, "setup-info")
        self.assertEqual(rc, 3)
        self.assertIn("line 2", err)

    def test_vectors_needs_cases_and_follows_symlinks(self):
        empty = self.path("no-vectors")
        os.makedirs(empty, exist_ok=True)
        rc, out, err = run("vectors", empty)
        self.assertEqual(rc, 1, out)
        self.assertIn("0 passed, 0 failed", out)
        self.assertIn("no reference test cases", err)
        # A tree whose function folder is a symlink, as a spec-tests checkout is often laid out.
        linked = self.path("linked-vectors")
        os.makedirs(linked, exist_ok=True)
        target = os.path.join(os.path.abspath(VECTORS), "blob_to_kzg_commitment")
        link = os.path.join(linked, "blob_to_kzg_commitment")
        if not os.path.islink(link):
            os.symlink(target, link)
        expected = sum(1 for root, _, files in os.walk(target) for f in files if f == "data.yaml")
        self.assertGreater(expected, 0)
        out = self.ok("vectors", linked)
        self.assertEqual(out.strip().splitlines()[-1], f"{expected} passed, 0 failed")

    def test_cells_proofs_recover_verify(self):
        out = json.loads(self.ok("compute-cells-and-proofs", self.raw_file))
        cells, proofs = out["cells"], out["proofs"]
        self.assertEqual((len(cells), len(proofs)), (128, 128))
        self.assertEqual(json.loads(self.ok("compute-cells", self.hex_file))["cells"], cells)
        keep = list(range(0, 128, 2))
        req = self.path("recover.json")
        with open(req, "w") as f:
            json.dump({"cell_indices": keep, "cells": [cells[i] for i in keep]}, f)
        rec = json.loads(self.ok("recover-cells-and-proofs", req))
        self.assertEqual(rec, {"cells": cells, "proofs": proofs})
        self.assertEqual(json.loads(self.ok("recover-cells-and-proofs", "--cells-only", req))["cells"], cells)
        ver = self.path("verify.json")
        with open(ver, "w") as f:
            json.dump({"commitments": [self.commitment] * 3, "cell_indices": [0, 5, 127],
                       "cells": [cells[0], cells[5], cells[127]], "proofs": [proofs[0], proofs[5], proofs[127]]}, f)
        self.assertEqual(self.ok("verify-cell-proof-batch", ver).strip(), "true")
        with open(ver, "w") as f:
            json.dump({"commitments": [self.commitment] * 2, "cell_indices": [0, 5],
                       "cells": [cells[0], cells[5]], "proofs": [proofs[5], proofs[0]]}, f)
        rc, out, _ = run("verify-cell-proof-batch", ver)
        self.assertEqual((rc, out.strip()), (1, "false"))
        with open(req, "w") as f:
            json.dump({"cell_indices": keep[:63], "cells": [cells[i] for i in keep[:63]]}, f)
        rc, _, err = run("recover-cells-and-proofs", req)
        self.assertEqual(rc, 2)
        self.assertIn("cell", err)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
