//! A misspelled sign-off key (`Reviewd-by`, `Reveiwed-by`, `Reviewed_by`,
//! any letter case) is a near miss with "did you mean `Reviewed-by`?" in
//! `trailers` and in the gate, for the shipped key and for a configured one;
//! a far key (`Reported-by`) is not. The rule: `trailers::suggest`.

use crate::gate_catalogue::{ANA, Repo, msg, reviewed_by};

fn signed(key: &str) -> String {
    msg(&reviewed_by(ANA).replacen("Reviewed-by", key, 1))
}

const MEANT: &str = "did you mean `Reviewed-by`?";

#[test]
fn the_gate_and_trailers_explain_a_misspelled_signoff_key() {
    for key in [
        "Reviewd-by",
        "Reveiwed-by",
        "Reviewed_by",
        "REVIEWD-BY",
        "reveiwed-by",
    ] {
        let r = Repo::standard("");
        r.raise_timeout();
        r.commit(&signed(key));
        let g = r.gate_main();
        g.assert_refused();
        g.assert_near_miss(MEANT);
        let out = r
            .command(env!("CARGO_BIN_EXE_driftcheck"), &r.root(), ANA, ANA)
            .args(["trailers", "HEAD", "--format", "json"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(MEANT), "{key}: {text}");
    }
    // A far key is someone else's trailer, not a misspelling.
    let r = Repo::standard("");
    r.raise_timeout();
    r.commit(&signed("Reported-by"));
    let g = r.gate_main();
    assert!(!g.show().contains("did you mean"), "{}", g.show());
}

#[test]
fn a_configured_signoff_key_is_matched_loosely_too() {
    let r = Repo::standard("\n[review]\ntrailers = [\"Security-Approved-by\"]\n");
    r.raise_timeout();
    r.commit(&signed("Security-Aproved-by"));
    let g = r.gate_main();
    g.assert_refused();
    g.assert_near_miss("did you mean `Security-Approved-by`?");
}
