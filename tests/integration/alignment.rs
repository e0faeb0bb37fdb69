//! Alignment by meaning (docs/alignment.md), on generated families:
//! nginx servers whose hostnames differ per environment align by port, TLS
//! paths that differ only by the environment's own hostname are equivalent,
//! a case-only rename of a named item is one note.

use crate::harness::{Tree, json, rules_and_keys};

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
}

const DIRECTIVES: &[(&str, &str)] = &[
    ("ssl_session_cache", "shared:SSL:10m"),
    ("ssl_stapling", "on"),
    ("resolver_timeout", "5s"),
    ("client_max_body_size", "10m"),
    ("server_tokens", "off"),
];

fn server(host: &str, port: u64, skip: Option<usize>, http: bool) -> String {
    let mut s = format!("server {{\n    listen {port} ssl;\n    server_name {host};\n");
    s.push_str(&format!(
        "    ssl_certificate /etc/letsencrypt/live/{host}/fullchain.pem;\n"
    ));
    for (k, (d, v)) in DIRECTIVES.iter().enumerate() {
        if Some(k) != skip {
            s.push_str(&format!("    {d} {v};\n"));
        }
    }
    s.push_str("    location / {\n        proxy_pass http://backend:8000;\n    }\n}\n");
    if http { format!("http {{\n{s}}}\n") } else { s }
}

#[test]
fn servers_align_by_port_when_hostnames_differ_per_environment() {
    for seed in 1..=20u64 {
        let mut g = Gen(seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let n = 1 + g.below(3);
        let http = g.below(2) == 0;
        let tld = ["dev", "io", "net"][g.below(3) as usize];
        let (mut staging, mut prod) = (String::new(), String::new());
        let mut missing = Vec::new();
        for k in 0..n {
            let port = 8000 + k * 10 + g.below(10);
            let skip = (g.below(2) == 0).then(|| g.below(DIRECTIVES.len() as u64) as usize);
            staging.push_str(&server(&format!("s{k}.example.{tld}"), port, None, http));
            prod.push_str(&server(&format!("s{k}.example.org"), port, skip, http));
            if let Some(skip) = skip {
                missing.push((port, DIRECTIVES[skip].0));
            }
        }
        let t = Tree::new(&[
            ("nginx/staging.conf", &staging),
            ("nginx/production.conf", &prod),
        ]);
        let r = t.run(&["diff", "staging", "production", "--format", "json"]);
        assert!(r.code == 0, "seed {seed}: {}", r.all());
        let v = json(&r);
        let found: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["key"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        // Exactly the removed directives, inside their aligned server.
        assert_eq!(found.len(), missing.len(), "seed {seed}: {}", r.all());
        for (port, d) in &missing {
            assert!(
                found.iter().any(|(rule, key)| rule == "drift/missing-key"
                    && key.ends_with(&format!(":{port}].{d}"))),
                "seed {seed}: {port} {d}: {}",
                r.all()
            );
        }
    }
}

#[test]
fn a_case_only_rename_is_one_note() {
    let t = Tree::new(&[
        (
            "ansible/staging/deploy.yaml",
            "- name: Deploy\n  tasks:\n    - name: Copy backend Makefile\n      copy: {src: a, dest: b}\n",
        ),
        (
            "ansible/production/deploy.yaml",
            "- name: Deploy\n  tasks:\n    - name: Copy backend makefile\n      copy: {src: a, dest: b}\n",
        ),
    ]);
    let r = t.run(&["diff", "staging", "production", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let v = json(&r);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{}", r.all());
    assert_eq!(f[0]["severity"], "note", "{}", r.all());
    assert!(
        f[0]["key"].as_str().unwrap().ends_with(".name"),
        "{}",
        r.all()
    );
}

#[test]
fn two_new_servers_on_one_port_are_not_forced_together() {
    // Ambiguous: two unmatched servers on 443 in one environment. Nothing is
    // paired by port; each shows as its own server.
    let staging = format!(
        "{}{}",
        server("a.example.dev", 443, None, false),
        server("b.example.dev", 443, None, false)
    );
    let prod = server("c.example.org", 443, None, false);
    let t = Tree::new(&[
        ("nginx/staging.conf", &staging),
        ("nginx/production.conf", &prod),
    ]);
    let r = t.run(&["diff", "staging", "production", "--format", "json"]);
    let v = json(&r);
    let keys: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    assert!(keys.iter().all(|k| !k.contains("*:443")), "{}", r.all());
}

/// A key only development environments have (or only they lack) is a note;
/// between staging-like and production-like environments it is a warning.
#[test]
fn missing_keys_between_development_and_shipping_environments_are_notes() {
    let cases: &[(&str, &str, &str)] = &[
        ("local", "production", "note"),
        ("dev", "prod", "note"),
        ("qa", "staging", "note"),
        ("integration-gpu", "prod-us", "note"),
        ("staging", "production", "warning"),
        ("staging-eu", "prod-eu", "warning"),
        ("blue", "green", "warning"),
    ];
    for (a, b, want) in cases {
        for (extra_in, file_a, file_b) in [
            (a, "x: 1\nonly: true\n", "x: 1\n"),
            (b, "x: 1\n", "x: 1\nonly: true\n"),
        ] {
            let t = Tree::new(&[
                (
                    "driftcheck.toml",
                    &format!("[env.{a}]\nroot = \"{a}\"\n[env.{b}]\nroot = \"{b}\"\n"),
                ),
                (&format!("{a}/app.yaml"), file_a),
                (&format!("{b}/app.yaml"), file_b),
            ]);
            let r = t.run(&["diff", a, b, "--format", "json"]);
            let v = json(&r);
            let f = &v["findings"][0];
            assert_eq!(f["rule"], "drift/missing-key", "{a} {b}: {}", r.all());
            assert_eq!(
                f["severity"],
                *want,
                "{a}/{b}, key in {extra_in}: {}",
                r.all()
            );
        }
    }
}

/// Equivalent spellings are not drift; real differences inside lists are
/// found key by key (compose environment list and map forms, configMapGenerator
/// literals, container args).
#[test]
fn spellings_and_key_value_lists() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("a: True\n", "a: true\n", &[]),
        ("p: /var/log/app\n", "p: /var/log/app/\n", &[]),
        ("interval: 720m0s\n", "interval: 12h\n", &[]),
        ("interval: 15m0s\n", "interval: 5m\n", &["interval"]),
        (
            "depends_on: [redis, postgres]\n",
            "depends_on: [postgres, redis]\n",
            &[],
        ),
        (
            "environment:\n  - DEBUG=false\n  - DATA=/srv/a\n",
            "environment:\n  DEBUG: \"false\"\n  DATA: /srv/a\n",
            &[],
        ),
        (
            "environment:\n  - DEBUG=false\n  - DATA=/srv/a\n",
            "environment:\n  - DATA=/srv/b\n  - DEBUG=false\n",
            &["environment.DATA"],
        ),
        (
            "configMapGenerator:\n  - name: app\n    literals: [MODE=fast, SIZE=10]\n",
            "configMapGenerator:\n  - name: app\n    literals: [MODE=slow, SIZE=10]\n",
            &["configMapGenerator[name=app].literals.MODE"],
        ),
        (
            "args: [--data-path=/a, --verbose=true]\n",
            "args: [--verbose=true, --data-path=/b]\n",
            &["args.--data-path"],
        ),
        (
            "env_file:\n  - path: ./.envs/.staging/.django\n",
            "env_file:\n  - ./.envs/.prod/.django\n",
            &[],
        ),
    ];
    for (a, b, want) in cases {
        let t = Tree::new(&[("staging/x.yaml", a), ("prod/x.yaml", b)]);
        let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
        let v = json(&r);
        let keys: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["key"].as_str())
            .collect();
        assert_eq!(&keys, want, "{a} vs {b}: {}", r.all());
    }
}

/// Kubernetes resources whose namespaces are not environment names align by
/// kind and name; two candidates in one environment stay apart.
#[test]
fn resources_align_by_kind_and_name_when_only_the_namespace_differs() {
    let dep = |ns: &str, name: &str, n: u32| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  replicas: {n}\n"
        )
    };
    for (a, b) in [("team-a", "blue"), ("x", "y"), ("integration", "load")] {
        let t = Tree::new(&[
            ("staging/d.yaml", dep(a, "web", 2).as_str()),
            ("prod/d.yaml", dep(b, "web", 3).as_str()),
        ]);
        let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
        let v = json(&r);
        let keys: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["key"].as_str())
            .collect();
        assert_eq!(
            keys,
            vec!["metadata.namespace", "spec.replicas"],
            "{}",
            r.all()
        );
    }
    // Ambiguous: prod has web in two namespaces. Nothing is forced together.
    let two = format!("{}---\n{}", dep("p1", "web", 3), dep("p2", "web", 3));
    let t = Tree::new(&[
        ("staging/d.yaml", dep("s", "web", 2).as_str()),
        ("prod/d.yaml", two.as_str()),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    assert!(
        json(&r)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] == "drift/missing-file"),
        "{}",
        r.all()
    );
}

/// One secret per group of environments: the message names each group.
#[test]
fn reuse_messages_name_each_group() {
    let t = Tree::new(&[
        (
            "driftcheck.toml",
            "[env.qa]\nroot = \"qa\"\n[env.staging]\nroot = \"staging\"\n[env.prod-us]\nroot = \"prod-us\"\n[env.prod-eu]\nroot = \"prod-eu\"\n",
        ),
        ("qa/a.env", "DB_PASSWORD=Lq9-vX2kP7mWz4Tn\n"),
        ("staging/a.env", "DB_PASSWORD=Lq9-vX2kP7mWz4Tn\n"),
        ("prod-us/a.env", "DB_PASSWORD=Rt5-bN8cQ1jYs6Ue\n"),
        ("prod-eu/a.env", "DB_PASSWORD=Rt5-bN8cQ1jYs6Ue\n"),
    ]);
    let r = t.run(&["check", "--format", "json"]);
    let v = json(&r);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("one by prod-eu and prod-us") && msg.contains("another by qa and staging"),
        "{}",
        r.all()
    );
    assert!(!r.all().contains("Lq9-vX2kP7mWz4Tn") && !r.all().contains("Rt5-bN8cQ1jYs6Ue"));
}

/// `-v` lists equivalent values; it never changes the findings. Checked on
/// the real-world corpus, every case and config.
#[test]
fn verbose_never_changes_findings() {
    let Some(repos) = crate::harness::corpus("realworld/repos") else {
        return;
    };
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&repos).max_depth(3) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("driftcheck") && name.ends_with(".toml")) || name.contains("render") {
            continue;
        }
        let dir = entry.path().parent().unwrap();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let cfg: toml::Table = toml::from_str(&text).unwrap();
        let envs: Vec<&str> = cfg["env"]
            .as_table()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let run = |verbose: bool| {
            let mut args = vec!["diff", "--format", "json", "--config", &name];
            if verbose {
                args.push("-v");
            }
            args.extend(envs.iter().copied());
            let r = crate::harness::driftcheck(dir, &args);
            let v = json(&r);
            let mut keys: Vec<(String, String)> = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f["rule"].to_string(), f["key"].to_string()))
                .collect();
            keys.sort();
            (r.code, keys)
        };
        assert_eq!(run(false), run(true), "{}", entry.path().display());
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} configs");
}

/// Hostnames an Ingress names per environment are that environment's own:
/// TLS secret names and hosts that differ only by them are equivalent, a
/// real difference beside them is still reported.
#[test]
fn ingress_hosts_are_learned_per_environment() {
    let ing = |host: &str, port: u32| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [{host}]\n      secretName: tls-{host}\n  rules:\n    - host: {host}\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port:\n                  number: {port}\n"
        )
    };
    for (a, b) in [
        ("app.example.dev", "app.example.org"),
        ("shop.acme.io", "acme.com"),
    ] {
        let t = Tree::new(&[
            ("staging/ing.yaml", ing(a, 80).as_str()),
            ("prod/ing.yaml", ing(b, 8080).as_str()),
        ]);
        let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
        let v = json(&r);
        let keys: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["key"].as_str())
            .collect();
        assert_eq!(keys.len(), 1, "{}", r.all());
        assert!(keys[0].ends_with("port.number"), "{}", r.all());
    }
}

/// The same text under another tag is another value (`!!binary b2s=` is
/// bytes, `"b2s="` text; a custom `!Ref` names something else), in a
/// scalar and in a list item, which a `KEY=VALUE` list no longer hides;
/// tags that only say the type (`!!str`, its long form, the non-specific
/// `!`) are no difference (adversarial reviews 8 and 9).
#[test]
fn a_tag_is_part_of_the_value() {
    let cases: [(&str, &str, Option<&str>); 7] = [
        ("k: \"b2s=\"\n", "k: !!binary b2s=\n", Some("k")),
        ("k: Bucket\n", "k: !Ref Bucket\n", Some("k")),
        (
            "l:\n  - \"A=1\"\n  - \"b2s=\"\n",
            "l:\n  - \"A=1\"\n  - !!binary b2s=\n",
            Some("l"),
        ),
        ("k: foo\n", "k: !!str foo\n", None),
        ("k: foo\n", "k: !<tag:yaml.org,2002:str> foo\n", None),
        ("k: \"1\"\n", "k: ! 1\n", None),
        ("l:\n  - FOO=1\n", "l:\n  - !!str FOO=1\n", None),
    ];
    for (staging, prod, reported) in cases {
        let t = Tree::new(&[
            ("deploy/staging/app.yaml", staging),
            ("deploy/prod/app.yaml", prod),
        ]);
        let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
        let keys: Vec<String> = rules_and_keys(&json(&r))
            .into_iter()
            .map(|(_, key)| key)
            .collect();
        match reported {
            Some(key) => assert!(
                keys.iter().any(|k| k == key),
                "{staging:?} vs {prod:?}: {}",
                r.all()
            ),
            None => assert!(keys.is_empty(), "{staging:?} vs {prod:?}: {}", r.all()),
        }
    }
}
