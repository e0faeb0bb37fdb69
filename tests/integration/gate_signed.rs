//! Signed approvals in the gate: real repositories (the `gate_catalogue`
//! harness: `main` by Base Admin, the change on `feature` by Mallory, Ana
//! and Bo peers), `[review] signers` and `signed` at the merge base, and
//! signatures made by `driftcheck approve --sign --key` with key files the
//! test writes (native signing: no ssh-keygen needed). Each case asserts the
//! verdict and the reason.

use std::path::PathBuf;

use ssh_key::LineEnding;
use ssh_key::private::{Ed25519Keypair, KeypairData, PrivateKey};

use super::gate_catalogue::{ADMIN, ANA, BO, CAROL, Gate, MAL, Person, Repo, msg};

const SIGNED: &str = "signed by a key in allowed_signers";
const TYPED: &str = "typed trailer";
pub(crate) const SIGNERS: &str = ".driftcheck/allowed_signers";

/// A deterministic ed25519 key from `seed`.
fn private(seed: u8) -> PrivateKey {
    let pair = Ed25519Keypair::from_seed(&[seed; 32]);
    PrivateKey::new(KeypairData::Ed25519(pair), format!("key{seed}")).unwrap()
}

/// The key's private key file (written in the repository's temp directory,
/// outside the repository) and its public line.
pub(crate) fn key(r: &Repo, seed: u8) -> (PathBuf, String) {
    let private = private(seed);
    let path = r.scratch(&format!("key{seed}"));
    std::fs::write(
        &path,
        private.to_openssh(LineEnding::LF).unwrap().as_bytes(),
    )
    .unwrap();
    (path, public(seed))
}

/// The public line of the key from `seed`.
pub(crate) fn public(seed: u8) -> String {
    private(seed).public_key().to_openssh().unwrap()
}

/// An `allowed_signers` line.
pub(crate) fn line(p: Person, public: &str) -> String {
    format!("{} {public}\n", p.email)
}

/// Seeds of each person's key.
pub(crate) const ANA_KEY: u8 = 1;
pub(crate) const BO_KEY: u8 = 2;
pub(crate) const MAL_KEY: u8 = 3;
pub(crate) const CAROL_KEY: u8 = 4;

/// The standard repository with `[review] signed = mode` and an
/// `allowed_signers` at the base listing Ana, Bo and Mallory.
pub(crate) fn repo(mode: &str) -> Repo {
    let review = format!("\n[review]\nsigners = \"{SIGNERS}\"\nsigned = \"{mode}\"\n");
    let signers: String = [(ANA, ANA_KEY), (BO, BO_KEY), (MAL, MAL_KEY)]
        .iter()
        .map(|(p, s)| line(*p, &public(*s)))
        .collect();
    Repo::standard_with(&review, &[(SIGNERS, signers.as_str())])
}

/// `driftcheck approve --sign --key KEY --base main --format json` as
/// `reviewer`: the `Reviewed-by` and `Review-Signature` lines.
#[track_caller]
fn approve_signed(r: &Repo, reviewer: Person, seed: u8) -> (String, String) {
    approve_signed_on(r, reviewer, seed, "main")
}

/// [`approve_signed`] against merge base `base` (`HEAD~1`: the commit alone).
#[track_caller]
pub(crate) fn approve_signed_on(
    r: &Repo,
    reviewer: Person,
    seed: u8,
    base: &str,
) -> (String, String) {
    let (path, _) = key(r, seed);
    let vars = identity(r, reviewer, "");
    let out = r.driftcheck_in(
        &r.root(),
        &[
            "approve",
            "--sign",
            "--key",
            path.to_str().unwrap(),
            "--base",
            base,
            "--format",
            "json",
        ],
        &vars,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "approve --sign failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    (
        doc["trailer"].as_str().unwrap().to_string(),
        doc["signature"].as_str().unwrap().to_string(),
    )
}

/// `reviewer`'s git identity (plus `extra` config) as environment variables.
fn identity(r: &Repo, reviewer: Person, extra: &str) -> Vec<(&'static str, std::ffi::OsString)> {
    r.user_config(
        &format!("home-{}", reviewer.name.to_lowercase()),
        &format!(
            "[user]\n\tname = {}\n\temail = {}\n{extra}",
            reviewer.name, reviewer.email
        ),
    )
}

/// Mallory's timeout change, then `lines` added to its message by an amend.
fn timeout_with(r: &Repo, lines: &str) -> Gate {
    r.amend(&msg(lines));
    r.gate_main()
}

/// The change committed, then signed by `reviewer` with key `seed`.
fn signed_change(r: &Repo, reviewer: Person, seed: u8) -> (String, String) {
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    approve_signed(r, reviewer, seed)
}

/// The sign-off naming `who` is refused, and its reason contains `why`.
#[track_caller]
fn assert_refused_because(g: &Gate, who: &str, why: &str) {
    g.assert_refused();
    g.assert_signoff(who, false, why);
    g.assert_short_of_signoffs(0);
}

#[test]
fn a_signed_peer_approval_passes_and_says_so_in_every_format() {
    let r = repo("required");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    g.assert_passed();
    g.assert_signoff("Ana", true, "peer sign-off");
    assert_eq!(g.signoff("Ana")["assurance"], SIGNED, "{}", g.show());
    assert!(g.gate()["assurance"].as_str().unwrap().contains("L1"));
    for (format, needle) in [
        ("human", SIGNED),
        ("markdown", SIGNED),
        ("sarif", SIGNED),
        ("github", SIGNED),
    ] {
        let out = r.driftcheck_in(
            &r.root(),
            &["gate", "--base", "main", "--format", format],
            &[],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{format}:\n{text}");
        assert!(text.contains(needle), "{format} lacks `{needle}`:\n{text}");
    }
}

#[test]
fn a_typed_signoff_does_not_count_when_signatures_are_required() {
    let r = repo("required");
    let (reviewed, _) = signed_change(&r, ANA, ANA_KEY);
    let g = timeout_with(&r, &reviewed);
    assert_refused_because(&g, "Ana", "no Review-Signature trailer for this reviewer");
    assert_eq!(g.signoff("Ana")["assurance"], TYPED);
}

#[test]
fn the_author_signing_with_a_key_listed_for_someone_else_is_refused() {
    let r = repo("required");
    // Mallory runs approve with Ana's identity and his own (listed) key.
    let (reviewed, sig) = signed_change(&r, ANA, MAL_KEY);
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    assert_refused_because(&g, "Ana", "listed in allowed_signers for another principal");
    // Signing as himself proves only that he is the author.
    let (reviewed, sig) = approve_signed(&r, MAL, MAL_KEY);
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    assert_refused_because(&g, "Mallory", "not a peer");
    assert_eq!(g.signoff("Mallory")["assurance"], SIGNED);
}

#[test]
fn a_signature_over_another_digest_is_refused() {
    let r = repo("required");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    r.amend(&msg(&format!("{reviewed}\n{sig}")));
    r.replace("deploy/prod/app.yaml", "log_level: info", "log_level: warn");
    r.replace(
        "deploy/staging/app.yaml",
        "log_level: info",
        "log_level: warn",
    );
    r.commit("Quieter logs\n");
    let g = r.gate_main();
    assert_refused_because(&g, "Ana", "does not verify over this change's digest");
}

#[test]
fn a_signature_over_another_base_is_refused() {
    let r = repo("required");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    r.amend(&msg(&format!("{reviewed}\n{sig}")));
    // main moves on (outside guarded config) and is merged in: same digest,
    // new merge base.
    r.on_main("Tidy the code", |r| {
        r.write("src/main.rs", "fn main() { }\n")
    });
    r.git(&["merge", "-q", "--no-edit", "main"]);
    let g = r.gate_main();
    assert_refused_because(&g, "Ana", "not this change's (copied from another change?)");
}

#[test]
fn a_key_added_to_allowed_signers_at_head_does_not_count() {
    let r = repo("required");
    let (_, carol) = key(&r, CAROL_KEY);
    let text = format!("{}{}", r.read(SIGNERS), line(CAROL, &carol));
    r.write(SIGNERS, &text);
    let (reviewed, sig) = signed_change(&r, CAROL, CAROL_KEY);
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    assert_refused_because(&g, "Carol", "is not in the merge base's allowed_signers");
    assert!(
        g.changes().iter().any(|(p, _)| p == SIGNERS),
        "allowed_signers is guarded:\n{}",
        g.show()
    );
}

#[test]
fn a_change_to_allowed_signers_alone_needs_a_signed_signoff() {
    let r = repo("required");
    let (_, carol) = key(&r, CAROL_KEY);
    let text = format!("{}{}", r.read(SIGNERS), line(CAROL, &carol));
    r.write(SIGNERS, &text);
    r.commit("Add Carol's key\n");
    let g = r.gate_main();
    g.assert_refused();
    assert_eq!(g.changes(), vec![(SIGNERS.to_string(), "M".to_string())]);
    g.assert_short_of_signoffs(0);
    // Bo (listed at the base) signs: it passes.
    let (reviewed, sig) = approve_signed(&r, BO, BO_KEY);
    timeout_with(&r, &format!("{reviewed}\n{sig}")).assert_passed();
}

#[test]
fn a_key_revoked_at_the_base_is_refused() {
    let r = repo("required");
    // Ana's key is replaced on main before the change starts.
    let (_, new_key) = key(&r, 11);
    r.git(&["checkout", "-q", "main"]);
    let text = r.read(SIGNERS);
    let ana_line = text.lines().find(|l| l.starts_with(ANA.email)).unwrap();
    let text = text.replace(ana_line, line(ANA, &new_key).trim_end());
    r.write(SIGNERS, &text);
    r.commit_as(ADMIN, ADMIN, "Rotate Ana's key");
    r.git(&["checkout", "-q", "-B", "feature", "main"]);
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    assert_refused_because(&g, "Ana", "is not in the merge base's allowed_signers");
    // Her new key works.
    let (reviewed, sig) = approve_signed(&r, ANA, 11);
    timeout_with(&r, &format!("{reviewed}\n{sig}")).assert_passed();
}

#[test]
fn a_signature_copied_from_another_pull_request_is_refused() {
    let r = repo("required");
    // Another pull request, from the same base, that Ana approved.
    r.git(&["checkout", "-q", "-b", "other", "main"]);
    r.everywhere("log_level: info", "log_level: warn");
    r.commit("Quieter logs\n");
    let (_, copied) = approve_signed(&r, ANA, ANA_KEY);
    r.git(&["checkout", "-q", "feature"]);
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    let digest = r.gate_main().digest().to_string();
    let g = timeout_with(
        &r,
        &format!("Reviewed-by: Ana <ana@example.com> # config {digest}\n{copied}"),
    );
    assert_refused_because(&g, "Ana", "does not verify over this change's digest");
}

/// Every way of spoiling the signature line: folded at several places,
/// one byte altered at several places (email, base, signature). Each is
/// refused, never counted, with a signature reason.
#[test]
fn folded_or_altered_signatures_are_refused_at_every_position() {
    let r = repo("required");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    let value_at = sig.find(": ").unwrap() + 2;
    let mut variants: Vec<(String, String)> = Vec::new();
    // Folds: a continuation line at several word and mid-word positions.
    let spaces: Vec<usize> = sig[value_at..]
        .match_indices(' ')
        .map(|(i, _)| value_at + i)
        .collect();
    for at in [spaces[0], spaces[1], sig.len() - 40, sig.len() - 3] {
        let folded = format!("{}\n  {}", &sig[..at], sig[at..].trim_start());
        variants.push((format!("folded at {at}"), folded));
    }
    // One byte altered: spread over the whole value.
    let step = (sig.len() - value_at) / 9;
    for at in (value_at..sig.len()).step_by(step.max(1)) {
        let mut bytes = sig.clone().into_bytes();
        bytes[at] = match bytes[at] {
            b'A' => b'B',
            b'@' => b'a',
            b' ' => b'_',
            _ => b'A',
        };
        let altered = String::from_utf8(bytes).unwrap();
        if altered != sig {
            variants.push((format!("byte {at}"), altered));
        }
    }
    assert!(variants.len() >= 12, "{}", variants.len());
    for (what, spoiled) in variants {
        let g = timeout_with(&r, &format!("{reviewed}\n{spoiled}"));
        g.assert_refused();
        let s = g.signoff("Ana");
        assert_eq!(s["counted"], false, "{what}\n{}", g.show());
        let reason = s["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("signature refused"),
            "{what}: reason `{reason}`\n{}",
            g.show()
        );
        assert!(
            [
                "malformed signature",
                "no Review-Signature trailer",
                "does not verify",
                "not this change's",
                "not in the merge base's allowed_signers",
                "another principal",
                "signed for namespace",
            ]
            .iter()
            .any(|n| reason.contains(n)),
            "{what}: reason `{reason}`"
        );
    }
    // The untouched line still passes.
    timeout_with(&r, &format!("{reviewed}\n{sig}")).assert_passed();
}

#[test]
fn optional_signatures_raise_the_assurance_and_typed_signoffs_still_count() {
    let r = repo("optional");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    g.assert_passed();
    assert_eq!(g.signoff("Ana")["assurance"], SIGNED);
    // An invalid signature is listed, and the typed sign-off counts.
    let (bo_line, bo_sig) = approve_signed(&r, BO, MAL_KEY);
    let g = timeout_with(&r, &format!("{bo_line}\n{bo_sig}"));
    g.assert_passed();
    let s = g.signoff("Bo");
    assert_eq!(s["counted"], true, "{}", g.show());
    assert_eq!(s["assurance"], TYPED);
    assert!(
        s["signature"]
            .as_str()
            .unwrap()
            .contains("another principal"),
        "{}",
        g.show()
    );
    // No signature at all: a typed trailer, counted.
    let g = timeout_with(&r, &bo_line);
    g.assert_passed();
    assert_eq!(g.signoff("Bo")["assurance"], TYPED);
    assert!(g.signoff("Bo").get("signature").is_none());
}

#[test]
fn approve_sign_lines_survive_git_interpret_trailers() {
    let r = repo("required");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    let message = msg(&format!("{reviewed}\n{sig}"));
    std::fs::write(r.scratch("m"), &message).unwrap();
    let parsed = r.git(&[
        "interpret-trailers",
        "--parse",
        r.scratch("m").to_str().unwrap(),
    ]);
    assert_eq!(parsed, format!("{reviewed}\n{sig}"));
    assert!(!sig.contains('\n') && sig.starts_with("Review-Signature: ana@example.com "));
}

#[test]
fn approve_sign_uses_user_signingkey_or_says_what_to_set() {
    let r = repo("required");
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    let run = |extra: &str| {
        let vars = identity(&r, ANA, extra);
        r.driftcheck_in(&r.root(), &["approve", "--sign", "--base", "main"], &vars)
    };
    let out = run("");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("user.signingkey") && err.contains("--key"),
        "{err}"
    );
    let (path, _) = key(&r, ANA_KEY);
    let out = run(&format!(
        "[gpg]\n\tformat = ssh\n[user]\n\tsigningkey = {}\n",
        path.display()
    ));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let sig = text
        .lines()
        .find(|l| l.trim_start().starts_with("Review-Signature: "))
        .unwrap_or_else(|| panic!("no signature line:\n{text}"));
    let reviewed = text
        .lines()
        .find(|l| l.trim_start().starts_with("Reviewed-by: "))
        .unwrap();
    timeout_with(&r, &format!("{}\n{}", reviewed.trim(), sig.trim())).assert_passed();
}

#[test]
fn broken_signing_settings_cannot_answer() {
    let r = Repo::standard("\n[review]\nsigned = \"required\"\n");
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    r.gate_main().assert_cannot_answer(&["signers"]);
    let r = Repo::standard("\n[review]\nsigners = \"missing\"\nsigned = \"required\"\n");
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    r.gate_main()
        .assert_cannot_answer(&["`missing` is not a regular file"]);
    let r = Repo::standard_with(
        "\n[review]\nsigners = \"signers\"\n",
        &[(
            "signers",
            "# team\nana@example.com ssh-ed25519 AAAA-not-base64\n",
        )],
    );
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    r.gate_main().assert_cannot_answer(&["signers:2:"]);
    let r = Repo::standard("\n[review]\nsigned = \"sometimes\"\n");
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    r.gate_main()
        .assert_cannot_answer(&["expected \"required\" or \"optional\""]);
}

/// `audit` verifies each commit's signatures against the `allowed_signers`
/// of its first parent, over the commit's own digest; a copied signature
/// on a later commit is refused with its reason.
#[test]
fn audit_shows_which_signoffs_were_signed() {
    let r = repo("required");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    r.amend(&msg(&format!("{reviewed}\n{sig}")));
    r.everywhere("log_level: info", "log_level: warn");
    r.commit(&msg(&format!("{reviewed}\n{sig}")));
    let out = r.driftcheck_in(
        &r.root(),
        &["audit", "main..feature", "--format", "json"],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let commits = doc["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 2, "{doc}");
    let by_paths = |i: usize| &commits[i]["signoffs"][0];
    let (first, second) = if commits[0]["passed"] == true {
        (0, 1)
    } else {
        (1, 0)
    };
    assert_eq!(by_paths(first)["signed"], true, "{doc}");
    assert_eq!(by_paths(first)["assurance"], SIGNED);
    assert_eq!(commits[second]["passed"], false, "{doc}");
    let reason = by_paths(second)["reason"].as_str().unwrap();
    assert!(reason.contains("signature refused"), "{reason}");
    assert_eq!(out.status.code(), Some(1));
    // A second run answers from the verified-signatures memo: the same.
    let memo = r.root().join(".git/driftcheck/verified-signatures");
    assert_eq!(
        std::fs::metadata(&memo).unwrap().len(),
        32,
        "one verified signature"
    );
    let again = r.driftcheck_in(
        &r.root(),
        &["audit", "main..feature", "--format", "json"],
        &[],
    );
    assert_eq!(again.stdout, out.stdout);
    // The memo is keyed on everything: the copied signature is still refused
    // after a run that verified the original.
    assert_eq!(std::fs::metadata(&memo).unwrap().len(), 32);
    let human = r.driftcheck_in(&r.root(), &["audit", "main..feature"], &[]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("ana@example.com (signed)"), "{text}");
    assert!(text.contains("signature refused"), "{text}");
}

/// `trailers` names a signature's reviewer and size, never its bytes.
#[test]
fn trailers_summarise_a_signature() {
    let r = repo("required");
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    r.amend(&msg(&format!("{reviewed}\n{sig}")));
    let blob = sig.rsplit(' ').next().unwrap();
    for format in ["human", "json"] {
        let out = r.driftcheck_in(&r.root(), &["trailers", "--format", format], &[]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(
            !text.contains(&blob[..40]),
            "{format} echoes the signature:\n{text}"
        );
        assert!(
            text.contains("ana@example.com <sshsig, "),
            "{format}:\n{text}"
        );
    }
}

/// `init` shows the setup in five numbered lines, and the config it writes
/// names both settings.
#[test]
fn init_shows_the_signed_setup_in_five_lines() {
    let t = super::harness::Tree::new(&[("staging/a.yaml", "a: 1\n"), ("prod/a.yaml", "a: 1\n")]);
    let run = t.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let steps: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Signed approvals"))
        .skip(1)
        .collect();
    assert_eq!(steps.len(), 5, "{}", run.all());
    for (n, step) in steps.iter().enumerate() {
        assert!(
            step.trim_start().starts_with(&format!("{}.", n + 1)),
            "{step}"
        );
    }
    assert!(run.stdout.contains("signed = \"required\""));
    let config = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
    assert!(config.contains("# signers = ") && config.contains("# signed = \"required\""));
}

/// A key the crate does not sign with natively (ecdsa) is signed by
/// `ssh-keygen -Y sign`, and the gate verifies it: the two agree.
#[test]
fn approve_sign_through_ssh_keygen_verifies_in_the_gate() {
    if !super::harness::tool("ssh-keygen", &["-?"]) {
        return;
    }
    let probe = repo("required");
    let keyfile = probe.scratch("ecdsa");
    let ok = std::process::Command::new("ssh-keygen")
        .args([
            "-q", "-N", "", "-t", "ecdsa", "-b", "256", "-C", "ana", "-f",
        ])
        .arg(&keyfile)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let public = std::fs::read_to_string(keyfile.with_extension("pub")).unwrap();
    let signers = format!("ana@example.com {public}");
    let review = format!("\n[review]\nsigners = \"{SIGNERS}\"\nsigned = \"required\"\n");
    let r = Repo::standard_with(&review, &[(SIGNERS, signers.as_str())]);
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    let vars = identity(&r, ANA, "");
    let out = r.driftcheck_in(
        &r.root(),
        &[
            "approve",
            "--sign",
            "--key",
            keyfile.to_str().unwrap(),
            "--base",
            "main",
            "--format",
            "json",
        ],
        &vars,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = format!(
        "{}\n{}",
        doc["trailer"].as_str().unwrap(),
        doc["signature"].as_str().unwrap()
    );
    let g = timeout_with(&r, &lines);
    g.assert_passed();
    assert_eq!(g.signoff("Ana")["assurance"], SIGNED);
}

/// `audit` reads `allowed_signers` at each commit's first parent: a key
/// added by one commit verifies the next commit's signature, and a key
/// removed by one commit no longer verifies the next.
#[test]
fn audit_follows_allowed_signers_through_history() {
    let r = repo("required");
    let with_carol = format!("{}{}", r.read(SIGNERS), line(CAROL, &public(CAROL_KEY)));
    let without = r.read(SIGNERS);
    let sign_next = |who: Person, seed: u8| {
        let (reviewed, sig) = approve_signed_on(&r, who, seed, "HEAD~1");
        r.amend(&msg(&format!("{reviewed}\n{sig}")));
    };
    r.write(SIGNERS, &with_carol);
    r.commit("Add Carol's key\n");
    sign_next(BO, BO_KEY);
    r.raise_timeout();
    r.commit("Raise the request timeout\n");
    sign_next(CAROL, CAROL_KEY);
    r.write(SIGNERS, &without);
    r.commit("Remove Carol's key\n");
    sign_next(BO, BO_KEY);
    r.everywhere("log_level: info", "log_level: warn");
    r.commit("Quieter logs\n");
    sign_next(CAROL, CAROL_KEY);
    for _ in 0..2 {
        // The second run answers partly from the memo: the same verdicts.
        let out = r.driftcheck_in(
            &r.root(),
            &["audit", "main..feature", "--format", "json"],
            &[],
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let signed: Vec<bool> = doc["commits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["signoffs"][0]["signed"] == true)
            .collect();
        // Newest first or oldest first: Carol's second signature alone fails.
        assert_eq!(signed.iter().filter(|s| **s).count(), 3, "{doc}");
        let refused = doc["commits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["signoffs"][0]["signed"] == false)
            .unwrap();
        assert!(refused["signoffs"][0]["email"] == CAROL.email, "{doc}");
        let reason = refused["signoffs"][0]["reason"].as_str().unwrap();
        assert!(
            reason.contains("not in the merge base's allowed_signers"),
            "{reason}"
        );
    }
    // A whole history is walked children first, a range parents first
    // (where each tree keeps `allowed_signers` is learnt either way): the
    // same commits get the same verdicts, in the same order, cold or warm.
    let audit = |range: &str| {
        let out = r.driftcheck_in(&r.root(), &["audit", range, "--format", "json"], &[]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["commits"].as_array().unwrap().clone()
    };
    let range = audit("main..feature");
    for _ in 0..2 {
        std::fs::remove_dir_all(r.root().join(".git/driftcheck")).ok();
        let whole = audit("feature");
        assert!(whole.ends_with(&range), "{whole:?}\n{range:?}");
        assert_eq!(audit("feature"), whole, "warm");
    }
}

/// `allowed_signers` (`lines`) at the base, `signed = "required"` and `required` sign-offs.
fn repo_listing(lines: &str, required: u32) -> Repo {
    let review = format!(
        "\n[review]\nsigners = \"{SIGNERS}\"\nsigned = \"required\"\nrequired = {required}\n"
    );
    Repo::standard_with(&review, &[(SIGNERS, lines)])
}

/// Found by the adversarial review (tests/adversarial/signed/04, 04b): a
/// key allowed_signers lists for the author too proves no peer review,
/// however the listing reaches the reviewer's address.
#[test]
fn a_key_that_also_speaks_for_the_author_proves_no_peer_review() {
    let mal = public(MAL_KEY);
    for listing in [
        format!("*@example.com {mal}\n"),
        format!("mal@example.com,ana@example.com {mal}\n"),
        format!("\"mal@example.com,ana@example.com\" {mal}\n"),
        format!("mal@example.com {mal}\nana@example.com {mal}\n"),
        format!("ana@example.com {mal}\nm?l@example.com {mal}\n"),
    ] {
        let r = repo_listing(&listing, 1);
        let (reviewed, sig) = signed_change(&r, ANA, MAL_KEY);
        let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
        assert_refused_because(&g, "Ana", "a contributor: it proves no peer review");
    }
    // The control: Ana's own key, listed for her alone, passes.
    let listing = format!(
        "ana@example.com {}\nmal@example.com {mal}\n",
        public(ANA_KEY)
    );
    let r = repo_listing(&listing, 1);
    let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
    timeout_with(&r, &format!("{reviewed}\n{sig}")).assert_passed();
}

/// Found by the adversarial review (tests/adversarial/signed/11): one key
/// listed for two addresses is one person and counts once.
#[test]
fn one_key_counts_once_whatever_addresses_it_is_listed_for() {
    const ANA_LIMA: Person = Person {
        name: "Ana Lima",
        email: "ana.lima@example.com",
    };
    let ana = public(ANA_KEY);
    for listing in [
        format!("ana@example.com,ana.lima@example.com {ana}\n"),
        format!("ana@example.com {ana}\nana.lima@example.com {ana}\n"),
        format!("ana*@example.com {ana}\n"),
    ] {
        let r = repo_listing(&listing, 2);
        let (r1, s1) = signed_change(&r, ANA, ANA_KEY);
        let (r2, s2) = approve_signed(&r, ANA_LIMA, ANA_KEY);
        let g = timeout_with(&r, &format!("{r1}\n{s1}\n{r2}\n{s2}"));
        g.assert_refused();
        g.assert_signoff("<ana@example.com>", true, "peer sign-off");
        g.assert_signoff(
            "<ana.lima@example.com>",
            false,
            "a key already counted (one count per key)",
        );
    }
    // Two people, two keys: two counts.
    let listing = format!("ana@example.com {ana}\nbo@example.com {}\n", public(BO_KEY));
    let r = repo_listing(&listing, 2);
    let (r1, s1) = signed_change(&r, ANA, ANA_KEY);
    let (r2, s2) = approve_signed(&r, BO, BO_KEY);
    timeout_with(&r, &format!("{r1}\n{s1}\n{r2}\n{s2}")).assert_passed();
}

/// `audit` verifies every signature of a history on a second thread while
/// it reads the history, then
/// judges: the verdicts must be exactly those of checking one by one.
/// Random histories (three seeds, ten guarded commits each) mix valid
/// signatures, copies of the previous commit's signature (another digest
/// and base), Mallory's key claiming Ana, one altered byte, and none; the
/// audit, run cold and then warm (memo), marks as signed exactly the valid
/// ones and gives every other one its reason.
#[test]
fn audit_verifying_ahead_agrees_with_each_signature_built() {
    for seed in [3u64, 17, 2026] {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let r = repo("required");
        let sign_head = |who: Person, key_seed: u8| approve_signed_on(&r, who, key_seed, "HEAD~1");
        let mut expected = Vec::new();
        let mut previous: Option<String> = None;
        for i in 0..10 {
            r.everywhere(
                &format!("timeout: {}", 30 + i),
                &format!("timeout: {}", 31 + i),
            );
            r.commit(&format!("Timeout {}\n", 31 + i));
            let shape = next(5);
            let (reviewed, signature) = match shape {
                1 if previous.is_some() => {
                    let (t, _) = sign_head(ANA, ANA_KEY);
                    (t, previous.clone().unwrap())
                }
                2 => sign_head(ANA, MAL_KEY),
                3 => {
                    let (t, s) = sign_head(BO, BO_KEY);
                    // One base64 character in the middle of the signature.
                    let mut b = s.into_bytes();
                    let at = b.len() / 2 + usize::try_from(next(40)).unwrap();
                    b[at] = if b[at] == b'A' { b'B' } else { b'A' };
                    (t, String::from_utf8(b).unwrap())
                }
                4 => (sign_head(BO, BO_KEY).0, String::new()),
                _ => sign_head(
                    if i % 2 == 0 { ANA } else { BO },
                    if i % 2 == 0 { ANA_KEY } else { BO_KEY },
                ),
            };
            let valid = shape == 0 || (shape == 1 && previous.is_none());
            expected.push(valid);
            if !signature.is_empty() {
                previous = Some(signature.clone());
            }
            let lines = if signature.is_empty() {
                reviewed
            } else {
                format!("{reviewed}\n{signature}")
            };
            r.amend(&msg(&lines));
        }
        let _ = std::fs::remove_dir_all(r.root().join(".git/driftcheck"));
        for run in ["cold", "warm"] {
            let out = r.driftcheck_in(
                &r.root(),
                &["audit", "main..feature", "--format", "json"],
                &[],
            );
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let mut commits: Vec<serde_json::Value> = doc["commits"].as_array().unwrap().clone();
            // Oldest first, as built.
            if commits.len() == 10 && commits[0]["commit"] == r.git(&["rev-parse", "HEAD"]).trim() {
                commits.reverse();
            }
            assert_eq!(commits.len(), 10, "{run}: {doc}");
            for (c, want) in commits.iter().zip(&expected) {
                let s = &c["signoffs"][0];
                assert_eq!(s["signed"] == true, *want, "seed {seed}, {run}: {c}");
                assert_eq!(s["counted"] == true, *want, "seed {seed}, {run}: {c}");
                if !want {
                    assert!(
                        s["reason"]
                            .as_str()
                            .unwrap()
                            .starts_with("signature refused"),
                        "{c}"
                    );
                }
            }
        }
    }
}

/// Keys belong to people, and the merge base's `.mailmap` says which
/// addresses are one person (chains of 1–3 hops): a key listed under the
/// reviewer's canonical address verifies a sign-off she wrote with an old
/// one, and a key listed under an old address of the author still speaks
/// for the author (no peer review).
#[test]
fn allowed_signers_names_people_through_the_mailmap() {
    for hops in 1..=3 {
        let chain = |from: &str, stem: &str| -> (String, String) {
            let mut lines = String::new();
            let mut at = from.to_string();
            for i in 0..hops {
                let next = format!("{stem}{i}@corp.example");
                lines.push_str(&format!("<{next}> <{at}>\n"));
                at = next;
            }
            (lines, at)
        };
        let (ana_map, ana_now) = chain(ANA.email, "ana");
        let mailmap = ana_map;
        // Ana's key under her canonical address: her old-address sign-off verifies.
        let listing = format!(
            "{ana_now} {}\nmal@example.com {}\n",
            public(ANA_KEY),
            public(MAL_KEY)
        );
        let review = format!("\n[review]\nsigners = \"{SIGNERS}\"\nsigned = \"required\"\n");
        let r = Repo::standard_with(
            &review,
            &[(SIGNERS, listing.as_str()), (".mailmap", mailmap.as_str())],
        );
        let (reviewed, sig) = signed_change(&r, ANA, ANA_KEY);
        let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
        g.assert_passed();
        g.assert_signoff("Ana", true, "peer sign-off");
        // Mallory's key listed for Ana and for an address the mailmap
        // makes Mallory's own: no peer review.
        let (mal_map2, _) = chain(MAL.email, "m");
        let listing = format!(
            "ana@example.com,{} {}\n",
            "m0@corp.example",
            public(MAL_KEY)
        );
        let r = Repo::standard_with(
            &review,
            &[(SIGNERS, listing.as_str()), (".mailmap", mal_map2.as_str())],
        );
        let (reviewed, sig) = signed_change(&r, ANA, MAL_KEY);
        let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
        assert_refused_because(&g, "Ana", "a contributor: it proves no peer review");
    }
}

/// Adversarial review 2 (tests/adversarial/signed/review2/20, 20b, 24):
/// the key rules judge the signature that verified. Mallory signs as Ana
/// with a key allowed_signers lists for both of them; a decoy line (Ana's
/// real signature over an older digest) before or after his does not lend
/// its key to the "also a contributor's key" rule — in the gate and in
/// `audit` alike.
#[test]
fn a_decoy_signature_lends_no_key_to_the_key_rules() {
    let listing = format!(
        "ana@example.com {}\nmal@example.com,ana@example.com {}\n",
        public(ANA_KEY),
        public(MAL_KEY)
    );
    for decoy_first in [true, false] {
        let r = repo_listing(&listing, 1);
        let (_, decoy) = signed_change(&r, ANA, ANA_KEY);
        r.everywhere("timeout: 60", "timeout: 90");
        r.amend("Raise the request timeout\n");
        let (reviewed, sig) = approve_signed(&r, ANA, MAL_KEY);
        let lines = if decoy_first {
            format!("{reviewed}\n{decoy}\n{sig}")
        } else {
            format!("{reviewed}\n{sig}\n{decoy}")
        };
        let g = timeout_with(&r, &lines);
        assert_refused_because(&g, "Ana", "a contributor: it proves no peer review");
        let out = r.driftcheck_in(
            &r.root(),
            &["audit", "main..feature", "--format", "json"],
            &[],
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let s = &doc["commits"][0]["signoffs"][0];
        assert_eq!(s["counted"], false, "{doc}");
        assert!(
            s["reason"].as_str().unwrap().contains("a contributor"),
            "{doc}"
        );
    }
}

/// Adversarial review 2 (26): a wildcard principal that matches the
/// author's address as written speaks for the author, whatever the base's
/// `.mailmap` maps that address to.
#[test]
fn a_wildcard_key_matching_the_authors_written_address_proves_no_peer_review() {
    const MAL_C: Person = Person {
        name: "Mallory",
        email: "mal@contractors.example",
    };
    const BO_C: Person = Person {
        name: "Bo",
        email: "bo@contractors.example",
    };
    let listing = format!("*@contractors.example {}\n", public(MAL_KEY));
    let review = format!("\n[review]\nsigners = \"{SIGNERS}\"\nsigned = \"required\"\n");
    for mailmap in ["", "<mal@example.com> <mal@contractors.example>\n"] {
        let r = Repo::standard_with(
            &review,
            &[(SIGNERS, listing.as_str()), (".mailmap", mailmap)],
        );
        r.raise_timeout();
        r.commit_as(MAL_C, MAL_C, "Raise the request timeout\n");
        let (reviewed, sig) = approve_signed(&r, BO_C, MAL_KEY);
        r.git_ok(
            &r.root(),
            MAL_C,
            MAL_C,
            &[
                "commit",
                "-q",
                "--amend",
                "-m",
                &msg(&format!("{reviewed}\n{sig}")),
            ],
        );
        let g = r.gate_main();
        assert_refused_because(&g, "Bo", "a contributor: it proves no peer review");
    }
}

/// Adversarial review 2 (22, 23): `audit` judges each commit's signatures
/// with the `.mailmap` of its parent, as the gate judges them with the
/// merge base's. A mailmap added later (making Mallory's bot address
/// Ana's) does not make an old signature by the bot's key Ana's, cold or
/// from the memo.
#[test]
fn audit_reads_the_mailmap_of_each_commits_parent() {
    let listing = format!(
        "ana@example.com {}\nmalbot@example.com {}\n",
        public(ANA_KEY),
        public(MAL_KEY)
    );
    let r = repo_listing(&listing, 1);
    let (reviewed, sig) = signed_change(&r, ANA, MAL_KEY);
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    assert_refused_because(&g, "Ana", "signature refused");
    r.write(".mailmap", "Ana <ana@example.com> <malbot@example.com>\n");
    r.commit("Map the bot\n");
    for run in ["cold", "warm"] {
        if run == "cold" {
            let _ = std::fs::remove_dir_all(r.root().join(".git/driftcheck"));
        }
        let out = r.driftcheck_in(
            &r.root(),
            &["audit", "main..feature", "--format", "json"],
            &[],
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let signed: Vec<&serde_json::Value> = doc["commits"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["signoffs"].as_array().unwrap())
            .collect();
        assert_eq!(signed.len(), 1, "{run}: {doc}");
        assert_eq!(signed[0]["signed"], false, "{run}: {doc}");
        assert_eq!(signed[0]["counted"], false, "{run}: {doc}");
    }
}

/// An audit that cannot read its history (a tree object missing from a
/// signed commit) ends with exit 2 naming the problem, whatever the
/// verifier threads were waiting for: never a hang.
#[test]
fn an_unreadable_history_ends_the_audit_with_an_error_not_a_hang() {
    let r = repo("required");
    for i in 0..3 {
        r.everywhere(
            &format!("timeout: {}", 30 + i),
            &format!("timeout: {}", 31 + i),
        );
        r.commit(&format!("Timeout {}\n", 31 + i));
        let (reviewed, signature) = approve_signed_on(&r, ANA, ANA_KEY, "HEAD~1");
        r.amend(&msg(&format!("{reviewed}\n{signature}")));
    }
    // The middle commit's `deploy/prod` tree, found only there.
    let tree = r.git(&["rev-parse", "HEAD~1:deploy/prod"]);
    let tree = tree.trim();
    let object = r
        .root()
        .join(".git/objects")
        .join(&tree[..2])
        .join(&tree[2..]);
    std::fs::remove_file(&object).expect("loose tree object");
    let mut child = r
        .command(env!("CARGO_BIN_EXE_driftcheck"), &r.root(), MAL, MAL)
        .args(["audit", "main..feature", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("audit hung on an unreadable history");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(tree), "names the object: {stderr}");
}

/// Mallory's alias: the base's `.mailmap` says `mal-alt@` is Mallory, and
/// `allowed_signers` lists her key for the alias (and Ana's for Ana).
const MAL_ALT: Person = Person {
    name: "Mallory",
    email: "mal-alt@example.com",
};

/// The standard repository with `signed = "required"`, [`MAL_ALT`]'s
/// `.mailmap` line and key at the base.
fn alias_repo() -> Repo {
    let listing = format!(
        "ana@example.com {}\nmal-alt@example.com {}\n",
        public(ANA_KEY),
        public(MAL_KEY)
    );
    let review = format!("\n[review]\nsigners = \"{SIGNERS}\"\nsigned = \"required\"\n");
    Repo::standard_with(
        &review,
        &[
            (SIGNERS, listing.as_str()),
            (
                ".mailmap",
                "Mallory <mal@example.com> <mal-alt@example.com>\n",
            ),
        ],
    )
}

/// Removes the loose object `id` (the test repositories are never packed),
/// as a partial clone (`--filter=blob:none`) or a damaged store lacks it.
fn remove_object(r: &Repo, id: &str) {
    let id = id.trim();
    let object = r.root().join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&object).expect("loose object");
}

/// Adversarial review 4 (08–10): a file the merge base lists but whose
/// object cannot be read is an error (exit 2, naming the object), never an
/// empty or absent file. Read as empty, the base's `.mailmap` let the
/// author sign her own change as her alias; read as absent, the base's
/// `driftcheck.toml` let a typed sign-off pass `signed = "required"`; an
/// empty `allowed_signers` refused with the wrong reason.
#[test]
fn an_unreadable_file_at_the_merge_base_is_an_error_not_a_missing_file() {
    for lost in [".mailmap", "driftcheck.toml", SIGNERS] {
        let r = alias_repo();
        // The change edits the lost file too, so only the base's copy of
        // it is lost.
        r.raise_timeout();
        let edited = format!("{}\n# edited\n", r.git(&["show", &format!("main:{lost}")]));
        r.write(lost, &edited);
        r.commit("Raise the request timeout\n");
        let (reviewed, sig) = approve_signed(&r, MAL_ALT, MAL_KEY);
        let readable = timeout_with(&r, &format!("{reviewed}\n{sig}"));
        readable.assert_refused();
        remove_object(&r, &r.git(&["rev-parse", &format!("main:{lost}")]));
        // (`audit` reads its review settings from the working tree: the
        // base's config is the gate's alone.)
        let audits = lost != "driftcheck.toml";
        for args in [
            &["gate", "--base", "main", "--format", "json"][..],
            &["audit", "main..feature", "--format", "json"][..],
        ]
        .into_iter()
        .filter(|a| audits || a[0] == "gate")
        {
            let out = r.driftcheck_in(&r.root(), args, &[]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{lost}, {args:?}: {stderr}");
            assert!(stderr.contains("cannot be read"), "{lost}: {stderr}");
        }
    }
}

/// Adversarial review 4 (12): `audit` decides who contributed with the
/// first parent's `.mailmap`, as `gate --base C^ --head C` does, not the
/// working tree's: a change that deletes the author's alias line and signs
/// as the alias is the author's own approval in both.
#[test]
fn audit_knows_the_author_by_the_mailmap_of_the_parent_as_the_gate_does() {
    let r = alias_repo();
    r.raise_timeout();
    r.git(&["rm", "-q", ".mailmap"]);
    r.commit("Raise the request timeout, tidy\n");
    let (reviewed, sig) = approve_signed_on(&r, MAL_ALT, MAL_KEY, "HEAD~1");
    let g = timeout_with(&r, &format!("{reviewed}\n{sig}"));
    g.assert_refused();
    let out = r.driftcheck_in(
        &r.root(),
        &["audit", "main..feature", "--format", "json"],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let last = doc["commits"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["passed"], false, "{doc}");
    assert_eq!(last["signoffs"][0]["counted"], false, "{doc}");
}
