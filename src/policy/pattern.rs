//! Key-path patterns: `**.replicas`, `spec.containers[name=api].image`,
//! `*.path`, `databases.*.password`.
//!
//! A key path is a list of segments, each a name with optional selectors:
//! `containers[name=api]` is one segment. In a pattern, `**` matches any
//! number of segments (zero included), `*` exactly one, and a name may hold
//! glob wildcards (`*_path`, `{path,tmp_path}`). A pattern segment without
//! selectors matches a segment whatever its selectors are, so `**.env.value`
//! reaches `env[name=DATA_PATH].value`; with selectors, they must match.
//! Names compare ASCII-case-insensitively (`**.cache_enabled` finds
//! `CACHE_ENABLED` in a dotenv file).

use globset::{GlobBuilder, GlobMatcher};

/// One segment of a parsed key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The key name (unquoted).
    pub name: std::borrow::Cow<'a, str>,
    /// Selector texts without brackets: `name=api`, `0`, `/api/`.
    pub selectors: Vec<std::borrow::Cow<'a, str>>,
}

/// Split a rendered key path into segments.
///
/// `a.b["x.y"][name=api].c` → `a`, `b`, `x.y[name=api]`, `c`. A bracket that
/// holds a quoted string is a key (a name with dots); any other bracket is a
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
                    let sel = match inner.split_once('=') {
                        Some((k, v)) => match unquote(v) {
                            Some(v) => format!("{k}={v}").into(),
                            None => inner.into(),
                        },
                        None => unquote(inner).map_or(inner.into(), Into::into),
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

/// `"a.b"` → `a.b` (Rust-debug escapes undone), or `None` when not quoted.
fn unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// One segment of a pattern.
#[derive(Debug, Clone)]
enum Part {
    /// `**`
    AnyDepth,
    /// `*`
    AnyOne,
    /// A name glob and selector globs.
    Named { name: Glob, selectors: Vec<Glob> },
}

/// A literal or a compiled glob (literals skip the glob engine).
#[derive(Debug, Clone)]
enum Glob {
    Literal(String),
    Pattern(GlobMatcher),
}

impl Glob {
    fn new(text: &str) -> Result<Glob, String> {
        if !text.contains(['*', '?', '{', '[']) {
            return Ok(Glob::Literal(text.to_ascii_lowercase()));
        }
        GlobBuilder::new(text)
            .case_insensitive(true)
            .literal_separator(false)
            .build()
            .map(|g| Glob::Pattern(g.compile_matcher()))
            .map_err(|e| e.kind().to_string())
    }

    fn matches(&self, text: &str) -> bool {
        match self {
            Glob::Literal(l) => l.eq_ignore_ascii_case(text),
            Glob::Pattern(m) => m.is_match(text),
        }
    }
}

/// A compiled key-path pattern.
#[derive(Debug, Clone)]
pub struct KeyPattern {
    /// As written.
    pub text: String,
    parts: Vec<Part>,
    /// The last part's literal name, if any: most leaves are ruled out by it.
    last: Option<String>,
}

impl KeyPattern {
    /// The last segment's literal name, if it has one (`db.password` → `password`).
    pub fn last_name(&self) -> Option<&str> {
        self.last.as_deref()
    }

    /// Compile a pattern.
    ///
    /// # Errors
    /// A message saying what is wrong with it.
    pub fn new(text: &str) -> Result<KeyPattern, String> {
        if text.trim().is_empty() {
            return Err("a key pattern is empty".into());
        }
        let mut parts = Vec::new();
        for seg in segments(text) {
            let part = match (&*seg.name, seg.selectors.is_empty()) {
                ("**", true) => Part::AnyDepth,
                ("*", true) => Part::AnyOne,
                ("", _) => {
                    return Err(format!(
                        "`{text}`: a selector must follow a key name (`containers[name=api]`)"
                    ));
                }
                (name, _) => Part::Named {
                    name: Glob::new(name).map_err(|e| format!("`{text}`: {e}"))?,
                    selectors: seg
                        .selectors
                        .iter()
                        .map(|s| Glob::new(s).map_err(|e| format!("`{text}`: {e}")))
                        .collect::<Result<_, _>>()?,
                },
            };
            parts.push(part);
        }
        let last = match parts.last() {
            Some(Part::Named {
                name: Glob::Literal(l),
                ..
            }) => Some(l.clone()),
            _ => None,
        };
        Ok(KeyPattern {
            text: text.to_string(),
            parts,
            last,
        })
    }

    /// Whether the pattern matches a rendered key path.
    pub fn matches(&self, path: &str) -> bool {
        if let Some(last) = &self.last {
            // Cheap rejection: the path must end with the literal last name
            // (maybe followed by selectors or a closing quote).
            let lower_tail = path
                .rsplit(['.', '['])
                .next()
                .unwrap_or(path)
                .trim_end_matches([']', '"']);
            if !lower_tail.eq_ignore_ascii_case(last) && !path.contains('[') {
                return false;
            }
        }
        let segs = segments(path);
        match_parts(&self.parts, &segs)
    }

    /// The last segment's literal name (lowercase), if it has one.
    pub fn last_literal(&self) -> Option<&str> {
        self.last.as_deref()
    }

    /// How specific the pattern is, for precedence: literal names count most,
    /// selectors next, `*` a little, `**` nothing.
    pub fn specificity(&self) -> u32 {
        self.parts
            .iter()
            .map(|p| match p {
                Part::AnyDepth => 0,
                Part::AnyOne => 1,
                Part::Named { name, selectors } => {
                    let n = match name {
                        Glob::Literal(_) => 4,
                        Glob::Pattern(_) => 2,
                    };
                    n + 3 * selectors.len() as u32
                }
            })
            .sum()
    }
}

fn match_parts(parts: &[Part], segs: &[Segment<'_>]) -> bool {
    // Classic wildcard matching with backtracking on the last `**`.
    let (mut p, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < segs.len() {
        match parts.get(p) {
            Some(Part::AnyDepth) => {
                star = Some((p, s));
                p += 1;
            }
            Some(part) if one(part, &segs[s]) => {
                p += 1;
                s += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    p = sp + 1;
                    s = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    parts[p..].iter().all(|x| matches!(x, Part::AnyDepth))
}

fn one(part: &Part, seg: &Segment<'_>) -> bool {
    match part {
        Part::AnyDepth => true,
        Part::AnyOne => true,
        Part::Named { name, selectors } => {
            name.matches(&seg.name)
                && (selectors.is_empty()
                    || (selectors.len() == seg.selectors.len()
                        && selectors
                            .iter()
                            .zip(&seg.selectors)
                            .all(|(g, s)| g.matches(s))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, path: &str) -> bool {
        KeyPattern::new(p).unwrap().matches(path)
    }

    #[test]
    fn segments_keep_selectors_with_their_key() {
        let s = segments(r#"spec.containers[name=api].env["a.b"][0].value"#);
        let names: Vec<&str> = s.iter().map(|s| &*s.name).collect();
        assert_eq!(names, ["spec", "containers", "env", "a.b", "value"]);
        assert_eq!(s[1].selectors, ["name=api"]);
        assert_eq!(s[3].selectors, ["0"]);
        let s = segments("http.server[api.example.com:443].location[/api/].x");
        assert_eq!(&*s[1].name, "server");
        assert_eq!(s[1].selectors, ["api.example.com:443"]);
        assert_eq!(s[2].selectors, ["/api/"]);
    }

    #[test]
    fn wildcards_and_selectors() {
        assert!(m("**.replicas", "spec.replicas"));
        assert!(m("**.replicas", "replicas"));
        assert!(!m("**.replicas", "spec.replicasx"));
        assert!(m("*.path", "clickhouse.path"));
        assert!(!m("*.path", "clickhouse.disks.path"));
        assert!(m("**.containers.image", "spec.containers[name=api].image"));
        assert!(m(
            "**.containers[name=api].image",
            "a.containers[name=api].image"
        ));
        assert!(!m(
            "**.containers[name=web].image",
            "a.containers[name=api].image"
        ));
        assert!(m(
            "**.containers[name=*].image",
            "a.containers[name=api].image"
        ));
        assert!(m("**.*cache*", "flags.cache_writes_enabled"));
        assert!(m("**.*cache*", "CACHE_ENABLED"));
        assert!(m("{clickhouse,yandex}.path", "yandex.path"));
        assert!(m("**", "anything.at.all"));
        assert!(m("a.**.z", "a.z"));
        assert!(m("a.**.z", "a.b.c.z"));
        assert!(!m("a.**.z", "a.b.c"));
        assert!(m(
            "**.location.proxy_next_upstream",
            "http.server[api.example.com:443].location[/api/].proxy_next_upstream"
        ));
        assert!(m(r#"env["a.b"]"#, r#"env["a.b"]"#));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(KeyPattern::new("").is_err());
        assert!(KeyPattern::new("[name=x]").is_err());
        assert!(KeyPattern::new("a.{b").is_err());
    }

    #[test]
    fn literal_patterns_are_more_specific() {
        let a = KeyPattern::new("**.replicas").unwrap().specificity();
        let b = KeyPattern::new("spec.replicas").unwrap().specificity();
        let c = KeyPattern::new("**.containers[name=api].image")
            .unwrap()
            .specificity();
        assert!(b > a && c > b);
    }
}
