#!/bin/bash
# .git/driftcheck/verified-signatures is keyed on (allowed_signers blob, reviewer, digest,
# base, trailer) but the verdict also depends on the mailmap: a proof recorded while a
# mailmap merged malbot@ into ana@ is still honoured after that mapping is gone.
NAME=23_memo_mailmap; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base "" "ana@example.com $(pub ana)
mal@example.com $(pub mal)
malbot@example.com $(pub carol)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/carol
amend "Raise timeout

$RB
$SIG"
v() { python3 -c 'import json,sys;d=json.load(open(sys.argv[1]));print([s.get("signed") for c in d["commits"] for s in c["signoffs"]])' $W/audit.json; }
rm -f $R/.git/driftcheck/verified-signatures
audit; echo "no mailmap, fresh memo:  signed=$(v)"; FRESH=$(v)
printf 'Ana <ana@example.com> <malbot@example.com>\n' > $R/.mailmap      # uncommitted, read by audit
audit; echo "with mailmap (records proof): signed=$(v)"
rm $R/.mailmap
audit; echo "mailmap gone, memo kept: signed=$(v)"; STALE=$(v)
[ "$FRESH" = "$STALE" ] && echo "HELD (23): same verdict ($FRESH)" || echo "BUG (23): expected $FRESH (as with no memo), got $STALE from the memo"
