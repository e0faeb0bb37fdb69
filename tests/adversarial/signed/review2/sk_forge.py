# sk_forge.py publine|forge EMAIL BASE DIGEST
# publine: an sk-ssh-ed25519@openssh.com public key whose point is the identity (order 1).
# forge:   a Review-Signature value "by" that key, made without any private key.
import sys,base64,struct,hashlib,os
exec(open("/work/review16/ed.py").read())
def s_(b): return struct.pack(">I",len(b))+b
KT=b"sk-ssh-ed25519@openssh.com"; APP=b"ssh:"
pk=(1).to_bytes(32,'little')          # identity point, y=1
pubblob=s_(KT)+s_(pk)+s_(APP)
if sys.argv[1]=="publine": print(KT.decode()+" "+base64.b64encode(pubblob).decode()); sys.exit()
email,base,digest=sys.argv[2:5]
stmt=f"driftcheck-review-v1\ndigest: {digest}\nreviewer: {email}\nbase: {base}\n".encode()
M=b"SSHSIG"+s_(b"driftcheck-review")+s_(b"")+s_(b"sha512")+s_(hashlib.sha512(stmt).digest())
flags=b"\x01"; counter=struct.pack(">I",1)
sd=hashlib.sha256(APP).digest()+flags+counter+hashlib.sha256(M).digest()
s=int.from_bytes(os.urandom(32),'little')%L
R=enc(mul(s,B))                        # R = sB - h*identity: verifies for any message
sig=R+s.to_bytes(32,'little')
blob=b"SSHSIG"+struct.pack(">I",1)+s_(pubblob)+s_(b"driftcheck-review")+s_(b"")+s_(b"sha512")+s_(s_(KT)+s_(sig)+flags+counter)
print(f"{email} {base} "+base64.b64encode(blob).decode())
