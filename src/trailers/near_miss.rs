//! Near misses: heuristics on top of the port, never fed back into it —
//! lines a human would read as a sign-off but git does not count, and why.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Keys (lower case) that a gate is likely to look for; a line using one of
/// them, or carrying an `<email>`, is worth explaining when git skips it.
pub(super) const SIGNOFF_KEYS: [&str; 6] = [
    "reviewed-by",
    "approved-by",
    "signed-off-by",
    "acked-by",
    "co-authored-by",
    "tested-by",
];

/// [`SIGNOFF_KEYS`] as they are usually written, for "did you mean".
pub const SIGNOFF_SPELLINGS: [&str; 6] = [
    "Reviewed-by",
    "Approved-by",
    "Signed-off-by",
    "Acked-by",
    "Co-authored-by",
    "Tested-by",
];

/// The rule for misspelled sign-off keys: a key is a near miss of a wanted
/// key when, compared without letter case and with `_`, `.` and blanks
/// read as `-`, it is not equal to any wanted key but is within one edit
/// (an insertion, deletion, substitution, or a swap of two neighbours) of
/// one — two edits for keys of nine characters or more. `Reported-by` and
/// `Released-by` are four edits from `Reviewed-by`: never flagged.
pub fn suggest<'w>(key: &str, wanted: &[&'w str]) -> Option<&'w str> {
    let k = skeleton(key);
    if wanted.iter().any(|w| skeleton(w) == k) {
        return None;
    }
    let chars = k.chars().count();
    wanted
        .iter()
        .map(|w| (skeleton(w), *w))
        // The distance is at least the difference in length: keys far
        // longer than any wanted key cost no quadratic table.
        .filter(|(s, _)| chars.abs_diff(s.chars().count()) <= 2)
        .map(|(s, w)| (swap_distance(&k, &s), w))
        .filter(|(d, w)| *d <= if w.len() >= 9 { 2 } else { 1 })
        .min_by_key(|(d, _)| *d)
        .map(|(_, w)| w)
}

/// Edit distance where swapping two neighbouring characters is one edit
/// (optimal string alignment).
fn swap_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Trailers git counts whose key is a misspelling of one of `wanted` (see
/// [`suggest`]): each is a near miss, since it carries no sign-off.
pub fn misspelled(trailers: &[Trailer], wanted: &[&str]) -> Vec<NearMiss> {
    // A message repeats a handful of keys many times: judge each key once.
    let mut judged: std::collections::HashMap<&str, Option<String>> =
        std::collections::HashMap::new();
    trailers
        .iter()
        .filter_map(|t| {
            let w = judged
                .entry(t.key.as_str())
                .or_insert_with(|| suggest(&t.key, wanted).map(str::to_string))
                .clone()?;
            Some(NearMiss {
                line: t.line,
                text: format!("{}: {}", t.key, t.value),
                reason: format!(
                    "`{}` is not a sign-off key, so this line counts for nothing: did you mean `{w}`?",
                    t.key
                ),
            })
        })
        .collect()
}

/// Longest key-like text (in characters) considered a key, so that prose
/// ending in a colon is not mistaken for one.
pub(super) const MAX_KEY_CHARS: usize = 40;
/// Most words a key-like text may have (`Signed off by`).
pub(super) const MAX_KEY_WORDS: usize = 3;

/// Non-ASCII characters that look like, or stand in for, an ASCII character
/// of a trailer line, with their Unicode names for error messages.
/// `Some(c)`: looks like ASCII `c`; `None`: invisible.
pub(super) const LOOKALIKES: &[(char, Option<char>, &str)] = &[
    ('\u{2010}', Some('-'), "HYPHEN"),
    ('\u{2011}', Some('-'), "NON-BREAKING HYPHEN"),
    ('\u{2012}', Some('-'), "FIGURE DASH"),
    ('\u{2013}', Some('-'), "EN DASH"),
    ('\u{2014}', Some('-'), "EM DASH"),
    ('\u{2015}', Some('-'), "HORIZONTAL BAR"),
    ('\u{2043}', Some('-'), "HYPHEN BULLET"),
    ('\u{2212}', Some('-'), "MINUS SIGN"),
    ('\u{FE58}', Some('-'), "SMALL EM DASH"),
    ('\u{FE63}', Some('-'), "SMALL HYPHEN-MINUS"),
    ('\u{FF0D}', Some('-'), "FULLWIDTH HYPHEN-MINUS"),
    ('\u{FF1A}', Some(':'), "FULLWIDTH COLON"),
    ('\u{FE55}', Some(':'), "SMALL COLON"),
    (
        '\u{FE13}',
        Some(':'),
        "PRESENTATION FORM FOR VERTICAL COLON",
    ),
    ('\u{2236}', Some(':'), "RATIO"),
    ('\u{A789}', Some(':'), "MODIFIER LETTER COLON"),
    ('\u{02D0}', Some(':'), "MODIFIER LETTER TRIANGULAR COLON"),
    ('\u{0589}', Some(':'), "ARMENIAN FULL STOP"),
    ('\u{00A0}', Some(' '), "NO-BREAK SPACE"),
    ('\u{2007}', Some(' '), "FIGURE SPACE"),
    ('\u{202F}', Some(' '), "NARROW NO-BREAK SPACE"),
    ('\u{3000}', Some(' '), "IDEOGRAPHIC SPACE"),
    ('\u{200B}', None, "ZERO WIDTH SPACE"),
    ('\u{200C}', None, "ZERO WIDTH NON-JOINER"),
    ('\u{200D}', None, "ZERO WIDTH JOINER"),
    ('\u{2060}', None, "WORD JOINER"),
    ('\u{FEFF}', None, "ZERO WIDTH NO-BREAK SPACE"),
    ('\u{00AD}', None, "SOFT HYPHEN"),
    ('\u{0430}', Some('a'), "CYRILLIC SMALL LETTER A"),
    ('\u{0435}', Some('e'), "CYRILLIC SMALL LETTER IE"),
    ('\u{043E}', Some('o'), "CYRILLIC SMALL LETTER O"),
    ('\u{0440}', Some('p'), "CYRILLIC SMALL LETTER ER"),
    ('\u{0441}', Some('c'), "CYRILLIC SMALL LETTER ES"),
    ('\u{0443}', Some('y'), "CYRILLIC SMALL LETTER U"),
    ('\u{0445}', Some('x'), "CYRILLIC SMALL LETTER HA"),
    ('\u{0455}', Some('s'), "CYRILLIC SMALL LETTER DZE"),
    (
        '\u{0456}',
        Some('i'),
        "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I",
    ),
    ('\u{0458}', Some('j'), "CYRILLIC SMALL LETTER JE"),
    ('\u{04BB}', Some('h'), "CYRILLIC SMALL LETTER SHHA"),
    ('\u{0501}', Some('d'), "CYRILLIC SMALL LETTER KOMI DE"),
    ('\u{051D}', Some('w'), "CYRILLIC SMALL LETTER WE"),
    ('\u{0410}', Some('A'), "CYRILLIC CAPITAL LETTER A"),
    ('\u{0412}', Some('B'), "CYRILLIC CAPITAL LETTER VE"),
    ('\u{0415}', Some('E'), "CYRILLIC CAPITAL LETTER IE"),
    ('\u{041A}', Some('K'), "CYRILLIC CAPITAL LETTER KA"),
    ('\u{041C}', Some('M'), "CYRILLIC CAPITAL LETTER EM"),
    ('\u{041D}', Some('H'), "CYRILLIC CAPITAL LETTER EN"),
    ('\u{041E}', Some('O'), "CYRILLIC CAPITAL LETTER O"),
    ('\u{0420}', Some('P'), "CYRILLIC CAPITAL LETTER ER"),
    ('\u{0421}', Some('C'), "CYRILLIC CAPITAL LETTER ES"),
    ('\u{0422}', Some('T'), "CYRILLIC CAPITAL LETTER TE"),
    ('\u{0425}', Some('X'), "CYRILLIC CAPITAL LETTER HA"),
    ('\u{0405}', Some('S'), "CYRILLIC CAPITAL LETTER DZE"),
    (
        '\u{0406}',
        Some('I'),
        "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I",
    ),
    ('\u{0408}', Some('J'), "CYRILLIC CAPITAL LETTER JE"),
    ('\u{03B1}', Some('a'), "GREEK SMALL LETTER ALPHA"),
    ('\u{03B5}', Some('e'), "GREEK SMALL LETTER EPSILON"),
    ('\u{03B9}', Some('i'), "GREEK SMALL LETTER IOTA"),
    ('\u{03BD}', Some('v'), "GREEK SMALL LETTER NU"),
    ('\u{03BF}', Some('o'), "GREEK SMALL LETTER OMICRON"),
    ('\u{03C1}', Some('p'), "GREEK SMALL LETTER RHO"),
    ('\u{03C5}', Some('u'), "GREEK SMALL LETTER UPSILON"),
    ('\u{0391}', Some('A'), "GREEK CAPITAL LETTER ALPHA"),
    ('\u{0392}', Some('B'), "GREEK CAPITAL LETTER BETA"),
    ('\u{0395}', Some('E'), "GREEK CAPITAL LETTER EPSILON"),
    ('\u{0396}', Some('Z'), "GREEK CAPITAL LETTER ZETA"),
    ('\u{0397}', Some('H'), "GREEK CAPITAL LETTER ETA"),
    ('\u{0399}', Some('I'), "GREEK CAPITAL LETTER IOTA"),
    ('\u{039A}', Some('K'), "GREEK CAPITAL LETTER KAPPA"),
    ('\u{039C}', Some('M'), "GREEK CAPITAL LETTER MU"),
    ('\u{039D}', Some('N'), "GREEK CAPITAL LETTER NU"),
    ('\u{039F}', Some('O'), "GREEK CAPITAL LETTER OMICRON"),
    ('\u{03A1}', Some('P'), "GREEK CAPITAL LETTER RHO"),
    ('\u{03A4}', Some('T'), "GREEK CAPITAL LETTER TAU"),
    ('\u{03A5}', Some('Y'), "GREEK CAPITAL LETTER UPSILON"),
    ('\u{03A7}', Some('X'), "GREEK CAPITAL LETTER CHI"),
    ('\u{0131}', Some('i'), "LATIN SMALL LETTER DOTLESS I"),
    ('\u{0261}', Some('g'), "LATIN SMALL LETTER SCRIPT G"),
];

/// How a non-ASCII character can pass for part of an ASCII trailer line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Disguise {
    /// Looks like (or, for blanks, acts like) this ASCII character.
    As(char),
    /// Renders as nothing.
    Invisible,
}

/// Table entries, plus the fullwidth forms U+FF01..U+FF5E of printable ASCII.
pub(super) fn disguise(ch: char) -> Option<Disguise> {
    if let Some(&(_, ascii, _)) = LOOKALIKES.iter().find(|(c, _, _)| *c == ch) {
        return Some(ascii.map_or(Disguise::Invisible, Disguise::As));
    }
    ('\u{FF01}'..='\u{FF5E}')
        .contains(&ch)
        .then(|| char::from_u32(ch as u32 - 0xFEE0))
        .flatten()
        .map(Disguise::As)
}

/// `U+2010 HYPHEN`, or `U+00E9 'é'` when the name is not in the table.
pub(super) fn describe(ch: char) -> String {
    let code = format!("U+{:04X}", ch as u32);
    match LOOKALIKES.iter().find(|(c, _, _)| *c == ch) {
        Some((_, _, name)) => format!("{code} {name}"),
        None if ('\u{FF01}'..='\u{FF5E}').contains(&ch) => format!("{code} FULLWIDTH '{ch}'"),
        None => format!("{code} '{ch}'"),
    }
}

pub(super) fn is_colon_like(ch: char) -> bool {
    ch == ':' || disguise(ch) == Some(Disguise::As(':'))
}

/// Characters a human may type, or not notice, in a key: letters and
/// digits of any script, blanks, dashes, `_`, `.` and invisible characters.
pub(super) fn is_keyish(ch: char) -> bool {
    ch.is_alphanumeric()
        || ch.is_whitespace()
        || matches!(ch, '-' | '_' | '.')
        || matches!(disguise(ch), Some(Disguise::As('-') | Disguise::Invisible))
}

/// Canonical spelling used to compare keys loosely: look-alikes mapped to
/// ASCII, separators (`_`, `.`, blanks, dashes) turned into one `-`,
/// invisible characters dropped, lower case.
pub(super) fn skeleton(key: &str) -> String {
    let mut out = String::new();
    for ch in key.chars() {
        let ch = match disguise(ch) {
            Some(Disguise::Invisible) => continue,
            Some(Disguise::As(ascii)) => ascii,
            None => ch,
        };
        if ch.is_whitespace() || matches!(ch, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}

pub(super) fn is_signoff_key(key: &str) -> bool {
    SIGNOFF_KEYS.contains(&skeleton(key).as_str())
}

/// True if `text` contains `<local@domain>` with no blanks inside.
pub(super) fn has_email(text: &str) -> bool {
    text.split('<').skip(1).any(|rest| {
        rest.split_once('>').is_some_and(|(inner, _)| {
            inner
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
                && !inner.chars().any(char::is_whitespace)
        })
    })
}

/// A line that a human reads as `Key: value` (possibly with look-alike
/// characters, or missing its colon).
#[derive(Debug)]
pub(super) struct Candidate<'a> {
    key: &'a str,
    /// The separator character; `None` when a sign-off key is followed by
    /// its value without any colon.
    separator: Option<char>,
}

impl<'a> Candidate<'a> {
    /// Reads `line` (indentation and comment markers already removed) as a
    /// candidate, keeping only those of interest: a sign-off key, or any
    /// key-like text followed by a value containing an `<email>`.
    fn of_interest(line: &'a str) -> Option<Self> {
        let colon = line
            .char_indices()
            .find(|&(_, ch)| is_colon_like(ch) || !is_keyish(ch))
            .filter(|&(_, ch)| is_colon_like(ch));
        if let Some((at, ch)) = colon {
            let key = line[..at].trim_end();
            let value = &line[at + ch.len_utf8()..];
            let key_like = key
                .chars()
                .find(|&ch| disguise(ch) != Some(Disguise::Invisible))
                .is_some_and(char::is_alphanumeric)
                && key.chars().count() <= MAX_KEY_CHARS
                && key.split_whitespace().count() <= MAX_KEY_WORDS;
            return (key_like && (is_signoff_key(key) || has_email(value))).then_some(Candidate {
                key,
                separator: Some(ch),
            });
        }
        // `Reviewed-by Alice <a@x>` / `Signed off by Bob <b@x>`: the longest
        // run of up to three words that spells a sign-off key.
        let mut word_end = None;
        let mut key = None;
        for _ in 0..MAX_KEY_WORDS {
            let from = word_end.unwrap_or(0);
            let rest = &line[from..];
            let start = from + (rest.len() - rest.trim_start().len());
            let end = line[start..]
                .find(char::is_whitespace)
                .map_or(line.len(), |i| start + i);
            if start == end {
                break;
            }
            word_end = Some(end);
            if is_signoff_key(&line[..end]) {
                key = Some(&line[..end]);
            }
        }
        let key = key?;
        has_email(&line[key.len()..]).then_some(Candidate {
            key,
            separator: None,
        })
    }

    /// Why git's grammar rejects this key or separator, if it does, with
    /// the sign-off key it was probably meant to be.
    fn defect(&self) -> Option<String> {
        let why = self.grammar()?;
        let meant = SIGNOFF_SPELLINGS
            .iter()
            .find(|w| skeleton(w) == skeleton(self.key))
            .copied()
            .or_else(|| suggest(self.key, &SIGNOFF_SPELLINGS));
        Some(match meant {
            Some(w) => format!("{why}: did you mean `{w}`?"),
            None => why,
        })
    }

    fn grammar(&self) -> Option<String> {
        let Some(separator) = self.separator else {
            return Some(format!(
                "no ':' after `{}`, so git does not read it as a trailer",
                self.key
            ));
        };
        let allowed = "only ASCII letters, digits and '-'";
        for ch in self.key.chars() {
            if ch.is_ascii_alphanumeric() || ch == '-' {
                continue;
            }
            return Some(match disguise(ch) {
                _ if ch.is_whitespace() => format!(
                    "key `{}` contains a blank ({}); git does not allow blanks inside a trailer key ({allowed})",
                    self.key,
                    if ch.is_ascii() {
                        "a space".to_owned()
                    } else {
                        describe(ch)
                    }
                ),
                _ if ch.is_ascii() => {
                    format!(
                        "key contains '{ch}', which git does not allow in a trailer key ({allowed})"
                    )
                }
                Some(Disguise::As(ascii)) => {
                    format!("key contains {}, not an ASCII '{ascii}'", describe(ch))
                }
                Some(Disguise::Invisible) => format!("key contains an invisible {}", describe(ch)),
                None => format!(
                    "key contains {}, which git does not allow in a trailer key ({allowed})",
                    describe(ch)
                ),
            });
        }
        (separator != ':')
            .then(|| format!("separator is {}, not an ASCII ':'", describe(separator)))
    }
}

pub(super) struct NearMissFinder<'l, 'a> {
    pub(super) layout: &'l MessageLayout<'a>,
    pub(super) lines: &'l LineIndex<'a>,
    pub(super) mode: Mode,
}

impl NearMissFinder<'_, '_> {
    pub(super) fn find(&self) -> Vec<NearMiss> {
        self.lines
            .parsed_lines()
            .filter(|&(pos, _, _)| !self.layout.is_trailer_start(pos))
            .filter_map(|(pos, line, text)| {
                self.reason(pos, text).map(|reason| NearMiss {
                    line,
                    text: text.to_owned(),
                    reason,
                })
            })
            .collect()
    }

    /// Why the line at `pos` looks like a sign-off that git does not count,
    /// or `None` if it does not look like one (or git counts it).
    fn reason(&self, pos: usize, text: &str) -> Option<String> {
        let layout = self.layout;
        if layout.cutoff < layout.buf.len() && pos >= layout.cutoff {
            // Below the scissors line usually comes `git commit -v`'s diff,
            // so also look through diff markers (`+Reviewed-by: ...`).
            let stripped = text
                .trim_start_matches(|c: char| matches!(c, '+' | '-' | '#') || c.is_whitespace());
            Candidate::of_interest(stripped)?;
            return Some(format!(
                "below the scissors line (line {}): git ignores everything after it",
                self.lines.line_of(layout.cutoff)
            ));
        }
        if let Some(rest) = text.strip_prefix('#') {
            Candidate::of_interest(rest.trim_start_matches('#').trim_start())?;
            return Some(match self.mode {
                Mode::MessageFile => "comment line: git ignores lines starting with '#', and `git commit` strips them from the message",
                Mode::CommitObject => "comment line: git's trailer parser skips lines starting with '#'",
            }.to_owned());
        }
        let unindented = text.trim_start();
        if pos >= layout.end {
            // The only other lines git drops at the end are an old-style
            // `Conflicts:` block and its tab-indented paths.
            Candidate::of_interest(unindented)?;
            return Some("in a trailing `Conflicts:` block, which git ignores".to_owned());
        }
        if unindented.len() < text.len() {
            return self.indented_reason(pos, text, unindented);
        }
        let candidate = Candidate::of_interest(text)?;
        if find_separator(&layout.buf[pos..]).is_none() {
            return candidate.defect();
        }
        self.position_reason(pos)
    }

    fn indented_reason(&self, pos: usize, text: &str, unindented: &str) -> Option<String> {
        let first = text.chars().next()?;
        if !first.is_ascii() {
            Candidate::of_interest(unindented)?;
            return Some(format!(
                "starts with {}: a trailer must start at the beginning of the line",
                describe(first)
            ));
        }
        if let Some(item) = self.layout.folding_item(pos) {
            // A continuation line that names someone hides a second sign-off
            // inside the first one's value, even without a key of its own.
            if Candidate::of_interest(unindented).is_none() && !has_email(unindented) {
                return None;
            }
            let key = utf8(trim(
                &self.layout.buf[item.start..item.start + item.separator?],
            ));
            return Some(format!(
                "indented: git folds it into the value of the `{key}` trailer on line {}",
                self.lines.line_of(item.start)
            ));
        }
        Candidate::of_interest(unindented)?;
        Some("indented: a trailer must start at the beginning of the line, so git does not read it as one".to_owned())
    }

    /// Reason for a line that has git's trailer shape but is not in the
    /// trailer block.
    fn position_reason(&self, pos: usize) -> Option<String> {
        let layout = self.layout;
        let scan = &layout.scan;
        if pos < layout.title_end {
            return Some(
                "in the subject paragraph: git never reads trailers from a message's first paragraph"
                    .to_owned(),
            );
        }
        if let Some(start) = scan.block_start {
            return (pos < start).then(|| {
                format!(
                    "not in the last paragraph: a blank line separates it from the trailer block, which starts on line {}",
                    self.lines.line_of(start)
                )
            });
        }
        let paragraph = scan.paragraph_start?;
        if pos < paragraph {
            return Some(format!(
                "not in the last paragraph: a blank line separates it from the last paragraph (line {}), the only one git reads trailers from",
                self.lines.line_of(paragraph)
            ));
        }
        Some(self.rejected_block_reason(paragraph))
    }

    /// Why the last paragraph, starting at `paragraph`, is not a trailer block.
    fn rejected_block_reason(&self, paragraph: usize) -> String {
        let scan = &self.layout.scan;
        let lines = scan.trailer_lines + scan.non_trailer_lines;
        let mut reason = if scan.recognized_prefix {
            format!(
                "the last paragraph is mostly prose ({} of {lines} lines are trailers, below git's 25% minimum), so git reads no trailer block",
                scan.trailer_lines
            )
        } else {
            format!(
                "the last paragraph is prose ({} of {lines} lines are trailers and none is git-generated), so git reads no trailer block",
                scan.trailer_lines
            )
        };
        for (pos, line, text) in self.lines.parsed_lines() {
            if pos < paragraph || pos >= self.layout.end {
                continue;
            }
            let lower = text.to_ascii_lowercase();
            if !scan.recognized_prefix && lower.starts_with("signed-off-by:") {
                let _ = write!(
                    reason,
                    "; line {line} does not count as git-generated because git only recognises the exact prefix `Signed-off-by: `"
                );
            }
            let is_divider = text
                .strip_prefix("---")
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
            if is_divider {
                let _ = write!(
                    reason,
                    "; the `---` on line {line} is prose to git here (only `git interpret-trailers` without --no-divider stops there)"
                );
            }
        }
        reason
    }
}
