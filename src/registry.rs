//! Every rule id driftcheck itself can print that is not a policy rule: the
//! built-in drift rules ([`crate::finding::Rule`]) and the ids of the gate's
//! and the policy stage's own findings.
//!
//! The rule: an id that can reach a report is listed here (or is a policy
//! rule, shipped or the user's), so `explain` knows it and `explain --list`
//! lists it. A test scans the sources for `"family/name"` literals and fails
//! on any id missing from this list.

use crate::finding::{Rule, Severity};

/// One id driftcheck's own code emits.
#[derive(Debug, Clone, Copy)]
pub struct ToolRule {
    /// The id.
    pub id: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// One line: what it reports.
    pub summary: &'static str,
    /// What to do about it.
    pub help: &'static str,
}

/// The gate's and the policy stage's own findings.
pub const TOOL_RULES: &[ToolRule] = &[
    ToolRule {
        id: "gate/signoff",
        severity: Severity::Error,
        summary: "a change to guarded config lacks the peer sign-offs its base requires",
        help: "ask a peer to review the change and add the `Reviewed-by:` line `driftcheck approve` prints",
    },
    ToolRule {
        id: "gate/near-miss",
        severity: Severity::Warning,
        summary: "a line that looks like a sign-off trailer but git does not read as one",
        help: "fix the line so it is part of the last paragraph and spelled as configured (`Reviewed-by: Name <email>`)",
    },
    ToolRule {
        id: "gate/assurance",
        severity: Severity::Note,
        summary: "what each sign-off proves: signed by a key in allowed_signers, or a typed trailer",
        help: "reviewers sign with `driftcheck approve --sign`; `[review] signed = \"required\"` counts only signed sign-offs",
    },
    ToolRule {
        id: "gate/config",
        severity: Severity::Error,
        summary: "the change removes or breaks driftcheck's own config or policies",
        help: "keep driftcheck.toml valid, or change it in a reviewed change of its own",
    },
    ToolRule {
        id: "gate/environment",
        severity: Severity::Error,
        summary: "the change leaves an environment that cannot be compared",
        help: "restore the environment, or remove it from driftcheck.toml in a reviewed change of its own",
    },
    ToolRule {
        id: "gate/env-spelling",
        severity: Severity::Error,
        summary: "a value changed in one environment only by the spelling of its environment's name, which the comparison reads as the same value",
        help: "spell the environment's name as the merge base did, or make the change in every environment",
    },
    ToolRule {
        id: "policy/expired-waiver",
        severity: Severity::Error,
        summary: "a waiver's expiry date has passed and it no longer applies",
        help: "fix what the waiver accepted, or renew it with a new date and reason",
    },
    ToolRule {
        id: "policy/unused-waiver",
        severity: Severity::Warning,
        summary: "a waiver matches no finding",
        help: "the finding it accepted is gone: delete the waiver so it cannot hide a future one",
    },
    ToolRule {
        id: "config/invalid",
        severity: Severity::Error,
        summary: "driftcheck.toml cannot be used as written (exit 2; every problem is listed with its line and column)",
        help: "fix each problem at the line and column shown; `driftcheck explain --list` and docs/config.md list every key",
    },
    ToolRule {
        id: "policy/invalid",
        severity: Severity::Error,
        summary: "a policy file cannot be used as written (exit 2; every problem of every file is listed)",
        help: "fix each problem at the line and column shown; docs/policies.md describes every key",
    },
    ToolRule {
        id: "config/baseline",
        severity: Severity::Error,
        summary: "the baseline file cannot be read as a driftcheck baseline (exit 2)",
        help: "write it again with `driftcheck check --write-baseline FILE`",
    },
    ToolRule {
        id: "policy/unused-rule",
        severity: Severity::Warning,
        summary: "a policy rule's key patterns match no key in any compared environment",
        help: "fix the key pattern (see `driftcheck explain`), or remove the rule",
    },
    ToolRule {
        id: "config/empty-glob",
        severity: Severity::Warning,
        summary: "a glob in driftcheck.toml (`policies`) matches no file",
        help: "fix the glob (paths are relative to driftcheck.toml's directory and stay inside it), or remove it",
    },
    ToolRule {
        id: "policy/invalid-suppression",
        severity: Severity::Error,
        summary: "an inline `driftcheck: allow` comment that cannot be applied",
        help: "name a rule id and give a reason: `driftcheck: allow RULE -- reason`",
    },
];

/// Look up a tool rule by id.
pub fn tool_rule(id: &str) -> Option<&'static ToolRule> {
    TOOL_RULES.iter().find(|r| r.id == id)
}

/// Every id this module and [`Rule`] know, built-in first.
pub fn ids() -> Vec<&'static str> {
    Rule::ALL
        .iter()
        .map(|r| r.id())
        .chain(TOOL_RULES.iter().map(|r| r.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids = ids();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "a rule id is listed twice");
    }

    /// Every `"drift/…"`, `"parse/…"`, `"gate/…"`, `"policy/…"` or
    /// `"config/…"` string literal in the sources is a known id.
    #[test]
    fn every_id_in_the_sources_is_registered() {
        let re =
            regex::Regex::new(r#""((?:drift|parse|gate|policy|config)/[a-z][a-z0-9-]*)""#).unwrap();
        let known = ids();
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            // Test modules may name ids that do not exist on purpose.
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for c in re.captures_iter(text) {
                let id = c.get(1).unwrap().as_str();
                if !known.contains(&id) {
                    missing.push(format!("{}: {id}", entry.path().display()));
                }
            }
        }
        assert!(missing.is_empty(), "ids not in the registry: {missing:#?}");
    }
}
