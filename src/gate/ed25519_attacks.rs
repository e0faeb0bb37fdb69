//! Adversarial review 3 of the cofactored Ed25519 verifier (`super`) and
//! its wiring in `signature::verify_many`. Each test is one attack; a test
//! that demonstrates a bug is `#[ignore = "BUG: ..."]`. Summary in
//! tests/adversarial/signed/review3/README.txt.

// Attack code reads best with explicit indices and owned copies.
#![allow(clippy::needless_range_loop, clippy::cloned_ref_to_slice_refs)]

use super::*;
use crate::gate::signature::{self, NAMESPACE, Signed};
use curve25519_dalek::constants::EIGHT_TORSION;

/// ℓ, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn add_le(a: &[u8; 32], b: &[u8; 32]) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    (carry == 0).then_some(out)
}

fn h(r: &[u8; 32], a: &[u8; 32], m: &[u8]) -> Scalar {
    let hash: [u8; 64] = Sha512::new()
        .chain_update(r)
        .chain_update(a)
        .chain_update(m)
        .finalize()
        .into();
    Scalar::from_bytes_mod_order_wide(&hash)
}

/// A key pair whose public point is `[a]B + torsion` (torsion may be the
/// identity: a normal key).
#[derive(Clone, Copy)]
struct Pair {
    a: Scalar,
    public: [u8; 32],
}

fn key(seed: u8, torsion: usize) -> Pair {
    let a = Scalar::from_bytes_mod_order([seed.wrapping_mul(37).wrapping_add(11); 32]);
    let p = EdwardsPoint::mul_base(&a) + EIGHT_TORSION[torsion];
    Pair {
        a,
        public: p.compress().to_bytes(),
    }
}

/// Sign with nonce `r`, `R = [r]B + EIGHT_TORSION[rt]`, under key bytes `as_key`.
fn sign(k: &Pair, m: &[u8], r_seed: u8, rt: usize) -> [u8; 64] {
    let r = Scalar::from_bytes_mod_order([r_seed; 32]);
    let big_r = (EdwardsPoint::mul_base(&r) + EIGHT_TORSION[rt])
        .compress()
        .to_bytes();
    let s = r + h(&big_r, &k.public, m) * k.a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&big_r);
    sig[32..].copy_from_slice(s.as_bytes());
    sig
}

fn one(key: &[u8; 32], sig: &[u8; 64], m: &[u8]) -> bool {
    verify(&ToVerify {
        key,
        signature: sig,
        message: m,
    })
}

/// Alone, and in a batch after and before a valid signature: refused
/// every time, and the valid neighbour still accepted.
fn refused_everywhere(key: &[u8; 32], sig: &[u8; 64], m: &[u8]) {
    assert!(!one(key, sig, m), "alone: key {key:02x?} sig {sig:02x?}");
    let good = self::key(200, 0);
    let gm = b"good".to_vec();
    let gs = self::sign(&good, &gm, 9, 0);
    let bad = ToVerify {
        key,
        signature: sig,
        message: m,
    };
    let ok = ToVerify {
        key: &good.public,
        signature: &gs,
        message: &gm,
    };
    assert_eq!(verify_batch(&[bad, ok]), vec![false, true], "batch");
    assert_eq!(
        verify_batch(&[ok, bad, ok]),
        vec![true, false, true],
        "batch"
    );
}

/// Every 32-byte string that decodes to a point of small order: the eight
/// torsion points canonically, with the sign bit flipped, and with `y`
/// written as `y + p` (possible for y = 0 and y = 1), both sign bits.
fn small_order_encodings() -> Vec<[u8; 32]> {
    let mut out = Vec::new();
    for t in EIGHT_TORSION {
        let c = t.compress().to_bytes();
        let mut flipped = c;
        flipped[31] ^= 0x80;
        out.push(c);
        out.push(flipped);
        let mut low = c;
        low[31] &= 0x7f;
        let p_minus_19: [u8; 32] = {
            let mut p = [0xffu8; 32];
            p[0] = 0xed;
            p[31] = 0x7f;
            p
        };
        if low[1..].iter().all(|b| *b == 0) && low[0] < 19 {
            let mut y = p_minus_19;
            y[0] += low[0];
            out.push(y);
            y[31] |= 0x80;
            out.push(y);
        }
    }
    out.sort();
    out.dedup();
    for e in &out {
        let p = CompressedEdwardsY(*e).decompress();
        assert!(p.is_none_or(|p| p.is_small_order()), "{e:02x?}");
    }
    assert!(out.len() >= 14, "{}", out.len());
    out
}

/// Case 1. Small-order A and R, in every encoding, with s = 0, 1 and a
/// random s: the cofactored equation alone would accept A = T, R = 𝒪,
/// s = 0 for any message (a forgery without a key); the refusal of
/// small-order points is what stops it. HELD.
#[test]
fn small_order_a_and_r_in_every_encoding_forge_nothing() {
    let encs = small_order_encodings();
    let m = b"driftcheck-review-v1\ndigest: v2-sha256:00\n".to_vec();
    // The forgery the refusal prevents: the bare equation holds.
    let t = EIGHT_TORSION[1];
    let r = EdwardsPoint::default();
    let k = h(&r.compress().to_bytes(), &t.compress().to_bytes(), &m);
    assert!(
        (EdwardsPoint::vartime_double_scalar_mul_basepoint(&-k, &t, &Scalar::ZERO) - r)
            .mul_by_cofactor()
            .is_identity()
    );
    let good = key(5, 0);
    let s_values: Vec<[u8; 32]> = vec![
        [0u8; 32],
        Scalar::ONE.to_bytes(),
        [0x42; 31]
            .iter()
            .chain([0u8].iter())
            .copied()
            .collect::<Vec<_>>()
            .try_into()
            .unwrap(),
    ];
    for a in &encs {
        for r in &encs {
            for s in &s_values {
                let mut sig = [0u8; 64];
                sig[..32].copy_from_slice(r);
                sig[32..].copy_from_slice(s);
                assert!(!one(a, &sig, &m));
            }
        }
        // Small-order R, real key, and small-order A with a real R.
        let mut sig = sign(&good, &m, 3, 0);
        sig[..32].copy_from_slice(a);
        refused_everywhere(&good.public, &sig, &m);
        let real = sign(&good, &m, 3, 0);
        refused_everywhere(a, &real, &m);
        // s chosen so that [s]B = R + [k]A exactly (cofactorless holds) with
        // A small order, R = [s]B: the sk_forge construction.
        let s = Scalar::from_bytes_mod_order([0x33; 32]);
        let big_r = EdwardsPoint::mul_base(&s).compress().to_bytes();
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&big_r);
        sig[32..].copy_from_slice(s.as_bytes());
        refused_everywhere(a, &sig, &m);
    }
}

/// Case 2. Non-canonical encodings: every y ≥ p with both sign bits, as A
/// and as R (those that decode to points of large order too), refused; and
/// canonical_y agrees with decode-then-encode on every string that decodes
/// among y ∈ [p-40, 2²⁵⁵) and sign-bit variants. HELD.
#[test]
fn every_encoding_with_y_at_least_p_is_refused() {
    let good = key(6, 0);
    let m = b"m".to_vec();
    let real = sign(&good, &m, 4, 0);
    let mut decoded_large = 0;
    for low in 0xc0u8..=0xff {
        for sign_bit in [0u8, 0x80] {
            let mut y = [0xffu8; 32];
            y[0] = low;
            y[31] = 0x7f | sign_bit;
            let dec = CompressedEdwardsY(y).decompress();
            let canonical = dec.is_some_and(|p| p.compress().to_bytes() == y);
            let refused = point(&y).is_none();
            match dec {
                Some(p) if !p.is_small_order() => {
                    decoded_large += 1;
                    assert_eq!(!refused, canonical, "{y:02x?}");
                }
                _ => assert!(refused, "{y:02x?}"),
            }
            if low >= 0xed {
                assert!(refused, "y >= p accepted: {y:02x?}");
                refused_everywhere(&y, &real, &m);
                let mut sig = real;
                sig[..32].copy_from_slice(&y);
                refused_everywhere(&good.public, &sig, &m);
            }
        }
    }
    assert!(decoded_large > 0);
}

/// Case 3. Scalars: s = ℓ, s + ℓ, s = ℓ - 1, s = 0, s with the top bit,
/// s = 2²⁵⁶ - 1, and R = identity with s = 0. HELD.
#[test]
fn scalar_edge_cases_are_refused() {
    let k = key(7, 0);
    let m = b"statement".to_vec();
    let sig = sign(&k, &m, 5, 0);
    assert!(one(&k.public, &sig, &m));
    let s: [u8; 32] = sig[32..].try_into().unwrap();
    let mut l_minus_1 = L;
    l_minus_1[0] -= 1;
    let mut top = s;
    top[31] |= 0x80;
    let mut candidates = vec![L, l_minus_1, [0u8; 32], [0xffu8; 32], top];
    if let Some(sl) = add_le(&s, &L) {
        candidates.push(sl);
    }
    for c in candidates {
        let mut bad = sig;
        bad[32..].copy_from_slice(&c);
        refused_everywhere(&k.public, &bad, &m);
    }
    let mut ident = [0u8; 64];
    ident[0] = 1;
    refused_everywhere(&k.public, &ident, &m);
    // Empty message: valid accepted, another message refused.
    let e = sign(&k, b"", 6, 0);
    assert!(one(&k.public, &e, b""));
    refused_everywhere(&k.public, &e, b"\0");
}

/// Case 4. Mixed-order keys (A = [a]B + T, T of order 2, 4, 8): the
/// holder's signatures verify (documented); a third party cannot move a
/// signature between A and A + T, add torsion to R, or replay it for
/// another message. HELD.
#[test]
fn mixed_order_keys_give_a_third_party_nothing() {
    let m = b"approve".to_vec();
    for t in 1..8 {
        let mixed = key(8, t);
        let plain = key(8, 0);
        assert_ne!(mixed.public, plain.public);
        assert!(
            point(&mixed.public).is_some(),
            "mixed key is accepted as a key"
        );
        let by_mixed = sign(&mixed, &m, 10, 0);
        assert!(one(&mixed.public, &by_mixed, &m));
        let by_plain = sign(&plain, &m, 10, 0);
        refused_everywhere(&mixed.public, &by_plain, &m);
        refused_everywhere(&plain.public, &by_mixed, &m);
        refused_everywhere(&mixed.public, &by_mixed, b"approve!");
        for u in 1..8 {
            let mut moved = by_mixed;
            let r = CompressedEdwardsY(moved[..32].try_into().unwrap())
                .decompress()
                .unwrap();
            moved[..32].copy_from_slice(&(r + EIGHT_TORSION[u]).compress().to_bytes());
            refused_everywhere(&mixed.public, &moved, &m);
        }
    }
}

/// Case 5. Two bad signatures whose errors cancel (s₁ + δ, s₂ − δ; and the
/// same with one error scaled by c, and across two keys): the equation
/// with equal weights holds, the batch with random 128-bit z never does
/// (512 tries), and the answers are the single ones. HELD.
#[test]
fn cancelling_bad_signatures_never_pass_the_batch() {
    let k1 = key(11, 0);
    let k2 = key(12, 0);
    let m1 = b"one".to_vec();
    let m2 = b"two".to_vec();
    let delta = Scalar::from_bytes_mod_order([0x5a; 32]);
    for (c, second) in [
        (Scalar::ONE, k1),
        (Scalar::ONE, k2),
        (Scalar::from(3u8), k2),
    ] {
        let s1 = sign(&k1, &m1, 20, 0);
        let s2 = sign(&second, &m2, 21, 0);
        let mut b1 = s1;
        let mut b2 = s2;
        let x1 = Scalar::from_canonical_bytes(s1[32..].try_into().unwrap()).unwrap() + c * delta;
        let x2 = Scalar::from_canonical_bytes(s2[32..].try_into().unwrap()).unwrap() - delta;
        b1[32..].copy_from_slice(x1.as_bytes());
        b2[32..].copy_from_slice(x2.as_bytes());
        let items = [
            ToVerify {
                key: &k1.public,
                signature: &b1,
                message: &m1,
            },
            ToVerify {
                key: &second.public,
                signature: &b2,
                message: &m2,
            },
        ];
        // With weights (1, c) the errors cancel: the attack is real.
        let mut sum = EdwardsPoint::default();
        for (it, w) in items.iter().zip([Scalar::ONE, c]) {
            let (a, r, s, k) = decode(it).unwrap();
            sum += (EdwardsPoint::mul_base(&s) - r - k * a) * w;
        }
        assert!(sum.mul_by_cofactor().is_identity());
        for _ in 0..512 {
            assert!(!batch_holds(&items));
        }
        assert_eq!(verify_batch(&items), vec![false, false]);
    }
}

/// Case 6. One key repeated (64 items, one bad at several positions), and
/// one key under two byte strings (a non-canonical second spelling is
/// impossible for a real key: its y is far from p; so the other spelling
/// tried is the sign-flipped point, i.e. −A): exact answers. HELD.
#[test]
fn one_key_repeated_in_a_batch_gets_exact_answers() {
    let k = key(13, 0);
    let msgs: Vec<Vec<u8>> = (0..64).map(|i| format!("m{i}").into_bytes()).collect();
    let sigs: Vec<[u8; 64]> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| sign(&k, m, i as u8 + 1, 0))
        .collect();
    for bad_at in [0usize, 31, 63] {
        let mut ms = msgs.clone();
        ms[bad_at].push(b'x');
        let items: Vec<ToVerify<'_>> = ms
            .iter()
            .zip(&sigs)
            .map(|(m, s)| ToVerify {
                key: &k.public,
                signature: s,
                message: m,
            })
            .collect();
        let want: Vec<bool> = (0..64).map(|i| i != bad_at).collect();
        assert_eq!(verify_batch(&items), want);
    }
    let mut neg = k.public;
    neg[31] ^= 0x80;
    let items = [
        ToVerify {
            key: &k.public,
            signature: &sigs[0],
            message: &msgs[0],
        },
        ToVerify {
            key: &neg,
            signature: &sigs[1],
            message: &msgs[1],
        },
    ];
    assert_eq!(verify_batch(&items), vec![true, false]);
}

// ---- the SSHSIG wrapper and verify_many ----

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn s_(b: &[u8]) -> Vec<u8> {
    let mut v = (b.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(b);
    v
}

const REVIEWER: &str = "ana@x.example";

fn base() -> String {
    "ab".repeat(20)
}

fn stmt() -> String {
    signature::statement("v2-sha256:00", REVIEWER, &base())
}

/// What the SSHSIG signature signs.
fn signed_data(reserved: &[u8], hash_alg: &str, msg: &[u8]) -> Vec<u8> {
    let hm: Vec<u8> = if hash_alg == "sha256" {
        sha2::Sha256::digest(msg).to_vec()
    } else {
        Sha512::digest(msg).to_vec()
    };
    [
        b"SSHSIG".to_vec(),
        s_(NAMESPACE.as_bytes()),
        s_(reserved),
        s_(hash_alg.as_bytes()),
        s_(&hm),
    ]
    .concat()
}

/// A raw SSHSIG blob.
fn blob(pubblob: &[u8], reserved: &[u8], hash_alg: &str, sigblob: &[u8]) -> Vec<u8> {
    [
        b"SSHSIG".to_vec(),
        1u32.to_be_bytes().to_vec(),
        s_(pubblob),
        s_(NAMESPACE.as_bytes()),
        s_(reserved),
        s_(hash_alg.as_bytes()),
        s_(sigblob),
    ]
    .concat()
}

fn parsed(blob: &[u8]) -> Option<Signed> {
    signature::parse(&format!("{REVIEWER} {} {}", base(), b64(blob))).ok()
}

fn ed_pub(k: &Pair) -> Vec<u8> {
    [s_(b"ssh-ed25519"), s_(&k.public)].concat()
}

/// A plain ssh-ed25519 SSHSIG with the given signature algorithm name,
/// reserved field and hash, signed over `signed_over`.
fn ed_sshsig(k: &Pair, alg: &str, reserved: &[u8], hash_alg: &str, signed_over: &str) -> Vec<u8> {
    let data = signed_data(reserved, hash_alg, signed_over.as_bytes());
    let sig = sign(k, &data, 77, 0);
    blob(
        &ed_pub(k),
        reserved,
        hash_alg,
        &[s_(alg.as_bytes()), s_(&sig)].concat(),
    )
}

/// A FIDO sk-ssh-ed25519 SSHSIG with the given flags (software key).
fn sk_sshsig(k: &Pair, flags: u8, signed_over: &str) -> Vec<u8> {
    let app = b"ssh:";
    let data = signed_data(b"", "sha512", signed_over.as_bytes());
    let counter = 7u32.to_be_bytes();
    let sk_data = [
        sha2::Sha256::digest(app).to_vec(),
        vec![flags],
        counter.to_vec(),
        sha2::Sha256::digest(&data).to_vec(),
    ]
    .concat();
    let sig = sign(k, &sk_data, 78, 0);
    let pubblob = [s_(b"sk-ssh-ed25519@openssh.com"), s_(&k.public), s_(app)].concat();
    let sigblob = [
        s_(b"sk-ssh-ed25519@openssh.com"),
        s_(&sig),
        vec![flags],
        counter.to_vec(),
    ]
    .concat();
    blob(&pubblob, b"", "sha512", &sigblob)
}

fn many(signed: &[Signed], messages: &[String]) -> Vec<bool> {
    let items: Vec<(&Signed, &str)> = signed
        .iter()
        .zip(messages)
        .map(|(s, m)| (s, m.as_str()))
        .collect();
    signature::verify_many(&items)
}

/// Case 7. The wrapper: sha256 and sha512 both verify (OpenSSH accepts
/// both); an Ed25519 key with signature algorithm `rsa-sha2-512`,
/// `sk-ssh-ed25519@openssh.com`, `ssh-rsa` or an unknown name is refused
/// (or unreadable), never checked as Ed25519; a reserved field either way
/// is never an approval the plain path would accept unsigned. HELD.
#[test]
fn sshsig_wrapper_algorithm_and_field_confusions() {
    let k = key(14, 0);
    let st = stmt();
    for h in ["sha256", "sha512"] {
        let s = parsed(&ed_sshsig(&k, "ssh-ed25519", b"", h, &st)).unwrap();
        assert_eq!(many(&[s], &[st.clone()]), vec![true], "{h}");
    }
    for alg in [
        "rsa-sha2-512",
        "rsa-sha2-256",
        "ssh-rsa",
        "sk-ssh-ed25519@openssh.com",
        "ecdsa-sha2-nistp256",
        "ssh-ed448",
    ] {
        if let Some(s) = parsed(&ed_sshsig(&k, alg, b"", "sha512", &st)) {
            assert_eq!(many(&[s.clone()], &[st.clone()]), vec![false], "{alg}");
            let good = parsed(&ed_sshsig(&k, "ssh-ed25519", b"", "sha512", &st)).unwrap();
            assert_eq!(
                many(
                    &[good.clone(), s, good],
                    &[st.clone(), st.clone(), st.clone()]
                ),
                vec![true, false, true],
                "{alg}"
            );
        }
    }
    // Reserved data: signed over it (ssh-key) verifies; a signature over
    // the empty reserved field with data added afterwards is refused (it
    // would be a second spelling of one approval).
    let over = parsed(&ed_sshsig(&k, "ssh-ed25519", b"x", "sha512", &st)).unwrap();
    assert_eq!(many(&[over], &[st.clone()]), vec![true]);
    let data = signed_data(b"", "sha512", st.as_bytes());
    let sig = sign(&k, &data, 77, 0);
    let added = blob(
        &ed_pub(&k),
        b"x",
        "sha512",
        &[s_(b"ssh-ed25519"), s_(&sig)].concat(),
    );
    let added = parsed(&added).unwrap();
    assert_eq!(many(&[added], &[st.clone()]), vec![false]);
    // A namespace spelled with the reserved field's bytes cannot shift:
    // the wrong namespace is refused by admit (not here), but the signed
    // data differ anyway.
    let other = parsed(&ed_sshsig(
        &k,
        "ssh-ed25519",
        b"",
        "sha512",
        &format!("{st}!"),
    ))
    .unwrap();
    assert_eq!(many(&[other], &[st.clone()]), vec![false]);
}

/// Case 8. sk-ssh-ed25519 signed without user presence (flags 0): accepted
/// here; OpenSSH 9.2 `ssh-keygen -Y verify` accepts it too
/// (review3/01_sk_no_user_presence.sh), so the answers agree. HELD
/// (note: neither requires a touch for SSHSIG).
#[test]
fn sk_ed25519_without_user_presence_agrees_with_openssh() {
    let k = key(15, 0);
    let st = stmt();
    for flags in [0u8, 1, 5] {
        let s = parsed(&sk_sshsig(&k, flags, &st)).unwrap();
        assert_eq!(many(&[s], &[st.clone()]), vec![true], "flags {flags}");
    }
    let s = parsed(&sk_sshsig(&k, 1, &format!("{st}!"))).unwrap();
    assert_eq!(many(&[s], &[st.clone()]), vec![false]);
}

fn ssh_keygen_sig(dir: &std::path::Path, kind: &str, bits: &[&str], over: &str) -> Option<Signed> {
    let keyfile = dir.join(kind);
    if !keyfile.exists() {
        let st = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", kind, "-N", "", "-f"])
            .arg(&keyfile)
            .args(bits)
            .status()
            .ok()?;
        if !st.success() {
            return None;
        }
    }
    let f = dir.join("msg");
    std::fs::write(&f, over).ok()?;
    let _ = std::fs::remove_file(dir.join("msg.sig"));
    let st = std::process::Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(&keyfile)
        .arg(&f)
        .output()
        .ok()?;
    if !st.status.success() {
        return None;
    }
    let pem = std::fs::read_to_string(dir.join("msg.sig")).ok()?;
    let sig = ssh_key::SshSig::from_pem(pem).ok()?;
    let value = signature::trailer_value(REVIEWER, &base(), &sig).ok()?;
    signature::parse(&value).ok()
}

/// Case 9. verify_many's index bookkeeping: plain Ed25519 (good and bad),
/// Ed25519 with a reserved field, FIDO Ed25519, ECDSA and RSA (made by
/// ssh-keygen) interleaved in many orders; every answer equals verifying
/// that item alone through `ssh-key`'s own path for the non-plain ones and
/// the expected truth for the plain ones. HELD.
#[test]
fn verify_many_marks_the_right_indices() {
    let dir = tempfile::tempdir().unwrap();
    let st = stmt();
    let bad = format!("{st}!");
    let k = key(16, 0);
    let k2 = key(17, 3);
    // (signed, should verify)
    let mut pool: Vec<(Signed, bool)> = vec![
        (
            parsed(&ed_sshsig(&k, "ssh-ed25519", b"", "sha512", &st)).unwrap(),
            true,
        ),
        (
            parsed(&ed_sshsig(&k, "ssh-ed25519", b"", "sha512", &bad)).unwrap(),
            false,
        ),
        (
            parsed(&ed_sshsig(&k2, "ssh-ed25519", b"", "sha256", &st)).unwrap(),
            true,
        ),
        (
            parsed(&ed_sshsig(&k2, "ssh-ed25519", b"", "sha256", &bad)).unwrap(),
            false,
        ),
        (
            parsed(&ed_sshsig(&k, "ssh-ed25519", b"r", "sha512", &st)).unwrap(),
            true,
        ),
        (
            parsed(&ed_sshsig(&k, "ssh-ed25519", b"r", "sha512", &bad)).unwrap(),
            false,
        ),
        (parsed(&sk_sshsig(&k, 1, &st)).unwrap(), true),
        (parsed(&sk_sshsig(&k, 1, &bad)).unwrap(), false),
    ];
    let mut others = 0;
    for (kind, bits) in [("ecdsa", vec!["-b", "256"]), ("rsa", vec!["-b", "2048"])] {
        if let (Some(g), Some(b)) = (
            ssh_keygen_sig(dir.path(), kind, &bits, &st),
            ssh_keygen_sig(dir.path(), kind, &bits, &bad),
        ) {
            pool.push((g, true));
            pool.push((b, false));
            others += 1;
        }
    }
    eprintln!("ssh-keygen key types included: {others}");
    let mut seed = 0x2545_f491u32;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for round in 0..40 {
        let n = 1 + next() as usize % 24;
        let picks: Vec<usize> = (0..n).map(|_| next() as usize % pool.len()).collect();
        let signed: Vec<Signed> = picks.iter().map(|i| pool[*i].0.clone()).collect();
        let messages = vec![st.clone(); n];
        let want: Vec<bool> = picks.iter().map(|i| pool[*i].1).collect();
        assert_eq!(many(&signed, &messages), want, "round {round}: {picks:?}");
    }
}

/// Case 10. The SSHSIG version field is not signed, and `ssh-key` (like
/// OpenSSH) reads any version ≤ 1: version 0 is a second spelling of any
/// signature (any key type, Ed25519 included) that anyone can make from
/// the first, and `parse`'s canonical check keeps it (re-encoding keeps the
/// version). signature.rs promises "a byte changed anywhere is a refusal,
/// never the same approval spelled differently".
#[test]
fn sshsig_version_zero_is_a_second_spelling() {
    let k = key(18, 0);
    let st = stmt();
    let original = ed_sshsig(&k, "ssh-ed25519", b"", "sha512", &st);
    let mut v0 = original.clone();
    assert_eq!(&v0[6..10], &[0, 0, 0, 1]);
    v0[9] = 0;
    let a = parsed(&original).unwrap();
    assert_eq!(many(&[a], &[st.clone()]), vec![true]);
    let b = parsed(&v0);
    let accepted = b.is_some_and(|b| many(&[b], &[st.clone()]) == vec![true]);
    assert!(!accepted, "version-0 spelling {} accepted", b64(&v0));
}

/// Case 11. Mixed-order keys (A = [a]B + T) are accepted by
/// `allowed_signers` (only small order is refused), and every signature
/// their holder makes verifies here, while the cofactorless check
/// (`ed25519-dalek`'s `verify`, OpenSSH's) refuses most of them (those
/// with k·T ≠ 𝒪). Only the holder can make them: HELD as security, but the
/// module doc's "Every other answer is the same" (only a torsion `R`
/// differs) is not exact: the key's torsion differs too.
#[test]
fn mixed_order_key_signatures_differ_from_the_cofactorless_check() {
    let mixed = key(19, 1);
    let mut differ = 0;
    for i in 0..16u8 {
        let m = [b'm', i];
        let sig = sign(&mixed, &m, i + 1, 0);
        assert!(one(&mixed.public, &sig, &m));
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&mixed.public).unwrap();
        assert!(!vk.is_weak());
        if vk
            .verify_strict(&m, &ed25519_dalek::Signature::from_bytes(&sig))
            .is_err()
        {
            differ += 1;
        }
    }
    assert!(differ >= 8, "{differ}");
}
