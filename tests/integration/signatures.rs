//! Signed approvals against OpenSSH as the oracle: signatures made by
//! `ssh-keygen -Y sign` verify in driftcheck, driftcheck's native ones verify
//! with `ssh-keygen -Y verify`, for ed25519, ecdsa-p256 and rsa keys; and
//! every way a signature can be wrong is refused with its reason.

use std::path::{Path, PathBuf};
use std::process::Command;

use driftcheck::gate::signature::{self, AllowedSigners, NAMESPACE, Refusal};

const DIGEST: &str = "v2-sha256:0123456789abcdef0123456789abcdef";
const BASE: &str = "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c";
const ANA: &str = "ana@example.com";

fn keygen(dir: &Path, kind: &str, name: &str) -> PathBuf {
    let key = dir.join(name);
    let mut args = vec!["-q", "-N", "", "-C", name, "-t", kind];
    if kind == "rsa" {
        args.extend(["-b", "2048"]);
    }
    if kind == "ecdsa" {
        args.extend(["-b", "256"]);
    }
    let ok = Command::new("ssh-keygen")
        .args(&args)
        .arg("-f")
        .arg(&key)
        .status()
        .unwrap()
        .success();
    assert!(ok, "ssh-keygen -t {kind}");
    key
}

fn public(key: &Path) -> String {
    std::fs::read_to_string(key.with_extension("pub"))
        .unwrap()
        .trim()
        .to_string()
}

/// `ssh-keygen -Y sign` of `text` in `namespace`: the one-line trailer value.
fn openssh_sign(key: &Path, text: &str, namespace: &str, reviewer: &str, base: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m");
    std::fs::write(&file, text).unwrap();
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", namespace, "-f"])
        .arg(key)
        .arg(&file)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let pem = std::fs::read_to_string(dir.path().join("m.sig")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    format!("{reviewer} {base} {body}")
}

#[test]
fn openssh_and_driftcheck_agree_on_every_key_type() {
    // `tool` asks only whether the program starts, not its exit status.
    if !crate::harness::tool("ssh-keygen", &["-?"]) {
        return;
    }
    for kind in ["ed25519", "ecdsa", "rsa"] {
        let dir = tempfile::tempdir().unwrap();
        let ana = keygen(dir.path(), kind, "ana");
        let bo = keygen(dir.path(), kind, "bo");
        let eve = keygen(dir.path(), kind, "eve");
        let allowed_text = format!(
            "{ANA} {}\nbo@example.com namespaces=\"{NAMESPACE}\" {}\n",
            public(&ana),
            public(&bo)
        );
        let allowed = AllowedSigners::parse(&allowed_text).unwrap();
        let good = signature::statement(DIGEST, ANA, BASE);

        // OpenSSH signs, driftcheck verifies.
        let value = openssh_sign(&ana, &good, NAMESPACE, ANA, BASE);
        let signed = signature::parse(&value).unwrap();
        assert_eq!(allowed.verify(&signed, ANA, DIGEST, BASE), Ok(()), "{kind}");

        // driftcheck signs (natively: unencrypted key file), OpenSSH verifies.
        let sig = signature::sign(&ana, &good).unwrap();
        let value = signature::trailer_value(ANA, BASE, &sig).unwrap();
        let signed = signature::parse(&value).unwrap();
        assert_eq!(
            allowed.verify(&signed, ANA, DIGEST, BASE),
            Ok(()),
            "{kind} native"
        );
        let pem = sig.to_pem(ssh_key::LineEnding::LF).unwrap();
        std::fs::write(dir.path().join("sig"), pem).unwrap();
        std::fs::write(dir.path().join("allowed"), &allowed_text).unwrap();
        let mut verify = Command::new("ssh-keygen")
            .args(["-q", "-Y", "verify", "-n", NAMESPACE, "-I", ANA, "-f"])
            .arg(dir.path().join("allowed"))
            .arg("-s")
            .arg(dir.path().join("sig"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        verify
            .stdin
            .take()
            .unwrap()
            .write_all(good.as_bytes())
            .unwrap();
        assert!(
            verify.wait().unwrap().success(),
            "{kind}: ssh-keygen -Y verify refused ours"
        );

        // Each way of being wrong, with its reason.
        let refused = |value: &str, reviewer: &str, digest: &str, base: &str| {
            signature::parse(value).and_then(|s| allowed.verify(&s, reviewer, digest, base))
        };
        let other_digest = "v2-sha256:ffffffffffffffffffffffffffffffff";
        assert_eq!(
            refused(
                &openssh_sign(&ana, &good, NAMESPACE, ANA, BASE),
                ANA,
                other_digest,
                BASE
            ),
            Err(Refusal::Invalid),
            "{kind}: another digest"
        );
        let other_base = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        assert!(matches!(
            refused(
                &openssh_sign(&ana, &good, NAMESPACE, ANA, BASE),
                ANA,
                DIGEST,
                other_base
            ),
            Err(Refusal::OtherBase(_))
        ));
        assert!(matches!(
            refused(
                &openssh_sign(&ana, &good, "git", ANA, BASE),
                ANA,
                DIGEST,
                BASE
            ),
            Err(Refusal::Namespace(_))
        ));
        assert!(matches!(
            refused(
                &openssh_sign(&eve, &good, NAMESPACE, ANA, BASE),
                ANA,
                DIGEST,
                BASE
            ),
            Err(Refusal::UnknownKey(_))
        ));
        // Bo's key, listed for Bo, signing as Ana.
        assert!(matches!(
            refused(
                &openssh_sign(&bo, &good, NAMESPACE, ANA, BASE),
                ANA,
                DIGEST,
                BASE
            ),
            Err(Refusal::OtherPrincipal(_))
        ));
        // Ana's valid signature presented as Bo's sign-off.
        assert!(matches!(
            refused(
                &openssh_sign(&ana, &good, NAMESPACE, ANA, BASE),
                "bo@example.com",
                DIGEST,
                BASE
            ),
            Err(Refusal::OtherPrincipal(_))
        ));
        // One byte altered anywhere in the signature: never accepted.
        let value = openssh_sign(&ana, &good, NAMESPACE, ANA, BASE);
        let sig_at = value.rfind(' ').unwrap() + 1;
        for i in (sig_at..value.len()).step_by(7) {
            let mut bytes = value.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            if altered == value {
                continue;
            }
            assert!(
                refused(&altered, ANA, DIGEST, BASE).is_err(),
                "{kind}: byte {i} altered and accepted"
            );
        }
    }
}
