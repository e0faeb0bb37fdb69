//! Who signed: a sign-off's `Name <email>`, its optional `# config
//! v2-sha256:...` digest, and the canonical form people are compared by.
//!
//! One person, one count: emails are compared trimmed, lowercased, with a
//! `+tag` dropped from the local part (`ana+cfg@x` is `ana@x`), after the
//! merge base's `.mailmap` maps old addresses to current ones. Dropping
//! tags can only merge identities, never split them, so it can make a
//! self-review visible but never hide one.

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
                    crate::report::escape(rest, 60),
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

impl Mailmap {
    /// Read `.mailmap` text. Lines with two emails map the second (as
    /// committed) to the first (proper); lines with one email only rename.
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
                map.insert(lower(commit), lower(proper));
            }
        }
        Mailmap { map }
    }

    /// The canonical form of `email`.
    pub fn canonical(&self, email: &str) -> String {
        let e = lower(email);
        let e = self.map.get(&e).cloned().unwrap_or(e);
        strip_tag(&e)
    }
}

fn lower(e: &str) -> String {
    e.trim().to_lowercase()
}

fn strip_tag(e: &str) -> String {
    match e.split_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}")
        }
        None => e.to_string(),
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
    fn canonical_identities() {
        let m = Mailmap::parse("Ana Lima <ana@example.com> <ana.old@corp.example>\nBo <bo@x>\n");
        assert_eq!(m.canonical(" Ana.Old@Corp.Example "), "ana@example.com");
        assert_eq!(m.canonical("ANA+cfg@example.com"), "ana@example.com");
        assert_eq!(m.canonical("bo@x"), "bo@x");
    }
}
