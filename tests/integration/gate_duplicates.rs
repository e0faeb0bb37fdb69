//! One Kubernetes object defined twice in one environment is an error the
//! change introduces (src/diff/duplicates.rs). Found by adversarial review
//! 8/9 (tests/adversarial/gate/review9 03, 06): a second copy of a
//! Deployment with one replica, added in `z-override.yaml`, passed with one
//! sign-off while `kubectl apply -f` would scale production down. Every case
//! on both paths (the keys the change can affect, and whole trees with
//! `DRIFTCHECK_GATE_FULL`), in a repository wide enough that a one-file
//! change is judged incrementally.

use super::gate_catalogue::{ANA, Gate, Repo, msg, reviewed_by};

const CONFIG: &str =
    "[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n";

/// A Deployment: `api` is its apiVersion, `ns` its namespace line.
fn object(api: &str, kind: &str, name: &str, ns: Option<&str>, replicas: u32) -> String {
    let ns = ns.map_or(String::new(), |n| format!("  namespace: {n}\n"));
    format!(
        "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n{ns}spec:\n  replicas: {replicas}\n"
    )
}

fn dep(name: &str, replicas: u32) -> String {
    object("apps/v1", "Deployment", name, None, replicas)
}

/// Both environments with `web` (5 replicas) and 16 other files each.
fn repo() -> Repo {
    repo_with(&dep("web", 5))
}

/// [`repo`] with `web.yaml` holding `web` as given.
fn repo_with(web: &str) -> Repo {
    let mut files: Vec<(String, String)> = vec![("driftcheck.toml".into(), CONFIG.into())];
    for env in ["staging", "prod"] {
        files.push((format!("deploy/{env}/web.yaml"), web.to_string()));
        for i in 0..16 {
            files.push((
                format!("deploy/{env}/svc-{i:02}.yaml"),
                dep(&format!("svc-{i:02}"), 2),
            ));
        }
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Repo::init(&refs)
}

fn duplicates(g: &Gate) -> usize {
    g.json["findings"].as_array().map_or(0, |fs| {
        fs.iter()
            .filter(|f| f["rule"] == "drift/duplicate-object")
            .count()
    })
}

/// The gate on both paths, with a peer's one sign-off on the change.
fn judge(r: &Repo, what: &str, want: usize) {
    r.commit(&msg(&reviewed_by(ANA)));
    for (full, g) in r.gate_both_paths() {
        let found = duplicates(&g);
        let ok = if want > 0 {
            found == want && g.code == 1
        } else {
            found == 0 && g.code == 0
        };
        assert!(
            ok,
            "{what}, DRIFTCHECK_GATE_FULL={full}: {found} duplicate-object findings, want {want}\n{}",
            g.show()
        );
    }
}

#[test]
fn a_second_copy_of_an_object_is_refused_wherever_it_is_added() {
    let r = repo();
    r.write("deploy/prod/z-override.yaml", &dep("web", 1));
    judge(&r, "a copy in a new file", 1);

    let r = repo();
    r.write("deploy/prod/z-override.yaml", &dep("web", 1));
    r.write("deploy/staging/z-override.yaml", &dep("web", 1));
    judge(&r, "a copy in a new file in every environment", 2);

    let r = repo();
    r.write(
        "deploy/prod/web.yaml",
        &format!("{}---\n{}", dep("web", 5), dep("web", 1)),
    );
    judge(&r, "a second copy in the same file", 1);

    let r = repo();
    r.write(
        "deploy/prod/z-override.yaml",
        &object("apps/v1", "Deployment", "web", Some("prod"), 1),
    );
    judge(&r, "a copy naming a namespace the first leaves out", 1);

    let r = repo();
    r.write(
        "deploy/prod/z-override.yaml",
        &format!(
            "apiVersion: v1\nkind: List\nitems:\n{}",
            dep("web", 1)
                .lines()
                .enumerate()
                .map(|(i, l)| format!("{}{l}\n", if i == 0 { "  - " } else { "    " }))
                .collect::<String>()
        ),
    );
    judge(&r, "a copy inside a List", 1);

    // A typed list's items carry neither kind nor apiVersion: Kubernetes
    // gives them the list's (`model::document::list_items`).
    let r = repo();
    r.write(
        "deploy/prod/z-override.yaml",
        "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n  - metadata:\n      name: web\n    spec:\n      replicas: 1\n",
    );
    judge(&r, "a copy inside a DeploymentList, its kind left out", 1);

    let r = repo();
    r.write("deploy/prod/svc-07.yaml", &dep("web", 1));
    judge(&r, "another object renamed to an existing one", 1);

    // The first copy's name spelt with escapes: no literal `web` in its
    // bytes, so the search for files naming it must take every file that
    // may spell text otherwise (`incremental::fragments_of`).
    for spelt in ["\"w\\x65b\"", "\"w\\u0065b\"", "\"w\\\n     eb\""] {
        let r = repo_with(&object("apps/v1", "Deployment", spelt, None, 5));
        r.write("deploy/prod/z-override.yaml", &dep("web", 1));
        judge(&r, &format!("a copy of an object named {spelt}"), 1);
    }
}

#[test]
fn objects_that_only_share_a_name_are_not_duplicates() {
    let r = repo();
    r.write(
        "deploy/prod/web-svc.yaml",
        &object("v1", "Service", "web", None, 0),
    );
    judge(&r, "a Service beside the Deployment of the same name", 0);

    let r = repo();
    r.write(
        "deploy/prod/web-svc.yaml",
        "apiVersion: v1\nkind: ServiceList\nitems:\n  - metadata:\n      name: web\n    spec:\n      replicas: 1\n",
    );
    judge(&r, "a ServiceList item of the Deployment's name", 0);

    let r = repo();
    r.write(
        "deploy/prod/kindless.yaml",
        "apiVersion: v1\nkind: List\nitems:\n  - metadata:\n      name: web\n    spec:\n      replicas: 1\n",
    );
    judge(&r, "a plain List item without a kind", 0);

    let r = repo();
    r.write(
        "deploy/prod/a.yaml",
        &object("apps/v1", "Deployment", "db", Some("one"), 1),
    );
    r.write(
        "deploy/prod/b.yaml",
        &object("apps/v1", "Deployment", "db", Some("two"), 1),
    );
    judge(&r, "one name in two namespaces", 0);

    let r = repo();
    r.write(
        "deploy/prod/gw.yaml",
        &format!(
            "{}---\n{}",
            object("networking.istio.io/v1", "Gateway", "edge", None, 1),
            object("gateway.networking.k8s.io/v1", "Gateway", "edge", None, 1)
        ),
    );
    judge(&r, "one kind and name in two API groups", 0);

    // A kustomization's patches name the object they patch.
    let r = repo();
    r.write(
        "deploy/prod/overlay/kustomization.yaml",
        "resources:\n  - ../web.yaml\npatches:\n  - path: replicas.yaml\n",
    );
    r.write("deploy/prod/overlay/replicas.yaml", &dep("web", 5));
    r.write("deploy/prod/overlay/image.yaml", &dep("web", 5));
    judge(&r, "patches under a kustomization", 0);
}
