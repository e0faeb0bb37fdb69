//! Problems in driftcheck's own inputs: `driftcheck.toml` (its `[review]`
//! included), policy files, baselines. One shape for all of them, so every
//! reader reports the same way and every output format renders them the
//! same way (`report::error`).
//!
//! The rule: a reader collects every problem it can find before giving up
//! (a file with five mistakes shows five), and each problem carries its
//! registered code (`config/invalid`, `policy/invalid`, see
//! [`crate::registry`]), the file, the 1-based line and column of the
//! offending token, a message that never quotes a value (values may be
//! credentials), an optional help line, and the source line for the caret
//! display. Source lines are shown only through the redacting writer, so a
//! token typed into a `render` argument is masked there too.

use std::fmt;

use crate::text::line_of;

/// The code of a problem in `driftcheck.toml`.
pub const CONFIG: &str = "config/invalid";
/// The code of a problem in a policy file.
pub const POLICY: &str = "policy/invalid";
/// The code of a problem in a baseline file.
pub const BASELINE: &str = "config/baseline";

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file, as given.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column in characters (0 when unknown).
    pub column: u32,
    /// What is wrong (never a value).
    pub message: String,
    /// The registered code.
    pub code: &'static str,
    /// How wide the caret under the offending token is (characters).
    pub width: u32,
    /// What to do about it.
    pub help: Option<String>,
    /// The offending line, for the caret display.
    pub source: Option<String>,
}

impl Problem {
    /// A problem without a known position in the file's text.
    pub fn new(code: &'static str, file: impl Into<String>, line: u32, message: String) -> Self {
        Problem {
            file: file.into(),
            line,
            column: 0,
            message,
            code,
            width: 0,
            help: None,
            source: None,
        }
    }

    /// A problem at byte offset `at` of `text`: line, column, the token's
    /// width and the source line are taken from the text.
    pub fn at(code: &'static str, file: &str, text: &str, at: usize, message: String) -> Self {
        let at = floor_char_boundary(text, at.min(text.len()));
        let line = line_of(text.as_bytes(), at);
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let column = text[start..at].chars().count() as u32 + 1;
        let source = text[start..end].trim_end_matches('\r').to_string();
        Problem {
            file: file.to_string(),
            line,
            column,
            message,
            code,
            width: token_width(&text[at..end]),
            help: None,
            source: Some(source),
        }
    }

    /// With a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// `file:line:column: message` (line and column when known).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file, self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
        }
    }
}

/// The width of the TOML token starting `rest`: a quoted string to its
/// closing quote, a bracketed header or array to its bracket, else up to
/// the next space, `=` or `,`.
fn token_width(rest: &str) -> u32 {
    let mut chars = rest.chars();
    let n = match chars.next() {
        None => 0,
        Some(q @ ('"' | '\'')) => {
            let mut n = 1;
            let mut escaped = false;
            for c in chars {
                n += 1;
                if c == q && !escaped {
                    break;
                }
                escaped = c == '\\' && !escaped;
            }
            n
        }
        Some('[') => rest.find(']').map_or(rest.chars().count(), |i| {
            rest[..=i].chars().count() + usize::from(rest[i + 1..].starts_with(']'))
        }),
        Some(_) => rest
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '=' | ','))
            .count(),
    };
    u32::try_from(n.max(1)).unwrap_or(1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `2 problems in driftcheck.toml`: the one-line head of a list of problems.
pub fn headline(problems: &[Problem]) -> String {
    let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    files.dedup();
    let n = problems.len();
    format!(
        "{n} problem{} in {}",
        if n == 1 { "" } else { "s" },
        if files.len() == 1 {
            files[0].to_string()
        } else {
            "policies".to_string()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_widths() {
        let text = "[env.prod]\nroots = \"x\"\n";
        let p = Problem::at(CONFIG, "d.toml", text, 11, "unknown key".into());
        assert_eq!((p.line, p.column, p.width), (2, 1, 5));
        assert_eq!(p.source.as_deref(), Some("roots = \"x\""));
        let p = Problem::at(CONFIG, "d.toml", text, 19, "bad".into());
        assert_eq!((p.line, p.column, p.width), (2, 9, 3));
        let p = Problem::at(CONFIG, "d.toml", text, 0, "bad".into());
        assert_eq!(p.width, 10);
        assert_eq!(p.to_string(), "d.toml:1:1: bad");
        // Past the end, and inside a multi-byte character: no panic.
        let p = Problem::at(CONFIG, "d.toml", "é", 1, "x".into());
        assert_eq!((p.line, p.column), (1, 1));
        let p = Problem::at(CONFIG, "d.toml", "a\n", 99, "x".into());
        assert_eq!(p.line, 2);
    }
}
