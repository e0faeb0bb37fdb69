#!/bin/bash
# approve --sign output (ed25519 native, ecdsa via ssh-keygen, rsa native) must survive
# `git interpret-trailers` (parse, and --in-place append round trip) byte for byte and verify
# with `ssh-keygen -Y verify` (oracle); `driftcheck trailers` must not echo the base64.
NAME=33_interpret; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
ssh-keygen -q -t ecdsa -b 256 -N '' -f $W/keys/ec >/dev/null; ssh-keygen -q -t rsa -b 3072 -N '' -f $W/keys/rsa >/dev/null
setup_base "" "ana@example.com $(pub ana)
ana@example.com $(pub ec)
ana@example.com $(pub rsa)
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
BASE=$(git -C $R merge-base main HEAD); bad=0
for k in ana ec rsa; do
  approve_as Ana ana@example.com $W/keys/$k
  printf 'Raise timeout\n\n%s\n%s\n' "$RB" "$SIG" > $W/msg
  P=$(git -C $R interpret-trailers --parse < $W/msg | grep '^Review-Signature')
  [ "$P" = "$SIG" ] || { echo "  $k: interpret-trailers --parse changed the line"; bad=1; }
  printf 'Raise timeout\n' > $W/msg2; git -C $R interpret-trailers --in-place --trailer "$RB" --trailer "$SIG" $W/msg2
  grep -qxF "$SIG" $W/msg2 || { echo "  $k: interpret-trailers --trailer changed the line"; bad=1; }
  DIG=${RB##*# config }; V=${SIG#Review-Signature: }
  (echo "-----BEGIN SSH SIGNATURE-----"; echo "${V##* }" | fold -w70; echo "-----END SSH SIGNATURE-----") > $W/sig
  printf 'ana@example.com %s\n' "$(pub $k)" > $W/as
  printf 'driftcheck-review-v1\ndigest: %s\nreviewer: ana@example.com\nbase: %s\n' "$DIG" "$BASE" | ssh-keygen -Y verify -f $W/as -I ana@example.com -n driftcheck-review -s $W/sig >/dev/null 2>&1 || { echo "  $k: ssh-keygen -Y verify refuses"; bad=1; }
  cp $W/msg2 $W/msg.$k
  amend "$(cat $W/msg2)"; gate; [ $GATE_RC = 0 ] || { echo "  $k: gate refuses a round-tripped signature"; bad=1; }
  (cd $R && $DC trailers HEAD > $W/tr.$k 2>&1); B64=${V##* }
  grep -qF "${B64:0:40}" $W/tr.$k && { echo "  $k: trailers echoes the signature"; bad=1; }
  for f in json markdown github sarif; do (cd $R && $DC trailers HEAD --format $f > $W/tr.$k.$f 2>&1); grep -qF "${B64:0:40}" $W/tr.$k.$f && { echo "  $k: trailers --format $f echoes"; bad=1; }; done
  echo "  $k: $(grep -i sshsig $W/tr.$k | head -1)"
done
[ $bad = 0 ] && echo "HELD (33)" || echo "BUG (33)"
