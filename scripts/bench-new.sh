#!/usr/bin/env bash
# Benchmarks `scaffold new rest-api --defaults` against `cp -r` of the tree it
# renders, in the same run on the same disk, and prints the time ratio and the
# peak memory of scaffold. Usage: scripts/bench-new.sh [RUNS]   (default 200)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-200}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/scaffold"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

"$bin" new rest-api reference -o "$work/reference" --defaults --quiet

python3 - "$bin" "$work" "$runs" <<'PY'
import os, shutil, subprocess, sys, time

binary, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def scaffold(i):
    subprocess.run([binary, "new", "rest-api", "orders-api", "-o", f"{work}/s{i}",
                    "--defaults", "--quiet"], check=True)

def copy(i):
    subprocess.run(["cp", "-r", f"{work}/reference", f"{work}/c{i}"], check=True)

totals = {"scaffold": 0.0, "cp -r": 0.0}
for i in range(runs):
    # Interleaved, so both see the same machine load and page cache.
    for name, fn in (("scaffold", scaffold), ("cp -r", copy)):
        start = time.perf_counter()
        fn(i)
        totals[name] += time.perf_counter() - start
    if i % 50 == 49:
        for d in os.listdir(work):
            if d[0] in "sc" and d[1:].isdigit():
                shutil.rmtree(os.path.join(work, d))

files = sum(len(f) for _, _, f in os.walk(f"{work}/reference"))
for name, total in totals.items():
    print(f"{name:9} {total / runs * 1000:7.2f} ms per run ({files} files, {runs} runs)")
print(f"ratio     {totals['scaffold'] / totals['cp -r']:7.2f}x  (target <= 1.5x)")

# Peak memory, read by GNU time: a child forked from Python would report Python's size.
if shutil.which("/usr/bin/time"):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "new", "rest-api", "orders-api",
                          "-o", f"{work}/peak", "--defaults", "--quiet"],
                         check=True, capture_output=True, text=True)
    peak_kib = int(out.stderr.strip().splitlines()[-1])
    print(f"peak RSS  {peak_kib / 1024:7.2f} MiB (target <= 8 MiB)")
else:
    print("peak RSS  not measured: /usr/bin/time is not installed (apt-get install time)")
PY
