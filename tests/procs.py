"""The process table as tests see it (Linux /proc): who is a child of whom, who is still running.
For the tests that kill gen and assert nothing it started outlives it."""
from __future__ import annotations

from pathlib import Path


def _stat(pid: int | str) -> list[str] | None:
    """State, parent, … of a process (the fields after its name), None when it is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _parents() -> dict[int, int]:
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(entry.name)) and fields[0] != "Z":
            table[int(entry.name)] = int(fields[1])
    return table


def children(pid: int) -> set[int]:
    return {child for child, parent in _parents().items() if parent == pid}


def descendants(pid: int) -> set[int]:
    parents, found, frontier = _parents(), set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie has ended)."""
    return {pid for pid in pids if (fields := _stat(pid)) and fields[0] != "Z"}
