//! `check --staged` / `--rev` judge the change, not the repository: a commit
//! that touches no compared config passes silently whatever drift exists;
//! one that does fails only on the findings it introduces; pre-existing
//! drift is one line; `--all` keeps the whole-tree answer.

use crate::gate_catalogue::{MAL, Repo};

fn check(r: &Repo, args: &[&str]) -> (i32, String) {
    let out = r
        .command(env!("CARGO_BIN_EXE_driftcheck"), &r.root(), MAL, MAL)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// A repository whose prod already has `drifts` error-level drifts.
fn drifting(drifts: usize) -> Repo {
    let r = Repo::standard("");
    for n in 0..drifts {
        r.write(
            &format!("deploy/staging/svc{n}.yaml"),
            &format!("data_path: /var/lib/svc{n}\n"),
        );
        r.write(
            &format!("deploy/prod/svc{n}.yaml"),
            &format!("data_path: /data/svc{n}\n"),
        );
    }
    r.git(&["add", "-A"]);
    r.commit("Existing drift");
    r
}

/// Files that are not config, with awkward names (spaces, unicode, dots,
/// names that contain an environment's name).
const UNRELATED: &[&str] = &[
    "NOTES.md",
    "docs/prod notes.md",
    "src/staging_helper.rs",
    "deploy/README-prod.md.txt",
    "Ünïcode/файл.txt",
    ".github/workflows/prod.yaml",
];

#[test]
fn unrelated_commits_pass_silently_whatever_drift_exists() {
    for drifts in [0, 1, 3] {
        let r = drifting(drifts);
        for (n, path) in UNRELATED.iter().enumerate() {
            r.write(path, &format!("edit {n}\n"));
            r.git(&["add", "--", path]);
            let (code, text) = check(&r, &["check", "--staged"]);
            assert_eq!((code, text.as_str()), (0, ""), "{drifts} drifts, {path}");
            let (code, text) = check(&r, &["check", "--staged", "-v"]);
            assert_eq!(code, 0);
            assert!(text.contains("touches no compared config"), "{text}");
            r.git(&["commit", "-q", "-m", "docs"]);
            let (code, text) = check(&r, &["check", "--rev", "HEAD"]);
            assert_eq!((code, text.as_str()), (0, ""), "--rev, {path}");
        }
        // --all keeps the whole tree's answer.
        r.write("NOTES.md", "again\n");
        r.git(&["add", "NOTES.md"]);
        let (code, _) = check(&r, &["check", "--staged", "--all"]);
        assert_eq!(
            code,
            if drifts > 0 { 1 } else { 0 },
            "--all, {drifts} drifts"
        );
    }
}

#[test]
fn a_config_change_fails_only_on_what_it_introduces() {
    for drifts in [0, 2] {
        let r = drifting(drifts);
        // Touches config, introduces nothing: silent pass.
        r.everywhere("timeout: 30", "timeout: 45");
        r.git(&["add", "-A"]);
        let (code, text) = check(&r, &["check", "--staged"]);
        assert_eq!((code, text.as_str()), (0, ""), "{drifts} drifts");
        r.git(&["commit", "-q", "-m", "timeouts"]);
        // Introduces a data-path drift: fails, shows it and only it.
        r.replace(
            "deploy/prod/app.yaml",
            "data_path: /var/lib/app",
            "data_path: /mnt/app",
        );
        r.git(&["add", "-A"]);
        let (code, text) = check(&r, &["check", "--staged"]);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("data_path"), "{text}");
        assert!(
            !text.contains("svc0"),
            "pre-existing drift is not listed: {text}"
        );
        // Judged incrementally: drift in files the change cannot affect is
        // not read at all (`--all` lists it).
        assert!(!text.contains("were there before"), "{text}");
        let (code, all) = check(&r, &["check", "--staged", "--all"]);
        assert_eq!(code, 1, "{all}");
        assert_eq!(all.contains("svc0"), drifts > 0, "{all}");
        let (code, json) = check(&r, &["check", "--staged", "--format", "json"]);
        assert_eq!(code, 1);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{v}");
        // Fixing an existing drift in the same change introduces nothing more.
        if drifts > 0 {
            r.replace(
                "deploy/prod/app.yaml",
                "data_path: /mnt/app",
                "data_path: /var/lib/app",
            );
            r.replace("deploy/prod/svc0.yaml", "/data/svc0", "/var/lib/svc0");
            r.git(&["add", "-A"]);
            let (code, text) = check(&r, &["check", "--staged"]);
            assert_eq!((code, text.as_str()), (0, ""));
        }
    }
}

/// A change to the config or a policy file counts as touching config, and a
/// broken config at the index is an error, not a silent pass.
#[test]
fn config_and_policy_edits_are_checked() {
    let r = drifting(1);
    let config = r.read("driftcheck.toml");
    r.write(
        "driftcheck.toml",
        &format!("{config}\n[env.prod2]\nroot = \"deploy/prod\"\n"),
    );
    r.git(&["add", "-A"]);
    let (code, text) = check(&r, &["check", "--staged"]);
    assert_ne!(code, 0, "{text}");
    r.write("driftcheck.toml", "[env.staging\n");
    r.git(&["add", "-A"]);
    let (code, text) = check(&r, &["check", "--staged"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("driftcheck.toml"), "{text}");
}

/// `baseline = "F"` in driftcheck.toml: `check` (and so the hook, with
/// `--all` too) accepts the findings recorded there; new ones still fail.
#[test]
fn a_baseline_named_in_the_config_is_honoured() {
    let r = drifting(2);
    let (code, _) = check(&r, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    let config = r.read("driftcheck.toml");
    r.write(
        "driftcheck.toml",
        &format!("baseline = \"baseline.json\"\n{config}"),
    );
    r.git(&["add", "-A"]);
    r.commit("Record the known drift");
    for args in [&["check"][..], &["check", "--rev", "HEAD", "--all"]] {
        let (code, text) = check(&r, args);
        assert_eq!(code, 0, "{args:?}: {text}");
    }
    r.replace(
        "deploy/prod/app.yaml",
        "data_path: /var/lib/app",
        "data_path: /mnt/app",
    );
    let (code, text) = check(&r, &["check"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("data_path") && !text.contains("svc0"),
        "{text}"
    );
    // `diff` shows everything: a baseline is `check`'s.
    let (code, _) = check(&r, &["diff", "staging", "prod"]);
    assert_eq!(code, 1);
}

/// A staged edit to a policy file counts as touching config however the
/// glob reaches it (`policies/*.toml`, `./policies/x.toml`, `../` from a
/// config in a subdirectory), and a root written with `..` is watched by
/// the path it names.
#[test]
fn policy_files_and_dotted_roots_are_watched_by_what_they_name() {
    for (config_at, glob, policy) in [
        ("driftcheck.toml", "policies/*.toml", "policies/team.toml"),
        (
            "driftcheck.toml",
            "./policies/team.toml",
            "policies/team.toml",
        ),
        (
            "ops/driftcheck.toml",
            "../policies/*.toml",
            "policies/team.toml",
        ),
    ] {
        let prefix = if config_at.starts_with("ops/") {
            "../"
        } else {
            ""
        };
        let r = Repo::init(&[
            (
                config_at,
                &format!(
                    "policies = [\"{glob}\"]\n[env.staging]\nroot = \"{prefix}deploy/prod/../staging\"\n[env.prod]\nroot = \"{prefix}deploy/prod\"\n"
                ),
            ),
            ("deploy/staging/app.yaml", "data_path: /var/lib/a\n"),
            ("deploy/prod/app.yaml", "data_path: /var/lib/a\n"),
            (
                policy,
                "[[rule]]\nid = \"team/a\"\nkeys = [\"data_path\"]\nexpect = \"same\"\n",
            ),
        ]);
        let dir = match config_at
            .trim_end_matches("driftcheck.toml")
            .trim_end_matches('/')
        {
            "" => ".",
            d => d,
        };
        // Nothing staged yet touches config: silent.
        r.write("NOTES.md", "n\n");
        r.git(&["add", "-A"]);
        assert_eq!(
            check(&r, &["check", "--staged", "-C", dir]),
            (0, String::new())
        );
        r.git(&["reset", "-q", "--hard"]);
        // A broken policy staged: the check must read it (exit 2), not pass.
        r.write(policy, "[[rule]]\nid = \n");
        r.git(&["add", "-A"]);
        let (code, text) = check(&r, &["check", "--staged", "-C", dir]);
        assert_eq!(code, 2, "{config_at} {glob}: {text}");
        assert!(text.contains("team.toml"), "{text}");
        r.git(&["reset", "-q", "--hard"]);
        // An edit under the dotted root is checked too.
        r.write("deploy/staging/app.yaml", "data_path: /mnt/a\n");
        r.git(&["add", "-A"]);
        let (code, text) = check(&r, &["check", "--staged", "-C", dir]);
        assert_eq!(code, 1, "{config_at}: {text}");
        r.git(&["reset", "-q", "--hard"]);
    }
}
