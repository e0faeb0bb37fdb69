# ed25519 affine arithmetic (shared by the python helpers)
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
