//! Judging every sign-off of a range read by [`super::range`]: whether it
//! counts and why (SPEC §7.3); then how far each requirement got.
//!
//! Linear in the size of the messages: each message is parsed once, its
//! lines and its first `---` divider found once, and people are looked up
//! in hash sets (a line-by-line re-scan per trailer made 200,000 trailer
//! lines take minutes).

use std::collections::HashSet;

use super::Met;
use super::identity::parse_signer;
use super::range::{Entry, Range};
use super::review::{Requirement, Review};
use crate::trailers::{self, NearMiss};

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

/// A message's lines, read once for every trailer in it.
struct Lines<'a> {
    lines: Vec<&'a str>,
    /// Index of the first `---` divider line, if any.
    divider: Option<usize>,
}

impl<'a> Lines<'a> {
    fn new(message: &'a str) -> Lines<'a> {
        let lines: Vec<&str> = message.lines().collect();
        // git's patch divider: `---` followed by whitespace or the end of the line.
        let divider = lines.iter().position(|l| {
            l.strip_prefix("---")
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
        });
        Lines { lines, divider }
    }
}

impl Range {
    /// Lines that look like sign-offs but git does not read as trailers.
    pub(super) fn near_misses(&self) -> Vec<(String, NearMiss)> {
        self.entries
            .iter()
            .flat_map(|e| {
                e.block
                    .near_misses
                    .iter()
                    .map(|n| (e.label.clone(), n.clone()))
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
        let allowed: HashSet<&str> = requirements
            .iter()
            .flat_map(|r| r.reviewers.iter().map(String::as_str))
            .collect();
        for (i, e) in self.entries.iter().enumerate() {
            let lines = Lines::new(&e.message);
            for t in &e.block.trailers {
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
                let signer = match shape(e, &lines, t).and_then(|()| parse_signer(&t.value)) {
                    Ok(signer) => signer,
                    Err(why) => {
                        s.reason = why;
                        out.push(s);
                        continue;
                    }
                };
                let email = self.mailmap.canonical(&signer.email);
                s.email.clone_from(&email);
                let names_digest = signer.digest.as_deref() == Some(digest);
                let reason = if let Some(role) = self.contributors.get(&email) {
                    Some(format!("not a peer: {email} is the {role}"))
                } else if let Some(why) = self.stale_reason(i).filter(|_| !names_digest) {
                    // A sign-off naming the current digest approves exactly
                    // the final change, pre-images included.
                    Some(why)
                } else if review.bind_digest && !names_digest {
                    Some(match &signer.digest {
                        Some(d) => format!(
                            "approves {d}, but the change is now {digest} (bind = \"digest\")"
                        ),
                        None => format!("carries no `# config {digest}` (bind = \"digest\")"),
                    })
                } else if let Some(d) = signer.digest.as_deref().filter(|_| !names_digest) {
                    Some(format!("approves {d}, but the change is now {digest}"))
                } else if !anyone && !allowed.contains(email.as_str()) {
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
                let reviewers: HashSet<&str> = r.reviewers.iter().map(String::as_str).collect();
                let window = r.after.and_then(|n| self.after.get(&n));
                let people: HashSet<&str> = valid
                    .iter()
                    .filter(|(email, i)| {
                        (reviewers.is_empty() || reviewers.contains(email.as_str()))
                            && window.is_none_or(|w| w.contains(i))
                    })
                    .map(|(email, _)| email.as_str())
                    .collect();
                Met {
                    requirement: r.clone(),
                    have: people.len() as u32,
                }
            })
            .collect();
        (out, met)
    }

    /// Why sign-offs on entry `i` are stale, if they are.
    fn stale_reason(&self, i: usize) -> Option<String> {
        let s = self.stale.get(i)?.as_ref()?;
        let list = |set: &std::collections::BTreeSet<String>| {
            let shown: Vec<&str> = set.iter().take(3).map(String::as_str).collect();
            format!(
                "{}{}",
                shown.join(", "),
                if set.len() > 3 { ", ..." } else { "" }
            )
        };
        if !s.post.is_empty() {
            Some(format!(
                "stale: guarded config changed after this sign-off ({} path{} differ from the final state: {})",
                s.post.len(),
                if s.post.len() == 1 { "" } else { "s" },
                list(&s.post)
            ))
        } else if !s.pre.is_empty() {
            Some(format!(
                "stale: the base it was reviewed against changed under the paths it covers ({}); the net change is no longer the one approved",
                list(&s.pre)
            ))
        } else {
            None
        }
    }
}

/// Refuse sign-offs whose shape git and a reader would see differently:
/// a value folded over several lines (it may hide a second person), a
/// trailer below a `---` line (`git interpret-trailers` and `git am` stop
/// there, `%(trailers)` does not), a message that is not valid UTF-8.
fn shape(e: &Entry, lines: &Lines<'_>, t: &trailers::Trailer) -> Result<(), String> {
    if !e.valid_text {
        return Err("the commit message is not valid UTF-8 (or holds a NUL byte): its trailers are not trusted".into());
    }
    let at = t.line.saturating_sub(1);
    if lines
        .lines
        .get(at + 1)
        .is_some_and(|next| next.starts_with([' ', '\t']) && !next.trim().is_empty())
    {
        return Err("the value is folded over more than one line: one sign-off, one line".into());
    }
    if lines.divider.is_some_and(|d| d < at) {
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
