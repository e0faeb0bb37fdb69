//! Credentials known by where they stand rather than by a marker of their
//! own (docs/secrets.md, "provider sections" and "`user:secret` pairs"):
//! the section of a credential issuer (`heroku: {api: <uuid>}`), and a
//! name paired with a generated secret (`cafebabe:deadbeef`, `ci:Xk9mQ2pL`).
//! Both are judged by shape helpers shared with [`super::values`].

use std::ops::Range;

use super::keys::{KeyClass, classify_key, is_digest_name, tokens};

/// Credential issuers, by the name teams give their settings section
/// (`heroku:`, `[sendgrid]`, `integrations.stripe`). A provider's name on a
/// key or on an ancestor key is context, like a sibling `name:` is: the
/// neutral child `api`, `key`, `live` of `heroku:` names heroku's API key.
/// Every catalogue entry's provider is here (a test checks it), plus
/// providers whose credentials carry no marker of their own (bare UUIDs,
/// hex keys: Datadog, Algolia, PagerDuty, Bugsnag, ...).
pub(crate) const PROVIDERS: &[&str] = &[
    "github",
    "gitlab",
    "slack",
    "stripe",
    "google",
    "gcp",
    "npm",
    "npmjs",
    "pypi",
    "rubygems",
    "nuget",
    "dockerhub",
    "clojars",
    "artifactory",
    "jfrog",
    "vault",
    "hashicorp",
    "terraform",
    "doppler",
    "onepassword",
    "pulumi",
    "huggingface",
    "databricks",
    "digitalocean",
    "atlassian",
    "jira",
    "confluence",
    "bitbucket",
    "grafana",
    "sentry",
    "azure",
    "heroku",
    "supabase",
    "planetscale",
    "flyio",
    "netlify",
    "tailscale",
    "dynatrace",
    "newrelic",
    "datadog",
    "alibaba",
    "aliyun",
    "squareup",
    "shopify",
    "mailgun",
    "mailchimp",
    "mandrill",
    "sendgrid",
    "figma",
    "postman",
    "sonarqube",
    "sonar",
    "sonarcloud",
    "buildkite",
    "contentful",
    "typeform",
    "groq",
    "perplexity",
    "xai",
    "openai",
    "anthropic",
    "mapbox",
    "clickhouse",
    "aws",
    "circleci",
    "langsmith",
    "brevo",
    "sendinblue",
    "flutterwave",
    "shippo",
    "pinecone",
    "openshift",
    "frameio",
    "duffel",
    "scalingo",
    "twitter",
    "easypost",
    "sourcegraph",
    "twilio",
    "resend",
    "dropbox",
    "telegram",
    "discord",
    "airtable",
    "asana",
    "braintree",
    "plaid",
    "hubspot",
    "launchdarkly",
    "langfuse",
    "firebase",
    "snyk",
    "squarespace",
    "opsgenie",
    "runscope",
    "algolia",
    "pagerduty",
    "bugsnag",
    "rollbar",
    "honeycomb",
    "mixpanel",
    "amplitude",
    "intercom",
    "zendesk",
    "okta",
    "auth0",
    "cloudflare",
    "fastly",
    "travis",
    "sumologic",
    "loggly",
    "papertrail",
    "pusher",
    "postmark",
    "sparkpost",
    "mailjet",
    "nexmo",
    "vonage",
    "messagebird",
    "paypal",
    "adyen",
    "mollie",
    "razorpay",
    "recurly",
    "chargebee",
    "coinbase",
    "vercel",
    "cloudinary",
    "contentstack",
    "storyblok",
    "prismic",
    "keycloak",
    "onelogin",
    "jumpcloud",
    "splunk",
    "logdna",
    "mezmo",
    "lightstep",
    "honeybadger",
    "airbrake",
    "raygun",
    "statuspage",
    "freshdesk",
    "webex",
    "sidekiq",
    "contribsys",
];

/// Providers whose documented credential is a bare UUID (see
/// [`super::keys::UUID_CREDENTIAL_PROVIDERS`]) or who issue UUID keys beside UUID ids.
fn issues_uuids(token: &str) -> bool {
    super::keys::UUID_CREDENTIAL_PROVIDERS.contains(&token)
}

/// Neutral child names that, under a provider's section, name the
/// provider's credential: `heroku: {api: …}`, `stripe: {live: …}`,
/// `sendgrid: {key: …}`, `datadog: {app: …}` is *not* one (an app name).
const PROVIDER_SLOTS: &[&str] = &[
    "key",
    "keys",
    "api",
    "live",
    "test",
    "sandbox",
    "prod",
    "production",
    "default",
    "value",
    "server",
    "write",
    "read",
    "admin",
    "master",
    "personal",
    "private",
    "bot",
    "webhook",
    "signing",
    "rest",
    "management",
    "mgmt",
    "full",
    "readonly",
    "rw",
    "ro",
    "license",
];

/// What a provider's name on a key (or an ancestor key) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderContext {
    /// No provider is named.
    None,
    /// A provider is named (`stripe`, `datadog`).
    Named,
    /// A provider whose credentials are bare UUIDs is named (`heroku`, `snyk`).
    UuidIssuer,
}

/// The provider context a key's own name gives (`HEROKU_API`, `[sendgrid]`).
pub fn provider_context(name: &str) -> ProviderContext {
    let t = tokens(name);
    if t.iter().any(|w| issues_uuids(w)) {
        ProviderContext::UuidIssuer
    } else if t.iter().any(|w| PROVIDERS.contains(&w.as_str())) {
        ProviderContext::Named
    } else {
        ProviderContext::None
    }
}

/// Whether a neutral key under a provider's context names its credential:
/// its last word is a slot (`api`, `key`, `live`), and it names no
/// identifier, digest or measure (those are exempt or digest names).
pub fn is_provider_slot(name: &str) -> bool {
    tokens(name)
        .last()
        .is_some_and(|w| PROVIDER_SLOTS.contains(&w.as_str()))
        && classify_key(name) == KeyClass::Neutral
        && !is_digest_name(name)
}

/// `user:secret` pairs outside a URL (Sidekiq's `BUNDLE_GEMS__CONTRIBSYS__COM`,
/// `REDIS_AUTH`, a pasted basic-auth pair), wherever they stand:
/// - two hex runs of 8+ characters each (`cafebabe:deadbeef`, Sidekiq's
///   documented shape), neither all digits: the pair is masked whole, as
///   both halves are drawn at random;
/// - a name, then a second half a generator made (8–11 characters by
///   [`short_random`], 12+ by the per-alphabet test): the second half.
///
/// Why 8: every generated credential format in the catalogue and the
/// Sidekiq pair has 8+ random characters, and below 8 an identifier pair
/// (`v1:abc123`, `app:a1b2c3`) is as likely as a secret. A pair glued to
/// a `/` or `:` (`registry/app:tag`, `a:b:c`, a URL) is not a pair.
pub(super) fn credential_pairs(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let left_ok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'@');
    let right_ok = |c: u8| c.is_ascii_alphanumeric() || b"!#$%^&*+=?~_.-".contains(&c);
    let mut out = Vec::new();
    for (colon, _) in text.match_indices(':') {
        let start = b[..colon]
            .iter()
            .rposition(|&c| !left_ok(c))
            .map_or(0, |p| p + 1);
        let end = b[colon + 1..]
            .iter()
            .position(|&c| !right_ok(c))
            .map_or(b.len(), |p| colon + 1 + p);
        let glued = |c: Option<&u8>| c.is_some_and(|c| matches!(c, b'/' | b':' | b'\\'));
        if start == colon
            || end - colon - 1 < 8
            || glued(start.checked_sub(1).and_then(|i| b.get(i)))
            || glued(b.get(end))
        {
            continue;
        }
        let (user, secret) = (&text[start..colon], &text[colon + 1..end]);
        let secret = secret.trim_end_matches(['.', '-']);
        let hex = |s: &str| {
            (8..=64).contains(&s.len())
                && s.bytes().all(|c| c.is_ascii_hexdigit())
                && !s.bytes().all(|c| c.is_ascii_digit())
        };
        if hex(user) && hex(secret) {
            out.push(start..colon + 1 + secret.len());
        } else if user.bytes().any(|c| c.is_ascii_alphabetic())
            && !PAIR_SCHEMES.iter().any(|s| user.eq_ignore_ascii_case(s))
            && (short_random(secret)
                || super::values::looks_random_short(secret)
                || super::generic::is_random(secret, false))
            && !super::values::is_uuid(secret)
        {
            out.push(colon + 1..colon + 1 + secret.len());
        }
    }
    out
}

/// Words before a colon that make a scheme or a kind, not a user name.
const PAIR_SCHEMES: &[&str] = &[
    "http", "https", "sha1", "sha256", "sha384", "sha512", "md5", "arn", "urn", "data", "mailto",
    "tcp", "udp", "file", "docker", "oci", "git", "ssh", "s3", "gs", "sri", "uuid", "id",
];

/// A literal that can be a credential under a provider's credential slot
/// (`heroku: {api: …}`): 6+ characters, no spaces, not a URL, path, host
/// name or identifier (every part between `-`, `_`, `.`, `:` or `/` is
/// lowercase letters or a short number: `us-east-1`, `myapp-prod`).
pub fn credential_literal(text: &str) -> bool {
    text.len() >= 6
        && !text.contains(char::is_whitespace)
        && !text.contains("://")
        && !text.starts_with(['/', '~', '.', '$'])
        && (super::values::is_uuid(text) || !super::generic::public_shape(text))
        && !text.split(['-', '_', '.', ':', '/']).all(|p| {
            p.bytes().all(|b| b.is_ascii_lowercase())
                || (p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// A credential's shape that needs a provider's context to be told from an
/// identifier: hex of 16+ characters with letters and digits (Datadog,
/// Algolia, Bugsnag keys; digests live under digest-named keys), or a short
/// random string of 8–11 characters (both letter cases and digits, class
/// changes at 2 of 5 neighbours or more, and less than two thirds
/// of its letters in pronounceable words, the test the long tokens pass).
pub fn credential_shape(text: &str) -> bool {
    let b = text.as_bytes();
    let has = |f: fn(&u8) -> bool| b.iter().any(f);
    let hex = b.len() >= 16
        && b.iter().all(u8::is_ascii_hexdigit)
        && has(u8::is_ascii_digit)
        && has(u8::is_ascii_alphabetic);
    hex || short_random(text)
}

/// 8–11 characters of both letter cases and digits, changing class often,
/// with no pronounceable run: what a generator makes (`Xk9mQ2pL`), not
/// what a person names (`Release2024`, `MyApp2`).
pub(super) fn short_random(text: &str) -> bool {
    let b = text.as_bytes();
    if !(8..12).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let class = |c: u8| match c {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        _ => 2,
    };
    let mut seen = [false; 3];
    for &c in b {
        seen[class(c)] = true;
    }
    let changes = b.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    seen.iter().all(|&s| s)
        && changes * 5 >= (b.len() - 1) * 2
        && super::words::wordy(text) * 3 < b.iter().filter(|c| c.is_ascii_alphabetic()).count() * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every catalogue entry's provider names a provider section, except
    /// ids whose first word is a format or a common word (listed here).
    #[test]
    fn every_catalogue_provider_is_a_provider() {
        const NOT_PROVIDERS: &[&str] = &[
            "docker",
            "1password",
            "age",
            "fly",
            "new",
            "square",
            "linear",
            "notion",
            "readme",
            "prefect",
            "replicate",
            "harness",
            "teams",
            "jwt",
            "bcrypt",
            "crypt",
            "scram",
            "htpasswd",
            "ldap",
            "postgres",
            "private",
            "ssh2",
            "putty",
            "openvpn",
        ];
        for e in super::super::catalogue::CATALOGUE {
            let first = e.id.split('-').next().unwrap_or(e.id);
            assert!(
                PROVIDERS.contains(&first) || NOT_PROVIDERS.contains(&first),
                "{}: add `{first}` to PROVIDERS or say why not",
                e.id
            );
        }
        assert_eq!(provider_context("heroku"), ProviderContext::UuidIssuer);
        assert_eq!(
            provider_context("integrations.sendgrid"),
            ProviderContext::Named
        );
        assert_eq!(provider_context("replicas"), ProviderContext::None);
    }
}
