#!/usr/bin/env python3
"""The sidecar calls against independent oracles: the consensus-spec vectors
(commitments, blob proofs, cells and cell proofs of the same blobs),
hashlib's sha256 for versioned hashes, and Beacon API bodies built here, with
their extra fields, and bad sidecars that must be named in failures.
  POST /v1/compute_blob_sidecar         (JSON and SSZ, version 0 and 1)
  POST /v1/verify_blob_sidecars         (GET /eth/v1/beacon/blob_sidecars body)
  POST /v1/verify_data_column_sidecars  ({"data": [DataColumnSidecar...]})
"""
import hashlib
import json
import unittest

from kzgd_harness import Kzgd, load_vectors, unhex, hexs, random_blob, INFINITY_HEX

CELLS = 128


def versioned_hash(commitment_hex):
    return "0x01" + hashlib.sha256(unhex(commitment_hex)).hexdigest()[2:]


def spec_blobs():
    """[(blob, commitment, blob proof, cells, cell proofs)] for the blobs that
    the vectors give all of (7 today)."""
    commitments = {i["blob"]: o for _, i, o in load_vectors("blob_to_kzg_commitment") if o}
    blob_proofs = {i["blob"]: o for _, i, o in load_vectors("compute_blob_kzg_proof") if o}
    cells = {i["blob"]: o for _, i, o in load_vectors("compute_cells_and_kzg_proofs") if o}
    out = []
    for blob in sorted(set(commitments) & set(blob_proofs) & set(cells)):
        out.append((blob, commitments[blob], blob_proofs[blob], cells[blob][0], cells[blob][1]))
    return out


def header():
    """The fields of a Beacon API sidecar that the KZG checks ignore."""
    root = "0x" + "11" * 32
    return {
        "signed_block_header": {
            "message": {"slot": "1", "proposer_index": "1", "parent_root": root, "state_root": root,
                        "body_root": root},
            "signature": "0x" + "22" * 96,
        },
        "kzg_commitment_inclusion_proof": [root] * 4,
    }


def blob_sidecar(index, blob, commitment, proof):
    return {"index": str(index), "blob": blob, "kzg_commitment": commitment, "kzg_proof": proof, **header()}


def column_sidecar(index, rows):
    """rows: [(commitment, cells, cell proofs)] of the block's blobs."""
    return {
        "index": str(index),
        "column": [cells[index] for _, cells, _ in rows],
        "kzg_commitments": [c for c, _, _ in rows],
        "kzg_proofs": [p[index] for _, _, p in rows],
        **header(),
    }


class Sidecars(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.blobs = spec_blobs()
        if len(cls.blobs) < 3:
            raise AssertionError(f"the vectors give only {len(cls.blobs)} blobs with commitment, proof and cells")
        cls.kzgd = Kzgd("--workers", "2")

    @classmethod
    def tearDownClass(cls):
        cls.kzgd.close()

    def post(self, route, obj):
        status, headers, body = self.kzgd.post_json(route, obj)
        return status, json.loads(body)

    # ---- compute_blob_sidecar ---------------------------------------------------------

    def test_compute_version_1_matches_the_vectors(self):
        blobs = self.blobs[:6]
        status, r = self.post("compute_blob_sidecar", {"blobs": [b[0] for b in blobs]})  # version 1 by default
        self.assertEqual(status, 200, r)
        self.assertEqual(sorted(r), ["cell_proofs", "commitments", "versioned_hashes"])
        self.assertEqual(r["commitments"], [b[1] for b in blobs])
        self.assertEqual(r["versioned_hashes"], [versioned_hash(b[1]) for b in blobs])
        self.assertEqual(r["cell_proofs"], [p for b in blobs for p in b[4]])  # flattened in blob order
        self.assertEqual(len(r["cell_proofs"]), CELLS * len(blobs))

    def test_compute_version_0_matches_the_vectors(self):
        blobs = self.blobs[:3]
        status, r = self.post("compute_blob_sidecar", {"blobs": [b[0] for b in blobs], "version": 0})
        self.assertEqual(status, 200, r)
        self.assertEqual(sorted(r), ["commitments", "proofs", "versioned_hashes"])
        self.assertEqual(r["commitments"], [b[1] for b in blobs])
        self.assertEqual(r["versioned_hashes"], [versioned_hash(b[1]) for b in blobs])
        self.assertEqual(r["proofs"], [b[2] for b in blobs])

    def test_compute_ssz_equals_json(self):
        blobs = self.blobs[1:3]
        for version in (0, 1):
            body = (12).to_bytes(4, "little") + version.to_bytes(8, "little") + b"".join(unhex(b[0]) for b in blobs)
            status, headers, data = self.kzgd.post_ssz("compute_blob_sidecar", body)
            self.assertEqual(status, 200, data[:300])
            self.assertEqual(headers["content-type"], "application/octet-stream")
            o1, o2, o3 = (int.from_bytes(data[k:k + 4], "little") for k in (0, 4, 8))
            self.assertEqual(o1, 12)
            commitments = [hexs(data[k:k + 48]) for k in range(o1, o2, 48)]
            hashes = [hexs(data[k:k + 32]) for k in range(o2, o3, 32)]
            proofs = [hexs(data[k:k + 48]) for k in range(o3, len(data), 48)]
            self.assertEqual(commitments, [b[1] for b in blobs])
            self.assertEqual(hashes, [versioned_hash(b[1]) for b in blobs])
            self.assertEqual(proofs, [p for b in blobs for p in b[4]] if version else [b[2] for b in blobs])

    def test_compute_empty_and_random_blobs(self):
        status, r = self.post("compute_blob_sidecar", {"blobs": []})
        self.assertEqual((status, r), (200, {"commitments": [], "versioned_hashes": [], "cell_proofs": []}))
        # Random blobs: the commitment equals blob_to_kzg_commitment's, the
        # proofs compute_cells_and_kzg_proofs' (the spec calls, one by one).
        blobs = [hexs(random_blob(seed)) for seed in (1, 2)]
        status, r = self.post("compute_blob_sidecar", {"blobs": blobs, "version": "1"})
        self.assertEqual(status, 200, r)
        for i, blob in enumerate(blobs):
            _, c = self.post("blob_to_kzg_commitment", {"blob": blob})
            _, cp = self.post("compute_cells_and_kzg_proofs", {"blob": blob})
            self.assertEqual(r["commitments"][i], c["commitment"])
            self.assertEqual(r["versioned_hashes"][i], versioned_hash(c["commitment"]))
            self.assertEqual(r["cell_proofs"][CELLS * i:CELLS * (i + 1)], cp["proofs"])

    def test_compute_bad_input_names_the_blob(self):
        good = self.blobs[0][0]
        non_canonical = "0x" + "ff" * 32 + good[66:]
        status, r = self.post("compute_blob_sidecar", {"blobs": [good, non_canonical, good, "0x1234"]})
        self.assertEqual(status, 400, r)
        self.assertEqual([f["index"] for f in r["failures"]], [3], r)  # decoding stops at the malformed one
        self.assertIn("blobs[3]", r["failures"][0]["message"])
        status, r = self.post("compute_blob_sidecar", {"blobs": [good, non_canonical, good, non_canonical]})
        self.assertEqual(status, 400, r)
        self.assertEqual([f["index"] for f in r["failures"]], [1, 3], r)
        self.assertTrue(r["failures"][0]["message"].startswith("blobs[1]: "), r)
        self.assertIn("field element 0", r["failures"][0]["message"])
        for version, field in ((2, "version"), (-1, "version"), ("x", "version")):
            status, r = self.post("compute_blob_sidecar", {"blobs": [good], "version": version})
            self.assertEqual(status, 400, r)
            self.assertTrue(r["message"].startswith(field), r)
        status, r = self.post("compute_blob_sidecar", {"blob": good})
        self.assertEqual(status, 400, r)
        self.assertIn("unknown field", r["message"])
        status, r = self.post("compute_blob_sidecar", {"blobs": [good] * 65})
        self.assertEqual(status, 400, r)
        self.assertIn("limit", r["message"])

    # ---- verify_blob_sidecars ------------------------------------------------------------

    def test_blob_sidecars_valid(self):
        data = [blob_sidecar(i, b[0], b[1], b[2]) for i, b in enumerate(self.blobs)]
        status, r = self.post("verify_blob_sidecars", {"execution_optimistic": False, "finalized": True, "data": data})
        self.assertEqual((status, r), (200, {"valid": True, "failures": []}))
        self.assertEqual(self.post("verify_blob_sidecars", {"data": []}), (200, {"valid": True, "failures": []}))

    def test_blob_sidecars_against_the_verify_vectors(self):
        # Every verify_blob_kzg_proof case as one sidecar: the failures must be
        # exactly the cases whose answer is false or an error.
        cases = load_vectors("verify_blob_kzg_proof")
        data, expected = [], []
        for i, (_, inp, out) in enumerate(cases):
            data.append(blob_sidecar(i, inp["blob"], inp["commitment"], inp["proof"]))
            if out is not True:
                expected.append(i)
        for chunk in range(0, len(data), 20):
            part = data[chunk:chunk + 20]
            status, r = self.post("verify_blob_sidecars", {"data": part})
            self.assertEqual(status, 200, r)
            want = [i - chunk for i in expected if chunk <= i < chunk + 20]
            self.assertEqual([f["index"] for f in r["failures"]], want, r)
            self.assertEqual(r["valid"], not want)
            for f in r["failures"]:
                out = cases[chunk + f["index"]][2]
                if out is False:
                    self.assertIn("does not verify", f["message"])
                else:  # a malformed input: the message names the Beacon API field
                    self.assertRegex(f["message"], r"^(blob|kzg_commitment|kzg_proof)\b", f)

    def test_blob_sidecars_bad_ones_are_named(self):
        b0, b1, b2 = self.blobs[:3]
        swapped = blob_sidecar(1, b1[0], b1[1], b2[2])  # another blob's proof
        short = blob_sidecar(2, b2[0], b2[1][:-2], b2[2])
        missing = blob_sidecar(3, b0[0], b0[1], b0[2])
        del missing["kzg_proof"]
        not_a_point = blob_sidecar(4, b0[0], "0x" + "ab" * 48, b0[2])
        data = [blob_sidecar(0, *b0[:3]), swapped, short, missing, not_a_point, "sidecar", blob_sidecar(6, *b1[:3])]
        status, r = self.post("verify_blob_sidecars", {"data": data})
        self.assertEqual(status, 200, r)
        self.assertFalse(r["valid"])
        failures = {f["index"]: f["message"] for f in r["failures"]}
        self.assertEqual(sorted(failures), [1, 2, 3, 4, 5], r)
        self.assertIn("does not verify", failures[1])
        self.assertIn("kzg_commitment: expected 48 bytes, got 47", failures[2])
        self.assertIn('missing field "kzg_proof"', failures[3])
        self.assertTrue(failures[4].startswith("kzg_commitment"), failures[4])
        self.assertIn("expected a sidecar object", failures[5])

    def test_blob_sidecar_bodies_that_are_not_usable(self):
        for body, words in (("[]", "Beacon API"), ({"data": {}}, '"data" is an object'), ({"x": 1}, 'no "data"'),
                            ("{", "invalid JSON")):
            status, r = self.post("verify_blob_sidecars", body)
            self.assertEqual(status, 400, r)
            self.assertIn(words, r["message"])
        status, _, body = self.kzgd.post_ssz("verify_blob_sidecars", b"\x00" * 16)
        self.assertEqual(status, 415, body)

    # ---- verify_data_column_sidecars -----------------------------------------------------

    def rows(self, n):
        # Blobs whose 128 cell proofs all differ (not the zero blob, whose
        # proofs are all the point at infinity), so that a proof moved to
        # another column is wrong there.
        distinct = [b for b in self.blobs if len(set(b[4])) == CELLS]
        self.assertGreaterEqual(len(distinct), n)
        return [(b[1], b[3], b[4]) for b in distinct[:n]]

    def test_columns_valid(self):
        rows = self.rows(4)
        data = [column_sidecar(j, rows) for j in (0, 1, 63, 64, 127)]
        status, r = self.post("verify_data_column_sidecars", {"data": data})
        self.assertEqual((status, r), (200, {"valid": True, "failures": []}))

    def test_columns_bad_ones_are_named(self):
        rows = self.rows(3)
        wrong_proof = column_sidecar(5, rows)
        wrong_proof["kzg_proofs"][2] = rows[2][2][6]  # the next column's proof for row 2
        wrong_column = column_sidecar(7, rows)
        wrong_column["index"] = "8"  # cells of column 7 claimed as column 8
        out_of_range = column_sidecar(9, rows)
        out_of_range["index"] = "128"
        mismatch = column_sidecar(10, rows)
        mismatch["kzg_proofs"].pop()
        empty = {"index": "11", "column": [], "kzg_commitments": [], "kzg_proofs": []}
        bad_hex = column_sidecar(12, rows)
        bad_hex["column"][1] = bad_hex["column"][1][:-1] + "g"
        bad_point = column_sidecar(13, rows)
        bad_point["kzg_commitments"][0] = "0x" + "ab" * 48
        leading_zero = column_sidecar(14, rows)
        leading_zero["index"] = "014"
        data = [column_sidecar(0, rows), wrong_proof, wrong_column, out_of_range, mismatch, empty, bad_hex,
                bad_point, leading_zero, column_sidecar(100, rows)]
        status, r = self.post("verify_data_column_sidecars", {"data": data})
        self.assertEqual(status, 200, r)
        self.assertFalse(r["valid"])
        failures = {f["index"]: f["message"] for f in r["failures"]}
        self.assertEqual(sorted(failures), [1, 2, 3, 4, 5, 6, 7, 8], r)
        self.assertTrue(failures[1].startswith("kzg_proofs[2]: "), failures[1])
        self.assertIn("does not verify", failures[2])
        self.assertIn("128 is not a column", failures[3])
        self.assertIn("length mismatch: 3 cells in column, 3 kzg_commitments, 2 kzg_proofs", failures[4])
        self.assertIn("kzg_commitments: empty", failures[5])
        self.assertIn("column[1]: invalid hex character", failures[6])
        self.assertTrue(failures[7].startswith("kzg_commitments[0]"), failures[7])
        self.assertTrue(failures[8].startswith("index"), failures[8])

    def test_column_limits(self):
        rows = self.rows(1)
        status, r = self.post("verify_data_column_sidecars", {"data": [column_sidecar(0, rows)] * 129})
        self.assertEqual(status, 400, r)
        self.assertIn("NUMBER_OF_COLUMNS", r["message"])

    def test_infinity_blob_sidecar(self):
        # The zero blob: commitment and proof are the point at infinity.
        zero = "0x" + "00" * 131072
        status, r = self.post("verify_blob_sidecars", {"data": [blob_sidecar(0, zero, INFINITY_HEX, INFINITY_HEX)]})
        self.assertEqual((status, r), (200, {"valid": True, "failures": []}))


if __name__ == "__main__":
    import sys
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
