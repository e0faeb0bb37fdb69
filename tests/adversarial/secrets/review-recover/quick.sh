#!/bin/bash
# quick.sh BIN DIR : show check human + diff output
BIN=$1; cd $2; "$BIN" check --format human --color never 2>&1; echo "rc=$?"; "$BIN" diff staging prod -v --color never 2>&1
