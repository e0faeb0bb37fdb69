//! Masking free text: a line printed as is (a commit trailer, a near miss,
//! a config line quoted in an error), the lines of a file of no known
//! format, and the command lines and error output of `render` commands.
//!
//! Structured values go through [`Masker::value`]; output as a whole goes
//! through the last-line writer ([`super::Redacting`]). Every caller outside
//! `secrets` uses one of these doors (see the module doc of [`super`]).

use std::ops::Range;

use super::{Masker, catalogue, generic, masked, redact, values};
use crate::model::envtoken::EnvTokens;
use crate::model::value::Value;

/// A line of free text printed as is (a commit trailer, a near miss):
/// secrets replaced by `<secret>`. A `Key: value` under a secret-named key
/// (`Token: ...`, `Password = ...`) loses its whole value; the rest is judged
/// as free text (credential words, command lines, token shapes), and every
/// word that is a generated short password as a whole (see
/// [`password_words`]).
pub fn mask_line(text: &str) -> String {
    // `secret_words` runs `generic::find` (through the value shapes), so
    // only the free-text runs are added here.
    let mut ranges = values::secret_words(text);
    ranges.extend(values::key_value(text));
    ranges.extend(values::random_value(text));
    ranges.extend(generic::random_runs(text));
    ranges.extend(password_words(text));
    masked(text, ranges)
}

/// Words of free text that are generated short passwords: a line printed as
/// is has no key to say what a word is, so a word (quotes, brackets and
/// trailing punctuation aside) of 12–15 characters that passes the short
/// password test of a whole value (both cases, digits or symbols, random
/// for that alphabet; not words, CamelCase, hex or one-case identifiers)
/// is masked wherever it stands (`Co-authored-by: B <b@x> Zq8LmXp3Vt7W`,
/// `credentials ci / Zq8LmXp3Vt7W`).
fn password_words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for word in text.split(char::is_whitespace) {
        let start = at;
        at += word.len() + 1;
        let trimmed = word.trim_start_matches(['\'', '"', '`', '(', '[', '<', '{']);
        let lead = word.len() - trimmed.len();
        let trimmed =
            trimmed.trim_end_matches(['\'', '"', '`', ')', ']', '>', '}', ',', ';', '.', ':']);
        if (12..16).contains(&trimmed.len()) && values::looks_random_short(trimmed) {
            out.push(start + lead..start + lead + trimmed.len());
        }
    }
    out
}

/// A `render` command as shown in findings and errors: an argument that
/// looks like a credential (`--ext-str password=…`, a token) is shown as
/// `<masked>`.
///
/// Each argument is judged on its own and in its place: the argument after a
/// credential flag (`-u admin:X`, `-p X`) or an attached `-pX` is masked
/// whole, and every argument is masked as free text (a script given to
/// `sh -c`, `admin:X`, a random word), so no part of a credential is quoted
/// in an error or a finding. Then the joined line: a flag word names the
/// next argument (`--api-key k9`).
pub fn mask_command(argv: &[String]) -> String {
    let items: Vec<String> = (0..argv.len())
        .map(|k| {
            if super::cmdline::argv_item_is_credential(argv.len(), |i| argv[i].clone(), k) {
                "<masked>".to_string()
            } else {
                mask_command_output(&mask_line(&argv[k])).replace(redact::MASK, "<masked>")
            }
        })
        .collect();
    mask_command_output(&items.join(" "))
}

/// A line a `render` command printed (its error output, quoted in an
/// error): every secret-looking word replaced by `<masked>` (the word after
/// a secret word, `key=value` under a secret key, every value shape).
pub fn mask_command_output(text: &str) -> String {
    let mut out = text.to_string();
    for r in values::secret_words(text).into_iter().rev() {
        out.replace_range(r, "<masked>");
    }
    out
}

impl Masker {
    /// Mask the lines of a file of no known format. Each line is masked on its
    /// own (`key = value` under a secret-named key, the word after a
    /// secret-named word, every value shape), and some secrets span lines or
    /// live in files with a layout of their own:
    /// - a PEM private key: every line from `-----BEGIN … PRIVATE KEY-----` to `-----END`;
    /// - base64 blobs (a line that is nothing else);
    /// - `.pgpass` (`host:port:db:user:password`) and `htpasswd` (`user:hash`);
    /// - redis ACL rules (`user app on >password`);
    /// - a catalogued token split over two lines: each line's part;
    /// - a secret found once, wherever it reappears in the file.
    pub fn text_file(&self, text: &str, file_name: &str, env: &EnvTokens) -> Vec<Value> {
        let name = file_name
            .rsplit('/')
            .next()
            .unwrap_or(file_name)
            .to_ascii_lowercase();
        let layout = CredentialLayout {
            pgpass: name.ends_with("pgpass"),
            htpasswd: name.contains("htpasswd"),
        };
        let mut in_key = false;
        // Tokens split over two lines (see `catalogue::split_tokens`): found
        // in the whole text, each line masks its part.
        let split: Vec<Range<usize>> = catalogue::find(text)
            .into_iter()
            .filter(|r| text[r.clone()].contains('\n'))
            .collect();
        let lines: Vec<&str> = text.lines().collect();
        let mut ranges: Vec<Vec<Range<usize>>> = lines
            .iter()
            .map(|line| {
                let at = line.as_ptr() as usize - text.as_ptr() as usize;
                // A key file by its header (PEM, OpenSSH, SSH2, PuTTY, OpenVPN,
                // age): every line to its END marker (PuTTY has none: to the end).
                if catalogue::is_key_file(line) {
                    in_key = true;
                }
                let whole = in_key || is_blob(line);
                if in_key && (line.contains("-----END") || line.contains("---- END")) {
                    in_key = false;
                }
                if whole {
                    return std::iter::once(0..line.len()).collect();
                }
                let mut r = line_ranges(line, layout);
                // A value a secret-named word introduces: its decoded text
                // too (`password_b64 <base64>`, [`super::remember_decoded`]).
                for piece in &r {
                    super::remember_decoded(&line[piece.clone()]);
                }
                r.extend(split.iter().filter_map(|r| {
                    let (start, end) = (r.start.max(at), r.end.min(at + line.len()));
                    (start < end).then(|| start - at..end - at)
                }));
                merge(r)
            })
            .collect();
        mask_repeats(&lines, &mut ranges);
        lines
            .iter()
            .zip(ranges)
            .map(|(line, r)| self.mask_ranges(line, r, env))
            .collect()
    }
}

impl Masker {
    /// Learn, so that every output masks them, the secrets the line rules
    /// of [`Masker::text_file`] find in `text`, each piece on its own: a
    /// file that is not compared (it fails to parse) is read this way before
    /// a message quotes it. Masking merges overlapping pieces (`password:`
    /// at a line's start masks the rest of the line), and only the merged
    /// text was learnt: the password alone, quoted again by a parse error,
    /// was not masked there.
    pub fn learn_text(&self, text: &str, file_name: &str) {
        let name = file_name.to_ascii_lowercase();
        let layout = CredentialLayout {
            pgpass: name.ends_with("pgpass"),
            htpasswd: name.contains("htpasswd"),
        };
        for r in catalogue::find(text) {
            self.fingerprint(&text[r]);
        }
        let lines: Vec<&str> = text.lines().collect();
        // pgbouncer's `userlist.txt`: `"user" "password"` per line.
        if name.contains("userlist") {
            for line in &lines {
                if let Some(password) = line.split('"').nth(3).filter(|p| !p.is_empty()) {
                    self.fingerprint(password);
                }
            }
        }
        for (i, line) in lines.iter().enumerate() {
            for r in line_ranges(line, layout) {
                let piece = line[r].trim_matches(['"', '\'', '`']);
                if !piece.is_empty() {
                    self.fingerprint(piece);
                    super::remember_decoded(piece);
                }
            }
            if opens_secret_value(line)
                && let Some(next) = lines[i + 1..].iter().find(|l| !l.trim().is_empty())
                && let Some(value) = next_line_value(next)
            {
                self.fingerprint(value);
            }
        }
    }
}

/// The value a line after [`opens_secret_value`] holds, if it can be a
/// literal secret: the line itself, or what follows `value:`; not another
/// key (`valueFrom:`, `host: db`), a comment, a reference (`${X}`,
/// `$(X)`, `{{ .Values.x }}`) or a literal word (`true`). Learning any of
/// those masked them across the whole report (adversarial review 2: every
/// `true` after `MYSQL_RANDOM_ROOT_PASSWORD`).
fn next_line_value(line: &str) -> Option<&str> {
    let t = line.trim().trim_end_matches('\\').trim();
    let t = match t.split_once(':') {
        Some((key, rest)) if key.trim_matches(['"', '\'']) == "value" => rest.trim(),
        Some((key, _)) if !key.contains(char::is_whitespace) && !key.contains(['/', '@']) => {
            return None;
        }
        _ => t,
    };
    let v = t.trim_matches(['"', '\'', '`', ',']);
    let literal = ["true", "false", "null", "none", "yes", "no", "on", "off"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(v));
    let opener = v.starts_with(['<', '#', '{', '[', '$', '%', '(', '|', '>', '&', '*', '!']);
    (v.len() >= 4 && !literal && !opener && !values::is_reference(v)).then_some(v)
}

/// Whether `line` opens a secret-named value that continues on the next
/// line: the key with nothing after its `:` or `=` but a YAML block
/// indicator (`|`, `>-`), a continuation `\`, a heredoc (`<<EOT`) or an
/// opening quote; an element `<password>` with no text; a Kubernetes
/// `name: DB_PASSWORD` whose `value:` follows. Used to learn, not to mask:
/// a file that fails to parse is read by the text rules, which read one
/// line at a time (adversarial review `review-parse/03`).
fn opens_secret_value(line: &str) -> bool {
    let t = line.trim().trim_start_matches("- ");
    if let Some(open) = t
        .strip_suffix('>')
        .and_then(|r| r.rsplit_once('<'))
        .map(|(_, tag)| tag)
    {
        return !open.contains(['/', ' ', '?', '!']) && super::keys::is_secret_name(open);
    }
    let Some(at) = t.find([':', '=']) else {
        return false;
    };
    let (key, rest) = (t[..at].trim().trim_matches(['"', '\'']), t[at + 1..].trim());
    if key == "name" {
        let named = rest.trim_matches(['"', '\'']);
        return !named.is_empty() && super::keys::is_secret_name(named);
    }
    if key.is_empty() || key.contains(char::is_whitespace) || !super::keys::is_secret_name(key) {
        return false;
    }
    let block = rest.starts_with(['|', '>'])
        && rest[1..]
            .chars()
            .all(|c| matches!(c, '-' | '+' | '0'..='9'));
    rest.is_empty()
        || block
        || rest == "\\"
        || rest == "\""
        || rest == "'"
        || rest.starts_with("<<")
}

/// File layouts with a credential field of their own.
#[derive(Clone, Copy)]
struct CredentialLayout {
    /// `.pgpass`: `host:port:db:user:password`.
    pgpass: bool,
    /// `htpasswd`: `user:hash`.
    htpasswd: bool,
}

/// The secret ranges of one line of a text file, by the line rules.
fn line_ranges(line: &str, layout: CredentialLayout) -> Vec<Range<usize>> {
    let mut ranges = values::secret_words(line);
    ranges.extend(values::key_value(line));
    ranges.extend(inline_pairs(line));
    ranges.extend(values::random_value(line));
    ranges.extend(password_words(line));
    let trimmed = line.trim_start();
    if !trimmed.starts_with('#') {
        if layout.pgpass
            && let Some(at) = line.rfind(':')
        {
            ranges.push(at + 1..line.len());
        }
        if layout.htpasswd
            && let Some(at) = line.find(':')
        {
            ranges.push(at + 1..line.len());
        }
    }
    if trimmed.starts_with("user ") {
        let mut at = 0;
        for word in line.split_whitespace() {
            let start = at + line[at..].find(word).expect("a piece of the line");
            at = start + word.len();
            if word.len() > 1 && (word.starts_with('>') || word.starts_with('#')) {
                ranges.push(start + 1..at);
            }
        }
    }
    ranges
}

/// Pairs inside a line under a secret-named key, wherever they stand
/// (`{"password": "x", "user": "y"}`, `db(password=x, host=y)`): the
/// value's range. [`values::key_value`] reads only a line's first pair; a
/// JSON or flow-style object on one line held its password after the
/// first key (a file that does not parse is read this way, and its parse
/// error quoted the password: adversarial review `review-words/04`).
fn inline_pairs(line: &str) -> Vec<Range<usize>> {
    let b = line.as_bytes();
    let name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    let mut out = Vec::new();
    for (at, _) in line.match_indices([':', '=']) {
        // The key: a name just before, quoted or not.
        let mut end = at;
        while end > 0 && b[end - 1] == b' ' {
            end -= 1;
        }
        let quoted = end > 0 && matches!(b[end - 1], b'"' | b'\'');
        if quoted {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && name(b[start - 1]) {
            start -= 1;
        }
        if start == end || !super::keys::is_secret_name(&line[start..end]) {
            continue;
        }
        // The value: a quoted string to its quote, or a bare word to the
        // next separator.
        let rest = &line[at + 1..];
        let lead = rest.len() - rest.trim_start().len();
        let from = at + 1 + lead;
        let (from, to) = match b.get(from) {
            Some(&q @ (b'"' | b'\'')) => {
                let close = line[from + 1..]
                    .find(q as char)
                    .map_or(line.len(), |i| from + 1 + i);
                (from + 1, close)
            }
            Some(_) => {
                let stop = line[from..]
                    .find([',', '}', ']', ')', ' ', ';'])
                    .map_or(line.len(), |i| from + i);
                (from, stop)
            }
            None => continue,
        };
        let value = &line[from..to];
        if !value.is_empty() && !values::is_reference(value) {
            out.push(from..to);
        }
    }
    out
}

/// A secret found once in a file is masked wherever it reappears there
/// (`the password X ... and "X"`): a second occurrence has no secret word
/// before it. Only credential-like texts (8+ characters, letters and
/// digits) are searched, so a weak secret such as a word does not mask
/// every use of the word; one automaton, one pass over each line.
fn mask_repeats(lines: &[&str], ranges: &mut [Vec<Range<usize>>]) {
    let known: std::collections::BTreeSet<&str> = lines
        .iter()
        .zip(ranges.iter())
        .flat_map(|(line, r)| r.iter().map(|r| &line[r.clone()]))
        .map(|s| s.trim_matches(['\'', '"', '`']))
        .filter(|s| {
            s.len() >= 8
                && s.bytes().any(|b| b.is_ascii_digit())
                && s.bytes().any(|b| b.is_ascii_alphabetic())
        })
        .collect();
    if known.is_empty() {
        return;
    }
    let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&known)
    else {
        return;
    };
    for (line, r) in lines.iter().zip(ranges.iter_mut()) {
        let found: Vec<Range<usize>> = ac.find_iter(line).map(|m| m.range()).collect();
        if !found.is_empty() {
            r.extend(found);
            *r = merge(std::mem::take(r));
        }
    }
}

/// Ranges sorted, empty ones dropped, overlapping ones merged.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| !r.is_empty());
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// A line that is only a long base64 run: the body of a key or certificate.
fn is_blob(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 40
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        && t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes().any(|b| b.is_ascii_uppercase())
        && t.bytes().any(|b| b.is_ascii_lowercase())
}

/// A name the user wrote (a key, a rule id, an environment), as a message
/// may quote it: the name itself, or `<secret>` when a rule finds a secret
/// in it: a token or secret part, random as a whole, a credential key name,
/// or a credential's short shape (8–11 generated characters, 16+ hex with
/// letters and digits).
///
/// Diagnostics quote names so the user can find them; a secret pasted where
/// a name belongs (`Zq8LmXp3Vt7W = 1` in `driftcheck.toml`, an allow comment
/// naming it as a rule) is found by its line number instead.
pub fn shown_name(name: &str) -> std::borrow::Cow<'_, str> {
    let secret = name.len() >= 8
        && (super::holds_secret(name)
            || values::looks_random(name)
            || super::key_is_credential(name)
            || super::provider::credential_shape(name));
    if secret {
        std::borrow::Cow::Borrowed(redact::MASK)
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// A diagnostic message with every `` `quoted` `` name passed through
/// [`shown_name`]: the one place config and policy problems are masked,
/// whichever check wrote them.
pub fn mask_quoted_names(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        out.push('`');
        // Odd pieces are inside backticks (a trailing unpaired one is not).
        if i % 2 == 0 && message.matches('`').count() > i + 1 {
            out.push_str(&shown_name(part));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A line of the user's configuration or policy quoted under a problem:
/// masked as free text ([`mask_line`]), and every name-like word (letters,
/// digits, `_ . - / + =`) that [`shown_name`] would not quote.
pub fn mask_source_line(line: &str) -> String {
    let line = mask_line(line);
    let word = |c: char| c.is_ascii_alphanumeric() || "_.-/+=".contains(c);
    let mut out = String::with_capacity(line.len());
    let mut rest = line.as_str();
    while let Some(start) = rest.find(word) {
        out.push_str(&rest[..start]);
        let len = rest[start..]
            .find(|c: char| !word(c))
            .unwrap_or(rest.len() - start);
        out.push_str(&shown_name(&rest[start..start + len]));
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}
