#!/usr/bin/env python3
"""Tests of the GitHub Action: scripts/action.sh, scripts/action-install.sh, action.yml
and .pre-commit-hooks.yaml.

Each test builds real git repositories with the git binary (hermetic: no system or user
config, fixed identities and dates), a fake event payload naming real commits, temporary
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and a stub `driftcheck` first on PATH that
records its argv and writes outputs the way the real one does. Standard library only:

    python3 tests/action/test_action.py
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACTION_SH = ROOT / "scripts" / "action.sh"
INSTALL_SH = ROOT / "scripts" / "action-install.sh"
ZERO = "0" * 40
AUTHORITY = "this CI check is the authority"

STUB = """#!{python}
# Stub driftcheck: records argv (and what it was given) and behaves as told by STUB_*.
import json, os, sys
with open(os.environ["STUB_LOG"], "a", encoding="utf-8") as f:
    f.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(),
                        "github_output": os.environ.get("GITHUB_OUTPUT")}}) + "\\n")
out = os.environ.get("GITHUB_OUTPUT")
lines = json.loads(os.environ.get("STUB_OUTPUTS", "[]"))
if out and lines:
    with open(out, "a", encoding="utf-8") as f:
        f.write("".join(line + "\\n" for line in lines))
summary = os.environ.get("GITHUB_STEP_SUMMARY")
if summary:
    with open(summary, "a", encoding="utf-8") as f:
        f.write("stub findings table\\n")
sys.stdout.write(os.environ.get("STUB_STDOUT", ""))
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""

PASS_OUTPUTS = ["digest=sha256:1f3c9a0b2d4e5f60", "approved=true", "errors=0"]


class Sandbox:
    """A temporary directory with a bare `origin`, a full clone `work`, a stub driftcheck."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.home = tmp / "home"
        self.home.mkdir()
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.log = tmp / "driftcheck-calls.jsonl"
        stub = self.bin / "driftcheck"
        stub.write_text(STUB.format(python=sys.executable), encoding="utf-8")
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        self.env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.home),
            "LC_ALL": "C",
            "TMPDIR": str(tmp),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(self.home / "gitconfig"),
            "GIT_AUTHOR_NAME": "Ada Author",
            "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_AUTHOR_DATE": "2024-01-02T03:04:05Z",
            "GIT_COMMITTER_NAME": "Ada Author",
            "GIT_COMMITTER_EMAIL": "ada@example.com",
            "GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z",
            "STUB_LOG": str(self.log),
        }
        (self.home / "gitconfig").write_text("", encoding="utf-8")
        self.origin = tmp / "origin.git"
        self.work = tmp / "work"
        self.git(tmp, "init", "-q", "--bare", "-b", "main", str(self.origin))
        self.git(tmp, "clone", "-q", str(self.origin), str(self.work))
        self.git(self.work, "checkout", "-q", "-b", "main")
        # main: c1 -> c2; feature (from c2): f1 -> f2.
        self.c1 = self.commit("deploy/prod/app.yaml", "replicas: 3\n", "c1")
        self.c2 = self.commit("deploy/staging/app.yaml", "replicas: 2\n", "c2")
        self.git(self.work, "checkout", "-q", "-b", "feature")
        self.f1 = self.commit("deploy/prod/app.yaml", "replicas: 2\n", "f1")
        self.f2 = self.commit("deploy/prod/db.yaml", "path: /data\n", "f2")
        self.git(self.work, "push", "-q", "origin", "main", "feature")
        # The synthetic merge commit GitHub checks out for a pull request (GITHUB_SHA).
        self.git(self.work, "checkout", "-q", "--detach", "main")
        self.git(self.work, "merge", "-q", "--no-ff", "-m", "Merge f2 into c2", "feature")
        self.merge = self.rev("HEAD")

    def git(self, cwd, *args) -> str:
        p = subprocess.run(
            ["git", *args], cwd=cwd, env=self.env, capture_output=True, text=True
        )
        if p.returncode != 0:
            raise AssertionError(f"git {args} failed: {p.stderr}")
        return p.stdout.strip()

    def rev(self, what: str, cwd=None) -> str:
        return self.git(cwd or self.work, "rev-parse", what)

    def commit(self, path: str, text: str, msg: str) -> str:
        f = self.work / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
        self.git(self.work, "add", path)
        self.git(self.work, "commit", "-q", "-m", msg)
        return self.rev("HEAD")

    def run_action(self, event_name, payload, cwd=None, script=ACTION_SH, args=(), **env):
        """Runs the script as the runner would; returns (process, outputs, summary, calls)."""
        event = self.tmp / "event.json"
        event.write_text(json.dumps(payload), encoding="utf-8")
        output = self.tmp / "github_output"
        summary = self.tmp / "step_summary"
        for f in (output, summary, self.log):
            f.write_text("", encoding="utf-8")
        full_env = dict(self.env)
        full_env.update(
            {
                "GITHUB_ACTIONS": "true",
                "GITHUB_EVENT_NAME": event_name,
                "GITHUB_EVENT_PATH": str(event),
                "GITHUB_SHA": self.merge,
                "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary),
            }
        )
        full_env.update(env)
        p = subprocess.run(
            ["bash", str(script), *args],
            cwd=cwd or self.work,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        calls = [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]
        return p, output.read_text(encoding="utf-8"), summary.read_text(encoding="utf-8"), calls


def outputs_of(text: str) -> dict:
    """GITHUB_OUTPUT as name -> list of values (simple `name=value` lines only)."""
    out: dict = {}
    for line in text.splitlines():
        if line:
            name, value = line.split("=", 1)
            out.setdefault(name, []).append(value)
    return out


class ActionTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.mkdtemp(prefix="driftcheck-action-test-")
        self.addCleanup(shutil.rmtree, self._tmp, ignore_errors=True)
        self.sb = Sandbox(Path(self._tmp))

    def pr_payload(self, base=None, head=None):
        return {
            "number": 7,
            "pull_request": {
                "number": 7,
                "base": {"ref": "main", "sha": base or self.sb.c2},
                "head": {"ref": "feature", "sha": head or self.sb.f2},
                "merge_commit_sha": self.sb.merge,
            },
            "repository": {"default_branch": "main"},
        }

    def assert_single_outputs(self, out_text, **expected):
        outs = outputs_of(out_text)
        for name in ("digest", "approved", "errors"):
            self.assertEqual(len(outs.get(name, [])), 1, f"{name} in {out_text!r}")
        for name, value in expected.items():
            self.assertEqual(outs[name], [value], out_text)

    def assert_fail_closed(self, p, out, calls, hint):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(calls, [], "driftcheck must not run")
        self.assertIn("::error", p.stdout)
        self.assertIn(hint, p.stdout)
        self.assert_single_outputs(out, digest="", approved="false", errors="unknown")


class EventRanges(ActionTestCase):
    def test_pull_request_uses_base_and_head_never_the_merge_commit(self):
        sb = self.sb
        p, out, summary, calls = sb.run_action(
            "pull_request", self.pr_payload(), STUB_OUTPUTS=json.dumps(PASS_OUTPUTS)
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(len(calls), 1)
        self.assertEqual(
            calls[0]["argv"], ["gate", "--base", sb.c2, "--head", sb.f2, "--format", "github"]
        )
        self.assertNotIn(sb.merge, calls[0]["argv"])
        # driftcheck writes to a private file, merged into the real one once.
        self.assertNotEqual(calls[0]["github_output"], str(sb.tmp / "github_output"))
        self.assert_single_outputs(
            out, digest="sha256:1f3c9a0b2d4e5f60", approved="true", errors="0"
        )
        self.assertIn("stub findings table", summary)
        self.assertIn("passed", summary)
        self.assertIn(f"`{sb.c2}` .. `{sb.f2}`", summary)
        self.assertIn("can be bypassed", summary)
        self.assertIn(AUTHORITY, summary)

    def test_pull_request_target_same_range(self):
        sb = self.sb
        p, out, _, calls = sb.run_action(
            "pull_request_target", self.pr_payload(), STUB_OUTPUTS=json.dumps(PASS_OUTPUTS)
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(
            calls[0]["argv"], ["gate", "--base", sb.c2, "--head", sb.f2, "--format", "github"]
        )

    def test_merge_group_and_refusal_passthrough(self):
        sb = self.sb
        # The merge queue's temporary branch: main + the pull request.
        sb.git(sb.work, "checkout", "-q", "-b", "gh-readonly-queue/main/pr-7", "main")
        sb.git(sb.work, "merge", "-q", "--no-ff", "-m", "queue", "feature")
        queue = sb.rev("HEAD")
        payload = {
            "merge_group": {
                "base_sha": sb.c2,
                "head_sha": queue,
                "base_ref": "refs/heads/main",
                "head_ref": "refs/heads/gh-readonly-queue/main/pr-7",
            },
            "repository": {"default_branch": "main"},
        }
        refused = ["digest=sha256:0123456789abcdef", "approved=false", "errors=3"]
        p, out, summary, calls = sb.run_action(
            "merge_group", payload, GITHUB_SHA=queue, STUB_EXIT="1",
            STUB_OUTPUTS=json.dumps(refused),
        )
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(
            calls[0]["argv"], ["gate", "--base", sb.c2, "--head", queue, "--format", "github"]
        )
        self.assert_single_outputs(
            out, digest="sha256:0123456789abcdef", approved="false", errors="3"
        )
        self.assertIn("refused (exit 1)", summary)
        self.assertIn(AUTHORITY, summary)

    def test_push_uses_before_and_after(self):
        sb = self.sb
        payload = {
            "ref": "refs/heads/main",
            "before": sb.c1,
            "after": sb.c2,
            "repository": {"default_branch": "main"},
        }
        p, out, _, calls = sb.run_action(
            "push", payload, GITHUB_SHA=sb.c2, STUB_OUTPUTS=json.dumps(PASS_OUTPUTS)
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(
            calls[0]["argv"], ["gate", "--base", sb.c1, "--head", sb.c2, "--format", "github"]
        )
        self.assert_single_outputs(out, approved="true")

    def new_branch_payload(self, ref="refs/heads/feature"):
        return {
            "ref": ref,
            "before": ZERO,
            "after": self.sb.f2,
            "created": True,
            "repository": {"default_branch": "main"},
        }

    def test_push_new_branch_compares_from_merge_base_with_default_branch(self):
        sb = self.sb
        p, _, summary, calls = sb.run_action(
            "push", self.new_branch_payload(), GITHUB_SHA=sb.f2,
            STUB_OUTPUTS=json.dumps(PASS_OUTPUTS),
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(
            calls[0]["argv"], ["gate", "--base", sb.c2, "--head", sb.f2, "--format", "github"]
        )
        self.assertIn("merge base with main", summary)

    def test_push_new_branch_fetches_the_default_branch_when_missing(self):
        sb = self.sb
        sb.git(sb.work, "update-ref", "-d", "refs/remotes/origin/main")
        p, _, _, calls = sb.run_action(
            "push", self.new_branch_payload(), GITHUB_SHA=sb.f2,
            STUB_OUTPUTS=json.dumps(PASS_OUTPUTS),
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(calls[0]["argv"][:5], ["gate", "--base", sb.c2, "--head", sb.f2])
        self.assertEqual(sb.rev("refs/remotes/origin/main"), sb.c2)

    def test_push_new_branch_without_a_reachable_default_branch_fails_closed(self):
        sb = self.sb
        sb.git(sb.work, "update-ref", "-d", "refs/remotes/origin/main")
        sb.git(sb.work, "remote", "remove", "origin")
        p, out, _, calls = sb.run_action("push", self.new_branch_payload(), GITHUB_SHA=sb.f2)
        self.assert_fail_closed(p, out, calls, "could not be fetched")

    def test_push_first_push_of_default_branch_fails_closed(self):
        sb = self.sb
        p, out, _, calls = sb.run_action(
            "push", self.new_branch_payload(ref="refs/heads/main"), GITHUB_SHA=sb.f2
        )
        self.assert_fail_closed(p, out, calls, "first push of the default branch")

    def test_push_deleting_a_branch_is_skipped(self):
        sb = self.sb
        payload = {"ref": "refs/heads/feature", "before": sb.f2, "after": ZERO,
                   "deleted": True, "repository": {"default_branch": "main"}}
        p, out, summary, calls = sb.run_action("push", payload)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(calls, [])
        self.assertIn("skipped", summary)
        self.assert_single_outputs(out, approved="false", errors="unknown")

    def test_workflow_dispatch_with_explicit_inputs(self):
        sb = self.sb
        p, out, summary, calls = sb.run_action(
            "workflow_dispatch", {"inputs": {}, "ref": "refs/heads/main"},
            INPUT_BASE=sb.c1, INPUT_HEAD="feature", STUB_OUTPUTS=json.dumps(PASS_OUTPUTS),
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Named revisions are resolved: driftcheck always gets commit ids.
        self.assertEqual(
            calls[0]["argv"], ["gate", "--base", sb.c1, "--head", sb.f2, "--format", "github"]
        )
        self.assertIn("base from input", summary)

    def test_workflow_dispatch_without_base_fails_closed(self):
        p, out, _, calls = self.sb.run_action("workflow_dispatch", {"inputs": {}})
        self.assert_fail_closed(p, out, calls, "no base revision")

    def test_explicit_inputs_override_the_event(self):
        sb = self.sb
        p, _, _, calls = sb.run_action(
            "pull_request", self.pr_payload(), INPUT_BASE=sb.c1, INPUT_HEAD=sb.f1
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(calls[0]["argv"][:5], ["gate", "--base", sb.c1, "--head", sb.f1])


class FailClosed(ActionTestCase):
    def test_shallow_clone(self):
        sb = self.sb
        # depth 1: base is missing; depth 3: base, head and their merge base are all
        # there, and only the shallow check stops the run.
        for depth in ("1", "3"):
            with self.subTest(depth=depth):
                shallow = sb.tmp / f"shallow{depth}"
                sb.git(sb.tmp, "clone", "-q", "--depth", depth, "--branch", "feature",
                       f"file://{sb.origin}", str(shallow))
                self.assertEqual(
                    sb.git(shallow, "rev-parse", "--is-shallow-repository"), "true"
                )
                p, out, summary, calls = sb.run_action(
                    "pull_request", self.pr_payload(), cwd=shallow
                )
                self.assert_fail_closed(p, out, calls, "shallow clone")
                self.assertIn("actions/checkout with fetch-depth: 0", p.stdout)
                self.assertIn("could not run", summary)
                self.assertIn(AUTHORITY, summary)

    def test_unreadable_event_payload(self):
        sb = self.sb
        p, out, _, calls = sb.run_action("pull_request", {})
        self.assert_fail_closed(p, out, calls, "no head revision")
        (sb.tmp / "broken.json").write_text("{not json", encoding="utf-8")
        p, out, _, calls = sb.run_action(
            "pull_request", {}, GITHUB_EVENT_PATH=str(sb.tmp / "broken.json")
        )
        self.assert_fail_closed(p, out, calls, "cannot read pull_request.base.sha")

    def test_unknown_base_sha(self):
        p, out, _, calls = self.sb.run_action(
            "pull_request", self.pr_payload(base="deadbeef" * 5)
        )
        self.assert_fail_closed(p, out, calls, "is not a commit in this repository")

    def test_unknown_head_sha(self):
        p, out, _, calls = self.sb.run_action(
            "merge_group", {"merge_group": {"base_sha": self.sb.c2, "head_sha": "ab" * 20}}
        )
        self.assert_fail_closed(p, out, calls, "fetch-depth: 0")

    def test_option_like_revision_is_refused(self):
        p, out, _, calls = self.sb.run_action(
            "workflow_dispatch", {}, INPUT_BASE="--output=/tmp/x", INPUT_HEAD=self.sb.f2
        )
        self.assert_fail_closed(p, out, calls, "starts with '-'")

    def test_not_a_git_checkout(self):
        empty = self.sb.tmp / "empty"
        empty.mkdir()
        p, out, _, calls = self.sb.run_action("pull_request", self.pr_payload(), cwd=empty)
        self.assert_fail_closed(p, out, calls, "not a git checkout")

    def test_unknown_command_and_format(self):
        p, out, _, calls = self.sb.run_action("pull_request", self.pr_payload(),
                                              INPUT_COMMAND="approve")
        self.assert_fail_closed(p, out, calls, "unknown command")
        p, out, _, calls = self.sb.run_action("pull_request", self.pr_payload(),
                                              INPUT_FORMAT="xml")
        self.assert_fail_closed(p, out, calls, "unknown format")

    def test_error_message_cannot_inject_workflow_commands(self):
        p, _, _, _ = self.sb.run_action(
            "workflow_dispatch", {}, INPUT_BASE="x\n::add-mask::y", INPUT_HEAD=self.sb.f2
        )
        self.assertEqual(p.returncode, 2)
        self.assertFalse(any(line.startswith("::add-mask") for line in p.stdout.splitlines()))
        self.assertIn("%0A::add-mask::y", p.stdout)


class Outputs(ActionTestCase):
    def test_driftcheck_failing_before_writing_outputs(self):
        p, out, summary, calls = self.sb.run_action(
            "pull_request", self.pr_payload(), STUB_EXIT="2"
        )
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(calls), 1)
        self.assert_single_outputs(out, digest="", approved="false", errors="unknown")
        self.assertIn("could not do its job (exit 2)", summary)

    def test_partial_outputs_are_completed_not_duplicated(self):
        p, out, _, _ = self.sb.run_action(
            "pull_request", self.pr_payload(), STUB_EXIT="1",
            STUB_OUTPUTS=json.dumps(["digest=sha256:aaaaaaaaaaaaaaaa", "other=1"]),
        )
        self.assertEqual(p.returncode, 1)
        self.assert_single_outputs(
            out, digest="sha256:aaaaaaaaaaaaaaaa", approved="false", errors="unknown"
        )
        self.assertEqual(outputs_of(out)["other"], ["1"])

    def test_approved_true_with_a_failing_exit_is_recorded_false(self):
        p, out, _, _ = self.sb.run_action(
            "pull_request", self.pr_payload(), STUB_EXIT="1",
            STUB_OUTPUTS=json.dumps(PASS_OUTPUTS),
        )
        self.assertEqual(p.returncode, 1)
        self.assert_single_outputs(out, approved="false", errors="0")
        self.assertIn("::warning", p.stdout)

    def test_multiline_outputs_pass_through(self):
        lines = PASS_OUTPUTS + ["table<<EOF_1", "| a |", "approved=true", "EOF_1"]
        p, out, _, _ = self.sb.run_action(
            "pull_request", self.pr_payload(), STUB_OUTPUTS=json.dumps(lines)
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("table<<EOF_1\n| a |\napproved=true\nEOF_1\n", out)
        self.assertEqual(out.count("approved="), 2)  # one output, one line inside `table`
        self.assertIn("approved=true\n", out.split("table<<")[0])

    def test_other_exit_codes_pass_through(self):
        p, out, _, _ = self.sb.run_action("pull_request", self.pr_payload(), STUB_EXIT="101")
        self.assertEqual(p.returncode, 101)
        self.assert_single_outputs(out, approved="false", errors="unknown")


class Commands(ActionTestCase):
    def test_args_are_split_literally(self):
        sb = self.sb
        args = "-C  deploy\n--strict\t'$(touch pwned)' * ${HOME}"
        p, _, _, calls = sb.run_action("pull_request", self.pr_payload(), INPUT_ARGS=args)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(
            calls[0]["argv"][7:],
            ["-C", "deploy", "--strict", "'$(touch", "pwned)'", "*", "${HOME}"],
        )
        self.assertFalse((sb.work / "pwned").exists())
        self.assertFalse((sb.tmp / "pwned").exists())

    def test_check_needs_no_range_and_no_history(self):
        sb = self.sb
        shallow = sb.tmp / "shallow"
        sb.git(sb.tmp, "clone", "-q", "--depth", "1", f"file://{sb.origin}", str(shallow))
        p, out, summary, calls = sb.run_action(
            "pull_request", self.pr_payload(), cwd=shallow, INPUT_COMMAND="check",
            INPUT_ARGS="--strict",
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(calls[0]["argv"], ["check", "--format", "github", "--strict"])
        self.assert_single_outputs(out)
        self.assertIn(AUTHORITY, summary)

    def test_audit_gets_a_range(self):
        sb = self.sb
        payload = {"ref": "refs/heads/main", "before": sb.c1, "after": sb.c2}
        p, _, _, calls = sb.run_action("push", payload, INPUT_COMMAND="audit",
                                       INPUT_FORMAT="json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(calls[0]["argv"], ["audit", f"{sb.c1}..{sb.c2}", "--format", "json"])

    def test_workflow_commands_are_off_outside_github_format(self):
        p, _, _, _ = self.sb.run_action(
            "pull_request", self.pr_payload(), INPUT_FORMAT="human",
            STUB_STDOUT="commit message line\n::error::forged by a commit message\n",
        )
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        m = re.search(r"^::stop-commands::([0-9a-f]{32})$", p.stdout, re.M)
        self.assertIsNotNone(m, p.stdout)
        token = m.group(1)
        before, rest = p.stdout.split(f"::stop-commands::{token}\n", 1)
        self.assertNotIn("forged", before)
        self.assertIn("::error::forged", rest.split(f"::{token}::")[0])
        self.assertIn(f"\n::{token}::\n", p.stdout)

    def test_github_format_leaves_workflow_commands_on(self):
        p, _, _, _ = self.sb.run_action(
            "pull_request", self.pr_payload(), STUB_STDOUT="::error file=a.yaml::x\n"
        )
        self.assertNotIn("stop-commands", p.stdout)

    def test_missing_driftcheck_binary(self):
        p, out, _, calls = self.sb.run_action(
            "pull_request", self.pr_payload(), DRIFTCHECK_BIN=str(self.sb.tmp / "nope")
        )
        self.assert_fail_closed(p, out, calls, "not found")


class Install(unittest.TestCase):
    """scripts/action-install.sh with stub cargo and rustup."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="driftcheck-install-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.action = self.tmp / "action"
        (self.action / "src").mkdir(parents=True)
        (self.action / "Cargo.toml").write_text("[package]\nname='driftcheck'\n")
        (self.action / "src" / "main.rs").write_text("fn main() {}\n")
        (self.action / "target").mkdir()
        (self.action / "target" / "junk").write_text("ignored")
        self.bin = self.tmp / "bin"
        self.bin.mkdir()
        self.log = self.tmp / "calls.log"
        for tool in ("cargo", "rustup"):
            stub = self.bin / tool
            stub.write_text(textwrap.dedent(f"""\
                #!/usr/bin/env bash
                printf '%s' {tool} >>"{self.log}"
                printf ' %s' "$@" >>"{self.log}"
                echo >>"{self.log}"
                if [[ {tool} == cargo ]]; then
                  while [[ $# -gt 0 ]]; do
                    if [[ $1 == --root ]]; then mkdir -p "$2/bin"; : >"$2/bin/driftcheck"; chmod +x "$2/bin/driftcheck"; fi
                    shift
                  done
                fi
                """))
            stub.chmod(0o755)
        self.home = self.tmp / "home"
        self.home.mkdir()

    def run_install(self, mode, **env):
        output = self.tmp / "out"
        output.write_text("")
        full = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.home),
            "GITHUB_ACTION_PATH": str(self.action),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "RUNNER_TEMP": str(self.tmp),
            "ACTION_REPOSITORY": "example/driftcheck",
            "ACTION_REF": "0123456789abcdef0123456789abcdef01234567",
        }
        full.update(env)
        p = subprocess.run(["bash", str(INSTALL_SH), mode], env=full, capture_output=True,
                           text=True, timeout=60)
        return p, outputs_of(output.read_text())

    def test_plan_key_follows_the_source_content(self):
        p, outs = self.run_install("plan")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        key = outs["key"][0]
        self.assertRegex(key, r"^driftcheck-bin-v1-Linux-X64-path-[0-9a-f]{32}$")
        self.assertEqual(outs["bin"], [f"{self.home}/.driftcheck-action/bin/driftcheck"])
        # target/ does not count; the source does.
        (self.action / "target" / "junk").write_text("changed")
        self.assertEqual(self.run_install("plan")[1]["key"], [key])
        (self.action / "src" / "main.rs").write_text("fn main() { }\n")
        self.assertNotEqual(self.run_install("plan")[1]["key"], [key])

    def test_install_builds_the_action_source_locked(self):
        p, _ = self.run_install("install")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        calls = self.log.read_text().splitlines()
        self.assertIn("rustup toolchain install stable --profile minimal --no-self-update", calls)
        root = f"{self.home}/.driftcheck-action"
        self.assertIn(
            f"cargo +stable install --locked --force --root {root} --path {self.action}", calls
        )

    def test_version_builds_that_revision_from_the_action_repository(self):
        p, outs = self.run_install("plan", INPUT_VERSION="v1.2.3")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(outs["key"][0], r"-git-[0-9a-f]{32}$")
        p, _ = self.run_install("install", INPUT_VERSION="v1.2.3")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        root = f"{self.home}/.driftcheck-action"
        self.assertIn(
            f"cargo +stable install --locked --force --root {root} "
            "--git https://github.com/example/driftcheck --rev v1.2.3 driftcheck",
            self.log.read_text().splitlines(),
        )

    def test_version_without_repository_fails_closed(self):
        p, _ = self.run_install("plan", INPUT_VERSION="v1.2.3", ACTION_REPOSITORY="",
                                ACTION_REF="")
        self.assertEqual(p.returncode, 2)
        self.assertIn("::error", p.stdout)
        p, _ = self.run_install("plan", INPUT_VERSION="v1;rm -rf /")
        self.assertEqual(p.returncode, 2)
        p, _ = self.run_install("plan", INPUT_VERSION="v1\n::warning::injected")
        self.assertEqual(p.returncode, 2)
        self.assertNotIn("\n::warning::injected", p.stdout)


def run_blocks(text: str):
    """(line number, body) of every `run:` in a YAML file, without a YAML library:
    the value on the `run:` line plus every following line indented deeper than it."""
    lines = text.splitlines()
    blocks = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)(?:-\s+)?run:\s*(.*)$", line)
        if not m:
            continue
        indent = len(line) - len(line.lstrip(" -"))
        body = [m.group(2)]
        for nxt in lines[i + 1 :]:
            if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                break
            body.append(nxt)
        blocks.append((i + 1, "\n".join(body)))
    return blocks


def yaml_or_none():
    try:
        import yaml  # noqa: PLC0415
    except ImportError:
        return None
    return yaml


class Metadata(unittest.TestCase):
    def test_no_template_expression_in_any_run(self):
        files = [ROOT / "action.yml", *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]
        for path in files:
            text = path.read_text(encoding="utf-8")
            blocks = run_blocks(text)
            self.assertTrue(blocks, f"{path}: no run: found")
            for line, body in blocks:
                self.assertNotIn("${{", body, f"{path}:{line}: template expression in run:")
            yaml = yaml_or_none()
            if yaml is not None:
                def walk(node):
                    if isinstance(node, dict):
                        for k, v in node.items():
                            if k == "run":
                                self.assertNotIn("${{", str(v), f"{path}: run: {v!r}")
                            walk(v)
                    elif isinstance(node, list):
                        for v in node:
                            walk(v)
                walk(yaml.safe_load(text))

    def test_action_inputs_reach_the_shell_through_env_only(self):
        text = (ROOT / "action.yml").read_text(encoding="utf-8")
        for name in ("command", "base", "head", "args", "version", "format"):
            self.assertRegex(text, rf"(?m)^\s+{name}:\n\s+description:")
            self.assertRegex(text, rf"(?m)^\s+INPUT_[A-Z]+: \$\{{\{{ inputs\.{name} \}}\}}$")
        for m in re.finditer(r"\$\{\{[^}]*inputs\.", text):
            line = text[: m.start()].rsplit("\n", 1)[-1]
            self.assertRegex(line, r"^\s+INPUT_[A-Z]+: $", "inputs used outside env:")

    def test_remote_actions_are_pinned_by_full_sha(self):
        files = [ROOT / "action.yml", *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]
        for path in files:
            for m in re.finditer(r"(?m)^\s*(?:-\s+)?uses:\s*(\S+)", path.read_text()):
                ref = m.group(1)
                if ref.startswith("./") or path.name == "ci.yml":
                    continue
                self.assertRegex(ref, r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$", f"{path}: {ref}")

    def test_action_declares_outputs_and_branding(self):
        text = (ROOT / "action.yml").read_text(encoding="utf-8")
        for name in ("digest", "approved", "errors"):
            self.assertIn(f"value: ${{{{ steps.run.outputs.{name} }}}}", text)
        self.assertRegex(text, r"(?m)^branding:\n  icon: \S+\n  color: \S+")
        self.assertRegex(text, r"(?m)^  using: composite$")

    def test_pre_commit_hooks(self):
        text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
        hooks = {}
        current = None
        for line in text.splitlines():
            m = re.match(r"^- id: (\S+)$", line)
            if m:
                current = hooks.setdefault(m.group(1), {})
                continue
            m = re.match(r"^  (\w+): (.*)$", line)
            if m and current is not None:
                current[m.group(1)] = m.group(2)
        expect = {
            "driftcheck-check": ("driftcheck check --staged", "[pre-commit]"),
            "driftcheck-commit-msg": ("driftcheck gate --message-file", "[commit-msg]"),
            "driftcheck-gate": ("driftcheck gate --pre-push", "[pre-push]"),
        }
        # The ids users already have install the wheel; `-src` builds from source.
        self.assertEqual(set(hooks), set(expect) | {f"{i}-src" for i in expect})
        for hook_id, (entry, stages) in expect.items():
            for variant, language in ((hook_id, "python"), (f"{hook_id}-src", "rust")):
                hook = hooks[variant]
                self.assertEqual(hook["language"], language, variant)
                self.assertEqual(hook["entry"], entry)
                self.assertEqual(hook["stages"], stages)
                self.assertEqual(hook["minimum_pre_commit_version"], '"3.2.0"')
                self.assertEqual(hook["always_run"], "true")
                self.assertEqual(hook["name"], hooks[hook_id]["name"])
        for variant in ("", "-src"):
            self.assertEqual(hooks[f"driftcheck-check{variant}"]["pass_filenames"], "false")
            self.assertEqual(hooks[f"driftcheck-gate{variant}"]["pass_filenames"], "false")
            # commit-msg: pre-commit must pass the message file name.
            self.assertNotIn("pass_filenames", hooks[f"driftcheck-commit-msg{variant}"])
        yaml = yaml_or_none()
        if yaml is not None:
            parsed = {h["id"]: h for h in yaml.safe_load(text)}
            self.assertEqual(parsed["driftcheck-gate"]["stages"], ["pre-push"])

    def test_python_hooks_install_the_wheel_of_the_crate_version(self):
        """pre-commit `pip install .`s the root pyproject.toml: a placeholder that pins the
        driftcheck wheel at the crate's version; pypi/pyproject.toml builds that wheel."""
        cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
        version = re.search(r'(?m)^version = "([^"]+)"$', cargo).group(1)
        placeholder = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        self.assertIn(f'\n  "driftcheck=={version}",\n', placeholder)
        self.assertNotIn("maturin", placeholder.split("[build-system]", 1)[1])
        self.assertIn("requires = []", placeholder)
        wheel = (ROOT / "pypi" / "pyproject.toml").read_text(encoding="utf-8")
        self.assertIn('build-backend = "maturin"', wheel)
        self.assertIn('bindings = "bin"', wheel)
        self.assertIn('manifest-path = "../Cargo.toml"', wheel)
        self.assertIn('name = "driftcheck"', wheel)
        self.assertIn('dynamic = ["version"]', wheel)

    def test_placeholder_backend_writes_the_projects_metadata(self):
        """pypi/pre_commit_placeholder.py (no tomllib on Python 3.9) agrees with tomllib."""
        try:
            import tomllib  # noqa: PLC0415
        except ImportError:
            self.skipTest("tomllib needs Python 3.11")
        import zipfile  # noqa: PLC0415

        project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        with tempfile.TemporaryDirectory() as out:
            code = ("import sys; sys.path.insert(0, 'pypi'); import pre_commit_placeholder as b; "
                    "print(b.build_wheel(sys.argv[1])); print(b.build_sdist(sys.argv[1]))")
            p = subprocess.run([sys.executable, "-c", code, out], cwd=ROOT, capture_output=True,
                               text=True, check=True)
            wheel_name, sdist_name = p.stdout.split()
            self.assertEqual(wheel_name, "driftcheck_pre_commit-0.1.0-py3-none-any.whl".replace(
                "0.1.0", project["version"]))
            with zipfile.ZipFile(Path(out) / wheel_name) as whl:
                names = whl.namelist()
                info = wheel_name.split("-py3")[0] + ".dist-info"
                self.assertEqual(sorted(names), sorted(f"{info}/{n}" for n in
                                                       ("METADATA", "WHEEL", "RECORD")))
                metadata = whl.read(f"{info}/METADATA").decode()
            expect = [f"Name: {project['name']}", f"Version: {project['version']}",
                      f"Summary: {project['description']}",
                      f"Requires-Python: {project['requires-python']}",
                      *(f"Requires-Dist: {d}" for d in project["dependencies"])]
            self.assertEqual(metadata.splitlines()[1:], expect)
            self.assertTrue((Path(out) / sdist_name).is_file())


if __name__ == "__main__":
    unittest.main(verbosity=2)
