//! `driftcheck explain RULE_ID`: a built-in rule's documentation, or a policy
//! rule's description, help and definition (shipped pack or the user's).

use std::io::Write;
use std::path::Path;

use crate::cli::{Args, Status};
use driftcheck::error::{Error, did_you_mean};
use driftcheck::finding::Rule;
use driftcheck::pipeline::setup::{load_config, load_policy};
use driftcheck::policy::{Link, PolicyRule};
use driftcheck::report::{
    self,
    explain::{DefinedIn, RuleDoc, RuleEntry, RuleKind},
};

/// A built-in rule's entry.
fn built_in(r: Rule) -> RuleEntry {
    RuleEntry {
        id: r.id().to_string(),
        severity: r.severity().as_str(),
        source: "built-in".to_string(),
        summary: r.summary().to_string(),
        help: Some(r.help().to_string()),
    }
}

/// The gate's or policy stage's own rule's entry.
fn tool(r: &driftcheck::registry::ToolRule) -> RuleEntry {
    RuleEntry {
        id: r.id.to_string(),
        severity: r.severity.as_str(),
        source: "driftcheck".to_string(),
        summary: r.summary.to_string(),
        help: Some(r.help.to_string()),
    }
}

/// A policy rule's entry.
fn policy_rule(r: &PolicyRule) -> RuleEntry {
    RuleEntry {
        id: r.id.clone(),
        severity: r.severity.as_str(),
        source: if r.origin.builtin {
            "pack".to_string()
        } else {
            r.origin.file.clone()
        },
        summary: r.description.clone().unwrap_or_default(),
        help: r.help.clone(),
    }
}

/// A policy link's entry.
fn link(l: &Link) -> RuleEntry {
    RuleEntry {
        id: l.id.clone(),
        severity: l.severity.as_str(),
        source: l.origin.file.clone(),
        summary: l.description.clone().unwrap_or_else(|| {
            "linked keys must hold the same value within each environment".to_string()
        }),
        help: None,
    }
}

/// `explain --list`: every rule id driftcheck can print: built-in rules,
/// the gate's and the policy stage's own ids, then every policy rule and
/// link the config loads (the shipped pack without a config).
///
/// # Errors
/// An invalid config or policy.
pub fn list(args: &Args, cwd: &Path, out: &mut dyn Write) -> Result<Status, Error> {
    let mut all: Vec<RuleEntry> = Rule::ALL.iter().copied().map(built_in).collect();
    all.extend(driftcheck::registry::TOOL_RULES.iter().map(tool));
    let config = load_config(args.config.as_deref(), cwd)?;
    let policy = load_policy(config.as_ref())?;
    all.extend(policy.rules.iter().map(policy_rule));
    all.extend(policy.links.iter().map(link));
    report::explain::write_list(&all, args.format, out).map_err(Error::Write)?;
    Ok(Status::Clean)
}

/// Explain `id`: the gate's own rules and built-in rules need no config;
/// policy rules and links are those the config loads.
///
/// # Errors
/// An unknown id (with "did you mean"), or an invalid config or policy.
pub fn run(args: &Args, cwd: &Path, id: &str, out: &mut dyn Write) -> Result<Status, Error> {
    let doc = |entry, kind| RuleDoc {
        entry,
        kind,
        explanation: None,
        defined_in: None,
        definition: Vec::new(),
    };
    let found = if let Some(rule) = driftcheck::registry::tool_rule(id) {
        doc(tool(rule), RuleKind::Tool)
    } else if let Some(rule) = Rule::from_id(id) {
        RuleDoc {
            explanation: Some(rule.explain().to_string()),
            ..doc(built_in(rule), RuleKind::BuiltIn)
        }
    } else {
        let config = load_config(args.config.as_deref(), cwd)?;
        let policy = load_policy(config.as_ref())?;
        if let Some(r) = policy.rules.iter().find(|r| r.id == id) {
            RuleDoc {
                defined_in: Some(origin(&r.origin)),
                definition: definition(r),
                ..doc(policy_rule(r), RuleKind::PolicyRule)
            }
        } else if let Some(l) = policy.links.iter().find(|l| l.id == id) {
            RuleDoc {
                defined_in: Some(origin(&l.origin)),
                definition: l.members.iter().map(|m| m.2.clone()).collect(),
                ..doc(link(l), RuleKind::Link)
            }
        } else {
            let mut ids: Vec<String> = driftcheck::registry::ids()
                .into_iter()
                .map(str::to_string)
                .collect();
            ids.extend(policy.rules.iter().map(|r| r.id.clone()));
            ids.extend(policy.links.iter().map(|l| l.id.clone()));
            return Err(unknown(id, ids.iter().map(String::as_str)));
        }
    };
    report::explain::write_doc(&found, args.format, out).map_err(Error::Write)?;
    Ok(Status::Clean)
}

/// Where a policy rule or link is written.
fn origin(o: &driftcheck::policy::WrittenAt) -> DefinedIn {
    DefinedIn {
        file: o.file.clone(),
        line: o.line,
        shipped: o.builtin,
    }
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

/// An unknown id, with "did you mean" and where to find the list.
fn unknown<'a>(id: &str, ids: impl Iterator<Item = &'a str> + Clone) -> Error {
    let hint = did_you_mean(id, ids)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Error::Usage(format!(
        "unknown rule `{id}`{hint}; `driftcheck explain --list` lists every rule"
    ))
}
