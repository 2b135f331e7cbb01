#!/usr/bin/env bash
# Benchmarks `scaffold update --all` over 20 generated projects against 20 sequential
# `scaffold update --dir` runs over the same projects, in one run, and prints the ratio.
# Each project has a user edit and a changed answer to merge, so both do real work.
# Usage: scripts/bench-update.sh [PROJECTS] [ROUNDS]   (defaults 20 and 3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
projects="${1:-20}"
rounds="${2:-3}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/scaffold"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

python3 - "$bin" "$work" "$projects" "$rounds" <<'PY'
import shutil, subprocess, sys, time

binary, work, count, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
packs = ["rest-api", "healthcheck", "bot"]

def fresh(tree):
    """`count` projects, each with an edited README, ready to update."""
    shutil.rmtree(tree, ignore_errors=True)
    for i in range(count):
        dest = f"{tree}/p{i:02}"
        subprocess.run([binary, "new", packs[i % 3], f"p{i:02}", "-o", dest, "--defaults",
                        "--quiet", "--set", "year=2026"], check=True)
        with open(f"{dest}/README.md", "a") as readme:
            readme.write("\nEdited by the client.\n")

def run_all(tree):
    subprocess.run([binary, "update", "--all", tree, "--quiet", "--allow-dirty"], check=True)

def run_each(tree):
    for i in range(count):
        subprocess.run([binary, "update", "--dir", f"{tree}/p{i:02}", "--quiet",
                        "--allow-dirty"], check=True)

totals = {"update --all": 0.0, "sequential": 0.0}
for _ in range(rounds):
    # Interleaved, so both see the same machine load and page cache.
    for name, fn in (("update --all", run_all), ("sequential", run_each)):
        tree = f"{work}/{name.replace(' ', '_')}"
        fresh(tree)
        start = time.perf_counter()
        fn(tree)
        totals[name] += time.perf_counter() - start

for name, total in totals.items():
    print(f"{name:13} {total / rounds * 1000:8.1f} ms for {count} projects ({rounds} rounds)")
print(f"ratio         {totals['update --all'] / totals['sequential']:8.2f}x  (update --all / sequential)")
PY
