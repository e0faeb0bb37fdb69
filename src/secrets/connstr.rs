//! `name=value` credentials inside a longer string: libpq key/value
//! connection strings (`host=db password='a b'`), ODBC/JDBC/ADO.NET
//! (`Server=x;Pwd={a;b};`), URL query parameters (`?token=...&x=1`),
//! command-line flags (`--db-password=x`) and Java properties
//! (`-Dx.keyStorePassword=y`).
//!
//! The rule: a value ends where the *syntax* ends it, not at the first
//! character that often separates things. A quoted value (`'...'`, `"..."`,
//! ODBC `{...}`) runs to its closing quote, honouring `\` escapes and doubled
//! quotes; an unbalanced quote runs to the end of the text (fail closed). An
//! unquoted value runs to whitespace that is not escaped (`\ `), to `;`, or to
//! a `,` / `&` that starts the next `name=` pair — so `password=abc,def` and
//! `password=a&b` are masked whole, while `password=x&sslmode=require` keeps
//! `sslmode` visible.
//!
//! A value that opens with a *doubled* quote (`password=''a b''`) is a quoted
//! value nested in an outer string that escapes quotes by doubling them
//! (postgresql.conf's `primary_conninfo = '... password=''x'' ...'`, SQL
//! literals): it runs to the next doubled quote, or to the end when there is
//! none. An empty value (`''` then a separator or the end) stays empty.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Names whose value is a credential, as the tail of a longer name
/// (`DB_PASSWORD=`, `--db-password=`, `javax.net.ssl.keyStorePassword=`).
static NAME_EQ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:^|[^A-Za-z0-9])(?:[A-Za-z0-9_.-]*?(?:password|pass\s+word|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|credentials?",
        r"|(?:account|sharedaccess|access|private|shared|encryption|signing|master|auth|session|preshared|pre_shared|pre-shared)[_-]?key",
        r"|sharedaccesssignature|psk|bindpw|_auth|basic[_-]?auth|authident|sess(?:ion)?[_-]?id)|pass|pw|auth|sid|session)",
        r"\s*=\s*",
    ))
    .expect("valid static regex")
});

/// Query parameters whose value is a credential.
static QUERY_EQ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)[?&;](?:password|passwd|pwd|pass|token|access_token|refresh_token|id_token|auth|code|key|apikey|api_key|api-key",
        r"|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature",
        r"|x-goog-credential|sessionid|session|jwt|private_token|auth_token|access_key|secret_key)=",
    ))
    .expect("valid static regex")
});

/// Secret values of credential-named `name=value` pairs.
pub fn assignments(text: &str) -> Vec<Range<usize>> {
    NAME_EQ
        .find_iter(text)
        .filter_map(|m| value_at(text, m.end()))
        .collect()
}

/// Secret values of credential-named URL query parameters.
pub fn query(text: &str) -> Vec<Range<usize>> {
    QUERY_EQ
        .find_iter(text)
        .filter_map(|m| {
            let start = m.end();
            let len = text[start..]
                .find(|c: char| c == '&' || c == '#' || c.is_whitespace() || c == '"' || c == '\'')
                .unwrap_or(text.len() - start);
            (len > 0).then(|| start..start + len)
        })
        .collect()
}

/// The value starting at byte `start`, by the rules in the module doc.
pub fn value_at(text: &str, start: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let first = *b.get(start)?;
    let doubled = matches!(first, b'\'' | b'"')
        && b.get(start + 1) == Some(&first)
        && b.get(start + 2).is_some_and(|&c| {
            c != first && !c.is_ascii_whitespace() && !matches!(c, b';' | b',' | b'&')
        });
    let end = match first {
        _ if doubled => doubled_end(b, start, first),
        b'\'' | b'"' | b'{' => quoted_end(b, start),
        _ => unquoted_end(b, start),
    };
    (end > start).then_some(start..end)
}

/// Past the closing doubled quote of a value opened by one, or the end. A
/// quote inside such a value is doubled twice (`''it''''s''`): a run of
/// quotes whose length is a multiple of 4 is escaped quotes, any other run
/// of 2 or more closes the value (after the escaped ones it holds).
fn doubled_end(b: &[u8], start: usize, q: u8) -> usize {
    let mut i = start + 2;
    while i < b.len() {
        if b[i] != q {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|&&c| c == q).count();
        if run >= 2 && run % 4 != 0 {
            return i + run;
        }
        i += run;
    }
    b.len()
}

/// Past the closing quote, or the end of the text when it never closes.
fn quoted_end(b: &[u8], start: usize) -> usize {
    let close = match b[start] {
        b'{' => b'}',
        q => q,
    };
    let mut i = start + 1;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && close != b'}' {
            i += 2;
            continue;
        }
        if c == close {
            // A doubled quote is an escaped quote (ODBC, SQL, ADO.NET).
            if b.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

fn unquoted_end(b: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => {
                i += 2;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'"' | b'\'' | b'`' => return i,
            b',' | b'&' if starts_pair(&b[i + 1..]) => return i,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Whether `b` begins with `name=` (optionally after spaces).
fn starts_pair(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let name_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-')) {
        i += 1;
    }
    i > name_start && b[name_start].is_ascii_alphabetic() && b.get(i) == Some(&b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value opened by a doubled quote runs to the next doubled quote,
    /// whatever it holds (spaces, `;`, `=`, single quotes), in every outer
    /// string; an empty doubled-quote value stays empty.
    #[test]
    fn doubled_quote_values_run_to_the_doubled_close() {
        for secret in ["5KVQfi#T753l", "a b c", "x;y=z", "p@ss:w/rd", "it's"] {
            for q in ['\'', '"'] {
                let quoted = secret.replace(q, &format!("{q}{q}{q}{q}"));
                for outer in [
                    "primary_conninfo = 'host=db user=rep password={v} sslmode=require'",
                    "conn: \"password={v}\"",
                    "password={v}",
                ] {
                    let text = outer.replace("{v}", &format!("{q}{q}{quoted}{q}{q}"));
                    let start = text.find("password=").unwrap() + 9;
                    let r = value_at(&text, start).expect("a value");
                    assert!(
                        text[r.clone()].contains(&quoted) && !text[r.end..].contains(secret),
                        "{text} -> {:?}",
                        &text[r]
                    );
                }
            }
        }
        let text = "host=db password='' sslmode=require";
        let r = value_at(text, 17).unwrap();
        assert_eq!(&text[r], "''");
    }

    fn masked(text: &str, f: fn(&str) -> Vec<Range<usize>>) -> String {
        let mut out = text.to_string();
        for r in f(text).into_iter().rev() {
            out.replace_range(r, "***");
        }
        out
    }

    #[test]
    fn values_end_where_the_syntax_ends_them() {
        for (input, want) in [
            ("password=abc,def", "password=***"),
            ("password=abc&def", "password=***"),
            ("password=abc\\ def host=x", "password=*** host=x"),
            (
                "host=db password='a b\\' c' port=1",
                "host=db password=*** port=1",
            ),
            (
                "host=db password='unbalanced port=1",
                "host=db password=***",
            ),
            ("Server=x;Pwd={a;b}}c};Uid=u", "Server=x;Pwd=***;Uid=u"),
            ("Server=x;Password=\"a\"\"b\";", "Server=x;Password=***;"),
            ("password=x,sslmode=require", "password=***,sslmode=require"),
            ("a=1&password=x&b=2", "a=1&password=***&b=2"),
            (
                "BASIC_AUTH=user:pw1 NEO4J_AUTH=neo4j/pw2",
                "BASIC_AUTH=*** NEO4J_AUTH=***",
            ),
            ("psk=abc bindpw=def", "psk=*** bindpw=***"),
            (
                "jdbc:sqlserver://h;user=u;password=p{w;x",
                "jdbc:sqlserver://h;user=u;password=***;x",
            ),
        ] {
            assert_eq!(masked(input, assignments), want, "{input}");
        }
    }

    #[test]
    fn query_parameters() {
        assert_eq!(
            masked("https://x/cb?code=abc123&state=1", query),
            "https://x/cb?code=***&state=1"
        );
        assert_eq!(
            masked("https://x/?auth=q#f", query),
            "https://x/?auth=***#f"
        );
    }
}
