# shared setup: source with NAME set
set -u
export GIT_CONFIG_NOSYSTEM=1 HOME=/tmp/dc-review/home GIT_CONFIG_GLOBAL=/dev/null
DC=${DC:-/tmp/dc-review3/driftcheck}
W=/tmp/dc-review/r16/$NAME
rm -rf "$W"; mkdir -p "$W/keys"; R=$W/repo
for p in ana bo mal carol; do ssh-keygen -q -t ed25519 -N '' -C $p -f "$W/keys/$p" >/dev/null; done
pub() { cat "$W/keys/$1.pub" | awk '{print $1" "$2}'; }
T=1700000000
as() { # as NAME EMAIL -- git args  (author=committer)
  local n="$1" e="$2"; shift 2; T=$((T+60))
  GIT_AUTHOR_NAME="$n" GIT_AUTHOR_EMAIL="$e" GIT_COMMITTER_NAME="$n" GIT_COMMITTER_EMAIL="$e" \
  GIT_AUTHOR_DATE="$T +0000" GIT_COMMITTER_DATE="$T +0000" git -C "$R" "$@"; }
admin() { as "Base Admin" admin@example.com "$@"; }
mal() { as Mallory mal@example.com "$@"; }
APP='apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
replicas: 3
data_path: /var/lib/app
log_level: info
db:
  pool_size: 10
  max_conns: 100
timeout: 30
'
# setup_base [extra-review-lines] [signers-content]
setup_base() {
  local review="${1:-}" signers="${2:-}"
  mkdir -p "$R"; git -C "$R" init -q -b main
  mkdir -p "$R/deploy/staging" "$R/deploy/prod" "$R/src" "$R/.driftcheck"
  printf '%s' "$APP" > "$R/deploy/staging/app.yaml"; printf '%s' "$APP" > "$R/deploy/prod/app.yaml"
  echo 'fn main() {}' > "$R/src/main.rs"
  [ -z "$signers" ] && signers="ana@example.com $(pub ana)
bo@example.com $(pub bo)
mal@example.com $(pub mal)"
  printf '%s\n' "$signers" > "$R/.driftcheck/allowed_signers"
  [ -z "$review" ] && review='signers = ".driftcheck/allowed_signers"
signed = "required"'
  printf '[env.staging]\nroot = "deploy/staging"\n\n[env.prod]\nroot = "deploy/prod"\n\n[review]\n%s\n' "$review" > "$R/driftcheck.toml"
  admin add -A; admin commit -q -m "base"
  git -C "$R" checkout -q -b feature
}
raise() { sed -i "s/timeout: ${1:-30}/timeout: ${2:-60}/" "$R/deploy/staging/app.yaml" "$R/deploy/prod/app.yaml"; }
# approve_as NAME EMAIL KEY [base] -> sets RB and SIG
approve_as() {
  local out; out=$(cd "$R" && GIT_AUTHOR_NAME="$1" GIT_COMMITTER_NAME="$1" GIT_AUTHOR_EMAIL="$2" GIT_COMMITTER_EMAIL="$2" \
    git -c user.name="$1" -c user.email="$2" rev-parse HEAD >/dev/null; \
    HOME="$W/h-${2%%@*}"; mkdir -p "$HOME"; printf '[user]\n\tname = %s\n\temail = %s\n' "$1" "$2" > "$HOME/.gitconfig"; \
    HOME="$HOME" GIT_CONFIG_GLOBAL="$HOME/.gitconfig" $DC approve --sign --key "$3" --base "${4:-main}" --format json)
  RB=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["trailer"])')
  SIG=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["signature"])')
}
gate() { (cd "$R" && timeout 60 $DC gate --base "${1:-main}" --head "${2:-HEAD}" --format json > "$W/gate.json" 2>"$W/gate.err"); GATE_RC=$?; }
verdict() { # expect refusal
  if [ "$GATE_RC" = 0 ]; then echo "BUG ($NAME): gate passed"; else echo "HELD ($NAME): rc=$GATE_RC $(python3 -c 'import json,sys
try:
  d=json.load(open(sys.argv[1]))["gate"]; print("; ".join(str(s.get("identity"))+": "+str(s.get("reason")) for s in d["signoffs"])[:300])
except Exception as e: print(open(sys.argv[2]).read()[:300].replace("\n"," "))' "$W/gate.json" "$W/gate.err")"; fi; }
# standard change + Ana's signature lines in RB/SIG
std_change() { setup_base "$@"; raise; mal add -A; mal commit -q -m "Raise timeout"; approve_as Ana ana@example.com $W/keys/ana; }
amend() { mal commit -q --amend --allow-empty -m "$1"; }
# audit_json [range] -> $W/audit.json, AUDIT_RC
audit() { (cd "$R" && timeout 60 $DC audit "${1:-HEAD}" --format json > "$W/audit.json" 2>"$W/audit.err"); AUDIT_RC=$?; }
# audit_signed SUBJECT -> prints "signed"/"typed"/... for the commit with that subject: counted+assurance summary
audit_view() { python3 - "$W/audit.json" "$1" <<'PY'
import json,sys
d=json.load(open(sys.argv[1]))
cs=d if isinstance(d,list) else d.get("commits",d)
for c in cs:
  if sys.argv[2] in json.dumps(c):
    print(json.dumps(c)[:1500]); break
PY
}
