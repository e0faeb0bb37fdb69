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
# base_with_subdirs [bounded]: main with deploy/{staging,prod}/sub/{x1,x2,app.yaml} and 30 ConfigMaps
# per env; [env.*] exclude **/*.bak (the listing path) unless "bounded" (the bounded path)
base_with_subdirs() {
  local ex=''; [ "${1:-}" = bounded ] || ex='exclude = ["**/*.bak"]\n'
  setup_base
  for e in staging prod; do mkdir -p $R/deploy/$e/sub/x1 $R/deploy/$e/sub/x2; echo k > $R/deploy/$e/sub/x1/keep.bak; echo k > $R/deploy/$e/sub/x2/keep.bak; git -C $R mv deploy/$e/app.yaml deploy/$e/sub/app.yaml; done
  printf "[env.staging]\nroot = \"deploy/staging\"\n$ex\n[env.prod]\nroot = \"deploy/prod\"\n$ex\n[review]\nsigners = \".driftcheck/allowed_signers\"\nsigned = \"required\"\n" > $R/driftcheck.toml
  for e in staging prod; do for i in $(seq -w 1 30); do printf "kind: ConfigMap\nmetadata:\n  name: f%s\nval: %s\n" $i $i > $R/deploy/$e/f$i.yaml; done; done
  git -C $R add -A; admin commit -q -m "base2"
  git -C $R checkout -q main; git -C $R merge -q --ff-only feature
}
# land_prod_sub PU: main's tree with deploy/prod/sub replaced by tree PU, landed on main (sets X)
land_prod_sub() {
  local PR DEP
  PR=$(printf "40000 sub %s\n" $1 | mktree_raw); DEP=$(printf "40000 prod %s\n40000 staging %s\n" $PR $(git -C $R rev-parse HEAD:deploy/staging) | mktree_raw)
  land_on_main $(with_entry HEAD^{tree} deploy $DEP)
}
# staging_change_signed: C = X with a staging data_path drift, signed by Ana, then compare_gates
staging_change_signed() {
  echo "  git ls-tree X:deploy/prod/sub: $(git -C $R ls-tree --name-only $X:deploy/prod/sub | tr '\n' ' ')  git show X:deploy/prod/sub/app.yaml: $(git -C $R show $X:deploy/prod/sub/app.yaml >/dev/null 2>&1 && echo found || echo MISSING); checkout has it: $(test -f $R/deploy/prod/sub/app.yaml && echo yes)"
  git -C $R show $X:deploy/staging/sub/app.yaml | sed "s#data_path: /var/lib/app#data_path: /srv/app#" > $W/app.tmp; AB=$(blob $W/app.tmp)
  SS=$(with_entry $X:deploy/staging/sub app.yaml $AB); ST=$(with_entry $X:deploy/staging sub $SS)
  DEP2=$(with_entry $X:deploy staging $ST); ROOT2=$(with_entry $X^{tree} deploy $DEP2)
  sign_tree Ana ana@example.com $W/keys/ana $ROOT2 "staging data_path (prod/sub kept as on main)"
  echo "  prod/sub id same at X and C: $([ $(git -C $R rev-parse $X:deploy/prod/sub) = $(git -C $R rev-parse $C:deploy/prod/sub) ] && echo yes || echo no)"
  compare_gates $C
}
