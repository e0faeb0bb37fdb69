//! The incidents of SPEC §1, replayed as fixtures: each fails with the
//! findings the incident calls for (built-in drift and the shipped or the
//! fixture's own policy), and each passes once fixed. (Credential reuse in
//! dotenv lives in `cli.rs`.)

use std::path::Path;

use crate::harness::{copy_dir, driftcheck, json, repo, rules_and_keys};

fn findings(incident: &str) -> (i32, serde_json::Value) {
    findings_in(
        &repo().join("fixtures/incidents").join(incident),
        &["staging", "prod"],
    )
}

fn findings_in(dir: &Path, envs: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["diff"];
    args.extend_from_slice(envs);
    args.extend_from_slice(&["--format", "json"]);
    let run = driftcheck(dir, &args);
    assert!(!run.stdout.is_empty(), "{}", run.all());
    (run.code, json(&run))
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A copy of an incident's fixture with `edits` (`file`, `from`, `to`) applied.
fn fixed(incident: &str, edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("fixtures/incidents").join(incident),
        tmp.path(),
    );
    for (file, from, to) in edits {
        let p = tmp.path().join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} lacks {from}");
        std::fs::write(&p, text.replace(from, to)).unwrap();
    }
    tmp
}

/// Rule ids of the error findings.
fn errors(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str().unwrap().to_string())
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
    assert_eq!(
        f["policy"], "clickhouse-data-paths",
        "the shipped ClickHouse policy governs it"
    );
    assert_eq!(f["envs"]["staging"]["value"], "/var/lib/clickhouse/");
    assert_eq!(f["envs"]["prod"]["value"], "/data/clickhouse/");
    assert_eq!(f["envs"]["prod"]["line"], 10);
    assert_eq!(code, 1);

    let ok = fixed(
        "clickhouse-data-path",
        &[(
            "clickhouse/prod/config.xml",
            "<path>/data/clickhouse/</path>",
            "<path>/var/lib/clickhouse/</path>",
        )],
    );
    let (code, v) = findings_in(ok.path(), &["staging", "prod"]);
    assert_eq!((code, errors(&v)), (0, vec![]), "{v}");
}

#[test]
fn rotated_credentials_are_compared_by_fingerprint_only() {
    let dir = repo().join("fixtures/incidents/rotated-credentials");
    let (code, v) = findings("rotated-credentials");
    assert_eq!(
        rules_and_keys(&v),
        pairs(&[
            ("drift/credential-reused", "db.password"),
            ("superuser-password", "db.password")
        ])
    );
    let f = &v["findings"][0];
    assert_eq!(f["file"], "statemachine/config.yaml");
    assert_eq!(
        f["envs"]["staging"]["secret"]["fingerprint"],
        f["envs"]["prod"]["secret"]["fingerprint"]
    );
    // The link: within prod, the state machine's copy is not pgbouncer's.
    let link = &v["findings"][1];
    assert!(
        link["message"]
            .as_str()
            .unwrap()
            .starts_with("prod: linked secrets differ"),
        "{link}"
    );
    let (a, b) = (&link["envs"]["prod #1"], &link["envs"]["prod #2"]);
    // Paths are relative to the repository root (this repository's).
    let prefix = "fixtures/incidents/rotated-credentials/";
    assert_eq!(
        a["file"],
        format!("{prefix}deploy/prod/statemachine/config.yaml")
    );
    assert_eq!(
        b["file"],
        format!("{prefix}deploy/prod/pgbouncer/pgbouncer.ini")
    );
    assert_ne!(a["secret"]["fingerprint"], b["secret"]["fingerprint"]);
    assert!(a["secret"]["fingerprint"].is_string());
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

    // Fixed: prod's state machine carries the rotated password too.
    let ok = fixed(
        "rotated-credentials",
        &[(
            "deploy/prod/statemachine/config.yaml",
            "Stg-7hQ2-superuser-Lk9",
            "Prd-Xw4m-rotated-2026-Bn8",
        )],
    );
    let (code, v) = findings_in(ok.path(), &["staging", "prod"]);
    assert_eq!((code, errors(&v)), (0, vec![]), "{v}");
}

#[test]
fn load_balancer_retry_on_timeout() {
    let (code, v) = findings("lb-retry");
    let key = "http.server[api.example.com:443].location[/api/].proxy_next_upstream";
    assert_eq!(
        rules_and_keys(&v),
        pairs(&[("drift/value", key), ("nginx-no-timeout-retry", key)])
    );
    let f = &v["findings"][0];
    assert_eq!(f["envs"]["staging"]["value"], "[error]");
    assert_eq!(f["envs"]["prod"]["value"], "[error, timeout]");
    assert_eq!(f["envs"]["prod"]["line"], 19);
    let policy = &v["findings"][1];
    assert_eq!(policy["severity"], "error");
    assert!(
        policy["message"].as_str().unwrap().starts_with("prod: "),
        "{policy}"
    );
    assert!(
        policy["help"].as_str().unwrap().contains("query of death"),
        "the reason is in the help"
    );
    assert_eq!(code, 1);

    let ok = fixed(
        "lb-retry",
        &[(
            "nginx/prod/nginx.conf",
            "proxy_next_upstream error timeout;",
            "proxy_next_upstream error;",
        )],
    );
    let (code, v) = findings_in(ok.path(), &["staging", "prod"]);
    assert_eq!((code, errors(&v)), (0, vec![]), "{v}");
}

#[test]
fn storage_tier_replicas_and_nodes() {
    let (code, v) = findings("storage-tier");
    assert_eq!(
        rules_and_keys(&v),
        pairs(&[
            ("drift/value", "storage.nodes"),
            ("drift/value", "spec.replicas"),
            ("k8s-prod-capacity", "spec.replicas")
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
        v["findings"][2]["message"],
        "`prod >= staging` does not hold: prod is 2, staging is 3"
    );
    assert_eq!(code, 1);

    let ok = fixed(
        "storage-tier",
        &[
            ("deploy/prod/statefulset.yaml", "replicas: 2", "replicas: 3"),
            (
                "deploy/prod/blobstore.yaml",
                "[blob-0, blob-2]",
                "[blob-0, blob-1, blob-2]",
            ),
        ],
    );
    let (code, v) = findings_in(ok.path(), &["staging", "prod"]);
    assert_eq!((code, errors(&v)), (0, vec![]), "{v}");
}

#[test]
fn feature_flag_flip() {
    let dir = repo().join("fixtures/incidents/feature-flag-flip");
    let (code, v) = findings_in(&dir, &["cluster-a", "cluster-b"]);
    assert_eq!(errors(&v), ["drift/flag"]);
    assert_eq!(code, 1);
    let ok = fixed(
        "feature-flag-flip",
        &[(
            "clusters/cluster-b/flags.yaml",
            "cache_writes_enabled: false",
            "cache_writes_enabled: true",
        )],
    );
    let (code, v) = findings_in(ok.path(), &["cluster-a", "cluster-b"]);
    assert_eq!((code, errors(&v)), (0, vec![]), "{v}");
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
