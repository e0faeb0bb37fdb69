# review 7 harness: review 6's (../review6/lib.sh)
. "$(dirname "${BASH_SOURCE[0]}")/../review6/lib.sh"
# land_on_main ROOT: commit ROOT on main as the admin (no gate), feature checked out there (sets X)
land_on_main() {
  X=$(admin commit-tree $1 -p HEAD -m "admin: reorder prod (no gate)"); git -C $R update-ref refs/heads/main $X
  git -C $R checkout -q -B feature $X 2>/dev/null || { git -C $R update-ref refs/heads/feature $X; git -C $R symbolic-ref HEAD refs/heads/feature; git -C $R reset -q --hard; }
}
# compare_gates C: the gate over the change's keys (sp), over whole trees (fu) and audit --gate (ag)
# for main..C, each with its error findings, printed on one line
compare_gates() {
  local C=$1
  gate main $C; sp=$GATE_RC; spout=$(python3 -c 'import json;d=json.load(open("'$W'/gate.json"));print([f["rule"] for f in d["findings"] if f["severity"]=="error"], d["gate"]["passed"])' 2>/dev/null || head -c 200 $W/gate.err)
  (cd $R && DRIFTCHECK_GATE_FULL=1 timeout 60 $DC gate --base main --head $C --format json >$W/full.json 2>$W/full.err); fu=$?
  fuout=$(python3 -c 'import json;d=json.load(open("'$W'/full.json"));print([f["rule"] for f in d["findings"] if f["severity"]=="error"])' 2>/dev/null || head -c 200 $W/full.err)
  (cd $R && timeout 60 $DC audit main..$C --gate --format json >$W/ag.json 2>$W/ag.err); ag=$?
  agout=$(python3 -c 'import json;print([(c["commit"][:8],c["passed"]) for c in json.load(open("'$W'/ag.json"))["commits"]])' 2>/dev/null || head -c 200 $W/ag.err)
  echo "  $(cd $R && $DC gate --base main --head $C -v 2>&1 | grep "^gate: compared")"
  echo "  sparse gate rc=$sp $spout | full gate rc=$fu $fuout | audit --gate rc=$ag $agout"
}
