//! The SARIF 2.1.0 format, for code-scanning uploads
//! (`github/codeql-action/upload-sarif`): one run, one rule per rule id that
//! has findings, one result per finding with a location in every
//! environment's file. Paths are repository-relative URIs under
//! `%SRCROOT%`, so the upload resolves them against the checkout.
//!
//! Only the fields driftcheck fills are modelled; the output is validated
//! against the official schema in the tests.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::Report;
use crate::finding::{Finding, Rule, Shown};
use crate::policy::baseline;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub(super) const INFORMATION_URI: &str = "https://github.com/driftcheck/driftcheck";
/// The base every artifact URI is relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";
/// The key of driftcheck's stable finding fingerprint (the baseline's), so
/// code scanning tracks a finding across runs and line moves.
const FINGERPRINT_KEY: &str = "driftcheck/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
struct SarifRun<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Text<'a>>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: OwnedText,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[LogicalLocation<'a>; 1]>,
    /// Which environment this location is.
    message: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
}

/// What each environment holds, as the other formats show it: SARIF
/// locations say where, not what.
#[derive(Serialize)]
struct Properties<'a> {
    /// Every environment compared, in the order given.
    environments: Vec<&'a str>,
    /// Shown values (masked) of the environments that have one.
    values: BTreeMap<&'a str, String>,
    /// Environments where the key or file is absent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    absent: Vec<&'a str>,
    /// The policy rule that governs a built-in finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
}

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let rules = rules(report.findings);
    let results = report
        .findings
        .iter()
        .map(|f| {
            // Every finding's rule has a descriptor.
            let index = rules.iter().position(|r| r.id == f.rule).unwrap_or(0);
            result(f, index)
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: Tool {
                driver: Driver {
                    name: "driftcheck",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// One descriptor per rule id with findings, sorted by id. SARIF levels
/// have driftcheck's severity names. Built-in rules
/// are described by their documentation; policy rules by the help of their
/// first finding.
fn rules(findings: &[Finding]) -> Vec<Descriptor<'_>> {
    let mut first: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in findings {
        first.entry(f.rule.as_str()).or_insert(f);
    }
    first
        .into_iter()
        .map(|(id, f)| match Rule::from_id(id) {
            Some(rule) => Descriptor {
                id,
                short_description: Text {
                    text: rule.summary(),
                },
                full_description: Some(Text { text: rule.help() }),
                help: Some(Text { text: rule.help() }),
                default_configuration: Configuration {
                    level: rule.severity().as_str(),
                },
            },
            None => {
                let help = f.help.as_deref();
                Descriptor {
                    id,
                    short_description: Text {
                        text: help.map_or(id, first_sentence),
                    },
                    full_description: help.map(|text| Text { text }),
                    help: help.map(|text| Text { text }),
                    default_configuration: Configuration {
                        level: f.severity.as_str(),
                    },
                }
            }
        })
        .collect()
}

fn result(f: &Finding, rule_index: usize) -> SarifResult<'_> {
    let mut values = BTreeMap::new();
    let mut absent = Vec::new();
    for (env, site) in &f.envs {
        match site.as_ref().map(|s| &s.value) {
            None => absent.push(env.as_str()),
            Some(None) => {}
            Some(Some(Shown::Value(v))) => {
                values.insert(env.as_str(), v.clone());
            }
            Some(Some(Shown::Secret { fingerprint })) => {
                values.insert(env.as_str(), format!("<secret fp={fingerprint}>"));
            }
        }
    }
    SarifResult {
        rule_id: &f.rule,
        rule_index,
        level: f.severity.as_str(),
        message: OwnedText { text: message(f) },
        locations: locations(f),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, baseline::fingerprint(f))]),
        properties: Properties {
            environments: f.envs.iter().map(|(env, _)| env.as_str()).collect(),
            values,
            absent,
            policy: f.policy.as_deref(),
        },
    }
}

/// The message, then the key path (and the document it is in): code
/// scanning shows only this text, so it must say where.
fn message(f: &Finding) -> String {
    match (&f.key, &f.document) {
        (Some(key), Some(doc)) => format!("{}: {key} [{doc}]", f.message),
        (Some(key), None) => format!("{}: {key}", f.message),
        (None, _) => f.message.clone(),
    }
}

/// One location per environment that has the key or file.
fn locations(f: &Finding) -> Vec<SarifLocation<'_>> {
    f.envs
        .iter()
        .filter_map(|(env, site)| {
            let site = site.as_ref()?;
            Some(SarifLocation {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri_reference(&site.file),
                        uri_base_id: SRCROOT,
                    },
                    region: (site.line > 0).then_some(Region {
                        start_line: site.line,
                    }),
                },
                logical_locations: f.key.as_deref().map(|key| {
                    [LogicalLocation {
                        fully_qualified_name: key,
                    }]
                }),
                message: Text { text: env },
            })
        })
        .collect()
}

/// `text` up to and including its first `. ` (or all of it).
fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |i| &text[..=i])
}

/// A repository-relative path as a relative URI reference: every byte
/// outside RFC 3986's unreserved characters, sub-delimiters, `@` and `/` is
/// percent-encoded (so a space, `%`, `#` or `?` cannot change its meaning,
/// and a `:` cannot be read as a scheme).
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_reference("deploy/prod/.env"), "deploy/prod/.env");
        assert_eq!(
            uri_reference("my dir/a#1?%.yaml"),
            "my%20dir/a%231%3F%25.yaml"
        );
        assert_eq!(uri_reference("c:/x"), "c%3A/x");
        assert_eq!(uri_reference("é"), "%C3%A9");
    }

    #[test]
    fn first_sentence_stops_at_a_full_stop() {
        assert_eq!(first_sentence("Do this. Then that."), "Do this.");
        assert_eq!(first_sentence("v1.2 only"), "v1.2 only");
    }
}
