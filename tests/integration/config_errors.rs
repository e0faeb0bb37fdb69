//! `driftcheck.toml` problems: every problem of a file in one run, each
//! with file:line:column, the source line and a caret, in every format.
//! Fixtures are the files in `tests/fixtures/config-errors/`, one malformed
//! config each; the human form of all of them is one snapshot.

use std::path::Path;

use crate::harness::{Tree, json};

fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config-errors");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_problem_of_a_malformed_config_in_one_run() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 10, "at least ten malformed configs");
    let mut all = String::new();
    for (name, text) in &fixtures {
        let t = Tree::new(&[("driftcheck.toml", text.as_str())]);
        let r = t.run(&["check"]);
        assert_eq!(r.code, 2, "{name}: {}", r.all());
        assert_eq!(r.stdout, "", "{name}: the human form goes to stderr");
        assert!(
            !r.stderr.contains("ghp_") && !r.stderr.contains("S3cr3t"),
            "{name}: a secret was quoted: {}",
            r.stderr
        );
        all.push_str(&format!("=== {name}\n{}\n", r.stderr));

        // The machine form lists the same problems, each with a position.
        let j = t.run(&["check", "--format", "json"]);
        let v = json(&j);
        let problems = v["error"]["problems"].as_array().unwrap();
        let carets = r.stderr.matches("error[config/invalid]").count();
        assert_eq!(problems.len(), carets, "{name}: {v}");
        for p in problems {
            assert_eq!(p["file"], "driftcheck.toml", "{name}: {p}");
            assert!(p["line"].as_u64().unwrap() > 0, "{name}: {p}");
            assert!(p["column"].as_u64().unwrap() > 0, "{name}: {p}");
        }
        let gh = t.run(&["check", "--format", "github"]);
        assert_eq!(
            gh.stdout.lines().count(),
            problems.len(),
            "{name}: {}",
            gh.stdout
        );
        assert!(
            gh.stdout
                .lines()
                .all(|l| l.starts_with("::error file=driftcheck.toml,line=")),
            "{name}: {}",
            gh.stdout
        );
    }
    insta::assert_snapshot!("config_errors", all);
}

/// Many problems in one file are all reported, in file order.
#[test]
fn problems_come_in_file_order() {
    let (_, text) = fixtures()
        .into_iter()
        .find(|(n, _)| n.starts_with("10-"))
        .unwrap();
    let t = Tree::new(&[("driftcheck.toml", text.as_str())]);
    let v = json(&t.run(&["check", "--format", "json"]));
    let lines: Vec<u64> = v["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert!(lines.len() >= 6, "{v}");
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}
