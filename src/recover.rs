//! What a file that fails to parse still holds, for learning its secrets:
//! the text parsed again after small edits where each parse error points.
//! Nothing recovered is compared or printed.

use std::path::Path;

use crate::env::{EnvFile, Environment, Origin};
use crate::formats::{self, Format, Limits, ParseError};
use crate::load::read_limited;
use crate::model::document::{self, Doc};
use crate::model::node::Document;

/// How many edits [`recovered`] makes to a text before it gives up.
const RECOVERY_ROUNDS: usize = 16;

/// The largest text [`recovered`] edits and parses again: up to three
/// parses an edit, so a larger broken file keeps the text rules alone.
const RECOVERY_MAX_BYTES: usize = 256 << 10;

/// Bytes [`recovered`] may parse in one run, over every file: thirty broken
/// files of 300 KB once cost 27 s against 5 s without recovery
/// (adversarial review 4).
static RECOVERY_BUDGET: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(32 << 20);

/// The documents of a file that fails to parse, read from what is left
/// after small edits where each parse error points ([`repairs`]). Used only
/// to learn the file's secrets for masking, each value by its own key (the
/// comparison's `learn_unwalked`); nothing recovered is compared or
/// printed.
///
/// Rule: a parse error names where the text stops making sense, and the
/// lines around it are still config. Their secrets are in shapes only a
/// parser reads (block scalars, flow maps, name/value pairs, a value after
/// a comment line), so the line rules of [`crate::secrets::Masker::learn_text`] alone
/// missed them and another file printed them (adversarial review
/// `review-learnt/01`).
pub fn recovered(env: &Environment, file: &EnvFile, limits: &Limits) -> Vec<Recovered> {
    if file.format == Format::Text || file.refused.is_some() {
        return Vec::new();
    }
    let paths: Vec<&Path> = match &file.origin {
        Origin::Path(p) => vec![p.as_path()],
        Origin::Layers(parts) => parts.iter().map(|(_, p)| p.as_path()).collect(),
        Origin::Rendered(_) => Vec::new(),
    };
    let mut out = Vec::new();
    for p in paths {
        let Ok(bytes) = read_limited(p, limits) else {
            continue;
        };
        let Ok(text) = formats::decode(&bytes, limits) else {
            continue;
        };
        if text.len() > RECOVERY_MAX_BYTES {
            continue;
        }
        if let Some((mut docs, intact)) = parse_recovering(file.format, text, limits) {
            if file.format == Format::Yaml {
                docs.iter_mut()
                    .for_each(|d| crate::model::lists::normalise(&mut d.root));
            }
            out.extend(
                document::documents(docs, &file.key, &file.display, &env.ids)
                    .into_iter()
                    .map(|doc| Recovered { doc, intact }),
            );
        }
    }
    out
}

/// A document [`recovered`] read.
pub struct Recovered {
    /// The document.
    pub doc: Doc,
    /// Whether only commas were dropped to read it: every line is where the
    /// file put it, so a value's section is evidence of its secrecy (a
    /// blanked or cut line can move the lines after it into another one).
    pub intact: bool,
}

/// One parse of [`recovered`]'s, charged to the run's budget (`None` once
/// it is spent).
fn budgeted_parse(
    format: Format,
    text: &str,
    limits: &Limits,
) -> Option<Result<Vec<Document>, ParseError>> {
    use std::sync::atomic::Ordering;
    RECOVERY_BUDGET
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(text.len())
        })
        .ok()?;
    Some(formats::parse(format, text, limits))
}

/// [`recovered`]'s search over one text. Each round tries the in-place
/// [`repairs`] of the current error, smallest first, and keeps the first
/// that parses or moves the error to a later line (dropping a trailing
/// comma loses nothing, blanking a line loses the line: `{"env": [{…
/// "value": "s3cret"},],` blanked parsed as an empty map), else the one
/// that moves it furthest on. Cutting the text before the error is the
/// last resort of a round, and of the search: it parses at once and drops
/// everything after it.
fn parse_recovering(format: Format, text: &str, limits: &Limits) -> Option<(Vec<Document>, bool)> {
    let position = |e: &ParseError| (e.line, e.col.unwrap_or(0));
    let mut text = text.to_string();
    let mut intact = true;
    let mut e = match budgeted_parse(format, &text, limits)? {
        Ok(docs) => return Some((docs, intact)),
        Err(e) => e,
    };
    'rounds: for _ in 0..RECOVERY_ROUNDS {
        let at = position(&e);
        let (edits, cut) = repairs(&text, &e)?;
        let mut moved: Option<(String, ParseError, bool)> = None;
        for (candidate, keeps) in edits {
            match budgeted_parse(format, &candidate, limits)? {
                Ok(docs) => return Some((docs, intact && keeps)),
                Err(next) if next.line > e.line => {
                    (text, e) = (candidate, next);
                    intact &= keeps;
                    continue 'rounds;
                }
                Err(next) if position(&next) > at => {
                    if moved
                        .as_ref()
                        .is_none_or(|(_, m, _)| position(&next) > position(m))
                    {
                        moved = Some((candidate, next, keeps));
                    }
                }
                Err(_) => {}
            }
        }
        (text, e) = match moved {
            Some((candidate, next, keeps)) => {
                intact &= keeps;
                (candidate, next)
            }
            None => match budgeted_parse(format, &cut, limits)? {
                Ok(docs) => return Some((docs, false)),
                Err(next) if position(&next) != at => {
                    intact = false;
                    (cut, next)
                }
                Err(_) => return None,
            },
        };
    }
    let (_, cut) = repairs(&text, &e)?;
    budgeted_parse(format, &cut, limits)?
        .ok()
        .map(|docs| (docs, false))
}

/// The edits tried where a parse error points, smallest first: the
/// punctuation just before its column dropped, looking back over blank
/// space to earlier lines (a trailing comma, `},` before `]`), and its line
/// blanked (a duplicate key, a broken escape, a template line); and apart,
/// the text cut before its line (an unclosed block at the end).
/// Each edit says whether it keeps every line where it was (a dropped comma).
fn repairs(text: &str, e: &ParseError) -> Option<(Vec<(String, bool)>, String)> {
    let at = e.line as usize;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if at == 0 || at > lines.len() {
        return None;
    }
    let start: usize = lines[..at - 1].iter().map(|l| l.len()).sum();
    let mut edits = Vec::new();
    if let Some(col) = e.col {
        let line = lines[at - 1];
        let in_line = line
            .char_indices()
            .nth((col as usize).saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        let before = text[..start + in_line]
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_whitespace());
        if let Some((i, c)) = before.filter(|(_, c)| c.is_ascii_punctuation()) {
            let edited = format!("{}{}", &text[..i], &text[i + c.len_utf8()..]);
            edits.push((edited, c == ','));
        }
    }
    let end = start + lines[at - 1].len();
    edits.push((format!("{}\n{}", &text[..start], &text[end..]), false));
    Some((edits, text[..start].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each shape parses after the edits, and holds its value.
    #[test]
    fn broken_files_parse_after_small_edits() {
        let cases: &[(Format, &str)] = &[
            (Format::Yaml, "password: |\n  s3cret\nzz: 1\nzz: 2\n"),
            (
                Format::Yaml,
                "{{- if .Values.db }}\nenv:\n  - {name: DB_PASSWORD, value: s3cret}\n{{- end }}\n",
            ),
            (Format::Json, "{\"env\": [{\"value\": \"s3cret\"}], }\n"),
            (
                Format::Json,
                "{\n  \"env\": [{\"name\": \"DB_PASSWORD\", \"value\": \"s3cret\"},],\n}\n",
            ),
            (Format::Json, "{\"passwords\": [\n  \"s3cret\"\n], }\n"),
            (Format::Toml, "password = \"s3cret\"\nx = \n"),
            (Format::Hcl, "password = \"s3cret\"\nx = {\n"),
            (Format::Properties, "db.password=s3cret\nx=\\u12\n"),
        ];
        for (format, text) in cases {
            let docs = parse_recovering(*format, text, &Limits::default());
            let (docs, _) = docs.unwrap_or_else(|| panic!("{format:?} not recovered: {text}"));
            assert!(format!("{docs:?}").contains("s3cret"), "{text}: {docs:?}");
        }
    }

    /// Past its rounds the search keeps what precedes the error it stopped
    /// at: 200 duplicate keys end with the first 17 values.
    #[test]
    fn the_search_ends_with_what_precedes_its_last_error() {
        let many: String = (0..200)
            .map(|i| format!("zz: {i}\nv{i}: s3cret{i}\n"))
            .collect();
        let (docs, intact) =
            parse_recovering(Format::Yaml, &many, &Limits::default()).expect("a prefix");
        assert!(!intact);
        let text = format!("{docs:?}");
        assert!(
            text.contains("s3cret0") && text.contains("s3cret16"),
            "{text}"
        );
        assert!(!text.contains("s3cret17\""), "{text}");
    }
}
