"""CPU a benchmark's processes used, whatever came and went meanwhile, and the CPU the hypervisor stole.

`tree_cpu_seconds(pid)` counts a process and every descendant, living or exited: each live member's own time
(utime + stime) plus what its exited children used once it reaped them (cutime + cstime, which hold their own
reaped descendants too). PostgreSQL's backends come and go during a run; summing only the live ones at the start
and at the end lost the CPU of those that exited in between, and a figure could come out negative. The process
table is read in one pass; if the tree's members changed during the pass (a child reaped between its parent's
line and its own), it is read again, so each exited child is counted exactly once, in its parent.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.rindex(")") + 2:].split()  # after the command name, which may hold spaces


def _tree(root: int) -> dict[int, int]:
    """Ticks per member of root's tree: its own, and its reaped children's."""
    table: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(entry)) is not None:
            table[int(entry)] = fields
    children: dict[int, list[int]] = {}
    for pid, fields in table.items():
        children.setdefault(int(fields[1]), []).append(pid)
    ticks, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            fields = table[pid]
            # proc(5), counted after the command: 11 utime, 12 stime, 13 cutime, 14 cstime.
            ticks[pid] = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
            todo += children.get(pid, [])
    return ticks


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by root and all its descendants, those that exited included."""
    previous = _tree(root)
    for _ in range(5):
        current = _tree(root)
        if current.keys() == previous.keys():
            break
        previous = current
    return sum(current.values()) / TICKS


def machine_jiffies() -> tuple[int, int, int]:
    """Jiffies of the whole machine so far: busy, stolen by the hypervisor, total."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle, steal = values[3] + values[4], values[7]
    return sum(values) - idle - steal, steal, sum(values)


def machine_share(before: tuple[int, int, int], after: tuple[int, int, int]) -> str:
    """How busy the machine was between two readings, and the share the hypervisor stole."""
    busy, steal, total = (a - b for a, b in zip(after, before, strict=True))
    total = max(total, 1)
    return f"machine busy {busy / total:.0%}, CPU stolen by the hypervisor {steal / total:.1%}"
