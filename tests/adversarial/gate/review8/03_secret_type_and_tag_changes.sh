#!/usr/bin/env bash
# A secret whose text is kept but whose YAML type or tag changes (so the value the
# application reads changes) under an on_change = "any" rule; and tag-only changes.
# diff::changes reports a secret kept as text as drift/credential-reused with equal
# shown values (<secret fp=X> on both sides), which divergence::unchanged then drops.
. "$(dirname "$0")/prelude.inc"
POL=$(policy watched-change any "**.password" "**.api_key" "**.dsn" "**.tokens" "**.lookup" "**.bucket" "**.ports")
case_() { # NAME BASE HEAD [no]
  with_policy "$1"
  W deploy/staging/app.yaml "$2"; W deploy/prod/app.yaml "$2"; W deploy/prod/other.yaml "timeout: 30
"; W deploy/staging/other.yaml "timeout: 30
"; base
  W deploy/prod/app.yaml "$3"; change "$1"
  if [ "${4:-}" = no ]; then no_req "$1" "watched-change"; else need_req "$1" "watched-change"; fi
}
# control: an unrelated file changes, the secret is left alone: no review (old asked: over-eager)
with_policy control
for e in staging prod; do W deploy/$e/app.yaml 'db:
  password: "Zq8vT2mLp4wXr9Kd7Q"
'; W deploy/$e/other.yaml 'timeout: 30
'; done; base; W deploy/prod/other.yaml 'timeout: 60
'; change control
no_req "control: secret untouched, another file edited" "watched-change"

# The application now reads the bytes the base64 decodes to, not the text.
case_ "secret gains !!binary tag (password becomes the decoded bytes)" 'db:
  password: "WnE4dlQybUxwNHdYcjlLZDdR"
' 'db:
  password: !!binary WnE4dlQybUxwNHdYcjlLZDdR
'
# A quoted hex-looking API key unquoted: YAML 1.2 core reads 0x... as an integer.
case_ "api_key unquoted: string 0x... becomes an integer" 'svc:
  api_key: "0x7F3A9C2B1D4E5F60"
' 'svc:
  api_key: 0x7F3A9C2B1D4E5F60
'
# A secret password made YAML-1.1-ambiguous: unquoted 0123456 is octal 42798 for a 1.1 reader.
case_ "password unquoted: \"0123456\" -> 0123456 (int / YAML 1.1 octal)" 'db:
  password: "0123456"
' 'db:
  password: 0123456
'
# A list holding a secret: only another item's type changes ("8080" -> 8080 is visible; tag on a string is not)
case_ "list with a secret: one item's tag changes to !!binary" 'db:
  tokens:
    - "Zq8vT2mLp4wXr9Kd7Q"
    - "aGVsbG8gd29ybGQ="
' 'db:
  tokens:
    - "Zq8vT2mLp4wXr9Kd7Q"
    - !!binary aGVsbG8gd29ybGQ=
'
# Non-secret tag-only changes (same kind): CloudFormation-style !Ref, !!binary.
case_ "plain value gains a custom tag (!Ref BucketName)" 'svc:
  bucket: BucketName
' 'svc:
  bucket: !Ref BucketName
'
case_ "list item gains !!binary tag (no secret)" 'svc:
  ports:
    - "aGVsbG8="
    - "b2s="
' 'svc:
  ports:
    - "aGVsbG8="
    - !!binary b2s=
'
