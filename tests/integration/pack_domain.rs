//! The shipped pack knows its domain (issue 13, docs/policies.md "Scope"):
//! Kubernetes rules judge Kubernetes documents' effective values, never a
//! file's deletion by itself; flag rules judge boolean values under flag-like
//! names; the image rule silences a changed tag, never a changed registry.

use crate::gate_catalogue::{ANA, Repo, msg, reviewed_by};
use crate::harness::{Tree, json};

const CONFIG: &str =
    "[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n";

fn pack_requirements(g: &crate::gate_catalogue::Gate) -> Vec<String> {
    g.requirements()
        .iter()
        .filter_map(|m| m["source"].as_str().map(str::to_string))
        .filter(|s| s.starts_with("policy"))
        .collect()
}

/// Deleting, renaming or moving files that are not Kubernetes resources,
/// or renaming one that is, asks for the ordinary review only. Deleting a
/// Deployment from a plain environment deletes the object: its replicas
/// are removed, which the decrease rule judges (a patch file deleted from
/// a rendered environment is judged by its effect instead,
/// `rendered_overlays_get_the_kubernetes_rules`).
#[test]
fn file_deletions_and_renames_outside_the_domain_need_one_signoff() {
    let files: &[(&str, &str)] = &[
        (
            "playbook.yaml",
            "- hosts: all\n  tasks:\n    - name: sync\n      command: x\n",
        ),
        ("region.yaml", "region: us-east-1\nreplicas: 3\n"),
        (
            "replicas.yml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n",
        ),
        (
            "flags.yaml",
            "cache_enabled: true\nmax_cache_size_mb: 512\n",
        ),
    ];
    for (name, content) in files {
        for how in ["delete", "rename"] {
            let mut init: Vec<(String, String)> = vec![("driftcheck.toml".into(), CONFIG.into())];
            for env in ["staging", "prod"] {
                init.push((format!("deploy/{env}/{name}"), content.to_string()));
                init.push((format!("deploy/{env}/keep.yaml"), "a: 1\n".to_string()));
            }
            let refs: Vec<(&str, &str)> =
                init.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let r = Repo::init(&refs);
            for env in ["staging", "prod"] {
                let from = format!("deploy/{env}/{name}");
                match how {
                    "delete" => std::fs::remove_file(r.root().join(&from)).unwrap(),
                    _ => r.rename(&from, &format!("deploy/{env}/renamed-{name}")),
                }
            }
            r.commit(&msg(&reviewed_by(ANA)));
            let g = r.gate_main();
            if (*name, how) == ("replicas.yml", "delete") {
                let asked = pack_requirements(&g);
                assert!(
                    asked
                        .iter()
                        .any(|s| s.contains("spec.replicas removed in prod")),
                    "{name} {how}: {}",
                    g.show()
                );
                g.assert_refused();
                continue;
            }
            assert!(
                pack_requirements(&g).is_empty(),
                "{name} {how}: {}",
                g.show()
            );
            g.assert_passed();
        }
    }
}

/// A replica decrease in a Kubernetes resource still needs two sign-offs,
/// also when the resource moves to another file in the same change.
#[test]
fn a_kubernetes_replica_decrease_needs_two_signoffs_even_when_moved() {
    let dep = |n: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {n}\n"
        )
    };
    for moved in [false, true] {
        let r = Repo::init(&[
            ("driftcheck.toml", CONFIG),
            ("deploy/staging/web.yaml", &dep(3)),
            ("deploy/prod/web.yaml", &dep(3)),
        ]);
        let to = if moved {
            "deploy/prod/apps/web2.yaml"
        } else {
            "deploy/prod/web.yaml"
        };
        if moved {
            r.rename("deploy/prod/web.yaml", to);
        }
        r.write(to, &dep(1));
        r.write("deploy/staging/web.yaml", &dep(1));
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        g.assert_refused();
        assert!(
            pack_requirements(&g)
                .iter()
                .any(|s| s.contains("k8s-replica-decrease")),
            "moved={moved}: {}",
            g.show()
        );
    }
}

/// Flag rules: boolean values under flag-like names only.
#[test]
fn flag_rules_judge_booleans_only() {
    let cases: &[(&str, &str, &str, bool)] = &[
        ("cache_enabled", "true", "false", true),
        ("write_enabled", "on", "off", true),
        ("RAILS_CACHE_REDIS_HOST", "redis-a", "redis-b", false),
        ("max_cache_size_mb", "512", "1024", false),
        (
            "ssl_session_cache",
            "shared:SSL:10m",
            "shared:SSL:20m",
            false,
        ),
    ];
    for (key, from, to, fires) in cases {
        let file = |v: &str| format!("{key}: {v}\n");
        let r = Repo::init(&[
            ("driftcheck.toml", CONFIG),
            ("deploy/staging/app.yaml", &file(from)),
            ("deploy/prod/app.yaml", &file(from)),
        ]);
        for env in ["staging", "prod"] {
            r.write(&format!("deploy/{env}/app.yaml"), &file(to));
        }
        r.commit(&msg(&reviewed_by(ANA)));
        let g = r.gate_main();
        let asked = pack_requirements(&g)
            .iter()
            .any(|s| s.contains("flags-change-review"));
        assert_eq!(asked, *fires, "{key}: {}", g.show());
    }
}

/// The image rule silences a changed tag (container image, Helm `image.tag`,
/// kustomize `images[].newTag`), never a changed registry or repository.
#[test]
fn image_rule_silences_only_the_tag() {
    let pod = |image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: {image}\n"
        )
    };
    let kustomization = |tag: &str| {
        format!("images:\n  - name: web\n    newName: reg.io/web\n    newTag: \"{tag}\"\n")
    };
    let helm = |tag: &str| format!("image:\n  repository: reg.io/web\n  tag: \"{tag}\"\n");
    let cases: Vec<(&str, String, String, bool)> = vec![
        (
            "k8s/web.yaml",
            pod("reg.io/web:1.0"),
            pod("reg.io/web:2.0"),
            true,
        ),
        (
            "k8s/web.yaml",
            pod("reg.io/web@sha256:aa"),
            pod("reg.io/web@sha256:bb"),
            true,
        ),
        (
            "k8s/web.yaml",
            pod("reg.io/web:1.0"),
            pod("evil.io/web:1.0"),
            false,
        ),
        (
            "k8s/web.yaml",
            pod("reg.io:5000/web:1.0"),
            pod("reg.io:5000/web2:1.0"),
            false,
        ),
        (
            "kustomization.yaml",
            kustomization("1.0"),
            kustomization("2.0"),
            true,
        ),
        ("values.yaml", helm("1.0"), helm("2.0"), true),
    ];
    for (file, staging, prod, silenced) in &cases {
        let t = Tree::new(&[
            ("driftcheck.toml", CONFIG),
            (&format!("deploy/staging/{file}"), staging.as_str()),
            (&format!("deploy/prod/{file}"), prod.as_str()),
        ]);
        let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
        let v = json(&r);
        let n = v["findings"].as_array().unwrap().len();
        assert_eq!(
            n == 0,
            *silenced,
            "{file}: {staging} vs {prod}: {}",
            r.all()
        );
    }
}

/// Rendered environments (kustomize overlays through `kubectl kustomize`): a
/// prod scale-down needs the pack's two sign-offs there too, and deleting a
/// patch whose effect was an increase needs none.
#[test]
fn rendered_overlays_get_the_kubernetes_rules() {
    if !crate::harness::tool("kubectl", &["version", "--client"]) {
        return;
    }
    let config = "[env.staging]\nrender = [\"kubectl\", \"kustomize\", \"envs/staging\"]\n\n[env.prod]\nrender = [\"kubectl\", \"kustomize\", \"envs/prod\"]\n";
    let dep = |n: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {n}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n"
        )
    };
    let patch = |n: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {n}\n"
        )
    };
    let overlay = "resources: [../../base]\npatches:\n  - path: replicas.yaml\n";
    let base_only = "resources: [../../base]\n";
    let files = |prod: u32| {
        vec![
            ("driftcheck.toml".to_string(), config.to_string()),
            (
                "base/kustomization.yaml".to_string(),
                "resources: [deploy.yaml]\n".to_string(),
            ),
            ("base/deploy.yaml".to_string(), dep(3)),
            (
                "envs/staging/kustomization.yaml".to_string(),
                overlay.to_string(),
            ),
            ("envs/staging/replicas.yaml".to_string(), patch(2)),
            (
                "envs/prod/kustomization.yaml".to_string(),
                overlay.to_string(),
            ),
            ("envs/prod/replicas.yaml".to_string(), patch(prod)),
        ]
    };
    // Scale-down 10 -> 5 in prod: two sign-offs.
    let init = files(10);
    let refs: Vec<(&str, &str)> = init.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = Repo::init(&refs);
    r.write("envs/prod/replicas.yaml", &patch(5));
    r.commit(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    assert!(
        pack_requirements(&g)
            .iter()
            .any(|s| s.contains("k8s-replica-decrease")),
        "{}",
        g.show()
    );
    // Staging's patch (2) deleted: the base's 3 applies, an increase. No pack review.
    let r = Repo::init(&refs);
    std::fs::remove_file(r.root().join("envs/staging/replicas.yaml")).unwrap();
    r.write("envs/staging/kustomization.yaml", base_only);
    r.commit(&msg(&reviewed_by(ANA)));
    let g = r.gate_main();
    assert!(pack_requirements(&g).is_empty(), "{}", g.show());
}
