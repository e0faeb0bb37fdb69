//! Baselines: accept today's findings, fail only on new ones.
//!
//! A finding is recorded by a fingerprint of what it is about — rule,
//! environments, file, document, key path and the values shown — never by
//! line numbers (so an edit above it does not make it "new") and never by a
//! secret (a secret is recorded as "a secret"; its per-run fingerprint
//! would change on every run anyway). A changed value makes a new finding.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::finding::{Finding, Shown};

/// The baseline file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    /// One entry per accepted finding.
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The stable fingerprint.
    pub fingerprint: String,
    /// For people reading the file.
    pub rule: String,
    /// For people reading the file.
    pub file: String,
    /// For people reading the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A finding's stable fingerprint (16 hex digits of SHA-256).
pub fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(&f.rule);
    field(&f.file);
    field(f.document.as_deref().unwrap_or(""));
    field(&stable(f.key.as_deref().unwrap_or("")));
    for (env, site) in &f.envs {
        field(env);
        field(match site {
            None => "<absent>",
            Some(s) => match &s.value {
                None => "<present>",
                Some(Shown::Secret { .. }) => "<secret>",
                Some(Shown::Value(_)) => "",
            },
        });
        if let Some(Some(Shown::Value(v))) = site.as_ref().map(|s| &s.value) {
            field(&stable(v));
        }
    }
    if let Some(d) = &f.diff {
        // The changed lines, without hunk headers (they hold line numbers).
        for l in d.lines().filter(|l| !l.starts_with("@@")) {
            field(&stable(l));
        }
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// `<secret fp=3f9a0c1e77b2>` inside a partly masked value changes every run:
/// keep only the fact that a secret is there.
fn stable(s: &str) -> String {
    static FP: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"fp=[0-9a-f]{12}").expect("valid regex"));
    FP.replace_all(s, "fp=").into_owned()
}

/// Write a baseline of `findings` to `path`.
///
/// # Errors
/// When the file cannot be written.
pub fn write(path: &Path, findings: &[Finding]) -> Result<(), Error> {
    let mut entries: Vec<BaselineEntry> = findings
        .iter()
        .map(|f| BaselineEntry {
            fingerprint: fingerprint(f),
            rule: f.rule.clone(),
            file: f.file.clone(),
            key: f.key.as_deref().map(stable),
        })
        .collect();
    entries.sort();
    entries.dedup();
    let b = Baseline {
        version: 1,
        findings: entries,
    };
    let mut text = serde_json::to_string_pretty(&b).expect("a baseline serialises");
    text.push('\n');
    // A file driftcheck writes is output too: the last line of defence applies.
    let text = crate::secrets::redact(&text);
    std::fs::write(path, text.as_bytes()).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Read the fingerprints of a baseline file.
///
/// # Errors
/// When it cannot be read or is not a version-1 baseline.
pub fn read(path: &Path) -> Result<BTreeSet<String>, Error> {
    let text = crate::source::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let problem = |line: u32, message: String| Error::Invalid {
        problems: vec![crate::diagnostic::Problem::new(
            crate::diagnostic::BASELINE,
            path.display().to_string(),
            line,
            message,
        )],
    };
    let b: Baseline = serde_json::from_str(&text).map_err(|e| {
        problem(
            u32::try_from(e.line()).unwrap_or(0),
            format!(
                "not a driftcheck baseline: {}",
                e.to_string().split(" at line").next().unwrap_or("invalid")
            ),
        )
    })?;
    if b.version != 1 {
        return Err(problem(
            0,
            format!(
                "baseline version {} is not supported (expected 1)",
                b.version
            ),
        ));
    }
    Ok(b.findings.into_iter().map(|e| e.fingerprint).collect())
}
