//! `driftcheck explain RULE_ID`: a built-in rule's documentation, or a policy
//! rule's description, help and definition (shipped pack or the user's).

use std::io::Write;
use std::path::Path;

use super::setup::{load_config, load_policy};
use crate::cli::{Args, Status};
use crate::error::{Error, did_you_mean};
use crate::finding::Rule;

/// Explain `id`.
///
/// # Errors
/// An unknown id (with "did you mean"), or an invalid config or policy.
pub fn run(args: &Args, cwd: &Path, id: &str, out: &mut dyn Write) -> Result<Status, Error> {
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
    let config = load_config(args, cwd)?;
    let policy = load_policy(config.as_ref())?;
    if let Some(r) = policy.rules.iter().find(|r| r.id == id) {
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
        for w in what {
            writeln!(out, "  {w}").map_err(Error::Write)?;
        }
        if let Some(h) = &r.help {
            writeln!(out, "\nhelp: {h}").map_err(Error::Write)?;
        }
        return Ok(Status::Clean);
    }
    if let Some(l) = policy.links.iter().find(|l| l.id == id) {
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
        return Ok(Status::Clean);
    }
    let mut ids: Vec<String> = Rule::ALL.iter().map(|r| r.id().to_string()).collect();
    ids.extend(policy.rules.iter().map(|r| r.id.clone()));
    ids.extend(policy.links.iter().map(|l| l.id.clone()));
    let hint = did_you_mean(id, ids.iter().map(String::as_str))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "unknown rule `{id}`{hint}; rules: {}",
        ids.join(", ")
    )))
}
