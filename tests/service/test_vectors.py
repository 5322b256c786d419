#!/usr/bin/env python3
"""Every consensus-spec reference vector of the served functions through
kzgd's HTTP API, as JSON and (where the input can be SSZ-encoded) as
application/octet-stream: the expected output, or a 400 in the one error
shape where the vector's output is null.
Usage: test_vectors.py KZGD VECTORS_DIR"""
import json
import os
import sys
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

CLIENT_THREADS = 3


def check_error(status, headers, body, where):
    """A 400 in the documented error shape, or a description of what is wrong."""
    if status != 400:
        return f"{where}: expected 400, got {status}: {body[:200]!r}"
    if not headers.get("content-type", "").startswith("application/json"):
        return f"{where}: error without a JSON content type"
    try:
        err = json.loads(body)
    except ValueError:
        return f"{where}: error body is not JSON: {body[:200]!r}"
    if err.get("code") != 400 or not isinstance(err.get("message"), str) or not err["message"]:
        return f"{where}: bad error shape: {err}"
    for f in err.get("failures", []):
        if not isinstance(f.get("index"), int) or not isinstance(f.get("message"), str):
            return f"{where}: bad failure entry: {f}"
    return None


def run_case(server, function, name, inputs, output):
    """Problems found with one case (empty when it passes both ways)."""
    problems = []
    expected = None if output is None else h.expected_outputs(function, output)
    # JSON: the vector's input as it is, whatever its lengths.
    status, headers, body = server.post_json(function, inputs)
    where = f"{function}/{name} (JSON)"
    if expected is None:
        p = check_error(status, headers, body, where)
        if p:
            problems.append(p)
    elif status != 200:
        problems.append(f"{where}: expected 200, got {status}: {body[:300]!r}")
    else:
        try:
            got = json.loads(body)
        except ValueError:
            got = body[:200]
        if got != expected[0]:
            problems.append(f"{where}: wrong output: {str(got)[:300]}")
        elif headers.get("content-type") != "application/json":
            problems.append(f"{where}: content type {headers.get('content-type')}")
    # SSZ, when the input can be encoded at all.
    data = h.ssz_encode(function, inputs)
    if data is not None:
        status, headers, body = server.post_ssz(function, data)
        where = f"{function}/{name} (SSZ)"
        if expected is None:
            p = check_error(status, headers, body, where)
            if p:
                problems.append(p)
        elif status != 200:
            problems.append(f"{where}: expected 200, got {status}: {body[:300]!r}")
        elif body != expected[1]:
            problems.append(f"{where}: wrong output ({len(body)} bytes, expected {len(expected[1])})")
        elif headers.get("content-type") != "application/octet-stream":
            problems.append(f"{where}: content type {headers.get('content-type')}")
    return problems, data is not None


class Vectors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        h.require_vectors()
        cls.server = h.Kzgd()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def check_function(self, function):
        cases = h.load_vectors(function)
        self.assertTrue(cases, f"no vectors for {function} under {h.VECTORS}")
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            results = list(pool.map(lambda c: run_case(self.server, function, *c), cases))
        problems = [p for ps, _ in results for p in ps]
        binary = sum(1 for _, b in results if b)
        print(f"{function}: {len(cases)} cases as JSON, {binary} as SSZ, {len(problems)} problems", file=sys.stderr)
        self.assertEqual(problems, [], f"{len(problems)} problems:\n" + "\n".join(problems[:20]))
        self.assertIsNone(self.server.proc.poll(), "kzgd died")


def _make_test(function):
    return lambda self: self.check_function(function)


for _function in h.FIELDS:
    setattr(Vectors, f"test_{_function}", _make_test(_function))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
