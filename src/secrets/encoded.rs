//! Secrets hidden by an encoding: base64 of a PEM key, of a service-account
//! JSON, of `user:password`, of a token (Kubernetes `data:`, Docker's
//! `auths.*.auth`, `BASIC_AUTH_B64`, a key file pasted into a variable).
//!
//! The rule: a base64 run (standard or URL-safe alphabet) of 16+ characters
//! is decoded and the *decoded text* is classified like any value; if it
//! holds a secret, the whole run is masked. Decoding nests (base64 of base64)
//! to a small depth. Hand-written rather than the `base64` crate: decoding
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
}
