//! Accepting findings on purpose: inline `driftcheck: allow RULE -- reason`
//! comments next to the value, and `[[waiver]]` entries in policy files
//! (with an optional expiry date). A waiver that matches nothing, or has
//! expired, is itself reported, so accepted risk does not outlive its reason.

use std::collections::HashMap;

use super::Policy;
use super::rules::Waiver;
use crate::finding::{Finding, Severity};

/// The marker an inline suppression starts with.
const MARKER: &str = crate::load::ALLOW_MARKER;

/// What suppression did.
#[derive(Debug, Default)]
pub struct Suppressed {
    /// Findings kept.
    pub findings: Vec<Finding>,
    /// How many were accepted (inline or by a waiver).
    pub accepted: usize,
}

/// Drop findings accepted inline or by a waiver; add findings about unused,
/// expired or malformed suppressions. `allows`: the lines holding the
/// inline marker, collected while the files were read (no second read:
/// what was compared is what is suppressed); `today`: `(year, month, day)`.
pub fn apply(
    policy: &Policy,
    allows: &crate::load::AllowLines,
    findings: Vec<Finding>,
    today: (i32, u32, u32),
) -> Suppressed {
    let mut files: HashMap<&str, HashMap<u32, &str>> = HashMap::new();
    for (file, line, text) in allows {
        files
            .entry(file.as_str())
            .or_default()
            .insert(*line, text.as_str());
    }
    let mut used = vec![false; policy.waivers.len()];
    let mut out = Suppressed::default();
    let mut bad_inline: Vec<(String, u32, String)> = Vec::new();
    let known: Vec<&str> = crate::registry::ids()
        .into_iter()
        .chain(policy.rules.iter().map(|r| r.id.as_str()))
        .chain(policy.links.iter().map(|l| l.id.as_str()))
        .collect();
    for f in findings {
        if policy.inline_allows && inline_allows(&f, &files, &known, &mut bad_inline) {
            out.accepted += 1;
            continue;
        }
        let waived = policy
            .waivers
            .iter()
            .enumerate()
            .filter(|(_, w)| !expired(w, today) && waiver_matches(w, &f))
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        if waived.is_empty() {
            out.findings.push(f);
        } else {
            for i in waived {
                used[i] = true;
            }
            out.accepted += 1;
        }
    }
    for (w, used) in policy.waivers.iter().zip(used) {
        let (rule, message) = if expired(w, today) {
            let (y, m, d) = w.expires.expect("expired implies a date");
            (
                "policy/expired-waiver",
                format!(
                    "the waiver of `{}` expired on {y:04}-{m:02}-{d:02} and no longer applies ({}:{}; reason was: {})",
                    w.rule, w.origin.file, w.origin.line, w.reason
                ),
            )
        } else if !used {
            (
                "policy/unused-waiver",
                format!(
                    "the waiver of `{}` for `{}`{} matches no finding: remove it ({}:{})",
                    w.rule,
                    w.file.globs.join(", "),
                    w.key
                        .as_ref()
                        .map(|k| format!(" key `{}`", k.text))
                        .unwrap_or_default(),
                    w.origin.file,
                    w.origin.line
                ),
            )
        } else {
            continue;
        };
        out.findings
            .push(meta(rule, message, &w.origin.file, w.origin.line));
    }
    for (file, line, message) in bad_inline {
        out.findings
            .push(meta("policy/invalid-suppression", message, &file, line));
    }
    out
}

/// A finding about the policy itself, located in the policy (or config) file.
fn meta(rule: &str, message: String, file: &str, line: u32) -> Finding {
    let help = match rule {
        "policy/expired-waiver" => {
            "fix what the waiver accepted, or renew it with a new date and reason"
        }
        "policy/unused-waiver" => {
            "the finding it accepted is gone: delete the waiver so it cannot hide a future one"
        }
        _ => {
            "write `driftcheck: allow RULE_ID -- reason` in a comment on the line, or on the line above"
        }
    };
    let mut f = Finding::other(rule, Severity::Warning, message, file.to_string(), help);
    f.envs = vec![(
        "policy".to_string(),
        Some(crate::finding::Site {
            file: file.to_string(),
            line,
            value: None,
        }),
    )];
    f
}

fn expired(w: &Waiver, today: (i32, u32, u32)) -> bool {
    w.expires.is_some_and(|e| today > e)
}

fn waiver_matches(w: &Waiver, f: &Finding) -> bool {
    let rule_ok = w.rule == f.rule || f.policy.as_deref() == Some(w.rule.as_str());
    let file_ok = w.file.matches(&f.file, &f.file)
        || f.envs
            .iter()
            .filter_map(|(_, s)| s.as_ref())
            .any(|s| w.file.matches(&f.file, &s.file));
    let key_ok = match (&w.key, &f.key) {
        (None, _) => true,
        (Some(p), Some(k)) => p.matches(k),
        (Some(_), None) => false,
    };
    rule_ok && file_ok && key_ok
}

/// Whether a comment at one of the finding's sites (on the line, or alone on
/// the line above) allows its rule.
fn inline_allows(
    f: &Finding,
    files: &HashMap<&str, HashMap<u32, &str>>,
    known: &[&str],
    bad: &mut Vec<(String, u32, String)>,
) -> bool {
    for site in f
        .envs
        .iter()
        .filter_map(|(_, s)| s.as_ref())
        .filter(|s| s.line > 0)
    {
        let Some(lines) = files.get(site.file.as_str()) else {
            continue;
        };
        let idx = site.line as usize - 1;
        let candidates = [(idx, false), (idx.wrapping_sub(1), true)];
        for (i, must_be_alone) in candidates {
            let Some(line) = i
                .checked_add(1)
                .and_then(|n| u32::try_from(n).ok())
                .and_then(|n| lines.get(&n))
            else {
                continue;
            };
            let Some(allow) = parse_allow(line, must_be_alone) else {
                continue;
            };
            match allow {
                Ok((ids, _reason)) => {
                    // An id nobody emits is a typo that silently allows nothing.
                    for id in ids.iter().filter(|id| !known.contains(&id.as_str())) {
                        let hint = crate::error::did_you_mean(id, known.iter().copied())
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        let entry = (
                            site.file.clone(),
                            i as u32 + 1,
                            format!(
                                "`driftcheck: allow {}` names an unknown rule{hint}; `driftcheck explain --list` lists them",
                                crate::secrets::shown_name(id)
                            ),
                        );
                        if !bad.contains(&entry) {
                            bad.push(entry);
                        }
                    }
                    if ids
                        .iter()
                        .any(|id| *id == f.rule || f.policy.as_deref() == Some(id.as_str()))
                    {
                        return true;
                    }
                }
                Err(message) => {
                    let entry = (site.file.clone(), i as u32 + 1, message);
                    if !bad.contains(&entry) {
                        bad.push(entry);
                    }
                }
            }
        }
    }
    false
}

/// Comment leaders of the formats that have comments (`!` is Java
/// properties' second one).
const LEADERS: [&str; 7] = ["#", "//", ";", "<!--", "/*", "--", "!"];

/// `driftcheck: allow a, b -- reason` in a comment: the ids and the reason,
/// an error message when malformed, `None` when the line has no marker in a
/// comment. `alone`: the comment must be the whole line.
#[allow(clippy::type_complexity)]
pub fn parse_allow(line: &str, alone: bool) -> Option<Result<(Vec<String>, String), String>> {
    let at = line.find(MARKER)?;
    let before = &line[..at];
    let leader = LEADERS.iter().filter_map(|l| before.find(l)).min()?;
    if alone && !before[..leader].trim().is_empty() {
        return None;
    }
    let rest = &line[at + MARKER.len()..];
    let rest = rest
        .trim_end()
        .trim_end_matches("-->")
        .trim_end_matches("*/");
    // `--` separates the reason; XML forbids `--` inside a comment, so
    // ` - ` and ` — ` are accepted too (rule ids never hold a spaced dash).
    let (ids, reason) = ["--", " - ", " — "]
        .iter()
        .filter_map(|sep| rest.find(sep).map(|at| (at, sep.len())))
        .min()
        .map_or((rest, ""), |(at, len)| {
            (&rest[..at], rest[at + len..].trim())
        });
    let ids: Vec<String> = ids
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Some(Err("`driftcheck: allow` names no rule id".to_string()));
    }
    if reason.is_empty() {
        return Some(Err(format!(
            "`driftcheck: allow {}` gives no reason: add `-- why this is fine`; the finding is not suppressed",
            ids.join(", ")
        )));
    }
    Some(Ok((ids, reason.to_string())))
}

/// Today's date in UTC, from the system clock.
pub fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_comments_in_every_comment_style() {
        for line in [
            "path: /x  # driftcheck: allow drift/data-path -- migrating",
            "  <path>/x</path> <!-- driftcheck: allow drift/data-path -- migrating -->",
            "key = 1 ; driftcheck: allow drift/data-path -- migrating",
            "\"a\": 1 // driftcheck: allow drift/data-path -- migrating",
        ] {
            let (ids, reason) = parse_allow(line, false).unwrap().unwrap();
            assert_eq!(ids, ["drift/data-path"], "{line}");
            assert_eq!(reason, "migrating");
        }
        assert!(parse_allow("value: driftcheck: allow x -- y", false).is_none());
        for (line, alone) in [
            ("! driftcheck: allow drift/value -- properties", true),
            ("key = 1 # driftcheck: allow drift/value -- toml", false),
            ("/* driftcheck: allow drift/value -- hcl */", true),
        ] {
            assert!(parse_allow(line, alone).unwrap().is_ok(), "{line}");
        }
        assert!(
            parse_allow("a: 1 # driftcheck: allow x", false)
                .unwrap()
                .is_err()
        );
        assert!(parse_allow("a: 1 # driftcheck: allow x -- y", true).is_none());
        assert!(
            parse_allow("  # driftcheck: allow x, y -- z", true)
                .unwrap()
                .is_ok()
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_514), (2026, 3, 2));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }
}
