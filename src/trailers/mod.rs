//! Native, hermetic port of git's commit-message trailer parser.
//!
//! This mirrors git 2.47's `trailer.c` (`find_end_of_log_message`,
//! `find_trailer_block_start`, `find_separator`, `parse_trailer`,
//! `unfold_value`), `commit.c` (`ignored_log_message_bytes`) and
//! `wt-status.c` (`wt_status_locate_end`) exactly as git applies them with
//! **no** user configuration: no `trailer.*` aliases, `:` as the only
//! separator and `#` as the comment string. Parsing with the user's config
//! would let `trailer.<alias>.key` rewrite keys and `trailer.separators` or
//! `core.commentChar` change which lines count, so a gate must not do that.
//!
//! The port works on bytes, like git, because git's character classes are
//! ASCII-only (`isalnum`, and `isspace` = space, `\t`, `\n`, `\r`; *not* `\v`
//! or `\f`). Every place we cut the message is an ASCII byte, so the pieces
//! are valid UTF-8 again.
//!
//! Besides the trailers git reads, [`parse`] reports *near misses*: lines a
//! human would read as a sign-off but git does not count, with the reason.
//!
//! git behaviour worth knowing (all checked against git 2.47.3):
//!
//! - `%(trailers)` on a stored commit drops the same tail as
//!   `interpret-trailers` does for a file: trailing `#` lines, everything
//!   from a scissors line on, and a trailing `Conflicts:` block. The two
//!   [`Mode`]s differ only in leading blank lines and a missing final newline.
//! - `Key : value` and `Key\t: value` are trailers; the key is output
//!   without the blanks. `_`, `.`, inner spaces and any non-ASCII byte end
//!   the key, and the line is then prose.
//! - Only the exact prefixes `Signed-off-by: ` and `(cherry picked from
//!   commit ` enable the "25% trailers" rule; `signed-off-by:` does not.
//! - A URL line (`https://...`) is a trailer with key `https`.
//! - CRLF: `\r` is trimmed from keys and values, but the `\r` before a
//!   folded continuation line stays inside the value (`b\r c`). A CRLF blank
//!   line ends a paragraph but is not dropped from the tail, and a scissors
//!   line ending in CRLF is an ordinary comment.
//! - A message file is checked *before* `git commit` cleans it up (strips
//!   every comment line and leading blank lines), so in rare cases the
//!   stored commit's trailers differ from the file's; check stored commits
//!   with [`Mode::CommitObject`].

use std::fmt::Write as _;

/// Which git code path produced the message, since the two differ slightly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A stored commit's message, as `git log --format=%(trailers:only,unfold)`
    /// reads it. git's pretty-printer skips leading blank (whitespace-only)
    /// lines before handing the message to the trailer parser, so a message
    /// starting with a blank line still has its first text paragraph treated
    /// as the subject.
    CommitObject,
    /// A message file (what a commit-msg hook receives), as
    /// `git interpret-trailers --parse --no-divider` reads it: leading blank
    /// lines are *not* skipped, so a first paragraph after a leading blank
    /// line can be the trailer block; and a missing final newline is added
    /// first, which matters for a last line such as `Conflicts:`.
    MessageFile,
}

/// One trailer git counts, with the key as written and the unfolded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// The key as written (whitespace before the `:` removed), e.g. `Reviewed-by`.
    pub key: String,
    /// The value, trimmed, with continuation lines joined by a single space.
    pub value: String,
    /// 1-based line number in the input where the trailer starts.
    pub line: usize,
}

/// A line that looks like a sign-off to a human but that git does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// 1-based line number in the input.
    pub line: usize,
    /// The line as written, without its line terminator.
    pub text: String,
    /// Plain-English explanation of why git does not count it.
    pub reason: String,
}

/// The result of [`parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailerBlock {
    /// The trailers git counts, in message order.
    pub trailers: Vec<Trailer>,
    /// Sign-off-looking lines that git does not count, in message order.
    pub near_misses: Vec<NearMiss>,
}

/// Parses `message` the way git does with no user configuration.
///
/// The trailers equal the output of `git interpret-trailers --parse
/// --no-divider` ([`Mode::MessageFile`]) or of
/// `git log --format=%(trailers:only,unfold)` ([`Mode::CommitObject`]).
/// Like git, which handles the message as a C string, everything from the
/// first NUL byte on is ignored.
pub fn parse(message: &str, mode: Mode) -> TrailerBlock {
    analyse(message, mode, true)
}

/// The trailers alone, without looking for near misses (an audit of a long
/// history needs only these).
pub fn trailers_only(message: &str, mode: Mode) -> Vec<Trailer> {
    analyse(message, mode, false).trailers
}

fn analyse(message: &str, mode: Mode, explain: bool) -> TrailerBlock {
    let text = message.find('\0').map_or(message, |nul| &message[..nul]);
    // `interpret-trailers` completes an unterminated last line of its input
    // (`strbuf_complete_line`) before parsing. That is done to the whole
    // input, so it cannot reach a message already cut short by a NUL.
    let completed;
    let text = if mode == Mode::MessageFile
        && text.len() == message.len()
        && !text.is_empty()
        && !text.ends_with('\n')
    {
        completed = format!("{text}\n");
        completed.as_str()
    } else {
        text
    };
    let base = match mode {
        Mode::CommitObject => skip_blank_lines(text.as_bytes()),
        Mode::MessageFile => 0,
    };
    let layout = MessageLayout::analyse(&text.as_bytes()[base..]);
    let lines = LineIndex::new(text, base);
    let trailers = layout.trailers(&lines);
    let near_misses = if explain {
        NearMissFinder {
            layout: &layout,
            lines: &lines,
            mode,
        }
        .find()
    } else {
        Vec::new()
    };
    let mut near_misses = near_misses;
    if explain {
        near_misses.extend(misspelled(&trailers, &SIGNOFF_SPELLINGS));
        near_misses.sort_by_key(|n| n.line);
    }
    TrailerBlock {
        trailers,
        near_misses,
    }
}

/// True if `key` equals `wanted` case-insensitively (ASCII), the way git
/// compares trailer keys (`%(trailers:key=...)` uses an exact-length
/// `strncasecmp`).
pub fn key_matches(key: &str, wanted: &str) -> bool {
    key.eq_ignore_ascii_case(wanted)
}

// ---------------------------------------------------------------------------
// The git port. Names follow trailer.c so the two can be read side by side.
// Offsets are byte offsets into the message (after the CommitObject skip).
// ---------------------------------------------------------------------------

/// git's `comment_line_str` default. It is config-dependent in git; a
/// hermetic parse fixes it.
const COMMENT: u8 = b'#';

/// `"\n" + comment_line_str + " " + cut_line` from `wt_status_locate_end`.
const SCISSORS: &[u8] = b"\n# ------------------------ >8 ------------------------\n";

/// trailer.c `git_generated_prefixes`: case-sensitive, including the space.
const GIT_GENERATED_PREFIXES: [&[u8]; 2] = [b"Signed-off-by: ", b"(cherry picked from commit "];

/// git's `isspace` (git-compat-util.h `sane_ctype`): no `\v`, no `\f`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Offset of the line after the one containing `pos` (or the end).
fn next_line(buf: &[u8], pos: usize) -> usize {
    buf[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(buf.len(), |i| pos + i + 1)
}

/// trailer.c `is_blank_line`: only git-whitespace up to the newline.
fn is_blank_line(buf: &[u8], pos: usize) -> bool {
    buf[pos..]
        .iter()
        .take_while(|&&b| b != b'\n')
        .all(|&b| is_space(b))
}

/// trailer.c `last_line`: start of the last line of `buf[..len]`, where a
/// final newline belongs to that line.
fn last_line(buf: &[u8], len: usize) -> Option<usize> {
    match len {
        0 => None,
        1 => Some(0),
        _ => Some(
            buf[..len - 1]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1),
        ),
    }
}

/// trailer.c `find_separator` with separators = ":". Returns the separator's
/// offset when the line is `<token><optional blanks>:`, token being one or
/// more of `[A-Za-z0-9-]`. git returns 0 for a line starting with `:`, which
/// every caller treats like "no separator", so that is folded into `None`.
/// The scan stops at the first disallowed byte, so passing the rest of the
/// buffer is the same as passing one line (`\n` is disallowed).
fn find_separator(line: &[u8]) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, &c) in line.iter().enumerate() {
        if c == b':' {
            return (i >= 1).then_some(i);
        }
        if !whitespace_found && (c.is_ascii_alphanumeric() || c == b'-') {
            continue;
        }
        if i != 0 && (c == b' ' || c == b'\t') {
            whitespace_found = true;
            continue;
        }
        break;
    }
    None
}

/// pretty.c `skip_blank_lines`, applied by `%(trailers)` before parsing:
/// returns the offset of the first line that is not whitespace-only.
fn skip_blank_lines(buf: &[u8]) -> usize {
    let mut pos = 0;
    while pos < buf.len() {
        let next = next_line(buf, pos);
        if !buf[pos..next].iter().all(|&b| is_space(b)) {
            break;
        }
        pos = next;
    }
    pos
}

/// wt-status.c `wt_status_locate_end`: offset of the scissors line (which
/// must end in `\n`, so a CRLF scissors line does not count), or the length.
fn scissors_cutoff(buf: &[u8]) -> usize {
    if buf.starts_with(&SCISSORS[1..]) {
        return 0;
    }
    buf.windows(SCISSORS.len())
        .position(|w| w == SCISSORS)
        .map_or(buf.len(), |p| p + 1)
}

/// commit.c `ignored_log_message_bytes`, expressed as the offset where the
/// log message ends: drops the scissors part, then a trailing run of comment
/// lines, empty lines (exactly `\n`: a CRLF blank line is *not* empty here)
/// and old-style `Conflicts:` blocks with tab-indented paths.
fn end_of_log_message(buf: &[u8], cutoff: usize) -> usize {
    // `boc` ("beginning of comments") uses 0 as "unset", exactly like git,
    // so a run starting on the first line is taken to start on its second
    // ignorable line. That never changes the trailers (the first line is the
    // title either way); it is kept so the code reads like git's.
    let mut boc = 0;
    let mut bol = 0;
    let mut in_old_conflicts_block = false;
    while bol < cutoff {
        let next = next_line(buf, bol);
        let in_conflicts_path = in_old_conflicts_block && buf[bol] == b'\t';
        if buf[bol] == COMMENT || buf[bol] == b'\n' {
            if boc == 0 {
                boc = bol;
            }
        } else if buf[bol..].starts_with(b"Conflicts:\n") {
            in_old_conflicts_block = true;
            if boc == 0 {
                boc = bol;
            }
        } else if !in_conflicts_path && boc != 0 {
            boc = 0;
            in_old_conflicts_block = false;
        }
        bol = next;
    }
    if boc != 0 { boc } else { cutoff }
}

/// End of the title paragraph (trailer.c `find_trailer_block_start`, first
/// loop): the first blank line. The title can never be trailers. (git also
/// skips comment lines there, which changes nothing: they are never blank.)
fn end_of_title(buf: &[u8], len: usize) -> usize {
    let mut pos = 0;
    while pos < len && !is_blank_line(buf, pos) {
        pos = next_line(buf, pos);
    }
    pos
}

/// What the backward scan of trailer.c `find_trailer_block_start` found.
#[derive(Debug, Clone, Copy, Default)]
struct BlockScan {
    /// Start of the accepted trailer block.
    block_start: Option<usize>,
    /// Start of the last paragraph, i.e. the line after the blank line where
    /// the scan stopped. `None` when the body is empty.
    paragraph_start: Option<usize>,
    trailer_lines: usize,
    non_trailer_lines: usize,
    recognized_prefix: bool,
}

/// trailer.c `find_trailer_block_start`, second loop: walk up from the end
/// to the first blank line above some text, counting trailer lines, lines
/// that are not trailers, and indented lines (continuations of the trailer
/// above them, or non-trailers if no trailer is above them).
fn scan_last_paragraph(buf: &[u8], len: usize, title_end: usize) -> BlockScan {
    let mut scan = BlockScan::default();
    let mut only_spaces = true;
    let mut possible_continuation_lines = 0;
    let mut cursor = last_line(buf, len);
    while let Some(bol) = cursor.filter(|&bol| bol >= title_end) {
        cursor = last_line(buf, bol);
        if buf[bol] == COMMENT {
            scan.non_trailer_lines += possible_continuation_lines;
            possible_continuation_lines = 0;
            continue;
        }
        if is_blank_line(buf, bol) {
            if only_spaces {
                continue;
            }
            scan.non_trailer_lines += possible_continuation_lines;
            let start = next_line(buf, bol);
            let accepted = (scan.recognized_prefix
                && scan.trailer_lines * 3 >= scan.non_trailer_lines)
                || (scan.trailer_lines > 0 && scan.non_trailer_lines == 0);
            scan.paragraph_start = Some(start);
            scan.block_start = accepted.then_some(start);
            return scan;
        }
        only_spaces = false;
        if GIT_GENERATED_PREFIXES
            .iter()
            .any(|p| buf[bol..].starts_with(p))
        {
            scan.trailer_lines += 1;
            possible_continuation_lines = 0;
            scan.recognized_prefix = true;
        } else if find_separator(&buf[bol..]).is_some() && !is_space(buf[bol]) {
            // With no trailer.* config nothing else is a recognized prefix.
            scan.trailer_lines += 1;
            possible_continuation_lines = 0;
        } else if is_space(buf[bol]) {
            possible_continuation_lines += 1;
        } else {
            scan.non_trailer_lines += 1 + possible_continuation_lines;
            possible_continuation_lines = 0;
        }
    }
    scan
}

/// One entry of the trailer block after folding continuation lines
/// (trailer.c `trailer_block_get`): the byte range `start..end` of the
/// buffer, possibly spanning several lines.
#[derive(Debug, Clone, Copy)]
struct Item {
    start: usize,
    end: usize,
    /// Offset of the `:` relative to `start`, if the first line is a trailer.
    separator: Option<usize>,
}

/// Where everything is in one message, per git.
#[derive(Debug)]
struct MessageLayout<'a> {
    buf: &'a [u8],
    /// Scissors line offset, or `buf.len()`.
    cutoff: usize,
    /// End of the log message; after it comes the part git ignores.
    end: usize,
    title_end: usize,
    scan: BlockScan,
    /// Entries of the accepted trailer block (empty if there is none).
    items: Vec<Item>,
}

impl<'a> MessageLayout<'a> {
    fn analyse(buf: &'a [u8]) -> Self {
        let cutoff = scissors_cutoff(buf);
        let end = end_of_log_message(buf, cutoff);
        let title_end = end_of_title(buf, end);
        let scan = scan_last_paragraph(buf, end, title_end);
        let mut items: Vec<Item> = Vec::new();
        let mut pos = scan.block_start.unwrap_or(end);
        while pos < end {
            let next = next_line(buf, pos);
            match items.last_mut() {
                // A line starting with whitespace continues the entry above
                // only if that entry is a trailer; otherwise it stands alone.
                Some(last) if last.separator.is_some() && is_space(buf[pos]) => last.end = next,
                _ => items.push(Item {
                    start: pos,
                    end: next,
                    // A comment line never has one, as '#' is not a key byte,
                    // which is how git's "skip comment lines" check plays out.
                    separator: find_separator(&buf[pos..next]),
                }),
            }
            pos = next;
        }
        MessageLayout {
            buf,
            cutoff,
            end,
            title_end,
            scan,
            items,
        }
    }

    fn trailers(&self, lines: &LineIndex<'_>) -> Vec<Trailer> {
        self.items
            .iter()
            .filter_map(|item| {
                let sep = item.start + item.separator?;
                Some(Trailer {
                    key: utf8(trim(&self.buf[item.start..sep])),
                    value: utf8(&unfold_value(trim(&self.buf[sep + 1..item.end]))),
                    line: lines.line_of(item.start),
                })
            })
            .collect()
    }

    /// The entry containing offset `pos`, if any. Items are sorted and
    /// disjoint, so this is a binary search: a scan per line made a message
    /// of many trailer lines quadratic.
    fn item_at(&self, pos: usize) -> Option<&Item> {
        let i = self.items.partition_point(|item| item.start <= pos);
        let item = self.items.get(i.checked_sub(1)?)?;
        (pos < item.end).then_some(item)
    }

    /// The block entry whose continuation lines include the line at `pos`.
    fn folding_item(&self, pos: usize) -> Option<&Item> {
        self.item_at(pos)
            .filter(|item| item.start < pos && item.separator.is_some())
    }

    fn is_trailer_start(&self, pos: usize) -> bool {
        self.item_at(pos)
            .is_some_and(|item| item.start == pos && item.separator.is_some())
    }
}

/// trailer.c `unfold_value`: each newline and the whitespace after it become
/// one space. A `\r` before the newline of a CRLF continuation survives, as
/// in git.
fn unfold_value(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        let c = value[i];
        i += 1;
        if c == b'\n' {
            while i < value.len() && is_space(value[i]) {
                i += 1;
            }
            out.push(b' ');
        } else {
            out.push(c);
        }
    }
    trim(&out).to_vec()
}

/// The pieces are cut at ASCII bytes of valid UTF-8, so they are valid
/// UTF-8; the lossy conversion never replaces anything and avoids a panic.
fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Maps byte offsets in the parsed part of the message to 1-based line
/// numbers of the whole input, and lists the input's lines.
struct LineIndex<'a> {
    text: &'a str,
    /// Offset of the parsed part within `text` (CommitObject skip).
    base: usize,
    /// Start offset of every line of `text`.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str, base: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if starts.last() == Some(&text.len()) && !text.is_empty() {
            starts.pop();
        }
        LineIndex { text, base, starts }
    }

    /// Line number of parsed-part offset `pos`.
    fn line_of(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= self.base + pos)
    }

    /// Lines of the parsed part: (offset in the parsed part, 1-based line
    /// number, text without its `\n` or `\r\n`).
    fn parsed_lines(&self) -> impl Iterator<Item = (usize, usize, &'a str)> + '_ {
        self.starts
            .iter()
            .enumerate()
            .filter(|&(_, &start)| start >= self.base)
            .map(|(i, &start)| {
                let line = &self.text[start..];
                let line = line.find('\n').map_or(line, |end| &line[..end]);
                let line = line.strip_suffix('\r').unwrap_or(line);
                (start - self.base, i + 1, line)
            })
    }
}

mod near_miss;
#[cfg(test)]
mod tests;

use near_miss::*;
pub use near_miss::{SIGNOFF_SPELLINGS, misspelled, suggest};

/// A message file written with `core.commentChar` / `core.commentString`
/// `comment` (not `#`), rewritten so the hermetic parser reads it as git
/// does: lines starting with `comment` become `#` comment lines (the
/// scissors line with them), and lines starting with `#`, which git keeps
/// as text under another comment string, start with `!` instead (prose to
/// the parser either way: neither is a key byte nor whitespace).
///
/// Only the commit-msg hook needs this: git strips comments with the
/// user's setting *after* the hook has read the file. A stored commit has
/// no comments left, so [`Mode::CommitObject`] never does.
pub fn with_comment_string(message: &str, comment: &str) -> String {
    if comment.is_empty() || comment == "#" {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    for line in message.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(comment) {
            out.push('#');
            out.push_str(rest);
        } else if let Some(rest) = line.strip_prefix('#') {
            out.push('!');
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
    }
    out
}
