//! R2 and R3 of the adversarial gate review: the change controls finding
//! identities, so "introduced" is decided by comparing each environment
//! with its own value at the base (src/gate/drift.rs, `introduced`). Each
//! family hides a changed prod data path behind a rename, a document
//! identity, a respelled environment name, a reused finding identity, or a
//! new environment, and is refused for the drift, with both sign-offs the
//! base asks for; each has a control that must still pass.

use crate::gate_catalogue::{ANA, BO, Repo, msg, reviewed_by};

fn both() -> String {
    format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO))
}

fn extra() -> Vec<(&'static str, &'static str)> {
    vec![
        ("deploy/staging/db.env", "DATA_PATH=/var/lib/pg\n"),
        ("deploy/prod/db.env", "DATA_PATH=/var/lib/pg\n"),
        ("deploy/staging/pg.ini", "[db]\ndata_path = /var/lib/pg\n"),
        ("deploy/prod/pg.ini", "[db]\ndata_path = /var/lib/pg\n"),
    ]
}

#[track_caller]
fn assert_introduced(r: &Repo, rule: &str, what: &str) {
    let g = r.gate_main();
    assert_eq!(g.code, 1, "{what}: {}", g.show());
    let findings = g.json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == rule && f["severity"] == "error"),
        "{what}: no introduced {rule} error:\n{}",
        g.show()
    );
}

/// Renames and moves within one environment, in each format, each shape.
#[test]
fn a_renamed_file_does_not_hide_its_drift() {
    let files = [
        (
            "app.yaml",
            "data_path: /var/lib/app",
            "data_path: /mnt/empty",
        ),
        ("db.env", "DATA_PATH=/var/lib/pg", "DATA_PATH=/mnt/empty"),
        (
            "pg.ini",
            "data_path = /var/lib/pg",
            "data_path = /mnt/empty",
        ),
    ];
    for env in ["prod", "staging"] {
        for (file, from, to) in files {
            let (stem, ext) = file.split_once('.').unwrap();
            for target in [
                format!("{stem}.{ext}x"),
                format!("v2/{file}"),
                format!("a/b/c/{file}"),
                format!("{}.{ext}", stem.to_uppercase()),
                format!("renamed-{stem}.{ext}"),
            ] {
                let what = format!("{env}/{file} -> {target}");
                let r = Repo::standard_with("", &extra());
                let old = format!("deploy/{env}/{file}");
                r.replace(&old, from, to);
                r.rename(&old, &format!("deploy/{env}/{target}"));
                r.git(&["add", "-A"]);
                r.commit(&msg(&both()));
                assert_introduced(&r, "drift/data-path", &what);
            }
        }
    }
    // Control: the same rename in every environment, values kept, passes.
    let r = Repo::standard_with("", &extra());
    for env in ["staging", "prod"] {
        r.rename(
            &format!("deploy/{env}/db.env"),
            &format!("deploy/{env}/v2/database.env"),
        );
    }
    r.git(&["add", "-A"]);
    r.commit(&msg(&both()));
    r.gate_main().assert_passed();
}

/// A Kubernetes document renamed (name, namespace, kind spelling) in one
/// environment while its data path changes, alone or second in its file.
#[test]
fn a_renamed_document_does_not_hide_its_drift() {
    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: app\ndata:\n  data_path: /var/lib/app\n  timeout: \"30\"\n";
    let second = format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n{CM}");
    for content in [CM.to_string(), second] {
        for (from, to) in [
            ("name: app-config", "name: app-config-v2"),
            ("namespace: app", "namespace: app-prod"),
            ("kind: ConfigMap", "kind: configmap"),
        ] {
            for env in ["prod", "staging"] {
                let what = format!("{env}: {from} -> {to}");
                let r = Repo::standard_with(
                    "",
                    &[
                        ("deploy/staging/cm.yaml", &content),
                        ("deploy/prod/cm.yaml", &content),
                    ],
                );
                let file = format!("deploy/{env}/cm.yaml");
                r.replace(
                    &file,
                    "data_path: /var/lib/app\n  timeout",
                    "data_path: /mnt/empty\n  timeout",
                );
                r.replace(&file, from, to);
                r.git(&["add", "-A"]);
                r.commit(&msg(&both()));
                assert_introduced(&r, "drift/data-path", &what);
            }
        }
    }
    // Control: renamed in both environments, values kept: passes.
    let r = Repo::standard_with(
        "",
        &[("deploy/staging/cm.yaml", CM), ("deploy/prod/cm.yaml", CM)],
    );
    for env in ["staging", "prod"] {
        r.replace(
            &format!("deploy/{env}/cm.yaml"),
            "name: app-config",
            "name: app-config-v2",
        );
    }
    r.git(&["add", "-A"]);
    r.commit(&msg(&both()));
    r.gate_main().assert_passed();
}

/// A value whose only change is the spelling of its environment's name,
/// in one environment, at several key depths.
#[test]
fn a_respelled_environment_name_is_a_change() {
    let config = "[env.staging]\nroot = \"deploy/staging\"\naliases = [\"stage\", \"stg\"]\n\n[env.prod]\nroot = \"deploy/prod\"\naliases = [\"production\", \"prd\"]\n";
    for (key, nest) in [
        ("data_path", ""),
        ("db:\n  data_path", "  "),
        ("a:\n  b:\n    dir", "    "),
    ] {
        for new in ["prd", "production", "PROD", "Prod"] {
            let file = |env: &str| format!("{key}: /data/{env}\n{nest}timeout: 30\n");
            let r = Repo::init(&[
                ("driftcheck.toml", config),
                ("deploy/staging/app.yaml", &file("staging")),
                ("deploy/prod/app.yaml", &file("prod")),
            ]);
            r.write("deploy/prod/app.yaml", &file(new));
            r.git(&["add", "-A"]);
            r.commit(&msg(&reviewed_by(ANA)));
            assert_introduced(&r, "gate/env-spelling", &format!("{key} -> /data/{new}"));
        }
    }
    // Control: both environments respelled together, and prod moved to a
    // literal copy of its own spelling: both pass.
    let file = |env: &str| format!("data_path: /data/{env}\ntimeout: 30\n");
    let r = Repo::init(&[
        ("driftcheck.toml", config),
        ("deploy/staging/app.yaml", &file("staging")),
        ("deploy/prod/app.yaml", &file("prod")),
    ]);
    r.write("deploy/prod/app.yaml", &file("prd"));
    r.write("deploy/staging/app.yaml", &file("stg"));
    r.git(&["add", "-A"]);
    r.commit(&msg(&reviewed_by(ANA)));
    r.gate_main().assert_passed();
}

/// A pre-existing finding's identity does not cover a new divergence at
/// the same key: prod's value moved while staging's old difference stands.
#[test]
fn a_preexisting_finding_does_not_cover_a_new_value() {
    for (env, to) in [
        ("prod", "/mnt/empty"),
        ("staging", "/mnt/other"),
        ("prod", "/var/lib/app-new2"),
    ] {
        let r = Repo::standard("");
        r.on_main("staging mid-migration", |r| {
            r.replace(
                "deploy/staging/app.yaml",
                "/var/lib/app",
                "/var/lib/app-new",
            );
        });
        r.git(&["reset", "-q", "--hard", "main"]);
        let file = format!("deploy/{env}/app.yaml");
        let from = r
            .read(&file)
            .lines()
            .find(|l| l.starts_with("data_path"))
            .unwrap()
            .to_string();
        r.replace(&file, &from, &format!("data_path: {to}"));
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        assert_introduced(&r, "drift/data-path", &format!("{env} -> {to}"));
    }
    // Control: an unrelated change keeps the old finding pre-existing.
    let r = Repo::standard("");
    r.on_main("staging mid-migration", |r| {
        r.replace(
            "deploy/staging/app.yaml",
            "/var/lib/app",
            "/var/lib/app-new",
        );
    });
    r.git(&["reset", "-q", "--hard", "main"]);
    r.raise_timeout();
    r.git(&["add", "-A"]);
    r.commit(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    g.assert_passed();
    assert_eq!(g.gate()["preexisting"], 1, "{}", g.show());
}

/// R3: an environment the change adds has no base: its drift is introduced,
/// wherever its root lies; a consistent new environment passes.
#[test]
fn a_new_environment_is_compared() {
    for root in ["deploy/dev", "deploy/a/dev", "envs/dev"] {
        for (path, refused) in [("/mnt/scratch", true), ("/var/lib/app", false)] {
            let r = Repo::standard("");
            let config = r.read("driftcheck.toml");
            r.write(
                "driftcheck.toml",
                &format!("{config}\n[env.dev]\nroot = \"{root}\"\n"),
            );
            let app = r.read("deploy/prod/app.yaml").replace("/var/lib/app", path);
            r.write(&format!("{root}/app.yaml"), &app);
            r.git(&["add", "-A"]);
            r.commit(&msg(&reviewed_by(ANA)));
            if refused {
                assert_introduced(&r, "drift/data-path", root);
            } else {
                r.gate_main().assert_passed();
            }
        }
    }
}

/// An environment the merge base itself cannot list (landed anyway: a
/// missing root, a file as root) does not block every later change; when a
/// change makes it listable, it has no base and its drift is introduced.
#[test]
fn an_environment_broken_at_the_base_blocks_nothing_and_is_new_when_fixed() {
    for root in ["deploy/dev", "deploy/prod/app.yaml", "deploy/a/b/dev"] {
        let r = Repo::standard("");
        r.on_main("add dev (landed without the gate)", |r| {
            let config = r.read("driftcheck.toml");
            r.write(
                "driftcheck.toml",
                &format!("{config}\n[env.dev]\nroot = \"{root}\"\n"),
            );
        });
        r.git(&["reset", "-q", "--hard", "main"]);
        r.raise_timeout();
        r.git(&["add", "-A"]);
        r.commit(&msg(&reviewed_by(ANA)));
        r.gate_main().assert_passed();
        if root.ends_with("dev") {
            let app = r
                .read("deploy/prod/app.yaml")
                .replace("/var/lib/app", "/mnt/scratch");
            r.write(&format!("{root}/app.yaml"), &app);
            r.git(&["add", "-A"]);
            r.commit(&msg(&reviewed_by(ANA)));
            assert_introduced(&r, "drift/data-path", root);
        }
    }
}

/// Rule: a change is matched against the drift it touches in the drift's
/// own spelling, where every environment's name reads `{env}`. A data path
/// that already differed (pre-existing) and is changed again in
/// `prod/values-prod.yaml`, or in a document whose identity spells the
/// environment, passed as pre-existing, while the same change in
/// `app.yaml` was introduced. Each case on both paths.
#[test]
fn a_change_to_drift_in_a_file_or_document_named_for_its_environment_is_introduced() {
    let doc = |env: &str, path: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{env}\n  namespace: team-{env}\ndata:\n  data_path: {path}\n"
        )
    };
    let cases: [(&str, String, String); 2] = [
        (
            "values-{env}.yaml",
            "data_path: /srv/a\n".into(),
            "data_path: /srv/b\n".into(),
        ),
        (
            "cm-{env}.yaml",
            doc("staging", "/srv/a"),
            doc("prod", "/srv/b"),
        ),
    ];
    for (name, staging, prod) in cases {
        let (s_file, p_file) = (
            format!("deploy/staging/{}", name.replace("{env}", "staging")),
            format!("deploy/prod/{}", name.replace("{env}", "prod")),
        );
        let r = Repo::standard_with("", &[(&s_file, &staging), (&p_file, &prod)]);
        r.replace(&p_file, "/srv/b", "/srv/c");
        r.commit(&msg(&both()));
        for (full, g) in r.gate_both_paths() {
            let introduced = g.json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "drift/data-path");
            assert!(
                introduced && g.code == 1,
                "{name}, DRIFTCHECK_GATE_FULL={full}: the changed data path is not introduced:\n{}",
                g.show()
            );
        }
    }
}
