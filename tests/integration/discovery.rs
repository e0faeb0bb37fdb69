//! Discovery and `init` (docs/discovery.md): every group of environment-paired
//! config is found and compared under its own path, noise never makes an
//! environment, directories of different depth never pair, kustomize
//! Components are not environments. Generated families, plus the real-world
//! corpus through `crate::harness::corpus`.

use std::collections::BTreeSet;

use crate::harness::{Tree, copy_dir, driftcheck, json};

/// A small deterministic generator (xorshift), so failures replay by seed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// `workers` in each format, so every placement is exercised.
fn content(ext: &str, n: u64) -> String {
    match ext {
        "yaml" => format!("workers: {n}\n"),
        "json" => format!("{{\"workers\": {n}}}\n"),
        "toml" => format!("workers = {n}\n"),
        "properties" => format!("workers={n}\n"),
        _ => unreachable!(),
    }
}

const WORDS: &[&str] = &[
    "deploy", "svc", "api", "web", "k8s", "conf", "apps", "infra",
];
const EXTS: &[&str] = &["yaml", "json", "toml", "properties"];

/// Noise that names environments but is no config: docs, tests, CI, images, source.
const NOISE: &[(&str, &str)] = &[
    ("docs/dev_flow.md", "# dev\n"),
    ("README-prod.md", "# prod\n"),
    ("tests/test_staging.py", "x = 1\n"),
    ("src/app_prod_test.go", "package x\n"),
    (".github/workflows/test.yaml", "on: push\n"),
    (".github/workflows/prod.yaml", "on: push\n"),
    ("assets/logo-dev.png", "\u{89}PNG\r\n"),
    ("assets/logo-prod.png", "\u{89}PNG\r\n"),
    ("scripts/deploy-staging.sh", "echo\n"),
];

#[test]
fn every_group_is_compared_under_its_own_path() {
    for seed in 1..=24u64 {
        let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let t = Tree::new(NOISE);
        let mut expected: BTreeSet<String> = BTreeSet::new();
        let groups = 1 + g.below(4);
        for i in 0..groups {
            let depth = g.below(3);
            let mut parent: Vec<String> = (0..depth).map(|_| g.pick(WORDS).to_string()).collect();
            parent.push(format!("g{i}"));
            let parent = parent.join("/");
            let ext = g.pick(EXTS);
            let (s, p) = (1 + g.below(50), 51 + g.below(50));
            let staging = g.pick(&["staging", "stage"]);
            let prod = g.pick(&["prod", "production"]);
            match g.below(3) {
                0 => {
                    t.write(&format!("{parent}/{staging}/app.{ext}"), &content(ext, s));
                    t.write(&format!("{parent}/{prod}/app.{ext}"), &content(ext, p));
                    expected.insert(format!("{parent}/"));
                }
                1 => {
                    t.write(
                        &format!("{parent}/values-{staging}.{ext}"),
                        &content(ext, s),
                    );
                    t.write(&format!("{parent}/values-{prod}.{ext}"), &content(ext, p));
                    expected.insert(format!("{parent}/values-"));
                }
                _ => {
                    // Per-module pairs with the same base name in every module.
                    for m in ["mod-a", "mod-b"] {
                        let dir = format!("{parent}/{m}/src/main/resources");
                        t.write(
                            &format!("{dir}/application-{staging}.{ext}"),
                            &content(ext, s),
                        );
                        t.write(&format!("{dir}/application-{prod}.{ext}"), &content(ext, p));
                        expected.insert(format!("{parent}/{m}/"));
                    }
                }
            }
        }
        let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
        assert!(r.code == 0 || r.code == 1, "seed {seed}: {}", r.all());
        let v = json(&r);
        let files: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert_ne!(f["rule"], "drift/missing-file", "seed {seed}: {}", r.all());
                f["file"].as_str().unwrap_or("").to_string()
            })
            .collect();
        // One directory group alone is compared from its members' roots (`app.yaml`).
        let single_root = groups == 1
            && expected.len() == 1
            && expected
                .iter()
                .all(|e| e.ends_with('/') && !e.contains("mod-"));
        for want in &expected {
            assert!(
                files.iter().any(|f| f.starts_with(want.as_str()) || (single_root && f.starts_with("app."))),
                "seed {seed}: no finding under {want}: {}",
                r.all()
            );
        }
        // init writes the same environments, and its config runs.
        let r = t.run(&["init"]);
        assert_eq!(r.code, 0, "seed {seed}: {}", r.all());
        let text = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
        let cfg: toml::Table = toml::from_str(&text).unwrap();
        let envs: BTreeSet<&String> = cfg["env"].as_table().unwrap().keys().collect();
        assert_eq!(envs.len(), 2, "seed {seed}: {text}");
        for (_, e) in cfg["env"].as_table().unwrap() {
            if let Some(inc) = e.get("include").and_then(|i| i.as_array()) {
                let set: BTreeSet<_> = inc.iter().filter_map(|i| i.as_str()).collect();
                assert_eq!(
                    set.len(),
                    inc.len(),
                    "seed {seed}: duplicate include: {text}"
                );
            }
        }
        let paths = cfg["review"]["paths"].as_array().unwrap();
        assert!(
            paths.iter().all(|p| {
                let p = p.as_str().unwrap();
                !p.contains("docs") && !p.contains(".github") && !p.contains("assets")
            }),
            "seed {seed}: review paths too wide: {text}"
        );
        let r = t.run(&["check", "--format", "json"]);
        assert!(r.code == 0 || r.code == 1, "seed {seed}: {}", r.all());
    }
}

#[test]
fn noise_alone_is_no_environment() {
    let t = Tree::new(NOISE);
    let r = t.run(&["init"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(!t.path().join("driftcheck.toml").exists());
    let r = t.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 2, "{}", r.all());
}

#[test]
fn directories_of_different_depth_never_pair() {
    // Terragrunt: account > region > env. The envs are the deepest level.
    let t = Tree::new(&[
        (
            "non-prod/account.hcl",
            "locals { account_name = \"non-prod\" }\n",
        ),
        ("prod/account.hcl", "locals { account_name = \"prod\" }\n"),
        (
            "non-prod/us-east-1/stage/mysql/terragrunt.hcl",
            "inputs = { size = 1 }\n",
        ),
        (
            "non-prod/us-east-1/qa/mysql/terragrunt.hcl",
            "inputs = { size = 1 }\n",
        ),
        (
            "prod/us-east-1/prod/mysql/terragrunt.hcl",
            "inputs = { size = 3 }\n",
        ),
    ]);
    let r = t.run(&["diff", "stage", "prod", "--format", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.all());
    let v = json(&r);
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["rule"] != "drift/missing-file"),
        "{}",
        r.all()
    );
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == "mysql/terragrunt.hcl" && f["key"] == "inputs.size"),
        "{}",
        r.all()
    );
    let r = t.run(&["init"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains("holds other environment directories"),
        "{}",
        r.all()
    );
    let text = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
    for want in [
        "root = \"non-prod/us-east-1/stage\"",
        "root = \"non-prod/us-east-1/qa\"",
        "root = \"prod/us-east-1/prod\"",
    ] {
        assert!(text.contains(want), "{text}");
    }
}

#[test]
fn a_kustomize_component_is_not_an_environment() {
    let t = Tree::new(&[
        ("base/kustomization.yaml", "resources: [deploy.yaml]\n"),
        (
            "base/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n",
        ),
        (
            "variants/prod/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: [{path: p.yaml}]\n",
        ),
        (
            "variants/prod/p.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
        ),
        ("envs/qa/kustomization.yaml", "resources: [../../base]\n"),
        (
            "envs/prod-us/kustomization.yaml",
            "resources: [../../base]\ncomponents: [../../variants/prod]\n",
        ),
    ]);
    // Without a renderer on PATH the overlays are compared as files, and init says so.
    let empty = tempfile::tempdir().unwrap();
    let r = crate::harness::driftcheck_with_env(t.path(), &["init"], &[("PATH", empty.path())]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains("install kubectl or kustomize"),
        "{}",
        r.all()
    );
    let text = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
    assert!(text.contains("[env.qa]\nroot = \"envs/qa\""), "{text}");
    assert!(
        text.contains("[env.prod-us]\nroot = \"envs/prod-us\""),
        "{text}"
    );
    assert!(!text.contains("root = \"variants"), "{text}");
    if crate::harness::tool("kubectl", &["version", "--client"]) {
        std::fs::remove_file(t.path().join("driftcheck.toml")).unwrap();
        let r = t.run(&["init"]);
        assert_eq!(r.code, 0, "{}", r.all());
        let text = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
        assert!(
            text.contains("render = [\"kubectl\", \"kustomize\", \"envs/prod-us\"]"),
            "{text}"
        );
        // What the overlays build from is guarded too.
        assert!(
            text.contains("\"variants/prod/**\"") && text.contains("\"base/**\""),
            "{text}"
        );
        let r = t.run(&["diff", "qa", "prod-us", "--format", "json"]);
        assert!(r.code == 0 || r.code == 1, "{}", r.all());
        assert!(r.stdout.contains("spec.replicas"), "{}", r.all());
    }
}

/// Each corpus case: init picks the environments its EXPECTED.md names (or
/// refuses), and `diff` without a config compares or exits 2 — never
/// `missing-file` noise from a wrong pairing.
#[test]
fn init_on_the_real_world_corpus() {
    let Some(repos) = crate::harness::corpus("realworld/repos") else {
        return;
    };
    let cases: &[(&str, Option<&[&str]>)] = &[
        ("OWASP__Nest/at-54b15d6", Some(&["production", "staging"])),
        ("argoproj__argocd-example-apps", None),
        (
            "cookiecutter__cookiecutter-django/generated",
            Some(&["local", "production"]),
        ),
        (
            "fluxcd__flux2-multi-tenancy/at-b5d0bc2",
            Some(&["production", "staging"]),
        ),
        (
            "gruntwork-io__terragrunt-infrastructure-live-example/at-d106b47",
            Some(&["prod", "qa", "stage"]),
        ),
        (
            "libertarian-party__ansible",
            Some(&["production", "staging"]),
        ),
        ("macrozheng__mall", Some(&["dev", "prod"])),
        (
            "terraform-google-modules__terraform-example-foundation/with-tfvars",
            Some(&["development", "nonproduction", "production"]),
        ),
    ];
    for (case, want) in cases {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&repos.join(case), tmp.path());
        for e in std::fs::read_dir(tmp.path()).unwrap() {
            let p = e.unwrap().path();
            if p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("driftcheck")
            {
                std::fs::remove_file(p).unwrap();
            }
        }
        let r = driftcheck(tmp.path(), &["init"]);
        match want {
            None => assert_eq!(r.code, 2, "{case}: {}", r.all()),
            Some(want) => {
                assert_eq!(r.code, 0, "{case}: {}", r.all());
                let text = std::fs::read_to_string(tmp.path().join("driftcheck.toml")).unwrap();
                let cfg: toml::Table = toml::from_str(&text).unwrap();
                let envs: Vec<&str> = cfg["env"]
                    .as_table()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect();
                assert_eq!(&envs, want, "{case}: {text}");
                let r = driftcheck(tmp.path(), &["diff", "--format", "json", want[0], want[1]]);
                assert!(r.code == 0 || r.code == 1, "{case}: {}", r.all());
                let v = json(&r);
                assert!(
                    v["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|f| f["rule"] != "drift/missing-file"
                            || !f["file"].as_str().unwrap_or("").contains("application-")),
                    "{case}: {}",
                    r.all()
                );
            }
        }
    }
}

/// A lone file group over a base file (Helm `values.yaml`, Spring
/// `application.yml`, `.env`, `docker-compose.yml`) is layered on it.
#[test]
fn a_lone_file_group_is_layered_on_its_base() {
    for (base, staging, prod) in [
        (
            "chart/values.yaml",
            "chart/values-staging.yaml",
            "chart/values-prod.yaml",
        ),
        (
            "src/main/resources/application.yml",
            "src/main/resources/application-staging.yml",
            "src/main/resources/application-prod.yml",
        ),
        (
            "docker-compose.yml",
            "docker-compose.staging.yml",
            "docker-compose.prod.yml",
        ),
    ] {
        let t = Tree::new(&[
            (base, "replicas: 3\nmode: fast\n"),
            (staging, "replicas: 2\n"),
            (prod, "mode: slow\n"),
        ]);
        let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
        assert_eq!(r.code, 0, "{base}: {}", r.all());
        let v = json(&r);
        let keys: BTreeSet<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["key"].as_str())
            .collect();
        // Values differ against the base's defaults: no missing keys.
        assert_eq!(
            keys,
            BTreeSet::from(["replicas", "mode"]),
            "{base}: {}",
            r.all()
        );
        assert!(
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["rule"] == "drift/value"),
            "{base}: {}",
            r.all()
        );
        let r = t.run(&["init"]);
        assert_eq!(r.code, 0, "{}", r.all());
        let text = std::fs::read_to_string(t.path().join("driftcheck.toml")).unwrap();
        assert!(
            text.contains(&format!("layers = [\"{base}\", \"{prod}\"]")),
            "{text}"
        );
    }
}

/// `diff A B` without a config says which groups it found and did not compare.
#[test]
fn groups_left_out_are_named() {
    let t = Tree::new(&[
        ("overlays/staging/x.yaml", "a: 1\n"),
        ("overlays/prod/x.yaml", "a: 2\n"),
        ("helm/values-dev.yaml", "b: 1\n"),
        ("helm/values-prod.yaml", "b: 2\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout
            .contains("note: not compared: `helm/values-{env}.yaml` (dev, prod)"),
        "{}",
        r.all()
    );
}
