# review 7 harness: review 6's (../review6/lib.sh)
. "$(dirname "${BASH_SOURCE[0]}")/../review6/lib.sh"
