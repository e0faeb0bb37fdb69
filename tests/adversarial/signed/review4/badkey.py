# badkey.py pub YB | sig EMAIL BASE YB SEED: an ssh-ed25519 key whose 32 bytes are YB (hex), as an
# allowed_signers key, or an SSHSIG (namespace driftcheck-review) by it with pseudo-random R, s
import sys,struct,base64,hashlib
def st(b): return struct.pack('>I',len(b))+b
key=lambda yb: st(b'ssh-ed25519')+st(bytes.fromhex(yb))
if sys.argv[1]=='pub': print('ssh-ed25519 '+base64.b64encode(key(sys.argv[2])).decode()); sys.exit()
email,base,yb,seed=sys.argv[2:6]
rs=hashlib.sha512(seed.encode()).digest(); rs=rs[:32]+bytes(rs[32:63])+b'\0'  # s < l
blob=b'SSHSIG'+struct.pack('>I',1)+st(key(yb))+st(b'driftcheck-review')+st(b'')+st(b'sha512')+st(st(b'ssh-ed25519')+st(rs))
print(f"{email} {base} "+base64.b64encode(blob).decode())
