//! The shipped policy pack, rule by rule (`fixtures/pack/RULE/`): each rule
//! fires on its `bad` config and stays silent on the fixed `good` one;
//! change-aware rules ask for their review when `head` follows `base`.

use std::path::Path;

use crate::harness::{copy_dir, driftcheck, json, repo};

/// Every rule id of the shipped pack, read from `policies/*.toml`.
fn pack_rules() -> Vec<String> {
    let mut ids = Vec::new();
    for entry in std::fs::read_dir(repo().join("policies")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(id) = line
                .strip_prefix("id = \"")
                .and_then(|r| r.strip_suffix('"'))
            {
                ids.push(id.to_string());
            }
        }
    }
    ids.sort();
    ids
}

/// The findings of `check` in `dir` that belong to `rule` (by id or governing policy).
fn fired(dir: &Path, rule: &str) -> Vec<serde_json::Value> {
    let r = driftcheck(dir, &["check", "--format", "json"]);
    assert_ne!(r.code, 2, "{}: {}", dir.display(), r.all());
    json(&r)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule || f["policy"] == rule)
        .cloned()
        .collect()
}

#[test]
fn every_pack_rule_has_a_fixture_that_fires_and_a_fixed_one_that_does_not() {
    let rules = pack_rules();
    assert!(rules.len() >= 15, "{rules:?}");
    for rule in &rules {
        let dir = repo().join("fixtures/pack").join(rule);
        assert!(dir.is_dir(), "no fixture for pack rule `{rule}`");
        if dir.join("base").is_dir() {
            continue; // change-aware: below
        }
        let (bad, good) = (dir.join("bad"), dir.join("good"));
        if rule == "k8s-image-tags" {
            // `expect = "any"` fires by silencing the drift it allows.
            let images = |dir: &Path| {
                let v = json(&driftcheck(
                    dir,
                    &["diff", "staging", "prod", "--format", "json"],
                ));
                v["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| f["key"].as_str().is_some_and(|k| k.ends_with(".image")))
                    .count()
            };
            assert_eq!(images(&bad), 0, "the differing image tags are allowed");
            let t = tempfile::tempdir().unwrap();
            copy_dir(&bad, t.path());
            let config = t.path().join("driftcheck.toml");
            let text = std::fs::read_to_string(&config).unwrap();
            std::fs::write(
                &config,
                format!("{text}\n[policy]\ndisable = [\"k8s-image-tags\"]\n"),
            )
            .unwrap();
            assert_eq!(images(t.path()), 1, "without the rule they are drift");
            continue;
        }
        assert!(
            !fired(&bad, rule).is_empty(),
            "`{rule}` did not fire on {}",
            bad.display()
        );
        assert!(
            fired(&good, rule).is_empty(),
            "`{rule}` fired on the fixed {}",
            good.display()
        );
    }
}

#[test]
fn change_aware_pack_rules_ask_for_their_review() {
    for rule in pack_rules() {
        let dir = repo().join("fixtures/pack").join(&rule);
        if !dir.join("base").is_dir() {
            continue;
        }
        let t = tempfile::tempdir().unwrap();
        let work = t.path().join("repo");
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(args)
                .current_dir(&work)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", t.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_AUTHOR_NAME", "Mallory")
                .env("GIT_AUTHOR_EMAIL", "mal@example.com")
                .env("GIT_COMMITTER_NAME", "Mallory")
                .env("GIT_COMMITTER_EMAIL", "mal@example.com")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        std::fs::create_dir_all(&work).unwrap();
        git(&["init", "-q", "-b", "main"]);
        copy_dir(&dir.join("base"), &work);
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "base"]);
        git(&["checkout", "-q", "-b", "change"]);
        std::fs::remove_dir_all(work.join("deploy")).unwrap();
        copy_dir(&dir.join("head"), &work);
        git(&["add", "-A"]);
        git(&[
            "commit",
            "-q",
            "-m",
            "change\n\nReviewed-by: Ana <ana@example.com>",
        ]);
        let r = driftcheck(&work, &["gate", "--base", "main", "--format", "json"]);
        let v = json(&r);
        let reqs = v["gate"]["requirements"].as_array().unwrap();
        let mine: Vec<&serde_json::Value> = reqs
            .iter()
            .filter(|q| q["source"].as_str().unwrap().contains(&format!("`{rule}`")))
            .collect();
        assert!(!mine.is_empty(), "`{rule}` asked for nothing: {v}");
        assert_eq!(mine[0]["required"], 2, "{rule}");
        assert_eq!(
            mine[0]["satisfied"], false,
            "one sign-off is not two: {rule}"
        );
        assert_eq!(r.code, 1, "{rule}");
    }
}
