#!/usr/bin/env python3
"""A table of bad requests: each gets the documented status and the one error
shape {"code","message"[,"failures"]} with a message naming the problem, and
the server keeps serving other requests after every one of them.
Usage: test_bad_requests.py KZGD VECTORS_DIR"""
import json
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

INF = h.INFINITY_HEX  # the point at infinity: a valid commitment/proof
ZERO32 = "0x" + "00" * 32
# verify_kzg_proof of the zero polynomial: valid.
GOOD_VKP = {"commitment": INF, "z": ZERO32, "y": ZERO32, "proof": INF}
JSON = {"Content-Type": "application/json"}
OCTETS = {"Content-Type": "application/octet-stream"}
BAD_BLOB = "0x" + "ff" * h.BLOB

SERVER_ARGS = ["--max-batch-blobs", "2", "--max-cells", "4", "--max-body-bytes", "1MiB",
               "--max-header-bytes", "4KiB", "--workers", "2"]
BODY_LIMIT = 1 << 20


def vkp(**changes):
    d = dict(GOOD_VKP)
    for k, v in changes.items():
        if v is ...:
            del d[k]
        else:
            d[k] = v
    return json.dumps(d)


def u32(n):
    return n.to_bytes(4, "little")


# (name, method, path, headers, body, status, message substring, failure indices or None)
CASES = [
    ("bad JSON", "POST", "/v1/verify_kzg_proof", JSON, '{"commitment":', 400, "invalid JSON at byte 14", None),
    ("trailing data", "POST", "/v1/verify_kzg_proof", JSON, vkp() + " x", 400, "unexpected data after the JSON", None),
    ("not an object", "POST", "/v1/verify_kzg_proof", JSON, "[1,2]", 400, "expected a JSON object", None),
    ("empty body", "POST", "/v1/verify_kzg_proof", JSON, "", 400, "invalid JSON", None),
    ("missing field", "POST", "/v1/verify_kzg_proof", JSON, vkp(y=...), 400, 'missing field "y"', None),
    ("extra field", "POST", "/v1/verify_kzg_proof", JSON, vkp(foo="0x00"), 400, 'unknown field "foo"', None),
    ("duplicate field", "POST", "/v1/verify_kzg_proof", JSON, vkp()[:-1] + f',"z":"{ZERO32}"}}', 400,
     'duplicate field "z"', None),
    ("odd-length hex", "POST", "/v1/verify_kzg_proof", JSON, vkp(z="0x" + "0" * 63), 400,
     "z: odd number of hex digits (63)", None),
    ("missing 0x", "POST", "/v1/verify_kzg_proof", JSON, vkp(z="00" * 32), 400, "z: missing 0x prefix", None),
    ("wrong length", "POST", "/v1/verify_kzg_proof", JSON, vkp(commitment="0xc0" + "00" * 46), 400,
     "commitment: expected 48 bytes, got 47", None),
    ("bad hex digit", "POST", "/v1/verify_kzg_proof", JSON, vkp(y="0xg" + "0" * 63), 400,
     "y: invalid hex character 'g' at digit 0", None),
    ("bad hex digit deep in a blob", "POST", "/v1/blob_to_kzg_commitment", JSON,
     json.dumps({"blob": "0x" + "00" * 100000 + "0z" + "00" * (h.BLOB - 100001)}), 400,
     "blob: invalid hex character 'z' at digit 200001", None),
    ("non-ASCII in hex", "POST", "/v1/verify_kzg_proof", JSON, vkp(y="0x" + "0" * 61 + "\u00e9" + "0"), 400,
     "y: invalid hex character byte 0xc3 at digit 61", None),
    ("number for bytes", "POST", "/v1/verify_kzg_proof", JSON, vkp(z=5), 400,
     "z: expected a 0x-hex string, got a number", None),
    ("null for bytes", "POST", "/v1/verify_kzg_proof", JSON, vkp(proof=None), 400,
     "proof: expected a 0x-hex string, got null", None),
    ("non-canonical z", "POST", "/v1/verify_kzg_proof", JSON, vkp(z="0x" + "ff" * 32), 400,
     "z: not a canonical field element", None),
    ("invalid point", "POST", "/v1/verify_kzg_proof", JSON, vkp(proof="0x" + "ff" * 48), 400, "proof: ", None),
    ("deep nesting", "POST", "/v1/verify_kzg_proof", JSON, "[" * 5000, 400, "nested deeper than", None),
    ("huge array of small values", "POST", "/v1/verify_cell_kzg_proof_batch", JSON,
     '{"commitments":[],"cell_indices":[' + ",".join(["0"] * 200000) + '],"cells":[],"proofs":[]}', 400,
     "values (more elements than any request needs)", None),
    ("control character", "POST", "/v1/verify_kzg_proof", JSON, '{"z":"\x01"}', 400, "control character", None),
    ("bad escape", "POST", "/v1/verify_kzg_proof", JSON, '{"z":"\\q"}', 400, "invalid escape", None),
    ("non-canonical blob", "POST", "/v1/verify_blob_kzg_proof", JSON,
     json.dumps({"blob": BAD_BLOB, "commitment": INF, "proof": INF}), 400,
     "blob: field element 0 is not canonical", None),
    ("batch element wrong length", "POST", "/v1/verify_blob_kzg_proof_batch", JSON,
     json.dumps({"blobs": ["0x" + "00" * h.BLOB, "0x00"], "commitments": [INF, INF], "proofs": [INF, INF]}), 400,
     "blobs[1]: expected 131072 bytes, got 1", [1]),
    ("batch element non-canonical", "POST", "/v1/verify_blob_kzg_proof_batch", JSON,
     json.dumps({"blobs": ["0x" + "00" * h.BLOB, BAD_BLOB], "commitments": [INF, INF], "proofs": [INF, INF]}), 400,
     "blobs[1]: field element 0 is not canonical", [1]),
    ("batch element bad point", "POST", "/v1/verify_blob_kzg_proof_batch", JSON,
     json.dumps({"blobs": ["0x" + "00" * h.BLOB], "commitments": ["0x" + "ff" * 48], "proofs": [INF]}), 400,
     "commitments[0]: ", [0]),
    ("batch several bad elements", "POST", "/v1/verify_blob_kzg_proof_batch", JSON,
     json.dumps({"blobs": [], "commitments": ["0x00", "0x1"], "proofs": []}), 400,
     "commitments[0]: expected 48 bytes, got 1 (and 1 more)", [0, 1]),
    ("batch lengths differ", "POST", "/v1/verify_blob_kzg_proof_batch", JSON,
     json.dumps({"blobs": [], "commitments": [INF], "proofs": []}), 400, "lists differ in length", None),
    ("batch over max-batch-blobs", "POST", "/v1/verify_blob_kzg_proof_batch", JSON,
     json.dumps({"blobs": ["0x00"] * 3, "commitments": [], "proofs": []}), 400,
     "blobs: 3 elements are more than the limit of 2", None),
    ("batch not a list", "POST", "/v1/verify_blob_kzg_proof_batch", JSON,
     json.dumps({"blobs": "0x00", "commitments": [], "proofs": []}), 400,
     "blobs: expected an array of 0x-hex strings, got a string", None),
    ("cells over max-cells", "POST", "/v1/verify_cell_kzg_proof_batch", JSON,
     json.dumps({"commitments": [], "cell_indices": [], "cells": ["0x00"] * 5, "proofs": []}), 400,
     "cells: 5 elements are more than the limit of 4", None),
    ("cell index not an integer", "POST", "/v1/verify_cell_kzg_proof_batch", JSON,
     json.dumps({"commitments": [], "cell_indices": [1.5, -1], "cells": [], "proofs": []}), 400,
     "cell_indices[0]: expected an unsigned 64-bit integer", [0, 1]),
    ("cell index too large", "POST", "/v1/verify_cell_kzg_proof_batch", JSON,
     '{"commitments":[],"cell_indices":[18446744073709551616],"cells":[],"proofs":[]}', 400,
     "cell_indices[0]: expected an unsigned 64-bit integer", [0]),
    ("SSZ wrong size", "POST", "/v1/verify_kzg_proof", OCTETS, b"\x00" * 159, 400,
     "request body: expected 160 bytes", None),
    ("SSZ bad first offset", "POST", "/v1/verify_blob_kzg_proof_batch", OCTETS, u32(0) + u32(12) + u32(12), 400,
     "blobs: offset 0 must be 12", None),
    ("SSZ offset past the end", "POST", "/v1/verify_blob_kzg_proof_batch", OCTETS, u32(12) + u32(12) + u32(99), 400,
     "proofs: offset 99 is past the end", None),
    ("SSZ offsets decreasing", "POST", "/v1/verify_blob_kzg_proof_batch", OCTETS,
     u32(12) + u32(60) + u32(12) + b"\x00" * 48, 400, "proofs: offset 12 is before the previous offset", None),
    ("SSZ partial element", "POST", "/v1/verify_blob_kzg_proof_batch", OCTETS,
     u32(12) + u32(12) + u32(12) + b"\x00" * 47, 400, "proofs: 47 bytes is not a multiple of the 48-byte element",
     None),
    ("SSZ short fixed part", "POST", "/v1/verify_cell_kzg_proof_batch", OCTETS, b"\x10\x00", 400,
     "shorter than the 16-byte fixed part", None),
    ("wrong content type", "POST", "/v1/verify_kzg_proof", {"Content-Type": "text/plain"}, vkp(), 415,
     "Content-Type must be application/json or application/octet-stream", None),
    ("form content type", "POST", "/v1/verify_kzg_proof", {"Content-Type": "application/x-www-form-urlencoded"},
     vkp(), 415, "Content-Type must be", None),
    ("no content type", "POST", "/v1/verify_kzg_proof", {}, vkp(), 415, "got none", None),
    ("unknown function", "POST", "/v1/compute_challenge", JSON, "{}", 404, "unknown route /v1/compute_challenge", None),
    ("unknown route", "GET", "/", {}, None, 404, "unknown route /", None),
    ("unknown version", "POST", "/v2/verify_kzg_proof", JSON, vkp(), 404, "unknown route", None),
    ("GET on a function", "GET", "/v1/verify_kzg_proof", {}, None, 405, "method GET is not allowed", None),
    ("POST on livez", "POST", "/livez", JSON, "{}", 405, "method POST is not allowed on /livez", None),
    ("DELETE on info", "DELETE", "/v1/info", {}, None, 405, "method DELETE is not allowed", None),
    ("Content-Length over the limit", "POST", "/v1/verify_blob_kzg_proof", JSON, "x" * (BODY_LIMIT + 1), 413,
     f"larger than the limit of {BODY_LIMIT} bytes", None),
]


class BadRequests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = h.Kzgd(*SERVER_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def assert_error(self, status, headers, body, want_status, want_message, failures=None, where=""):
        self.assertEqual(status, want_status, f"{where}: {body[:300]!r}")
        self.assertEqual(headers.get("content-type"), "application/json", where)
        self.assertTrue(headers.get("x-request-id"), where)
        err = json.loads(body)
        self.assertEqual(err["code"], want_status, where)
        self.assertIn(want_message, err["message"], where)
        if failures is None:
            self.assertNotIn("failures", err, where)
        else:
            self.assertEqual([f["index"] for f in err["failures"]], failures, where)
            for f in err["failures"]:
                self.assertTrue(f["message"].startswith(f"{f['message'].split('[')[0]}[{f['index']}]: "), where)
        return err

    def assert_still_serving(self, where):
        status, _, body = self.server.post_json("verify_kzg_proof", GOOD_VKP)
        self.assertEqual((status, json.loads(body)), (200, {"valid": True}), f"after {where}")

    def test_table(self):
        for name, method, path, headers, body, status, message, failures in CASES:
            with self.subTest(name):
                if isinstance(body, str):
                    body = body.encode()
                st, hd, data = self.server.request(method, path, body, headers)
                err = self.assert_error(st, hd, data, status, message, failures, name)
                if status == 405:
                    self.assertIn("allowed", err["message"])
                    self.assertTrue(hd.get("allow"), f"{name}: no Allow header")
                self.assert_still_serving(name)

    def test_allow_headers(self):
        self.assertEqual(self.server.request("GET", "/v1/verify_blob_kzg_proof")[1]["allow"], "POST")
        self.assertEqual(self.server.request("PUT", "/readyz")[1]["allow"], "GET, HEAD")

    # ---- requests that need a raw socket ---------------------------------------

    def parse_raw(self, raw):
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        n = int(headers.get("content-length", len(body)))
        return status, headers, body[:n]

    def test_content_length_refused_before_the_body(self):
        # Headers only: the 413 must come without the server waiting for 100 MB.
        req = (b"POST /v1/verify_blob_kzg_proof_batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 100000000\r\n\r\n")
        t0 = time.monotonic()
        st, hd, body = self.parse_raw(self.server.raw(req, read_timeout=h.scaled(10)))
        self.assertLess(time.monotonic() - t0, h.scaled(5))  # well below kzgd's 30 s read timeout
        self.assert_error(st, hd, body, 413, "100000000 bytes is larger than the limit")
        self.assertEqual(hd.get("connection"), "close")
        self.assert_still_serving("413 by Content-Length")

    def test_expect_continue_refused(self):
        req = (b"POST /v1/verify_blob_kzg_proof HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Expect: 100-continue\r\nContent-Length: 50000000\r\n\r\n")
        st, hd, body = self.parse_raw(self.server.raw(req))
        self.assert_error(st, hd, body, 413, "larger than the limit")

    def test_chunked_body_over_the_limit(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        try:
            s.sendall(b"POST /v1/verify_blob_kzg_proof HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n")
            chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
            sent = 0
            s.settimeout(0.05)
            raw = b""
            # Keep sending until the server answers; it must before 4x the limit.
            while sent < 4 * BODY_LIMIT and not raw:
                try:
                    s.sendall(chunk)
                    sent += 0x10000
                except (BrokenPipeError, ConnectionResetError):
                    break
                try:
                    raw = s.recv(65536)
                except socket.timeout:
                    pass
            s.settimeout(10)
            raw += h.read_to_eof(s)
        finally:
            s.close()
        st, hd, body = self.parse_raw(raw)
        self.assert_error(st, hd, body, 413, "larger than the limit")
        self.assertLessEqual(sent, BODY_LIMIT + 4 * 0x10000 + (1 << 20))  # refused once the limit is crossed
        self.assert_still_serving("chunked 413")

    def test_headers_too_large(self):
        req = b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8000 + b"\r\n\r\n"
        st, hd, body = self.parse_raw(self.server.raw(req))
        self.assert_error(st, hd, body, 431, "request headers are larger than the limit of 4096 bytes")
        self.assert_still_serving("431")

    def test_malformed_request_line(self):
        st, hd, body = self.parse_raw(self.server.raw(b"THIS IS NOT HTTP\r\n\r\n"))
        self.assert_error(st, hd, body, 400, "malformed HTTP request")
        st, hd, body = self.parse_raw(self.server.raw(b"GET /livez HTTP/1.1\r\nHost x\r\n\r\n"))
        self.assert_error(st, hd, body, 400, "malformed HTTP request")
        self.assert_still_serving("malformed")

    def test_bad_chunk_encoding(self):
        req = (b"POST /v1/verify_kzg_proof HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\nzz\r\n")
        st, hd, body = self.parse_raw(self.server.raw(req))
        self.assert_error(st, hd, body, 400, "malformed HTTP request")

    def test_server_alive_and_logging(self):
        self.assert_still_serving("everything")
        self.assertIsNone(self.server.proc.poll())
        for rec in self.server.log_records():
            self.assertIn(rec["level"], ("info", "warn", "error"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
