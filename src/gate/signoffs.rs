//! Sign-offs in the range: who signed which commit, who contributed, which
//! commits changed guarded config; then, for every sign-off, whether it
//! counts and why (SPEC §7.3).

use std::collections::{BTreeMap, HashSet};

use git2::Oid;

use super::identity::{Mailmap, parse_signer};
use super::review::{Requirement, Review};
use super::{Head, Met};
use crate::error::Error;
use crate::git::{self, Repo};
use crate::trailers::{self, Mode, NearMiss};

/// One sign-off considered, counted or not.
#[derive(Debug, Clone)]
pub struct Signoff {
    /// Trailer key as written.
    pub key: String,
    /// The value as written (`Name <email>` ...).
    pub identity: String,
    /// Canonical email (empty when none could be read).
    pub email: String,
    /// The commit carrying it (`index` for the message being written).
    pub commit: String,
    /// Whether it counts.
    pub counted: bool,
    /// Why (or why not).
    pub reason: String,
}

/// Co-author keys: contributors, never reviewers.
const CO_AUTHOR_KEYS: [&str; 2] = ["Co-authored-by", "Co-developed-by"];

struct Entry {
    /// `None` for the message being written.
    id: Option<Oid>,
    /// The tree it records (the index's, for the message being written).
    tree: Oid,
    label: String,
    message: String,
    mode: Mode,
    /// UTF-8 without NUL bytes.
    valid_text: bool,
    /// Changes guarded config (a merge: differs from every parent).
    guarded: bool,
    merge: bool,
}

/// The commits of a change, read once.
pub(super) struct Range {
    entries: Vec<Entry>,
    /// Canonical email → how they contributed.
    contributors: BTreeMap<String, String>,
    /// For entry `i`: how many guarded paths differ between its state and
    /// the final state (a sign-off approves the config as it was there).
    drift_to_final: Vec<usize>,
    mailmap: Mailmap,
}

fn short(id: Oid) -> String {
    id.to_string()[..12].to_string()
}

impl Range {
    /// Read the range `merge_base..head` (plus the message being written).
    pub(super) fn read(
        repo: &Repo,
        merge_base: Oid,
        head: &Head,
        head_commit: Oid,
        head_tree: Oid,
        review: &Review,
        mailmap: &Mailmap,
    ) -> Result<Range, Error> {
        let guarded = |p: &str| review.guarded(p);
        let mut entries = Vec::new();
        let mut contributors: BTreeMap<String, String> = BTreeMap::new();
        let mut add = |email: &str, role: String| {
            contributors.entry(mailmap.canonical(email)).or_insert(role);
        };
        for id in repo.range(Some(merge_base), head_commit)? {
            let c = repo.commit(id)?;
            add(&c.author.1, format!("author of {}", short(id)));
            add(&c.committer.1, format!("committer of {}", short(id)));
            let trees: Vec<Oid> = c
                .parents
                .iter()
                .map(|p| repo.tree_of(*p))
                .collect::<Result<_, _>>()?;
            let changed = |old: Option<Oid>| -> Result<bool, Error> {
                Ok(!git::changes(repo, old, Some(c.tree), &guarded)?.is_empty())
            };
            let guarded_change = if trees.is_empty() {
                changed(None)?
            } else {
                let mut all = true;
                for t in &trees {
                    all &= changed(Some(*t))?;
                }
                all
            };
            entries.push(Entry {
                tree: c.tree,
                id: Some(id),
                label: short(id),
                valid_text: c.valid_text,
                message: c.message,
                mode: Mode::CommitObject,
                guarded: guarded_change,
                merge: c.parents.len() > 1,
            });
        }
        if let Head::Staged { message } = head {
            let head_tree_now = repo.tree_of(head_commit)?;
            let changed =
                !git::changes(repo, Some(head_tree_now), Some(head_tree), &guarded)?.is_empty();
            // Who is committing: git's own identity settings for this repository.
            if let Some(email) = committer_email(repo) {
                add(&email, "author of the commit being made".into());
            }
            entries.push(Entry {
                tree: head_tree,
                id: None,
                label: "index".into(),
                valid_text: !message.contains('\u{fffd}') && !message.contains('\0'),
                message: message.clone(),
                mode: Mode::MessageFile,
                guarded: changed,
                merge: false,
            });
        }
        for e in &entries {
            for t in trailers::parse(&e.message, e.mode).trailers {
                if CO_AUTHOR_KEYS
                    .iter()
                    .any(|k| trailers::key_matches(&t.key, k))
                {
                    // Every address on the line, whatever else it says: a
                    // contributor must not escape by an odd shape.
                    for email in emails_in(&t.value) {
                        add(email, format!("co-author of {}", e.label));
                    }
                }
            }
        }
        // A sign-off approves the config as its commit records it: it is
        // stale wherever that state is not the final one, however the
        // history got there (a later commit, a side branch merged in).
        let mut drift_to_final = Vec::with_capacity(entries.len());
        for e in &entries {
            drift_to_final.push(git::changes(repo, Some(e.tree), Some(head_tree), &guarded)?.len());
        }
        Ok(Range {
            entries,
            contributors,
            drift_to_final,
            mailmap: mailmap.clone(),
        })
    }

    /// A merge whose guarded result differs from every parent needs a
    /// sign-off of its own: its result was never approved on either side.
    pub(super) fn merge_requirements(&self, review: &Review) -> Vec<Requirement> {
        self.entries
            .iter()
            .filter(|e| e.merge && e.guarded)
            .map(|e| Requirement {
                    source: format!(
                        "merge {}: its guarded config differs from every parent, so it needs its own sign-off",
                        e.label
                    ),
                    required: 1,
                    reviewers: review.base.reviewers.clone(),
                    on_commit: e.id,
            })
            .collect()
    }

    /// Lines that look like sign-offs but git does not read as trailers.
    pub(super) fn near_misses(&self) -> Vec<(String, NearMiss)> {
        self.entries
            .iter()
            .flat_map(|e| {
                trailers::parse(&e.message, e.mode)
                    .near_misses
                    .into_iter()
                    .map(|n| (e.label.clone(), n))
            })
            .collect()
    }

    /// Judge every sign-off, then each requirement.
    pub(super) fn evaluate(
        &self,
        review: &Review,
        requirements: &[Requirement],
        digest: &str,
    ) -> (Vec<Signoff>, Vec<Met>) {
        let mut out = Vec::new();
        // (canonical email, entry index) of sign-offs that are valid.
        let mut valid: Vec<(String, usize)> = Vec::new();
        let mut counted: HashSet<String> = HashSet::new();
        let anyone = requirements.iter().any(|r| r.reviewers.is_empty());
        for (i, e) in self.entries.iter().enumerate() {
            for t in trailers::parse(&e.message, e.mode).trailers {
                if !review
                    .trailers
                    .iter()
                    .any(|k| trailers::key_matches(&t.key, k))
                {
                    continue;
                }
                let mut s = Signoff {
                    key: t.key.clone(),
                    identity: t.value.clone(),
                    email: String::new(),
                    commit: e.label.clone(),
                    counted: false,
                    reason: String::new(),
                };
                let signer = match shape(e, &t).and_then(|()| parse_signer(&t.value)) {
                    Ok(signer) => signer,
                    Err(why) => {
                        s.reason = why;
                        out.push(s);
                        continue;
                    }
                };
                let email = self.mailmap.canonical(&signer.email);
                s.email.clone_from(&email);
                let reason = if let Some(role) = self.contributors.get(&email) {
                    Some(format!("not a peer: {email} is the {role}"))
                } else if self.drift_to_final[i] > 0
                    // A sign-off naming the current digest approves exactly
                    // the final change.
                    && signer.digest.as_deref() != Some(digest)
                {
                    Some(format!(
                        "stale: guarded config changed after this sign-off ({} path{} differ from the final state)",
                        self.drift_to_final[i],
                        if self.drift_to_final[i] == 1 { "" } else { "s" }
                    ))
                } else if review.bind_digest && signer.digest.as_deref() != Some(digest) {
                    Some(match &signer.digest {
                        Some(d) => format!(
                            "approves {d}, but the change is now {digest} (bind = \"digest\")"
                        ),
                        None => format!("carries no `# config {digest}` (bind = \"digest\")"),
                    })
                } else if signer.digest.as_deref().is_some_and(|d| d != digest) {
                    Some(format!(
                        "approves {}, but the change is now {digest}",
                        signer.digest.as_deref().unwrap_or_default()
                    ))
                } else if !anyone && !requirements.iter().any(|r| r.reviewers.contains(&email)) {
                    Some(format!("{email} is not among the allowed reviewers"))
                } else {
                    None
                };
                match reason {
                    Some(r) => s.reason = r,
                    None => {
                        valid.push((email.clone(), i));
                        if counted.insert(email.clone()) {
                            s.counted = true;
                            s.reason = "peer sign-off".into();
                        } else {
                            s.reason = format!("{email} is already counted (one count per person)");
                        }
                    }
                }
                out.push(s);
            }
        }
        let met = requirements
            .iter()
            .map(|r| {
                let mut people: Vec<&str> = valid
                    .iter()
                    .filter(|(email, i)| {
                        (r.reviewers.is_empty() || r.reviewers.contains(email))
                            && r.on_commit.is_none_or(|c| self.entries[*i].id == Some(c))
                    })
                    .map(|(email, _)| email.as_str())
                    .collect();
                people.sort_unstable();
                people.dedup();
                Met {
                    requirement: r.clone(),
                    have: people.len() as u32,
                }
            })
            .collect();
        (out, met)
    }
}

/// Refuse sign-offs whose shape git and a reader would see differently:
/// a value folded over several lines (it may hide a second person), a
/// trailer below a `---` line (`git interpret-trailers` and `git am` stop
/// there, `%(trailers)` does not), a message that is not valid UTF-8.
fn shape(e: &Entry, t: &trailers::Trailer) -> Result<(), String> {
    if !e.valid_text {
        return Err("the commit message is not valid UTF-8 (or holds a NUL byte): its trailers are not trusted".into());
    }
    let lines: Vec<&str> = e.message.lines().collect();
    let at = t.line.saturating_sub(1);
    if lines
        .get(at + 1)
        .is_some_and(|next| next.starts_with([' ', '\t']) && !next.trim().is_empty())
    {
        return Err("the value is folded over more than one line: one sign-off, one line".into());
    }
    // git's patch divider: `---` followed by whitespace or the end of the line.
    let divider = |l: &&str| {
        l.strip_prefix("---")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    };
    if lines[..at.min(lines.len())].iter().any(divider) {
        return Err("below a `---` line: git interpret-trailers and git am stop there, so tools disagree on this sign-off".into());
    }
    Ok(())
}

/// Every `<…@…>` address in a trailer value.
pub(super) fn emails_in(value: &str) -> Vec<&str> {
    value
        .split('<')
        .skip(1)
        .filter_map(|part| part.split_once('>').map(|(e, _)| e.trim()))
        .filter(|e| e.contains('@'))
        .collect()
}

/// The committer's email as git would record it (environment first).
fn committer_email(repo: &Repo) -> Option<String> {
    for var in ["GIT_COMMITTER_EMAIL", "GIT_AUTHOR_EMAIL", "EMAIL"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            return Some(v.to_string_lossy().into_owned());
        }
    }
    repo.config_string("user.email")
}
