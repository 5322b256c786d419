#!/usr/bin/env python3
"""The layers of kzgd, checked from the sources: every #include "dir/..." of
every file must point at its own layer or one below it (cmake/layers.cmake
enforces the same at compile time through include roots; this makes the rule
visible and keeps new folders from slipping past it).

  check_layers.py ROOT            check the tree, print the include graph
  check_layers.py ROOT --self-test  plant upward includes in a copy; each must be caught
"""
import os
import re
import shutil
import sys
import tempfile

# Folders (relative to ROOT) -> layer. The first match wins; a source file
# outside every folder listed is an error (a new folder must be placed).
LAYER_OF_PATH = [
    ("include/kzg", "engine"),
    ("src/core", "engine"), ("src/setup", "engine"), ("src/eip4844", "engine"),
    ("src/eip7594", "engine"), ("src/context", "engine"), ("src/codec", "engine"),
    ("src/capi", "engine"), ("src/version.cpp", "engine"),
    ("src/ops", "ops"),
    ("src/service", "service"),
    ("src/conformance", "tools"), ("src/bench", "tools"), ("tools", "tools"),
]
# The first component of an #include "x/..." -> what it belongs to.
# "engine-api" is include/kzg (public); "engine" the engine's private folders.
TARGET_OF_INCLUDE = {
    "kzg": "engine-api",
    "core": "engine", "setup": "engine", "eip4844": "engine", "eip7594": "engine",
    "context": "engine", "codec": "engine", "capi": "engine",
    "ops": "ops", "service": "service", "conformance": "tools", "bench": "tools",
}
# What each layer may include.
ALLOWED = {
    "engine": {"engine-api", "engine"},
    "ops": {"engine-api", "ops"},
    "service": {"engine-api", "ops", "service"},
    "tools": {"engine-api", "engine", "ops", "service", "tools"},
}
SOURCE = re.compile(r"\.(c|cc|cpp|h|hpp)$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel):
    for prefix, layer in LAYER_OF_PATH:
        if rel == prefix or rel.startswith(prefix + "/"):
            return layer
    return None


def scan(root):
    """Returns (edges {(layer, target): count}, errors [str])."""
    edges, errors = {}, []
    for top in ("include", "src", "tools"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not SOURCE.search(name):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                layer = layer_of(rel)
                if layer is None:
                    errors.append(f"{rel}: in no layer (add its folder to LAYER_OF_PATH and cmake/layers.cmake)")
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for inc in INCLUDE.findall(text):
                    if "/" not in inc:
                        continue  # a sibling header, or a third-party one ("ckzg_ref.hpp")
                    target = TARGET_OF_INCLUDE.get(inc.split("/")[0])
                    if target is None:
                        errors.append(f'{rel}: #include "{inc}": unknown folder (add it to TARGET_OF_INCLUDE)')
                        continue
                    edges[(layer, target)] = edges.get((layer, target), 0) + 1
                    if target not in ALLOWED[layer]:
                        errors.append(f'{rel}: #include "{inc}": {layer} may not use {target}')
    return edges, errors


def check(root, quiet=False):
    edges, errors = scan(root)
    if not quiet:
        print("include graph (layer -> what it includes: count):")
        for (layer, target), n in sorted(edges.items()):
            print(f"  {layer:8} -> {target:10} {n}")
    for e in errors:
        print("VIOLATION " + e)
    return not errors and bool(edges)


def self_test(root):
    plants = [
        ("src/ops/health.cpp", '#include "service/api.hpp"'),
        ("src/core/fr.cpp", '#include "ops/log.hpp"'),
        ("src/eip4844/eip4844.cpp", '#include "service/routes.hpp"'),
        ("src/service/routes.cpp", '#include "conformance/vectors.hpp"'),
        ("src/ops/log.cpp", '#include "core/fr.hpp"'),
        ("include/kzg/kzg.hpp", '#include "ops/metrics.hpp"'),
    ]
    caught = 0
    with tempfile.TemporaryDirectory() as tmp:
        for top in ("include", "src", "tools"):
            shutil.copytree(os.path.join(root, top), os.path.join(tmp, top))
        if not check(tmp, quiet=True):
            print("self-test: the unchanged copy does not pass")
            return False
        for rel, line in plants:
            path = os.path.join(tmp, rel)
            with open(path) as f:
                original = f.read()
            with open(path, "w") as f:
                f.write(line + "\n" + original)
            ok = check(tmp, quiet=True)
            print(f"self-test: {rel} + {line}: {'MISSED' if ok else 'caught'}")
            caught += 0 if ok else 1
            with open(path, "w") as f:
                f.write(original)
        os.makedirs(os.path.join(tmp, "src", "newdir"))
        with open(os.path.join(tmp, "src", "newdir", "x.cpp"), "w") as f:
            f.write('#include "kzg/kzg.hpp"\n')
        ok = check(tmp, quiet=True)
        print(f"self-test: a file in an unlisted folder: {'MISSED' if ok else 'caught'}")
        caught += 0 if ok else 1
    print(f"self-test: {caught} of {len(plants) + 1} planted violations caught")
    return caught == len(plants) + 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    ok = self_test(root) if "--self-test" in sys.argv[2:] else check(root)
    print("layering: ok" if ok else "layering: FAILED")
    sys.exit(0 if ok else 1)
