#!/usr/bin/env python3
"""Tests of scripts/install-action-binary.sh, the GitHub Action's release-binary install.

Offline: a local HTTP server on 127.0.0.1 stands in for GitHub's release downloads
(DRIFTCHECK_RELEASE_BASE_URL), serving a release directory the test writes: an archive
holding a stub `driftcheck`, SHA256SUMS and SOURCE_COMMIT, laid out as
.github/workflows/release.yml publishes them. Standard library only:

    python3 tests/action/test_install_binary.py
"""

import functools
import hashlib
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import unittest
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install-action-binary.sh"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER_COMMIT = "fedcba9876543210fedcba9876543210fedcba98"
LINUX = "x86_64-unknown-linux-musl"
STUB = b"#!/bin/sh\necho 'driftcheck 0.1.0'\n"


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if "forbidden" in self.path:
            self.send_error(403)
            return
        super().do_GET()


class ReleaseServer(unittest.TestCase):
    """A local release server, a fake action checkout, and the installer run against them."""

    @classmethod
    def setUpClass(cls):
        cls.served = Path(tempfile.mkdtemp(prefix="driftcheck-releases-"))
        handler = functools.partial(Handler, directory=str(cls.served))
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        shutil.rmtree(cls.served, ignore_errors=True)

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="driftcheck-install-binary-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        # Each test has its own release tree under the served directory.
        self.releases = self.served / self.id().rsplit(".", 1)[-1]
        self.releases.mkdir()
        self.addCleanup(shutil.rmtree, self.releases, ignore_errors=True)
        self.action = self.tmp / "action"
        self.action.mkdir()
        (self.action / "Cargo.toml").write_text(
            '[package]\nname = "driftcheck"\nversion = "0.1.0"\nedition = "2024"\n'
            '\n[dependencies]\nserde = { version = "1" }\n'
        )
        self.home = self.tmp / "home"
        self.home.mkdir()
        self.bin = self.home / ".driftcheck-action" / "bin" / "driftcheck"

    def release(self, tag="v0.1.0", targets=(LINUX,), commit=COMMIT, sums=True):
        """Writes a release the way release.yml does; returns its directory."""
        d = self.releases / tag
        d.mkdir(parents=True)
        lines = []
        for target in targets:
            top = f"driftcheck-{tag}-{target}"
            if "windows" in target:
                name = f"{top}.zip"
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w") as z:
                    info = zipfile.ZipInfo(f"{top}/driftcheck.exe")
                    info.external_attr = 0o755 << 16
                    z.writestr(info, STUB)
                    z.writestr(f"{top}/README.md", "readme\n")
                data = buf.getvalue()
            else:
                name = f"{top}.tar.gz"
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode="w:gz") as t:
                    for member, body, mode in ((f"{top}/driftcheck", STUB, 0o755),
                                               (f"{top}/README.md", b"readme\n", 0o644)):
                        info = tarfile.TarInfo(member)
                        info.size = len(body)
                        info.mode = mode
                        t.addfile(info, io.BytesIO(body))
                data = buf.getvalue()
            (d / name).write_bytes(data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
        if sums:
            (d / "SHA256SUMS").write_text("".join(lines))
        if commit:
            (d / "SOURCE_COMMIT").write_text(commit + "\n")
        return d

    def run_install(self, **env):
        output = self.tmp / "github_output"
        output.write_text("")
        full = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "LC_ALL": "C",
            "GITHUB_ACTION_PATH": str(self.action),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "RUNNER_TEMP": str(self.tmp),
            "ACTION_REPOSITORY": "example/driftcheck",
            "ACTION_REF": "v0.1.0",
            "DRIFTCHECK_BIN": str(self.bin),
            "DRIFTCHECK_RELEASE_BASE_URL": f"{self.base}/{self.releases.name}",
        }
        full.update(env)
        p = subprocess.run(["bash", str(SCRIPT)], env=full, capture_output=True, text=True,
                           timeout=120)
        outs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return p, outs

    def assertInstalled(self, p, outs, exe="driftcheck"):
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(outs.get("installed"), "true", p.stdout + p.stderr)
        dest = self.bin.parent / exe
        self.assertEqual(outs.get("bin"), str(dest))
        self.assertTrue(os.access(dest, os.X_OK))
        self.assertIn("SHA-256 verified", p.stdout)
        self.assertIn("installed driftcheck 0.1.0", p.stdout)

    def assertFellBack(self, p, outs, why):
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(outs, {"installed": "false"})
        self.assertIn("falling back to cargo install --locked", p.stdout)
        self.assertIn(why, p.stdout)
        self.assertFalse(self.bin.exists())

    def assertRefused(self, p, outs, why):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("::error title=driftcheck install::", p.stdout)
        self.assertIn(why, p.stdout)
        self.assertNotIn("falling back to cargo", p.stdout)
        self.assertNotIn("installed", outs)
        self.assertFalse(self.bin.exists())


class ReleaseInstall(ReleaseServer):
    # -- a matching release installs --------------------------------------------

    def test_good_checksum_installs_the_release_of_the_tag_ref(self):
        self.release()
        p, outs = self.run_install()
        self.assertInstalled(p, outs)
        run = subprocess.run([str(self.bin), "--version"], capture_output=True, text=True)
        self.assertEqual(run.stdout.strip(), "driftcheck 0.1.0")

    def test_commit_sha_ref_installs_the_release_built_from_that_commit(self):
        self.release()
        p, outs = self.run_install(ACTION_REF=COMMIT)
        self.assertInstalled(p, outs)

    def test_version_input_names_another_release(self):
        self.release(tag="v0.2.0")
        p, outs = self.run_install(ACTION_REF=COMMIT, INPUT_VERSION="v0.2.0")
        self.assertInstalled(p, outs)
        self.assertIn("/v0.2.0/driftcheck-v0.2.0-x86_64-unknown-linux-musl.tar.gz", p.stdout)

    def test_each_runner_platform_gets_its_target(self):
        targets = {
            ("Linux", "ARM64"): "aarch64-unknown-linux-musl",
            ("macOS", "ARM64"): "aarch64-apple-darwin",
            ("macOS", "X64"): "x86_64-apple-darwin",
        }
        self.release(targets=tuple(targets.values()))
        for (os_name, arch), target in targets.items():
            with self.subTest(target=target):
                p, outs = self.run_install(RUNNER_OS=os_name, RUNNER_ARCH=arch)
                self.assertInstalled(p, outs)
                self.assertIn(f"driftcheck-v0.1.0-{target}.tar.gz", p.stdout)
                self.bin.unlink()

    def test_windows_gets_the_zip_and_driftcheck_exe(self):
        self.release(targets=("x86_64-pc-windows-msvc",))
        p, outs = self.run_install(RUNNER_OS="Windows", RUNNER_ARCH="X64")
        self.assertInstalled(p, outs, exe="driftcheck.exe")

    # -- a checksum mismatch fails, never falls back ----------------------------

    def test_tampered_checksum_fails(self):
        d = self.release()
        sums = (d / "SHA256SUMS").read_text()
        digest = sums.split()[0]
        tampered = ("0" if digest[0] != "0" else "1") + digest[1:]
        (d / "SHA256SUMS").write_text(sums.replace(digest, tampered))
        p, outs = self.run_install()
        self.assertRefused(p, outs, "SHA-256 mismatch")
        self.assertIn(f"expected {tampered}, got {digest}", p.stdout)

    def test_tampered_asset_fails(self):
        d = self.release()
        asset = d / f"driftcheck-v0.1.0-{LINUX}.tar.gz"
        asset.write_bytes(asset.read_bytes() + b"\0")
        p, outs = self.run_install()
        self.assertRefused(p, outs, "SHA-256 mismatch")

    def test_malformed_checksum_line_fails(self):
        d = self.release()
        (d / "SHA256SUMS").write_text(f"not-a-digest  driftcheck-v0.1.0-{LINUX}.tar.gz\n")
        p, outs = self.run_install()
        self.assertRefused(p, outs, "malformed")

    def test_a_download_error_other_than_not_found_fails(self):
        self.release()
        p, outs = self.run_install(
            DRIFTCHECK_RELEASE_BASE_URL=f"{self.base}/forbidden/{self.releases.name}")
        self.assertRefused(p, outs, "HTTP 403")

    # -- no matching binary: fall back to cargo install, and say so -------------

    def test_missing_asset_falls_back(self):
        self.release(targets=("aarch64-apple-darwin",))
        p, outs = self.run_install()
        self.assertFellBack(p, outs, f"lists no driftcheck-v0.1.0-{LINUX}.tar.gz")

    def test_asset_listed_but_absent_falls_back(self):
        d = self.release()
        (d / f"driftcheck-v0.1.0-{LINUX}.tar.gz").unlink()
        p, outs = self.run_install()
        self.assertFellBack(p, outs, "not found")

    def test_no_release_for_the_tag_falls_back(self):
        p, outs = self.run_install()
        self.assertFellBack(p, outs, "release v0.1.0 has no SHA256SUMS")

    def test_commit_sha_ref_of_another_commit_falls_back(self):
        self.release()
        p, outs = self.run_install(ACTION_REF=OTHER_COMMIT)
        self.assertFellBack(p, outs, f"built from {COMMIT}, and the action is pinned at "
                                     f"{OTHER_COMMIT}")

    def test_tag_ref_that_is_not_this_source_falls_back(self):
        # actions/runner#2473: a nested action can see the outer action's ref.
        self.release(tag="v9.9.9")
        p, outs = self.run_install(ACTION_REF="v9.9.9")
        self.assertFellBack(p, outs, "Cargo.toml says version 0.1.0")

    def test_branch_ref_or_local_action_falls_back_without_downloading(self):
        unreachable = "http://127.0.0.1:9/nothing-listens-here"
        for env in ({"ACTION_REF": "main"}, {"ACTION_REF": ""},
                    {"ACTION_REF": "", "ACTION_REPOSITORY": ""}):
            with self.subTest(env=env):
                p, outs = self.run_install(DRIFTCHECK_RELEASE_BASE_URL=unreachable, **env)
                self.assertFellBack(p, outs, "neither a release tag nor a commit SHA")

    def test_version_input_that_is_a_commit_is_built(self):
        p, outs = self.run_install(INPUT_VERSION=OTHER_COMMIT)
        self.assertFellBack(p, outs, "is not a release tag")

    def test_values_from_the_workflow_cannot_inject_workflow_commands(self):
        for env in ({"INPUT_VERSION": "v1\n::error::injected"},
                    {"ACTION_REF": "main\n::error::injected"},
                    {"DRIFTCHECK_RELEASE_BASE_URL": "",
                     "ACTION_REPOSITORY": "x\n::error::injected"},
                    {"RUNNER_ARCH": "X\n::error::injected"}):
            with self.subTest(env=env):
                p, outs = self.run_install(**env)
                self.assertEqual(outs, {"installed": "false"}, p.stdout)
                self.assertIn("???error??injected", p.stdout)
                for line in p.stdout.splitlines():
                    self.assertFalse(line.startswith("::error::injected"), p.stdout)

    def test_unsupported_platform_falls_back(self):
        self.release()
        for os_name, arch in (("Windows", "ARM64"), ("Linux", "ARM"), ("FreeBSD", "X64")):
            with self.subTest(platform=(os_name, arch)):
                p, outs = self.run_install(RUNNER_OS=os_name, RUNNER_ARCH=arch)
                self.assertFellBack(p, outs, "releases have no binary for")

    def test_default_base_url_is_the_repository_releases(self):
        # Without the override the URL is <server>/<repository>/releases/download; an
        # unreachable server is a download error (exit 2), never a fallback.
        p, outs = self.run_install(DRIFTCHECK_RELEASE_BASE_URL="",
                                   GITHUB_SERVER_URL="http://127.0.0.1:9")
        self.assertRefused(
            p, outs, "http://127.0.0.1:9/example/driftcheck/releases/download/v0.1.0/SHA256SUMS")


def yaml_or_none():
    try:
        import yaml  # noqa: PLC0415
    except ImportError:
        return None
    return yaml


@unittest.skipIf(yaml_or_none() is None, "PyYAML is not installed (tests/action/run.sh has it)")
class ReleaseContract(ReleaseServer):
    """release.yml's own archive and checksum steps, run here with stub binaries and stub
    `file` and `7z`, produce a release that install-action-binary.sh accepts on every
    platform of the matrix."""

    def step(self, job, name):
        workflow = yaml_or_none().safe_load(
            (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
        steps = [s for s in workflow["jobs"][job]["steps"] if s.get("name") == name]
        self.assertEqual(len(steps), 1, f"{job}: no single step named {name!r}")
        return steps[0]["run"], workflow["jobs"][job]

    def bash(self, script, cwd, **env):
        tools = self.tmp / "tools"
        tools.mkdir(exist_ok=True)
        (tools / "file").write_text('#!/bin/sh\necho "$1: ELF 64-bit LSB pie executable, static-pie linked"\n')
        (tools / "7z").write_text(
            "#!/bin/sh\n# 7z a -tzip OUT DIR\n"
            f"exec {sys.executable} -c 'import shutil,sys; shutil.make_archive(sys.argv[1][:-4], \"zip\", \".\", sys.argv[2])' \"$3\" \"$4\"\n")
        for tool in tools.iterdir():
            tool.chmod(0o755)
        full = {"PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
                "HOME": str(self.home), "LC_ALL": "C", **env}
        p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                           cwd=cwd, env=full, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p

    def test_release_workflow_output_installs_on_every_platform(self):
        archive, build = self.step("build", "Archive the binary")
        sums, _ = self.step("github-release", "SOURCE_COMMIT and SHA256SUMS")
        tag = "v0.1.0"
        work = self.tmp / "checkout"
        (work / "dist").mkdir(parents=True)
        (work / "README.md").write_text("readme\n")
        targets = [m["target"] for m in build["strategy"]["matrix"]["include"]]
        self.assertEqual(len(targets), 5)
        for target in targets:
            exe = "driftcheck.exe" if "windows" in target else "driftcheck"
            binary = work / "target" / target / "release" / exe
            binary.parent.mkdir(parents=True)
            binary.write_bytes(STUB)
            binary.chmod(0o755)
            (work / "dist" / f"driftcheck-0.1.0-py3-none-{target}.whl").write_bytes(b"wheel")
            self.bash(archive, work, TARGET=target, TAG=tag, RUNS="true")
        self.bash(sums, work, TAG=tag, GITHUB_SHA=COMMIT)
        shutil.copytree(work / "dist", self.releases / tag)
        listed = (self.releases / tag / "SHA256SUMS").read_text()
        self.assertEqual(len(listed.splitlines()), 11, listed)
        platforms = {
            "x86_64-unknown-linux-musl": ("Linux", "X64"),
            "aarch64-unknown-linux-musl": ("Linux", "ARM64"),
            "aarch64-apple-darwin": ("macOS", "ARM64"),
            "x86_64-apple-darwin": ("macOS", "X64"),
            "x86_64-pc-windows-msvc": ("Windows", "X64"),
        }
        self.assertEqual(set(targets), set(platforms))
        for target, (os_name, arch) in platforms.items():
            with self.subTest(target=target):
                for ref in (tag, COMMIT):
                    p, outs = self.run_install(RUNNER_OS=os_name, RUNNER_ARCH=arch, ACTION_REF=ref)
                    exe = "driftcheck.exe" if os_name == "Windows" else "driftcheck"
                    self.assertInstalled(p, outs, exe=exe)
                    (self.bin.parent / exe).unlink()

    def test_release_refuses_a_tag_that_is_not_the_crate_version(self):
        script, _ = self.step("check", "The tag is v<Cargo.toml version>, and the pre-commit "
                                       "placeholder pins that wheel")
        cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
        version = re.search(r'(?m)^version = "([^"]+)"$', cargo).group(1)
        self.bash(script, ROOT, TAG=f"v{version}", REF_TYPE="tag")
        # A dry run (workflow_dispatch on a branch) has no tag to check.
        self.bash(script, ROOT, TAG="main", REF_TYPE="branch")
        p = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=ROOT,
                           env={"PATH": os.environ.get("PATH", ""), "TAG": "v999.0.0",
                                "REF_TYPE": "tag"},
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"::error::tag v999.0.0 is not v{version}", p.stdout)
        # A placeholder that pins another wheel is refused too.
        work = self.tmp / "pin"
        work.mkdir()
        shutil.copy(ROOT / "Cargo.toml", work)
        placeholder = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        (work / "pyproject.toml").write_text(
            placeholder.replace(f'"driftcheck=={version}"', '"driftcheck==0.0.1"'))
        p = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=work,
                           env={"PATH": os.environ.get("PATH", ""), "TAG": f"v{version}",
                                "REF_TYPE": "tag"},
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"does not pin driftcheck=={version}", p.stdout)


class ActionWiring(unittest.TestCase):
    """action.yml: the release binary first; the cache and cargo only when none matched."""

    def test_steps_in_order_and_conditions(self):
        text = (ROOT / "action.yml").read_text(encoding="utf-8")
        steps = text.split("\n    - name: ")[1:]
        names = [s.splitlines()[0] for s in steps]
        self.assertEqual(len(names), 5, names)
        plan, release, cache, build, run = steps
        self.assertIn("action-install.sh\" plan", plan)
        self.assertIn("install-action-binary.sh", release)
        self.assertIn("id: release", release)
        self.assertIn("DRIFTCHECK_BIN: ${{ steps.plan.outputs.bin }}", release)
        self.assertNotIn("if:", release)
        self.assertIn("if: steps.release.outputs.installed != 'true'\n", cache)
        self.assertIn("if: steps.release.outputs.installed != 'true' && "
                      "steps.cache.outputs.cache-hit != 'true'\n", build)
        self.assertIn("action-install.sh\" install", build)
        self.assertIn("DRIFTCHECK_BIN: ${{ steps.plan.outputs.bin }}", run)


if __name__ == "__main__":
    unittest.main(verbosity=2)
