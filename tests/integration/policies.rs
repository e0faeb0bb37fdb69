//! Policies end to end: validation errors (snapshotted), every rule kind
//! (each test fails if the rule is ignored), precedence, the shipped pack's
//! switches, suppressions, waivers with expiry, and baselines.

use crate::harness::{Run, Tree, json, rules_and_keys};

const CONFIG: &str = "policies = [\"policies/*.toml\"]\n\
                      [env.staging]\nroot = \"staging\"\n\
                      [env.prod]\nroot = \"prod\"\naliases = [\"production\"]\n";
/// [`CONFIG`] without policy files (a `policies` glob matching nothing is a
/// warning of its own).
const NO_POLICIES: &str = "[env.staging]\nroot = \"staging\"\n\
                           [env.prod]\nroot = \"prod\"\naliases = [\"production\"]\n";

/// A repository with `staging/app.yaml`, `prod/app.yaml` and one policy file.
fn repo(staging: &str, prod: &str, policy: &str) -> Tree {
    Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/app.yaml", staging),
        ("prod/app.yaml", prod),
        ("policies/team.toml", policy),
    ])
}

fn check(t: &Tree) -> (Run, serde_json::Value) {
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    assert_ne!(r.code, 2, "{}", r.all());
    let v = json(&r);
    (r, v)
}

fn rules(v: &serde_json::Value) -> Vec<String> {
    rules_and_keys(v).into_iter().map(|(r, _)| r).collect()
}

// ---------------------------------------------------------------- validation

const MALFORMED: &[(&str, &str)] = &[
    (
        "unknown key",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nexpct = \"same\"\n",
    ),
    (
        "bad glob",
        "[[rule]]\nid = \"a\"\nfiles = [\"**/[.conf\"]\nexpect = \"same\"\n",
    ),
    (
        "bad regex",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nforbid = \"(timeout\"\n",
    ),
    (
        "unknown environment",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nenvs = [\"prdo\"]\nforbid = \"x\"\n",
    ),
    (
        "unknown severity",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nexpect = \"same\"\nseverity = \"eror\"\n",
    ),
    (
        "unknown expect",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nexpect = \"sam\"\n",
    ),
    (
        "malformed compare",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\ncompare = \"prod staging\"\n",
    ),
    (
        "compare names an unknown environment",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\ncompare = \"prod >= stagign\"\n",
    ),
    (
        "table instead of array of tables",
        "[rule]\nid = \"a\"\nexpect = \"same\"\n",
    ),
    (
        "unknown top-level table",
        "[[rules]]\nid = \"a\"\nexpect = \"same\"\n",
    ),
    (
        "missing id",
        "[[rule]]\nkeys = [\"x\"]\nexpect = \"same\"\n",
    ),
    (
        "waiver without reason",
        "[[waiver]]\nrule = \"drift/value\"\nfile = \"app.yaml\"\n",
    ),
    (
        "waiver with a bad date",
        "[[waiver]]\nrule = \"drift/value\"\nfile = \"app.yaml\"\nreason = \"r\"\nexpires = \"2027-13-01\"\n",
    ),
    (
        "waiver for an unknown rule",
        "[[waiver]]\nrule = \"drift/valeu\"\nfile = \"app.yaml\"\nreason = \"r\"\n",
    ),
    (
        "link with one member",
        "[[link]]\nid = \"l\"\nkeys = [\"app.yaml:db.password\"]\n",
    ),
    (
        "link member without a file",
        "[[link]]\nid = \"l\"\nkeys = [\"db.password\", \"app.yaml:x\"]\n",
    ),
    (
        "invalid TOML",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"\nexpect = \"same\"\n",
    ),
    (
        "min above max",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nmin = 10\nmax = 1\n",
    ),
    (
        "review without on_change",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nexpect = \"same\"\nreview = { required = 2 }\n",
    ),
    (
        "unknown on_change",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\non_change = \"decrese\"\n",
    ),
    (
        "selector without a key",
        "[[rule]]\nid = \"a\"\nkeys = [\"[name=x]\"]\nexpect = \"same\"\n",
    ),
    (
        "wrong type",
        "[[rule]]\nid = \"a\"\nkeys = 5\nexpect = \"same\"\n",
    ),
    (
        "a rule that states nothing",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\n",
    ),
    (
        "top-level reviewers",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\non_change = \"any\"\nreviewers = [\"@sre\"]\n",
    ),
    (
        "several problems at once",
        "[[rule]]\nid = \"a\"\nkeys = [\"x\"]\nexpect = \"sometimes\"\nseverity = \"fatal\"\n\n[[rule]]\nid = \"b\"\nforbid = \"[\"\nfiles = [\"{a\"]\n",
    ),
];

#[test]
fn malformed_policies_are_errors_with_lines_and_suggestions() {
    let mut all = String::new();
    for (name, policy) in MALFORMED {
        let t = repo("x: 1\n", "x: 1\n", policy);
        let r = t.run(&["check"]);
        assert_eq!(r.code, 2, "{name}: {}", r.all());
        assert!(
            r.stdout.is_empty(),
            "{name}: nothing is compared under a bad policy"
        );
        assert!(
            r.stderr.contains("policies/team.toml:"),
            "{name}: {}",
            r.stderr
        );
        all.push_str(&format!("## {name}\n{}\n", r.stderr.trim_end()));
    }
    // Problems that span files or the config.
    let dup = Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/app.yaml", "x: 1\n"),
        ("prod/app.yaml", "x: 1\n"),
        (
            "policies/a.toml",
            "[[rule]]\nid = \"same-x\"\nkeys = [\"x\"]\nexpect = \"same\"\n",
        ),
        (
            "policies/b.toml",
            "\n[[rule]]\nid = \"same-x\"\nkeys = [\"x\"]\nexpect = \"any\"\n",
        ),
    ]);
    let r = dup.run(&["check"]);
    assert_eq!(r.code, 2);
    all.push_str(&format!(
        "## duplicate id across files\n{}\n",
        r.stderr.trim_end()
    ));
    let disable = Tree::new(&[
        (
            "driftcheck.toml",
            &format!("{CONFIG}[policy]\ndisable = [\"nginx-no-timout-retry\"]\n"),
        ),
        ("staging/app.yaml", "x: 1\n"),
        ("prod/app.yaml", "x: 1\n"),
    ]);
    let r = disable.run(&["check"]);
    assert_eq!(r.code, 2);
    all.push_str(&format!(
        "## disable names an unknown rule\n{}\n",
        r.stderr.trim_end()
    ));
    let missing = Tree::new(&[
        (
            "driftcheck.toml",
            &CONFIG.replace("policies/*.toml", "policies/team.toml"),
        ),
        ("staging/app.yaml", "x: 1\n"),
        ("prod/app.yaml", "x: 1\n"),
    ]);
    let r = missing.run(&["check"]);
    assert_eq!(r.code, 2);
    all.push_str(&format!(
        "## a named policy file is missing\n{}\n",
        r.stderr.trim_end()
    ));
    insta::assert_snapshot!("policy_validation", all);
}

// ---------------------------------------------------------------- rule kinds

#[test]
fn expect_same_raises_and_any_silences() {
    let same =
        "[[rule]]\nid = \"workers-same\"\nkeys = [\"workers\"]\nexpect = \"same\"\nhelp = \"h\"\n";
    let (r, v) = check(&repo("workers: 2\n", "workers: 4\n", same));
    assert_eq!(rules(&v), ["drift/value"]);
    assert_eq!(v["findings"][0]["severity"], "error");
    assert_eq!(v["findings"][0]["policy"], "workers-same");
    assert_eq!(v["findings"][0]["help"], "h");
    assert_eq!(r.code, 1);

    let any = "[[rule]]\nid = \"workers-free\"\nkeys = [\"workers\"]\nexpect = \"any\"\n";
    let (r, v) = check(&repo(
        "workers: 2\ndebug: true\n",
        "workers: 4\ndebug: false\n",
        any,
    ));
    assert_eq!(
        rules(&v),
        ["drift/flag"],
        "only the governed key is silenced"
    );
    assert_eq!(r.code, 0);
}

#[test]
fn expect_differ_catches_a_shared_secret_without_printing_it() {
    let differ = "[[rule]]\nid = \"own-api-key\"\nkeys = [\"api.token\"]\nexpect = \"differ\"\n";
    let shared = "api:\n  token: Zq8-shared-Wm3-Kt7x\n";
    let (r, v) = check(&repo(shared, shared, differ));
    assert_eq!(
        rules(&v),
        ["own-api-key"],
        "the rule replaces the built-in reuse finding"
    );
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the same secret")
    );
    assert!(!r.all().contains("Zq8-shared"), "{}", r.all());
    assert_eq!(r.code, 1);
    let (r, v) = check(&repo(shared, "api:\n  token: Pp2-other-Ls9-Qr4z\n", differ));
    assert_eq!(rules(&v), Vec::<String>::new());
    assert_eq!(r.code, 0);
}

#[test]
fn expect_present_and_absent() {
    let present = "[[rule]]\nid = \"timeouts-set\"\nfiles = [\"app.yaml\"]\nkeys = [\"http.timeout\"]\nexpect = \"present\"\n";
    let (r, v) = check(&repo(
        "http:\n  timeout: 5\n",
        "http:\n  port: 80\n",
        present,
    ));
    assert!(rules(&v).contains(&"timeouts-set".to_string()), "{v}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "timeouts-set")
        .unwrap();
    assert_eq!(f["message"], "no key matching `http.timeout` in prod");
    assert_eq!(r.code, 1);

    let absent = "[[rule]]\nid = \"no-debug\"\nkeys = [\"**.debug\"]\nexpect = \"absent\"\nseverity = \"warning\"\n";
    let (r, v) = check(&repo(
        "log:\n  debug: true\n",
        "log:\n  debug: true\n",
        absent,
    ));
    assert_eq!(
        rules_and_keys(&v),
        [("no-debug".to_string(), "log.debug".to_string())]
    );
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(r.code, 0, "warnings pass without --strict");
}

#[test]
fn value_constraints_per_environment() {
    let cases = [
        (
            "forbid = '^0$'",
            "retries: 0\n",
            "retries: 0\n",
            "prod: `0` matches the forbidden pattern `^0$`",
        ),
        (
            "require = '^[0-9]+s$'",
            "retries: 5s\n",
            "retries: 5\n",
            "prod: `5` does not match the required pattern `^[0-9]+s$`",
        ),
        (
            "one_of = [\"1\", \"3\"]",
            "retries: 3\n",
            "retries: 2\n",
            "prod: `2` is not one of `1`, `3`",
        ),
        (
            "min = 2",
            "retries: 3\n",
            "retries: 1\n",
            "prod: 1 is below the minimum 2",
        ),
        (
            "max = 5",
            "retries: 3\n",
            "retries: 9\n",
            "prod: 9 is above the maximum 5",
        ),
        (
            "max = 5",
            "retries: 3\n",
            "retries: lots\n",
            "prod: `lots` is not a number",
        ),
    ];
    for (constraint, staging, prod, message) in cases {
        let policy = format!(
            "[[rule]]\nid = \"retries\"\nkeys = [\"retries\"]\nenvs = [\"prod\"]\n{constraint}\n"
        );
        let (r, v) = check(&repo(staging, prod, &policy));
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "retries")
            .unwrap_or_else(|| panic!("{constraint}: not applied\n{v}"));
        assert_eq!(f["message"], message, "{constraint}");
        assert_eq!(f["envs"]["prod"]["line"], 1);
        assert_eq!(r.code, 1, "{constraint}");
    }
    // `envs` limits the check: staging's 0 is not judged. An alias names the environment too.
    let policy = "[[rule]]\nid = \"retries\"\nkeys = [\"retries\"]\nenvs = [\"production\"]\nforbid = '^0$'\n";
    let (r, v) = check(&repo("retries: 0\n", "retries: 1\n", policy));
    assert!(!rules(&v).contains(&"retries".to_string()), "{v}");
    assert_eq!(r.code, 0);
}

#[test]
fn value_checks_on_secrets_are_refused_or_never_see_the_secret() {
    // On a secret-named key: refused when the policy is loaded, since
    // per-environment pass/fail of anchored patterns would spell the secret out.
    for check_line in [
        "forbid = 'changeme'",
        "require = '^a'",
        "one_of = ['x']",
        "min = 1",
        "max = 1",
        "compare = 'prod >= staging'",
    ] {
        let policy = format!("[[rule]]\nid = \"p\"\nkeys = [\"**.password\"]\n{check_line}\n");
        let r = repo(
            "db:\n  password: 55120938\n",
            "db:\n  password: 55120939\n",
            &policy,
        )
        .run(&["diff", "staging", "prod", "--format", "json"]);
        assert_eq!(r.code, 2, "{check_line}: {}", r.all());
        assert!(r.stderr.contains("would reveal a secret"), "{}", r.all());
        assert!(!r.all().contains("5512093"), "{}", r.all());
    }
    // On a neutral key whose value is a secret by shape: not evaluated, not shown.
    let token = "ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke";
    let policy = "[[rule]]\nid = \"p\"\nkeys = [\"**.endpoint\"]\nrequire = '^https://'\nmax = 1\n";
    let (r, _) = check(&repo(
        &format!("svc:\n  endpoint: {token}\n"),
        &format!("svc:\n  endpoint: {token}x\n"),
        policy,
    ));
    assert!(!r.all().contains("R2d9Xk"), "{}", r.all());
    // A URL with a password is checked on its masked form: the host is still policed.
    let policy = "[[rule]]\nid = \"p\"\nkeys = [\"**.url\"]\nforbid = 'localhost'\n";
    let (r, v) = check(&repo(
        "db:\n  url: postgres://u:Xk29Lq77@localhost/x\n",
        "db:\n  url: postgres://u:Xk29Lq78@db.internal/x\n",
        policy,
    ));
    assert!(rules(&v).contains(&"p".to_string()), "{v}");
    assert!(!r.all().contains("Xk29"), "{}", r.all());
}

#[test]
fn compare_across_environments() {
    let policy =
        "[[rule]]\nid = \"capacity\"\nkeys = [\"**.replicas\"]\ncompare = \"prod >= staging\"\n";
    let (r, v) = check(&repo(
        "web:\n  replicas: 3\n",
        "web:\n  replicas: 2\n",
        policy,
    ));
    assert_eq!(
        crate::harness::first_finding(&v, "capacity")["message"],
        "`prod >= staging` does not hold: prod is 2, staging is 3",
        "{v}"
    );
    assert_eq!(r.code, 1);
    let (r, v) = check(&repo(
        "web:\n  replicas: 3\n",
        "web:\n  replicas: 5\n",
        policy,
    ));
    assert!(!rules(&v).contains(&"capacity".to_string()));
    assert_eq!(r.code, 0);
}

#[test]
fn links_compare_within_each_environment_by_fingerprint() {
    let t = Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/app.yaml", "db:\n  password: Stg-Pw-7731-aa\n"),
        (
            "staging/pgbouncer.ini",
            "[databases]\napp = host=db user=app password=Stg-Pw-7731-aa\n",
        ),
        ("prod/app.yaml", "db:\n  password: Prd-Old-5512-bb\n"),
        (
            "prod/pgbouncer.ini",
            "[databases]\napp = host=db user=app password=Prd-New-9904-cc\n",
        ),
        (
            "policies/team.toml",
            "[[link]]\nid = \"app-db-password\"\nkeys = [\"app.yaml:db.password\", \"pgbouncer.ini:databases.app.password\"]\n",
        ),
    ]);
    let (r, v) = check(&t);
    let links: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "app-db-password")
        .collect();
    assert_eq!(links.len(), 1, "staging's copies agree, prod's do not: {v}");
    assert!(links[0]["message"].as_str().unwrap().starts_with("prod: "));
    for leaked in ["7731", "5512", "9904"] {
        assert!(!r.all().contains(leaked), "{}", r.all());
    }
    assert_eq!(r.code, 1);
    // A missing member is reported, not silently passed.
    t.write("prod/app.yaml", "db:\n  user: app\n");
    let (_, v) = check(&t);
    assert!(
        v.to_string()
            .contains("linked key `app.yaml:db.password` not found"),
        "{v}"
    );
}

#[test]
fn a_rule_with_a_builtin_id_reconfigures_the_builtin() {
    let policy =
        "[[rule]]\nid = \"drift/flag\"\nseverity = \"error\"\nhelp = \"no flag may differ here\"\n";
    let (r, v) = check(&repo("debug: true\n", "debug: false\n", policy));
    assert_eq!(rules(&v), ["drift/flag"]);
    assert_eq!(v["findings"][0]["severity"], "error");
    assert_eq!(v["findings"][0]["help"], "no flag may differ here");
    assert_eq!(r.code, 1);
}

#[test]
fn the_most_specific_pattern_wins_then_the_later_rule() {
    let policy = "[[rule]]\nid = \"general\"\nkeys = [\"**.size\"]\nexpect = \"any\"\n\n\
                  [[rule]]\nid = \"specific\"\nkeys = [\"cache.size\"]\nexpect = \"same\"\n";
    let (_, v) = check(&repo(
        "cache:\n  size: 1\nq:\n  size: 1\n",
        "cache:\n  size: 2\nq:\n  size: 2\n",
        policy,
    ));
    assert_eq!(
        rules_and_keys(&v),
        [("drift/value".to_string(), "cache.size".to_string())]
    );
    assert_eq!(v["findings"][0]["policy"], "specific");
    // Equal patterns: the later file wins.
    let t = Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/app.yaml", "size: 1\n"),
        ("prod/app.yaml", "size: 2\n"),
        (
            "policies/a.toml",
            "[[rule]]\nid = \"first\"\nkeys = [\"size\"]\nexpect = \"same\"\n",
        ),
        (
            "policies/b.toml",
            "[[rule]]\nid = \"second\"\nkeys = [\"size\"]\nexpect = \"any\"\n",
        ),
    ]);
    let (r, v) = check(&t);
    assert_eq!(rules(&v), Vec::<String>::new(), "{v}");
    assert_eq!(r.code, 0);
}

#[test]
fn the_shipped_pack_can_be_turned_off_in_whole_or_in_part() {
    let files = |policy: &str| {
        Tree::new(&[
            (
                "driftcheck.toml",
                &format!(
                    "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n{policy}"
                ),
            ),
            (
                "staging/nginx.conf",
                "http {\n  proxy_next_upstream error;\n}\n",
            ),
            (
                "prod/nginx.conf",
                "http {\n  proxy_next_upstream error timeout;\n}\n",
            ),
        ])
    };
    let (_, v) = check(&files(""));
    assert!(
        rules(&v).contains(&"nginx-no-timeout-retry".to_string()),
        "{v}"
    );
    let (r, v) = check(&files("[policy]\ndisable = [\"nginx-no-timeout-retry\"]\n"));
    assert_eq!(rules(&v), ["drift/value"]);
    assert_eq!(r.code, 0);
    let (_, v) = check(&files("[policy]\nbuiltin = false\n"));
    assert_eq!(rules(&v), ["drift/value"]);
    // Built-in rule ids can be disabled too.
    let (_, v) = check(&files(
        "[policy]\ndisable = [\"drift/value\", \"nginx-no-timeout-retry\"]\n",
    ));
    assert_eq!(rules(&v), Vec::<String>::new());
}

#[test]
fn explain_covers_pack_and_user_rules() {
    let t = repo(
        "x: 1\n",
        "x: 1\n",
        "[[rule]]\nid = \"workers-same\"\ndescription = \"workers match\"\nkeys = [\"workers\"]\nexpect = \"same\"\n",
    );
    let r = t.run(&["explain", "workers-same"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.starts_with("workers-same: workers match\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("policies/team.toml:1"), "{}", r.stdout);
    let r = t.run(&["explain", "nginx-no-timeout-retry"]);
    assert!(r.stdout.contains("shipped policy pack"), "{}", r.stdout);
    let r = t.run(&["explain", "workers-sam"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `workers-same`"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- suppressions

#[test]
fn inline_allows_in_every_format_with_comments() {
    // (file, staging, prod with the allow comment); prod without it is `path_line`.
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "app.yaml",
            "path: /var/lib/a\n",
            "path: /data/a  # driftcheck: allow drift/data-path -- moving disks, JIRA-12\n",
            "path: /data/a\n",
        ),
        (
            "app.ini",
            "[main]\npath = /var/lib/a\n",
            "[main]\n; driftcheck: allow drift/data-path -- moving disks\npath = /data/a\n",
            "[main]\npath = /data/a\n",
        ),
        (
            "app.xml",
            "<c>\n  <path>/var/lib/a</path>\n</c>\n",
            "<c>\n  <path>/data/a</path> <!-- driftcheck: allow drift/data-path - moving disks (XML comments cannot hold two dashes) -->\n</c>\n",
            "<c>\n  <path>/data/a</path>\n</c>\n",
        ),
        (
            "nginx.conf",
            "http {\n  root /var/lib/a;\n}\n",
            "http {\n  # driftcheck: allow drift/data-path -- moving disks\n  root /data/a;\n}\n",
            "http {\n  root /data/a;\n}\n",
        ),
        (
            ".env",
            "DATA_PATH=/var/lib/a\n",
            "DATA_PATH=/data/a # driftcheck: allow drift/data-path -- moving disks\n",
            "DATA_PATH=/data/a\n",
        ),
    ];
    for (file, staging, prod, plain) in cases {
        let t = Tree::new(&[
            ("driftcheck.toml", NO_POLICIES),
            (&format!("staging/{file}"), staging),
            (&format!("prod/{file}"), prod),
        ]);
        let (r, v) = check(&t);
        assert_eq!(rules(&v), Vec::<String>::new(), "{file}: {v}");
        assert_eq!(v["summary"]["accepted"], 1, "{file}");
        assert_eq!(r.code, 0, "{file}");
        // Without the comment the finding is back: the test can fail.
        t.write(&format!("prod/{file}"), plain);
        let (_, v) = check(&t);
        assert_eq!(rules(&v), ["drift/data-path"], "{file}: {v}");
    }
}

#[test]
fn an_inline_allow_needs_a_reason_and_the_right_rule() {
    let (r, v) = check(&repo(
        "path: /var/lib/a\n",
        "path: /data/a # driftcheck: allow drift/data-path\n",
        "# none\n",
    ));
    assert_eq!(
        rules(&v),
        ["drift/data-path", "policy/invalid-suppression"],
        "{v}"
    );
    assert_eq!(r.code, 1);
    let (r, v) = check(&repo(
        "path: /var/lib/a\n",
        "path: /data/a # driftcheck: allow drift/value -- wrong rule\n",
        "# none\n",
    ));
    assert_eq!(rules(&v), ["drift/data-path"]);
    assert_eq!(r.code, 1);
}

#[test]
fn waivers_apply_expire_and_are_reported_when_unused() {
    let waiver = |expires: &str| {
        format!(
            "[[waiver]]\nrule = \"drift/data-path\"\nfile = \"app.yaml\"\nkey = \"path\"\nreason = \"disk migration, OPS-7\"\n{expires}"
        )
    };
    let (r, v) = check(&repo(
        "path: /var/lib/a\n",
        "path: /data/a\n",
        &waiver("expires = \"2999-01-01\"\n"),
    ));
    assert_eq!(rules(&v), Vec::<String>::new(), "{v}");
    assert_eq!(v["summary"]["accepted"], 1);
    assert_eq!(r.code, 0);

    let (r, v) = check(&repo(
        "path: /var/lib/a\n",
        "path: /data/a\n",
        &waiver("expires = 2001-02-03\n"),
    ));
    assert_eq!(
        rules(&v),
        ["drift/data-path", "policy/expired-waiver"],
        "{v}"
    );
    let expired = &v["findings"][1];
    assert!(
        expired["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2001-02-03"),
        "{expired}"
    );
    assert_eq!(r.code, 1, "an expired waiver no longer hides the error");

    let (r, v) = check(&repo("path: /a\n", "path: /a\n", &waiver("")));
    assert_eq!(rules(&v), ["policy/unused-waiver"]);
    assert_eq!(
        v["findings"][0]["envs"]["policy"]["file"],
        "policies/team.toml"
    );
    assert_eq!(r.code, 0);
    assert_eq!(
        repo("path: /a\n", "path: /a\n", &waiver(""))
            .run(&["check", "--strict"])
            .code,
        1
    );
}

// ---------------------------------------------------------------- baselines

#[test]
fn a_baseline_survives_line_shifts_and_fails_on_changed_values() {
    let t = Tree::new(&[
        ("driftcheck.toml", NO_POLICIES),
        (
            "staging/app.yaml",
            "path: /var/lib/a\ndb:\n  password: Stg-Base-4471-x\n",
        ),
        (
            "prod/app.yaml",
            "path: /data/a\ndb:\n  password: Stg-Base-4471-x\n",
        ),
    ]);
    let base = t.path().join("baseline.json");
    let r = t.run(&["check", "--write-baseline", "baseline.json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let written = std::fs::read_to_string(&base).unwrap();
    assert!(
        !written.contains("4471"),
        "no secret in the baseline: {written}"
    );
    assert!(!written.contains("\"line\""), "no line numbers: {written}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&written).unwrap()["findings"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let with_baseline = |t: &Tree| {
        let r = t.run(&["check", "--baseline", "baseline.json", "--format", "json"]);
        let v = json(&r);
        (r.code, rules(&v))
    };
    assert_eq!(with_baseline(&t), (0, vec![]));
    // Lines shift: still the same findings.
    t.write(
        "prod/app.yaml",
        "# moved down\n\npath: /data/a\ndb:\n  password: Stg-Base-4471-x\n",
    );
    assert_eq!(with_baseline(&t), (0, vec![]));
    // A changed value is a new finding.
    t.write(
        "prod/app.yaml",
        "# moved down\n\npath: /data/b\ndb:\n  password: Stg-Base-4471-x\n",
    );
    assert_eq!(with_baseline(&t), (1, vec!["drift/data-path".to_string()]));
    // A broken baseline file is exit 2, not a pass.
    t.write(
        "baseline.json",
        "{\"version\": 1, \"findings\": [{\"nope\": 1}]}",
    );
    assert_eq!(t.run(&["check", "--baseline", "baseline.json"]).code, 2);
}

/// A key holding dots is matched as the segments it spells, in every
/// format, by value checks too (the values a policy reads are collected by
/// its keys' last names: `db.url` is also `url`): a properties file, a
/// Spring YAML key written whole and the nested spelling are one setting;
/// `mydb.url` is another.
#[test]
fn a_key_holding_dots_is_checked_as_the_path_it_spells() {
    let policy = "[[rule]]\nid = \"no-localhost\"\nkeys = [\"db.url\"]\nenvs = [\"prod\"]\nforbid = 'localhost'\n";
    let cases = [
        ("app.properties", "db.url=jdbc:h2:localhost\n", true),
        ("app.yaml", "db.url: jdbc:h2:localhost\n", true),
        ("app.yaml", "db:\n  url: jdbc:h2:localhost\n", true),
        ("app.yaml", "spring:\n  db.url: jdbc:h2:localhost\n", false),
        ("app.properties", "mydb.url=jdbc:h2:localhost\n", false),
    ];
    for (file, prod, fires) in cases {
        let staging = prod.replace("localhost", "db.internal");
        let t = Tree::new(&[
            ("driftcheck.toml", CONFIG),
            (&format!("staging/{file}"), &staging),
            (&format!("prod/{file}"), prod),
            ("policies/team.toml", policy),
        ]);
        let (_, v) = check(&t);
        assert_eq!(
            rules(&v).contains(&"no-localhost".to_string()),
            fires,
            "{file}: {prod:?}\n{v}"
        );
    }
}
