//! Deciding what is a secret and turning scalars into masked [`Value`]s.
//!
//! This is the only place that sees a secret's text. It classifies by key
//! name (`keys`) and value shape (`values`), fingerprints what is secret
//! (`fingerprint`) and hands on a [`Value`] that holds the fingerprint
//! instead of the text.
//!
//! # One way in
//!
//! The rest of the crate masks through this facade only; the detectors
//! behind it are private, so a caller cannot pick a subset of the rules and
//! mask less than the masker would (a source scan,
//! `layering::secret_detectors_stay_behind_the_facade`, keeps it so):
//! - **structured values and keys**: [`Masker`] (with [`Forced`], the
//!   secrecy a position inherits, and [`Forced::for_section`]), and the
//!   name facts the walk needs: [`is_secret_name`], [`key_is_credential`],
//!   [`key_words`], [`argv_item_is_credential`], [`holds_secret`];
//! - **free text**: [`mask_line`], [`Masker::text_file`], [`mask_command`]
//!   and [`mask_command_output`] (module `text`);
//! - **output**: the last-line writer [`Redacting`] / [`redact`] /
//!   [`redact_error`], and [`remember`] and its kin, which teach it a
//!   secret seen outside a value (a key name, a file name).
//!
//! The token catalogue ([`CATALOGUE`], [`find_tokens`]) is public data, read
//! by the leak-corpus generator and the benchmarks.

mod catalogue;
mod cmdline;
mod connstr;
mod encoded;
mod fingerprint;
mod generic;
mod httpauth;
mod keys;
mod provider;
mod redact;
mod text;
mod urls;
mod values;
mod words;

use std::ops::Range;

pub use catalogue::{CATALOGUE, TokenFormat, find as find_tokens};
pub use cmdline::argv_item_is_credential;
pub use fingerprint::{Fingerprint, Fingerprinter};
pub use keys::{KeyClass, is_secret_name, tokens as key_words};
pub use provider::ProviderContext;
pub use redact::{
    MASK, Redacting, redact, redact_error, remember, remember_decoded, remember_if_secret,
    remember_names, remember_path_if_secret,
};
pub use text::{
    mask_command, mask_command_output, mask_line, mask_quoted_names, mask_source_line, shown_name,
};
pub use values::is_reference;

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

    /// The secrecy a map or list under `key` hands to what it holds, from
    /// the key's name (`forced` is what the key itself inherited): under a
    /// secret-named key, a secret context; under a provider's name
    /// (`heroku:`, `[sendgrid]`), that provider's context. Kubernetes and
    /// Terraform positions are the walk's (they need the siblings).
    pub fn for_section(key: &str, forced: Forced) -> Forced {
        if is_secret_name(key) {
            return Forced::Context;
        }
        if forced == Forced::No || forced == Forced::Provider(provider::ProviderContext::Named) {
            let p = provider::provider_context(key);
            if p != provider::ProviderContext::None {
                return Forced::Provider(p);
            }
        }
        forced
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
                // Secret by its own key or its own shape, not by where it
                // sits ([`redact::remember_decoded`]).
                if class == KeyClass::Secret || forced == Forced::No {
                    redact::remember_decoded(text);
                }
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

/// Whether `text` holds a secret by any value rule (a catalogued token, a
/// connection string's password, a random run, a `user:secret` pair):
/// asked of names that are printed (a duplicate key, a list selector).
pub fn holds_secret(text: &str) -> bool {
    !values::secret_parts(text).is_empty()
}

/// The uncatalogued-token rule alone (random runs that look generated),
/// for the cost benchmark's split by rule.
pub fn find_random_tokens(text: &str) -> Vec<Range<usize>> {
    generic::find(text)
}

/// Whether a key that is itself a credential ([`key_is_credential`]) and
/// its value are halves of one pasted text that a parser split at its `=`
/// or `:` (an INI continuation line `  SCRAM-SHA-256$4096:salt$key` read
/// as `key: value`): a value rule finds a secret in the two joined back that
/// runs into the value. A credential-looking name alone does not make its
/// value secret (a different value per environment is not drift, so that
/// would hide real differences under a misjudged name).
fn joined_secret(key: &str, text: &str) -> bool {
    if text.is_empty() || !key_is_credential(key) {
        return false;
    }
    ['=', ':'].iter().any(|sep| {
        let joined = format!("{key}{sep}{text}");
        values::secret_parts(&joined)
            .iter()
            .any(|r| r.end > key.len() + 1)
    })
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
        || key.is_some_and(|k| joined_secret(k, text))
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
    // A CAPTCHA site key is public by design (docs/secrets.md, "public
    // halves"): shown when the name says so *and* the value has a site
    // key's documented shape; anything else under that name is judged by
    // every rule below (a URL with a password, a generated string).
    if key.is_some_and(keys::names_public_half) && site_key_shape(text.trim()) {
        return Decision::Public;
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

/// A CAPTCHA site key as its provider documents it: reCAPTCHA (`6L` and 38
/// more of `[A-Za-z0-9_-]`), Turnstile (`0x4` and 19 or more). hCaptcha's
/// are UUIDs, shown anyway.
fn site_key_shape(text: &str) -> bool {
    let tail_ok = |t: &str| {
        t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    (text.len() == 40 && text.starts_with("6L") && tail_ok(&text[2..]))
        || (text.len() >= 22 && text.len() <= 64 && text.starts_with("0x4") && tail_ok(&text[3..]))
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
mod tests;
