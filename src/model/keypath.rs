//! Key paths: how a place in a document is written (`spec.containers[name=api].image`)
//! and read back, in one module so the writer and the reader cannot drift.
//!
//! The syntax: segments joined by `.`; a map key that is not safe bare is
//! written `["a.b"]` (Rust string escapes); a list item or block is selected
//! by its identity, `[name=api]`, `[0]`, or `[api.example.com:443]` for a
//! block's own identity, the value quoted when it is not safe bare.
//!
//! The rule: reading a written path gives back exactly the names and
//! identities that were written, whatever bytes they hold (a test checks
//! random names: dots, brackets, quotes, backslashes, control characters,
//! non-ASCII). Findings carry a [`KeyPath`], which is parsed at most once,
//! on first use, however many policy patterns are matched against it.
//!
//! One ambiguity is kept, because the written form is what baselines
//! fingerprint: a block identity that needs quotes (nginx `location ~ \.php$`)
//! is written like a quoted key, `location["~ \\.php$"]`, and read as a key
//! under `location`; patterns reach it with `location.*` or `**`.

use std::borrow::Cow;
use std::sync::OnceLock;

use super::document::BLOCK_IDENTITY;

/// Append a map key to `path`: `.key` when the key is safe bare, else `["a.b"]`.
pub fn push_key(path: &mut String, key: &str) {
    let safe = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || "_-/:@${}+*".contains(c));
    if safe {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push_str(&format!("[{key:?}]"));
    }
}

/// Append a list selector: `[name=api]`, quoted when needed.
pub fn push_selector(path: &mut String, key: &str, id: &str) {
    path.push('[');
    if key != BLOCK_IDENTITY {
        path.push_str(key);
        path.push('=');
    }
    if id
        .chars()
        .all(|c| c.is_alphanumeric() || "_-./:@{}*".contains(c))
    {
        path.push_str(id);
    } else {
        path.push_str(&format!("{id:?}"));
    }
    path.push(']');
}

/// The parent of a key path (`a.b[name=x].c` → `a.b[name=x]`), or `None` at the top.
pub fn parent(path: &str) -> Option<&str> {
    // Where each bracket group and bare name starts, read forwards (quotes
    // and escapes are only unambiguous that way); the parent ends before the
    // last one.
    let bytes = path.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'.' => i += 1,
            b'[' => {
                starts.push(i);
                i = bracket(path, i).1;
            }
            _ => {
                starts.push(i);
                i = path[i..].find(['.', '[']).map_or(path.len(), |e| i + e);
            }
        }
    }
    let last = *starts.last()?;
    let end = if last > 0 && bytes[last - 1] == b'.' {
        last - 1
    } else {
        last
    };
    (end > 0).then(|| &path[..end])
}

/// One segment of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The key name (unquoted).
    pub name: Cow<'a, str>,
    /// Selector texts without brackets, values unquoted: `name=api`, `0`,
    /// `/api/` (a block's own identity has no `key=`).
    pub selectors: Vec<Cow<'a, str>>,
}

impl Segment<'_> {
    /// The same segment owning its text.
    fn into_owned(self) -> Segment<'static> {
        Segment {
            name: Cow::Owned(self.name.into_owned()),
            selectors: self
                .selectors
                .into_iter()
                .map(|s| Cow::Owned(s.into_owned()))
                .collect(),
        }
    }
}

/// Split a written key path into segments.
///
/// `a.b["x.y"][name=api].c` → `a`, `b`, `x.y[name=api]`, `c`. A bracket that
/// holds only a quoted string is a key (a name with dots); any other bracket is a
/// selector of the segment before it.
pub fn segments(path: &str) -> Vec<Segment<'_>> {
    let bytes = path.as_bytes();
    let mut out: Vec<Segment<'_>> = Vec::new();
    let mut i = 0;
    let mut start_name = true;
    while i < bytes.len() {
        match bytes[i] {
            b'.' => {
                start_name = true;
                i += 1;
            }
            b'[' => {
                let (inner, next) = bracket(path, i);
                i = next;
                if let Some(quoted) = unquote(inner) {
                    out.push(Segment {
                        name: quoted.into(),
                        selectors: Vec::new(),
                    });
                } else {
                    let sel: Cow<'_, str> = match inner.split_once('=') {
                        Some((k, v)) => match unquote(v) {
                            Some(v) => format!("{k}={v}").into(),
                            None => inner.into(),
                        },
                        None => inner.into(),
                    };
                    match out.last_mut() {
                        Some(last) if !start_name => last.selectors.push(sel),
                        _ => out.push(Segment {
                            name: "".into(),
                            selectors: vec![sel],
                        }),
                    }
                }
                start_name = false;
            }
            _ => {
                let end = path[i..].find(['.', '[']).map_or(path.len(), |e| i + e);
                out.push(Segment {
                    name: path[i..end].into(),
                    selectors: Vec::new(),
                });
                start_name = false;
                i = end;
            }
        }
    }
    out
}

/// The text inside the bracket starting at `open`, and the index after it.
/// Quotes (with `\"` escapes) may hold `]`.
fn bracket(path: &str, open: usize) -> (&str, usize) {
    let bytes = path.as_bytes();
    let mut i = open + 1;
    let mut in_str = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b']' if !in_str => return (&path[open + 1..i], i + 1),
            _ => {}
        }
        i += 1;
    }
    (&path[open + 1..], path.len())
}

/// `"a.b"` → `a.b` with the escapes `{:?}` writes undone (`\n`, `\t`, `\r`,
/// `\0`, `\\`, `\"`, `\'`, `\u{..}`), or `None` when not one quoted string.
fn unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                'u' => {
                    let rest = chars.as_str().strip_prefix('{')?;
                    let close = rest.find('}')?;
                    out.push(char::from_u32(
                        u32::from_str_radix(&rest[..close], 16).ok()?,
                    )?);
                    chars = rest[close + 1..].chars();
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    Some(out)
}

/// A written key path, with its segments parsed at most once, on first use.
///
/// Compared, hashed, ordered, shown and serialised as its text; it
/// dereferences to `&str` where the text is all a caller needs.
#[derive(Clone, Default)]
pub struct KeyPath {
    text: String,
    segments: OnceLock<Vec<Segment<'static>>>,
}

impl KeyPath {
    /// A key path from its written text.
    pub fn new(text: impl Into<String>) -> KeyPath {
        KeyPath {
            text: text.into(),
            segments: OnceLock::new(),
        }
    }

    /// The written text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The segments (parsed on first use).
    pub fn segments(&self) -> &[Segment<'static>] {
        self.segments.get_or_init(|| {
            segments(&self.text)
                .into_iter()
                .map(Segment::into_owned)
                .collect()
        })
    }
}

impl std::ops::Deref for KeyPath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl PartialEq for KeyPath {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for KeyPath {}

impl PartialEq<str> for KeyPath {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for KeyPath {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl std::hash::Hash for KeyPath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for KeyPath {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KeyPath {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl std::fmt::Debug for KeyPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text.fmt(f)
    }
}

impl std::fmt::Display for KeyPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::borrow::Borrow<str> for KeyPath {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl From<String> for KeyPath {
    fn from(text: String) -> KeyPath {
        KeyPath::new(text)
    }
}

impl From<&str> for KeyPath {
    fn from(text: &str) -> KeyPath {
        KeyPath::new(text)
    }
}

impl serde::Serialize for KeyPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for KeyPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeyPath, D::Error> {
        String::deserialize(d).map(KeyPath::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents() {
        assert_eq!(parent("a.b[name=x].c"), Some("a.b[name=x]"));
        assert_eq!(parent("a.b[name=x]"), Some("a.b"));
        assert_eq!(parent("a"), None);
        assert_eq!(parent("[\"a.b\"].c"), Some("[\"a.b\"]"));
        assert_eq!(parent("[\"a.b\"]"), None);
        assert_eq!(parent("x[name=\"a]b\"].y"), Some("x[name=\"a]b\"]"));
        assert_eq!(parent("x[\"a\\\\\"].y"), Some("x[\"a\\\\\"]"));
    }

    #[test]
    fn written_forms() {
        let mut p = String::new();
        push_key(&mut p, "sites");
        push_key(&mut p, "example.com");
        push_selector(&mut p, "name", "a b");
        assert_eq!(p, "sites[\"example.com\"][name=\"a b\"]");
        let mut p = String::from("http.server");
        push_selector(&mut p, BLOCK_IDENTITY, "api.example.com:443");
        push_key(&mut p, "location");
        push_selector(&mut p, BLOCK_IDENTITY, "/");
        assert_eq!(p, "http.server[api.example.com:443].location[/]");
    }

    /// What is written is read back: random names and identities over an
    /// alphabet of every character the syntax gives a meaning to, plus
    /// control characters and non-ASCII, at depths 1 to 4.
    #[test]
    fn every_written_path_reads_back() {
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', '.', '[', ']', '"', '\\', '=', ' ', '\n', '\t', '\r', '\0', '\u{7}',
            '\u{1b}', '\'', '{', '}', '/', ':', '@', '*', '-', 'é', '\u{301}', '\u{200b}', '🙂',
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let depth = 1 + next(4);
            let mut written = String::new();
            let mut want: Vec<Segment<'static>> = Vec::new();
            for _ in 0..depth {
                let len = 1 + next(6);
                let name: String = (0..len).map(|_| ALPHABET[next(ALPHABET.len())]).collect();
                push_key(&mut written, &name);
                let mut selectors = Vec::new();
                match next(3) {
                    0 => {}
                    1 => {
                        let id: String = (0..next(5))
                            .map(|_| ALPHABET[next(ALPHABET.len())])
                            .collect();
                        push_selector(&mut written, "name", &id);
                        selectors.push(Cow::Owned(format!("name={id}")));
                    }
                    _ => {
                        // A block identity safe bare is a selector; one that
                        // needs quotes reads as a key (see the module doc).
                        let id: String = (0..1 + next(5))
                            .map(|_| ALPHABET[next(ALPHABET.len())])
                            .collect();
                        push_selector(&mut written, BLOCK_IDENTITY, &id);
                        if written.ends_with("\"]") {
                            want.push(Segment {
                                name: Cow::Owned(name),
                                selectors: Vec::new(),
                            });
                            want.push(Segment {
                                name: Cow::Owned(id),
                                selectors: Vec::new(),
                            });
                            continue;
                        }
                        selectors.push(Cow::Owned(id));
                    }
                }
                want.push(Segment {
                    name: Cow::Owned(name),
                    selectors,
                });
            }
            let path = KeyPath::new(written.clone());
            assert_eq!(path.segments(), &want[..], "{written:?}");
            let up = parent(&written);
            if depth > 1 || !want[0].selectors.is_empty() {
                assert!(up.is_some(), "{written:?}");
            }
        }
    }
}
