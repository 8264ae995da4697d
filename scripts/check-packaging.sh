#!/usr/bin/env bash
# The packaging files say what docs/deploy.md says they do. No container engine, cluster or
# systemd runs here, so this checks what can be checked without one:
#   compose.yaml            parses; the services, commands, regions, Redis' append-only file,
#                           and every runstate service after a successful `migrate`
#   deploy/kubernetes/*     parse; every Deployment probes /healthz and /readyz on a declared
#                           port, runs as non-root; the migration Job exists
#   deploy/runstate.service `systemd-analyze verify` (with the binary path pointed at a file
#                           that exists), when systemd-analyze is installed
#   Dockerfile              non-root USER, HEALTHCHECK through `runstate healthcheck`, /data
#   .github/workflows/*     parse; CI runs `make test`, the README's test command
set -euo pipefail
cd "$(dirname "$0")/.."

python=python3
venv=$(bash scripts/install.sh schemathesis-path 2>/dev/null || true)
[[ -x $venv/bin/python ]] && python=$venv/bin/python # has PyYAML (schemathesis needs it)
if ! "$python" -c 'import yaml' 2>/dev/null; then
  echo "check-packaging: no Python with PyYAML (scripts/install.sh test installs one): YAML not checked" >&2
else
  "$python" - <<'PY'
import glob, sys, yaml

def fail(msg):
    sys.exit(f"check-packaging: {msg}")

compose = yaml.safe_load(open("compose.yaml"))
services = compose["services"]
runstate = {name: s for name, s in services.items() if s.get("image", "").startswith("runstate")}
commands = sorted(s["command"][0] for s in runstate.values())
if commands != ["migrate", "scheduler", "serve", "serve", "worker", "worker"]:
    fail(f"compose.yaml runs {commands}")
regions = sorted(s["environment"].get("RUNSTATE_REGION", "") for s in runstate.values() if s["command"][0] == "worker")
if len(set(regions)) != 2 or "" in regions:
    fail(f"compose.yaml's workers are not in two regions: {regions}")
if "--appendonly" not in services["redis"]["command"] or services["redis"]["command"][services["redis"]["command"].index("--appendonly") + 1] != "yes":
    fail("compose.yaml's Redis runs without its append-only file")
for name, s in runstate.items():
    if s["command"][0] == "migrate":
        continue
    after = s.get("depends_on", {}).get("migrate", {}).get("condition")
    if after != "service_completed_successfully":
        fail(f"compose.yaml's {name} does not wait for migrate")

docs = [d for f in sorted(glob.glob("deploy/kubernetes/*.yaml")) for d in yaml.safe_load_all(open(f)) if d]
kinds = [d["kind"] for d in docs]
if "Job" not in kinds or kinds.count("Deployment") != 3:
    fail(f"deploy/kubernetes has {kinds}")
for d in docs:
    if d["kind"] != "Deployment":
        continue
    spec = d["spec"]["template"]["spec"]
    if not spec.get("securityContext", {}).get("runAsNonRoot"):
        fail(f"{d['metadata']['name']} may run as root")
    for c in spec["containers"]:
        ports = {p["name"] for p in c.get("ports", [])}
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = c.get(probe, {}).get("httpGet", {})
            if get.get("path") != path or get.get("port") not in ports:
                fail(f"{d['metadata']['name']}: {probe} is not {path} on a declared port")

ci = yaml.safe_load(open(".github/workflows/ci.yml"))
runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
if not any(r.strip() == "make test" for r in runs):
    fail("the CI workflow does not run `make test`")
yaml.safe_load(open(".github/workflows/release.yml"))
print("check-packaging: compose.yaml, deploy/kubernetes, workflows: ok")
PY
fi

grep -qx 'USER runstate' Dockerfile || { echo "check-packaging: the image does not run as runstate" >&2; exit 1; }
grep -q 'CMD \["/usr/local/bin/runstate", "healthcheck"\]' Dockerfile ||
  { echo "check-packaging: the image has no HEALTHCHECK through runstate healthcheck" >&2; exit 1; }
grep -q 'VOLUME \["/data"\]' Dockerfile || { echo "check-packaging: /data is not a volume" >&2; exit 1; }

if command -v systemd-analyze >/dev/null; then
  unit=$(mktemp -d)/runstate.service
  # verify wants ExecStart's binary to exist: point it at one that does.
  sed 's#^ExecStart=/usr/local/bin/runstate#ExecStart=/bin/true#' deploy/runstate.service >"$unit"
  systemd-analyze verify "$unit"
  rm -rf "$(dirname "$unit")"
  echo "check-packaging: deploy/runstate.service: systemd-analyze verify ok"
else
  echo "check-packaging: systemd-analyze is not installed: the unit was not verified" >&2
fi
