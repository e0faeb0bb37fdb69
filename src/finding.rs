//! Findings are data: a rule id, a severity, where, and what each environment
//! holds there (already masked). Renderers (the `report` module) only format them.

use serde::Serialize;

/// How serious a finding is. Only errors fail a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run (exit 1).
    Error,
    /// Shown; fails only with `--strict`.
    Warning,
    /// Informational.
    Note,
}

impl Severity {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A built-in rule: its stable id, default severity and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// `drift/data-path`
    DataPath,
    /// `drift/credential-reused`
    CredentialReused,
    /// `drift/secret-literal`
    SecretLiteral,
    /// `drift/flag`
    Flag,
    /// `drift/missing-key`
    MissingKey,
    /// `drift/missing-file`
    MissingFile,
    /// `drift/value`
    Value,
    /// `parse/error`
    ParseError,
    /// `drift/placeholder`
    Placeholder,
    /// `drift/binary`
    Binary,
    /// `drift/duplicate-object`
    DuplicateObject,
}

impl Rule {
    /// Every built-in rule, in documentation order.
    pub const ALL: [Rule; 11] = [
        Rule::DataPath,
        Rule::CredentialReused,
        Rule::SecretLiteral,
        Rule::Flag,
        Rule::MissingKey,
        Rule::MissingFile,
        Rule::Value,
        Rule::ParseError,
        Rule::Placeholder,
        Rule::Binary,
        Rule::DuplicateObject,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Rule::DataPath => "drift/data-path",
            Rule::CredentialReused => "drift/credential-reused",
            Rule::SecretLiteral => "drift/secret-literal",
            Rule::Flag => "drift/flag",
            Rule::MissingKey => "drift/missing-key",
            Rule::MissingFile => "drift/missing-file",
            Rule::Value => "drift/value",
            Rule::ParseError => "parse/error",
            Rule::Placeholder => "drift/placeholder",
            Rule::Binary => "drift/binary",
            Rule::DuplicateObject => "drift/duplicate-object",
        }
    }

    /// Look a rule up by id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The default severity (SPEC §6).
    pub fn severity(self) -> Severity {
        match self {
            Rule::DataPath | Rule::CredentialReused | Rule::ParseError | Rule::DuplicateObject => {
                Severity::Error
            }
            Rule::SecretLiteral
            | Rule::Flag
            | Rule::MissingKey
            | Rule::MissingFile
            | Rule::Placeholder => Severity::Warning,
            Rule::Value | Rule::Binary => Severity::Note,
        }
    }

    /// One line: what the rule checks.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::DataPath => {
                "a path-like key or an absolute-path value differs between environments"
            }
            Rule::CredentialReused => "the same secret value is used in two environments",
            Rule::SecretLiteral => {
                "a secret is a literal in one environment and a reference in another"
            }
            Rule::Flag => "a boolean or on/off setting differs between environments",
            Rule::MissingKey => "a key exists in some environments only",
            Rule::MissingFile => "a file or resource exists in some environments only",
            Rule::Value => "any other difference between environments",
            Rule::ParseError => "a config file cannot be read or parsed in one environment",
            Rule::Binary => {
                "a binary file (image, keystore) differs between environments (by SHA-256)"
            }
            Rule::Placeholder => {
                "a value is a placeholder (`changeme`, `!!!SET X!!!`, `your api key`) in some environment"
            }
            Rule::DuplicateObject => {
                "one environment defines a Kubernetes object twice (what runs depends on the order files are applied in)"
            }
        }
    }

    /// What to do about it.
    pub fn help(self) -> &'static str {
        match self {
            Rule::DataPath => {
                "data paths must agree: a server pointed at a different directory starts on an empty one; align the path, or declare the difference with `expect = \"any\"` in a policy"
            }
            Rule::CredentialReused => {
                "give each environment its own credential; a leak from staging must not open production"
            }
            Rule::SecretLiteral => {
                "keep secrets out of config in every environment: use the same reference mechanism (`${VAR}`, `vault:`…) everywhere"
            }
            Rule::Flag => {
                "check that the flag is meant to differ; flags flipped on one cluster are a classic outage"
            }
            Rule::MissingKey => "add the key to every environment, or remove it everywhere",
            Rule::MissingFile => "add the file to every environment, or remove it everywhere",
            Rule::Value => "review the difference; declare expected ones in a policy",
            Rule::ParseError => "fix the file: it cannot be compared until it parses",
            Rule::Binary => {
                "check that the binary file is meant to differ (a per-environment keystore) or copy the same file everywhere"
            }
            Rule::Placeholder => {
                "set a real value (its own in each environment, from your secret store), or keep the placeholder out of deployed config"
            }
            Rule::DuplicateObject => {
                "define each object once per environment: merge the copies, or delete one (a patch belongs under a kustomization)"
            }
        }
    }

    /// The long explanation printed by `driftcheck explain`.
    pub fn explain(self) -> &'static str {
        match self {
            Rule::DataPath => concat!(
                "## What it does\nReports a value that differs between environments when its key looks like a path\n",
                "(`path`, `dir`, `mountPath`, `data_path`, ...) or any of its values is an absolute path, after\n",
                "environment names are normalised (`/data/staging` and `/data/prod` are the same path).\n\n",
                "## Why is this bad?\nA data-path rename that reached every environment but one pointed a production\n",
                "cluster at an empty directory: the servers stayed up and every query failed.\n\n",
                "## Example\n    staging: <path>/var/lib/clickhouse/</path>\n    prod:    <path>/data/clickhouse/</path>\n",
            ),
            Rule::CredentialReused => concat!(
                "## What it does\nReports a secret whose value is identical in two environments. Values are compared\n",
                "by keyed fingerprint (HMAC-SHA-256 under a key made fresh for each run); they are never printed.\n\n",
                "## Why is this bad?\nA credential shared between staging and production turns any staging leak\n",
                "into a production breach, and rotating it in one place breaks the other.\n\n",
                "## Example\n    staging/.env: DB_PASSWORD=<secret fp=3f9a0c1e77b2>\n    prod/.env:    DB_PASSWORD=<secret fp=3f9a0c1e77b2>\n",
            ),
            Rule::SecretLiteral => concat!(
                "## What it does\nReports a secret-named key that holds a literal in one environment and a reference\n",
                "(`${VAR}`, `{{ .Values.x }}`, `vault:...`) in another.\n\n",
                "## Why is this bad?\nThe literal is a secret committed to the repository, and the environments are\n",
                "configured by different mechanisms, so a rotation will reach only one of them.\n\n",
                "## Example\n    staging: api_key: ${PAYMENTS_API_KEY}\n    prod:    api_key: <secret fp=9b1d2c3e4f50>\n",
            ),
            Rule::Flag => concat!(
                "## What it does\nReports a boolean (or `on`/`off`, `yes`/`no`, `enabled`/`disabled`) that differs between\n",
                "environments.\n\n",
                "## Why is this bad?\nA flag that stopped cache writes was flipped on one cluster only; the hosts never\n",
                "re-read it and served stale data.\n\n",
                "## Example\n    cluster-a: cache_writes_enabled: true\n    cluster-b: cache_writes_enabled: false\n",
            ),
            Rule::MissingKey => concat!(
                "## What it does\nReports a key present in some environments only. A whole missing section is reported\n",
                "once, at its top-most key.\n\n",
                "## Why is this bad?\nA setting added to one environment runs untested elsewhere, or falls back to a default\n",
                "nobody chose.\n",
            ),
            Rule::MissingFile => concat!(
                "## What it does\nReports a file, or a Kubernetes resource (matched by kind/namespace/name wherever it\n",
                "lives), that exists in some environments only.\n",
            ),
            Rule::Value => concat!(
                "## What it does\nReports any other difference between environments, after environment names are\n",
                "normalised. Values that differ only by environment name (`db.staging.internal` vs\n",
                "`db.prod.internal`) are not reported; `-v` lists them.\n",
            ),
            Rule::ParseError => concat!(
                "## What it does\nReports a file that cannot be read or parsed in one environment, with its line. The\n",
                "rest of the run goes on; the message never quotes the file's text, which may hold a secret.\n",
            ),
            Rule::Binary => concat!(
                "## What it does\nCompares files that are not text (images, keystores, archives) by SHA-256 and reports\n",
                "those that differ. They are never parsed and never printed; equal ones are not reported.\n",
            ),
            Rule::Placeholder => concat!(
                "## What it does\nReports a value that is a placeholder rather than a setting: `changeme`, `replaceme`,\n",
                "`!!!SET POSTGRES_PASSWORD!!!`, `your appPrivateKey`, `<your-token>`, `TODO`, `xxx`. The same\n",
                "placeholder in two environments is not a reused credential: nothing real is shared yet.\n\n",
                "## Why is this bad?\nA placeholder that reaches a deployment is a default password or a broken\n",
                "integration.\n\n",
                "## Example\n    local/.postgres:      POSTGRES_PASSWORD=!!!SET POSTGRES_PASSWORD!!!\n    production/.postgres: POSTGRES_PASSWORD=!!!SET POSTGRES_PASSWORD!!!\n",
            ),
            Rule::DuplicateObject => concat!(
                "## What it does\nReports a Kubernetes object (API group, kind, namespace, name, as written) that one\n",
                "environment's plain files define twice, at the later copy, naming the first. A copy without a\n",
                "namespace matches a copy with one. Files under a directory holding a `kustomization.yaml` are\n",
                "kustomize inputs (patches name the object they patch) and are not asked; nor are layered\n",
                "environments.\n\n",
                "## Why is this bad?\n`kubectl apply -f dir` applies both and keeps the last it reads, while a comparison\n",
                "sees one: a second copy with fewer replicas in `z-override.yaml` scales production down\n",
                "unseen. Kustomize refuses such a build.\n",
            ),
        }
    }
}

/// What identifies a finding across a change: rule, environments, file,
/// document, key (values and lines may move).
pub type Identity = (String, String, String, Option<String>, Option<String>);

impl Finding {
    /// The finding's [`Identity`]: the gate and `check --staged` call a
    /// finding introduced when no finding of the other side shares it.
    pub fn identity(&self) -> Identity {
        let mut envs: Vec<&str> = self
            .envs
            .iter()
            .filter(|(_, s)| s.is_some())
            .map(|(n, _)| n.as_str())
            .collect();
        envs.sort_unstable();
        (
            self.rule.clone(),
            envs.join(","),
            self.file.clone(),
            self.document.clone(),
            self.key.as_ref().map(|k| k.to_string()),
        )
    }
}

/// What one environment holds at a finding's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The file: relative to the config's directory until the report stage,
    /// which makes it relative to the repository root
    /// (the `paths` module); `<render: COMMAND>` for a rendered
    /// environment.
    pub file: String,
    /// 1-based line (0 when not known).
    pub line: u32,
    /// The value there, already masked; `None` when the key is absent.
    pub value: Option<Shown>,
}

/// A printable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// A value safe to print (secret parts already replaced).
    Value(String),
    /// A whole secret: only its fingerprint.
    Secret {
        /// 12 hex digits.
        fingerprint: String,
    },
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule id (built-in or a policy's).
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// One line, lowercase.
    pub message: String,
    /// The name the finding is grouped under: the file relative to its
    /// environment's root, the same in every environment (each [`Site`] holds
    /// the real path).
    pub file: String,
    /// The document inside the file (`Kind/ns/name`, `#2`), if any.
    pub document: Option<String>,
    /// The key path, if the finding is about a key.
    pub key: Option<crate::model::keypath::KeyPath>,
    /// Each environment's side, in the order environments were given. `None`:
    /// the environment has nothing there.
    pub envs: Vec<(String, Option<Site>)>,
    /// What to do.
    pub help: Option<String>,
    /// A unified diff, for text files.
    pub diff: Option<String>,
    /// The policy rule that governs this built-in finding (its severity and
    /// help), when one does.
    pub policy: Option<String>,
}

impl Finding {
    /// A finding of a built-in rule with its default severity and help.
    pub fn builtin(rule: Rule, message: String, file: String) -> Self {
        Finding {
            rule: rule.id().to_string(),
            severity: rule.severity(),
            message,
            file,
            document: None,
            key: None,
            envs: Vec::new(),
            help: Some(rule.help().to_string()),
            diff: None,
            policy: None,
        }
    }

    /// A finding of a rule that is not a built-in drift rule (the gate's, a
    /// policy's own), located by file only.
    pub fn other(
        rule: &str,
        severity: Severity,
        message: String,
        file: String,
        help: &str,
    ) -> Self {
        Finding {
            rule: rule.to_string(),
            severity,
            message,
            file,
            document: None,
            key: None,
            envs: Vec::new(),
            help: Some(help.to_string()),
            diff: None,
            policy: None,
        }
    }

    /// The finding's file key and every site's file: what file globs match.
    pub fn paths(&self) -> Vec<&str> {
        let mut out = vec![self.file.as_str()];
        out.extend(
            self.envs
                .iter()
                .filter_map(|(_, s)| s.as_ref())
                .map(|s| s.file.as_str()),
        );
        out
    }

    /// The first line of the finding among its environments (for sorting).
    pub fn first_line(&self) -> u32 {
        self.envs
            .iter()
            .filter_map(|(_, s)| s.as_ref())
            .map(|s| s.line)
            .find(|&l| l > 0)
            .unwrap_or(0)
    }
}

/// Sort findings the way every report lists them: by file, document, line,
/// key and rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, &a.document, a.first_line(), &a.key, &a.rule).cmp(&(
            &b.file,
            &b.document,
            b.first_line(),
            &b.key,
            &b.rule,
        ))
    });
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Note findings.
    pub notes: usize,
}

impl Summary {
    /// Count `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => s.notes += 1,
            }
        }
        s
    }
}
