//! Environment-token normalisation: `api.staging.internal` and
//! `api.prod.internal` are the same setting, written for two environments.
//!
//! Whole-token occurrences (runs of ASCII letters and digits, compared without
//! case) of an environment's name and aliases are replaced by `{env}` before
//! values, keys and file names are compared. `/var/lib/clickhouse/` vs
//! `/data/clickhouse/` is still drift. Raw equality always wins: `/health/live`
//! in every environment is equal even though `live` is an alias of prod.

use std::borrow::Cow;

/// Aliases every environment of a group gets without being told (SPEC §2).
const DEFAULT_GROUPS: &[&[&str]] = &[
    &["prod", "production", "prd", "live"],
    &["staging", "stage", "stg"],
    &["dev", "development"],
];

/// The spelling that stands for a name's default alias group (`stage` and
/// `stg` for `staging`, `production` for `prod`), lowercase; other names as they are.
pub fn canonical(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    DEFAULT_GROUPS
        .iter()
        .find(|g| g.contains(&lower.as_str()))
        .map_or(lower, |g| g[0].to_string())
}

/// The placeholder written in place of an environment token.
pub const PLACEHOLDER: &str = "{env}";

/// The tokens that name one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvTokens {
    tokens: Vec<String>,
    compound: Vec<String>,
    /// Bit `n` is set when some single-word token is `n` bytes long.
    lengths: u64,
}

impl EnvTokens {
    /// Tokens for environment `name`: the name, its default aliases and `declared` ones.
    pub fn new(name: &str, declared: &[String]) -> Self {
        // A name that is itself a credential is masked in every output.
        crate::secrets::remember_if_secret(name);
        let mut tokens: Vec<String> = vec![name.to_ascii_lowercase()];
        for group in DEFAULT_GROUPS {
            if group.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                tokens.extend(group.iter().map(|t| t.to_string()));
            }
        }
        tokens.extend(declared.iter().map(|a| a.to_ascii_lowercase()));
        tokens.retain(|t| !t.is_empty());
        tokens.sort();
        tokens.dedup();
        // Compound names (`cluster-a`) are matched as bounded substrings,
        // longest first, before single-word tokens.
        let (mut compound, tokens): (Vec<String>, Vec<String>) = tokens
            .into_iter()
            .partition(|t| !t.bytes().all(|b| b.is_ascii_alphanumeric()));
        compound.sort_by_key(|t| std::cmp::Reverse(t.len()));
        EnvTokens {
            lengths: lengths(&tokens),
            tokens,
            compound,
        }
    }

    /// No tokens at all: nothing is read as an environment's name. An
    /// environment compared with itself is read this way (its two sides'
    /// labels are not names, and a value respelled is a change).
    pub fn none() -> Self {
        EnvTokens {
            tokens: Vec::new(),
            compound: Vec::new(),
            lengths: 0,
        }
    }

    /// The tokens of several environments at once: identities (key names,
    /// Kubernetes names, file names) are normalised with every environment's
    /// names, so a copy of prod named `orders-prod` still aligns with prod.
    pub fn union(all: &[&EnvTokens]) -> Self {
        let mut tokens: Vec<String> = all.iter().flat_map(|t| t.tokens.iter().cloned()).collect();
        let mut compound: Vec<String> = all
            .iter()
            .flat_map(|t| t.compound.iter().cloned())
            .collect();
        tokens.sort();
        tokens.dedup();
        compound.sort_by_key(|t| std::cmp::Reverse(t.len()));
        compound.dedup();
        EnvTokens {
            lengths: lengths(&tokens),
            tokens,
            compound,
        }
    }

    /// Whether `word` (a whole token) names this environment.
    pub fn is_token(&self, word: &str) -> bool {
        self.tokens
            .iter()
            .chain(&self.compound)
            .any(|t| t.eq_ignore_ascii_case(word))
    }

    /// All tokens, lowercase (name and aliases).
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// [`Self::normalize`] without the tokens that also occur in `other` (the
    /// same setting in another environment): a word every environment writes
    /// (`/etc/letsencrypt/live/<host>/` with `live` an alias of prod) is not
    /// an environment marker there.
    pub fn normalize_except<'a>(&self, s: &'a str, other: &str) -> Cow<'a, str> {
        let keep = |t: &String| replace_bounded(other, t).is_none();
        let tokens: Vec<String> = self.tokens.iter().filter(|t| keep(t)).cloned().collect();
        let compound: Vec<String> = self.compound.iter().filter(|t| keep(t)).cloned().collect();
        if tokens.len() == self.tokens.len() && compound.len() == self.compound.len() {
            return self.normalize(s);
        }
        let filtered = EnvTokens {
            lengths: lengths(&tokens),
            tokens,
            compound,
        };
        Cow::Owned(filtered.normalize(s).into_owned())
    }

    /// Replace whole-token occurrences of this environment's names by `{env}`.
    pub fn normalize<'a>(&self, s: &'a str) -> Cow<'a, str> {
        // A literal `{env}` in the input must not equal a normalised name:
        // it is written `{{env}}` (rare, so checked before anything else).
        if s.contains(PLACEHOLDER) {
            let escaped = s.replace(PLACEHOLDER, "{{env}}");
            return Cow::Owned(self.normalize_names(&escaped).into_owned());
        }
        self.normalize_names(s)
    }

    fn normalize_names<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.compound.is_empty() {
            return self.normalize_words(s);
        }
        let mut cur: Cow<'a, str> = Cow::Borrowed(s);
        for t in &self.compound {
            if let Some(replaced) = replace_bounded(&cur, t) {
                cur = Cow::Owned(replaced);
            }
        }
        match cur {
            Cow::Borrowed(b) => self.normalize_words(b),
            Cow::Owned(o) => Cow::Owned(self.normalize_words(&o).into_owned()),
        }
    }

    fn normalize_words<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let bytes = s.as_bytes();
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            // A token only counts between non-alphanumeric ASCII (or the ends).
            // Most words have a length no token has: skip them without comparing.
            let len = i - start;
            if len < 64 && self.lengths & (1u64 << len) != 0 && self.is_token(&s[start..i]) {
                let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
                o.push_str(&s[copied..start]);
                o.push_str(PLACEHOLDER);
                copied = i;
            }
        }
        match out {
            Some(mut o) => {
                o.push_str(&s[copied..]);
                Cow::Owned(o)
            }
            None => Cow::Borrowed(s),
        }
    }
}

fn lengths(tokens: &[String]) -> u64 {
    tokens
        .iter()
        .filter(|t| t.len() < 64)
        .fold(0, |m, t| m | (1u64 << t.len()))
}

/// Replace case-insensitive occurrences of `token` that are bounded by
/// non-alphanumeric characters (or the ends); `None` when there is none.
fn replace_bounded(s: &str, token: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let b = s.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(pos) = lower[from..].find(token) {
        let start = from + pos;
        let end = start + token.len();
        let left_ok = start == 0 || !b[start - 1].is_ascii_alphanumeric();
        let right_ok = end == b.len() || !b[end].is_ascii_alphanumeric();
        if left_ok && right_ok {
            out.push_str(&s[copied..start]);
            out.push_str(PLACEHOLDER);
            copied = end;
        }
        from = end;
    }
    (copied > 0).then(|| {
        out.push_str(&s[copied..]);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_tokens_only() {
        let prod = EnvTokens::new("prod", &[]);
        assert_eq!(prod.normalize("api.prod.internal"), "api.{env}.internal");
        assert_eq!(prod.normalize("orders-production"), "orders-{env}");
        assert_eq!(prod.normalize("PROD_DB_HOST"), "{env}_DB_HOST");
        assert_eq!(prod.normalize("product"), "product");
        assert_eq!(prod.normalize("/var/lib/prodx"), "/var/lib/prodx");
        // A literal placeholder never equals a normalised name.
        assert_ne!(
            prod.normalize("https://{env}.example.com"),
            prod.normalize("https://prod.example.com")
        );
        let staging = EnvTokens::new("staging", &["eu1".to_string()]);
        assert_eq!(staging.normalize("db.stg.eu1"), "db.{env}.{env}");
        assert_eq!(staging.normalize("/data/staging/"), "/data/{env}/");
    }

    #[test]
    fn aliases_work_both_ways() {
        let production = EnvTokens::new("production", &[]);
        assert!(production.is_token("prod"));
        assert!(production.is_token("live"));
        let custom = EnvTokens::new("canary", &[]);
        assert_eq!(custom.tokens(), &["canary".to_string()]);
        let a = EnvTokens::new("cluster-a", &[]);
        assert_eq!(
            a.normalize("memcached.cluster-a.internal"),
            "memcached.{env}.internal"
        );
        assert_eq!(a.normalize("supercluster-ab"), "supercluster-ab");
    }
}
