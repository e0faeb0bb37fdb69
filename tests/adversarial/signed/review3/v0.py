# v0.py VALUE -> the same Review-Signature value with the SSHSIG version field (unsigned) set to 0
import sys,base64
email,base,b64=sys.argv[1].split()
blob=bytearray(base64.b64decode(b64)); assert blob[6:10]==b"\0\0\0\1"; blob[9]=0
print(f"{email} {base} "+base64.b64encode(bytes(blob)).decode())
