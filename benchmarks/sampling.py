"""How busy the machine and a benchmark's processes were while it ran: CPU of a process
tree (a worker and what it forks), the whole machine's busy share, sampled each second,
and a wait until a worker has caught up. Used by peak.py.
"""

import threading
import time
from pathlib import Path

from harness import children, cpu_seconds


def tree(pid):
    """Every descendant of a process."""
    found = []
    for child in children(pid):
        found += [child, *tree(child)]
    return found


def tree_cpu_seconds(pid):
    """CPU seconds of a process and its descendants, the ones that ended included (a
    task's ``pg_dump``, a recycled task process), so that the sum only ever grows."""
    total = 0.0
    for each in [pid, *tree(pid)]:
        try:
            total += cpu_seconds(each, reaped=True)
        except OSError:  # ended between the two reads: its parent counts it from now on
            continue
    return total


def settle(worker_pid, quiet=0.05, seconds=3, timeout=300):
    """Wait until the worker has caught up: the demo's tasks handed over while no worker
    ran, and every schedule, due at once on a first start, run. A site in service opens
    registration with its worker idle, not with a day's backlog (and a backup) in hand.
    Returns the seconds it took."""
    last_cpu, began, quiet_since = tree_cpu_seconds(worker_pid), time.monotonic(), None
    while time.monotonic() - began < timeout:
        time.sleep(1.0)
        cpu = tree_cpu_seconds(worker_pid)
        if cpu - last_cpu < quiet:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= seconds:
                break
        else:
            quiet_since = None
        last_cpu = cpu
    return round(time.monotonic() - began, 1)


def machine_ticks():
    """(busy, total) clock ticks of the whole machine so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


class Sampler(threading.Thread):
    """Once a second: how busy the machine was, and the web processes' and worker's share
    of it, so a slow window can be read as "the cores were full" or not."""

    def __init__(self, web_pids, worker_pid):
        super().__init__(daemon=True)
        self.web_pids, self.worker_pid = web_pids, worker_pid
        self.samples = []  # (seconds since start, machine busy, web cores, worker cores)
        self.stopping = threading.Event()
        self.began = time.monotonic()

    def reading(self):
        web = sum(cpu_seconds(pid) for pid in self.web_pids)
        return time.monotonic(), machine_ticks(), web, tree_cpu_seconds(self.worker_pid)

    def run(self):
        last = self.reading()
        while not self.stopping.wait(1.0):
            now = self.reading()
            seconds = now[0] - last[0]
            busy, total = (now[1][0] - last[1][0]), (now[1][1] - last[1][1])
            self.samples.append(
                (
                    now[0] - self.began,
                    busy / total if total else 0.0,
                    (now[2] - last[2]) / seconds,
                    (now[3] - last[3]) / seconds,
                )
            )
            last = now

    def window(self, index, width):
        mine = [s for s in self.samples if index * width <= s[0] < (index + 1) * width]
        if not mine:
            return "–", "–", "–"
        return tuple(round(100 * sum(s[k] for s in mine) / len(mine)) for k in (1, 2, 3))
