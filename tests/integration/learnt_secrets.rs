//! Secrets read where no finding shows them are learnt, and masked wherever
//! they are printed: a parse error, another file's value, a preview.
//!
//! A file that fails to parse is never compared, and its parse error quotes
//! the file's text (a duplicate key, a bad token). Rule
//! (`load::learn_secrets`): every side of such a key is learnt for masking
//! before anything is printed, so the message cannot print a password the
//! file or its counterpart holds. Adversarial review `review-words/04`
//! found the class: a duplicate key `scott/<password>@db` printed a word
//! password that no walk had learnt.
//!
//! The family: word and random passwords × four formats × three
//! placements (the counterpart holds it, only the failing file holds it, the
//! failing file holds it inside a one-line object), every output format.

use crate::harness::Tree;
use crate::leak_corpus::Lcg;

/// A pronounceable password (`is_word` shows such words inside printed
/// names only): consonant-vowel syllables.
fn word(rng: &mut Lcg) -> String {
    let (c, v) = (b"bdfgklmnprstv", b"aeiou");
    (0..3)
        .flat_map(|_| {
            let a = c[rng.next() as usize % c.len()] as char;
            let b = v[rng.next() as usize % v.len()] as char;
            [a, b]
        })
        .collect()
}

/// Standard base64 with padding, as Kubernetes writes a `Secret`'s `data`.
fn b64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in s.as_bytes().chunks(3) {
        let n = c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - c.len()));
        for i in 0..=c.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - c.len()));
    }
    out
}

/// `(extension, valid file holding the password, failing file quoting it)`.
/// `@` stands for the password.
const CASES: &[(&str, &str, &str)] = &[
    (
        "json",
        "{\"password\": \"@\"}\n",
        "{\"password\": \"@\", \"scott/@@db\": 1, \"scott/@@db\": 2}\n",
    ),
    (
        "json",
        "{\"db\": {\"password\": \"@\"}}\n",
        "{\n  \"db\": {\"password\": \"@\"},\n  \"@-x\": 1,\n  \"@-x\": 2\n}\n",
    ),
    ("yaml", "password: @\n", "password: @\n@.: 1\n@.: 2\n"),
    (
        "yaml",
        "db: {user: a, password: @}\n",
        "db: {user: a, password: @}\nscott/@@db: 1\nscott/@@db: 2\n",
    ),
    (
        "toml",
        "password = \"@\"\n",
        "password = \"@\"\n\"@.x\" = 1\n\"@.x\" = 2\n",
    ),
    (
        "ini",
        "[db]\npassword = @\n",
        "[db]\npassword = @\n[db\nx=@.\n",
    ),
];

#[test]
fn a_parse_error_never_prints_a_secret_of_its_key() {
    let mut rng = Lcg(0x5eed_0404);
    let t = Tree::new(&[(
        "driftcheck.toml",
        "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
    )]);
    t.write("staging/base.yaml", "a: 1\n");
    t.write("prod/base.yaml", "a: 1\n");
    let mut secrets = Vec::new();
    let mut failing = 0;
    for (i, (ext, good, bad)) in CASES.iter().enumerate() {
        for (kind, password) in [("word", word(&mut rng)), ("random", rng.alnum(14))] {
            // Both hold it; only the failing file; only the failing file,
            // its counterpart holding another.
            for placement in 0..3 {
                let name = format!("c{i}-{kind}-{placement}.{ext}");
                let fill = |s: &str, p: &str| s.replace('@', p);
                match placement {
                    0 => t.write(&format!("staging/{name}"), &fill(good, &password)),
                    1 => {}
                    _ => t.write(&format!("staging/{name}"), &fill(good, &word(&mut rng))),
                }
                t.write(&format!("prod/{name}"), &fill(bad, &password));
                failing += 1;
                secrets.push((name, password.clone()));
            }
        }
    }
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        outputs.push(t.run(&["check", "--format", format]).all());
        outputs.push(
            t.run(&["diff", "staging", "prod", "-v", "--format", format])
                .all(),
        );
    }
    for out in &outputs {
        for (case, password) in &secrets {
            assert!(
                !out.contains(password.as_str()),
                "{case}: its password is printed:\n{out}"
            );
        }
    }
    // The errors are still reported, one per failing file.
    let json = crate::harness::json(&t.run(&["check", "--format", "json"]));
    let parse_errors = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "parse/error")
        .count();
    assert_eq!(parse_errors, failing, "{json}");
}

/// `(file, its content in staging, in prod)` holding the password `@` in
/// prod where the comparison does not show it value by value: `None` is no
/// file.
type Holder = (&'static str, Option<&'static str>, &'static str);

/// Where a secret is read but not printed by any finding.
const HOLDERS: &[Holder] = &[
    // Different secrets at one key: how environments should differ.
    ("app.yaml", Some("password: other1\n"), "password: @\n"),
    (
        "app.json",
        Some("{\"db\": {\"password\": \"o\"}}\n"),
        "{\"db\": {\"password\": \"@\"}}\n",
    ),
    // A file only production has, and a Kubernetes Secret in it.
    ("only.yaml", None, "password: @\n"),
    (
        "secret.yaml",
        None,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: @\n",
    ),
    // Files that do not parse, the secret on the line after its key.
    (
        "block.yaml",
        Some("password: x\n"),
        "password: |\n  @\nbad: [\n",
    ),
    (
        "heredoc.tf",
        Some("password = \"x\"\n"),
        "password = <<EOT\n@\nEOT\nx = {\n",
    ),
    (
        "env.yaml",
        Some("password: x\n"),
        "env:\n  - name: DB_PASSWORD\n    value: @\nbad: [\n",
    ),
    (
        "app.xml",
        Some("<c><password>x</password></c>\n"),
        "<c><password>\n@\n</password></d>\n",
    ),
    (
        "userlist.txt",
        Some("\"scott\" \"x\"\n"),
        "\"scott\" \"@\"\n\"bob\" \"x\n",
    ),
    // Files that do not parse, the secret in a shape only a parser reads
    // (`load::recovered`, adversarial review `review-learnt/01`).
    (
        "comment.yaml",
        Some("password: x\n"),
        "password: | # rotated monthly\n  @\nzz: 1\nzz: 2\n",
    ),
    (
        "between.yaml",
        Some("password: x\n"),
        "env:\n  - name: DB_PASSWORD\n    # from vault\n    value: @\nzz: 1\nzz: 2\n",
    ),
    (
        "flow.yaml",
        Some("password: x\n"),
        "env:\n  - {name: DB_PASSWORD, value: @}\nzz: 1\nzz: 2\n",
    ),
    (
        "first.yaml",
        Some("password: x\n"),
        "env:\n  - value: >-\n      @\n    name: DB_PASSWORD\nzz: 1\nzz: 2\n",
    ),
    (
        "cfn.yaml",
        Some("password: x\n"),
        "Environment:\n  - Name: DB_PASSWORD\n    Value: @\nzz: 1\nzz: 2\n",
    ),
    (
        "task.json",
        Some("{\"password\": \"x\"}\n"),
        "{\"env\": [{\"name\": \"DB_PASSWORD\", \"value\": \"@\"}], }\n",
    ),
    (
        "list.json",
        Some("{\"password\": \"x\"}\n"),
        "{\"passwords\": [\n  \"@\"\n], }\n",
    ),
    (
        "env.tf",
        Some("password = \"x\"\n"),
        "env = [{ name = \"DB_PASSWORD\", value = \"@\" }]\nx = {\n",
    ),
    (
        "triple.toml",
        Some("password = \"x\"\n"),
        "password = '''\n@'''\nx = \n",
    ),
    (
        "cont.properties",
        Some("db.password=x\n"),
        "db.password=\\\n  @\nx=\\u12\n",
    ),
];

#[test]
fn a_secret_is_masked_elsewhere_though_no_finding_shows_it() {
    let mut rng = Lcg(0x5eed_0405);
    for (i, (file, staging, prod)) in HOLDERS.iter().enumerate() {
        for password in [word(&mut rng), rng.alnum(14)] {
            let t = Tree::new(&[(
                "driftcheck.toml",
                "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
            )]);
            if let Some(s) = staging {
                t.write(&format!("staging/{file}"), s);
            }
            t.write(&format!("prod/{file}"), &prod.replace('@', &password));
            // Another file prints it, glued into a connection string.
            t.write("staging/run.yaml", "cmd: \"connect scott/x@db\"\n");
            t.write(
                "prod/run.yaml",
                &format!("cmd: \"connect scott/{password}@db\"\n"),
            );
            for format in ["human", "json", "github"] {
                let out = t
                    .run(&["diff", "staging", "prod", "-v", "--format", format])
                    .all();
                assert!(
                    !out.contains(password.as_str()),
                    "holder {i} ({file}): {password} printed:\n{out}"
                );
                assert!(
                    out.contains("scott/"),
                    "the value is still reported:\n{out}"
                );
            }
        }
    }
}

/// A name/value pair only one environment has is printed whole in its
/// missing-key finding (`{name: DB_PASSWORD, value: …}`): its value is
/// classified under the pair's name, at every length (a password of five
/// letters or fewer was shown: adversarial review 2).
#[test]
fn a_pair_only_one_environment_has_masks_its_value_in_the_preview() {
    let shapes: &[(&str, &str, &str)] = &[
        (
            "d.yaml",
            "env:\n  - name: LOG\n    value: info\n",
            "env:\n  - name: LOG\n    value: info\n  - name: DB_PASSWORD\n    value: @\n",
        ),
        (
            "task.json",
            "{\"environment\": [{\"name\": \"LOG\", \"value\": \"info\"}]}\n",
            "{\"environment\": [{\"name\": \"LOG\", \"value\": \"info\"}, {\"name\": \"API_TOKEN\", \"value\": \"@\"}]}\n",
        ),
        (
            "values.yaml",
            "extraEnv:\n  - name: LOG\n    value: info\n",
            "extraEnv:\n  - name: LOG\n    value: info\n  - value: @\n    name: SMTP_PASS\n",
        ),
    ];
    let mut rng = Lcg(0x5eed_0406);
    for (file, staging, prod) in shapes {
        for password in [
            "root",
            "admin",
            "druid",
            "mallow",
            &word(&mut rng),
            &rng.alnum(9),
        ] {
            let t = Tree::new(&[(
                "driftcheck.toml",
                "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
            )]);
            t.write(&format!("staging/{file}"), staging);
            t.write(&format!("prod/{file}"), &prod.replace('@', password));
            for format in ["human", "json"] {
                let out = t.run(&["check", "--format", format]).all();
                assert!(out.contains("missing-key"), "{file}: {out}");
                assert!(
                    !out.contains(password),
                    "{file}: {password} printed:\n{out}"
                );
            }
        }
    }
}

/// A name/value pair is read as one however its keys are spelt
/// (`walk::secrecy::pair_key`): CloudFormation and SSM `Name`/`Value`, AWS
/// CLI `ParameterKey`/`ParameterValue`, tags `Key`/`Value`. The list may be
/// matched by position, so no key of the value's path names the secret
/// (adversarial review `review-learnt/02`); a word password glued into
/// another file's value is masked there too.
#[test]
fn a_pair_is_read_as_one_in_every_spelling() {
    let spellings: &[(&str, &str)] = &[
        (
            "task.yaml",
            "Environment:\n  - Name: DB_PASSWORD\n    Value: @\n",
        ),
        ("tags.yaml", "Tags:\n  - Key: api_token\n    Value: @\n"),
        (
            "ssm.yaml",
            "Parameters:\n  - Name: /app/db/password\n    Value: @\n",
        ),
        (
            "params.json",
            "[{\"ParameterKey\": \"DbPassword\", \"ParameterValue\": \"@\"}]\n",
        ),
        (
            "options.json",
            "[{\"Namespace\": \"aws:rds\", \"OptionName\": \"DBPassword\", \"OptionValue\": \"@\"}]\n",
        ),
        (
            "app.xml",
            "<c><add key=\"SmtpPassword\" value=\"@\"/></c>\n",
        ),
        (
            "props.xml",
            "<properties><entry key=\"db.password\">@</entry><entry key=\"a\">1</entry></properties>\n",
        ),
        (
            "site.xml",
            "<configuration><property name=\"db.password\">@</property></configuration>\n",
        ),
        (
            "beanstalk.yaml",
            "option_settings:\n  - OptionName: DB_PASSWORD\n    Value: @\n",
        ),
    ];
    let mut rng = Lcg(0x5eed_0407);
    for (file, prod) in spellings {
        for password in ["admin", "druid", &word(&mut rng), &rng.alnum(14)] {
            let t = Tree::new(&[(
                "driftcheck.toml",
                "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
            )]);
            t.write(&format!("staging/{file}"), &prod.replace('@', "xyzw"));
            t.write(&format!("prod/{file}"), &prod.replace('@', password));
            t.write("staging/run.yaml", "cmd: \"connect scott/x@db\"\n");
            t.write(
                "prod/run.yaml",
                &format!("cmd: \"connect scott/{password}@db\"\n"),
            );
            for format in ["human", "json", "github"] {
                let out = t
                    .run(&["diff", "staging", "prod", "-v", "--format", format])
                    .all();
                assert!(
                    !out.contains(password),
                    "{file}: {password} printed:\n{out}"
                );
                assert!(
                    out.contains("scott/"),
                    "{file} {password}: the value is still reported:\n{out}"
                );
            }
        }
    }
}

/// A secret is learnt in the text it encodes too (`redact::remember`): a
/// Kubernetes `Secret`'s `data` holds base64, and the same password typed
/// in plain in another file is masked there, whether both environments
/// hold it, they differ, or one has the Secret (adversarial review
/// `review-learnt/02`).
#[test]
fn a_base64_secret_is_masked_in_plain_elsewhere() {
    let secret = |data: &str| {
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: {data}\n")
    };
    let mut rng = Lcg(0x5eed_0408);
    for password in ["admin", "druid", &word(&mut rng), &rng.alnum(14)] {
        let encoded = b64(password);
        for staging in [Some(secret(&encoded)), Some(secret(&b64("xyzw"))), None] {
            let t = Tree::new(&[(
                "driftcheck.toml",
                "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
            )]);
            if let Some(s) = &staging {
                t.write("staging/s.yaml", s);
            }
            t.write("prod/s.yaml", &secret(&encoded));
            t.write("staging/run.yaml", "cmd: \"connect scott/x@db\"\n");
            t.write(
                "prod/run.yaml",
                &format!("cmd: \"connect scott/{password}@db\"\n"),
            );
            for format in ["human", "json"] {
                let out = t
                    .run(&["diff", "staging", "prod", "-v", "--format", format])
                    .all();
                assert!(
                    !out.contains(password) && !out.contains(&encoded),
                    "{password}: printed:\n{out}"
                );
                assert!(
                    out.contains("scott/"),
                    "{password}: the value is still reported:\n{out}"
                );
            }
        }
    }
}

/// Files of one environment: `(path, content)`.
type Files = Vec<(&'static str, String)>;

/// What the new learning must not mask (adversarial review 4,
/// `tests/adversarial/secrets/review-recover/02`): a prefixed `*Value`
/// beside a name that only mentions a token is a setting, and its drift is
/// shown; a public field of a `Secret`'s `data` is not decoded into a
/// secret (`DB_HOST`, an environment's own name); a broken file's
/// recovered structure does not make a value secret by moving it under
/// `[secrets]`.
#[test]
fn learning_masks_no_public_value() {
    let secret = |key: &str, value: &str| {
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  {key}: {}\n",
            b64(value)
        )
    };
    // (files in staging, files in prod, text that must be printed)
    let cases: Vec<(Files, Files, &str)> = vec![
        (
            vec![(
                "a.yaml",
                "alerts:\n  - name: auth_token_failures\n    thresholdValue: \"250\"\n".into(),
            )],
            vec![(
                "a.yaml",
                "alerts:\n  - name: auth_token_failures\n    thresholdValue: \"500\"\n".into(),
            )],
            "250",
        ),
        (
            vec![(
                "t.yaml",
                "params:\n  - name: SESSION_TOKEN\n    maxValue: PT8H\n".into(),
            )],
            vec![(
                "t.yaml",
                "params:\n  - name: SESSION_TOKEN\n    maxValue: PT12H\n".into(),
            )],
            "PT8H",
        ),
        (
            vec![
                ("s.yaml", secret("DB_HOST", "postgres")),
                ("app.yaml", "a: 'postgres'\n".into()),
            ],
            vec![
                ("s.yaml", secret("DB_HOST", "postgres")),
                ("app.yaml", "a: 'postgres-x'\n".into()),
            ],
            "postgres",
        ),
        (
            vec![
                ("s.yaml", secret("ENVIRONMENT", "prod")),
                ("app.yaml", "a: 1\n".into()),
            ],
            vec![
                ("s.yaml", secret("ENVIRONMENT", "prod")),
                ("app.yaml", "a: 2\n".into()),
            ],
            "staging vs prod",
        ),
        (
            vec![
                ("d.toml", "[secrets]\n".into()),
                ("app.yaml", "a: 'eu-west-3a'\n".into()),
            ],
            vec![
                (
                    "d.toml",
                    "[secrets]\napi_key = \"env:API_KEY\"\n[network\nregion = \"eu-west-3a\"\n"
                        .into(),
                ),
                ("app.yaml", "a: 'eu-west-3a-x'\n".into()),
            ],
            "eu-west-3a",
        ),
    ];
    for (staging, prod, shown) in &cases {
        let t = Tree::new(&[(
            "driftcheck.toml",
            "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
        )]);
        for (f, c) in staging {
            t.write(&format!("staging/{f}"), c);
        }
        for (f, c) in prod {
            t.write(&format!("prod/{f}"), c);
        }
        let out = t.run(&["diff", "staging", "prod", "-v"]).all();
        assert!(out.contains(shown), "{shown} is masked:\n{out}");
    }
}

/// Encoded and broken shapes the same rules reach (review 4): base64 of
/// base64, base64 of `user:password`, a `password_b64` line of a text
/// file, a JSON trailing comma before a closing bracket on the next line,
/// Helm template lines in a values file.
#[test]
fn encoded_and_broken_shapes_are_learnt() {
    let mut rng = Lcg(0x5eed_0409);
    for password in [word(&mut rng), rng.alnum(14)] {
        let shapes: Vec<(&str, String)> = vec![
            (
                "s.yaml",
                format!(
                    "kind: Secret\napiVersion: v1\ndata:\n  password: {}\n",
                    b64(&b64(&password))
                ),
            ),
            (
                "s2.yaml",
                format!(
                    "kind: Secret\napiVersion: v1\ndata:\n  auth: {}\n",
                    b64(&format!("scott:{password}"))
                ),
            ),
            ("app.txt", format!("password_b64 {}\n", b64(&password))),
            (
                "task.json",
                format!(
                    "{{\"env\": [\n  {{\"name\": \"DB_PASSWORD\", \"value\": \"{password}\"}},\n],\n}}\n"
                ),
            ),
            (
                "values.yaml",
                format!(
                    "env:\n{{{{- if .Values.db }}}}\n  - name: DB_PASSWORD\n    value: {password}\n{{{{- end }}}}\n"
                ),
            ),
        ];
        for (file, prod) in &shapes {
            let t = Tree::new(&[(
                "driftcheck.toml",
                "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n",
            )]);
            t.write(&format!("prod/{file}"), prod);
            t.write("staging/run.yaml", "cmd: \"connect scott/x@db\"\n");
            t.write(
                "prod/run.yaml",
                &format!("cmd: \"connect scott/{password}@db\"\n"),
            );
            for format in ["human", "json"] {
                let out = t
                    .run(&["diff", "staging", "prod", "-v", "--format", format])
                    .all();
                assert!(
                    !out.contains(&password),
                    "{file}: {password} printed:\n{out}"
                );
                assert!(
                    out.contains("scott/"),
                    "{file}: the value is still reported:\n{out}"
                );
            }
        }
    }
}
