//! Rendered environments: layers deep-merged with provenance, and render
//! commands (real jsonnet, scripts that fail or hang).

use std::time::{Duration, Instant};

use crate::harness::{Tree, json, rules_and_keys};

#[test]
fn layers_merge_in_order_and_findings_point_at_the_layer_that_set_the_value() {
    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.staging]\nlayers = [\"config/default.yaml\", \"config/staging.yaml\"]\n\
             [env.prod]\nlayers = [\"config/default.yaml\", \"config/prod.yaml\"]\n",
        ),
        (
            "config/default.yaml",
            "db:\n  pool: 10\n  host: db.internal\nstorage:\n  data_path: /var/lib/app\nhosts: [a, b]\n",
        ),
        (
            "config/staging.yaml",
            "hosts: [c]\nfeature:\n  writes_enabled: true\n",
        ),
        (
            "config/prod.yaml",
            "# prod overrides\nstorage:\n  data_path: /data/app\nfeature:\n  writes_enabled: true\n",
        ),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    assert_eq!(
        rules_and_keys(&v),
        vec![
            ("drift/value".to_string(), "hosts".to_string()),
            (
                "drift/data-path".to_string(),
                "storage.data_path".to_string()
            )
        ],
        "{}",
        r.stdout
    );
    let path = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "storage.data_path")
        .unwrap();
    // Staging inherits the default layer's value; prod's own layer overrides it.
    assert_eq!(path["envs"]["staging"]["file"], "config/default.yaml");
    assert_eq!(path["envs"]["staging"]["line"], 5);
    assert_eq!(path["envs"]["prod"]["file"], "config/prod.yaml");
    assert_eq!(path["envs"]["prod"]["line"], 3);
    let hosts = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "hosts")
        .unwrap();
    // Lists replace: staging's [c], not [a, b, c].
    assert_eq!(hosts["envs"]["staging"]["value"], "[c]");
    assert_eq!(hosts["envs"]["staging"]["file"], "config/staging.yaml");
}

#[test]
fn a_broken_layer_is_a_finding_that_names_the_layer() {
    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.staging]\nlayers = [\"a.yaml\", \"s.yaml\"]\n[env.prod]\nlayers = [\"a.yaml\", \"p.yaml\"]\n",
        ),
        ("a.yaml", "x: 1\n"),
        ("s.yaml", "x: 2\n"),
        ("p.yaml", "x: [1,\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "parse/error", "{}", r.stdout);
    assert_eq!(f["envs"]["prod"]["file"], "p.yaml");
    let missing = Tree::new(&[(
        "driftcheck.toml",
        "[env.a]\nlayers = [\"nope.yaml\"]\n[env.b]\nlayers = [\"nope.yaml\", \"b.yaml\"]\n",
    )]);
    let r = missing.run(&["diff", "a", "b"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("layer `nope.yaml` is not a file"),
        "{}",
        r.all()
    );
}

#[test]
fn real_jsonnet_renders_each_environment() {
    if !crate::harness::tool("jsonnet", &["--version"]) {
        return;
    }
    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.staging]\nrender = [\"jsonnet\", \"-y\", \"envs/staging.jsonnet\"]\n\
             [env.prod]\nrender = [\"jsonnet\", \"-y\", \"envs/prod.jsonnet\"]\nrender_timeout = \"30s\"\n",
        ),
        (
            "envs/lib.libsonnet",
            "{ app(env, replicas, path):: [\n  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop-' + env },\n    spec: { replicas: replicas, template: { spec: { containers: [ { name: 'api', env: [ { name: 'DATA_PATH', value: path } ] } ] } } } },\n  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api', namespace: 'shop-' + env }, data: { HOST: 'api.' + env + '.internal' } },\n] }\n",
        ),
        (
            "envs/staging.jsonnet",
            "(import 'lib.libsonnet').app('staging', 2, '/var/lib/shop')\n",
        ),
        (
            "envs/prod.jsonnet",
            "(import 'lib.libsonnet').app('prod', 2, '/data/shop')\n",
        ),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    assert_eq!(
        rules_and_keys(&v),
        vec![(
            "drift/data-path".to_string(),
            "spec.template.spec.containers[name=api].env[name=DATA_PATH].value".to_string()
        )],
        "{}",
        r.all()
    );
    let f = &v["findings"][0];
    assert_eq!(f["document"], "Deployment/shop-{env}/api");
    assert_eq!(
        f["envs"]["prod"]["file"],
        "<render: jsonnet -y envs/prod.jsonnet>"
    );
    assert!(f["envs"]["prod"]["line"].as_u64().unwrap() > 1);
    assert_eq!(r.code, 1);
}

#[test]
fn failing_and_hanging_render_commands_stop_the_run() {
    let fails = Tree::new(&[(
        "driftcheck.toml",
        "[env.staging]\nrender = [\"sh\", \"-c\", \"echo 'template error: no such value' >&2; exit 4\"]\n\
         [env.prod]\nrender = [\"sh\", \"-c\", \"echo a: 1\"]\n",
    )]);
    let r = fails.run(&["diff", "staging", "prod"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .contains("environment `staging`: render command `sh -c"),
        "{}",
        r.all()
    );
    assert!(
        r.stderr.contains("exited with status 4") && r.stderr.contains("template error"),
        "{}",
        r.all()
    );

    let hangs = Tree::new(&[(
        "driftcheck.toml",
        "[env.staging]\nrender = [\"sleep\", \"60\"]\nrender_timeout = \"1s\"\n[env.prod]\nrender = [\"sh\", \"-c\", \"echo a: 1\"]\n",
    )]);
    let start = Instant::now();
    let r = hangs.run(&["diff", "staging", "prod"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "the timeout must fire"
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .contains("render command `sleep 60` timed out after 1s"),
        "{}",
        r.all()
    );

    let bad = Tree::new(&[(
        "driftcheck.toml",
        "[env.a]\nrender = [\"x\"]\nrender_timeout = \"soon\"\n[env.b]\nroot = \".\"\n",
    )]);
    let r = bad.run(&["diff", "a", "b"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("driftcheck.toml:3:18")
            && r.stderr.contains("`render_timeout` is not a duration"),
        "{}",
        r.all()
    );
}

#[test]
fn render_runs_without_a_shell_in_the_repository_root() {
    // `$HOME` stays literal: no shell expands it; `pwd` shows the repository root.
    let t = Tree::new(&[(
        "driftcheck.toml",
        "[env.staging]\nrender = [\"echo\", \"home: $HOME\"]\n[env.prod]\nrender = [\"sh\", \"-c\", \"echo \\\"home: $(basename $(pwd))\\\"\"]\n",
    )]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    let f = &v["findings"][0];
    assert_eq!(f["envs"]["staging"]["value"], "$HOME", "{}", r.all());
    let root = t.path().file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(f["envs"]["prod"]["value"], root.as_str());
}
