//! Turning a difference into a [`Finding`]: the key path rendered (and a
//! credential used as a key fingerprinted), the verdict of
//! [`crate::diff::compare::classify`], a missing key's finding, and each
//! environment's site and shown value.

use super::{Keys, Seg, Walker, scalar};
use crate::diff::compare::{Judgement, classify, list, shown};
use crate::finding::{Finding, Rule, Site};
use crate::model::envtoken::EnvTokens;
use crate::model::keypath::{push_key, push_selector};
use crate::model::node::Node;
use crate::model::value::Value;
use crate::secrets::Forced;

impl<'a> Walker<'a, '_> {
    /// Whether some environment that has the document lacks this node.
    pub(super) fn missing(&self, nodes: &[Option<&Node>]) -> bool {
        nodes
            .iter()
            .zip(self.docs)
            .any(|(n, d)| d.is_some() && n.is_none())
    }

    /// Whether a node some side lacks is reported as one finding at its own
    /// path (`key exists in … only`) rather than walked into.
    ///
    /// Rule (one environment at two revisions, [`crate::diff::changes`]): a
    /// value goes or comes with whatever holds it, so a map, or a list
    /// holding maps or lists, that one side lacks is walked, and each value
    /// under it is reported at its own path. Deleting `spec` deletes
    /// `spec.replicas`: a rule on `spec.replicas` judges it (one finding at
    /// `spec` was matched by no rule, and a decrease made by deleting the
    /// block passed). Across environments one finding at the top of what is
    /// missing is what a reader acts on, so it stays one.
    pub(super) fn reported_whole(&self, nodes: &[Option<&Node>]) -> bool {
        use crate::model::node::NodeValue;
        if !self.missing(nodes) {
            return false;
        }
        !self.ctx.one_environment
            || !nodes.iter().flatten().any(|n| match &n.value {
                NodeValue::Map(m) => !m.is_empty(),
                NodeValue::Seq(items) => items
                    .iter()
                    .any(|i| !matches!(i.value, NodeValue::Scalar(_))),
                NodeValue::Scalar(_) => false,
            })
    }

    pub(super) fn missing_key(
        &mut self,
        path: &[Seg<'a>],
        nodes: &[Option<&'a Node>],
        keys: Keys<'_>,
        forced: Forced,
    ) {
        let values: Vec<Option<Value>> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| n.map(|n| self.preview(i, n, keys.get(i), forced)))
            .collect();
        let path = self.render(path);
        let path = path.as_str();
        let have: Vec<&str> = (0..nodes.len())
            .filter(|&i| nodes[i].is_some())
            .map(|i| self.ctx.names[i].as_str())
            .collect();
        let mut f = self.finding(
            Rule::MissingKey,
            format!("key exists in {} only", list(&have)),
            path,
            nodes,
            &values,
        );
        // One side made only of development environments: how they are meant to differ.
        let envs: Vec<(&str, &EnvTokens, Option<bool>)> = (0..nodes.len())
            .map(|i| {
                let side = self.docs[i].is_some().then_some(nodes[i].is_some());
                (self.ctx.names[i].as_str(), &self.ctx.envs[i].tokens, side)
            })
            .collect();
        if crate::diff::tiers::one_side_development(&envs) {
            f.severity = crate::finding::Severity::Note;
            f.message
                .push_str(" (development environments differ by design)");
        }
        self.out.findings.push(f);
    }

    /// The key path as printed, built only when something is reported.
    pub(super) fn render(&self, segs: &[Seg<'_>]) -> String {
        let mut path = String::new();
        for seg in segs {
            match seg {
                Seg::Key(k) => push_key(&mut path, &self.key_segment(k)),
                Seg::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
                Seg::Id(k, id, secret) => {
                    if *secret || crate::secrets::holds_secret(id) {
                        push_selector(
                            &mut path,
                            k,
                            &format!("<secret fp={}>", self.ctx.masker.fingerprint(id)),
                        );
                    } else {
                        push_selector(&mut path, k, id);
                    }
                }
            }
        }
        path
    }

    /// A key as printed: environment names normalised, and a key that is
    /// itself a credential (a token used as a map key) fingerprinted.
    pub(super) fn key_segment(&self, key: &str) -> String {
        // A key one edit apart from a credential key of this document (the
        // same pasted secret, one character changed in another environment)
        // is masked like it.
        let twin = || {
            key.len() >= 8
                && self.known.iter().any(|k| {
                    k.len().abs_diff(key.len()) <= 1
                        && super::secrecy::one_edit_apart(k, key)
                        && crate::secrets::key_is_credential(k)
                })
        };
        if !crate::secrets::key_is_credential(key) && !twin() {
            self.ctx.envs[0].ids.normalize(key).into_owned()
        } else {
            format!("<secret fp={}>", self.ctx.masker.fingerprint(key))
        }
    }

    /// Classify differing (or secret) values and record the verdict.
    pub(super) fn judge(
        &mut self,
        path: &[Seg<'a>],
        nodes: &[Option<&'a Node>],
        values: &[Option<Value>],
    ) {
        let path = self.render(path);
        let path = path.as_str();
        let present: Vec<(usize, &Value)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
            .collect();
        let verdict = match classify(self.ctx.names, path, &present, self.ctx.one_environment) {
            // `-v` comes here with values the quick path would have found
            // equivalent: the same answer, whatever the verbosity.
            Judgement::Differ(Rule::Value | Rule::DataPath | Rule::Flag, _)
                if self.ctx.keep_equivalent
                    && present.iter().all(|(_, v)| !v.secrecy.is_masked())
                    && nodes.iter().flatten().all(|n| scalar(n).is_some())
                    && self.same_modulo_env(
                        &nodes
                            .iter()
                            .enumerate()
                            .filter_map(|(i, n)| n.and_then(scalar).map(|s| (i, s)))
                            .collect::<Vec<_>>(),
                    ) =>
            {
                Judgement::SameModuloEnv
            }
            // One environment at two revisions: values that read alike but
            // are not written alike (a tag, a type, an ambiguity) changed.
            Judgement::Same | Judgement::SameModuloEnv
                if self.ctx.one_environment && !super::identical(nodes) =>
            {
                Judgement::Differ(
                    Rule::Value,
                    "the value changed (its type, tag or spelling)".to_string(),
                )
            }
            // Across environments, the same text under different tags
            // (`!!binary b2s=` is bytes, `"b2s="` text) is read differently.
            Judgement::Same if !self.ctx.one_environment => match tags_differ(nodes) {
                Some(tags) => Judgement::Differ(
                    Rule::Value,
                    format!("written alike but tagged differently ({tags})"),
                ),
                None => Judgement::Same,
            },
            v => v,
        };
        match verdict {
            Judgement::Same => {}
            Judgement::SameModuloEnv if !self.ctx.keep_equivalent => self.out.equivalent_count += 1,
            Judgement::SameModuloEnv => {
                self.out.equivalent_count += 1;
                let mut f = self.finding(
                    Rule::Value,
                    "values differ only by environment name".to_string(),
                    path,
                    nodes,
                    values,
                );
                f.help = None;
                self.out.equivalent.push(f);
            }
            Judgement::Differ(rule, message) => {
                let masked = self.masked_alike(nodes, values);
                let f = self.finding(
                    rule,
                    message,
                    path,
                    nodes,
                    masked.as_deref().unwrap_or(values),
                );
                self.out.findings.push(f);
            }
        }
    }

    pub(super) fn finding(
        &self,
        rule: Rule,
        message: String,
        path: &str,
        nodes: &[Option<&Node>],
        values: &[Option<Value>],
    ) -> Finding {
        let mut f = Finding::builtin(rule, message, self.file.to_string());
        f.document = self.document.map(str::to_string);
        f.key = Some(path.into());
        f.envs = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.map(|d| (i, d)))
            .map(|(i, d)| {
                let site = nodes[i].map(|n| {
                    let (file, line) = d.site(n.line);
                    Site {
                        file: file.to_string(),
                        line,
                        value: values[i].as_ref().map(shown),
                    }
                });
                (self.ctx.names[i].clone(), site)
            })
            .collect();
        f
    }
}

/// The tags of scalars that are written alike but tagged differently
/// (`!!binary vs none`; tags that only say the type aside,
/// [`crate::model::node::Scalar::core_tag`]), or `None`. Only scalars: a
/// list's items' tags are compared by [`super::identical`] within one
/// environment.
fn tags_differ(nodes: &[Option<&Node>]) -> Option<String> {
    let tags: Vec<Option<&str>> = nodes
        .iter()
        .flatten()
        .map(|n| scalar(n).map(|s| s.other_tag()))
        .collect::<Option<Vec<_>>>()?;
    let first = tags.first()?;
    if tags.iter().all(|t| t == first) {
        return None;
    }
    let mut shown: Vec<&str> = tags.iter().map(|t| t.unwrap_or("none")).collect();
    shown.dedup();
    Some(shown.join(" vs "))
}
