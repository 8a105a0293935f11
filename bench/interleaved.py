# A/B on a busy machine: runs each command once per round (order rotated each round, after 3 warm-up
# rounds) and prints per command the median wall time, the median user+sys CPU time and the median
# peak RSS. Blocks in sequence (hyperfine) let a change of load favour one command; rounds do not.
# Usage: python3 bench/interleaved.py ROUNDS NAME=SHELL_COMMAND...
import os, statistics, subprocess, sys, time

rounds, warm = int(sys.argv[1]), 3
cmds = [a.split("=", 1) for a in sys.argv[2:]]
res = {n: [] for n, _ in cmds}
for r in range(warm + rounds):
    for n, c in cmds[r % len(cmds):] + cmds[:r % len(cmds)]:
        t0 = time.perf_counter()
        p = subprocess.Popen(["sh", "-c", c], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if status != 0:
            sys.exit("%s failed (%d)" % (n, status))
        if r >= warm:
            res[n].append((wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_maxrss / 1024))
for n, _ in cmds:
    v = res[n]
    print("%-16s wall median %7.1f ms (min %7.1f)  cpu median %7.1f ms  peak rss median %6.1f MB" % (
        n, statistics.median(x[0] for x in v), min(x[0] for x in v), statistics.median(x[1] for x in v),
        statistics.median(x[2] for x in v)))
