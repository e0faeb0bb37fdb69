# ecdsa_mpint.py VALUE -> "name<TAB>value": the ECDSA signature's mpints r, s re-spelled
# (a redundant leading zero byte, the sign byte dropped, trailing bytes in the inner blob)
import sys,base64,struct
email,base,b64=sys.argv[1].split(' ')
blob=base64.b64decode(b64)
def rd(b,o): n=struct.unpack('>I',b[o:o+4])[0]; return b[o+4:o+4+n],o+4+n
def st(x): return struct.pack('>I',len(x))+x
o=10; _,o=rd(blob,o); _,o=rd(blob,o); _,o=rd(blob,o); _,o=rd(blob,o); head=blob[:o]
sig,end=rd(blob,o); assert end==len(blob)
alg,p=rd(sig,0); inner,p2=rd(sig,p); assert p2==len(sig)
r,q=rd(inner,0); s,q2=rd(inner,q); assert q2==len(inner)
def mk(r2,s2,extra=b''):
    return f"{email} {base} "+base64.b64encode(head+st(st(alg)+st(st(r2)+st(s2)+extra))).decode()
print("r_extra_zero\t"+mk(b'\0'+r,s)); print("s_extra_zero\t"+mk(r,b'\0'+s))
if r[0]==0: print("r_sign_byte_dropped\t"+mk(r[1:],s))
if s[0]==0: print("s_sign_byte_dropped\t"+mk(r,s[1:]))
print("inner_trailing_bytes\t"+mk(r,s,b'\0\0\0\0'))
