# the helpers of review-words (mkcase, runall, verdict), and overmask
. "$(dirname "${BASH_SOURCE[0]}")/../review-words/lib.sh"
# overmask CASE PUBLIC DIR : OVERMASK if PUBLIC never appears but <secret> does
# (the public text is printed by a finding in the control; here it must still be shown)
overmask() {
  local c=$1 p=$2 d=$3 out
  out=$(runall "$d")
  if [ -n "$SAVE" ]; then printf '%s\n' "$out" > "$d/.out"; fi
  if printf '%s' "$out" | grep -qF -- "$p"; then echo "OK $c"; else echo "OVERMASK $c"; fi
}
