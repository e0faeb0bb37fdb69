#!/bin/bash
# audit's peer rule (who is a contributor, whose sign-off is the author's own) canonicalises with
# the WORKING TREE's .mailmap (commands/audit.rs), while the gate -- and, since review 2 case 22,
# audit's key rules -- use the merge base's. The base's .mailmap says mal-alt@ is Mallory, and
# allowed_signers lists Mallory's key for mal-alt@. Mallory's commit C deletes that .mailmap line,
# changes the config and signs as mal-alt@. gate --base C^ --head C: refused (the author's own
# sign-off). audit of the history (working tree = C): passed. Expect audit = gate.
NAME=r4_12_audit_worktree_mailmap; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
mal-alt@example.com $(pub mal)"
git -C $R checkout -q main; printf 'Mallory <mal@example.com> <mal-alt@example.com>\n' > $R/.mailmap
admin add -A; admin commit -q -m "mailmap"
raise; git -C $R rm -q .mailmap; git -C $R add -A; signed_commit Mallory mal-alt@example.com $W/keys/mal "Raise timeout, tidy"
audit_vs_gate HEAD
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["commits"][-1]; print("  audit of C: passed=%s, %s" % (c["passed"], [s["reason"] for s in c["signoffs"]]))' $W/audit.json
(cd $R && $DC gate --base HEAD^ --head HEAD --format json 2>/dev/null | grep -o '"reason": *"[^"]*"' | head -1 | sed 's/^/  gate of C: /')
(cd $R && $DC audit HEAD^..HEAD --gate --format json 2>/dev/null | python3 -c 'import json,sys; print("  audit --gate of C: passed=%s" % json.load(sys.stdin)["commits"][-1]["passed"])')
[ "$DIS" = 0 ] && echo "HELD ($NAME)" || echo "BUG ($NAME): audit passes the author's self-approval the gate refuses"
