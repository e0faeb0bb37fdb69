//! Who signed: a sign-off's `Name <email>`, its optional `# config
//! v2-sha256:...` digest, and the canonical form people are compared by.
//!
//! One person, one count: emails are compared in one spelling ([`normalise`]:
//! trimmed, NFC, lowercased, `+tag` dropped, IDNA ASCII domain), then mapped
//! by the merge base's `.mailmap`, and again, to a fixed point
//! ([`Mailmap::canonical`]). Dropping tags can only merge identities, never
//! split them, so it can make a self-review visible but never hide one.

use std::collections::HashMap;

/// A parsed sign-off value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The name as written.
    pub name: String,
    /// The email as written.
    pub email: String,
    /// `v2-sha256:...` after `# config`, if given (lowercased).
    pub digest: Option<String>,
}

/// Parse `Ana Lima <ana@example.com> # config v2-sha256:` + 32 hex.
///
/// # Errors
/// Why the value does not name a person.
pub fn parse_signer(value: &str) -> Result<Signer, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("the value is empty".into());
    }
    if value.chars().any(char::is_control) {
        return Err("the value holds control characters".into());
    }
    let (Some(open), Some(close)) = (value.find('<'), value.find('>')) else {
        return Err("no `<email>`: a sign-off must read `Name <email>`".into());
    };
    if close < open {
        return Err("no `<email>`: a sign-off must read `Name <email>`".into());
    }
    let email = value[open + 1..close].trim();
    if !email.contains('@')
        || email.contains(char::is_whitespace)
        || email.starts_with('@')
        || email.ends_with('@')
    {
        return Err(format!("`{email}` is not an email address"));
    }
    if value[close + 1..].contains('<') {
        return Err("two `<email>`s in one sign-off: one person per line".into());
    }
    let name = value[..open].trim().to_string();
    let rest = value[close + 1..].trim();
    let digest = if rest.is_empty() {
        None
    } else {
        let d = rest
            .strip_prefix('#')
            .map(str::trim)
            .and_then(|r| r.strip_prefix("config"))
            .map(str::trim)
            .map(str::to_ascii_lowercase);
        match d {
            Some(d) if super::digest::is_current(&d) => Some(d),
            Some(d) if super::digest::is_legacy(&d) => {
                return Err(format!(
                    "`{d}` is a 64-bit digest from an older driftcheck, too short to bind a review: run `driftcheck approve` again for a `{}` digest",
                    super::digest::PREFIX
                ));
            }
            _ => {
                return Err(format!(
                    "unexpected text after the email: `{}` (a digest reads `# config {}` and {} hex digits)",
                    crate::report::escape(&crate::secrets::mask_line(rest), 60),
                    super::digest::PREFIX,
                    super::digest::HEX_LEN
                ));
            }
        }
    };
    Ok(Signer {
        name,
        email: email.to_string(),
        digest,
    })
}

/// Old email → current email, from a `.mailmap`.
#[derive(Debug, Default, Clone)]
pub struct Mailmap {
    map: HashMap<String, String>,
}

/// Most mailmap hops followed for one address (a longer chain is a cycle
/// or an attack; the smallest address met stands for all of them).
const MAX_HOPS: usize = 64;

impl Mailmap {
    /// Read `.mailmap` text. Lines with two emails map the second (as
    /// committed) to the first (proper); lines with one email only rename.
    /// Both sides are normalised ([`normalise`]) before they are stored.
    pub fn parse(text: &str) -> Mailmap {
        let mut map = HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let emails: Vec<&str> = line
                .split('<')
                .skip(1)
                .filter_map(|part| part.split_once('>').map(|(e, _)| e.trim()))
                .collect();
            if let [proper, commit] = emails[..] {
                let (from, to) = (normalise(commit), normalise(proper));
                if from != to {
                    map.insert(from, to);
                }
            }
        }
        Mailmap { map }
    }

    /// The canonical form of `email`: a fixed point of "normalise, then
    /// map". The tag is dropped *before* the map is consulted (so
    /// `old+x@corp` is mapped like `old@corp`), the map is followed
    /// transitively (`a -> b -> c` is `c`), and a cycle stands for its
    /// smallest member, so every address of one person gives one answer.
    pub fn canonical(&self, email: &str) -> String {
        let mut e = normalise(email);
        let mut seen: Vec<String> = Vec::new();
        while let Some(next) = self.map.get(&e) {
            seen.push(e.clone());
            let next = normalise(next);
            if seen.contains(&next) || seen.len() > MAX_HOPS {
                let start = seen.iter().position(|s| *s == next).unwrap_or(0);
                return seen[start..].iter().min().cloned().unwrap_or(next);
            }
            e = next;
        }
        e
    }
}

/// One spelling per address: trimmed, Unicode NFC, lowercase, the local
/// part's `+tag` dropped, and the domain in its IDNA ASCII form (so
/// `ana@BÜCHER.example` and `ana@xn--bcher-kva.example` are one address).
/// Normalising again changes nothing.
pub fn normalise(email: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    // ASCII is already NFC, and an ASCII domain without punycode labels is
    // its own IDNA form once lowercased: the common case, done cheaply.
    let trimmed = email.trim();
    if trimmed.is_ascii() && !trimmed.to_ascii_lowercase().contains("xn--") {
        let e = trimmed.to_ascii_lowercase();
        return match e.rsplit_once('@') {
            Some((local, domain)) => {
                let local = local.split('+').next().unwrap_or(local);
                format!("{local}@{domain}")
            }
            None => e,
        };
    }
    let e: String = email.trim().nfc().collect::<String>().to_lowercase();
    let e: String = e.nfc().collect();
    match e.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            let domain = idna::domain_to_ascii(domain)
                .ok()
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| domain.to_string());
            format!("{local}@{domain}")
        }
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signers_and_digests() {
        let s = parse_signer(
            "Ana Lima <ana@example.com> # config v2-sha256:1F3C9A0B2D4E5F601F3C9A0B2D4E5F60",
        )
        .unwrap();
        assert_eq!(s.email, "ana@example.com");
        assert_eq!(
            s.digest.as_deref(),
            Some("v2-sha256:1f3c9a0b2d4e5f601f3c9a0b2d4e5f60")
        );
        let old = parse_signer("Ana <ana@example.com> # config sha256:1f3c9a0b2d4e5f60");
        assert!(old.unwrap_err().contains("64-bit digest"));
        assert!(parse_signer("A <a@x> # config v2-sha256:1f3c").is_err());
        assert!(parse_signer("Ana Lima").is_err());
        assert!(parse_signer("").is_err());
        assert!(parse_signer("A <a@x> B <b@x>").is_err());
        assert!(parse_signer("A <a@x> looks fine to me").is_err());
        assert!(parse_signer("A <not-an-email>").is_err());
    }

    #[test]
    fn canonical_is_a_fixed_point_over_chains_tags_and_domains() {
        // Chains of every length up to 12, tags on every hop, case and
        // Unicode spellings of the domain: one answer, stable when fed back.
        for n in 1..=12usize {
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&format!(
                    "P <p{}@example.com> <p{i}+old@Example.COM>\n",
                    i + 1
                ));
            }
            let m = Mailmap::parse(&text);
            for i in 0..=n {
                for spelling in [
                    format!("p{i}@example.com"),
                    format!("P{i}+tag@EXAMPLE.com"),
                    format!(" p{i}+a+b@example.com "),
                ] {
                    let c = m.canonical(&spelling);
                    assert_eq!(c, format!("p{n}@example.com"), "{spelling} (chain {n})");
                    assert_eq!(m.canonical(&c), c);
                }
            }
        }
        let cycle = Mailmap::parse("<b@x> <a@x>\n<c@x> <b@x>\n<a@x> <c@x>\n");
        for e in ["a@x", "b@x", "c@x", "B+t@X"] {
            assert_eq!(cycle.canonical(e), "a@x", "{e}");
        }
        let idn = Mailmap::default();
        assert_eq!(
            idn.canonical("Ana@BÜCHER.example"),
            idn.canonical("ana@xn--bcher-kva.example")
        );
        // NFD and NFC spellings of one local part.
        assert_eq!(idn.canonical("jose\u{301}@x"), idn.canonical("jos\u{e9}@x"));
        // Mapped after the tag is dropped: `old+x@` cannot escape the map.
        let m = Mailmap::parse("Ana <ana@example.com> <old@corp.example>\n");
        assert_eq!(m.canonical("old+x@corp.example"), "ana@example.com");
    }

    #[test]
    fn canonical_identities() {
        let m = Mailmap::parse("Ana Lima <ana@example.com> <ana.old@corp.example>\nBo <bo@x>\n");
        assert_eq!(m.canonical(" Ana.Old@Corp.Example "), "ana@example.com");
        assert_eq!(m.canonical("ANA+cfg@example.com"), "ana@example.com");
        assert_eq!(m.canonical("bo@x"), "bo@x");
    }
}
