//! Tests of `signature.rs`: allowed_signers parsing, batch and single
//! verification agreeing, weak keys, and every one-byte edit refused.

use super::*;

#[test]
fn principals_match_like_openssh() {
    assert!(principal_matches("*@example.com", "ana@example.com"));
    assert!(principal_matches("ana@example.com", "ana@example.com"));
    assert!(!principal_matches("ana@example.com", "bo@example.com"));
    assert!(principal_matches("a?a@x", "ana@x"));
}

#[test]
fn options_after_a_comma_are_read_too() {
    // Found by the adversarial review: `valid-before` or `cert-authority`
    // after `namespaces="...",` were taken as namespace names.
    for opt in [
        "valid-before=\"19700102\"",
        "cert-authority",
        "valid-after=\"29990101\"",
        "x",
    ] {
        for line in [
            format!("ana@x namespaces=\"driftcheck-review,git\",{opt} ssh-ed25519 AAAA\n"),
            format!("ana@x {opt},namespaces=\"driftcheck-review\" ssh-ed25519 AAAA\n"),
        ] {
            let e = AllowedSigners::parse(&line).unwrap_err();
            assert!(e.1.contains("not supported"), "{line}: {e:?}");
        }
    }
}

#[test]
fn unsupported_options_are_refused() {
    let e = AllowedSigners::parse("ana@x cert-authority ssh-ed25519 AAAA\n").unwrap_err();
    assert_eq!(e.0, 1);
    assert!(e.1.contains("cert-authority"), "{e:?}");
    assert!(AllowedSigners::parse("# only a comment\n\n").is_ok());
}

/// Every byte of a valid trailer value, altered to several others
/// (and every position given an inserted space or newline): never the
/// same approval. The family the gate's `folded_or_altered` test samples.
/// Verifying many at once answers exactly as verifying each alone:
/// groups of several sizes, three keys, with a pseudo-random subset
/// signed over another statement (keys of other types are verified
/// alone: the OpenSSH differential tests in gate_signed cover them).
#[test]
fn verifying_many_agrees_with_verifying_each() {
    use ssh_key::private::{Ed25519Keypair, KeypairData};
    let keys: Vec<PrivateKey> = [3u8, 9, 27]
        .iter()
        .map(|s| {
            PrivateKey::new(
                KeypairData::Ed25519(Ed25519Keypair::from_seed(&[*s; 32])),
                "k",
            )
            .unwrap()
        })
        .collect();
    let mut seed: u32 = 0x1234_5678;
    let mut next = || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        seed >> 8
    };
    for n in [1usize, 2, 7, 64, 300] {
        let mut signed = Vec::new();
        let mut messages = Vec::new();
        for i in 0..n {
            let key = &keys[next() as usize % keys.len()];
            let message = statement(
                &format!("v2-sha256:{i:04x}"),
                "ana@x.example",
                &"ab".repeat(20),
            );
            let bad = next() % 5 == 0;
            let over = if bad {
                format!("{message}!")
            } else {
                message.clone()
            };
            let sig = key
                .sign(NAMESPACE, HashAlg::Sha512, over.as_bytes())
                .unwrap();
            let value = trailer_value("ana@x.example", &"ab".repeat(20), &sig).unwrap();
            signed.push(parse(&value).unwrap());
            messages.push(message);
        }
        let items: Vec<(&Signed, &str)> = signed
            .iter()
            .zip(&messages)
            .map(|(s, m)| (s, m.as_str()))
            .collect();
        let each: Vec<bool> = items
            .iter()
            .map(|(s, m)| {
                PublicKey::from(s.sig.public_key().clone())
                    .verify(NAMESPACE, m.as_bytes(), &s.sig)
                    .is_ok()
            })
            .collect();
        assert_eq!(verify_many(&items), each, "n = {n}");
    }
}

/// Every Ed25519 point of small order (the eight torsion points, in
/// their usual encodings), as a plain or a FIDO key, is refused: with
/// one, a signature can be forged without any private key (review 29).
#[test]
fn weak_ed25519_keys_are_refused() {
    use ssh_key::public::{Ed25519PublicKey, KeyData};
    let torsion = curve25519_dalek::constants::EIGHT_TORSION;
    for (i, point) in torsion.iter().enumerate() {
        let bytes = point.compress().to_bytes();
        for data in [
            KeyData::Ed25519(Ed25519PublicKey(bytes)),
            KeyData::SkEd25519(ssh_key::public::SkEd25519::new(
                Ed25519PublicKey(bytes),
                "ssh:",
            )),
        ] {
            let key = PublicKey::from(data);
            let line = format!("ana@x.example {}\n", key.to_openssh().unwrap());
            let e = AllowedSigners::parse(&line).expect_err(&format!("torsion point {i}"));
            assert!(e.1.contains("small order"), "{e:?}");
        }
    }
    // A real key is accepted.
    let real = PrivateKey::new(
        ssh_key::private::KeypairData::Ed25519(ssh_key::private::Ed25519Keypair::from_seed(
            &[5; 32],
        )),
        "k",
    )
    .unwrap();
    let line = format!(
        "ana@x.example {}\n",
        real.public_key().to_openssh().unwrap()
    );
    assert!(AllowedSigners::parse(&line).is_ok());
}

#[test]
fn no_single_byte_edit_of_a_signature_verifies() {
    use ssh_key::private::{Ed25519Keypair, KeypairData};
    let key = PrivateKey::new(
        KeypairData::Ed25519(Ed25519Keypair::from_seed(&[7; 32])),
        "k",
    )
    .unwrap();
    let (reviewer, digest, base) = ("ana@x.example", "v2-sha256:00ff", "ab".repeat(20));
    let public = key.public_key().to_openssh().unwrap();
    let allowed = AllowedSigners::parse(&format!("{reviewer} {public}\n")).unwrap();
    let sig = key
        .sign(
            NAMESPACE,
            HashAlg::Sha512,
            statement(digest, reviewer, &base).as_bytes(),
        )
        .unwrap();
    let value = trailer_value(reviewer, &base, &sig).unwrap();
    let check = |v: &str| parse(v).and_then(|s| allowed.verify(&s, reviewer, digest, &base));
    assert_eq!(check(&value), Ok(()));
    // A fixed pseudo-random sequence picks the replacement bytes.
    let mut seed: u32 = 0x9e37_79b9;
    let mut next = || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        seed
    };
    let mut tried = 0;
    for at in 0..value.len() {
        for _ in 0..3 {
            let mut bytes = value.clone().into_bytes();
            let pool = b"ABab09+/= @.<>\tZz";
            bytes[at] = pool[next() as usize % pool.len()];
            let Ok(v) = String::from_utf8(bytes) else {
                continue;
            };
            if v != value {
                tried += 1;
                assert!(check(&v).is_err(), "byte {at} edited and accepted: {v}");
            }
        }
        for insert in [" ", "\n "] {
            let v = format!("{}{insert}{}", &value[..at], &value[at..]);
            // Leading whitespace is what git trims from every value.
            if at > 0 {
                assert!(check(&v).is_err(), "`{insert:?}` at {at} accepted");
            }
        }
    }
    assert!(tried > 2 * value.len(), "{tried}");
    // Git trims ASCII blanks around a value and keeps every other byte:
    // a Unicode blank at either end is a second spelling (review 4,
    // case 01); an ASCII one is the same value.
    for blank in [
        '\u{a0}', '\u{85}', '\u{1680}', '\u{2003}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{3000}',
        '\u{feff}', '\u{200b}',
    ] {
        assert!(
            check(&format!("{blank}{value}")).is_err(),
            "{blank:?} before"
        );
        assert!(
            check(&format!("{value}{blank}")).is_err(),
            "{blank:?} after"
        );
    }
    for blank in [' ', '\t'] {
        assert_eq!(
            check(&format!("{blank}{value}{blank}")),
            Ok(()),
            "{blank:?}"
        );
    }
}

#[test]
fn malformed_values_are_named_not_quoted() {
    for v in [
        "",
        "a b",
        "ana@x deadbeef c",
        "ana@x 0123456789012345678901234567890123456789 %%%",
    ] {
        match parse(v) {
            Err(Refusal::Malformed(m)) => assert!(!m.contains('%'), "{m}"),
            other => panic!("{v:?}: {other:?}"),
        }
    }
}
