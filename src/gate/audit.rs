//! `driftcheck audit`: every commit in a range that changed guarded config,
//! with its digest, its sign-offs and whether they were enough on their own
//! (the per-commit view of the gate: the commit's own author, committer and
//! co-authors are its contributors).
//!
//! Commits are judged one by one in history order, so the trees each
//! shares with its parent are read once.
//!
//! Signed sign-offs (`[review] signers`): each commit's merge base is its
//! first parent, so a `Review-Signature` is verified over the commit's own
//! digest and first parent, with the `allowed_signers` of the first
//! parent's tree (read once per distinct file, [`signed::KeyCache`]). A squash
//! or rebase merge of a signed pull request lands as exactly that.
//!
//! Reading and judging overlap: the history is read on one thread
//! (neighbouring commits share trees), each commit prepared as soon as its
//! parents have been read, while the walk goes on ([`Stream`]: judging does
//! not wait for the whole history, which is a third of the reading), and
//! the other cores judge what has been prepared, in groups of 64
//! ([`judge_stream`]): a group's signatures are verified first, as one
//! batch ([`signed::verify_jobs`], proofs kept in the verification memo),
//! then each of its commits is judged, finding each verification already
//! made. So verifying costs the reader nothing, and judging ends soon after
//! reading does. The output is in history order whatever the order of the
//! work (parents before children, the same on every run).

use super::identity::{Mailmap, parse_signer};
use super::review::Review;
use super::signed::{self, Outcome};
use crate::error::Error;
use crate::git::{self, Repo};
use crate::trailers::{self, Mode};

/// One audited commit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Audited {
    /// Full id.
    pub commit: String,
    /// Author email as recorded.
    pub author: String,
    /// Digest of the commit's own guarded change.
    pub digest: String,
    /// Guarded paths it changed.
    pub paths: Vec<String>,
    /// Sign-offs in its message.
    pub signoffs: Vec<AuditSignoff>,
    /// Whether enough valid peer sign-offs cover it — and, after
    /// [`gate_verdicts`], whether `gate --base C^ --head C` passes it.
    pub passed: bool,
    /// For a commit that did not pass: lines that look like sign-offs but
    /// are not trailers, and why (`Reviewd-by`: did you mean …?), so a
    /// refusal says what to fix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub near_misses: Vec<AuditNearMiss>,
    /// Why the gate refuses it (after [`gate_verdicts`]), if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
}

/// A line of a commit message that looks like a sign-off and is not one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditNearMiss {
    /// 1-based line in the message.
    pub line: usize,
    /// Why git does not count it (masked).
    pub reason: String,
}

/// One sign-off of an audited commit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditSignoff {
    /// Trailer key as written.
    pub key: String,
    /// Value as written.
    pub identity: String,
    /// Canonical email (empty when unreadable).
    pub email: String,
    /// Whether it counts.
    pub counted: bool,
    /// Why (or why not).
    pub reason: String,
    /// Whether its `Review-Signature` verified against the first parent's
    /// `allowed_signers`.
    pub signed: bool,
    /// "signed by a key in allowed_signers" or "typed trailer".
    pub assurance: &'static str,
    /// Why a signature present (or required) did not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// Audit `range` (`A..B`, or a single revision for its whole history).
/// Each commit is judged with its first parent's `.mailmap`, as the gate
/// judges it ([`signed::Mailmaps`]).
///
/// # Errors
/// When the repository cannot answer (an object it lists cannot be read).
pub fn audit(repo: &Repo, range: &str, review: &Review) -> Result<Vec<Audited>, Error> {
    repo.require_full_history()?;
    let (base, head) = match range.split_once("..") {
        Some((a, b)) => (
            Some(repo.commit_id(if a.is_empty() { "HEAD" } else { a })?),
            repo.commit_id(if b.is_empty() { "HEAD" } else { b })?,
        ),
        None => (None, repo.commit_id(range)?),
    };
    let mut cache = git::TreeCache::default();
    let mut keys = signed::KeyCache::default();
    let memo = std::sync::Arc::new(std::sync::Mutex::new(super::memo::Memo::load(
        &repo.common_dir(),
    )));
    if review.signing.active() {
        keys.memo = Some(memo.clone());
    }
    let mut progress = None;
    let (send, receive) = std::sync::mpsc::channel::<Vec<Prepared>>();
    let receive = std::sync::Mutex::new(receive);
    let judged = std::sync::Mutex::new(Vec::new());
    let judges = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .saturating_sub(1)
        .max(1);
    let judge = || judge_stream(&receive, review, &judged);
    // One thread reads: neighbouring commits share most trees (the cache
    // halves the reads), and libgit2's pack access serialises on a lock
    // anyway (two threads measured slower than one). Each commit is
    // prepared as soon as its parents have been read, while the history
    // is still being walked, so the other cores judge from the first
    // group on ([`judge_stream`]); the reader joins them at the end.
    let (order, read) = std::thread::scope(|scope| -> Result<(Vec<git::Oid>, usize), Error> {
        for _ in 0..judges {
            scope.spawn(judge);
        }
        // Dropped on every way out, so the judges end.
        let send = send;
        let mut stream = Stream {
            parents_first: base.is_some(),
            ..Stream::default()
        };
        // Sent a group at a time: one message per commit woke a judge per
        // commit (4,000 context switches on a 10,000-commit history).
        let mut group = Vec::with_capacity(GROUP);
        let mut read = 0;
        let mut walked = 0usize;
        let mut ready =
            |c: git::Commit, stream: &Stream, group: &mut Vec<Prepared>| -> Result<(), Error> {
                let caches = (&mut cache, &mut keys);
                if let Some(p) = prepare(repo, c, &stream.trees, review, caches)? {
                    group.push(p);
                    read += 1;
                    if group.len() == GROUP {
                        // A closed channel (a judge gone) is found when counting.
                        let _ = send.send(std::mem::replace(group, Vec::with_capacity(GROUP)));
                    }
                }
                Ok(())
            };
        let order = repo.history(base, head, &mut |c| {
            walked += 1;
            if walked == 2_000 {
                progress = Some(crate::progress::Progress::start(true));
            }
            if let Some(p) = progress.as_ref().filter(|_| walked.is_multiple_of(500)) {
                p.show(&format!("audit: {walked} commits read"));
            }
            for c in stream.arrive(c) {
                ready(c, &stream, &mut group)?;
            }
            Ok(())
        })?;
        // Parents never walked (none without a base): looked up one by one.
        for c in stream.leftovers() {
            ready(c, &stream, &mut group)?;
        }
        if !group.is_empty() {
            let _ = send.send(group);
        }
        drop(send);
        judge();
        Ok((order, read))
    })?;
    drop(progress);
    let judged = judged
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = in_history_order(judged, read, &order)?;
    if let Ok(mut m) = memo.lock() {
        m.save();
    }
    Ok(out)
}

/// The verdicts in history order (`order`), failing closed unless every
/// one of the `read` commits has its verdict.
fn in_history_order(
    judged: Vec<(git::Oid, Audited)>,
    read: usize,
    order: &[git::Oid],
) -> Result<Vec<Audited>, Error> {
    if judged.len() != read {
        return Err(Error::Git(format!(
            "audit judged {} of {read} commits",
            judged.len()
        )));
    }
    let rank: std::collections::HashMap<git::Oid, usize> =
        order.iter().enumerate().map(|(n, id)| (*id, n)).collect();
    let mut judged: Vec<(usize, Audited)> = judged
        .into_iter()
        .map(|(id, a)| (rank.get(&id).copied().unwrap_or(usize::MAX), a))
        .collect();
    judged.sort_by_key(|(n, _)| *n);
    Ok(judged.into_iter().map(|(_, a)| a).collect())
}

/// Commits as the history walk hands them over, each released once every
/// parent has been read (its tree is then known: no commit is read twice).
#[derive(Default)]
struct Stream {
    /// Commit id → tree id, for every commit read.
    trees: std::collections::HashMap<git::Oid, git::Oid>,
    /// Commits waiting for a parent not read yet, by that parent.
    parked: std::collections::HashMap<git::Oid, Vec<git::Commit>>,
    /// The walk gives parents first (a range): a parent not read yet is
    /// outside it, and nothing waits.
    parents_first: bool,
}

impl Stream {
    /// `c` has been read: the commits that are ready now (`c` itself once
    /// its parents are known, and any that waited for it).
    fn arrive(&mut self, c: git::Commit) -> Vec<git::Commit> {
        self.trees.insert(c.id, c.tree);
        let mut out = Vec::new();
        let mut check = self.parked.remove(&c.id).unwrap_or_default();
        check.push(c);
        while let Some(c) = check.pop() {
            let missing = (!self.parents_first)
                .then(|| c.parents.iter().find(|p| !self.trees.contains_key(p)))
                .flatten()
                .copied();
            match missing {
                Some(p) => self.parked.entry(p).or_default().push(c),
                None => out.push(c),
            }
        }
        out
    }

    /// Commits still waiting when the walk is over (a parent outside it).
    fn leftovers(&mut self) -> Vec<git::Commit> {
        let mut out: Vec<git::Commit> = self.parked.drain().flat_map(|(_, v)| v).collect();
        out.sort_by_key(|c| c.id);
        out
    }
}

/// Judge commits as they are read, a group of up to [`GROUP`] at a time:
/// the group's signatures are verified as one batch first
/// ([`signed::verify_jobs`]), so that judging each commit finds them
/// proven. Each commit's verdict is its own; results carry their place in
/// the history.
fn judge_stream(
    receive: &std::sync::Mutex<std::sync::mpsc::Receiver<Vec<Prepared>>>,
    review: &Review,
    judged: &std::sync::Mutex<Vec<(git::Oid, Audited)>>,
) {
    loop {
        // Take a group, then let go of the queue so another judge can take
        // the next one.
        let group = {
            let Ok(queue) = receive.lock() else { return };
            let Ok(group) = queue.recv() else { return };
            group
        };
        let mut group = group;
        for p in &mut group {
            p.read_trailers();
        }
        let jobs: Vec<signed::Job> = group
            .iter()
            .flat_map(|p| signed::jobs(&p.signing, &p.found, &p.digest, &p.base))
            .collect();
        if !jobs.is_empty() {
            signed::verify_jobs(&jobs);
        }
        let out: Vec<(git::Oid, Audited)> = group
            .iter()
            .map(|p| (p.commit.id, p.judge(review)))
            .collect();
        if let Ok(mut j) = judged.lock() {
            j.extend(out);
        }
    }
}

/// Commits judged as one group: enough signatures for a batch to cost far
/// less per signature than checking each alone.
const GROUP: usize = 64;

/// A commit that changed guarded config, read and ready to be judged.
struct Prepared {
    commit: git::Commit,
    changes: Vec<git::Change>,
    digest: String,
    /// The message's trailers, and its contributors' addresses canonical
    /// and as written: filled by the judge ([`Prepared::read_trailers`]).
    found: Vec<trailers::Trailer>,
    contributors: Vec<String>,
    /// Every address contributors used, as written (a key listed for any
    /// of them speaks for a contributor).
    addresses: Vec<String>,
    /// `[review]`'s signing settings with the first parent's keys.
    signing: signed::Signing,
    /// The first parent (what a signature must name).
    base: String,
    /// The first parent's `.mailmap`: who is who, as the gate sees it.
    mailmap: std::sync::Arc<Mailmap>,
}

impl Prepared {
    /// Read the message's trailers and who contributed (author, committer,
    /// co-authors, as the merge base's `.mailmap` names them). Done by the
    /// judges, not the reader: it needs nothing from the repository.
    fn read_trailers(&mut self) {
        let c = &self.commit;
        self.found = trailers::trailers_only(&c.message, Mode::CommitObject);
        let mut addresses = vec![
            c.author.1.to_ascii_lowercase(),
            c.committer.1.to_ascii_lowercase(),
        ];
        for t in &self.found {
            if ["Co-authored-by", "Co-developed-by"]
                .iter()
                .any(|k| trailers::key_matches(&t.key, k))
            {
                addresses.extend(
                    super::signoffs::emails_in(&t.value)
                        .into_iter()
                        .map(str::to_ascii_lowercase),
                );
            }
        }
        self.contributors = addresses
            .iter()
            .map(|e| self.mailmap.canonical(e))
            .collect();
        self.addresses = addresses;
    }

    fn judge(&self, review: &Review) -> Audited {
        let c = &self.commit;
        let judged = JudgedCommit {
            review,
            mailmap: &self.mailmap,
            signing: &self.signing,
            digest: &self.digest,
            base: &self.base,
            contributors: &self.contributors,
            addresses: &self.addresses,
            message: &c.message,
        };
        let signoffs = judged.signoffs(&self.found);
        let counted = signoffs.iter().filter(|s| s.counted).count();
        let passed = counted as u32 >= review.base.required;
        // Near misses only where they explain a refusal: parsing for them
        // costs more than the trailers alone, and most commits pass.
        let near_misses = if passed {
            Vec::new()
        } else {
            trailers::parse(&c.message, Mode::CommitObject)
                .near_misses
                .into_iter()
                .map(|n| AuditNearMiss {
                    line: n.line,
                    reason: crate::secrets::mask_line(&n.reason),
                })
                .collect()
        };
        Audited {
            near_misses,
            gate: None,
            commit: c.id.to_string(),
            author: c.author.1.clone(),
            digest: self.digest.clone(),
            paths: self.changes.iter().map(|c| c.path.clone()).collect(),
            passed,
            signoffs,
        }
    }
}

fn prepare(
    repo: &Repo,
    c: git::Commit,
    trees: &std::collections::HashMap<crate::git::Oid, crate::git::Oid>,
    review: &Review,
    (cache, keys): (&mut git::TreeCache, &mut signed::KeyCache),
) -> Result<Option<Prepared>, Error> {
    let guarded = |p: &str| review.guarded(p);
    let tree_of = |p: &crate::git::Oid| trees.get(p).copied().map_or_else(|| repo.tree_of(*p), Ok);
    let first = match c.parents.first() {
        Some(p) => Some(tree_of(p)?),
        None => None,
    };
    let changes = git::changes_cached(repo, first, Some(c.tree), &guarded, cache)?;
    if changes.is_empty() {
        return Ok(None);
    }
    // A merge that takes one side's config unchanged is not a change of its own.
    for p in c.parents.iter().skip(1) {
        if git::changes_cached(repo, Some(tree_of(p)?), Some(c.tree), &guarded, cache)?.is_empty() {
            return Ok(None);
        }
    }
    let digest = super::digest::of(&changes);
    let mailmap = keys.mailmaps.at(repo, first, cache)?;
    let signing = match c.parents.first() {
        Some(_) if review.signing.active() => keys.at(repo, first, &review.signing, cache)?,
        None if review.signing.active() => keys.at(repo, None, &review.signing, cache)?,
        _ => review.signing.clone(),
    };
    let base = c
        .parents
        .first()
        .map(crate::git::Oid::to_string)
        .unwrap_or_default();
    Ok(Some(Prepared {
        commit: c,
        changes,
        digest,
        found: Vec::new(),
        contributors: Vec::new(),
        addresses: Vec::new(),
        signing,
        base,
        mailmap,
    }))
}

/// What one commit's sign-offs are judged against.
struct JudgedCommit<'a> {
    review: &'a Review,
    mailmap: &'a Mailmap,
    signing: &'a signed::Signing,
    digest: &'a str,
    /// The first parent (what a signature must name).
    base: &'a str,
    contributors: &'a [String],
    addresses: &'a [String],
    message: &'a str,
}

impl JudgedCommit<'_> {
    /// Each sign-off of `found`, counted or not, with its reason.
    fn signoffs(&self, found: &[trailers::Trailer]) -> Vec<AuditSignoff> {
        let review = self.review;
        let lines: Vec<&str> = self.message.lines().collect();
        // A folded value is not one line: refused, as in the gate.
        let shape = |t: &trailers::Trailer| {
            if lines
                .get(t.line)
                .is_some_and(|next| next.starts_with([' ', '\t']) && !next.trim().is_empty())
            {
                Err("the value is folded over more than one line".to_string())
            } else {
                Ok(())
            }
        };
        let mut counted: Vec<String> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for t in found.iter().filter(|t| {
            review
                .trailers
                .iter()
                .any(|k| trailers::key_matches(&t.key, k))
        }) {
            let mut s = AuditSignoff {
                key: t.key.clone(),
                identity: crate::secrets::mask_line(&t.value),
                email: String::new(),
                counted: false,
                reason: String::new(),
                signed: false,
                assurance: signed::TYPED,
                signature: None,
            };
            // (Folded sign-offs are judged by `gate`; here only a folded
            // signature is refused, as the gate refuses it.)
            let signer = match parse_signer(&t.value) {
                Ok(signer) => signer,
                Err(why) => {
                    s.reason = why;
                    out.push(s);
                    continue;
                }
            };
            let (outcome, verified) = if self.signing.active() {
                self.signing
                    .check(found, &signer.email, self.digest, self.base, &shape)
            } else {
                (Outcome::Typed, None)
            };
            // The gate's key rules, on the key that verified: one that
            // allowed_signers also lists for a contributor proves no peer
            // review, and a key counts once.
            let key = verified.as_ref().and_then(|v| {
                self.signing.signer_key(
                    v,
                    &signer.email,
                    self.contributors
                        .iter()
                        .chain(self.addresses)
                        .map(String::as_str),
                )
            });
            s.signed = outcome == Outcome::Signed;
            if s.signed {
                s.assurance = signed::SIGNED;
            }
            if let Outcome::Refused(why) = &outcome {
                s.signature = Some(why.clone());
            }
            let email = self.mailmap.canonical(&signer.email);
            s.email.clone_from(&email);
            let names_digest = s.signed || signer.digest.as_deref() == Some(self.digest);
            let why = self.refusal(
                &outcome,
                key.as_ref(),
                &email,
                names_digest,
                (&counted, &keys),
            );
            match why {
                Some(why) => s.reason = why,
                None => {
                    counted.push(email);
                    if let Some((fp, None)) = key {
                        keys.push(fp);
                    }
                    s.counted = true;
                    s.reason = "peer sign-off".into();
                }
            }
            out.push(s);
        }
        out
    }

    /// Why a sign-off of `email` does not count, in the gate's order (the
    /// signature, its key's rules, peers, binding, the reviewer list, one
    /// count per person), or `None` when it counts. `key`: the verified
    /// signature's key and a contributor it also speaks for; `seen`: the
    /// emails and keys already counted.
    fn refusal(
        &self,
        outcome: &Outcome,
        key: Option<&(String, Option<String>)>,
        email: &str,
        names_digest: bool,
        (counted, keys): (&[String], &[String]),
    ) -> Option<String> {
        let review = self.review;
        Some(match outcome {
            Outcome::Refused(why) if self.signing.mode == signed::SignedMode::Required => {
                format!("signature refused (signed = \"required\"): {why}")
            }
            _ if let Some((fp, Some(other))) = key => format!(
                "signed with {fp}, a key allowed_signers also lists for {other}, a contributor: it proves no peer review"
            ),
            _ if let Some((fp, None)) = key
                && keys.contains(fp) =>
            {
                format!("signed with {fp}, a key already counted (one count per key)")
            }
            _ if self.contributors.iter().any(|c| c == email) => {
                format!("not a peer: {email} contributed to this commit")
            }
            _ if review.bind_digest && !names_digest => {
                format!("not bound to {} (bind = \"digest\")", self.digest)
            }
            _ if !review.base.reviewers.is_empty()
                && !review.base.reviewers.iter().any(|r| r == email) =>
            {
                format!("{email} is not among the allowed reviewers")
            }
            _ if counted.iter().any(|c| c == email) => {
                format!("{email} is already counted (one count per person)")
            }
            _ => return None,
        })
    }
}

/// One verdict (the rule): each audited commit with a parent is judged by
/// the gate's own evaluation of `--base C^ --head C` — requirements from
/// `[review]`, `[[review.rule]]` and `on_change` rules, merges, introduced
/// drift, the merge base's config — so `audit` and `gate` cannot disagree.
/// `passed` becomes the gate's verdict; `gate` says why it refuses. A
/// commit the gate cannot answer for (exit 2) is refused with that reason.
/// A root commit has no base to evaluate against and keeps the sign-off
/// count's verdict.
///
/// # Errors
/// When a commit id cannot be read back.
pub fn gate_verdicts(
    repo: &Repo,
    audited: &mut [Audited],
    at: &super::Location,
) -> Result<(), Error> {
    let progress = crate::progress::Progress::start(audited.len() > 200);
    let total = audited.len();
    for (n, a) in audited.iter_mut().enumerate() {
        if n % 50 == 0 {
            progress.show(&format!("audit: the gate on {n} of {total} commits"));
        }
        let id = repo.commit_id(&a.commit)?;
        let Some(parent) = repo.commit(id)?.parents.first().copied() else {
            continue;
        };
        match super::evaluate(
            repo,
            &parent.to_string(),
            &super::Head::Commit(id),
            at.clone(),
        ) {
            Ok(v) => {
                a.passed = v.passed;
                a.gate = (!v.passed).then(|| refusal(&v));
            }
            Err(e) => {
                a.passed = false;
                a.gate = Some(format!("the gate cannot answer: {e}"));
            }
        }
    }
    Ok(())
}

/// Why the gate refuses `v`, in one line.
fn refusal(v: &super::Verdict) -> String {
    let mut why = Vec::new();
    let errors = v.introduced_errors();
    if errors > 0 {
        why.push(format!(
            "{errors} introduced error finding{}",
            if errors == 1 { "" } else { "s" }
        ));
    }
    for m in v.requirements.iter().filter(|m| !m.ok()) {
        why.push(format!(
            "{} of {} required sign-offs ({})",
            m.have, m.requirement.required, m.requirement.source
        ));
    }
    if why.is_empty() {
        why.push("refused".into());
    }
    why.join("; ")
}
