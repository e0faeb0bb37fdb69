//! Ed25519 verification of signed approvals, one signature at a time or a
//! batch at once, with one answer either way.
//!
//! Why not `ed25519-dalek`'s `verify`: a benchmark says otherwise.
//! `bench/audit_signed.sh` asks that verifying 1,000 signatures add at
//! most 20% to an audit; one verification costs about 50 µs, which adds
//! about 45%. Only batch verification (one multi-scalar multiplication for
//! many signatures) is fast enough, and `ed25519-dalek`'s batch equation
//! has no cofactor: a signature whose `R` carries a small-order component
//! fails alone and passes a batch about half the time (adversarial review,
//! case 27), so `audit` and the gate could disagree. This module states one
//! rule and checks it both ways, built from `curve25519-dalek`'s group
//! operations (the library `ed25519-dalek` is built on); no field or curve
//! arithmetic is written here.
//!
//! The rule (RFC 8032 §5.1.7, with the cofactored equation it allows): a
//! signature `R ‖ s` by key `A` over `M` verifies when
//! - `A` and `R` are canonical encodings of curve points (decoding and
//!   encoding again gives the same 32 bytes) and neither is of small order
//!   (keys of small order are also refused when `allowed_signers` is read);
//! - `s` is canonical (`s < ℓ`);
//! - `[8]([s]B − R − [k]A)` is the identity, `k = SHA-512(R ‖ A ‖ M) mod ℓ`.
//!
//! A batch checks `[8]([Σ zᵢsᵢ]B − Σ [zᵢ]Rᵢ − Σ [zᵢkᵢ]Aᵢ) = 0` for random
//! 128-bit `zᵢ`, after the same encoding checks for each signature: it holds
//! when every signature verifies, and otherwise fails except with
//! probability 2⁻¹²⁸. When a batch fails, each signature is checked alone,
//! so the answers are exactly the single ones.
//!
//! Compared with the cofactorless check (`ed25519-dalek`'s `verify`,
//! OpenSSH's), two kinds of signature verify here and not there, and only
//! the key's holder can make either: one whose `R` is a valid `R` plus a
//! small-order point (changing `R` changes `k`, so `s` must be computed
//! again with the private key), and any signature by a key that is itself
//! a point plus a small-order point (`allowed_signers` refuses keys of
//! small order, not these mixed-order ones; `ssh-keygen` never makes one).
//! Each approves exactly what the holder signed. On honest keys every
//! other answer is the same (a test compares both on valid signatures and
//! on every kind of corruption; adversarial review 3 in
//! `ed25519_attacks.rs`). FIDO keys and signatures with reserved data are
//! checked by `ssh-key` (cofactorless), in the gate and `audit` alike.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity as _, VartimeMultiscalarMul as _};
use sha2::{Digest as _, Sha512};

/// One signature to check: the key, the 64 signature bytes, the message.
#[derive(Clone, Copy)]
pub struct ToVerify<'a> {
    /// The public key's 32 bytes.
    pub key: &'a [u8; 32],
    /// `R ‖ s`.
    pub signature: &'a [u8; 64],
    /// The signed message.
    pub message: &'a [u8],
}

/// A canonical point not of small order, from its encoding.
fn point(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
    if !canonical_y(bytes) {
        return None;
    }
    let p = CompressedEdwardsY(*bytes).decompress()?;
    (!p.is_small_order()).then_some(p)
}

/// Whether the encoded `y` (the low 255 bits) is below `p = 2²⁵⁵ − 19`.
/// With it, an encoding that decodes is canonical: the only other way to
/// write a point twice is a sign bit on `x = 0`, and both such points are
/// of small order (refused). Cheaper than encoding the point again (a
/// field inversion).
fn canonical_y(bytes: &[u8; 32]) -> bool {
    !(bytes[31] & 0x7f == 0x7f && bytes[1..31].iter().all(|b| *b == 0xff) && bytes[0] >= 0xed)
}

/// An item decoded: `A`, `R`, `s`, `k`; `None` when an encoding is refused.
fn decode(item: &ToVerify<'_>) -> Option<(EdwardsPoint, EdwardsPoint, Scalar, Scalar)> {
    let a = point(item.key)?;
    let (r, s, k) = decode_signature(item)?;
    Some((a, r, s, k))
}

/// An item's `R`, `s` and `k` (the key is decoded by the caller: a batch
/// decodes each distinct key once, and nearly every approval in a history
/// is made by a few keys); `None` when an encoding is refused.
fn decode_signature(item: &ToVerify<'_>) -> Option<(EdwardsPoint, Scalar, Scalar)> {
    let r_bytes: [u8; 32] = item.signature[..32].try_into().ok()?;
    let s_bytes: [u8; 32] = item.signature[32..].try_into().ok()?;
    let r = point(&r_bytes)?;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))?;
    let hash: [u8; 64] = Sha512::new()
        .chain_update(r_bytes)
        .chain_update(item.key)
        .chain_update(item.message)
        .finalize()
        .into();
    Some((r, s, Scalar::from_bytes_mod_order_wide(&hash)))
}

/// Whether one signature verifies (the rule in the module doc).
pub fn verify(item: &ToVerify<'_>) -> bool {
    let Some((a, r, s, k)) = decode(item) else {
        return false;
    };
    (EdwardsPoint::vartime_double_scalar_mul_basepoint(&-k, &a, &s) - r)
        .mul_by_cofactor()
        .is_identity()
}

/// Whether each signature verifies: the same answers as [`verify`] one at
/// a time, checked as one batch first.
pub fn verify_batch(items: &[ToVerify<'_>]) -> Vec<bool> {
    if items.len() < 2 || !batch_holds(items) {
        return items.iter().map(verify).collect();
    }
    vec![true; items.len()]
}

/// The batch equation (module doc); false when any encoding is refused or
/// randomness is unavailable.
fn batch_holds(items: &[ToVerify<'_>]) -> bool {
    let mut random = vec![0u8; 16 * items.len()];
    if getrandom::fill(&mut random).is_err() {
        return false;
    }
    let mut b_scalar = Scalar::ZERO;
    let mut scalars: Vec<Scalar> = Vec::with_capacity(items.len() + 4);
    let mut points: Vec<EdwardsPoint> = Vec::with_capacity(items.len() + 4);
    // One term per distinct key: its scalars add up.
    let mut keys: Vec<([u8; 32], EdwardsPoint, Scalar)> = Vec::new();
    for (item, z) in items.iter().zip(random.chunks_exact(16)) {
        let Some((r, s, k)) = decode_signature(item) else {
            return false;
        };
        let mut wide = [0u8; 32];
        wide[..16].copy_from_slice(z);
        let z = Scalar::from_bytes_mod_order(wide);
        b_scalar += z * s;
        scalars.push(-z);
        points.push(r);
        match keys.iter_mut().find(|(bytes, ..)| bytes == item.key) {
            Some((.., sum)) => *sum += z * k,
            None => {
                let Some(a) = point(item.key) else {
                    return false;
                };
                keys.push((*item.key, a, z * k));
            }
        }
    }
    for (_, a, sum) in keys {
        scalars.push(-sum);
        points.push(a);
    }
    scalars.push(b_scalar);
    points.push(ED25519_BASEPOINT_POINT);
    EdwardsPoint::vartime_multiscalar_mul(scalars, points)
        .mul_by_cofactor()
        .is_identity()
}

#[cfg(test)]
#[path = "ed25519_attacks.rs"]
mod attacks;

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer as _, SigningKey};

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    /// (key bytes, signature bytes, message) of a real signature.
    fn signed(seed: u8, message: &[u8]) -> ([u8; 32], [u8; 64], Vec<u8>) {
        let k = key(seed);
        (
            k.verifying_key().to_bytes(),
            k.sign(message).to_bytes(),
            message.to_vec(),
        )
    }

    fn item(t: &([u8; 32], [u8; 64], Vec<u8>)) -> ToVerify<'_> {
        ToVerify {
            key: &t.0,
            signature: &t.1,
            message: &t.2,
        }
    }

    /// `ed25519-dalek`'s strict verification, the reference.
    fn dalek(t: &([u8; 32], [u8; 64], Vec<u8>)) -> bool {
        let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&t.0) else {
            return false;
        };
        vk.verify_strict(&t.2, &ed25519_dalek::Signature::from_bytes(&t.1))
            .is_ok()
    }

    /// Valid signatures and every single-byte corruption of key, signature
    /// and message (several replacement values, every position): this
    /// module and `ed25519-dalek` give the same answer, alone and in
    /// batches that mix good and bad.
    #[test]
    fn the_same_answers_as_ed25519_dalek_on_valid_and_corrupted_signatures() {
        let mut all = Vec::new();
        for seed in 1..=4u8 {
            let t = signed(seed, format!("statement {seed}").as_bytes());
            all.push(t.clone());
            for at in 0..32 {
                for x in [1u8, 0x80, 0xff] {
                    let mut c = t.clone();
                    c.0[at] ^= x;
                    all.push(c);
                }
            }
            for at in 0..64 {
                for x in [1u8, 0x80, 0xff] {
                    let mut c = t.clone();
                    c.1[at] ^= x;
                    all.push(c);
                }
            }
            for at in 0..t.2.len() {
                let mut c = t.clone();
                c.2[at] ^= 1;
                all.push(c);
            }
            let mut c = t.clone();
            c.2.push(b'!');
            all.push(c);
        }
        let mut agree = 0;
        for t in &all {
            assert_eq!(verify(&item(t)), dalek(t), "{t:?}");
            agree += 1;
        }
        assert!(agree > 1000);
        // Batches: all good, one bad, many bad, at every size.
        let good: Vec<_> = (0..40u8)
            .map(|i| signed(1 + i % 5, format!("m{i}").as_bytes()))
            .collect();
        for n in [2usize, 3, 17, 40] {
            let items: Vec<ToVerify<'_>> = good[..n].iter().map(item).collect();
            assert_eq!(verify_batch(&items), vec![true; n]);
            for bad_at in [0, n / 2, n - 1] {
                let mut set = good[..n].to_vec();
                set[bad_at].2.push(b'x');
                let items: Vec<ToVerify<'_>> = set.iter().map(item).collect();
                let want: Vec<bool> = set.iter().map(dalek).collect();
                assert_eq!(verify_batch(&items), want, "n = {n}, bad at {bad_at}");
            }
        }
        let mixed: Vec<ToVerify<'_>> = all.iter().take(300).map(item).collect();
        let want: Vec<bool> = all.iter().take(300).map(dalek).collect();
        assert_eq!(verify_batch(&mixed), want);
    }

    /// Non-canonical encodings are refused: `s + ℓ`, and an `R` or `A`
    /// whose `y` is written as `y + p`.
    #[test]
    fn non_canonical_encodings_are_refused() {
        let t = signed(9, b"m");
        assert!(verify(&item(&t)));
        // s + ℓ (fits in 32 bytes for most s).
        let s = Scalar::from_canonical_bytes(t.1[32..].try_into().unwrap()).unwrap();
        let l: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut sum = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(s.as_bytes()[i]) + u16::from(l[i]) + carry;
            sum[i] = v as u8;
            carry = v >> 8;
        }
        if carry == 0 && sum[31] < 0x80 {
            let mut c = t.clone();
            c.1[32..].copy_from_slice(&sum);
            assert!(!verify(&item(&c)));
            assert!(!dalek(&c));
        }
        // The identity written as y = 1 + p (non-canonical) decodes but is refused.
        let mut y = [0u8; 32];
        y[0] = 0xee;
        y[1..31].fill(0xff);
        y[31] = 0x7f;
        assert!(CompressedEdwardsY(y).decompress().is_some());
        assert!(point(&y).is_none());
        // Every y from p to 2^255 - 1 (with either sign bit) is refused;
        // the encodings just below p that decode are kept.
        for low in 0xedu8..=0xff {
            for sign in [0u8, 0x80] {
                let mut y = [0xffu8; 32];
                y[0] = low;
                y[31] = 0x7f | sign;
                assert!(!canonical_y(&y));
            }
        }
        let mut below = [0xffu8; 32];
        below[0] = 0xec;
        below[31] = 0x7f;
        assert!(canonical_y(&below));
        // Agrees with encoding again, for random encodings that decode.
        let mut seed = 0x1234_5678_9abc_def0_u64;
        let mut checked = 0;
        for _ in 0..2000 {
            let mut b = [0u8; 32];
            for byte in &mut b {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *byte = seed as u8;
            }
            if let Some(p) = CompressedEdwardsY(b).decompress()
                && !p.is_small_order()
            {
                checked += 1;
                assert_eq!(canonical_y(&b), p.compress().to_bytes() == b, "{b:?}");
            }
        }
        assert!(checked > 500);
    }

    /// A signature whose `R` carries a small-order component, made with
    /// the private key: refused by the cofactorless check, accepted here,
    /// alone and in every batch (one answer, never "half the time").
    #[test]
    fn a_torsion_carrying_r_gets_one_answer_alone_and_in_batches() {
        use curve25519_dalek::constants::EIGHT_TORSION;
        let secret = [3u8; 32];
        let expanded = ed25519_dalek::hazmat::ExpandedSecretKey::from(&secret);
        let a = EdwardsPoint::mul_base(&expanded.scalar);
        let a_bytes = a.compress().to_bytes();
        let message = b"approve v2-sha256:00";
        let r_scalar = Scalar::from_bytes_mod_order([7u8; 32]);
        let r = EdwardsPoint::mul_base(&r_scalar) + EIGHT_TORSION[1];
        let r_bytes = r.compress().to_bytes();
        let hash: [u8; 64] = Sha512::new()
            .chain_update(r_bytes)
            .chain_update(a_bytes)
            .chain_update(message)
            .finalize()
            .into();
        let k = Scalar::from_bytes_mod_order_wide(&hash);
        let s = r_scalar + k * expanded.scalar;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&r_bytes);
        sig[32..].copy_from_slice(s.as_bytes());
        let t = (a_bytes, sig, message.to_vec());
        assert!(!dalek(&t), "the cofactorless check refuses it");
        assert!(verify(&item(&t)));
        let others: Vec<_> = (0..7u8).map(|i| signed(20 + i, b"x")).collect();
        for _ in 0..16 {
            let mut set = others.clone();
            set.push(t.clone());
            let items: Vec<ToVerify<'_>> = set.iter().map(item).collect();
            assert_eq!(verify_batch(&items), vec![true; 8]);
        }
    }
}
