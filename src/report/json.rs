//! The JSON format: one object per run. The wire format is documented in
//! `docs/json.md`; field names are an API (add, never rename).
//!
//! ```json
//! {"version": 1, "command": "diff", "envs": ["staging", "prod"],
//!  "summary": {"errors": 1, "warnings": 0, "notes": 0, "files": 3},
//!  "findings": [{"rule": "drift/data-path", "severity": "error",
//!    "message": "...", "file": "config/app.yaml", "key": "storage.data_path",
//!    "envs": {"staging": {"value": "/var/lib/x", "line": 4, "file": "..."},
//!             "prod": {"secret": {"fingerprint": "3f9a0c1e77b2"}, "line": 4, "file": "..."}},
//!    "help": "..."}]}
//! ```

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::{Options, Report};
use crate::finding::{Finding, Severity, Shown};

#[derive(Serialize)]
struct JsonDoc<'a> {
    version: u32,
    command: &'a str,
    envs: &'a [String],
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    equivalent: Option<Vec<JsonFinding<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<&'a super::gate::GateView>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    notes: usize,
    files: usize,
    /// Values equal only after normalising environment names (not drift).
    equivalent: usize,
    /// Findings accepted by inline suppressions, waivers or a baseline.
    accepted: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    envs: BTreeMap<&'a str, Option<JsonSite<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSite<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<JsonSecret<'a>>,
    line: u32,
    file: &'a str,
}

#[derive(Serialize)]
struct JsonSecret<'a> {
    fingerprint: &'a str,
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: &f.rule,
        severity: f.severity,
        message: &f.message,
        file: &f.file,
        document: f.document.as_deref(),
        key: f.key.as_deref(),
        envs: f
            .envs
            .iter()
            .map(|(env, site)| {
                let site = site.as_ref().map(|s| {
                    let (value, secret) = match &s.value {
                        None => (None, None),
                        Some(Shown::Value(v)) => (Some(v.as_str()), None),
                        Some(Shown::Secret { fingerprint }) => {
                            (None, Some(JsonSecret { fingerprint }))
                        }
                    };
                    JsonSite {
                        value,
                        secret,
                        line: s.line,
                        file: &s.file,
                    }
                });
                (env.as_str(), site)
            })
            .collect(),
        help: f.help.as_deref(),
        diff: f.diff.as_deref(),
        policy: f.policy.as_deref(),
    }
}

pub(super) fn write(
    report: &Report<'_>,
    opts: &Options,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = JsonDoc {
        version: 1,
        command: report.command,
        envs: report.envs,
        summary: JsonSummary {
            errors: report.summary.errors,
            warnings: report.summary.warnings,
            notes: report.summary.notes,
            files: report.files,
            equivalent: report.equivalent_count,
            accepted: report.accepted,
        },
        findings: report.findings.iter().map(finding).collect(),
        equivalent: opts
            .verbose
            .then(|| report.equivalent.iter().map(finding).collect()),
        gate: report.gate,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    writeln!(out)
}
