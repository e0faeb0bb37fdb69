//! The cost of the last-line writer (`secrets::redact`) on a very large
//! report, split by rule: the whole writer, the catalogue alone and the
//! uncatalogued-token (generic) rule alone, at n and 4n report lines,
//! median of five. Used by `bench/hostile.sh`; prints one line per size.
//!
//! Usage: cargo run --release --example redact_cost -- [N]

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::Instant;

use driftcheck::secrets::{find_random_tokens, find_tokens, redact};

/// A report like `diff -v --format json` prints: keys, paths, versions,
/// hostnames, digests, fingerprints, and a few masked values.
fn report(lines: usize) -> String {
    let mut s = String::with_capacity(lines * 90);
    for i in 0..lines {
        s.push_str(&format!(
            "      \"key\": \"services.api-{i}.env[name=LOG_LEVEL].value\", \"staging\": \"registry.internal/api:1.{}.{} sha256:{:064x}\", \"prod\": \"<secret fp={:012x}>\"\n",
            i % 97,
            i % 13,
            (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            i * 7919
        ));
    }
    s
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn time(f: impl Fn() -> usize) -> f64 {
    median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    println!(
        "{:>8} {:>8} {:>10} {:>10} {:>10}",
        "lines", "MB", "redact s", "catalog s", "generic s"
    );
    for k in [1, 4] {
        let text = report(n * k);
        let all = time(|| redact(&text).len());
        let cat = time(|| find_tokens(&text).len());
        let generic_s = time(|| find_random_tokens(&text).len());
        println!(
            "{:>8} {:>8.1} {:>10.3} {:>10.3} {:>10.3}",
            n * k,
            text.len() as f64 / 1e6,
            all,
            cat,
            generic_s
        );
    }
}
