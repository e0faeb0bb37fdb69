//! Policies: which differences are expected, which are errors, which values
//! are forbidden, which keys must agree within an environment, and which
//! changes need more review.
//!
//! ```text
//! pack (compiled in) + policies/*.toml ─► read (strict, spans) ─► rules ─► validate (all at once)
//! diff::Outcome (findings + wanted leaves) ─► eval ─► suppress (inline, waivers, baseline) ─► findings
//! ```
//!
//! Precedence, in full: a user rule whose id is a built-in rule's id
//! re-configures that built-in; a user rule whose id is a shipped-pack rule's
//! id replaces the pack rule; otherwise, where several rules govern one
//! finding, the most specific key pattern wins and ties go to the rule
//! written later (later file, later in the file).

pub mod baseline;
mod eval;
mod fileindex;
pub mod pack;
pub mod parse;
pub mod pattern;
pub mod rules;
pub mod scope;
pub mod suppress;

use std::path::Path;

pub use crate::diagnostic::Problem;
pub use eval::apply;
pub use rules::{Expect, Link, OnChange, PolicyRule, Waiver, WrittenAt};

use crate::diff::Interest;
use crate::error::{Error, did_you_mean};
use crate::model::envtoken::EnvTokens;
use crate::model::keypath::KeyPath;

/// `[policy]` in `driftcheck.toml`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Load the shipped pack (default true).
    pub builtin: bool,
    /// Rule ids (built-in, pack or user) turned off.
    pub disable: Vec<String>,
}

/// Every loaded rule, link and waiver.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Rules, in load order.
    pub rules: Vec<PolicyRule>,
    /// Links, in load order.
    pub links: Vec<Link>,
    /// Waivers, in load order.
    pub waivers: Vec<Waiver>,
    /// Built-in rule ids turned off.
    pub disabled: Vec<String>,
    /// Warnings about the policy setup itself (a `policies` glob that
    /// matches no file), reported with the findings so nothing is silently
    /// empty.
    pub notices: Vec<crate::finding::Finding>,
    /// Whether inline `driftcheck: allow` comments apply. The gate turns
    /// them off on both sides of a change: a comment is part of the change,
    /// so a change could otherwise waive the very error it introduces.
    pub inline_allows: bool,
}

/// One `config/empty-glob` warning per `policies` glob that matched no file.
pub fn empty_glob_notices(globs: &[String]) -> Vec<crate::finding::Finding> {
    globs
        .iter()
        .map(|g| {
            crate::finding::Finding::other(
                "config/empty-glob",
                crate::finding::Severity::Warning,
                format!(
                    "`policies` glob `{g}` matches no file under the config's directory: no policy is loaded from it"
                ),
                crate::paths::CONFIG_FILE.to_string(),
                "fix the glob (paths are relative to driftcheck.toml's directory and stay inside it), or remove it",
            )
        })
        .collect()
}

/// Load the shipped pack (unless disabled) and the user's policy files, then
/// validate everything together.
///
/// `files`: `(shown path, path)` of each user policy file, in order.
/// `known_envs`: the declared environments, to check `envs` and `compare`
/// against (empty: not checked — environments were discovered).
///
/// # Errors
/// [`Error::Invalid`] with every problem found.
pub fn load(
    settings: &Settings,
    files: &[(String, std::path::PathBuf)],
    known_envs: &[(String, EnvTokens)],
) -> Result<Policy, Error> {
    let mut problems = Vec::new();
    let mut order = 0;
    let mut pack = rules::PolicyFile::default();
    let mut pack_ids: Vec<String> = Vec::new();
    if settings.builtin {
        for (name, text) in pack::FILES {
            let (f, p) = parse::parse(&format!("<builtin>/{name}"), text, true, &mut order);
            problems.extend(p);
            pack_ids.extend(f.rules.iter().map(|r| r.id.clone()));
            pack_ids.extend(f.links.iter().map(|l| l.id.clone()));
            pack.rules.extend(f.rules);
            pack.links.extend(f.links);
        }
    }
    let user = user_files(files, &mut order, &mut problems);
    validate(&user, known_envs, &mut problems);
    // A user rule or link with a pack id replaces the pack's.
    let user_ids: Vec<&str> = user
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .chain(user.links.iter().map(|l| l.id.as_str()))
        .collect();
    pack.rules.retain(|r| !user_ids.contains(&r.id.as_str()));
    pack.links.retain(|l| !user_ids.contains(&l.id.as_str()));

    let mut policy = Policy {
        rules: pack.rules.into_iter().chain(user.rules).collect(),
        links: pack.links.into_iter().chain(user.links).collect(),
        waivers: user.waivers,
        disabled: Vec::new(),
        notices: Vec::new(),
        inline_allows: true,
    };
    // `disable` may name built-in ids, pack ids or user ids.
    let mut known_ids: Vec<String> = crate::finding::Rule::ALL
        .iter()
        .map(|r| r.id().to_string())
        .collect();
    known_ids.extend(if settings.builtin {
        pack_ids
    } else {
        pack::ids()
    });
    known_ids.extend(policy.rules.iter().map(|r| r.id.clone()));
    known_ids.extend(policy.links.iter().map(|l| l.id.clone()));
    unknown_disabled(settings, &known_ids, &mut problems);
    policy.rules.retain(|r| !settings.disable.contains(&r.id));
    policy.links.retain(|l| !settings.disable.contains(&l.id));
    policy.disabled = settings
        .disable
        .iter()
        .filter(|id| crate::finding::Rule::from_id(id).is_some())
        .cloned()
        .collect();
    unknown_waived(&policy, &known_ids, &mut problems);
    if problems.is_empty() {
        Ok(policy)
    } else {
        problems.sort();
        problems.dedup();
        Err(Error::Invalid { problems })
    }
}

/// The user's policy files, read and parsed in order into one file's worth
/// of rules, links and waivers; a file that cannot be read or is not UTF-8
/// is a problem naming it, and the others are still read.
fn user_files(
    files: &[(String, std::path::PathBuf)],
    order: &mut usize,
    problems: &mut Vec<Problem>,
) -> rules::PolicyFile {
    let mut user = rules::PolicyFile::default();
    for (shown, path) in files {
        let text = match crate::source::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    problems.push(Problem::new(
                        crate::diagnostic::POLICY,
                        shown.clone(),
                        0,
                        "not UTF-8".into(),
                    ));
                    continue;
                }
            },
            Err(e) => {
                problems.push(Problem::new(
                    crate::diagnostic::POLICY,
                    shown.clone(),
                    0,
                    format!("cannot be read: {}", e.kind()),
                ));
                continue;
            }
        };
        let (f, p) = parse::parse(shown, &text, false, order);
        problems.extend(p);
        user.rules.extend(f.rules);
        user.links.extend(f.links);
        user.waivers.extend(f.waivers);
    }
    user
}

/// `[policy] disable` naming an id no rule has (a typo would silently
/// disable nothing).
fn unknown_disabled(settings: &Settings, known_ids: &[String], problems: &mut Vec<Problem>) {
    for id in &settings.disable {
        if !known_ids.contains(id) {
            let hint = did_you_mean(id, known_ids.iter().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            problems.push(Problem::new(
                crate::diagnostic::CONFIG,
                crate::paths::CONFIG_FILE,
                0,
                format!("[policy] disable: unknown rule id `{id}`{hint}"),
            ));
        }
    }
}

/// A waiver naming a rule that does not exist (waivers may name any rule
/// that does, disabled or not).
fn unknown_waived(policy: &Policy, known_ids: &[String], problems: &mut Vec<Problem>) {
    for w in &policy.waivers {
        if !known_ids.contains(&w.rule) && !policy.rules.iter().any(|r| r.id == w.rule) {
            let hint = did_you_mean(&w.rule, known_ids.iter().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            problems.push(Problem::new(
                crate::diagnostic::POLICY,
                w.origin.file.clone(),
                w.origin.line,
                format!("[[waiver]]: unknown rule id `{}`{hint}", w.rule),
            ));
        }
    }
}

/// Checks that need every user file at once: duplicate ids, unknown environments.
fn validate(
    user: &rules::PolicyFile,
    known_envs: &[(String, EnvTokens)],
    problems: &mut Vec<Problem>,
) {
    let mut seen: Vec<(&str, &rules::WrittenAt)> = Vec::new();
    let ids = user
        .rules
        .iter()
        .map(|r| (r.id.as_str(), &r.origin))
        .chain(user.links.iter().map(|l| (l.id.as_str(), &l.origin)));
    for (id, origin) in ids {
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            problems.push(Problem::new(
                crate::diagnostic::POLICY,
                origin.file.clone(),
                origin.line,
                format!(
                    "rule id `{id}` is already used at {}:{}",
                    first.file, first.line
                ),
            ));
        } else {
            seen.push((id, origin));
        }
    }
    if known_envs.is_empty() {
        return;
    }
    // Declared names first, so a typo suggests `prod` before the alias `prd`.
    let mut names: Vec<&str> = known_envs.iter().map(|(n, _)| n.as_str()).collect();
    names.extend(
        known_envs
            .iter()
            .flat_map(|(_, t)| t.tokens().iter().map(String::as_str)),
    );
    let mut check = |env: &str, file: &str, line: u32, what: &str| {
        if !known_envs.iter().any(|(n, t)| n == env || t.is_token(env)) {
            let hint = did_you_mean(env, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            problems.push(Problem::new(
                crate::diagnostic::POLICY,
                file,
                line,
                format!("{what}: unknown environment `{env}`{hint}"),
            ));
        }
    };
    for r in &user.rules {
        let what = format!("[[rule]] `{}`", r.id);
        for (i, e) in r.envs.iter().enumerate() {
            let line = r.lines.envs.get(i).copied().unwrap_or(r.origin.line);
            check(e, &r.origin.file, line, &what);
        }
        if let Some(c) = &r.compare {
            check(&c.left, &r.origin.file, r.lines.compare, &what);
            check(&c.right, &r.origin.file, r.lines.compare, &what);
        }
    }
    for l in &user.links {
        for e in &l.envs {
            check(
                e,
                &l.origin.file,
                l.origin.line,
                &format!("[[link]] `{}`", l.id),
            );
        }
    }
}

/// Whether a rule naming `wanted` environments applies to `env`.
pub fn env_applies(wanted: &[String], env: &EnvTokens) -> bool {
    wanted.is_empty() || wanted.iter().any(|w| env.is_token(w))
}

/// Find the policy files the config's globs name, relative to `root`.
///
/// # Errors
/// An invalid glob.
pub fn files(root: &Path, globs: &[String]) -> Result<Vec<(String, std::path::PathBuf)>, Error> {
    let mut out = Vec::new();
    for g in globs {
        if !g.contains(['*', '?', '[', '{']) {
            // A plain path must exist: a typo must not silently drop a policy.
            let p = root.join(g);
            if !crate::source::is_file(&p) {
                return Err(Error::Invalid {
                    problems: vec![Problem::new(
                        crate::diagnostic::CONFIG,
                        crate::paths::CONFIG_FILE,
                        0,
                        format!("policies: policy file `{g}` does not exist"),
                    )],
                });
            }
            out.push((g.clone(), p));
            continue;
        }
        let set = crate::env::glob_set(std::slice::from_ref(g), crate::paths::CONFIG_FILE)?;
        let ignored_root = crate::source::is_dir(root)
            && root
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(crate::env::ignored_dir);
        let mut found: Vec<(String, std::path::PathBuf)> =
            crate::source::walk(root, &crate::env::ignored_dir)
                .into_iter()
                .filter_map(Result::ok)
                // The root is filtered as walkdir filtered it: a root named
                // like an ignored directory yields nothing.
                .filter(|_| !ignored_root)
                .filter(|e| e.kind == crate::source::EntryKind::File)
                .filter_map(|e| {
                    let rel = crate::env::relative(&e.path, root);
                    set.is_match(&rel).then_some((rel, e.path))
                })
                .collect();
        found.retain(|f| !out.contains(f));
        out.extend(found);
    }
    Ok(out)
}

impl Policy {
    /// Rules and links that need every value at their keys, as one list of
    /// selectors: rule `i` is selector `i`, link `j` member `m` follows.
    fn selectors(&self) -> Vec<Selector<'_>> {
        let mut out = Vec::new();
        for r in self.rules.iter().filter(|r| r.checks_values()) {
            out.push(Selector::Rule(r));
        }
        for (li, l) in self.links.iter().enumerate() {
            for (mi, _) in l.members.iter().enumerate() {
                out.push(Selector::Link(li, mi, self));
            }
        }
        out
    }

    /// What the diff must collect for this policy.
    pub fn interest(&self) -> PolicyInterest<'_> {
        let selectors = self.selectors();
        let last_names: Vec<Option<Vec<String>>> =
            selectors.iter().map(Selector::last_names).collect();
        // One bit per name length (63: longer): most key names are ruled out
        // by their length alone.
        let name_lengths = if last_names.iter().any(Option::is_none) {
            u64::MAX
        } else {
            last_names
                .iter()
                .flatten()
                .flatten()
                .fold(0, |m, n| m | 1 << n.len().min(63))
        };
        PolicyInterest {
            index: fileindex::FileIndex::new(selectors.iter().map(Selector::files)),
            selectors,
            last_names,
            name_lengths,
        }
    }
}

/// One thing that wants values: a value-checking rule, or one link member.
#[derive(Clone, Copy)]
pub(crate) enum Selector<'p> {
    Rule(&'p PolicyRule),
    Link(usize, usize, &'p Policy),
}

impl Selector<'_> {
    fn files(&self) -> &rules::Files {
        match self {
            Selector::Rule(r) => &r.files,
            Selector::Link(l, m, p) => &p.links[*l].members[*m].0,
        }
    }

    /// The literal last names its key patterns end with; `None`: any name.
    fn last_names(&self) -> Option<Vec<String>> {
        let patterns: Vec<&pattern::KeyPattern> = match self {
            Selector::Rule(r) => r.keys.iter().collect(),
            Selector::Link(l, m, p) => vec![&p.links[*l].members[*m].1],
        };
        if patterns.is_empty() {
            return None;
        }
        patterns
            .iter()
            .map(|p| p.last_literal().map(str::to_string))
            .collect()
    }

    fn key_matches(&self, key: &KeyPath) -> bool {
        match self {
            Selector::Rule(r) => r.keys.is_empty() || r.keys.iter().any(|p| p.matches(key)),
            Selector::Link(l, m, p) => p.links[*l].members[*m].1.matches(key),
        }
    }
}

/// The policy's [`Interest`]: which files and keys the diff collects values of.
pub struct PolicyInterest<'p> {
    pub(crate) selectors: Vec<Selector<'p>>,
    /// Per selector, the key names its patterns end with (`None`: any).
    last_names: Vec<Option<Vec<String>>>,
    /// [`Self::last_names`]' lengths as bits.
    name_lengths: u64,
    /// The selectors' file globs, matched together.
    index: fileindex::FileIndex,
}

impl PolicyInterest<'_> {
    /// The `[[link]]`s (by index) one of whose members reads the file with
    /// alignment key `file_key`, shown as `display`: a change to it can
    /// change the link's finding, which reads every member's file.
    pub fn links_at(&self, file_key: &str, display: &str) -> Vec<usize> {
        let mut out: Vec<usize> = Interest::files(self, file_key, display)
            .into_iter()
            .filter_map(|i| match self.selectors[i] {
                Selector::Link(li, _, _) => Some(li),
                Selector::Rule(_) => None,
            })
            .collect();
        out.dedup();
        out
    }

    /// Whether the file reads into a member of the link `li`.
    pub fn in_link(&self, li: usize, file_key: &str, display: &str) -> bool {
        self.links_at(file_key, display).contains(&li)
    }
}

impl Interest for PolicyInterest<'_> {
    fn files(&self, file_key: &str, display: &str) -> Vec<usize> {
        let hit = self.index.matching(&[file_key, display]);
        (0..self.selectors.len()).filter(|&i| hit[i]).collect()
    }

    fn may_want(&self, selectors: &[usize], name: &str) -> bool {
        // `db.password` in a properties file is also `password` under `db`
        // ([`pattern::KeyPattern::matches`]).
        let last = name.rsplit('.').next().unwrap_or(name);
        self.may_want_name(selectors, name)
            || (last.len() < name.len() && self.may_want_name(selectors, last))
    }

    fn keys(&self, selectors: &[usize], key: &KeyPath) -> Vec<usize> {
        selectors
            .iter()
            .copied()
            .filter(|&i| self.selectors[i].key_matches(key))
            .collect()
    }
}

impl PolicyInterest<'_> {
    fn may_want_name(&self, selectors: &[usize], name: &str) -> bool {
        if self.name_lengths & (1 << name.len().min(63)) == 0 {
            return false;
        }
        selectors.iter().any(|&i| match &self.last_names[i] {
            None => true,
            Some(names) => names.iter().any(|n| n.eq_ignore_ascii_case(name)),
        })
    }
}
