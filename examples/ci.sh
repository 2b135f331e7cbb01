#!/usr/bin/env bash
# Stamps out a client repository in CI from a committed answers file:
#   examples/ci.sh PACK ANSWERS_FILE OUTPUT_DIR
# It never prompts, records a JSON summary, and leaves a git repository with
# one initial commit that the job can push as is. It uses `scaffold` from PATH,
# or builds this checkout with cargo when scaffold is not installed.
set -euo pipefail

usage="usage: examples/ci.sh PACK ANSWERS_FILE OUTPUT_DIR"
pack="${1:?$usage}"
answers="${2:?$usage}"
out="${3:?$usage}"

if command -v scaffold >/dev/null 2>&1; then
  scaffold="scaffold"
else
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  echo "scaffold is not on PATH: building it with cargo build --release" >&2
  cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
  scaffold="${CARGO_TARGET_DIR:-$root/target}/release/scaffold"
fi

# CI machines often have no git identity; give the bot one if none is set.
if ! git config user.email >/dev/null; then
  export GIT_AUTHOR_NAME="scaffold bot" GIT_AUTHOR_EMAIL="bot@example.com"
  export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
fi

"$scaffold" new "$pack" --answers "$answers" --output "$out" --no-input --git --json > "$out.summary.json"

echo "generated $(git -C "$out" ls-files | wc -l | tr -d ' ') files into $out"
# Then, for example:
#   git -C "$out" remote add origin "git@github.com:acme-consulting/$(basename "$out").git"
#   git -C "$out" push -u origin main
