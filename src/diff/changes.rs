//! One environment compared with itself, at two revisions: what a change
//! did to it (the gate's self comparisons).

use super::{Comparison, KeyOutcome, Walked, run_keys};
use crate::env::{EnvFile, Environment};
use crate::formats::Limits;
use crate::load::Loaded;
use crate::model::document::Doc;
use crate::model::node::{Node, NodeValue};
use crate::secrets::Masker;

/// Compare the two sides of **one environment** (its merge-base side and
/// its head side): what the change did to it. The gate's self comparisons
/// (`gate::divergence`, `on_change` rules) ask only "did it change?", so
/// two rules of the cross-environment comparison are turned around:
/// - an equal value is no change, whatever it is: a secret left alone is
///   not "the same secret used twice", a placeholder left alone is not new
///   (they were reported, and a password key's `on_change = "any"` rule
///   asked for review whenever its file was compared);
/// - different secrets at one key are a rotation, a change like any other,
///   not "how environments should differ" (the same rule saw no change).
///
/// And a file key whose two sides are the same bytes, read the same way
/// ([`crate::load::self_contained_bytes`]: a plain file of one format that
/// cannot include another), loads to the same documents on both sides, so
/// it holds no change: it is loaded once (its secrets are learnt for
/// masking; a file that fails to load is compared as usual, so its failure
/// is reported as before) and not compared. A change then costs what it
/// touches even where the whole trees are read. `every_key` compares every
/// key anyway (the reference path the property tests hold this to).
pub fn changes(
    envs: &[Environment; 2],
    masker: &Masker,
    limits: &Limits,
    every_key: bool,
) -> Walked {
    let mode = Comparison {
        keep_equivalent: false,
        interest: None,
        one_environment: true,
        same_bytes_once: !every_key,
    };
    run_keys(envs, masker, limits, mode)
}

/// The outcome of a key whose two sides hold the same bytes, read the same
/// way ([`changes`]'s rule): loaded once, nothing compared. `None` when the
/// rule does not apply or the file does not load (then it is compared).
pub(super) fn same_bytes(
    envs: &[Environment],
    files: &[Option<&EnvFile>],
    masker: &Masker,
    limits: &Limits,
) -> Option<KeyOutcome> {
    let [Some(a), Some(b)] = files else {
        return None;
    };
    if a.format != b.format || a.key != b.key {
        return None;
    }
    let bytes = crate::load::self_contained_bytes(a, limits)?;
    if crate::load::self_contained_bytes(b, limits)? != bytes {
        return None;
    }
    let (loaded, allows) = crate::load::load_bytes(&envs[0], a, &bytes, masker, limits);
    if matches!(loaded, Loaded::Failed(..)) {
        return None;
    }
    Some(KeyOutcome {
        allows,
        ok: 2,
        ..KeyOutcome::default()
    })
}

/// What a document one side lacks is compared with, in a self comparison:
/// an empty document of the same identity, so that each value the document
/// held (or holds) is reported at its own path, removed (or added).
///
/// Rule: a value goes or comes with whatever holds it ([`changes`]'s key
/// walk does the same for maps). A Kubernetes resource aligns by identity
/// wherever it lives, so one the environment no longer has was deleted, or
/// renamed (`web-prod` to `web-production`): its `spec.replicas` is gone,
/// a removal that a decrease rule judges (a resource renamed with fewer
/// replicas passed). A document a stream lost, in a file both sides have,
/// likewise. A file one side lacks is not: a file's appearance or deletion
/// by itself is no change of value (docs/policies.md, "Scope"); its
/// resources still are, as they align by identity.
pub(super) fn nothing_like(docs: &[Option<&Doc>]) -> Option<Doc> {
    let mut present = docs.iter().flatten();
    let first = present.next()?;
    if present.next().is_some() || docs.len() != 2 {
        return None;
    }
    Some(Doc {
        id: first.id.clone(),
        key: first.key.clone(),
        file: first.file.clone(),
        line: first.line,
        root: Node {
            value: NodeValue::Map(Vec::new()),
            line: first.root.line,
        },
        sources: first.sources.clone(),
    })
}

/// `docs` with `nothing` standing in for the side that lacks the document.
pub(super) fn or_nothing<'d>(
    docs: &[Option<&'d Doc>],
    nothing: Option<&'d Doc>,
) -> Vec<Option<&'d Doc>> {
    docs.iter().map(|d| d.or(nothing)).collect()
}
