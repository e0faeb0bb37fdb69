#!/bin/bash
NAME=12_signers_path____driftcheck_allowed_signers; . /tmp/dc-review/attacks/lib.sh
setup_base 'signers = "./.driftcheck/allowed_signers"
signed = "required"
paths = ["deploy/**"]'
echo "ana@example.com $(pub mal)" >> $R/.driftcheck/allowed_signers
mal add -A; mal commit -q -m 'add key, no signoff'
gate
if [ $GATE_RC = 0 ]; then echo "BUG ($NAME): allowed_signers change passed with no sign-off"; else verdict; fi
