"""CPU seconds per test, a pytest plugin: on a shared machine the wall-clock ``--durations``
say more about the neighbours than about the test, the CPU a test costs does not.

    OMS_TEST_CPU=/tmp/cpu.jsonl .venv/bin/python -m pytest -p bench.cpu_per_test -n 2 tests/...
    .venv/bin/python bench/cpu_per_test.py /tmp/cpu.jsonl [TOP]     # the report

Each test (setup, call and teardown) appends one line to the file named by OMS_TEST_CPU:
its id and the user + system seconds of its test process and of the child processes it
waited for (``getrusage``: a spawned process counts once it has been joined; the
PostgreSQL server's share is not counted). With pytest-xdist every worker appends to the
same file. The report sums by test, by file and in all.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from collections import defaultdict
from pathlib import Path

import pytest


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):  # noqa: ANN001, ANN201, ARG001
    out = os.environ.get("OMS_TEST_CPU")
    before = _cpu()
    yield
    if out:
        after = _cpu()
        row = {"test": item.nodeid, "own": after[0] - before[0], "children": after[1] - before[1]}
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def report(path: Path, top: int = 40) -> None:
    by_test: dict[str, float] = defaultdict(float)
    children: dict[str, float] = defaultdict(float)
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_test[row["test"]] += row["own"] + row["children"]
        children[row["test"]] += row["children"]
    by_file: dict[str, float] = defaultdict(float)
    for test, cpu in by_test.items():
        by_file[test.split("::")[0]] += cpu
    print(f"{len(by_test)} tests, {sum(by_test.values()):.1f} CPU s "  # noqa: T201
          f"({sum(children.values()):.1f} s of it in child processes)")  # fmt: skip
    print(f"\nslowest {top} tests (CPU s, of it children):")  # noqa: T201
    for test, cpu in sorted(by_test.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{cpu:8.2f} {children[test]:8.2f}  {test}")  # noqa: T201
    print(f"\nslowest {top} files (CPU s):")  # noqa: T201
    for name, cpu in sorted(by_file.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{cpu:8.2f}  {name}")  # noqa: T201


if __name__ == "__main__":
    report(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 40)
