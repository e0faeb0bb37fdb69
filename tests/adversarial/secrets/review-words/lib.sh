# common helpers: source with BIN set
# mkcase DIR : creates DIR with driftcheck.toml, staging/, prod/
mkcase() { rm -rf "$1"; mkdir -p "$1/staging" "$1/prod"; printf '[env.staging]\nroot = "staging"\n[env.prod]\nroot = "prod"\n' > "$1/driftcheck.toml"; }
# runall DIR : all commands and formats, stdout+stderr
runall() {
  local d=$1
  ( cd "$d" || exit
    for f in human json sarif github markdown; do
      GITHUB_STEP_SUMMARY="$d/.summary" "$BIN" check --format $f --color never 2>&1
      "$BIN" diff staging prod -v --format $f --color never 2>&1
      [ -f "$d/.summary" ] && cat "$d/.summary" && rm -f "$d/.summary"
    done
    "$BIN" diff staging prod -v --color never 2>&1
  )
}
# verdict CASE SECRET DIR : LEAK if output contains SECRET
verdict() {
  local c=$1 s=$2 d=$3 out
  out=$(runall "$d")
  if [ -n "$SAVE" ]; then printf '%s\n' "$out" > "$d/.out"; fi
  if printf '%s' "$out" | grep -qF -- "$s"; then echo "LEAK $c"; else echo "HELD $c"; fi
}
