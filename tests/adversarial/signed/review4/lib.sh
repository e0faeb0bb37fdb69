# shared setup for review 4: review3's harness (../lib.sh + audit, digest_of_change)
DC=${DC:-/tmp/dc-final2}
. "$(dirname "${BASH_SOURCE[0]}")/../review3/lib.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
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
