# sk_nopresence.py DIR EMAIL BASE DIGEST FLAGS
# A software "security key": a real ed25519 secret (fixed seed) used as an
# sk-ssh-ed25519@openssh.com key. Writes DIR/allowed_signers, DIR/stmt,
# DIR/stmt.sig (PEM) and DIR/trailer (Review-Signature value), signing with
# the given FIDO flags byte (0x01 = user present, 0x00 = no touch).
import sys,base64,struct,hashlib,os
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),"..","review2","ed.py")).read())
def s_(b): return struct.pack(">I",len(b))+b
d_,email,base,digest,fl=sys.argv[1:6]
KT=b"sk-ssh-ed25519@openssh.com"; APP=b"ssh:"
a=int.from_bytes(hashlib.sha512(b"review3-sk").digest(),"little")%L  # fixed: one key per run
A=enc(mul(a,B))
pubblob=s_(KT)+s_(A)+s_(APP)
open(f"{d_}/allowed_signers","w").write(f"{email} {KT.decode()} {base64.b64encode(pubblob).decode()}\n")
stmt=f"driftcheck-review-v1\ndigest: {digest}\nreviewer: {email}\nbase: {base}\n".encode()
open(f"{d_}/stmt","wb").write(stmt)
M=b"SSHSIG"+s_(b"driftcheck-review")+s_(b"")+s_(b"sha512")+s_(hashlib.sha512(stmt).digest())
flags=bytes([int(fl,0)]); counter=struct.pack(">I",7)
sd=hashlib.sha256(APP).digest()+flags+counter+hashlib.sha256(M).digest()
r=int.from_bytes(hashlib.sha512(os.urandom(32)+sd).digest(),'little')%L
R=enc(mul(r,B))
k=int.from_bytes(hashlib.sha512(R+A+sd).digest(),'little')%L
s=(r+k*a)%L
sig=R+s.to_bytes(32,'little')
blob=b"SSHSIG"+struct.pack(">I",1)+s_(pubblob)+s_(b"driftcheck-review")+s_(b"")+s_(b"sha512")+s_(s_(KT)+s_(sig)+flags+counter)
b64=base64.b64encode(blob).decode()
open(f"{d_}/stmt.sig","w").write("-----BEGIN SSH SIGNATURE-----\n"+"\n".join(b64[i:i+70] for i in range(0,len(b64),70))+"\n-----END SSH SIGNATURE-----\n")
open(f"{d_}/trailer","w").write(f"{email} {base} {b64}\n")
