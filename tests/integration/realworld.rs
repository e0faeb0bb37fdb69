//! Real configuration from public projects (`../shared/realworld`, see its
//! PROVENANCE.md): every file parses, and each environment set, compared
//! with the `driftcheck.toml` in `tests/fixtures/realworld/<set>/`, reports
//! what the snapshot records.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use driftcheck::formats::{self, Format, Limits};

use crate::harness::{driftcheck, json, repo};

/// The shared corpus's `realworld` folder, or `None` (skipped, with why).
fn shared() -> Option<PathBuf> {
    crate::harness::corpus("realworld")
}

#[test]
fn every_structured_file_parses() {
    let Some(root) = shared() else {
        return;
    };
    let mut parsed = 0;
    let mut failures = Vec::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&root).unwrap();
        let format = Format::detect(rel);
        // `repos/` holds whole projects (templates, HCL1, symlinks): the
        // real-world repository tests judge those; here every single file
        // and environment set must parse.
        if !entry.file_type().is_file()
            || format == Format::Text
            || !(rel.starts_with("single") || rel.starts_with("envsets"))
        {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let limits = Limits::default();
        let result = formats::decode(&bytes, &limits)
            .map_err(|e| e.to_string())
            .and_then(|text| formats::parse(format, text, &limits).map_err(|e| e.to_string()));
        match result {
            Err(e) => failures.push(format!("{} ({format}): {e}", rel.display())),
            Ok(_) => parsed += 1,
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(parsed >= 100, "only {parsed} files");
}

#[test]
fn every_environment_set_is_compared() {
    let fixtures = repo().join("tests/fixtures/realworld");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    sets.sort();
    let Some(envsets) = shared().map(|s| s.join("envsets")) else {
        return;
    };
    let expected: usize = std::fs::read_dir(&envsets).unwrap().count();
    assert_eq!(
        sets.len(),
        expected,
        "one fixture per environment set in {}",
        envsets.display()
    );
    let mut record = String::new();
    for set in sets {
        let name = set.file_name().unwrap().to_string_lossy().into_owned();
        let envs = std::fs::read_to_string(set.join("envs")).unwrap();
        // The fixture's roots point at the shared corpus, outside this
        // repository: run a copy, with the corpus's real place, from a
        // temporary directory (no repository boundary there).
        let text = std::fs::read_to_string(set.join("driftcheck.toml"))
            .unwrap()
            .replace("../../../../../shared/realworld", &root_of(&envsets));
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("driftcheck.toml");
        std::fs::write(&config, text).unwrap();
        let mut args = vec![
            "--config",
            config.to_str().unwrap(),
            "diff",
            "--format",
            "json",
        ];
        args.extend(envs.split_whitespace());
        let run = driftcheck(tmp.path(), &args);
        assert_ne!(run.code, 2, "{name}: {}", run.all());
        let v = json(&run);
        let findings = v["findings"].as_array().unwrap();
        assert!(
            findings.iter().all(|f| f["rule"] != "parse/error"),
            "{name}: {}",
            run.stdout
        );
        writeln!(
            record,
            "{name} ({}): exit {}, {} files",
            envs.trim(),
            run.code,
            v["summary"]["files"]
        )
        .unwrap();
        for f in findings {
            writeln!(
                record,
                "  {} {} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["key"].as_str().unwrap_or("")
            )
            .unwrap();
        }
    }
    insta::assert_snapshot!("realworld_envsets", record);
}

/// The `realworld` folder holding `envsets`, as a string for a config.
fn root_of(envsets: &Path) -> String {
    envsets.parent().unwrap().to_string_lossy().into_owned()
}
