#!/usr/bin/env bash
# Fuzzes the manifest parser and the path renderer briefly.
# With cargo-fuzz installed (cargo install cargo-fuzz): libFuzzer runs each target in fuzz/
# for SECONDS, seeded with the embedded packs' manifests and paths; with a nightly toolchain
# under AddressSanitizer, on stable without a sanitizer (-s none: Rust code needs none to
# find panics). Otherwise: the stable mutation harness (src/fuzz_targets.rs) runs
# ITERATIONS mutated inputs per target.
# Usage: scripts/fuzz.sh [SECONDS] [ITERATIONS]   (defaults 60 and 20000)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
iterations="${2:-20000}"
cd "$root"

if cargo fuzz --version >/dev/null 2>&1; then
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        run=(cargo +nightly fuzz run)
    else
        run=(cargo fuzz run -s none)
    fi
    for target in manifest path; do
        corpus="fuzz/corpus/$target"
        mkdir -p "$corpus"
        if [ "$target" = manifest ]; then
            find templates -name pack.yaml -exec cp {} "$corpus/" \; 2>/dev/null || true
        else
            (cd templates && find . -type f | sed 's|^\./||') |
                while IFS= read -r path; do
                    printf '%s' "$path" >"$corpus/$(printf '%s' "$path" | sha256sum | cut -c1-16)"
                done
        fi
        echo "==> cargo fuzz run $target (${seconds}s)"
        "${run[@]}" -O "$target" "$corpus" -- -max_total_time="$seconds"
    done
else
    echo "cargo-fuzz missing: running the stable mutation harness instead"
    SCAFFOLD_FUZZ_ITERATIONS="$iterations" cargo test --release --lib stable_fuzz -- --nocapture
fi
