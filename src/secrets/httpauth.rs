//! HTTP authentication credentials (RFC 9110 §11), wherever the header's
//! text appears: after `Authorization:`, in a YAML value that holds only the
//! header value (`auth_header: Digest username="u", response="…"`), in a
//! curl line, in prose.
//!
//! The rule, by the two syntaxes a scheme can use:
//! - **token68 schemes** (`Basic`, `Bearer`, `Negotiate`, `NTLM`, `SSWS`,
//!   `Kerberos`, `Token` when the credential has a digit or is 20+ long):
//!   the one credential after the scheme is masked whole;
//! - **parameter schemes** (`Digest`, `Hawk`, `OAuth`, `AWS4-HMAC-SHA256`,
//!   `HMAC-SHA256`, `Signature`, `MAC`, `SharedKey`, `SharedKeyLite`,
//!   `AWS`): after the scheme, every parameter that *is* the proof or the
//!   bearer credential is masked (`response`, `mac`, `oauth_signature`,
//!   `oauth_token`, `Signature`, `signature`, `sig`, `password`), a quoted
//!   value to its closing quote; `SharedKey account:<sig>` and `AWS
//!   <akid>:<sig>` lose what follows the colon. Parameters that identify or
//!   describe (`username`, `realm`, `nonce`, `Credential=AKIA…/…`,
//!   `SignedHeaders`) stay visible: a reviewer needs them and they grant
//!   nothing.
//!
//! A scheme word counts only as a word of its own followed by whitespace,
//! so `BasicAuth` or `digest:` in prose is not a scheme.

use std::ops::Range;

/// Schemes whose credential is one token after the scheme.
const TOKEN68: &[&str] = &[
    "basic",
    "bearer",
    "negotiate",
    "ntlm",
    "ssws",
    "kerberos",
    "token",
];

/// Schemes whose credential is in `name=value` parameters.
const PARAM_SCHEMES: &[&str] = &[
    "digest",
    "hawk",
    "oauth",
    "aws4-hmac-sha256",
    "aws4-ecdsa-p256-sha256",
    "hmac-sha256",
    "signature",
    "mac",
    "sharedkey",
    "sharedkeylite",
    "aws",
];

/// Parameters that are the proof or the credential itself.
const CRED_PARAMS: &[&str] = &[
    "response",
    "mac",
    "oauth_signature",
    "oauth_token",
    "signature",
    "sig",
    "password",
    "access_token",
];

/// Credential ranges of HTTP authentication schemes in `text`.
pub fn find(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // A word: starts after a non-word byte (or `:`/`"`), made of [A-Za-z0-9-].
        if !b[i].is_ascii_alphabetic() || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_word(b[i]) {
            i += 1;
        }
        let word = text[start..i].to_ascii_lowercase();
        let ws = b[i..]
            .iter()
            .take_while(|c| **c == b' ' || **c == b'\t')
            .count();
        if ws == 0 {
            continue;
        }
        let after = i + ws;
        if TOKEN68.contains(&word.as_str()) {
            let len = b[after..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || b"._~+/=-:%".contains(c))
                .count();
            let cred = &text[after..after + len];
            let strong = word != "token"
                || cred.bytes().any(|c| c.is_ascii_digit()) && cred.len() >= 8
                || cred.len() >= 20;
            if len >= 8 && strong {
                out.push(after..after + len);
            }
        } else if PARAM_SCHEMES.contains(&word.as_str()) {
            out.extend(params(text, after, &word));
        }
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// The credential parameters of a parameter scheme whose parameters start at `from`.
fn params(text: &str, from: usize, scheme: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    // `SharedKey account:<signature>`, `AWS <akid>:<signature>`.
    if matches!(scheme, "sharedkey" | "sharedkeylite" | "aws") {
        let len = b[from..]
            .iter()
            .take_while(|c| !c.is_ascii_whitespace() && !b"\"',;".contains(c))
            .count();
        if let Some(c) = text[from..from + len].find(':')
            && len > c + 1
        {
            out.push(from + c + 1..from + len);
        }
        return out;
    }
    let mut i = from;
    while i < b.len() {
        let name_start = i;
        while i < b.len() && is_word(b[i]) {
            i += 1;
        }
        let name = &text[name_start..i];
        let eq = b[i..].iter().take_while(|c| **c == b' ').count();
        if name.is_empty() || b.get(i + eq) != Some(&b'=') {
            // Not a parameter: the scheme's parameter list ended.
            if name.is_empty()
                && i < b.len()
                && matches!(b[i], b',' | b' ' | b'&' | b'\t' | b'"' | b'\\')
            {
                i += 1;
                continue;
            }
            break;
        }
        i += eq + 1;
        i += b[i..].iter().take_while(|c| **c == b' ').count();
        let Some(v) = value(b, i) else {
            break;
        };
        if CRED_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name)) {
            out.push(v.clone());
        }
        i = v.end;
    }
    out
}

/// A parameter value at `start`: quoted to its closing quote (with `\`
/// escapes; an unbalanced quote runs to the end), else to `,`, `&`,
/// whitespace or a quote.
fn value(b: &[u8], start: usize) -> Option<Range<usize>> {
    if start >= b.len() {
        return None;
    }
    // A JSON-escaped quote (`response=\"…\"`) quotes like `"`.
    if b[start] == b'\\' && b.get(start + 1) == Some(&b'"') {
        let rest = &b[start + 2..];
        let end = rest
            .windows(2)
            .position(|w| w == b"\\\"")
            .unwrap_or(rest.len());
        return Some(start + 2..start + 2 + end);
    }
    if b[start] == b'"' {
        let mut i = start + 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return Some(start + 1..i),
                _ => i += 1,
            }
        }
        return Some(start + 1..b.len());
    }
    let len = b[start..]
        .iter()
        .take_while(|c| !c.is_ascii_whitespace() && !b",&\"'".contains(c))
        .count();
    (len > 0).then_some(start..start + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(t: &str) -> String {
        crate::secrets::masked(t, find(t))
    }

    /// Every scheme, in every placement (after `Authorization:`, alone as a
    /// value, in a curl line, quoted in JSON), with several credential
    /// shapes: the credential never survives, the scheme and the public
    /// parameters do.
    #[test]
    fn every_scheme_in_every_placement() {
        let creds = [
            "Zm9vOmJhcg==",
            "X114yFlLFYhZDtLs6Ibs7TyM",
            "6629fae49393a05397450978507c4ef1",
            "a1b2c3d4e5f6g7h8",
        ];
        let placements: &[fn(&str) -> String] = &[
            |h| format!("Authorization: {h}"),
            |h| h.to_string(),
            |h| format!("curl -H 'Authorization: {h}' https://x.example.com"),
            |h| format!("{{\"Authorization\": \"{}\"}}", h.replace('"', "\\\"")),
            |h| format!("Proxy-Authorization: {h}\r\n"),
        ];
        for c in creds {
            let headers = [
                format!("Basic {c}"),
                format!("Bearer {c}"),
                format!("Negotiate {c}"),
                format!("NTLM {c}"),
                format!(
                    "Digest username=\"u\", realm=\"r\", nonce=\"n1\", uri=\"/\", response=\"{c}\""
                ),
                format!("Digest username=u,response={c},qop=auth"),
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range, Signature={c}"
                ),
                format!(
                    "Hawk id=\"dh37fgj492je\", ts=\"1353832234\", nonce=\"j4h3g2\", mac=\"{c}\""
                ),
                format!(
                    "OAuth oauth_consumer_key=\"k\", oauth_token=\"{c}\", oauth_signature=\"{c}%3D\""
                ),
                format!("SharedKey myaccount:{c}"),
                format!("AWS AKIAIOSFODNN7EXAMPLE:{c}"),
                format!("HMAC-SHA256 SignedHeaders=x-ms-date;host&Signature={c}"),
            ];
            for h in &headers {
                for p in placements {
                    let t = p(h);
                    let m = masked(&t);
                    assert!(!m.contains(c), "{t:?} -> {m:?}");
                }
            }
        }
        let m = masked("Digest username=\"alice\", realm=\"r\", response=\"abcdef0123456789\"");
        assert!(m.contains("alice") && m.contains("realm"), "{m}");
    }

    #[test]
    fn prose_is_not_a_scheme() {
        for t in [
            "Basic setup",
            "digest: sha256",
            "the OAuth flow",
            "BasicAuth enabled",
            "a token is",
        ] {
            assert_eq!(masked(t), t);
        }
    }
}
