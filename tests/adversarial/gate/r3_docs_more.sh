#!/bin/bash
# Round 3, item 17: the docs say how to keep a pull request from replacing the check: rulesets
# pinning the workflow's source, CODEOWNERS on workflows and driftcheck.toml, pull_request vs
# pull_request_target.
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
has() { if grep -rqiE "$1" "$ROOT/README.md" "$ROOT/docs" 2>/dev/null; then echo "HELD  docs mention: $2 (exit 0)"; else echo "BUG   docs do not mention: $2"; fi; }
has 'ruleset' "rulesets requiring the check"
has 'CODEOWNERS' "CODEOWNERS"
has '\.github/workflows' "protecting .github/workflows"
has 'pull_request_target|workflow comes from the (PR|pull request)' "where a pull_request workflow comes from"
