//! The change-review gate against the attack and edge-case catalogue of
//! `research/signoff-anchors.md` §6 (P: parsing, I: identity and forgery,
//! C: content binding and staleness, E: environment), plus two incident
//! replays (ClickHouse data path, storage tier).
//!
//! Every case builds a real repository with the `git` binary in a clean
//! environment (no system config, an empty global config, a private HOME,
//! fixed identities and dates), then runs `driftcheck gate --format json`
//! the same way. The repository has two environments, `deploy/staging` and
//! `deploy/prod`, each with one `app.yaml`; `main` holds the initial commit
//! by Base Admin, and the change under review is on `feature`, written by
//! Mallory. Ana and Bo are the peers.
//!
//! Cases that only apply to signed or forge-corroborated sign-offs, forges
//! or CI events (I8–I12, C17, C18, E3–E6, E8) are not tested here: this
//! gate reads trailers. C14 (path case/Unicode collisions) is out of scope.
//! A case with variants git treats differently may have several tests
//! (`p05_*`, `p21_*`); a case the gate gets wrong is `#[ignore]`d with the
//! bug, still asserting the correct behaviour.

use std::cell::Cell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

// --- people ---------------------------------------------------------------

#[derive(Clone, Copy)]
pub(crate) struct Person {
    pub(crate) name: &'static str,
    pub(crate) email: &'static str,
}

impl Person {
    fn ident(self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

pub(crate) const ADMIN: Person = Person {
    name: "Base Admin",
    email: "admin@example.com",
};
pub(crate) const MAL: Person = Person {
    name: "Mallory",
    email: "mal@example.com",
};
pub(crate) const ANA: Person = Person {
    name: "Ana",
    email: "ana@example.com",
};
pub(crate) const BO: Person = Person {
    name: "Bo",
    email: "bo@example.com",
};
pub(crate) const CAROL: Person = Person {
    name: "Carol",
    email: "carol@example.com",
};
const EVE: Person = Person {
    name: "Eve",
    email: "eve@example.net",
};
const BOT: Person = Person {
    name: "github-actions[bot]",
    email: "41898282+github-actions[bot]@users.noreply.github.com",
};

/// `Reviewed-by: Name <email>`.
pub(crate) fn reviewed_by(p: Person) -> String {
    format!("Reviewed-by: {}", p.ident())
}

/// A commit message: a subject, a blank line, then `body`.
pub(crate) fn msg(body: &str) -> String {
    format!("Raise the request timeout\n\n{body}\n")
}

// --- the repository ---------------------------------------------------------

const CONFIG: &str =
    "[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n";

/// The same in both environments. The lines the tests change are far enough
/// apart for git to merge changes to two of them cleanly.
/// A Kubernetes resource (the shipped replica rules apply to Kubernetes documents only).
pub(crate) const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
replicas: 3
data_path: /var/lib/app
log_level: info
db:
  pool_size: 10
  max_conns: 100
timeout: 30
";

const ENVS: [&str; 2] = ["staging", "prod"];

/// A temp repository plus the clean environment git and driftcheck run in.
pub(crate) struct Repo {
    tmp: tempfile::TempDir,
    /// Commands run so far: each one's author and committer dates are a
    /// minute after the previous one's.
    clock: Cell<u64>,
}

impl Repo {
    /// The standard layout with `review` (a `[review]` table, or nothing)
    /// appended to `driftcheck.toml`.
    pub(crate) fn standard(review: &str) -> Repo {
        Repo::standard_with(review, &[])
    }

    /// [`Repo::standard`] with more files at the base.
    pub(crate) fn standard_with(review: &str, extra: &[(&str, &str)]) -> Repo {
        let config = format!("{CONFIG}{review}");
        let mut files = vec![
            ("driftcheck.toml", config.as_str()),
            ("deploy/staging/app.yaml", APP),
            ("deploy/prod/app.yaml", APP),
            ("src/main.rs", "fn main() {}\n"),
        ];
        files.extend_from_slice(extra);
        Repo::init(&files)
    }

    /// `files` committed on `main` by Base Admin; `feature` checked out there.
    pub(crate) fn init(files: &[(&str, &str)]) -> Repo {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(tmp.path().join("home")).unwrap();
        std::fs::create_dir_all(tmp.path().join("repo")).unwrap();
        std::fs::write(tmp.path().join("gitconfig"), "").unwrap();
        let r = Repo {
            tmp,
            clock: Cell::new(0),
        };
        r.git(&["init", "-q", "-b", "main"]);
        for (path, content) in files {
            r.write(path, content);
        }
        r.commit_as(ADMIN, ADMIN, "Initial config");
        r.git(&["checkout", "-q", "-b", "feature"]);
        r
    }

    pub(crate) fn root(&self) -> PathBuf {
        self.tmp.path().join("repo")
    }

    /// A path in the temp directory, outside the repository.
    pub(crate) fn scratch(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// `program` in `dir` with the clean environment: author and committer
    /// as given, dates one minute after the previous command's.
    pub(crate) fn command(
        &self,
        program: &str,
        dir: &Path,
        author: Person,
        committer: Person,
    ) -> Command {
        let tick = self.clock.get() + 1;
        self.clock.set(tick);
        let date = format!("@{} +0000", 1_700_000_000 + tick * 60);
        let mut c = Command::new(program);
        c.current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.scratch("gitconfig"))
            .env("HOME", self.scratch("home"))
            .env("GIT_AUTHOR_NAME", author.name)
            .env("GIT_AUTHOR_EMAIL", author.email)
            .env("GIT_COMMITTER_NAME", committer.name)
            .env("GIT_COMMITTER_EMAIL", committer.email)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_EDITOR", "true")
            .env("GIT_MERGE_AUTOEDIT", "no");
        c
    }

    /// Run git in `dir` as `author`/`committer`, whatever the outcome.
    pub(crate) fn git_in(
        &self,
        dir: &Path,
        author: Person,
        committer: Person,
        args: &[&str],
    ) -> Output {
        self.command("git", dir, author, committer)
            .args(args)
            .output()
            .expect("run git")
    }

    /// Run git in the repository as Mallory; it must succeed. Its stdout, trimmed.
    #[track_caller]
    pub(crate) fn git(&self, args: &[&str]) -> String {
        self.git_ok(&self.root(), MAL, MAL, args)
    }

    #[track_caller]
    pub(crate) fn git_ok(
        &self,
        dir: &Path,
        author: Person,
        committer: Person,
        args: &[&str],
    ) -> String {
        let out = self.git_in(dir, author, committer, args);
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub(crate) fn write(&self, rel: &str, content: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    pub(crate) fn rename(&self, from: &str, to: &str) {
        let to = self.root().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(self.root().join(from), to).unwrap();
    }

    /// Replace `from` with `to` in one file (which must contain `from`).
    #[track_caller]
    pub(crate) fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`:\n{text}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Replace `from` with `to` in both environments' `app.yaml`.
    #[track_caller]
    pub(crate) fn everywhere(&self, from: &str, to: &str) {
        for env in ENVS {
            self.replace(&format!("deploy/{env}/app.yaml"), from, to);
        }
    }

    /// The change most cases review: the timeout raised in both
    /// environments (no drift).
    pub(crate) fn raise_timeout(&self) {
        self.everywhere("timeout: 30", "timeout: 60");
    }

    /// Stage everything and commit as Mallory; the new commit's id.
    pub(crate) fn commit(&self, message: &str) -> String {
        self.commit_as(MAL, MAL, message)
    }

    /// Stage everything and commit with `message` kept verbatim.
    pub(crate) fn commit_as(&self, author: Person, committer: Person, message: &str) -> String {
        self.commit_bytes(author, committer, message.as_bytes(), &[])
    }

    /// Stage everything and commit `message` (bytes, verbatim); `before`
    /// goes between `git` and `commit` (e.g. `-c key=value`).
    pub(crate) fn commit_bytes(
        &self,
        author: Person,
        committer: Person,
        message: &[u8],
        before: &[&str],
    ) -> String {
        self.git_ok(&self.root(), author, committer, &["add", "-A"]);
        self.commit_staged(author, committer, message, before, &[])
    }

    /// Commit the index as it is (no `git add`).
    pub(crate) fn commit_staged(
        &self,
        author: Person,
        committer: Person,
        message: &[u8],
        before: &[&str],
        after: &[&str],
    ) -> String {
        let file = self.scratch("message");
        std::fs::write(&file, message).unwrap();
        let file = file.to_string_lossy().into_owned();
        let mut args: Vec<&str> = before.to_vec();
        args.extend([
            "commit",
            "-q",
            "--allow-empty",
            "--cleanup=verbatim",
            "-F",
            &file,
        ]);
        args.extend_from_slice(after);
        self.git_ok(&self.root(), author, committer, &args);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Stage everything and amend the last commit (as Mallory) with `message`.
    pub(crate) fn amend(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.amend_staged(message)
    }

    /// Amend the last commit (as Mallory) with `message`, the index as it is.
    pub(crate) fn amend_staged(&self, message: &str) -> String {
        self.commit_staged(MAL, MAL, message.as_bytes(), &[], &["--amend"])
    }

    /// Commit on `main` as Base Admin (after `change` edits the files), then
    /// return to `feature`.
    pub(crate) fn on_main(&self, message: &str, change: impl FnOnce(&Repo)) {
        self.git(&["checkout", "-q", "main"]);
        change(self);
        self.commit_as(ADMIN, ADMIN, message);
        self.git(&["checkout", "-q", "feature"]);
    }

    /// Run driftcheck in `dir` with the clean environment plus `vars`.
    pub(crate) fn driftcheck_in(
        &self,
        dir: &Path,
        args: &[&str],
        vars: &[(&str, OsString)],
    ) -> Output {
        self.command(env!("CARGO_BIN_EXE_driftcheck"), dir, MAL, MAL)
            .args(args)
            .env("NO_COLOR", "1")
            .envs(vars.iter().map(|(k, v)| (*k, v)))
            .output()
            .expect("run driftcheck")
    }

    /// `driftcheck gate ARGS --format json` in the repository.
    pub(crate) fn gate(&self, args: &[&str]) -> Gate {
        self.gate_with(&self.root(), args, &[])
    }

    /// `driftcheck gate --base main`.
    pub(crate) fn gate_main(&self) -> Gate {
        self.gate(&["--base", "main"])
    }

    pub(crate) fn gate_with(&self, dir: &Path, args: &[&str], vars: &[(&str, OsString)]) -> Gate {
        let mut all = vec!["gate"];
        all.extend_from_slice(args);
        all.extend(["--format", "json"]);
        let out = self.driftcheck_in(dir, &all, vars);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        Gate {
            code: out.status.code().unwrap_or(-1),
            json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
            stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `driftcheck gate --base main` on both paths: the keys the change can
    /// affect, and the reference path (`DRIFTCHECK_GATE_FULL=1`: whole
    /// trees, every key), each labelled with its variable's value.
    pub(crate) fn gate_both_paths(&self) -> Vec<(&'static str, Gate)> {
        ["0", "1"]
            .into_iter()
            .map(|full| {
                let g = self.gate_with(
                    &self.root(),
                    &["--base", "main"],
                    &[("DRIFTCHECK_GATE_FULL", full.into())],
                );
                (full, g)
            })
            .collect()
    }

    /// A user's global git config: written to `<tmp>/<who>/.gitconfig`, and
    /// the variables that make both git and libgit2 read it.
    pub(crate) fn user_config(&self, who: &str, text: &str) -> Vec<(&'static str, OsString)> {
        let home = self.scratch(who);
        std::fs::create_dir_all(&home).unwrap();
        let file = home.join(".gitconfig");
        std::fs::write(&file, text).unwrap();
        vec![("HOME", home.into()), ("GIT_CONFIG_GLOBAL", file.into())]
    }

    /// `driftcheck approve --base BASE --format json` as `reviewer` would run
    /// it (their git identity configured): the trailer line it prints, which
    /// carries the digest.
    #[track_caller]
    pub(crate) fn approve(&self, reviewer: Person, base: &str) -> (String, String) {
        let vars = self.user_config(
            &format!("home-{}", reviewer.name.to_lowercase()),
            &format!(
                "[user]\n\tname = {}\n\temail = {}\n",
                reviewer.name, reviewer.email
            ),
        );
        let out = self.driftcheck_in(
            &self.root(),
            &["approve", "--base", base, "--format", "json"],
            &vars,
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "approve failed:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_str(&stdout).expect("approve JSON");
        let digest = doc["digest"].as_str().unwrap().to_string();
        let trailer = doc["trailer"].as_str().unwrap().to_string();
        assert_eq!(
            trailer,
            format!("{} # config {digest}", reviewed_by(reviewer)),
            "approve's trailer line"
        );
        (digest, trailer)
    }

    /// Mallory's timeout change, committed and approved by `reviewer` (the
    /// approval carries the digest and is added to the commit's message by
    /// an amend that changes nothing else). The digest.
    pub(crate) fn approved_timeout_change(&self, reviewer: Person) -> String {
        self.raise_timeout();
        self.commit("Raise the request timeout\n");
        let (digest, trailer) = self.approve(reviewer, "main");
        self.amend(&msg(&trailer));
        digest
    }
}

// --- the gate's answer --------------------------------------------------------

pub(crate) struct Gate {
    pub(crate) code: i32,
    pub(crate) json: Value,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Gate {
    pub(crate) fn show(&self) -> String {
        format!(
            "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    pub(crate) fn gate(&self) -> &Value {
        &self.json["gate"]
    }

    pub(crate) fn digest(&self) -> &str {
        self.gate()["digest"].as_str().unwrap_or_default()
    }

    pub(crate) fn list(&self, field: &str) -> Vec<Value> {
        self.gate()[field].as_array().cloned().unwrap_or_default()
    }

    pub(crate) fn signoffs(&self) -> Vec<Value> {
        self.list("signoffs")
    }

    pub(crate) fn requirements(&self) -> Vec<Value> {
        self.list("requirements")
    }

    pub(crate) fn near_misses(&self) -> Vec<Value> {
        self.list("near_misses")
    }

    pub(crate) fn changes(&self) -> Vec<(String, String)> {
        self.list("changes")
            .iter()
            .map(|c| {
                (
                    c["path"].as_str().unwrap().to_string(),
                    c["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[track_caller]
    pub(crate) fn assert_passed(&self) {
        assert_eq!(self.code, 0, "expected a pass:\n{}", self.show());
        assert_eq!(self.gate()["passed"], true, "{}", self.show());
    }

    #[track_caller]
    pub(crate) fn assert_refused(&self) {
        assert_eq!(self.code, 1, "expected a refusal:\n{}", self.show());
        assert_eq!(self.gate()["passed"], false, "{}", self.show());
    }

    /// Exit 2: the gate could not answer; stderr names every `needle`.
    #[track_caller]
    pub(crate) fn assert_cannot_answer(&self, needles: &[&str]) {
        assert_eq!(self.code, 2, "expected exit 2:\n{}", self.show());
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks `{n}`:\n{}",
                self.show()
            );
        }
    }

    /// The one sign-off whose identity contains `who`.
    #[track_caller]
    pub(crate) fn signoff(&self, who: &str) -> Value {
        let found: Vec<Value> = self
            .signoffs()
            .into_iter()
            .filter(|s| s["identity"].as_str().unwrap().contains(who))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "sign-offs naming `{who}`: {found:?}\n{}",
            self.show()
        );
        found.into_iter().next().unwrap()
    }

    /// The sign-off naming `who` counted (or not) with a reason containing `why`.
    #[track_caller]
    pub(crate) fn assert_signoff(&self, who: &str, counted: bool, why: &str) {
        let s = self.signoff(who);
        assert_eq!(s["counted"], counted, "{s}\n{}", self.show());
        let reason = s["reason"].as_str().unwrap();
        assert!(
            reason.contains(why),
            "reason `{reason}` lacks `{why}`\n{}",
            self.show()
        );
    }

    /// No sign-off was read at all.
    #[track_caller]
    pub(crate) fn assert_no_signoffs(&self) {
        assert!(
            self.signoffs().is_empty(),
            "expected no sign-offs:\n{}",
            self.show()
        );
    }

    /// The base `[review]` requirement is unmet with `have` valid sign-offs,
    /// and the refusal shows as a `gate/signoff` error finding.
    #[track_caller]
    pub(crate) fn assert_short_of_signoffs(&self, have: u64) {
        let reqs = self.requirements();
        let r = reqs
            .iter()
            .find(|r| r["source"] == "[review]")
            .unwrap_or_else(|| panic!("no [review] requirement:\n{}", self.show()));
        assert_eq!(r["satisfied"], false, "{}", self.show());
        assert_eq!(r["have"], have, "{}", self.show());
        let findings = self.json["findings"].as_array().unwrap();
        assert!(
            findings
                .iter()
                .any(|f| f["rule"] == "gate/signoff" && f["severity"] == "error"),
            "no gate/signoff error finding:\n{}",
            self.show()
        );
    }

    /// Some near miss's reason contains `why`, and it shows as a
    /// `gate/near-miss` warning finding.
    #[track_caller]
    pub(crate) fn assert_near_miss(&self, why: &str) {
        assert!(
            self.near_misses()
                .iter()
                .any(|n| n["reason"].as_str().unwrap().contains(why)),
            "no near miss with `{why}`:\n{}",
            self.show()
        );
        let findings = self.json["findings"].as_array().unwrap();
        assert!(
            findings.iter().any(|f| f["rule"] == "gate/near-miss"
                && f["severity"] == "warning"
                && f["message"].as_str().unwrap().contains(why)),
            "no gate/near-miss warning with `{why}`:\n{}",
            self.show()
        );
    }
}

/// Mallory's timeout change committed with `message`, gated against main.
fn timeout_change(review: &str, message: &str) -> (Repo, Gate) {
    let r = Repo::standard(review);
    r.raise_timeout();
    r.commit(message);
    let g = r.gate_main();
    (r, g)
}

const TWO: &str = "\n[review]\nrequired = 2\n";
const DIGEST_BOUND: &str = "\n[review]\nbind = \"digest\"\n";

// --- 6.1 parsing ---------------------------------------------------------------

/// P1: a `Reviewed-by` in a middle paragraph, followed by prose, is not a trailer.
#[test]
fn p01_signoff_in_a_middle_paragraph() {
    let body = format!("{}\n\nMore prose after it.", reviewed_by(ANA));
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
    g.assert_near_miss("not in the last paragraph");
}

/// P1b: many alike near misses (a pasted block of look-alike keys, any
/// count from 2 to 40) give one warning per commit and reason naming the
/// first lines and how many more, while the gate section lists every line.
#[test]
fn p01b_alike_near_misses_give_one_warning() {
    for n in [2usize, 3, 4, 40] {
        let lines: Vec<String> = (0..n)
            .map(|i| format!("Reviewed\u{2010}by: P{i} <p{i}@example.com>"))
            .collect();
        let (_r, g) = timeout_change("", &msg(&lines.join("\n")));
        g.assert_refused();
        assert_eq!(g.near_misses().len(), n, "{}", g.show());
        let warnings: Vec<String> = g.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "gate/near-miss")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let want = match n {
            2 => ":3, 4: ".to_string(),
            3 => ":3, 4, 5: ".to_string(),
            _ => format!(":3, 4, 5 and {} more lines: ", n - 3),
        };
        assert!(warnings[0].contains(&want), "{n}: {}", warnings[0]);
        assert!(warnings[0].contains("U+2010 HYPHEN"), "{}", warnings[0]);
    }
}

/// P2: a last paragraph of one sign-off and one line of prose is not a
/// trailer block (git needs all trailers, or a git-generated one and 25%).
#[test]
fn p02_signoff_mixed_with_prose() {
    let body = format!("{}\nI did not review this", reviewed_by(ANA));
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
    g.assert_near_miss("the last paragraph is prose");
}

/// P3: P2 plus a `Signed-off-by: ` line, which makes git accept the mixed
/// block (25% rule). Policy decision: this gate reads trailers exactly as
/// git does, so the block is accepted and Ana's sign-off counts.
#[test]
fn p03_mixed_block_accepted_with_signed_off_by() {
    let body = format!(
        "{}\nI did not review this\nSigned-off-by: {}",
        reviewed_by(ANA),
        MAL.ident()
    );
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
}

/// P4: P3 with a lower-case `signed-off-by:`, which git does not treat as
/// git-generated: no trailer block.
#[test]
fn p04_lowercase_signed_off_by_does_not_rescue_the_block() {
    let body = format!(
        "{}\nI did not review this\nsigned-off-by: {}",
        reviewed_by(ANA),
        MAL.ident()
    );
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
    g.assert_near_miss("exact prefix `Signed-off-by: `");
}

/// P5: a sign-off below a `---` line (also `--- ` and `---\t`):
/// `%(trailers)` sees it, `git interpret-trailers` and `git am` do not.
/// Refused as ambiguous.
#[test]
fn p05_signoff_below_a_divider() {
    for divider in ["---", "--- ", "---\t"] {
        let body = format!("body\n\n{divider}\n\n{}", reviewed_by(ANA));
        let (_r, g) = timeout_change("", &msg(&body));
        g.assert_refused();
        g.assert_signoff("Ana", false, "below a `---` line");
        g.assert_short_of_signoffs(0);
    }
}

/// P5 (diff header): git's divider is any line starting with `---` and a
/// blank, so a pasted `--- a/deploy/prod/app.yaml` ends the message for
/// `git interpret-trailers` too. The sign-off below it is as ambiguous as
/// one below a bare `---`.
#[test]
fn p05_signoff_below_a_diff_header_divider() {
    let body = format!(
        "A diff for the record:\n\n--- a/deploy/prod/app.yaml\n+++ b/deploy/prod/app.yaml\n\n{}",
        reviewed_by(ANA)
    );
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_refused();
    g.assert_signoff("Ana", false, "below a `---` line");
    g.assert_short_of_signoffs(0);
}

/// P6: a Markdown `------` underline is not a divider (libgit2 #6760).
#[test]
fn p06_markdown_underline_is_not_a_divider() {
    let body = format!(
        "Header\n------\n\nSome text under the header.\n\n{}",
        reviewed_by(ANA)
    );
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
}

/// `review` with `[review] local = "block"`: local hooks as strict as CI,
/// so the message-file tests see the verdict a reviewer's sign-off gets.
pub(crate) fn strict_local(review: &str) -> String {
    if review.contains("[review]\n") {
        review.replacen("[review]\n", "[review]\nlocal = \"block\"\n", 1)
    } else {
        format!("{review}\n[review]\nlocal = \"block\"\n")
    }
}

/// Mallory's timeout change staged (not committed) and `message` written to
/// a file: `gate --message-file` as the commit-msg hook runs it (strict).
fn staged_change(review: &str, message: &str) -> Gate {
    let r = Repo::standard(&strict_local(review));
    r.raise_timeout();
    r.git(&["add", "-A"]);
    let file = r.scratch("COMMIT_EDITMSG");
    std::fs::write(&file, message).unwrap();
    let g = r.gate(&["--message-file", file.to_str().unwrap()]);
    assert_eq!(g.gate()["head"], "index", "{}", g.show());
    g
}

/// P7: in a commit-msg file, `# Reviewed-by: B` is a comment: only A counts.
#[test]
fn p07_commented_signoff_in_a_message_file() {
    let body = format!("{}\n# {}", reviewed_by(ANA), reviewed_by(BO));
    let g = staged_change(TWO, &msg(&body));
    g.assert_refused();
    g.assert_signoff("Ana", true, "peer sign-off");
    assert_eq!(g.signoffs().len(), 1, "{}", g.show());
    g.assert_short_of_signoffs(1);
    g.assert_near_miss("comment line");
}

/// P8: a `git commit -v` message file: the diff below the scissors line
/// contains `+Reviewed-by: B`, which is ignored.
#[test]
fn p08_signoff_in_the_verbose_diff_below_the_scissors() {
    let message = format!(
        "Raise the request timeout\n\n{}\n\
         # ------------------------ >8 ------------------------\n\
         # Do not modify or remove the line above.\n\
         # Everything below it will be ignored.\n\
         diff --git a/deploy/prod/app.yaml b/deploy/prod/app.yaml\n\
         --- a/deploy/prod/app.yaml\n\
         +++ b/deploy/prod/app.yaml\n\
         @@ -7 +7,2 @@\n\
         -timeout: 30\n\
         +timeout: 60\n\
         +{}\n",
        reviewed_by(ANA),
        reviewed_by(BO)
    );
    let g = staged_change(TWO, &message);
    g.assert_refused();
    g.assert_signoff("Ana", true, "peer sign-off");
    assert_eq!(g.signoffs().len(), 1, "{}", g.show());
    g.assert_short_of_signoffs(1);
    g.assert_near_miss("below the scissors line");
}

/// P9: git ignores a trailing old-style `Conflicts:` block, so the
/// paragraph above it is the trailer block.
#[test]
fn p09_trailing_conflicts_block_is_ignored() {
    let body = format!("{}\n\nConflicts:\n\tdeploy/prod/app.yaml", reviewed_by(ANA));
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
}

/// P10: a folded value is one trailer; the second person in it never counts
/// and the folded sign-off is refused.
#[test]
fn p10_folded_values_are_refused() {
    for body in [
        format!("{}\n {}", reviewed_by(ANA), BO.ident()),
        format!("Reviewed-by: Ana\n {}", reviewed_by(BO)),
    ] {
        let (_r, g) = timeout_change("", &msg(&body));
        g.assert_refused();
        assert_eq!(g.signoffs().len(), 1, "{}", g.show());
        g.assert_signoff("Ana", false, "folded over more than one line");
        g.assert_short_of_signoffs(0);
        g.assert_near_miss("indented: git folds it into the value");
    }
}

/// P11: a sign-off with a leading space is not a trailer.
#[test]
fn p11_leading_space() {
    let body = format!(" {}", reviewed_by(ANA));
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
    g.assert_near_miss("indented");
}

/// P12: `Reviewed-by : A` is a trailer to git (blanks before the colon are
/// allowed). Policy decision: this gate follows git, so it counts.
#[test]
fn p12_space_before_the_colon_counts() {
    let (_r, g) = timeout_change("", &msg(&format!("Reviewed-by : {}", ANA.ident())));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
    assert_eq!(g.signoff("Ana")["key"], "Reviewed-by", "{}", g.show());
}

/// P13: an empty value (with or without trailing blanks) names nobody.
#[test]
fn p13_empty_value() {
    for line in ["Reviewed-by:", "Reviewed-by:   "] {
        let (_r, g) = timeout_change("", &msg(line));
        g.assert_refused();
        let s = g.signoffs();
        assert_eq!(s.len(), 1, "{}", g.show());
        assert_eq!(s[0]["counted"], false, "{}", g.show());
        assert_eq!(s[0]["reason"], "the value is empty", "{}", g.show());
        g.assert_short_of_signoffs(0);
    }
}

/// P14: look-alike keys and separators (U+2010 HYPHEN, FULLWIDTH COLON,
/// Cyrillic `е`) are not trailers; the gate names the character.
#[test]
fn p14_lookalike_keys() {
    for (line, why) in [
        (
            format!("Reviewed\u{2010}by: {}", ANA.ident()),
            "key contains U+2010 HYPHEN, not an ASCII '-'",
        ),
        (
            format!("Reviewed-by\u{FF1A} {}", ANA.ident()),
            "separator is U+FF1A FULLWIDTH COLON, not an ASCII ':'",
        ),
        (
            format!("R\u{0435}viewed-by: {}", ANA.ident()),
            "key contains U+0435 CYRILLIC SMALL LETTER IE, not an ASCII 'e'",
        ),
    ] {
        let (_r, g) = timeout_change("", &msg(&line));
        g.assert_refused();
        g.assert_no_signoffs();
        g.assert_short_of_signoffs(0);
        g.assert_near_miss(why);
    }
}

/// P15: upper- and lower-case keys. Policy decision: git compares trailer
/// keys case-insensitively, and so does this gate: both count.
#[test]
fn p15_key_case_is_ignored() {
    let body = format!("REVIEWED-BY: {}\nreviewed-by: {}", ANA.ident(), BO.ident());
    let (_r, g) = timeout_change(TWO, &msg(&body));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
    g.assert_signoff("Bo", true, "peer sign-off");
    assert_eq!(g.signoff("Ana")["key"], "REVIEWED-BY", "{}", g.show());
}

/// P16: `Reviewed-by #A`: `#` is not a separator in a hermetic parse.
#[test]
fn p16_hash_is_not_a_separator() {
    let (_r, g) = timeout_change("", &msg(&format!("Reviewed-by #{}", ANA.ident())));
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
    g.assert_near_miss("no ':' after `Reviewed-by");
}

/// P17: `R: A` with the user's `trailer.rb.key=Reviewed-by`: git rewrites the
/// key, the gate (hermetic) must not.
#[test]
fn p17_user_trailer_alias_is_ignored() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit(&msg(&format!("R: {}", ANA.ident())));
    let user = r.user_config("home-user", "[trailer \"rb\"]\n\tkey = Reviewed-by\n");
    // The setup bites: git itself, with that config, reads Ana as a reviewer.
    let mut git = r.command("git", &r.root(), MAL, MAL);
    let out = git
        .args([
            "log",
            "-1",
            "--format=%(trailers:key=Reviewed-by,valueonly)",
        ])
        .envs(user.iter().map(|(k, v)| (*k, v)))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(ANA.email),
        "git did not apply the alias: {out:?}"
    );
    let g = r.gate_with(&r.root(), &["--base", "main"], &user);
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
}

/// P18: a message that is only a trailer, or a one-paragraph message, has no
/// trailers: the first paragraph is the subject.
#[test]
fn p18_subject_paragraph_is_never_trailers() {
    for message in [
        format!("{}\n", reviewed_by(ANA)),
        format!("Raise the request timeout\n{}\n", reviewed_by(ANA)),
    ] {
        let (_r, g) = timeout_change("", &message);
        g.assert_refused();
        g.assert_no_signoffs();
        g.assert_short_of_signoffs(0);
        g.assert_near_miss("in the subject paragraph");
    }
}

/// P19: a URL line is a trailer to git (key `https`), so the block is
/// accepted; the URL is not a sign-off.
#[test]
fn p19_url_line_in_the_block() {
    let body = format!("https://example.com/x/y\n{}", reviewed_by(ANA));
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_passed();
    assert_eq!(g.signoffs().len(), 1, "{}", g.show());
    g.assert_signoff("Ana", true, "peer sign-off");
}

/// P20: CRLF line endings: the sign-off is read, without the `\r`.
#[test]
fn p20_crlf_line_endings() {
    let message = format!("Raise the request timeout\r\n\r\n{}\r\n", reviewed_by(ANA));
    let (_r, g) = timeout_change("", &message);
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
    assert_eq!(g.signoff("Ana")["identity"], ANA.ident(), "{}", g.show());
}

/// Mallory's timeout change, committed as a crafted commit object whose
/// message is `message`: bytes `git commit` itself would not write (it
/// re-encodes invalid UTF-8 as Latin-1 and refuses NUL bytes), but a
/// pushed object can hold.
fn crafted_timeout_change(message: &[u8]) -> Repo {
    let r = Repo::standard("");
    r.raise_timeout();
    r.git(&["add", "-A"]);
    let tree = r.git(&["write-tree"]);
    let parent = r.git(&["rev-parse", "HEAD"]);
    let mut object = format!(
        "tree {tree}\nparent {parent}\nauthor {0} 1700000000 +0000\ncommitter {0} 1700000000 +0000\n\n",
        MAL.ident()
    )
    .into_bytes();
    object.extend_from_slice(message);
    let file = r.scratch("object");
    std::fs::write(&file, object).unwrap();
    let id = r.git(&[
        "hash-object",
        "-t",
        "commit",
        "-w",
        "--literally",
        file.to_str().unwrap(),
    ]);
    r.git(&["update-ref", "refs/heads/feature", &id]);
    r
}

/// Why a sign-off in a message that is not clean UTF-8 does not count.
const NOT_UTF8: &str =
    "the commit message is not valid UTF-8 (or holds a NUL byte): its trailers are not trusted";

/// P21 (invalid UTF-8): a message with bytes that are not UTF-8 (a crafted
/// object) is not trusted.
#[test]
fn p21_invalid_utf8_message() {
    let mut message = b"Raise the request timeout\n\nCaf\xe9 au lait.\n\n".to_vec();
    message.extend_from_slice(format!("{}\n", reviewed_by(ANA)).as_bytes());
    let r = crafted_timeout_change(&message);
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff("Ana", false, NOT_UTF8);
    g.assert_short_of_signoffs(0);
}

/// P21 (encoding header): a commit git wrote with `encoding ISO-8859-1`
/// is not trusted.
#[test]
fn p21_non_utf8_encoding_header() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit_bytes(
        MAL,
        MAL,
        msg(&reviewed_by(ANA)).as_bytes(),
        &["-c", "i18n.commitEncoding=ISO-8859-1"],
    );
    assert!(
        r.git(&["cat-file", "commit", "HEAD"])
            .contains("\nencoding ISO-8859-1\n"),
        "no encoding header"
    );
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff("Ana", false, NOT_UTF8);
    g.assert_short_of_signoffs(0);
}

/// P21 (NUL byte): a crafted commit object whose message holds a NUL byte
/// (git's fsck warns `nulInCommit`) is not trusted, and nothing after the
/// NUL is read.
#[test]
fn p21_nul_byte_in_message() {
    let message = format!("{}\0{}\n", msg(&reviewed_by(ANA)), reviewed_by(BO));
    let r = crafted_timeout_change(message.as_bytes());
    assert!(
        r.git(&["cat-file", "commit", "HEAD"]).contains('\0'),
        "the object holds no NUL"
    );
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff("Ana", false, NOT_UTF8);
    g.assert_short_of_signoffs(0);
    assert!(
        g.signoffs()
            .iter()
            .all(|s| !s["identity"].as_str().unwrap().contains("Bo")),
        "a sign-off after the NUL was read:\n{}",
        g.show()
    );
}

/// P22: the same sign-off twice counts once.
#[test]
fn p22_duplicate_signoffs_count_once() {
    let body = format!("{}\n{}", reviewed_by(ANA), reviewed_by(ANA));
    let (_r, g) = timeout_change(TWO, &msg(&body));
    g.assert_refused();
    let s = g.signoffs();
    assert_eq!(s.len(), 2, "{}", g.show());
    assert_eq!(s[0]["counted"], true, "{}", g.show());
    assert_eq!(s[1]["counted"], false, "{}", g.show());
    assert!(
        s[1]["reason"]
            .as_str()
            .unwrap()
            .contains("already counted (one count per person)"),
        "{}",
        g.show()
    );
    g.assert_short_of_signoffs(1);
}

/// P23: `<ANA@EXAMPLE.COM>` and `<ana+cfg@example.com>` are one person.
#[test]
fn p23_case_and_plus_tag_variants_count_once() {
    let body = "Reviewed-by: Ana <ANA@EXAMPLE.COM>\nReviewed-by: Ana Lima <ana+cfg@example.com>";
    let (_r, g) = timeout_change(TWO, &msg(body));
    g.assert_refused();
    g.assert_signoff("ANA@EXAMPLE.COM", true, "peer sign-off");
    g.assert_signoff(
        "ana+cfg@example.com",
        false,
        "ana@example.com is already counted",
    );
    g.assert_short_of_signoffs(1);
}

/// P24: an OpenSSL-style final `(Merged from ...)` line makes the last
/// paragraph prose to git, unless a `Signed-off-by: ` is also there.
#[test]
fn p24_merged_from_line() {
    let merged = "(Merged from https://github.com/example/app/pull/1)";
    let body = format!("{}\n{merged}", reviewed_by(ANA));
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
    g.assert_near_miss("none is git-generated");

    let body = format!(
        "{}\nSigned-off-by: {}\n{merged}",
        reviewed_by(ANA),
        MAL.ident()
    );
    let (_r, g) = timeout_change("", &msg(&body));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
}

// --- 6.2 identity and forgery -----------------------------------------------------

/// I1: Mallory types Ana's sign-off into her own commit. In trailer mode
/// (L0) this passes, and the verdict says so: a sign-off is evidence, not
/// proof.
#[test]
fn i01_forged_signoff_passes_in_trailer_mode() {
    let (_r, g) = timeout_change("", &msg(&reviewed_by(ANA)));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
    let assurance = g.gate()["assurance"].as_str().unwrap();
    for needle in ["trailer sign-offs (L0)", "an author can type one"] {
        assert!(assurance.contains(needle), "assurance: {assurance}");
    }
}

/// I2: the author's own sign-off, in a case and `+tag` variant of her email.
#[test]
fn i02_self_review() {
    let body = "Reviewed-by: Mallory <MAL+review@Example.COM>";
    let (_r, g) = timeout_change("", &msg(body));
    g.assert_refused();
    g.assert_signoff(
        "Mallory",
        false,
        "not a peer: mal@example.com is the author of",
    );
    g.assert_short_of_signoffs(0);
}

/// I3: the commit's author is set to Carol; Mallory, who commits (and
/// pushes) it, signs it off. The committer is a contributor. (The pusher or
/// PR opener is unknown to a trailer gate; the committer stands for them.)
#[test]
fn i03_committer_signs_a_commit_authored_as_someone_else() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit_as(CAROL, MAL, &msg(&reviewed_by(MAL)));
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff(
        "Mallory",
        false,
        "not a peer: mal@example.com is the committer of",
    );
    g.assert_short_of_signoffs(0);
}

/// I4: a sign-off from someone outside `[review] reviewers`.
#[test]
fn i04_reviewer_not_in_the_allowlist() {
    let review = "\n[review]\nreviewers = [\"ana@example.com\", \"bo@example.com\"]\n";
    let (_r, g) = timeout_change(review, &msg(&reviewed_by(EVE)));
    g.assert_refused();
    g.assert_signoff(
        "Eve",
        false,
        "eve@example.net is not among the allowed reviewers",
    );
    g.assert_short_of_signoffs(0);
    let req = &g.requirements()[0];
    assert_eq!(
        req["reviewers"],
        serde_json::json!(["ana@example.com", "bo@example.com"]),
        "{}",
        g.show()
    );
}

/// I5: the change itself adds Mallory's second address to the reviewer
/// allowlist and maps it to Ana in `.mailmap`. Both are read from the
/// merge base, and both edits are guarded changes.
#[test]
fn i05_change_edits_the_allowlist_and_mailmap() {
    let review = "\n[review]\nreviewers = [\"ana@example.com\"]\n";
    let r = Repo::standard(review);
    r.raise_timeout();
    r.replace(
        "driftcheck.toml",
        "reviewers = [\"ana@example.com\"]",
        "reviewers = [\"ana@example.com\", \"mal.alt@example.net\"]",
    );
    r.write(".mailmap", "Ana <ana@example.com> <mal.alt@example.net>\n");
    r.commit(&msg("Reviewed-by: Ana <mal.alt@example.net>"));
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff(
        "mal.alt@example.net",
        false,
        "mal.alt@example.net is not among the allowed reviewers",
    );
    g.assert_short_of_signoffs(0);
    let changes = g.changes();
    for path in [".mailmap", "driftcheck.toml"] {
        assert!(
            changes.iter().any(|(p, _)| p == path),
            "{path} not guarded:\n{}",
            g.show()
        );
    }

    // Control: the same mapping in the merge base's `.mailmap` is honoured.
    let r = Repo::standard_with(
        review,
        &[(".mailmap", "Ana <ana@example.com> <ana.old@example.net>\n")],
    );
    r.raise_timeout();
    r.commit(&msg("Reviewed-by: Ana <ana.old@example.net>"));
    let g = r.gate_main();
    g.assert_passed();
    g.assert_signoff("ana.old@example.net", true, "peer sign-off");
}

/// I6: a commit authored as the GitHub Actions bot gets no exemption.
#[test]
fn i06_no_bot_exemption() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit_as(BOT, BOT, "Raise the request timeout\n");
    let g = r.gate_main();
    g.assert_refused();
    g.assert_no_signoffs();
    g.assert_short_of_signoffs(0);
}

/// I7: a co-author's sign-off does not count: they contributed
/// (`Co-authored-by` and `Co-developed-by` alike).
#[test]
fn i07_co_author_signs_off() {
    for key in ["Co-authored-by", "Co-developed-by"] {
        let body = format!("{key}: {}\n{}", ANA.ident(), reviewed_by(ANA));
        let (_r, g) = timeout_change("", &msg(&body));
        g.assert_refused();
        g.assert_signoff(
            "Ana",
            false,
            "not a peer: ana@example.com is the co-author of",
        );
        g.assert_short_of_signoffs(0);
    }
}

// --- 6.3 content binding and staleness ----------------------------------------

/// C1: Ana approves (digest-bound); Mallory amends the config and keeps the
/// trailer.
#[test]
fn c01_amend_after_approval() {
    let r = Repo::standard(DIGEST_BOUND);
    let approved = r.approved_timeout_change(ANA);
    let g = r.gate_main();
    g.assert_passed();
    assert_eq!(g.digest(), approved);

    let message = r.git(&["log", "-1", "--format=%B"]);
    r.everywhere("timeout: 60", "timeout: 90");
    r.amend(&format!("{message}\n"));
    let g = r.gate_main();
    g.assert_refused();
    assert_ne!(g.digest(), approved);
    g.assert_signoff(
        "Ana",
        false,
        &format!(
            "approves {approved}, but the change is now {} (bind = \"digest\")",
            g.digest()
        ),
    );
    g.assert_short_of_signoffs(0);
}

/// C2: a rebase whose conflict in config was resolved: the approved digest
/// no longer matches.
#[test]
fn c02_rebase_with_conflict_resolution() {
    let r = Repo::standard(DIGEST_BOUND);
    let approved = r.approved_timeout_change(ANA);
    r.on_main("Lower the timeout", |r| {
        r.everywhere("timeout: 30", "timeout: 45")
    });
    let out = r.git_in(&r.root(), MAL, MAL, &["rebase", "-q", "main"]);
    assert!(!out.status.success(), "the rebase should conflict");
    for env in ENVS {
        r.write(
            &format!("deploy/{env}/app.yaml"),
            &APP.replace("timeout: 30", "timeout: 60"),
        );
    }
    r.git(&["add", "-A"]);
    r.git(&["rebase", "--continue"]);
    let g = r.gate_main();
    g.assert_refused();
    assert_ne!(g.digest(), approved);
    g.assert_signoff("Ana", false, &format!("approves {approved}"));
    g.assert_short_of_signoffs(0);
}

/// C3: a clean rebase over a base that changed only `src/`: the config's
/// old and new blobs are unchanged, so is the digest.
#[test]
fn c03_clean_rebase_keeps_the_approval() {
    let r = Repo::standard(DIGEST_BOUND);
    let approved = r.approved_timeout_change(ANA);
    r.on_main("Touch the code", |r| {
        r.write("src/main.rs", "fn main() { println!(\"hi\"); }\n")
    });
    r.git(&["rebase", "-q", "main"]);
    let g = r.gate_main();
    g.assert_passed();
    assert_eq!(g.digest(), approved);
    g.assert_signoff("Ana", true, "peer sign-off");
}

/// C4: the base branch changed the approved file after the approval (a
/// different line; the rebase is clean): the pre-image changed, so the
/// digest did.
#[test]
fn c04_base_changed_the_file_after_approval() {
    let r = Repo::standard(DIGEST_BOUND);
    let approved = r.approved_timeout_change(ANA);
    r.on_main("Quieter logs", |r| {
        r.everywhere("log_level: info", "log_level: warn")
    });
    r.git(&["rebase", "-q", "main"]);
    let g = r.gate_main();
    g.assert_refused();
    assert_ne!(g.digest(), approved);
    g.assert_signoff("Ana", false, &format!("approves {approved}"));
    g.assert_short_of_signoffs(0);
}

/// C5: the approved hunk moved from staging to prod (same text, so a
/// patch-id would call them equal).
#[test]
fn c05_hunk_moved_between_environments() {
    let r = Repo::standard(DIGEST_BOUND);
    r.replace("deploy/staging/app.yaml", "timeout: 30", "timeout: 60");
    r.commit("Raise the staging timeout\n");
    let (approved, trailer) = r.approve(ANA, "main");
    r.amend(&msg(&trailer));
    r.gate_main().assert_passed();

    r.replace("deploy/staging/app.yaml", "timeout: 60", "timeout: 30");
    r.replace("deploy/prod/app.yaml", "timeout: 30", "timeout: 60");
    r.amend(&msg(&trailer));
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(
        g.changes(),
        vec![("deploy/prod/app.yaml".to_string(), "M".to_string())]
    );
    g.assert_signoff("Ana", false, &format!("approves {approved}"));
    g.assert_short_of_signoffs(0);
}

/// C6: after approval, a whitespace-only re-indent that changes the YAML's
/// meaning (`max_conns` leaves `db`): a different digest.
#[test]
fn c06_reindent_after_approval() {
    let r = Repo::standard(DIGEST_BOUND);
    r.everywhere("pool_size: 10", "pool_size: 20");
    r.commit("Bigger pool\n");
    let (approved, trailer) = r.approve(ANA, "main");
    r.amend(&msg(&trailer));
    r.gate_main().assert_passed();

    r.everywhere("  max_conns: 100", "max_conns: 100");
    r.amend(&msg(&trailer));
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff("Ana", false, &format!("approves {approved}"));
    g.assert_short_of_signoffs(0);
}

/// C7: the approved commit cherry-picked to a release branch whose config
/// differs: another base, another digest.
#[test]
fn c07_cherry_pick_to_a_release_branch() {
    let r = Repo::standard(DIGEST_BOUND);
    r.git(&["branch", "release/1", "main"]);
    r.on_main("Quieter logs", |r| {
        r.everywhere("log_level: info", "log_level: warn")
    });
    r.git(&["reset", "-q", "--hard", "main"]);
    let approved = r.approved_timeout_change(ANA);
    r.gate_main().assert_passed();

    r.git(&["checkout", "-q", "-b", "release-fix", "release/1"]);
    r.git(&["cherry-pick", "feature"]);
    let g = r.gate(&["--base", "release/1"]);
    g.assert_refused();
    assert_ne!(g.digest(), approved);
    g.assert_signoff("Ana", false, &format!("approves {approved}"));
    g.assert_short_of_signoffs(0);
}

/// C8: approval in commit 1; commit 2 changes config again: stale.
#[test]
fn c08_later_config_commit_makes_the_signoff_stale() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit(&msg(&reviewed_by(ANA)));
    r.everywhere("log_level: info", "log_level: warn");
    let later = r.commit("Quieter logs\n");
    let g = r.gate_main();
    g.assert_refused();
    // The sign-off approved the config as commit 1 recorded it; `later`
    // changed it.
    let _ = later;
    g.assert_signoff(
        "Ana",
        false,
        "stale: guarded config changed after this sign-off",
    );
    g.assert_short_of_signoffs(0);
}

/// C9: approval in commit 1; commit 2 touches only `src/`: still valid.
#[test]
fn c09_later_code_commit_keeps_the_signoff() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit(&msg(&reviewed_by(ANA)));
    r.write("src/main.rs", "fn main() { println!(\"hi\"); }\n");
    r.commit("Touch the code\n");
    let g = r.gate_main();
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
}

/// C10: change, revert, re-apply: the net change is the approved one. A
/// sign-off carrying that digest counts, and so does a plain one on the
/// first commit: the config it approved is exactly the final config.
#[test]
fn c10_change_revert_reapply_nets_to_the_approved_state() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    let (approved, trailer) = r.approve(ANA, "main");
    r.amend(&msg(&format!("{trailer}\n{}", reviewed_by(BO))));
    r.everywhere("timeout: 60", "timeout: 30");
    r.commit("Revert the timeout\n");
    r.everywhere("timeout: 30", "timeout: 60");
    r.commit("Re-apply the timeout\n");
    let g = r.gate_main();
    g.assert_passed();
    assert_eq!(g.digest(), approved);
    g.assert_signoff("Ana", true, "peer sign-off");
    g.assert_signoff("Bo", true, "peer sign-off");
}

/// C11: a rename out of scope is a guarded deletion; a rename into scope a
/// guarded addition. Both need approval.
#[test]
fn c11_renames_across_the_scope_boundary() {
    // prod keeps another file: a change that empties an environment is
    // refused on its own (`gate/environment`).
    let r = Repo::standard_with(
        "",
        &[
            ("deploy/prod/db.yaml", "pool: 5\n"),
            ("deploy/staging/db.yaml", "pool: 5\n"),
        ],
    );
    r.rename("deploy/prod/app.yaml", "tmp/x.yaml");
    r.commit("Move prod's config aside\n");
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(
        g.changes(),
        vec![("deploy/prod/app.yaml".to_string(), "D".to_string())]
    );
    g.assert_short_of_signoffs(0);
    // The moved file held prod's Deployment `app`: moving it out of prod
    // deletes the object, and its `replicas` with it, which the shipped
    // decrease rule judges (docs/policies.md, "Scope": a value goes with
    // whatever holds it): two sign-offs, not the ordinary one.
    r.amend(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    g.assert_refused();
    assert!(
        g.requirements().iter().any(|q| q["source"]
            .as_str()
            .is_some_and(|s| s.contains("`k8s-replica-decrease`: replicas removed in prod"))),
        "{}",
        g.show()
    );
    r.amend(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
    r.gate_main().assert_passed();

    let r = Repo::standard_with("", &[("tmp/x.yaml", "timeout: 1\n")]);
    r.rename("tmp/x.yaml", "deploy/prod/extra/x.yaml");
    r.commit("Move a file into prod\n");
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(
        g.changes(),
        vec![("deploy/prod/extra/x.yaml".to_string(), "A".to_string())]
    );
    g.assert_short_of_signoffs(0);
    r.amend(&msg(&reviewed_by(ANA)));
    r.gate_main().assert_passed();
}

/// C12: a mode-only change, and a config file replaced by a symlink to
/// `/etc/...`: both are in the digest and need approval.
#[test]
fn c12_mode_change_and_symlink() {
    use std::os::unix::fs::PermissionsExt;

    let r = Repo::standard("");
    let file = r.root().join("deploy/prod/app.yaml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
    r.commit("Make prod's config executable\n");
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(
        g.changes(),
        vec![("deploy/prod/app.yaml".to_string(), "T".to_string())]
    );
    assert!(
        g.list("changes")[0]["new"]
            .as_str()
            .unwrap()
            .starts_with("100755 "),
        "{}",
        g.show()
    );
    g.assert_short_of_signoffs(0);
    r.amend(&msg(&reviewed_by(ANA)));
    r.gate_main().assert_passed();

    let r = Repo::standard("");
    let file = r.root().join("deploy/prod/app.yaml");
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", &file).unwrap();
    r.commit("Point prod's config elsewhere\n");
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(
        g.changes(),
        vec![("deploy/prod/app.yaml".to_string(), "T".to_string())]
    );
    assert!(
        g.list("changes")[0]["new"]
            .as_str()
            .unwrap()
            .starts_with("120000 "),
        "{}",
        g.show()
    );
    g.assert_short_of_signoffs(0);
    // The link leaves the environment root, so it is not read: that is an
    // introduced error of its own, which a sign-off does not lift; and an
    // absolute link leads to nothing in the repository (gate/config).
    r.amend(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff("Ana", true, "peer sign-off");
    assert_eq!(g.gate()["introduced_errors"], 2, "{}", g.show());
    assert!(
        g.show().contains("symbolic link that leads to nothing"),
        "{}",
        g.show()
    );
    let findings = g.json["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == "parse/error"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("symbolic link points outside the environment root")),
        "{}",
        g.show()
    );
    assert!(!g.stdout.contains("root:"), "/etc/passwd was read");
}

/// C13: a submodule (gitlink) bump under an environment's root, and a
/// `.gitattributes` that adds a filter for the config: both need approval.
#[test]
fn c13_gitlink_bump_and_gitattributes() {
    let r = Repo::standard("");
    let old = "1111111111111111111111111111111111111111";
    let new = "2222222222222222222222222222222222222222";
    r.git(&["checkout", "-q", "main"]);
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{old},deploy/prod/charts"),
    ]);
    r.commit_staged(ADMIN, ADMIN, b"Pin the charts\n", &[], &[]);
    r.git(&["checkout", "-q", "feature"]);
    r.git(&["reset", "-q", "--hard", "main"]);
    r.git(&[
        "update-index",
        "--cacheinfo",
        &format!("160000,{new},deploy/prod/charts"),
    ]);
    r.commit_staged(MAL, MAL, b"Bump the charts\n", &[], &[]);
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(
        g.changes(),
        vec![("deploy/prod/charts".to_string(), "M".to_string())]
    );
    assert_eq!(
        g.list("changes")[0]["new"],
        format!("160000 {new}"),
        "{}",
        g.show()
    );
    g.assert_short_of_signoffs(0);
    // Signed, it is still refused: a submodule's content is another
    // repository's, which the drift engine cannot compare (R4, gate/config).
    r.amend_staged(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    g.assert_refused();
    assert!(
        g.show().contains("gate/config") && g.show().contains("submodule"),
        "{}",
        g.show()
    );

    let r = Repo::standard("");
    r.write(".gitattributes", "deploy/** filter=decrypt diff=plain\n");
    r.commit("Decrypt the config on checkout\n");
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(
        g.changes(),
        vec![(".gitattributes".to_string(), "A".to_string())]
    );
    g.assert_short_of_signoffs(0);
    r.amend(&msg(&reviewed_by(ANA)));
    r.gate_main().assert_passed();
}

// C14 (`Config/Prod.yaml` vs `config/prod.yaml`, NFD vs NFC paths) is out of
// scope here: the gate matches paths on bytes and does not flag
// case/Unicode-normalisation collisions.

/// C15: an evil merge: the merge's config differs from the automatic merge
/// of its parents, so it needs a sign-off on it or after it (and makes the
/// earlier sign-off stale).
#[test]
fn c15_evil_merge() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit(&msg(&reviewed_by(ANA)));
    r.on_main("Touch the code", |r| {
        r.write("src/main.rs", "fn main() { println!(\"hi\"); }\n")
    });
    r.git(&["merge", "-q", "--no-ff", "--no-commit", "main"]);
    r.everywhere("log_level: info", "log_level: debug");
    let merge = r.commit("Merge branch 'main' into feature\n");
    assert_eq!(
        r.git(&["rev-list", "--parents", "-n1", "HEAD"])
            .split(' ')
            .count(),
        3,
        "not a merge"
    );
    let g = r.gate_main();
    g.assert_refused();
    let reqs = g.requirements();
    let own = reqs
        .iter()
        .find(|q| {
            q["source"]
                .as_str()
                .unwrap()
                .starts_with(&format!("merge {}", &merge[..12]))
        })
        .unwrap_or_else(|| panic!("no requirement for the merge:\n{}", g.show()));
    assert!(
        own["source"]
            .as_str()
            .unwrap()
            .contains("differs from the automatic merge of its parents"),
        "{}",
        g.show()
    );
    assert_eq!(own["satisfied"], false, "{}", g.show());
    g.assert_signoff("Ana", false, "stale:");

    // Bo reviews the merge itself: its requirement and the base one are met.
    r.amend(&msg(&reviewed_by(BO)));
    let g = r.gate_main();
    g.assert_passed();
    g.assert_signoff("Bo", true, "peer sign-off");
}

/// C16: a clean "update branch" merge of main (which changed only `src/`)
/// needs nothing more.
#[test]
fn c16_clean_update_merge() {
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit(&msg(&reviewed_by(ANA)));
    r.on_main("Touch the code", |r| {
        r.write("src/main.rs", "fn main() { println!(\"hi\"); }\n")
    });
    r.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'main' into feature",
        "main",
    ]);
    let g = r.gate_main();
    g.assert_passed();
    assert_eq!(g.requirements().len(), 1, "{}", g.show());
    g.assert_signoff("Ana", true, "peer sign-off");
}

// --- 6.4 environment -------------------------------------------------------------

/// A feature branch of three commits, the last with Ana's sign-off.
fn three_commit_change() -> Repo {
    let r = Repo::standard("");
    r.write("src/main.rs", "fn main() { println!(\"one\"); }\n");
    r.commit("One\n");
    r.write("src/main.rs", "fn main() { println!(\"two\"); }\n");
    r.commit("Two\n");
    r.raise_timeout();
    r.commit(&msg(&reviewed_by(ANA)));
    r.gate_main().assert_passed();
    r
}

/// E1: `actions/checkout`'s default depth 1, base absent: fail closed,
/// naming the fix.
#[test]
fn e01_shallow_clone() {
    let r = three_commit_change();
    let url = format!("file://{}", r.root().display());
    let clone = r.scratch("shallow");
    r.git_ok(
        r.tmp.path(),
        MAL,
        MAL,
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let g = r.gate_with(&clone, &["--base", "origin/main"], &[]);
    g.assert_cannot_answer(&["shallow", "fetch-depth"]);

    // Not shallow, but the base was never fetched (one branch cloned).
    let clone = r.scratch("single-branch");
    r.git_ok(
        r.tmp.path(),
        MAL,
        MAL,
        &[
            "clone",
            "-q",
            "--single-branch",
            "--branch",
            "feature",
            &url,
            clone.to_str().unwrap(),
        ],
    );
    let g = r.gate_with(&clone, &["--base", "origin/main"], &[]);
    g.assert_cannot_answer(&["`origin/main` cannot be resolved", "fetch-depth: 0"]);
}

/// E2: a full clone whose base was then fetched with `--depth=1`: the
/// repository is shallow again (history under-counted): fail closed.
#[test]
fn e02_base_fetched_at_depth_one() {
    let r = three_commit_change();
    let url = format!("file://{}", r.root().display());
    let clone = r.scratch("clone");
    r.git_ok(
        r.tmp.path(),
        MAL,
        MAL,
        &["clone", "-q", &url, clone.to_str().unwrap()],
    );
    r.on_main("Touch the code", |r| {
        r.write("src/main.rs", "fn main() { println!(\"main\"); }\n")
    });
    r.git_ok(
        &clone,
        MAL,
        MAL,
        &["fetch", "-q", "--depth=1", "origin", "main"],
    );
    assert_eq!(
        r.git_ok(&clone, MAL, MAL, &["rev-parse", "--is-shallow-repository"]),
        "true",
        "the fetch did not make the clone shallow"
    );
    let g = r.gate_with(&clone, &["--base", "origin/main"], &[]);
    g.assert_cannot_answer(&["shallow", "fetch-depth"]);
}

/// E7: the user's `trailer.*` alias, `core.commentChar` and `mailmap.file`
/// change what git reads, but not the gate's verdict.
#[test]
fn e07_user_git_config_does_not_change_the_verdict() {
    let r = Repo::standard(TWO);
    r.raise_timeout();
    let body = format!(
        "{}\nR: {}\n# {}",
        reviewed_by(BO),
        ANA.ident(),
        reviewed_by(EVE)
    );
    r.commit(&msg(&body));
    let mailmap = r.scratch("user.mailmap");
    std::fs::write(&mailmap, format!("{} <{}>\n", ANA.ident(), MAL.email)).unwrap();
    let user = r.user_config(
        "home-user",
        &format!(
            "[trailer \"r\"]\n\tkey = Reviewed-by\n[core]\n\tcommentChar = \";\"\n[mailmap]\n\tfile = {}\n",
            mailmap.display()
        ),
    );
    // The config bites: git, with it, reads Ana as a reviewer.
    let out = r
        .command("git", &r.root(), MAL, MAL)
        .args([
            "log",
            "-1",
            "--format=%(trailers:key=Reviewed-by,valueonly)",
        ])
        .envs(user.iter().map(|(k, v)| (*k, v)))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(ANA.email),
        "git did not apply the user config: {out:?}"
    );

    let clean = r.gate_main();
    let configured = r.gate_with(&r.root(), &["--base", "main"], &user);
    clean.assert_refused();
    clean.assert_signoff("Bo", true, "peer sign-off");
    clean.assert_short_of_signoffs(1);
    assert_eq!(configured.code, clean.code, "{}", configured.show());
    for field in ["digest", "passed", "signoffs"] {
        assert_eq!(
            configured.gate()[field],
            clean.gate()[field],
            "{field} differs"
        );
    }
    assert_eq!(configured.json, clean.json, "the reports differ");
}

// --- incidents -------------------------------------------------------------------

/// The ClickHouse incident as a gate: `config.xml` per environment.
fn clickhouse() -> Repo {
    let fixture = crate::harness::repo().join("fixtures/incidents/clickhouse-data-path");
    let staging = std::fs::read_to_string(fixture.join("clickhouse/staging/config.xml")).unwrap();
    let prod = std::fs::read_to_string(fixture.join("clickhouse/prod/config.xml"))
        .unwrap()
        .replace(
            "<path>/data/clickhouse/</path>",
            "<path>/var/lib/clickhouse/</path>",
        );
    assert_eq!(
        staging.matches("<path>/var/lib/clickhouse/</path>").count(),
        1
    );
    Repo::init(&[
        (
            "driftcheck.toml",
            "[env.staging]\nroot = \"clickhouse/staging\"\n\n[env.prod]\nroot = \"clickhouse/prod\"\n",
        ),
        ("clickhouse/staging/config.xml", &staging),
        ("clickhouse/prod/config.xml", &prod),
    ])
}

fn rename_data_path(r: &Repo, env: &str) {
    r.replace(
        &format!("clickhouse/{env}/config.xml"),
        "<path>/var/lib/clickhouse/</path>",
        "<path>/data/clickhouse/</path>",
    );
}

/// Incident (ClickHouse data path): a rename in staging only introduces
/// `drift/data-path` and is refused even with two valid sign-offs.
#[test]
fn incident_clickhouse_rename_in_one_environment_is_refused() {
    let r = clickhouse();
    rename_data_path(&r, "staging");
    r.commit(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
    let g = r.gate_main();
    g.assert_refused();
    g.assert_signoff("Ana", true, "peer sign-off");
    g.assert_signoff("Bo", true, "peer sign-off");
    assert!(
        g.requirements().iter().all(|q| q["satisfied"] == true),
        "{}",
        g.show()
    );
    assert!(
        g.gate()["introduced_errors"].as_u64().unwrap() >= 1,
        "{}",
        g.show()
    );
    let findings = g.json["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == "drift/data-path"
            && f["severity"] == "error"
            && f["key"] == "clickhouse.path"),
        "no introduced drift/data-path error at clickhouse.path:\n{}",
        g.show()
    );
}

/// Incident (ClickHouse data path): the same rename in every environment,
/// with one peer sign-off, passes.
#[test]
fn incident_clickhouse_rename_everywhere_passes() {
    let r = clickhouse();
    rename_data_path(&r, "staging");
    rename_data_path(&r, "prod");
    r.commit(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    g.assert_passed();
    assert_eq!(g.gate()["introduced_errors"], 0, "{}", g.show());
    g.assert_signoff("Ana", true, "peer sign-off");
}

fn statefulset(env: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: blobstore
  namespace: storage-{env}
spec:
  serviceName: blobstore
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: blobstore
          image: registry.internal/blobstore:4.2.0
"
    )
}

/// Incident (storage tier): lowering prod's StatefulSet `spec.replicas`
/// (still >= staging, so no drift error) needs two sign-offs
/// (`k8s-replica-decrease`): one is refused, two pass.
#[test]
fn incident_storage_tier_replica_decrease_needs_two_signoffs() {
    let r = Repo::init(&[
        ("driftcheck.toml", CONFIG),
        (
            "deploy/staging/statefulset.yaml",
            &statefulset("staging", 3),
        ),
        ("deploy/prod/statefulset.yaml", &statefulset("prod", 5)),
    ]);
    r.replace("deploy/prod/statefulset.yaml", "replicas: 5", "replicas: 4");
    r.commit(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(g.gate()["introduced_errors"], 0, "{}", g.show());
    assert_eq!(g.gate()["required"], 2, "{}", g.show());
    let reqs = g.requirements();
    let rule = reqs
        .iter()
        .find(|q| {
            q["source"]
                .as_str()
                .unwrap()
                .contains("policy `k8s-replica-decrease`")
        })
        .unwrap_or_else(|| panic!("no k8s-replica-decrease requirement:\n{}", g.show()));
    assert_eq!(rule["required"], 2, "{}", g.show());
    assert_eq!(rule["have"], 1, "{}", g.show());
    assert_eq!(rule["satisfied"], false, "{}", g.show());

    r.amend(&msg(&format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))));
    let g = r.gate_main();
    g.assert_passed();
    assert!(
        g.requirements().iter().all(|q| q["satisfied"] == true),
        "{}",
        g.show()
    );
}
