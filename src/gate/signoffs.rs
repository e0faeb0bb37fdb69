//! Judging every sign-off of a range read by [`super::range`]: whether it
//! counts and why (SPEC §7.3); then how far each requirement got.
//!
//! Linear in the size of the messages: each message is parsed once, its
//! lines and its first `---` divider found once, and people are looked up
//! in hash sets (a line-by-line re-scan per trailer made 200,000 trailer
//! lines take minutes).

/// Sets and maps keyed by attacker-written text (emails, keys): foldhash,
/// seeded per process, is fast and resists crafted collisions.
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

use super::Met;
use super::identity::parse_signer;
use super::range::{Range, RangeCommit};
use super::review::{Requirement, Review};
use super::signed::{Outcome, SignedMode};
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
    /// Whether a `Review-Signature` by a key the merge base's
    /// `allowed_signers` lists for this reviewer verified (the assurance:
    /// [`super::signed::SIGNED`], else [`super::signed::TYPED`]).
    pub signed: bool,
    /// Why a signature present (or, with `signed = "required"`, needed)
    /// did not verify.
    pub signature: Option<String>,
    /// The SHA-256 fingerprint of the key of a verified signature.
    pub signing_key: Option<String>,
}

/// What every sign-off of a range is judged against.
struct Judge<'a> {
    review: &'a Review,
    digest: &'a str,
    /// The merge base, as signatures name it.
    base: String,
    /// Some requirement accepts any peer.
    anyone: bool,
    /// Reviewers some requirement names.
    allowed: HashSet<&'a str>,
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
    /// Lines that look like sign-offs but git does not read as trailers,
    /// and trailers whose key misspells a configured sign-off key
    /// (`Reviewd-by`; the usual keys are checked by the parser already).
    pub(super) fn near_misses(&self, review: &Review) -> Vec<(String, NearMiss)> {
        let custom: Vec<&str> = review
            .trailers
            .iter()
            .map(String::as_str)
            .filter(|k| {
                !trailers::SIGNOFF_SPELLINGS
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(k))
            })
            .collect();
        self.entries
            .iter()
            .flat_map(|e| {
                let mut misses = e.block.near_misses.clone();
                if !custom.is_empty() {
                    misses.extend(trailers::misspelled(&e.block.trailers, &custom));
                    misses.sort_by_key(|n| n.line);
                }
                misses.into_iter().map(|n| (e.label.clone(), n))
            })
            .collect()
    }

    /// Judge every sign-off, then each requirement. `merge_base` is what
    /// signatures must name (see [`super::signed`]).
    pub(super) fn evaluate(
        &self,
        review: &Review,
        requirements: &[Requirement],
        digest: &str,
        merge_base: crate::git::Oid,
    ) -> (Vec<Signoff>, Vec<Met>) {
        let mut out = Vec::with_capacity(self.entries.iter().map(|e| e.block.trailers.len()).sum());
        // (canonical email, entry index, names the digest) of valid sign-offs.
        let mut valid: Vec<(String, usize, bool)> = Vec::new();
        let mut counted: HashSet<String> = HashSet::default();
        let mut keys: HashSet<String> = HashSet::default();
        let ctx = Judge {
            review,
            digest,
            base: merge_base.to_string(),
            anyone: requirements.iter().any(|r| r.reviewers.is_empty()),
            allowed: requirements
                .iter()
                .flat_map(|r| r.reviewers.iter().map(String::as_str))
                .collect(),
        };
        for (i, e) in self.entries.iter().enumerate() {
            let lines = Lines::new(&e.message);
            let sigs = signatures_by_claim(&e.block.trailers);
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
                    identity: crate::secrets::mask_line(&t.value),
                    email: String::new(),
                    commit: e.label.clone(),
                    counted: false,
                    reason: String::new(),
                    signed: false,
                    signature: None,
                    signing_key: None,
                };
                let (email, names_digest) = match self.judge(&ctx, (i, e, &sigs), &lines, t, &mut s)
                {
                    Ok(v) => v,
                    Err(why) => {
                        s.reason = why;
                        out.push(s);
                        continue;
                    }
                };
                // One key is one person, whatever addresses it is listed for.
                if let Some(key) = &s.signing_key
                    && !keys.insert(key.clone())
                {
                    s.reason =
                        format!("signed with {key}, a key already counted (one count per key)");
                    out.push(s);
                    continue;
                }
                valid.push((email.clone(), i, names_digest));
                if counted.insert(email.clone()) {
                    s.counted = true;
                    s.reason = self.coverage_note(i, names_digest);
                } else {
                    s.reason = format!("{email} is already counted (one count per person)");
                }
                out.push(s);
            }
        }
        let met = requirements.iter().map(|r| self.met(r, &valid)).collect();
        (out, met)
    }

    /// Whether sign-off `t` on entry `i` is valid: its canonical email and
    /// whether it approves the current digest exactly, or why it does not
    /// count. Records its signature's outcome in `s`.
    fn judge(
        &self,
        ctx: &Judge<'_>,
        (i, e, sigs): (usize, &RangeCommit, &Claims),
        lines: &Lines<'_>,
        t: &trailers::Trailer,
        s: &mut Signoff,
    ) -> Result<(String, bool), String> {
        let review = ctx.review;
        let digest = ctx.digest;
        shape(e, lines, t)?;
        let signer = parse_signer(&t.value)?;
        let signing = &review.signing;
        let own = sigs
            .get(&signer.email.to_ascii_lowercase())
            .map_or(&[][..], Vec::as_slice);
        let (outcome, verified) = signing.check(own, &signer.email, digest, &ctx.base, &|st| {
            shape(e, lines, st)
        });
        s.signed = outcome == Outcome::Signed;
        let email = self.mailmap.canonical(&signer.email);
        s.email.clone_from(&email);
        if let Some(verified) = &verified
            && let Some((key, also)) = signing.signer_key(
                verified,
                &signer.email,
                self.contributors
                    .keys()
                    .chain(self.addresses.iter())
                    .map(String::as_str),
            )
        {
            if let Some(other) = also {
                return Err(format!(
                    "signed with {key}, a key allowed_signers also lists for {other}, a contributor: it proves no peer review"
                ));
            }
            s.signing_key = Some(key);
        }
        if let Outcome::Refused(why) = outcome {
            s.signature = Some(why.clone());
            if signing.mode == SignedMode::Required {
                return Err(format!("signature refused (signed = \"required\"): {why}"));
            }
        }
        // A verified signature names this digest and merge base.
        let names_digest = s.signed || signer.digest.as_deref() == Some(digest);
        let reason = if let Some(role) = self.contributors.get(&email) {
            Some(format!("not a peer: {email} is the {role}"))
        } else if let Some(why) = self.stale_reason(i).filter(|_| !names_digest) {
            // A sign-off naming the current digest approves exactly
            // the final change, pre-images included.
            Some(why)
        } else if review.bind_digest && !names_digest {
            Some(match &signer.digest {
                Some(d) => {
                    format!("approves {d}, but the change is now {digest} (bind = \"digest\")")
                }
                None => format!("carries no `# config {digest}` (bind = \"digest\")"),
            })
        } else if let Some(d) = signer.digest.as_deref().filter(|_| !names_digest) {
            Some(format!("approves {d}, but the change is now {digest}"))
        } else if !ctx.anyone && !ctx.allowed.contains(email.as_str()) {
            Some(format!("{email} is not among the allowed reviewers"))
        } else if !names_digest && !self.changed.is_empty() && self.covers(i).is_empty() {
            Some(
                "stale: it approves none of the change (its commit changed none of the guarded paths the change holds now)"
                    .into(),
            )
        } else {
            None
        };
        match reason {
            Some(r) => Err(r),
            None => Ok((email, names_digest)),
        }
    }

    /// The guarded paths entry `i`'s sign-offs approve.
    fn covers(&self, i: usize) -> Vec<&str> {
        self.coverage.covers(i)
    }

    /// "peer sign-off", and which paths when it approves part of the change.
    fn coverage_note(&self, i: usize, names_digest: bool) -> String {
        let covers = self.covers(i);
        if names_digest || covers.len() == self.changed.len() {
            return "peer sign-off".into();
        }
        let shown: Vec<&str> = covers.iter().take(3).copied().collect();
        format!(
            "peer sign-off for {} of {} changed paths ({}{})",
            covers.len(),
            self.changed.len(),
            shown.join(", "),
            if covers.len() > 3 { ", ..." } else { "" }
        )
    }

    /// How far requirement `r` got: people allowed by it (in its window,
    /// for a merge's), and on every path it is about, how many of them
    /// approved that path. People with the same sign-off entries are
    /// counted together, so many sign-offs on one commit cost one union.
    fn met(&self, r: &Requirement, valid: &[(String, usize, bool)]) -> Met {
        let reviewers: HashSet<&str> = r.reviewers.iter().map(String::as_str).collect();
        let window = r.after.and_then(|n| self.after.get(&n));
        // Person → (entries, names the digest).
        let mut people: HashMap<&str, (Vec<usize>, bool)> = HashMap::default();
        for (email, i, all) in valid {
            if (reviewers.is_empty() || reviewers.contains(email.as_str()))
                && window.is_none_or(|w| w.contains(i))
            {
                let p = people.entry(email.as_str()).or_default();
                p.0.push(*i);
                p.1 |= *all;
            }
        }
        let paths: Vec<&String> = match (&r.paths, r.after) {
            (_, Some(_)) => Vec::new(),
            (Some(p), None) => p.iter().collect(),
            (None, None) => self.changed.iter().collect(),
        };
        if paths.is_empty() {
            return Met {
                requirement: r.clone(),
                have: people.len() as u32,
                uncovered: Vec::new(),
            };
        }
        // Group people by what they signed, then count per path.
        let mut groups: HashMap<(Vec<usize>, bool), u32> = HashMap::default();
        for (_, (mut entries, all)) in people {
            entries.sort_unstable();
            entries.dedup();
            *groups.entry((entries, all)).or_default() += 1;
        }
        // Digest-named sign-offs approve every path; the others, per path,
        // the adding commits they contain (module `coverage`).
        let all: u32 = groups.iter().filter(|((_, a), _)| *a).map(|(_, n)| n).sum();
        let sets: Vec<(super::coverage::Bits, u32)> = groups
            .iter()
            .filter(|((_, a), _)| !*a)
            .map(|((entries, _), n)| (self.coverage.bits(entries), *n))
            .collect();
        let count: HashMap<&str, u32> = paths
            .iter()
            .map(|p| (p.as_str(), all + self.coverage.count(p, &sets)))
            .collect();
        let have = count.values().copied().min().unwrap_or(0);
        let mut uncovered: Vec<String> = count
            .iter()
            .filter(|(_, c)| **c < r.required)
            .map(|(p, _)| (*p).to_string())
            .collect();
        uncovered.sort();
        Met {
            requirement: r.clone(),
            have,
            uncovered,
        }
    }

    /// Why sign-offs on entry `i` are stale, if they are: a commit on top
    /// of it added again a path it approved (module `coverage`).
    fn stale_reason(&self, i: usize) -> Option<String> {
        let post = self.coverage.stale(i);
        if post.is_empty() {
            return None;
        }
        let shown: Vec<&str> = post.iter().take(3).copied().collect();
        Some(format!(
            "stale: guarded config changed after this sign-off ({} path{} differ from the final state: {}{})",
            post.len(),
            if post.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if post.len() > 3 { ", ..." } else { "" }
        ))
    }
}

/// An entry's `Review-Signature` trailers by the reviewer each claims.
type Claims = HashMap<String, Vec<trailers::Trailer>>;

/// Group `all`'s `Review-Signature` trailers by the reviewer they claim
/// (the value's first word without `<>`, lower-cased: the key
/// [`super::signed`] matches them by), once per commit.
///
/// Rule: sign-off processing is linear in the message. Handing every
/// sign-off the whole trailer block to search made a commit of N sign-offs
/// cost N² (200,000 lines: minutes); each sign-off now gets only the
/// signatures that claim its address, which is all the check looks at.
fn signatures_by_claim(all: &[trailers::Trailer]) -> Claims {
    let mut out = Claims::default();
    for t in all
        .iter()
        .filter(|t| trailers::key_matches(&t.key, super::signature::TRAILER))
    {
        let claim = t
            .value
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['<', '>'])
            .to_ascii_lowercase();
        out.entry(claim).or_default().push(t.clone());
    }
    out
}

/// Refuse sign-offs whose shape git and a reader would see differently:
/// a value folded over several lines (it may hide a second person), a
/// trailer below a `---` line (`git interpret-trailers` and `git am` stop
/// there, `%(trailers)` does not), a message that is not valid UTF-8.
fn shape(e: &RangeCommit, lines: &Lines<'_>, t: &trailers::Trailer) -> Result<(), String> {
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
