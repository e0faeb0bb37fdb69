//! The gate judged over the file keys a change can affect equals the gate
//! over whole trees (the rule in `src/gate/scope.rs`): random histories
//! over the generated tree of `incremental.rs` (edits, adds, deletes,
//! renames, Kubernetes documents moved, secrets copied, policy and config
//! edits), with a change-aware policy rule, typed sign-offs, and side
//! branches merged back; for every commit and several bases, `gate`'s exit
//! status and JSON report (verdict, findings, requirements, sign-offs) are
//! the same with `DRIFTCHECK_GATE_FULL=1` (whole trees) as without. Only
//! the pre-existing count differs by design (counted among the compared
//! keys), so it is left out of the comparison.
//!
//! Seeds: `DRIFTCHECK_SEEDS=N` runs N (default 4).

use crate::harness::repo;
use crate::incremental::{Git, Rng, operate, seed_tree};

/// `gate --base B --head H`: exit status and output, whole trees or not.
fn gate(g: &Git, base: &str, head: &str, extra: &[&str], full: bool) -> (i32, String) {
    let mut c = g.cmd(env!("CARGO_BIN_EXE_driftcheck"));
    c.args(["gate", "--base", base, "--head", head]).args(extra);
    if full {
        c.env("DRIFTCHECK_GATE_FULL", "1");
    } else {
        c.env_remove("DRIFTCHECK_GATE_FULL");
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The JSON report without what differs by design: the pre-existing count
/// and the number of keys it was counted among, and secrets' fingerprints
/// (keyed afresh by each run).
fn comparable(json: &str) -> serde_json::Value {
    fn unkeyed(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("fingerprint");
                m.values_mut().for_each(unkeyed);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(unkeyed),
            _ => {}
        }
    }
    let mut v: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    if let Some(g) = v.get_mut("gate").and_then(|g| g.as_object_mut()) {
        g.remove("preexisting");
        g.remove("compared_keys");
    }
    unkeyed(&mut v);
    v
}

/// A commit of what is in the working tree, sometimes with a typed sign-off.
fn commit(g: &Git, rng: &mut Rng, what: &str) -> bool {
    g.git(&["add", "-A"]);
    if g.git(&["status", "--porcelain"]).trim().is_empty() {
        return false;
    }
    let message = match rng.below(3) {
        0 => format!("{what}\n\nReviewed-by: Alice <alice@example.com>\n"),
        1 => format!(
            "{what}\n\nReviewed-by: Alice <alice@example.com>\nReviewed-by: Bob <bob@example.com>\n"
        ),
        _ => what.to_string(),
    };
    g.git(&["commit", "-q", "-m", &message]);
    true
}

/// Gate-only operations: the config (an alias added or removed), the
/// change-aware rule's threshold.
fn operate_gate(g: &Git, rng: &mut Rng) {
    match rng.below(3) {
        0 => {
            let alias = if rng.below(2) == 0 {
                "aliases = [\"prd\"]\n"
            } else {
                ""
            };
            g.write(
                "driftcheck.toml",
                &format!(
                    "policies = [\"policies/*.toml\"]\n\n[env.staging]\nroot = \"deploy/staging\"\n\n[env.prod]\nroot = \"deploy/prod\"\n{alias}"
                ),
            );
        }
        1 => change_rule(g, rng),
        _ => operate(g, rng),
    }
}

fn change_rule(g: &Git, rng: &mut Rng) {
    g.write(
        "policies/change.toml",
        &format!(
            "[[rule]]\nid = \"team/replicas-down\"\nkeys = [\"replicas\", \"spec.replicas\"]\non_change = \"{}\"\nreview = {{ required = {} }}\n",
            rng.pick(&["decrease", "any", "increase"]),
            rng.pick(&[1, 2]),
        ),
    );
}

/// A side branch from an earlier commit, a commit or two there, merged
/// back (when git merges it without conflict). Returns the side's tip.
fn side_branch(g: &Git, rng: &mut Rng, n: u64) -> Option<String> {
    let name = format!("side{n}");
    g.git(&["checkout", "-q", "-b", &name, "HEAD~1"]);
    let mut made = false;
    for _ in 0..1 + rng.below(2) {
        operate(g, rng);
        made |= commit(g, rng, &format!("{name} work"));
    }
    let tip = g.git(&["rev-parse", "HEAD"]).trim().to_string();
    g.git(&["checkout", "-q", "main"]);
    if !made {
        return None;
    }
    let merged = g
        .cmd("git")
        .args(["merge", "-q", "--no-edit", "-X", "theirs", &name])
        .output()
        .unwrap();
    if !merged.status.success() {
        g.git(&["merge", "--abort"]);
    }
    Some(tip)
}

#[test]
fn the_gate_over_the_change_equals_the_gate_over_whole_trees() {
    let seeds: u64 = std::env::var("DRIFTCHECK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let _ = repo();
    let (mut keys, mut bounded, mut whole, mut total) = (0, 0, 0, 0);
    let mut verdicts = [0; 3];
    for seed in 1..=seeds {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ (seed * 0x9e37_79b9));
        let g = Git::new();
        seed_tree(&g, &mut rng);
        change_rule(&g, &mut rng);
        commit(&g, &mut rng, "change rule");
        for step in 0..8u64 {
            let mut heads = Vec::new();
            if step % 3 == 2
                && let Some(tip) = side_branch(&g, &mut rng, step)
            {
                // The side branch judged against main before its merge.
                heads.push((String::from("main"), tip));
            }
            for _ in 0..1 + rng.below(3) {
                if rng.below(6) == 0 {
                    operate_gate(&g, &mut rng);
                } else {
                    operate(&g, &mut rng);
                }
            }
            commit(&g, &mut rng, &format!("step {step}"));
            let first_parents: Vec<String> = g
                .git(&["rev-list", "--first-parent", "HEAD"])
                .lines()
                .map(str::to_string)
                .collect();
            let head = first_parents[0].clone();
            if first_parents.len() > 1 {
                heads.push((first_parents[1].clone(), head.clone()));
            }
            let older = rng.pick(&first_parents[1..]).clone();
            heads.push((older, head.clone()));
            for (base, head) in &heads {
                let json = ["--format", "json"];
                let (code, got) = gate(&g, base, head, &json, false);
                let (full_code, want) = gate(&g, base, head, &json, true);
                let ctx = format!(
                    "seed {seed} step {step} base {base} head {head}\n{}",
                    g.git(&[
                        "log",
                        "--stat",
                        "--format=%h %p %s",
                        &format!("{base}..{head}")
                    ])
                );
                assert_eq!(code, full_code, "{ctx}\nsubset:\n{got}\nwhole:\n{want}");
                if full_code == 2 {
                    continue;
                }
                assert_eq!(
                    comparable(&got),
                    comparable(&want),
                    "{ctx}\nsubset:\n{got}\nwhole:\n{want}"
                );
                verdicts[usize::try_from(code).unwrap()] += 1;
                total += 1;
                let (_, verbose) = gate(&g, base, head, &["-v"], false);
                if verbose.contains("the change can affect") {
                    keys += 1;
                }
                if verbose.contains("no environment listed whole") {
                    bounded += 1;
                }
                if verbose.contains("compared the whole trees") {
                    whole += 1;
                }
            }
        }
    }
    println!(
        "gate over the change's keys: {keys} of {total} ranges ({bounded} without listings), whole trees {whole}; passed {}, refused {}",
        verdicts[0], verdicts[1]
    );
    // Both paths taken, and both verdicts, or the property says little.
    assert!(keys * 3 >= total, "subset {keys} of {total}");
    assert!(whole > 0 && bounded > 0, "whole {whole}, bounded {bounded}");
    assert!(verdicts[0] > 0 && verdicts[1] > 0, "{verdicts:?}");
}
