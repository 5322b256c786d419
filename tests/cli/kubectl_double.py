#!/usr/bin/env python3
"""A TEST DOUBLE for kubectl, for the tests of `kzgctl rollout`. It is not
kubectl and talks to no cluster: it plays a scripted Deployment, keeping its
state in a file, and answers only the few commands kzgctl rollout runs:

  kubectl get deployment NAME [-n NS] -o 'jsonpath={range .spec.template.spec.containers[*]}...'
  kubectl set image deployment/NAME CONTAINER=IMAGE [-n NS]
  kubectl rollout status deployment/NAME [-n NS] [--timeout=Ns]
  kubectl rollout undo deployment/NAME [-n NS]

A test puts it on PATH as `kubectl` (a wrapper script that execs it).

Environment:
  KUBECTL_DOUBLE_LOG       every call's arguments (argv[1:]) are appended to
                           this file as one JSON array per line
  KUBECTL_DOUBLE_SCENARIO  a scenario name, or a JSON file {"scenario": NAME,
                           ...any field of SCENARIOS below to override}
  KUBECTL_DOUBLE_STATE     the state file (default: $KUBECTL_DOUBLE_LOG.state),
                           created from the scenario on the first call

Scenarios (how `rollout status` behaves before any undo; after an undo it
always succeeds). A JSON scenario may also set "undo": "fail" (the undo is
refused), "namespace", "containers" [[name, image], ...], "hang_seconds",
"pid_file":
  success          progress lines like the real kubectl, then "successfully rolled out"
  deadline         progress, then 'error: deployment "kzgd" exceeded its progress deadline', exit 1
  hang             one progress line, then sleeps hang_seconds (writes its pid to pid_file if set)
  set-image-fails  `set image` is refused by the API server (Forbidden), exit 1

The double dies with its parent (PR_SET_PDEATHSIG), so it never outlives the
kzgctl that ran it.
"""
import ctypes
import json
import os
import signal
import sys
import time

BASE = {
    "deployment": "kzgd",
    "namespace": "default",
    "containers": [["kzgd", "registry.example/kzgd:v0.0.9"], ["log-shipper", "registry.example/fluent-bit:2.2"]],
    "status": "ok",        # ok, deadline, hang
    "set_image": "ok",     # ok, fail
    "undo": "ok",          # ok, fail
    "hang_seconds": 60,
    "pid_file": None,
    "line_delay": 0.05,    # between progress lines, so they arrive one by one
}
SCENARIOS = {
    "success": {},
    "deadline": {"status": "deadline"},
    "hang": {"status": "hang"},
    "set-image-fails": {"set_image": "fail"},
}
CONTAINERS_JSONPATH = 'jsonpath={range .spec.template.spec.containers[*]}{.name}{"\\t"}{.image}{"\\n"}{end}'


def die_with_parent():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def scenario():
    spec = os.environ.get("KUBECTL_DOUBLE_SCENARIO", "success")
    overrides = {}
    if spec.endswith(".json") or os.path.isfile(spec):
        with open(spec) as f:
            overrides = json.load(f)
        spec = overrides.pop("scenario", "success")
    if spec not in SCENARIOS:
        fail(f"kubectl double: unknown scenario {spec!r}", 2)
    return {**BASE, **SCENARIOS[spec], **overrides}


def fail(message, code=1):
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


def say(line, delay=0.0):
    print(line, flush=True)
    if delay:
        time.sleep(delay)


def parse(args):
    """(positional args, flags dict) of a kubectl command line."""
    positional, flags = [], {}
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-n", "--namespace", "-o", "--output"):
            if i + 1 >= len(args):
                fail(f"error: flag needs an argument: {a}")
            flags[a.lstrip("-")[0]] = args[i + 1]
            i += 2
            continue
        if a.startswith("--") and "=" in a:
            key, _, value = a[2:].partition("=")
            flags[{"namespace": "n", "output": "o"}.get(key, key)] = value
        elif a.startswith("-"):
            fail(f"kubectl double: unsupported flag {a!r}", 2)
        else:
            positional.append(a)
        i += 1
    return positional, flags


def deployment_name(positional):
    """The deployment named as deployment/NAME or deployment NAME."""
    if positional and positional[0].startswith(("deployment/", "deployments/", "deploy/")):
        return positional[0].split("/", 1)[1], positional[1:]
    if len(positional) >= 2 and positional[0] in ("deployment", "deployments", "deploy"):
        return positional[1], positional[2:]
    fail(f"kubectl double: expected a deployment, got {positional!r}", 2)


def main():
    die_with_parent()
    args = sys.argv[1:]
    log = os.environ.get("KUBECTL_DOUBLE_LOG")
    if not log:
        fail("kubectl double: KUBECTL_DOUBLE_LOG is not set", 2)
    with open(log, "a") as f:
        f.write(json.dumps(args) + "\n")
    sc = scenario()
    state_path = os.environ.get("KUBECTL_DOUBLE_STATE") or log + ".state"
    if os.path.exists(state_path):
        with open(state_path) as f:
            state = json.load(f)
    else:
        state = {"containers": sc["containers"], "history": [], "undone": False}

    def save():
        tmp = state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.replace(tmp, state_path)

    positional, flags = parse(args)
    if len(positional) < 2:
        fail("kubectl double: unsupported command " + " ".join(args), 2)
    verb = positional[:2] if positional[0] in ("set", "rollout") else positional[:1]
    name, rest = deployment_name(positional[len(verb):])
    namespace = flags.get("n", "default")
    if name != sc["deployment"] or namespace != sc["namespace"]:
        fail(f'Error from server (NotFound): deployments.apps "{name}" not found')
    d = f'deployment "{name}"'

    if verb == ["get"]:
        if flags.get("o") != CONTAINERS_JSONPATH:
            fail(f"kubectl double: unsupported output {flags.get('o')!r}", 2)
        sys.stdout.write("".join(f"{c}\t{image}\n" for c, image in state["containers"]))
    elif verb == ["set", "image"]:
        if sc["set_image"] == "fail":
            fail(f'Error from server (Forbidden): deployments.apps "{name}" is forbidden: User "ci" cannot patch '
                 f'resource "deployments" in API group "apps" in the namespace "{namespace}"')
        if len(rest) != 1 or "=" not in rest[0]:
            fail("error: there is no need to specify a resource type as a separate argument when passing arguments "
                 "in resource/name form")
        container, _, image = rest[0].partition("=")
        names = [c for c, _ in state["containers"]]
        if container not in names:
            fail(f'error: unable to find container named "{container}"')
        state["history"].append([list(c) for c in state["containers"]])
        state["containers"] = [[c, image if c == container else i] for c, i in state["containers"]]
        state["undone"] = False
        save()
        say(f"deployment.apps/{name} image updated")
    elif verb == ["rollout", "undo"]:
        if sc["undo"] == "fail":
            fail(f'error: unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout')
        if not state["history"]:
            fail(f'error: no rollout history found for {d}')
        state["containers"] = state["history"].pop()
        state["undone"] = True
        save()
        say(f"deployment.apps/{name} rolled back")
    elif verb == ["rollout", "status"]:
        delay = sc["line_delay"]
        mode = "ok" if state["undone"] else sc["status"]
        say(f'Waiting for {d} rollout to finish: 1 out of 3 new replicas have been updated...', delay)
        if mode == "hang":
            if sc["pid_file"]:
                with open(sc["pid_file"], "w") as f:
                    f.write(f"{os.getpid()}\n")
            time.sleep(sc["hang_seconds"])
        say(f'Waiting for {d} rollout to finish: 2 out of 3 new replicas have been updated...', delay)
        if mode == "deadline":
            fail(f'error: {d} exceeded its progress deadline')
        say(f'Waiting for {d} rollout to finish: 1 old replicas are pending termination...', delay)
        say(f'Waiting for {d} rollout to finish: 2 of 3 updated replicas are available...', delay)
        say(f'{d} successfully rolled out')
    else:
        fail("kubectl double: unsupported command " + " ".join(args), 2)


if __name__ == "__main__":
    main()
