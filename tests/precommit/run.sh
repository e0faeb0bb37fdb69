#!/usr/bin/env bash
# The pre-commit framework, end to end, the way users get driftcheck's hooks: a test
# repository whose .pre-commit-config.yaml points at this repository (its
# .pre-commit-hooks.yaml, at this checkout's HEAD) blocks a commit that introduces
# data-path drift, lets a reviewed, consistent one through, and refuses an unreviewed
# one (commit-msg).
#
#   the `language: python` hooks (driftcheck-check, driftcheck-commit-msg), always:
#     maturin builds the driftcheck wheel from pypi/pyproject.toml (dev profile, reusing
#     target/); a local wheelhouse serves it through PIP_FIND_LINKS with PIP_NO_INDEX=1
#     and without cargo on PATH, so pre-commit installs the hook from the wheel with no
#     network and no compilation, as users install it from PyPI.
#   the `language: rust` hooks (driftcheck-check-src, ...), with DRIFTCHECK_PRECOMMIT_SRC=1:
#     pre-commit runs `cargo install` (a release build, minutes; in target/pre-commit-hook).
#
# Prints how long each hook installation took. Needs python3, git, cargo; installs
# pre-commit and maturin (pinned, from PyPI) into $DRIFTCHECK_VENV (default
# target/ci-venv).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
venv=${DRIFTCHECK_VENV:-target/ci-venv}
[[ $venv == /* ]] || venv="$ROOT/$venv"
pre_commit_version=4.7.0
maturin_version=1.16.0
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv"
fi
if [[ $("$venv/bin/pre-commit" --version 2>/dev/null) != "pre-commit $pre_commit_version" ||
  $("$venv/bin/maturin" --version 2>/dev/null) != "maturin $maturin_version" ]]; then
  echo "pre-commit tests: installing pre-commit==$pre_commit_version maturin==$maturin_version into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pre-commit==$pre_commit_version" "maturin==$maturin_version"
fi
export PATH="$venv/bin:$PATH"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# The wheel, as release.yml builds it but in the dev profile: it reuses the dev build
# in target/ (`cargo run`, `cargo build`), so it costs a link, not a compile.
wheelhouse="$tmp/wheelhouse"
mkdir -p "$wheelhouse"
echo "== maturin build (pypi/pyproject.toml, dev profile) into a local wheelhouse"
start=$(now)
if ! (cd "$ROOT/pypi" && maturin build --profile dev --strip --compatibility linux --locked \
  --out "$wheelhouse") >"$tmp/maturin.log" 2>&1; then
  cat "$tmp/maturin.log" >&2
  echo "pre-commit tests: FAILED to build the wheel" >&2
  exit 1
fi
echo "wheel built in $(since "$start"): $(cd "$wheelhouse" && ls -- *.whl)"

# The toolchain stays where it is, whatever HOME the test gives git.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
mkdir -p "$tmp/home"
: >"$tmp/gitconfig"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/gitconfig" HOME="$tmp/home"
export GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mal@example.com
export GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=mal@example.com

# PATH without cargo, rustc or rustup: the wheel install must not need them.
no_rust_path=
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  if [[ -x $dir/cargo || -x $dir/rustc || -x $dir/rustup ]]; then continue; fi
  no_rust_path+="${no_rust_path:+:}$dir"
done

# pre-commit clones the hook repository at a commit: this checkout's HEAD.
rev=$(git -C "$ROOT" rev-parse HEAD)
passed=0
failed=0
fail() {
  echo "FAILED: $1" >&2
  if [[ -n ${2:-} ]]; then cat "$2" >&2; fi
  failed=$((failed + 1))
}

# suite VARIANT SUFFIX: the hooks with ids driftcheck-check$SUFFIX and
# driftcheck-commit-msg$SUFFIX, in a fresh test repository and pre-commit cache.
suite() {
  local variant=$1 suffix=$2 repo="$tmp/repo$2" start
  export PRE_COMMIT_HOME="$tmp/pre-commit-home$suffix"
  mkdir -p "$repo"
  cp -R "$ROOT/fixtures/incidents/clickhouse-data-path/." "$repo/"
  # Start from a consistent state: prod uses staging's path.
  sed -i 's#<path>/data/clickhouse/</path>#<path>/var/lib/clickhouse/</path>#' "$repo/clickhouse/prod/config.xml"
  # Local hooks only warn about a missing sign-off by default (the review
  # usually comes later, in the pull request); this repository asks for them
  # to be as strict as CI, so the commit-msg hook's refusal is tested.
  printf '\n[review]\nlocal = "block"\n' >>"$repo/driftcheck.toml"
  cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $ROOT
    rev: $rev
    hooks:
      - id: driftcheck-check$suffix
      - id: driftcheck-commit-msg$suffix
YAML
  cd "$repo"
  git init -q -b main
  git add -A
  git commit -q -m "Initial config"
  pre-commit install --hook-type pre-commit --hook-type commit-msg >/dev/null

  echo "== [$variant] pre-commit install-hooks"
  start=$(now)
  if [[ $variant == wheel ]]; then
    # From the local wheelhouse only: no index, no network, no cargo.
    if ! PATH="$no_rust_path" PIP_FIND_LINKS="$wheelhouse" PIP_NO_INDEX=1 \
      pre-commit install-hooks >"$tmp/out" 2>&1; then
      fail "[$variant] the hook did not install from the wheel" "$tmp/out"
      return
    fi
  else
    # `cargo install` (release profile): kept quick, in a target directory that
    # survives between runs.
    if ! CARGO_TARGET_DIR="$ROOT/target/pre-commit-hook" CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
      CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      CARGO_PROFILE_RELEASE_DEBUG=0 pre-commit install-hooks >"$tmp/out" 2>&1; then
      fail "[$variant] the hook did not build" "$tmp/out"
      return
    fi
  fi
  echo "hook installed ($variant) in $(since "$start")"
  if [[ $variant == wheel ]] && ! find "$PRE_COMMIT_HOME" -path '*/bin/driftcheck' -type f | grep -q .; then
    fail "[$variant] no driftcheck binary in the hook's environment"
  fi
  if pre-commit run "driftcheck-check$suffix" --all-files >"$tmp/out" 2>&1; then
    passed=$((passed + 1))
  else
    fail "[$variant] the consistent initial tree was refused" "$tmp/out"
  fi

  echo "== [$variant] a data-path rename in staging only must be refused"
  sed -i 's#<path>/var/lib/clickhouse/</path>#<path>/data/clickhouse/</path>#' clickhouse/staging/config.xml
  git add -A
  if git commit -q -m "Move staging data path" -m "Reviewed-by: Ana Lima <ana@example.com>" >"$tmp/out" 2>&1; then
    fail "[$variant] the commit went through" "$tmp/out"
  elif ! grep -q "drift/data-path" "$tmp/out"; then
    fail "[$variant] refused, but not for drift/data-path:" "$tmp/out"
  else
    passed=$((passed + 1))
  fi

  echo "== [$variant] the same rename in both environments, reviewed by a peer, must pass"
  sed -i 's#<path>/var/lib/clickhouse/</path>#<path>/data/clickhouse/</path>#' clickhouse/prod/config.xml
  git add -A
  if git commit -q -m "Move the data path everywhere" -m "Reviewed-by: Ana Lima <ana@example.com>" >"$tmp/out" 2>&1; then
    passed=$((passed + 1))
  else
    fail "[$variant] a consistent, reviewed change was refused:" "$tmp/out"
  fi

  echo "== [$variant] the same kind of change without a peer's sign-off must be refused (commit-msg)"
  sed -i 's#<tmp_path>/var/lib/clickhouse/tmp/</tmp_path>#<tmp_path>/data/clickhouse/tmp/</tmp_path>#' clickhouse/staging/config.xml clickhouse/prod/config.xml
  git add -A
  if git commit -q -m "Move tmp paths" >"$tmp/out" 2>&1; then
    fail "[$variant] an unreviewed config change went through" "$tmp/out"
  elif ! grep -q "gate/signoff" "$tmp/out"; then
    fail "[$variant] refused, but not by the gate:" "$tmp/out"
  else
    passed=$((passed + 1))
  fi
  cd "$ROOT"
}

suite wheel ""
if [[ ${DRIFTCHECK_PRECOMMIT_SRC:-0} == 1 ]]; then
  suite cargo "-src"
fi
echo "pre-commit tests: $passed passed, $failed failed"
[[ $failed == 0 ]]
