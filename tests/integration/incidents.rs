//! The incidents of SPEC §1, replayed as fixtures: each reports exactly the
//! finding the incident calls for. (Feature-flag flip and credential reuse
//! in dotenv live in `cli.rs`.)

use crate::harness::{driftcheck, json, repo, rules_and_keys};

fn findings(incident: &str) -> (i32, serde_json::Value) {
    let run = driftcheck(
        &repo().join("fixtures/incidents").join(incident),
        &["diff", "staging", "prod", "--format", "json"],
    );
    assert!(!run.stdout.is_empty(), "{}", run.all());
    (run.code, json(&run))
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn clickhouse_data_path() {
    let (code, v) = findings("clickhouse-data-path");
    assert_eq!(
        rules_and_keys(&v),
        pairs(&[("drift/data-path", "clickhouse.path")])
    );
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["envs"]["staging"]["value"], "/var/lib/clickhouse/");
    assert_eq!(f["envs"]["prod"]["value"], "/data/clickhouse/");
    assert_eq!(f["envs"]["prod"]["line"], 10);
    assert_eq!(code, 1);
}

#[test]
fn rotated_credentials_are_compared_by_fingerprint_only() {
    let dir = repo().join("fixtures/incidents/rotated-credentials");
    let (code, v) = findings("rotated-credentials");
    assert_eq!(
        rules_and_keys(&v),
        pairs(&[("drift/credential-reused", "db.password")])
    );
    let f = &v["findings"][0];
    assert_eq!(f["file"], "statemachine/config.yaml");
    assert_eq!(
        f["envs"]["staging"]["secret"]["fingerprint"],
        f["envs"]["prod"]["secret"]["fingerprint"]
    );
    assert_eq!(code, 1);
    // No copy of any password, in any form, reaches the output.
    for args in [
        &["diff", "staging", "prod", "-v"][..],
        &["diff", "staging", "prod", "--format", "json", "-v"],
    ] {
        let out = driftcheck(&dir, args).all();
        for secret in ["7hQ2-superuser", "Xw4m-rotated", "readonly-Qz3"] {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
    }
}

#[test]
fn load_balancer_retry_on_timeout() {
    let (code, v) = findings("lb-retry");
    assert_eq!(
        rules_and_keys(&v),
        pairs(&[(
            "drift/value",
            "http.server[api.example.com:443].location[/api/].proxy_next_upstream"
        )])
    );
    let f = &v["findings"][0];
    assert_eq!(f["envs"]["staging"]["value"], "[error]");
    assert_eq!(f["envs"]["prod"]["value"], "[error, timeout]");
    assert_eq!(f["envs"]["prod"]["line"], 19);
    assert_eq!(
        code, 0,
        "drift alone is a note; the shipped nginx policy makes it an error"
    );
}

#[test]
fn storage_tier_replicas_and_nodes() {
    let (code, v) = findings("storage-tier");
    assert_eq!(
        rules_and_keys(&v),
        pairs(&[
            ("drift/value", "storage.nodes"),
            ("drift/value", "spec.replicas")
        ])
    );
    let replicas = &v["findings"][1];
    assert_eq!(replicas["document"], "StatefulSet/storage-{env}/blobstore");
    assert_eq!(
        (
            replicas["envs"]["staging"]["value"].as_str(),
            replicas["envs"]["prod"]["value"].as_str()
        ),
        (Some("3"), Some("2"))
    );
    assert_eq!(
        code, 0,
        "value drift alone is a note; the policy issue makes it an error"
    );
}

#[test]
fn every_incident_has_a_readme_naming_it() {
    for entry in std::fs::read_dir(repo().join("fixtures/incidents")).unwrap() {
        let dir = entry.unwrap().path();
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(readme.starts_with("Incident: "), "{}", dir.display());
        assert!(dir.join("driftcheck.toml").is_file(), "{}", dir.display());
    }
}
