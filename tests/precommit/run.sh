#!/usr/bin/env bash
# The pre-commit framework, end to end: a test repository whose
# .pre-commit-config.yaml points at this repository (its .pre-commit-hooks.yaml,
# `language: rust`) blocks a commit that introduces data-path drift and lets a
# reviewed, consistent one through. Needs python3, git, cargo; installs
# pre-commit (pinned, from PyPI) into $DRIFTCHECK_VENV (default target/ci-venv).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
venv=${DRIFTCHECK_VENV:-target/ci-venv}
[[ $venv == /* ]] || venv="$ROOT/$venv"
if [[ ! -x $venv/bin/pre-commit ]]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit==4.7.0
fi
export PATH="$venv/bin:$PATH"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The toolchain stays where it is, whatever HOME the test gives git.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
mkdir -p "$tmp/home"
: >"$tmp/gitconfig"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/gitconfig" HOME="$tmp/home"
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mal@example.com
export GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=mal@example.com
# pre-commit builds the hook with `cargo install` (release profile): keep that
# build quick, and in a target directory that survives between runs.
export CARGO_TARGET_DIR="$ROOT/target/pre-commit-hook"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=0

# pre-commit clones the hook repository at a commit: this checkout's HEAD.
rev=$(git -C "$ROOT" rev-parse HEAD)
repo="$tmp/repo"
mkdir -p "$repo"
cp -R "$ROOT/fixtures/incidents/clickhouse-data-path/." "$repo/"
# Start from a consistent state: prod uses staging's path.
sed -i 's#<path>/data/clickhouse/</path>#<path>/var/lib/clickhouse/</path>#' "$repo/clickhouse/prod/config.xml"
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $ROOT
    rev: $rev
    hooks:
      - id: driftcheck-check
      - id: driftcheck-commit-msg
YAML
cd "$repo"
git init -q -b main
git add -A
git commit -q -m "Initial config"
pre-commit install --hook-type pre-commit --hook-type commit-msg >/dev/null
echo "== pre-commit: building the hook (cargo install) and checking a consistent tree"
pre-commit run driftcheck-check --all-files

fail=0
echo "== a data-path rename in staging only must be refused"
sed -i 's#<path>/var/lib/clickhouse/</path>#<path>/data/clickhouse/</path>#' clickhouse/staging/config.xml
git add -A
if git commit -q -m "Move staging data path" -m "Reviewed-by: Ana Lima <ana@example.com>" >"$tmp/out" 2>&1; then
  echo "FAILED: the commit went through" >&2
  cat "$tmp/out" >&2
  fail=1
elif ! grep -q "drift/data-path" "$tmp/out"; then
  echo "FAILED: refused, but not for drift/data-path:" >&2
  cat "$tmp/out" >&2
  fail=1
fi

echo "== the same rename in both environments, reviewed by a peer, must pass"
sed -i 's#<path>/var/lib/clickhouse/</path>#<path>/data/clickhouse/</path>#' clickhouse/prod/config.xml
git add -A
if ! git commit -q -m "Move the data path everywhere" -m "Reviewed-by: Ana Lima <ana@example.com>" >"$tmp/out" 2>&1; then
  echo "FAILED: a consistent, reviewed change was refused:" >&2
  cat "$tmp/out" >&2
  fail=1
fi

echo "== the same kind of change without a peer's sign-off must be refused (commit-msg)"
sed -i 's#<tmp_path>/var/lib/clickhouse/tmp/</tmp_path>#<tmp_path>/data/clickhouse/tmp/</tmp_path>#' clickhouse/staging/config.xml clickhouse/prod/config.xml
git add -A
if git commit -q -m "Move tmp paths" >"$tmp/out" 2>&1; then
  echo "FAILED: an unreviewed config change went through" >&2
  fail=1
elif ! grep -q "gate/signoff" "$tmp/out"; then
  echo "FAILED: refused, but not by the gate:" >&2
  cat "$tmp/out" >&2
  fail=1
fi
if [[ $fail == 0 ]]; then echo "pre-commit tests: 3 passed, 0 failed"; else echo "pre-commit tests: failed" >&2; fi
exit $fail
