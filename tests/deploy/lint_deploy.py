#!/usr/bin/env python3
"""Lint of kzgd's deployment files (ctest deploy_lint, deploy_lint_selftest).

  lint_deploy.py [--root REPO]               check deploy/k8s, deploy/docker, .dockerignore
  lint_deploy.py [--root REPO] --self-test   mutate copies of them; every mutation must fail

The Kubernetes base (deploy/k8s/kustomization.yaml and every file it lists)
and the Dockerfile are checked against what kzgd needs in production:
rollouts that never lose capacity, probes on the right endpoints and port,
a shutdown that fits in the grace period, resources that size kzgd's worker
pool and memory budget, a locked-down security context, selectors that match,
and settings that kzgd accepts. kzgd's option names are parsed from
src/service/config.cpp, so a key kzgd does not know fails here rather than at
start-up (where kzgd exits 2). When `kubectl` (or `kustomize`) is on PATH the
base is also rendered with it; that is an extra check, the rest runs anyway.
Without either the rendering is a note, or a failure with KZG_STRICT=1 (CI:
scripts/bootstrap.sh installs Debian's kubernetes-client when kubectl is
missing).

Python 3 standard library and PyYAML (Debian: python3-yaml).
"""

import argparse
import copy
import fnmatch
import ipaddress
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # a missing dependency is a failure, never a skip
    print("deploy_lint: FAIL: PyYAML is required (Debian: apt-get install python3-yaml; pip install pyyaml)")
    sys.exit(1)

K8S_DIR = os.path.join("deploy", "k8s")
DOCKERFILE = os.path.join("deploy", "docker", "Dockerfile")
DOCKERIGNORE = ".dockerignore"
CONFIG_CPP = os.path.join("src", "service", "config.cpp")
CONTAINER = "kzgd"  # kzgctl rollout sets the image of this container
DEBIAN_IMAGES = ("debian:12", "debian:12-slim")
RUNTIME_IMAGE = "debian:12-slim"
# Strict mode (CMake -DKZG_STRICT=ON sets it on the test; .ci/run): every
# check must run, so a missing kubectl/kustomize fails instead of a note.
STRICT = os.environ.get("KZG_STRICT", "") not in ("", "0")
MIN_STARTUP_BUDGET_S = 30  # cold start builds the tables: ~2.7 s on 2 vCPU, more when throttled
MIN_MEMORY_LIMIT = 128 * 2**20  # resident after start ~43 MiB; the rest is for requests


# --------------------------------------------------------------------------
# kzgd's options, from src/service/config.cpp


def kzgd_options(config_cpp):
    """{key: default text} of every entry of the options() table."""
    with open(config_cpp, encoding="utf-8") as f:
        text = f.read()
    start = text.find("std::vector<Option> table")
    end = text.find("return table;", start)
    if start < 0 or end < 0:
        raise ValueError(f"{config_cpp}: the options() table (std::vector<Option> table ... return table;) was not found")
    options = {}
    for m in re.finditer(r'\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*))', text[start:end]):
        options[m.group(1)] = m.group(2) if m.group(2) is not None else ""
    for must in ("listen", "shutdown-delay", "drain-timeout"):
        if must not in options:
            raise ValueError(f"{config_cpp}: parsed {len(options)} options but not \"{must}\": has the table's format changed?")
    return options


def env_name(key):
    return "KZGD_" + key.upper().replace("-", "_")


# --------------------------------------------------------------------------
# small parsers


def parse_cpu(q):
    s = str(q).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(m?)", s)
    if not m:
        return None
    v = float(m.group(1))
    return v / 1000 if m.group(2) else v


_MEM_SUFFIX = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
               "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def parse_memory(q):
    s = str(q).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|)", s)
    if not m:
        return None
    return float(m.group(1)) * _MEM_SUFFIX[m.group(2)]


def parse_kzgd_bytes(v):
    m = re.fullmatch(r"(\d+)(KiB|MiB|GiB)?", str(v).strip())
    if not m:
        return None
    return int(m.group(1)) * {None: 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[m.group(2)]


def parse_seconds(v):
    try:
        d = float(str(v).strip().split()[0])
    except (ValueError, IndexError):
        return None
    return d if math.isfinite(d) else None


def parse_hostport(v):
    """(host, port) of kzgd's HOST:PORT / [IPv6]:PORT, or None."""
    s = str(v).strip()
    colon = s.rfind(":")
    if colon <= 0:
        return None
    host, port = s[:colon], s[colon + 1:]
    if host.startswith("["):
        if not host.endswith("]") or len(host) < 3:
            return None
        host = host[1:-1]
    if not port.isdigit() or int(port) > 65535:
        return None
    return host, int(port)


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_wildcard(host):
    return host in ("0.0.0.0", "::")


def selector_matches(selector, labels):
    """A LabelSelector (matchLabels/matchExpressions) against a label map."""
    if not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e.get("key"), e.get("operator"), e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def dig(obj, *path):
    for p in path:
        if isinstance(obj, dict):
            obj = obj.get(p)
        elif isinstance(obj, list) and isinstance(p, int) and p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


def parse_conf(text):
    """kzgd's config file rules: [(line, key, value, error or None)]."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        t = line.strip(" \t\r")
        if not t or t.startswith("#"):
            continue
        if "=" not in t:
            out.append((n, None, None, "expected 'key = value'"))
            continue
        key, value = t.split("=", 1)
        key, value = key.strip(" \t\r"), value.strip(" \t\r")
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        out.append((n, key, value, None))
    return out


# --------------------------------------------------------------------------
# the lint


class Lint:
    def __init__(self, root, render=True, quiet=False):
        self.root = os.path.abspath(root)
        self.render = render
        self.quiet = quiet
        self.errors = []
        self.notes = []
        self.checks = 0

    # -- reporting
    def rel(self, path):
        return os.path.relpath(path, self.root)

    def check(self, ok, where, message):
        self.checks += 1
        if not ok:
            self.errors.append(f"{where}: {message}")
        return ok

    def fail(self, where, message):
        return self.check(False, where, message)

    def note(self, message):
        self.notes.append(message)

    # -- loading
    def load_base(self):
        kdir = os.path.join(self.root, K8S_DIR)
        kfile = os.path.join(kdir, "kustomization.yaml")
        self.objects = []  # (where, obj)
        self.configmaps = {}  # name -> (where, data)
        if not self.check(os.path.isfile(kfile), self.rel(kfile), "missing (the kustomize base)"):
            return False
        try:
            with open(kfile, encoding="utf-8") as f:
                kust = yaml.safe_load(f) or {}
        except yaml.YAMLError as e:
            return self.fail(self.rel(kfile), f"not valid YAML: {e}")
        kw = self.rel(kfile)
        self.check(kust.get("kind") in (None, "Kustomization"), kw, f"kind is {kust.get('kind')!r}, expected Kustomization")
        for key in ("patches", "patchesStrategicMerge", "patchesJson6902", "components", "replacements"):
            self.check(not kust.get(key), kw, f"{key}: the lint checks the listed manifests as written; "
                       "keep the base free of patches (put them in overlays)")
        resources = kust.get("resources") or []
        self.check(bool(resources), kw, "resources: empty")
        for r in resources:
            path = os.path.join(kdir, r)
            if not self.check(os.path.isfile(path), kw, f"resources: {r!r} is not a file in {K8S_DIR} "
                              "(directories and URLs are not allowed in the base)"):
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    docs = [d for d in yaml.safe_load_all(f) if d is not None]
            except yaml.YAMLError as e:
                self.fail(self.rel(path), f"not valid YAML: {e}")
                continue
            for d in docs:
                if not self.check(isinstance(d, dict) and d.get("kind") and dig(d, "metadata", "name"),
                                  self.rel(path), "every document needs kind and metadata.name"):
                    continue
                where = f"{self.rel(path)} ({d['kind']} {d['metadata']['name']})"
                self.objects.append((where, d))
                if d["kind"] == "ConfigMap":
                    self.configmaps[d["metadata"]["name"]] = (where, d.get("data") or {})
        for g in kust.get("configMapGenerator") or []:
            name = g.get("name")
            where = f"{kw} (configMapGenerator {name})"
            data = {}
            for entry in g.get("files") or []:
                key, _, src = entry.partition("=") if "=" in entry else (os.path.basename(entry), "", entry)
                path = os.path.join(kdir, src)
                if self.check(os.path.isfile(path), where, f"files: {src!r} not found"):
                    with open(path, encoding="utf-8") as f:
                        data[key] = f.read()
                    self.configmap_sources = getattr(self, "configmap_sources", {})
                    self.configmap_sources[(name, key)] = self.rel(path)
            for lit in g.get("literals") or []:
                k, _, v = lit.partition("=")
                data[k] = v
            for envf in g.get("envs") or []:
                path = os.path.join(kdir, envf)
                if self.check(os.path.isfile(path), where, f"envs: {envf!r} not found"):
                    with open(path, encoding="utf-8") as f:
                        for line in f:
                            line = line.strip()
                            if line and not line.startswith("#") and "=" in line:
                                k, _, v = line.partition("=")
                                data[k.strip()] = v.strip()
            self.configmaps[name] = (where, data)
        return True

    def of_kind(self, kind):
        return [(w, o) for w, o in self.objects if o.get("kind") == kind]

    def one(self, kind, what):
        found = self.of_kind(kind)
        self.check(len(found) == 1, f"{K8S_DIR}/kustomization.yaml",
                   f"expected exactly one {kind} ({what}) among the listed manifests, found {len(found)}")
        return found[0] if found else (None, None)

    # -- kzgd's settings as the container will see them
    def effective_settings(self, dw, pod, c):
        """key -> (value, source) after file < env < flags, as kzgd resolves them."""
        opts = self.options
        flags, env, file_settings = {}, {}, {}
        config_path, config_src = None, None
        cw = f"{dw} container {c.get('name')}"

        command = c.get("command")
        if command is not None:
            self.check(isinstance(command, list) and command and str(command[0]).endswith("/kzgd"), cw,
                       f"command {command!r} does not run kzgd; leave it out (the image's ENTRYPOINT is kzgd)")
        args = [str(a) for a in (c.get("args") or [])]
        i = 0
        while i < len(args):
            a = args[i]
            if not a.startswith("--"):
                self.fail(cw, f"args: unexpected argument {a!r} (kzgd takes --KEY VALUE or --KEY=VALUE)")
                i += 1
                continue
            if "=" in a:
                key, value = a[2:].split("=", 1)
            else:
                key, value = a[2:], None
                if key == "config" or key in opts:
                    if i + 1 >= len(args):
                        self.fail(cw, f"args: --{key} needs a value")
                        break
                    value = args[i + 1]
                    i += 1
            i += 1
            if key == "config":
                config_path, config_src = value, "--config"
                continue
            if self.check(key in opts, cw, f"args: unknown option --{key} (not an option in {CONFIG_CPP}; kzgd would exit 2)"):
                flags[key] = (value, f"{cw} args --{key}")

        env_sources = []  # (name, value, where)
        for e in c.get("env") or []:
            name = e.get("name", "")
            env_sources.append((name, e.get("value") if "valueFrom" not in e else None, f"{cw} env {name}"))
        for ef in c.get("envFrom") or []:
            ref = (ef.get("configMapRef") or {}).get("name")
            prefix = ef.get("prefix", "")
            if ref is None:
                if ef.get("secretRef"):
                    self.note(f"{cw}: envFrom secretRef {ef['secretRef'].get('name')}: its keys are not checked")
                continue
            if self.check(ref in self.configmaps, cw, f"envFrom configMapRef {ref!r}: no such ConfigMap in the base"):
                cmw, data = self.configmaps[ref]
                for k, v in data.items():
                    env_sources.append((prefix + k, v, f"{cmw} data.{k} (envFrom)"))
        for name, value, where in env_sources:
            if not name.startswith("KZGD_"):
                continue
            if name == "KZGD_CONFIG":
                if config_path is None:
                    config_path, config_src = value, name
                continue
            key = next((k for k in opts if env_name(k) == name), None)
            if self.check(key is not None, where,
                          f"unknown environment variable {name} (no option {name[5:].lower().replace('_', '-')!r} "
                          f"in {CONFIG_CPP}; kzgd exits 2 on any unknown KZGD_* variable)"):
                env[key] = (value, where)

        if config_path is not None:
            text, where = self.mounted_file(dw, pod, c, config_path, config_src)
            if text is not None:
                seen = {}
                for n, key, value, err in parse_conf(text):
                    lw = f"{where}:{n}"
                    if not self.check(err is None, lw, err or ""):
                        continue
                    if not self.check(key in opts, lw, f"unknown key \"{key}\" (not an option in {CONFIG_CPP}; kzgd would exit 2)"):
                        continue
                    if not self.check(key not in seen, lw, f"duplicate key \"{key}\" (first on line {seen.get(key)})"):
                        continue
                    seen[key] = n
                    file_settings[key] = (value, f"{where} ({key})")
        settings = {}
        for layer in (file_settings, env, flags):
            settings.update(layer)
        return settings

    def mounted_file(self, dw, pod, c, path, src):
        """The text of PATH inside the container, from a ConfigMap volume."""
        cw = f"{dw} container {c.get('name')}"
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        for m in c.get("volumeMounts") or []:
            mp = m.get("mountPath", "").rstrip("/")
            if not path.startswith(mp + "/"):
                continue
            rel = path[len(mp) + 1:]
            if m.get("subPath"):
                continue
            vol = volumes.get(m.get("name")) or {}
            cm = vol.get("configMap")
            if not self.check(cm is not None, cw, f"{src} {path}: volume {m.get('name')!r} is not a ConfigMap"):
                return None, None
            key = rel
            for item in cm.get("items") or []:
                if item.get("path") == rel:
                    key = item.get("key")
            name = cm.get("name")
            if not self.check(name in self.configmaps, cw, f"volume {m.get('name')!r}: ConfigMap {name!r} is not in the base"):
                return None, None
            cmw, data = self.configmaps[name]
            if not self.check(key in data, cmw, f"no key {key!r}, which {src} {path} reads"):
                return None, None
            where = getattr(self, "configmap_sources", {}).get((name, key), f"{cmw} data.{key}")
            return data[key], where
        self.fail(cw, f"{src} {path}: no ConfigMap volume is mounted there")
        return None, None

    # -- the checks
    def run(self):
        try:
            self.options = kzgd_options(os.path.join(self.root, CONFIG_CPP))
        except (OSError, ValueError) as e:
            self.fail(CONFIG_CPP, str(e).replace(os.path.join(self.root, CONFIG_CPP), "").lstrip(": ") or repr(e))
            return self.errors
        self.check(len(self.options) >= 10, CONFIG_CPP, f"only {len(self.options)} options parsed")
        if self.load_base():
            self.check_k8s()
        self.check_docker()
        if self.render:
            self.check_render()
        return self.errors

    def check_k8s(self):
        dw, dep = self.one("Deployment", "kzgd")
        sw, svc = self.one("Service", "port 4844")
        pw, pdb = self.one("PodDisruptionBudget", "voluntary disruptions")
        hw, hpa = self.one("HorizontalPodAutoscaler", "CPU")
        self.check(bool(self.configmaps), f"{K8S_DIR}/kustomization.yaml", "no ConfigMap (kzgd's settings)")
        if dep is None:
            return
        spec = dep.get("spec") or {}
        pod = dig(spec, "template", "spec") or {}
        pod_labels = dig(spec, "template", "metadata", "labels") or {}
        annotations = dig(spec, "template", "metadata", "annotations") or {}

        # Deployment: selector, rollout
        self.check(dep.get("apiVersion") == "apps/v1", dw, f"apiVersion {dep.get('apiVersion')!r}, expected apps/v1")
        self.check(selector_matches(spec.get("selector"), pod_labels), dw,
                   f"spec.selector {spec.get('selector')} does not match the pod template's labels {pod_labels}")
        strategy = spec.get("strategy") or {}
        self.check(strategy.get("type") == "RollingUpdate", dw,
                   f"spec.strategy.type is {strategy.get('type')!r}; must be RollingUpdate")
        ru = strategy.get("rollingUpdate") or {}
        self.check(ru.get("maxUnavailable") in (0, "0", "0%"), dw,
                   f"spec.strategy.rollingUpdate.maxUnavailable is {ru.get('maxUnavailable')!r}; must be 0 "
                   "(a rollout never removes a ready pod before its replacement is ready)")
        self.check(ru.get("maxSurge") in (1, "1"), dw,
                   f"spec.strategy.rollingUpdate.maxSurge is {ru.get('maxSurge')!r}; must be 1 (one extra pod at a time)")
        replicas = spec.get("replicas")
        if replicas is not None:
            self.check(isinstance(replicas, int) and replicas >= 2, dw, f"spec.replicas is {replicas!r}; must be at least 2")

        # the kzgd container
        containers = pod.get("containers") or []
        c = next((x for x in containers if x.get("name") == CONTAINER), None)
        if not self.check(c is not None, dw, f"spec.template.spec.containers: no container named {CONTAINER!r} "
                          "(kzgctl rollout sets that container's image)"):
            return
        cw = f"{dw} container {CONTAINER}"
        self.check(bool(c.get("image")), cw, "image: not set")
        settings = self.effective_settings(dw, pod, c)
        opts = self.options

        def setting(key):
            if key in settings:
                return settings[key]
            return (opts.get(key, "").split(" ")[0], f"kzgd's default ({CONFIG_CPP})")

        # kzgd refuses unknown KZGD_* variables: Kubernetes' service links
        # (KZGD_SERVICE_HOST, KZGD_PORT... for a Service named kzgd*) would stop it.
        self.check(pod.get("enableServiceLinks") is False, dw,
                   "spec.template.spec.enableServiceLinks must be false: the Service links Kubernetes injects for a "
                   "Service named kzgd (KZGD_SERVICE_HOST, KZGD_PORT, ...) are unknown KZGD_* variables, and kzgd exits 2")
        self.check(not pod.get("hostNetwork"), dw,
                   "spec.template.spec.hostNetwork must not be true (the admin listener's loopback would be the node's)")

        # listeners
        listen_value, listen_src = setting("listen")
        hp = parse_hostport(listen_value)
        listen_port = None
        if self.check(hp is not None, listen_src, f"listen {listen_value!r} is not HOST:PORT"):
            host, listen_port = hp
            self.check("listen" in settings, cw, "listen is not configured (kzgd's default is 127.0.0.1:4844, "
                       "unreachable from the kubelet and the Service); set listen = 0.0.0.0:4844")
            self.check(is_wildcard(host), listen_src,
                       f"listen {listen_value!r}: must bind every address (0.0.0.0 or [::]); the kubelet's probes "
                       "and the Service connect to the pod IP")
        ports = c.get("ports") or []
        port_by_name = {p.get("name"): p.get("containerPort") for p in ports if p.get("name")}
        port_numbers = {p.get("containerPort") for p in ports}
        if listen_port is not None:
            self.check(listen_port in port_numbers, cw,
                       f"ports: no containerPort {listen_port} (the port of listen = {listen_value})")

        def resolve(port):
            return port_by_name.get(port) if isinstance(port, str) and not port.isdigit() else int(port) if port is not None else None

        admin_port = None
        if "admin-listen" in settings:
            av, asrc = settings["admin-listen"]
            ahp = parse_hostport(av)
            if self.check(ahp is not None, asrc, f"admin-listen {av!r} is not HOST:PORT"):
                self.check(is_loopback(ahp[0]), asrc,
                           f"admin-listen {av!r}: the admin listener (log level, CPU profile) must be bound to "
                           "loopback (127.0.0.1 or [::1]), never exposed")
                admin_port = ahp[1]
                self.check(admin_port not in port_numbers, cw,
                           f"ports: containerPort {admin_port} is the admin listener's port; do not declare it")

        # probes
        expected = {"startupProbe": ("/readyz", "/livez"), "readinessProbe": ("/readyz",), "livenessProbe": ("/livez",)}
        why = {"startupProbe": "/readyz (setup loaded, self-test passed) or /livez",
               "readinessProbe": "/readyz: 503 while loading, draining or saturated",
               "livenessProbe": "/livez: only a process that stopped serving HTTP should be restarted "
                                "(/readyz and /healthz fail under load or while draining)"}
        for probe, paths in expected.items():
            p = c.get(probe)
            if not self.check(isinstance(p, dict), cw, f"{probe}: missing (expected an httpGet on {why[probe]})"):
                continue
            get = p.get("httpGet")
            if not self.check(isinstance(get, dict), cw, f"{probe}: must be an httpGet (on {why[probe]})"):
                continue
            self.check(get.get("path") in paths, cw,
                       f"{probe}.httpGet.path is {get.get('path')!r}; expected {' or '.join(paths)} ({why[probe]})")
            port = resolve(get.get("port"))
            self.check(listen_port is not None and port == listen_port, cw,
                       f"{probe}.httpGet.port {get.get('port')!r} resolves to {port}, not kzgd's listen port {listen_port}")
            self.check(get.get("scheme", "HTTP") == "HTTP", cw, f"{probe}.httpGet.scheme must be HTTP")
        sp = c.get("startupProbe") or {}
        budget = sp.get("failureThreshold", 3) * sp.get("periodSeconds", 10)
        if c.get("startupProbe"):
            self.check(budget >= MIN_STARTUP_BUDGET_S, cw,
                       f"startupProbe allows {budget} s (failureThreshold x periodSeconds); give the cold start "
                       f"(table building, slower when CPU-throttled) at least {MIN_STARTUP_BUDGET_S} s")

        # preStop and the shutdown arithmetic
        pre = dig(c, "lifecycle", "preStop") or {}
        pre_s = None
        if "sleep" in pre:
            pre_s = parse_seconds(dig(pre, "sleep", "seconds"))
        elif "exec" in pre:
            cmd = [str(x) for x in dig(pre, "exec", "command") or []]
            if cmd and os.path.basename(cmd[0]) == "sleep" and len(cmd) == 2:
                pre_s = parse_seconds(cmd[1])
            elif len(cmd) == 3 and os.path.basename(cmd[0]) in ("sh", "bash") and cmd[1] == "-c":
                m = re.fullmatch(r"\s*(?:exec\s+)?(?:/bin/|/usr/bin/)?sleep\s+(\d+(?:\.\d+)?)\s*", cmd[2])
                pre_s = float(m.group(1)) if m else None
        self.check(pre_s is not None, cw,
                   f"lifecycle.preStop must sleep (exec [\"/bin/sleep\", \"N\"] or sleep.seconds), found {pre or 'none'}: "
                   "the pod keeps serving while its endpoint removal propagates")
        grace = pod.get("terminationGracePeriodSeconds")
        self.check(isinstance(grace, int), dw,
                   "spec.template.spec.terminationGracePeriodSeconds must be set explicitly (the default 30 is not derived from kzgd's settings)")
        for key in ("shutdown-delay", "drain-timeout"):
            self.check(key in settings, cw, f"{key} is not configured; set it explicitly in kzgd's settings so that the "
                       "grace-period arithmetic is visible and checked")
        sd_v, sd_src = setting("shutdown-delay")
        dt_v, dt_src = setting("drain-timeout")
        sd, dt = parse_seconds(sd_v), parse_seconds(dt_v)
        self.check(sd is not None, sd_src, f"shutdown-delay {sd_v!r} is not a number of seconds")
        self.check(dt is not None, dt_src, f"drain-timeout {dt_v!r} is not a number of seconds")
        if None not in (pre_s, sd, dt) and isinstance(grace, int):
            total = pre_s + sd + dt
            self.check(grace > total, dw,
                       f"spec.template.spec.terminationGracePeriodSeconds {grace} must be greater than preStop sleep "
                       f"{pre_s:g} + shutdown-delay {sd:g} ({sd_src}) + drain-timeout {dt:g} ({dt_src}) = {total:g}; "
                       "otherwise the kubelet kills kzgd with requests in flight")

        # resources
        res = c.get("resources") or {}
        values = {}
        for kind in ("requests", "limits"):
            for r, parse in (("cpu", parse_cpu), ("memory", parse_memory)):
                q = dig(res, kind, r)
                if not self.check(q is not None, cw, f"resources.{kind}.{r}: missing (kzgd sizes its worker pool from "
                                  "the CPU limit and its memory budget from the memory limit)"):
                    continue
                v = parse(q)
                if self.check(v is not None and v > 0, cw, f"resources.{kind}.{r} {q!r} is not a valid quantity"):
                    values[(kind, r)] = v
        for r in ("cpu", "memory"):
            if ("requests", r) in values and ("limits", r) in values:
                self.check(values[("limits", r)] >= values[("requests", r)], cw,
                           f"resources.limits.{r} {dig(res, 'limits', r)!r} is below resources.requests.{r} {dig(res, 'requests', r)!r}")
        if ("limits", "memory") in values:
            self.check(values[("limits", "memory")] >= MIN_MEMORY_LIMIT, cw,
                       f"resources.limits.memory {dig(res, 'limits', 'memory')!r} is below 128Mi "
                       "(kzgd is ~43 MiB resident after start; requests need the rest)")
            if "memory-budget" in settings:
                mb = parse_kzgd_bytes(settings["memory-budget"][0])
                self.check(mb is not None and mb <= values[("limits", "memory")], settings["memory-budget"][1],
                           "memory-budget must not exceed resources.limits.memory (kzgd would admit work the OOM killer ends)")
        if "workers" in settings and ("limits", "cpu") in values:
            w = settings["workers"][0]
            if str(w).isdigit() and int(w) > 0:
                self.check(int(w) <= math.ceil(values[("limits", "cpu")]), settings["workers"][1],
                           f"workers = {w} is above the CPU limit ({dig(res, 'limits', 'cpu')}): threads would be throttled; use 0 (auto)")

        # security
        psc = pod.get("securityContext") or {}
        csc = c.get("securityContext") or {}

        def eff(key):
            return csc[key] if key in csc else psc.get(key)

        self.check(eff("runAsNonRoot") is True, cw, "securityContext.runAsNonRoot must be true (container or pod)")
        uid = eff("runAsUser")
        self.check(isinstance(uid, int) and uid > 0, cw, f"securityContext.runAsUser is {uid!r}; must be a non-zero UID")
        self.deployment_uid = uid
        self.check(csc.get("readOnlyRootFilesystem") is True, cw, "securityContext.readOnlyRootFilesystem must be true")
        self.check(csc.get("allowPrivilegeEscalation") is False, cw, "securityContext.allowPrivilegeEscalation must be false")
        self.check(not csc.get("privileged"), cw, "securityContext.privileged must not be true")
        caps = csc.get("capabilities") or {}
        self.check("ALL" in (caps.get("drop") or []), cw, "securityContext.capabilities.drop must contain ALL")
        self.check(not caps.get("add"), cw, f"securityContext.capabilities.add must be empty, found {caps.get('add')}")

        # writable directories: the table cache and /tmp on emptyDirs
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        mounts = c.get("volumeMounts") or []

        def writable_emptydir(path):
            for m in mounts:
                mp = m.get("mountPath", "").rstrip("/")
                if path.rstrip("/") == mp or path.startswith(mp + "/"):
                    v = volumes.get(m.get("name")) or {}
                    return "emptyDir" in v and not m.get("readOnly"), v
            return False, None

        tc_v, tc_src = setting("table-cache")
        if self.check("table-cache" in settings and tc_v, cw,
                      "table-cache is not configured (restarts would rebuild the tables; set it to an emptyDir mount)"):
            ok, vol = writable_emptydir(tc_v)
            self.check(ok, tc_src, f"table-cache {tc_v!r} is not on a writable emptyDir volumeMount "
                       "(the root filesystem is read-only)")
            if ok:
                self.check(dig(vol, "emptyDir", "medium") != "Memory", dw,
                           f"volume {vol.get('name')!r} (table cache): not medium Memory (tmpfs counts against the memory limit)")
        self.check(writable_emptydir("/tmp")[0], cw, "volumeMounts: /tmp must be a writable emptyDir (the root filesystem is read-only)")

        # Prometheus scraping
        self.check(str(annotations.get("prometheus.io/scrape")) == "true", dw,
                   "spec.template.metadata.annotations[prometheus.io/scrape] must be \"true\"")
        if listen_port is not None:
            self.check(str(annotations.get("prometheus.io/port")) == str(listen_port), dw,
                       f"spec.template.metadata.annotations[prometheus.io/port] is {annotations.get('prometheus.io/port')!r}; "
                       f"must be the listen port \"{listen_port}\"")
        self.check(annotations.get("prometheus.io/path", "/metrics") == "/metrics", dw,
                   "spec.template.metadata.annotations[prometheus.io/path] must be /metrics")

        # Service
        if svc is not None:
            sspec = svc.get("spec") or {}
            sel = sspec.get("selector") or {}
            self.check(bool(sel) and all(pod_labels.get(k) == v for k, v in sel.items()), sw,
                       f"spec.selector {sel} does not match the Deployment's pod labels {pod_labels}")
            sports = sspec.get("ports") or []
            self.check(any(p.get("port") == 4844 for p in sports), sw, "spec.ports: no port 4844")
            for p in sports:
                target = resolve(p.get("targetPort", p.get("port")))
                self.check(listen_port is not None and target == listen_port, sw,
                           f"spec.ports[{p.get('name', p.get('port'))}].targetPort {p.get('targetPort')!r} resolves to "
                           f"{target}, not kzgd's listen port {listen_port}")
                self.check(admin_port is None or target != admin_port, sw,
                           f"spec.ports: targets the admin port {admin_port}")
            self.check(sspec.get("type", "ClusterIP") in ("ClusterIP", "NodePort", "LoadBalancer"), sw,
                       f"spec.type {sspec.get('type')!r}")

        # HPA
        min_replicas = replicas
        if hpa is not None:
            hs = hpa.get("spec") or {}
            self.check(hpa.get("apiVersion") == "autoscaling/v2", hw,
                       f"apiVersion {hpa.get('apiVersion')!r}, expected autoscaling/v2")
            ref = hs.get("scaleTargetRef") or {}
            self.check(ref.get("kind") == "Deployment" and ref.get("name") == dep["metadata"]["name"]
                       and ref.get("apiVersion", "apps/v1") == "apps/v1", hw,
                       f"spec.scaleTargetRef {ref} does not target Deployment {dep['metadata']['name']!r} (apps/v1)")
            mn, mx = hs.get("minReplicas", 1), hs.get("maxReplicas")
            self.check(isinstance(mn, int) and mn >= 2, hw, f"spec.minReplicas is {mn!r}; must be at least 2 "
                       "(one pod can be drained or rolled while another serves)")
            self.check(isinstance(mx, int) and isinstance(mn, int) and mx >= mn, hw,
                       f"spec.maxReplicas {mx!r} must be at least minReplicas {mn!r}")
            if isinstance(replicas, int) and isinstance(mn, int) and isinstance(mx, int):
                self.check(mn <= replicas <= mx, dw, f"spec.replicas {replicas} is outside the HPA's {mn}..{mx}")
            cpu = [m for m in hs.get("metrics") or []
                   if m.get("type") == "Resource" and dig(m, "resource", "name") == "cpu"]
            util = dig(cpu, 0, "resource", "target", "averageUtilization")
            self.check(bool(cpu) and dig(cpu, 0, "resource", "target", "type") == "Utilization"
                       and isinstance(util, int) and 0 < util <= 100, hw,
                       "spec.metrics: needs a Resource cpu metric with target type Utilization and averageUtilization 1-100")
            min_replicas = mn if isinstance(mn, int) else replicas
        elif replicas is None:
            self.fail(dw, "spec.replicas is unset and no HPA manages it (1 replica)")

        # PDB
        if pdb is not None:
            ps = pdb.get("spec") or {}
            self.check(pdb.get("apiVersion") == "policy/v1", pw, f"apiVersion {pdb.get('apiVersion')!r}, expected policy/v1")
            self.check(selector_matches(ps.get("selector"), pod_labels), pw,
                       f"spec.selector {ps.get('selector')} does not match the Deployment's pod labels {pod_labels}")
            has_min, has_max = "minAvailable" in ps, "maxUnavailable" in ps
            self.check(has_min != has_max, pw, "spec: set exactly one of minAvailable and maxUnavailable")
            if has_min:
                v = ps["minAvailable"]
                self.check(isinstance(v, int) and v >= 1 and (min_replicas is None or v < min_replicas), pw,
                           f"spec.minAvailable {v!r} must be an integer from 1 to (replicas - 1) = {(min_replicas or 2) - 1}: "
                           "at or above the replica count, node drains are blocked")
            if has_max:
                v = ps["maxUnavailable"]
                self.check(isinstance(v, int) and v >= 1 and (min_replicas is None or v < min_replicas), pw,
                           f"spec.maxUnavailable {v!r} must be an integer from 1 to (replicas - 1) = {(min_replicas or 2) - 1}: "
                           "0 blocks node drains, replicas or more allows an outage")

    # -- Dockerfile
    def check_docker(self):
        path = os.path.join(self.root, DOCKERFILE)
        dw = self.rel(path)
        if not self.check(os.path.isfile(path), dw, "missing"):
            return
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        instructions = []  # (line number, INSTRUCTION, rest)
        buf, start = "", None
        for n, line in enumerate(lines, 1):
            s = line.strip()
            if not buf and (not s or s.startswith("#")):
                continue
            if buf and s.startswith("#"):
                continue
            if start is None:
                start = n
            if s.endswith("\\"):
                buf += s[:-1] + " "
                continue
            buf += s
            word, _, rest = buf.partition(" ")
            instructions.append((start, word.upper(), rest.strip()))
            buf, start = "", None
        stages = []  # [{"from": image, "alias": a, "line": n, "ins": [...]}]
        for n, ins, rest in instructions:
            if ins == "FROM":
                parts = [p for p in rest.split() if not p.startswith("--")]
                alias = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
                stages.append({"from": parts[0] if parts else "", "alias": alias, "line": n, "ins": []})
            elif stages:
                stages[-1]["ins"].append((n, ins, rest))
            else:
                self.check(ins == "ARG", f"{dw}:{n}", f"{ins} before the first FROM")
        if not self.check(len(stages) >= 2, dw, f"{len(stages)} stage(s); must be multi-stage (build, then a runtime stage)"):
            if not stages:
                return
        aliases = set()
        for s in stages:
            self.check(s["from"] in DEBIAN_IMAGES or s["from"] in aliases, f"{dw}:{s['line']}",
                       f"FROM {s['from']}: every stage must be Debian 12 ({' or '.join(DEBIAN_IMAGES)})")
            if s["alias"]:
                aliases.add(s["alias"])
        final = stages[-1]
        self.check(final["from"] == RUNTIME_IMAGE, f"{dw}:{final['line']}",
                   f"final FROM is {final['from']!r}; must be {RUNTIME_IMAGE} (no compilers in the runtime image)")
        self.check(any(ins == "RUN" and "scripts/bootstrap.sh" in rest for s in stages[:-1] for _, ins, rest in s["ins"]),
                   dw, "no build stage RUNs scripts/bootstrap.sh (the image must build as `make build` does)")
        for n, ins, rest in instructions:
            if ins == "ADD":
                self.check(not re.search(r"(https?|ftp)://|git@|\.git(\s|$)", rest), f"{dw}:{n}",
                           f"ADD {rest}: no remote URLs (unpinned, unchecked downloads); fetch and verify in a RUN")
            if ins == "ENV":
                for name in re.findall(r"\b(KZGD_[A-Z0-9_]+)\s*[= ]", rest):
                    self.check(name == "KZGD_CONFIG" or any(env_name(k) == name for k in getattr(self, "options", {})),
                               f"{dw}:{n}", f"ENV {name}: not a kzgd option ({CONFIG_CPP}); kzgd would exit 2")
        fins = final["ins"]
        users = [(n, rest) for n, ins, rest in fins if ins == "USER"]
        if self.check(bool(users), dw, "the final stage has no USER (it would run as root)"):
            n, user = users[-1]
            m = re.fullmatch(r"(\d+)(?::(\d+))?", user)
            self.check(m is not None and int(m.group(1)) != 0, f"{dw}:{n}",
                       f"USER {user}: must be a numeric non-zero UID (runAsNonRoot cannot verify a name)")
            uid = getattr(self, "deployment_uid", None)
            if m and isinstance(uid, int):
                self.check(int(m.group(1)) == uid, f"{dw}:{n}",
                           f"USER {user} differs from the Deployment's runAsUser {uid}")
        eps = [(n, rest) for n, ins, rest in fins if ins == "ENTRYPOINT"]
        if self.check(bool(eps), dw, "the final stage has no ENTRYPOINT"):
            n, ep = eps[-1]
            try:
                form = json.loads(ep)
            except ValueError:
                form = None
            self.check(isinstance(form, list) and form and str(form[0]).endswith("/kzgd"), f"{dw}:{n}",
                       f"ENTRYPOINT {ep}: must be exec form running kzgd, e.g. [\"/usr/local/bin/kzgd\"] "
                       "(shell form puts sh at PID 1 and SIGTERM never reaches kzgd)")
        for n, ins, rest in fins:
            if ins == "CMD":
                try:
                    ok = isinstance(json.loads(rest), list)
                except ValueError:
                    ok = False
                self.check(ok, f"{dw}:{n}", f"CMD {rest}: must be exec form (a JSON array of kzgd flags)")
            if ins == "STOPSIGNAL":
                self.check(rest in ("SIGTERM", "15"), f"{dw}:{n}", f"STOPSIGNAL {rest}: kzgd drains on SIGTERM")
        exposed = {p.split("/")[0] for n, ins, rest in fins if ins == "EXPOSE" for p in rest.split()}
        self.check("4844" in exposed, dw, f"the final stage must EXPOSE 4844 (found {sorted(exposed) or 'none'})")

        ignore = os.path.join(self.root, DOCKERIGNORE)
        if self.check(os.path.isfile(ignore), self.rel(ignore), "missing (the build context would carry build*/ and .deps/)"):
            with open(ignore, encoding="utf-8") as f:
                patterns = [p.strip().lstrip("/") for p in f if p.strip() and not p.strip().startswith("#")]
            for name in ("build", "build-asan", ".deps"):
                self.check(any(fnmatch.fnmatch(name, p.rstrip("/")) for p in patterns if not p.startswith("!")),
                           self.rel(ignore), f"does not exclude {name}/")

    # -- kustomize rendering (extra; needs kubectl or kustomize)
    def check_render(self):
        kdir = os.path.join(self.root, K8S_DIR)
        if shutil.which("kubectl"):
            cmd = ["kubectl", "kustomize", kdir]
        elif shutil.which("kustomize"):
            cmd = ["kustomize", "build", kdir]
        elif STRICT:
            self.fail(K8S_DIR, "kustomize rendering cannot run: neither kubectl nor kustomize is on PATH "
                               "(KZG_STRICT=1; Debian: apt-get install kubernetes-client)")
            return
        else:
            self.note("kustomize rendering NOT checked: neither kubectl nor kustomize is on PATH "
                      "(every manifest check above ran in full; KZG_STRICT=1 makes this a failure)")
            return
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=45)
        except subprocess.TimeoutExpired:
            self.fail(K8S_DIR, f"`{' '.join(cmd)}` timed out")
            return
        if not self.check(r.returncode == 0, K8S_DIR, f"`{' '.join(cmd)}` failed: {r.stderr.strip()[:2000]}"):
            return
        docs = [d for d in yaml.safe_load_all(r.stdout) if d]
        kinds = sorted(d.get("kind") for d in docs)
        for k in ("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"):
            self.check(k in kinds, K8S_DIR, f"the rendered base has no {k} (rendered: {kinds})")
        cms = {dig(d, "metadata", "name") for d in docs if d.get("kind") == "ConfigMap"}
        for d in docs:
            if d.get("kind") == "Deployment":
                for v in dig(d, "spec", "template", "spec", "volumes") or []:
                    if "configMap" in v:
                        self.check(v["configMap"].get("name") in cms, K8S_DIR,
                                   f"rendered Deployment volume {v.get('name')!r} refers to ConfigMap "
                                   f"{v['configMap'].get('name')!r}, which the rendered base lacks ({sorted(cms)})")
        self.note(f"`{' '.join(cmd[:2])}` rendered the base: {len(docs)} objects ({', '.join(kinds)})")


def lint(root, render=True):
    ln = Lint(root, render=render)
    ln.run()
    return ln


# --------------------------------------------------------------------------
# self-test: every mutation of a copy must be rejected


def _yaml_edit(rel, fn, kind=None):
    def mutate(root):
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            docs = list(yaml.safe_load_all(f))
        for d in docs:
            if d and (kind is None or d.get("kind") == kind):
                fn(d)
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump_all(docs, f, sort_keys=False)
    return mutate


def _text_edit(rel, old, new, count=1):
    def mutate(root):
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if old not in text:
            raise AssertionError(f"self-test: {old!r} not found in {rel}: update the self-test")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, count))
    return mutate


def _container(d):
    return next(c for c in d["spec"]["template"]["spec"]["containers"] if c["name"] == CONTAINER)


def _set(path, value):
    """A setter on the Deployment's kzgd container (path starting with 'c.') or pod spec ('p.') or spec."""
    def fn(d):
        if path.startswith("c."):
            obj, keys = _container(d), path[2:].split(".")
        elif path.startswith("p."):
            obj, keys = d["spec"]["template"]["spec"], path[2:].split(".")
        else:
            obj, keys = d, path.split(".")
        for k in keys[:-1]:
            obj = obj.setdefault(k, {})
        if value is _DELETE:
            obj.pop(keys[-1], None)
        else:
            obj[keys[-1]] = value
    return fn


_DELETE = object()
DEP = os.path.join(K8S_DIR, "deployment.yaml")
SVC = os.path.join(K8S_DIR, "service.yaml")
PDB = os.path.join(K8S_DIR, "pdb.yaml")
HPA = os.path.join(K8S_DIR, "hpa.yaml")
KUST = os.path.join(K8S_DIR, "kustomization.yaml")
CONF = os.path.join(K8S_DIR, "kzgd.conf")


def _add_env(name, value):
    def fn(d):
        _container(d).setdefault("env", []).append({"name": name, "value": value})
    return fn


def _replace_conf_line(key, line):
    def mutate(root):
        path = os.path.join(root, CONF)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new, n = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", line, text)
        if n != 1:
            raise AssertionError(f"self-test: key {key!r} not found once in {CONF}: update the self-test")
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return mutate


def _remove_option_from_config_cpp(key):
    def mutate(root):
        path = os.path.join(root, CONFIG_CPP)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = text.replace(f'{{"{key}",', '{"renamed-option",', 1)
        if new == text:
            raise AssertionError(f"self-test: option {key!r} not found in {CONFIG_CPP}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return mutate


def _fail_prestop_missing(d):
    _container(d).pop("lifecycle", None)


MUTATIONS = [
    # (name, mutation, a fragment the lint's message must contain)
    ("maxUnavailable 1", _yaml_edit(DEP, _set("spec.strategy.rollingUpdate.maxUnavailable", 1)), "maxUnavailable is 1"),
    ("maxSurge 0", _yaml_edit(DEP, _set("spec.strategy.rollingUpdate.maxSurge", 0)), "maxSurge is 0"),
    ("Recreate strategy", _yaml_edit(DEP, _set("spec.strategy", {"type": "Recreate"})), "must be RollingUpdate"),
    ("no readinessProbe", _yaml_edit(DEP, _set("c.readinessProbe", _DELETE)), "readinessProbe: missing"),
    ("no livenessProbe", _yaml_edit(DEP, _set("c.livenessProbe", _DELETE)), "livenessProbe: missing"),
    ("no startupProbe", _yaml_edit(DEP, _set("c.startupProbe", _DELETE)), "startupProbe: missing"),
    ("liveness on /readyz", _yaml_edit(DEP, _set("c.livenessProbe.httpGet.path", "/readyz")), "livenessProbe.httpGet.path"),
    ("readiness on /healthz", _yaml_edit(DEP, _set("c.readinessProbe.httpGet.path", "/healthz")), "readinessProbe.httpGet.path"),
    ("probe on the admin port", _yaml_edit(DEP, _set("c.readinessProbe.httpGet.port", 4845)), "readinessProbe.httpGet.port"),
    ("tcpSocket liveness", _yaml_edit(DEP, _set("c.livenessProbe", {"tcpSocket": {"port": 4844}})), "livenessProbe: must be an httpGet"),
    ("startup budget 10 s", _yaml_edit(DEP, _set("c.startupProbe.failureThreshold", 5)), "startupProbe allows 10 s"),
    ("no preStop", _yaml_edit(DEP, _fail_prestop_missing), "lifecycle.preStop must sleep"),
    ("preStop not a sleep", _yaml_edit(DEP, _set("c.lifecycle.preStop", {"exec": {"command": ["/bin/true"]}})), "lifecycle.preStop must sleep"),
    ("grace 30 = 5 + 5 + 20", _yaml_edit(DEP, _set("p.terminationGracePeriodSeconds", 30)), "terminationGracePeriodSeconds 30 must be greater"),
    ("grace unset", _yaml_edit(DEP, _set("p.terminationGracePeriodSeconds", _DELETE)), "terminationGracePeriodSeconds must be set"),
    ("drain-timeout 60 in kzgd.conf", _replace_conf_line("drain-timeout", "drain-timeout = 60"), "must be greater than preStop"),
    ("shutdown-delay via env overrides the file", _yaml_edit(DEP, _add_env("KZGD_SHUTDOWN_DELAY", "40")), "must be greater than preStop"),
    ("longer preStop sleep", _yaml_edit(DEP, _set("c.lifecycle.preStop.exec.command", ["/bin/sleep", "30"])), "must be greater than preStop"),
    ("drain-timeout left to the default", _replace_conf_line("drain-timeout", "# drain-timeout removed"), "drain-timeout is not configured"),
    ("no cpu limit", _yaml_edit(DEP, _set("c.resources.limits.cpu", _DELETE)), "resources.limits.cpu: missing"),
    ("no memory request", _yaml_edit(DEP, _set("c.resources.requests.memory", _DELETE)), "resources.requests.memory: missing"),
    ("memory limit below request", _yaml_edit(DEP, _set("c.resources.limits.memory", "256Mi")), "resources.limits.memory '256Mi' is below"),
    ("cpu limit below request", _yaml_edit(DEP, _set("c.resources.limits.cpu", "500m")), "resources.limits.cpu '500m' is below"),
    ("workers above the CPU limit", _replace_conf_line("workers", "workers = 8"), "workers = 8 is above the CPU limit"),
    ("runAsUser 0", _yaml_edit(DEP, lambda d: (_set("c.securityContext.runAsUser", 0)(d), _set("p.securityContext.runAsUser", 0)(d))), "runAsUser is 0"),
    ("runAsNonRoot false", _yaml_edit(DEP, _set("c.securityContext.runAsNonRoot", False)), "runAsNonRoot must be true"),
    ("writable root filesystem", _yaml_edit(DEP, _set("c.securityContext.readOnlyRootFilesystem", False)), "readOnlyRootFilesystem must be true"),
    ("privilege escalation", _yaml_edit(DEP, _set("c.securityContext.allowPrivilegeEscalation", True)), "allowPrivilegeEscalation must be false"),
    ("capabilities kept", _yaml_edit(DEP, _set("c.securityContext.capabilities", {"drop": ["NET_RAW"]})), "capabilities.drop must contain ALL"),
    ("capability added", _yaml_edit(DEP, _set("c.securityContext.capabilities.add", ["NET_ADMIN"])), "capabilities.add must be empty"),
    ("unknown KZGD_ variable", _yaml_edit(DEP, _add_env("KZGD_WROKERS", "2")), "unknown environment variable KZGD_WROKERS"),
    ("unknown key in kzgd.conf", _text_edit(CONF, "workers = 0", "wrokers = 0"), "unknown key \"wrokers\""),
    ("duplicate key in kzgd.conf", _text_edit(CONF, "log-level = info", "log-level = info\nlog-level = debug"), "duplicate key \"log-level\""),
    ("unknown flag in args", _yaml_edit(DEP, lambda d: _container(d)["args"].extend(["--drain-timout", "5"])), "unknown option --drain-timout"),
    ("option renamed in config.cpp", _remove_option_from_config_cpp("log-format"), "unknown key \"log-format\""),
    ("service links on", _yaml_edit(DEP, _set("p.enableServiceLinks", _DELETE)), "enableServiceLinks must be false"),
    ("admin listener exposed", _replace_conf_line("admin-listen", "admin-listen = 0.0.0.0:4845"), "must be bound to loopback"),
    ("listen on loopback", _replace_conf_line("listen", "listen = 127.0.0.1:4844"), "must bind every address"),
    ("listen port differs", _replace_conf_line("listen", "listen = 0.0.0.0:4900"), "no containerPort 4900"),
    ("table cache not writable", _yaml_edit(DEP, lambda d: [m.update(readOnly=True) for m in _container(d)["volumeMounts"] if m["name"] == "table-cache"]), "is not on a writable emptyDir"),
    ("no /tmp", _yaml_edit(DEP, lambda d: _container(d).update(volumeMounts=[m for m in _container(d)["volumeMounts"] if m["mountPath"] != "/tmp"])), "/tmp must be a writable emptyDir"),
    ("no scrape annotation", _yaml_edit(DEP, _set("spec.template.metadata.annotations", {})), "prometheus.io/scrape"),
    ("Deployment selector mismatch", _yaml_edit(DEP, _set("spec.selector.matchLabels", {"app.kubernetes.io/name": "other"})), "spec.selector"),
    ("replicas 1", _yaml_edit(DEP, _set("spec.replicas", 1)), "spec.replicas is 1"),
    ("Service selector mismatch", _yaml_edit(SVC, _set("spec.selector", {"app.kubernetes.io/name": "kzg"})), "does not match the Deployment's pod labels"),
    ("Service targets the admin port", _yaml_edit(SVC, _set("spec.ports", [{"name": "http", "port": 4844, "targetPort": 4845}])), "targetPort 4845 resolves"),
    ("PDB selector mismatch", _yaml_edit(PDB, _set("spec.selector", {"matchLabels": {"app": "kzgd"}})), "does not match the Deployment's pod labels"),
    ("PDB minAvailable 2 of 2", _yaml_edit(PDB, lambda d: (d["spec"].pop("maxUnavailable"), d["spec"].update(minAvailable=2))), "spec.minAvailable 2"),
    ("PDB maxUnavailable 0", _yaml_edit(PDB, _set("spec.maxUnavailable", 0)), "spec.maxUnavailable 0"),
    ("HPA targets another Deployment", _yaml_edit(HPA, _set("spec.scaleTargetRef.name", "kzgd-old")), "scaleTargetRef"),
    ("HPA minReplicas 1", _yaml_edit(HPA, _set("spec.minReplicas", 1)), "spec.minReplicas is 1"),
    ("HPA without CPU", _yaml_edit(HPA, _set("spec.metrics", [])), "Resource cpu metric"),
    ("manifest missing", _text_edit(KUST, "  - hpa.yaml", "  - hpa.yaml\n  - missing.yaml"), "'missing.yaml' is not a file"),
    ("no HPA listed", _text_edit(KUST, "  - hpa.yaml\n", ""), "exactly one HorizontalPodAutoscaler"),
    ("final stage debian:12", _text_edit(DOCKERFILE, "FROM debian:12-slim", "FROM debian:12"), "final FROM is 'debian:12'"),
    ("builder not Debian 12", _text_edit(DOCKERFILE, "FROM debian:12 AS build", "FROM ubuntu:24.04 AS build"), "every stage must be Debian 12"),
    ("single stage", _text_edit(DOCKERFILE, "FROM debian:12-slim\n", ""), "must be multi-stage"),
    ("USER root", _text_edit(DOCKERFILE, "USER 10001:10001", "USER root"), "USER root: must be a numeric non-zero UID"),
    ("USER 0", _text_edit(DOCKERFILE, "USER 10001:10001", "USER 0"), "USER 0: must be a numeric non-zero UID"),
    ("no USER", _text_edit(DOCKERFILE, "USER 10001:10001\n", ""), "has no USER"),
    ("USER differs from runAsUser", _text_edit(DOCKERFILE, "USER 10001:10001", "USER 10002:10001"), "differs from the Deployment's runAsUser"),
    ("shell-form ENTRYPOINT", _text_edit(DOCKERFILE, 'ENTRYPOINT ["/usr/local/bin/kzgd"]', "ENTRYPOINT /usr/local/bin/kzgd"), "must be exec form"),
    ("ADD of a URL", _text_edit(DOCKERFILE, "WORKDIR /src\n", "WORKDIR /src\nADD https://example.com/x.tgz /tmp/\n"), "no remote URLs"),
    ("unknown ENV KZGD_", _text_edit(DOCKERFILE, "EXPOSE 4844", "ENV KZGD_WORKRS=2\nEXPOSE 4844"), "ENV KZGD_WORKRS"),
    (".dockerignore keeps build/", _text_edit(DOCKERIGNORE, "build*\n", ""), "does not exclude build/"),
]


def self_test(root):
    copy_paths = [os.path.join("deploy", "k8s"), os.path.join("deploy", "docker"), DOCKERIGNORE, CONFIG_CPP]
    failures = []
    with tempfile.TemporaryDirectory(prefix="kzgd-deploy-lint-") as tmp:
        def fresh():
            dst_root = os.path.join(tmp, "root")
            shutil.rmtree(dst_root, ignore_errors=True)
            for rel in copy_paths:
                src, dst = os.path.join(root, rel), os.path.join(dst_root, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                if os.path.isdir(src):
                    shutil.copytree(src, dst)
                else:
                    shutil.copy2(src, dst)
            return dst_root

        # The unmutated copy passes, also after a YAML round trip (the
        # mutations rewrite the files that way).
        base = lint(fresh(), render=False)
        if base.errors:
            failures.append("the unmutated copy fails:\n    " + "\n    ".join(base.errors))
        r = fresh()
        for rel in (DEP, SVC, PDB, HPA):
            _yaml_edit(rel, lambda d: None)(r)
        rt = lint(r, render=False)
        if rt.errors:
            failures.append("the copy fails after a YAML round trip:\n    " + "\n    ".join(rt.errors))
        print(f"deploy_lint_selftest: baseline: {base.checks} checks pass on the unmutated copy")

        names = set()
        for name, mutate, expect in MUTATIONS:
            assert name not in names, name
            names.add(name)
            r = fresh()
            try:
                mutate(r)
            except AssertionError as e:
                failures.append(f"{name}: {e}")
                continue
            result = lint(r, render=False)
            hit = [e for e in result.errors if expect in e]
            if hit:
                print(f"  rejected  {name}: {hit[0]}")
            else:
                got = "\n      ".join(result.errors) or "(no errors: the lint passed)"
                failures.append(f"{name}: NOT rejected with a message containing {expect!r}; got:\n      {got}")
                print(f"  MISSED    {name}")
    if failures:
        print(f"deploy_lint_selftest: FAIL ({len(failures)} of {len(MUTATIONS)} mutations or baselines):")
        for f in failures:
            print("  " + f)
        return 1
    print(f"deploy_lint_selftest: OK: all {len(MUTATIONS)} mutations rejected")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                    help="repository root (default: two levels above this script)")
    ap.add_argument("--self-test", action="store_true", help="mutate copies of the files; each mutation must be rejected")
    ap.add_argument("--no-render", action="store_true", help="do not render the base with kubectl/kustomize")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    if a.self_test:
        return self_test(root)
    result = lint(root, render=not a.no_render)
    for n in result.notes:
        print(f"deploy_lint: note: {n}")
    if result.errors:
        print(f"deploy_lint: FAIL: {len(result.errors)} of {result.checks} checks failed:")
        for e in result.errors:
            print(f"  {e}")
        return 1
    print(f"deploy_lint: OK: {result.checks} checks on {K8S_DIR} ({len(result.objects)} manifests + "
          f"{len(result.configmaps)} ConfigMap), {DOCKERFILE} and {DOCKERIGNORE}; "
          f"{len(result.options)} kzgd options from {CONFIG_CPP}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
