#!/bin/bash
# FALSE PASS (drift half): an inline `driftcheck: allow drift/data-path -- reason` comment
# written BY THE CHANGE removes the introduced error (prod's data_path changed alone), with the
# 1 sign-off the base needs. gate.md: "an introduced error refuses the change, whatever the
# sign-offs"; the suppression is a setting read from the head, not the merge base.
# Family: the comment on the line, on the line above, in the staging file instead.
for WHERE in same_line line_above other_env; do
(
. /tmp/attack-gate/lib.sh
standard ''
P=$T/repo/deploy/prod/app.yaml; S=$T/repo/deploy/staging/app.yaml
case $WHERE in
 same_line) sed -i 's#data_path: /var/lib/app#data_path: /mnt/empty  \# driftcheck: allow drift/data-path -- migrating#' $P ;;
 line_above) sed -i 's#data_path: /var/lib/app#\# driftcheck: allow drift/data-path -- migrating\ndata_path: /mnt/empty#' $P ;;
 other_env) sed -i 's#data_path: /var/lib/app#data_path: /mnt/empty#' $P
            sed -i 's#data_path: /var/lib/app#data_path: /var/lib/app  \# driftcheck: allow drift/data-path -- x#' $S ;;
esac
commit "move prod data

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "$WHERE: introduced drift/data-path error suppressed inline by the change"
)
done
