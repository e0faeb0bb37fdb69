//! Secrets hidden by an encoding: base64 of a PEM key, of a service-account
//! JSON, of `user:password`, of a token (Kubernetes `data:`, Docker's
//! `auths.*.auth`, `BASIC_AUTH_B64`, a key file pasted into a variable).
//!
//! The rule: a base64 run (standard or URL-safe alphabet) of 16+ characters
//! is decoded and the *decoded text* is classified like any value; if it
//! holds a secret, the whole run is masked. Decoding nests (base64 of base64)
//! to a small depth.
//!
//! The same holds for the two other encodings text meets in configuration:
//! - **hex**: a run of 16+ hex digits (even length) whose bytes are text
//!   (UTF-8, no control characters) is an encoding of that text, decoded and
//!   classified; a digest or random key is binary and stays visible.
//! - **percent-encoding**: text with `%XX` escapes is decoded and classified,
//!   repeatedly (a double-encoded `%253D` is decoded twice), with each secret
//!   found mapped back to the escaped bytes that spell it. An escape glued to
//!   a token (`token%3Dkey-…`) would otherwise hide its start.
//!
//! Hand-written rather than the `base64` crate: decoding
//! only, tolerant of missing padding and of both alphabets at once, ~30
//! lines, and it keeps Cargo.lock unchanged for concurrent branches.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/_-]{16,}={0,2}").expect("valid static regex"));

/// How deep encodings are unwrapped.
const DEPTH: u8 = 2;

/// Byte ranges of base64 runs in `text` whose decoded content is secret.
pub fn find(text: &str) -> Vec<Range<usize>> {
    find_at(text, DEPTH)
}

fn find_at(text: &str, depth: u8) -> Vec<Range<usize>> {
    if depth == 0 || text.len() < 16 {
        return Vec::new();
    }
    let mut out = base64_runs(text, depth);
    out.extend(hex_runs(text, depth));
    out.extend(percent_encoded(text, depth));
    out
}

fn base64_runs(text: &str, depth: u8) -> Vec<Range<usize>> {
    RUN.find_iter(text)
        .filter(|m| {
            let run = m.as_str();
            // Words and paths are not encodings: need mixed case or digits.
            run.bytes()
                .any(|b| b.is_ascii_digit() || b == b'+' || b == b'=')
                || (run.bytes().any(|b| b.is_ascii_lowercase())
                    && run.bytes().any(|b| b.is_ascii_uppercase()))
        })
        .filter(|m| decode(m.as_str()).is_some_and(|d| secret_inside(&d, depth)))
        .map(|m| m.range())
        .collect()
}

static HEX_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9A-Fa-f]{16,}").expect("valid static regex"));

/// Hex runs that spell text holding a secret (see the module doc).
fn hex_runs(text: &str, depth: u8) -> Vec<Range<usize>> {
    HEX_RUN
        .find_iter(text)
        .filter(|m| m.len() % 2 == 0)
        .filter(|m| {
            let h = m.as_str().as_bytes();
            let decoded: Vec<u8> = h
                .chunks(2)
                .map(|p| {
                    let d = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                    d(p[0]) * 16 + d(p[1])
                })
                .collect();
            secret_inside(&decoded, depth)
        })
        .map(|m| m.range())
        .collect()
}

/// Percent-encoded secrets (see the module doc), as ranges of `text`.
fn percent_encoded(text: &str, depth: u8) -> Vec<Range<usize>> {
    let Some((decoded, at)) = percent_decode_mapped(text) else {
        return Vec::new();
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return Vec::new();
    };
    let mut found = super::values::secret_parts_plain(&decoded);
    found.extend(find_at(&decoded, depth - 1));
    found
        .into_iter()
        .filter(|r| r.start < r.end)
        .map(|r| at[r.start]..at[r.end])
        .collect()
}

/// `%XX` escapes decoded, with the position in `text` of every decoded
/// byte (and one past the end); `None` when nothing is escaped.
fn percent_decode_mapped(text: &str) -> Option<(Vec<u8>, Vec<usize>)> {
    let b = text.as_bytes();
    let hex = |c: Option<&u8>| c.and_then(|&c| (c as char).to_digit(16));
    if !b
        .windows(3)
        .any(|w| w[0] == b'%' && hex(w.get(1)).is_some() && hex(w.get(2)).is_some())
    {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut at = Vec::with_capacity(b.len() + 1);
    let mut i = 0;
    while i < b.len() {
        at.push(i);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (hex(b.get(i + 1)), hex(b.get(i + 2)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    at.push(b.len());
    Some((out, at))
}

/// Whether decoded bytes hold a secret.
fn secret_inside(decoded: &[u8], depth: u8) -> bool {
    // Binary (a digest, a compressed blob, random bytes) is not a text secret.
    let Ok(text) = std::str::from_utf8(decoded) else {
        return false;
    };
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return false;
    }
    let t = text.trim();
    super::catalogue::is_key_file(t)
        || super::catalogue::contains(t)
        || !super::values::secret_parts_plain(t).is_empty()
        || user_pass(t)
        || !find_at(t, depth - 1).is_empty()
}

/// `user:password` (what HTTP Basic and Docker's `auth` encode).
fn user_pass(t: &str) -> bool {
    let Some((user, pass)) = t.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && user.len() <= 128
        && pass.len() >= 3
        && !user.contains(char::is_whitespace)
        && !pass.contains(char::is_whitespace)
        && !pass.starts_with("//")
}

/// Decode standard or URL-safe base64, padding optional. `None` when it is not base64.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in s.chunks(3) {
            let n = c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - c.len()));
            for i in 0..=c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn decodes_what_it_encodes() {
        for s in [&b"a"[..], b"ab", b"abc", b"hello world!", &[0, 255, 128, 7]] {
            assert_eq!(decode(&b64(s)).as_deref(), Some(s));
        }
    }

    #[test]
    fn encoded_secrets_are_found_and_plain_data_is_not() {
        for secret in [
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
            "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMII\"}",
            "admin:Sup3rS3cret",
            "ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke",
        ] {
            let e = b64(secret.as_bytes());
            assert_eq!(find(&e), std::slice::from_ref(&(0..e.len())), "{secret}");
            let wrapped = format!("value: {e} end");
            assert!(!find(&wrapped).is_empty());
        }
        for plain in [
            "hello world, nothing here",
            "/var/lib/data/x",
            "replicas: 3",
        ] {
            let e = b64(plain.as_bytes());
            assert!(find(&e).is_empty(), "{plain}");
        }
        assert!(find("ingest-service-v2-worker-pool").is_empty());
    }

    /// Percent-encoding as a URL library writes it (unreserved kept).
    fn pct(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    /// Every catalogue token, hex-encoded (both cases) or percent-encoded
    /// once or twice after a glued `name=`, under any wrapping, is found and
    /// the range covers the whole encoding of the token's random part.
    #[test]
    fn hex_and_percent_encoded_tokens_are_found() {
        for e in super::super::catalogue::CATALOGUE {
            let at = e.example.find(e.marker).unwrap() + e.marker.len();
            let random = &e.example[at..];
            if random.len() < 8 {
                continue;
            }
            let hex = e
                .example
                .bytes()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            let once = pct(&format!("token={}", e.example));
            let twice = pct(&once);
            for enc in [hex.clone(), hex.to_uppercase(), once, twice] {
                for wrap in ["{}", "blob: {} end", "\"{}\""] {
                    let text = wrap.replace("{}", &enc);
                    let found = find(&text);
                    let start = text.find(&enc).unwrap();
                    assert!(
                        found.iter().any(|r| r.start <= start + enc.len() - 8 && r.end >= start + enc.len()),
                        "{}: {text} -> {found:?}",
                        e.id
                    );
                }
            }
        }
    }

    /// Binary in hex (digests, random keys) is not text and stays visible;
    /// random text with escapes never panics and ranges stay on boundaries.
    #[test]
    fn digests_stay_visible_and_random_escapes_are_safe() {
        let mut rng = crate::testing::Xorshift(0x2545_f491_4f6c_dd1du64);
        let mut next = || rng.next();
        for len in [16, 20, 32, 64] {
            for _ in 0..50 {
                let hex: String = (0..len).map(|_| format!("{:02x}", next() as u8)).collect();
                assert!(find(&hex).is_empty(), "{hex}");
            }
        }
        const PIECES: &[&str] = &[
            "%",
            "%2",
            "%25",
            "%3D",
            "%E2%82%AC",
            "é",
            "token",
            "=",
            "ghp_",
            "R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke",
            "%C3",
            "41",
            " ",
        ];
        for _ in 0..3000 {
            let n = (next() % 16) as usize;
            let text: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            for r in find(&text) {
                assert!(
                    text.is_char_boundary(r.start)
                        && text.is_char_boundary(r.end)
                        && r.start < r.end,
                    "{text:?} {r:?}"
                );
            }
        }
    }
}
