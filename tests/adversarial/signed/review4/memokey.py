# memokey.py SIGNERS_BLOB MAILMAP_BLOB EMAIL DIGEST BASE VALUE -> the 32 raw bytes of memo.rs's key
import sys,hashlib,struct
parts=[f"{sys.argv[1]}:{sys.argv[2]}"]+sys.argv[3:7]
h=hashlib.sha256(b"driftcheck-verified-v1")
for p in parts: b=p.encode(); h.update(struct.pack('<Q',len(b))); h.update(b)
sys.stdout.buffer.write(h.digest())
