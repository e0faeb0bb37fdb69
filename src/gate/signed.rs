//! Enforcing signed approvals (`[review] signers`, `[review] signed`) in
//! sign-off counting; the signature format and its verification are in
//! [`super::signature`].
//!
//! Rules, each for the class:
//!
//! - **Trust comes from the merge base.** The `allowed_signers` file is the
//!   blob at the path `[review] signers` names in the merge base's tree
//!   (for `audit`, in each commit's first parent), never a working-tree
//!   file: a change cannot add the key that approves it. The file is guarded
//!   config, so changing it needs sign-off like `driftcheck.toml` itself.
//! - **A signature binds everything the approval is about**: namespace,
//!   the current digest, the reviewer's email as written in the sign-off,
//!   and the merge base. A sign-off is *signed* only when one
//!   `Review-Signature` trailer of the same commit, for that email, verifies
//!   with a key listed for that email; anything else gets the exact
//!   [`Refusal`].
//! - **The assurance level is per sign-off**: [`SIGNED`] or [`TYPED`].
//!   With `signed = "required"` only signed sign-offs count; with
//!   `"optional"` a refused signature is listed and the sign-off counts as
//!   a typed trailer, as it would without one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::git::Oid;

use super::memo::Memo;
use super::signature::{self, AllowedSigners, Refusal};
use crate::git::Repo;
use crate::trailers::{self, Trailer};

/// The assurance of a sign-off whose signature verified.
pub const SIGNED: &str = "signed by a key in allowed_signers";
/// The assurance of a sign-off that is only text.
pub const TYPED: &str = "typed trailer";

/// `[review] signed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignedMode {
    /// Signatures raise the assurance; typed sign-offs still count.
    #[default]
    Optional,
    /// Only signed sign-offs count.
    Required,
}

impl SignedMode {
    /// Read `[review] signed`.
    ///
    /// # Errors
    /// A value other than `"optional"` or `"required"`.
    pub fn parse(value: Option<&str>) -> Result<SignedMode, String> {
        match value {
            None | Some("optional") => Ok(SignedMode::Optional),
            Some("required") => Ok(SignedMode::Required),
            Some(other) => Err(format!(
                "`signed = \"{other}\"`: expected \"required\" or \"optional\""
            )),
        }
    }
}

/// The signing settings of `[review]`, with the trusted keys once loaded.
#[derive(Debug, Clone, Default)]
pub struct Signing {
    /// `[review] signed`.
    pub mode: SignedMode,
    /// `[review] signers`, repository-relative.
    pub signers: Option<String>,
    /// The merge base's `allowed_signers` (set by [`Signing::load`]), or
    /// why it could not be read (`audit`: refuses every signature).
    pub allowed: Option<Result<Arc<AllowedSigners>, String>>,
    /// The merge base's `.mailmap`: which addresses are one person, so a
    /// key listed under any of them speaks for that person.
    pub mailmap: Arc<super::identity::Mailmap>,
    /// `audit` only: verifications remembered across runs, and the id of
    /// the `allowed_signers` blob they are keyed on ([`super::memo`]).
    pub memo: Option<(Arc<Mutex<Memo>>, String)>,
}

/// What the signature check says about one sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A signature verified.
    Signed,
    /// No signature was checked (no `signers` configured, none present in
    /// optional mode).
    Typed,
    /// A signature was needed or present and does not count.
    Refused(String),
}

impl Signing {
    /// Whether any signature can be checked.
    pub fn active(&self) -> bool {
        self.signers.is_some()
    }

    /// Load `allowed_signers` from `tree` (the merge base's).
    ///
    /// # Errors
    /// A message naming the file (and line) when it is missing, not a
    /// regular file, or unreadable.
    pub fn load(&mut self, repo: &Repo, tree: Oid) -> Result<(), String> {
        if let Some(path) = &self.signers {
            self.allowed = Some(Ok(Arc::new(read_allowed(repo, tree, path)?)));
        }
        Ok(())
    }

    /// Check the sign-off of `email` carried by a commit whose trailers
    /// are `all`, for `digest` at merge base `base` (`shape` refuses a
    /// trailer git and a reader would see differently: folded, below
    /// `---`); with the signature that verified: the one whose key every
    /// later rule judges (a key that also speaks for a
    /// contributor, one count per key). Never another trailer claiming the
    /// same reviewer: a decoy line placed before the real one must not
    /// lend its key to those rules.
    pub fn check(
        &self,
        all: &[Trailer],
        email: &str,
        digest: &str,
        base: &str,
        shape: &dyn Fn(&Trailer) -> Result<(), String>,
    ) -> (Outcome, Option<signature::Signed>) {
        let outcome = |o: Outcome| (o, None);
        let email = email.to_ascii_lowercase();
        let candidates: Vec<&Trailer> = all
            .iter()
            .filter(|t| trailers::key_matches(&t.key, signature::TRAILER))
            .filter(|t| claimed(&t.value) == email)
            .collect();
        let allowed = match &self.allowed {
            Some(Ok(a)) => Some(a),
            Some(Err(why)) if self.mode == SignedMode::Required || !candidates.is_empty() => {
                return outcome(Outcome::Refused(why.clone()));
            }
            _ => None,
        };
        let Some(allowed) = allowed else {
            return outcome(match (self.mode, candidates.is_empty()) {
                (SignedMode::Required, _) => {
                    Outcome::Refused("no allowed_signers was loaded from the merge base".into())
                }
                (SignedMode::Optional, true) => Outcome::Typed,
                (SignedMode::Optional, false) => Outcome::Refused(
                    "not verified: [review] signers names no allowed_signers file".into(),
                ),
            });
        };
        if candidates.is_empty() {
            return outcome(match self.mode {
                SignedMode::Required => Outcome::Refused(Refusal::Missing.to_string()),
                SignedMode::Optional => Outcome::Typed,
            });
        }
        let mut first = None;
        for t in candidates {
            let memo_key = self
                .memo
                .as_ref()
                .map(|(_, id)| Memo::key(&[id, &email, digest, base, &t.value]));
            let remembered = |k: &super::memo::Key| {
                self.memo
                    .as_ref()
                    .is_some_and(|(m, _)| m.lock().is_ok_and(|m| m.contains(k)))
            };
            if shape(t).is_ok()
                && memo_key.as_ref().is_some_and(remembered)
                && let Ok(signed) = signature::parse(&t.value)
            {
                return (Outcome::Signed, Some(signed));
            }
            let result = shape(t)
                .map_err(|why| Refusal::Malformed(why.replace("the value is", "the signature is")))
                .and_then(|()| signature::parse(&t.value))
                .and_then(|s| {
                    allowed
                        .verify_as(&s, &email, digest, base, &|e| self.mailmap.canonical(e))
                        .map(|()| s)
                });
            match result {
                Ok(signed) => {
                    if let (Some((m, _)), Some(k)) = (&self.memo, memo_key)
                        && let Ok(mut m) = m.lock()
                    {
                        m.insert(k);
                    }
                    return (Outcome::Signed, Some(signed));
                }
                Err(r) => {
                    first.get_or_insert(r);
                }
            }
        }
        outcome(Outcome::Refused(
            first.map(|r| r.to_string()).unwrap_or_default(),
        ))
    }
}

impl Signing {
    /// The key of `signed` (the signature [`Signing::check`] verified
    /// for `email`): its fingerprint, and whether that key is also listed
    /// for any of `others` (the change's contributors, every address they
    /// used and its mailmap form).
    ///
    /// The rule: a signature proves that a holder of the key approved. A key
    /// listed for a contributor too (shared, or a wildcard principal such as
    /// `*@example.com`) could be the contributor's, so it proves no peer
    /// review; and one key is one person, whatever addresses it is listed
    /// for, so it counts once.
    pub fn signer_key<'a>(
        &self,
        signed: &signature::Signed,
        email: &str,
        others: impl Iterator<Item = &'a str>,
    ) -> Option<(String, Option<String>)> {
        let Some(Ok(allowed)) = &self.allowed else {
            return None;
        };
        let email = email.to_ascii_lowercase();
        let person = |e: &str| self.mailmap.canonical(e);
        let me = person(&email);
        let also = others
            .filter(|o| !o.eq_ignore_ascii_case(&email) && person(o) != me)
            .find(|o| allowed.key_speaks_for(signed, o, &person))
            .map(str::to_string);
        Some((signature::key_fingerprint(signed), also))
    }
}

/// One signature to verify ahead of judging: everything its verdict
/// depends on, owned, so it can travel to the verifying thread.
pub struct Job {
    allowed: Arc<AllowedSigners>,
    mailmap: Arc<super::identity::Mailmap>,
    memo: Arc<Mutex<Memo>>,
    email: String,
    key: super::memo::Key,
    value: String,
    digest: String,
    base: String,
}

/// The signatures among `all` (a commit's trailers, judged with `signing`
/// for `digest` at `base`) that [`verify_jobs`] could prove ahead: those
/// with keys loaded and a memo to record the proof in, not proven before.
pub fn jobs(signing: &Signing, all: &[Trailer], digest: &str, base: &str) -> Vec<Job> {
    let (Some(Ok(allowed)), Some((memo, id))) = (&signing.allowed, &signing.memo) else {
        return Vec::new();
    };
    all.iter()
        .filter(|t| trailers::key_matches(&t.key, signature::TRAILER))
        .filter_map(|t| {
            let email = claimed(&t.value);
            let key = Memo::key(&[id, &email, digest, base, &t.value]);
            (!memo.lock().is_ok_and(|m| m.contains(&key))).then(|| Job {
                allowed: allowed.clone(),
                mailmap: signing.mailmap.clone(),
                memo: memo.clone(),
                email,
                key,
                value: t.value.clone(),
                digest: digest.to_string(),
                base: base.to_string(),
            })
        })
        .collect()
}

/// Verify `jobs` as one group and remember the ones that verify in their
/// memo, so that the [`Signing::check`] judging each sign-off afterwards
/// finds them done (`audit` calls it for each group of commits it has read,
/// while it goes on reading).
///
/// The rule: this only *adds* proofs, keyed on everything the verdict
/// depends on ([`Memo::key`]); it never refuses. A signature that fails
/// here is verified again by `check`, which then says why, and a trailer
/// `check` refuses by its shape is never looked up. So the verdicts are
/// exactly those of checking one by one, in less time: a signature costs
/// about 50 µs to verify alone, more than reading its commit, and a group
/// is verified as one batch ([`super::ed25519`]).
pub fn verify_jobs(batch: &[Job]) {
    let admitted: Vec<(&Job, signature::Signed, String)> = batch
        .iter()
        .filter_map(|j| {
            let signed = signature::parse(&j.value).ok()?;
            let message = j
                .allowed
                .admit(&signed, &j.email, &j.digest, &j.base, &|e| {
                    j.mailmap.canonical(e)
                })
                .ok()?;
            Some((j, signed, message))
        })
        .collect();
    let items: Vec<(&signature::Signed, &str)> =
        admitted.iter().map(|(_, s, m)| (s, m.as_str())).collect();
    for ((j, ..), ok) in admitted.iter().zip(signature::verify_many(&items)) {
        if ok && let Ok(mut m) = j.memo.lock() {
            m.insert(j.key);
        }
    }
}

/// The reviewer a `Review-Signature` value claims (its first word), even
/// when the rest is malformed, so a broken signature is reported against
/// its sign-off instead of being ignored.
fn claimed(value: &str) -> String {
    value
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(['<', '>'])
        .to_ascii_lowercase()
}

/// `allowed_signers` at `path` in `tree`.
///
/// # Errors
/// Missing, a link or directory, or a line that cannot be read.
pub fn read_allowed(repo: &Repo, tree: Oid, path: &str) -> Result<AllowedSigners, String> {
    if !repo.regular_blob_at(tree, path) {
        return Err(format!(
            "[review] signers: `{path}` is not a regular file in the merge base's tree"
        ));
    }
    let text = repo
        .blob_at(tree, path)
        .map_err(|e| format!("[review] signers: {e}"))?
        .unwrap_or_default();
    let text = String::from_utf8(text)
        .map_err(|_| format!("{path}: allowed_signers is not valid UTF-8"))?;
    AllowedSigners::parse(&text).map_err(|(line, why)| format!("{path}:{line}: {why}"))
}

/// `allowed_signers` and `.mailmap` per tree, each read once per distinct
/// blob (an audit of a long history meets the same files at most commits).
///
/// The rule: a signature is judged with the `allowed_signers` *and* the
/// `.mailmap` of the same tree (the commit's first parent's, its merge
/// base), as the gate judges it with its merge base's: a mailmap added
/// later, or in the working tree, does not change who a key speaks for.
/// Both blob ids key the verification memo.
///
/// Where the files are in each tree is learnt from the history walk too: a
/// commit's tree holds its first parent's entries unless the commit's own
/// (guarded) change touches the path ([`KeyCache::inherit`]), so a long
/// history does not look the paths up in every tree.
#[derive(Default)]
pub struct KeyCache {
    by_blob: HashMap<(u32, Oid), Result<Arc<AllowedSigners>, String>>,
    mailmaps: HashMap<Oid, Arc<super::identity::Mailmap>>,
    /// Tree id → the `(mode, id)` of `signers` and of `.mailmap` in it
    /// (`(0, zero)`: absent).
    by_tree: HashMap<Oid, [(u32, Oid); 2]>,
    /// Verifications remembered across runs, when the caller keeps them.
    pub memo: Option<Arc<Mutex<Memo>>>,
}

/// Where `.mailmap` is.
const MAILMAP: &str = ".mailmap";

/// The `.mailmap` of `tree` (`present`: the tree lists one), or why it
/// cannot be read.
fn read_mailmap(
    repo: &Repo,
    tree: Oid,
    present: bool,
) -> Result<Arc<super::identity::Mailmap>, crate::error::Error> {
    let text = if present {
        repo.blob_at(tree, MAILMAP)?.unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(Arc::new(super::identity::Mailmap::parse(
        &String::from_utf8_lossy(&text),
    )))
}

/// `(mode, id)` of `path` in `tree`, or `(0, zero)`.
fn entry(repo: &Repo, tree: Oid, path: &str) -> (u32, Oid) {
    repo.entry_at(tree, path).unwrap_or((0, Oid::ZERO_SHA1))
}

impl KeyCache {
    /// The settings with `tree`'s `allowed_signers` and `.mailmap` loaded:
    /// an invalid `allowed_signers` becomes the refusal of every signature
    /// checked against it.
    ///
    /// # Errors
    /// When either file is listed but its object cannot be read: an error,
    /// never an empty file (`Repo::blob_at`; adversarial review 4, cases
    /// 08 and 09: read as empty, `.mailmap` let an author sign as her own
    /// alias).
    pub fn at(
        &mut self,
        repo: &Repo,
        tree: Option<Oid>,
        signing: &Signing,
    ) -> Result<Signing, crate::error::Error> {
        let Some(path) = &signing.signers else {
            return Ok(signing.clone());
        };
        let Some(tree) = tree else {
            return Ok(Signing {
                allowed: Some(Err(
                    "a root commit has no merge base to read allowed_signers from".into(),
                )),
                memo: None,
                ..signing.clone()
            });
        };
        let [signers, mailmap] = *self
            .by_tree
            .entry(tree)
            .or_insert_with(|| [entry(repo, tree, path), entry(repo, tree, MAILMAP)]);
        let allowed = match self.by_blob.get(&signers) {
            Some(allowed) => allowed.clone(),
            None => {
                if signers.0 != 0 {
                    repo.blob_at(tree, path)?;
                }
                let allowed = read_allowed(repo, tree, path).map(Arc::new);
                self.by_blob.insert(signers, allowed.clone());
                allowed
            }
        };
        let map = match self.mailmaps.get(&mailmap.1) {
            Some(map) => map.clone(),
            None => {
                let map = read_mailmap(repo, tree, mailmap.0 != 0)?;
                self.mailmaps.insert(mailmap.1, map.clone());
                map
            }
        };
        Ok(Signing {
            allowed: Some(allowed),
            mailmap: map,
            memo: self
                .memo
                .clone()
                .map(|m| (m, format!("{}:{}", signers.1, mailmap.1))),
            ..signing.clone()
        })
    }

    /// Record where `signers` and `.mailmap` are in `tree`, a commit whose
    /// first parent's tree is `parent` and whose guarded change from it is
    /// `changes` (compared path by path, no rename detection: a moved or
    /// deleted file shows as its path's deletion). Either end teaches the
    /// other, so the walk may go parents first or children first: a
    /// path the change does not touch is where it was, one it touches is
    /// where the change put it (or took it from). Only when neither end is
    /// known is the parent looked up, once.
    pub fn inherit(
        &mut self,
        repo: &Repo,
        signing: &Signing,
        (tree, parent): (Oid, Option<Oid>),
        changes: &[crate::git::Change],
    ) {
        let (Some(path), Some(parent)) = (&signing.signers, parent) else {
            return;
        };
        let touched = |p: &str| changes.iter().find(|c| c.path == p);
        if !self.by_tree.contains_key(&parent)
            && let Some(&[signers, mailmap]) = self.by_tree.get(&tree)
        {
            let before = |p: &str, now: (u32, Oid)| match touched(p) {
                Some(c) if c.old_mode == 0 => (0, Oid::ZERO_SHA1),
                Some(c) => (c.old_mode, c.old_id),
                None => now,
            };
            self.by_tree
                .insert(parent, [before(path, signers), before(MAILMAP, mailmap)]);
            return;
        }
        let at_parent = *self
            .by_tree
            .entry(parent)
            .or_insert_with(|| [entry(repo, parent, path), entry(repo, parent, MAILMAP)]);
        let here = |p: &str, was: (u32, Oid)| match touched(p) {
            Some(c) if c.new_mode == 0 => (0, Oid::ZERO_SHA1),
            Some(c) => (c.new_mode, c.new_id),
            None => was,
        };
        self.by_tree
            .entry(tree)
            .or_insert([here(path, at_parent[0]), here(MAILMAP, at_parent[1])]);
    }
}
