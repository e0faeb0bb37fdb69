//! Reading one policy file into the model of [`super::rules`]. Each field
//! is checked where it is read (type, regex, glob, enumerations with "did
//! you mean"); checks that need every file at once (duplicate ids, unknown
//! environments) are in `policy::validate`.

use regex::Regex;
use toml::de::{DeTable, DeValue};

use super::pattern::KeyPattern;
use super::rules::{
    EnvComparison, Expect, FieldLines, Files, Link, OnChange, PolicyFile, PolicyRule, ReviewAsk,
    Waiver, WrittenAt,
};
use crate::error::did_you_mean;
use crate::finding::Severity;
use crate::strict_toml::{Problem, Sink, Table, key_text, tables};

const TOP: [&str; 3] = ["rule", "link", "waiver"];
const RULE_KEYS: [&str; 20] = [
    "id",
    "description",
    "help",
    "severity",
    "files",
    "keys",
    "documents",
    "values",
    "envs",
    "expect",
    "applies_to",
    "forbid",
    "require",
    "one_of",
    "min",
    "max",
    "compare",
    "on_change",
    "review",
    "reviewers",
];
const LINK_KEYS: [&str; 6] = ["id", "description", "help", "severity", "keys", "envs"];
const WAIVER_KEYS: [&str; 5] = ["rule", "file", "key", "reason", "expires"];

/// Read one policy file. `order` is the load order of its first rule.
pub fn parse(
    file: &str,
    text: &str,
    builtin: bool,
    order: &mut usize,
) -> (PolicyFile, Vec<Problem>) {
    let mut sink = Sink::new(crate::diagnostic::POLICY, file, text);
    let mut out = PolicyFile::default();
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            let first = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid TOML")
                .trim()
                .to_string();
            sink.error(at, format!("invalid TOML: {first}"));
            return (out, sink.problems);
        }
    };
    for (k, v) in table.get_ref().iter() {
        let name = key_text(k);
        match name {
            "rule" => {
                for (i, (t, at)) in tables(&mut sink, v, name).into_iter().enumerate() {
                    let origin = origin(&sink, file, at, order, builtin);
                    if let Some(r) = rule(&mut sink, t, at, i, origin) {
                        out.rules.push(r);
                    }
                }
            }
            "link" => {
                for (i, (t, at)) in tables(&mut sink, v, name).into_iter().enumerate() {
                    let origin = origin(&sink, file, at, order, builtin);
                    if let Some(l) = link(&mut sink, t, at, i, origin) {
                        out.links.push(l);
                    }
                }
            }
            "waiver" => {
                for (i, (t, at)) in tables(&mut sink, v, name).into_iter().enumerate() {
                    let origin = origin(&sink, file, at, order, builtin);
                    if let Some(w) = waiver(&mut sink, t, at, i, origin) {
                        out.waivers.push(w);
                    }
                }
            }
            other => {
                let hint = did_you_mean(other, TOP)
                    .map(|s| format!(" (did you mean `[[{s}]]`?)"))
                    .unwrap_or_default();
                sink.error(
                    k.span().start,
                    format!("unknown top-level key `{other}`{hint}; a policy file holds `[[rule]]`, `[[link]]` and `[[waiver]]` tables"),
                );
            }
        }
    }
    (out, sink.problems)
}

fn origin(sink: &Sink<'_>, file: &str, at: usize, order: &mut usize, builtin: bool) -> WrittenAt {
    *order += 1;
    WrittenAt {
        file: file.to_string(),
        line: sink.line(at),
        order: *order,
        builtin,
    }
}

fn severity(sink: &mut Sink<'_>, t: &mut Table<'_, '_>) -> Option<Severity> {
    let (s, at) = t.string(sink, "severity")?;
    let sev = match s.as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "note" => Severity::Note,
        other => {
            let hint = did_you_mean(other, ["error", "warning", "note"])
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            sink.error(
                at,
                format!(
                    "{}: unknown severity `{other}`{hint}; expected `error`, `warning` or `note`",
                    t.what
                ),
            );
            return None;
        }
    };
    Some(sev)
}

fn enumerated<T>(
    sink: &mut Sink<'_>,
    t: &mut Table<'_, '_>,
    key: &'static str,
    names: &[&'static str],
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    let (s, at) = t.string(sink, key)?;
    let v = parse(&s);
    if v.is_none() {
        let hint = did_you_mean(&s, names.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        sink.error(
            at,
            format!(
                "{}: unknown {key} `{s}`{hint}; expected one of {}",
                t.what,
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    v
}

fn regex(sink: &mut Sink<'_>, t: &mut Table<'_, '_>, key: &'static str) -> Option<Regex> {
    let (s, at) = t.string(sink, key)?;
    match regex::RegexBuilder::new(&s).size_limit(1 << 20).build() {
        Ok(r) => Some(r),
        Err(e) => {
            let first = e
                .to_string()
                .lines()
                .last()
                .unwrap_or("invalid")
                .trim()
                .to_string();
            sink.error(
                at,
                format!("{}: `{key}` is not a valid regex: {first}", t.what),
            );
            None
        }
    }
}

fn files(sink: &mut Sink<'_>, t: &mut Table<'_, '_>, key: &'static str) -> Files {
    let globs = t.strings(sink, key).unwrap_or_default();
    let ats: Vec<usize> = globs.iter().map(|g| g.1).collect();
    match Files::new(globs.into_iter().map(|g| g.0).collect()) {
        Ok(f) => f,
        Err((i, message)) => {
            sink.error(
                ats.get(i).copied().unwrap_or(t.at),
                format!("{}: {message}", t.what),
            );
            Files::new(Vec::new()).expect("empty glob set")
        }
    }
}

fn keys(sink: &mut Sink<'_>, t: &mut Table<'_, '_>) -> Vec<KeyPattern> {
    let mut out = Vec::new();
    for (k, at) in t.strings(sink, "keys").unwrap_or_default() {
        match KeyPattern::new(&k) {
            Ok(p) => out.push(p),
            Err(e) => sink.error(at, format!("{}: invalid key pattern {e}", t.what)),
        }
    }
    out
}

fn id(sink: &mut Sink<'_>, t: &mut Table<'_, '_>) -> Option<String> {
    let (id, at) = t.required(sink, "id")?;
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_/.".contains(c));
    if !ok {
        sink.error(
            at,
            format!(
                "{}: id `{id}` may hold only letters, digits and `-_/.`",
                t.what
            ),
        );
        return None;
    }
    Some(id)
}

/// One `[[rule]]`: every field read and checked where it is read, then the
/// checks between fields ([`contradictions`]). Every problem is reported, so
/// the rule is `None` when any was found.
fn rule(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    at: usize,
    i: usize,
    origin: WrittenAt,
) -> Option<PolicyRule> {
    let mut t = Table::new(table, at, format!("[[rule]] #{}", i + 1));
    let id = id(sink, &mut t);
    if let Some(id) = &id {
        t.what = format!("[[rule]] `{id}`");
    }
    let before = sink.problems.len();
    let description = t.string(sink, "description").map(|s| s.0);
    let help = t.string(sink, "help").map(|s| s.0);
    let severity = severity(sink, &mut t);
    let files = files(sink, &mut t, "files");
    let keys = keys(sink, &mut t);
    let documents = documents(sink, &mut t);
    let values = enumerated(
        sink,
        &mut t,
        "values",
        &super::scope::Values::NAMES,
        super::scope::Values::parse,
    );
    let envs_written = t.strings(sink, "envs").unwrap_or_default();
    let mut lines = FieldLines {
        envs: envs_written.iter().map(|e| sink.line(e.1)).collect(),
        compare: 0,
    };
    let envs: Vec<String> = envs_written.into_iter().map(|e| e.0).collect();
    let expect = enumerated(sink, &mut t, "expect", &Expect::NAMES, Expect::parse);
    let applies_to = plain_strings(sink, &mut t, "applies_to");
    let forbid = regex(sink, &mut t, "forbid");
    let require = regex(sink, &mut t, "require");
    let one_of = plain_strings(sink, &mut t, "one_of");
    let min = t.number(sink, "min").map(|n| n.0);
    let max = t.number(sink, "max").map(|n| n.0);
    let compare = compare(sink, &mut t, &mut lines);
    let on_change = enumerated(sink, &mut t, "on_change", &OnChange::NAMES, OnChange::parse);
    let review = t.table(sink, "review").and_then(|r| review(sink, r));
    // `reviewers` at the rule's top level is a common slip for `review.reviewers`.
    if t.raw("reviewers").is_some() {
        sink.error(at, format!("{}: write `review = {{ required = N, reviewers = [...] }}`, not a top-level `reviewers`", t.what));
    }
    let what = t.what.clone();
    t.finish(sink, &RULE_KEYS[..17]);
    let rule = PolicyRule {
        id: String::new(),
        description,
        help,
        severity: severity.unwrap_or(Severity::Error),
        files,
        keys,
        documents,
        values,
        envs,
        expect,
        applies_to,
        forbid,
        require,
        one_of,
        min,
        max,
        compare,
        on_change,
        review,
        origin,
        lines,
    };
    contradictions(sink, at, &what, &rule, severity.is_some(), before);
    if sink.problems.len() > before {
        return None;
    }
    Some(PolicyRule { id: id?, ..rule })
}

/// A list of strings whose positions are not needed (`applies_to`, `one_of`).
fn plain_strings(sink: &mut Sink<'_>, t: &mut Table<'_, '_>, key: &'static str) -> Vec<String> {
    t.strings(sink, key)
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.0)
        .collect()
}

/// `documents`: only the document kinds the scope knows, each other one an error.
fn documents(sink: &mut Sink<'_>, t: &mut Table<'_, '_>) -> Vec<String> {
    t.strings(sink, "documents")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(d, at)| {
            if super::scope::DOCUMENTS.contains(&d.as_str()) {
                Some(d)
            } else {
                sink.error(
                    at,
                    format!(
                        "{}: unknown document kind `{d}`; expected one of `kubernetes`, `helm-values`",
                        t.what
                    ),
                );
                None
            }
        })
        .collect()
}

/// `compare`, parsed; its line is kept for the findings it produces.
fn compare(
    sink: &mut Sink<'_>,
    t: &mut Table<'_, '_>,
    lines: &mut FieldLines,
) -> Option<EnvComparison> {
    t.string(sink, "compare")
        .and_then(|(s, at)| match EnvComparison::parse(&s) {
            Ok(c) => {
                lines.compare = sink.line(at);
                Some(c)
            }
            Err(e) => {
                sink.error(at, format!("{}: {e}", t.what));
                None
            }
        })
}

/// `review = { required = N, reviewers = [...] }`; `required` defaults to 1.
fn review(sink: &mut Sink<'_>, mut r: Table<'_, '_>) -> Option<ReviewAsk> {
    let required = r.number(sink, "required").map(|n| n.0);
    let reviewers = plain_strings(sink, &mut r, "reviewers");
    let at = r.at;
    let what = r.what.clone();
    r.finish(sink, &["required", "reviewers"]);
    match required {
        Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 100.0 => Some(ReviewAsk {
            required: n as u32,
            reviewers,
        }),
        Some(_) => {
            sink.error(
                at,
                format!("{what}: `required` must be a whole number from 1 to 100"),
            );
            None
        }
        None => Some(ReviewAsk {
            required: 1,
            reviewers,
        }),
    }
}

/// The checks between a rule's fields, each well formed on its own: bounds
/// out of order, a value check that would reveal a secret, a field that
/// needs another, a rule that states nothing (only when nothing else was
/// wrong since `before`: a rule whose fields failed is not "empty").
fn contradictions(
    sink: &mut Sink<'_>,
    at: usize,
    what: &str,
    rule: &PolicyRule,
    severity_given: bool,
    before: usize,
) {
    if let (Some(min), Some(max)) = (rule.min, rule.max)
        && min > max
    {
        sink.error(
            at,
            format!("{what}: `min` ({min}) is greater than `max` ({max})"),
        );
    }
    secret_value_checks(sink, at, what, rule);
    if rule.review.is_some() && rule.on_change.is_none() {
        sink.error(
            at,
            format!("{what}: `review` needs `on_change` (which change needs the review?)"),
        );
    }
    let does_something = rule.expect.is_some()
        || rule.forbid.is_some()
        || rule.require.is_some()
        || !rule.one_of.is_empty()
        || rule.min.is_some()
        || rule.max.is_some()
        || rule.compare.is_some()
        || rule.on_change.is_some()
        || severity_given;
    if !does_something && sink.problems.len() == before {
        sink.error(
            at,
            format!("{what}: states nothing; give `expect`, `forbid`, `require`, `one_of`, `min`, `max`, `compare` or `on_change`"),
        );
    }
    if !rule.applies_to.is_empty() && rule.expect.is_none() {
        sink.error(at, format!("{what}: `applies_to` goes with `expect`"));
    }
    for a in &rule.applies_to {
        if crate::finding::Rule::from_id(a).is_none() {
            let ids = crate::finding::Rule::ALL.map(crate::finding::Rule::id);
            let hint = did_you_mean(a, ids)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            sink.error(
                at,
                format!("{what}: `applies_to`: `{a}` is not a built-in rule id{hint}"),
            );
        }
    }
}

/// A regex or a number on a secret cannot be evaluated without revealing
/// it: per-environment pass/fail of anchored patterns spells it out.
fn secret_value_checks(sink: &mut Sink<'_>, at: usize, what: &str, rule: &PolicyRule) {
    let value_checks: Vec<&str> = [
        ("forbid", rule.forbid.is_some()),
        ("require", rule.require.is_some()),
        ("one_of", !rule.one_of.is_empty()),
        ("min", rule.min.is_some()),
        ("max", rule.max.is_some()),
        ("compare", rule.compare.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, on)| on.then_some(k))
    .collect();
    if let Some(secret) = rule
        .keys
        .iter()
        .filter_map(KeyPattern::last_name)
        .find(|k| crate::secrets::is_secret_name(k))
        && !value_checks.is_empty()
    {
        sink.error(
            at,
            format!(
                "{what}: `{}` on `{secret}` would reveal a secret (secrets are compared by fingerprint only); use `expect = \"differ\"` or a `[[link]]`",
                value_checks.join("`, `")
            ),
        );
    }
}

fn link(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    at: usize,
    i: usize,
    origin: WrittenAt,
) -> Option<Link> {
    let mut t = Table::new(table, at, format!("[[link]] #{}", i + 1));
    let id = id(sink, &mut t);
    if let Some(id) = &id {
        t.what = format!("[[link]] `{id}`");
    }
    let before = sink.problems.len();
    let description = t.string(sink, "description").map(|s| s.0);
    let help = t.string(sink, "help").map(|s| s.0);
    let severity = severity(sink, &mut t);
    let envs: Vec<String> = t
        .strings(sink, "envs")
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.0)
        .collect();
    let mut members = Vec::new();
    let written = t.strings(sink, "keys").unwrap_or_default();
    for (k, kat) in &written {
        // `file-glob:key-pattern`; the first colon before any `[` splits them
        // (key paths may hold colons inside selectors: `server[a:443]`).
        let split = k.find(':').filter(|&c| !k[..c].contains('['));
        let Some(c) = split else {
            sink.error(*kat, format!("{}: `{k}` must read `FILE-GLOB:KEY` (e.g. \"pgbouncer/pgbouncer.ini:databases.main.password\")", t.what));
            continue;
        };
        let (file, key) = (&k[..c], &k[c + 1..]);
        match (Files::new(vec![file.to_string()]), KeyPattern::new(key)) {
            (Ok(f), Ok(p)) => members.push((f, p, k.clone())),
            (Err((_, e)), _) => sink.error(*kat, format!("{}: {e}", t.what)),
            (_, Err(e)) => sink.error(*kat, format!("{}: invalid key pattern {e}", t.what)),
        }
    }
    let what = t.what.clone();
    t.finish(sink, &LINK_KEYS);
    if written.len() < 2 && sink.problems.len() == before {
        sink.error(
            at,
            format!("{what}: `keys` needs at least two `FILE:KEY` members"),
        );
    }
    if sink.problems.len() > before {
        return None;
    }
    Some(Link {
        id: id?,
        description,
        help,
        severity: severity.unwrap_or(Severity::Error),
        members,
        envs,
        origin,
    })
}

fn waiver(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    at: usize,
    i: usize,
    origin: WrittenAt,
) -> Option<Waiver> {
    let mut t = Table::new(table, at, format!("[[waiver]] #{}", i + 1));
    let before = sink.problems.len();
    let rule = t.required(sink, "rule").map(|s| s.0);
    let file = t
        .required(sink, "file")
        .and_then(|(f, fat)| match Files::new(vec![f]) {
            Ok(f) => Some(f),
            Err((_, e)) => {
                sink.error(fat, format!("[[waiver]] #{}: {e}", i + 1));
                None
            }
        });
    let key = t
        .string(sink, "key")
        .and_then(|(k, kat)| match KeyPattern::new(&k) {
            Ok(p) => Some(p),
            Err(e) => {
                sink.error(
                    kat,
                    format!("[[waiver]] #{}: invalid key pattern {e}", i + 1),
                );
                None
            }
        });
    let reason = t.required(sink, "reason").and_then(|(r, rat)| {
        if r.trim().is_empty() {
            sink.error(rat, format!("[[waiver]] #{}: `reason` must say why", i + 1));
            None
        } else {
            Some(r)
        }
    });
    let expires = t.raw("expires").and_then(|v| {
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            _ => String::new(),
        };
        let date = parse_date(&text);
        if date.is_none() {
            sink.error(
                v.span().start,
                format!(
                    "[[waiver]] #{}: `expires` must be a date like \"2027-03-01\"",
                    i + 1
                ),
            );
        }
        date
    });
    t.finish(sink, &WAIVER_KEYS);
    if sink.problems.len() > before {
        return None;
    }
    Some(Waiver {
        rule: rule?,
        file: file?,
        key,
        reason: reason?,
        expires,
        origin,
    })
}

/// `YYYY-MM-DD` with a valid month and day.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    let days = [
        31,
        if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
            29
        } else {
            28
        },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    ((1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1] && s.trim().len() == 10)
        .then_some((y, m, d))
}
