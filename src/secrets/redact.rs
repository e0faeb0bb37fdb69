//! The last line of defence: every byte driftcheck prints (reports in every
//! format, the step summary, errors, `trailers`, `gate`, `approve`, `audit`,
//! render messages) passes through [`redact`] before it leaves the process.
//!
//! The rule: a secret that was classified anywhere in the run is masked
//! everywhere in the output, in every form a writer may print it in (as is,
//! JSON-escaped, terminal-escaped, GitHub-workflow-escaped, and each line of
//! a multi-line secret); and any catalogued token or key-file header is
//! masked wherever it appears, even if no parser ever classified it (a
//! trailer `Token: ghp_...`, a command line in an error). Masking happens at
//! the value model first; this layer catches what a code path forgot.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Write;
use std::sync::{LazyLock, Mutex, PoisonError};

/// What replaces a secret the writer caught.
pub const MASK: &str = "<secret>";

/// Secrets shorter than this are not remembered: they would mask ordinary
/// words all over the output and a 3-character secret cannot be hidden by
/// text replacement anyway.
const MIN_LEN: usize = 4;

static SEEN: LazyLock<Mutex<HashSet<Box<str>>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

/// Remembered secrets that are words ([`is_word`]): masked everywhere
/// except inside a name the report prints ([`remember_names`]).
static WORDS: LazyLock<Mutex<HashSet<Box<str>>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

/// Names the report prints as the repository's structure: file paths, file
/// keys, key paths, resource names ([`remember_names`]).
static NAMES: LazyLock<Mutex<HashSet<Box<str>>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

/// Whether a secret is a word, or words run together: ASCII letters only,
/// pronounceable as a whole (vowels, and common English letter pairs:
/// `mall`, `druid`, `postgres`, `changeme`). A weak password like that is also a word of the
/// repository's own names (the `mall-admin` module, the
/// `spring.datasource.druid` key), and masking it inside them left every
/// path and key of the report unreadable. Random letters of one case
/// (`xkqzvbnmwrtpaeyu`) are not words (adversarial review: a looser test
/// let them through).
fn is_word(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic()) && super::words::pronounceable(s.as_bytes())
}

/// Teach the writer the names a report prints as structure (a finding's
/// file, file key, key path, resource; a changed path): a word secret
/// ([`is_word`]) inside one of them is shown there, and masked everywhere
/// else (`scott/tiger@orcl`, `password: tiger`, a message quoting it).
pub fn remember_names<'a>(names: impl IntoIterator<Item = &'a str>) {
    let mut set = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    for n in names {
        if n.len() >= MIN_LEN && !set.contains(n) {
            set.insert(n.into());
        }
    }
}

/// Where the printed names that hold a word secret occur in `text`.
fn name_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let secrets: Vec<Box<str>> = WORDS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .cloned()
        .collect();
    let names: Vec<Box<str>> = NAMES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|n| secrets.iter().any(|w| n.contains(&**w)))
        .cloned()
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    aho_corasick::AhoCorasick::new(names.iter().map(|n| n.as_bytes()))
        .map(|ac| ac.find_overlapping_iter(text).map(|m| m.range()).collect())
        .unwrap_or_default()
}

/// Remember the text a secret encodes ([`decoded_text`]), for a secret
/// under a key that names a credential (`password: YWRtaW4=` in a
/// Kubernetes `Secret`'s `data`) or secret by its own shape (a random
/// `BASIC_AUTH_B64`), and the password of a `user:password` it spells
/// (basic auth, a registry's `auth`): the same password is
/// typed in plain in a command line or a URL of another file (adversarial
/// review 3: only the encoded form was learnt, and `scott/<password>@db`
/// printed it).
///
/// Only there: every field of a `Secret`'s `data` is secret by where it
/// sits, and decoding them all learnt `postgres`, `5432` and an
/// environment's own name from `DB_HOST` or `ENVIRONMENT`, masking them
/// all over the report (adversarial review 4).
pub fn remember_decoded(secret: &str) {
    // Twice: base64 of base64 is how some charts store a `Secret`'s data.
    let mut text = secret.trim().to_string();
    for _ in 0..2 {
        let Some(decoded) = decoded_text(&text) else {
            return;
        };
        remember(&decoded);
        // `user:password`, as basic auth and a registry's `auth` encode it.
        if let Some((user, password)) = decoded.trim().split_once(':')
            && !user.is_empty()
            && !decoded.trim().contains(char::is_whitespace)
        {
            remember(password);
        }
        text = decoded.trim().to_string();
    }
}

/// Remember a secret seen in this run (called for every fingerprinted text).
pub fn remember(secret: &str) {
    let s = secret.trim();
    if s.len() < MIN_LEN || s.len() > 1 << 20 {
        return;
    }
    // A literal word under a secret-named key (`MYSQL_RANDOM_ROOT_PASSWORD:
    // "true"`) is not a secret anyone can leak, and masking it masked every
    // flag of the report (adversarial review 2).
    if ["true", "false", "null", "none"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(s))
    {
        return;
    }
    if is_word(s) {
        // Every printed form of a word is the word itself.
        WORDS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(s.into());
        return;
    }
    if SEEN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .contains(s)
    {
        return;
    }
    let mut forms: Vec<String> = vec![s.to_string()];
    if let Ok(json) = serde_json::to_string(s) {
        forms.push(json[1..json.len() - 1].to_string());
    }
    forms.push(crate::text::escape(s, s.len() + 1));
    let data = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    forms.push(data.replace(':', "%3A").replace(',', "%2C"));
    forms.push(data);
    if s.contains('\n') {
        forms.extend(
            s.lines()
                .map(str::trim)
                .filter(|l| l.len() >= 8 && !l.starts_with("-----"))
                .map(str::to_string),
        );
    }
    let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
    for f in forms {
        if f.len() >= MIN_LEN {
            seen.insert(f.into_boxed_str());
        }
    }
}

/// The text a base64 value spells: at least 8 characters of one base64
/// alphabet with a length base64 can have, decoding to printable UTF-8 (no
/// control characters but line breaks and tabs) of [`MIN_LEN`] or more.
/// Random bytes decode to text this clean about once in millions, so a
/// token or a word that happens to be base64-shaped is not decoded into
/// noise that would be masked.
fn decoded_text(s: &str) -> Option<String> {
    let body = s.trim_end_matches('=');
    if s.len() < 8
        || s.len() - body.len() > 2
        || (s.len() != body.len() && !s.len().is_multiple_of(4))
    {
        return None;
    }
    let bytes = super::encoded::decode(s)?;
    let text = String::from_utf8(bytes).ok()?;
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    (clean && text.trim().len() >= MIN_LEN).then_some(text)
}

/// Remember a name from the configuration (an environment's name, an
/// alias) when it is itself a credential: a catalogued token, an
/// uncatalogued random token, or a value the entropy fallback would mask.
/// Names are printed in every summary line, so a secret pasted as a name is
/// masked by this writer wherever it appears.
pub fn remember_if_secret(name: &str) {
    if looks_secret(name) {
        remember(name);
    }
}

/// Remember the parts of a file's path that are credentials: a directory
/// or a file stem (the name before its extensions) that is a token, random
/// (a generated password: `N3fpzzjiA5FKE.yaml`), or a secret word with a
/// random tail (`password_<hex>.env`). Paths are printed by every format;
/// the rest of the path stays visible.
pub fn remember_path_if_secret(path: &str) {
    for part in path.split(['/', '\\']) {
        let stem = part.split('.').next().unwrap_or(part);
        for name in [part, stem] {
            if name.len() >= 8 && (super::key_is_credential(name) || looks_secret(name)) {
                remember(name);
            }
        }
    }
}

fn looks_secret(name: &str) -> bool {
    !super::catalogue::find(name).is_empty()
        || !super::generic::find(name).is_empty()
        || super::values::looks_random(name)
}

/// `text` with every remembered secret and every catalogued token masked.
///
/// The uncatalogued-token rule ([`super::generic::find`]) runs here too, so
/// a secret in a file name (`password_<random>.yaml`), a key name or any
/// text no parser classified is masked in every output.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut ranges = rules(text);
    ranges.extend(remembered(&SEEN, text));
    let words = remembered(&WORDS, text);
    let names = if words.is_empty() {
        Vec::new()
    } else {
        name_spans(text)
    };
    ranges.extend(
        words
            .into_iter()
            .filter(|r| !names.iter().any(|n| n.start <= r.start && r.end <= n.end)),
    );
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        if r.end <= at {
            continue;
        }
        let start = r.start.max(at);
        out.push_str(&text[at..start]);
        if start == r.start {
            out.push_str(MASK);
        }
        at = r.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Where the secrets in `set` occur in `text`.
fn remembered(set: &Mutex<HashSet<Box<str>>>, text: &str) -> Vec<std::ops::Range<usize>> {
    let seen = set.lock().unwrap_or_else(PoisonError::into_inner);
    if seen.is_empty() {
        return Vec::new();
    }
    // Only the secrets that may be in `text` (most never are: findings show
    // fingerprints): an automaton over every secret read in a repository
    // of 20,000 files per environment was 67 MB of a 76 MB peak.
    let grams = Grams::of(text.as_bytes());
    let patterns: Vec<&str> = seen
        .iter()
        .map(|s| &**s)
        .filter(|p| grams.may_hold(p.as_bytes()))
        .collect();
    if patterns.is_empty() {
        return Vec::new();
    }
    // A DFA costs states × byte classes to build: quick for many short
    // secrets, quadratic-looking for a few long ones (a 10,000-character
    // value masked whole). Past 4 KB of patterns, or one over 256 bytes,
    // the contiguous NFA (linear to build) does the search.
    let (total, longest) = patterns
        .iter()
        .fold((0, 0), |(t, l), p| (t + p.len(), l.max(p.len())));
    let kind =
        (total > 4096 || longest > 256).then_some(aho_corasick::AhoCorasickKind::ContiguousNFA);
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .kind(kind)
        .build(&patterns)
        .map(|ac| ac.find_iter(text).map(|m| m.range()).collect())
        .unwrap_or_default()
}

/// The 4-byte windows of a text, hashed into a bitset sized to the text: a
/// secret (4 bytes or more, [`MIN_LEN`]) whose first or last window is not
/// set is not in the text. False positives only keep a secret in the
/// search.
struct Grams {
    bits: Vec<u64>,
    mask: u32,
}

impl Grams {
    fn of(text: &[u8]) -> Grams {
        let size = (text.len().saturating_mul(16))
            .next_power_of_two()
            .clamp(1 << 10, 1 << 24);
        let mut g = Grams {
            bits: vec![0; size / 64],
            mask: u32::try_from(size - 1).unwrap_or(u32::MAX),
        };
        for w in text.windows(4) {
            let h = g.slot(w);
            g.bits[h / 64] |= 1 << (h % 64);
        }
        g
    }

    fn slot(&self, w: &[u8]) -> usize {
        let x = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        (x.wrapping_mul(0x9E37_79B1).rotate_left(13) & self.mask) as usize
    }

    fn has(&self, w: &[u8]) -> bool {
        let h = self.slot(w);
        self.bits[h / 64] & (1 << (h % 64)) != 0
    }

    /// Whether `pattern` may be in the text.
    fn may_hold(&self, pattern: &[u8]) -> bool {
        pattern.len() >= 4 && self.has(&pattern[..4]) && self.has(&pattern[pattern.len() - 4..])
    }
}

/// Below this size the rules run on one thread.
const PARALLEL_FROM: usize = 1 << 20;

/// What the catalogue and the uncatalogued-token rule mask in `text`.
///
/// A large text (a report of many megabytes) is cut into one piece per
/// core, each ending just after a byte no token and no run of the token
/// alphabet can hold ([`super::catalogue::NEVER_IN_A_TOKEN`]), and the
/// pieces are searched in parallel: the same ranges as one search of the
/// whole (a test compares both on generated reports), in a fraction of the
/// time. Whether the uncatalogued rule applies at all is decided on the
/// whole text, as it always is.
fn rules(text: &str) -> Vec<std::ops::Range<usize>> {
    let n = rayon::current_num_threads();
    if text.len() < PARALLEL_FROM || n < 2 {
        let mut ranges = super::catalogue::find_whole(text);
        ranges.extend(super::generic::find(text));
        return ranges;
    }
    in_pieces(text, pieces(text, n))
}

/// [`rules`] over `pieces` of `text` ([`pieces`]), in parallel.
fn in_pieces(text: &str, pieces: Vec<std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
    use rayon::prelude::*;
    let generic = super::generic::applies(text);
    pieces
        .into_par_iter()
        .flat_map_iter(|span| {
            let mut ranges = super::catalogue::find_whole_in(text, span.clone());
            if generic {
                ranges.extend(super::generic::find_in(text, span));
            }
            ranges
        })
        .collect()
}

/// `text` cut into about `n` spans, each but the last ending just after a
/// byte of [`super::catalogue::NEVER_IN_A_TOKEN`] (one span for a text
/// without such bytes).
fn pieces(text: &str, n: usize) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for k in 1..n {
        let aim = (text.len() * k / n).max(start);
        let Some(cut) = b[aim..]
            .iter()
            .position(|c| super::catalogue::NEVER_IN_A_TOKEN.contains(c))
            .map(|i| aim + i + 1)
        else {
            break;
        };
        if cut > start && cut < text.len() {
            out.push(start..cut);
            start = cut;
        }
    }
    out.push(start..text.len());
    out
}

/// An error message, masked as free text: besides what [`redact`] masks,
/// every random-looking run of 16+ characters (a value quoted by a config
/// error: a policy file name, a rule id, a root, an argument). Errors name
/// the file and the setting; a value that reads like a credential is never
/// quoted, whichever message forgot to leave it out.
pub fn redact_error(text: &str) -> String {
    let text = redact(text);
    let ranges = super::generic::find_in_free_text(&text);
    if ranges.is_empty() {
        return text.into_owned();
    }
    super::masked(&text, ranges)
}

/// A writer that holds everything until [`Redacting::finish`] (or drop),
/// then writes it redacted. Output is small next to the input, and holding
/// it whole means a secret can never be split across two writes.
pub struct Redacting<W: Write> {
    buf: Vec<u8>,
    inner: Option<W>,
}

impl<W: Write> Redacting<W> {
    /// Wrap `inner`.
    pub fn new(inner: W) -> Self {
        Redacting {
            buf: Vec::with_capacity(64 * 1024),
            inner: Some(inner),
        }
    }

    /// Redact and write everything held, then flush.
    ///
    /// # Errors
    /// When writing fails.
    pub fn finish(&mut self) -> std::io::Result<()> {
        let Some(mut inner) = self.inner.take() else {
            return Ok(());
        };
        let buf = std::mem::take(&mut self.buf);
        match std::str::from_utf8(&buf) {
            Ok(text) => inner.write_all(redact(text).as_bytes())?,
            Err(_) => inner.write_all(redact(&String::from_utf8_lossy(&buf)).as_bytes())?,
        }
        inner.flush()
    }
}

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for Redacting<W> {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Base64 of text decodes to it; words, identifiers and random tokens
    /// (base64-shaped too) decode to nothing, so learning a secret's
    /// decoded form adds no noise to mask.
    #[test]
    fn only_base64_of_text_is_decoded() {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let b64 = |s: &[u8]| {
            let mut out = String::new();
            for c in s.chunks(3) {
                let n = c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - c.len()));
                for i in 0..=c.len() {
                    out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
                out.push_str(&"=".repeat(3 - c.len()));
            }
            out
        };
        for text in ["admin", "druid", "scott:tiger", "S3cr3t!pass", "ümlaut-pw"] {
            assert_eq!(decoded_text(&b64(text.as_bytes())).as_deref(), Some(text));
            let unpadded = b64(text.as_bytes()).trim_end_matches('=').to_string();
            let want = (unpadded.len() >= 8).then_some(text);
            assert_eq!(decoded_text(&unpadded).as_deref(), want);
        }
        for word in [
            "password",
            "changeme",
            "postgres",
            "Administrator",
            "mallAdmin",
        ] {
            assert_eq!(decoded_text(word), None, "{word}");
        }
        // Random tokens of every length: almost none decode to clean text.
        let mut x: u64 = 0x05ee_db64;
        let mut decoded = 0;
        for n in 0..4000 {
            let token: String = (0..8 + n % 40)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    A[(x % 62) as usize] as char
                })
                .collect();
            decoded += usize::from(decoded_text(&token).is_some());
        }
        assert!(
            decoded <= 4,
            "{decoded} of 4000 random tokens decoded to text"
        );
    }

    #[test]
    fn the_window_filter_keeps_every_secret_in_the_text() {
        // No false negative: every piece of 4 bytes or more of a text, at
        // every size of bitset, passes; a piece not in a short text mostly
        // does not.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut rejected = 0;
        for len in [4usize, 17, 300, 5_000, 70_000] {
            let text: Vec<u8> = (0..len)
                .map(|_| b"ab:/@xyZ019-_"[(next() % 13) as usize])
                .collect();
            let g = Grams::of(&text);
            for _ in 0..200 {
                let start = (next() as usize) % (len - 3);
                let end = start + 4 + (next() as usize) % (len - start - 3);
                assert!(g.may_hold(&text[start..end]), "{len} {start}..{end}");
            }
            if len == 17 {
                rejected += (0..200)
                    .filter(|i| !g.may_hold(format!("Q{i:05}").as_bytes()))
                    .count();
            }
        }
        assert!(rejected > 190, "{rejected}");
    }

    #[test]
    fn remembered_secrets_are_masked_in_every_form() {
        remember("p@ss\"wo:rd\n2nd-line-of-it");
        let out = redact("a p@ss\\\"wo:rd\\n2nd-line-of-it b 2nd-line-of-it c");
        assert!(!out.contains("2nd-line"), "{out}");
        assert!(!out.contains("wo:rd"), "{out}");
        let token = "ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke";
        assert_eq!(redact(&format!("Token: {token}")), "Token: <secret>");
        assert_eq!(redact("nothing here"), "nothing here");
    }

    /// The parallel passes find what one pass over the whole finds: a
    /// generated family of reports (catalogued tokens of every format,
    /// random runs, `%XX` escapes, `key=value`, digests, quotes and line
    /// breaks where pieces are cut, a certificate that turns the
    /// uncatalogued rule off) cut into 2 to 9 pieces.
    #[test]
    fn pieces_find_what_the_whole_finds() {
        let mut rng = crate::testing::Xorshift(0x5eed_cafe_f00d_0001);
        let words = [
            "\"key\": \"",
            "\",\n",
            " ",
            "\n",
            "=",
            "%2F",
            "/",
            "\"",
            ":",
            "sha256:",
            "apiVersion: v1",
            "password=",
            "-",
            "_",
            ".",
            "Reviewed-by: Ana <ana@example.com>",
        ];
        for round in 0..10 {
            let mut text = String::new();
            while text.len() < 8_000 + rng.below(16_000) {
                match rng.below(6) {
                    0 => text.push_str(
                        crate::secrets::CATALOGUE[rng.below(crate::secrets::CATALOGUE.len())]
                            .example,
                    ),
                    1 => {
                        let alphabet =
                            b"ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz0123456789_-+/=";
                        for _ in 0..8 + rng.below(50) {
                            text.push(char::from(alphabet[rng.below(alphabet.len())]));
                        }
                    }
                    2 => text.push_str(&format!("{:040x}", rng.next())),
                    _ => text.push_str(words[rng.below(words.len())]),
                }
            }
            if round % 5 == 4 {
                text.push_str("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
            }
            let mut whole = super::super::catalogue::find_whole(&text);
            whole.extend(super::super::generic::find(&text));
            whole.sort_by_key(|r| (r.start, r.end));
            assert!(!whole.is_empty());
            for n in [2, 3, 5, 9] {
                let cut = pieces(&text, n);
                assert!(cut.len() > 1, "{n}");
                let mut got = in_pieces(&text, cut);
                got.sort_by_key(|r| (r.start, r.end));
                assert_eq!(got, whole, "round {round}, {n} pieces");
            }
        }
    }

    /// A weak password that is a word (macrozheng/mall: the rabbitmq
    /// password `mall`, druid's login password `druid`) is shown inside
    /// the names a report prints (`mall-admin/…`, `spring.datasource.druid.…`)
    /// and masked everywhere else, in every placement a writer quotes a
    /// value, glued or not (adversarial review: `scott/tiger@orcl` printed
    /// the password when glue characters decided). Random letters of one
    /// case are not words and are masked everywhere.
    #[test]
    fn a_secret_that_is_a_word_is_shown_only_inside_printed_names() {
        remember_names([
            "mall-admin/src/main/resources/application-dev.yml",
            "mall-admin/src/main/resources/application-{env}.yml",
            "spring.datasource.druid.stat-view-servlet.login-password",
        ]);
        for word in ["druid", "mall", "tiger"] {
            remember(word);
            for placed in [
                "login-password: {}",
                "\"{}\"",
                "'{}'",
                "pw={};x",
                "mysql://root:{}@db:3306",
                "scott/{}@orcl",
                "cmd: scott/{}@orcl --verbose",
                "{}",
                "a {}\nb",
                "--password {}",
                "[{}]",
                "{},other",
                "pass {}-",
                "x.{}.y",
                "services/{}/values.yaml",
                "{}_host",
            ] {
                let text = placed.replace("{}", word);
                let out = redact(&text);
                assert!(!out.contains(word), "{text} -> {out}");
            }
        }
        for name in [
            "mall-admin/src/main/resources/application-dev.yml:14",
            "  key: spring.datasource.druid.stat-view-servlet.login-password",
            "mall-admin/src/main/resources/application-{env}.yml",
        ] {
            assert_eq!(redact(name), name);
        }
        // Outside the name, the same text is masked.
        assert_eq!(
            redact("mall-admin/src/main/resources/application-dev.yml password: mall"),
            "mall-admin/src/main/resources/application-dev.yml password: <secret>"
        );
        remember("xkqzvbnmwrtpaeyu");
        remember_names(["config/xkqzvbnmwrtpaeyu.yaml"]);
        assert_eq!(
            redact("config/xkqzvbnmwrtpaeyu.yaml"),
            "config/<secret>.yaml"
        );
    }

    #[test]
    fn the_writer_masks_across_writes() {
        remember("Zq7Xw3Lp9Vb2");
        let mut out = Vec::new();
        {
            let mut w = Redacting::new(&mut out);
            w.write_all(b"x Zq7Xw3").unwrap();
            w.write_all(b"Lp9Vb2 y").unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "x <secret> y");
    }
}
