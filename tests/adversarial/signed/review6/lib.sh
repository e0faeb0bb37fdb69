# review 6 harness: review3+4+5 libs inlined over ../lib.sh
DC=${DC:-$PWD/target/release/driftcheck}
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# digest_of_change -> DIG (from a throwaway approval by bo)
digest_of_change() { approve_as Bo bo@example.com $W/keys/bo; DIG=${RB##*# config }; BASE=$(git -C $R merge-base main HEAD); }
audit() { (cd "$R" && timeout 60 $DC audit "${1:-HEAD}" --format json > "$W/audit.json" 2>"$W/audit.err"); AUDIT_RC=$?; }
# commit_msg_bytes FILE: replace HEAD (feature) by a commit with HEAD's tree and parent and FILE's
# bytes as message (NUL, CR allowed: written as a raw object)
commit_msg_bytes() {
  local tree parent obj; tree=$(git -C $R rev-parse HEAD^{tree}); parent=$(git -C $R rev-parse HEAD^)
  obj=$( { printf 'tree %s\nparent %s\nauthor Mallory <mal@example.com> 1700009999 +0000\ncommitter Mallory <mal@example.com> 1700009999 +0000\n\n' $tree $parent; cat "$1"; } | git -C $R hash-object -t commit -w --literally --stdin)
  git -C $R update-ref refs/heads/feature $obj
}
# unesc 'TEXT' -> bytes (\n \r \t \0 \\)
unesc() { python3 -c 'import sys; sys.stdout.buffer.write(sys.argv[1].encode().decode("unicode_escape").encode("latin-1") if False else sys.argv[1].replace("\\\\","\x01").replace("\\n","\n").replace("\\r","\r").replace("\\t","\t").replace("\\0","\0").replace("\x01","\\").encode())' "$1"; }
# signed_commit WHO EMAIL KEY MSG: commit the staged change as Mallory, then add WHO's signed approval
# made for HEAD~1 (audit's merge base: the first parent)
signed_commit() {
  mal commit -q -m "$4"; approve_as "$1" "$2" "$3" HEAD~1
  mal commit -q --amend -m "$4

$RB
$SIG"; }
# bump I: change the guarded config (timeout I)
bump() { sed -i "s/^timeout: .*/timeout: $1/" "$R/deploy/staging/app.yaml" "$R/deploy/prod/app.yaml"; git -C $R add -A; }
# audit_vs_gate [RANGE]: audit --format json (memo removed first) and gate --base C^ --head C for
# every audited commit; prints "N commits, M disagree" and each disagreement
audit_vs_gate() {
  rm -f $R/.git/driftcheck/verified-signatures; audit "${1:-HEAD}"
  [ $AUDIT_RC -le 1 ] || { echo "audit rc=$AUDIT_RC $(head -c 300 $W/audit.err)"; return; }
  DIS=0; NC=0
  while read -r c p; do NC=$((NC+1))
    (cd $R && timeout 60 $DC gate --base $c^ --head $c --format json >$W/g1.json 2>$W/g1.err); g=$?
    if { [ $g = 0 ] && [ $p = False ]; } || { [ $g != 0 ] && [ $p = True ]; }; then DIS=$((DIS+1)); echo "  disagree: $c audit passed=$p gate rc=$g"; fi
  done < <(python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["commits"]: print(c["commit"], c["passed"])' $W/audit.json)
  echo "  $NC commits audited, $DIS disagree with gate"; }
# signed_commit_manual WHO EMAIL KEY MSG: as signed_commit, signing the statement with ssh-keygen
# (digest from audit of HEAD^..HEAD: approve refuses when the base's config cannot be loaded)
signed_commit_manual() {
  mal commit -q -m "$4"
  local dig base b64; dig=$(cd $R && $DC audit HEAD^..HEAD --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["commits"][0]["digest"])')
  base=$(git -C $R rev-parse HEAD^)
  printf 'driftcheck-review-v1\ndigest: %s\nreviewer: %s\nbase: %s\n' "$dig" "$2" "$base" > $W/stmt
  rm -f $W/stmt.sig; ssh-keygen -q -Y sign -f "$3" -n driftcheck-review $W/stmt 2>/dev/null
  b64=$(grep -v -- ----- $W/stmt.sig | tr -d '\n')
  mal commit -q --amend -m "$4

Reviewed-by: $1 <$2> # config $dig
Review-Signature: $2 $base $b64"; }
# copy_commit NAME FILE MSG: commit HEAD's tree plus a root entry NAME (may hold '/') holding FILE,
# as a raw tree object (no porcelain writes such a name); the index is untouched, so the next
# ordinary commit drops the entry again
copy_commit() {
  local blob tree c; blob=$(git -C $R hash-object -w "$2")
  tree=$( { git -C $R ls-tree HEAD; printf '100644 blob %s\t%s\n' "$blob" "$1"; } | python3 -c '
import sys, binascii
rows = []
for l in sys.stdin.read().splitlines():
    meta, name = l.split("\t", 1); mode, _, oid = meta.split(" ")
    rows.append((name.encode() + (b"/" if mode == "040000" else b""), mode.lstrip("0").encode(), name.encode(), binascii.unhexlify(oid)))
sys.stdout.buffer.write(b"".join(m + b" " + n + b"\0" + o for _, m, n, o in sorted(rows)))' | git -C $R hash-object -t tree -w --literally --stdin)
  c=$(mal commit-tree $tree -p HEAD -m "$3"); git -C $R update-ref refs/heads/feature $c; }
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
