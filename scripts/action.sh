#!/usr/bin/env bash
# Entry point of the driftcheck GitHub Action (action.yml runs it; tests/action/ tests it).
#
# Every input arrives through the environment, never through a `${{ }}` template:
#   INPUT_COMMAND   gate (default) | check | audit
#   INPUT_FORMAT    github (default) | human | json | sarif | markdown
#   INPUT_BASE      base revision; default from the event
#   INPUT_HEAD      head revision; default from the event
#   INPUT_ARGS      extra arguments, split on whitespace (no quoting, no expansion)
#   DRIFTCHECK_BIN  the driftcheck executable (default: `driftcheck` on PATH)
# and the runner's GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY.
#
# Range taken from the event (explicit inputs override):
#   pull_request, pull_request_target, pull_request_review(_comment):
#                 pull_request.base.sha .. pull_request.head.sha (never the merge commit GITHUB_SHA)
#   merge_group:  merge_group.base_sha .. merge_group.head_sha
#   push:         before .. after; a new branch (all-zero `before`) is compared from its
#                 merge base with the default branch, or the run fails closed
#   workflow_dispatch, schedule, repository_dispatch: `base` input required, head = GITHUB_SHA
#   anything else: `base` and `head` inputs required
#
# Exit code: driftcheck's own (0 pass, 1 refused, 2 could not do its job), or 2 when
# this script cannot give it a trustworthy range (shallow clone, unknown revision, bad
# input). Either way GITHUB_OUTPUT ends with exactly one digest, approved and errors.
set -euo pipefail

COMMAND=${INPUT_COMMAND:-gate}
FORMAT=${INPUT_FORMAT:-github}
BIN=${DRIFTCHECK_BIN:-driftcheck}
EVENT=${GITHUB_EVENT_NAME:-}
BASE=""
HEAD=""
RANGE_NOTE=""
# shellcheck disable=SC2016 # backticks are Markdown here
AUTHORITY_NOTE='Local hooks (pre-commit, commit-msg, pre-push) can be bypassed with `--no-verify`; this CI check is the authority. Make it a required status check on a protected branch.'

# Workflow-command data escaping, so no value can start a command of its own.
escape_data() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}

summary() {
  if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
  fi
}

# Outputs when driftcheck never ran: nothing is approved.
fallback_outputs() {
  if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    printf '%s\n' 'digest=' 'approved=false' 'errors=unknown' >>"$GITHUB_OUTPUT"
  fi
}

# Fail closed: exit 2 with the reason and the fix.
fail() {
  printf '::error title=driftcheck::%s\n' "$(escape_data "$1")"
  summary "### driftcheck \`$COMMAND\`: could not run" "" "$1" "" "> $AUTHORITY_NOTE"
  fallback_outputs
  exit 2
}

# event_get a.b.c: that field of the event payload, or nothing when absent.
event_get() {
  [[ -n ${GITHUB_EVENT_PATH:-} ]] || return 0
  python3 - "$GITHUB_EVENT_PATH" "$1" <<'PY'
import json
import sys

try:
    with open(sys.argv[1], encoding="utf-8") as f:
        value = json.load(f)
except (OSError, ValueError) as e:
    sys.exit(f"cannot read the event payload: {e}")
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
if value is None:
    sys.exit(0)
if isinstance(value, bool):
    value = "true" if value else "false"
if not isinstance(value, (str, int)) or "\n" in str(value) or "\r" in str(value):
    sys.exit(f"event field {sys.argv[2]} is not a one-line value")
print(value)
PY
}

# ev FIELD: sets EV to that field of the event payload (empty when absent); fails
# closed on an unreadable payload. (No command substitution around functions that
# can fail: their ::error line would be captured instead of shown.)
EV=""
ev() {
  EV=$(event_get "$1") ||
    fail "cannot read $1 from the $EVENT event payload (GITHUB_EVENT_PATH=${GITHUB_EVENT_PATH:-unset})."
}

is_zero_sha() { [[ $1 =~ ^0+$ ]]; }

# commit_of WHAT REV: sets COMMIT to the full commit id REV names here, or fails closed.
COMMIT=""
commit_of() {
  local what=$1 rev=$2
  [[ -n $rev ]] || fail "no $what revision for the $EVENT event. Pass it with the action's \`$what\` input."
  [[ $rev != -* ]] || fail "$what revision '$rev' starts with '-'; refusing it."
  COMMIT=$(git rev-parse --verify --quiet "$rev^{commit}" 2>/dev/null) ||
    fail "$what revision $rev is not a commit in this repository. Check out the full history (actions/checkout with fetch-depth: 0); under pull_request_target, fetch the pull request head as well."
}

# push with an all-zero `before` (a new branch or tag): BASE is the merge base with
# the default branch, fetched from origin if it is not there; otherwise fail closed.
new_ref_base() {
  local head=$1 ref default remote_ref
  ev ref
  ref=$EV
  ev repository.default_branch
  default=$EV
  if [[ -z $default ]] || ! git check-ref-format --branch "$default" >/dev/null 2>&1; then
    fail "push of a new ref ($ref) and the event names no usable default branch to compare it with. Pass the action's \`base\` input."
  fi
  if [[ $ref == "refs/heads/$default" ]]; then
    fail "first push of the default branch $default: there is no earlier state to compare it with. Pass the action's \`base\` input."
  fi
  remote_ref="refs/remotes/origin/$default"
  if ! git rev-parse --verify --quiet "$remote_ref^{commit}" >/dev/null; then
    git fetch --no-tags --quiet origin "+refs/heads/$default:$remote_ref" >/dev/null 2>&1 ||
      fail "push of a new ref ($ref): its base is its merge base with the default branch $default, which could not be fetched from origin. Use actions/checkout with fetch-depth: 0, or pass the action's \`base\` input."
  fi
  BASE=$(git merge-base "$remote_ref" "$head" 2>/dev/null) ||
    fail "push of a new ref ($ref): it shares no history with the default branch $default. Pass the action's \`base\` input."
  RANGE_NOTE="push of new ref $ref: base is its merge base with $default"
}

case $COMMAND in
  gate | check | audit) ;;
  *) fail "unknown command '$COMMAND': use gate, check or audit." ;;
esac
case $FORMAT in
  human | json | github | sarif | markdown) ;;
  *) fail "unknown format '$FORMAT': use github, human, json, sarif or markdown." ;;
esac
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the event payload and is not on PATH."
command -v "$BIN" >/dev/null 2>&1 || fail "driftcheck executable '$BIN' not found."

# Extra arguments: whitespace-separated words, taken literally (no globbing, no $(...)).
EXTRA=()
if [[ -n ${INPUT_ARGS:-} ]]; then
  read -r -d '' -a EXTRA <<<"$INPUT_ARGS" || true
fi

if [[ $COMMAND != check ]]; then
  git rev-parse --git-dir >/dev/null 2>&1 ||
    fail "$PWD is not a git checkout. Add actions/checkout with fetch-depth: 0 before driftcheck."
  if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
    fail "shallow clone: driftcheck needs the history between base and head and never passes on missing history. Use actions/checkout with fetch-depth: 0."
  fi

  base_in=${INPUT_BASE:-}
  head_in=${INPUT_HEAD:-}
  case $EVENT in
    pull_request | pull_request_target | pull_request_review | pull_request_review_comment)
      [[ -n $base_in ]] || { ev pull_request.base.sha; base_in=$EV; }
      [[ -n $head_in ]] || { ev pull_request.head.sha; head_in=$EV; }
      RANGE_NOTE="$EVENT: pull_request.base.sha .. pull_request.head.sha"
      ;;
    merge_group)
      [[ -n $base_in ]] || { ev merge_group.base_sha; base_in=$EV; }
      [[ -n $head_in ]] || { ev merge_group.head_sha; head_in=$EV; }
      RANGE_NOTE="merge_group: merge_group.base_sha .. merge_group.head_sha"
      ;;
    push)
      if [[ -z $head_in ]]; then
        ev after
        head_in=$EV
        if [[ -n $head_in ]] && is_zero_sha "$head_in"; then
          ev ref
          echo "::notice title=driftcheck::$(escape_data "the push deleted $EV: nothing to check.")"
          summary "### driftcheck \`$COMMAND\`: skipped" "" "The push deleted $EV; there is no change to check."
          fallback_outputs
          exit 0
        fi
      fi
      [[ -n $base_in ]] || { ev before; base_in=$EV; }
      RANGE_NOTE="push: before .. after"
      ;;
    workflow_dispatch | schedule | repository_dispatch)
      [[ -n $head_in ]] || head_in=${GITHUB_SHA:-}
      RANGE_NOTE="$EVENT: base input .. ${INPUT_HEAD:+head input}${INPUT_HEAD:-GITHUB_SHA}"
      ;;
    *)
      RANGE_NOTE="${EVENT:-no event}: base and head inputs"
      ;;
  esac
  [[ -z ${INPUT_BASE:-} ]] || RANGE_NOTE="$RANGE_NOTE; base from input"
  [[ -z ${INPUT_HEAD:-} ]] || RANGE_NOTE="$RANGE_NOTE; head from input"

  commit_of head "$head_in"
  HEAD=$COMMIT
  if [[ $EVENT == push && -z ${INPUT_BASE:-} ]] && is_zero_sha "${base_in:-x}"; then
    new_ref_base "$HEAD"
  else
    commit_of base "$base_in"
    BASE=$COMMIT
  fi
  git merge-base "$BASE" "$HEAD" >/dev/null 2>&1 ||
    fail "base $BASE and head $HEAD share no history here (no merge base). Use actions/checkout with fetch-depth: 0."
fi

ARGV=("$COMMAND")
case $COMMAND in
  gate) ARGV+=(--base "$BASE" --head "$HEAD") ;;
  audit) ARGV+=("$BASE..$HEAD") ;;
  check) ;;
esac
ARGV+=(--format "$FORMAT")
if ((${#EXTRA[@]})); then
  ARGV+=("${EXTRA[@]}")
fi

# driftcheck writes its outputs to a private file; they are merged below so each of
# digest, approved and errors appears exactly once.
outputs_tmp=""
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  outputs_tmp=$(mktemp)
  trap 'rm -f "$outputs_tmp"' EXIT
fi

# Outside `github` format, driftcheck's output may quote repository content (commit
# messages, file names): workflow commands are switched off around it.
stop_token=""
if [[ $FORMAT != github ]]; then
  stop_token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  echo "::stop-commands::$stop_token"
fi
set +e
if [[ -n $outputs_tmp ]]; then
  GITHUB_OUTPUT=$outputs_tmp "$BIN" "${ARGV[@]}"
else
  "$BIN" "${ARGV[@]}"
fi
rc=$?
set -e
if [[ -n $stop_token ]]; then
  echo "::$stop_token::"
fi

if [[ -n $outputs_tmp ]]; then
  python3 - "$outputs_tmp" "$GITHUB_OUTPUT" "$rc" <<'PY' || rc=2
import re
import sys

src, dst, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, encoding="utf-8", newline="") as f:
    lines = f.read().splitlines(keepends=True)
entries = []  # (name, value, raw text)
i = 0
ok = True
while i < len(lines):
    line = lines[i]
    body = line.rstrip("\r\n")
    if not body:
        i += 1
        continue
    m = re.match(r"([^=<]+)<<(.+)$", body)
    if m:
        name, delim = m.group(1), m.group(2)
        j = i + 1
        while j < len(lines) and lines[j].rstrip("\r\n") != delim:
            j += 1
        if j == len(lines):
            ok = False
            break
        value = "".join(lines[i + 1 : j]).rstrip("\r\n")
        entries.append((name, value, "".join(lines[i : j + 1])))
        i = j + 1
        continue
    if "=" not in body:
        ok = False
        break
    name, value = body.split("=", 1)
    entries.append((name, value, body + "\n"))
    i += 1
if not ok:
    print("::warning title=driftcheck::driftcheck wrote a malformed GITHUB_OUTPUT; its outputs are ignored")
    entries = []
out = []
seen = set()
for name, value, raw in entries:
    if name == "approved" and rc != 0 and value != "false":
        print(f"::warning title=driftcheck::driftcheck exited {rc} but wrote approved={value}; recorded approved=false")
        raw = "approved=false\n"
    seen.add(name)
    out.append(raw)
for name, default in (("digest", ""), ("approved", "false"), ("errors", "unknown")):
    if name not in seen:
        out.append(f"{name}={default}\n")
with open(dst, "a", encoding="utf-8", newline="") as f:
    f.write("".join(out))
PY
fi

case $rc in
  0) verdict="passed" ;;
  1) verdict="refused (exit 1)" ;;
  2) verdict="could not do its job (exit 2)" ;;
  *) verdict="failed (exit $rc)" ;;
esac
if [[ $COMMAND == check ]]; then
  summary "### driftcheck \`check\`: $verdict" ""
else
  summary "### driftcheck \`$COMMAND\`: $verdict" "" "Range: \`$BASE\` .. \`$HEAD\` ($RANGE_NOTE)." ""
fi
summary "> $AUTHORITY_NOTE"
exit "$rc"
