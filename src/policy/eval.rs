//! Applying a policy to what the diff found: governing built-in findings
//! (`expect`, re-configured built-ins, `disable`), then checking the values
//! the diff collected (`forbid`, `require`, `one_of`, `min`, `max`,
//! `compare`, `differ`, `present`, `absent`, `[[link]]`).

use std::collections::HashMap;

use super::fileindex::FileIndex;
use super::rules::{Expect, Link, PolicyRule};
use super::{Policy, Selector, env_applies};
use crate::diff::{Leaf, Seen, Walked};
use crate::env::Environment;
use crate::finding::{Finding, Shown, Site};
use crate::model::document::DocId;
use crate::model::value::Secrecy;

/// Built-in rules that report a *divergence*: what `expect` governs.
const DIVERGENCE: [&str; 6] = [
    "drift/data-path",
    "drift/secret-literal",
    "drift/flag",
    "drift/missing-key",
    "drift/missing-file",
    "drift/value",
];

/// Apply `policy` to a diff outcome; returns the findings, sorted.
pub fn apply(policy: &Policy, envs: &[Environment], outcome: &Walked) -> Vec<Finding> {
    let index = FileIndex::new(policy.rules.iter().map(|r| &r.files));
    use rayon::prelude::*;
    let mut out: Vec<Finding> = outcome
        .findings
        .par_iter()
        .filter(|f| !policy.disabled.contains(&f.rule))
        .filter_map(|f| govern(policy, &index, envs, f.clone()))
        .collect();

    let selectors = policy.selectors();
    let mut by_selector: Vec<Vec<&Leaf>> = vec![Vec::new(); selectors.len()];
    for leaf in &outcome.leaves {
        for &s in &leaf.rules {
            by_selector[s].push(leaf);
        }
    }
    let mut superseded: Vec<(String, String)> = Vec::new();
    for (i, sel) in selectors.iter().enumerate() {
        if let Selector::Rule(r) = sel {
            out.extend(values(
                r,
                envs,
                &by_selector[i],
                &outcome.seen,
                i,
                &mut superseded,
            ));
        }
    }
    for (i, sel) in selectors.iter().enumerate() {
        if let Selector::Rule(r) = sel
            && by_selector[i].is_empty()
        {
            out.extend(unused(r));
        }
    }
    for (i, r) in policy.rules.iter().enumerate() {
        if let Some(c) = r.compare.as_ref().filter(|c| c.holds_when_equal()) {
            out.extend(compared_from_drift(
                r,
                c,
                i,
                &index,
                envs,
                &outcome.findings,
            ));
        }
    }
    for (li, link) in policy.links.iter().enumerate() {
        let members: Vec<&[&Leaf]> = selectors
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s, Selector::Link(l, _, _) if *l == li))
            .map(|(i, _)| by_selector[i].as_slice())
            .collect();
        out.extend(linked(link, envs, &members));
    }
    // A `differ` rule's finding replaces the built-in reuse finding at its key.
    out.retain(|f| {
        f.rule != "drift/credential-reused"
            || !superseded
                .iter()
                .any(|(file, key)| *file == f.file && f.key.as_deref() == Some(key))
    });
    crate::finding::sort(&mut out);
    out
}

/// `policy/unused-rule`: a rule of the user's whose key patterns matched no
/// key in any compared environment checks nothing, and says so (a typo in a
/// key pattern must not pass as a rule that holds). Rules whose point is a
/// key's absence (`expect = "absent"`), or that already report a missing
/// key (`expect = "present"`), and the shipped pack (written for every
/// repository) are not reported. Only value-checking rules are judged: they
/// are the ones the diff collects values for.
fn unused(r: &PolicyRule) -> Option<Finding> {
    if r.origin.builtin
        || r.keys.is_empty()
        || matches!(r.expect, Some(Expect::Absent | Expect::Present))
    {
        return None;
    }
    let patterns: Vec<String> = r.keys.iter().map(|k| format!("`{}`", k.text)).collect();
    let mut f = Finding::other(
        "policy/unused-rule",
        crate::finding::Severity::Warning,
        format!(
            "rule `{}` ({}:{}): its key pattern{} {} match{} no key in any compared environment",
            r.id,
            r.origin.file,
            r.origin.line,
            if patterns.len() == 1 { "" } else { "s" },
            patterns.join(", "),
            if patterns.len() == 1 { "es" } else { "" },
        ),
        r.origin.file.clone(),
        "fix the key pattern (see `driftcheck explain`), or remove the rule",
    );
    f.key = Some(r.id.as_str().into());
    f.envs = vec![(
        "policy".to_string(),
        Some(Site {
            file: r.origin.file.clone(),
            line: r.origin.line,
            value: None,
        }),
    )];
    Some(f)
}

/// The rule governing a built-in finding, if any, applied to it; `None` drops it.
fn govern(
    policy: &Policy,
    index: &FileIndex,
    envs: &[Environment],
    mut f: Finding,
) -> Option<Finding> {
    // Rules are matched on the finding's file key and every site's file.
    let file_hit = index.matching(&f.paths());
    let rule_envs: Vec<&Environment> = f
        .envs
        .iter()
        .filter(|(_, s)| s.is_some())
        .filter_map(|(n, _)| envs.iter().find(|e| &e.name == n))
        .collect();
    let governs = |(i, r): &(usize, &PolicyRule)| {
        let kind_ok = if r.id == f.rule {
            true
        } else {
            match r.expect {
                Some(Expect::Same | Expect::Any | Expect::Differ) => {
                    DIVERGENCE.contains(&f.rule.as_str())
                        && (r.applies_to.is_empty() || r.applies_to.contains(&f.rule))
                }
                Some(Expect::Present) => {
                    matches!(f.rule.as_str(), "drift/missing-key" | "drift/missing-file")
                }
                _ => false,
            }
        };
        kind_ok
            && file_hit[*i]
            && (r.id == f.rule || r.covers(&f))
            && (r.envs.is_empty() || rule_envs.iter().any(|e| env_applies(&r.envs, &e.tokens)))
    };
    let best = policy
        .rules
        .iter()
        .enumerate()
        .filter(governs)
        .map(|(_, r)| r)
        .filter_map(|r| r.key_match(f.key.as_ref()).map(|s| (r, s)))
        // A re-configured built-in outranks everything; then specificity, then order.
        .max_by_key(|(r, s)| (r.id == f.rule, *s, r.origin.order))
        .map(|(r, _)| r);
    let Some(best) = best else { return Some(f) };
    if best.id == f.rule {
        // `[[rule]] id = "drift/flag"`: the built-in, re-configured.
        if best.expect == Some(Expect::Any) {
            return None;
        }
        f.severity = best.severity;
        if let Some(h) = best.help.as_ref().or(best.description.as_ref()) {
            f.help = Some(h.clone());
        }
        return Some(f);
    }
    match best.expect {
        Some(Expect::Any | Expect::Differ) => None,
        _ => {
            f.severity = best.severity;
            f.policy = Some(best.id.clone());
            if let Some(h) = best.help.as_ref().or(best.description.as_ref()) {
                f.help = Some(h.clone());
            }
            Some(f)
        }
    }
}

/// Where one key sits in each environment, in first-seen order.
type ByKey<'a> = Vec<((&'a DocId, &'a str), Vec<Option<&'a Leaf>>)>;

fn group<'a>(leaves: &[&'a Leaf], n: usize) -> ByKey<'a> {
    let mut index: HashMap<(&'a DocId, &'a str), usize, foldhash::fast::RandomState> =
        HashMap::default();
    let mut by: ByKey<'a> = Vec::new();
    for l in leaves {
        let at = *index.entry((&l.doc, l.key.as_str())).or_insert_with(|| {
            by.push(((&l.doc, l.key.as_str()), vec![None; n]));
            by.len() - 1
        });
        by[at].1[l.env] = Some(l);
    }
    by
}

/// A policy finding at one key, showing every environment's value there.
fn finding(r: &PolicyRule, envs: &[Environment], at: &[Option<&Leaf>], message: String) -> Finding {
    let first = at.iter().flatten().next().expect("a key has a leaf");
    Finding {
        rule: r.id.clone(),
        severity: r.severity,
        message,
        file: first.file_key.clone(),
        document: first.document.clone(),
        key: Some(first.key.clone()),
        envs: envs
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), at[i].map(|l| l.site.clone())))
            .collect(),
        help: r.help.clone().or_else(|| r.description.clone()),
        diff: None,
        policy: None,
    }
}

/// A number, if the text is one (`3`, `2.5`, `"10"`); references are not.
fn number(l: &Leaf) -> Option<f64> {
    if matches!(l.value.secrecy, Secrecy::Reference) || l.value.secrecy.is_masked() {
        return None;
    }
    l.raw
        .trim()
        .trim_matches('"')
        .replace('_', "")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

/// What a value is for equality: a secret's fingerprint, else its text.
fn identity(l: &Leaf) -> String {
    match &l.value.secrecy {
        Secrecy::Secret(fp) | Secrecy::Encrypted(fp) => format!("fp:{fp}"),
        Secrecy::Partial(fps) if fps.len() == 1 => format!("fp:{}", fps[0]),
        _ => format!("v:{}", l.raw),
    }
}

fn is_masked(l: &Leaf) -> bool {
    l.value.secrecy.is_masked()
}

/// Value checks of one rule over the leaves it collected.
fn values(
    r: &PolicyRule,
    envs: &[Environment],
    leaves: &[&Leaf],
    seen: &[Seen],
    selector: usize,
    superseded: &mut Vec<(String, String)>,
) -> Vec<Finding> {
    let n = envs.len();
    let applies: Vec<bool> = envs
        .iter()
        .map(|e| env_applies(&r.envs, &e.tokens))
        .collect();
    let mut out = Vec::new();
    let by = group(leaves, n);
    for ((_, key), at) in &by {
        // Per-value constraints, per environment.
        let mut broken: Vec<String> = Vec::new();
        for (i, l) in at.iter().enumerate() {
            let Some(l) = l else { continue };
            if !applies[i] {
                continue;
            }
            if let Some(why) = constraint(r, l) {
                broken.push(format!("{}: {why}", envs[i].name));
            }
        }
        if !broken.is_empty() {
            out.push(finding(r, envs, at, broken.join("; ")));
        }
        if let Some(c) = r.compare.as_ref().filter(|c| !c.holds_when_equal()) {
            out.extend(comparisons(r, c, envs, at));
        }
        expectation(r, envs, at, &applies, key, superseded, &mut out);
    }
    if r.expect == Some(Expect::Present) {
        out.extend(present(r, envs, leaves, seen, selector, &applies));
    }
    out
}

/// `compare = "prod >= staging"` (an order that equal values do not settle)
/// between every pair of environments its sides name, one finding per pair
/// that does not hold.
fn comparisons(
    r: &PolicyRule,
    c: &super::rules::EnvComparison,
    envs: &[Environment],
    at: &[Option<&Leaf>],
) -> Vec<Finding> {
    let n = envs.len();
    let mut out = Vec::new();
    let sides =
        |name: &str| -> Vec<usize> { (0..n).filter(|&i| envs[i].tokens.is_token(name)).collect() };
    for li in sides(&c.left) {
        for ri in sides(&c.right) {
            let (Some(l), Some(rv)) = (at[li], at[ri]) else {
                continue;
            };
            let (Some(a), Some(b)) = (number(l), number(rv)) else {
                continue;
            };
            if !c.holds(a, b) {
                out.push(finding(
                    r,
                    envs,
                    at,
                    format!(
                        "`{} {} {}` does not hold: {} is {a}, {} is {b}",
                        c.left, c.op, c.right, envs[li].name, envs[ri].name
                    ),
                ));
            }
        }
    }
    out
}

/// `expect = "differ"` (no two environments hold the same value; such a
/// finding supersedes the built-in reuse finding at that key) and
/// `expect = "absent"`. `present` needs every file: see [`present`].
fn expectation(
    r: &PolicyRule,
    envs: &[Environment],
    at: &[Option<&Leaf>],
    applies: &[bool],
    key: &str,
    superseded: &mut Vec<(String, String)>,
    out: &mut Vec<Finding>,
) {
    let n = envs.len();
    match r.expect {
        Some(Expect::Differ) => {
            let present: Vec<usize> = (0..n).filter(|&i| applies[i] && at[i].is_some()).collect();
            let same: Vec<&str> = present
                .iter()
                .filter(|&&i| {
                    present
                        .iter()
                        .any(|&j| j != i && identity(at[i].unwrap()) == identity(at[j].unwrap()))
                })
                .map(|&i| envs[i].name.as_str())
                .collect();
            if !same.is_empty() {
                let what = if at.iter().flatten().any(|l| is_masked(l)) {
                    "the same secret"
                } else {
                    "the same value"
                };
                let f = finding(
                    r,
                    envs,
                    at,
                    format!(
                        "must differ between environments, but {} hold {what}",
                        crate::diff::list(&same)
                    ),
                );
                superseded.push((f.file.clone(), key.to_string()));
                out.push(f);
            }
        }
        Some(Expect::Absent) => {
            let has: Vec<&str> = (0..n)
                .filter(|&i| applies[i] && at[i].is_some())
                .map(|i| envs[i].name.as_str())
                .collect();
            if !has.is_empty() {
                out.push(finding(
                    r,
                    envs,
                    at,
                    format!("must be absent, but is set in {}", crate::diff::list(&has)),
                ));
            }
        }
        _ => {}
    }
}

/// `compare` with `>=`, `<=` or `==`: equal values hold, so only values that
/// differ matter, and each is already a drift finding (taken before any
/// rule governed it). No value needs collecting.
fn compared_from_drift(
    r: &PolicyRule,
    c: &super::rules::EnvComparison,
    rule_index: usize,
    index: &FileIndex,
    envs: &[Environment],
    drift: &[Finding],
) -> Vec<Finding> {
    let sides = |name: &str| -> Vec<usize> {
        (0..envs.len())
            .filter(|&i| envs[i].tokens.is_token(name))
            .collect()
    };
    let (lefts, rights) = (sides(&c.left), sides(&c.right));
    if lefts.is_empty() || rights.is_empty() {
        return Vec::new();
    }
    let number = |site: &Option<Site>| match site.as_ref().and_then(|s| s.value.as_ref()) {
        Some(Shown::Value(v)) => v
            .trim()
            .trim_matches('"')
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite()),
        _ => None,
    };
    let mut out = Vec::new();
    for f in drift {
        if !matches!(f.rule.as_str(), "drift/value" | "drift/data-path")
            || r.key_match(f.key.as_ref()).is_none()
            || r.keys.is_empty()
            || !r.documents.is_empty() && !super::scope::documents_match(&r.documents, f)
        {
            continue;
        }
        if !index.matching(&f.paths())[rule_index] {
            continue;
        }
        for &li in &lefts {
            for &ri in &rights {
                let site = |e: usize| {
                    f.envs
                        .iter()
                        .find(|(n, _)| *n == envs[e].name)
                        .map(|(_, s)| s)
                };
                let (Some(a), Some(b)) = (site(li).and_then(number), site(ri).and_then(number))
                else {
                    continue;
                };
                if !c.holds(a, b) {
                    out.push(Finding {
                        rule: r.id.clone(),
                        severity: r.severity,
                        message: format!(
                            "`{} {} {}` does not hold: {} is {a}, {} is {b}",
                            c.left, c.op, c.right, envs[li].name, envs[ri].name
                        ),
                        file: f.file.clone(),
                        document: f.document.clone(),
                        key: f.key.clone(),
                        envs: f.envs.clone(),
                        help: r.help.clone().or_else(|| r.description.clone()),
                        diff: None,
                        policy: None,
                    });
                }
            }
        }
    }
    out
}

/// One constraint broken by a value, said without quoting a secret.
fn constraint(r: &PolicyRule, l: &Leaf) -> Option<String> {
    if matches!(l.value.secrecy, Secrecy::Reference) {
        // `${POOL_SIZE}` cannot be judged here; the value it resolves to is elsewhere.
        return None;
    }
    // Secret text never reaches a constraint: a value that is a secret as a
    // whole is not evaluated (pass/fail per environment would be an oracle),
    // and one with secret parts is evaluated on its masked form.
    let subject: &str = match (&l.value.secrecy, &l.site.value) {
        (Secrecy::Secret(_) | Secrecy::Encrypted(_), _) => return None,
        (Secrecy::Partial(_), Some(Shown::Value(v))) => v,
        (Secrecy::Partial(_), _) => return None,
        _ => &l.raw,
    };
    let shown = || match &l.site.value {
        Some(Shown::Value(v)) => format!("`{v}`"),
        _ => "the secret value".to_string(),
    };
    if let Some(re) = &r.forbid
        && re.is_match(subject)
    {
        return Some(format!(
            "{} matches the forbidden pattern `{}`",
            shown(),
            re.as_str()
        ));
    }
    if let Some(re) = &r.require
        && !re.is_match(subject)
    {
        return Some(format!(
            "{} does not match the required pattern `{}`",
            shown(),
            re.as_str()
        ));
    }
    if !r.one_of.is_empty() && !r.one_of.iter().any(|o| o == subject.trim()) {
        return Some(format!(
            "{} is not one of {}",
            shown(),
            r.one_of
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if r.min.is_some() || r.max.is_some() {
        let Some(v) = number(l) else {
            return Some(format!("{} is not a number", shown()));
        };
        if let Some(min) = r.min
            && v < min
        {
            return Some(format!("{v} is below the minimum {min}"));
        }
        if let Some(max) = r.max
            && v > max
        {
            return Some(format!("{v} is above the maximum {max}"));
        }
    }
    None
}

/// `expect = "present"`: every key pattern has a value in every environment
/// that has a file the rule looks at.
fn present(
    r: &PolicyRule,
    envs: &[Environment],
    leaves: &[&Leaf],
    seen: &[Seen],
    selector: usize,
    applies: &[bool],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in seen
        .iter()
        .filter(|s| s.selectors.contains(&selector) && applies[s.env])
    {
        for p in &r.keys {
            let found = leaves
                .iter()
                .any(|l| l.env == s.env && l.doc == s.doc && p.matches(&l.key));
            if found {
                continue;
            }
            out.push(Finding {
                rule: r.id.clone(),
                severity: r.severity,
                message: format!("no key matching `{}` in {}", p.text, envs[s.env].name),
                file: s.file_key.clone(),
                document: s.document.clone(),
                key: Some(p.text.as_str().into()),
                envs: envs
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let site = (i == s.env).then(|| Site {
                            file: s.file.clone(),
                            line: s.line,
                            value: None,
                        });
                        (e.name.clone(), site)
                    })
                    .collect(),
                help: r.help.clone().or_else(|| r.description.clone()),
                diff: None,
                policy: None,
            });
        }
    }
    out
}

/// `[[link]]`: within each environment, every member holds the same value.
fn linked(link: &Link, envs: &[Environment], members: &[&[&Leaf]]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, env) in envs.iter().enumerate() {
        if !env_applies(&link.envs, &env.tokens) {
            continue;
        }
        let found: Vec<Option<&Leaf>> = members
            .iter()
            .map(|m| m.iter().find(|l| l.env == i).copied())
            .collect();
        if found.iter().all(Option::is_none) {
            // The environment has none of the linked files: nothing to hold together.
            continue;
        }
        let missing: Vec<&str> = link
            .members
            .iter()
            .zip(&found)
            .filter(|(_, f)| f.is_none())
            .map(|(m, _)| m.2.as_str())
            .collect();
        let ids: Vec<String> = found.iter().flatten().map(|l| identity(l)).collect();
        let differ = ids.windows(2).any(|w| w[0] != w[1]);
        if missing.is_empty() && !differ {
            continue;
        }
        let members = link
            .members
            .iter()
            .enumerate()
            .map(|(k, m)| format!("#{} `{}`", k + 1, m.2))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if !missing.is_empty() {
            format!(
                "{}: linked key {} not found (members: {members})",
                env.name,
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else if found.iter().flatten().any(|l| is_masked(l)) {
            format!(
                "{}: linked secrets differ, compared by fingerprint (members: {members})",
                env.name
            )
        } else {
            format!("{}: linked values differ (members: {members})", env.name)
        };
        let first = found.iter().flatten().next().expect("one member found");
        out.push(Finding {
            rule: link.id.clone(),
            severity: link.severity,
            message,
            file: first.file_key.clone(),
            document: first.document.clone(),
            key: Some(first.key.clone()),
            envs: link
                .members
                .iter()
                .zip(&found)
                .enumerate()
                .map(|(k, (_, l))| {
                    (
                        format!("{} #{}", env.name, k + 1),
                        l.map(|l| l.site.clone()),
                    )
                })
                .collect(),
            help: link.help.clone().or_else(|| link.description.clone()),
            diff: None,
            policy: None,
        });
    }
    out
}
