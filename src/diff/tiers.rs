//! Development environments (docs/alignment.md, "Missing keys").
//!
//! A key that only development environments have (`USE_DOCKER` in `local`,
//! debug logging in `dev`), or that only they lack (production's hardening,
//! the region component a `qa` overlay does without), is how those
//! environments are meant to differ: a note. A key present on one side and
//! missing on the other where both sides hold a staging-like or
//! production-like environment is drift that ships: a warning.

use crate::model::envtoken::EnvTokens;

/// Words that make an environment a development one, unless it also has a
/// staging or production word (`prod-debug` is production).
const DEVELOPMENT: &[&str] = &[
    "dev",
    "develop",
    "development",
    "local",
    "test",
    "testing",
    "qa",
    "int",
    "integration",
    "load",
    "perf",
    "sandbox",
    "demo",
    "preview",
    "ci",
];

/// Words of environments whose config ships (or rehearses shipping).
const SHIPPING: &[&str] = &[
    "stage",
    "staging",
    "stg",
    "preprod",
    "uat",
    "canary",
    "prod",
    "production",
    "prd",
    "live",
];

/// Whether the environment `name` (with its tokens) is a development environment.
pub fn development(name: &str, tokens: &EnvTokens) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .chain(tokens.tokens().iter().cloned())
        .collect();
    let has = |set: &[&str]| words.iter().any(|w| set.contains(&w.as_str()));
    has(DEVELOPMENT) && !has(SHIPPING)
}

/// Whether one side of a missing key — the environments that have it
/// (`Some(true)`) or those that lack it (`Some(false)`; `None`: the
/// environment lacks the whole document) — is made only of development environments.
pub fn one_side_development(envs: &[(&str, &EnvTokens, Option<bool>)]) -> bool {
    [true, false].into_iter().any(|present| {
        let side: Vec<_> = envs.iter().filter(|e| e.2 == Some(present)).collect();
        !side.is_empty()
            && side
                .iter()
                .all(|(name, tokens, _)| development(name, tokens))
    })
}

#[cfg(test)]
mod tests {
    use super::development;
    use crate::model::envtoken::EnvTokens;

    #[test]
    fn tiers() {
        let dev = |n: &str| development(n, &EnvTokens::new(n, &[]));
        for yes in [
            "dev",
            "local",
            "qa",
            "integration-gpu",
            "load-non-gpu",
            "development",
        ] {
            assert!(dev(yes), "{yes}");
        }
        for no in [
            "staging",
            "prod-us",
            "production",
            "blue",
            "eu-west-1",
            "staging-eu",
        ] {
            assert!(!dev(no), "{no}");
        }
        assert!(!development(
            "blue",
            &EnvTokens::new("blue", &["prod".to_string()])
        ));
    }
}
