//! The command line end to end: the demo, exit codes, discovery, config errors.

use crate::harness::{Tree, driftcheck, first_finding, json, repo, rules_and_keys, stable};

#[test]
fn demo_human_snapshot() {
    let run = driftcheck(&repo().join("fixtures/demo"), &["diff", "staging", "prod"]);
    assert_eq!(run.code, 1, "{}", run.all());
    insta::assert_snapshot!("demo_human", stable(&run.all()));
}

#[test]
fn demo_json_snapshot() {
    let run = driftcheck(
        &repo().join("fixtures/demo"),
        &["diff", "staging", "prod", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    let v = json(&run);
    assert_eq!(v["version"], 1);
    assert_eq!(v["command"], "diff");
    insta::assert_snapshot!("demo_json", stable(&run.stdout));
}

#[test]
fn demo_shows_every_finding_kind() {
    let v = json(&driftcheck(
        &repo().join("fixtures/demo"),
        &["diff", "staging", "prod", "--format", "json"],
    ));
    let rules: Vec<String> = rules_and_keys(&v).into_iter().map(|(r, _)| r).collect();
    for rule in [
        "drift/data-path",
        "drift/credential-reused",
        "drift/secret-literal",
        "drift/flag",
        "drift/missing-key",
        "drift/missing-file",
        "drift/value",
    ] {
        assert!(
            rules.iter().any(|r| r == rule),
            "{rule} missing from {rules:?}"
        );
    }
}

#[test]
fn verbose_lists_values_equal_modulo_env() {
    let run = driftcheck(
        &repo().join("fixtures/demo"),
        &["diff", "staging", "prod", "-v"],
    );
    assert!(
        run.stdout
            .contains("equal once environment names are normalised"),
        "{}",
        run.all()
    );
    let quiet = driftcheck(&repo().join("fixtures/demo"), &["diff", "staging", "prod"]);
    assert!(
        !quiet.stdout.contains("orders-db.staging.internal"),
        "{}",
        quiet.all()
    );
}

#[test]
fn exit_codes_follow_severity() {
    let clean = Tree::new(&[("staging/a.yaml", "x: 1\n"), ("prod/a.yaml", "x: 1\n")]);
    let r = clean.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains("0 errors, 0 warnings, 0 notes"),
        "{}",
        r.all()
    );

    let warn = Tree::new(&[
        ("staging/a.yaml", "x: 1\ndebug: true\n"),
        ("prod/a.yaml", "x: 1\ndebug: false\n"),
    ]);
    assert_eq!(warn.run(&["diff", "staging", "prod"]).code, 0);
    assert_eq!(warn.run(&["diff", "staging", "prod", "--strict"]).code, 1);

    let err = Tree::new(&[
        ("staging/a.yaml", "path: /var/lib/a\n"),
        ("prod/a.yaml", "path: /data/a\n"),
    ]);
    assert_eq!(err.run(&["diff", "staging", "prod"]).code, 1);
}

#[test]
fn discovers_directories_and_file_pairs() {
    let dirs = Tree::new(&[
        ("deploy/overlays/staging/app.yaml", "replicas: 1\n"),
        ("deploy/overlays/production/app.yaml", "replicas: 3\n"),
        ("README.md", "x\n"),
    ]);
    let r = dirs.run(&["diff", "staging", "prod", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        rules_and_keys(&json(&r)),
        vec![("drift/value".to_string(), "replicas".to_string())]
    );

    let pairs = Tree::new(&[
        ("helm/values-staging.yaml", "image: {tag: a}\nworkers: 2\n"),
        ("helm/values-prod.yaml", "image: {tag: b}\nworkers: 4\n"),
        (".env.staging", "A=1\n"),
        (".env.production", "A=1\n"),
    ]);
    let r = pairs.run(&["diff", "staging", "prod", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let v = json(&r);
    // Image tags may differ (shipped Kubernetes policy); the worker count may not.
    assert_eq!(
        rules_and_keys(&v),
        vec![("drift/value".to_string(), "workers".to_string())]
    );
    assert_eq!(v["summary"]["files"], 4);
}

#[test]
fn several_groups_are_all_compared_and_missing_ones_exit_2_with_a_snippet() {
    // Two groups of environment directories: both compared, each under its own path.
    let two = Tree::new(&[
        ("a/staging/x.yaml", "a: 1\n"),
        ("a/prod/x.yaml", "a: 2\n"),
        ("b/staging/x.yaml", "b: 1\n"),
        ("b/prod/x.yaml", "b: 2\n"),
    ]);
    let r = two.run(&["diff", "staging", "prod", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        rules_and_keys(&json(&r)),
        vec![
            ("drift/value".to_string(), "a".to_string()),
            ("drift/value".to_string(), "b".to_string())
        ]
    );
    // Environments no group holds: exit 2 listing the candidates.
    let r = two.run(&["diff", "staging", "qa"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr.contains("a/{env}") && r.stderr.contains("b/{env}"),
        "{}",
        r.all()
    );
    assert!(r.stderr.contains("[env.staging]"), "{}", r.all());

    let none = Tree::new(&[("x.yaml", "a: 1\n")]);
    let r = none.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr.contains("[env.prod]\n    root = \"path/to/prod\""),
        "{}",
        r.all()
    );
}

#[test]
fn config_errors_name_the_line_and_suggest() {
    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.staging]\nroot = \"s\"\n[env.prod]\nroots = \"p\"\n",
        ),
        ("s/a.yaml", "a: 1\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("driftcheck.toml:4"), "{}", r.all());
    assert!(r.stderr.contains("did you mean `root`"), "{}", r.all());

    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.staging]\nroot = \"s\"\n[env.prod]\nroot = \"p\"\n",
        ),
        ("s/a.yaml", "a: 1\n"),
        ("p/a.yaml", "a: 1\n"),
    ]);
    let r = t.run(&["diff", "staging", "prdo"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `prod`"), "{}", r.all());
    assert_eq!(t.run(&["check"]).code, 0);

    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.staging]\nroot = \"nope\"\n[env.prod]\nroot = \"p\"\n",
        ),
        ("p/a.yaml", "a: 1\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("root `nope` is not a directory"),
        "{}",
        r.all()
    );
}

#[test]
fn a_broken_file_is_a_finding_and_the_rest_is_compared() {
    let run = driftcheck(
        &repo().join("fixtures/broken"),
        &["diff", "staging", "prod", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    let v = json(&run);
    let parse: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "parse/error")
        .collect();
    assert_eq!(parse.len(), 1, "{}", run.stdout);
    assert_eq!(parse[0]["envs"]["prod"]["line"], 6);
    // app.json was still compared in both environments.
    assert_eq!(v["summary"]["files"], 4, "{}", run.stdout);
    let verbose = json(&driftcheck(
        &repo().join("fixtures/broken"),
        &["diff", "staging", "prod", "--format", "json", "-v"],
    ));
    assert!(
        verbose["equivalent"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file"] == "app.json"),
        "{verbose}"
    );
    assert!(!run.all().contains("canary"), "{}", run.all());

    let all_broken = Tree::new(&[("staging/a.json", "{\"a\": \n"), ("prod/a.json", "[1,\n")]);
    let r = all_broken.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr.contains("nothing could be compared"),
        "{}",
        r.all()
    );
    assert!(r.stdout.contains("a.json"), "{}", r.all());
}

#[test]
fn incident_feature_flag_flip() {
    let run = driftcheck(
        &repo().join("fixtures/incidents/feature-flag-flip"),
        &["diff", "cluster-a", "cluster-b", "--format", "json"],
    );
    let v = json(&run);
    assert_eq!(
        rules_and_keys(&v),
        vec![(
            "drift/flag".to_string(),
            "flags.cache_writes_enabled".to_string()
        )],
        "{}",
        run.stdout
    );
    // The shipped flags policy makes a cache-write flag's divergence an error.
    assert_eq!(v["findings"][0]["policy"], "flags-divergence");
    assert_eq!(v["findings"][0]["severity"], "error");
    assert_eq!(run.code, 1);
}

#[test]
fn incident_credential_reused() {
    let run = driftcheck(
        &repo().join("fixtures/incidents/credential-reused"),
        &["diff", "staging", "prod", "--format", "json"],
    );
    let v = json(&run);
    let reused: Vec<(String, String)> = rules_and_keys(&v)
        .into_iter()
        .filter(|(r, _)| r == "drift/credential-reused")
        .collect();
    assert_eq!(
        reused,
        vec![(
            "drift/credential-reused".to_string(),
            "POSTGRES_SUPERUSER_PASSWORD".to_string()
        )],
        "{}",
        run.stdout
    );
    let f = first_finding(&v, "drift/credential-reused");
    assert_eq!(
        f["envs"]["staging"]["secret"]["fingerprint"],
        f["envs"]["prod"]["secret"]["fingerprint"]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn three_environments_give_a_matrix() {
    let t = Tree::new(&[
        ("dev/app.yaml", "replicas: 1\nhost: api.dev.internal\n"),
        (
            "staging/app.yaml",
            "replicas: 2\nhost: api.staging.internal\n",
        ),
        (
            "prod/app.yaml",
            "replicas: 2\nhost: api.prod.internal\nextra: 1\n",
        ),
    ]);
    let r = t.run(&["diff", "dev", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    assert_eq!(v["envs"], serde_json::json!(["dev", "staging", "prod"]));
    let f = &v["findings"].as_array().unwrap();
    let replicas = f.iter().find(|f| f["key"] == "replicas").unwrap();
    assert_eq!(replicas["envs"]["dev"]["value"], "1");
    assert_eq!(replicas["envs"]["prod"]["value"], "2");
    let extra = f.iter().find(|f| f["key"] == "extra").unwrap();
    assert_eq!(extra["rule"], "drift/missing-key");
    assert!(extra["envs"]["dev"].is_null());
    assert!(!f.iter().any(|f| f["key"] == "host"));
}

#[test]
fn kubernetes_resources_align_wherever_they_live() {
    let dep = |ns: &str, replicas: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop-{ns}\nspec:\n  replicas: {replicas}\n"
        )
    };
    let t = Tree::new(&[
        (
            "staging/all.yaml",
            &format!(
                "{}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n",
                dep("staging", 1)
            ),
        ),
        ("prod/deployment.yaml", &dep("prod", 3)),
        (
            "prod/service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n",
        ),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    assert_eq!(
        rules_and_keys(&v),
        vec![("drift/value".to_string(), "spec.replicas".to_string())],
        "{}",
        r.stdout
    );
    let f = &v["findings"][0];
    assert_eq!(f["document"], "Deployment/shop-{env}/api");
    assert_eq!(f["envs"]["prod"]["file"], "prod/deployment.yaml");
    assert_eq!(f["envs"]["prod"]["line"], 7);
}

#[test]
fn text_files_get_a_masked_unified_diff() {
    let t = Tree::new(&[
        (
            "staging/app.conf",
            "listen 80;\nserver_name api.staging.internal;\npassword = hunter2-staging\nworkers 4;\n",
        ),
        (
            "prod/app.conf",
            "listen 80;\nserver_name api.prod.internal;\npassword = hunter2-prod\nworkers 8;\n",
        ),
    ]);
    let r = t.run(&["diff", "staging", "prod"]);
    assert!(
        r.stdout.contains("-workers 4;") && r.stdout.contains("+workers 8;"),
        "{}",
        r.all()
    );
    assert!(!r.stdout.contains("hunter2"), "{}", r.all());
    assert!(!r.stdout.contains("-server_name"), "{}", r.all());
}

#[test]
fn explain_known_and_unknown_rules() {
    let here = repo();
    let r = driftcheck(&here, &["explain", "drift/data-path"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("## Why is this bad?"), "{}", r.all());
    let r = driftcheck(&here, &["explain", "drift/data-pth"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `drift/data-path`"),
        "{}",
        r.all()
    );
}

#[test]
fn help_shows_exit_codes() {
    let r = driftcheck(&repo(), &["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Exit codes:"), "{}", r.all());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let demo = repo().join("fixtures/demo");
    // Not a terminal (a pipe): no escape codes by default.
    let plain = driftcheck(&demo, &["diff", "staging", "prod"]);
    assert!(!plain.stdout.contains('\u{1b}'), "{}", plain.all());
    let forced = driftcheck(&demo, &["diff", "staging", "prod", "--color", "always"]);
    assert!(
        forced.stdout.contains("\u{1b}[1m\u{1b}[31merror"),
        "{}",
        forced.all()
    );
    let never = driftcheck(&demo, &["diff", "staging", "prod", "--color", "never"]);
    assert!(!never.stdout.contains('\u{1b}'));
    // CLICOLOR_FORCE asks for colour through a pipe (anstream's rule);
    // NO_COLOR wins over a terminal, never over --color always.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_driftcheck"))
        .args(["diff", "staging", "prod"])
        .current_dir(&demo)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn formats_are_detected_by_name_and_overridden_by_glob() {
    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.staging]\nroot = \"s\"\n[env.prod]\nroot = \"p\"\n[formats]\n\"**/*.cfg\" = \"ini\"\n\"**/proxy/*.conf\" = \"nginx\"\n",
        ),
        ("s/app.cfg", "[server]\nworkers = 4\n"),
        ("p/app.cfg", "[server]\nworkers = 8\n"),
        ("s/proxy/site.conf", "server { listen 80; }\n"),
        ("p/proxy/site.conf", "server { listen 8080; }\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    // Structured keys, not text diffs: both overrides took effect.
    assert_eq!(
        rules_and_keys(&json(&r)),
        vec![
            ("drift/value".to_string(), "server.workers".to_string()),
            ("drift/value".to_string(), "server[:80].listen".to_string())
        ],
        "{}",
        r.all()
    );
}

#[test]
fn one_secret_under_different_keys_in_two_environments_is_reuse() {
    let t = Tree::new(&[
        ("staging/a.yaml", "db:\n  password: CrossKey42xyz\n"),
        ("prod/a.yaml", "db:\n  password: Other99secret\n"),
        ("prod/b.yaml", "cache:\n  password: CrossKey42xyz\n"),
        ("staging/b.yaml", "cache:\n  password: Fine77value\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    let f = first_finding(&v, "drift/credential-reused");
    assert!(
        f["message"].as_str().unwrap().contains("different keys"),
        "{f}"
    );
    assert_eq!(f["envs"]["staging"]["file"], "staging/a.yaml");
    assert_eq!(f["envs"]["prod"]["file"], "prod/b.yaml");
    assert_eq!(
        f["envs"]["staging"]["secret"]["fingerprint"],
        f["envs"]["prod"]["secret"]["fingerprint"]
    );
    assert!(!r.all().contains("CrossKey42"), "{}", r.all());
    assert_eq!(r.code, 1);
}

/// Ordinary docker-compose and Helm values, identical or nearly so across
/// environments, must not produce credential errors (review round 2).
#[test]
fn compose_and_helm_values_are_not_false_credential_errors() {
    let compose = "services:\n  db:\n    image: postgres:16\n    secrets: [db_password]\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n\
                   secrets:\n  db_password:\n    file: ./db_password.txt\n  api_token:\n    environment: API_TOKEN\n";
    let helm = |existing: &str| {
        format!(
            "podAnnotations:\n  checksum/secret: 3f2a9c1e0b7d4f6a8e5c2b1d0f9e8a7c6b5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f\n\
             auth:\n  existingSecret: {existing}\n  secretKeys:\n    adminPasswordKey: admin-password\n    userPasswordKey: user-password\n"
        )
    };
    let t = Tree::new(&[
        ("staging/docker-compose.yml", compose),
        ("prod/docker-compose.yml", compose),
        ("staging/values.yaml", &helm("orders-db-credentials")),
        ("prod/values.yaml", &helm("orders-db-credentials-v2")),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    assert_eq!(
        rules_and_keys(&json(&r)),
        vec![("drift/value".to_string(), "auth.existingSecret".to_string())],
        "{}",
        r.all()
    );
    assert_eq!(r.code, 0);
}

// ------------------------------------------------- formats and exit-2 errors

/// An exit-2 error reaches a consumer that reads only stdout, in the format
/// it asked for; stderr has the text in every format.
#[test]
fn exit_2_errors_speak_the_format_asked_for() {
    let t = crate::harness::Tree::new(&[("driftcheck.toml", "[env.staging]\nroot = 7\n")]);
    for format in ["human", "json", "github", "sarif", "markdown"] {
        let run = t.run(&["diff", "staging", "prod", "--format", format]);
        assert_eq!(run.code, 2, "{format}: {}", run.all());
        assert!(run.stderr.contains("driftcheck: error:"), "{}", run.all());
        match format {
            "human" => assert_eq!(run.stdout, "", "{}", run.all()),
            "json" => {
                let v = crate::harness::json(&run);
                assert_eq!(v["version"], 1);
                assert!(
                    v["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("driftcheck.toml")
                );
                assert_eq!(v["error"]["problems"][0]["line"], 2, "{v}");
                assert_eq!(v["error"]["problems"][0]["code"], "config/invalid", "{v}");
            }
            "sarif" => {
                let v = crate::harness::json(&run);
                let inv = &v["runs"][0]["invocations"][0];
                assert_eq!(inv["executionSuccessful"], false, "{v}");
                assert_eq!(inv["toolExecutionNotifications"][0]["level"], "error");
            }
            "github" => assert!(
                run.stdout.starts_with(
                    "::error file=driftcheck.toml,line=2,col=8,title=config/invalid::"
                ),
                "{}",
                run.all()
            ),
            _ => assert!(
                run.stdout.starts_with("**driftcheck could not run**"),
                "{}",
                run.all()
            ),
        }
    }
}

/// A command asked for a format it does not speak refuses (exit 2, naming
/// the formats it speaks) instead of printing another form.
#[test]
fn every_command_speaks_a_format_or_refuses_it() {
    let demo = repo().join("fixtures/demo");
    let speaks: &[(&[&str], &[&str])] = &[
        (&["audit"], &["human", "json", "markdown"]),
        (&["approve"], &["human", "json"]),
        (&["trailers"], &["human", "json"]),
        (&["explain", "drift/flag"], &["human", "json"]),
        (&["explain", "--list"], &["human", "json"]),
        (&["init"], &["human"]),
        (&["man"], &["human"]),
        (&["completions", "bash"], &["human"]),
    ];
    for (command, formats) in speaks {
        for format in ["json", "sarif", "github", "markdown"] {
            if formats.contains(&format) {
                continue;
            }
            let mut args = command.to_vec();
            args.extend(["--format", format]);
            let run = driftcheck(&demo, &args);
            assert_eq!(run.code, 2, "{args:?}: {}", run.all());
            assert!(
                run.stderr.contains("does not speak --format")
                    && run.stderr.contains(&formats.join(", ")),
                "{args:?}: {}",
                run.all()
            );
        }
    }
    let run = driftcheck(&demo, &["explain", "drift/flag", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(crate::harness::json(&run)["rule"]["severity"], "warning");
}

/// `explain --list` lists every id driftcheck can print, and `explain` knows
/// each of them.
#[test]
fn explain_lists_every_rule_and_knows_each() {
    let demo = repo().join("fixtures/demo");
    let run = driftcheck(&demo, &["explain", "--list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let v = crate::harness::json(&run);
    let ids: Vec<String> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    for must in [
        "drift/data-path",
        "parse/error",
        "gate/signoff",
        "gate/near-miss",
        "policy/unused-waiver",
        "k8s-replica-decrease",
    ] {
        assert!(ids.iter().any(|i| i == must), "{must} not in {ids:?}");
    }
    let mut seen = std::collections::BTreeSet::new();
    for id in &ids {
        assert!(seen.insert(id), "{id} listed twice");
        let run = driftcheck(&demo, &["explain", id]);
        assert_eq!(run.code, 0, "explain {id}: {}", run.all());
        assert!(run.stdout.starts_with(id.as_str()), "{}", run.all());
    }
    let human = driftcheck(&demo, &["explain", "--list"]);
    assert_eq!(human.stdout.lines().count(), ids.len(), "{}", human.all());
    let unknown = driftcheck(&demo, &["explain", "gate/signof"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `gate/signoff`"),
        "{}",
        unknown.all()
    );
}

/// What users read first: `--help` of every command, as snapshots.
#[test]
fn help_of_every_command() {
    for cmd in [
        &[][..],
        &["diff"],
        &["check"],
        &["gate"],
        &["approve"],
        &["audit"],
        &["hook"],
        &["hook", "install"],
        &["init"],
        &["trailers"],
        &["explain"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let run = driftcheck(&repo(), &args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.all());
        let name = if cmd.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", cmd.join("_"))
        };
        insta::assert_snapshot!(name, run.stdout);
    }
}

/// `init` on a two-environment layout: what it prints and the config it
/// writes, as snapshots (humans read both).
#[test]
fn init_output_and_written_config() {
    let t = Tree::new(&[
        ("deploy/staging/app.yaml", "replicas: 1\nlog_level: debug\n"),
        ("deploy/prod/app.yaml", "replicas: 3\nlog_level: info\n"),
        ("README.md", "not config\n"),
    ]);
    let run = t.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let tmp = t.path().display().to_string();
    insta::assert_snapshot!("init_stdout", run.stdout.replace(&tmp, "[TMP]"));
    let written = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
    insta::assert_snapshot!("init_config", written.replace(&tmp, "[TMP]"));
    // The config it wrote is one the next run reads.
    let again = t.run(&["diff", "staging", "prod"]);
    assert_eq!(again.code, 0, "{}", again.all());
}
