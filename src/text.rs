//! Text made safe to print: the one escaping every output uses, kept at
//! the bottom of the library so that the stages below the report (secrets,
//! the gate, render errors, progress) escape the same way without
//! importing the renderers.

/// Make a value safe for a terminal: control characters, bidi overrides and
/// zero-width characters are escaped, and very long values are cut.
pub fn escape(value: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max_chars + 8));
    for (n, c) in value.chars().enumerate() {
        if n >= max_chars {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}') =>
            {
                out.push_str(&c.escape_unicode().to_string());
            }
            c => out.push(c),
        }
    }
    out
}

/// 1-based line number of byte offset `pos`.
pub fn line_of(bytes: &[u8], pos: usize) -> u32 {
    let end = pos.min(bytes.len());
    (memchr::memchr_iter(b'\n', &bytes[..end]).count() + 1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_tricks() {
        assert_eq!(escape("\u{1b}]52;c;x\u{7}", 100), "\\u{1b}]52;c;x\\u{7}");
        assert_eq!(escape("admin\u{202e}", 100), "admin\\u{202e}");
        assert_eq!(escape("abcdef", 3), "abc…");
    }
}
