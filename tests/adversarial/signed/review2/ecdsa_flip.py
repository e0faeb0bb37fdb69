# ecdsa_flip.py VALUE -> the same Review-Signature value with the ECDSA s replaced by n - s
import sys,base64,struct
n=0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
def rd(b,o): l=struct.unpack(">I",b[o:o+4])[0]; return b[o+4:o+4+l],o+4+l
def s_(b): return struct.pack(">I",len(b))+b
def mp(x):
    b=x.to_bytes((x.bit_length()+7)//8,'big')
    return s_(b"\0"+b if b and b[0]&0x80 else b)
email,base,b64=sys.argv[1].split()
blob=base64.b64decode(b64); o=10
pk,o=rd(blob,o); ns,o=rd(blob,o); res,o=rd(blob,o); ha,o=rd(blob,o); sig,o=rd(blob,o)
alg,q=rd(sig,0); inner,q=rd(sig,q)
r,k=rd(inner,0); s,k=rd(inner,k); s=int.from_bytes(s,'big')
newsig=s_(alg)+s_(mp(int.from_bytes(r,'big'))+mp(n-s))
nb=blob[:10]+s_(pk)+s_(ns)+s_(res)+s_(ha)+s_(newsig)
print(f"{email} {base} "+base64.b64encode(nb).decode())
