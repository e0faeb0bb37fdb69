//! What a rule's findings must be about, beyond files and keys
//! (docs/policies.md, "Scope"): `documents` (Kubernetes resources, Helm
//! values) and `values` (booleans, image tags). A pack rule about Kubernetes
//! replicas must not fire on an Ansible playbook; a flag rule must not fire
//! on `RAILS_CACHE_REDIS_HOST`; an image rule silences a changed tag, never a
//! changed registry.

use crate::finding::{Finding, Shown};

/// Document kinds a rule can be limited to.
pub const DOCUMENTS: [&str; 2] = ["kubernetes", "helm-values"];

/// Value shapes a rule can be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// Booleans and on/off words (`true`, `off`, `yes`, `enabled`).
    Boolean,
    /// Image references that differ (if at all) only by tag or digest.
    ImageTag,
}

impl Values {
    /// Names as written in `values = "..."`.
    pub const NAMES: [&'static str; 2] = ["boolean", "image-tag"];

    /// Parse a name.
    pub fn parse(s: &str) -> Option<Values> {
        match s {
            "boolean" => Some(Values::Boolean),
            "image-tag" => Some(Values::ImageTag),
            _ => None,
        }
    }
}

/// Whether `f` is about one of `documents` (empty: any).
pub fn documents_match(documents: &[String], f: &Finding) -> bool {
    documents.is_empty()
        || documents.iter().any(|d| match d.as_str() {
            "kubernetes" => f.document.as_deref().is_some_and(is_resource),
            "helm-values" => {
                helm_values(&f.file)
                    || f.envs
                        .iter()
                        .filter_map(|(_, s)| s.as_ref())
                        .any(|s| helm_values(&s.file))
            }
            _ => false,
        })
}

/// A Kubernetes resource identity as findings print it: `Kind/name` or `Kind/namespace/name`.
fn is_resource(document: &str) -> bool {
    document.starts_with(|c: char| c.is_ascii_uppercase()) && document.contains('/')
}

/// A Helm values file: `values.yaml`, `values-prod.yaml`, `values.prod.yml`, `values_prod.yaml`.
fn helm_values(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    stem == "values"
        || stem.starts_with("values-")
        || stem.starts_with("values.")
        || stem.starts_with("values_")
}

/// Whether the values at `f` have the shape `values` asks for (`None`: any).
pub fn values_match(values: Option<Values>, f: &Finding) -> bool {
    let Some(values) = values else { return true };
    let shown: Vec<Option<&str>> = f
        .envs
        .iter()
        .filter_map(|(_, s)| s.as_ref())
        .map(|s| match &s.value {
            Some(Shown::Value(v)) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    if shown.is_empty() || shown.iter().any(Option::is_none) {
        return false;
    }
    let shown: Vec<&str> = shown.into_iter().flatten().collect();
    match values {
        Values::Boolean => shown.iter().all(|v| boolean(v)),
        Values::ImageTag => {
            let repo = |v: &str| repository(v.trim_matches('"')).to_string();
            let first = repo(shown[0]);
            shown.iter().all(|v| repo(v) == first)
        }
    }
}

fn boolean(v: &str) -> bool {
    matches!(
        v.trim_matches('"').to_ascii_lowercase().as_str(),
        "true" | "false" | "on" | "off" | "yes" | "no" | "enabled" | "disabled"
    )
}

/// An image reference without its tag and digest: `reg:5000/app:1.2@sha256:…` → `reg:5000/app`.
/// A bare tag (Helm `image.tag`) has no repository: `""`.
fn repository(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[last_slash..].rfind(':') {
        Some(i) => &no_digest[..last_slash + i],
        None if last_slash == 0 && !image.contains('@') => "",
        None => no_digest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository("nginx:1.25"), "nginx");
        assert_eq!(
            repository("reg.io:5000/team/app:2.0"),
            "reg.io:5000/team/app"
        );
        assert_eq!(repository("reg.io:5000/team/app"), "reg.io:5000/team/app");
        assert_eq!(repository("app@sha256:abc"), "app");
        assert_eq!(repository("1.2.3"), "");
        assert!(helm_values("charts/web/values-production.yaml"));
        assert!(!helm_values("deploy/app.yaml"));
        assert!(is_resource("Deployment/prod/web") && !is_resource("#2"));
        assert!(boolean("On") && !boolean("shared:SSL:10m") && !boolean("redis-host"));
    }
}
