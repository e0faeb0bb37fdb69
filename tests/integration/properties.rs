//! Properties of the diff: an environment against a copy of itself finds
//! nothing; swapping the environments swaps the sides and nothing else.

use std::path::Path;

use crate::harness::{Tree, driftcheck, json, repo};

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn an_environment_against_its_copy_finds_nothing() {
    let t = Tree::new(&[]);
    copy_dir(
        &repo().join("fixtures/demo/deploy/prod"),
        &t.path().join("envs/prod"),
    );
    copy_dir(
        &repo().join("fixtures/demo/deploy/prod"),
        &t.path().join("envs/staging"),
    );
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    let findings = v["findings"].as_array().unwrap();
    // Identical copies share every secret, so only reuse may be reported.
    assert!(
        findings
            .iter()
            .all(|f| f["rule"] == "drift/credential-reused"),
        "{}",
        r.stdout
    );
    // With the secrets taken out, nothing at all.
    let t = Tree::new(&[]);
    copy_dir(
        &repo().join("fixtures/demo/deploy/staging/k8s"),
        &t.path().join("staging"),
    );
    copy_dir(
        &repo().join("fixtures/demo/deploy/staging/k8s"),
        &t.path().join("prod"),
    );
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        json(&r)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] == "drift/credential-reused")
    );
}

#[test]
fn swapping_environments_swaps_sides_only() {
    let demo = repo().join("fixtures/demo");
    let a = json(&driftcheck(
        &demo,
        &["diff", "staging", "prod", "--format", "json"],
    ));
    let b = json(&driftcheck(
        &demo,
        &["diff", "prod", "staging", "--format", "json"],
    ));
    let key = |f: &serde_json::Value| {
        (
            f["rule"].to_string(),
            f["file"].to_string(),
            f["document"].to_string(),
            f["key"].to_string(),
        )
    };
    let mut fa: Vec<&serde_json::Value> = a["findings"].as_array().unwrap().iter().collect();
    let mut fb: Vec<&serde_json::Value> = b["findings"].as_array().unwrap().iter().collect();
    fa.sort_by_key(|f| key(f));
    fb.sort_by_key(|f| key(f));
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(key(x), key(y));
        // Same sides per environment (fingerprints differ per run, so compare the rest).
        for env in ["staging", "prod"] {
            assert_eq!(x["envs"][env]["value"], y["envs"][env]["value"], "{x}\n{y}");
            assert_eq!(x["envs"][env]["line"], y["envs"][env]["line"]);
            assert_eq!(
                x["envs"][env]["secret"].is_null(),
                y["envs"][env]["secret"].is_null()
            );
        }
    }
    assert_eq!(a["summary"], b["summary"]);
}
