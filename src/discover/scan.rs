//! Walking a repository for environment-paired config (docs/discovery.md).
//!
//! Only config-like files count (by format: YAML, JSON, TOML, HCL, dotenv,
//! INI, XML, properties, nginx, `.conf`/`.tf`, Ansible `hosts`); docs,
//! images, source code, tests and CI workflows never make an environment.
//! A path component is *environment-like* when one of its words (runs of
//! letters and digits) is a common environment name ([`ENV_WORDS`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use walkdir::WalkDir;

use crate::env::{is_ignored_dir, relative};
use crate::formats::Format;

/// The most directory entries looked at before giving up.
const MAX_ENTRIES: usize = 500_000;

/// Words that name an environment when they are a whole word of a path component.
pub const ENV_WORDS: &[&str] = &[
    "dev",
    "develop",
    "development",
    "local",
    "test",
    "testing",
    "qa",
    "uat",
    "int",
    "integration",
    "stage",
    "staging",
    "stg",
    "preprod",
    "canary",
    "load",
    "perf",
    "sandbox",
    "demo",
    "preview",
    "prod",
    "production",
    "prd",
    "live",
    "nonprod",
    "nonproduction",
];

/// Directory names that hold shared config, never one environment's.
const SHARED_DIRS: &[&str] = &[
    "base",
    "bases",
    "common",
    "shared",
    "components",
    "component",
    "modules",
    "module",
    "templates",
    "template",
    "default",
    "defaults",
    "global",
    "all",
    "lib",
    "charts",
    "crds",
];

/// Whether a directory name is one of the shared-config names ([`SHARED_DIRS`]).
pub fn shared_dir(name: &str) -> bool {
    SHARED_DIRS.contains(&name.to_ascii_lowercase().as_str())
}

/// Directories never scanned for environments: tests, docs, CI workflows.
fn skipped_dir(rel: &str, name: &str) -> bool {
    matches!(
        name,
        "tests" | "__tests__" | "testdata" | "docs" | "doc" | "__pycache__" | ".venv" | "vendor"
    ) || rel == ".github/workflows"
        || rel.ends_with("/.github/workflows")
}

/// Files that are tool metadata, not deployed config.
const TOOL_FILES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "composer.json",
    "composer.lock",
    "renovate.json",
    ".pre-commit-config.yaml",
    ".gitlab-ci.yml",
    ".travis.yml",
    "pnpm-lock.yaml",
    "yarn.lock",
    "cargo.toml",
    "cargo.lock",
    "pyproject.toml",
    "chart.yaml",
];

/// Whether `rel` (a repository-relative path) is a config file worth comparing.
pub fn config_like(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    if TOOL_FILES.contains(&lower.as_str())
        || lower.starts_with("driftcheck")
        || lower.starts_with("tsconfig")
        || is_test_file(&lower)
    {
        return false;
    }
    if Format::detect(Path::new(rel)) != Format::Text {
        return true;
    }
    match lower.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            matches!(ext, "conf" | "cfg" | "cnf" | "tf" | "tfvars" | "hcl")
        }
        // Extension-less: an Ansible inventory, or a dotenv file in `.envs/`.
        _ => lower == "hosts" || Format::detect(Path::new(rel)) == Format::Dotenv,
    }
}

fn is_test_file(lower: &str) -> bool {
    let stem = lower.split('.').next().unwrap_or(lower);
    stem.ends_with("_test")
        || stem.starts_with("test_")
        || lower.contains(".test.")
        || lower.contains(".spec.")
}

/// The words of a path component, with their byte ranges.
pub fn words(component: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in component.char_indices() {
        match (c.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, component.len()));
    }
    out
}

/// Whether `word` is a common environment name.
pub fn env_word(word: &str) -> bool {
    ENV_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether a directory name is environment-like (`staging`, `prod-us`, `.local`, `non-prod`).
pub fn env_like(component: &str) -> bool {
    !shared_dir(component)
        && words(component)
            .iter()
            .any(|&(s, e)| env_word(&component[s..e]))
}

/// What one walk of the repository found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Config-like files, repository-relative, `/`-separated, sorted.
    pub files: Vec<String>,
    /// Every directory holding config-like files (at any depth), with the
    /// files' paths relative to it.
    pub dirs: BTreeMap<String, BTreeSet<String>>,
}

impl Scan {
    /// Walk `root`.
    pub fn walk(root: &Path) -> Scan {
        let mut scan = Scan::default();
        let walker = WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(is_ignored_dir(e)
                        || (e.file_type().is_dir()
                            && skipped_dir(
                                &relative(e.path(), root),
                                &e.file_name().to_string_lossy(),
                            )))
            });
        for (n, entry) in walker.enumerate() {
            if n > MAX_ENTRIES {
                break;
            }
            let Ok(entry) = entry else { continue };
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = relative(entry.path(), root);
            if !config_like(&rel) {
                continue;
            }
            let mut dir = rel.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                let inner = &rel[parent.len() + 1..];
                scan.dirs
                    .entry(parent.to_string())
                    .or_default()
                    .insert(inner.to_string());
                dir = parent;
            }
            scan.files.push(rel);
        }
        scan
    }
}
