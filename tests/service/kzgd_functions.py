"""kzgd's consensus-spec functions and their request fields, for Python: read
from docs/openapi.json (the document kzgd serves), so that the function ->
fields table of src/service/api.cpp (kzgd::functions()) is written once in
C++ and once in the document, and the ctest service_openapi_table
(tests/service/api_table_test.cpp) checks the two against each other.
Imported by tests/service/kzgd_harness.py and fuzz/make_corpus.py; no side
effects beyond reading the document.

  FIELDS  function -> its request fields in SSZ container order (the JSON
          request schema's "required" list), for the /v1 operations tagged
          EIP-4844 or EIP-7594, in the document's order (= kzgd::functions())
  SIZES   field -> bytes of its value, or of one element of a list (a hex
          string schema by its pattern; a uint64 8)
  LISTS   the fields that are lists (JSON arrays, SSZ List[...])
"""
import json
import os
import re

DOC_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "openapi.json")
SPEC_TAGS = {"EIP-4844", "EIP-7594"}
_HEX_PATTERN = re.compile(r"\^0x\[0-9a-fA-F\]\{(\d+)\}\$")


def _schema_name(ref):
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise ValueError(f"{DOC_FILE}: unexpected $ref {ref!r}")
    return ref[len(prefix):]


def _value_size(schemas, node, where):
    """Bytes of one value of a field's (element) schema."""
    while True:
        if "$ref" in node:
            name = _schema_name(node["$ref"])
            if name == "UInt64":
                return 8
            node = schemas[name]
        elif len(node.get("allOf", ())) == 1:
            node = node["allOf"][0]
        else:
            break
    m = _HEX_PATTERN.fullmatch(node.get("pattern", ""))
    if not m:
        raise ValueError(f"{DOC_FILE}: {where}: neither a 0x-hex string of fixed length nor a uint64")
    return int(m.group(1)) // 2


def _load(doc):
    schemas = doc["components"]["schemas"]
    fields, kinds = {}, {}  # kinds: field -> (size, is a list)
    for path, item in doc["paths"].items():
        op = item.get("post")
        if not path.startswith("/v1/") or op is None or not SPEC_TAGS & set(op.get("tags", ())):
            continue
        function = path[len("/v1/"):]
        request = schemas[_schema_name(op["requestBody"]["content"]["application/json"]["schema"]["$ref"])]
        fields[function] = list(request["required"])
        for name in fields[function]:
            prop = request["properties"][name]
            is_list = prop.get("type") == "array"
            size = _value_size(schemas, prop["items"] if is_list else prop, f"{function}.{name}")
            if kinds.setdefault(name, (size, is_list)) != (size, is_list):
                raise ValueError(f"{DOC_FILE}: field {name} has different types in different functions")
    return fields, {k: size for k, (size, _) in kinds.items()}, {k for k, (_, is_list) in kinds.items() if is_list}


with open(DOC_FILE, encoding="utf-8") as _f:
    FIELDS, SIZES, LISTS = _load(json.load(_f))
