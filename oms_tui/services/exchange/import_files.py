"""Reading an import file (CSV in UTF-8 with or without BOM, or GB18030/GBK; or .xlsx) as
rows of text cells, streamed, with memory bounded whatever the file holds: a CSV a line at a
time through ``csv.reader``; an .xlsx in openpyxl's read-only mode, its declared extent
ignored (a 5 KB file declaring a cell at XFD1048576 once took 3.9 GB) and its unzipped size
checked first. A file over a limit (bytes, rows, columns, a line's length, an .xlsx's
unzipped size) is refused whole with a sentence saying which; each field's own limit is the
planner's (``order_import.FIELD_LIMITS``), a problem of that row only. A cell an export made
text with a leading apostrophe (``text.safe_cell``) reads as it was."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from ...i18n import N_
from ..platform.errors import InvalidInput
from ..platform.text import shown, unquote_cell

# What one file may hold; beyond, it is refused whole (memory stays under 300 MB):
MAX_FILE_BYTES = 64 * 2**20
MAX_ROWS = 100_000  # rows under the header (bench/import_orders.py imports 100,000)
MAX_COLUMNS = 200
MAX_LINE = 1_000_000  # characters in one line of a CSV file
MAX_XLSX_UNPACKED = 512 * 2**20  # an .xlsx's parts, unzipped (read as a stream)
MAX_XLSX_STRINGS = 32 * 2**20  # its shared strings (openpyxl holds them all)


# what a broken .xlsx raises inside openpyxl (zip, XML, a value of the wrong kind)
_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError,
               AttributeError, SyntaxError, OSError, EOFError)  # fmt: skip


def read_file(path: str | Path) -> bytes:
    """The file's bytes; one over ``MAX_FILE_BYTES`` is refused before it is read."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(N_("no file {file}").format(file=path), "file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InvalidInput(N_("{file} is {size} MB; an import file may be {most} MB at most: "
                              "split it").format(file=p.name, size=f"{size / 2**20:,.0f}",
                                                 most=MAX_FILE_BYTES // 2**20),
                           "file")  # fmt: skip
    return p.read_bytes()


def encoding_of(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312), checked a
    megabyte at a time (no decoded copy of the whole file)."""
    view = memoryview(data)
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(view), 2**20):
                decoder.decode(view[start : start + 2**20])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if encoding == "utf-8" else encoding
    raise InvalidInput(N_("the file is neither UTF-8 nor GB18030/GBK text"), "file")


def iter_rows(data: bytes, filename: str = "") -> Iterator[list[str]]:
    """The file's rows as text cells, one at a time (the first row is the header). A file
    with more than ``MAX_ROWS`` rows, a row with more than ``MAX_COLUMNS`` cells, or a
    line longer than ``MAX_LINE`` characters is refused whole."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(N_("an import file may be {most} MB at most: split it").format(
            most=MAX_FILE_BYTES // 2**20), "file")  # fmt: skip
    rows = _xlsx_rows(data) if (filename.lower().endswith(".xlsx")
                                or data[:4] == b"PK\x03\x04") else _csv_rows(data)  # fmt: skip
    for n, row in enumerate(rows, start=1):
        if n > MAX_ROWS + 1:
            raise InvalidInput(N_("the file has more than {most} rows: split it").format(
                most=f"{MAX_ROWS:,}"), "file")  # fmt: skip
        if len(row) > MAX_COLUMNS:
            raise InvalidInput(N_("row {row} has {columns} columns; the most is {most}").format(
                row=n, columns=f"{len(row):,}", most=MAX_COLUMNS), "file")  # fmt: skip
        yield [unquote_cell(cell) for cell in row]


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding_of(data), newline="")
    try:
        yield from csv.reader(_bounded_lines(stream))
    except csv.Error as error:
        raise InvalidInput(N_("not a readable CSV file: {error}").format(error=error),
                           "file") from None  # fmt: skip


def _bounded_lines(stream: io.TextIOBase) -> Iterator[str]:
    while line := stream.readline(MAX_LINE):
        if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
            raise InvalidInput(N_("a line of the file is longer than {most} characters").format(
                most=f"{MAX_LINE:,}"), "file")  # fmt: skip
        yield line


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
        unpacked = sum(p.file_size for p in parts)
        strings = sum(p.file_size for p in parts if p.filename.endswith("sharedStrings.xml"))
        if unpacked > MAX_XLSX_UNPACKED or strings > MAX_XLSX_STRINGS:
            raise InvalidInput(N_("the .xlsx unpacks to {size} MB; the most is {most} MB (text "
                                  "{text} MB): split it").format(
                size=f"{unpacked / 2**20:,.0f}", most=MAX_XLSX_UNPACKED // 2**20,
                text=MAX_XLSX_STRINGS // 2**20), "file")  # fmt: skip
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _UNREADABLE as error:
        raise _unreadable_xlsx(error) from None
    try:
        if not book.worksheets:
            raise InvalidInput(N_("the .xlsx file has no sheet"), "file")
        sheet = book.worksheets[0]
        # The declared extent may lie (a 5 KB file declaring A1:XFD1048576 once took
        # gigabytes padding every row to it): read only the cells that are there.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            end = len(values)
            while end and values[end - 1] is None:
                end -= 1
            yield ["" if v is None else _cell_text(v) for v in values[:end]]
    except _UNREADABLE as error:  # a sheet's XML broken part way
        raise _unreadable_xlsx(error) from None
    finally:
        book.close()


def _unreadable_xlsx(error: BaseException) -> InvalidInput:
    return InvalidInput(N_("not a readable .xlsx file ({error})").format(
        error=_first_line(error)), "file")  # fmt: skip


def _first_line(error: BaseException) -> str:
    return shown((str(error).strip().splitlines() or [type(error).__name__])[0], 200)


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
