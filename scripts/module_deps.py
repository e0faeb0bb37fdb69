#!/usr/bin/env python3
# The library's module-level import graph and its strongly connected groups
# (import loops), from a scan of `crate::` paths. Run from the repository root:
#   python3 scripts/module_deps.py
import os,re,sys
from collections import defaultdict
src='src'
mods=set()
for n in os.listdir(src):
    if n.endswith('.rs') and n not in ('lib.rs','main.rs'): mods.add(n[:-3])
    elif os.path.isdir(os.path.join(src,n)): mods.add(n)
lib=open('src/lib.rs').read()
libmods=set(re.findall(r'^\s*(?:pub\s+)?mod\s+(\w+)',lib,re.M))
mods&=libmods
edges=defaultdict(lambda: defaultdict(list))
for m in mods:
    paths=[os.path.join(src,m+'.rs')] if os.path.exists(os.path.join(src,m+'.rs')) else []
    if os.path.isdir(os.path.join(src,m)):
        for r,_,fs in os.walk(os.path.join(src,m)):
            paths+= [os.path.join(r,f) for f in fs if f.endswith('.rs')]
    for p in paths:
        t=open(p).read()
        # strip test modules roughly
        t=re.split(r'#\[cfg\(test\)\]\s*mod tests',t)[0]
        for x in set(re.findall(r'crate::(\w+)',t)):
            if x in mods and x!=m: edges[m][x].append(p)
        for x in set(re.findall(r'^use crate::\{([^}]*)\}',t,re.M)):
            for y in re.findall(r'(\w+)',x):
                if y in mods and y!=m: edges[m][y].append(p)
# tarjan
idx={};low={};st=[];on=set();sccs=[];i=[0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v]=low[v]=i[0];i[0]+=1;st.append(v);on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        c=[]
        while True:
            w=st.pop();on.discard(w);c.append(w)
            if w==v:break
        sccs.append(c)
for v in sorted(mods):
    if v not in idx: sc(v)
for c in sccs:
    if len(c)>1:
        print("SCC",sorted(c))
        for a in c:
            for b in c:
                if b in edges[a]: print("  ",a,"->",b, sorted(set(edges[a][b]))[:3])
