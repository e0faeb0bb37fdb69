#!/bin/bash
# Trailer-parsing family: each message is committed by Mallory on a one-line guarded change
# ([review] required=1 from any peer); WANT is the right exit code.
run() { # WANT LABEL MESSAGE(printf format)
(
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
g add -A; printf "$3" > $T/msg; g commit -q --cleanup=verbatim -F $T/msg
r=$(gate); expect $1 "${r#exit=}" "$2"
)
}
A='Reviewed-by: Ana <ana@example.com>'
run 0 plain "s\n\n$A\n"
run 0 crlf "s\r\n\r\n$A\r\n"
run 1 nonfinal_paragraph "s\n\n$A\n\nmore prose\n"
run 1 folded_second_person "s\n\nReviewed-by: Mal\n <ana@example.com>\n"
run 1 folded_continuation "s\n\n$A\n continued\n"
run 1 self_review "s\n\nReviewed-by: Mallory <mal@example.com>\n"
run 1 self_review_tag "s\n\nReviewed-by: M <MAL+x@Example.COM>\n"
run 1 coauthor_signs "s\n\nCo-authored-by: Ana <ana@example.com>\n$A\n"
run 1 coauthor_lowercase "s\n\nco-authored-by: Ana <ANA@example.com>\n$A\n"
run 1 typo_key "s\n\nReviewd-by: Ana <ana@example.com>\n"
run 1 unicode_hyphen "s\n\nReviewed‐by: Ana <ana@example.com>\n"
run 1 below_divider "s\n\n---\n\n$A\n"
run 1 scissors "s\n\n# ------------------------ >8 ------------------------\n$A\n"
run 1 comment_line "s\n\n# $A\n"
run 1 only_subject_trailer "$A\n"
run 1 subject_then_trailer "s\n$A\n"
run 1 mixed_prose "s\n\n$A\nI did not review this\n"
run 1 empty_value "s\n\nReviewed-by:\n"
run 1 two_in_one "s\n\nReviewed-by: Ana <ana@example.com>, Bo <bo@example.com>\n"
run 0 conflicts_block "s\n\n$A\n\nConflicts:\n\tdeploy/prod/app.yaml\n"
run 0 space_before_colon "s\n\nReviewed-by : Ana <ana@example.com>\n"
run 1 cyrillic_e "s\n\nRеviewed-by: Ana <ana@example.com>\n"
run 1 hash_separator "s\n\nReviewed-by #Ana <ana@example.com>\n"
run 1 latin1_msg "s\n\n$A \xe9\n"
run 0 signed_off_25pct "s\n\nsome text\nmore text\n$A\nSigned-off-by: Mallory <mal@example.com>\n"
run 1 lowercase_signed_off "s\n\nsome text\n$A\nsigned-off-by: Mallory <mal@example.com>\n"
run 1 comment_trailing_scissors_diff "s\n\nx\n\n# ------------------------ >8 ------------------------\n+$A\n"
run 1 cr_only_lines "s\r\r$A\r"
run 1 trailing_tab_cont "s\n\n$A\n\tBo <bo@example.com>\n"
run 0 ws_only_line_between "s\n\nReviewed-by: Mal <mal@example.com>\n \n$A\n"
run 0 ws_only_between_valid "s\n\nprose\n \n$A\n"
run 1 vtab_fold "s\n\n$A\n\x0b<bo@example.com>\n"
run 1 formfeed_blank "s\n\n$A\n\x0c\nprose\n"
run 1 url_only_block "s\n\nhttps://x/y\nI approve\n$A\n"
