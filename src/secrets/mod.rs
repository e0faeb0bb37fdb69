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
pub mod provider;
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
    /// Inside a map under a key that names a credential issuer (`heroku:`,
    /// `[sendgrid]`): a neutral child that names the provider's credential
    /// (`api`, `key`, `live`) holds one, and so does a value shaped like
    /// one (a UUID from a UUID issuer, a hex key, a short random string)
    /// under any key that names no identifier. Names are never masked by it.
    Provider(provider::ProviderContext),
}

impl Forced {
    /// Whether every value here is (or is presumed) secret: a Kubernetes
    /// `Secret`'s data or a secret-named parent. A provider's section is
    /// not: only credential-shaped values and credential slots are.
    pub fn is_secret_context(self) -> bool {
        matches!(self, Forced::Secret | Forced::Context)
    }

    /// The provider context this position gives a value.
    fn provider(self) -> provider::ProviderContext {
        match self {
            Forced::Provider(p) => p,
            _ => provider::ProviderContext::None,
        }
    }
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

/// Whether a key *name* is itself a credential (docs/secrets.md, "key
/// names"): it holds a secret by any value rule (a catalogued token, a
/// random run, a `user:secret` pair), it is random as a whole, or it is a
/// secret word with a random tail (`password_a1b2c3d4`, `token-9f8e…`,
/// `pw_Zq8LmXp3`: a secret pasted after its name). Such a name is never
/// printed: a key path shows its fingerprint, and the name is remembered
/// by the last-line writer so no other message (a missing key, a
/// suggestion, any format) can quote it.
///
/// A tail is random when it is 8+ characters of hex with letters and
/// digits, or passes the short or long randomness tests; words, versions
/// and digest names (`password_sha256`, `token_v2`) are not.
pub fn key_is_credential(key: &str) -> bool {
    // Key names repeat across documents and are asked twice (when the
    // document is read, and when a path is printed): remembered per thread
    // (bounded, cleared when full), as `keys::classify_key` does.
    type Cache = std::collections::HashMap<Box<str>, bool, foldhash::fast::RandomState>;
    thread_local! {
        static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::new(Cache::default());
    }
    if key.len() < 8 {
        return false;
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(&known) = cache.get(key) {
            return known;
        }
        if cache.len() > 50_000 {
            cache.clear();
        }
        let is = key_is_credential_uncached(key);
        cache.insert(key.into(), is);
        is
    })
}

fn key_is_credential_uncached(key: &str) -> bool {
    // Ordinary names are lowercase words (`max_connections`, `db.host`):
    // nothing random can hide in them without a digit, a capital or a colon.
    if key.len() < 8
        || key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-' | b'.' | b' ' | b'/'))
    {
        return false;
    }
    if !values::secret_parts(key).is_empty() || values::looks_random(key) {
        return true;
    }
    let Some(cut) = key.rfind(['_', '-', '.', ':', '/']) else {
        return false;
    };
    let (head, tail) = (&key[..cut], &key[cut + 1..]);
    let hex = tail.len() >= 8
        && tail.bytes().all(|b| b.is_ascii_hexdigit())
        && tail.bytes().any(|b| b.is_ascii_digit())
        && tail.bytes().any(|b| b.is_ascii_alphabetic());
    // Lowercase base36 (`k3j9x8m2q7`): 3+ digits, 3+ letters, no 4 letters in a row.
    let base36 = tail.len() >= 8
        && tail
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && tail.bytes().filter(u8::is_ascii_digit).count() >= 3
        && tail.bytes().filter(u8::is_ascii_lowercase).count() >= 3
        && !tail
            .as_bytes()
            .windows(4)
            .any(|w| w.iter().all(u8::is_ascii_lowercase));
    keys::is_secret_name(head)
        && (hex
            || base36
            || values::is_uuid(tail)
            || provider::credential_shape(tail)
            || values::looks_random(tail))
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
            || (!forced.is_secret_context()
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
        // A part found inside a value that is random as a whole (a
        // Bitwarden `0.<uuid>.<secret>:<key>`) does not make the rest
        // visible: the whole value is the secret.
        if kind == ValueKind::Str
            && values::looks_random(text)
            && !key.is_some_and(keys::is_digest_name)
        {
            return Decision::Secret;
        }
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
    if class == KeyClass::Neutral
        && kind != ValueKind::Bool
        && !trivial()
        && provider_credential(text, key, forced)
    {
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

/// The provider rule (docs/secrets.md, "provider sections"): under a key
/// or an ancestor key that names a credential issuer, a neutral key's value
/// is the provider's credential when the key is a credential slot (`api`,
/// `key`, `live`) and the value a literal that is not an identifier, URL,
/// path or host; or, under any neutral key, when the value has a
/// credential's shape: a UUID from a provider that issues UUID credentials,
/// a hex key, a short random string.
fn provider_credential(text: &str, key: Option<&str>, forced: Forced) -> bool {
    let own = key.map_or(provider::ProviderContext::None, provider::provider_context);
    let context = match (forced.provider(), own) {
        (provider::ProviderContext::UuidIssuer, _) | (_, provider::ProviderContext::UuidIssuer) => {
            provider::ProviderContext::UuidIssuer
        }
        (provider::ProviderContext::Named, _) | (_, provider::ProviderContext::Named) => {
            provider::ProviderContext::Named
        }
        _ => return false,
    };
    let text = text.trim();
    if values::is_reference(text) || key.is_some_and(keys::is_digest_name) {
        return false;
    }
    (key.is_some_and(provider::is_provider_slot) && provider::credential_literal(text))
        || (context == provider::ProviderContext::UuidIssuer && values::is_uuid(text))
        || provider::credential_shape(text)
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

    /// Key names: a secret word with a random tail, in every separator and
    /// case style, is a credential; names of settings are not.
    #[test]
    fn key_names_with_a_random_tail_are_credentials() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut draw = |alphabet: &[u8], n: usize| -> String {
            (0..n)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    alphabet[(rng % alphabet.len() as u64) as usize] as char
                })
                .collect()
        };
        for head in [
            "password",
            "token",
            "secret",
            "api_key",
            "pw",
            "DB_PASSWORD",
            "apiKey",
        ] {
            for sep in ["_", "-", ".", ":"] {
                for _ in 0..20 {
                    let mut hex = draw(b"0123456789abcdef", 16);
                    hex.replace_range(0..2, "a1");
                    let mut mixed = draw(
                        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789",
                        10,
                    );
                    mixed.replace_range(0..3, "Q7x");
                    for tail in [hex, mixed] {
                        let k = format!("{head}{sep}{tail}");
                        assert!(key_is_credential(&k), "{k}");
                    }
                }
            }
        }
        for k in [
            "password_sha256",
            "token_v2",
            "secret_key_base",
            "api_key_header",
            "max_connections",
            "spring.datasource.password",
            "password_min_length",
            "checksum/config",
            "ReleaseNotes2024",
            "service-2024-01-01",
            "58d20674-8fa2-4616-a710-eb1c354edd66",
            "us-east-1:endpoint",
        ] {
            assert!(!key_is_credential(k), "{k}");
        }
    }

    /// A provider's name on an ancestor is context: credential slots and
    /// credential shapes below it are masked, at every depth of nesting
    /// the walk hands down; identifiers, hosts, regions and names are not.
    #[test]
    fn provider_sections_mask_credentials_not_settings() {
        use provider::ProviderContext::{Named, UuidIssuer};
        let m = masker();
        let env = EnvTokens::new("prod", &[]);
        let uuid = "3f9a2c7e-1b5d-4f0a-8c6e-9b2d7f1a5c8e";
        let secret = |key: &str, text: &str, p| {
            m.value(Some(key), &Scalar::string(text), Forced::Provider(p), &env)
                .secrecy
                .is_masked()
        };
        for p in [Named, UuidIssuer] {
            for key in [
                "api", "key", "live", "test", "default", "value", "write", "server",
            ] {
                for text in [
                    "hunter2x9",
                    "Zq8LmXp3Vt",
                    "12345678",
                    uuid,
                    "3f9a2c7e1b5d8f0a4c6e9b2d7f1a5c8e",
                ] {
                    assert!(secret(key, text, p), "{key}: {text} ({p:?})");
                }
            }
            for key in ["note", "extra", "client", "endpoint_x"] {
                for text in [
                    "Xk9mQ2pL",
                    "3f9a2c7e1b5d8f0a4c6e9b2d7f1a5c8e",
                    "a1b2c3d4e5f60718",
                ] {
                    assert!(secret(key, text, p), "{key}: {text} ({p:?})");
                }
            }
            for (key, text) in [
                ("region", "us-east-1"),
                ("app", "myapp-prod"),
                ("api", "https://api.heroku.com"),
                ("api", "api.datadoghq.eu"),
                ("default", "us-east-1"),
                ("tenant_id", uuid),
                ("commit", "3f9a2c7e1b5d8f0a4c6e9b2d7f1a5c8e"),
                ("replicas", "3"),
                ("live", "true"),
                ("key", "${HEROKU_API_KEY}"),
                ("version", "Release2024"),
            ] {
                assert!(!secret(key, text, p), "{key}: {text} ({p:?})");
            }
        }
        // A UUID under a neutral key is a credential only from a UUID issuer.
        assert!(secret("account", uuid, UuidIssuer));
        assert!(!secret("tenant", uuid, Named));
        // The key's own name gives the context too (`SENDGRID_KEY`, `heroku.api`).
        for key in ["SENDGRID_KEY", "heroku.api", "stripeLive", "DATADOG_API"] {
            let v = m.value(Some(key), &Scalar::string("Zq8LmXp3Vt"), Forced::No, &env);
            assert!(v.secrecy.is_masked(), "{key}");
        }
    }

    /// `user:secret` pairs: Sidekiq's hex pair whole, a generated second
    /// half after a name, in every placement in a line; identifiers stay.
    #[test]
    fn credential_pairs_by_shape() {
        for pair in [
            "cafebabe:deadbeef",
            "1a2b3c4d:5e6f7a8b",
            "ci:Zq8LmXp3Vt",
            "deploy:Xk9mQ2pLw7Rt4Zn8",
        ] {
            for wrap in [
                "{}",
                "BUNDLE_GEMS__CONTRIBSYS__COM={}",
                "use {} here",
                "'{}'",
                "redis-cli --user {}",
                "x,{};y",
            ] {
                let t = wrap.replace("{}", pair);
                let masked = masked(&t, values::secret_parts(&t));
                let tail = &pair[pair.len() - 6..];
                assert!(!masked.contains(tail), "{t} -> {masked}");
            }
        }
        for t in [
            "12:34:56",
            "20240101:20241231",
            "node:20.11.1-bookworm",
            "registry.example.com/app:3f9a2c7e",
            "sha256:3f9a2c7e1b5d8f0a4c6e9b2d7f1a5c8e3f9a2c7e1b5d8f0a4c6e9b2d7f1a5c8e",
            "redis:6379",
            "app:a1b2c3d",
            "C:\\Users\\me",
            "fe80::1ff:fe23:4567:890a",
            "image: myapp:Release2024",
        ] {
            assert!(values::secret_parts(t).is_empty(), "{t}");
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
