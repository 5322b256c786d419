#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the consensus-spec KZG vectors.

    fuzz/make_corpus.py OUT_DIR [--vectors DIR] [--setup FILE] [--max-per-function N]

Writes OUT_DIR/<target>/<name> for every target in fuzz/CMakeLists.txt, in the
input encoding of fuzz/fuzz_common.hpp (the vectors' inputs as raw typed
fields: tag 0 and the bytes). Cases whose inputs cannot be represented in
the typed API (a 47-byte commitment, a 131071-byte blob) are left out: the
typed API cannot receive them. Lists are cut to what each target reads.
The kzgd codec targets (fuzz_service_*) get the inputs as a client sends
them instead (JSON body, SSZ body; see fuzz/service_oracle.hpp for the
framing), invalid ones included, plus hand-written hostile requests.
Generated corpora belong in a build directory; never commit them.
"""
import argparse
import json
import os
import pathlib
import struct
import sys

import yaml

try:
    Loader = yaml.CSafeLoader  # libyaml: about 10x faster on the 90 MB of vectors
except AttributeError:  # pragma: no cover
    Loader = yaml.SafeLoader

HERE = pathlib.Path(__file__).resolve().parent
FUNCTIONS = [  # kzg::conformance::known_functions(), in its order
    "blob_to_kzg_commitment", "compute_kzg_proof", "compute_blob_kzg_proof", "verify_kzg_proof",
    "verify_blob_kzg_proof", "verify_blob_kzg_proof_batch", "compute_challenge", "compute_cells",
    "compute_cells_and_kzg_proofs", "recover_cells_and_kzg_proofs", "verify_cell_kzg_proof_batch",
    "compute_verify_cell_kzg_proof_batch_challenge"]
# fuzz_differential's selector byte per function.
DIFF = {"blob_to_kzg_commitment": 0, "compute_kzg_proof": 1, "compute_blob_kzg_proof": 2, "verify_kzg_proof": 3,
        "verify_blob_kzg_proof": 4, "verify_blob_kzg_proof_batch": 5, "compute_cells": 6,
        "compute_cells_and_kzg_proofs": 7, "recover_cells_and_kzg_proofs": 8, "verify_cell_kzg_proof_batch": 10}


# kzgd's /v1 functions in kzgd::functions() order (byte 0 of the service
# request targets), their request fields in SSZ container order, the bytes of
# a field's value (of a list's element) and the list fields: read from
# docs/openapi.json by tests/service/kzgd_functions.py (the tests' table too).
sys.path.insert(0, str(HERE.parent / "tests" / "service"))
from kzgd_functions import FIELDS as SERVICE, LISTS as SERVICE_LISTS, SIZES as SERVICE_SIZES  # noqa: E402

SERVICE_INDEX = {name: i for i, name in enumerate(SERVICE)}
SERVICE_MAX_LEN = 300000  # fuzz/run.sh -max_len of the service request targets


class Unrepresentable(Exception):
    pass


def raw(value, size):
    if not isinstance(value, str) or not value.startswith("0x"):
        raise Unrepresentable(value)
    try:
        b = bytes.fromhex(value[2:])
    except ValueError as e:
        raise Unrepresentable(value) from e
    if len(b) != size:
        raise Unrepresentable(f"{len(b)} bytes, want {size}")
    return b


def fe(v):
    return b"\x00" + raw(v, 32)


def g1(v):
    return b"\x00" + raw(v, 48)


def blob(v):
    return b"\x00" + (131072).to_bytes(3, "big") + raw(v, 131072)


def cell(v):
    return b"\x00" + raw(v, 2048)


def index(v):
    if not isinstance(v, int) or v < 0 or v >= 2**64:
        raise Unrepresentable(v)
    if v < 128:
        return bytes([v])
    if v < 176:
        return bytes([0xC0 + v - 128])
    return b"\xff" + struct.pack(">Q", v)


def cindex(v):
    """A commitment index of fuzz_compute_verify_cell_kzg_proof_batch_challenge."""
    if not isinstance(v, int) or v < 0 or v >= 2**64:
        raise Unrepresentable(v)
    return bytes([v]) if v < 6 else b"\xff" + struct.pack(">Q", v)


def seq(v):
    if not isinstance(v, list):
        raise Unrepresentable(v)
    return v


def recovery(inp):
    idx, cells = seq(inp["cell_indices"]), seq(inp["cells"])
    if len(idx) > 130:
        raise Unrepresentable("too many cells")
    mode = 0
    if len(cells) == len(idx) + 1:
        mode = 2
    elif len(cells) + 1 == len(idx):
        mode = 4
    elif len(cells) != len(idx):
        raise Unrepresentable("list lengths")
    return bytes([mode, len(idx)]) + b"".join(index(i) for i in idx) + b"".join(cell(c) for c in cells)


def verify_cells_raw(inp):
    cs, idx, cells, ps = (seq(inp[k]) for k in ("commitments", "cell_indices", "cells", "proofs"))
    n = min(len(cs), len(idx), len(cells), len(ps), 8)
    out = bytes([0, n])
    for i in range(n):
        out += g1(cs[i]) + index(idx[i]) + cell(cells[i]) + g1(ps[i])
    return out


def blob_entries(inp, limit):
    bs, cs, ps = (seq(inp[k]) for k in ("blobs", "commitments", "proofs"))
    if not (len(bs) == len(cs) == len(ps)) or len(bs) > limit:
        raise Unrepresentable("batch")
    return bytes([len(bs)]) + b"".join(b"\x00" + blob(b) + g1(c) + g1(p) for b, c, p in zip(bs, cs, ps))


def seeds_for(function, inp):
    """(target, bytes) pairs for one case's input."""
    out = []

    def add(target, make):
        try:
            out.append((target, make()))
        except (Unrepresentable, KeyError, TypeError):
            pass

    if function == "blob_to_kzg_commitment":
        add("fuzz_blob_to_kzg_commitment", lambda: blob(inp["blob"]))
        add("fuzz_compute_cells", lambda: blob(inp["blob"]) + b"\x05\x07")
        add("fuzz_compute_cells_and_kzg_proofs", lambda: blob(inp["blob"]) + b"\x03")
        add("fuzz_differential", lambda: bytes([DIFF[function]]) + blob(inp["blob"]))
    elif function == "compute_kzg_proof":
        add("fuzz_compute_kzg_proof", lambda: blob(inp["blob"]) + fe(inp["z"]))
        add("fuzz_differential", lambda: bytes([DIFF[function]]) + blob(inp["blob"]) + fe(inp["z"]))
    elif function == "compute_blob_kzg_proof":
        add("fuzz_compute_blob_kzg_proof", lambda: b"\x00" + blob(inp["blob"]) + g1(inp["commitment"]))
        add("fuzz_differential", lambda: bytes([DIFF[function], 0]) + blob(inp["blob"]) + g1(inp["commitment"]))
    elif function == "verify_kzg_proof":
        make = lambda: g1(inp["commitment"]) + fe(inp["z"]) + fe(inp["y"]) + g1(inp["proof"])  # noqa: E731
        add("fuzz_verify_kzg_proof", lambda: b"\x00" + make())
        add("fuzz_differential", lambda: bytes([DIFF[function]]) + make())
        add("fuzz_hex", lambda: inp["commitment"].encode())
    elif function == "verify_blob_kzg_proof":
        add("fuzz_verify_blob_kzg_proof",
            lambda: b"\x00" + blob(inp["blob"]) + g1(inp["commitment"]) + g1(inp["proof"]))
        add("fuzz_differential", lambda: bytes([DIFF[function], 1, 0]) + blob(inp["blob"]) + g1(inp["commitment"]) +
            g1(inp["proof"]))
    elif function == "verify_blob_kzg_proof_batch":
        add("fuzz_verify_blob_kzg_proof_batch", lambda: blob_entries(inp, 3))
        add("fuzz_differential", lambda: bytes([DIFF[function]]) + blob_entries(inp, 3))
    elif function == "compute_challenge":
        add("fuzz_compute_challenge", lambda: blob(inp["blob"]) + g1(inp["commitment"]))
    elif function == "compute_cells":
        add("fuzz_compute_cells", lambda: blob(inp["blob"]) + b"\x11\x22")
        add("fuzz_differential", lambda: bytes([DIFF[function]]) + blob(inp["blob"]))
    elif function == "compute_cells_and_kzg_proofs":
        add("fuzz_compute_cells_and_kzg_proofs", lambda: blob(inp["blob"]) + b"\x09")
        add("fuzz_differential", lambda: bytes([DIFF[function]]) + blob(inp["blob"]))
    elif function == "recover_cells_and_kzg_proofs":
        add("fuzz_recover_cells", lambda: recovery(inp))
        add("fuzz_recover_cells_and_kzg_proofs", lambda: recovery(inp))
        add("fuzz_differential", lambda: bytes([8]) + recovery(inp))
        add("fuzz_differential", lambda: bytes([9]) + recovery(inp))
    elif function == "verify_cell_kzg_proof_batch":
        add("fuzz_verify_cell_kzg_proof_batch", lambda: verify_cells_raw(inp))
        add("fuzz_differential", lambda: bytes([DIFF[function]]) + verify_cells_raw(inp))
    elif function == "compute_verify_cell_kzg_proof_batch_challenge":
        def make():
            cs = seq(inp["commitments"])[:4]
            cidx, idx = seq(inp["commitment_indices"]), seq(inp["cell_indices"])
            evals, ps = seq(inp["cosets_evals"]), seq(inp["proofs"])
            n = min(len(cidx), len(idx), len(evals), len(ps), 6)
            b = bytes([0, len(cs)]) + b"".join(g1(c) for c in cs) + bytes([n])
            for k in range(n):
                cellhex = "0x" + "".join(raw(e, 32).hex() for e in seq(evals[k]))
                b += cindex(cidx[k]) + index(idx[k]) + cell(cellhex) + g1(ps[k])
            return b
        add("fuzz_compute_verify_cell_kzg_proof_batch_challenge", make)
    return out


def service_ssz(function, inp):
    """The SSZ request body of kzgd for a vector's input (docs/service.md)."""
    fixed, tail = b"", b""
    fields = SERVICE[function]
    fixed_size = sum(4 if f in SERVICE_LISTS else SERVICE_SIZES[f] for f in fields)
    for f in fields:
        if f in SERVICE_LISTS:
            fixed += (fixed_size + len(tail)).to_bytes(4, "little")
            if f == "cell_indices":
                for v in seq(inp[f]):
                    if not isinstance(v, int) or not 0 <= v < 2**64:
                        raise Unrepresentable(v)
                    tail += v.to_bytes(8, "little")
            else:
                tail += b"".join(raw(v, SERVICE_SIZES[f]) for v in seq(inp[f]))
        else:
            fixed += raw(inp[f], SERVICE_SIZES[f])
    return fixed + tail


def service_seeds(function, inp):
    """(target, bytes) pairs of the kzgd codec targets for one case's input:
    the JSON request as a client would send it, and its SSZ encoding."""
    if function not in SERVICE:
        return []
    out = []
    head = bytes([SERVICE_INDEX[function], 0])
    # With small lists, also under the smallest limits that still fit them
    # (byte 1: 0x80 | max_cells << 2 | max_batch_blobs), so that the limit
    # checks are one mutation away.
    sizes = [len(inp[f]) for f in SERVICE[function] if f in SERVICE_LISTS and isinstance(inp.get(f), list)]
    if sizes and max(sizes) <= 3:
        n = max(sizes)
        heads = [head, bytes([SERVICE_INDEX[function], 0x80 | n << 2 | n])]
    else:
        heads = [head]
    for target, encode in (("fuzz_service_json_request", lambda: json.dumps({f: inp[f] for f in SERVICE[function]})),
                           ("fuzz_service_ssz_request", lambda: service_ssz(function, inp))):
        try:
            body = encode()
        except (Unrepresentable, KeyError, TypeError, ValueError):
            continue
        body = body.encode() if isinstance(body, str) else body
        if len(body) + 2 <= SERVICE_MAX_LEN:
            out += [(target, h + body) for h in heads]
    return out


def service_hostile_seeds():
    """Hand-written requests for the kzgd codec targets: the hostile JSON of
    tests/service/test_hostile.py, edge cases of the field rules, SSZ offsets,
    and response-encoder inputs."""
    inf, zero = "0xc0" + "00" * 47, "0x" + "00" * 32
    vkp = {"commitment": inf, "z": zero, "y": zero, "proof": inf}
    j = lambda o: json.dumps(o).encode()  # noqa: E731
    vk, cb, rc = bytes([3, 0]), bytes([9, 0]), bytes([8, 0])  # verify_kzg_proof, verify_cell_kzg_proof_batch, recover
    small = bytes([9, 0x80 | (3 << 2) | 1])  # verify_cell_kzg_proof_batch with max-cells 3
    cells = lambda idx: j({"commitments": [inf] * len(idx), "cell_indices": idx,  # noqa: E731
                           "cells": ["0x" + "00" * 2048] * len(idx), "proofs": [inf] * len(idx)})
    json_seeds = [
        vk + j(vkp),
        vk + j(dict(vkp, z="0X" + "AB" * 32)),
        vk + b'{"\\u007a":"' + zero.encode() + b'","commitment":"' + inf.encode() + b'","y":"' + zero.encode() +
        b'","proof":"' + inf.encode() + b'"}',                                      # an escaped key
        vk + b'{"z":"\\u0030x' + b"00" * 32 + b'","commitment":"' + inf.encode() + b'","y":"' + zero.encode() +
        b'","proof":"' + inf.encode() + b'"}',                                      # escaped hex
        vk + j(vkp)[:-1] + b', "z": "' + zero.encode() + b'"}',                     # duplicate key
        vk + b"[" * 40 + b"]" * 40,
        vk + b'{"z":' + b"[" * 33 + b"]" * 33 + b"}",
        vk + b'{"\xff\xfe":1,"z\x00":2}',
        vk + b'{"z":"0x\x00"}',
        vk + b"\xef\xbb\xbf" + j(vkp),
        vk + j(dict(vkp, z=1e300)), vk + j(dict(vkp, z=None)), vk + j(dict(vkp, z=[zero])), vk + j(dict(vkp, z={})),
        vk + j(vkp).replace(b'"' + zero.encode() + b'"', b"-0.0e-0", 1),
        vk + b'{"commitment":"\\ud800\\udc00","z":"\\ud800"}',
        cb + cells([0, 127, "5", "18446744073709551615"]),
        cb + cells([18446744073709551615, 18446744073709551616, "01", -1, 1.5, 1e2, "\u0031"]),
        cb + j({"commitments": [], "cell_indices": [], "cells": [], "proofs": []}),
        small + cells([1, 2, 3]), small + cells([1, 2, 3, 4]),
        rc + j({"cell_indices": list(range(64)), "cells": ["0x" + "11" * 2048] * 64}),
        bytes([5, 0x81]) + j({"blobs": ["0x00"], "commitments": [inf, inf], "proofs": "0x"}),
    ]
    u32 = lambda n: n.to_bytes(4, "little")  # noqa: E731
    ssz_seeds = [
        vk + b"\x00" * 160, vk + b"\x00" * 159,
        cb + u32(16) + u32(16 + 48) + u32(16 + 56) + u32(16 + 56 + 2048) + b"\xc0" + b"\x00" * 47 + b"\x05" +
        b"\x00" * 7 + b"\x00" * 2048 + b"\xc0" + b"\x00" * 47,
        cb + u32(16) + u32(16) + u32(0xffffffff) + u32(16),
        cb + u32(16) + u32(24) + u32(16) + u32(24) + b"\x00" * 8,
        small + u32(16) + u32(16) + u32(16 + 32) + u32(16 + 32) + b"\x01" * 32,
        bytes([5, 0x82]) + u32(12) + u32(12) + u32(12 + 96) + b"\xc0" * 192,
        rc + u32(8) + u32(16) + b"\x07" + b"\x00" * 7 + b"\x22" * 2048,
    ]
    response_seeds = [bytes([k << 1]) + bytes(range(80)) + b"\x01\x02" + b"\xaa" * 4096 for k in range(6)] + [
        b"\x01\x01\x90\x10bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \x00\x1f\x7f ok \xe2\x82\xac" +
        b"\x02" + b"\x00" * 7 + b"\x03" + b"\x04blobs[3]" + b"\xff" * 8 + b"\x02\xc3(" + b"\"\\\n\t\xf0\x9f\x98\x80",
        b"\x01\x00\x00\x00\x00",
    ]
    return ([("fuzz_service_json_request", x) for x in json_seeds] +
            [("fuzz_service_ssz_request", x) for x in ssz_seeds] +
            [("fuzz_service_response", x) for x in response_seeds])


def setup_seeds(setup_text):
    lines = setup_text.split("\n")
    out = [
        ("fuzz_setup_text", b"\x00" + "\n".join(lines[:3]).encode()),
        ("fuzz_setup_text", b"\x00" + b"4096\n65\n"),
        ("fuzz_setup_text", b"\x01\x02" + lines[2][:-2].encode()),          # a short point on line 3
        ("fuzz_setup_text", b"\x01\x03" + ("0x" + lines[3].upper()).encode()),  # an equivalent line: accepted
        ("fuzz_setup_text", b"\x01\x80" + b"\n00\n"),                         # content after the last point
        ("fuzz_setup_json", ('{"g1_lagrange": ["0x%s"], "g2_monomial": ["0x%s"], "g1_monomial": []}'
                             % (lines[2], lines[4098])).encode()),
        ("fuzz_setup_json", b'{"g1_lagrange": [], "g2_monomial": [], "g1_monomial": [], "x": 1}'),
        ("fuzz_setup_json", b'{"g1_lagrange": [1e400, "0x00"]}'),
        ("fuzz_setup_binary", b"\x01\x00\x00"),                               # the embedded file, unchanged
        ("fuzz_setup_binary", b"\x01\x01\x00\x00\x08\x01\x00"),               # version changed
        ("fuzz_setup_binary", b"\x01\x01\x80\x10\x00\x01\x00"),               # a payload byte changed
        ("fuzz_setup_binary", b"\x00KZGSETUP\x01\x00\x00\x00"),
        ("fuzz_hex", b"0x" + lines[2].encode()),
        ("fuzz_hex", b"0X00aAfF"),
    ]
    return out


def synthetic_seeds():
    """Small inputs in every mode of the typed encoding: the fuzzer starts from
    cheap inputs (sparse blobs, in-domain z, derived cell sets) as well as
    from the vectors' dense ones."""
    u16 = lambda v: v.to_bytes(2, "big")  # noqa: E731
    u64 = lambda v: v.to_bytes(8, "big")  # noqa: E731
    fe_small, fe_root, fe_near, fe_over = b"\x04" + u64(5), b"\x07" + u16(3), b"\x05" + u16(0), b"\x06" + u16(0)
    fe_raw = b"\x00" + bytes(range(1, 33))
    g_gen, g_inf, g_flip, g_x = b"\x04" + u64(2), b"\x05", b"\x06" + u64(3) + u16(10), b"\x07" + bytes(range(48))
    b_sparse = b"\x01\x02" + u16(5) + fe_small + u16(4095) + fe_raw
    b_zero, b_pattern, b_dense = b"\x01\x00", b"\x02" + fe_small + b"\x00", b"\x03" + u64(12345) + b"\x00"
    b_raw = b"\x00" + (64).to_bytes(3, "big") + bytes(range(64))
    b_bad = b"\x01\x01" + u16(17) + fe_over
    blobs = [b_sparse, b_zero, b_pattern, b_dense, b_raw, b_bad]
    c_sparse, c_pattern = b"\x01\x02\x03" + fe_small + b"\x3f" + fe_raw, b"\x02" + fe_small
    half = b"\xff" * 8 + b"\x00" * 8
    recov = [b"\x01" + b_sparse + half + b"\x00",                      # 64 cells, untouched
             b"\x01" + b_sparse + b"\xff" * 16 + b"\x00",              # all 128
             b"\x01" + b_sparse + b"\xf7" * 12 + b"\x00" * 4 + b"\x01\x03\x02\x05" + fe_small,  # a cell changed
             b"\x01" + b_sparse + b"\xff" * 9 + b"\x00" * 7 + b"\x01\x00\x01\x02",             # two swapped
             b"\x01" + b_sparse + b"\xff" * 9 + b"\x00" * 7 + b"\x01\x02\x04\x00\xc0",          # an index := 128
             b"\x00\x02\x05\x07" + c_sparse + c_pattern]                 # raw, too few
    cells_derived = [b"\x01\x04\x00\x05\x01\x07\x02\x64\x01\x7f\x00"] + [
        b"\x01\x03\x00\x05\x01\x07\x02\x64\x01" + bytes([k, 0, 1]) + extra
        for k, extra in ((0, b"\x02" + fe_over), (1, b""), (2, b""), (3, b"\xc0"), (4, g_x))]
    cells_raw = [b"\x00\x02" + g_gen + b"\x05" + c_sparse + g_inf + g_inf + b"\xc0" + c_pattern + g_flip]
    out = []
    for b in blobs:
        out += [("fuzz_blob_to_kzg_commitment", b), ("fuzz_compute_cells", b + b"\x46\x03"),
                ("fuzz_compute_challenge", b + g_gen), ("fuzz_differential", b"\x00" + b),
                ("fuzz_differential", b"\x06" + b)]
    for b, z in ((b_sparse, fe_root), (b_sparse, fe_small), (b_pattern, fe_root), (b_zero, fe_over), (b_dense, fe_root),
                 (b_sparse, fe_near)):
        out += [("fuzz_compute_kzg_proof", b + z), ("fuzz_differential", b"\x01" + b + z)]
    for b in (b_sparse, b_pattern, b_zero):
        out += [("fuzz_compute_cells_and_kzg_proofs", b + b"\x05"), ("fuzz_differential", b"\x07" + b),
                ("fuzz_compute_blob_kzg_proof", b"\x01" + b + g_gen), ("fuzz_compute_blob_kzg_proof", b"\x00" + b + g_x),
                ("fuzz_differential", b"\x02\x01" + b + g_gen),
                ("fuzz_verify_blob_kzg_proof", b"\x03" + b + g_gen + g_gen),
                ("fuzz_verify_blob_kzg_proof", b"\x07" + b + g_gen + g_gen + u16(400)),
                ("fuzz_verify_blob_kzg_proof_batch", b"\x02" + (b"\x03" + b + g_gen + g_gen) * 2),
                ("fuzz_differential", b"\x04\x01\x03" + b + g_gen + g_gen),
                ("fuzz_differential", b"\x05\x02" + (b"\x03" + b + g_gen + g_inf) * 2)]
    for v in (b"\x01" + fe_small + fe_raw + fe_root, b"\x03" + fe_small + fe_raw + fe_root + u16(900),
              b"\x00" + g_gen + fe_root + fe_small + g_inf, b"\x00" + g_x + fe_near + fe_over + g_flip):
        out += [("fuzz_verify_kzg_proof", v), ("fuzz_differential", b"\x03" + v[1:])]
    for v in recov:
        out += [("fuzz_recover_cells", v), ("fuzz_recover_cells_and_kzg_proofs", v + b"\x09"),
                ("fuzz_differential", b"\x08" + v), ("fuzz_differential", b"\x09" + v)]
    for v in cells_derived + cells_raw:
        out += [("fuzz_verify_cell_kzg_proof_batch", v), ("fuzz_differential", b"\x0a" + v)]
    out.append(("fuzz_compute_verify_cell_kzg_proof_batch_challenge",
                b"\x00\x02" + g_gen + g_inf + b"\x02" + b"\x00\x05" + c_sparse + g_gen + b"\x01\x7f" + c_pattern + g_inf))
    out.append(("fuzz_compute_verify_cell_kzg_proof_batch_challenge",
                b"\x00\x01" + g_gen + b"\x01" + b"\x03\xc0" + c_sparse + g_gen))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--vectors", type=pathlib.Path,
                    default=pathlib.Path(os.environ.get("KZG_TEST_VECTORS", HERE.parent.parent / "shared" / "kzg-test-vectors")))
    ap.add_argument("--setup", type=pathlib.Path, default=HERE.parent.parent / "shared" / "trusted_setup.txt")
    ap.add_argument("--max-per-function", type=int, default=0, help="cases per function (0: all)")
    args = ap.parse_args()
    if not args.vectors.is_dir():
        sys.exit(f"make_corpus: {args.vectors}: not a directory (--vectors)")

    counts = {}
    large = {}

    def write(target, name, data):
        d = args.out / target
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)
        counts[target] = counts.get(target, 0) + 1

    for function in FUNCTIONS:
        files = sorted((args.vectors / function).glob("*/*/data.yaml"))
        if args.max_per_function:
            files = files[: args.max_per_function]
        for f in files:
            case = f.parent.name
            # The runner's case parsing gets the files as they are (the small ones).
            if f.stat().st_size <= 400000:
                write("fuzz_conformance_case", f"{function}__{case}", bytes([FUNCTIONS.index(function)]) + f.read_bytes())
            with open(f, "rb") as fh:
                doc = yaml.load(fh, Loader=Loader)
            inp = doc.get("input") if isinstance(doc, dict) else None
            if not isinstance(inp, dict):
                continue
            for i, (target, data) in enumerate(seeds_for(function, inp) + service_seeds(function, inp)):
                if target.startswith("fuzz_service_") and len(data) > 65536:
                    # Whole blobs/cells as JSON are slow to mutate: a few per function.
                    large[(function, target)] = large.get((function, target), 0) + 1
                    if large[(function, target)] > 4:
                        continue
                write(target, f"{function}__{case}__{i}", data)
    if args.setup.is_file():
        for i, (target, data) in enumerate(setup_seeds(args.setup.read_text())):
            write(target, f"setup_{i}", data)
    for i, (target, data) in enumerate(synthetic_seeds()):
        write(target, f"synthetic_{i}", data)
    for i, (target, data) in enumerate(service_hostile_seeds()):
        write(target, f"hostile_{i}", data)
    for target in sorted(counts):
        print(f"make_corpus: {counts[target]:4d} seeds for {target}")


if __name__ == "__main__":
    main()
