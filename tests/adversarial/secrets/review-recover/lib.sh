# the helpers of review-learnt (mkcase, runall, verdict, overmask), and files
. "$(dirname "${BASH_SOURCE[0]}")/../review-learnt/lib.sh"
# files DIR SPEC : write ' ;; '-separated env/path=content specs (printf %b)
files() {
  local d=$1 spec p c
  IFS=$'\n'; for spec in $(printf '%s' "$2" | sed 's/ ;; /\n/g'); do
    p=${spec%%=*}; c=${spec#*=}; mkdir -p "$d/$(dirname "$p")"; printf '%b' "$c" > "$d/$p"
  done; unset IFS
}
