#!/usr/bin/env bash
# Builds driftcheck for the GitHub Action (action.yml) when no release binary matches
# (scripts/install-action-binary.sh installs one when it does): `cargo install --locked`,
# cached by actions/cache under a key that names exactly the source built.
#
#   action-install.sh plan      writes key=, root=, bin= to GITHUB_OUTPUT
#   action-install.sh install   builds into the planned root
#
# Inputs, through the environment only:
#   INPUT_VERSION      a git revision (commit SHA or tag) of the action's repository to
#                      build instead of the action's own source; empty = the action itself
#   ACTION_REPOSITORY  github.action_repository (owner/name; empty for `uses: ./`)
#   ACTION_REF         github.action_ref
#   GITHUB_ACTION_PATH the action's files (the runner sets it): the source built by default
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_SERVER_URL, HOME
#
# Which source: by default the action's own files at GITHUB_ACTION_PATH, which are the
# exact tree the workflow pinned (`uses: owner/driftcheck@SHA`) or, for `uses: ./`, the
# checkout. That avoids a second clone and does not depend on github.action_ref, which
# composite actions do not reliably provide (actions/runner#2473: empty, or the outer
# action's ref when nested). Only an explicit `version` builds another revision, with
# `cargo install --git <server>/<action repository> --rev <version>`.
set -euo pipefail

mode=${1:-}
version=${INPUT_VERSION:-}
repository=${ACTION_REPOSITORY:-}
ref=${ACTION_REF:-}
action_path=${GITHUB_ACTION_PATH:-}
server=${GITHUB_SERVER_URL:-https://github.com}
root="${HOME:?}/.driftcheck-action"
bin="$root/bin/driftcheck"

die() {
  printf '::error title=driftcheck install::%s\n' "$1"
  exit 2
}

# A value from the workflow, safe to print: no newline can start a workflow command.
shown() {
  local value=${1//[^A-Za-z0-9._\/+-]/?}
  printf '%s' "${value:0:80}"
}

[[ -n $action_path && -f $action_path/Cargo.toml ]] ||
  die "GITHUB_ACTION_PATH (${action_path:-unset}) holds no Cargo.toml: cannot build driftcheck."

# A version equal to the ref the action is pinned at is the action's own source.
source=path
if [[ -n $version && $version != "$ref" ]]; then
  [[ $version =~ ^[A-Za-z0-9][A-Za-z0-9._/-]*$ ]] ||
    die "version '$(shown "$version")' is not a plain git revision (commit SHA or tag)."
  [[ -n $repository ]] ||
    die "version '$version' needs the action's repository, and github.action_repository is empty here (a local \`uses: ./\` or nested action). Leave version empty to build the action's own source."
  [[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
    die "github.action_repository '$(shown "$repository")' is not owner/name."
  source=git
fi

case $mode in
  plan)
    if [[ $source == git ]]; then
      id=$(printf 'git %s/%s %s' "$server" "$repository" "$version" | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:32])')
    else
      # Content hash of everything the build could read (all files but .git and target/).
      id=$(python3 - "$action_path" <<'PY'
import hashlib
import os
import sys

root = sys.argv[1]
h = hashlib.sha256()
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if d not in (".git", "target"))
    for name in sorted(filenames):
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        if os.path.islink(path):
            data = b"link:" + os.readlink(path).encode()
        else:
            with open(path, "rb") as f:
                data = f.read()
        executable = os.access(path, os.X_OK)
        h.update(f"{rel}\0{int(executable)}\0{len(data)}\0".encode())
        h.update(data)
print(h.hexdigest()[:32])
PY
      )
    fi
    key="driftcheck-bin-v1-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-$source-$id"
    echo "driftcheck: cache key $key ($source build${version:+ of $version})"
    if [[ -n ${GITHUB_OUTPUT:-} ]]; then
      printf '%s\n' "key=$key" "root=$root" "bin=$bin" >>"$GITHUB_OUTPUT"
    fi
    ;;
  install)
    command -v cargo >/dev/null 2>&1 ||
      die "cargo not found. GitHub-hosted runners have it; on other runners set up Rust first (for instance dtolnay/rust-toolchain)."
    cargo=(cargo)
    # The crate needs a recent compiler (Cargo.toml rust-version); a runner image's
    # stable can lag behind, so make sure the current stable is there.
    if command -v rustup >/dev/null 2>&1; then
      rustup toolchain install stable --profile minimal --no-self-update
      cargo=(cargo +stable)
    fi
    export CARGO_TARGET_DIR="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/driftcheck-action-target"
    if [[ $source == git ]]; then
      "${cargo[@]}" install --locked --force --root "$root" \
        --git "$server/$repository" --rev "$version" driftcheck
    else
      "${cargo[@]}" install --locked --force --root "$root" --path "$action_path"
    fi
    [[ -x $bin ]] || die "cargo install finished but $bin is not there."
    ;;
  *)
    die "usage: action-install.sh plan|install"
    ;;
esac
