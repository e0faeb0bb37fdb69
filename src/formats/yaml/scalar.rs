//! Scalar resolution: which kind a YAML scalar has under the YAML 1.2 core
//! schema, and whether YAML 1.1 (still what PyYAML, Ruby's Psych and many
//! hand-rolled tools implement) would read the same spelling differently.
//!
//! Both the event path and the fast path build scalars through
//! [`plain`] and [`quoted`], so they cannot disagree on a resolution.

use crate::model::node::{Scalar, ScalarKind};

/// Ambiguity note for YAML 1.1 booleans such as `yes`, `on`, `N`.
const BOOL_11: &str = "YAML 1.1 reads it as a boolean";
/// Ambiguity note for leading-zero integers such as `0755`.
const OCTAL_11: &str = "YAML 1.1 reads it as an octal number";
/// Ambiguity note for leading-zero integers with an 8 or 9, such as `089`.
const STRING_11: &str = "YAML 1.1 reads it as a string";
/// Ambiguity note for sexagesimal numbers such as `1:20`.
const BASE60_11: &str = "YAML 1.1 reads it as a base-60 number";
/// Ambiguity note for YAML 1.1-only number spellings (`1_000`, `0b101`).
const NUMBER_11: &str = "YAML 1.1 reads it as a number";
/// Ambiguity note for dates such as `2024-01-31`.
const DATE_11: &str = "YAML 1.1 reads it as a date";
/// Ambiguity note for floats whose trailing zero a number reading drops.
const TRAILING_ZERO: &str =
    "read as a number its trailing zero is lost (3.10 is 3.1): quote it if it is a version";

/// The scalar for a plain (unquoted) scalar's text, resolved per the YAML 1.2
/// core schema with its YAML 1.1 ambiguity noted.
pub(super) fn plain(text: String) -> Scalar {
    let (kind, ambiguity) = resolve(&text);
    Scalar {
        text,
        kind,
        ambiguity,
        tag: None,
    }
}

/// The scalar for a quoted or block scalar: always a string.
pub(super) fn quoted(text: String) -> Scalar {
    Scalar::string(text)
}

/// The scalar for a scalar carrying an explicit tag. The tag is recorded,
/// never executed: `!!str` and unknown tags make a string; the core schema
/// tags (`!!null`, `!!bool`, `!!int`, `!!float`) keep the plain resolution.
pub(super) fn tagged(text: String, is_plain: bool, tag: String) -> Scalar {
    let core = matches!(tag.as_str(), "!!null" | "!!bool" | "!!int" | "!!float");
    let mut scalar = if is_plain && core {
        plain(text)
    } else {
        quoted(text)
    };
    scalar.tag = Some(tag);
    scalar
}

/// Resolve a plain scalar's text: its kind and, where YAML 1.1 disagrees, a note.
pub(super) fn resolve(text: &str) -> (ScalarKind, Option<&'static str>) {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return (ScalarKind::Null, None);
    };
    // Most config values start with a letter that no special form starts with.
    if first.is_ascii_alphabetic() && !b"nNtTfFyYoO".contains(&first) {
        return (ScalarKind::Str, None);
    }
    match text {
        "~" | "null" | "Null" | "NULL" => return (ScalarKind::Null, None),
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => {
            return (ScalarKind::Bool, None);
        }
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "on" | "On" | "ON"
        | "off" | "Off" | "OFF" => return (ScalarKind::Str, Some(BOOL_11)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return (ScalarKind::Float, None),
        _ => {}
    }
    if let Some(kind) = number_12(bytes) {
        return (kind, number_ambiguity(bytes, kind));
    }
    (ScalarKind::Str, str_ambiguity(bytes))
}

/// The YAML 1.2 core schema kind of a number spelling, if it is one.
fn number_12(bytes: &[u8]) -> Option<ScalarKind> {
    if let Some(rest) = bytes.strip_prefix(b"0o") {
        return all_nonempty(rest, |b| (b'0'..=b'7').contains(&b)).then_some(ScalarKind::Int);
    }
    if let Some(rest) = bytes.strip_prefix(b"0x") {
        return all_nonempty(rest, |b| b.is_ascii_hexdigit()).then_some(ScalarKind::Int);
    }
    let unsigned = match bytes.first() {
        Some(b'-' | b'+') => &bytes[1..],
        _ => bytes,
    };
    let int_digits = digits(unsigned);
    let mut rest = &unsigned[int_digits..];
    let mut frac_digits = 0;
    let mut is_float = false;
    if let Some(after) = rest.strip_prefix(b".") {
        frac_digits = digits(after);
        rest = &after[frac_digits..];
        is_float = true;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if let Some(after) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exp = match after.first() {
            Some(b'-' | b'+') => &after[1..],
            _ => after,
        };
        if !all_nonempty(exp, |b| b.is_ascii_digit()) {
            return None;
        }
        return Some(ScalarKind::Float);
    }
    if !rest.is_empty() {
        return None;
    }
    Some(if is_float {
        ScalarKind::Float
    } else {
        ScalarKind::Int
    })
}

/// How YAML 1.1 disagrees with a YAML 1.2 number, if it does.
fn number_ambiguity(bytes: &[u8], kind: ScalarKind) -> Option<&'static str> {
    let unsigned = match bytes.first() {
        Some(b'-' | b'+') => &bytes[1..],
        _ => bytes,
    };
    match kind {
        ScalarKind::Int if unsigned.starts_with(b"0o") => Some(STRING_11),
        ScalarKind::Int if unsigned.len() > 1 && unsigned[0] == b'0' && unsigned[1] != b'x' => {
            if unsigned.iter().all(|b| (b'0'..=b'7').contains(b)) {
                Some(OCTAL_11)
            } else {
                Some(STRING_11)
            }
        }
        ScalarKind::Float => {
            let dot = unsigned.iter().position(|&b| b == b'.')?;
            let frac = &unsigned[dot + 1..];
            let plain_frac = frac.iter().all(u8::is_ascii_digit);
            (plain_frac && frac.len() >= 2 && frac.ends_with(b"0")).then_some(TRAILING_ZERO)
        }
        _ => None,
    }
}

/// How YAML 1.1 reads a spelling that YAML 1.2 takes as a string, if differently.
fn str_ambiguity(bytes: &[u8]) -> Option<&'static str> {
    let unsigned = match bytes.first() {
        Some(b'-' | b'+') => &bytes[1..],
        _ => bytes,
    };
    if is_base60(unsigned) {
        return Some(BASE60_11);
    }
    if let Some(rest) = unsigned.strip_prefix(b"0b")
        && all_nonempty(rest, |b| b == b'0' || b == b'1' || b == b'_')
    {
        return Some(NUMBER_11);
    }
    let has_underscore = unsigned.contains(&b'_');
    let digit_start = unsigned.first().is_some_and(u8::is_ascii_digit);
    if has_underscore && digit_start {
        let cleaned: Vec<u8> = unsigned.iter().copied().filter(|&b| b != b'_').collect();
        if number_12(&cleaned).is_some() {
            return Some(NUMBER_11);
        }
    }
    if is_date(bytes) {
        return Some(DATE_11);
    }
    None
}

/// `190:20:30` or `1:20.5`: YAML 1.1 base-60 integers and floats.
fn is_base60(bytes: &[u8]) -> bool {
    let (whole, frac) = match bytes.iter().position(|&b| b == b'.') {
        Some(dot) => (&bytes[..dot], Some(&bytes[dot + 1..])),
        None => (bytes, None),
    };
    if frac.is_some_and(|f| !f.iter().all(|&b| b.is_ascii_digit() || b == b'_')) {
        return false;
    }
    let mut parts = whole.split(|&b| b == b':');
    let Some(head) = parts.next() else {
        return false;
    };
    if !all_nonempty(head, |b| b.is_ascii_digit() || b == b'_') || !head[0].is_ascii_digit() {
        return false;
    }
    let mut count = 0;
    for part in parts {
        count += 1;
        let ok = match part {
            [d] => d.is_ascii_digit(),
            [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    count > 0
}

/// `2024-01-31`, optionally followed by a time: a YAML 1.1 timestamp.
fn is_date(bytes: &[u8]) -> bool {
    let shape = b"dddd-dd-dd";
    if bytes.len() < shape.len() {
        return false;
    }
    let date_ok = shape.iter().zip(bytes).all(|(s, b)| match s {
        b'd' => b.is_ascii_digit(),
        _ => b == s,
    });
    date_ok && matches!(bytes.get(shape.len()), None | Some(b'T' | b't' | b' '))
}

/// Number of leading ASCII digits.
fn digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Whether `bytes` is non-empty and every byte satisfies `pred`.
fn all_nonempty(bytes: &[u8], pred: impl Fn(u8) -> bool) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| pred(b))
}
