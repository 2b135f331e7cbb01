#!/usr/bin/env bash
# Start-up time and size of the release binary: `scaffold --version` against a static C
# "hello" (the floor for starting any process here). Uses hyperfine when installed
# (Debian: apt-get install hyperfine), else a timed loop.
#   scripts/bench-startup.sh [RUNS]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-300}"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
scaffold="$target/release/scaffold"

printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' > "$work/hello.c"
cc -O2 -static -o "$work/hello" "$work/hello.c"

echo "size: $(wc -c < "$scaffold" | tr -d ' ') bytes  $scaffold"

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --shell=none --warmup 20 --runs "$runs" \
    "$work/hello" "$scaffold --version"
  exit 0
fi

# Mean wall time of RUNS starts, in microseconds.
time_runs() {
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo $(((end - start) / runs / 1000))
}
hello_us=$(time_runs "$work/hello")
scaffold_us=$(time_runs "$scaffold" --version)
echo "static hello:       ${hello_us} µs per run ($runs runs)"
echo "scaffold --version: ${scaffold_us} µs per run ($runs runs)"
