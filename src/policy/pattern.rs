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

use crate::model::keypath::{KeyPath, Segment, segments};

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

    /// Whether the pattern matches a key path (its segments, parsed once
    /// per path however many patterns ask).
    ///
    /// Rule: a key holding `.` also matches as the segments it spells, in
    /// any format: `db.password` in a properties file (or a Spring YAML
    /// key written `spring.datasource.password:`) is the setting a
    /// pattern `db.password` names, as Spring binds it and a reader reads
    /// it (a rule on `db.password` missed it, a password rotation passed).
    pub fn matches(&self, path: &KeyPath) -> bool {
        let segs = path.segments();
        if self.matches_segments(segs) {
            return true;
        }
        if !segs.iter().any(|s| s.name.contains('.')) {
            return false;
        }
        let mut spelt: Vec<Segment<'_>> = Vec::with_capacity(segs.len() + 2);
        for s in segs {
            let mut pieces = s.name.split('.').peekable();
            while let Some(piece) = pieces.next() {
                let last = pieces.peek().is_none();
                spelt.push(Segment {
                    name: piece.into(),
                    selectors: if last {
                        s.selectors.clone()
                    } else {
                        Vec::new()
                    },
                });
            }
        }
        self.matches_segments(&spelt)
    }

    fn matches_segments(&self, segs: &[Segment<'_>]) -> bool {
        if let Some(last) = &self.last
            && segs
                .last()
                .is_none_or(|s| !s.name.eq_ignore_ascii_case(last))
        {
            // The pattern's last part is a literal name: the path must end with it.
            return false;
        }
        match_parts(&self.parts, segs)
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
        KeyPattern::new(p).unwrap().matches(&KeyPath::new(path))
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
    fn a_key_holding_dots_matches_as_the_segments_it_spells() {
        assert!(m("db.password", r#"["db.password"]"#));
        assert!(m("**.password", r#"["spring.datasource.password"]"#));
        assert!(m("spring.datasource.*", r#"["spring.datasource.url"]"#));
        assert!(m("a.b.c[name=x].d", r#"a["b.c"][name=x].d"#));
        assert!(m(r#"["db.password"]"#, r#"["db.password"]"#));
        assert!(!m("db.password", r#"["db.password.old"]"#));
        assert!(!m("db.pass", r#"["db.password"]"#));
        assert!(!m("password", r#"["db.password"]"#));
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
