#!/usr/bin/env bash
# Benchmarks `scaffold build` on a generated rest-api project, in one run:
#
#   cold       `scaffold build --force` of the five default targets, its cache cleared,
#              against a sequential shell loop of `go build` with the same flags.
#              Each side gets its own fresh, empty GOCACHE, so both compile the
#              standard library for every target, and each starts with Go's files
#              in the page cache (target: ratio <= 1.0).
#   warm       the same two again, each with the GOCACHE its cold run filled
#              (for information: the case of a changed source file).
#   unchanged  `scaffold build` with nothing changed, against the cold build
#              (target: <= 5 %).
#
# Cold builds vary by several per cent from run to run, so they are repeated ROUNDS times
# (default 2), alternating which side goes first, and summed.
#
# Usage: scripts/bench-build.sh [ROUNDS]   (takes a few minutes: cold builds are slow)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-2}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/scaffold"
tools_bin="$("$root/scripts/install-tools.sh")"
export PATH="$tools_bin:$PATH"
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod GOSUMDB=off

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GOPATH="$work/gopath"
unset SOURCE_DATE_EPOCH
mkdir -p "$HOME"

"$bin" new rest-api orders-api -o "$work/orders-api" --defaults --quiet --set year=2026
cd "$work/orders-api"

targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64)
version=1.0.0
# What scaffold passes outside git: no commit, no date.
ldflags="-s -w -X main.version=$version -X main.commit=none -X main.date=unknown"

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

scaffold_build() {
  rm -rf dist/.cache
  GOCACHE="$work/gocache-scaffold-$1" "$bin" build --force --version "$version" --quiet
}

go_loop() {
  for target in "${targets[@]}"; do
    exe=orders-api
    [[ "${target%/*}" == windows ]] && exe=orders-api.exe
    GOCACHE="$work/gocache-loop-$1" CGO_ENABLED=0 GOOS="${target%/*}" GOARCH="${target#*/}" \
      go build -trimpath -buildvcs=false -ldflags "$ldflags" \
      -o "$work/loop/${target/\//_}/$exe" ./cmd/orders-api
  done
}

# The first cold build would otherwise also pay for reading Go's sources and tools from
# disk, which the second then finds in the page cache.
goroot="$(go env GOROOT)"
warm_page_cache() {
  find "$goroot" -type f -print0 | xargs -0 cat >/dev/null
}

report() { # name, scaffold ms, loop ms
  awk -v n="$1" -v s="$2" -v l="$3" \
    'BEGIN { printf "%-9s scaffold %7.2f s   go build loop %7.2f s   ratio %.2fx\n", n, s/1000, l/1000, s/l }'
}

echo "cold builds of ${#targets[@]} targets with empty caches, $rounds rounds (this takes a while)..." >&2
cold_scaffold=0 cold_loop=0
timed() { # side, round: adds the side's time to its total
  warm_page_cache
  local t0 t1
  t0=$(now)
  if [[ $1 == scaffold ]]; then scaffold_build "$2"; else go_loop "$2"; fi
  t1=$(now)
  if [[ $1 == scaffold ]]; then
    cold_scaffold=$((cold_scaffold + $(ms "$t0" "$t1")))
  else
    cold_loop=$((cold_loop + $(ms "$t0" "$t1")))
  fi
}
for round in $(seq "$rounds"); do
  if ((round % 2)); then
    timed scaffold "$round"; timed loop "$round"
  else
    timed loop "$round"; timed scaffold "$round"
  fi
done
cold_scaffold=$((cold_scaffold / rounds)) cold_loop=$((cold_loop / rounds))

# Warm: each side again with the cache its last cold run filled.
t0=$(now); scaffold_build "$rounds"; t1=$(now); go_loop "$rounds"; t2=$(now)
warm_scaffold=$(ms "$t0" "$t1") warm_loop=$(ms "$t1" "$t2")

runs=10
t0=$(now)
for _ in $(seq "$runs"); do
  GOCACHE="$work/gocache-scaffold-$rounds" "$bin" build --version "$version" --quiet
done
t1=$(now)
unchanged=$(($(ms "$t0" "$t1") * 1000 / runs)) # microseconds per run
GOCACHE="$work/gocache-scaffold-$rounds" "$bin" build --version "$version" --json |
  grep -c '"status": "cached"' | grep -qx "${#targets[@]}" || {
  echo "an unchanged build rebuilt something" >&2
  exit 1
}

report cold "$cold_scaffold" "$cold_loop"
echo "          (target <= 1.0x; mean of $rounds rounds, each side with its own empty GOCACHE, $(nproc) CPUs)"
report warm "$warm_scaffold" "$warm_loop"
awk -v u="$unchanged" -v c="$cold_scaffold" \
  'BEGIN { printf "unchanged %7.1f ms per run (mean of '"$runs"'), %.2f %% of the cold build (target <= 5 %%)\n", u/1000, u/10/c }'
