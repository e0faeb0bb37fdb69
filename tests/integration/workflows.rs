//! Where users run driftcheck: git hooks (installed where git really looks,
//! never over a foreign hook), `check --staged` / `--rev` reading the index
//! or a revision exactly as the working tree, `init`, completions, the man
//! page, and the GitHub outputs file.

use std::ffi::OsString;

use crate::gate_catalogue::{ANA, MAL, Repo, msg, reviewed_by};
use crate::harness::{Tree, driftcheck};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_driftcheck")
}

fn hooks(r: &Repo, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut full = vec!["hook"];
    full.extend_from_slice(args);
    r.command(bin(), dir, MAL, MAL)
        .args(&full)
        .output()
        .unwrap()
}

/// By default a local hook warns about a missing sign-off (the review comes
/// later, in the pull request) and still blocks introduced error drift;
/// `[review] local = "block"` makes it as strict as CI.
#[test]
fn local_hooks_warn_about_missing_signoffs_unless_told_to_block() {
    let r = Repo::standard("");
    assert!(hooks(&r, &r.root(), &["install"]).status.success());
    r.replace("deploy/prod/app.yaml", "timeout: 30", "timeout: 60");
    r.replace("deploy/staging/app.yaml", "timeout: 30", "timeout: 60");
    r.git(&["add", "-A"]);
    let out = r.git_in(
        &r.root(),
        MAL,
        MAL,
        &["commit", "-q", "-m", &msg("No review")],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "a missing sign-off only warns: {said}"
    );
    assert!(
        said.contains("gate/signoff") && said.contains("CI check requires it"),
        "{said}"
    );
    // Introduced error drift still blocks, sign-off or not.
    r.replace(
        "deploy/prod/app.yaml",
        "data_path: /var/lib/app",
        "data_path: /mnt/app",
    );
    r.git(&["add", "-A"]);
    let out = r.git_in(
        &r.root(),
        MAL,
        MAL,
        &["commit", "-q", "-m", &msg(&reviewed_by(ANA))],
    );
    assert!(!out.status.success(), "introduced drift blocks");
    // A bad value for the setting is a config error naming the choices.
    r.git(&["checkout", "-q", "--", "."]);
    r.git(&["reset", "-q", "--hard"]);
    let config = r.read("driftcheck.toml");
    r.write(
        "driftcheck.toml",
        &format!("{config}\n[review]\nlocal = \"blok\"\n"),
    );
    let run = driftcheck(&r.root(), &["check"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("did you mean `block`"), "{}", run.all());
}

#[test]
fn hooks_go_where_git_runs_them_and_block_an_unreviewed_config_commit() {
    let r = Repo::standard(&crate::gate_catalogue::strict_local(""));
    let out = hooks(&r, &r.root(), &["install"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("can be bypassed") && text.contains("CI"),
        "{text}"
    );
    let dir = r.root().join(".git/hooks");
    assert!(dir.join("pre-commit").is_file() && dir.join("commit-msg").is_file());

    // A config change without a peer's sign-off: the commit-msg hook refuses it.
    r.replace("deploy/prod/app.yaml", "timeout: 30", "timeout: 60");
    r.replace("deploy/staging/app.yaml", "timeout: 30", "timeout: 60");
    r.git(&["add", "-A"]);
    let refused = r.git_in(
        &r.root(),
        MAL,
        MAL,
        &["commit", "-q", "-m", &msg("No review")],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!refused.status.success(), "the hook must block it: {said}");
    assert!(said.contains("gate/signoff"), "{said}");
    // With a peer's sign-off it goes through.
    let ok = r.git_in(
        &r.root(),
        MAL,
        MAL,
        &["commit", "-q", "-m", &msg(&reviewed_by(ANA))],
    );
    assert!(
        ok.status.success(),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn hooks_respect_core_hooks_path_and_worktrees() {
    let r = Repo::standard("");
    r.git(&["config", "core.hooksPath", ".githooks"]);
    assert!(
        hooks(&r, &r.root(), &["install", "--pre-push"])
            .status
            .success()
    );
    assert!(r.root().join(".githooks/pre-push").is_file());
    assert!(!r.root().join(".git/hooks/pre-push").exists());

    let r = Repo::standard("");
    let wt = r.scratch("wt");
    r.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "other"]);
    assert!(hooks(&r, &wt, &["install"]).status.success());
    // Worktrees share the common hooks directory.
    assert!(r.root().join(".git/hooks/pre-commit").is_file());
}

#[test]
fn a_foreign_hook_is_never_overwritten_silently() {
    let r = Repo::standard("");
    let hook = r.root().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let out = hooks(&r, &r.root(), &["install"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );

    assert!(
        hooks(&r, &r.root(), &["install", "--force"])
            .status
            .success()
    );
    let backup = r.root().join(".git/hooks/pre-commit.driftcheck-backup");
    assert_eq!(
        std::fs::read_to_string(&backup).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("driftcheck-managed-hook")
    );

    // Uninstall removes only driftcheck's hooks and restores what they replaced.
    std::fs::write(r.root().join(".git/hooks/post-merge"), "#!/bin/sh\n").unwrap();
    assert!(hooks(&r, &r.root(), &["uninstall"]).status.success());
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert!(!r.root().join(".git/hooks/commit-msg").exists());
    assert!(r.root().join(".git/hooks/post-merge").exists());
}

#[test]
fn staged_and_revision_reads_equal_the_working_tree_read() {
    let r = Repo::standard("");
    // A data-path change in prod only, staged but not committed; a new file too.
    r.replace(
        "deploy/prod/app.yaml",
        "data_path: /var/lib/app",
        "data_path: /data/app",
    );
    r.write("deploy/prod/extra.yaml", "a: 1\n");
    r.git(&["add", "-A"]);
    // The working tree then moves on: --staged must not see that.
    r.replace(
        "deploy/prod/app.yaml",
        "log_level: info",
        "log_level: debug",
    );
    let run = |args: &[&str]| {
        let out = r
            .command(bin(), &r.root(), MAL, MAL)
            .args(args)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    let (code, staged) = run(&["check", "--staged", "--format", "json"]);
    assert_eq!(code, Some(1));
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["key"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert!(
        keys(&staged).contains(&"drift/data-path data_path".to_string()),
        "{staged}"
    );
    assert!(
        keys(&staged).contains(&"drift/missing-file ".to_string()),
        "a staged new file counts: {staged}"
    );
    assert!(
        !staged.to_string().contains("debug"),
        "unstaged edits are not read"
    );

    // Commit it; --rev HEAD gives the same findings, and so does the working
    // tree once it equals that commit.
    r.git(&["commit", "-q", "-m", "x"]);
    let (_, rev) = run(&["check", "--rev", "HEAD", "--format", "json"]);
    r.git(&["checkout", "--", "."]);
    let (_, work) = run(&["check", "--format", "json"]);
    assert_eq!(keys(&rev), keys(&staged));
    assert_eq!(keys(&work), keys(&staged));
    // And the human form says what the change will need at the gate.
    let out = r
        .command(bin(), &r.root(), MAL, MAL)
        .args(["check", "--rev", "HEAD"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("needs 1 sign-off"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn init_writes_a_config_that_runs() {
    let t = Tree::new(&[
        ("overlays/staging/app.yaml", "a: 1\n"),
        ("overlays/prod/app.yaml", "a: 2\n"),
    ]);
    let r = driftcheck(t.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let text = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
    assert!(
        text.contains("[env.staging]\nroot = \"overlays/staging\""),
        "{text}"
    );
    assert!(
        text.contains("[env.prod]\nroot = \"overlays/prod\""),
        "{text}"
    );
    assert_eq!(driftcheck(t.path(), &["check"]).code, 0);
    // Not twice without --force.
    assert_eq!(driftcheck(t.path(), &["init"]).code, 2);
    assert_eq!(driftcheck(t.path(), &["init", "--force"]).code, 0);
}

#[test]
fn completions_and_man_page() {
    let t = Tree::new(&[]);
    for shell in ["bash", "zsh", "fish"] {
        let r = driftcheck(t.path(), &["completions", shell]);
        assert_eq!(r.code, 0);
        assert!(
            r.stdout.contains("driftcheck") && r.stdout.contains("gate"),
            "{shell}"
        );
    }
    let man = driftcheck(t.path(), &["man"]);
    assert!(
        man.stdout.starts_with(".ie") && man.stdout.contains(".TH driftcheck 1"),
        "{}",
        man.stdout
    );
    let help = driftcheck(t.path(), &["--help"]);
    assert!(
        help.stdout.contains("Exit codes:") && help.stdout.contains("driftcheck gate --base"),
        "{}",
        help.stdout
    );
}

#[test]
fn github_format_writes_step_outputs() {
    let r = Repo::standard("");
    r.replace("deploy/prod/app.yaml", "timeout: 30", "timeout: 60");
    r.replace("deploy/staging/app.yaml", "timeout: 30", "timeout: 60");
    r.git(&["add", "-A"]);
    r.commit(&msg(&reviewed_by(ANA)));
    let outputs = r.scratch("github_output");
    let summary = r.scratch("step_summary");
    let vars: Vec<(&str, OsString)> = vec![
        ("GITHUB_OUTPUT", outputs.clone().into_os_string()),
        ("GITHUB_STEP_SUMMARY", summary.clone().into_os_string()),
    ];
    let out = r.driftcheck_in(
        &r.root(),
        &["gate", "--base", "main", "--format", "github"],
        &vars,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(
        written.contains("approved=true\n") && written.contains("errors=0\n"),
        "{written}"
    );
    assert!(
        written.lines().any(
            |l| l.starts_with("digest=v2-sha256:") && l.len() == "digest=v2-sha256:".len() + 32
        )
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.contains("Gate: passed") && md.contains("peer sign-off"),
        "{md}"
    );
}

/// `audit` against `gen_history.py`'s ground truth: for every commit, the
/// Reviewed-by identities read are exactly the ones git parses, and each
/// counts if and only if the reviewer is not the author.
#[test]
fn audit_agrees_with_the_generated_history() {
    let Some(bench) = crate::harness::corpus("bench") else {
        return;
    };
    if !crate::harness::tool("python3", &["--version"]) {
        return;
    }
    let generator = bench.join("gen_history.py");
    let checker = crate::harness::repo().join("bench/audit_truth.py");
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("history");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let clean = |c: &mut std::process::Command| {
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null");
    };
    let mut g = std::process::Command::new("python3");
    g.arg(&generator).arg(&repo).args(["--commits", "1500"]);
    clean(&mut g);
    assert!(g.output().unwrap().status.success());
    let mut a = std::process::Command::new(bin());
    a.current_dir(&repo).args(["audit", "--format", "json"]);
    clean(&mut a);
    let out = a.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "some commits have no peer review"
    );
    let json = tmp.path().join("audit.json");
    std::fs::write(&json, &out.stdout).unwrap();
    let mut c = std::process::Command::new("python3");
    c.arg(&checker).arg(&repo).arg(&json);
    clean(&mut c);
    let check = c.output().unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{said}");
    assert!(
        said.starts_with("1500 commits checked against truth.json, 0 disagreements"),
        "{said}"
    );
    // The markdown form is a table with one row per audited commit.
    let mut m = std::process::Command::new(bin());
    m.current_dir(&repo).args(["audit", "--format", "markdown"]);
    clean(&mut m);
    let md = String::from_utf8_lossy(&m.output().unwrap().stdout).into_owned();
    assert_eq!(md.lines().filter(|l| l.starts_with("| `")).count(), 1500);
}
