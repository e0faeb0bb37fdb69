//! Deciding what is a secret and turning scalars into masked [`Value`]s.
//!
//! This is the only place that sees a secret's text. It classifies by key
//! name ([`keys`]) and value shape ([`values`]), fingerprints what is secret
//! ([`fingerprint`]) and hands on a [`Value`] that holds the fingerprint
//! instead of the text.

pub mod catalogue;
mod cmdline;
pub mod connstr;
pub mod encoded;
mod fingerprint;
pub mod generic;
mod httpauth;
pub mod keys;
pub mod redact;
mod urls;
pub mod values;

use std::ops::Range;

pub use cmdline::argv_item_is_credential as cmdline_argv_item_is_credential;
pub use fingerprint::{Fingerprint, Fingerprinter};
use keys::KeyClass;

use crate::model::envtoken::EnvTokens;
use crate::model::node::{Scalar, ScalarKind};
use crate::model::value::{Secrecy, Value, ValueKind};

/// Why a value was treated as secret even without a secret-looking name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forced {
    /// Nothing forces it.
    No,
    /// Every value here is secret (the `data` of a Kubernetes `Secret`).
    Secret,
    /// Inside a map or list under a secret-named key (`passwords: {admin: …}`,
    /// `api_keys: [...]`): values are secret unless their own key says
    /// otherwise (`secrets: {path: …}`).
    Context,
}

/// Turns scalars into masked values under one run's fingerprint key.
#[derive(Debug, Clone)]
pub struct Masker {
    fp: Fingerprinter,
}

impl Masker {
    /// A masker using `fp`.
    pub fn new(fp: Fingerprinter) -> Self {
        Masker { fp }
    }

    /// Fingerprint a secret text.
    pub fn fingerprint(&self, secret: &str) -> Fingerprint {
        self.fp.fingerprint(secret)
    }

    /// Classify and mask one scalar found under key `key` in environment `env`.
    pub fn value(
        &self,
        key: Option<&str>,
        scalar: &Scalar,
        forced: Forced,
        env: &EnvTokens,
    ) -> Value {
        let kind = value_kind(scalar.kind);
        let text = scalar.text.as_str();
        let class = key.map(keys::classify_key).unwrap_or(KeyClass::Neutral);
        let mut v = self.classify(kind, text, scalar.tag.as_deref(), key, class, forced, env);
        v.ambiguity = scalar.ambiguity;
        v.inferred =
            forced == Forced::Context && class != KeyClass::Secret && v.secrecy.is_masked();
        v
    }

    /// Mask a free-standing string (a line of a text file, a list item) as if under `class`.
    pub fn text(&self, text: &str, class: KeyClass, env: &EnvTokens) -> Value {
        self.classify(ValueKind::Str, text, None, None, class, Forced::No, env)
    }

    /// Whether the scalar is (or holds) a secret, decided without building
    /// any string: the diff asks this of values that are equal everywhere,
    /// where only a shared secret can be a finding.
    pub fn is_secret(&self, key: Option<&str>, scalar: &Scalar, forced: Forced) -> bool {
        !matches!(
            self.decision(key, scalar, forced),
            Decision::Public | Decision::Reference
        )
    }

    /// Whether the whole scalar is masked (a secret literal or encrypted):
    /// two different ones are simply different secrets, as they should be.
    pub fn is_whole_secret(&self, key: Option<&str>, scalar: &Scalar, forced: Forced) -> bool {
        matches!(
            self.decision(key, scalar, forced),
            Decision::Secret | Decision::Encrypted
        )
    }

    fn decision(&self, key: Option<&str>, scalar: &Scalar, forced: Forced) -> Decision {
        let class = key.map(keys::classify_key).unwrap_or(KeyClass::Neutral);
        decide(
            value_kind(scalar.kind),
            &scalar.text,
            scalar.tag.as_deref(),
            key,
            class,
            forced,
        )
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one private entry point for the two public ones"
    )]
    fn classify(
        &self,
        kind: ValueKind,
        text: &str,
        tag: Option<&str>,
        key: Option<&str>,
        class: KeyClass,
        forced: Forced,
        env: &EnvTokens,
    ) -> Value {
        match decide(kind, text, tag, key, class, forced) {
            Decision::Encrypted => {
                let fp = self.fp.fingerprint(text);
                Value::new(
                    kind,
                    format!("<encrypted fp={fp}>"),
                    None,
                    Secrecy::Encrypted(fp),
                )
            }
            Decision::Secret => {
                let fp = self.fp.fingerprint(text);
                Value::new(kind, format!("<secret fp={fp}>"), None, Secrecy::Secret(fp))
            }
            Decision::Parts(parts) => self.partial(kind, text, parts, env),
            Decision::Reference => public(kind, text, env, Secrecy::Reference),
            Decision::Public => public(kind, text, env, Secrecy::Public),
        }
    }

    /// A free-standing string (a line of a text file) with these byte ranges
    /// secret: masked there, the rest visible and normalised.
    pub fn mask_ranges(&self, text: &str, ranges: Vec<Range<usize>>, env: &EnvTokens) -> Value {
        if ranges.is_empty() {
            public(ValueKind::Str, text, env, Secrecy::Public)
        } else {
            self.partial(ValueKind::Str, text, ranges, env)
        }
    }

    /// Mask `ranges` of `text`, keeping the rest visible and normalised.
    fn partial(
        &self,
        kind: ValueKind,
        text: &str,
        ranges: Vec<Range<usize>>,
        env: &EnvTokens,
    ) -> Value {
        if ranges.len() == 1 && ranges[0] == (0..text.len()) {
            let fp = self.fp.fingerprint(text);
            return Value::new(kind, format!("<secret fp={fp}>"), None, Secrecy::Secret(fp));
        }
        let mut shown = String::with_capacity(text.len() + 16);
        let mut norm = String::with_capacity(text.len() + 16);
        let mut fps = Vec::with_capacity(ranges.len());
        let mut at = 0;
        for r in ranges {
            shown.push_str(&text[at..r.start]);
            norm.push_str(&env.normalize(&text[at..r.start]));
            let fp = self.fp.fingerprint(&text[r.clone()]);
            let mask = format!("<secret fp={fp}>");
            shown.push_str(&mask);
            norm.push_str(&mask);
            fps.push(fp);
            at = r.end;
        }
        shown.push_str(&text[at..]);
        norm.push_str(&env.normalize(&text[at..]));
        Value::new(kind, shown, Some(norm), Secrecy::Partial(fps))
    }
}

/// A line of free text printed as is (a commit trailer, a near miss):
/// secrets replaced by `<secret>`. A `Key: value` under a secret-named key
/// (`Token: ...`, `Password = ...`) loses its whole value; the rest is judged
/// as free text (credential words, command lines, token shapes).
pub fn mask_line(text: &str) -> String {
    // `secret_words` runs `generic::find` (through the value shapes), so
    // only the free-text runs are added here.
    let mut ranges = values::secret_words(text);
    ranges.extend(values::key_value(text));
    ranges.extend(values::random_value(text));
    ranges.extend(generic::random_runs(text));
    masked(text, ranges)
}

/// `text` with each of `ranges` (overlapping or not, any order) replaced
/// by one `<secret>`.
pub(crate) fn masked(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        if r.end <= at {
            continue;
        }
        out.push_str(&text[at..r.start.max(at)]);
        out.push_str(redact::MASK);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Values that are switches, never credentials.
const FLAG_WORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "0", "1", "enabled", "disabled", "none",
];

/// What classification concluded about a value (nothing is built yet).
enum Decision {
    /// Encrypted content.
    Encrypted,
    /// A whole-value secret.
    Secret,
    /// These parts are secret.
    Parts(Vec<Range<usize>>),
    /// A reference under a secret-named key.
    Reference,
    /// Nothing secret.
    Public,
}

/// The one place that decides what is secret (Tables A–C).
fn decide(
    kind: ValueKind,
    text: &str,
    tag: Option<&str>,
    key: Option<&str>,
    class: KeyClass,
    forced: Forced,
) -> Decision {
    if values::is_encrypted(text, tag) {
        return Decision::Encrypted;
    }
    let secret_key = class == KeyClass::Secret
        || forced == Forced::Secret
        || (forced == Forced::Context && class != KeyClass::Exempt)
        // `kubectl apply` keeps a Secret's whole manifest, data included, here.
        || (key.is_some_and(|k| k.ends_with("last-applied-configuration")) && text.contains("\"kind\":\"Secret\""));
    // Switches (`allow_plaintext_password: 0` in XML, where everything is text) are not secrets.
    // ... nor are numbers under keys that name a measure
    // (`token_validity_in_seconds: 2592000`, `setPasswordPerUserPerHour: 5`).
    let trivial = || {
        text.is_empty()
            || matches!(kind, ValueKind::Bool | ValueKind::Null)
            || FLAG_WORDS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(text.trim()))
            || (forced == Forced::No
                && text.bytes().all(|b| b.is_ascii_digit())
                && key.is_some_and(keys::is_measure))
    };
    if secret_key && !trivial() {
        if values::is_reference(text) {
            return match values::reference_default(text) {
                Some(default) => Decision::Parts(vec![default]),
                None => Decision::Reference,
            };
        }
        return Decision::Secret;
    }
    // `${DB_PASSWORD:-hunter2}` under any key: the default is a literal secret.
    if let Some(default) = values::reference_default(text)
        && values::reference_name(text).is_some_and(keys::is_secret_name)
    {
        return Decision::Parts(vec![default]);
    }
    let parts = values::secret_text(text);
    if !parts.is_empty() {
        return Decision::Parts(parts);
    }
    // The entropy fallback runs under exempt names too: an exemption says
    // what a name usually holds (`primary_key`, `sonar.login`), never that
    // a random token under it may be shown.
    // A UUID is an identifier unless a provider that issues UUID
    // credentials names it (`HEROKU_API_KEY` is already a secret name;
    // `heroku: {default: <uuid>}`, `snyk.org_token_value`).
    if values::is_uuid(text.trim()) && key.is_some_and(keys::names_uuid_credential) {
        return Decision::Secret;
    }
    if class != KeyClass::Secret
        && kind == ValueKind::Str
        && values::looks_random(text)
        && !key.is_some_and(keys::is_digest_name)
    {
        return Decision::Secret;
    }
    Decision::Public
}

fn public(kind: ValueKind, text: &str, env: &EnvTokens, secrecy: Secrecy) -> Value {
    let norm = match env.normalize(text) {
        std::borrow::Cow::Owned(n) => Some(n),
        std::borrow::Cow::Borrowed(_) => None,
    };
    Value::new(kind, text.to_string(), norm, secrecy)
}

fn value_kind(kind: ScalarKind) -> ValueKind {
    match kind {
        ScalarKind::Null => ValueKind::Null,
        ScalarKind::Bool => ValueKind::Bool,
        ScalarKind::Int => ValueKind::Int,
        ScalarKind::Float => ValueKind::Float,
        ScalarKind::Str => ValueKind::Str,
        ScalarKind::DateTime => ValueKind::DateTime,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker() -> Masker {
        Masker::new(Fingerprinter::with_key(b"test"))
    }

    #[test]
    fn secret_keys_mask_whole_values_and_keep_references() {
        let m = masker();
        let env = EnvTokens::new("prod", &[]);
        let v = m.value(
            Some("password"),
            &Scalar::string("hunter2"),
            Forced::No,
            &env,
        );
        assert!(v.shown.starts_with("<secret fp="));
        assert!(!format!("{v:?}").contains("hunter2"));
        let r = m.value(
            Some("password"),
            &Scalar::string("${DB_PASSWORD}"),
            Forced::No,
            &env,
        );
        assert_eq!(
            (&*r.shown, &r.secrecy),
            ("${DB_PASSWORD}", &Secrecy::Reference)
        );
        let d = m.value(
            Some("password"),
            &Scalar::string("${DB_PASSWORD:-hunter2}"),
            Forced::No,
            &env,
        );
        assert!(!d.shown.contains("hunter2") && d.shown.starts_with("${DB_PASSWORD:-<secret"));
        let b = m.value(
            Some("password_enabled"),
            &Scalar::of(ScalarKind::Bool, "true"),
            Forced::No,
            &env,
        );
        assert_eq!(&*b.shown, "true");
    }

    /// Random text built from the pieces the scanners react to (quotes,
    /// escapes, separators, flags, secret words, multi-byte characters):
    /// no input panics, every range is on character boundaries, and a
    /// masked line never holds a catalogued token.
    #[test]
    fn random_text_never_panics_and_ranges_are_boundaries() {
        const PIECES: &[&str] = &[
            "password",
            "=",
            "'",
            "\"",
            "\\",
            " ",
            ":",
            "@",
            "://",
            "-p",
            "-u",
            "mysql",
            "curl",
            "Authorization",
            "auth-pass",
            ";",
            ",",
            "&",
            "?",
            "{",
            "}",
            "é",
            "日本",
            "\u{202e}",
            "ghp_",
            "R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke",
            "eyJ",
            "-----BEGIN ",
            "PRIVATE KEY",
            "-----",
            "$",
            "${",
            "x",
            "Q7",
            "==",
            "\n",
            "sessionid",
            "echo",
            "--password-stdin",
            "AAAA",
            "dXNlcjpwYXNz",
            "key",
            "token",
            "is",
            "kty",
            "\"d\":",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let n = (next() % 24) as usize;
            let text: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            for r in values::secret_text(&text)
                .into_iter()
                .chain(values::secret_words(&text))
            {
                assert!(
                    text.is_char_boundary(r.start)
                        && text.is_char_boundary(r.end)
                        && r.start <= r.end,
                    "{text:?} {r:?}"
                );
            }
            let masked = mask_line(&text);
            assert!(!catalogue::contains(&masked), "{text:?} -> {masked:?}");
            let _ = redact::redact(&text);
            let _ = encoded::decode(&text);
        }
    }

    #[test]
    fn free_text_lines_lose_their_secrets() {
        assert_eq!(mask_line("Token: hunter2x"), "Token: <secret>");
        assert_eq!(
            mask_line("Signed-off-by: A <a@example.com>"),
            "Signed-off-by: A <a@example.com>"
        );
        assert_eq!(
            mask_line("Note: ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke"),
            "Note: <secret>"
        );
        assert_eq!(mask_line("password hunter2x"), "password <secret>");
    }

    #[test]
    fn partial_values_normalise_the_visible_part() {
        let m = masker();
        let prod = EnvTokens::new("prod", &[]);
        let staging = EnvTokens::new("staging", &[]);
        let a = m.value(
            Some("url"),
            &Scalar::string("postgres://u:pw1@db.prod.internal/x"),
            Forced::No,
            &prod,
        );
        let b = m.value(
            Some("url"),
            &Scalar::string("postgres://u:pw1@db.staging.internal/x"),
            Forced::No,
            &staging,
        );
        assert!(a.same_as(&b), "{a:?} {b:?}");
        assert_eq!(a.secrecy.fingerprints(), b.secrecy.fingerprints());
        assert!(!a.shown.contains("pw1"));
    }
}
