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

/// `.mailmap` is read as git reads it: on generated maps (comments, `#`
/// inside a line, names before either address, empty and missing
/// addresses, stray `<` and `>`, CR line ends, trailing text), every
/// committed address maps to what `git check-mailmap` says, compared in
/// the gate's normalised spelling. Commit and proper addresses come from
/// separate pools, so the gate's transitive following has nothing to follow.
#[test]
fn mailmap_lines_are_read_as_git_reads_them() {
    use driftcheck::gate::identity::{Mailmap, normalise};
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", dir.path())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    let proper = ["p1@x", "P2@X", "p3+t@x", "", "p4@x"];
    let commits = [
        "c1@x", "C2@X", "c3+t@x", "c4@x", "c5@y", "c6@y", "c7@y", "c8@y",
    ];
    let names = ["", "Ana", " A B ", "#", "x#y", "\t"];
    let (mut seed, mut compared, mut mapped) = (0x2545_f491_4f6c_dd1d_u64, 0, 0);
    let mut pick = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..40 {
        let mut text = String::new();
        // Each committed address on one line at most: git keeps entries per
        // (address, name), the gate per address.
        let mut used = Vec::new();
        for &c in &commits {
            let form = pick(9);
            let p = proper[pick(proper.len())];
            let (n1, n2) = (names[pick(names.len())], names[pick(names.len())]);
            let line = match form {
                0 => format!("#{n1}<{p}> <{c}>"),
                1 => format!("{n1}<{p}> # <{c}>"),
                2 => format!("{n1}<{p}>{n2}<{c}> trailing # text"),
                3 => format!("{n1}<{p}> {n2} <{c}>\r"),
                4 => format!("{n1}<{p}"),
                5 => format!("{n1} {p}> <{c}>"),
                6 => format!("<{p}><{c}><p9@x>"),
                7 => format!("{n1}<{c}>"),
                _ => format!("  {n1} <{p}>   {n2}  <{c}>  "),
            };
            text.push_str(&line);
            text.push('\n');
            used.push((c, line));
        }
        std::fs::write(dir.path().join(".mailmap"), &text).unwrap();
        let map = Mailmap::parse(&text);
        // Query each address with the name git would need (the committed
        // name of its line, as git trims it) and without.
        let mut queries = Vec::new();
        for (c, line) in &used {
            let before = line.rfind(&format!("<{c}>")).map_or("", |at| &line[..at]);
            let name = before
                .rsplit('>')
                .next()
                .unwrap_or("")
                .trim_matches([' ', '\t', '\r']);
            queries.push(if name.is_empty() || name.contains('<') {
                format!("<{c}>")
            } else {
                format!("{name} <{c}>")
            });
        }
        let refs: Vec<&str> = queries.iter().map(String::as_str).collect();
        let answers = git(&[&["check-mailmap"][..], &refs].concat());
        for ((c, line), answer) in used.iter().zip(answers.lines()) {
            let got = &answer[answer.rfind('<').unwrap() + 1..answer.len() - 1];
            let want = normalise(got);
            compared += 1;
            mapped += usize::from(want != normalise(c));
            assert_eq!(map.canonical(c), want, "line {line:?} of\n{text}");
        }
    }
    assert!(
        compared >= 300 && mapped >= 60,
        "{compared} compared, {mapped} mapped"
    );
}
