//! `driftcheck explain RULE_ID`: a built-in rule's documentation, or a policy
//! rule's description, help and definition (shipped pack or the user's).

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use driftcheck::error::{Error, did_you_mean};
use driftcheck::finding::Rule;
use driftcheck::pipeline::setup::{load_config, load_policy};
use driftcheck::policy::{Link, PolicyRule};

/// One entry of `explain --list` (and of `explain --format json`).
#[derive(Debug, serde::Serialize)]
struct RuleEntry {
    id: String,
    severity: &'static str,
    /// `built-in`, `driftcheck` (the gate's and policy stage's own),
    /// `pack` (the shipped policy pack) or the policy file's path.
    source: String,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

/// Every rule id driftcheck can print: built-in rules, the gate's and the
/// policy stage's own ids, then every policy rule and link the config loads
/// (the shipped pack without a config).
fn entries(args: &Args, cwd: &Path) -> Result<Vec<RuleEntry>, Error> {
    let mut all: Vec<RuleEntry> = Rule::ALL
        .iter()
        .map(|r| RuleEntry {
            id: r.id().to_string(),
            severity: r.severity().as_str(),
            source: "built-in".to_string(),
            summary: r.summary().to_string(),
            help: Some(r.help().to_string()),
        })
        .collect();
    all.extend(driftcheck::registry::TOOL_RULES.iter().map(|r| RuleEntry {
        id: r.id.to_string(),
        severity: r.severity.as_str(),
        source: "driftcheck".to_string(),
        summary: r.summary.to_string(),
        help: Some(r.help.to_string()),
    }));
    let config = load_config(args.config.as_deref(), cwd)?;
    let policy = load_policy(config.as_ref())?;
    let source = |builtin: bool, file: &str| {
        if builtin {
            "pack".to_string()
        } else {
            file.to_string()
        }
    };
    all.extend(policy.rules.iter().map(|r| RuleEntry {
        id: r.id.clone(),
        severity: r.severity.as_str(),
        source: source(r.origin.builtin, &r.origin.file),
        summary: r.description.clone().unwrap_or_default(),
        help: r.help.clone(),
    }));
    all.extend(policy.links.iter().map(|l| RuleEntry {
        id: l.id.clone(),
        severity: l.severity.as_str(),
        source: l.origin.file.clone(),
        summary: l.description.clone().unwrap_or_else(|| {
            "linked keys must hold the same value within each environment".to_string()
        }),
        help: None,
    }));
    Ok(all)
}

/// `explain --list`: every rule id driftcheck can print, one a line.
///
/// # Errors
/// An invalid config or policy.
pub fn list(args: &Args, cwd: &Path, out: &mut dyn Write) -> Result<Status, Error> {
    let all = entries(args, cwd)?;
    if args.format == driftcheck::report::OutputFormat::Json {
        let v = serde_json::json!({ "version": 1, "rules": all });
        writeln!(out, "{v}").map_err(Error::Write)?;
        return Ok(Status::Clean);
    }
    let width = all.iter().map(|e| e.id.len()).max().unwrap_or(0);
    for e in &all {
        writeln!(
            out,
            "{:width$}  {:7}  {:10}  {}",
            e.id, e.severity, e.source, e.summary
        )
        .map_err(Error::Write)?;
    }
    Ok(Status::Clean)
}

/// Explain `id`.
///
/// # Errors
/// An unknown id (with "did you mean"), or an invalid config or policy.
pub fn run(args: &Args, cwd: &Path, id: &str, out: &mut dyn Write) -> Result<Status, Error> {
    if args.format == driftcheck::report::OutputFormat::Json {
        let all = entries(args, cwd)?;
        if let Some(e) = all.iter().find(|e| e.id == id) {
            let v = serde_json::json!({ "version": 1, "rule": e });
            writeln!(out, "{v}").map_err(Error::Write)?;
            return Ok(Status::Clean);
        }
        return Err(unknown(id, all.iter().map(|e| e.id.as_str())));
    }
    if let Some(rule) = driftcheck::registry::tool_rule(id) {
        writeln!(
            out,
            "{}: {}
severity: {}

help: {}",
            rule.id,
            rule.summary,
            rule.severity.as_str(),
            rule.help
        )
        .map_err(Error::Write)?;
        return Ok(Status::Clean);
    }
    if let Some(rule) = Rule::from_id(id) {
        writeln!(
            out,
            "{}: {}\ndefault severity: {}\n\n{}\nhelp: {}",
            rule.id(),
            rule.summary(),
            rule.severity().as_str(),
            rule.explain(),
            rule.help()
        )
        .map_err(Error::Write)?;
        return Ok(Status::Clean);
    }
    let config = load_config(args.config.as_deref(), cwd)?;
    let policy = load_policy(config.as_ref())?;
    if let Some(r) = policy.rules.iter().find(|r| r.id == id) {
        policy_rule(r, out)?;
        return Ok(Status::Clean);
    }
    if let Some(l) = policy.links.iter().find(|l| l.id == id) {
        policy_link(l, out)?;
        return Ok(Status::Clean);
    }
    let mut ids: Vec<String> = driftcheck::registry::ids()
        .into_iter()
        .map(str::to_string)
        .collect();
    ids.extend(policy.rules.iter().map(|r| r.id.clone()));
    ids.extend(policy.links.iter().map(|l| l.id.clone()));
    Err(unknown(id, ids.iter().map(String::as_str)))
}

/// A policy rule: its description, severity and where it is defined, what
/// it selects and states (see [`definition`]), and its help.
fn policy_rule(r: &PolicyRule, out: &mut dyn Write) -> Result<(), Error> {
    let from = if r.origin.builtin {
        "shipped policy pack"
    } else {
        "policy file"
    };
    writeln!(
        out,
        "{}: {}",
        r.id,
        r.description.as_deref().unwrap_or("(no description)")
    )
    .map_err(Error::Write)?;
    writeln!(
        out,
        "severity: {}\ndefined in: {} ({}:{})\n",
        r.severity.as_str(),
        from,
        r.origin.file,
        r.origin.line
    )
    .map_err(Error::Write)?;
    for w in definition(r) {
        writeln!(out, "  {w}").map_err(Error::Write)?;
    }
    if let Some(h) = &r.help {
        writeln!(out, "\nhelp: {h}").map_err(Error::Write)?;
    }
    Ok(())
}

/// What a policy rule selects and states, one `field: value` a line.
fn definition(r: &PolicyRule) -> Vec<String> {
    let mut what = Vec::new();
    if !r.files.globs.is_empty() {
        what.push(format!("files: {}", r.files.globs.join(", ")));
    }
    if !r.keys.is_empty() {
        what.push(format!(
            "keys: {}",
            r.keys
                .iter()
                .map(|k| k.text.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !r.envs.is_empty() {
        what.push(format!("environments: {}", r.envs.join(", ")));
    }
    if let Some(e) = r.expect {
        what.push(format!("expect: {}", e.name()));
    }
    if let Some(f) = &r.forbid {
        what.push(format!("forbid: {}", f.as_str()));
    }
    if let Some(f) = &r.require {
        what.push(format!("require: {}", f.as_str()));
    }
    if !r.one_of.is_empty() {
        what.push(format!("one of: {}", r.one_of.join(", ")));
    }
    if let Some(m) = r.min {
        what.push(format!("min: {m}"));
    }
    if let Some(m) = r.max {
        what.push(format!("max: {m}"));
    }
    if let Some(c) = &r.compare {
        what.push(format!("compare: {} {} {}", c.left, c.op, c.right));
    }
    if let Some(c) = r.on_change {
        let review = r.review.as_ref().map_or(1, |v| v.required);
        what.push(format!(
            "on change ({}): needs {review} sign-off{}",
            c.name(),
            if review == 1 { "" } else { "s" }
        ));
    }
    what
}

/// A policy link: its description, severity, where it is defined and its
/// members (secrets among them are only ever fingerprinted).
fn policy_link(l: &Link, out: &mut dyn Write) -> Result<(), Error> {
    writeln!(
        out,
        "{}: {}",
        l.id,
        l.description
            .as_deref()
            .unwrap_or("linked keys must hold the same value within each environment")
    )
    .map_err(Error::Write)?;
    writeln!(
        out,
        "severity: {}\ndefined in: {}:{}\n",
        l.severity.as_str(),
        l.origin.file,
        l.origin.line
    )
    .map_err(Error::Write)?;
    for m in &l.members {
        writeln!(out, "  {}", m.2).map_err(Error::Write)?;
    }
    writeln!(
        out,
        "\nSecrets are compared by keyed fingerprint and never printed."
    )
    .map_err(Error::Write)?;
    Ok(())
}

/// An unknown id, with "did you mean" and where to find the list.
fn unknown<'a>(id: &str, ids: impl Iterator<Item = &'a str> + Clone) -> Error {
    let hint = did_you_mean(id, ids)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Error::Usage(format!(
        "unknown rule `{id}`{hint}; `driftcheck explain --list` lists every rule"
    ))
}
