//! A value a change-aware rule watches goes and comes with whatever holds
//! it (docs/policies.md, "Scope"): the map above it, its document, its
//! Kubernetes resource (deleted, renamed, respelt, or inside a `List`).
//! Found by adversarial review 8 (tests/adversarial/gate/review8/02, 07):
//! each passed a replica decrease with one sign-off. Every case on both paths
//! (the keys the change can affect, and whole trees with
//! `DRIFTCHECK_GATE_FULL`).

use super::gate_catalogue::{ANA, Gate, Repo, msg, reviewed_by};

const CONFIG: &str =
    "[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n";

/// A Deployment named `name` with `replicas` (none: no `spec` at all).
fn dep(name: &str, replicas: Option<u32>) -> String {
    let spec = replicas.map_or(String::new(), |n| {
        format!("spec:\n  replicas: {n}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n")
    });
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{spec}")
}

/// The same Deployment as the only item of a `kind: List`.
fn list(name: &str, replicas: u32) -> String {
    let item = dep(name, Some(replicas));
    let indented: String = item
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{}{l}\n", if i == 0 { "  - " } else { "    " }))
        .collect();
    format!("apiVersion: v1\nkind: List\nitems:\n{indented}")
}

fn decrease_asked(g: &Gate) -> bool {
    g.requirements().iter().any(|m| {
        m["source"]
            .as_str()
            .is_some_and(|s| s.contains("k8s-replica-decrease"))
    })
}

/// The gate on both paths, with a peer's one sign-off on the change.
fn judge(r: &Repo, what: &str, check: &dyn Fn(&Gate) -> Result<(), String>) {
    r.commit(&msg(&reviewed_by(ANA)));
    for (full, g) in r.gate_both_paths() {
        if let Err(why) = check(&g) {
            panic!("{what}, DRIFTCHECK_GATE_FULL={full}: {why}\n{}", g.show());
        }
    }
}

fn repo(web: &[(&str, String)]) -> Repo {
    let mut files: Vec<(String, String)> = vec![
        ("driftcheck.toml".into(), CONFIG.into()),
        ("deploy/staging/keep.yaml".into(), "timeout: 30\n".into()),
        ("deploy/prod/keep.yaml".into(), "timeout: 30\n".into()),
    ];
    for (path, text) in web {
        files.push(((*path).to_string(), text.clone()));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Repo::init(&refs)
}

#[test]
fn a_replica_decrease_is_judged_however_the_value_goes() {
    let plain = || {
        repo(&[
            ("deploy/staging/web.yaml", dep("web", Some(5))),
            ("deploy/prod/web.yaml", dep("web", Some(5))),
        ])
    };
    let asks = |g: &Gate| {
        if !decrease_asked(g) {
            return Err("no k8s-replica-decrease requirement".into());
        }
        g.assert_refused();
        Ok(())
    };
    let quiet = |g: &Gate| {
        if decrease_asked(g) {
            return Err("an unexpected k8s-replica-decrease requirement".into());
        }
        g.assert_passed();
        Ok(())
    };

    let r = plain();
    r.write("deploy/prod/web.yaml", &dep("web", None));
    judge(&r, "the spec block deleted", &asks);

    let r = plain();
    r.write("deploy/prod/web.yaml", &dep("web-v2", Some(1)));
    judge(&r, "renamed with fewer replicas", &asks);

    let r = repo(&[
        ("deploy/staging/web.yaml", dep("web-staging", Some(5))),
        ("deploy/prod/web.yaml", dep("web-prod", Some(5))),
    ]);
    r.write("deploy/prod/web.yaml", &dep("web-production", Some(1)));
    judge(&r, "the environment's name respelt", &asks);

    let r = plain();
    r.git(&["rm", "-q", "deploy/prod/web.yaml"]);
    judge(&r, "the Deployment's file deleted", &asks);

    let r = plain();
    r.write("deploy/prod/web.yaml", &list("web", 1));
    judge(&r, "moved into a List with fewer replicas", &asks);

    let r = repo(&[
        ("deploy/staging/web.yaml", list("web", 5)),
        ("deploy/prod/web.yaml", list("web", 5)),
    ]);
    r.write("deploy/prod/web.yaml", &list("web", 1));
    judge(&r, "a decrease inside a List", &asks);

    // The holder turned into another shape (adversarial review 9).
    for holder in ["null", "[]", "\"\""] {
        let r = plain();
        r.write(
            "deploy/prod/web.yaml",
            &format!("{}spec: {holder}\n", dep("web", None)),
        );
        judge(&r, &format!("spec: {holder}"), &asks);
    }

    let nested = |inner: &str| {
        format!(
            "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n    items:\n{inner}"
        )
    };
    let item = |n: u32| {
        format!(
            "      - apiVersion: apps/v1\n        kind: Deployment\n        metadata:\n          name: web\n        spec:\n          replicas: {n}\n"
        )
    };
    let r = repo(&[
        ("deploy/staging/web.yaml", nested(&item(5))),
        ("deploy/prod/web.yaml", nested(&item(5))),
    ]);
    r.write("deploy/prod/web.yaml", &nested(&item(1)));
    judge(&r, "a decrease inside a List inside a List", &asks);

    // Controls: what holds no decrease asks for none.
    let r = plain();
    r.replace("deploy/prod/web.yaml", "web:1", "web:2");
    judge(&r, "the image changed", &quiet);

    let r = plain();
    r.write("deploy/prod/web.yaml", &list("web", 5));
    judge(&r, "moved into a List as it was", &quiet);

    // An item without a name keeps no sibling from being a resource.
    let r = plain();
    r.write(
        "deploy/prod/web.yaml",
        &format!(
            "{}  - apiVersion: v1\n    kind: ConfigMap\n    data:\n      a: b\n",
            list("web", 5)
        ),
    );
    judge(&r, "moved into a List beside an unnamed item", &quiet);

    let r = plain();
    r.write(
        "deploy/prod/web.yaml",
        &format!("{}---\n{}", dep("web", Some(5)), dep("api", Some(2))),
    );
    r.write(
        "deploy/staging/web.yaml",
        &format!("{}---\n{}", dep("web", Some(5)), dep("api", Some(2))),
    );
    judge(&r, "a Deployment added", &quiet);
}
