#!/bin/bash
# Word secret remembered from a valid file; the other env's file is broken and the parser error quotes text where the secret is glued.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advsec-w04.$$; trap 'rm -rf $W' EXIT
for w in druid tiger changeme; do
 i=0
 while IFS='|' read -r ext good bad; do i=$((i+1))
  d=$W/$w.$i; mkcase $d
  printf "${good//@/$w}" > $d/staging/app.$ext
  printf "${bad//@/$w}" > $d/prod/app.$ext
  verdict "$w|$ext|$bad" "$w" $d
 done <<'CASES'
json|{"password": "@"}\n|{"password": "@", "x": @.}\n
json|{"password": "@"}\n|{"password": "@", "x": scott/@@db}\n
json|{"password": "@"}\n|{"password": @-x}\n
yaml|password: @\n|password: @\nx: [scott/@@db\n
yaml|password: @\n|password: @\n  x: @.\n bad\n
yaml|password: @\n|password: "@\n
yaml|password: @\n|password: @\nx: *@.\n
yaml|password: @\n|password: @\n@.: 1\n@.: 2\n
toml|password = "@"\n|password = "@"\nx = @.\n
toml|password = "@"\n|password = "@"\nx = scott/@@db\n
toml|password = "@"\n|password = "@"\npassword = "@-2"\n
ini|[db]\npassword = @\n|[db]\npassword = @\n[db\nx=@.\n
json|{"password": "@"}\n|{"password": "@", "scott/@@db": 1, "scott/@@db": 2}\n
CASES
done
