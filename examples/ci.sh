#!/usr/bin/env bash
# Stamps out a client repository in CI from a committed answers file:
#   examples/ci.sh PACK ANSWERS_FILE OUTPUT_DIR
# It never prompts, records a JSON summary, and leaves a git repository with
# one initial commit that the job can push as is.
set -euo pipefail

pack="${1:?usage: ci.sh PACK ANSWERS_FILE OUTPUT_DIR}"
answers="${2:?usage: ci.sh PACK ANSWERS_FILE OUTPUT_DIR}"
out="${3:?usage: ci.sh PACK ANSWERS_FILE OUTPUT_DIR}"

# CI machines often have no git identity; give the bot one if none is set.
if ! git config user.email >/dev/null; then
  export GIT_AUTHOR_NAME="scaffold bot" GIT_AUTHOR_EMAIL="bot@example.com"
  export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
fi

scaffold new "$pack" --answers "$answers" --output "$out" --no-input --git --json > "$out.summary.json"

echo "generated $(grep -c '"path"' "$out.summary.json") files into $out"
# Then, for example:
#   git -C "$out" remote add origin "git@github.com:acme-consulting/$(basename "$out").git"
#   git -C "$out" push -u origin main
