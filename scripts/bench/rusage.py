"""Runs one command and prints `exit-code wall-s cpu-s peak-rss-bytes` (used by bench.py).

    python3 -I -S rusage.py STDOUT_FILE CWD ARGV...

A separate, small process on purpose: Linux charges a child's peak RSS with the memory of the
process it was forked from (until its exec), so the measuring process must be small, import
nothing beyond os/sys/time and not hold anything large. Its own floor (a few MB) shows as
the peak RSS of a tool that uses less than that. CPU time is user + system of the command and
of every descendant it waited for; peak RSS is that of the largest single process.
"""
import os
import sys
import time


def main():
    stdout_path, cwd, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            out = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(null, 2)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    print(code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


main()
