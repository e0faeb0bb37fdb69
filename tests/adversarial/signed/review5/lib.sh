# shared setup for review 5: review 4's harness (../review4/lib.sh: audit_vs_gate, signed_commit)
DC=${DC:-$PWD/target/release/driftcheck}
. "$(dirname "${BASH_SOURCE[0]}")/../review4/lib.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# copy_commit NAME FILE MSG: commit HEAD's tree plus a root entry NAME (may hold '/') holding FILE,
# as a raw tree object (no porcelain writes such a name); the index is untouched, so the next
# ordinary commit drops the entry again
copy_commit() {
  local blob tree c; blob=$(git -C $R hash-object -w "$2")
  tree=$( { git -C $R ls-tree HEAD; printf '100644 blob %s\t%s\n' "$blob" "$1"; } | python3 -c '
import sys, binascii
rows = []
for l in sys.stdin.read().splitlines():
    meta, name = l.split("\t", 1); mode, _, oid = meta.split(" ")
    rows.append((name.encode() + (b"/" if mode == "040000" else b""), mode.lstrip("0").encode(), name.encode(), binascii.unhexlify(oid)))
sys.stdout.buffer.write(b"".join(m + b" " + n + b"\0" + o for _, m, n, o in sorted(rows)))' | git -C $R hash-object -t tree -w --literally --stdin)
  c=$(mal commit-tree $tree -p HEAD -m "$3"); git -C $R update-ref refs/heads/feature $c; }
