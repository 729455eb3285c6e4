import sys,os,re,glob
root=sys.argv[1]; units={}
for d in (root+'/etc/systemd/system', root+'/usr/lib/systemd/system'):
    for f in glob.glob(d+'/*'):
        n=os.path.basename(f)
        if n in units or not os.path.isfile(f): continue
        a=set();b=set();dd=True;sec=''
        for l in open(f,errors='replace'):
            l=l.strip()
            if l.startswith('['): sec=l; continue
            if sec!='[Unit]' or '=' not in l: continue
            k,v=l.split('=',1)
            if k=='After': a|=set(v.split())
            if k=='Before': b|=set(v.split())
            if k=='DefaultDependencies': dd=v.lower() in('yes','true','1')
        if dd and n.endswith('.service'): a|={'sysinit.target','basic.target'}; b|={'shutdown.target'}
        if dd and n.endswith('.socket'): a|={'sysinit.target'}; b|={'sockets.target'}
        units[n]=(a,b)
after={n:set() for n in units}   # edge x->y : x starts after y
for n,(a,b) in units.items():
    for y in a:
        if y in units: after[n].add(y)
    for y in b:
        if y in units: after[y].add(n)
start=sys.argv[2]
def dfs(n,path,seen):
    for y in sorted(after[n]):
        if y==start: return path+[y]
        if y not in seen:
            seen.add(y); r=dfs(y,path+[y],seen)
            if r: return r
print(' -> (after) '.join(dfs(start,[start],set()) or ['no cycle']))
