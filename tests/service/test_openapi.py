#!/usr/bin/env python3
"""docs/openapi.json against the kzgd that serves it:
  1. the document: OpenAPI 3.1.x, every $ref resolves, every schema is a valid
     JSON Schema 2020-12, every operation has responses, operationIds unique;
  2. GET /openapi.json serves exactly the file in docs/;
  3. no drift: the document's paths are the routes kzgd serves (the functions
     of GET /v1/info, the fixed routes, the admin routes on the admin
     listener), the methods of each are the ones kzgd's 405 Allow lists, and
     paths outside the document are 404;
  4. real answers of kzgd (consensus-spec vector inputs, bad hex, wrong
     methods, media types, sizes, tokens, a refused request) are validated
     against the response documented for their path, method, status and
     content type, documented response headers included.
jsonschema is python3-jsonschema (scripts/bootstrap.sh installs it); code
works with 4.10 (Debian 12) and later: $refs are inlined here, no
RefResolver or referencing needed. Without it the schema checks skip (fail
under KZG_STRICT=1).
Usage: test_openapi.py KZGD VECTORS_DIR"""
import glob
import http.client
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kzgd_harness as h  # noqa: E402

try:
    import jsonschema
except ImportError:  # pragma: no cover - depends on the machine
    jsonschema = None

DOC_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "openapi.json")
# Routes of the API listener that are not functions (src/service/routes.cpp).
FIXED_ROUTES = {"/livez", "/readyz", "/healthz", "/metrics", "/v1/info", "/debug/profile", "/openapi.json"}
ADMIN_ROUTES = {"/admin/log-level", "/debug/cpu-profile"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SIDECAR_FUNCTIONS = ("compute_blob_sidecar", "verify_blob_sidecars", "verify_data_column_sidecars")


def load_doc():
    with open(DOC_FILE, "rb") as f:
        raw = f.read()
    return raw, json.loads(raw)


def pointer(doc, ref):
    """The node a local $ref ("#/a/b") points at; KeyError when it does not resolve."""
    if not ref.startswith("#/"):
        raise KeyError(f"{ref}: only local references are used here")
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(ref)
    return node


def walk(node, where="#"):
    """(JSON pointer, dict) of every object in node."""
    if isinstance(node, dict):
        yield where, node
        for k, v in node.items():
            yield from walk(v, f"{where}/{k.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{where}/{i}")


def deref(doc, node):
    """A Reference Object (response, header, parameter) followed to its target."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        node = pointer(doc, node["$ref"])
        seen += 1
        if seen > 20:
            raise ValueError("reference cycle")
    return node


def inline(doc, schema, depth=0):
    """schema with every $ref replaced by its target (the document's schemas
    are not recursive), so that a plain Draft202012Validator validates it."""
    if depth > 64:
        raise ValueError("schema nested too deep (a recursive $ref?)")
    if isinstance(schema, list):
        return [inline(doc, s, depth + 1) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: inline(doc, v, depth + 1) for k, v in schema.items() if k != "$ref"}
    if "$ref" in schema:
        target = inline(doc, pointer(doc, schema["$ref"]), depth + 1)
        if not out:
            return target
        out.setdefault("allOf", [])
        out["allOf"] = out["allOf"] + [target]
    return out


def schemas_of(doc):
    """(where, schema) of every schema in the document: components.schemas and
    every "schema" of a parameter, header or media type."""
    for name, s in doc.get("components", {}).get("schemas", {}).items():
        yield f"#/components/schemas/{name}", s
    for where, node in walk(doc):
        if "/components/schemas" in where:
            continue
        if "schema" in node and isinstance(node["schema"], (dict, bool)):
            yield where + "/schema", node["schema"]


def operations(doc):
    """(path, method, operation) of every operation."""
    for path, item in doc["paths"].items():
        for m in METHODS:
            if m in item:
                yield path, m, item[m]


def is_admin(item):
    return item.get("x-listener") == "admin"


def media(content_type):
    return (content_type or "").split(";")[0].strip().lower()


def first_vector(function, want=lambda inp, out: out is not None):
    """(input, output) of the first reference vector of `function` that `want` accepts."""
    import yaml  # python3-yaml (scripts/bootstrap.sh installs it)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(glob.glob(os.path.join(h.require_vectors(), function, "*", "*", "data.yaml"))):
        with open(path) as f:
            data = yaml.load(f, Loader=loader)
        if want(data["input"], data["output"]):
            return data["input"], data["output"]
    raise AssertionError(f"no suitable vector for {function} under {h.VECTORS}")


class DocumentTest(unittest.TestCase):
    """1: the document on its own."""

    @classmethod
    def setUpClass(cls):
        cls.raw, cls.doc = load_doc()

    def test_version_and_shape(self):
        self.assertRegex(self.doc.get("openapi", ""), r"^3\.1\.\d+$")
        for key in ("info", "paths", "components"):
            self.assertIn(key, self.doc)
        self.assertEqual(self.doc.get("jsonSchemaDialect"), "https://json-schema.org/draft/2020-12/schema")
        self.assertIn("bearer", {s.get("scheme") for s in self.doc["components"]["securitySchemes"].values()})

    def test_refs_resolve(self):
        refs = [(where, node["$ref"]) for where, node in walk(self.doc) if isinstance(node.get("$ref"), str)]
        self.assertGreater(len(refs), 50)
        bad = []
        for where, ref in refs:
            try:
                pointer(self.doc, ref)
            except (KeyError, IndexError, ValueError):
                bad.append(f"{where}: $ref {ref} does not resolve")
        self.assertEqual(bad, [])

    def test_schemas_are_valid(self):
        if jsonschema is None:
            h.skip_or_fail(self, "python3-jsonschema is not installed")
        checked = 0
        for where, schema in schemas_of(self.doc):
            with self.subTest(schema=where):
                jsonschema.Draft202012Validator.check_schema(schema)
                # ... and stays valid with its references inlined (what the
                # response checks below validate with).
                jsonschema.Draft202012Validator.check_schema(inline(self.doc, schema))
            checked += 1
        self.assertGreater(checked, 40)

    def test_operations(self):
        ids = {}
        for path, method, op in operations(self.doc):
            where = f"{method.upper()} {path}"
            self.assertTrue(op.get("responses"), f"{where}: no responses")
            for status, resp in op["responses"].items():
                self.assertRegex(status, r"^([1-5][0-9][0-9]|[1-5]XX|default)$", where)
                self.assertIn("description", deref(self.doc, resp), f"{where} {status}")
            op_id = op.get("operationId")
            self.assertTrue(op_id, f"{where}: no operationId")
            self.assertNotIn(op_id, ids, f"operationId {op_id} of {where} is also {ids.get(op_id)}")
            ids[op_id] = where
        for path, item in self.doc["paths"].items():
            self.assertTrue(path.startswith("/"), path)
            if path in ADMIN_ROUTES:
                self.assertTrue(is_admin(item), f"{path}: no x-listener: admin")
                self.assertTrue(item.get("servers"), f"{path}: no admin servers entry")

    def test_documented_shapes(self):
        """The parts of the document the brief fixes: hex lengths, headers."""
        s = self.doc["components"]["schemas"]
        self.assertEqual(s["Bytes48"]["pattern"], "^0x[0-9a-fA-F]{96}$")
        self.assertEqual(s["Bytes32"]["pattern"], "^0x[0-9a-fA-F]{64}$")
        self.assertEqual(s["Blob"]["pattern"], "^0x[0-9a-fA-F]{262144}$")
        self.assertEqual(s["Cell"]["pattern"], "^0x[0-9a-fA-F]{4096}$")
        r = self.doc["components"]["responses"]
        self.assertIn("Retry-After", r["ServiceUnavailable"]["headers"])
        self.assertIn("WWW-Authenticate", r["Unauthorized"]["headers"])
        for path, method, op in operations(self.doc):
            if path.startswith("/v1/") and method == "post":
                for status in ("200", "400", "405", "413", "415", "503"):
                    self.assertIn(status, op["responses"], f"POST {path}")
                if path not in ("/v1/verify_blob_sidecars", "/v1/verify_data_column_sidecars"):
                    self.assertEqual(set(op["requestBody"]["content"]), {"application/json", "application/octet-stream"},
                                     path)
                    ssz = op["requestBody"]["content"]["application/octet-stream"]["schema"]
                    self.assertEqual((ssz.get("type"), ssz.get("format")), ("string", "binary"), path)
                    self.assertTrue(ssz.get("description"), path)


class ServedTest(unittest.TestCase):
    """2-4: against a running kzgd (with an admin listener)."""

    @classmethod
    def setUpClass(cls):
        cls.raw, cls.doc = load_doc()
        cls.server = h.Kzgd("--admin-listen", "127.0.0.1:0")
        try:
            recs = cls.server.wait_log(lambda rs: any(r.get("msg") == "admin listening" for r in rs))
            cls.admin_port = [r for r in recs if r.get("msg") == "admin listening"][0]["port"]
            st, _, body = cls.server.request("GET", "/v1/info")
            assert st == 200, body
            cls.info = json.loads(body)
        except BaseException:
            cls.server.close()
            raise
        cls.covered = set()  # (path, method, status) validated against the document

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    # ---- helpers --------------------------------------------------------------

    def admin(self, method, path, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.admin_port, timeout=timeout)
        try:
            c.request(method, path)
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def documented_response(self, path, method, status):
        """The Response Object documented for (path, method, status); for a
        method the path does not have (a 405), that of any of its operations."""
        item = self.doc["paths"].get(path)
        self.assertIsNotNone(item, f"{path} is not in docs/openapi.json")
        ops = [item[method]] if method in item else [item[m] for m in METHODS if m in item]
        for op in ops:
            resp = op["responses"].get(str(status)) or op["responses"].get(f"{str(status)[0]}XX")
            if resp is not None:
                return deref(self.doc, resp)
        self.fail(f"{method.upper()} {path} answered {status}, which docs/openapi.json does not document")

    def check(self, path, method, status, headers, body, response=None):
        """Validates one real answer against the document; returns the parsed JSON body (or None)."""
        method = method.lower()
        resp = response or self.documented_response(path, method, status)
        where = f"{method.upper()} {path} -> {status}"
        for name in resp.get("headers", {}):
            self.assertIn(name.lower(), headers, f"{where}: documented header {name} missing")
        self.covered.add((path, method, status))
        if method == "head":
            self.assertEqual(body, b"", where)
            return None
        content = resp.get("content")
        if not content:
            return None
        mt = media(headers.get("content-type"))
        self.assertIn(mt, content, f"{where}: content type {headers.get('content-type')} is not documented "
                                   f"(documented: {sorted(content)})")
        if mt != "application/json":
            return None
        data = json.loads(body)
        if jsonschema is not None:
            schema = inline(self.doc, content[mt]["schema"])
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
            self.assertEqual([], [f"{list(e.path)}: {e.message[:300]}" for e in errors],
                             f"{where}: the body does not match the documented schema: {body[:300]!r}")
        return data

    def check_request(self, path, body_obj):
        """The JSON request the test sends is valid under the documented request schema."""
        self.assertTrue(path in self.doc["paths"], f"{path} is not in docs/openapi.json")
        if jsonschema is None:
            return
        schema = self.doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        errors = list(jsonschema.Draft202012Validator(inline(self.doc, schema)).iter_errors(body_obj))
        self.assertEqual([], [f"{list(e.path)}: {e.message[:200]}" for e in errors], f"request to {path}")

    def post(self, function, obj, expect, headers=None):
        path = "/v1/" + function
        body = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        st, hd, data = self.server.request("POST", path, body, headers or {"Content-Type": "application/json"},
                                           timeout=120)
        self.assertEqual(st, expect, f"POST {path}: {data[:300]!r}")
        return self.check(path, "post", st, hd, data), hd, data

    # ---- 2: the served document ---------------------------------------------------

    def test_served_document(self):
        st, hd, body = self.server.request("GET", "/openapi.json")
        self.assertEqual(st, 200)
        self.assertEqual(media(hd.get("content-type")), "application/json")
        self.assertEqual(json.loads(body), self.doc, "GET /openapi.json differs from docs/openapi.json (rebuild kzgd)")
        self.assertEqual(body, self.raw)
        self.check("/openapi.json", "get", st, hd, body)
        st, hd, body = self.server.request("HEAD", "/openapi.json")
        self.assertEqual(st, 200)
        self.assertEqual(int(hd.get("content-length", -1)), len(self.raw))
        self.check("/openapi.json", "head", st, hd, body)
        st, hd, body = self.server.request("POST", "/openapi.json", b"{}", {"Content-Type": "application/json"})
        self.assertEqual(st, 405)
        self.assertEqual(hd.get("allow"), "GET, HEAD")
        self.check("/openapi.json", "post", st, hd, body)

    # ---- 3: no drift --------------------------------------------------------------

    def test_paths_are_the_served_routes(self):
        served_api = FIXED_ROUTES | {"/v1/" + f for f in self.info["functions"]}
        doc_api = {p for p, item in self.doc["paths"].items() if not is_admin(item)}
        doc_admin = {p for p, item in self.doc["paths"].items() if is_admin(item)}
        self.assertEqual(sorted(served_api - doc_api), [], "routes kzgd serves that docs/openapi.json lacks")
        self.assertEqual(sorted(doc_api - served_api), [], "paths in docs/openapi.json that kzgd does not serve")
        self.assertEqual(doc_admin, ADMIN_ROUTES)

    def test_methods_match_allow(self):
        """Each documented path exists (405, not 404, for a method nobody serves)
        and its documented methods are the ones kzgd's Allow header lists."""
        for path, item in self.doc["paths"].items():
            documented = sorted(m.upper() for m in METHODS if m in item)
            with self.subTest(path=path):
                if is_admin(item):
                    st, hd, body = self.admin("DELETE", path)
                else:
                    st, hd, body = self.server.request("DELETE", path)
                self.assertEqual(st, 405, f"DELETE {path}: {body[:200]!r}")
                allowed = sorted(m.strip() for m in hd.get("allow", "").split(","))
                self.assertEqual(allowed, documented, f"{path}: Allow vs documented methods")
                self.check(path, "delete", st, hd, body)

    def test_undocumented_paths_are_404(self):
        for path in ("/v1/not_a_function", "/v2/info", "/openapi.yaml", "/v1", "/", "/v1/info/extra"):
            with self.subTest(path=path):
                self.assertNotIn(path, self.doc["paths"])
                st, hd, body = self.server.request("GET", path)
                self.assertEqual(st, 404, path)
                self.check(path, "get", st, hd, body, response=deref(self.doc, {"$ref": "#/components/responses/NotFound"}))
        # The admin routes are 404 on the API listener, as documented.
        for path in sorted(ADMIN_ROUTES):
            st, hd, body = self.server.request("GET", path)
            self.assertEqual(st, 404, path)
            self.check(path, "get", st, hd, body)

    # ---- 4: real answers against the document ---------------------------------------

    def test_info_and_probes(self):
        for path in ("/v1/info", "/livez", "/readyz", "/healthz", "/debug/profile", "/metrics"):
            with self.subTest(path=path):
                st, hd, body = self.server.request("GET", path)
                self.assertIn(st, (200, 503) if path == "/healthz" else (200,), f"{path}: {body[:200]!r}")
                self.check(path, "get", st, hd, body)
                st, hd, body = self.server.request("HEAD", path)
                self.check(path, "head", st, hd, body)
        info = self.check("/v1/info", "get", *self.server.request("GET", "/v1/info"))
        self.assertIn("max_body_bytes", info["limits"])

    def test_admin_routes(self):
        st, hd, body = self.admin("GET", "/admin/log-level")
        self.assertEqual(st, 200)
        level = self.check("/admin/log-level", "get", st, hd, body)["level"]
        st, hd, body = self.admin("HEAD", "/admin/log-level")
        self.check("/admin/log-level", "head", st, hd, body)
        st, hd, body = self.admin("PUT", f"/admin/log-level?level={level}")
        self.assertEqual(st, 200)
        self.check("/admin/log-level", "put", st, hd, body)
        st, hd, body = self.admin("PUT", "/admin/log-level?level=loud")
        self.assertEqual(st, 400)
        self.check("/admin/log-level", "put", st, hd, body)
        st, hd, body = self.admin("GET", "/debug/cpu-profile?seconds=0")
        self.assertEqual(st, 400)
        self.check("/debug/cpu-profile", "get", st, hd, body)
        st, hd, body = self.admin("GET", "/debug/cpu-profile?seconds=1")
        self.assertEqual(st, 200, body[:200])
        self.check("/debug/cpu-profile", "get", st, hd, body)

    def function_request(self, function, want=None):
        """A valid JSON request of a consensus-spec function: its first vector
        with an output (true for verifications), lists not empty, and what
        `want` asks for besides."""
        def ok(inputs, output):
            if output is None or (h.OUTPUT[function] == "valid" and output is not True):
                return False
            if any(f in h.LISTS and not inputs.get(f) for f in h.FIELDS[function]):
                return False
            return want is None or want(inputs, output)
        inputs, _ = first_vector(function, ok)
        return {k: inputs[k] for k in h.FIELDS[function]}

    def test_spec_functions(self):
        for function in h.FIELDS:
            if function not in self.info["functions"]:
                continue  # test_paths_are_the_served_routes reports it
            with self.subTest(function=function):
                req = self.function_request(function)
                path = "/v1/" + function
                self.check_request(path, req)
                self.post(function, req, 200)
                # SSZ in, SSZ out: a documented binary answer.
                st, hd, body = self.server.post_ssz(function, h.ssz_encode(function, req))
                self.assertEqual(st, 200, body[:200])
                self.assertEqual(media(hd.get("content-type")), "application/octet-stream")
                self.check(path, "post", st, hd, body)
                # Bad hex in the first field (in a list: its first element, named in failures).
                bad = json.loads(json.dumps(req))
                first = h.FIELDS[function][0]
                if first == "cell_indices":
                    bad[first] = ["x"] + bad[first][1:]
                elif first in h.LISTS:
                    bad[first] = ["0x" + "zz" * h.SIZES[first]] + bad[first][1:]
                else:
                    bad[first] = "0x" + "zz" * h.SIZES[first]
                err, _, _ = self.post(function, bad, 400)
                self.assertEqual(err["code"], 400)
                if first in h.LISTS:
                    self.assertEqual(err["failures"][0]["index"], 0, err)
                # Wrong method, media type, size.
                st, hd, body = self.server.request("GET", path)
                self.assertEqual((st, hd.get("allow")), (405, "POST"))
                self.check(path, "get", st, hd, body)
                self.post(function, b"blob", 415, {"Content-Type": "text/plain"})
                self.too_large(path)

    def too_large(self, path):
        """413 from Content-Length alone: the body is never sent."""
        c = self.server.connection(30)
        try:
            c.putrequest("POST", path)
            c.putheader("Content-Type", "application/json")
            c.putheader("Content-Length", str(self.info["limits"]["max_body_bytes"] + 1))
            c.endheaders()
            r = c.getresponse()
            st, hd, body = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()
        self.assertEqual(st, 413, body[:200])
        self.check(path, "post", st, hd, body)

    def sidecar_functions(self):
        present = [f for f in SIDECAR_FUNCTIONS if f in self.info["functions"]]
        if len(present) != len(SIDECAR_FUNCTIONS):
            h.skip_or_fail(self, f"kzgd does not serve {sorted(set(SIDECAR_FUNCTIONS) - set(present))} yet")
        return present

    def test_compute_blob_sidecar(self):
        self.sidecar_functions()
        blob = self.function_request("blob_to_kzg_commitment")["blob"]
        commitment = json.loads(self.server.post_json("blob_to_kzg_commitment", {"blob": blob})[2])["commitment"]
        path = "/v1/compute_blob_sidecar"
        for version, proofs_key, per_blob in ((1, "cell_proofs", 128), (0, "proofs", 1), (None, "cell_proofs", 128)):
            req = {"blobs": [blob, blob]}
            if version is not None:
                req["version"] = version
            self.check_request(path, req)
            out, _, _ = self.post("compute_blob_sidecar", req, 200)
            self.assertEqual(out["commitments"], [commitment] * 2)
            self.assertEqual(len(out["versioned_hashes"]), 2)
            self.assertEqual(len(out[proofs_key]), 2 * per_blob)
        # SSZ: offset(12) ‖ version (u64 le) ‖ blobs; out: three offsets and the lists.
        raw_blob = h.unhex(blob)
        st, hd, body = self.server.post_ssz("compute_blob_sidecar",
                                            (12).to_bytes(4, "little") + (0).to_bytes(8, "little") + raw_blob)
        self.assertEqual(st, 200, body[:200])
        self.check(path, "post", st, hd, body)
        offs = [int.from_bytes(body[4 * i:4 * i + 4], "little") for i in range(3)]
        self.assertEqual(offs, [12, 12 + 48, 12 + 48 + 32])
        self.assertEqual(body[12:60], h.unhex(commitment))
        self.assertEqual(len(body), 12 + 48 + 32 + 48)
        err, _, _ = self.post("compute_blob_sidecar", {"blobs": [blob, "0x" + "zz" * h.BLOB]}, 400)
        self.assertEqual([f["index"] for f in err["failures"]], [1])

    def test_verify_blob_sidecars(self):
        self.sidecar_functions()
        # A blob whose proof is not the point at infinity, so that infinity is a wrong proof.
        inputs = self.function_request("verify_blob_kzg_proof", lambda i, o: i["proof"] != h.INFINITY_HEX)
        sidecar = {"index": "3", "blob": inputs["blob"], "kzg_commitment": inputs["commitment"],
                   "kzg_proof": inputs["proof"], "signed_block_header": {"message": {"slot": "1"}},
                   "kzg_commitment_inclusion_proof": ["0x" + "00" * 32]}
        req = {"version": "deneb", "execution_optimistic": False, "finalized": True, "data": [sidecar]}
        path = "/v1/verify_blob_sidecars"
        self.check_request(path, req)
        out, _, _ = self.post("verify_blob_sidecars", req, 200)
        self.assertEqual(out, {"valid": True, "failures": []})
        wrong = dict(sidecar, kzg_proof=h.INFINITY_HEX)
        out, _, _ = self.post("verify_blob_sidecars", {"data": [sidecar, wrong]}, 200)
        self.assertFalse(out["valid"])
        self.assertEqual([f["index"] for f in out["failures"]], [1])
        self.post("verify_blob_sidecars", b"not json", 400)
        self.post("verify_blob_sidecars", {"nodata": []}, 400)
        self.post("verify_blob_sidecars", b"\x00" * 16, 415, {"Content-Type": "application/octet-stream"})

    def test_verify_data_column_sidecars(self):
        self.sidecar_functions()
        # A blob whose cell proofs differ, so that a swapped proof does not verify.
        blob = self.function_request("compute_cells_and_kzg_proofs", lambda i, o: o[1][0] != o[1][5])["blob"]
        commitment = json.loads(self.server.post_json("blob_to_kzg_commitment", {"blob": blob})[2])["commitment"]
        cells = json.loads(self.server.post_json("compute_cells_and_kzg_proofs", {"blob": blob})[2])
        columns = [{"index": str(i), "column": [cells["cells"][i]], "kzg_commitments": [commitment],
                    "kzg_proofs": [cells["proofs"][i]], "signed_block_header": {}} for i in (0, 5)]
        path = "/v1/verify_data_column_sidecars"
        req = {"data": columns}
        self.check_request(path, req)
        out, _, _ = self.post("verify_data_column_sidecars", req, 200)
        self.assertEqual(out, {"valid": True, "failures": []})
        swapped = dict(columns[1], kzg_proofs=[cells["proofs"][0]])
        out, _, _ = self.post("verify_data_column_sidecars", {"data": [columns[0], swapped]}, 200)
        self.assertFalse(out["valid"])
        self.assertEqual([f["index"] for f in out["failures"]], [1])
        self.post("verify_data_column_sidecars", b"[1,2", 400)
        self.post("verify_data_column_sidecars", b"{}", 415, {"Content-Type": "application/octet-stream"})

    def test_tokens_and_refusals(self):
        """401 with WWW-Authenticate, 503 with Retry-After: a second kzgd with a
        token and a memory budget too small for any request (503 whether the
        setup is still loading or loaded)."""
        with tempfile.TemporaryDirectory() as tmp:
            token_file = os.path.join(tmp, "token")
            token = "openapi-test-token-0123456789"
            with open(token_file, "w") as f:
                f.write(token + "\n")
            with h.Kzgd("--api-token-file", token_file, "--memory-budget", "1MiB", ready=False) as k:
                for path in ("/v1/info", "/metrics", "/debug/profile", "/openapi.json"):
                    st, hd, body = k.request("GET", path)
                    self.assertEqual(st, 401, path)
                    self.check(path, "get", st, hd, body)
                st, hd, body = k.request("GET", "/v1/info", headers={"Authorization": "Bearer wrong-token-000000000"})
                self.assertEqual(st, 401)
                self.assertIn("invalid_token", hd.get("www-authenticate", ""))
                st, hd, body = k.request("POST", "/v1/blob_to_kzg_commitment", b"{}",
                                         {"Content-Type": "application/json"})
                self.assertEqual(st, 401)
                self.check("/v1/blob_to_kzg_commitment", "post", st, hd, body)
                auth = {"Authorization": "Bearer " + token}
                st, hd, body = k.request("GET", "/openapi.json", headers=auth)
                self.assertEqual((st, json.loads(body)), (200, self.doc))
                st, hd, body = k.request("POST", "/v1/blob_to_kzg_commitment", json.dumps({"blob": h.ZERO_BLOB_HEX}),
                                         dict(auth, **{"Content-Type": "application/json"}))
                self.assertEqual(st, 503, body[:200])
                self.check("/v1/blob_to_kzg_commitment", "post", st, hd, body)
                st, hd, body = k.request("GET", "/livez")  # probes stay open
                self.assertEqual(st, 200)
                self.check("/livez", "get", st, hd, body)
                st, hd, body = k.request("GET", "/readyz")
                self.check("/readyz", "get", st, hd, body)

    def test_zz_every_path_answered(self):
        """Runs last (unittest sorts by name): every documented path had an
        answer validated (skipped sidecar routes aside, where allowed)."""
        paths = {p for p, _, _ in self.covered}
        missing = sorted(set(self.doc["paths"]) - paths)
        if not h.STRICT:
            missing = [p for p in missing if p[4:] not in SIDECAR_FUNCTIONS or p[4:] in self.info["functions"]]
        self.assertEqual(missing, [], "documented paths no answer was validated for")
        if jsonschema is None:
            h.skip_or_fail(self, "python3-jsonschema is not installed: routes and statuses were checked, "
                                 "response bodies were not validated against their schemas")
        print(f"validated {len(self.covered)} (path, method, status) answers against docs/openapi.json",
              file=sys.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[3:])
