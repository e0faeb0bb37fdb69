//! Tokens nobody catalogued: a long random run of token alphabet, anywhere
//! in any string.
//!
//! The rule. A *run* is a maximal stretch of the token alphabet
//! (`A-Z a-z 0-9 _ - . ~ + / = %`); its boundaries are defined by that
//! alphabet, never by `\b`, so a token glued to a word character
//! (`xghp_...`) or to a URL escape (`%2Fghp_...`, `%3D...`: a `%XX` escape
//! splits runs) is still one run. A run is a credential when
//! 1. it starts with a prefix-like shape (one to three `[A-Za-z0-9]{1,8}`
//!    words each followed by `_ - . ~`, as providers mark their tokens:
//!    `shippo_live_`, `fio-u-`, `pat.`, `sha256~`) and the body after it
//!    (16+ characters) is random; or
//! 2. the whole run is 32+ characters and random.
//!
//! *Random* is judged per alphabet ([`is_random`]): the Shannon entropy must
//! come close to what a uniform draw from the alphabet the text actually
//! uses would give at that length, the character classes must alternate
//! the way a random draw alternates them, and the text must not be made of
//! words (pronounceable letter runs). Thresholds derive from the alphabet
//! size and the length, so hex, base32, base64 and letters-only tokens are
//! judged alike. What is shown on purpose: 40/64-hex digests without a
//! prefix (commits, sha256), UUIDs, SSH public keys and certificate bodies,
//! SRI hashes (`sha512-...`), paths and identifiers made of words.

use super::values::{entropy, is_uuid as is_uuid_like};
use super::words::{few_number_switches, vowel, words_and_numbers, wordy};
use std::ops::Range;

/// The shortest body after a prefix that can be a credential.
const MIN_BODY: usize = 16;
/// The shortest prefix-less run that can be a credential.
const MIN_RUN: usize = 32;

fn in_alphabet(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'~' | b'+' | b'/' | b'=' | b'%')
}

fn is_sep(b: u8) -> bool {
    matches!(b, b'_' | b'-' | b'.' | b'~')
}

/// Runs of the token alphabet in `text`, split at `%XX` escapes; only runs
/// of [`MIN_BODY`] bytes or more, the shortest either caller judges (a run
/// only shrinks when trimmed or split), so long outputs of short words
/// build no list.
fn runs(text: &str) -> Vec<Range<usize>> {
    runs_in(text, 0..text.len())
}

/// [`runs`] whose start lies in `span` (the scan restarts cleanly at any
/// byte outside the alphabet: see [`find_in`]).
fn runs_in(text: &str, span: Range<usize>) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = span.start;
    while i < span.end {
        if !in_alphabet(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && in_alphabet(b[i]) {
            // `=` inside a run is an assignment (`key=value`); only padding ends a token.
            if b[i] == b'=' && b.get(i + 1).is_some_and(|&c| c != b'=' && in_alphabet(c)) {
                break;
            }
            if b[i] == b'%'
                && i + 2 < b.len() + 1
                && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            {
                break;
            }
            i += 1;
        }
        if i - start >= MIN_BODY {
            out.push(start..i);
        }
        if i < b.len() && b[i] == b'%' {
            i += 3;
        } else if i < b.len() && b[i] == b'=' {
            i += 1;
        }
    }
    out
}

/// Byte ranges of uncatalogued random tokens in `text`.
pub fn find(text: &str) -> Vec<Range<usize>> {
    if !applies(text) {
        return Vec::new();
    }
    find_in(text, 0..text.len())
}

/// Whether [`find`] looks at `text` at all: a text holding a certificate
/// or a public key (long base64 on purpose) is left to the catalogue.
pub(super) fn applies(text: &str) -> bool {
    text.len() >= MIN_BODY && (!text.contains("-----BEGIN ") || super::catalogue::is_key_file(text))
}

/// What [`find`] finds in the runs that start in `span` of `text` (a text
/// it [`applies`] to). Runs are made of the token alphabet only, so a span
/// that ends just after a byte outside it (`"`, a line break) holds whole
/// runs, and the spans of a text split at such bytes find, together,
/// exactly what the whole text finds (the last-line writer's parallel
/// passes, [`super::redact`]).
pub(super) fn find_in(text: &str, span: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for r in runs_in(text, span) {
        let run = trim(&text[r.clone()]);
        let lead = text[r.clone()].len() - text[r.clone()].trim_start_matches(TRIM).len();
        let start = r.start + lead;
        if run.len() < MIN_BODY {
            continue;
        }
        // A public key's fingerprint as OpenSSH prints it (`SHA256:<43 base64>`).
        if text[..start].ends_with("SHA256:") && run.len() == 43 {
            continue;
        }
        // A run holding a UUID segment (`key/<uuid>` in an ARN) is judged by segments.
        let whole_public = public_shape(run) || run.split(['/', '.']).any(is_uuid_like);
        // The whole run first: a random token may begin with what looks like a prefix.
        if !whole_public && run.len() >= MIN_RUN && is_random(run, false) {
            out.push(start..start + run.len());
            continue;
        }
        if !whole_public && let Some(p) = prefix_len(run) {
            let body = &run[p..];
            // Hex bodies need 20+: cloud resource ids are a prefix and 8 or 17 hex (`ami-0abc…`).
            let hex = body.bytes().all(|c| c.is_ascii_hexdigit());
            if body.len() >= if hex { 20 } else { MIN_BODY } && is_random(body, true) {
                out.push(start + p..start + run.len());
                continue;
            }
        }
        // A path or dotted name whose one segment is a token (`/hooks/<token>`,
        // `secrets/password_<random>.yaml`): each segment by the same two
        // rules. A public shape (a key, a signature) is public whole.
        if public_shape(run) {
            continue;
        }
        let mut at = start;
        for seg in run.split(['/', '.']) {
            if seg.len() >= MIN_BODY && !public_shape(seg) {
                if seg.len() >= MIN_RUN && is_random(seg, false) {
                    out.push(at..at + seg.len());
                } else if let Some(p) = prefix_len(seg)
                    && seg.len() - p >= MIN_BODY
                    && !seg[p..].bytes().all(|c| c.is_ascii_hexdigit())
                    && is_random(&seg[p..], true)
                {
                    out.push(at + p..at + seg.len());
                }
            }
            at += seg.len() + 1;
        }
    }
    out
}

/// In free text printed as is (a commit trailer, a near miss, a gate
/// reason), where no value of 16+ random characters belongs: every run of
/// 16+ characters that is random for its alphabet, and every `/ . :`
/// segment of a run that is, besides what [`find`] finds. An absolute path
/// is judged by its segments only, so errors keep naming files.
pub fn find_in_free_text(text: &str) -> Vec<Range<usize>> {
    let mut out = find(text);
    out.extend(random_runs(text));
    out
}

/// What [`find_in_free_text`] adds to [`find`]: random runs and segments
/// (for callers that ran [`find`] already).
pub(super) fn random_runs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for r in runs(text) {
        let run = trim(&text[r.clone()]);
        let lead = text[r.clone()].len() - text[r.clone()].trim_start_matches(TRIM).len();
        // An absolute path (`/tmp/.tmpAb3xYz/nope`) is judged by its
        // segments only: an error must still name the file it could not read.
        let path = text[r.clone()].starts_with('/');
        if !path && run.len() >= MIN_BODY && !public_shape(run) && is_random(run, false) {
            out.push(r.start + lead..r.start + lead + run.len());
            continue;
        }
        // A token glued to a digest (`pat<random>.<64 hex>`, `1/<digits>/…`):
        // each segment of 16+ is judged on its own as well.
        let mut at = r.start + lead;
        for seg in run.split(['/', '.', ':']) {
            if seg.len() >= MIN_BODY && !public_shape(seg) && is_random(seg, false) {
                out.push(at..at + seg.len());
            }
            at += seg.len() + 1;
        }
    }
    out
}

/// The run without separators at its ends (padding `=` is kept).
fn trim(run: &str) -> &str {
    run.trim_matches(TRIM)
}

/// Separators that are not part of a token at its ends.
const TRIM: [char; 5] = ['.', '-', '/', '~', '%'];

/// Prefixes that providers document as *public* identifiers: Stripe
/// publishable keys and object ids, AWS resource ids. Shown.
const PUBLIC_PREFIXES: &[&str] = &[
    "pk_live_", "pk_test_", "acct_", "ca_", "cus_", "prod_", "price_", "pi_", "sub_", "pm_", "ch_",
    "in_", "txn_", "evt_", "plan_", "ami-", "vpc-", "subnet-", "sg-", "vol-", "snap-", "eni-",
    "igw-", "rtb-", "arn:",
];

/// Shapes shown on purpose (see the module comment).
pub(crate) fn public_shape(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    PUBLIC_PREFIXES.iter().any(|p| s.starts_with(p))
        || is_uuid_like(s)
        || [
            "aaaab3nzac1",
            "aaaac3nzac1",
            "aaaae2vjzhnh",
            "aaaab3nzac1kc3m",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
        // An SSH signature (`Review-Signature`, armored SSHSIG) is public.
        || s.starts_with("U1NIU0lH")
        || ["sha1-", "sha256-", "sha384-", "sha512-", "md5-", "blake2b-"]
            .iter()
            .any(|p| lower.starts_with(p))
}

/// The length of a prefix-like shape at the start of `run`: one to three
/// short words each ending in a separator, the first starting with a letter
/// or digit. `None` when the run has none.
fn prefix_len(run: &str) -> Option<usize> {
    let b = run.as_bytes();
    let mut at = 0;
    let mut words = 0;
    let mut best = None;
    while words < 3 {
        let w = b[at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if w == 0
            || w > 8
            || at + w >= b.len()
            || !is_sep(b[at + w])
            || !prefix_word(&b[at..at + w])
        {
            break;
        }
        at += w + 1;
        words += 1;
        best = Some(at);
        // The body starts where the next piece is too long to be a prefix word.
        let next = b[at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if next > 8 {
            break;
        }
    }
    best
}

/// A provider's prefix word: one case of letters, then digits (`shippo`,
/// `CCIPAT`, `lsv2`, `sha256`, `s`), or up to three digits (`00`).
fn prefix_word(w: &[u8]) -> bool {
    let letters = w.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let one_case = w[..letters].iter().all(u8::is_ascii_lowercase)
        || w[..letters].iter().all(u8::is_ascii_uppercase);
    let digits_after = w[letters..].iter().all(u8::is_ascii_digit);
    (letters > 0 && one_case && digits_after && w.len() - letters <= 3)
        || (letters == 0 && w.len() <= 3)
}

/// Whether `s` reads like a random draw from the alphabet it uses.
/// `prefixed`: a provider prefix came before it, so hex digests count too.
pub fn is_random(s: &str, prefixed: bool) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    if n < 12 {
        return false;
    }
    let (mut up, mut lo, mut dg, mut other) = (0usize, 0usize, 0usize, 0usize);
    for &c in b {
        match c {
            b'A'..=b'Z' => up += 1,
            b'a'..=b'z' => lo += 1,
            b'0'..=b'9' => dg += 1,
            _ => other += 1,
        }
    }
    let letters = up + lo;
    // A number or a run of one character class (`aaaa...`, digits) is not a token.
    if letters == 0 || (up == 0 && dg == 0) || (lo == 0 && dg == 0) {
        // Letters only, one case: base32 without digits is rare; words are common.
        return false;
    }
    // Hex with one character out of the alphabet (24+ long, not the first:
    // a leading letter is a type prefix, Gerrit's `I<sha>`) is hex still: a
    // hex token one edit apart in another environment (`…a3Qf…`), which
    // must be masked as its twin is. Only pure hex can be a digest.
    let outliers = b
        .iter()
        .filter(|c| !c.is_ascii_hexdigit() && !is_sep(**c))
        .count();
    let pure_hex = outliers == 0;
    let hex = pure_hex || (outliers == 1 && n >= 24 && b[0].is_ascii_hexdigit());
    if pure_hex && !prefixed && up == 0 && matches!(n, 32 | 40 | 64 | 128) {
        return false;
    }
    let hex_up = b.iter().any(|c| (b'A'..=b'F').contains(c));
    let hex_lo = b.iter().any(|c| (b'a'..=b'f').contains(c));
    // The alphabet actually in use: its size bounds the entropy.
    let k: f64 = if hex && !(hex_up && hex_lo) {
        16.0
    } else {
        (if up > 0 { 26.0 } else { 0.0 })
            + (if lo > 0 { 26.0 } else { 0.0 })
            + (if dg > 0 { 10.0 } else { 0.0 })
            + (if other > 0 { 4.0 } else { 0.0 })
    };
    let nf = n as f64;
    // Expected distinct symbols of a uniform draw, and the entropy it gives
    // (a little under log2 of that count); allow 15% below.
    let distinct: f64 = k * (1.0 - (1.0 - 1.0 / k).powf(nf));
    let floor = if k <= 16.0 { 0.8 } else { 0.85 } * distinct.log2().min(k.log2());
    if entropy(b) < floor {
        return false;
    }
    // Hex spells `cafe` and `beef` by chance; only other alphabets spell words.
    if !hex && wordy(s) * 2 >= letters.max(1) {
        return false;
    }
    // Class changes between neighbours: a random draw changes class often,
    // an identifier (`UserServiceV2`) only at word boundaries.
    let class = |c: u8| match c {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let changes = b.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    // Both shapes say "identifier" only when its letters read as words
    // (more than three quarters of them, for the first):
    // digits then random letters (`57342722752968134548huzdrkmhtk…`, an
    // account id glued to a secret) and groups of random letters
    // (`EAESO-29975-AIGJQ-…`, a licence key) are draws (adversarial review).
    if (!pure_hex && few_number_switches(b) && wordy(s) * 4 > letters * 3) || words_and_numbers(s) {
        return false;
    }
    // Only mixed case can be CamelCase; lowercase with digits is judged by
    // entropy and words alone (base32 has few digits).
    // Letters only (separators skipped: `env_vars.NameSidekiqEcdhe`):
    // CamelCase English has about 38% vowels and changes case every few
    // letters; a uniform draw about 19% and every other.
    let vowels = b.iter().filter(|&&c| vowel(c)).count();
    let case_changes = b
        .iter()
        .filter(|c| c.is_ascii_alphabetic())
        .map(u8::is_ascii_uppercase)
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0] != w[1])
        .count();
    if dg == 0
        && vowels * 10 >= letters * 3
        && (case_changes as f64) < 0.45 * (letters as f64 - 1.0)
    {
        return false;
    }
    up == 0 || lo == 0 || (hex && !pure_hex) || changes as f64 >= 0.2 * (nf - 1.0)
}

#[cfg(test)]
mod fingerprint_tests {
    #[test]
    fn ssh_key_fingerprints_are_public() {
        let fp = "SHA256:q1X6Zx2Hn3uJ0bVv9ToyPpL3i4mGk8dEwQe7RfTsAaY";
        assert!(super::find(&format!("signed with {fp}, a key")).is_empty());
        // The same run without the fingerprint's label is still a token.
        assert!(!super::find("token q1X6Zx2Hn3uJ0bVv9ToyPpL3i4mGk8dEwQe7RfTsAaY here").is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hex tokens one edit apart (a character out of the hex alphabet at any
    /// place, any case), bare and after a provider prefix, are random like
    /// their twins; pure hex digests stay visible.
    #[test]
    fn hex_tokens_one_edit_apart_are_random() {
        let mut g = Lcg(7);
        for n in [24, 32, 40, 64] {
            for _ in 0..30 {
                let hex = g.draw(b"0123456789abcdef", n);
                let at = g.next() % n;
                let at = at.max(1);
                for c in ["Q", "g", "Z", "x"] {
                    let mut t = hex.clone();
                    t.replace_range(at..at + 1, c);
                    if is_random(&hex, true) {
                        assert!(is_random(&t, false), "{t}");
                    }
                    if !find(&format!("dop_v1_{hex}")).is_empty() {
                        let prefixed = format!("dop_v1_{t}");
                        assert!(!find(&prefixed).is_empty(), "{prefixed}");
                    }
                }
                if matches!(n, 32 | 40 | 64) {
                    assert!(find(&hex).is_empty(), "a digest: {hex}");
                }
            }
        }
    }

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> usize {
            // splitmix64: an LCG's draws modulo 52 are visibly correlated.
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as usize
        }
        fn draw(&mut self, alphabet: &[u8], n: usize) -> String {
            (0..n)
                .map(|_| alphabet[self.next() % alphabet.len()] as char)
                .collect()
        }
    }

    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const B32L: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    const HEX: &[u8] = b"0123456789abcdef";
    const B36L: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

    /// Identifiers a configuration prints as key names and values, made of
    /// words and numbers in every case style and separator (a generated
    /// family): never a random run. Found on real repositories: Ansible's
    /// `rails__env_vars.RAILS_CACHE_REDIS_HOST` and a managed database's
    /// host `private-db-redis-lon1-72645-do-user-4455684-0…` were masked,
    /// and nginx's `HIGH:!aNULL:!MD5` was reported as a reused credential.
    ///
    /// Limit, on the safe side: an acronym of four or more letters without
    /// a vowel (`SMTP`) reads as a group of random letters, as licence keys
    /// are drawn, so a name of such acronyms and long numbers
    /// (`MD_1577774_SMTP_0683`) stays masked; so do brand names in capitals
    /// that do not read as English (`KAFKA`, `SIDEKIQ`) when they are most
    /// of a name. The family leaves them out.
    #[test]
    fn identifiers_of_words_and_numbers_are_not_random_in_any_case_style() {
        const WORDS: &[&str] = &[
            "rails", "cache", "redis", "host", "worker", "client", "server", "postgres",
            "password", "db", "user", "private", "do", "lon", "env", "vars", "max", "pool", "size",
            "timeout", "replica", "primary", "stream", "broker", "topic", "api", "gateway",
            "service", "account", "region", "cluster", "node", "worker", "queue", "mail", "port",
            "bucket", "storage", "secret", "name", "ref", "log", "level", "feature", "flag",
            "enable", "high", "null", "md", "rsa", "aes", "gcm", "sha", "retry", "backoff",
            "limit", "app", "web", "front", "end",
        ];
        let mut rng = Lcg(11);
        let mut seen = 0;
        for _ in 0..4000 {
            let n = 2 + rng.next() % 5;
            let style = rng.next() % 6;
            let mut parts: Vec<String> = Vec::new();
            let mut used: Vec<&str> = Vec::new();
            for _ in 0..n {
                let w = WORDS[rng.next() % WORDS.len()];
                if used.contains(&w) {
                    continue;
                }
                used.push(w);
                let w = match style {
                    0 | 1 => w.to_uppercase(),
                    4 => {
                        let mut c = w.chars();
                        c.next()
                            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                            .unwrap_or_default()
                    }
                    _ => w.to_string(),
                };
                parts.push(w);
                // Numbers: a region's index, a port, an account or cluster id.
                // CamelCase glues a version of a digit or two, at its end
                // (`HttpClient2`, `ApiV3`).
                let last = parts.len() >= n;
                if rng.next().is_multiple_of(3) && (style != 4 || last) {
                    let digits = 1 + rng.next() % if style == 4 { 2 } else { 8 };
                    parts.push(
                        (0..digits)
                            .map(|_| char::from(b'0' + (rng.next() % 10) as u8))
                            .collect(),
                    );
                }
            }
            let sep = ["_", "__", "-", ".", "", ":"][style];
            let text = parts.join(sep);
            if text.len() < MIN_BODY {
                continue;
            }
            seen += 1;
            for placed in [
                text.clone(),
                format!("rails__env_vars.{text}"),
                format!("{text}.db.example.com"),
            ] {
                assert!(find(&placed).is_empty(), "{placed}: {:?}", find(&placed));
            }
        }
        assert!(seen > 2000, "{seen}");
        for v in [
            "rails__env_vars.RAILS_CACHE_REDIS_HOST",
            "rails__env_vars.SIDEKIQ_CLIENT_REDIS_HOST",
            "private-db-redis-lon1-72645-do-user-4455684-0.db.ondigitalocean.com",
            "private-db-postgresql-lon1-10864-do-user-4455684-0.db.ondigitalocean.com",
            "HIGH:!aNULL:!MD5",
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:HIGH:!aNULL:!MD5",
        ] {
            assert!(find(v).is_empty(), "{v}: {:?}", find(v));
            assert!(!super::super::values::looks_random(v), "{v}");
        }
    }

    /// Random draws from every alphabet, at several lengths, in every
    /// placement: found (at least 97% of each family; a random draw can
    /// spell a word).
    #[test]
    fn random_runs_are_found_in_every_alphabet_and_placement() {
        let mut rng = Lcg(7);
        // Letters-only and lowercase base32 draws spell pronounceable runs
        // more often: up to 7% of them read as identifiers.
        for (name, alphabet, min, tolerance) in [
            ("base64", B64, 32, 3),
            ("base64url", B64URL, 32, 3),
            ("alnum", ALNUM, 32, 3),
            ("letters", LETTERS, 32, 7),
            ("base32", B32L, 40, 7),
            ("base36", B36L, 32, 3),
        ] {
            for n in [min, min + 8, 64, 100, 700] {
                for place in [
                    "{}",
                    "x{}",
                    "%2F{}",
                    "a b {} c",
                    "k=\"{}\";",
                    "https://h.example.com/p?t={}&x=1",
                ] {
                    let mut missed = 0;
                    for _ in 0..100 {
                        // Runs end at letters or digits (a separator at an end is not part of it).
                        let ends: Vec<u8> = alphabet
                            .iter()
                            .copied()
                            .filter(u8::is_ascii_alphanumeric)
                            .collect();
                        let t = format!(
                            "{}{}{}",
                            rng.draw(&ends, 1),
                            rng.draw(alphabet, n - 2),
                            rng.draw(&ends, 1)
                        );
                        let s = place.replace("{}", &t);
                        let at = s.find(&t).expect("placed");
                        let covered = find(&s).iter().any(|r| {
                            let overlap = r.end.min(at + t.len()).saturating_sub(r.start.max(at));
                            // A short prefix-like head may stay (no 6-character window of it is random).
                            t.len() - overlap <= 5
                        });
                        if !covered {
                            missed += 1;
                        }
                    }
                    assert!(
                        missed <= tolerance,
                        "{name} n={n} place={place}: {missed} missed"
                    );
                }
            }
        }
        // After a prefix, 16+ characters suffice, hex included.
        for prefix in [
            "shippo_live_",
            "fio-u-",
            "pat.",
            "sha256~",
            "lsv2_pt_",
            "CCIPAT_",
            "xkeysib-",
            "s.",
        ] {
            for alphabet in [HEX, ALNUM, B64URL] {
                let mut missed = 0;
                for _ in 0..100 {
                    let t = format!("{prefix}{}", rng.draw(alphabet, 24));
                    if find(&format!("use {t} now")).is_empty() {
                        missed += 1;
                    }
                }
                assert!(missed <= 3, "{prefix}: {missed}");
            }
        }
    }

    #[test]
    fn ordinary_config_is_not_a_random_run() {
        for v in [
            "nginx-deployment-7fb96c846b-x7k2p",
            "ThisIsAVeryLongIdentifierNameForTesting",
            "/var/lib/postgresql/data/pgdata/base/global",
            "/data/2024/01/15/events-000123.parquet",
            "registry.internal.example.com/team/api-gateway:1.24.3-alpine",
            "3f9a2c7e1b5d8f0a4c6e9b2d7f1a5c8e0b3d6f9a",
            "sha256:3f9a2c7e1b5d8f0a4c6e9b2d7f1a5c8e0b3d6f9a2c7e1b5d8f0a4c6e9b2d7f1a",
            "sha512-Ab3De5Gh7Jk9Mn2Pq4St6Vw8Yz0Bc2Ef4Hi6Kl8No0Qr2St4Uv6Wx8Yz0Ab2Cd4Ef6Gh8Ij0Kl2Mn4Op6Qr8==",
            "123e4567-e89b-12d3-a456-426614174000",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host",
            "com.example.service.payments.InternalTransactionProcessor",
            "arn:aws:iam::123456789012:role/service-role/MyLambdaExecutionRole-2024",
            "projects/my-project-123456/locations/europe-west1/keyRings/app/cryptoKeys/main",
            "kafka-broker-0.kafka-headless.messaging.svc.cluster.local:9092",
            "org.apache.kafka.common.serialization.StringDeserializer",
            "release-2024-01-15T10-30-00Z-build-4821",
            "ami-0abcdef1234567890",
            "us-east-1.console.aws.amazon.com",
            "maxConnectionsPerHostAndRoute",
            "acct_15vekcDjPFcHOcTm",
            "ca_68FQcZXEcV66Kjg7egLnR1Ce87cqwoue",
            "pk_test_VgSB4VSg2wb5LdAkz7p38Gw8",
            "arn:aws:kms:ca-central-1:739275439843:key/22f27c88-bb2b-49c3-b731-05123a974af4",
            "io.opentelemetry.exporter.otlp.endpoint",
        ] {
            assert!(
                find(v).is_empty(),
                "{v}: {:?}",
                find(v).iter().map(|r| &v[r.clone()]).collect::<Vec<_>>()
            );
        }
    }
}
