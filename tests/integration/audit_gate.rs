//! One verdict (issue 12, item 4): on generated histories — timeouts
//! raised, replicas lowered (the shipped `k8s-replica-decrease` rule asks
//! for two sign-offs), drift introduced in one environment, unguarded
//! edits; no sign-off, one peer, two peers, a self-review; with and without
//! a `[[review.rule]]` on prod — `audit`'s verdict for each guarded commit
//! equals `gate --base C^ --head C`, and every commit the gate sees a
//! guarded change in is audited (`audit --gate`).
//!
//! Seeds: `DRIFTCHECK_SEEDS=N` runs N (default 4).

use std::collections::BTreeMap;

use super::gate_catalogue::{ANA, BO, MAL, Repo, reviewed_by};

/// Xorshift64, seeded: the generated histories' dice.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const PROD_RULE: &str =
    "\n[review]\nrequired = 1\n\n[[review.rule]]\npaths = [\"deploy/prod/**\"]\nrequired = 2\n";

/// One random change on the feature branch, committed with random sign-offs.
fn step(r: &Repo, rng: &mut Rng, n: usize) {
    let envs = ["staging", "prod"];
    match rng.below(5) {
        0 => {
            for env in envs {
                let p = format!("deploy/{env}/app.yaml");
                let text = r.read(&p);
                let line = text.lines().find(|l| l.starts_with("timeout:")).unwrap();
                r.replace(&p, line, &format!("timeout: {}", 31 + n));
            }
        }
        1 => {
            let env = envs[rng.below(2)];
            let p = format!("deploy/{env}/app.yaml");
            let text = r.read(&p);
            let line = text.lines().find(|l| l.starts_with("replicas:")).unwrap();
            let now: u32 = line[10..].trim().parse().unwrap();
            let to = if now > 1 && rng.below(2) == 0 {
                now - 1
            } else {
                now + 1
            };
            r.replace(&p, line, &format!("replicas: {to}"));
        }
        2 => {
            // Drift: prod's data path leaves staging's.
            let p = "deploy/prod/app.yaml";
            let text = r.read(p);
            let line = text.lines().find(|l| l.starts_with("data_path:")).unwrap();
            r.replace(p, line, &format!("data_path: /srv/app{n}"));
        }
        3 => r.write("src/main.rs", &format!("fn main() {{ let _ = {n}; }}\n")),
        _ => {
            let p = format!("deploy/{}/app.yaml", envs[rng.below(2)]);
            let text = r.read(&p);
            let line = text.lines().find(|l| l.starts_with("log_level:")).unwrap();
            r.replace(&p, line, &format!("log_level: level{n}"));
        }
    }
    let trailers = match rng.below(4) {
        0 => String::new(),
        1 => reviewed_by(ANA),
        2 => format!("{}\n{}", reviewed_by(ANA), reviewed_by(BO)),
        _ => reviewed_by(MAL),
    };
    let message = if trailers.is_empty() {
        format!("change {n}\n")
    } else {
        format!("change {n}\n\n{trailers}\n")
    };
    r.commit_as(MAL, MAL, &message);
}

#[test]
fn audit_verdict_equals_the_gate_for_each_commit() {
    let seeds: u64 = std::env::var("DRIFTCHECK_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let mut compared = 0;
    let mut refused = 0;
    for seed in 1..=seeds {
        let mut rng = Rng(0x51ed_2701_u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let r = Repo::standard(if seed % 2 == 0 { PROD_RULE } else { "" });
        for n in 0..6 {
            step(&r, &mut rng, n);
        }
        let out = r.driftcheck_in(
            &r.root(),
            &["audit", "main..feature", "--gate", "--format", "json"],
            &[],
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("seed {seed}: {}", String::from_utf8_lossy(&out.stderr)));
        let audited: BTreeMap<String, bool> = doc["commits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["commit"].as_str().unwrap().to_string(),
                    c["passed"].as_bool().unwrap(),
                )
            })
            .collect();
        for c in r.git(&["rev-list", "main..feature"]).lines() {
            let parent = format!("{c}^");
            let g = r.gate(&["--base", &parent, "--head", c]);
            let guarded = g.json["gate"]["changes"]
                .as_array()
                .is_some_and(|a| !a.is_empty());
            let ctx = format!("seed {seed} commit {c}\n{}", g.show());
            match audited.get(c) {
                Some(passed) => {
                    assert_eq!(*passed, g.code == 0, "{ctx}\naudit: {doc}");
                    compared += 1;
                    refused += usize::from(!passed);
                }
                None => assert!(!guarded, "a guarded commit not audited: {ctx}"),
            }
        }
    }
    println!("audit vs gate: {compared} commits, {refused} refused");
    assert!(compared > 0 && refused > 0 && refused < compared);
}
