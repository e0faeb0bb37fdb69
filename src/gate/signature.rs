//! Signed approvals: a sign-off that only the reviewer could have written.
//!
//! A `Reviewed-by:` trailer is text anyone can type. A signed approval adds
//! one more trailer, `Review-Signature:`, whose value is an OpenSSH SSHSIG
//! signature (namespace [`NAMESPACE`]) over a canonical statement:
//!
//! ```text
//! driftcheck-review-v1
//! digest: v2-sha256:…
//! reviewer: ana@example.com
//! base: 1f2e3d…(40 hex)
//! ```
//!
//! The rule: a signed sign-off counts only when the signature verifies, with
//! a key that the merge base's `allowed_signers` file (OpenSSH format)
//! lists for that reviewer's identity and for this namespace, over *this*
//! change's digest and *this* merge base. Anything else is refused with the
//! exact reason ([`Refusal`]). Verification uses the `ssh-key` crate (no
//! hand-written crypto); signing uses `ssh-keygen -Y sign` (so ssh-agent
//! and hardware keys work) or, for an unencrypted key file, `ssh-key`.
//!
//! The trailer value is one line that `git interpret-trailers` keeps as it
//! is: `<reviewer email> <merge base> <base64 of the SSHSIG blob>`, in one
//! canonical spelling only (lowercase email and hex, single spaces,
//! canonical base64): a byte changed anywhere is a refusal, never the same
//! approval spelled differently.

use std::path::Path;

use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

/// The SSHSIG namespace of driftcheck's approvals: a signature made for git
/// commits or for files cannot be replayed here.
pub const NAMESPACE: &str = "driftcheck-review";

/// The trailer key that carries a signature.
pub const TRAILER: &str = "Review-Signature";

/// The statement a reviewer signs.
pub fn statement(digest: &str, reviewer: &str, base: &str) -> String {
    format!("driftcheck-review-v1\ndigest: {digest}\nreviewer: {reviewer}\nbase: {base}\n")
}

/// Why a signature does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `Review-Signature` for this reviewer.
    Missing,
    /// The trailer or the signature inside it cannot be read.
    Malformed(String),
    /// Signed for another namespace.
    Namespace(String),
    /// The signing key is not in `allowed_signers` at all.
    UnknownKey(String),
    /// The key is listed, but for other principals.
    OtherPrincipal(String),
    /// Signed for another merge base.
    OtherBase(String),
    /// The signature does not verify over this change's statement (another
    /// digest, another reviewer, or altered bytes).
    Invalid,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Missing => f.write_str("no Review-Signature trailer for this reviewer"),
            Refusal::Malformed(why) => write!(f, "malformed signature: {why}"),
            Refusal::Namespace(ns) => {
                write!(f, "signed for namespace `{ns}`, not `{NAMESPACE}`")
            }
            Refusal::UnknownKey(fp) => {
                write!(f, "key {fp} is not in the merge base's allowed_signers")
            }
            Refusal::OtherPrincipal(fp) => write!(
                f,
                "key {fp} is listed in allowed_signers for another principal"
            ),
            Refusal::OtherBase(base) => write!(
                f,
                "signed for merge base {base}, not this change's (copied from another change?)"
            ),
            Refusal::Invalid => f.write_str(
                "the signature does not verify over this change's digest (stale, copied or altered)",
            ),
        }
    }
}

/// A parsed `Review-Signature` value.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The reviewer it claims.
    pub reviewer: String,
    /// The merge base it was made for.
    pub base: String,
    /// The signature.
    pub sig: SshSig,
}

/// Parse a `Review-Signature` trailer value.
///
/// # Errors
/// [`Refusal::Malformed`] naming what is wrong (never quoting the value).
pub fn parse(value: &str) -> Result<Signed, Refusal> {
    let mut parts = value.split_whitespace();
    let (Some(reviewer), Some(base), Some(b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Malformed(
            "expected `EMAIL BASE SIGNATURE` on one line".into(),
        ));
    };
    if !matches!(base.len(), 40 | 64)
        || !base.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(Refusal::Malformed(
            "the merge base is not a full commit id in lowercase hex".into(),
        ));
    }
    // One approval, one spelling: `approve --sign` writes the email in
    // lowercase, bare, and single spaces; any other bytes are an edit.
    if reviewer != reviewer.to_ascii_lowercase()
        || reviewer.contains(['<', '>'])
        // Git trims ASCII blanks around a value and keeps every other
        // byte: a Unicode blank at either end is an edit (review 4, case 01).
        || value.trim_matches(|c: char| c.is_ascii_whitespace()) != format!("{reviewer} {base} {b64}")
    {
        return Err(Refusal::Malformed(
            "the trailer is not in its canonical form (`email base signature`, lowercase, single spaces): altered?".into(),
        ));
    }
    if !b64
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return Err(Refusal::Malformed("the signature is not base64".into()));
    }
    // The value is the body of the PEM form (`trailer_value`), so the blob
    // is decoded from it directly: no PEM is built and parsed again.
    use ssh_encoding::base64::{Base64, Encoding as _};
    use ssh_encoding::{Decode as _, Encode as _, Reader as _};
    let blob = Base64::decode_vec(b64)
        .map_err(|e| Refusal::Malformed(format!("not an SSHSIG signature ({e})")))?;
    let mut reader = blob.as_slice();
    let sig = SshSig::decode(&mut reader)
        .and_then(|sig| Ok(reader.finish(sig)?))
        .map_err(|e| Refusal::Malformed(format!("not an SSHSIG signature ({e})")))?;
    // The version is outside what the signature covers: any other value is
    // a second spelling of the same approval (adversarial review 3, case 10).
    if sig.version() != 1 {
        return Err(Refusal::Malformed(format!(
            "SSHSIG version {} (only version 1 is written by ssh-keygen and driftcheck)",
            sig.version()
        )));
    }
    // Only the canonical encoding: a decoder that skips a redundant field,
    // or base64 with stray bits, must not let two different byte strings
    // be one approval. (The same bytes as `trailer_value` writes.)
    let mut again = Vec::with_capacity(blob.len());
    sig.encode(&mut again)
        .map_err(|e| Refusal::Malformed(e.to_string()))?;
    let canonical = Base64::encode_string(&again);
    if canonical != b64 {
        return Err(Refusal::Malformed(
            "the signature is not canonically encoded (altered?)".into(),
        ));
    }
    Ok(Signed {
        reviewer: reviewer.to_string(),
        base: base.to_string(),
        sig,
    })
}

/// The one-line trailer value for `sig`.
///
/// # Errors
/// When the signature cannot be encoded.
pub fn trailer_value(reviewer: &str, base: &str, sig: &SshSig) -> Result<String, String> {
    let pem = sig.to_pem(LineEnding::LF).map_err(|e| e.to_string())?;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    Ok(format!("{reviewer} {base} {body}"))
}

/// One line of an `allowed_signers` file.
#[derive(Debug, Clone)]
struct SignerLine {
    principals: Vec<String>,
    namespaces: Option<Vec<String>>,
    key: PublicKey,
}

/// An OpenSSH `allowed_signers` file: `principals [options] keytype key`.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    entries: Vec<SignerLine>,
}

impl AllowedSigners {
    /// Parse the file's text. Options understood: `namespaces="a,b"`;
    /// `cert-authority`, `valid-after` and `valid-before` lines are refused
    /// (not supported: better an error than a key trusted more widely).
    ///
    /// # Errors
    /// `(line, message)` for the first line that cannot be read.
    pub fn parse(text: &str) -> Result<AllowedSigners, (usize, String)> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |m: &str| (n + 1, m.to_string());
            let (principals, rest) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| err("expected `principals keytype key`"))?;
            let mut rest = rest.trim_start();
            let mut namespaces = None;
            // Options come before the key type; key types start with
            // `ssh-`, `ecdsa-` or `sk-`.
            while !rest.starts_with("ssh-")
                && !rest.starts_with("ecdsa-")
                && !rest.starts_with("sk-")
            {
                let (field, after) = split_option(rest).ok_or_else(|| err("unreadable options"))?;
                // OpenSSH separates options with commas outside quotes: each
                // one is read, and any but `namespaces` refuses the file (an
                // option skipped would be a restriction not enforced).
                for opt in split_outside_quotes(field) {
                    let lower = opt.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("namespaces=") {
                        if namespaces.is_some() {
                            return Err(err("`namespaces` is given twice"));
                        }
                        let v = v.trim_matches('"');
                        namespaces = Some(v.split(',').map(|s| s.trim().to_string()).collect());
                    } else {
                        return Err(err(&format!(
                            "option `{}` is not supported",
                            lower.split('=').next().unwrap_or("")
                        )));
                    }
                }
                rest = after.trim_start();
                if rest.is_empty() {
                    return Err(err("no key after the options"));
                }
            }
            let key = PublicKey::from_openssh(rest)
                .map_err(|e| err(&format!("not an OpenSSH public key ({e})")))?;
            // An Ed25519 key of small order (or no point at all), plain or
            // FIDO (`sk-ssh-ed25519`), verifies signatures nobody made: one
            // try in eight forges one (the identity: every try). A file that
            // lists one is refused rather than trusted.
            let point = match key.key_data() {
                ssh_key::public::KeyData::Ed25519(k) => Some(k.0),
                ssh_key::public::KeyData::SkEd25519(k) => Some(k.public_key().0),
                _ => None,
            };
            if let Some(point) = point {
                // Two reasons, named apart (review 4, case 11).
                match ed25519_dalek::VerifyingKey::from_bytes(&point) {
                    Err(_) => {
                        return Err(err(
                            "the ed25519 key is not a point of the curve (no signature can verify with it)",
                        ));
                    }
                    Ok(v) if v.is_weak() => {
                        return Err(err(
                            "the ed25519 key is not a usable public key (a point of small order: anyone could forge its signatures)",
                        ));
                    }
                    Ok(_) => {}
                }
            }
            entries.push(SignerLine {
                principals: principals
                    .trim_matches('"')
                    .split(',')
                    .map(|p| p.trim().to_ascii_lowercase())
                    .collect(),
                namespaces,
                key,
            });
        }
        Ok(AllowedSigners { entries })
    }

    /// Verify `signed` as `reviewer`'s approval of `digest` at `base`.
    ///
    /// # Errors
    /// The first [`Refusal`] that applies.
    pub fn verify(
        &self,
        signed: &Signed,
        reviewer: &str,
        digest: &str,
        base: &str,
    ) -> Result<(), Refusal> {
        self.verify_as(signed, reviewer, digest, base, &|e| e.to_string())
    }

    /// [`AllowedSigners::verify`], where `person` maps an address to the
    /// person it stands for (the merge base's `.mailmap`): a key listed for
    /// any address of the reviewer speaks for the reviewer.
    ///
    /// # Errors
    /// The first [`Refusal`] that applies.
    pub fn verify_as(
        &self,
        signed: &Signed,
        reviewer: &str,
        digest: &str,
        base: &str,
        person: &dyn Fn(&str) -> String,
    ) -> Result<(), Refusal> {
        let message = self.admit(signed, reviewer, digest, base, person)?;
        if verify_many(&[(signed, message.as_str())]) == [true] {
            Ok(())
        } else {
            Err(Refusal::Invalid)
        }
    }

    /// Everything [`AllowedSigners::verify_as`] checks but the cryptography:
    /// namespace, key listed for the reviewer, base. On success, the
    /// statement the signature must verify over ([`verify_many`] checks
    /// many at once).
    ///
    /// # Errors
    /// The first [`Refusal`] that applies.
    pub fn admit(
        &self,
        signed: &Signed,
        reviewer: &str,
        digest: &str,
        base: &str,
        person: &dyn Fn(&str) -> String,
    ) -> Result<String, Refusal> {
        let sig = &signed.sig;
        if sig.namespace() != NAMESPACE {
            return Err(Refusal::Namespace(sig.namespace().to_string()));
        }
        // Named only in a refusal: a success does not pay for it.
        let fp = || sig.public_key().fingerprint(HashAlg::Sha256).to_string();
        let with_key: Vec<&SignerLine> = self
            .entries
            .iter()
            .filter(|e| e.key.key_data() == sig.public_key())
            .collect();
        if with_key.is_empty() {
            return Err(Refusal::UnknownKey(fp()));
        }
        let reviewer = reviewer.to_ascii_lowercase();
        let listed = with_key.iter().any(|e| {
            lists(e, &reviewer, person)
                && e.namespaces
                    .as_ref()
                    .is_none_or(|ns| ns.iter().any(|n| principal_matches(n, NAMESPACE)))
        });
        if !listed || signed.reviewer != reviewer {
            return Err(Refusal::OtherPrincipal(fp()));
        }
        if !signed.base.eq_ignore_ascii_case(base) {
            return Err(Refusal::OtherBase(signed.base.clone()));
        }
        Ok(statement(digest, &reviewer, base))
    }
}

/// Whether each signature verifies over its statement (already admitted by
/// [`AllowedSigners::admit`]). The gate asks for one, `audit` for many: one
/// function, so they cannot disagree.
///
/// Plain Ed25519 signatures (nearly all) are checked by
/// [`super::ed25519`]: cofactored, and as one batch when there are several,
/// with exactly the answers of checking each alone (see that module for the
/// rule and why). Other keys (ECDSA, RSA, FIDO) are checked one by one by
/// `ssh-key`.
pub fn verify_many(items: &[(&Signed, &str)]) -> Vec<bool> {
    /// A plain Ed25519 signature: its index, key, bytes and signed data.
    type Plain = (usize, [u8; 32], [u8; 64], Vec<u8>);
    let mut plain: Vec<Plain> = Vec::new();
    let mut out: Vec<bool> = items
        .iter()
        .enumerate()
        .map(|(i, (signed, message))| {
            let sig = &signed.sig;
            // (A signature with data in its reserved field signs over it:
            // `ssh-key` builds that statement.)
            if let (ssh_key::public::KeyData::Ed25519(key), ssh_key::Algorithm::Ed25519) =
                (sig.public_key(), sig.algorithm())
                && sig.reserved().is_empty()
            {
                let (Ok(data), Ok(bytes)) = (
                    SshSig::signed_data(NAMESPACE, sig.hash_alg(), message.as_bytes()),
                    <[u8; 64]>::try_from(sig.signature_bytes()),
                ) else {
                    return false;
                };
                plain.push((i, key.0, bytes, data));
                return false;
            }
            PublicKey::from(sig.public_key().clone())
                .verify(NAMESPACE, message.as_bytes(), sig)
                .is_ok()
        })
        .collect();
    let batch: Vec<super::ed25519::ToVerify<'_>> = plain
        .iter()
        .map(|(_, key, signature, message)| super::ed25519::ToVerify {
            key,
            signature,
            message,
        })
        .collect();
    for ((i, ..), ok) in plain.iter().zip(super::ed25519::verify_batch(&batch)) {
        out[*i] = ok;
    }
    out
}

impl AllowedSigners {
    /// Whether the key that made `signed` is listed for `name` (for any
    /// namespace: a key that may speak for a person is that person's).
    /// Addresses are mapped to persons by `person` (see
    /// [`AllowedSigners::verify_as`]).
    pub fn key_speaks_for(
        &self,
        signed: &Signed,
        name: &str,
        person: &dyn Fn(&str) -> String,
    ) -> bool {
        let name = name.to_ascii_lowercase();
        self.entries
            .iter()
            .filter(|e| e.key.key_data() == signed.sig.public_key())
            .any(|e| lists(e, &name, person))
    }
}

/// Whether entry `e` lists `name`: a principal pattern matches it, or a
/// literal principal is an address of the same person (`person` maps both
/// to one canonical address: the merge base's `.mailmap`). The rule: keys
/// belong to people, and `.mailmap` says which addresses are one person, so
/// `allowed_signers` may name any of them — for the reviewer (her key
/// listed under her new address verifies a sign-off written with the old
/// one) and for contributors alike (a key listed under the author's old
/// address still speaks for the author).
fn lists(e: &SignerLine, name: &str, person: &dyn Fn(&str) -> String) -> bool {
    if e.principals.iter().any(|p| principal_matches(p, name)) {
        return true;
    }
    let who = person(name);
    e.principals
        .iter()
        .any(|p| !p.contains(['*', '?']) && person(&p.to_ascii_lowercase()) == who)
}

/// The SHA-256 fingerprint of the key that made `signed`.
pub fn key_fingerprint(signed: &Signed) -> String {
    signed
        .sig
        .public_key()
        .fingerprint(HashAlg::Sha256)
        .to_string()
}

/// `*` and `?` patterns, as OpenSSH matches principals.
fn principal_matches(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

/// The first option of `s` (quoted values may hold spaces) and the rest.
/// The comma-separated parts of an options field, commas inside quotes kept.
fn split_outside_quotes(field: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    for (i, c) in field.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&field[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&field[start..]);
    out
}

fn split_option(s: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return Some((&s[..i], &s[i..])),
            _ => {}
        }
    }
    None
}

/// Sign `statement` with the key at `key`: natively when it is an
/// unencrypted private key file the crate can sign with, else with
/// `ssh-keygen -Y sign` (a public key path uses ssh-agent; an encrypted key
/// asks for its passphrase; hardware keys work).
///
/// # Errors
/// A message naming the key path (never key material).
pub fn sign(key: &Path, statement: &str) -> Result<SshSig, String> {
    sign_with(key, statement).map(|(sig, _)| sig)
}

/// How a signature was made, for the reviewer to see.
pub const NATIVE: &str = "natively (an unencrypted key file driftcheck can sign with)";
/// How a signature was made, for the reviewer to see.
pub const SSH_KEYGEN: &str = "with `ssh-keygen -Y sign` (ssh-agent, an encrypted or hardware key, or a key type signed there)";

/// [`sign`], also saying how ([`NATIVE`] or [`SSH_KEYGEN`]).
///
/// # Errors
/// As [`sign`].
pub fn sign_with(key: &Path, statement: &str) -> Result<(SshSig, &'static str), String> {
    let text = std::fs::read_to_string(key)
        .map_err(|e| format!("cannot read {}: {}", key.display(), e.kind()))?;
    // Natively where the crate can sign with this key type (ed25519, rsa);
    // any other key, an encrypted one, or a public key (ssh-agent) goes to
    // ssh-keygen.
    if let Ok(private) = PrivateKey::from_openssh(&text)
        && !private.is_encrypted()
        && let Ok(sig) = private.sign(NAMESPACE, HashAlg::Sha512, statement.as_bytes())
    {
        return Ok((sig, NATIVE));
    }
    let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let file = dir.path().join("statement");
    std::fs::write(&file, statement).map_err(|e| format!("temporary file: {e}"))?;
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("ssh-keygen could not run ({}): install OpenSSH", e.kind()))?;
    if !out.status.success() {
        return Err(format!(
            "ssh-keygen -Y sign failed with key {} (exit {})",
            key.display(),
            out.status.code().unwrap_or(-1)
        ));
    }
    let pem = std::fs::read_to_string(dir.path().join("statement.sig"))
        .map_err(|e| format!("reading ssh-keygen's signature: {}", e.kind()))?;
    SshSig::from_pem(pem)
        .map(|sig| (sig, SSH_KEYGEN))
        .map_err(|e| format!("ssh-keygen's signature cannot be read: {e}"))
}

#[cfg(test)]
#[path = "signature_tests.rs"]
mod tests;
