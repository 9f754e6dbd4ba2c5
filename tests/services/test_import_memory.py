"""Bounded memory for any import file, measured: ``oms import orders --dry-run`` runs in a
child process that reports its own peak RSS (``resource.getrusage``), under a 300 MB
limit; the child's address space is capped at 2 GB so the old code fails fast instead of
eating the machine (a 5 KB .xlsx declaring a cell at XFD1048576 used 3.9 GB, a 200 MB CSV
2.7 GB). Bounded by a limit, never timed."""

from __future__ import annotations

import csv
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from oms_tui.services.exchange import import_files, order_import

LIMIT_MB = 300
# The peak is the child's own: VmHWM of its address space (made new by exec). Not
# ru_maxrss, which Linux keeps across exec, so a child of a big test process (an xdist
# worker of ~430 MB) would report its parent's size.
CHILD = """
import atexit, resource, sys

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

atexit.register(lambda: print("PEAK_KB", peak_kb(), file=sys.stderr))
from oms_tui.cli.main import main
sys.argv = ["oms", *sys.argv[1:]]
main()
"""


def _cap_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


def dry_run(db_url: str, path: Path) -> tuple[int, str, float]:
    """(exit code, stderr, peak RSS in MB) of `oms import orders PATH --dry-run`."""
    done = subprocess.run([sys.executable, "-c", CHILD, "--db", db_url, "import", "orders",
                           str(path), "--dry-run"], capture_output=True, text=True,
                          preexec_fn=_cap_address_space, timeout=600, check=False)  # fmt: skip
    peak = [line for line in done.stderr.splitlines() if line.startswith("PEAK_KB")]
    assert peak, done.stderr[-2000:]
    errors = "\n".join(x for x in done.stderr.splitlines() if not x.startswith("PEAK_KB"))
    return done.returncode, errors, int(peak[0].split()[1]) / 1024


def test_an_xlsx_declaring_a_cell_at_xfd1048576(sqlite_db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(list(order_import.FIELDS))
    sheet["XFD1048576"] = "x"
    bomb = tmp_path / "bomb.xlsx"
    book.save(bomb)
    assert bomb.stat().st_size < 10_000
    code, errors, peak = dry_run(sqlite_db.url, bomb)
    assert (code, errors) == (1, f"oms: the file has more than {import_files.MAX_ROWS:,} rows: "
                                 "split it")  # fmt: skip
    assert peak < LIMIT_MB


def test_csv_files_big_or_wide(sqlite_db, tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:  # 200 MB (sparse): refused before it is read
        f.truncate(200 * 2**20)
    code, errors, peak = dry_run(sqlite_db.url, huge)
    assert (code, errors) == (1, "oms: huge.csv is 200 MB; an import file may be 64 MB at "
                                 "most: split it")  # fmt: skip
    assert peak < LIMIT_MB
    # At the size limit, wide rows: read a row at a time (the old reader held every cell
    # of every row at once).
    wide = tmp_path / "wide.csv"
    with wide.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*order_import.FIELDS, *(f"extra{n}" for n in range(150))])
        filler = ["扩展字段" * 6] * 150
        blank = [""] * (len(order_import.FIELDS) - 10)  # the invoicing columns
        n = 0
        while f.tell() < import_files.MAX_FILE_BYTES - 100_000:
            n += 1
            w.writerow([f"TB{n}", "2026-11-30", "王小明", f"138{n:08d}", "杭州 文三路 90 号",
                        "NOPE", "1", "", "", "", *blank, *filler])  # fmt: skip
    code, errors, peak = dry_run(sqlite_db.url, wide)
    assert code == 1 and errors.endswith(f"{n} bad rows"), errors[-300:]
    assert peak < LIMIT_MB


@pytest.mark.parametrize("lines", [1, 2])
def test_one_endless_line(sqlite_db, tmp_path, lines):
    path = tmp_path / "line.csv"
    header = ",".join(order_import.FIELDS).encode() + b"\n"
    path.write_bytes(header * (lines - 1) + b"x" * (60 * 2**20))
    code, errors, peak = dry_run(sqlite_db.url, path)
    assert (code, errors) == (1, "oms: a line of the file is longer than 1,000,000 characters")
    assert peak < LIMIT_MB
