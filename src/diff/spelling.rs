//! Equivalent spellings (docs/alignment.md, "Values"): two values that say
//! the same thing in different words are not drift.
//! - booleans compare by truth: YAML `True` and `true`;
//! - durations compare by length: `720m`, `720m0s` and `12h` (Go/Flux/Kubernetes
//!   `h`/`m`/`s`/`ms` units);
//! - paths compare without a trailing slash: `/var/log/app` and `/var/log/app/`.
//!
//! Masked values are never respelled (their text is not known).

use crate::model::value::{Value, ValueKind};

/// The canonical spelling of a value's normalised text, if it has one.
pub fn canonical(v: &Value) -> Option<String> {
    if v.secrecy.is_masked() {
        return None;
    }
    let text = v.norm().trim_matches('"');
    match v.kind {
        ValueKind::Bool => Some(text.to_ascii_lowercase()),
        ValueKind::Str => duration_ms(text)
            .map(|ms| format!("duration:{ms}"))
            .or_else(|| {
                (text.len() > 1 && text.starts_with('/') && text.ends_with('/'))
                    .then(|| text.trim_end_matches('/').to_string())
            }),
        _ => None,
    }
}

/// Whether every value has the same canonical spelling (and one has any).
pub fn equivalent(values: &[(usize, &Value)]) -> bool {
    let canon = |v: &Value| canonical(v).unwrap_or_else(|| v.norm().to_string());
    let Some((_, first)) = values.first() else {
        return false;
    };
    let kind = |v: &Value| match v.kind {
        ValueKind::Bool => 0,
        _ => 1,
    };
    values.iter().any(|(_, v)| canonical(v).is_some())
        && values
            .iter()
            .all(|(_, v)| kind(v) == kind(first) && canon(v) == canon(first))
}

/// `1h30m`, `720m0s`, `500ms`, `10s` in milliseconds; `None` for anything else.
fn duration_ms(s: &str) -> Option<u64> {
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (1, 2)
        } else if rest.starts_with('h') {
            (3_600_000, 1)
        } else if rest.starts_with('m') {
            (60_000, 1)
        } else if rest.starts_with('s') {
            (1_000, 1)
        } else {
            return None;
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = &rest[len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::duration_ms;

    #[test]
    fn durations() {
        assert_eq!(duration_ms("720m"), duration_ms("720m0s"));
        assert_eq!(duration_ms("12h"), duration_ms("720m"));
        assert_eq!(duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(duration_ms("500ms"), Some(500));
        for no in ["", "m", "10", "10x", "10 m", "-5m", "1.5h"] {
            assert_eq!(duration_ms(no), None, "{no}");
        }
        assert_ne!(duration_ms("15m0s"), duration_ms("5m"));
    }
}
