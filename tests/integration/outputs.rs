//! The sarif, github and markdown formats: the demo's findings in each
//! (snapshots), SARIF against the official schema, GitHub's annotation limit
//! and escaping, the step summary, and the pull-request comment size limit.

use std::path::Path;

use crate::harness::{Run, Tree, driftcheck, driftcheck_with_env, json, repo, stable};

fn demo(format: &str) -> Run {
    let run = driftcheck(
        &repo().join("fixtures/demo"),
        &["diff", "staging", "prod", "--format", format],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    run
}

// ------------------------------------------------------------------- sarif

#[test]
fn demo_sarif_snapshot() {
    insta::assert_snapshot!("demo_sarif", stable(&demo("sarif").all()));
}

/// Every error of `sarif` against the official 2.1.0 schema, formats
/// (`uri`, `uri-reference`) included, as `check-jsonschema` (the peer CI
/// installs, with `rfc3986-validator` for the URI formats) reports them:
/// `path: message` lines. `None` when the peer is missing (skipped).
fn schema_errors(sarif: &serde_json::Value) -> Option<Vec<String>> {
    if !crate::harness::tool("check-jsonschema", &["--version"]) {
        return None;
    }
    let schema = repo().join("tests/data/schemas/sarif-2.1.0.json");
    let dir = tempfile::tempdir().unwrap();
    let instance = dir.path().join("report.sarif.json");
    std::fs::write(&instance, sarif.to_string()).unwrap();
    let out = std::process::Command::new("check-jsonschema")
        .args(["--output-format", "json", "--schemafile"])
        .arg(&schema)
        .arg(&instance)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check-jsonschema: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    // `parse_errors` appears only when there are some.
    assert!(
        report["parse_errors"].as_array().is_none_or(Vec::is_empty),
        "{report}"
    );
    Some(
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{}: {}", e["path"].as_str().unwrap(), e["message"]))
            .collect(),
    )
}

/// A repository with paths that need encoding, a file in one environment
/// only, a file that does not parse, a secret literal, and a policy rule of
/// its own.
fn awkward() -> Tree {
    Tree::new(&[
        (
            "driftcheck.toml",
            "policies = [\"team.toml\"]\n[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
        ),
        (
            "team.toml",
            "[[rule]]\nid = \"team/replicas\"\nkeys = [\"replicas\"]\nmin = 2\n\
             help = \"Run at least two replicas. One is a single point of failure.\"\n",
        ),
        (
            "staging/my conf/app #1.yaml",
            "replicas: 1\npassword: ${DB_PASSWORD}\n",
        ),
        (
            "prod/my conf/app #1.yaml",
            "replicas: 3\npassword: s3cr3t-prod-22\n",
        ),
        ("prod/only:here%.txt", "hello\n"),
        ("staging/broken.json", "{\"a\": \n"),
        ("prod/broken.json", "{\"a\": 1}\n"),
    ])
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let demo = json(&demo("sarif"));
    let Some(errors) = schema_errors(&demo) else {
        return;
    };
    assert_eq!(errors, Vec::<String>::new());
    let run = awkward().run(&["diff", "staging", "prod", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(
        schema_errors(&json(&run)).unwrap(),
        Vec::<String>::new(),
        "{}",
        run.stdout
    );
    // The validator does reject what the schema forbids.
    let mut bad = demo.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    bad["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a b/c d.yaml".into();
    let errors = schema_errors(&bad).unwrap();
    assert!(
        errors.iter().any(|e| e.contains("results[0].level")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains(".uri:")), "{errors:?}");
}

#[test]
fn sarif_rules_results_and_locations() {
    let run = awkward().run(&["diff", "staging", "prod", "--format", "sarif"]);
    let v = json(&run);
    let sarif_run = &v["runs"][0];
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "one descriptor per rule id, sorted");
    let team = &rules[ids.iter().position(|&id| id == "team/replicas").unwrap()];
    assert_eq!(
        team["shortDescription"]["text"],
        "Run at least two replicas."
    );
    assert_eq!(team["defaultConfiguration"]["level"], "error");
    let results = sarif_run["results"].as_array().unwrap();
    let mut uris = Vec::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(r["ruleId"], rules[index]["id"], "{r}");
        for loc in r["locations"].as_array().unwrap() {
            let artifact = &loc["physicalLocation"]["artifactLocation"];
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            uris.push(artifact["uri"].as_str().unwrap().to_string());
        }
    }
    for uri in [
        "staging/my%20conf/app%20%231.yaml",
        "prod/my%20conf/app%20%231.yaml",
        "prod/only%3Ahere%25.txt",
        "staging/broken.json",
    ] {
        assert!(uris.iter().any(|u| u == uri), "{uri} not in {uris:?}");
    }
    let replicas = results
        .iter()
        .find(|r| r["ruleId"] == "team/replicas")
        .unwrap();
    assert_eq!(
        replicas["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "replicas"
    );
    assert_eq!(
        replicas["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    // The whole-file finding has a location but no region.
    let missing = results
        .iter()
        .find(|r| r["ruleId"] == "drift/missing-file")
        .unwrap();
    assert!(missing["locations"][0]["physicalLocation"]["region"].is_null());
    assert_eq!(missing["properties"]["absent"][0], "staging");
    // Secrets: the fingerprint only.
    assert!(!run.stdout.contains("s3cr3t"), "{}", run.stdout);
    let secret = results.iter().find(|r| {
        r["properties"]["values"]["prod"]
            .as_str()
            .is_some_and(|v| v.starts_with("<secret fp="))
    });
    assert!(secret.is_some(), "{}", run.stdout);
}

/// Code scanning matches results across runs by `partialFingerprints`: they
/// must not change between runs, even though secret fingerprints do.
#[test]
fn sarif_fingerprints_are_stable_across_runs() {
    let tree = awkward();
    let prints = || -> Vec<String> {
        let v = json(&tree.run(&["diff", "staging", "prod", "--format", "sarif"]));
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["driftcheck/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let first = prints();
    assert!(first.iter().all(|p| p.len() == 16), "{first:?}");
    assert_eq!(first, prints());
}

// ---------------------------------------------------------------- markdown

#[test]
fn demo_markdown_snapshot() {
    insta::assert_snapshot!("demo_markdown", stable(&demo("markdown").all()));
}

#[test]
fn markdown_escapes_cells() {
    let tree = Tree::new(&[
        ("staging/app.yaml", "cmd: \"a | b `c`\"\n"),
        ("prod/app.yaml", "cmd: \"a\\nb\"\n"),
    ]);
    let run = tree.run(&["diff", "staging", "prod", "--format", "markdown"]);
    assert!(
        run.stdout.starts_with("### ✅ driftcheck: no errors\n"),
        "{}",
        run.stdout
    );
    let row = run
        .stdout
        .lines()
        .find(|l| l.starts_with("| note |"))
        .unwrap();
    assert_eq!(
        row,
        "| note | `drift/value` | `app.yaml` | `cmd` | `` a \\| b `c` `` | `a\\nb` |"
    );
}

#[test]
fn markdown_stays_under_the_comment_limit() {
    let mut staging = String::new();
    let mut prod = String::new();
    for i in 0..1500 {
        let long = "x".repeat(120);
        staging.push_str(&format!(
            "SETTING_NUMBER_{i:04}_WITH_A_LONG_NAME={long}{i}a\n"
        ));
        prod.push_str(&format!(
            "SETTING_NUMBER_{i:04}_WITH_A_LONG_NAME={long}{i}b\n"
        ));
    }
    let tree = Tree::new(&[("staging/.env", &staging), ("prod/.env", &prod)]);
    let run = tree.run(&["diff", "staging", "prod", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let out = &run.stdout;
    assert!(out.len() <= 65_536, "{} bytes", out.len());
    assert!(
        out.len() > 60_000,
        "{} bytes: the table should fill the room",
        out.len()
    );
    let rows = out.lines().filter(|l| l.starts_with("| note |")).count();
    let more = format!("\n… {} more findings not shown", 1500 - rows);
    assert!(
        out.contains(&more),
        "{rows} rows shown\n{}",
        &out[out.len() - 2000..]
    );
    assert!(
        out.trim_end().ends_with("</details>"),
        "the help survives the cut"
    );
    // Values are cut like the human format does.
    assert!(out.contains("xxx…` |"), "{}", &out[..2000]);
}

// ------------------------------------------------------------------ github

#[test]
fn demo_github_snapshot() {
    insta::assert_snapshot!("demo_github", stable(&demo("github").all()));
}

/// 12 data paths (errors), 13 flags (warnings) and 11 values (notes).
fn many() -> Tree {
    let mut staging = String::new();
    let mut prod = String::new();
    for i in 0..12 {
        staging.push_str(&format!("DATA_DIR_{i:02}=/srv/staging-{i}\n"));
        prod.push_str(&format!("DATA_DIR_{i:02}=/data/{i}\n"));
    }
    for i in 0..13 {
        staging.push_str(&format!("FEATURE_{i:02}=true\n"));
        prod.push_str(&format!("FEATURE_{i:02}=false\n"));
    }
    for i in 0..11 {
        staging.push_str(&format!("COUNT_{i:02}=1\n"));
        prod.push_str(&format!("COUNT_{i:02}=2\n"));
    }
    Tree::new(&[("staging/.env", &staging), ("prod/.env", &prod)])
}

#[test]
fn github_annotates_at_most_ten_per_level_most_important_first() {
    let tree = many();
    let v = json(&tree.run(&["diff", "staging", "prod", "--format", "json"]));
    assert_eq!(
        (
            v["summary"]["errors"].as_u64(),
            v["summary"]["warnings"].as_u64(),
            v["summary"]["notes"].as_u64()
        ),
        (Some(12), Some(13), Some(11)),
        "{v}"
    );
    let run = tree.run(&["diff", "staging", "prod", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let lines: Vec<&str> = run.stdout.lines().collect();
    let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("::error "), 10, "{}", run.stdout);
    assert_eq!(count("::warning "), 10, "{}", run.stdout);
    // Nine notes and the line saying what was left out: ten notices.
    assert_eq!(count("::notice "), 10, "{}", run.stdout);
    let last_notice = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("::notice "))
        .unwrap();
    assert!(
        last_notice.starts_with("::notice title=driftcheck::7 more findings not annotated"),
        "{last_notice}"
    );
    // Errors first, then warnings, then notices; the summary line last.
    let levels: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("::")?.split(' ').next())
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by_key(|l| ["error", "warning", "notice"].iter().position(|x| x == l));
    assert_eq!(levels, sorted);
    assert_eq!(
        lines.last().unwrap(),
        &"driftcheck: 12 errors, 13 warnings, 11 notes (staging vs prod, 2 files)"
    );
    // The first ten errors by key.
    assert!(lines[0].contains("DATA_DIR_00"), "{}", lines[0]);
    assert!(lines[9].contains("DATA_DIR_09"), "{}", lines[9]);
}

#[test]
fn github_escapes_properties_and_messages() {
    let tree = Tree::new(&[
        ("staging/a,b:c.yaml", "\"100%\": \"x\\ny\"\nsame: 1\n"),
        ("prod/a,b:c.yaml", "\"100%\": \"z\\r\\nw\"\nsame: 1\n"),
    ]);
    let run = tree.run(&["diff", "staging", "prod", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let mut lines = run.stdout.lines();
    let annotation = lines.next().unwrap();
    assert!(
        annotation.starts_with(
            "::notice file=staging/a%2Cb%3Ac.yaml,line=1,endLine=1,title=drift/value::value differs"
        ),
        "{annotation}"
    );
    assert!(
        annotation.contains("%0Akey: [\"100%25\"]%0A"),
        "{annotation}"
    );
    // Newlines inside values are shown escaped, never as line breaks.
    assert!(annotation.contains(": x\\ny%0A"), "{annotation}");
    assert!(annotation.contains(": z\\r\\nw%0A"), "{annotation}");
    assert_eq!(
        lines.next(),
        Some("driftcheck: 0 errors, 0 warnings, 1 note (staging vs prod, 2 files)")
    );
    assert_eq!(lines.next(), None);
}

#[test]
fn github_appends_the_markdown_report_to_the_step_summary() {
    let tree = many();
    let summary = tree.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let vars: &[(&str, &Path)] = &[("GITHUB_STEP_SUMMARY", &summary)];
    let run = driftcheck_with_env(
        tree.path(),
        &["diff", "staging", "prod", "--format", "github"],
        vars,
    );
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout.contains("; the step summary lists them all"),
        "{}",
        run.stdout
    );
    let markdown = tree.run(&["diff", "staging", "prod", "--format", "markdown"]);
    let written = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(written, format!("earlier step\n{}", markdown.stdout));
    // Every finding is in it, annotated or not.
    assert_eq!(written.matches("\n| error |").count(), 12);
    assert_eq!(written.matches("\n| note |").count(), 11);
}

#[test]
fn github_reports_an_unwritable_step_summary() {
    let tree = many();
    let summary = tree.path().join("no/such/dir/summary.md");
    let vars: &[(&str, &Path)] = &[("GITHUB_STEP_SUMMARY", &summary)];
    let run = driftcheck_with_env(
        tree.path(),
        &["diff", "staging", "prod", "--format", "github"],
        vars,
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("GITHUB_STEP_SUMMARY"), "{}", run.all());
}

// -------------------------------------------------------------------- all

/// `check` speaks every format; `explain` speaks human and JSON and refuses
/// the report formats (it used to print its human form under any of them).
#[test]
fn every_command_accepts_the_new_formats() {
    let tree = awkward();
    for format in ["sarif", "github", "markdown"] {
        let check = tree.run(&["check", "--format", format]);
        assert_eq!(check.code, 1, "{format}: {}", check.all());
        assert!(
            check.stdout.contains("team/replicas"),
            "{format}: {}",
            check.all()
        );
        let explain = tree.run(&["explain", "drift/flag", "--format", format]);
        assert_eq!(explain.code, 2, "{format}: {}", explain.all());
        assert!(
            explain.stderr.contains("does not speak"),
            "{}",
            explain.all()
        );
    }
}

// ------------------------------------------------------- repository paths

/// Every path a machine format prints, as printed.
fn printed_paths(format: &str, run: &Run) -> Vec<String> {
    let mut paths = Vec::new();
    match format {
        "json" => {
            for f in json(run)["findings"].as_array().unwrap() {
                for site in f["envs"].as_object().unwrap().values() {
                    if let Some(file) = site["file"].as_str() {
                        paths.push(file.to_string());
                    }
                }
            }
        }
        "sarif" => {
            for r in json(run)["runs"][0]["results"].as_array().unwrap() {
                for loc in r["locations"].as_array().unwrap() {
                    let uri = loc["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap();
                    paths.push(uri.replace("%20", " "));
                }
            }
        }
        "github" => {
            let re = regex::Regex::new(r"file=([^,]+),").unwrap();
            for c in re.captures_iter(&run.stdout) {
                paths.push(c[1].to_string());
            }
        }
        _ => unreachable!(),
    }
    paths
}

/// Under `-C DIR` (and `--config DIR/driftcheck.toml`), every path in every
/// machine format is relative to the repository root, and exists there; a
/// rendered environment points at its `render` line in the config.
#[test]
fn paths_are_relative_to_the_repository_root_under_dash_c() {
    let t = Tree::new(&[
        (
            "deploy/driftcheck.toml",
            "[env.staging]\nroot = \"staging\"\n\n[env.prod]\nroot = \"prod\"\n\n\
             [env.canary]\n# rendered\nrender = [\"cat\", \"canary.yaml\"]\n",
        ),
        (
            "deploy/staging/app.yaml",
            "replicas: 2\ndata_path: /var/lib/app\n",
        ),
        (
            "deploy/prod/app.yaml",
            "replicas: 3\ndata_path: /data/app\n",
        ),
        ("deploy/canary.yaml", "replicas: 1\ndata_path: /srv/app\n"),
    ]);
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(t.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", t.path())
        .status()
        .unwrap();
    assert!(git.success());
    std::fs::create_dir_all(t.path().join("docs")).unwrap();
    for (cwd, how) in [
        (t.path().to_path_buf(), vec!["-C", "deploy"]),
        (
            t.path().join("docs"),
            vec!["--config", "../deploy/driftcheck.toml"],
        ),
    ] {
        for format in ["json", "sarif", "github"] {
            let mut args = vec!["diff", "staging", "prod", "canary", "--format", format];
            args.extend(&how);
            let run = driftcheck(&cwd, &args);
            assert_eq!(run.code, 1, "{}", run.all());
            let paths = printed_paths(format, &run);
            assert!(!paths.is_empty(), "{format}: {}", run.all());
            for p in &paths {
                if format == "json" && p.starts_with("<render:") {
                    continue;
                }
                assert!(
                    t.path().join(p).is_file(),
                    "{format} {how:?}: {p} is not a file of the repository\n{}",
                    run.all()
                );
            }
            if format != "json" {
                assert!(
                    paths.iter().any(|p| p == "deploy/driftcheck.toml"),
                    "{format}: the rendered env points at the config: {paths:?}"
                );
            }
        }
    }
    let run = driftcheck(
        t.path(),
        &[
            "diff", "staging", "canary", "-C", "deploy", "--format", "github",
        ],
    );
    assert!(
        run.stdout.contains("canary (deploy/driftcheck.toml:9)"),
        "{}",
        run.all()
    );
}
