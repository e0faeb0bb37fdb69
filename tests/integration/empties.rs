//! No silent empties: a setup that would compare nothing, or less than the
//! user asked for, says so (exit 2, or a warning finding) instead of
//! reporting success.

use crate::harness::{Tree, json, rules_and_keys};

/// A git repository (so the repository boundary is known) with `files`.
fn repo(files: &[(&str, &str)]) -> Tree {
    let t = Tree::new(files);
    let ok = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(t.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", t.path())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    t
}

const APP: &str = "replicas: 2\n";

#[test]
fn roots_outside_the_repository_are_refused() {
    for root in ["../outside", "a/../../outside", "./../outside/", "/tmp"] {
        let config = format!("[env.staging]\nroot = \"a\"\n[env.prod]\nroot = \"{root}\"\n");
        let t = repo(&[("repo/driftcheck.toml", &config), ("repo/a/app.yaml", APP)]);
        t.write("outside/app.yaml", APP);
        let dir = t.path().join("repo");
        let ok = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(&dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap()
            .success();
        assert!(ok);
        for cmd in [&["diff", "staging", "prod"][..], &["check"], &["audit"]] {
            let run = crate::harness::driftcheck(&dir, cmd);
            assert_eq!(run.code, 2, "{root} {cmd:?}: {}", run.all());
            assert!(
                run.stderr.contains("outside the repository"),
                "{root}: {}",
                run.all()
            );
        }
    }
}

#[test]
fn two_environments_reading_the_same_files_are_refused() {
    for (a, b) in [("a", "a"), ("a", "./a/"), ("a", "a/b/.."), ("./a", "a/.")] {
        let config = format!("[env.staging]\nroot = \"{a}\"\n[env.prod]\nroot = \"{b}\"\n");
        let t = repo(&[("driftcheck.toml", &config), ("a/app.yaml", APP)]);
        let run = t.run(&["check"]);
        assert_eq!(run.code, 2, "{a} {b}: {}", run.all());
        assert!(run.stderr.contains("read the same files"), "{}", run.all());
    }
}

#[test]
fn an_environment_against_its_own_alias_is_refused() {
    let t = repo(&[
        (
            "driftcheck.toml",
            "[env.staging]\nroot = \"s\"\naliases = [\"stg\", \"stage\"]\n[env.prod]\nroot = \"p\"\naliases = [\"production\"]\n",
        ),
        ("s/app.yaml", APP),
        ("p/app.yaml", APP),
    ]);
    for pair in [["staging", "stg"], ["stage", "stg"], ["production", "prod"]] {
        let run = t.run(&["diff", pair[0], pair[1]]);
        assert_eq!(run.code, 2, "{pair:?}: {}", run.all());
        assert!(
            run.stderr.contains("both name environment"),
            "{}",
            run.all()
        );
    }
    assert_eq!(t.run(&["diff", "stg", "production"]).code, 0);
}

#[test]
fn a_policies_glob_that_matches_nothing_is_a_warning() {
    for glob in [
        "policies/*.toml",
        "polices/**/*.toml",
        "policy/../policies/*.toml",
    ] {
        let config = format!(
            "policies = [\"{glob}\"]\n[env.staging]\nroot = \"s\"\n[env.prod]\nroot = \"p\"\n"
        );
        let t = repo(&[
            ("driftcheck.toml", &config),
            ("s/app.yaml", APP),
            ("p/app.yaml", APP),
        ]);
        t.write("policy/team.toml", "");
        let run = t.run(&["check", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.all());
        let v = json(&run);
        assert_eq!(
            rules_and_keys(&v),
            vec![("config/empty-glob".to_string(), String::new())],
            "{glob}: {v}"
        );
        assert!(v.to_string().contains(glob), "{v}");
    }
}

/// A `policies` glob that leads out of the repository is an error naming
/// it, for `check` as for the gate (one resolver, `setup::policy_files`).
#[test]
fn a_policies_glob_leading_out_of_the_repository_is_an_error() {
    for glob in [
        "../policies/*.toml",
        "a/../../policies/*.toml",
        "../../x.toml",
    ] {
        let config = format!(
            "policies = [\"{glob}\"]\n[env.staging]\nroot = \"s\"\n[env.prod]\nroot = \"p\"\n"
        );
        let t = repo(&[
            ("driftcheck.toml", &config),
            ("s/app.yaml", APP),
            ("p/app.yaml", APP),
        ]);
        let run = t.run(&["check"]);
        assert_eq!(run.code, 2, "{glob}: {}", run.all());
        assert!(
            run.stderr.contains(glob) && run.stderr.contains("out of the repository"),
            "{}",
            run.all()
        );
    }
}

#[test]
fn an_inline_allow_of_an_unknown_rule_is_an_error_with_a_suggestion() {
    for (id, suggestion) in [
        ("drift/data-pth", "drift/data-path"),
        ("drift/flags", "drift/flag"),
        ("k8s-replica-decrese", "k8s-replica-decrease"),
    ] {
        let t = repo(&[
            (
                "driftcheck.toml",
                "[env.staging]\nroot = \"s\"\n[env.prod]\nroot = \"p\"\n",
            ),
            ("s/app.yaml", "data_path: /var/lib/x\n"),
            (
                "p/app.yaml",
                &format!("data_path: /data/x  # driftcheck: allow {id} -- moved disks\n"),
            ),
        ]);
        let run = t.run(&["check", "--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.all());
        let v = json(&run);
        let bad = crate::harness::first_finding(&v, "policy/invalid-suppression");
        let message = bad["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("did you mean `{suggestion}`")),
            "{id}: {message}"
        );
        // And the drift it meant to allow is still reported.
        crate::harness::first_finding(&v, "drift/data-path");
    }
}

#[test]
fn hook_install_without_a_config_refuses_and_says_init() {
    let t = repo(&[("s/app.yaml", APP)]);
    let run = t.run(&["hook", "install"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("driftcheck init"), "{}", run.all());
    assert!(!t.path().join(".git/hooks/pre-commit").exists());
}

/// A policy rule whose key pattern matches no key in any compared
/// environment is a `policy/unused-rule` warning naming the policy file and
/// line; the same rule with a pattern that matches is silent.
#[test]
fn a_rule_whose_key_pattern_matches_nothing_is_a_warning() {
    let config =
        "policies = [\"policies/*.toml\"]\n[env.staging]\nroot = \"s\"\n[env.prod]\nroot = \"p\"\n";
    for (pattern, unused) in [
        ("replicsa", true),
        ("spec.replicas", true),
        ("replicas", false),
        ("**.replicas", false),
    ] {
        let policy = format!(
            "# team rules\n\n[[rule]]\nid = \"team/min\"\nkeys = [\"{pattern}\"]\nmin = 1\n"
        );
        let t = repo(&[
            ("driftcheck.toml", config),
            ("s/app.yaml", APP),
            ("p/app.yaml", APP),
            ("policies/team.toml", &policy),
        ]);
        let run = t.run(&["check", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.all());
        let v = json(&run);
        let found = rules_and_keys(&v)
            .iter()
            .any(|(rule, _)| rule == "policy/unused-rule");
        assert_eq!(found, unused, "{pattern}: {v}");
        if unused {
            let text = v.to_string();
            assert!(text.contains("policies/team.toml:3"), "{text}");
            assert!(text.contains(pattern), "{text}");
        }
    }
}
