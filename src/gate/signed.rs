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

use crate::git::{Oid, TreeCache};

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
/// Missing, a link or directory, unreadable, or a line that cannot be read.
pub fn read_allowed(repo: &Repo, tree: Oid, path: &str) -> Result<AllowedSigners, String> {
    let entry = crate::git::file_at(repo, tree, path.as_bytes(), &mut TreeCache::default())
        .map_err(|e| format!("[review] signers: {e}"))?;
    allowed_in(repo, path, entry).map_err(|e| format!("[review] signers: {e}"))?
}

/// The `allowed_signers` that is the entry `(mode, id)` found at `path`:
/// the outer error when the blob cannot be read (never an empty file), the
/// inner one when it is not a regular file or cannot be parsed.
fn allowed_in(
    repo: &Repo,
    path: &str,
    entry: (u32, Oid),
) -> Result<Result<AllowedSigners, String>, crate::error::Error> {
    let (mode, id) = regular(entry);
    if mode == 0 {
        return Ok(Err(format!(
            "[review] signers: `{path}` is not a regular file in the merge base's tree"
        )));
    }
    let Ok(text) = String::from_utf8(repo.blob_of(id, path)?) else {
        return Ok(Err(format!("{path}: allowed_signers is not valid UTF-8")));
    };
    Ok(AllowedSigners::parse(&text).map_err(|(line, why)| format!("{path}:{line}: {why}")))
}

/// The `.mailmap` that is the entry `(mode, id)` found at `.mailmap`: only
/// a regular file is one (git ignores an in-tree `.mailmap` that is a
/// link since 2.32), and an unreadable one is an error, never an empty map.
///
/// # Errors
/// When the blob cannot be read.
pub fn mailmap_in(
    repo: &Repo,
    entry: (u32, Oid),
) -> Result<super::identity::Mailmap, crate::error::Error> {
    let (mode, id) = regular(entry);
    if mode == 0 {
        return Ok(super::identity::Mailmap::default());
    }
    let text = repo.blob_of(id, MAILMAP)?;
    Ok(super::identity::Mailmap::parse(&String::from_utf8_lossy(
        &text,
    )))
}

/// The `.mailmap` of `tree`, as [`mailmap_in`] reads it.
///
/// # Errors
/// When a tree or the blob cannot be read.
pub fn mailmap_at(
    repo: &Repo,
    tree: Oid,
    cache: &mut TreeCache,
) -> Result<super::identity::Mailmap, crate::error::Error> {
    mailmap_in(
        repo,
        crate::git::file_at(repo, tree, MAILMAP.as_bytes(), cache)?,
    )
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
/// The rule for every cache here (adversarial review 5): what a tree holds
/// at a path is looked up *in that tree*, name by name as git records the
/// names, and the file is then read by the id that lookup found; every
/// cache is keyed by that id. Nothing is inferred from a neighbouring tree
/// and the change between them: a change list holds only guarded paths (an
/// unguarded `allowed_signers` edit is not in it, so a revoked key lived
/// on) and shows names as text (a root entry named `a/b` and the nested
/// `a/b` look alike, so another tree's file was read under this one's id).
/// The lookups go through the walk's [`TreeCache`], so they cost a few
/// binary searches in trees the walk has already read.
#[derive(Default)]
pub struct KeyCache {
    by_blob: HashMap<(u32, Oid), Result<Arc<AllowedSigners>, String>>,
    /// The mailmaps read so far (also `audit`'s, for contributors).
    pub mailmaps: Mailmaps,
    /// Tree id → the `(mode, id)` of `signers` and of `.mailmap` in it
    /// (`(0, zero)`: no file), as looked up in that tree.
    by_tree: HashMap<Oid, [(u32, Oid); 2]>,
    /// Verifications remembered across runs, when the caller keeps them.
    pub memo: Option<Arc<Mutex<Memo>>>,
}

/// The `.mailmap` of each tree, read once per distinct blob: the one cache
/// `audit` reads contributors' identities and keys' owners from (both
/// with the commit's first parent's, as the gate reads its merge base's).
///
/// The rule (adversarial review 4, case 12): never the working tree's
/// `.mailmap`, which a later commit may have edited (an author deleting
/// her alias line, then signing as the alias).
#[derive(Default)]
pub struct Mailmaps(HashMap<(u32, Oid), Arc<super::identity::Mailmap>>);

impl Mailmaps {
    /// The `.mailmap` that is `entry` ([`mailmap_in`]).
    ///
    /// # Errors
    /// When the blob cannot be read.
    pub fn of(
        &mut self,
        repo: &Repo,
        entry: (u32, Oid),
    ) -> Result<Arc<super::identity::Mailmap>, crate::error::Error> {
        let entry = regular(entry);
        if let Some(m) = self.0.get(&entry) {
            return Ok(m.clone());
        }
        let m = Arc::new(mailmap_in(repo, entry)?);
        self.0.insert(entry, m.clone());
        Ok(m)
    }

    /// The `.mailmap` of `tree` (`None`: a root commit, no merge base).
    ///
    /// # Errors
    /// When a tree or the blob cannot be read.
    pub fn at(
        &mut self,
        repo: &Repo,
        tree: Option<Oid>,
        cache: &mut TreeCache,
    ) -> Result<Arc<super::identity::Mailmap>, crate::error::Error> {
        match tree {
            Some(tree) => self.of(
                repo,
                crate::git::file_at(repo, tree, MAILMAP.as_bytes(), cache)?,
            ),
            None => Ok(Arc::default()),
        }
    }
}

/// `entry` when it is a regular file, else `(0, zero)`: neither file is
/// read from anything else, so one key stands for every other kind (and
/// the memo, keyed by the ids, cannot mix a file with a link of the same
/// id).
fn regular(entry: (u32, Oid)) -> (u32, Oid) {
    if matches!(entry.0, 0o100644 | 0o100755) {
        entry
    } else {
        (0, Oid::ZERO_SHA1)
    }
}

/// Where `.mailmap` is.
const MAILMAP: &str = ".mailmap";

impl KeyCache {
    /// The settings with `tree`'s `allowed_signers` and `.mailmap` loaded:
    /// an invalid `allowed_signers` becomes the refusal of every signature
    /// checked against it.
    ///
    /// # Errors
    /// When either file is listed but its object cannot be read: an error,
    /// never an empty file (`Repo::blob_of`; adversarial review 4, cases
    /// 08 and 09: read as empty, `.mailmap` let an author sign as her own
    /// alias).
    pub fn at(
        &mut self,
        repo: &Repo,
        tree: Option<Oid>,
        signing: &Signing,
        cache: &mut TreeCache,
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
        let [signers, mailmap] = match self.by_tree.get(&tree) {
            Some(found) => *found,
            None => {
                let found = [
                    regular(crate::git::file_at(repo, tree, path.as_bytes(), cache)?),
                    regular(crate::git::file_at(repo, tree, MAILMAP.as_bytes(), cache)?),
                ];
                self.by_tree.insert(tree, found);
                found
            }
        };
        let allowed = match self.by_blob.get(&signers) {
            Some(allowed) => allowed.clone(),
            None => {
                let allowed = allowed_in(repo, path, signers)?.map(Arc::new);
                self.by_blob.insert(signers, allowed.clone());
                allowed
            }
        };
        let map = self.mailmaps.of(repo, mailmap)?;
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
}
