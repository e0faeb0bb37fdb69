//! A small harness: temp repositories of real files, and the built binary run
//! with a clean environment.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Everything the user saw, for snapshots and leak checks.
    pub fn all(&self) -> String {
        format!(
            "exit: {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run driftcheck in `dir` with `args`, no colour, a clean environment.
pub fn driftcheck(dir: &Path, args: &[&str]) -> Run {
    driftcheck_with_env(dir, args, &[])
}

/// [`driftcheck`] with `vars` added to its clean environment.
pub fn driftcheck_with_env(dir: &Path, args: &[&str], vars: &[(&str, &Path)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_driftcheck"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .envs(vars.iter().copied())
        .output()
        .expect("run driftcheck");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The repository root (for fixtures).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp directory with files written into it.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new(files: &[(&str, &str)]) -> Tree {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Tree { dir };
        for (p, c) in files {
            t.write(p, c);
        }
        t
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn write(&self, rel: &str, content: &str) {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    pub fn run(&self, args: &[&str]) -> Run {
        driftcheck(self.path(), args)
    }
}

/// Replace run-specific fingerprints so snapshots are stable.
pub fn stable(s: &str) -> String {
    let fp = regex::Regex::new(r"[0-9a-f]{12}").unwrap();
    let s = regex::Regex::new(r"fp=[0-9a-f]{12}")
        .unwrap()
        .replace_all(s, "fp=[FP]");
    let s = regex::Regex::new(r#""fingerprint": "[0-9a-f]{12}""#)
        .unwrap()
        .replace_all(&s, r#""fingerprint": "[FP]""#);
    let _ = fp;
    s.into_owned()
}

/// Parse JSON output.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.all()))
}

/// (rule, key) pairs of a JSON report's findings.
pub fn rules_and_keys(v: &serde_json::Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["key"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The first finding of `rule` in a JSON report.
pub fn first_finding<'a>(v: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {v}"))
}

/// Copy the directory tree `from` into `to` (which exists).
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

// --- peers and the shared corpus -------------------------------------------
//
// The rule: a test that needs something outside this repository (the shared
// corpus, or a real peer tool such as jsonnet, crossplane, python3, ssh-keygen
// or pre-commit) asks for it through `corpus` or `tool`. When it is missing
// the test prints `skipped: <why>` and returns, so a bare clone with only Rust
// passes `cargo test --locked`; with `DRIFTCHECK_REQUIRE_PEERS=1` (set by
// `.ci/run`) a missing peer is a failure instead, so CI never skips silently.

/// Whether a missing peer fails the test (`DRIFTCHECK_REQUIRE_PEERS=1`).
pub fn peers_required() -> bool {
    std::env::var_os("DRIFTCHECK_REQUIRE_PEERS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Report a skip: prints `skipped: why`, or fails when peers are required.
#[allow(clippy::print_stdout)] // the test harness shows skips on the test output
pub fn skip(why: &str) {
    assert!(
        !peers_required(),
        "DRIFTCHECK_REQUIRE_PEERS is set and this test would skip: {why}"
    );
    println!("skipped: {why}");
}

/// The shared corpus folder `sub` (e.g. `realworld/repos`), located as
/// `$DRIFTCHECK_CORPUS/sub` (default `../shared` beside the repository), or
/// `None` after reporting the skip.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let base = std::env::var_os("DRIFTCHECK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let dir = base.join(sub);
    if dir.exists() {
        Some(dir)
    } else {
        skip(&format!(
            "{} is missing (set DRIFTCHECK_CORPUS to the shared corpus)",
            dir.display()
        ));
        None
    }
}

/// Whether the external program `name` runs (`name probe_args...` starts), or
/// `false` after reporting the skip.
pub fn tool(name: &str, probe_args: &[&str]) -> bool {
    let ok = Command::new(name)
        .args(probe_args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !ok {
        skip(&format!("`{name}` is not installed"));
    }
    ok
}
