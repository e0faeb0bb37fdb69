#!/bin/bash
# An sk-ssh-ed25519 approval whose FIDO flags byte is 0 (no user presence: made without a touch).
# driftcheck verifies it (ssh-key ignores the flags). Oracle: OpenSSH 9.2 `ssh-keygen -Y verify`.
# Expect: the same answer as OpenSSH.
NAME=r3_01_sk_no_up; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
mkdir -p $W/sk; python3 $HERE/sk_nopresence.py $W/sk ana@example.com 0 0 0x01
setup_base "" "$(cat $W/sk/allowed_signers)
bo@example.com $(pub bo)
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
digest_of_change
for flags in 0x01 0x00; do
  python3 $HERE/sk_nopresence.py $W/sk ana@example.com $BASE $DIG $flags
  amend "Raise timeout

Reviewed-by: Ana <ana@example.com> # config $DIG
Review-Signature: $(cat $W/sk/trailer)"
  gate; echo "flags $flags: driftcheck gate rc=$GATE_RC"
  ssh-keygen -Y verify -f $W/sk/allowed_signers -I ana@example.com -n driftcheck-review -s $W/sk/stmt.sig < $W/sk/stmt 2>&1 | sed "s/^/flags $flags: ssh-keygen oracle: /"
done
echo "HELD ($NAME) if both accept flags 0x00 (same answer as OpenSSH; neither asks for a touch in SSHSIG)"
