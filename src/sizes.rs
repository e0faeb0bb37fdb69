//! The size rule, checked by scanning the sources: no file under `src/`
//! over [`MAX_FILE_LINES`] lines, no function over [`MAX_FN_LINES`].
//!
//! Why: a file is named for what it holds and a function for what it does;
//! past these sizes a file holds several things and a function does several
//! steps, and a reader (or a reviewer of a change) can no longer see where
//! one ends. A long function is split by meaning — each step its own named
//! function with a doc comment saying why it exists — never by cutting at
//! line 100.
//!
//! Allowed to stay long ([`LONG_FUNCTIONS`]):
//! - parser state machines, whose states read best as one `match` over the
//!   input: `formats/ini.rs` `parse`, `formats/json.rs` `value`,
//!   `formats/yaml/events.rs` `event`.
//!
//! A function's length is counted by [`functions`]: from the `fn` line
//! to the closing brace at the same indentation.

/// The longest a source file may be, in lines.
pub const MAX_FILE_LINES: usize = 800;
/// The longest a function may be, in lines (signature to closing brace).
pub const MAX_FN_LINES: usize = 100;

/// `(file under src/, function)` allowed over [`MAX_FN_LINES`].
pub const LONG_FUNCTIONS: &[(&str, &str)] = &[
    // Parser state machines.
    ("formats/ini.rs", "parse"),
    ("formats/json.rs", "value"),
    ("formats/yaml/events.rs", "event"),
];

/// Type names still defined in more than one module, to be renamed (the
/// list only ever gets shorter). Why one name, one type: a reader meeting
/// `Rule` or `Verdict` should not have to look up which of two it is.
pub const DUPLICATE_TYPE_NAMES: &[&str] = &[];

/// Every type (`struct`, `enum`, `type`, `trait`) name `text` defines at
/// its top level (an `impl`'s `type Item` or a function's local alias is
/// not a module's type).
pub fn type_names(text: &str) -> Vec<&str> {
    let re = regex::Regex::new(r"(?m)^(pub(\([^)]*\))?\s+)?(struct|enum|type|trait)\s+([A-Z]\w*)")
        .expect("a valid regex");
    re.captures_iter(text)
        .filter_map(|c| c.get(4).map(|m| m.as_str()))
        .collect()
}

/// Every function of `text` as `(name, lines)`: a line declaring a `fn` with
/// a body, to the first later line that is a `}` at the declaration's
/// indentation.
pub fn functions(text: &str) -> Vec<(&str, usize)> {
    let re = regex::Regex::new(
        r"^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)",
    )
    .expect("a valid regex");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(m) = re.captures(lines[i]) else {
            i += 1;
            continue;
        };
        if lines[i].trim_end().ends_with(';') {
            i += 1;
            continue;
        }
        let indent = m[1].len();
        let name = m.get(7).map_or("", |n| n.as_str());
        let open = (i..lines.len())
            .find(|&j| lines[j].trim_end().ends_with('{'))
            .unwrap_or(lines.len());
        let close = (open + 1..lines.len())
            .find(|&k| {
                let l = lines[k];
                l.len() - l.trim_start().len() == indent && l[indent..].starts_with('}')
            })
            .unwrap_or(lines.len());
        out.push((name, close + 1 - i));
        i += 1;
    }
    out
}

/// Every source file under `src/` as `(path relative to src/, text)`, for
/// the source-scan tests here and in `layering`.
pub fn sources() -> Vec<(String, String)> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(&src).unwrap_or(e.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap_or_default())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_type_name_is_defined_twice_but_the_listed_ones() {
        let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (rel, text) in sources() {
            for name in type_names(&text) {
                seen.entry(name.to_string()).or_default().push(rel.clone());
            }
        }
        let twice: Vec<String> = seen
            .iter()
            .filter(|(name, files)| {
                files.len() > 1 && !DUPLICATE_TYPE_NAMES.contains(&name.as_str())
            })
            .map(|(name, files)| format!("{name}: {}", files.join(", ")))
            .collect();
        assert!(twice.is_empty(), "type names defined twice: {twice:#?}");
        let renamed: Vec<&&str> = DUPLICATE_TYPE_NAMES
            .iter()
            .filter(|n| seen.get(**n).is_none_or(|f| f.len() < 2))
            .collect();
        assert!(
            renamed.is_empty(),
            "no longer duplicated, take off the list: {renamed:?}"
        );
    }

    #[test]
    fn no_source_file_is_over_the_limit() {
        let long: Vec<String> = sources()
            .into_iter()
            .map(|(rel, text)| (rel, text.lines().count()))
            .filter(|(_, n)| *n > MAX_FILE_LINES)
            .map(|(rel, n)| format!("{rel} ({n} lines)"))
            .collect();
        assert!(
            long.is_empty(),
            "files over {MAX_FILE_LINES} lines (split by what they hold): {long:?}"
        );
    }

    #[test]
    fn no_function_is_over_the_limit_but_the_listed_ones() {
        let mut long = Vec::new();
        for (rel, text) in sources() {
            for (name, n) in functions(&text) {
                if n > MAX_FN_LINES && !LONG_FUNCTIONS.contains(&(rel.as_str(), name)) {
                    long.push(format!("{rel} `{name}` ({n} lines)"));
                }
            }
        }
        assert!(
            long.is_empty(),
            "functions over {MAX_FN_LINES} lines (split by meaning): {long:?}"
        );
    }

    /// The allowlist only shrinks: an entry whose function is gone or short
    /// is an error, so a split function cannot grow back unnoticed.
    #[test]
    fn every_allowed_long_function_is_still_long() {
        let sources = sources();
        let stale: Vec<&(&str, &str)> = LONG_FUNCTIONS
            .iter()
            .filter(|(file, name)| {
                let text = sources.iter().find(|(rel, _)| rel == file).map(|s| &s.1);
                !text.is_some_and(|t| {
                    functions(t)
                        .iter()
                        .any(|(f, n)| f == name && *n > MAX_FN_LINES)
                })
            })
            .collect();
        assert!(stale.is_empty(), "allowed but no longer long: {stale:?}");
    }

    /// The counter itself, over generated functions of every length around
    /// the limit, at several indentations (free, method, nested), with and
    /// without `pub`, and with a multi-line signature.
    #[test]
    fn functions_are_measured_from_fn_to_closing_brace() {
        for indent in [0, 4, 8] {
            let pad = " ".repeat(indent);
            for body in [0, 1, 97, 98, 99, 100, 150] {
                for (vis, sig) in [
                    ("", "fn f() {".to_string()),
                    ("pub(crate) ", "fn f() {".to_string()),
                    ("pub ", format!("fn f(\n{pad}    a: u8,\n{pad}) {{")),
                ] {
                    let mut text = format!("{pad}/// doc\n{pad}{vis}{sig}\n");
                    for i in 0..body {
                        text.push_str(&format!("{pad}    let _x{i} = {{ 1 }};\n"));
                    }
                    text.push_str(&format!("{pad}}}\n{pad}fn g();\n"));
                    let sig_lines = sig.lines().count();
                    assert_eq!(
                        functions(&text),
                        vec![("f", sig_lines + body + 1)],
                        "indent {indent}, body {body}, {vis}{sig}"
                    );
                }
            }
        }
    }
}
