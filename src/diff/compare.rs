//! Comparing one document across environments, key by key, and classifying
//! each difference into a built-in rule.

use crate::finding::{Finding, Rule, Shown};
use crate::model::keypath::parent;
use crate::model::value::{Secrecy, Value, ValueKind};

/// Findings of one comparison, plus the values equal only modulo env names.
#[derive(Debug, Default)]
pub struct Found {
    /// Drift findings.
    pub findings: Vec<Finding>,
    /// Equal after normalising environment names (kept only for `-v`).
    pub equivalent: Vec<Finding>,
    /// How many values were equal after normalising environment names.
    pub equivalent_count: usize,
    /// Where secrets were seen (for reuse under different keys).
    pub sightings: Vec<Sighting>,
}

/// A secret seen in one environment: kept in memory only to find the same
/// value in another environment, never printed (findings show its fingerprint).
#[derive(Clone)]
pub struct Sighting {
    /// Environment index.
    pub env: usize,
    /// The secret's text.
    pub text: Box<str>,
    /// The file's alignment key.
    pub file_key: String,
    /// The file (as displayed) and line.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The key name it sat under.
    pub key: String,
}

impl std::fmt::Debug for Sighting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Sighting {{ env: {}, file: {}:{}, key: {} }}",
            self.env, self.file, self.line, self.key
        )
    }
}

/// What a set of values, one per environment, amounts to.
pub(super) enum Judgement {
    /// Equal (or differing only where differences are expected, like secrets).
    Same,
    /// Equal once environment names are normalised.
    SameModuloEnv,
    /// A finding.
    Differ(Rule, String),
}

/// The note a finding's message carries when its values' types differ
/// (`3` against `"3"`, `3.0` or `[3]`, which may print alike): the gate's
/// change-aware rules read it as a type change.
pub const TYPES_DIFFER: &str = " (types differ: ";

/// The note a finding's message carries when a YAML 1.1 reader would type
/// a value differently (`010`, `on`): the value it means is not certain.
pub const AMBIGUOUS: &str = " (ambiguous YAML: ";

/// Decide which rule (if any) a set of values, one per environment, triggers.
///
/// The questions are asked in a fixed order, each its own function, and the
/// first that answers decides: a placeholder, then a shared secret (equal
/// secrets are the finding, so fingerprints come before equality), then
/// equality, then differences that are how secrets should differ, and last
/// the kind of an ordinary difference.
///
/// `one_environment`: the values are one environment's at two revisions
/// (the gate's self comparisons, [`super::changes`]), where the question is
/// only whether the value changed: different secrets are no longer "how
/// it should be" but a rotation, a change like any other (an `on_change`
/// rule on a password key saw every rotation as no change).
pub(super) fn classify(
    names_of: &[String],
    path: &str,
    values: &[(usize, &Value)],
    one_environment: bool,
) -> Judgement {
    let names = |idx: &[usize]| list(&idx.iter().map(|&i| &*names_of[i]).collect::<Vec<_>>());
    placeholders(values, &names)
        // Within one environment the same secret on both sides is not a
        // secret shared: the value is judged as any other.
        .or_else(|| {
            (!one_environment)
                .then(|| shared_secrets(values, &names))
                .flatten()
        })
        .or_else(|| equality(values, &names))
        .or_else(|| {
            secret_difference(values, &names).map(|j| match j {
                Judgement::Same if one_environment => Judgement::Differ(
                    Rule::Value,
                    format!("the secret changed in {}", names(&[values[0].0])),
                ),
                j => j,
            })
        })
        .unwrap_or_else(|| difference(path, values, &names))
}

/// The environments named in a message, by index (`staging and prod`).
type Names<'a> = dyn Fn(&[usize]) -> String + 'a;

/// A placeholder is not a setting yet, and the same placeholder in two
/// environments shares nothing: its own finding, before reuse.
fn placeholders(values: &[(usize, &Value)], names: &Names<'_>) -> Option<Judgement> {
    let placeholders: Vec<usize> = values
        .iter()
        .filter(|(_, v)| v.placeholder)
        .map(|(i, _)| *i)
        .collect();
    (!placeholders.is_empty()).then(|| {
        Judgement::Differ(
            Rule::Placeholder,
            format!("placeholder value in {}", names(&placeholders)),
        )
    })
}

/// Environments sharing a secret form groups (prod-* share one, the
/// non-prod ones another): the message names each group.
fn shared_secrets(values: &[(usize, &Value)], names: &Names<'_>) -> Option<Judgement> {
    let mut group_of: Vec<Option<usize>> = vec![None; values.len()];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (a, (ia, va)) in values.iter().enumerate() {
        for (b, (ib, vb)) in values.iter().enumerate().skip(a + 1) {
            if va.inferred || vb.inferred {
                continue;
            }
            let shared = va
                .secrecy
                .fingerprints()
                .iter()
                .any(|fp| vb.secrecy.fingerprints().contains(fp));
            if !shared {
                continue;
            }
            match (group_of[a], group_of[b]) {
                (Some(g), None) => {
                    groups[g].push(*ib);
                    group_of[b] = Some(g);
                }
                (None, Some(g)) => {
                    groups[g].push(*ia);
                    group_of[a] = Some(g);
                }
                (None, None) => {
                    groups.push(vec![*ia, *ib]);
                    group_of[a] = Some(groups.len() - 1);
                    group_of[b] = Some(groups.len() - 1);
                }
                (Some(_), Some(_)) => {}
            }
        }
    }
    if groups.is_empty() {
        return None;
    }
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort();
    let message = match groups.as_slice() {
        [one] => format!("the same secret is used in {}", names(one)),
        many => {
            let parts: Vec<String> = many.iter().map(|g| names(g)).collect();
            format!(
                "{} secrets are each shared: one by {}",
                many.len(),
                parts.join("; another by ")
            )
        }
    };
    Some(Judgement::Differ(Rule::CredentialReused, message))
}

/// Values that are equal, or equal once environment names or spellings are
/// normalised; and values that print alike but are typed differently.
fn equality(values: &[(usize, &Value)], names: &Names<'_>) -> Option<Judgement> {
    let (_, first) = values[0];
    // `country: NO` and `country: "NO"` print alike, but a YAML 1.1 reader
    // takes the first for `false`: not silently equal.
    if values.iter().all(|(_, v)| v.same_as(first))
        && values.iter().any(|(_, v)| v.ambiguity != first.ambiguity)
    {
        let amb = values
            .iter()
            .find_map(|(_, v)| v.ambiguity)
            .unwrap_or_default();
        let all: Vec<usize> = values.iter().map(|(i, _)| *i).collect();
        return Some(Judgement::Differ(
            Rule::Value,
            format!(
                "written alike across {} but typed differently{AMBIGUOUS}{amb})",
                names(&all)
            ),
        ));
    }
    if values.iter().all(|(_, v)| v.same_as(first)) {
        if values.iter().any(|(_, v)| v.equal_modulo_env(first)) {
            return Some(Judgement::SameModuloEnv);
        }
        return Some(Judgement::Same);
    }
    if first.kind.is_container() && values.iter().all(|(_, v)| v.kind == first.kind) {
        return Some(Judgement::Same);
    }
    if super::spelling::equivalent(values) {
        return Some(Judgement::SameModuloEnv);
    }
    None
}

/// Differences between masked values: a literal against a reference is a
/// finding; different secrets per environment are how it should be.
fn secret_difference(values: &[(usize, &Value)], names: &Names<'_>) -> Option<Judgement> {
    let literal: Vec<usize> = values
        .iter()
        .filter(|(_, v)| matches!(v.secrecy, Secrecy::Secret(_)))
        .map(|(i, _)| *i)
        .collect();
    let reference: Vec<usize> = values
        .iter()
        .filter(|(_, v)| v.secrecy == Secrecy::Reference)
        .map(|(i, _)| *i)
        .collect();
    if !literal.is_empty() && !reference.is_empty() {
        return Some(Judgement::Differ(
            Rule::SecretLiteral,
            format!(
                "secret is a literal in {} but a reference in {}",
                names(&literal),
                names(&reference)
            ),
        ));
    }
    let masked_only = values
        .iter()
        .all(|(_, v)| matches!(v.secrecy, Secrecy::Secret(_) | Secrecy::Encrypted(_)))
        || {
            let visible: Vec<String> = values
                .iter()
                .map(|(_, v)| without_masks(v.norm()))
                .collect();
            values
                .iter()
                .any(|(_, v)| matches!(v.secrecy, Secrecy::Partial(_)))
                && visible.iter().all(|s| *s == visible[0])
        };
    (masked_only && !values.iter().any(|(_, v)| v.masked_for_peer)).then_some(Judgement::Same)
}

/// An ordinary difference: a flag, a data path or a value, with a note when
/// the types differ or a value is ambiguous YAML.
fn difference(path: &str, values: &[(usize, &Value)], names: &Names<'_>) -> Judgement {
    let (_, first) = values[0];
    let all: Vec<usize> = values.iter().map(|(i, _)| *i).collect();
    let across = names(&all);
    let kinds_differ = values.iter().any(|(_, v)| v.kind != first.kind);
    let mut note = String::new();
    if kinds_differ {
        let ks: Vec<&str> = values.iter().map(|(_, v)| v.kind.noun()).collect();
        note.push_str(&format!("{TYPES_DIFFER}{})", ks.join(" vs ")));
    }
    if let Some(amb) = values.iter().find_map(|(_, v)| v.ambiguity) {
        note.push_str(&format!("{AMBIGUOUS}{amb})"));
    }
    if values.iter().all(|(_, v)| is_flag(v)) {
        return Judgement::Differ(Rule::Flag, format!("flag differs across {across}{note}"));
    }
    let path_key = path_like_key(path);
    let any_text = values
        .iter()
        .any(|(_, v)| matches!(v.kind, ValueKind::Str | ValueKind::List));
    if any_text && (path_key || values.iter().any(|(_, v)| is_abs_path(v.norm()))) {
        return Judgement::Differ(
            Rule::DataPath,
            format!("data path differs across {across}{note}"),
        );
    }
    Judgement::Differ(Rule::Value, format!("value differs across {across}{note}"))
}

/// `a and b`, `a, b and c`.
pub fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A value as printed in a finding.
pub fn shown(v: &Value) -> Shown {
    match &v.secrecy {
        Secrecy::Secret(fp) => Shown::Secret {
            fingerprint: fp.short(),
        },
        _ => Shown::Value(v.shown.to_string()),
    }
}

fn without_masks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("<secret fp=") {
        out.push_str(&rest[..start]);
        out.push_str("<secret>");
        match rest[start..].find('>') {
            Some(end) => rest = &rest[start + end + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

const FLAG_WORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "enable", "disable",
];

fn is_flag(v: &Value) -> bool {
    v.kind == ValueKind::Bool
        || (v.kind == ValueKind::Str && FLAG_WORDS.iter().any(|w| w.eq_ignore_ascii_case(&v.shown)))
}

const PATH_TOKENS: &[&str] = &[
    "path",
    "paths",
    "dir",
    "dirs",
    "directory",
    "folder",
    "datadir",
    "mount",
];

/// Whether the key's own name (or, for `env[name=X].value`, `X`) looks like a path.
fn path_like_key(path: &str) -> bool {
    let (name, parent) = match parent(path) {
        Some(p) => (&path[p.len()..], Some(p)),
        None => (path, None),
    };
    let name = name.trim_start_matches('.');
    let name = match (name, parent) {
        ("value", Some(p)) => p
            .rsplit_once("[name=")
            .map(|(_, n)| n.trim_end_matches(']'))
            .unwrap_or(name),
        _ => name,
    };
    crate::secrets::key_words(name)
        .iter()
        .any(|t| PATH_TOKENS.contains(&t.as_str()))
}

fn is_abs_path(s: &str) -> bool {
    let s = s.trim_matches(['[', ']', '"']);
    (s.starts_with('/') && !s.starts_with("//") && s.len() > 1)
        || s.starts_with("~/")
        || s.starts_with("file://")
        || (s.len() > 2 && s.as_bytes()[1] == b':' && s.as_bytes()[2] == b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_keys() {
        assert!(path_like_key("storage.data_path"));
        assert!(path_like_key(
            "spec.containers[name=api].env[name=DATA_PATH].value"
        ));
        assert!(path_like_key("volumeMounts[name=data].mountPath"));
        assert!(!path_like_key("spec.replicas"));
        assert!(!path_like_key("env[name=HOST].value"));
    }

    #[test]
    fn masks_are_ignored_for_visible_comparison() {
        assert_eq!(
            without_masks("pg://u:<secret fp=abc>@h"),
            "pg://u:<secret>@h"
        );
    }
}
