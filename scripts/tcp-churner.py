#!/usr/bin/env python3
"""Another process's churn toward a server, for scripts/incident-netns.sh: opens a new TCP
connection RATE times a second for SECONDS, reads what the server says first (a MySQL server's
greeting) and closes first, so every connection leaves a TIME_WAIT on this side, as a script's
workers writing one row per connection do. Prints what it did at the end; a connect that fails
("Cannot assign requested address" once the ports run out) is counted, and the loop goes on.

usage: tcp-churner.py HOST PORT RATE SECONDS
"""
import os
import socket
import sys
import time


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[-1])
    host, port, rate, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    start = time.monotonic()
    opened = failed = 0
    first_failure = None
    n = 0
    while time.monotonic() - start < seconds:
        n += 1
        try:
            with socket.create_connection((host, port), timeout=2) as s:
                s.recv(4096)  # the greeting: closing with it unread would reset, not close
            opened += 1
        except OSError as e:
            failed += 1
            if first_failure is None:
                first_failure = "%.1f s: %s" % (time.monotonic() - start, e.strerror or e)
        pause = start + n / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    print("tcp-churner (pid %d): %d connections to %s:%d closed first, %d failed%s"
          % (os.getpid(), opened, host, port, failed,
             "" if first_failure is None else ", the first at " + first_failure))


if __name__ == "__main__":
    main()
