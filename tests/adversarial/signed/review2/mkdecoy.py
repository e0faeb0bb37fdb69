# mkdecoy.py EMAIL BASE PUBKEY_FILE -> a Review-Signature value: an SSHSIG carrying the
# given public key and 64 zero bytes as "signature" (nobody signed anything).
import sys,base64,struct
def s(b): return struct.pack(">I",len(b))+b
email,base,pubf=sys.argv[1:4]
pk=base64.b64decode(open(pubf).read().split()[1])
blob=b"SSHSIG"+struct.pack(">I",1)+s(pk)+s(b"driftcheck-review")+s(b"")+s(b"sha512")+s(s(b"ssh-ed25519")+s(b"\0"*64))
print("Review-Signature: %s %s %s"%(email,base,base64.b64encode(blob).decode()))
