# review 6 harness: review 5's (../review5/lib.sh, over review 4, 3 and ../lib.sh), plus raw trees
DC=${DC:-$PWD/target/release/driftcheck}
. "$(dirname "${BASH_SOURCE[0]}")/../review5/lib.sh"
# mktree_raw: read lines "MODE NAME HEXID" (octal mode without leading zero, e.g. 100644 / 40000 /
# 160000 / 120000) from stdin, IN THE GIVEN ORDER (no sorting, duplicates kept), write a raw tree
mktree_raw() { python3 -c '
import sys, binascii
out=b""
for l in sys.stdin.buffer.read().split(b"\n"):
    if not l.strip(): continue
    mode, rest = l.split(b" ",1); name, oid = rest.rsplit(b" ",1)
    name = name.decode("unicode_escape").encode("latin-1")
    out += mode + b" " + name + b"\0" + binascii.unhexlify(oid)
sys.stdout.buffer.write(out)' | git -C $R hash-object -t tree -w --literally --stdin; }
# lstree TREE: "MODE NAME ID" lines (raw order) for mktree_raw
lstree() { git -C $R -c core.quotePath=false ls-tree "$1" | awk -F'\t' '{split($1,a," "); m=a[1]; sub(/^0+/,"",m); print m" "$2" "a[3]}'; }
# commit_tree TREE MSG [AUTHOR-fn]: commit TREE on HEAD as Mallory, move feature
commit_tree() { local c; c=$(mal commit-tree $1 -p HEAD -m "$2"); git -C $R update-ref refs/heads/feature $c; }
# sign_tree WHO EMAIL KEY TREE MSG: commit TREE on feature's tip (as Mallory) with WHO's signed
# approval (digest from `audit C^..C`, statement signed with ssh-keygen; no approve involved, so it
# works on trees approve refuses); sets C
sign_tree() {
  local c0 dig base b64; base=$(git -C $R rev-parse feature)
  c0=$(mal commit-tree $4 -p $base -m "$5")
  dig=$(cd $R && $DC audit $base..$c0 --format json 2>/dev/null | python3 -c 'import json,sys; c=json.load(sys.stdin)["commits"]; print(c[0]["digest"] if c else "none")')
  printf 'driftcheck-review-v1\ndigest: %s\nreviewer: %s\nbase: %s\n' "$dig" "$2" "$base" > $W/stmt
  rm -f $W/stmt.sig; ssh-keygen -q -Y sign -f "$3" -n driftcheck-review $W/stmt 2>/dev/null
  b64=$(grep -v -- ----- $W/stmt.sig | tr -d '\n')
  C=$(mal commit-tree $4 -p $base -m "$5

Reviewed-by: $1 <$2> # config $dig
Review-Signature: $2 $base $b64")
  git -C $R update-ref refs/heads/feature $C; }
# blob FILE -> id ; bumped_deploy TREE N -> deploy tree id of TREE with timeout N in both app.yaml
blob() { git -C $R hash-object -w "$1"; }
bumped_deploy() { local b st pr
  git -C $R show $1:deploy/prod/app.yaml | sed "s/^timeout: .*/timeout: $2/" > $W/app.tmp; b=$(blob $W/app.tmp)
  st=$(with_entry $1:deploy/staging app.yaml $b); pr=$(with_entry $1:deploy/prod app.yaml $b)
  printf '40000 prod %s\n40000 staging %s\n' $pr $st | mktree_raw; }
# with_entry TREE NAME NEWID: TREE's root entries (raw order) with NAME's id replaced
with_entry() { lstree $1 | awk -v n="$2" -v id="$3" '{ if ($2==n) $3=id; print }' | mktree_raw; }
# gate_at C: gate --base C^ --head C -> GATE_RC ; audit_passed C RANGE -> AP
gate_at() { (cd $R && timeout 60 $DC gate --base $1^ --head $1 --format json > $W/gate.json 2>$W/gate.err); GATE_RC=$?; }
audit_passed() { rm -f $R/.git/driftcheck/verified-signatures; audit "$2"; AP=$(python3 -c 'import json,sys
try: c=[c for c in json.load(open(sys.argv[1]))["commits"] if c["commit"]==sys.argv[2]]; print(c[0]["passed"] if c else "absent")
except Exception as e: print("rc-err")' $W/audit.json $1); }

# outcome RC -> True (passed), False (refused), err (exit 2: the revision refused as unreadable)
outcome() { case $1 in 0) echo True;; 1) echo False;; *) echo err;; esac; }
# norm VERDICT -> the same, with every audit failure as err
norm() { case $1 in rc-err|err) echo err;; *) echo "$1";; esac; }
