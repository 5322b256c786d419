#!/usr/bin/env python3
"""kzgd API behaviour beyond the vectors: info/health endpoints, request ids,
the access log, content negotiation, keep-alive and pipelining, valid:false,
Expect: 100-continue, and the default limits (a 64-blob JSON batch fits).
Usage: test_api.py KZGD VECTORS_DIR"""
import json
import os
import re
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

MAINNET_SHA256 = "608ac720ba55fc77f65d155391020fc5b0501db266a3e360e734d6c0db0dfae3"
INF = h.INFINITY_HEX
ZERO32 = "0x" + "00" * 32
ONE32 = "0x" + "00" * 31 + "01"
JSON = {"Content-Type": "application/json"}


def blob_commitment_proof(server, seed):
    blob = h.hexs(h.random_blob(seed))
    st, _, body = server.post_json("blob_to_kzg_commitment", {"blob": blob})
    assert st == 200, body
    commitment = json.loads(body)["commitment"]
    st, _, body = server.post_json("compute_blob_kzg_proof", {"blob": blob, "commitment": commitment})
    assert st == 200, body
    return blob, commitment, json.loads(body)["proof"]


class Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = h.Kzgd("--workers", "2")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_health(self):
        st, hd, body = self.server.request("GET", "/livez")
        self.assertEqual(st, 200)
        st, hd, body = self.server.request("GET", "/readyz")
        self.assertEqual(st, 200)
        st, hd, body = self.server.request("HEAD", "/readyz")
        self.assertEqual((st, body), (200, b""))
        self.assertGreater(int(hd["content-length"]), 0)

    def test_info(self):
        st, hd, body = self.server.request("GET", "/v1/info")
        self.assertEqual(st, 200)
        info = json.loads(body)
        self.assertRegex(info["version"], r"^\d+\.\d+\.\d+")
        self.assertTrue(info["build"]["git_commit"])
        self.assertEqual(info["build"]["blst_version"], "0.3.12")
        self.assertEqual(info["setup"]["sha256"], MAINNET_SHA256)
        self.assertTrue(info["setup"]["loaded"])
        self.assertIsInstance(info["precompute"], int)
        self.assertIsInstance(info["blob_window_bits"], int)
        self.assertEqual(info["workers"], 2)
        lim = info["limits"]
        self.assertGreaterEqual(lim["max_body_bytes"], 64 * 2 * h.BLOB)
        for k in ("max_header_bytes", "max_connections", "max_queue", "max_batch_blobs", "max_cells",
                  "read_timeout_s", "idle_timeout_s"):
            self.assertIn(k, lim)
        self.assertEqual(set(info["functions"]),
                         set(h.FIELDS) | {"compute_blob_sidecar", "verify_blob_sidecars", "verify_data_column_sidecars"})
        self.assertEqual(info["state"], {"ready": True, "draining": False, "in_flight": 0})

    def test_request_id(self):
        st, hd, _ = self.server.request("GET", "/livez", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(hd["x-request-id"], "abc-123")
        st, hd, _ = self.server.request("GET", "/livez")
        self.assertRegex(hd["x-request-id"], r"^[0-9a-f]{32}$")
        st, hd, _ = self.server.request("GET", "/livez", headers={"X-Request-Id": "has space"})
        self.assertRegex(hd["x-request-id"], r"^[0-9a-f]{32}$")
        st, hd, body = self.server.request("POST", "/v1/verify_kzg_proof", "{",
                                           {"Content-Type": "application/json", "X-Request-Id": "err-7"})
        self.assertEqual((st, hd["x-request-id"]), (400, "err-7"))

    def test_access_log(self):
        rid = "log-check-42"
        self.server.request("GET", "/v1/info", headers={"X-Request-Id": rid})
        self.server.post_json("verify_kzg_proof", {"commitment": INF, "z": ZERO32, "y": ZERO32, "proof": INF})
        records = self.server.wait_log(lambda rs: any(r.get("request_id") == rid for r in rs) and any(
            r.get("route") == "/v1/verify_kzg_proof" and r.get("status") == 200 for r in rs))
        reqs = [r for r in records if r.get("msg") == "request"]
        self.assertTrue(reqs)
        for r in reqs:
            for k in ("ts", "level", "msg", "request_id", "method", "route", "status", "duration_ms"):
                self.assertIn(k, r)
            self.assertRegex(r["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        calls = [r for r in reqs if r["route"] == "/v1/verify_kzg_proof" and r["status"] == 200]
        self.assertTrue(calls)
        for r in calls:
            self.assertGreaterEqual(r["queue_ms"], 0)
            self.assertGreater(r["work_ms"], 0)
        mine = [r for r in reqs if r["request_id"] == rid]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["method"], mine[0]["route"], mine[0]["status"]), ("GET", "/v1/info", 200))
        self.assertTrue(any(r.get("msg") == "listening" and r.get("port") == self.server.port for r in records))

    def test_uppercase_hex_accepted(self):
        blob, commitment, proof = blob_commitment_proof(self.server, 4)
        st, _, body = self.server.post_json("verify_blob_kzg_proof", {
            "blob": "0X" + blob[2:].upper(), "commitment": commitment.upper().replace("0X", "0x"), "proof": proof})
        self.assertEqual((st, json.loads(body)), (200, {"valid": True}))

    def test_false_is_not_an_error(self):
        st, hd, body = self.server.post_json("verify_kzg_proof",
                                             {"commitment": INF, "z": ZERO32, "y": ONE32, "proof": INF})
        self.assertEqual((st, json.loads(body)), (200, {"valid": False}))
        data = bytes.fromhex(INF[2:]) + bytes(32) + bytes.fromhex(ONE32[2:]) + bytes.fromhex(INF[2:])
        st, hd, body = self.server.post_ssz("verify_kzg_proof", data)
        self.assertEqual((st, body), (200, b"\x00"))

    def test_content_negotiation(self):
        body = json.dumps({"commitment": INF, "z": ZERO32, "y": ZERO32, "proof": INF})
        for accept, binary in [(None, False), ("*/*", False), ("application/json", False),
                               ("application/octet-stream", True),
                               ("application/json, application/octet-stream;q=0.5", False),
                               ("application/json;q=0.1, application/octet-stream", True)]:
            headers = dict(JSON)
            if accept:
                headers["Accept"] = accept
            st, hd, data = self.server.request("POST", "/v1/verify_kzg_proof", body, headers)
            self.assertEqual(st, 200)
            if binary:
                self.assertEqual((hd["content-type"], data), ("application/octet-stream", b"\x01"), accept)
            else:
                self.assertEqual((hd["content-type"], json.loads(data)), ("application/json", {"valid": True}),
                                 accept)
        # Errors are JSON whatever the client accepts.
        st, hd, data = self.server.request("POST", "/v1/verify_kzg_proof", b"\x00",
                                           {"Content-Type": "application/octet-stream",
                                            "Accept": "application/octet-stream"})
        self.assertEqual((st, hd["content-type"]), (400, "application/json"))
        self.assertEqual(json.loads(data)["code"], 400)

    def test_keep_alive_and_pipelining(self):
        conn = self.server.connection()
        try:
            for _ in range(3):
                conn.request("GET", "/livez")
                r = conn.getresponse()
                r.read()
                self.assertEqual(r.status, 200)
                self.assertNotEqual(r.getheader("Connection"), "close")
        finally:
            conn.close()
        body = json.dumps({"commitment": INF, "z": ZERO32, "y": ONE32, "proof": INF}).encode()
        one = (b"POST /v1/verify_kzg_proof HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        last = b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        raw = self.server.raw(one + one + last)
        self.assertEqual(raw.count(b"HTTP/1.1 200 OK"), 3, raw)
        self.assertEqual(raw.count(b'{"valid":false}'), 2)

    def test_expect_100_continue(self):
        blob, commitment, proof = blob_commitment_proof(self.server, 3)
        body = json.dumps({"blob": blob}).encode()
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        try:
            s.sendall(b"POST /v1/blob_to_kzg_commitment HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode() +
                      b"\r\n\r\n")
            first = s.recv(1024)
            self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue"), first)
            s.sendall(body)
            raw = b""
            while True:
                c = s.recv(65536)
                if not c:
                    break
                raw += c
        finally:
            s.close()
        self.assertIn(b"200 OK", raw)
        self.assertIn(commitment.encode(), raw)

    def test_round_trip_all_functions(self):
        blob, commitment, proof = blob_commitment_proof(self.server, 1)
        st, _, body = self.server.post_json("verify_blob_kzg_proof",
                                            {"blob": blob, "commitment": commitment, "proof": proof})
        self.assertEqual((st, json.loads(body)), (200, {"valid": True}))
        st, _, body = self.server.post_json("compute_kzg_proof", {"blob": blob, "z": ONE32})
        self.assertEqual(st, 200)
        py = json.loads(body)
        st, _, body = self.server.post_json("verify_kzg_proof",
                                            {"commitment": commitment, "z": ONE32, "y": py["y"], "proof": py["proof"]})
        self.assertEqual(json.loads(body), {"valid": True})
        st, _, body = self.server.post_json("verify_cell_kzg_proof_batch",
                                            {"commitments": [], "cell_indices": [], "cells": [], "proofs": []})
        self.assertEqual((st, json.loads(body)), (200, {"valid": True}))
        # EIP-7594: cells and proofs, verification (Beacon-API style decimal-string
        # indices accepted too), recovery from the upper half.
        st, _, body = self.server.post_json("compute_cells_and_kzg_proofs", {"blob": blob})
        self.assertEqual(st, 200, body[:300])
        cp = json.loads(body)
        self.assertEqual((len(cp["cells"]), len(cp["proofs"])), (128, 128))
        st, _, body = self.server.post_json("compute_cells", {"blob": blob})
        self.assertEqual(json.loads(body), {"cells": cp["cells"]})
        st, _, body = self.server.post_json("verify_cell_kzg_proof_batch", {
            "commitments": [commitment] * 2, "cell_indices": ["0", 5],
            "cells": [cp["cells"][0], cp["cells"][5]], "proofs": [cp["proofs"][0], cp["proofs"][5]]})
        self.assertEqual((st, json.loads(body)), (200, {"valid": True}))
        st, _, body = self.server.post_json("recover_cells_and_kzg_proofs", {
            "cell_indices": list(range(64, 128)), "cells": cp["cells"][64:]})
        self.assertEqual((st, json.loads(body)), (200, cp))
        st, _, body = self.server.post_json("verify_blob_kzg_proof_batch",
                                            {"blobs": [], "commitments": [], "proofs": []})
        self.assertEqual((st, json.loads(body)), (200, {"valid": True}))


class DefaultLimits(unittest.TestCase):
    """With the defaults, a 64-blob JSON batch (about 16.8 MB) fits; 65 blobs do not."""

    def test_64_blob_json_batch(self):
        with h.Kzgd() as server:
            blob, commitment, proof = blob_commitment_proof(server, 2)
            req = {"blobs": [blob] * 64, "commitments": [commitment] * 64, "proofs": [proof] * 64}
            body = json.dumps(req)
            self.assertGreater(len(body), 64 * 2 * h.BLOB)
            st, _, data = server.post_json("verify_blob_kzg_proof_batch", body)
            self.assertEqual((st, json.loads(data)), (200, {"valid": True}))
            req = {k: v + v[:1] for k, v in req.items()}
            st, _, data = server.post_json("verify_blob_kzg_proof_batch", req)
            self.assertEqual(st, 400)
            self.assertIn("65 elements are more than the limit of 64", json.loads(data)["message"])
            # Binary: the same 64-blob batch as SSZ.
            data = h.ssz_encode("verify_blob_kzg_proof_batch",
                                {"blobs": [blob] * 64, "commitments": [commitment] * 64, "proofs": [proof] * 64})
            st, _, out = server.post_ssz("verify_blob_kzg_proof_batch", data)
            self.assertEqual((st, out), (200, b"\x01"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
