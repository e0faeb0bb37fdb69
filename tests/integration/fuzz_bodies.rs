//! The cargo-fuzz targets' bodies (fuzz/fuzz_targets/common.rs), run on
//! stable by `cargo test` over a fixed corpus of tricky inputs, so CI
//! exercises every parser target and the masker without cargo-fuzz or
//! nightly. `scripts/fuzz.sh` runs the same bodies under libFuzzer.
//!
//! The corpus is generated, not listed: structural openers and closers at
//! several depths, unterminated quotes and escapes in every position,
//! control and multi-byte characters, CRLF, a BOM, long lines, and seeded
//! random bytes, each run through every target.

#[allow(dead_code, reason = "the fuzz targets use what this test does not")]
#[path = "../../fuzz/fuzz_targets/common.rs"]
mod common;

use std::time::{Duration, Instant};

use driftcheck::formats::Format;

const FORMATS: &[Format] = &[
    Format::Dotenv,
    Format::Hcl,
    Format::Ini,
    Format::Json,
    Format::Nginx,
    Format::Properties,
    Format::Toml,
    Format::Userlist,
    Format::Xml,
    Format::Yaml,
];

/// Pieces every parser reacts to.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "</",
    "/>",
    "<!--",
    "<![CDATA[",
    "\"",
    "'",
    "`",
    "\\",
    "\\u00",
    "\\x",
    "=",
    ":",
    ";",
    ",",
    "#",
    "//",
    "/*",
    "*/",
    "&",
    "*",
    "!",
    "|",
    ">-",
    "- ",
    "---",
    "...",
    "$",
    "${",
    "<<EOF\n",
    "EOF\n",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "\u{feff}",
    "\0",
    "\u{1b}[31m",
    "é",
    "日本",
    "\u{202e}",
    "𝔘",
    "key",
    "password",
    "server",
    "location",
    "include",
    "[section]",
    "a.b.c",
    "0x",
    "1e999",
    "-",
    "+",
    "%",
    "@",
    "~",
    "?",
];

fn corpus() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    // Nesting at several depths, closed and unclosed.
    for (open, close) in [
        ("{", "}"),
        ("[", "]"),
        ("<a>", "</a>"),
        ("a:\n  ", ""),
        ("server {", "}"),
    ] {
        for depth in [1usize, 8, 64, 512] {
            out.push(format!("{}x{}", open.repeat(depth), close.repeat(depth)).into_bytes());
            out.push(open.repeat(depth).into_bytes());
            out.push(close.repeat(depth).into_bytes());
        }
    }
    // Every piece alone, doubled, and in every placement around a value.
    for p in PIECES {
        for t in [
            p.to_string(),
            p.repeat(2),
            format!("k = {p}"),
            format!("k{p} = v"),
            format!("{p}k = v\n"),
            format!("k: \"v{p}\n"),
            format!("<a k=\"{p}\">{p}</a>"),
        ] {
            out.push(t.into_bytes());
        }
    }
    // Seeded random mixes of the pieces and random bytes, several lengths.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for len in [4usize, 16, 64, 256] {
        for _ in 0..40 {
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            out.push(text.into_bytes());
            out.push((0..len).map(|_| (next() & 0xff) as u8).collect());
        }
    }
    // A long line and many short lines.
    out.push("a".repeat(100_000).into_bytes());
    out.push("k=v\n".repeat(20_000).into_bytes());
    out
}

#[test]
fn every_fuzz_target_body_holds_on_the_fixed_corpus() {
    let corpus = corpus();
    let start = Instant::now();
    for input in &corpus {
        for &f in FORMATS {
            let t = Instant::now();
            common::check(f, input);
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "{f:?} took {:?} on {} bytes",
                t.elapsed(),
                input.len()
            );
        }
        common::masker(input);
    }
    println!(
        "fuzz bodies: {} inputs x {} targets in {:?}",
        corpus.len(),
        FORMATS.len() + 1,
        start.elapsed()
    );
}
