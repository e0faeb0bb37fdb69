//! Classifying a value by the name of its key (research Table A).
//!
//! Masking must fail closed: `password: hunter2` has low entropy and slips
//! through every leak scanner's generic rule, so any value under a
//! secret-looking key is masked whatever it looks like. The exclusions keep
//! paths, ids and sizes visible (`password_file`, `secretKeyRef`,
//! `ssl_certificate_key`, nginx `proxy_pass`): those are exactly the drifts
//! driftcheck exists to show.

/// What a key's name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    /// The value is a secret (unless it is a reference, empty or a boolean).
    Secret,
    /// The name says "not a secret" (a path, id, size...): value rules still apply.
    Exempt,
    /// Nothing known: value rules and the entropy fallback apply.
    Neutral,
}

/// Tokens that make a key secret wherever they stand.
const SECRET_TOKENS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passwords",
    "contrasena",
    "contraseña",
    "secret",
    "secrets",
    "token",
    "credential",
    "credentials",
    "creds",
    "authorization",
    "htpasswd",
    "salt",
    "pepper",
    "signature",
    "apikey",
    "privatekey",
    "secretkey",
    "accesskey",
    "clientsecret",
    "authtoken",
    "passcode",
    "pin",
    "sas",
    "pw",
    "tokens",
    "psk",
    "bindpw",
    "mnemonic",
    "seedphrase",
    "passkey",
    "otp",
    "totp",
];

/// Words that, before `key`, make it a secret key (`api_key`, `private_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "priv",
    "client",
    "service",
    "account",
    "master",
    "signing",
    "encryption",
    "session",
    "db",
    "hmac",
    "auth",
    "app",
    "license",
    "crypt",
    "nonce",
    "shared",
    "preshared",
    "psk",
    "cookie",
    "jwt",
    "webhook",
    "bot",
    "deploy",
    "root",
    "admin",
    "in",
    "wpa",
    "storage",
    "consumer",
];

/// Last tokens that mark a key as describing something other than the secret itself.
const EXEMPT_LAST: &[&str] = &[
    // `password_encryption = scram-sha-256` names an algorithm.
    "encryption",
    "hashing",
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "directory",
    "name",
    "names",
    "id",
    "ids",
    "length",
    "len",
    "size",
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "expire",
    "expiration",
    "age",
    "rounds",
    "count",
    "interval",
    "min",
    "max",
    "limit",
    "retries",
    "enabled",
    "enable",
    "disabled",
    "required",
    "type",
    "mode",
    "algorithm",
    "alg",
    "version",
    "rotation",
    "endpoint",
    "url",
    "uri",
    "urls",
    "header",
    "field",
    "prefix",
    "suffix",
    "format",
    "policy",
    "ref",
    "reference",
    "selector",
    "arn",
    "env",
    "var",
    "location",
    "store",
    "manager",
    "provider",
    "source",
    "method",
    "methods",
    "scheme",
    "encoding",
    "hint",
    "user",
    "username",
    "login",
    "owner",
    "lifetime",
    "duration",
    "period",
    "days",
    "hours",
    "minutes",
    "seconds",
    "storetype",
    "template",
    "pattern",
    "regex",
    "strength",
    "complexity",
    "reset",
    "changed",
    "at",
];

/// Whole key names (tokens joined by `_`) that are known not to be secrets.
const EXEMPT_NAMES: &[&str] = &[
    "public_key",
    "pubkey",
    "primary_key",
    "foreign_key",
    "partition_key",
    "sort_key",
    "key_alias",
    "keyboard",
    "author",
    "accessor",
    "access_id",
    "csrf_token",
    "token_endpoint",
    "public_token",
    "api_version",
    "api_name",
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
    "ssl_certificate_key",
    "bypass",
    "pass_through",
    "passthrough",
    "token_type",
    "auth_type",
    "auth_method",
    "auth_mode",
    "auth_enabled",
];

/// Lowercase run-together names (`dbpassword`, `requirepass`, `adminsecret`)
/// that the token split cannot take apart.
fn secret_compound(token: &str) -> bool {
    [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "apikey",
        "authtoken",
    ]
    .iter()
    .any(|w| token.contains(w))
        || (token.ends_with("pass")
            && !matches!(
                token,
                "bypass" | "compass" | "overpass" | "underpass" | "impass"
            ))
        || matches!(token, "masterauth" | "requireauth")
        // `PRIVATETOKEN`, `ACCESSKEY`, `webhooktoken`: a qualifier run into
        // `key`, or any word run into `token`, except the paging and
        // cancellation tokens of APIs.
        || KEY_QUALIFIERS.iter().any(|q| {
            token.len() == q.len() + 3 && token.starts_with(q) && token.ends_with("key")
        })
        || (token.len() > 5
            && token.ends_with("token")
            && !matches!(
                token,
                "csrftoken"
                    | "xsrftoken"
                    | "nexttoken"
                    | "pagetoken"
                    | "synctoken"
                    | "continuationtoken"
                    | "cancellationtoken"
                    | "resumetoken"
            ))
}

/// Whether a key name is secret-named (a cached lookup).
pub fn is_secret_name(name: &str) -> bool {
    may_be_secret_name(name) && classify_key(name) == KeyClass::Secret
}

/// A necessary condition for [`classify_key`] to say `Secret`, without the
/// cache's hashing: free text (a sign-off line, a command's output) holds
/// many distinct words and few secret names.
///
/// Why it is sound: every token [`tokens`] yields is a substring of the name
/// lowercased character by character (as `tokens` lowercases), and each way
/// to `Secret` in `classify_uncached` needs a token that is, holds, or ends
/// with one of [`SECRET_TOKENS`] or the words below (`pass`, `secret`,
/// `apikey`, `authtoken`, `auth`, `key`, `token`, `encrypt`). A non-ASCII
/// name is lowercased first (`contraseña`, a Kelvin sign that lowercases to
/// `k`). A test checks the equivalence on a family of names.
fn may_be_secret_name(name: &str) -> bool {
    static NEEDLES: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| {
            let words = [
                "pass",
                "secret",
                "apikey",
                "authtoken",
                "auth",
                "key",
                "token",
                "encrypt",
            ];
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(SECRET_TOKENS.iter().chain(words.iter()))
                .expect("literal words")
        });
    if name.is_ascii() {
        NEEDLES.is_match(name)
    } else {
        NEEDLES.is_match(
            &name
                .chars()
                .flat_map(char::to_lowercase)
                .collect::<String>(),
        )
    }
}

/// Keys whose values are digests, ids or public material: high entropy there
/// is expected (Helm `checksum/config`, `GIT_COMMIT`, a webhook `caBundle`).
const DIGEST_TOKENS: &[&str] = &[
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "checksum",
    "digest",
    "commit",
    "etag",
    "hash",
    "revision",
    "rev",
    "fingerprint",
    "cabundle",
    "bundle",
    "ca",
    "cert",
    "certificate",
    "crt",
    "uuid",
    "guid",
    "id",
    "nonce",
    "integrity",
    "thumbprint",
    "version",
    "image",
    "tag",
];

/// Providers whose documented credential is a bare UUID (gitleaks'
/// `heroku-api-key`, `snyk-api-token`, `squarespace-access-token` rules key
/// on the provider's name next to a UUID): a UUID under a key path that
/// names one of them is a credential unless the key names an identifier.
pub(super) const UUID_CREDENTIAL_PROVIDERS: &[&str] =
    &["heroku", "snyk", "squarespace", "opsgenie", "runscope"];

/// Whether a UUID under this key is a provider credential.
pub fn names_uuid_credential(name: &str) -> bool {
    let t = tokens(name);
    t.iter()
        .any(|w| UUID_CREDENTIAL_PROVIDERS.contains(&w.as_str()))
        && !is_digest_name(name)
}

/// Whether high entropy under this key is expected (the entropy fallback is skipped).
pub fn is_digest_name(name: &str) -> bool {
    tokens(name)
        .iter()
        .any(|t| DIGEST_TOKENS.contains(&t.as_str()))
}

/// Whether a key names the public half of a credential pair ([`public_half`]).
pub fn names_public_half(name: &str) -> bool {
    public_half(&tokens(name))
}

/// A CAPTCHA site key's name (`site_key`, `sitekey`, `RECAPTCHA_SITE_KEY`):
/// the public half of a pair, embedded in every page that shows the
/// widget. Not when another word makes it a secret (`private_site_key`,
/// `hmac_site_key`, `REST_AUTH_SITE_KEY`, `site_key_secret`): adversarial
/// review found those holding secrets.
fn public_half(t: &[String]) -> bool {
    let n = t.len();
    let site = match t.last().map(String::as_str) {
        Some("sitekey") => n - 1,
        Some("key") if n >= 2 && t[n - 2] == "site" => n - 2,
        _ => return false,
    };
    !t[..site].iter().any(|w| {
        SECRET_TOKENS.contains(&w.as_str())
            || KEY_QUALIFIERS.contains(&w.as_str())
            || secret_compound(w)
    })
}

/// Words that make a key a measure (`token_validity_in_seconds`,
/// `setPasswordPerUserPerHour`): a number under such a key is a setting.
const MEASURE_TOKENS: &[&str] = &[
    "seconds",
    "second",
    "secs",
    "sec",
    "ms",
    "millis",
    "minutes",
    "minute",
    "mins",
    "hours",
    "hour",
    "days",
    "day",
    "per",
    "limit",
    "limits",
    "max",
    "min",
    "count",
    "size",
    "ttl",
    "timeout",
    "validity",
    "interval",
    "length",
    "attempts",
    "retries",
    "rate",
    "threshold",
    "expiry",
];

/// Whether a number under this key is a measure, not a credential.
pub fn is_measure(name: &str) -> bool {
    tokens(name)
        .iter()
        .any(|t| MEASURE_TOKENS.contains(&t.as_str()))
}

/// Split a key name into lowercase tokens at `.`, `_`, `-`, `/`, spaces and
/// camelCase boundaries (`dbPassword` → `db`, `password`; `APIKey` → `api`, `key`).
pub fn tokens(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Classify a key by its name. Key names repeat across thousands of values,
/// so results are remembered per thread (bounded, cleared when full).
pub fn classify_key(name: &str) -> KeyClass {
    // foldhash: fast, and seeded at random per process, so crafted key
    // names cannot force collisions (the cache is also bounded).
    type Cache = std::collections::HashMap<Box<str>, KeyClass, foldhash::fast::RandomState>;
    thread_local! {
        static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::new(Cache::default());
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(&class) = cache.get(name) {
            return class;
        }
        if cache.len() > 50_000 {
            cache.clear();
        }
        let class = classify_uncached(name);
        cache.insert(name.into(), class);
        class
    })
}

fn classify_uncached(name: &str) -> KeyClass {
    let toks = tokens(name);
    let Some(last) = toks.last() else {
        return KeyClass::Neutral;
    };
    let joined = toks.join("_");
    // Exempt names count only at the end of a key: `x_csrf_token` names a
    // CSRF token, `csrf_token_secret` and `bypass_secret` hold secrets.
    let n = toks.len();
    let tail2 = (n >= 2).then(|| format!("{}_{}", toks[n - 2], toks[n - 1]));
    if EXEMPT_NAMES.contains(&joined.as_str())
        || EXEMPT_NAMES.contains(&last.as_str())
        || tail2.as_deref().is_some_and(|t| EXEMPT_NAMES.contains(&t))
    {
        return KeyClass::Exempt;
    }
    // Keys that *name* a secret kept elsewhere (Helm `existingSecret`,
    // `adminPasswordKey` = the key inside a Secret) or hash one (`checksum/secret`).
    // A digest-prefixed key names (hashes) a secret, unless its last word is
    // itself secret material: `checksum/secret` is a hash, `hash_salt` a salt.
    let material = matches!(last.as_str(), "salt" | "pepper" | "key" | "seed" | "psk");
    let names_a_secret = toks[0] == "existing"
        || (!material
            && matches!(
                toks[0].as_str(),
                "checksum" | "sha" | "sha256" | "hash" | "digest"
            ))
        || (n >= 3 && last == "key" && toks[n - 2] == "password")
        || toks.ends_with(&[
            "password".to_string(),
            "secret".to_string(),
            "key".to_string(),
        ]);
    if names_a_secret {
        return KeyClass::Exempt;
    }
    // Narrow exceptions to the exemptions below, each a credential by
    // documentation: ClickHouse `key_hex`, Vault AppRole `secret_id`, Consul
    // `encrypt`, `BASIC_AUTH` / `NEO4J_AUTH` (`user:password`), npm
    // `_authToken` / `_auth` / `authIdent`, WordPress `NONCE_SALT`.
    if joined == "key_hex"
        || joined.ends_with("secret_id")
        || joined == "encrypt"
        || (last == "auth" && n >= 1)
        || toks.windows(2).any(|w| w[0] == "auth" && w[1] == "ident")
    {
        return KeyClass::Secret;
    }
    if EXEMPT_LAST.contains(&last.as_str())
        || matches!(
            toks[0].as_str(),
            "allow" | "enable" | "disable" | "require" | "use" | "is" | "has"
        )
    {
        return KeyClass::Exempt;
    }
    let secret = toks
        .iter()
        .any(|t| SECRET_TOKENS.contains(&t.as_str()) || secret_compound(t))
        || toks
            .windows(2)
            .any(|w| (w[1] == "key" || w[1] == "keys") && KEY_QUALIFIERS.contains(&w[0].as_str()))
        || joined == "auth";
    if secret {
        KeyClass::Secret
    } else {
        KeyClass::Neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exempt_names_only_at_the_end_and_names_of_secrets() {
        for k in [
            "bypass_secret",
            "csrf_token_secret",
            "tokens",
            "key_hex",
            "secretKey",
            "SECRET_KEY",
            "api_secret_key",
        ] {
            assert_eq!(classify_key(k), KeyClass::Secret, "{k}");
        }
        for k in [
            "existingSecret",
            "adminPasswordKey",
            "passwordSecretKey",
            "checksum/secret",
            "x_csrf_token",
        ] {
            assert_eq!(classify_key(k), KeyClass::Exempt, "{k}");
        }
    }

    #[test]
    fn the_secret_name_prefilter_never_hides_a_secret_name() {
        // Every listed word, in every case style, alone, run together and
        // between other words; plus words the prefilter must reject.
        let mut names: Vec<String> = Vec::new();
        let words: Vec<&str> = SECRET_TOKENS
            .iter()
            .chain(KEY_QUALIFIERS)
            .chain(EXEMPT_LAST)
            .chain(EXEMPT_NAMES)
            .chain(DIGEST_TOKENS)
            .copied()
            .chain([
                "key", "keys", "auth", "ident", "id", "hex", "encrypt", "x", "db", "by",
            ])
            .collect();
        for a in &words {
            names.push((*a).to_string());
            names.push(a.to_uppercase());
            for b in &words {
                names.push(format!("{a}_{b}"));
                names.push(format!("{a}{b}"));
                let mut c = b.chars();
                let upper: String = c
                    .next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default();
                names.push(format!("{a}{upper}"));
                names.push(format!("{a}-{b}").to_uppercase());
            }
        }
        names.extend(
            [
                "Reviewed-by",
                "p199999@example.com",
                "Person",
                "199999",
                "CONTRASEÑA",
                "api\u{212A}ey",
                "\u{212A}EY",
                "db_Pa\u{17F}\u{17F}word",
                "bÜcher_key",
                "bÜcher",
                "İd_token",
            ]
            .map(String::from),
        );
        let mut secret = 0;
        for n in &names {
            let full = classify_key(n) == KeyClass::Secret;
            secret += usize::from(full);
            assert_eq!(is_secret_name(n), full, "{n}");
        }
        assert!(
            secret > 1000 && secret < names.len(),
            "{secret} of {}",
            names.len()
        );
        assert!(!may_be_secret_name("p199999@example.com"));
    }

    #[test]
    fn tokenises_like_people_write_keys() {
        assert_eq!(tokens("dbPassword"), ["db", "password"]);
        assert_eq!(tokens("APIKey"), ["api", "key"]);
        assert_eq!(tokens("DB_PASS"), ["db", "pass"]);
        assert_eq!(tokens("x-api-key"), ["x", "api", "key"]);
        assert_eq!(tokens("secretAccessKey"), ["secret", "access", "key"]);
    }

    #[test]
    fn secret_names_without_a_lookup() {
        for k in [
            "dbPassword",
            "DB_PASS",
            "x-api-key",
            "masterauth",
            "SAS_TOKEN",
            "pin",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        assert!(!is_secret_name("replicas") && !is_secret_name("key_id"));
    }

    #[test]
    fn research_table_a_examples() {
        for k in [
            "passwd",
            "dbPassword",
            "DB_PASS",
            "clientSecret",
            "x-api-key",
            "secretAccessKey",
            "password",
            "spring.datasource.password",
            "GITHUB_TOKEN",
            "access_token",
            "jwt_secret",
            "private_key",
            "encryption_key",
            "credentials",
            "Authorization",
            "auth",
            "password_sha256_hex",
            "secure_link_secret",
            "PASSWORD",
            "dbpassword",
            "requirepass",
            "masterauth",
            "adminsecret",
            "AdminPassword",
        ] {
            assert_eq!(classify_key(k), KeyClass::Secret, "{k}");
        }
        for k in [
            "primary_key",
            "token_endpoint",
            "author",
            "password_file",
            "ssl_certificate_key",
            "proxy_pass",
            "secretKeyRef",
            "secretName",
            "key_id",
            "access_key_id",
            "auth_basic_user_file",
            "ssl_password_file",
            "token_ttl",
            "password_min_length",
            "allow_plaintext_password",
            "require_password",
        ] {
            assert_eq!(classify_key(k), KeyClass::Exempt, "{k}");
        }
        for k in [
            "host",
            "port",
            "replicas",
            "data_path_x",
            "image",
            "bypass_cache",
        ] {
            assert_ne!(classify_key(k), KeyClass::Secret, "{k}");
        }
    }
}
