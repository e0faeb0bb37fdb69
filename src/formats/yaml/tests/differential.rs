//! Differential tests: whenever the fast path accepts an input, its documents
//! must equal the event path's, on hand-written, generated and mutated input.

use super::super::{events, fast};
use crate::formats::Limits;

/// Run both paths; if the fast path accepts, demand the event path agrees.
/// Returns whether the fast path accepted.
fn check_with(text: &str, limits: &Limits) -> bool {
    let Some(fast_docs) = fast::parse(text, limits) else {
        return false;
    };
    match events::parse(text, limits) {
        Ok(event_docs) => assert_eq!(fast_docs, event_docs, "paths differ on {text:?}"),
        Err(e) => panic!("fast path accepted input the event path rejects ({e}): {text:?}"),
    }
    true
}

/// [`check_with`] under default limits.
fn check(text: &str) -> bool {
    check_with(text, &Limits::default())
}

/// Inputs the fast path must accept (and match on).
const ACCEPTED: &[&str] = &[
    "a: 1\n",
    "\"a:b\": 1\n'c: d': x\n",
    "key: value # comment\n",
    "url: http://x:80/a#b\n",
    "a: 'it''s'\n",
    "b: \"x\\ty\\u00e9\\x41\\U0001F600\\\\\\\"\\/\\0\\N\\_\\L\\P\\e\\ \"\n",
    "- - nested\n  - two\n- three\n",
    "a:\nb:\n",
    "key:",
    "key:\n",
    "a: 1   \nb: x y  \n",
    "a: 1\r\nb:\r\n  - x\r\n",
    "a: b#c\nd: e #f\ng: 'h' # i\nj: \"k\" #\n",
    "- a: 1\n  b: 2\n- c: 3\n-\n- - x\n",
    "a:\n- x\n- y\nb: 1\n",
    "a:\n  -\n  - x\nb: []\nc: {}\nd: [1, two, \"3\", '4']\ne: [ ]\n",
    "---\n---\n# c\nkey: v\n---\n",
    "# lead\n\n  k: v\n  l: w\n",
    "a: -1\nb: -x\nc: +.5\nd: ~\ne: é\nf: a:b\ng: [a b, c]\n",
    "- 'a': 1\n  \"b\" : 2\n",
    "k: x y:z\n",
    "on: yes\nNO: 0755\nv: 1.10\nt: 1:20\n",
    "empty_list:\n  - \nnext: 1\n",
    "a:\n  b:\n    c:\n      - d\n  e: f\n",
];

#[test]
fn hand_written_inputs() {
    for text in ACCEPTED {
        assert!(check(text), "fast path declined {text:?}");
    }
}

/// Inputs the fast path must decline (event path decides).
const DECLINED: &[&str] = &[
    "a: &x 1\nb: *x\n",
    "a: !t 1\n",
    "a: |\n  x\n",
    "a: >\n  x\n",
    "a: multi\n  line\n",
    "a: \"multi\n  line\"\n",
    "? a\n: b\n",
    "a:\n\tb: 1\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: 1\n...\n",
    "a: 1\na: 2\n",
    "<<: {a: 1}\n",
    "a: [x, [y]]\n",
    "a: {b: 1}\n",
    "just a scalar\n",
    "--- x\n",
    "a: b: c\n",
    "a: - b\n",
    "a:\n  b: 1\n c: 2\n",
    "a: 1\n b: 2\n",
    "a: \"\\q\"\n",
    "a: 'x'y\n",
    "a: x\rb: y\n",
    "j: \"k\"#\n",
];

#[test]
fn declined_inputs() {
    for text in DECLINED {
        assert!(!check(text), "fast path accepted {text:?}");
    }
}

#[test]
fn limits_make_the_fast_path_decline() {
    let deep = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(!check_with("a:\n  b:\n    c: 1\n", &deep));
    assert!(check_with("a:\n  b: 1\n", &deep));
    let few = Limits {
        max_nodes: 4,
        ..Limits::default()
    };
    assert!(!check_with("a: 1\nb: 2\nc: 3\n", &few));
    let docs = Limits {
        max_documents: 1,
        ..Limits::default()
    };
    assert!(!check_with("a: 1\n---\nb: 2\n", &docs));
}

/// A small deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    /// The next value in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }

    /// One of `items`.
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Scalars, keys and separators the generator draws from.
const VALUES: &[&str] = &[
    "plain",
    "1",
    "-2",
    "3.10",
    "0755",
    "on",
    "NO",
    "~",
    "null",
    "true",
    "\"quoted\"",
    "'single'",
    "'it''s'",
    "\"a\\tb\"",
    "http://h:80/p#f",
    "a b c",
    "[]",
    "{}",
    "[a, 1]",
    "\"\"",
    "''",
    "x # comment",
    "1:20",
    "0x1F",
    "é ü",
    "\"#not comment\"",
    "a#b",
    "-x",
    "'\"'",
    "\"'\"",
    "yes",
    "2024-01-31",
];
const KEYS: &[&str] = &[
    "name",
    "value",
    "image",
    "\"quoted key\"",
    "'k:v'",
    "port",
    "a b",
    "on",
    "1",
    "x.y/z",
    "\"\"",
    "-k",
];

/// A random k8s-shaped block document.
fn generate(rng: &mut Rng, depth: usize, indent: usize, out: &mut String) {
    let entries = 1 + rng.below(5);
    let pad = " ".repeat(indent);
    let step = [2, 2, 4, 1][rng.below(4)];
    for i in 0..entries {
        let key = format!("{}{i}", rng.pick(KEYS).trim_matches(['"', '\'']));
        out.push_str(&pad);
        out.push_str(&key);
        out.push(':');
        match rng.below(if depth > 4 { 2 } else { 5 }) {
            0 | 1 => {
                out.push(' ');
                out.push_str(rng.pick(VALUES));
                out.push_str(rng.pick(&["", "", " ", " # c"]));
                out.push('\n');
            }
            2 => {
                out.push_str(rng.pick(&["\n", " # c\n", "\n\n"]));
                generate(rng, depth + 1, indent + step, out);
            }
            3 => {
                out.push('\n');
                let dash_pad = " ".repeat(indent + [0, 2, 4][rng.below(3)]);
                for _ in 0..1 + rng.below(3) {
                    out.push_str(&dash_pad);
                    out.push_str("- ");
                    if rng.below(2) == 0 {
                        out.push_str(rng.pick(VALUES));
                        out.push('\n');
                    } else {
                        let mut item = String::new();
                        generate(rng, depth + 1, dash_pad.len() + 2, &mut item);
                        out.push_str(item.trim_start_matches(' '));
                    }
                }
            }
            _ => out.push('\n'),
        }
    }
}

/// A generated stream of one to three documents.
fn generated_stream(rng: &mut Rng) -> String {
    let mut text = String::new();
    for d in 0..1 + rng.below(3) {
        if d > 0 || rng.below(2) == 0 {
            text.push_str(rng.pick(&["---\n", "--- # doc\n", "---\n# lead\n"]));
        }
        generate(rng, 0, 0, &mut text);
    }
    if rng.below(4) == 0 {
        text = text.replace('\n', "\r\n");
    }
    text
}

#[test]
fn generated_documents_agree() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    for _ in 0..2_000 {
        let text = generated_stream(&mut rng);
        accepted += usize::from(check(&text));
    }
    assert!(
        accepted > 1_000,
        "fast path accepted only {accepted} of 2000 generated files"
    );
}

/// Characters mutations insert: YAML's indicators, whitespace and breaks.
const NOISE: &[&str] = &[
    " ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "'", "\"", "\\", "[", "]", "{", "}", ",",
    "&a", "*a", "!", "|", ">", "?", "---", "...", "\r\n", "\t", "%", "é", "x", "0", "<<: ",
];

#[test]
fn mutated_documents_agree() {
    // `DRIFTCHECK_YAML_FUZZ=N` runs N mutations from a seed of N (default 30,000).
    let iterations: usize = std::env::var("DRIFTCHECK_YAML_FUZZ")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30_000);
    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ iterations as u64);
    let mut seeds: Vec<String> = ACCEPTED.iter().map(|s| s.to_string()).collect();
    for _ in 0..50 {
        seeds.push(generated_stream(&mut rng));
    }
    let mut accepted = 0;
    for _ in 0..iterations {
        let mut text = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(3) {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match rng.below(3) {
                0 => text.insert_str(at, rng.pick(NOISE)),
                1 => {
                    let mut end = (at + 1 + rng.below(3)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => {
                    let mut end = (at + rng.below(20)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    let copy = text[at..end].to_owned();
                    text.insert_str(at, &copy);
                }
            }
        }
        accepted += usize::from(check(&text));
    }
    eprintln!("mutations: fast path accepted {accepted} of {iterations}");
    assert!(
        accepted > iterations / 6,
        "mutations rarely reach the fast path ({accepted})"
    );
}

/// Every `*.yaml` / `*.yml` under `$DRIFTCHECK_YAML_CORPUS` (for example a
/// `gen_envs.py` tree) through both paths. Skipped when the variable is unset.
#[test]
fn corpus_agrees() {
    let Some(root) = std::env::var_os("DRIFTCHECK_YAML_CORPUS") else {
        return;
    };
    let mut dirs = vec![std::path::PathBuf::from(root)];
    let (mut files, mut accepted) = (0, 0);
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = std::fs::read_to_string(&path).unwrap();
                files += 1;
                accepted += usize::from(check(&text));
            }
        }
    }
    eprintln!("corpus: fast path accepted {accepted} of {files} files");
    assert!(files > 0);
}
