# the helpers of review-words (mkcase, runall, verdict)
. "$(dirname "${BASH_SOURCE[0]}")/../review-words/lib.sh"
