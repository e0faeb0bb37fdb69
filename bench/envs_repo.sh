# Sourced by bench/gate.sh and bench/hook.sh: a committed repository of
# FILES generated files per environment (shared/bench/gen_envs.py, two
# environments and a driftcheck.toml) at bench/out/NAME-FILES, made once and
# reused; a clean git environment with fixed identities; cwd set to it, on
# `main`, reset.
#   envs_repo NAME FILES
envs_repo() {
  local corpus="${DRIFTCHECK_CORPUS:-$PWD/../shared}"
  [[ -d $corpus/bench ]] || corpus=/work/shared
  out="$PWD/bench/out/$1-$2"
  export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
  export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
  export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
  if [[ ! -f $out/.ready ]]; then
    rm -rf "$out" && mkdir -p "$out"
    python3 "$corpus/bench/gen_envs.py" "$out" --files "$2" >/dev/null
    rm -f "$out/manifest.json"
    printf '[env.staging]\nroot = "staging"\n\n[env.prod]\nroot = "prod"\n' >"$out/driftcheck.toml"
    git -C "$out" init -q -b main
    git -C "$out" add -A
    git -C "$out" commit -q -m "config"
    touch "$out/.ready"
  fi
  cd "$out"
  git checkout -q main 2>/dev/null
  git reset -q --hard
}
