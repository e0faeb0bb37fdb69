//! Who signed: a sign-off's `Name <email>`, its optional `# config
//! v2-sha256:...` digest, and the canonical form people are compared by.
//!
//! One person, one count: emails are compared in one spelling ([`normalise`]:
//! trimmed, invisible characters stripped, NFKC, lowercased, quotes and
//! `+tag` dropped, trailing dots dropped, IDNA ASCII domain), then mapped
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
                    crate::text::escape(&crate::secrets::mask_line(rest), 60),
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
    /// Read `.mailmap` text as git reads it (`mailmap.c`, `read_mailmap_line`):
    /// a line starting with `#` is a comment (a `#` elsewhere is text, as in
    /// git); the first `<...>` (non-empty) is the proper address, the first
    /// `<...>` after it the address as committed; text after that is
    /// ignored. Lines with one address only rename and map nothing here.
    /// Both sides are normalised ([`normalise`]) before they are stored.
    ///
    /// Why not libgit2's mailmap: it matches entries as written, and the
    /// gate compares normalised addresses (`Old+x@Corp` is `old@corp`), so
    /// the entries themselves must be normalised. An entry that names the
    /// committed name too (`Proper <p@x> Commit <c@x>`) maps the address
    /// whatever the name: mapping can only merge identities (see the
    /// module doc). A test compares this reader with `git check-mailmap`.
    pub fn parse(text: &str) -> Mailmap {
        let mut map = HashMap::new();
        for line in text.split('\n') {
            if let Some((proper, commit)) = mailmap_line(line)
                && let Some(commit) = commit
            {
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

/// The proper and (if any) committed address of one `.mailmap` line, split
/// as git splits it: `None` for a comment or a line without a non-empty
/// first `<...>`; the second address may be empty (`<>`).
fn mailmap_line(line: &str) -> Option<(&str, Option<&str>)> {
    if line.starts_with('#') {
        return None;
    }
    let (proper, rest) = address(line, false)?;
    let commit = if rest.is_empty() {
        None
    } else {
        address(rest, true).map(|(c, _)| c)
    };
    Some((proper, commit))
}

/// The first `<...>` of `s` and the text after its `>`; an empty address
/// only when `allow_empty`.
fn address(s: &str, allow_empty: bool) -> Option<(&str, &str)> {
    let left = s.find('<')?;
    let right = left + 1 + s[left + 1..].find('>')?;
    (allow_empty || right > left + 1).then(|| (&s[left + 1..right], &s[right + 1..]))
}

/// One spelling per address, so a look-alike of an address is that address.
///
/// Rule (the class: two spellings a person reads as one address must be one
/// identity, or an author reviews herself with a look-alike and a reviewer is
/// counted twice): every transformation here can only *merge* addresses,
/// never split one, so it can reveal a self-review but never hide one.
///
/// 1. Invisible characters are **stripped**, not refused: Unicode format
///    characters (category Cf: U+200B–U+200F, U+00AD soft hyphen, U+2060,
///    U+FEFF, bidi controls, tags) and the other default-ignorable code
///    points (variation selectors, U+034F, Hangul fillers). Refusing would
///    only drop the sign-off; stripping also shows the author's own.
/// 2. Unicode NFKC and lowercase (fullwidth `ｍａｌ` and `ＭＡＬ` are `mal`).
/// 3. A quoted local part is unquoted (`"mal"@x` is `mal@x`; `\` escapes
///    are resolved), then its `+tag` dropped.
/// 4. The domain loses trailing dots (`example.com.` is the fully qualified
///    spelling of `example.com`) and takes its IDNA ASCII form
///    (`ana@BÜCHER.example` is `ana@xn--bcher-kva.example`).
///
/// Normalising again changes nothing.
pub fn normalise(email: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let trimmed = email.trim();
    // ASCII is already NFKC and has no invisible characters: done cheaply.
    let e: String = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        use unicode_normalization::{IsNormalized, is_nfkc_quick};
        // NFKC only where the quick check cannot say "already NFKC".
        let nfkc = |s: String| match is_nfkc_quick(s.chars()) {
            IsNormalized::Yes => s,
            _ => s.nfkc().collect(),
        };
        let visible: String = trimmed.chars().filter(|c| !invisible(*c)).collect();
        let folded = nfkc(nfkc(visible).to_lowercase());
        if folded.chars().any(invisible) {
            folded.chars().filter(|c| !invisible(*c)).collect()
        } else {
            folded
        }
    };
    let e = e.trim();
    match e.rsplit_once('@') {
        Some((local, domain)) => {
            let local = unquote(local.trim());
            let local = local.split('+').next().unwrap_or(&local).to_string();
            format!("{local}@{}", canonical_domain(domain.trim()))
        }
        None => e.to_string(),
    }
}

/// Whether `c` is invisible: a format character (Cf) or another
/// default-ignorable code point.
fn invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};
    // Below U+0600 the only Cf character is the soft hyphen and the only
    // other one listed is U+034F (a test checks every code point): most
    // addresses need no table lookup.
    if (c as u32) < 0x600 {
        return matches!(c, '\u{00AD}' | '\u{034F}');
    }
    c.general_category() == GeneralCategory::Format
        || matches!(c,
            '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}' | '\u{E0000}'..='\u{E0FFF}')
}

/// `"ma\l"` is `mal`: a quoted local part names the same mailbox as its
/// unquoted spelling when that spelling is valid.
fn unquote(local: &str) -> String {
    let Some(inner) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) else {
        return local.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// The domain without trailing dots, in IDNA ASCII form.
fn canonical_domain(domain: &str) -> String {
    let domain = domain.trim_end_matches('.');
    let ascii = if domain.is_ascii() && !domain.contains("xn--") {
        domain.to_string()
    } else {
        idna::domain_to_ascii(domain)
            .ok()
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| domain.to_string())
    };
    ascii.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invisible_fast_path_agrees_with_the_tables() {
        use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};
        for c in (0..0x600u32).filter_map(char::from_u32) {
            let slow = c.general_category() == GeneralCategory::Format || c == '\u{034F}';
            assert_eq!(invisible(c), slow, "{:04X}", c as u32);
        }
    }

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
    fn look_alikes_are_one_identity_at_every_placement() {
        // Every invisible character, at every position of the address,
        // one or two at a time, with every other spelling variant on top.
        let invisibles = [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{00AD}',
            '\u{FEFF}',
            '\u{2060}',
            '\u{200E}',
            '\u{202E}',
            '\u{2066}',
            '\u{180E}',
            '\u{FE0F}',
            '\u{E0041}',
        ];
        let base = "mal@example.com";
        let m = Mailmap::default();
        let want = m.canonical(base);
        assert_eq!(want, "mal@example.com");
        let n = base.chars().count();
        for inv in invisibles {
            for i in 0..=n {
                for j in i..=n {
                    let mut s: Vec<char> = base.chars().collect();
                    s.insert(j, inv);
                    s.insert(i, inv);
                    let spelled: String = s.into_iter().collect();
                    for variant in [
                        spelled.clone(),
                        spelled.to_uppercase(),
                        format!("{spelled}."),
                        spelled.replacen("mal", "mal+x", 1),
                    ] {
                        assert_eq!(m.canonical(&variant), want, "{variant:?}");
                    }
                }
            }
        }
        for spelled in [
            "mal@example.com.",
            "mal@example.com..",
            "\"mal\"@example.com",
            "\"m\\al\"@example.com",
            "\"mal+tag\"@EXAMPLE.com.",
            "MAL@EXAMPLE.COM",
            "mal+x@example.com",
            "\u{FF4D}\u{FF41}\u{FF4C}@example.com",
            "mal\u{FF20}example.com",
            "mal@EXAMPLE\u{3002}com",
        ] {
            assert_eq!(m.canonical(spelled), want, "{spelled:?}");
            assert_eq!(normalise(&normalise(spelled)), normalise(spelled));
        }
        // IDNA: Unicode, uppercase Unicode and punycode spellings, with a
        // trailing dot, are one domain.
        for d in [
            "bücher.example",
            "BÜCHER.example.",
            "xn--bcher-kva.example",
            "bu\u{308}cher.example",
        ] {
            assert_eq!(
                m.canonical(&format!("ana@{d}")),
                "ana@xn--bcher-kva.example",
                "{d}"
            );
        }
    }

    #[test]
    fn canonical_identities() {
        let m = Mailmap::parse("Ana Lima <ana@example.com> <ana.old@corp.example>\nBo <bo@x>\n");
        assert_eq!(m.canonical(" Ana.Old@Corp.Example "), "ana@example.com");
        assert_eq!(m.canonical("ANA+cfg@example.com"), "ana@example.com");
        assert_eq!(m.canonical("bo@x"), "bo@x");
    }
}
