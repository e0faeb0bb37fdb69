//! What the comparison does not walk value by value: a file that cannot be
//! read or parsed (its finding), and the secrets learnt for masking there
//! and in documents only some environments have.

use super::{Doc, EnvFile, Limits, Loaded, compare, walk};
use crate::finding::{Finding, Rule, Site};
use crate::model::node::{Node, NodeValue};
use crate::secrets::Forced;

/// A key not compared because a side failed to load: learn the secrets of
/// every side before a message quotes the files ([`crate::load::learn_secrets`]
/// has the rule). Every side's text is read as a file of no known format,
/// and each document that loaded is walked against itself (every value is
/// classified as in a comparison; the findings are dropped); what a side
/// that failed to parse still holds is learnt the same way when only commas
/// were dropped to read it, else by each value's own key
/// ([`learn_recovered`]).
pub(super) fn learn_unwalked(
    ctx: &walk::Ctx<'_>,
    files: &[Option<&EnvFile>],
    loaded: Vec<Option<Loaded>>,
    limits: &Limits,
) {
    for (i, f) in files.iter().enumerate() {
        if let Some(f) = f {
            crate::load::learn_secrets(&ctx.envs[i], f, ctx.masker, limits);
        }
        if let (Some(f), Some(Some(Loaded::Failed(..)))) = (f, loaded.get(i)) {
            for r in crate::recover::recovered(&ctx.envs[i], f, limits) {
                if r.intact {
                    learn_document(ctx, &r.doc);
                } else {
                    learn_recovered(ctx, &ctx.envs[i], &r.doc.root);
                }
            }
        }
    }
    for l in loaded.iter().flatten() {
        if let Loaded::Docs(docs) = l {
            for d in docs {
                learn_document(ctx, d);
            }
        }
    }
}

/// Learn the secrets of `doc` for masking: walked against itself in every
/// environment, each value classified as in a comparison, the findings
/// dropped.
///
/// Rule: every secret read is learnt, whether or not a finding shows it,
/// so it is masked wherever else it is printed (`scott/<password>@db` in
/// another file's value, a parse error). A document only some environments
/// have (a file or a Kubernetes `Secret` in production only), and a file
/// key a side of which fails to load, are not compared value by value, and
/// their secrets were printed elsewhere (adversarial review `review-parse/03`).
pub(super) fn learn_document(ctx: &walk::Ctx<'_>, doc: &Doc) {
    let refs = vec![Some(doc); ctx.envs.len()];
    walk::documents(ctx, &refs, &mut compare::Found::default());
}

/// Learn the secrets of a document recovered from a file that fails to
/// parse ([`crate::recover::recovered`]): each scalar classified under its own
/// key, or its pair's name ([`walk::pair_key`]), a list item under its
/// list's key, never under a section it seems to sit in.
///
/// Rule: the edits that make a broken file parse can move lines into
/// another section (a broken TOML `[network` header blanked puts `region`
/// under `[secrets]`), so secrecy a value would inherit from where it sits
/// is not evidence there, while its own key still is (adversarial review 4:
/// `eu-west-3a` learnt and masked across the report).
fn learn_recovered(ctx: &walk::Ctx<'_>, env: &crate::env::Environment, root: &Node) {
    let mut stack: Vec<(&Node, Option<&str>)> = vec![(root, None)];
    while let Some((node, key)) = stack.pop() {
        match &node.value {
            NodeValue::Scalar(s) => {
                // Classifying a secret fingerprints it, which remembers it.
                let _ = ctx.masker.value(key, s, Forced::No, &env.ids);
            }
            NodeValue::Seq(items) => stack.extend(items.iter().map(|n| (n, key))),
            NodeValue::Map(entries) => stack.extend(
                entries
                    .iter()
                    .map(|e| (&e.value, Some(walk::pair_key(entries, &e.key)))),
            ),
        }
    }
}

/// The finding for one environment's copy that could not be read or parsed.
/// A link whose target is not there yet is missing config, not broken
/// config, and one finding per missing link target names every environment
/// whose link it is.
pub(super) fn failed_load(
    env: &str,
    file: &EnvFile,
    e: &crate::formats::ParseError,
    layer: Option<&str>,
    found: &mut compare::Found,
) {
    let msg = match (file.refused, e.col) {
        (Some(reason), _) => format!("not read: {reason}"),
        (None, Some(col)) => {
            format!("cannot parse {} (column {col}): {}", file.format, e.message)
        }
        (None, None) => format!("cannot parse {}: {}", file.format, e.message),
    };
    let rule = if file.refused == Some(crate::env::BROKEN_LINK) {
        Rule::MissingFile
    } else {
        Rule::ParseError
    };
    let value = match (&file.origin, rule) {
        (crate::env::Origin::Path(p), Rule::MissingFile) => crate::env::link_text(p)
            .map(|t| crate::finding::Shown::Value(format!("-> {t} (missing)"))),
        _ => None,
    };
    let site = (
        env.to_string(),
        Some(Site {
            file: layer.map_or_else(|| file.display.clone(), str::to_string),
            line: e.line,
            value,
        }),
    );
    if rule == Rule::MissingFile
        && let Some(f) = found
            .findings
            .iter_mut()
            .find(|f| f.rule == Rule::MissingFile.id() && f.file == file.key)
    {
        f.envs.push(site);
        return;
    }
    let mut f = Finding::builtin(rule, msg, file.key.clone());
    if rule == Rule::MissingFile {
        f.help = Some(
            "create the link's target (e.g. from its *.example file), or remove the link"
                .to_string(),
        );
    }
    f.envs = vec![site];
    found.findings.push(f);
}
