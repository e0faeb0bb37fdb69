//! Hostnames each environment owns, learned from its config (docs/alignment.md).
//!
//! Per-environment hostnames rarely contain the environment's name
//! (`nest.owasp.dev` for staging, `nest.owasp.org` for production), so a TLS
//! path `/etc/letsencrypt/live/<host>/fullchain.pem` or a server's identity
//! would differ in every environment. A hostname named by an nginx
//! `server_name` or a Kubernetes Ingress (`spec.rules[].host`,
//! `spec.tls[].hosts`) in one environment's config and in no other's is that
//! environment's own: it is added to the environment's aliases, and values
//! that differ only by it are equivalent, like values that differ only by the
//! environment's name. Wildcards, regexes and `_` are not hostnames.

use std::collections::BTreeSet;

use crate::env::{Environment, Origin};
use crate::formats::{self, Format, Limits};
use crate::model::envtoken::EnvTokens;
use crate::model::node::{Node, NodeValue};

/// Keys whose values name the hosts a server answers for.
const HOST_KEYS: &[&str] = &["server_name"];

/// Add each environment's own hostnames to its tokens (and to every environment's identities).
pub fn learn(envs: &mut [Environment]) {
    if envs.len() < 2 {
        return;
    }
    let hosts: Vec<BTreeSet<String>> = envs.iter().map(hosts_of).collect();
    if hosts.iter().all(BTreeSet::is_empty) {
        return;
    }
    let mut changed = false;
    for (i, env) in envs.iter_mut().enumerate() {
        let own: Vec<String> = hosts[i]
            .iter()
            .filter(|h| {
                hosts
                    .iter()
                    .enumerate()
                    .all(|(j, o)| j == i || !o.contains(*h))
            })
            .cloned()
            .collect();
        if own.is_empty() {
            continue;
        }
        let mut declared: Vec<String> = env.tokens.tokens().to_vec();
        declared.extend(own);
        env.tokens = EnvTokens::new(&env.name, &declared);
        changed = true;
    }
    if changed {
        let ids = EnvTokens::union(&envs.iter().map(|e| &e.tokens).collect::<Vec<_>>());
        for env in envs.iter_mut() {
            env.ids = ids.clone();
        }
    }
}

fn hosts_of(env: &Environment) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let limits = Limits::default();
    for f in env.files.iter() {
        let bytes = match (&f.origin, f.format) {
            (Origin::Path(p), Format::Nginx | Format::Yaml) => match crate::source::read(p) {
                Ok(b) => b,
                Err(_) => continue,
            },
            (Origin::Rendered(b), _) => b.to_vec(),
            _ => continue,
        };
        // Kubernetes Ingresses name their hosts too; other YAML is not read.
        let yaml = f.format != Format::Nginx;
        if yaml && memchr::memmem::find(&bytes, b"Ingress").is_none() {
            continue;
        }
        let Ok(text) = formats::decode(&bytes, &limits) else {
            continue;
        };
        let format = if yaml { Format::Yaml } else { Format::Nginx };
        let Ok(docs) = formats::parse(format, text, &limits) else {
            continue;
        };
        for d in &docs {
            if yaml {
                ingress_hosts(&d.root, &mut out);
            } else {
                collect(&d.root, &mut out);
            }
        }
    }
    out
}

fn get<'n>(n: &'n Node, k: &str) -> Option<&'n Node> {
    match &n.value {
        NodeValue::Map(m) => m.iter().find(|e| e.key == k).map(|e| &e.value),
        _ => None,
    }
}

/// `spec.rules[].host` and `spec.tls[].hosts[]` of a `kind: Ingress` document.
fn ingress_hosts(root: &Node, out: &mut BTreeSet<String>) {
    let is_ingress = matches!(get(root, "kind").map(|k| &k.value), Some(NodeValue::Scalar(s)) if s.text == "Ingress");
    let Some(spec) = is_ingress.then(|| get(root, "spec")).flatten() else {
        return;
    };
    for (list, key) in [("rules", "host"), ("tls", "hosts")] {
        if let Some(Node {
            value: NodeValue::Seq(items),
            ..
        }) = get(spec, list)
        {
            for item in items {
                if let Some(v) = get(item, key) {
                    scalars(v, out);
                }
            }
        }
    }
}

fn collect(node: &Node, out: &mut BTreeSet<String>) {
    match &node.value {
        NodeValue::Map(entries) => {
            for e in entries {
                if HOST_KEYS.contains(&e.key.as_str()) {
                    scalars(&e.value, out);
                } else {
                    collect(&e.value, out);
                }
            }
        }
        NodeValue::Seq(items) => items.iter().for_each(|i| collect(i, out)),
        NodeValue::Scalar(_) => {}
    }
}

fn scalars(node: &Node, out: &mut BTreeSet<String>) {
    match &node.value {
        NodeValue::Scalar(s) if is_hostname(&s.text) => {
            out.insert(s.text.to_ascii_lowercase());
        }
        NodeValue::Seq(items) => items.iter().for_each(|i| scalars(i, out)),
        _ => {}
    }
}

/// A DNS name with at least one dot, letters, digits and hyphens only.
fn is_hostname(s: &str) -> bool {
    s.len() >= 4
        && s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.chars().any(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::is_hostname;

    #[test]
    fn hostnames_are_dns_names_only() {
        for yes in ["nest.owasp.dev", "api.example.com", "a-b.c1.io"] {
            assert!(is_hostname(yes), "{yes}");
        }
        for no in [
            "_",
            "*.example.com",
            "~^(.+)\\.example\\.com$",
            "localhost",
            "10.0.0.1x/",
            ".a.b",
        ] {
            assert!(!is_hostname(no), "{no}");
        }
    }
}
