//! Keyed fingerprints: equal secrets look equal within one report, and
//! nothing can be looked up afterwards.
//!
//! A plain hash of `hunter2` is a dictionary lookup away from the password.
//! Instead each run draws a fresh 32-byte key from the OS and computes
//! HMAC-SHA-256 under it; the key is never written anywhere, so fingerprints
//! compare only within the run that printed them (SPEC §2).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The first 16 bytes of a secret's HMAC. Safe to print; shown as 12 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The 12 hex digits shown to users.
    pub fn short(&self) -> String {
        self.0[..6].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fp:{}", self.short())
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.short())
    }
}

/// Computes fingerprints under one run's key.
#[derive(Clone)]
pub struct Fingerprinter {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fingerprinter { key: <hidden> }")
    }
}

impl Fingerprinter {
    /// A fingerprinter with a fresh random key.
    ///
    /// # Errors
    /// When the operating system cannot supply random bytes.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        let fp = Self::with_key(&key);
        key.fill(0);
        Ok(fp)
    }

    /// A fingerprinter with a fixed key. For tests only: a known key makes
    /// fingerprints of weak passwords guessable.
    pub fn with_key(key: &[u8]) -> Self {
        let mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
        Fingerprinter { mac }
    }

    /// The fingerprint of a secret value (its parsed text, so quoting does not matter).
    pub fn fingerprint(&self, secret: &str) -> Fingerprint {
        // Every secret is fingerprinted: the one place to remember it for
        // the output's last line of defence.
        super::redact::remember(secret);
        let mut mac = self.mac.clone();
        mac.update(b"driftcheck/v1\0");
        mac.update(secret.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut fp = [0u8; 16];
        fp.copy_from_slice(&out[..16]);
        Fingerprint(fp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_within_a_run_different_across_runs() {
        let a = Fingerprinter::random().unwrap();
        let b = Fingerprinter::random().unwrap();
        assert_eq!(a.fingerprint("hunter2"), a.fingerprint("hunter2"));
        assert_ne!(a.fingerprint("hunter2"), a.fingerprint("hunter3"));
        assert_ne!(a.fingerprint("hunter2"), b.fingerprint("hunter2"));
        assert_eq!(a.fingerprint("x").short().len(), 12);
        // Never an unkeyed SHA-256 prefix of the secret.
        assert!(
            !"f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7"
                .starts_with(&a.fingerprint("hunter2").short())
        );
    }
}
