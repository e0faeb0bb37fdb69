//! Comparing environments: align their files and documents, compare each
//! aligned document key by key, and collect findings.
//!
//! Work is done per file key, in parallel: every environment's copy of one
//! file is loaded, compared and dropped before the next, so memory stays
//! bounded by the largest file rather than the tree. Kubernetes resources that
//! live in differently named files in different environments are set aside and
//! matched by identity at the end.

mod changes;
mod compare;
pub mod duplicates;
mod unwalked;
pub use compare::{AMBIGUOUS, TYPES_DIFFER};
mod spelling;
mod text;
pub mod tiers;
mod walk;

use std::collections::BTreeMap;

use rayon::prelude::*;

pub use changes::changes;
pub use compare::{Sighting, list};

use crate::env::{EnvFile, Environment};
use crate::finding::{Finding, Rule, Site};
use crate::formats::Limits;
use crate::load::{Loaded, load};
use crate::model::document::{Doc, DocId};
use crate::secrets::Masker;

/// What a later stage (the policy) wants to see beyond the drift: every value
/// of some keys in some files, equal or not. Asked per file, then per key.
pub trait Interest: Sync {
    /// Which of the interest's selectors apply to a file, by its alignment key
    /// and its path as displayed; empty when none (the file is not walked).
    fn files(&self, file_key: &str, display: &str) -> Vec<usize>;
    /// Which of `selectors` want the value at `key`.
    fn keys(&self, selectors: &[usize], key: &crate::model::keypath::KeyPath) -> Vec<usize>;
    /// Whether any of `selectors` may want a value whose own key name is
    /// `name` (a cheap test before the key path is built).
    fn may_want(&self, selectors: &[usize], name: &str) -> bool;
}

/// One environment's value at one key, for a policy.
pub struct Leaf {
    /// Environment index.
    pub env: usize,
    /// The document's alignment identity.
    pub doc: DocId,
    /// The file's alignment key.
    pub file_key: String,
    /// The document inside the file, if any.
    pub document: Option<String>,
    /// The key path.
    pub key: crate::model::keypath::KeyPath,
    /// Where it is and what it shows (masked).
    pub site: Site,
    /// The masked value (secrecy, normalised form).
    pub value: crate::model::value::Value,
    /// The source text, for regex constraints: may be a secret, so it is
    /// never printed and `Debug` leaves it out.
    pub raw: String,
    /// The selectors that wanted it.
    pub rules: Vec<usize>,
}

/// A document the [`Interest`] wanted values from, in one environment
/// (whether or not any key matched: `expect = "present"` needs to know).
#[derive(Debug, Clone)]
pub struct Seen {
    /// Environment index.
    pub env: usize,
    /// The document's alignment identity.
    pub doc: DocId,
    /// The file's alignment key.
    pub file_key: String,
    /// The document inside the file, if any.
    pub document: Option<String>,
    /// The file as displayed, and the document's line.
    pub file: String,
    /// Line where the document starts.
    pub line: u32,
    /// The selectors whose files matched.
    pub selectors: Vec<usize>,
}

impl std::fmt::Debug for Leaf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Leaf {{ env: {}, file: {}, key: {} }}",
            self.env, self.file_key, self.key
        )
    }
}

/// The result of comparing environments.
#[derive(Debug, Default)]
pub struct Walked {
    /// Findings, sorted by file, line and key.
    pub findings: Vec<Finding>,
    /// Values equal only after normalising environment names (kept only for `-v`).
    pub equivalent: Vec<Finding>,
    /// How many values were equal only after normalising environment names.
    pub equivalent_count: usize,
    /// Files read and parsed.
    pub files_ok: usize,
    /// Files that failed to parse.
    pub files_failed: usize,
    /// Values the [`Interest`] asked for.
    pub leaves: Vec<Leaf>,
    /// Documents the [`Interest`] looked into.
    pub seen: Vec<Seen>,
    /// Every secret seen (never printed: `Debug` leaves the text out), so
    /// an incremental run can find where else the same secret lives
    /// (`pipeline::incremental`).
    pub sightings: Vec<Sighting>,
    /// Kubernetes resources not present in every environment at their own
    /// file key: they were matched by identity across files.
    pub leftovers: Vec<DocId>,
    /// The Kubernetes objects each environment's documents define (for
    /// [`duplicates`]; an incremental run searches for other copies of the
    /// ones a change adds).
    pub defined: Vec<duplicates::Defined>,
    /// Inline `driftcheck: allow` lines met while reading the files
    /// (`load::AllowLines`), for the suppression step.
    pub allows: crate::load::AllowLines,
}

/// What one file key yields.
#[derive(Default)]
pub(super) struct KeyOutcome {
    found: compare::Found,
    leftovers: Vec<(usize, Doc)>,
    defined: Vec<duplicates::Defined>,
    leaves: Vec<Leaf>,
    seen: Vec<Seen>,
    pub(super) allows: crate::load::AllowLines,
    pub(super) ok: usize,
    failed: usize,
}

/// Compare `envs` (two or more).
pub fn run(
    envs: &[Environment],
    masker: &Masker,
    limits: &Limits,
    keep_equivalent: bool,
    interest: Option<&dyn Interest>,
) -> Walked {
    let mode = Comparison {
        keep_equivalent,
        interest,
        one_environment: false,
        same_bytes_once: false,
    };
    run_keys(envs, masker, limits, mode)
}

/// How a comparison reads its sides.
#[derive(Clone, Copy)]
pub(super) struct Comparison<'i> {
    /// Keep values equal only modulo environment names (`-v`).
    pub keep_equivalent: bool,
    /// What the policy wants to see.
    pub interest: Option<&'i dyn Interest>,
    /// The sides are one environment at two revisions ([`changes()`]).
    pub one_environment: bool,
    /// [`changes()`]'s shortcut: the same bytes loaded once, not compared.
    pub same_bytes_once: bool,
}

/// [`run`] or [`changes()`], as `mode` says.
pub(super) fn run_keys(
    envs: &[Environment],
    masker: &Masker,
    limits: &Limits,
    mode: Comparison<'_>,
) -> Walked {
    let Comparison {
        keep_equivalent,
        interest,
        one_environment,
        same_bytes_once,
    } = mode;
    let names: Vec<String> = envs.iter().map(|e| e.name.clone()).collect();
    let mut keys: BTreeMap<&str, Vec<Option<&EnvFile>>> = BTreeMap::new();
    for (i, env) in envs.iter().enumerate() {
        for f in &env.files {
            keys.entry(&f.key).or_insert_with(|| vec![None; envs.len()])[i] = Some(f);
        }
    }
    let keys: Vec<(&str, Vec<Option<&EnvFile>>)> = keys.into_iter().collect();
    let mut out = Walked::default();
    let mut leftovers: BTreeMap<DocId, Vec<Option<Doc>>> = BTreeMap::new();
    let mut sightings = Vec::new();
    // In chunks, merged as they come: a `KeyOutcome` is some twenty
    // vectors, mostly empty, and one per key held until the end was 19 MB
    // of a 60 MB peak on 20,000 keys (`bench/gate.sh`, heaptrack).
    for chunk in keys.chunks(KEYS_AT_ONCE) {
        let results: Vec<KeyOutcome> = chunk
            .par_iter()
            .map(|(_, files)| {
                if same_bytes_once
                    && let Some(same) = changes::same_bytes(envs, files, masker, limits)
                {
                    return same;
                }
                one_key(&names, envs, files, (masker, limits), mode)
            })
            .collect();
        merge(
            &mut out,
            &mut leftovers,
            &mut sightings,
            results,
            envs.len(),
        );
    }
    out.leftovers = leftovers.keys().cloned().collect();
    let ctx = walk::Ctx {
        names: &names,
        envs,
        masker,
        keep_equivalent,
        one_environment,
    };
    let mut found = compare::Found::default();
    for docs in &by_kind_name(leftovers, envs.len()) {
        let refs: Vec<Option<&Doc>> = docs.iter().map(Option::as_ref).collect();
        if let Some(f) = missing_document(&names, &refs) {
            found.findings.push(f);
        }
        let nothing = one_environment
            .then(|| changes::nothing_like(&refs))
            .flatten();
        compare_documents(
            &ctx,
            &changes::or_nothing(&refs, nothing.as_ref()),
            interest,
            &mut found,
            &mut out.leaves,
            &mut out.seen,
        );
    }
    sightings.extend(found.sightings);
    out.findings.extend(found.findings);
    out.findings
        .extend(reused_elsewhere(&names, masker, &sightings));
    if !one_environment {
        out.findings
            .extend(duplicates::findings(&names, envs, &out.defined));
    }
    out.sightings = sightings;
    out.equivalent.extend(found.equivalent);
    out.equivalent_count += found.equivalent_count;
    for list in [&mut out.findings, &mut out.equivalent] {
        crate::finding::sort(list);
    }
    out
}

/// Keys compared at once ([`run_keys`]): enough for every thread to stay
/// busy, few enough that their outcomes are small next to the documents.
const KEYS_AT_ONCE: usize = 512;

/// Fold the outcomes of some keys into `out`, in key order.
fn merge(
    out: &mut Walked,
    leftovers: &mut BTreeMap<DocId, Vec<Option<Doc>>>,
    sightings: &mut Vec<Sighting>,
    results: Vec<KeyOutcome>,
    n: usize,
) {
    for r in results {
        sightings.extend(r.found.sightings);
        out.findings.extend(r.found.findings);
        out.equivalent.extend(r.found.equivalent);
        out.equivalent_count += r.found.equivalent_count;
        out.files_ok += r.ok;
        out.files_failed += r.failed;
        out.leaves.extend(r.leaves);
        out.seen.extend(r.seen);
        out.allows.extend(r.allows);
        out.defined.extend(r.defined);
        for (i, doc) in r.leftovers {
            let slot = leftovers
                .entry(doc.id.clone())
                .or_insert_with(|| vec![None; n]);
            if slot[i].is_none() {
                slot[i] = Some(doc);
            }
        }
    }
}

/// Kubernetes resources left unpaired whose identities differ only by
/// namespace (`Deployment/prod/web` vs `Deployment/prod-us/web`: namespaces
/// are often not environment names) align by kind and name, when each
/// environment has at most one of them (docs/alignment.md).
fn by_kind_name(leftovers: BTreeMap<DocId, Vec<Option<Doc>>>, n: usize) -> Vec<Vec<Option<Doc>>> {
    let loose = |id: &DocId| -> Option<String> {
        let parts: Vec<&str> = id.doc.split('/').collect();
        (id.file.is_empty() && parts.len() == 3).then(|| format!("{}/{}", parts[0], parts[2]))
    };
    let mut groups: BTreeMap<String, Vec<DocId>> = BTreeMap::new();
    for (id, docs) in &leftovers {
        if docs.iter().any(Option::is_none)
            && let Some(l) = loose(id)
        {
            groups.entry(l).or_default().push(id.clone());
        }
    }
    let mut leftovers = leftovers;
    let mut out: Vec<Vec<Option<Doc>>> = Vec::new();
    for ids in groups.into_values().filter(|ids| ids.len() > 1) {
        let clash = (0..n).any(|i| ids.iter().filter(|id| leftovers[*id][i].is_some()).count() > 1);
        if clash {
            continue;
        }
        let mut merged: Vec<Option<Doc>> = vec![None; n];
        for id in &ids {
            if let Some(docs) = leftovers.remove(id) {
                for (slot, d) in merged.iter_mut().zip(docs) {
                    if d.is_some() {
                        *slot = d;
                    }
                }
            }
        }
        out.push(merged);
    }
    out.extend(leftovers.into_values());
    out
}

/// `drift/credential-reused` for one secret under *different* keys or files
/// in two environments (the walk reports the same key itself): keyed
/// fingerprints leave out the key path precisely so this can be found.
fn reused_elsewhere(
    names: &[String],
    masker: &Masker,
    sightings: &[compare::Sighting],
) -> Vec<Finding> {
    let mut by_text: std::collections::HashMap<&str, Vec<&compare::Sighting>> =
        std::collections::HashMap::new();
    for s in sightings {
        by_text.entry(&s.text).or_default().push(s);
    }
    let mut out = Vec::new();
    for (text, seen) in by_text {
        let place = |s: &compare::Sighting| (s.file_key.clone(), s.key.clone());
        let places = |env: usize| {
            seen.iter()
                .filter(|s| s.env == env)
                .map(|s| place(s))
                .collect::<Vec<_>>()
        };
        // Two environments that share it but no place: where they share a
        // place, the walk has reported the reuse at that key already.
        let pair = seen.iter().enumerate().find_map(|(a, x)| {
            seen[a + 1..]
                .iter()
                .find(|y| {
                    y.env != x.env && !places(x.env).iter().any(|p| places(y.env).contains(p))
                })
                .map(|y| (*x, *y))
        });
        let Some((first, _)) = pair else { continue };
        let mut envs_seen: Vec<usize> = seen.iter().map(|s| s.env).collect();
        envs_seen.sort_unstable();
        envs_seen.dedup();
        let fp = masker.fingerprint(text).short();
        let where_: Vec<String> = envs_seen
            .iter()
            .map(|&e| {
                let keys: Vec<String> = seen
                    .iter()
                    .filter(|s| s.env == e)
                    .map(|s| format!("{}: {}", s.file_key, s.key))
                    .collect();
                format!("{} ({})", names[e], keys.join(", "))
            })
            .collect();
        let mut f = Finding::builtin(
            Rule::CredentialReused,
            format!(
                "the same secret is used under different keys in {}",
                where_.join(" and ")
            ),
            first.file_key.clone(),
        );
        f.key = Some(first.key.as_str().into());
        f.envs = (0..names.len())
            .map(|e| {
                let site = seen.iter().find(|s| s.env == e).map(|s| Site {
                    file: s.file.clone(),
                    line: s.line,
                    value: Some(crate::finding::Shown::Secret {
                        fingerprint: fp.clone(),
                    }),
                });
                (names[e].clone(), site)
            })
            .collect();
        out.push(f);
    }
    out
}

/// Load and compare every environment's copy of one file: a file that fails
/// to load is reported and nothing else is compared; binary files compare by
/// hash, text files by line, structured files document by document.
fn one_key(
    names: &[String],
    envs: &[Environment],
    files: &[Option<&EnvFile>],
    (masker, limits): (&Masker, &Limits),
    mode: Comparison<'_>,
) -> KeyOutcome {
    let mut out = KeyOutcome::default();
    let loaded: Vec<Option<Loaded>> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.map(|f| {
                let (loaded, allows) = load(&envs[i], f, masker, limits);
                out.allows.extend(allows);
                loaded
            })
        })
        .collect();
    let mut any_failed = false;
    for (i, l) in loaded.iter().enumerate() {
        match l {
            Some(Loaded::Failed(e, layer)) => {
                let file = files[i].expect("loaded implies present");
                out.failed += 1;
                any_failed = true;
                unwalked::failed_load(&names[i], file, e, layer.as_deref(), &mut out.found);
            }
            Some(_) => out.ok += 1,
            None => {}
        }
    }
    let ctx = walk::Ctx {
        names,
        envs,
        masker,
        keep_equivalent: mode.keep_equivalent,
        one_environment: mode.one_environment,
    };
    if any_failed {
        unwalked::learn_unwalked(&ctx, files, loaded, limits);
        return out;
    }

    // Binary files: by hash.
    if loaded
        .iter()
        .flatten()
        .any(|l| matches!(l, Loaded::Binary(_)))
    {
        out.found.findings.extend(binary(names, files, &loaded));
        return out;
    }

    // Text files.
    if loaded
        .iter()
        .flatten()
        .all(|l| matches!(l, Loaded::Text(_)))
    {
        texts(names, files, &loaded, &mut out.found);
        return out;
    }
    structured(&ctx, files, loaded, mode.interest, &mut out);
    out
}

/// Text files (every copy loaded as lines): a missing copy, then line by line.
fn texts(
    names: &[String],
    files: &[Option<&EnvFile>],
    loaded: &[Option<Loaded>],
    found: &mut compare::Found,
) {
    let texts: Vec<Option<(&str, &[crate::model::value::Value])>> = loaded
        .iter()
        .enumerate()
        .map(|(i, l)| match l {
            Some(Loaded::Text(lines)) => Some((
                files[i].expect("present").display.as_str(),
                lines.as_slice(),
            )),
            _ => None,
        })
        .collect();
    if let Some(f) = missing_file(names, files) {
        found.findings.push(f);
    }
    let key = files.iter().flatten().next().map_or("", |f| f.key.as_str());
    found.findings.extend(text::compare(names, key, &texts));
}

/// Structured documents, grouped by identity across environments. A
/// resource (a Kubernetes object) missing from some copies may live in
/// another file: it is left over, to be matched by identity at the end.
fn structured(
    ctx: &walk::Ctx<'_>,
    files: &[Option<&EnvFile>],
    loaded: Vec<Option<Loaded>>,
    interest: Option<&dyn Interest>,
    out: &mut KeyOutcome,
) {
    let names = ctx.names;
    let mut by_id: BTreeMap<DocId, Vec<Option<Doc>>> = BTreeMap::new();
    let mut has_plain_doc = false;
    for (i, l) in loaded.into_iter().enumerate() {
        if let Some(Loaded::Docs(docs)) = l {
            if docs.is_empty() {
                has_plain_doc = true;
            }
            for d in docs {
                has_plain_doc |= !d.id.is_resource();
                if !ctx.one_environment {
                    out.defined.extend(duplicates::defined(i, &d));
                }
                let slot = by_id
                    .entry(d.id.clone())
                    .or_insert_with(|| vec![None; ctx.envs.len()]);
                slot[i] = Some(d);
            }
        }
    }
    let file_missing = files.iter().any(Option::is_none);
    if file_missing && has_plain_doc {
        out.found.findings.extend(missing_file(names, files));
    }
    for (id, docs) in by_id {
        let everywhere = docs.iter().all(Option::is_some);
        if id.is_resource() && !everywhere {
            out.leftovers.extend(
                docs.into_iter()
                    .enumerate()
                    .filter_map(|(i, d)| d.map(|d| (i, d))),
            );
            continue;
        }
        let refs: Vec<Option<&Doc>> = docs.iter().map(Option::as_ref).collect();
        let mut nothing = None;
        if !file_missing {
            out.found.findings.extend(missing_document(names, &refs));
            if ctx.one_environment {
                nothing = changes::nothing_like(&refs);
            }
        }
        compare_documents(
            ctx,
            &changes::or_nothing(&refs, nothing.as_ref()),
            interest,
            &mut out.found,
            &mut out.leaves,
            &mut out.seen,
        );
    }
}

/// Compare one document across environments, then collect the values
/// `interest` wants from it (masked with what the comparison learnt).
fn compare_documents(
    ctx: &walk::Ctx<'_>,
    docs: &[Option<&Doc>],
    interest: Option<&dyn Interest>,
    found: &mut compare::Found,
    leaves: &mut Vec<Leaf>,
    seen: &mut Vec<Seen>,
) {
    let known = walk::documents(ctx, docs, found);
    // A document some environment lacks is not compared value by value:
    // learn its secrets all the same (`learn_document`).
    if !ctx.one_environment && docs.iter().any(Option::is_none) {
        for d in docs.iter().flatten() {
            unwalked::learn_document(ctx, d);
        }
    }
    if let Some(interest) = interest {
        leaves_of(ctx, docs, &known, interest, leaves, seen);
    }
}

/// The values `interest` wants from one document, in every environment that has it.
fn leaves_of<'a>(
    ctx: &walk::Ctx<'_>,
    docs: &[Option<&'a Doc>],
    known: &std::collections::HashSet<&'a str>,
    interest: &dyn Interest,
    out: &mut Vec<Leaf>,
    seen: &mut Vec<Seen>,
) {
    for (env, doc) in docs.iter().enumerate() {
        let Some(doc) = doc else { continue };
        let selectors = interest.files(&doc.key, &doc.file);
        if !selectors.is_empty() {
            walk::leaves(ctx, docs, known, env, interest, &selectors, out);
            seen.push(Seen {
                env,
                doc: doc.id.clone(),
                file_key: doc.key.clone(),
                document: (!doc.id.doc.is_empty()).then(|| doc.id.doc.clone()),
                file: doc.file.clone(),
                line: doc.line,
                selectors,
            });
        }
    }
}

/// `drift/binary` when binary files differ (or one side is not binary), by hash.
fn binary(
    names: &[String],
    files: &[Option<&EnvFile>],
    loaded: &[Option<Loaded>],
) -> Option<Finding> {
    let hashes: Vec<Option<Option<&str>>> = loaded
        .iter()
        .map(|l| {
            l.as_ref().map(|l| match l {
                Loaded::Binary(h) => Some(h.as_str()),
                _ => None,
            })
        })
        .collect();
    let mut present = hashes.iter().flatten();
    let first = present.next()?;
    if first.is_some() && present.all(|h| h == first) {
        return None;
    }
    let key = files.iter().flatten().next()?.key.clone();
    let mut f = Finding::builtin(
        Rule::Binary,
        format!(
            "binary file differs across {}",
            list(&names.iter().map(String::as_str).collect::<Vec<_>>())
        ),
        key,
    );
    f.envs = files
        .iter()
        .zip(&hashes)
        .enumerate()
        .map(|(i, (file, h))| {
            let value = h.map(|h| {
                crate::finding::Shown::Value(match h {
                    Some(h) => format!("sha256:{}", &h[..12]),
                    None => "(text)".to_string(),
                })
            });
            (
                names[i].clone(),
                file.map(|file| Site {
                    file: file.display.clone(),
                    line: 0,
                    value,
                }),
            )
        })
        .collect();
    Some(f)
}

/// `drift/missing-file` for a file present in some environments only.
fn missing_file(names: &[String], files: &[Option<&EnvFile>]) -> Option<Finding> {
    if files.iter().all(Option::is_some) {
        return None;
    }
    let have: Vec<&str> = (0..files.len())
        .filter(|&i| files[i].is_some())
        .map(|i| names[i].as_str())
        .collect();
    let first = files.iter().flatten().next()?;
    let mut f = Finding::builtin(
        Rule::MissingFile,
        format!("file exists in {} only", list(&have)),
        first.key.clone(),
    );
    // Ansible `host_vars/<host>.yml`: each environment has its own machines,
    // so a host's file existing in one environment only is how they differ.
    if first.key.split('/').any(|c| c == "host_vars") {
        f.severity = crate::finding::Severity::Note;
        f.message
            .push_str(" (per-host variables: each environment has its own hosts)");
    }
    f.envs = files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            (
                names[i].clone(),
                file.map(|f| Site {
                    file: f.display.clone(),
                    line: 0,
                    value: None,
                }),
            )
        })
        .collect();
    Some(f)
}

/// `drift/missing-file` for a document or resource present in some environments only.
fn missing_document(names: &[String], docs: &[Option<&Doc>]) -> Option<Finding> {
    if docs.iter().all(Option::is_some) {
        return None;
    }
    let have: Vec<&str> = (0..docs.len())
        .filter(|&i| docs[i].is_some())
        .map(|i| names[i].as_str())
        .collect();
    let first = docs.iter().flatten().next()?;
    let what = if first.id.is_resource() {
        "resource"
    } else {
        "document"
    };
    let mut f = Finding::builtin(
        Rule::MissingFile,
        format!("{what} {} exists in {} only", first.id.doc, list(&have)),
        first.key.clone(),
    );
    f.document = Some(first.id.doc.clone());
    f.envs = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                names[i].clone(),
                d.map(|d| {
                    let (file, line) = d.site(d.line);
                    Site {
                        file: file.to_string(),
                        line,
                        value: None,
                    }
                }),
            )
        })
        .collect();
    Some(f)
}
