//! Unit tests of the YAML parser: behaviour of the full parser, and the
//! differential check that the fast path agrees with the event path.

use super::{events, fast, parse};
use crate::formats::{Limits, ParseError};
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar, ScalarKind};

mod differential;

/// Parse with default limits, expecting success.
fn ok(text: &str) -> Vec<Document> {
    match parse(text, &Limits::default()) {
        Ok(docs) => docs,
        Err(e) => panic!("unexpected error {e} for {text:?}"),
    }
}

/// Parse with default limits, expecting an error.
fn err(text: &str) -> ParseError {
    match parse(text, &Limits::default()) {
        Ok(docs) => panic!("expected an error, got {docs:?}"),
        Err(e) => e,
    }
}

/// The entries of a map node.
fn entries(node: &Node) -> &[MapEntry] {
    match &node.value {
        NodeValue::Map(entries) => entries,
        other => panic!("not a map: {other:?}"),
    }
}

/// The items of a sequence node.
fn items(node: &Node) -> &[Node] {
    match &node.value {
        NodeValue::Seq(items) => items,
        other => panic!("not a sequence: {other:?}"),
    }
}

/// The scalar of a scalar node.
fn scalar(node: &Node) -> &Scalar {
    match &node.value {
        NodeValue::Scalar(s) => s,
        other => panic!("not a scalar: {other:?}"),
    }
}

/// The value of `key` in a map node.
fn get<'n>(node: &'n Node, key: &str) -> &'n Node {
    &entries(node)
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("no key {key}"))
        .value
}

/// Run `f` on a thread with a 2 MiB stack, proving it does not recurse deeply.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn empty_stream_has_no_documents() {
    assert!(ok("").is_empty());
    assert!(ok("# only a comment\n\n").is_empty());
}

#[test]
fn multi_document_stream() {
    let docs = ok("a: 1\n---\nb: 2\n---\n--- # empty\n---\n- x\n");
    assert_eq!(docs.len(), 5);
    assert_eq!(
        docs.iter().map(|d| d.line).collect::<Vec<_>>(),
        [1, 2, 4, 5, 6]
    );
    assert_eq!(get(&docs[1].root, "b").line, 3);
    for empty in &docs[2..4] {
        assert_eq!(scalar(&empty.root).kind, ScalarKind::Null);
        assert_eq!(empty.root.line, empty.line);
    }
    assert_eq!(scalar(&items(&docs[4].root)[0]).text, "x");
}

#[test]
fn document_limit() {
    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let e = parse("a: 1\n---\nb: 2\n---\nc: 3\n", &limits).unwrap_err();
    assert_eq!(e.line, 4);
    assert!(e.message.contains("limit of 2 documents"), "{e}");
}

#[test]
fn lines_of_every_value() {
    let text = "a: 1\nb:\n  c: x\n  d:\n    - 1\n    -\n    - e: f\n      g: h\nempty:\nlast: |\n  block\n";
    for docs in [ok(text), events::parse(text, &Limits::default()).unwrap()] {
        let root = &docs[0].root;
        let lines: Vec<(&str, u32, u32)> = entries(root)
            .iter()
            .map(|e| (e.key.as_str(), e.line, e.value.line))
            .collect();
        // A block scalar starts where its content does.
        assert_eq!(
            lines,
            [("a", 1, 1), ("b", 2, 3), ("empty", 9, 9), ("last", 10, 11)]
        );
        let d = get(get(root, "b"), "d");
        assert_eq!(d.line, 5);
        assert_eq!(
            items(d).iter().map(|n| n.line).collect::<Vec<_>>(),
            [5, 6, 7]
        );
        assert_eq!(
            entries(&items(d)[2])
                .iter()
                .map(|e| e.line)
                .collect::<Vec<_>>(),
            [7, 8]
        );
        assert_eq!(scalar(get(root, "last")).text, "block\n");
    }
}

#[test]
fn kubernetes_manifest() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: \"registry/web:1.2\"
          args: [\"--port\", 8080]
          env:
            - name: PASSWORD
              value: 'hunter2'
";
    let docs = ok(text);
    assert!(
        fast::parse(text, &Limits::default()).is_some(),
        "the fast path handles k8s"
    );
    let root = &docs[0].root;
    assert_eq!(scalar(get(root, "kind")).text, "Deployment");
    let replicas = scalar(get(get(root, "spec"), "replicas"));
    assert_eq!(
        (replicas.kind, replicas.text.as_str()),
        (ScalarKind::Int, "3")
    );
    let containers = get(
        get(get(get(root, "spec"), "template"), "spec"),
        "containers",
    );
    let web = &items(containers)[0];
    assert_eq!(web.line, 11);
    assert_eq!(scalar(get(web, "image")).kind, ScalarKind::Str);
    let args = items(get(web, "args"));
    assert_eq!(scalar(&args[1]).kind, ScalarKind::Int);
    let env = &items(get(web, "env"))[0];
    assert_eq!(scalar(get(env, "value")).text, "hunter2");
    assert_eq!(get(env, "value").line, 16);
}

#[test]
fn scalar_resolution() {
    let text = "a: ~\nb: null\nc: True\nd: 0x1F\ne: 0o17\nf: -12\ng: 1e3\nh: .inf\ni: -.INF\nj: .NaN\nk: 'true'\nl: \"1\"\nm: text\nn: 1.5.3\no:\n";
    let docs = ok(text);
    let kinds: Vec<ScalarKind> = entries(&docs[0].root)
        .iter()
        .map(|e| scalar(&e.value).kind)
        .collect();
    use ScalarKind::*;
    assert_eq!(
        kinds,
        [
            Null, Null, Bool, Int, Int, Int, Float, Float, Float, Float, Str, Str, Str, Str, Null
        ]
    );
    assert_eq!(scalar(get(&docs[0].root, "c")).text, "True");
}

#[test]
fn norway_and_other_yaml_11_readings() {
    let text = "country: NO\nswitch: on\nmode: 0755\ntime: 1:20\nversion: 1.10\nquoted: 'no'\nplain: yes please\nwhen: 2024-01-31\n";
    let docs = ok(text);
    let root = &docs[0].root;
    for key in ["country", "switch"] {
        let s = scalar(get(root, key));
        assert_eq!(
            (s.kind, s.ambiguity),
            (ScalarKind::Str, Some("YAML 1.1 reads it as a boolean"))
        );
    }
    let mode = scalar(get(root, "mode"));
    assert_eq!(
        (mode.kind, mode.ambiguity),
        (
            ScalarKind::Int,
            Some("YAML 1.1 reads it as an octal number")
        )
    );
    let time = scalar(get(root, "time"));
    assert_eq!(
        (time.kind, time.ambiguity),
        (
            ScalarKind::Str,
            Some("YAML 1.1 reads it as a base-60 number")
        )
    );
    let version = scalar(get(root, "version"));
    assert_eq!(
        (version.kind, version.text.as_str()),
        (ScalarKind::Float, "1.10")
    );
    assert!(version.ambiguity.is_some());
    assert_eq!(scalar(get(root, "quoted")).ambiguity, None);
    assert_eq!(scalar(get(root, "plain")).ambiguity, None);
    assert_eq!(
        scalar(get(root, "when")).ambiguity,
        Some("YAML 1.1 reads it as a date")
    );
}

#[test]
fn tags_are_kept_not_executed() {
    let text = "s: !!str 123\nv: !vault |\n  $ANSIBLE_VAULT;1.1\nb: !!binary aGk=\np: !!python/object:os.system [rm]\ni: !!int 7\nq: !Ref 'x'\n";
    let docs = ok(text);
    let root = &docs[0].root;
    let s = scalar(get(root, "s"));
    assert_eq!((s.kind, s.tag.as_deref()), (ScalarKind::Str, Some("!!str")));
    assert_eq!(scalar(get(root, "v")).tag.as_deref(), Some("!vault"));
    assert_eq!(scalar(get(root, "v")).text, "$ANSIBLE_VAULT;1.1\n");
    assert_eq!(scalar(get(root, "b")).tag.as_deref(), Some("!!binary"));
    assert_eq!(scalar(&items(get(root, "p"))[0]).text, "rm");
    let i = scalar(get(root, "i"));
    assert_eq!((i.kind, i.tag.as_deref()), (ScalarKind::Int, Some("!!int")));
    assert_eq!(scalar(get(root, "q")).tag.as_deref(), Some("!Ref"));
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "\
base: &base
  host: db
  port: 5432
extra: &extra
  port: 1
  tls: true
one:
  <<: *base
  port: 6543
many:
  name: x
  <<: [*extra, *base]
copy: *base
list: &l [a, b]
again: *l
";
    let docs = ok(text);
    let root = &docs[0].root;
    let one: Vec<(&str, u32)> = entries(get(root, "one"))
        .iter()
        .map(|e| (e.key.as_str(), e.line))
        .collect();
    assert_eq!(one, [("host", 2), ("port", 9)]);
    assert_eq!(scalar(get(get(root, "one"), "port")).text, "6543");
    let many = get(root, "many");
    let keys: Vec<&str> = entries(many).iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["name", "port", "tls", "host"]);
    assert_eq!(
        scalar(get(many, "port")).text,
        "1",
        "earlier merged maps win"
    );
    assert_eq!(get(root, "copy"), get(root, "base"));
    assert_eq!(items(get(root, "again")).len(), 2);
}

#[test]
fn duplicate_keys() {
    let e = err("user: a\npassword: s3cret\nhost: h\npassword: other\n");
    assert_eq!(e.line, 4);
    assert_eq!(e.message, "duplicate key (first defined on line 2)");
    assert!(!e.to_string().contains("s3cret") && !e.to_string().contains("other"));
    // Also in a nested, compact and a quoted spelling, and in big maps.
    assert_eq!(err("a:\n  - x: 1\n    'x': 2\n").line, 3);
    let big: String = (0..40).map(|i| format!("k{i}: v\n")).collect::<String>() + "k7: again\n";
    assert_eq!(err(&big).message, "duplicate key (first defined on line 8)");
    // An explicit key overriding a merged one is not a duplicate.
    ok("b: &b {x: 1}\nm:\n  x: 2\n  <<: *b\n");
    assert_eq!(err("b: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n  y: 3\n").line, 5);
}

#[test]
fn complex_keys_and_bad_aliases() {
    assert!(
        err("? [a, b]\n: 1\n")
            .message
            .contains("complex mapping keys")
    );
    assert!(err("{a: 1}: x\n").message.contains("complex mapping keys"));
    assert!(
        err("a: &a {x: 1}\n*a : 2\n")
            .message
            .contains("complex mapping keys")
    );
    let unknown = err("a: *nope\n");
    assert_eq!(unknown.line, 1);
    assert!(unknown.message.contains("unknown anchor"), "{unknown}");
    assert!(err("a: &a [*a]\n").message.contains("alias"));
    assert!(err("a: &a 1\nb:\n  <<: *a\n").message.contains("merge key"));
}

#[test]
fn alias_bombs_fail_fast() {
    let mut laughs = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ('a'..='h').zip('b'..='i') {
        let refs = vec![format!("*{prev}"); 9].join(",");
        laughs.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let mut chain = String::from("l0: &l0 [x, x]\n");
    for i in 1..30 {
        chain.push_str(&format!("l{i}: &l{i} [*l{}, *l{}]\n", i - 1, i - 1));
    }
    for bomb in [laughs, chain] {
        let start = std::time::Instant::now();
        let e = err(&bomb);
        assert!(
            start.elapsed().as_millis() < 100 || cfg!(debug_assertions),
            "too slow"
        );
        assert!(start.elapsed().as_secs() < 2, "far too slow");
        assert_eq!(
            e.message,
            "alias expansion exceeds the limit of 100000 values"
        );
    }
}

#[test]
fn node_limit_counts_aliased_copies() {
    let limits = Limits {
        max_nodes: 50,
        ..Limits::default()
    };
    let text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a]\n";
    let e = parse(text, &limits).unwrap_err();
    assert!(e.message.contains("limit of 50 values"), "{e}");
}

#[test]
fn deep_block_nesting_is_a_clean_error() {
    let e = small_stack(|| {
        let text = "- ".repeat(100_000) + "x\n";
        parse(&text, &Limits::default()).unwrap_err()
    });
    assert_eq!(e.message, "nesting is deeper than the limit of 128");
    let e = small_stack(|| {
        let text: String = (0..1_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        parse(&text, &Limits::default()).unwrap_err()
    });
    assert_eq!(
        (e.line, e.message.as_str()),
        (128, "nesting is deeper than the limit of 128")
    );
}

#[test]
fn deep_flow_nesting_is_a_clean_error() {
    let e = small_stack(|| {
        let text = "[".repeat(20_000) + &"]".repeat(20_000);
        parse(&text, &Limits::default()).unwrap_err()
    });
    assert_eq!(e.message, "nesting is deeper than the limit of 128");
    let e = small_stack(|| {
        let text = "a: ".to_owned() + &"{b: ".repeat(20_000) + &"}".repeat(20_000);
        parse(
            &text,
            &Limits {
                max_depth: usize::MAX,
                ..Limits::default()
            },
        )
        .unwrap_err()
    });
    assert_eq!(e.line, 1);
}

#[test]
fn syntax_errors_carry_lines_and_no_source_text() {
    let e = err("a: 1\npassword: \"unterminated\n");
    assert!(!e.message.contains("unterminated"), "{e}");
    assert_eq!(e.line, 2);
    assert!(e.col.is_some());
    let e = err("a: 1\nb: [x, y\nc: 2\n");
    assert!(e.line >= 2, "{e}");
    let e = err("ok: 1\nsecret: `hunter2`\n");
    assert_eq!(e.line, 2);
    assert!(
        !e.to_string().contains("hunter2") && !e.to_string().contains('`'),
        "{e}"
    );
    let e = err("a:\n  b: 1\n c: 2\n");
    assert_eq!(e.line, 3);
    let e = err("key: \"\\q\"\n");
    assert!(e.message.starts_with("invalid YAML"), "{e}");
}
