//! Change-aware policy rules (`on_change`): each environment is compared
//! with itself, merge base against head, by the same drift engine; a rule
//! whose keys changed the way it names (`decrease`, `remove`, ...) asks for
//! its review.

use super::review::{Requirement, Review};
use crate::config::Config;
use crate::diff;
use crate::error::Error;
use crate::finding::{Finding, Shown, Site};
use crate::formats::Limits;
use crate::policy::{OnChange, Policy, env_applies};
use crate::secrets::{Fingerprinter, Masker};

/// What the change-aware rules judge.
pub struct BothSides<'a> {
    /// The config read against the merge base.
    pub base: &'a Config,
    /// The same config read against the head.
    pub head: &'a Config,
    /// The merge base's policy.
    pub policy: &'a Policy,
    /// The trees are sparse ([`super::scope`]): an environment with no file
    /// there has nothing the change touched.
    pub partial: bool,
    /// What the change did to each environment, when the drift half has
    /// compared each with itself already ([`super::drift::introduced`]):
    /// the same comparison, not made twice (on a change touching every
    /// file it was a fifth of the gate's time).
    pub changes: Option<&'a super::divergence::SelfDiff>,
}

/// The review the change-aware rules ask for, between `j.base` and
/// `j.head`.
///
/// # Errors
/// When an environment cannot be listed.
pub fn requirements(j: &BothSides<'_>, review: &Review) -> Result<Vec<Requirement>, Error> {
    let (base, head, partial) = (j.base, j.head, j.partial);
    let rules: Vec<&crate::policy::PolicyRule> = j
        .policy
        .rules
        .iter()
        .filter(|r| r.on_change.is_some())
        .collect();
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let masker = Masker::new(Fingerprinter::random().map_err(|e| Error::Random(e.to_string()))?);
    let mut out = Vec::new();
    for (b, h) in base.envs.iter().zip(&head.envs) {
        let compared;
        let findings = match j.changes {
            Some(changes) => match changes.get(&b.name) {
                Some(found) => found,
                None => continue,
            },
            None => {
                let side = super::divergence::side;
                let (Some(be), Some(he)) = (
                    side(base, b, "base", partial)?,
                    side(head, h, "head", partial)?,
                ) else {
                    continue;
                };
                compared = diff::changes(
                    &[be, he],
                    &masker,
                    &Limits::default(),
                    super::scope::reference_path(),
                );
                &compared.findings
            }
        };
        let tokens = crate::model::envtoken::EnvTokens::new(&b.name, &b.aliases);
        for r in rules.iter().filter(|r| env_applies(&r.envs, &tokens)) {
            let Some(change) = r.on_change else { continue };
            for f in findings.iter().filter(|f| judged_by(r, f)) {
                if let Some(what) = changed(change, f) {
                    let review_of = r.review.clone().unwrap_or(crate::policy::rules::ReviewAsk {
                        required: 1,
                        reviewers: Vec::new(),
                    });
                    out.push(Requirement {
                        source: format!(
                            "policy `{}`: {} {what} in {}",
                            r.id,
                            f.key.as_deref().unwrap_or(&f.file),
                            b.name
                        ),
                        required: review_of.required,
                        // A rule that names no reviewers inherits the base's
                        // list, as `[[review.rule]]` does: a change-aware rule
                        // must never widen who may approve.
                        reviewers: if review_of.reviewers.is_empty() {
                            review.base.reviewers.clone()
                        } else {
                            review.expand(&review_of.reviewers)?
                        },
                        after: None,
                        paths: None,
                    });
                }
            }
        }
    }
    Ok(out)
}

fn sites(f: &Finding) -> impl Iterator<Item = &Site> {
    f.envs.iter().filter_map(|(_, s)| s.as_ref())
}

/// Whether rule `r` judges self-comparison finding `f`: a change of a
/// value in the rule's keys, documents and files. Rules judge the
/// effective value of a change, never a file's appearance or deletion by
/// itself (docs/policies.md, "Scope"): deleting a patch whose effect was an
/// increase is not a decrease, and a playbook rename is no replica change.
/// Kubernetes resources align by identity wherever they live, so moving one
/// to another file is still compared value by value. What a value *is* on
/// both sides (the same secret, the same placeholder) is no change
/// ([`super::divergence::unchanged`]): a password key's `on_change = "any"`
/// asked for review whenever the file holding it was compared.
fn judged_by(r: &crate::policy::PolicyRule, f: &Finding) -> bool {
    if super::divergence::unchanged(f)
        || f.rule == "drift/missing-file"
        || r.keys.is_empty()
        || r.key_match(f.key.as_ref()).is_none()
        || !r.covers(f)
    {
        return false;
    }
    r.files.matches(&f.file, &f.file) || sites(f).any(|s| r.files.matches(&f.file, &s.file))
}

/// How the value at a finding changed from base (first site) to head
/// (second), if it is the kind of change `want` names.
fn changed(want: OnChange, f: &Finding) -> Option<String> {
    let side = |i: usize| f.envs.get(i).and_then(|(_, s)| s.as_ref());
    let (old, new) = (side(0), side(1));
    let text = |s: Option<&Site>| match s.and_then(|s| s.value.as_ref()) {
        Some(Shown::Value(v)) => Some(v.clone()),
        Some(Shown::Secret { .. }) => Some("<secret>".to_string()),
        None => None,
    };
    let (a, b) = (text(old), text(new));
    let items = |v: &Option<String>| -> Option<Vec<String>> {
        let v = v.as_ref()?;
        let inner = v.strip_prefix('[')?.strip_suffix(']')?;
        Some(
            inner
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        )
    };
    // Only finite numbers are numbers: `nan`, `inf` compare false both ways
    // and would hide a decrease.
    let number = |v: &Option<String>| {
        v.as_ref()
            .and_then(|v| v.trim_matches('"').parse::<f64>().ok())
            .filter(|x| x.is_finite())
    };
    match want {
        OnChange::Any => Some("changed".into()),
        OnChange::Add => match (old, new) {
            (None, Some(_)) => Some("added".into()),
            _ => {
                let (x, y) = (items(&a)?, items(&b)?);
                let added: Vec<&String> = y.iter().filter(|i| !x.contains(i)).collect();
                (!added.is_empty()).then(|| format!("gained {}", join(&added)))
            }
        },
        OnChange::Remove => match (old, new) {
            (Some(_), None) => Some("removed".into()),
            _ => {
                let (x, y) = (items(&a)?, items(&b)?);
                let removed: Vec<&String> = x.iter().filter(|i| !y.contains(i)).collect();
                (!removed.is_empty()).then(|| format!("lost {}", join(&removed)))
            }
        },
        OnChange::Increase | OnChange::Decrease => {
            let up = want == OnChange::Increase;
            // A value that disappears, appears, or stops being a number can
            // hide either direction: fail safe and ask for the review.
            match (old, new) {
                (Some(_), None) if !up => return Some("removed".into()),
                (None, Some(_)) if up => return Some("added".into()),
                _ => {}
            }
            // Rule: a value that was a finite number (a scalar, or shown as a
            // one-item list when the other side is a list: the engine then
            // prints both as lists) is judged as a number; unless it is now
            // a finite number *of the same type* on the right side of it, the
            // direction cannot be told and the review is asked. `3` -> `[1]`,
            // `[3]`, `{}`, `nan`, `"3"`, `3.0`, `[]` all ask: printed values
            // lose their type (`"3"` prints as `3`), so the engine's own
            // verdict that the types differ (or that a YAML 1.1 reader types
            // the value otherwise, `010`) is read, never the text alone. The
            // reverse (text becoming a number) asks too.
            let retyped = f.message.contains(crate::diff::TYPES_DIFFER)
                || f.message.contains(crate::diff::AMBIGUOUS);
            let was = number(&a).or_else(|| one_number(&a));
            if a.is_some() && b.is_some() && (was.is_some() || number(&b).is_some()) {
                match (was, number(&b)) {
                    (Some(_), Some(_)) if !retyped => {}
                    _ => {
                        return Some(format!(
                            "changed from {} to {}, which cannot be compared as numbers",
                            a.clone().unwrap_or_default(),
                            b.clone().unwrap_or_default()
                        ));
                    }
                }
            }
            let (x, y) = match (was, number(&b)) {
                (Some(x), Some(y)) => (x, y),
                _ => {
                    let (x, y) = (items(&a)?, items(&b)?);
                    (x.len() as f64, y.len() as f64)
                }
            };
            ((up && y > x) || (!up && y < x)).then(|| {
                format!(
                    "{} from {} to {}",
                    if up { "increased" } else { "decreased" },
                    a.clone().unwrap_or_default(),
                    b.clone().unwrap_or_default()
                )
            })
        }
    }
}

/// `[3]`: the one finite number a one-item list holds.
fn one_number(v: &Option<String>) -> Option<f64> {
    v.as_ref()?
        .strip_prefix('[')?
        .strip_suffix(']')?
        .trim()
        .trim_matches('"')
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
