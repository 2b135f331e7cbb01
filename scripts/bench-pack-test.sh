#!/usr/bin/env bash
# Benchmarks `scaffold pack test` on an embedded pack's full matrix against running the same
# checks one project at a time (gofmt, go vet, go test, go build, hadolint, actionlint,
# yamllint, helm lint in each project's folder), in one run, and prints the time ratio.
# Each side checks its own copy of the projects in its own folder, so neither reuses the
# other's Go build or test cache entries (those are keyed by the source folder).
# Usage: scripts/bench-pack-test.sh [PACK]   (default rest-api; the tools must be on PATH,
# as scripts/test or /work/wt/env.sh-style setups put them)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pack="${1:-rest-api}"
# SCAFFOLD_BIN picks an already built binary; scaffold's own time is small beside Go's.
if [ -n "${SCAFFOLD_BIN:-}" ]; then
    bin="$SCAFFOLD_BIN"
else
    cargo build --release --quiet --manifest-path "$root/Cargo.toml"
    bin="$root/target/release/scaffold"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

python3 - "$bin" "$root/templates/$pack" "$work" <<'PY'
import glob, json, os, subprocess, sys, time

binary, pack, work = sys.argv[1], sys.argv[2], sys.argv[3]
gofmt = os.path.join(subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True,
                                    check=True).stdout.strip(), "bin", "gofmt")

def run(args, cwd):
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed in {cwd}:\n{done.stdout}{done.stderr}")
    return done.stdout

def one_at_a_time():
    for project in sorted(glob.glob(f"{work}/single/case-*")):
        def files(*patterns):
            found = []
            for pattern in patterns:
                found += glob.glob(os.path.join(project, pattern), recursive=True)
            return [os.path.relpath(f, project) for f in sorted(found)]
        charts = [os.path.dirname(c) for c in files("**/Chart.yaml")]
        if os.path.exists(os.path.join(project, "go.mod")):
            if run([gofmt, "-l", "."], project).strip():
                sys.exit(f"gofmt: {project}")
            for verb in ("build", "vet", "test"):
                run(["go", verb, "./..."], project)
        if files("**/Dockerfile"):
            run(["hadolint", "--no-color", *files("**/Dockerfile")], project)
        workflows = files(".github/workflows/*.yml", ".github/workflows/*.yaml")
        if workflows:
            run(["actionlint", "-no-color", *workflows], project)
        yaml = [f for f in files("**/*.yml", "**/*.yaml", ".github/**/*.yml")
                if not any(f.startswith(c + "/templates/") for c in charts)]
        if yaml:
            run(["yamllint", "-s", "-d", "default", *sorted(set(yaml))], project)
        if charts:
            run(["helm", "lint", "--strict", *charts], project)

def batched():
    out = run([binary, "pack", "test", pack, "--keep", f"{work}/batched", "--json"], work)
    report = json.loads(out)
    failed = [c["check"] for c in report["checks"] if c["status"] == "failed"]
    if failed:
        sys.exit(f"pack test failed: {failed}")
    return report

start = time.perf_counter()
report = batched()
batch = time.perf_counter() - start
# The other side checks a copy of exactly the projects pack test rendered.
os.makedirs(f"{work}/single")
for project in glob.glob(f"{work}/batched/case-*"):
    subprocess.run(["cp", "-r", project, f"{work}/single/"], check=True)
start = time.perf_counter()
one_at_a_time()
single = time.perf_counter() - start
projects = len(report["projects"])
print(f"pack {os.path.basename(pack)}: {projects} projects ({report['strategy']})")
print(f"one project at a time: {single:7.1f}s")
print(f"scaffold pack test:    {batch:7.1f}s")
print(f"ratio: {batch / single:.2f}x (target <= 0.35x)")
PY
