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
