#!/bin/bash
# audit judges each commit with its first parent's allowed_signers, while a group of 64 is verified
# as one batch: a key added at N and used at N+1, revoked at N and used at N+1, added and used in
# the same commit, .driftcheck replaced by a symlink, an executable allowed_signers, a file restored
# to an earlier blob. Run with the changes inside one group (FILL=0) and straddling the group
# boundary (FILL=57: dave is added by the 64th audited commit, c6, and signs the 65th, c7).
# audit's verdict must equal gate --base C^ --head C for every commit, expected verdicts listed.
NAME=r4_04_signers_mid_group; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
ssh-keygen -q -t ed25519 -N '' -C dave -f $W/keys/dave; bad=0
AS=.driftcheck/allowed_signers
for FILL in 0 57; do
  rm -rf $R; setup_base; git -C $R checkout -q main; i=0
  for f in $(seq 1 $FILL); do bump $((5000+f)); mal commit -q -m "fill $f"; done
  step() { i=$((i+1)); bump $((100+i)); }
  step; signed_commit Ana ana@example.com $W/keys/ana "c1 plain"                       # pass
  step; echo "carol@example.com $(pub carol)" >> $R/$AS; git -C $R add -A
        signed_commit Ana ana@example.com $W/keys/ana "c2 adds carol"                  # pass
  step; signed_commit Carol carol@example.com $W/keys/carol "c3 carol signs"           # pass
  step; sed -i '/^ana@/d' $R/$AS; git -C $R add -A
        signed_commit Ana ana@example.com $W/keys/ana "c4 ana revoked by ana"          # pass
  step; signed_commit Ana ana@example.com $W/keys/ana "c5 revoked ana signs"           # refused
  step; echo "dave@example.com $(pub dave)" >> $R/$AS; git -C $R add -A
        signed_commit Dave dave@example.com $W/keys/dave "c6 dave adds and signs"      # refused
  step; signed_commit Dave dave@example.com $W/keys/dave "c7 dave signs"               # pass
  step; git -C $R mv .driftcheck kd; ln -s kd $R/.driftcheck; git -C $R add -A
        signed_commit Bo bo@example.com $W/keys/bo "c8 .driftcheck becomes a symlink"  # pass
  step; signed_commit_manual Bo bo@example.com $W/keys/bo "c9 bo signs under the symlink"     # refused
  step; git -C $R rm -q .driftcheck; git -C $R mv kd .driftcheck; chmod +x $R/$AS; git -C $R add -A
        signed_commit_manual Bo bo@example.com $W/keys/bo "c10 back, executable"              # refused (parent: symlink)
  step; signed_commit Bo bo@example.com $W/keys/bo "c11 bo signs, file executable"     # gate decides
  step; git -C $R show $(git -C $R rev-list --max-parents=0 HEAD):$AS > $R/$AS; chmod -x $R/$AS; git -C $R add -A
        signed_commit Bo bo@example.com $W/keys/bo "c12 restores the first blob"       # gate decides
  step; signed_commit Ana ana@example.com $W/keys/ana "c13 ana again"                  # pass
  echo "FILL=$FILL:"; audit_vs_gate HEAD; [ "$DIS" = 0 ] || bad=1
  python3 -c 'import json,sys,subprocess
d=json.load(open(sys.argv[1]))["commits"]
for c in d[-13:]:
  m=subprocess.run(["git","-C",sys.argv[2],"log","-1","--format=%s",c["commit"]],capture_output=True,text=True).stdout.strip()
  print("   ", "pass  " if c["passed"] else "refuse", m, "|", "; ".join((s.get("signature") or s["reason"])[:70] for s in c["signoffs"]))' $W/audit.json $R
done
[ $bad = 0 ] && echo "HELD ($NAME): audit = gate for every commit, inside a group and across its boundary"
