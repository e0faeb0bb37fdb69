//! R7 of the adversarial gate review: look-alike addresses are one person.
//! An author cannot review her own change with a spelling of her address
//! the canonicaliser did not fold, and one reviewer is never counted twice
//! (src/gate/identity.rs, `normalise`). Real repositories, one per case.

use crate::gate_catalogue::{ANA, Repo, msg, reviewed_by};

/// Every look-alike shape: invisible characters (stripped) at several
/// placements, a trailing dot, a quoted local part, case, tags, fullwidth
/// letters, and the Unicode spelling of an IDNA domain.
fn look_alikes(local: &str, domain: &str) -> Vec<String> {
    let mut out = Vec::new();
    for inv in [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{00AD}', '\u{FEFF}', '\u{2060}',
    ] {
        let n = local.chars().count();
        for at in [0, n / 2, n] {
            let mut l: Vec<char> = local.chars().collect();
            l.insert(at, inv);
            let l: String = l.into_iter().collect();
            out.push(format!("{l}@{domain}"));
        }
        out.push(format!("{local}@{inv}{domain}"));
    }
    out.extend([
        format!("{local}@{domain}."),
        format!("\"{local}\"@{domain}"),
        format!("{}@{}", local.to_uppercase(), domain.to_uppercase()),
        format!("{local}+review@{domain}."),
        format!(
            "{}@{domain}",
            local
                .chars()
                .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                .collect::<String>()
        ),
    ]);
    out
}

/// The author's own look-alike sign-off is not a peer's.
#[test]
fn an_author_cannot_review_herself_with_a_look_alike_address() {
    for spelled in look_alikes("mal", "example.com") {
        let r = Repo::standard("");
        r.raise_timeout();
        r.git(&["add", "-A"]);
        r.commit(&msg(&format!("Reviewed-by: Mallory <{spelled}>")));
        let g = r.gate_main();
        g.assert_refused();
        g.assert_signoff("Mallory", false, "not a peer: mal@example.com");
    }
}

/// Two spellings of one reviewer count once: `required = 2` is not met.
#[test]
fn a_reviewer_is_not_counted_twice_through_a_look_alike() {
    for spelled in look_alikes("ana", "example.com").into_iter().step_by(3) {
        let r = Repo::standard("[review]\nrequired = 2\n");
        r.raise_timeout();
        r.git(&["add", "-A"]);
        r.commit(&msg(&format!(
            "{}\nReviewed-by: Ana <{spelled}>",
            reviewed_by(ANA)
        )));
        let g = r.gate_main();
        g.assert_refused();
        g.assert_short_of_signoffs(1);
    }
}

/// IDNA: a domain in Unicode, upper case or punycode is one domain, so an
/// allow-listed reviewer at an IDN domain is recognised in every spelling,
/// and the author at one cannot escape through another.
#[test]
fn idna_spellings_of_a_domain_are_one_identity() {
    for (author, signer) in [
        ("mal@bücher.example", "mal@xn--bcher-kva.example"),
        ("mal@xn--bcher-kva.example", "MAL@BÜCHER.EXAMPLE."),
        ("mal@bücher.example", "mal@bu\u{308}cher.example"),
    ] {
        let r = Repo::standard("");
        r.raise_timeout();
        r.git(&["add", "-A"]);
        r.git(&[
            "-c",
            &format!("user.email={author}"),
            "commit",
            "-q",
            "--author",
            &format!("Mallory <{author}>"),
            "-m",
            &msg(&format!("Reviewed-by: Mallory <{signer}>")),
        ]);
        let g = r.gate_main();
        g.assert_refused();
        g.assert_signoff("Mallory", false, "not a peer: mal@xn--bcher-kva.example");
    }
}
