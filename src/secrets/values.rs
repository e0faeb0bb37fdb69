//! Classifying a value by its shape (research Tables B and C): private keys,
//! URL userinfo, `password=` in connection strings, tokens with known
//! prefixes, password hashes, and — for keys nobody named — high entropy.
//! References (`${DB_PASSWORD}`, `vault:…`) are not secrets and stay visible.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid static regex")
}

static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)(?-u:\b)[a-z][a-z0-9+.-]{1,20}://[^/\s:@]{0,256}:(\S{1,512})@",
        // Oracle thin: jdbc:oracle:thin:scott/tiger@db:1521/ORCL
        r"|(?i)jdbc:oracle:[a-z]+:[^/\s:@]+/(\S{1,512})@",
    ))
});
static EMBEDDED: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r#"(?i)"[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api_?key|credentials?)"\s*:\s*"((?:[^"\\]|\\.)*)""#,
        r#"|(?i)<[A-Za-z0-9_.:-]*(?:password|passwd|secret|token|apikey|api_key)>([^<]*)</"#,
        r#"|(?i)key\s*=\s*"[^"]*(?:password|secret|token|apikey|api_key)[^"]*"\s+value\s*=\s*"([^"]*)""#,
    ))
});
static ENV_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=?]([^}]*)\}$"));

/// Whether `text` is a reference rather than a literal (Table C). `${X:-default}`
/// is a reference whose default part is still a literal: see [`reference_default`].
pub fn is_reference(text: &str) -> bool {
    let t = text.trim();
    let var = |s: &str| {
        let mut c = s.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
    };
    (t.starts_with("${") && t.ends_with('}') && !t[2..t.len() - 1].contains(['{', '}']))
        || (t.starts_with("$(") && t.ends_with(')') && var(&t[2..t.len() - 1]))
        // `$DB_PASSWORD`, not `$Summer2024` (a password that starts with `$`).
        || (t.starts_with('$') && var(&t[1..]) && !t[1..].bytes().any(|b| b.is_ascii_lowercase()))
        // `{{ .Values.pw }}`, `{{ vault_pw | default('') }}`, not `{{Pa55}}`.
        || (t.starts_with("{{")
            && t.ends_with("}}")
            && !t[2..t.len() - 2].contains(['{', '}'])
            && t[2..t.len() - 2].contains([' ', '.', '|']))
        || [
            "vault:",
            "ref+",
            "op://",
            "arn:aws:secretsmanager:",
            "arn:aws:ssm:",
            "secretref:",
            // ClickHouse substitutions, as the XML parser writes them.
            "from_env:",
            "from_zk:",
            "incl:",
            // A file holding the secret (`file:///run/secrets/db`).
            "file://",
        ]
        .iter()
        .any(|p| t.starts_with(p))
        || wrapped_reference(t, var)
}

/// The secret stores' and tools' own reference syntaxes, each whole:
/// Symfony `%env(DB_PASSWORD)%`, CloudFormation `{{resolve:secretsmanager:…}}`,
/// Concourse `((db_password))`, Azure App Service
/// `@Microsoft.KeyVault(SecretUri=…)`, Octopus `#{Db.Password}`, and
/// `env:DB_PASS`. Read as secrets, they were masked in findings, and once
/// every secret read was learnt, masked across the report (adversarial
/// review 2).
fn wrapped_reference(t: &str, var: impl Fn(&str) -> bool) -> bool {
    let inner_is = |open: &str, close: &str, ok: &dyn Fn(char) -> bool| {
        t.strip_prefix(open)
            .and_then(|r| r.strip_suffix(close))
            .is_some_and(|inner| !inner.is_empty() && inner.chars().all(ok))
    };
    let name = |c: char| c.is_ascii_alphanumeric() || "_.-:/".contains(c);
    inner_is("%env(", ")%", &|c| name(c) || c == '(' || c == ')')
        || (t.starts_with("{{resolve:") && t.ends_with("}}") && !t.contains(char::is_whitespace))
        || inner_is("((", "))", &name)
        || (t.starts_with("@Microsoft.KeyVault(") && t.ends_with(')'))
        || inner_is("#{", "}", &|c| name(c) || c == ' ')
        || t.strip_prefix("env:").is_some_and(&var)
}

/// The byte range of the default in `${X:-default}`, if it has a non-empty one.
pub fn reference_default(text: &str) -> Option<Range<usize>> {
    if !text.trim_start().starts_with("${") {
        return None;
    }
    let caps = ENV_DEFAULT.captures(text)?;
    let m = caps.get(1)?;
    (!m.as_str().is_empty()).then(|| m.range())
}

/// The variable a `${NAME...}` reference names.
pub fn reference_name(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("${")?;
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    (end > 0).then(|| &inner[..end])
}

/// Whether `text` is encrypted content.
pub fn is_encrypted(text: &str, tag: Option<&str>) -> bool {
    let t = text.trim_start();
    tag == Some("!vault")
        || t.starts_with("ENC[")
        || t.starts_with("$ANSIBLE_VAULT;")
        || t.starts_with("-----BEGIN PGP MESSAGE-----")
}

/// Secret parts found by shape alone (Table B, V1–V8), whatever the key.
pub fn secret_parts(text: &str) -> Vec<Range<usize>> {
    shapes(text, true)
}

/// [`secret_parts`] without looking inside encodings (what the base64
/// decoder calls on decoded text, so decoding cannot recurse without bound).
pub(super) fn secret_parts_plain(text: &str) -> Vec<Range<usize>> {
    shapes(text, false)
}

fn shapes(text: &str, decode: bool) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    if text.len() < 8 {
        return out;
    }
    if super::catalogue::is_key_file(text) {
        return std::iter::once(0..text.len()).collect();
    }
    // Every name-based shape below needs one of these words; one pass, no allocation.
    let secret_word = has_secret_word(text);
    // A reference in the secret's place (`postgres://app:${DB_PASSWORD}@db`)
    // is how it should be written: shown, and never a reused credential.
    let literal = |r: &Range<usize>| !is_reference(text[r.clone()].trim_matches(['\'', '"']));
    if (text.contains("://") || text.contains("jdbc:oracle")) && text.contains('@') {
        out.extend(
            URL_USERINFO
                .captures_iter(text)
                .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                .map(|m| m.range())
                .filter(literal),
        );
    }
    if text.contains("://") {
        out.extend(super::urls::random_segments(text));
        out.extend(super::urls::query_uuids(text));
        if text.contains('@') {
            out.extend(super::urls::token_users(text));
        }
    }
    // Secrets inside JSON, XML or .NET config embedded in a string
    // (`SPRING_APPLICATION_JSON`, a ConfigMap file, a Jinja template).
    if text.contains(['"', '<']) {
        if secret_word {
            out.extend(
                EMBEDDED
                    .captures_iter(text)
                    .filter_map(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
                    .map(|m| m.range())
                    .filter(literal),
            );
        }
        if text.contains("\"kty\"") {
            out.extend(
                JWK_PRIVATE
                    .captures_iter(text)
                    .filter_map(|c| c.get(1))
                    .map(|m| m.range()),
            );
        }
    }
    if text.contains('=') {
        if secret_word
            || contains_ci(text, b"psk")
            || contains_ci(text, b"auth")
            || contains_ci(text, b"sess")
            || contains_ci(text, b"sid")
        {
            out.extend(
                super::connstr::assignments(text)
                    .into_iter()
                    .filter(literal),
            );
        }
        if text.contains(['?', '&', ';']) {
            out.extend(super::connstr::query(text).into_iter().filter(literal));
        }
    }
    if text.contains([' ', ':', '=']) && super::cmdline::may_hold(text) {
        out.extend(
            super::cmdline::credentials(text)
                .into_iter()
                .filter(literal),
        );
    }
    if text.contains([' ', '\t']) {
        // HTTP authentication schemes: token68 and parameter credentials.
        out.extend(super::httpauth::find(text).into_iter().filter(literal));
    }
    if text.contains(':') {
        out.extend(super::provider::credential_pairs(text));
    }
    out.extend(super::catalogue::find(text));
    out.extend(super::generic::find(text));
    if text.contains(' ') && is_mnemonic(text) {
        return std::iter::once(0..text.len()).collect();
    }
    if decode {
        out.extend(super::encoded::find(text));
    }
    merge(out)
}

/// JSON Web Key private members (RFC 7518 §6.2.2, §6.3.2, §6.4): `d`, `p`,
/// `q`, `dp`, `dq`, `qi`, symmetric `k`, in a text that has `"kty"`.
static JWK_PRIVATE: LazyLock<Regex> =
    LazyLock::new(|| re(r#""(?:d|p|q|dp|dq|qi|k)"\s*:\s*"([^"]+)""#));

/// Secrets in any string value: multi-line text (a config file held in a
/// ConfigMap, a heredoc) is masked line by line like a text file, a line with
/// spaces like free text, anything else by shape.
pub fn secret_text(text: &str) -> Vec<Range<usize>> {
    // Most values (`api-0.staging.internal`, `500m`) have none of the
    // characters a name-based shape needs; only token prefixes can match.
    if !text
        .bytes()
        .any(|b| matches!(b, b'=' | b'@' | b' ' | b'$' | b'"' | b'<' | b'\n' | b':'))
    {
        let mut out = super::catalogue::find(text);
        out.extend(super::generic::find(text));
        out.extend(super::encoded::find(text));
        return merge(out);
    }
    if text.contains('\n') {
        let mut out = secret_parts(text);
        let mut at = 0;
        for line in text.split('\n') {
            out.extend(
                secret_words(line)
                    .into_iter()
                    .map(|r| r.start + at..r.end + at),
            );
            out.extend(key_value(line).map(|r| r.start + at..r.end + at));
            at += line.len() + 1;
        }
        merge(out)
    } else if text.contains(' ') {
        secret_words(text)
    } else {
        secret_parts(text)
    }
}

/// `key = value` / `key: value` under a secret-named key: the value's range.
pub fn key_value(line: &str) -> Option<Range<usize>> {
    let start = line.len() - line.trim_start().len();
    let at = start + line[start..].find(['=', ':'])?;
    let key = line[start..at].trim().trim_matches(['"', '\'']);
    if key.is_empty() || key.contains(char::is_whitespace) || !super::keys::is_secret_name(key) {
        return None;
    }
    let rest = &line[at + 1..];
    let lead = rest.len() - rest.trim_start_matches([' ', '\t', '"', '\'']).len();
    let value = rest
        .trim_start_matches([' ', '\t', '"', '\''])
        .trim_end()
        .trim_end_matches(['"', '\'', ';', ',']);
    if value.is_empty() || is_reference(value) {
        return None;
    }
    Some(at + 1 + lead..at + 1 + lead + value.len())
}

/// `key = value` / `key: value` in a line of text under *any* key: the value
/// if it passes the entropy fallback (the rule structured values follow).
pub fn random_value(line: &str) -> Option<Range<usize>> {
    let start = line.len() - line.trim_start().len();
    let at = start + line[start..].find(['=', ':'])?;
    let key = line[start..at].trim().trim_matches(['"', '\'']);
    if key.is_empty() || key.contains(char::is_whitespace) || super::keys::is_digest_name(key) {
        return None;
    }
    let rest = &line[at + 1..];
    let lead = rest.len() - rest.trim_start_matches([' ', '\t', '"', '\'']).len();
    let value = rest
        .trim_start_matches([' ', '\t', '"', '\''])
        .trim_end()
        .trim_end_matches(['"', '\'', ';', ',']);
    looks_random(value).then(|| at + 1 + lead..at + 1 + lead + value.len())
}

/// Free text (a line of a file of no known format, a command's arguments or
/// error output): the word after a secret-named word is a secret
/// (`password hunter2`, `requirepass x`, `--api-key y`, `set $token "z"`),
/// besides everything [`secret_parts`] finds.
pub fn secret_words(text: &str) -> Vec<Range<usize>> {
    let mut out = secret_parts(text);
    let mut prev_secret = false;
    let mut prev_bare = "";
    let mut at = 0;
    for word in text.split_whitespace() {
        let start = at
            + text[at..]
                .find(word)
                .expect("split_whitespace yields pieces of text");
        let end = start + word.len();
        at = end;
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
        // `the db pass is X`, `password: X`, `password = X`: a linking word
        // or a bare sign between the secret word and its value is skipped.
        let filler = bare.is_empty()
            || ["is", "was", "are", "to", "of", "be", "set", "now"]
                .iter()
                .any(|f| f.eq_ignore_ascii_case(bare));
        if prev_secret && filler {
            continue;
        }
        if prev_secret && !is_reference(word.trim_matches(['"', '\'', ';'])) {
            // The value without the quotes and brackets around it
            // (`password: druid}` in a one-line object): the masked text is
            // what is learnt, and `druid}` did not mask `druid` elsewhere.
            let inner = word.trim_start_matches(['"', '\'', '`', '{', '[', '(']);
            let inner = inner.trim_end_matches(['"', '\'', '`', ',', ';', '}', ']', ')']);
            if inner.is_empty() {
                out.push(start..end);
            } else {
                let from = start
                    + (word.len()
                        - word
                            .trim_start_matches(['"', '\'', '`', '{', '[', '('])
                            .len());
                out.push(from..from + inner.len());
            }
        }
        // Two-word names in prose: `API key X`, `access token X`.
        let masked_now = prev_secret;
        prev_secret = !word.contains('=')
            && (super::keys::is_secret_name(bare)
                || (!prev_bare.is_empty()
                    && ["key", "token", "keys", "tokens"]
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(bare))
                    && super::keys::is_secret_name(&format!("{prev_bare}_{bare}"))));
        // A value just masked does not name the next one.
        prev_bare = if masked_now { "" } else { bare };
    }
    merge(out)
}

/// Whether `text` contains (ignoring case) a word that secret-named settings
/// are made of: the gate for the name-based value shapes.
fn has_secret_word(text: &str) -> bool {
    const WORDS: &[&[u8]] = &[b"pass", b"pwd", b"pw", b"secret", b"token", b"key", b"cred"];
    let b = text.as_bytes();
    (0..b.len()).any(|i| {
        matches!(b[i] | 0x20, b'p' | b's' | b't' | b'k' | b'c')
            && WORDS
                .iter()
                .any(|w| b.len() - i >= w.len() && b[i..i + w.len()].eq_ignore_ascii_case(w))
    })
}

/// A BIP39 seed phrase: 12, 15, 18, 21 or 24 lowercase words of 3 to 8
/// letters and none of the short function words every English sentence has
/// (the BIP39 list holds none of them). A wallet's whole key, whatever the key name.
fn is_mnemonic(text: &str) -> bool {
    const PROSE: &[&str] = &[
        "the", "and", "for", "with", "this", "that", "from", "are", "not", "you", "but", "has",
        "was", "its", "our", "your", "will", "into", "than", "then", "when", "which", "use",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    matches!(words.len(), 12 | 15 | 18 | 21 | 24)
        && words
            .iter()
            .all(|w| (3..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !words.iter().any(|w| PROSE.contains(w))
}

/// Whether `text` contains `word` (lowercase ASCII), ignoring case; no allocation.
pub(super) fn contains_ci(text: &str, word: &[u8]) -> bool {
    text.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Sort and merge overlapping ranges.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The entropy fallback (V9) for values under keys nobody named: long,
/// token-like, mixed letters and digits, high Shannon entropy, and not a
/// path, URL, UUID or reference.
///
/// Two tests, either suffices: the word-and-entropy test below (tuned on
/// identifiers), and the per-alphabet test of [`super::generic::is_random`]
/// for what it misses — letters only, symbols (`!#^*`), a leading `-` or `/`,
/// `//` inside base64, any length (a base64 key file of 4 KB is one value).
pub fn looks_random(text: &str) -> bool {
    looks_random_words(text) || looks_random_alphabet(text) || looks_random_short(text)
}

/// A short password (12 to 15 characters) as password generators make
/// them: letters of both cases and digits or symbols, at most a quarter of
/// password symbols (`!#$%^&*@+=?~`, never the `. - _ / :` that structure
/// identifiers), random for that alphabet (not words, not CamelCase).
/// Identifiers of that length are one case (`i-0abc…`, `a1b2c3d4e5f6`),
/// hex, or words; a key that names an identifier (`id`, `tag`, `version`)
/// is not asked (see `decide`).
pub(super) fn looks_random_short(text: &str) -> bool {
    const SYMBOLS: &[u8] = b"!#$%^&*@+=?~";
    let symbols = text.bytes().filter(|c| SYMBOLS.contains(c)).count();
    (12..16).contains(&text.len())
        && symbols * 4 <= text.len()
        && text
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || SYMBOLS.contains(&c))
        && text.bytes().any(|c| c.is_ascii_uppercase())
        && text.bytes().any(|c| c.is_ascii_lowercase())
        && (symbols > 0 || text.bytes().any(|c| c.is_ascii_digit()))
        && super::generic::is_random(text, false)
}

/// The per-alphabet test on a whole value: printable, no spaces, not a
/// URL or a UUID, and random for the alphabet it uses.
fn looks_random_alphabet(text: &str) -> bool {
    let len = text.len();
    if !(16..=1 << 16).contains(&len)
        || !text.bytes().all(|c| c.is_ascii_graphic())
        || text.contains("://")
        || is_uuid(text)
        || text.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return false;
    }
    // A few symbols in a password are a sign of a password, not of a word.
    let symbols = text.bytes().filter(|c| !c.is_ascii_alphanumeric()).count();
    if symbols * 4 > len {
        return false;
    }
    super::generic::is_random(text, false) && !super::generic::public_shape(text)
}

fn looks_random_words(text: &str) -> bool {
    let len = text.len();
    if !(16..=512).contains(&len) {
        return false;
    }
    let b = text.as_bytes();
    if !b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || b"+/=_-".contains(c))
    {
        return false;
    }
    // Paths, command-line flags (`--replication-factor=3`), UUIDs.
    if b[0] == b'/' || b[0] == b'-' || text.contains("//") || is_uuid(text) || is_aws_key_id(text) {
        return false;
    }
    // Words: a run of seven lowercase letters is rare in random tokens
    // (about 3% of 20-character base64 strings) and common in identifiers.
    // Environment names are not evidence of a word: the same token with
    // `staging` or `production` in it must be judged alike in every environment.
    let mut run = 0;
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_lowercase() {
            if run == 0 {
                start = i;
            }
            run += 1;
        } else {
            run = 0;
        }
        if run >= 7 {
            let end = b[start..]
                .iter()
                .position(|c| !c.is_ascii_lowercase())
                .map_or(b.len(), |p| start + p);
            let word = &text[start..end];
            if !matches!(
                word,
                "staging" | "production" | "development" | "preprod" | "sandbox"
            ) {
                return false;
            }
        }
    }
    let has_digit = b.iter().any(u8::is_ascii_digit);
    let has_alpha = b.iter().any(u8::is_ascii_alphabetic);
    if !(has_digit && has_alpha) {
        return false;
    }
    // Identifiers with separators are words, not keys: `ingest-service-v2-worker`.
    if text
        .split(['-', '_', '/'])
        .filter(|p| !p.is_empty())
        .count()
        > 2
    {
        return false;
    }
    let hex = b.iter().all(u8::is_ascii_hexdigit);
    let e = entropy(b);
    if hex { e >= 3.0 } else { e >= 3.5 }
}

/// AWS access key *ids* (`AKIA…`) identify a key; they are not the secret.
fn is_aws_key_id(s: &str) -> bool {
    s.len() == 20
        && [
            "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA",
        ]
        .iter()
        .any(|p| s.starts_with(p))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `8-4-4-4-12` hex: an identifier, shown on purpose.
pub(crate) fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// Shannon entropy of `b` in bits per byte.
pub(super) fn entropy(b: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &c in b {
        counts[c as usize] += 1;
    }
    let n = b.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| c as f64 / n)
        .map(|p| -p * p.log2())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let mut out = text.to_string();
        for r in secret_parts(text).into_iter().rev() {
            out.replace_range(r, "***");
        }
        out
    }

    #[test]
    fn partial_masks_keep_the_rest_visible() {
        assert_eq!(
            masked("postgres://app:hunter22@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(
            masked("host=db port=5432 dbname=app user=app password=s3cr3t"),
            "host=db port=5432 dbname=app user=app password=***"
        );
        assert_eq!(
            masked("https://x.blob/c?sv=1&sig=abcdEFGH123"),
            "https://x.blob/c?sv=1&sig=***"
        );
        assert_eq!(
            masked("Authorization: Bearer abcdef123456"),
            "Authorization: Bearer ***"
        );
        assert_eq!(
            masked("--db-password=xyz9 --password=zz9"),
            "--db-password=*** --password=***"
        );
        assert_eq!(
            masked("-Djavax.net.ssl.keyStorePassword=abc123"),
            "-Djavax.net.ssl.keyStorePassword=***"
        );
        assert_eq!(
            masked("MYSQL_ROOT_PASSWORD=topsecret"),
            "MYSQL_ROOT_PASSWORD=***"
        );
        assert_eq!(masked("proxy Basic dXNlcjpwYXNz"), "proxy Basic ***");
        // References in the secret's place stay visible.
        assert_eq!(
            masked("postgres://app:${DB_PASSWORD}@db/app"),
            "postgres://app:${DB_PASSWORD}@db/app"
        );
        assert_eq!(
            masked("host=db password=${PGPASSWORD}"),
            "host=db password=${PGPASSWORD}"
        );
        assert_eq!(
            masked("password_file=/run/secrets/db"),
            "password_file=/run/secrets/db"
        );
    }

    #[test]
    fn words_after_secret_words() {
        let m = |t: &str| {
            let mut out = t.to_string();
            for r in secret_words(t).into_iter().rev() {
                out.replace_range(r, "***");
            }
            out
        };
        assert_eq!(
            m("machine h login u password hunter2"),
            "machine h login u password ***"
        );
        assert_eq!(m("requirepass foobared"), "requirepass ***");
        assert_eq!(m("--api-key abc --verbose"), "--api-key *** --verbose");
        assert_eq!(m("password ${DB_PASSWORD}"), "password ${DB_PASSWORD}");
        assert_eq!(m("listen 80"), "listen 80");
    }

    #[test]
    fn seed_phrases_but_not_sentences() {
        let seed =
            "abandon ability able about above absent absorb abstract absurd abuse access accident";
        assert_eq!(masked(seed), "***");
        let prose = "restart the worker pool when the queue grows past its limit and log it";
        assert_eq!(masked(prose), prose);
    }

    #[test]
    fn whole_value_shapes() {
        assert_eq!(masked("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"), "***");
        assert_eq!(masked("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"), "***");
        assert_eq!(masked("SCRAM-SHA-256$4096:abc=$def="), "***");
        assert_eq!(masked("/var/lib/clickhouse/"), "/var/lib/clickhouse/");
        assert_eq!(masked("http://10.0.0.5:8123"), "http://10.0.0.5:8123");
    }

    #[test]
    fn references_and_encryption() {
        for r in [
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "{{ .Values.pw }}",
            "vault:secret/db#pw",
            "$(PW)",
            "from_env:CH_PW",
        ] {
            assert!(is_reference(r), "{r}");
        }
        for l in ["hunter2", "$ecret!", "{{a}}b"] {
            assert!(!is_reference(l), "{l}");
        }
        assert_eq!(reference_default("${DB_PASSWORD:-hunter2}"), Some(15..22));
        assert_eq!(reference_default("${DB_PASSWORD}"), None);
        assert!(is_encrypted("ENC[AES256_GCM,data:abc]", None));
        assert!(is_encrypted("x", Some("!vault")));
    }

    /// Generated 12–15 character passwords (both cases and digits, as
    /// password managers draw them) are masked at every length; identifiers
    /// of those lengths (one case, hex, words, versions) are not.
    #[test]
    fn short_random_passwords_but_not_short_identifiers() {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = crate::testing::Xorshift(0x9e37_79b9_7f4a_7c15u64);
        let mut next = || rng.next();
        let (mut drawn, mut caught) = (0, 0);
        for len in 12..16 {
            for _ in 0..200 {
                let s: String = (0..len)
                    .map(|_| A[(next() % 62) as usize] as char)
                    .collect();
                let classes = [
                    u8::is_ascii_uppercase,
                    u8::is_ascii_lowercase,
                    u8::is_ascii_digit,
                ];
                if !classes.iter().all(|f| s.bytes().any(|c| f(&c))) {
                    continue;
                }
                drawn += 1;
                caught += usize::from(looks_random(&s));
            }
        }
        assert!(caught * 100 >= drawn * 97, "{caught} of {drawn}");
        for v in [
            "a1b2c3d4e5f6",
            "i-0abc123def45",
            "MyService2Api",
            "UserServiceV2",
            "v1.2.3-beta4",
            "release2024Q3",
            "eu-west-1a",
            "KafkaBroker01",
            "0123456789ab",
            "PostgreSQL15",
        ] {
            assert!(!looks_random(v), "{v}");
        }
    }

    /// A UUID in a URL's query is a capability unless its name says id;
    /// in the path it stays visible.
    #[test]
    fn uuids_in_url_queries() {
        let u = "58d20674-8fa2-4616-a710-eb1c354edd66";
        for name in ["k", "token", "access", "key", "apikey", "x"] {
            let t = format!("https://api.example.com/v1/items?limit=5&{name}={u}");
            assert!(!masked(&t).contains(u), "{t}");
        }
        for name in ["id", "tenantId", "subscription", "request_id", "uuid"] {
            let t = format!("https://api.example.com/v1/items?{name}={u}");
            assert!(masked(&t).contains(u), "{t}");
        }
        let p = format!("https://api.example.com/v1/items/{u}/edit");
        assert!(masked(&p).contains(u));
    }

    #[test]
    fn entropy_fallback_spares_config_data() {
        assert!(looks_random("a8Fk2LmQ9zT4xWv7Rb3N"));
        // Judged alike whatever environment name it carries.
        assert_eq!(
            looks_random("LEAKstagingQ8x7Zp3LmN4vB2cX"),
            looks_random("LEAKprodQ8x7Zp3LmN4vB2cX")
        );
        for v in [
            "/var/lib/clickhouse-prod/data/",
            "ctrl+shift+down",
            "123e4567-e89b-12d3-a456-426614174000",
            "ingest-service-v2-worker-pool",
            "registry.internal/api:1.2.0",
            "--replication-factor=3",
            "--data-dir-staging-volume",
            "replicationFactor3x",
        ] {
            assert!(!looks_random(v), "{v}");
        }
    }
}
