//! The policy model: rules, links, waivers, and the pieces they are made of.
//! Reading a policy file into it is [`super::parse`].

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;

use super::pattern::KeyPattern;
use crate::finding::Severity;
use crate::model::keypath::KeyPath;

/// What a rule expects of the environments' values at its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Equal everywhere (after env-name normalisation).
    Same,
    /// Different everywhere (a credential must not be shared).
    Differ,
    /// Present in every environment that has the file.
    Present,
    /// Present nowhere.
    Absent,
    /// Anything goes: divergence is expected and not reported.
    Any,
}

impl Expect {
    pub(super) const NAMES: [&'static str; 5] = ["same", "differ", "present", "absent", "any"];

    pub(super) fn parse(s: &str) -> Option<Expect> {
        Some(match s {
            "same" => Expect::Same,
            "differ" => Expect::Differ,
            "present" => Expect::Present,
            "absent" => Expect::Absent,
            "any" => Expect::Any,
            _ => return None,
        })
    }

    /// The name as written.
    pub fn name(self) -> &'static str {
        Expect::NAMES[self as usize]
    }
}

/// Which change a change-aware rule guards (evaluated by the gate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnChange {
    /// Any change of the value.
    Any,
    /// A number goes up.
    Increase,
    /// A number goes down (or a list loses items).
    Decrease,
    /// The key (or a list item) appears.
    Add,
    /// The key (or a list item) disappears.
    Remove,
}

impl OnChange {
    pub(super) const NAMES: [&'static str; 5] = ["any", "increase", "decrease", "add", "remove"];

    pub(super) fn parse(s: &str) -> Option<OnChange> {
        Some(match s {
            "any" => OnChange::Any,
            "increase" => OnChange::Increase,
            "decrease" => OnChange::Decrease,
            "add" => OnChange::Add,
            "remove" => OnChange::Remove,
            _ => return None,
        })
    }

    /// The name as written.
    pub fn name(self) -> &'static str {
        OnChange::NAMES[self as usize]
    }
}

/// The review a change-aware rule asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewAsk {
    /// Sign-offs needed.
    pub required: u32,
    /// Who may sign (emails or `@group`); empty: any peer.
    pub reviewers: Vec<String>,
}

/// `left op right` between two environments, on numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvComparison {
    /// Environment on the left.
    pub left: String,
    /// `>=`, `>`, `<=`, `<`, `==`, `!=`.
    pub op: &'static str,
    /// Environment on the right.
    pub right: String,
}

impl EnvComparison {
    pub(super) fn parse(s: &str) -> Result<EnvComparison, String> {
        const OPS: [&str; 6] = [">=", "<=", "==", "!=", ">", "<"];
        for op in OPS {
            if let Some((l, r)) = s.split_once(op) {
                let (l, r) = (l.trim(), r.trim());
                let word = |w: &str| {
                    !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c))
                };
                if word(l) && word(r) && l != r {
                    return Ok(EnvComparison {
                        left: l.to_string(),
                        op,
                        right: r.to_string(),
                    });
                }
                break;
            }
        }
        Err(format!(
            "`compare = \"{s}\"` must read `ENV OP ENV` with OP one of >=, >, <=, <, ==, != (e.g. \"prod >= staging\")"
        ))
    }

    /// Whether equal values satisfy it (`>=`, `<=`, `==`): then only values
    /// that differ can break it, and the drift findings already hold those.
    pub fn holds_when_equal(&self) -> bool {
        matches!(self.op, ">=" | "<=" | "==")
    }

    /// Whether `l op r` holds.
    pub fn holds(&self, l: f64, r: f64) -> bool {
        match self.op {
            ">=" => l >= r,
            ">" => l > r,
            "<=" => l <= r,
            "<" => l < r,
            "==" => l == r,
            _ => l != r,
        }
    }
}

/// Where a rule was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenAt {
    /// Policy file (`<builtin>/nginx.toml` for the shipped pack).
    pub file: String,
    /// 1-based line of the rule's header.
    pub line: u32,
    /// Load order: files in order, rules in order within a file.
    pub order: usize,
    /// Whether it comes from the shipped pack.
    pub builtin: bool,
}

/// A file selector: globs matched against a file's path relative to its
/// environment root and against its path in the repository.
#[derive(Debug, Clone)]
pub struct Files {
    /// As written.
    pub globs: Vec<String>,
    set: GlobSet,
}

impl Files {
    pub(super) fn new(globs: Vec<String>) -> Result<Files, (usize, String)> {
        let mut b = GlobSetBuilder::new();
        for (i, g) in globs.iter().enumerate() {
            let glob =
                file_glob(g).map_err(|e| (i, format!("invalid glob `{g}`: {}", e.kind())))?;
            b.add(glob);
        }
        let set = b.build().map_err(|e| (0, e.to_string()))?;
        Ok(Files { globs, set })
    }

    /// A selector over `globs` (valid ones), for tests elsewhere in the module.
    #[cfg(test)]
    pub fn for_test(globs: &[&str]) -> Files {
        Files::new(globs.iter().map(|g| g.to_string()).collect()).expect("valid globs")
    }

    /// Whether either path matches.
    pub fn matches(&self, file_key: &str, display: &str) -> bool {
        self.globs.is_empty() || self.set.is_match(file_key) || self.set.is_match(display)
    }
}

/// A policy file glob: `*` stays within one path segment, `**` crosses
/// any number (as in `.gitignore`), so `**/clickhouse/*.xml` does not reach
/// `clickhouse/prod/config.xml`.
pub fn file_glob(g: &str) -> Result<Glob, globset::Error> {
    globset::GlobBuilder::new(g).literal_separator(true).build()
}

/// A `[[rule]]`.
#[derive(Debug, Clone)]
pub struct PolicyRule {
    /// Stable id.
    pub id: String,
    /// What it is for.
    pub description: Option<String>,
    /// What to do when it fires.
    pub help: Option<String>,
    /// Severity of its findings.
    pub severity: Severity,
    /// Files it looks at (none: all).
    pub files: Files,
    /// Keys it looks at (none: whole files).
    pub keys: Vec<KeyPattern>,
    /// Document kinds it looks at (none: all); see [`super::scope`].
    pub documents: Vec<String>,
    /// Value shape it looks at (none: any); see [`super::scope`].
    pub values: Option<super::scope::Values>,
    /// Environments it applies to (none: all).
    pub envs: Vec<String>,
    /// The expectation across environments.
    pub expect: Option<Expect>,
    /// Only these built-in findings are governed by `expect` (default: all drift).
    pub applies_to: Vec<String>,
    /// A value must not match.
    pub forbid: Option<Regex>,
    /// A value must match.
    pub require: Option<Regex>,
    /// A value must be one of these.
    pub one_of: Vec<String>,
    /// A value must be a number at least this.
    pub min: Option<f64>,
    /// A value must be a number at most this.
    pub max: Option<f64>,
    /// Cross-environment comparison.
    pub compare: Option<EnvComparison>,
    /// Change-aware: which change needs review.
    pub on_change: Option<OnChange>,
    /// The review it needs.
    pub review: Option<ReviewAsk>,
    /// Where it was written.
    pub origin: WrittenAt,
    /// Lines of each `envs` entry and of `compare`, for errors found later.
    pub lines: FieldLines,
}

/// Lines of fields checked after reading (environment names).
#[derive(Debug, Clone, Default)]
pub struct FieldLines {
    /// Line of each `envs` entry.
    pub envs: Vec<u32>,
    /// Line of `compare`.
    pub compare: u32,
}

impl PolicyRule {
    /// Whether the rule checks each value on its own (needs every value, not only differences).
    pub fn checks_values(&self) -> bool {
        self.forbid.is_some()
            || self.require.is_some()
            || !self.one_of.is_empty()
            || self.min.is_some()
            || self.max.is_some()
            || self.compare.as_ref().is_some_and(|c| !c.holds_when_equal())
            || matches!(
                self.expect,
                Some(Expect::Differ | Expect::Present | Expect::Absent)
            )
    }

    /// Whether a finding is within the rule's `documents` and `values` scope.
    pub fn covers(&self, f: &crate::finding::Finding) -> bool {
        super::scope::documents_match(&self.documents, f)
            && super::scope::values_match(self.values, f)
    }

    /// The most specific of its key patterns matching `key` (for precedence), if any.
    pub fn key_match(&self, key: Option<&KeyPath>) -> Option<u32> {
        match key {
            _ if self.keys.is_empty() => Some(0),
            None => None,
            Some(k) => self
                .keys
                .iter()
                .filter(|p| p.matches(k))
                .map(KeyPattern::specificity)
                .max(),
        }
    }
}

/// A `[[link]]`: keys that must hold the same value within each environment.
#[derive(Debug, Clone)]
pub struct Link {
    /// Stable id.
    pub id: String,
    /// What it is for.
    pub description: Option<String>,
    /// What to do when it fires.
    pub help: Option<String>,
    /// Severity (default error).
    pub severity: Severity,
    /// `file-glob:key-pattern` members.
    pub members: Vec<(Files, KeyPattern, String)>,
    /// Environments it applies to.
    pub envs: Vec<String>,
    /// Where it was written.
    pub origin: WrittenAt,
}

/// A `[[waiver]]`: one accepted finding, with the reason.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// Rule id it waives.
    pub rule: String,
    /// File glob (as written).
    pub file: Files,
    /// Key pattern (none: any key of the file).
    pub key: Option<KeyPattern>,
    /// Why.
    pub reason: String,
    /// `YYYY-MM-DD` after which it stops applying.
    pub expires: Option<(i32, u32, u32)>,
    /// Where it was written.
    pub origin: WrittenAt,
}

/// One policy file's content.
#[derive(Debug, Default)]
pub struct PolicyFile {
    /// Rules in order.
    pub rules: Vec<PolicyRule>,
    /// Links in order.
    pub links: Vec<Link>,
    /// Waivers in order.
    pub waivers: Vec<Waiver>,
}
