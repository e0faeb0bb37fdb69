# torsion_sign.py PRIVKEY_FILE EMAIL BASE DIGEST -> Review-Signature value made by the KEY
# HOLDER, with an order-2 point added to R: it fails a single (cofactorless) verification but
# passes ed25519-dalek's verify_batch whenever that batch's random z is even (1 in 2).
import sys,base64,struct,hashlib,os
p=2**255-19; L=2**252+27742317777372353535851937790883648493
d=-121665*pow(121666,p-2,p)%p; I=pow(2,(p-1)//4,p)
def inv(x): return pow(x,p-2,p)
def add(P,Q):
    (x1,y1),(x2,y2)=P,Q
    t=d*x1*x2*y1*y2%p
    return ((x1*y2+x2*y1)*inv(1+t)%p,(y1*y2+x1*x2)*inv(1-t)%p)
def mul(k,P):
    R=(0,1)
    while k:
        if k&1: R=add(R,P)
        P=add(P,P); k>>=1
    return R
def xrec(y):
    xx=(y*y-1)*inv(d*y*y+1); x=pow(xx,(p+3)//8,p)
    if (x*x-xx)%p: x=x*I%p
    if x%2: x=p-x
    return x
By=4*inv(5)%p; B=(xrec(By),By)
def enc(P): x,y=P; return (y|((x&1)<<255)).to_bytes(32,'little')
def H(b): return hashlib.sha512(b).digest()
def s_(b): return struct.pack(">I",len(b))+b
def rd(buf,o): n=struct.unpack(">I",buf[o:o+4])[0]; return buf[o+4:o+4+n],o+4+n
key,email,base,digest=sys.argv[1:5]
raw=base64.b64decode("".join(l for l in open(key).read().splitlines() if not l.startswith("-----")))
o=len(b"openssh-key-v1\0")
for _ in range(3): _,o=rd(raw,o)
o+=4; pubblob,o=rd(raw,o); priv,o=rd(raw,o)
q=8; kt,q=rd(priv,q); pk,q=rd(priv,q); sk,q=rd(priv,q)
seed=sk[:32]; h=H(seed); a=int.from_bytes(h[:32],'little'); a&=(1<<254)-8; a|=1<<254
A=mul(a,B); assert enc(A)==pk
stmt=f"driftcheck-review-v1\ndigest: {digest}\nreviewer: {email}\nbase: {base}\n".encode()
M=b"SSHSIG"+s_(b"driftcheck-review")+s_(b"")+s_(b"sha512")+s_(hashlib.sha512(stmt).digest())
T=(0,p-1)   # order 2
r=int.from_bytes(os.urandom(64),'little')%L
if len(sys.argv)>5 and sys.argv[5]=="honest": T=(0,1)
Rp=add(mul(r,B),T); Re=enc(Rp)
k=int.from_bytes(H(Re+pk+M),'little')%L
s=(r+k*a)%L
sig=Re+s.to_bytes(32,'little')
blob=b"SSHSIG"+struct.pack(">I",1)+s_(pubblob)+s_(b"driftcheck-review")+s_(b"")+s_(b"sha512")+s_(s_(b"ssh-ed25519")+s_(sig))
print(f"{email} {base} "+base64.b64encode(blob).decode())
