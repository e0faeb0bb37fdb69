//! No output may contain a secret: a canary planted under every secret-looking
//! key in every format must not appear, even as a 6-character piece, in any
//! output format (the github format's step summary included), error message
//! or `-v` output.

use std::path::Path;

use crate::harness::{Tree, driftcheck_with_env};

const STAGING: &str = "Zq7Xw3Lp9Vb2Nk5Rt8Ym";
const PROD: &str = "Hd4Gs6Jf1Kc8Mx2Pw7Qe";
const SHARED: &str = "Tn3Bv9Cx5Zl1Aw6Sy4Ur";

const KEYS: &[&str] = &[
    "password",
    "db_password",
    "dbPassword",
    "DB_PASS",
    "client_secret",
    "api_key",
    "x-api-key",
    "access_token",
    "GITHUB_TOKEN",
    "secretAccessKey",
    "private_key",
    "credentials",
    "auth",
    "passphrase",
    "jwt_secret",
    "encryption_key",
    "htpasswd",
    "dbpassword",
    "requirepass",
    "masterauth",
    "session_secret",
];

fn files(c: &str) -> Vec<(String, String)> {
    let mut yaml = String::new();
    let mut json = Vec::new();
    let mut toml = String::new();
    let mut env = String::new();
    let mut conf = String::new();
    for k in KEYS {
        yaml.push_str(&format!("{k}: \"{c}-{k}\"\n"));
        json.push(format!("  \"{k}\": \"{c}-{k}\""));
        toml.push_str(&format!("\"{k}\" = \"{c}-{k}\"\n"));
        let env_key = k.replace('-', "_");
        env.push_str(&format!("{env_key}={c}-{k}\n"));
        conf.push_str(&format!("{k} = {c}-{k}\n"));
    }
    yaml.push_str(&format!(
        "shared_password: {SHARED}\nurl: postgres://app:{c}url@db.x.internal:5432/app\n\
         dsn: host=db port=5432 password={c}dsn user=app\nanchor: &pw {c}anchor\nreuse_password: *pw\n\
         env:\n  - name: DB_PASSWORD\n    value: {c}envlist\n\
         header: \"Bearer {c}bearer1\"\nref_password: ${{DB_PASSWORD:-{c}default}}\n\
         ---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  anything: {c}k8s\n"
    ));
    // A token used as a map key must not show in the key path either.
    yaml.push_str(&format!("tokens:\n  ghp_{c}0123456789abcdef: enabled\n"));
    // redis.conf style: `directive value`, no `=`.
    conf.push_str(&format!("requirepass {c}redis\nmasterauth {c}master\n"));
    json.push(format!("  \"conn\": \"mysql://root:{c}json@db/x\""));
    let mut nginx =
        String::from("http {\n  server {\n    listen 443;\n    server_name a.example.com;\n");
    let mut properties = String::new();
    let mut hcl = String::new();
    let mut ini = String::from("[databases]\n");
    ini.push_str(&format!(
        "main = host=db port=5432 password={c}pgb user=app\n[pgbouncer]\n"
    ));
    let mut xml = String::from("<clickhouse>\n");
    for k in KEYS {
        let bare = k.replace('-', "_");
        nginx.push_str(&format!("    {bare} \"{c}-{k}\";\n"));
        properties.push_str(&format!("{k}={c}-{k}\n"));
        hcl.push_str(&format!("{bare} = \"{c}-{k}\"\n"));
        ini.push_str(&format!("{k} = {c}-{k}\n"));
        xml.push_str(&format!("  <{bare}>{c}-{k}</{bare}>\n"));
    }
    nginx.push_str(&format!("    secure_link_secret {c}link;\n    proxy_set_header Authorization \"Bearer {c}bearer2\";\n  }}\n}}\n"));
    xml.push_str("</clickhouse>\n");
    vec![
        ("nginx/nginx.conf".into(), nginx),
        ("app.properties".into(), properties),
        ("main.tfvars".into(), hcl),
        ("pgbouncer.ini".into(), ini),
        ("config.xml".into(), xml),
        ("userlist.txt".into(), format!("\"app\" \"{c}userlist\"\n")),
        (
            "bad.conf.d/nginx.conf".into(),
            format!("http {{ secure_link_secret \"{c}badnginx;\n"),
        ),
        ("bad.tfvars".into(), format!("password = \"{c}badhcl\n")),
        (
            "bad.xml".into(),
            format!("<a><password>{c}badxml</password>\n"),
        ),
        ("app.yaml".into(), yaml),
        // Leak vectors found in review, each a regression test.
        (
            "more.yaml".into(),
            format!(
                "passwords: {{admin: {c}pmap}}\nsecrets: {{db: {c}smap, stripe: {{live: {c}nested}}}}\n\
                 api_keys:\n  - key: {c}idkey\n    scope: read\n\
                 args: [\"--password\", \"{c}argpw\", \"--api-key\", \"{c}argkey\"]\n\
                 environment: [\"MYSQL_ROOT_PASSWORD={c}compose\"]\n\
                 JAVA_OPTS: -Xmx1g -Djavax.net.ssl.keyStorePassword={c}java\n\
                 dflt: ${{DB_PASSWORD:-{c}dflt}}\nanch: {{pw: &p {c}anch, other: *p}}\n\
                 kind: List\napiVersion: v1\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {{name: s}}\n    data: {{config: {c}list}}\n\
                 annotations:\n  kubectl.kubernetes.io/last-applied-configuration: '{{\"kind\":\"Secret\",\"data\":{{\"password\":\"{c}lastapplied\"}}}}'\n"
            ),
        ),
        (
            "tls/server.key".into(),
            format!(
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA{c}pem1\nQm9vb3Rz{c}pem2x\n-----END RSA PRIVATE KEY-----\n"
            ),
        ),
        (
            ".pgpass".into(),
            format!("db.internal:5432:app:app:{c}pgpass\n"),
        ),
        (
            ".netrc".into(),
            format!("machine api.example.com login app password {c}netrc\n"),
        ),
        (
            "auth/.htpasswd".into(),
            format!("admin:$apr1$abc$x{c}htpasswd\n"),
        ),
        (
            "redis/users.acl".into(),
            format!("user app on >{c}redisacl ~* +@all\n"),
        ),
        (
            "conf.d/nginx/api.conf".into(),
            format!(
                "server {{\n  proxy_set_header X-Api-Key \"{c}xapikey\";\n  set $token \"{c}settoken\";\n}}\n"
            ),
        ),
        (
            "vars.tfvars".into(),
            format!(
                "variable \"db\" {{\n  default   = \"{c}tfsensitive\"\n  sensitive = true\n}}\n"
            ),
        ),
        (
            "legacy.ini".into(),
            format!("[client]\npassword {c}inispace\n"),
        ),
        (
            "dupkey.yaml".into(),
            format!("ghp_{c}0123456789abcdef: 1\nghp_{c}0123456789abcdef: 2\n"),
        ),
        // Second review round.
        (
            "round2.yaml".into(),
            format!(
                "data:\n  application.yml: |\n    spring:\n      datasource:\n        password: {c}cmyml\n\
                   redis.conf: |\n    requirepass {c}cmredis\n\
                 SPRING_APPLICATION_JSON: '{{\"spring\":{{\"datasource\":{{\"password\":\"{c}saj\"}}}}}}'\n\
                 command: [sh, -c, \"exec app --db-password {c}cmd\"]\n\
                 bypass_secret: {c}bypass\npassword_dollar: \"${c}dollar\"\nsession_secret2: \"{{{{{c}tmpl}}}}\"\n\
                 url_at: postgres://app:{c}at@x1@db/app\nurl_slash: postgres://app:{c}sl/x1@db/app\n\
                 ora: jdbc:oracle:thin:scott/{c}ora@db:1521/ORCL\ntokens: {{github: {c}tokmap}}\nkey_hex: {c}keyhex\n\
                 azure: DefaultEndpointsProtocol=https;AccountName=a;AccountKey={c}azure==;EndpointSuffix=core.windows.net\n\
                 openai: sk-proj-{c}openai0123456789\nsendgrid: SG.{c}sg0123.{c}sg4567\n\
                 webhook: https://hooks.slack.com/services/T0001/B0002/{c}slack\n\
                 anchor2: {{pw: &q {c}inner, embedded: \"prefix {c}inner suffix\"}}\n"
            ),
        ),
        (
            "templates/app.cfg.j2".into(),
            format!(
                "CONFIG='{{\"password\":\"{c}js\"}}'\n<password>{c}xmlline</password>\n<add key=\"ApiKey\" value=\"{c}dotnet\"/>\n"
            ),
        ),
        ("app.json".into(), format!("{{\n{}\n}}\n", json.join(",\n"))),
        ("app.toml".into(), toml),
        (".env".into(), env),
        ("app.conf".into(), conf),
        // Malformed files: the canary sits on the line that fails.
        ("bad.yaml".into(), format!("a: 1\npassword: \"{c}badyaml\n")),
        (
            "bad.json".into(),
            format!("{{\"password\": \"{c}badjson\n}}"),
        ),
        ("bad.toml".into(), format!("password = \"{c}badtoml\n")),
        ("bad.env".into(), format!("PASSWORD=\"{c}badenv\n")),
        (
            "dup.yaml".into(),
            format!("password: {c}dup1\npassword: {c}dup2\n"),
        ),
        (
            "dup.json".into(),
            format!("{{\"password\": \"{c}dup1\", \"password\": \"{c}dup2\"}}"),
        ),
    ]
}

fn leaks(output: &str, canary: &str) -> Option<String> {
    let chars: Vec<char> = canary.chars().collect();
    chars
        .windows(6)
        .map(|w| w.iter().collect::<String>())
        .find(|piece| output.contains(piece.as_str()))
}

#[test]
fn no_output_contains_a_secret() {
    let tree = Tree::new(&[]);
    for (name, content) in files(STAGING) {
        tree.write(&format!("staging/{name}"), &content);
    }
    for (name, content) in files(PROD) {
        tree.write(&format!("prod/{name}"), &content);
    }
    let runs: &[&[&str]] = &[
        &["diff", "staging", "prod"],
        &["diff", "staging", "prod", "-v"],
        &["diff", "staging", "prod", "--format", "json"],
        &["diff", "staging", "prod", "--format", "json", "-v"],
        &["diff", "staging", "prod", "-q"],
        &["diff", "prod", "staging", "-v", "--color", "always"],
        &["diff", "staging", "prod", "--format", "sarif"],
        &["diff", "staging", "prod", "--format", "github"],
        &["diff", "staging", "prod", "--format", "markdown"],
    ];
    let step_summary = tree.path().join("step-summary.md");
    for args in runs {
        let vars: &[(&str, &Path)] = &[("GITHUB_STEP_SUMMARY", &step_summary)];
        let run = driftcheck_with_env(tree.path(), args, vars);
        assert_eq!(run.code, 1, "{args:?}\n{}", run.all());
        let all = run.all();
        for canary in [STAGING, PROD, SHARED] {
            if let Some(piece) = leaks(&all, canary) {
                panic!("{args:?} leaked `{piece}` of a canary:\n{all}");
            }
        }
        // The findings are there, masked.
        assert!(all.contains("fp="), "{args:?}\n{all}");
    }
    let summary = std::fs::read_to_string(&step_summary).expect("the github run wrote it");
    for canary in [STAGING, PROD, SHARED] {
        if let Some(piece) = leaks(&summary, canary) {
            panic!("the step summary leaked `{piece}` of a canary:\n{summary}");
        }
    }
    assert!(summary.contains("fp="), "{summary}");
    let json = crate::harness::json(&tree.run(&["diff", "staging", "prod", "--format", "json"]));
    let findings = json["findings"].as_array().unwrap();
    let reused = findings
        .iter()
        .filter(|f| f["rule"] == "drift/credential-reused")
        .count();
    assert!(reused >= 1, "shared_password must be reported as reused");
    let parse_errors = findings
        .iter()
        .filter(|f| f["rule"] == "parse/error")
        .count();
    assert_eq!(
        parse_errors, 20,
        "every malformed file in both environments"
    );
}

/// A secret pasted where a *name* belongs (an unknown key in
/// `driftcheck.toml` or a policy, a rule id in an inline allow comment) is
/// never quoted by the diagnostic that reports it, in any format; the
/// problem is still reported, at its line.
#[test]
fn names_that_are_secrets_are_never_quoted_in_diagnostics() {
    let cfg = "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n";
    for (i, pw) in [
        "Zq8LmXp3Vt7W",
        "Xk9mQ2pLw7",
        "R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2G",
    ]
    .iter()
    .enumerate()
    {
        let trees = [
            Tree::new(&[
                ("driftcheck.toml", &format!("{cfg}{pw} = 1\n")),
                ("staging/a.yaml", "a: 1\n"),
                ("prod/a.yaml", "a: 2\n"),
            ]),
            Tree::new(&[
                (
                    "driftcheck.toml",
                    &format!("{cfg}policies = [\"p.toml\"]\n"),
                ),
                (
                    "p.toml",
                    &format!(
                        "[[rule]]\nid = \"r{i}\"\nkeys = [\"a\"]\nexpect = \"same\"\n{pw} = \"x\"\n"
                    ),
                ),
                ("staging/a.yaml", "a: 1\n"),
                ("prod/a.yaml", "a: 2\n"),
            ]),
            Tree::new(&[
                ("driftcheck.toml", cfg),
                (
                    "staging/a.yaml",
                    &format!("a: 1 # driftcheck: allow {pw} -- rotated\n"),
                ),
                ("prod/a.yaml", "a: 2\n"),
            ]),
        ];
        for tree in &trees {
            for format in ["human", "json", "sarif", "github", "markdown"] {
                let step_summary = tree.path().join("summary.md");
                let vars: &[(&str, &Path)] = &[("GITHUB_STEP_SUMMARY", &step_summary)];
                let run =
                    driftcheck_with_env(tree.path(), &["check", "--format", format, "-v"], vars);
                let mut all = run.all();
                all.push_str(&std::fs::read_to_string(&step_summary).unwrap_or_default());
                assert!(matches!(run.code, 0..=2), "{format}: {all}");
                if let Some(piece) = leaks(&all, pw) {
                    panic!("{format} quoted `{piece}` of {pw}:\n{all}");
                }
            }
        }
    }
}
