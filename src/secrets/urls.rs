//! Credentials inside URLs, beyond userinfo passwords (`values.rs`):
//! random-looking path segments and query values (webhook, signed and
//! capability URLs), percent-encoded values decoded and classified, UUIDs
//! as query values, and token-shaped user names.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::values::{is_reference, is_uuid, looks_random, secret_parts_plain};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid static regex")
}

/// In a URL, a path segment or query value that looks like a random token
/// is a credential (webhook paths, signed and capability URLs): masked.
/// Lowercase hex of 40 or 64 characters (a commit or a sha256 digest) is
/// shown, since its drift is what a reviewer needs to see.
pub(super) fn random_segments(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for m in URL.find_iter(text) {
        let url = m.as_str();
        let Some(scheme_end) = url.find("://") else {
            continue;
        };
        let mut at = scheme_end + 3;
        for piece in url[scheme_end + 3..].split(['/', '?', '&', '=', '#', ';']) {
            let start = m.start() + at;
            at += piece.len() + 1;
            // A query value may be a short password (12+, see
            // `looks_random_short`); a path segment must be 20+.
            let query_value = url.as_bytes().get(at - piece.len() - 2) == Some(&b'=');
            let min = if query_value { 12 } else { 20 };
            if piece.len() < min || start == m.start() + scheme_end + 3 {
                continue; // the host
            }
            // A percent-encoded value is decoded and classified like any value.
            if piece.contains('%')
                && let Some(decoded) = percent_decode(piece)
                && (!secret_parts_plain(&decoded).is_empty() || looks_random(&decoded))
            {
                out.push(start..start + piece.len());
                continue;
            }
            let digest = matches!(piece.len(), 40 | 64)
                && piece
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !digest && looks_random(piece) {
                out.push(start..start + piece.len());
            }
        }
    }
    out
}

/// `%XX` escapes decoded (`+` kept); `None` when nothing was escaped or
/// the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut any = false;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            any = true;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    if any {
        String::from_utf8(out).ok()
    } else {
        None
    }
}

/// A UUID as the value of a URL query parameter is a capability key
/// (`?k=<uuid>`, `?token=<uuid>`, `?access=<uuid>`) unless the parameter's
/// name says it identifies something (`id`, `*_id`, `tenantId`, `uuid`,
/// `ref`, `subscription`, `request`): ids in URLs live in those names or in
/// the path, and the path's UUIDs stay visible.
pub(super) fn query_uuids(text: &str) -> Vec<Range<usize>> {
    const ID_PARAMS: &[&str] = &[
        "tenant",
        "subscription",
        "resource",
        "object",
        "request",
        "trace",
        "correlation",
        "project",
        "workspace",
        "org",
        "organization",
        "account",
        "user",
        "client",
        "app",
        "item",
        "page",
        "ref",
        "run",
        "job",
        "build",
        "version",
        "instance",
        "node",
    ];
    let mut out = Vec::new();
    for m in URL.find_iter(text) {
        let url = m.as_str();
        let Some(q) = url.find('?') else {
            continue;
        };
        let mut at = m.start() + q + 1;
        for pair in url[q + 1..].split(['&', ';', '#']) {
            let start = at;
            at += pair.len() + 1;
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let toks = super::keys::tokens(name);
            let id_name = super::keys::is_digest_name(name)
                || toks.iter().any(|t| ID_PARAMS.contains(&t.as_str()));
            if is_uuid(value) && !id_name {
                let v = start + name.len() + 1;
                out.push(v..v + value.len());
            }
        }
    }
    out
}

/// A URL's user name that is a credential (`https://<token>@sentry.io/1`,
/// `https://<token>:x-oauth-basic@github.com`): 12+ characters mixing
/// letters and digits. Plain user names (`app`, `deploy`) stay visible.
pub(super) fn token_users(text: &str) -> Vec<Range<usize>> {
    URL_USER
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .filter(|m| {
            let u = m.as_str();
            u.len() >= 12
                && u.bytes().any(|b| b.is_ascii_digit())
                && u.bytes().any(|b| b.is_ascii_alphabetic())
                && !is_reference(u)
        })
        .map(|m| m.range())
        .collect()
}

static URL_USER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[a-z][a-z0-9+.-]{1,20}://([^/\s:@]{12,256})(?::[^@\s/]*)?@"));

static URL: LazyLock<Regex> = LazyLock::new(|| re(r#"(?i)[a-z][a-z0-9+.-]{1,20}://[^\s"'<>`]+"#));
