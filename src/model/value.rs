//! The value model the diff works on: every value already classified,
//! masked and normalised.
//!
//! Masking happens here, when a scalar becomes a [`Value`], not at print time:
//! a secret's text never reaches a `Value`, so no renderer, error path or debug
//! print can show it. What remains is a keyed fingerprint.

use crate::secrets::Fingerprint;

/// What kind of thing a value is, for comparison and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueKind {
    /// Null or empty.
    Null,
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// A float.
    Float,
    /// A date or time.
    DateTime,
    /// A string.
    Str,
    /// A list of scalars, compared as one value.
    List,
    /// A map (present so that missing keys can be reported at the top-most key).
    Map,
    /// A list whose items are compared one by one.
    Seq,
}

impl ValueKind {
    /// A short noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            ValueKind::Null => "null",
            ValueKind::Bool => "boolean",
            ValueKind::Int => "integer",
            ValueKind::Float => "float",
            ValueKind::DateTime => "datetime",
            ValueKind::Str => "string",
            ValueKind::List => "list",
            ValueKind::Map => "map",
            ValueKind::Seq => "list",
        }
    }

    /// Whether values of this kind are containers (compared through their children).
    pub fn is_container(self) -> bool {
        matches!(self, ValueKind::Map | ValueKind::Seq)
    }
}

/// How secret a value is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Secrecy {
    /// Nothing secret in it.
    #[default]
    Public,
    /// The whole value is a secret literal.
    Secret(Fingerprint),
    /// Parts of it are secret (URL userinfo, `password=` in a connection string).
    Partial(Vec<Fingerprint>),
    /// A secret-named key holds a reference (`${DB_PASSWORD}`, `vault:…`): shown as is.
    Reference,
    /// Encrypted content (`ENC[…]`, `!vault`): masked like a secret, labelled encrypted.
    Encrypted(Fingerprint),
}

impl Secrecy {
    /// Whether any part of the value is masked.
    pub fn is_masked(&self) -> bool {
        matches!(
            self,
            Secrecy::Secret(_) | Secrecy::Partial(_) | Secrecy::Encrypted(_)
        )
    }

    /// Fingerprints of every masked part.
    pub fn fingerprints(&self) -> &[Fingerprint] {
        match self {
            Secrecy::Secret(fp) | Secrecy::Encrypted(fp) => std::slice::from_ref(fp),
            Secrecy::Partial(fps) => fps,
            Secrecy::Public | Secrecy::Reference => &[],
        }
    }
}

/// A classified, masked, normalised value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// What it is.
    pub kind: ValueKind,
    /// Safe to print: secrets already replaced by `<secret fp=…>`.
    pub shown: Box<str>,
    /// The comparison text: `shown` with environment tokens replaced by `{env}`,
    /// or `None` when it equals `shown` (the common case; saves memory).
    norm: Option<Box<str>>,
    /// Secret status.
    pub secrecy: Secrecy,
    /// Another YAML reading of the source would give a different value.
    pub ambiguity: Option<&'static str>,
    /// Masked only because a parent key is secret-named (`secrets: [db_password]`):
    /// kept masked, but not evidence of a reused credential (it may be a name).
    pub inferred: bool,
    /// Masked only because the same key path is a secret in another
    /// environment: not reuse evidence, and a difference is still drift.
    pub masked_for_peer: bool,
    /// The source text is a placeholder (`changeme`, `!!!SET X!!!`): see
    /// [`crate::model::placeholder`]. Never evidence of a reused credential.
    pub placeholder: bool,
}

impl Value {
    /// A value with its printable and normalised texts.
    pub fn new(kind: ValueKind, shown: String, norm: Option<String>, secrecy: Secrecy) -> Self {
        let norm = norm.filter(|n| *n != shown).map(String::into_boxed_str);
        Value {
            kind,
            shown: shown.into_boxed_str(),
            norm,
            secrecy,
            ambiguity: None,
            inferred: false,
            masked_for_peer: false,
            placeholder: false,
        }
    }

    /// The text compared across environments.
    pub fn norm(&self) -> &str {
        self.norm.as_deref().unwrap_or(&self.shown)
    }

    /// Whether two values are the same setting: equal as written, or equal
    /// once environment names are normalised.
    pub fn same_as(&self, other: &Value) -> bool {
        self.kind == other.kind && (self.shown == other.shown || self.norm() == other.norm())
    }

    /// Whether the two values are equal only after normalising environment names.
    pub fn equal_modulo_env(&self, other: &Value) -> bool {
        self.kind == other.kind && self.shown != other.shown && self.norm() == other.norm()
    }
}
