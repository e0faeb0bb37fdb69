# spell.py VALUE -> "name<TAB>value" lines: other byte-spellings of one Review-Signature value
import sys,base64,struct
email,base,b64=sys.argv[1].split(' ')
blob=base64.b64decode(b64)
A="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
out=[]
def add(n,v): out.append((n,v))
def val(b): return f"{email} {base} {b}"
add("no_padding", val(b64.rstrip('=')))
add("extra_padding", val(b64+'='))
add("padding_to_4_more", val(b64+'===='))
s=b64.rstrip('='); pad=len(b64)-len(s)
if pad:
    i=A.index(s[-1]); bits=4 if pad==2 else 2
    for d in range(1,1<<bits): add(f"trailing_bits_{d}", val(s[:-1]+A[i^d]+'='*pad))
add("base64url", val(b64.replace('+','-').replace('/','_')))
add("cr_inside", val(b64[:40]+'\r'+b64[40:]))
add("lf_fold_inside", val(b64[:40]+'\n '+b64[40:]))
add("space_inside", val(b64[:40]+' '+b64[40:]))
add("tab_between_fields", f"{email}\t{base} {b64}")
add("two_spaces", f"{email}  {base} {b64}")
add("trailing_tab", val(b64)+'\t')
for cp in (0x85,0xa0,0x1680,0x2003,0x2028,0x2029,0x202f,0x3000,0xfeff,0x200b):
    add(f"trailing_U+{cp:04X}", val(b64)+chr(cp))
add("leading_nbsp", chr(0xa0)+val(b64))
add("trailing_nul", val(b64)+'\x00')
add("nul_inside", val(b64[:40]+'\x00'+b64[40:]))
add("trailing_blob_zero_byte", val(base64.b64encode(blob+b'\0').decode()))
add("trailing_blob_4_zero_bytes", val(base64.b64encode(blob+b'\0'*4).decode()))
add("upper_email", f"{email.upper()} {base} {b64}")
add("upper_base", f"{email} {base.upper()} {b64}")
add("angle_email", f"<{email}> {base} {b64}")
add("fullwidth_at", email.replace('@',chr(0xff20))+f" {base} {b64}")
add("pem_lines_70", val('\n'.join(b64[i:i+70] for i in range(0,len(b64),70))))
# a redundant length: the signature's inner string with 4 zero bytes more and the outer lengths adjusted
def rd(b,o): n=struct.unpack('>I',b[o:o+4])[0]; return n,o+4
o=6+4; n,o=rd(blob,o); o+=n  # version, pubkey
n,o=rd(blob,o); o+=n; n,o=rd(blob,o); o+=n; n,o=rd(blob,o); o+=n  # namespace reserved hash
sigstart=o; n,o2=rd(blob,o); inner=blob[o2:o2+n]
m,p=rd(inner,0); alg=inner[p:p+m]; q=p+m; k,r=rd(inner,q); sb=inner[r:r+k]; rest=inner[r+k:]
inner2=inner[:q]+struct.pack('>I',k)+sb+rest+b'\0\0\0\0'
add("sig_inner_trailing_string", val(base64.b64encode(blob[:sigstart]+struct.pack('>I',len(inner2))+inner2+blob[o2+n:]).decode()))
for n_,v in out: print(n_+'\t'+v.replace('\\','\\\\').replace('\n','\\n').replace('\r','\\r').replace('\x00','\\0').replace('\t','\\t'))
