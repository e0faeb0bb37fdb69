//! `explain`'s report: one rule's documentation, or the list of every rule,
//! as text (human) or data (JSON, the formats `explain` speaks). The
//! command gathers what to show; nothing here reads a config.

use std::io::{self, Write};

use serde::Serialize;

use super::OutputFormat;

/// One rule as `explain --list` shows it (and `explain RULE --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct RuleEntry {
    /// The id findings carry.
    pub id: String,
    /// Default severity.
    pub severity: &'static str,
    /// `built-in`, `driftcheck` (the gate's and policy stage's own),
    /// `pack` (the shipped policy pack) or the policy file's path.
    pub source: String,
    /// One line: what it reports.
    pub summary: String,
    /// What to do about a finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// Where a policy rule or link is written.
#[derive(Debug, Clone, Serialize)]
pub struct DefinedIn {
    /// Policy file (`<builtin>/...` for the shipped pack).
    pub file: String,
    /// 1-based line of its table.
    pub line: u32,
    /// Whether it is the shipped pack's.
    pub shipped: bool,
}

/// What kind of rule a [`RuleDoc`] documents; each reads differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// The gate's and policy stage's own ids (`gate/signoff`).
    Tool,
    /// A built-in drift rule (`drift/flag`), with its long explanation.
    BuiltIn,
    /// A `[[rule]]` of a policy file or the pack.
    PolicyRule,
    /// A `[[link]]`.
    Link,
}

/// Everything `explain RULE` shows.
#[derive(Debug, Clone, Serialize)]
pub struct RuleDoc {
    /// Id, severity, source, summary, help.
    #[serde(flatten)]
    pub entry: RuleEntry,
    /// What kind of rule this is.
    pub kind: RuleKind,
    /// Built-in rules: what the rule does and why (markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// Policy rules and links: where they are written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined_in: Option<DefinedIn>,
    /// What a policy rule selects and states (`keys: ...`), or a link's
    /// members, one a line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub definition: Vec<String>,
}

/// `explain --list`: one rule a line, or one JSON document.
///
/// # Errors
/// A failed write.
pub fn write_list(all: &[RuleEntry], format: OutputFormat, out: &mut dyn Write) -> io::Result<()> {
    if format == OutputFormat::Json {
        let v = serde_json::json!({ "version": 1, "rules": all });
        return writeln!(out, "{v}");
    }
    let width = all.iter().map(|e| e.id.len()).max().unwrap_or(0);
    for e in all {
        writeln!(
            out,
            "{:width$}  {:7}  {:10}  {}",
            e.id, e.severity, e.source, e.summary
        )?;
    }
    Ok(())
}

/// `explain RULE`: the rule's documentation, or one JSON document.
///
/// # Errors
/// A failed write.
pub fn write_doc(doc: &RuleDoc, format: OutputFormat, out: &mut dyn Write) -> io::Result<()> {
    if format == OutputFormat::Json {
        let v = serde_json::json!({ "version": 1, "rule": doc });
        return writeln!(out, "{v}");
    }
    let e = &doc.entry;
    let help = e.help.as_deref().unwrap_or_default();
    match doc.kind {
        RuleKind::Tool => writeln!(
            out,
            "{}: {}\nseverity: {}\n\nhelp: {help}",
            e.id, e.summary, e.severity
        ),
        RuleKind::BuiltIn => writeln!(
            out,
            "{}: {}\ndefault severity: {}\n\n{}\nhelp: {help}",
            e.id,
            e.summary,
            e.severity,
            doc.explanation.as_deref().unwrap_or_default()
        ),
        RuleKind::PolicyRule | RuleKind::Link => {
            let summary = if e.summary.is_empty() {
                "(no description)"
            } else {
                &e.summary
            };
            writeln!(out, "{}: {summary}\nseverity: {}", e.id, e.severity)?;
            if let Some(o) = &doc.defined_in {
                match (doc.kind, o.shipped) {
                    (RuleKind::Link, _) => writeln!(out, "defined in: {}:{}\n", o.file, o.line)?,
                    (_, true) => writeln!(
                        out,
                        "defined in: shipped policy pack ({}:{})\n",
                        o.file, o.line
                    )?,
                    (_, false) => {
                        writeln!(out, "defined in: policy file ({}:{})\n", o.file, o.line)?;
                    }
                }
            }
            for w in &doc.definition {
                writeln!(out, "  {w}")?;
            }
            if doc.kind == RuleKind::Link {
                writeln!(
                    out,
                    "\nSecrets are compared by keyed fingerprint and never printed."
                )
            } else if let Some(h) = &e.help {
                writeln!(out, "\nhelp: {h}")
            } else {
                Ok(())
            }
        }
    }
}
