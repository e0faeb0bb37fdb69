//! The parse tree every format produces: maps, sequences and scalars, each
//! with the line it starts on.
//!
//! Parsers stop here. They do not classify secrets, normalise environment
//! names or build key paths; that is [`crate::model::flatten`]'s job, so every
//! format gets exactly the same treatment. Scalars keep their source text and
//! a resolved kind, because config drift is often a difference of *spelling*
//! (`on` vs `true`, `0755` vs `493`) that a value-only model would hide.

/// One document: a whole file, or one document of a multi-document YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The root node.
    pub root: Node,
    /// 1-based line where the document starts.
    pub line: u32,
}

/// A node of the parse tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: NodeValue,
    /// 1-based line of the node's first character (for a map entry's value:
    /// the value's own line, which may follow the key's line).
    pub line: u32,
}

/// The three shapes a config value can take.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// Keys in source order. Parsers reject duplicate keys, so keys are unique.
    Map(Vec<MapEntry>),
    /// Items in source order.
    Seq(Vec<Node>),
    /// A leaf.
    Scalar(Scalar),
}

/// One `key: value` pair of a map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    /// The key as text (non-string YAML keys are kept as their source text).
    pub key: String,
    /// 1-based line of the key.
    pub line: u32,
    /// The value.
    pub value: Node,
}

/// A leaf value with its source spelling and resolved kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value's text after unquoting and unescaping (the "canonical value").
    /// For numbers this is the literal as written (`1.10`, `0x10`), so that
    /// equal-looking but differently written values can be told apart.
    pub text: String,
    /// How the text resolves.
    pub kind: ScalarKind,
    /// Set when another reading of the same source would resolve differently:
    /// a plain YAML `on` is a string under YAML 1.2 but `true` under YAML 1.1.
    /// Holds a short description of the other reading, e.g. "YAML 1.1 reads it as true".
    pub ambiguity: Option<&'static str>,
    /// An explicit tag (`!vault`, `!!binary`), never executed or resolved.
    pub tag: Option<String>,
}

impl Scalar {
    /// The core schema type its tag names (`str`, `int`, `float`, `bool`,
    /// `null`), in either spelling (`!!int`, `!<tag:yaml.org,2002:int>`),
    /// or `!` for the non-specific tag (`! 1`: a string). `None` when it
    /// has no tag or another one (`!!binary`, `!Ref`). Such a tag only
    /// says the type, which is compared anyway; any other changes what the
    /// text is (`!!binary b2s=` is bytes).
    pub fn core_tag(&self) -> Option<&str> {
        let tag = self.tag.as_deref()?;
        let name = tag
            .strip_prefix("!<tag:yaml.org,2002:")
            .and_then(|t| t.strip_suffix('>'))
            .or_else(|| tag.strip_prefix("!!"))
            .unwrap_or(tag);
        match name {
            "!" | "!<!>" => Some("!"),
            "str" | "int" | "float" | "bool" | "null" => Some(name),
            _ => None,
        }
    }

    /// Whether its tag is one [`Self::core_tag`] does not explain.
    pub fn other_tag(&self) -> Option<&str> {
        self.tag.as_deref().filter(|_| self.core_tag().is_none())
    }
    /// A plain string scalar with no ambiguity or tag.
    pub fn string(text: impl Into<String>) -> Self {
        Scalar {
            text: text.into(),
            kind: ScalarKind::Str,
            ambiguity: None,
            tag: None,
        }
    }

    /// A scalar of the given kind with no ambiguity or tag.
    pub fn of(kind: ScalarKind, text: impl Into<String>) -> Self {
        Scalar {
            text: text.into(),
            kind,
            ambiguity: None,
            tag: None,
        }
    }
}

/// The type a scalar resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScalarKind {
    /// `null`, `~`, an empty YAML value.
    Null,
    /// `true` / `false` (YAML 1.2 core schema, JSON, TOML).
    Bool,
    /// An integer; the text is the literal (compared as text, so big integers are exact).
    Int,
    /// A float; the text is the literal.
    Float,
    /// Any string (quoted, or plain text that is not one of the above).
    Str,
    /// A date or time (TOML datetimes).
    DateTime,
}

impl MapEntry {
    /// A `key: scalar` entry whose key and value share one line (dotenv, INI).
    pub fn scalar(key: &str, line: u32, scalar: Scalar) -> Self {
        MapEntry {
            key: key.to_string(),
            line,
            value: Node::scalar(scalar, line),
        }
    }
}

impl Document {
    /// A one-document file whose root is a map starting on line 1 (dotenv, INI).
    pub fn flat_map(entries: Vec<MapEntry>) -> Self {
        Document {
            root: Node {
                value: NodeValue::Map(entries),
                line: 1,
            },
            line: 1,
        }
    }
}

impl Node {
    /// A scalar node.
    pub fn scalar(scalar: Scalar, line: u32) -> Self {
        Node {
            value: NodeValue::Scalar(scalar),
            line,
        }
    }
}
