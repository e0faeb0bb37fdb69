//! Includes: nginx `include` and pgbouncer `%include` are followed inside the
//! environment root only, spliced in place with their own file and line.

use crate::harness::{Tree, first_finding, json, rules_and_keys};

const CONFIG: &str = "[env.staging]\nroot = \"staging\"\nexclude = [\"conf.d/**\", \"*.d/**\"]\n\
                      [env.prod]\nroot = \"prod\"\nexclude = [\"conf.d/**\", \"*.d/**\"]\n";

fn api(retry: &str) -> String {
    format!(
        "server {{\n    listen 443 ssl;\n    server_name api.example.com;\n    location /api/ {{\n        proxy_pass http://api;\n        proxy_next_upstream {retry};\n    }}\n}}\n"
    )
}

#[test]
fn nginx_includes_are_spliced_with_their_own_file_and_line() {
    let main = "events {}\nhttp {\n    include conf.d/*.conf;\n    keepalive_timeout 65;\n}\n";
    let t = Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/nginx/nginx.conf", main),
        ("staging/nginx/conf.d/api.conf", &api("error")),
        ("prod/nginx/nginx.conf", main),
        ("prod/nginx/conf.d/api.conf", &api("error timeout")),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    let key = "http.server[api.example.com:443].location[/api/].proxy_next_upstream";
    assert_eq!(
        rules_and_keys(&v),
        vec![
            ("drift/value".to_string(), key.to_string()),
            ("nginx-no-timeout-retry".to_string(), key.to_string())
        ],
        "{}",
        r.all()
    );
    // Both the drift and the shipped policy's finding point into the included file.
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(f["envs"]["prod"]["file"], "prod/nginx/conf.d/api.conf");
        assert_eq!(f["envs"]["prod"]["line"], 6);
    }
}

#[test]
fn includes_outside_the_root_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("evil.conf"),
        "server { server_name leaked.example; }\n",
    )
    .unwrap();
    let main = format!(
        "http {{\n    include {}/*.conf;\n    include ../../*.conf;\n}}\n",
        outside.path().display()
    );
    let t = Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/nginx/nginx.conf", &main),
        ("prod/nginx/nginx.conf", &main),
        ("top.conf", "server { server_name also-outside; }\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json", "-v"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        !r.stdout.contains("leaked.example") && !r.stdout.contains("also-outside"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_include_cycle_is_an_error_naming_the_file() {
    let t = Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/nginx/nginx.conf", "http { include a.d/*.conf; }\n"),
        ("staging/nginx/a.d/a.conf", "include b.d/*.conf;\n"),
        ("staging/nginx/a.d/b.d/b.conf", "include ../*.conf;\n"),
        ("prod/nginx/nginx.conf", "http { }\n"),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    let f = first_finding(&v, "parse/error");
    assert!(
        f["message"].as_str().unwrap().contains("include cycle"),
        "{f}"
    );
    assert_eq!(f["envs"]["staging"]["file"], "staging/nginx/a.d/b.d/b.conf");
    assert_eq!(f["envs"]["staging"]["line"], 1);
}

#[test]
fn pgbouncer_includes_merge_into_the_including_file() {
    let main = "[pgbouncer]\nlisten_port = 6432\n%include databases.d/main.ini\n";
    let t = Tree::new(&[
        ("driftcheck.toml", CONFIG),
        ("staging/pgbouncer.ini", main),
        (
            "staging/databases.d/main.ini",
            "[databases]\nmain = host=db.staging port=5432 password=a-staging-Secret1\n",
        ),
        ("prod/pgbouncer.ini", main),
        (
            "prod/databases.d/main.ini",
            "\n[databases]\nmain = host=db.prod port=6543 password=a-prod-Secret2\n",
        ),
    ]);
    let r = t.run(&["diff", "staging", "prod", "--format", "json"]);
    let v = json(&r);
    assert_eq!(
        rules_and_keys(&v),
        vec![("drift/value".to_string(), "databases.main.port".to_string())],
        "{}",
        r.all()
    );
    let f = &v["findings"][0];
    assert_eq!(f["envs"]["prod"]["file"], "prod/databases.d/main.ini");
    assert_eq!(f["envs"]["prod"]["line"], 3);
    assert!(!r.stdout.contains("Secret1") && !r.stdout.contains("Secret2"));
}
