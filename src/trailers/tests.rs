use super::*;

fn kv(message: &str, mode: Mode) -> Vec<String> {
    parse(message, mode)
        .trailers
        .iter()
        .map(|t| format!("{}: {}", t.key, t.value))
        .collect()
}

/// Trailers in both modes, asserting they agree.
fn both(message: &str) -> Vec<String> {
    let file = kv(message, Mode::MessageFile);
    assert_eq!(
        file,
        kv(message, Mode::CommitObject),
        "modes differ for {message:?}"
    );
    file
}

fn misses(message: &str, mode: Mode) -> Vec<(usize, String)> {
    parse(message, mode)
        .near_misses
        .into_iter()
        .map(|m| (m.line, m.reason))
        .collect()
}

fn only_miss(message: &str, mode: Mode) -> (usize, String) {
    let found = misses(message, mode);
    assert_eq!(
        found.len(),
        1,
        "expected one near miss in {message:?}, got {found:#?}"
    );
    found.into_iter().next().unwrap_or_default()
}

// --- block detection -------------------------------------------------

#[test]
fn all_trailer_last_paragraph_is_the_block() {
    let msg = "subject\n\nbody text\n\nReviewed-by: A <a@x>\nAcked-by: B <b@x>\n";
    assert_eq!(both(msg), ["Reviewed-by: A <a@x>", "Acked-by: B <b@x>"]);
    let block = parse(msg, Mode::MessageFile);
    assert_eq!(block.trailers[0].line, 5);
    assert_eq!(block.trailers[1].line, 6);
    assert!(block.near_misses.is_empty());
}

#[test]
fn subject_paragraph_is_never_trailers() {
    assert!(both("Reviewed-by: A <a@x>\n").is_empty());
    assert!(both("subject\nReviewed-by: A <a@x>\n").is_empty());
    assert!(both("").is_empty());
    assert!(both("\n\n\n").is_empty());
}

#[test]
fn a_first_paragraph_of_comments_is_the_title() {
    assert_eq!(kv("# note\n\nA: b\n", Mode::MessageFile), ["A: b"]);
}

#[test]
fn prose_in_last_paragraph_disqualifies_without_git_generated_line() {
    assert!(both("s\n\nReviewed-by: A <a@x>\nI did not review this\n").is_empty());
}

#[test]
fn git_generated_prefix_allows_25_percent() {
    // 2 trailers, 2 prose lines: accepted; prose is not output.
    let msg = "s\n\nReviewed-by: A <a@x>\nprose one\nprose two\nSigned-off-by: M <m@x>\n";
    assert_eq!(
        both(msg),
        ["Reviewed-by: A <a@x>", "Signed-off-by: M <m@x>"]
    );
    // 1 trailer, 3 prose lines: exactly 25% is enough.
    assert_eq!(
        both("s\n\np1\np2\np3\nSigned-off-by: M\n"),
        ["Signed-off-by: M"]
    );
    // 1 trailer, 4 prose lines: under 25%.
    assert!(both("s\n\np1\np2\np3\np4\nSigned-off-by: M\n").is_empty());
}

#[test]
fn git_generated_prefix_is_exact() {
    // Lower case, or no space after the colon, is not git-generated.
    assert!(both("s\n\nprose\nsigned-off-by: M\n").is_empty());
    assert!(both("s\n\nprose\nSigned-off-by:M\n").is_empty());
    // The cherry-pick line counts as git-generated but is not output.
    assert_eq!(
        both("s\n\nprose\nA: b\n(cherry picked from commit abc)\n"),
        ["A: b"]
    );
}

#[test]
fn continuation_lines_count_as_non_trailers_unless_below_a_trailer() {
    // Folded into the trailer above: the block is all trailers.
    assert_eq!(both("s\n\nA: b\n c\n"), ["A: b c"]);
    // An indented line with no trailer above it is prose.
    assert!(both("s\n\n c\nA: b\n").is_empty());
    // A comment line between them turns the indented line into prose.
    assert!(both("s\n\nA: b\n# x\n c\n").is_empty());
}

#[test]
fn url_lines_are_trailers() {
    assert_eq!(
        both("s\n\nhttps://x/y\nReviewed-by: A\n"),
        ["https: //x/y", "Reviewed-by: A"]
    );
}

// --- end of message ---------------------------------------------------

#[test]
fn trailing_comments_scissors_and_conflicts_are_ignored() {
    assert_eq!(both("s\n\nA: b\n# B: c\n"), ["A: b"]);
    assert_eq!(
        both("s\n\nA: b\n# ------------------------ >8 ------------------------\nB: c\n"),
        ["A: b"]
    );
    assert_eq!(
        both("s\n\nA: b\n\nConflicts:\n\tconfig/prod.yaml\n"),
        ["A: b"]
    );
    // Without the blank line, the Conflicts block is still cut off.
    assert_eq!(both("s\n\nA: b\nConflicts:\n\tx\n"), ["A: b"]);
}

#[test]
fn conflicts_block_must_be_exact_and_last() {
    // Not last: prose after it keeps it in the message.
    assert!(both("s\n\nA: b\nConflicts:\n\tx\nprose\n").is_empty());
    // A space after the colon makes it an ordinary trailer.
    assert_eq!(
        both("s\n\nA: b\nConflicts: \n\tx\n"),
        ["A: b", "Conflicts: x"]
    );
}

#[test]
fn scissors_line_needs_lf_and_exact_text() {
    // A CRLF scissors line is an ordinary comment line inside the block.
    let crlf = "s\n\nA: b\n# ------------------------ >8 ------------------------\r\nB: c\n";
    assert_eq!(both(crlf), ["A: b", "B: c"]);
    assert!(both("# ------------------------ >8 ------------------------\nA: b\n").is_empty());
}

#[test]
fn degenerate_messages_have_no_trailers() {
    for msg in [
        "#\n",
        "\n",
        "Conflicts:\n\tx\n",
        "\nConflicts:\n\tx\n",
        "# c\n\n#\n",
        "\r\n",
    ] {
        assert!(both(msg).is_empty(), "{msg:?}");
    }
}

#[test]
fn message_files_get_a_final_newline() {
    // With the newline added, the last line is a `Conflicts:` block git
    // ignores; in a commit object it is a trailer with an empty value.
    let msg = "s\n\nA: b\n\nConflicts:";
    assert_eq!(kv(msg, Mode::MessageFile), ["A: b"]);
    assert_eq!(kv(msg, Mode::CommitObject), ["Conflicts: "]);
    // Not when a NUL already ended the message.
    assert_eq!(
        kv("s\n\nA: b\n\nConflicts:\0", Mode::MessageFile),
        ["Conflicts: "]
    );
}

#[test]
fn divider_does_not_end_the_message() {
    assert_eq!(
        both("s\n\nbody\n\n---\n\nReviewed-by: A <a@x>\n"),
        ["Reviewed-by: A <a@x>"]
    );
}

// --- line grammar -----------------------------------------------------

#[test]
fn whitespace_before_colon_is_accepted_and_dropped() {
    assert_eq!(both("s\n\nReviewed-by : A\n"), ["Reviewed-by: A"]);
    assert_eq!(both("s\n\nReviewed-by\t:A\n"), ["Reviewed-by: A"]);
}

#[test]
fn key_bytes_are_ascii_alnum_and_dash_only() {
    for bad in [
        "Reviewed_by: A",
        "Reviewed.by: A",
        "Reviewed by: A",
        " Reviewed-by: A",
        ": A",
    ] {
        assert!(both(&format!("s\n\n{bad}\n")).is_empty(), "{bad:?}");
    }
    assert_eq!(both("s\n\n-: x\nX-1-y: z\n"), ["-: x", "X-1-y: z"]);
}

#[test]
fn empty_value_is_still_a_trailer() {
    assert_eq!(both("s\n\nReviewed-by:\nA:   \n"), ["Reviewed-by: ", "A: "]);
}

#[test]
fn keys_keep_their_case() {
    assert_eq!(both("s\n\nREVIEWED-BY: a\n"), ["REVIEWED-BY: a"]);
    assert!(key_matches("REVIEWED-BY", "Reviewed-by"));
    assert!(!key_matches("Reviewed-byx", "Reviewed-by"));
    assert!(!key_matches("Reviewed", "Reviewed-by"));
}

#[test]
fn unfolding_joins_with_one_space() {
    assert_eq!(both("s\n\nA: one\n  two\n\tthree\n"), ["A: one two three"]);
    assert_eq!(
        both("s\n\nReviewed-by: Alice\n Reviewed-by: Bob\n"),
        ["Reviewed-by: Alice Reviewed-by: Bob"]
    );
}

#[test]
fn only_git_whitespace_counts() {
    // \v and \f are not whitespace to git: these lines are prose.
    assert!(both("s\n\nA: b\n\u{b} c\n").is_empty());
    assert!(both("s\n\nA: b\n\u{c} c\n").is_empty());
}

#[test]
fn crlf_is_trimmed_but_kept_inside_folded_values() {
    assert_eq!(both("s\r\n\r\nA: b\r\nC: d\r\n"), ["A: b", "C: d"]);
    assert_eq!(both("s\n\nA: b\r\n c\r\n"), ["A: b\r c"]);
    // A CRLF blank line ends the block like an LF one.
    assert_eq!(both("s\r\n\r\nprose\r\n\r\nA: b\r\n\r\n"), ["A: b"]);
}

#[test]
fn no_trailing_newline() {
    assert_eq!(both("s\n\nA: b"), ["A: b"]);
}

#[test]
fn nul_ends_the_message() {
    assert!(both("s\n\nprose\0\n\nA: b\n").is_empty());
}

// --- modes --------------------------------------------------------------

#[test]
fn commit_objects_skip_leading_blank_lines() {
    assert_eq!(kv("\nA: b\n", Mode::MessageFile), ["A: b"]);
    assert!(kv("\nA: b\n", Mode::CommitObject).is_empty());
    assert!(kv(" \t\nA: b\n", Mode::CommitObject).is_empty());
    // Line numbers still refer to the whole input.
    let block = parse("\n\nsubject\n\nA: b\n", Mode::CommitObject);
    assert_eq!(block.trailers[0].line, 5);
}

// --- near misses ----------------------------------------------------------

#[test]
fn look_alike_keys() {
    let cases = [
        (
            "Reviewed\u{2010}by: A <a@x>",
            "key contains U+2010 HYPHEN, not an ASCII '-'",
        ),
        (
            "Reviewed\u{2212}by: A <a@x>",
            "key contains U+2212 MINUS SIGN, not an ASCII '-'",
        ),
        (
            "Review\u{0435}d-by: A <a@x>",
            "key contains U+0435 CYRILLIC SMALL LETTER IE, not an ASCII 'e'",
        ),
        (
            "Reviewed-by\u{FF1A} A <a@x>",
            "separator is U+FF1A FULLWIDTH COLON, not an ASCII ':'",
        ),
        (
            "Reviewed\u{200B}-by: A",
            "key contains an invisible U+200B ZERO WIDTH SPACE",
        ),
        (
            "Rev\u{00E9}wed-by: A <a@x>",
            "key contains U+00E9 'é', which git does not allow",
        ),
        (
            "Reviewed_by: A",
            "key contains '_', which git does not allow",
        ),
        ("Reviewed by: A <a@x>", "contains a blank (a space)"),
        ("Reviewed-by A <a@x>", "no ':' after `Reviewed-by`"),
    ];
    for (line, expected) in cases {
        let msg = format!("s\n\nSigned-off-by: M <m@x>\n{line}\n");
        let (at, reason) = only_miss(&msg, Mode::MessageFile);
        assert_eq!(at, 4, "{line:?}");
        assert!(reason.contains(expected), "{line:?}: {reason}");
        assert_eq!(kv(&msg, Mode::MessageFile), ["Signed-off-by: M <m@x>"]);
    }
}

#[test]
fn prose_with_colons_is_not_a_near_miss() {
    let msg = "s\n\nNote: foo\nThis is why: reasons\n\nAlso note: x\n";
    assert!(misses(msg, Mode::MessageFile).is_empty());
}

#[test]
fn earlier_paragraph_near_miss() {
    let msg = "s\n\nReviewed-by: A <a@x>\n\nSigned-off-by: M <m@x>\n";
    assert_eq!(
        only_miss(msg, Mode::CommitObject),
        (3, "not in the last paragraph: a blank line separates it from the trailer block, which starts on line 5".to_owned())
    );
    let msg = "s\n\nReviewed-by: A <a@x>\n\nJust prose.\n";
    assert_eq!(
        only_miss(msg, Mode::CommitObject),
        (3, "not in the last paragraph: a blank line separates it from the last paragraph (line 5), the only one git reads trailers from".to_owned())
    );
}

#[test]
fn rejected_last_paragraph_near_miss() {
    let msg = "s\n\nThis changes prod.\nIt is safe.\nTrust me.\nReally.\nReviewed-by: A <a@x>\n";
    assert_eq!(
        only_miss(msg, Mode::MessageFile),
        (7, "the last paragraph is prose (1 of 5 lines are trailers and none is git-generated), so git reads no trailer block".to_owned())
    );
    let msg = "s\n\np1\np2\np3\np4\nSigned-off-by: M <m@x>\n";
    let (_, reason) = only_miss(msg, Mode::MessageFile);
    assert!(
        reason.starts_with("the last paragraph is mostly prose (1 of 5 lines"),
        "{reason}"
    );
    let msg = "s\n\nprose\nsigned-off-by: M <m@x>\n";
    let (_, reason) = only_miss(msg, Mode::MessageFile);
    assert!(
        reason.contains("line 4 does not count as git-generated"),
        "{reason}"
    );
    let msg = "s\n\nReviewed-by: A <a@x>\n---\nstat\n";
    let (_, reason) = only_miss(msg, Mode::MessageFile);
    assert!(reason.contains("the `---` on line 4 is prose"), "{reason}");
}

#[test]
fn subject_near_miss() {
    assert_eq!(
        only_miss("Reviewed-by: A <a@x>\n", Mode::MessageFile).1,
        "in the subject paragraph: git never reads trailers from a message's first paragraph"
    );
    // In a commit object, a leading blank line does not help.
    assert_eq!(
        only_miss("\nReviewed-by: A <a@x>\n", Mode::CommitObject).0,
        2
    );
    assert!(misses("\nReviewed-by: A <a@x>\n", Mode::MessageFile).is_empty());
}

#[test]
fn folded_second_reviewer_near_miss() {
    let msg = "s\n\nReviewed-by: A <a@x>\n Reviewed-by: Eve <e@x>\n";
    assert_eq!(both(msg), ["Reviewed-by: A <a@x> Reviewed-by: Eve <e@x>"]);
    assert_eq!(
        only_miss(msg, Mode::MessageFile),
        (
            4,
            "indented: git folds it into the value of the `Reviewed-by` trailer on line 3"
                .to_owned()
        )
    );
    // A bare identity on a continuation line hides a reviewer too.
    assert_eq!(
        only_miss("s\n\nReviewed-by: A <a@x>\n\tB <b@x>\n", Mode::MessageFile).0,
        4
    );
    // An ordinary wrapped value is not a near miss.
    assert!(
        misses(
            "s\n\nReviewed-by: A <a@x>\n (on holiday)\n",
            Mode::MessageFile
        )
        .is_empty()
    );
}

#[test]
fn indented_outside_block_near_miss() {
    let msg = "s\n\nprose\n  Reviewed-by: A <a@x>\n";
    assert!(both(msg).is_empty());
    assert_eq!(
        only_miss(msg, Mode::MessageFile),
        (4, "indented: a trailer must start at the beginning of the line, so git does not read it as one".to_owned())
    );
    let (_, reason) = only_miss(
        "s\n\nprose\n\u{A0}Reviewed-by: A <a@x>\n",
        Mode::MessageFile,
    );
    assert!(
        reason.starts_with("starts with U+00A0 NO-BREAK SPACE"),
        "{reason}"
    );
}

#[test]
fn comment_near_miss() {
    let msg = "s\n\nReviewed-by: A <a@x>\n# Reviewed-by: B <b@x>\n";
    assert_eq!(both(msg), ["Reviewed-by: A <a@x>"]);
    let (at, reason) = only_miss(msg, Mode::MessageFile);
    assert_eq!(at, 4);
    assert!(reason.contains("`git commit` strips them"), "{reason}");
    let (_, reason) = only_miss(msg, Mode::CommitObject);
    assert!(
        reason.starts_with("comment line: git's trailer parser skips"),
        "{reason}"
    );
    // A comment inside the block is skipped too.
    let msg = "s\n\nA: b\n#Reviewed-by: B <b@x>\nC: d\n";
    assert_eq!(both(msg), ["A: b", "C: d"]);
    assert_eq!(only_miss(msg, Mode::MessageFile).0, 4);
}

#[test]
fn scissors_near_miss() {
    let msg = "s\n\nReviewed-by: A <a@x>\n# ------------------------ >8 ------------------------\n# Do not modify\ndiff --git a/x b/x\n+Reviewed-by: B <b@x>\n";
    assert_eq!(both(msg), ["Reviewed-by: A <a@x>"]);
    assert_eq!(
        only_miss(msg, Mode::MessageFile),
        (
            7,
            "below the scissors line (line 4): git ignores everything after it".to_owned()
        )
    );
}

#[test]
fn conflicts_block_near_miss() {
    let msg = "s\n\nA: b\n\nConflicts:\n\tReviewed-by: B <b@x>\n";
    assert_eq!(both(msg), ["A: b"]);
    assert_eq!(
        only_miss(msg, Mode::MessageFile),
        (
            6,
            "in a trailing `Conflicts:` block, which git ignores".to_owned()
        )
    );
}

#[test]
fn counted_trailers_and_space_before_colon_are_not_near_misses() {
    let msg = "s\n\nReviewed-by : A <a@x>\nreviewed-by: B <b@x>\n";
    assert_eq!(both(msg), ["Reviewed-by: A <a@x>", "reviewed-by: B <b@x>"]);
    assert!(misses(msg, Mode::MessageFile).is_empty());
}

/// Many trailer lines parse, every one counted (their cost, linear in the
/// number of lines, is measured by `bench/trailers.sh`: a timed ratio in a
/// unit test failed on a loaded machine).
#[test]
fn many_trailer_lines_are_all_read() {
    let mut m = String::from("Subject\n\nBody.\n\n");
    for i in 0..40_000 {
        m.push_str(&format!("Reviewed-by: Person {i} <p{i}@example.com>\n"));
    }
    assert_eq!(trailers_only(&m, Mode::CommitObject).len(), 40_000);
    assert_eq!(parse(&m, Mode::CommitObject).trailers.len(), 40_000);
}

/// Every single-edit misspelling of `Reviewed-by` (a deletion, a swap of
/// neighbours, a substitution, `-` written `_`, at every position), in
/// several letter cases, is a near miss that names `Reviewed-by`; keys
/// that are far (`Reported-by`, `Released-by`) or are other sign-off keys
/// are not. The rule is [`near_miss::suggest`]'s.
#[test]
fn misspelled_signoff_keys_are_near_misses_with_a_suggestion() {
    let wanted = "Reviewed-by";
    let chars: Vec<char> = wanted.chars().collect();
    let mut family: Vec<String> = Vec::new();
    for i in 0..chars.len() {
        let mut d = chars.clone();
        d.remove(i);
        family.push(d.iter().collect());
        let mut s = chars.clone();
        s[i] = if s[i] == 'q' { 'z' } else { 'q' };
        family.push(s.iter().collect());
        if i + 1 < chars.len() && chars[i] != chars[i + 1] {
            let mut t = chars.clone();
            t.swap(i, i + 1);
            family.push(t.iter().collect());
        }
    }
    family.push("Reviewed_by".to_string());
    family.push("Reviewd_by".to_string());
    let cases = |k: &str| {
        vec![
            k.to_string(),
            k.to_ascii_lowercase(),
            k.to_ascii_uppercase(),
        ]
    };
    let mut checked = 0;
    for key in family.iter().flat_map(|k| cases(k)) {
        // A key that starts with `-` is not key-like to anyone.
        if key.starts_with(['-', '_']) || key.eq_ignore_ascii_case(wanted) {
            continue;
        }
        let msg = format!("Subject\n\nBody.\n\n{key}: Ana <ana@example.com>\n");
        for mode in [Mode::CommitObject, Mode::MessageFile] {
            let block = parse(&msg, mode);
            assert!(
                block
                    .near_misses
                    .iter()
                    .any(|n| n.line == 5 && n.reason.contains("did you mean `Reviewed-by`?")),
                "{key:?} ({mode:?}): {block:?}"
            );
            assert!(
                !block.trailers.iter().any(|t| key_matches(&t.key, wanted)),
                "{key:?} counted"
            );
        }
        checked += 1;
    }
    assert!(checked >= 3 * 25, "{checked}");
    for far in [
        "Reported-by",
        "Released-by",
        "Reviewed-by",
        "reviewed-by",
        "REVIEWED-BY",
        "Signed-off-by",
        "Acked-by",
        "Tested-by",
        "Co-authored-by",
        "Requested-by",
        "Fixes",
        "Change-Id",
    ] {
        let msg = format!("Subject\n\nBody.\n\n{far}: Ana <ana@example.com>\n");
        let block = parse(&msg, Mode::CommitObject);
        assert!(
            !block
                .near_misses
                .iter()
                .any(|n| n.reason.contains("did you mean")),
            "{far}: {block:?}"
        );
    }
}
