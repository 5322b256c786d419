#!/usr/bin/env python3
"""kzgctl on files: every command, raw and hex inputs, exit statuses and error
messages. Usage: test_kzgctl.py KZGCTL VECTORS_DIR SETUP_TXT"""
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

KZGCTL, VECTORS, SETUP_TXT = sys.argv[1], os.environ.get("KZG_TEST_VECTORS") or sys.argv[2], sys.argv[3]
BLOB_BYTES = 131072
# The mainnet setup's identity (README): sha256 of its compressed points,
# g1_lagrange (file order) || g2_monomial || g1_monomial.
MAINNET_SETUP_SHA256 = "608ac720ba55fc77f65d155391020fc5b0501db266a3e360e734d6c0db0dfae3"


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


def full_vector(function, case):
    """A reference case with a real YAML parser (its lists span many lines)."""
    import yaml  # python3-yaml (scripts/bootstrap.sh installs it)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(os.path.join(VECTORS, function, "kzg-mainnet", case, "data.yaml")) as f:
        return yaml.load(f, Loader=loader)


def case_names(function):
    names = sorted(os.path.basename(os.path.dirname(p))
                   for p in glob.glob(os.path.join(VECTORS, function, "kzg-mainnet", "*", "data.yaml")))
    if not names:
        raise RuntimeError(f"no {function} cases under {VECTORS}")
    return names


def setup_sha256(path):
    """The setup identity, computed here from the text file: the points in file
    order (g1_lagrange, g2_monomial, g1_monomial), each compressed."""
    with open(path) as f:
        lines = [line.strip() for line in f if line.strip()]
    n_g1, n_g2 = int(lines[0]), int(lines[1])
    points = [bytes.fromhex(line) for line in lines[2:]]
    assert (n_g1, n_g2) == (4096, 65), (n_g1, n_g2)
    assert [len(p) for p in points] == [48] * n_g1 + [96] * n_g2 + [48] * n_g1, "unexpected point sizes"
    h = hashlib.sha256()
    for p in points:
        h.update(p)
    return h.hexdigest()


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
        # Against an identity computed here, not only embedded == file.
        self.assertEqual(setup_sha256(SETUP_TXT), MAINNET_SETUP_SHA256)
        self.assertEqual(self.ok("setup-info").splitlines(),
                         [f"sha256 {MAINNET_SETUP_SHA256}", "source embedded mainnet"])
        self.assertEqual(self.ok("--setup", SETUP_TXT, "setup-info").splitlines(),
                         [f"sha256 {MAINNET_SETUP_SHA256}", f"source {SETUP_TXT}"])
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

    def write_json(self, name, doc):
        path = self.path(name)
        with open(path, "w") as f:
            json.dump(doc, f)
        return path

    def same_hex_list(self, got, want, what):
        """Names the first differing entry (a full diff of 128 cells is half a megabyte)."""
        self.assertEqual(len(got), len(want), f"{what}: {len(got)} entries, expected {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                at = next((j for j, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
                self.fail(f"{what}[{i}] differs at hex digit {at}: kzgctl ...{g[max(0, at - 8):at + 8]}..., "
                          f"reference ...{w[max(0, at - 8):at + 8]}...")

    def expect_rejected(self, what, *args):
        rc, out, err = run(*args)
        self.assertEqual((rc, out), (2, ""), f"{what}: {err}")

    def test_cells_proofs_recover_verify(self):
        # The reference's cells and proofs of this blob, not only our own round trip.
        ref = full_vector("compute_cells_and_kzg_proofs", "compute_cells_and_kzg_proofs_case_valid_2")
        self.assertEqual(ref["input"]["blob"], self.blob_hex, "the vector's blob is no longer blob_2")
        ref_cells, ref_proofs = ref["output"]
        out = json.loads(self.ok("compute-cells-and-proofs", self.raw_file))
        cells, proofs = out["cells"], out["proofs"]
        self.assertEqual((len(cells), len(proofs)), (128, 128))
        self.same_hex_list(cells, ref_cells, "compute-cells-and-proofs cells")
        self.same_hex_list(proofs, ref_proofs, "compute-cells-and-proofs proofs")
        self.same_hex_list(json.loads(self.ok("compute-cells", self.hex_file))["cells"], ref_cells, "compute-cells")
        keep = list(range(0, 128, 2))
        req = self.write_json("recover.json", {"cell_indices": keep, "cells": [cells[i] for i in keep]})
        rec = json.loads(self.ok("recover-cells-and-proofs", req))
        self.assertEqual(sorted(rec), ["cells", "proofs"])
        self.same_hex_list(rec["cells"], ref_cells, "recover-cells-and-proofs cells")
        self.same_hex_list(rec["proofs"], ref_proofs, "recover-cells-and-proofs proofs")
        self.same_hex_list(json.loads(self.ok("recover-cells-and-proofs", "--cells-only", req))["cells"], ref_cells,
                           "recover-cells-and-proofs --cells-only")
        ver = self.write_json("verify.json", {
            "commitments": [self.commitment] * 3, "cell_indices": [0, 5, 127],
            "cells": [cells[0], cells[5], cells[127]], "proofs": [proofs[0], proofs[5], proofs[127]]})
        self.assertEqual(self.ok("verify-cell-proof-batch", ver).strip(), "true")
        ver = self.write_json("verify.json", {
            "commitments": [self.commitment] * 2, "cell_indices": [0, 5],
            "cells": [cells[0], cells[5]], "proofs": [proofs[5], proofs[0]]})
        rc, out, _ = run("verify-cell-proof-batch", ver)
        self.assertEqual((rc, out.strip()), (1, "false"))
        req = self.write_json("recover.json", {"cell_indices": keep[:63], "cells": [cells[i] for i in keep[:63]]})
        rc, _, err = run("recover-cells-and-proofs", req)
        self.assertEqual(rc, 2)
        self.assertIn("cell", err)

    # Every compute_cells / compute_cells_and_kzg_proofs / recover reference
    # case through the CLI: the valid ones give the reference's bytes, the
    # others exit 2 and print nothing. Proofs cost about 2 s a call, so they
    # are compared on a few cases (test_conformance runs the library on all).
    PROOF_CASES = {"compute_cells_and_kzg_proofs_case_valid_3", "compute_cells_and_kzg_proofs_case_valid_5",
                   "recover_cells_and_kzg_proofs_case_valid_half_missing_every_other_cell",
                   "recover_cells_and_kzg_proofs_case_valid_half_missing_second_half"}

    def test_compute_cells_vectors(self):
        for function in ("compute_cells", "compute_cells_and_kzg_proofs"):
            for case in case_names(function):
                with self.subTest(case=case):
                    d = full_vector(function, case)
                    blob = self.path("vector_blob.hex")
                    with open(blob, "w") as f:
                        f.write(d["input"]["blob"] + "\n")
                    if d["output"] is None:
                        self.expect_rejected(case, "compute-cells", blob)
                        if function == "compute_cells_and_kzg_proofs":
                            self.expect_rejected(case, "compute-cells-and-proofs", blob)
                        continue
                    ref_cells = d["output"] if function == "compute_cells" else d["output"][0]
                    self.same_hex_list(json.loads(self.ok("compute-cells", blob))["cells"], ref_cells,
                                       f"{case}: compute-cells")
                    if case in self.PROOF_CASES:
                        out = json.loads(self.ok("compute-cells-and-proofs", blob))
                        self.same_hex_list(out["cells"], d["output"][0], f"{case}: cells")
                        self.same_hex_list(out["proofs"], d["output"][1], f"{case}: proofs")
        self.assertLessEqual({c for c in self.PROOF_CASES if c.startswith("compute")},
                             set(case_names("compute_cells_and_kzg_proofs")))

    def test_recover_vectors(self):
        for case in case_names("recover_cells_and_kzg_proofs"):
            with self.subTest(case=case):
                d = full_vector("recover_cells_and_kzg_proofs", case)
                req = self.write_json("vector_recover.json", d["input"])
                if d["output"] is None:
                    self.expect_rejected(case, "recover-cells-and-proofs", "--cells-only", req)
                    continue
                ref_cells, ref_proofs = d["output"]
                self.same_hex_list(json.loads(self.ok("recover-cells-and-proofs", "--cells-only", req))["cells"],
                                   ref_cells, f"{case}: --cells-only")
                if case in self.PROOF_CASES:
                    rec = json.loads(self.ok("recover-cells-and-proofs", req))
                    self.same_hex_list(rec["cells"], ref_cells, f"{case}: cells")
                    self.same_hex_list(rec["proofs"], ref_proofs, f"{case}: proofs")
        self.assertLessEqual({c for c in self.PROOF_CASES if c.startswith("recover")},
                             set(case_names("recover_cells_and_kzg_proofs")))

    def test_verify_cell_batch_vectors(self):
        verdicts = {True: (0, "true"), False: (1, "false")}
        for case in case_names("verify_cell_kzg_proof_batch"):
            with self.subTest(case=case):
                d = full_vector("verify_cell_kzg_proof_batch", case)
                req = self.write_json("vector_verify.json", d["input"])
                if d["output"] is None:
                    self.expect_rejected(case, "verify-cell-proof-batch", req)
                    continue
                rc, out, err = run("verify-cell-proof-batch", req)
                self.assertEqual((rc, out.strip()), verdicts[d["output"]], f"{case}: {err}")

if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
