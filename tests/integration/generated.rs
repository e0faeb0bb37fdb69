//! Against the shared workload generator: every injected data-path drift and
//! credential reuse is reported with the right rule id, and nothing that
//! differs only by the environment's name is reported.

use std::collections::BTreeSet;
use std::process::Command;

use crate::harness::{Tree, json, rules_and_keys};

#[test]
fn injected_drift_is_found_with_the_right_rule() {
    let Some(bench) = crate::harness::corpus("bench") else {
        return;
    };
    if !crate::harness::tool("python3", &["--version"]) {
        return;
    }
    let gen_envs = bench.join("gen_envs.py");
    let t = Tree::new(&[]);
    let status = Command::new("python3")
        .arg(&gen_envs)
        .arg(t.path())
        .args(["--files", "400", "--drift", "0.05"])
        .output()
        .expect("python3 runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("manifest.json")).unwrap())
            .unwrap();
    let run = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&run);
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["rule"] != "parse/error"),
        "{}",
        run.stdout
    );

    // (file, rule) pairs reported, with the key's last segment, upper-cased for matching.
    let reported: BTreeSet<(String, String, String)> = findings
        .iter()
        .map(|f| {
            let key = f["key"].as_str().unwrap_or("");
            let key = key
                .rsplit_once("[name=")
                .map(|(_, n)| n.trim_end_matches("].value"))
                .unwrap_or(key);
            let last = key.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                last,
            )
        })
        .collect();
    let mut checked = 0;
    for d in manifest["drift"].as_array().unwrap() {
        let kind = d["kind"].as_str().unwrap();
        let rule = match kind {
            "data_path" => "drift/data-path",
            "credential_reused" => "drift/credential-reused",
            _ => continue,
        };
        let file = d["file"].as_str().unwrap();
        let key = d["key"].as_str().unwrap().to_ascii_uppercase();
        // Kubernetes documents align by identity: their findings carry the file they live in.
        let found = reported
            .iter()
            .any(|(f, r, k)| f == file && r == rule && (k == &key || k.is_empty()));
        assert!(
            found,
            "{kind} drift of {key} in {file} not reported as {rule}"
        );
        checked += 1;
    }
    assert!(
        checked > 10,
        "the workload must inject data-path and credential drift ({checked})"
    );

    // Values equal modulo environment names are counted without -v and
    // listed with it (two code paths): the same number, the same findings.
    let verbose = json(&t.run(&["diff", "staging", "prod", "--format", "json", "-v"]));
    let listed = verbose["equivalent"].as_array().unwrap().len();
    assert!(
        listed > 100,
        "hosts and namespaces differ by environment name ({listed})"
    );
    assert_eq!(v["summary"]["equivalent"], listed);
    assert_eq!(rules_and_keys(&verbose), rules_and_keys(&v));

    // Nothing that differs only by the environment's name: hosts and namespaces
    // show only where the generator really changed them.
    let drifted: BTreeSet<(String, String)> = manifest["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["key"].as_str().unwrap().to_ascii_uppercase(),
            )
        })
        .collect();
    for f in findings {
        let key = f["key"].as_str().unwrap_or("");
        let last = key.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
        if last == "HOST" || last == "NAMESPACE" {
            let file = f["file"].as_str().unwrap().to_string();
            assert!(
                drifted.contains(&(file, last)),
                "env-name-only difference reported: {f}"
            );
        }
    }
}
