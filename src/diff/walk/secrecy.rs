//! Which values the walk treats as secret before asking the masker: what a
//! value inherits from where it sits (a Kubernetes `Secret`'s `data`, a
//! Terraform `sensitive` variable, the argument after `--password`), and the
//! document's known secrets (texts under secret-named keys anywhere), which
//! are masked wherever else they reappear.
//!
//! Kept apart from the comparison so every walk (the side-by-side diff, the
//! leaf collector, the missing-key preview) inherits secrecy by one rule.

use std::collections::HashSet;

use super::Walker;
use crate::model::document::Doc;
use crate::model::envtoken::EnvTokens;
use crate::model::node::{MapEntry, Node, NodeValue, Scalar};
use crate::model::value::Value;
use crate::secrets::{Forced, Masker, is_secret_name};

impl<'a> Walker<'a, '_> {
    /// A known secret of this document inside a longer public string
    /// (`"prefix <secret> suffix"`) is masked there too.
    pub(super) fn mask_known_inside(&self, v: Value, s: &Scalar, tokens: &EnvTokens) -> Value {
        if self.known.is_empty() || v.secrecy.is_masked() || s.text.len() < 6 {
            return v;
        }
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        // Only credential-like secrets (8+ characters, letters and digits):
        // a weak one such as `opencollective` would mask every hostname.
        let credential_like = |k: &str| {
            k.len() >= 8
                && k.bytes().any(|b| b.is_ascii_digit())
                && k.bytes().any(|b| b.is_ascii_alphabetic())
        };
        for k in self.known.iter().filter(|k| credential_like(k)) {
            ranges.extend(s.text.match_indices(k).map(|(at, m)| at..at + m.len()));
        }
        if ranges.is_empty() {
            return v;
        }
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let mut masked = self.ctx.masker.mask_ranges(&s.text, merged, tokens);
        masked.kind = v.kind;
        masked.inferred = true;
        masked
    }

    /// `forced`, or secret when the text is a known secret of this document.
    pub(super) fn forced_for(&self, s: &Scalar, forced: Forced) -> Forced {
        if !forced.is_secret_context()
            && self.known_lengths & length_bit(s.text.len()) != 0
            && self.known.contains(s.text.as_str())
        {
            Forced::Secret
        } else {
            forced
        }
    }
}

/// Whether `a` and `b` are one edit apart (one character changed, added
/// or removed): a credential's twin in another environment, which must be
/// masked like the credential (it holds all but one of its characters).
pub(super) fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let head = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[head..].len() <= 1 || short[head + 1..] == long[head + 1..]
    } else {
        short[head..] == long[head + 1..]
    }
}

/// One bit per text length (63 for anything longer).
pub(super) fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

/// The secrecy a map entry's value inherits: a Kubernetes `Secret`'s `data`
/// (wherever the resource sits: top level, a `List`, a duplicate) is secret;
/// a map or list under a secret-named key is a secret context.
pub(super) fn child_forced(
    siblings: &[MapEntry],
    key: &str,
    child: &Node,
    forced: Forced,
) -> Forced {
    if forced == Forced::Secret {
        return Forced::Secret;
    }
    if matches!(key, "data" | "stringData") && is_secret_resource(siblings) {
        return Forced::Secret;
    }
    // Terraform: `variable "x" { sensitive = true  default = "…" }`.
    if matches!(key, "default" | "value")
        && siblings.iter().any(|e| {
            e.key == "sensitive"
                && matches!(&e.value.value, NodeValue::Scalar(s) if s.text == "true")
        })
    {
        return Forced::Secret;
    }
    if !matches!(child.value, NodeValue::Scalar(_)) {
        // A secret-named key or a provider's section (`heroku:`,
        // `[sendgrid]`): its name is context for every value below.
        return Forced::for_section(key, forced);
    }
    // The scalar value of a pair named as a secret (`{Name: DB_PASSWORD,
    // Value: x}`): the list it sits in may be matched by position, so no
    // key of its path names the secret (review 3, CloudFormation).
    let named = pair_key(siblings, key);
    if !std::ptr::eq(named, key) && is_secret_name(named) {
        return Forced::Secret;
    }
    forced
}

/// In a list of values, the item after a secret-named one is a secret:
/// `["--password", "x"]`, nginx `proxy_set_header Authorization "…"`,
/// `set $token "…"`.
pub(super) fn item_forced(items: &[&Scalar], k: usize, forced: Forced) -> Forced {
    let after_secret_word = k > 0 && {
        let prev = items[k - 1].text.as_str();
        !prev.contains('=') && is_secret_name(prev.trim_matches(|c: char| !c.is_alphanumeric()))
    };
    // An argv list: the argument of a credential flag (`[mysql, -pX]`, `[curl, -u, a:pw]`).
    let argv_credential =
        || crate::secrets::argv_item_is_credential(items.len(), |i| items[i].text.to_string(), k);
    if !forced.is_secret_context() && (after_secret_word || argv_credential()) {
        Forced::Secret
    } else {
        forced
    }
}

/// Whether a map is a Kubernetes `Secret` (`apiVersion` + `kind: Secret`).
pub(super) fn is_secret_resource(entries: &[MapEntry]) -> bool {
    let scalar_is = |k: &str, want: Option<&str>| {
        entries.iter().any(|e| {
            e.key == k && matches!(&e.value.value, NodeValue::Scalar(s) if want.is_none_or(|w| s.text == w))
        })
    };
    scalar_is("kind", Some("Secret")) && scalar_is("apiVersion", None)
}

/// Collect every whole-value secret of the document, in every environment.
#[allow(clippy::type_complexity)]
pub(super) fn known_secrets<'a>(
    masker: &Masker,
    docs: &[Option<&'a Doc>],
) -> (HashSet<&'a str>, Vec<(usize, &'a str, &'a str, u32)>) {
    let mut known = HashSet::new();
    let mut sightings = Vec::new();
    for (env, d) in docs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.map(|d| (i, d)))
    {
        let mut stack: Vec<(&'a Node, Option<&'a str>, Forced)> = vec![(&d.root, None, Forced::No)];
        while let Some((node, key, forced)) = stack.pop() {
            match &node.value {
                NodeValue::Scalar(s) => {
                    // Only values that could be credentials spread: `5000` under
                    // `PER_AUTHORIZATION` is masked there, not everywhere.
                    let t = s.text.as_str();
                    let plausible = t.len() >= 6
                        && !t
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
                    // Values found by their shape (tokens, keys) are masked
                    // wherever they appear anyway; what needs spreading is
                    // what only a secret-named key revealed.
                    let named = forced != Forced::No || key.is_some_and(is_secret_name);
                    if plausible && named && masker.is_whole_secret(key, s, forced) {
                        known.insert(t);
                        // Reuse needs a secret-named key, not just a secret-named parent.
                        if forced == Forced::Secret || key.is_some_and(is_secret_name) {
                            sightings.push((env, t, key.unwrap_or(""), node.line));
                        }
                    }
                }
                NodeValue::Seq(items) => stack.extend(items.iter().map(|i| (i, key, forced))),
                NodeValue::Map(entries) => {
                    for e in entries {
                        // A key name that is a credential is remembered by
                        // the last-line writer: no message may quote it.
                        if crate::secrets::key_is_credential(&e.key) {
                            crate::secrets::remember(&e.key);
                            known.insert(e.key.as_str());
                        }
                        let k = pair_key(entries, &e.key);
                        stack.push((
                            &e.value,
                            Some(k),
                            child_forced(entries, &e.key, &e.value, forced),
                        ));
                    }
                }
            }
        }
    }
    (known, sightings)
}

/// The name a map entry's value is classified under: its own key, or for
/// the value of a name/value pair the pair's name. Every reader of a
/// value's secrecy uses it: a missing item's preview read `value` alone and
/// printed a password of five letters (adversarial review 2).
///
/// The rule, case-insensitive, so that every spelling of the pattern reads
/// alike (Kubernetes `env`, XML `@name`/`@value`, CloudFormation and SSM
/// `Name`/`Value`, tags `Key`/`Value`, Beanstalk `OptionName`/`Value`, AWS
/// CLI `ParameterKey`/`ParameterValue`; review 3 found the capitalised ones
/// printed):
/// - a bare `value` or `valueFrom`, or an XML element's text (Java's
///   `<entry key="db.password">…</entry>`, `<property name="…">…`), takes
///   its name from a sibling that is `name`, `key` or `variable`, or ends in
///   `name` or `key`;
/// - a prefixed `<p>Value` is a value slot only beside `<p>Name` or `<p>Key`
///   (`ParameterValue` beside `ParameterKey`). Without one, it is the
///   entry's own setting: `{name: auth_token_failures, thresholdValue: 250}`
///   is a threshold, and reading it as the token's value hid its drift
///   (review 4).
pub(in crate::diff) fn pair_key<'a>(entries: &'a [MapEntry], key: &'a str) -> &'a str {
    let lower = key.trim_start_matches('@').to_ascii_lowercase();
    let prefix = if matches!(lower.as_str(), "valuefrom" | "#text") {
        ""
    } else if let Some(p) = lower.strip_suffix("value") {
        p.trim_end_matches(['_', '-', '.'])
    } else {
        return key;
    };
    let name_of = |want: &dyn Fn(&str) -> bool| {
        entries.iter().find_map(|e| match &e.value.value {
            NodeValue::Scalar(s) if want(&e.key.trim_start_matches('@').to_ascii_lowercase()) => {
                Some(s.text.as_str())
            }
            _ => None,
        })
    };
    if !prefix.is_empty() {
        let slot = |k: &str| {
            k.strip_prefix(prefix)
                .map(|rest| rest.trim_start_matches(['_', '-', '.']))
                .is_some_and(|rest| rest == "name" || rest == "key")
        };
        return name_of(&slot).unwrap_or(key);
    }
    name_of(&|k| matches!(k, "name" | "key" | "variable"))
        .or_else(|| name_of(&|k| k.ends_with("name") || k.ends_with("key")))
        .unwrap_or(key)
}
