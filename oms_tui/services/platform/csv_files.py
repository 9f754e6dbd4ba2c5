"""Every CSV file oms writes (exports, reorder suggestions, import error reports, reports):
one function, so they all open right in the spreadsheets Chinese offices use.

Excel on Chinese Windows reads a CSV without a byte-order mark as the ANSI code page (GBK)
and garbles UTF-8 Chinese: so UTF-8 is written *with* a BOM by default. ``gb18030`` (the
setting ``csv_encoding``, or a command's ``--encoding``) writes GB18030 instead, for tools
that read only that. Rows end in CRLF, as spreadsheets write them.

Reading is each reader's own (``tracking.decode_csv``, ``order_import.decode``: UTF-8 with
or without BOM, else GB18030).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from ...i18n import N_
from .errors import InvalidInput
from .text import safe_cell

# What users may call an encoding, to what Python writes.
_ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "utf-8-sig": "utf-8-sig",
              "gb18030": "gb18030"}  # fmt: skip
ENCODINGS = ("utf-8", "gb18030")  # as the setting and --encoding take them
DEFAULT_ENCODING = "utf-8"


def csv_encoding_name(text: str | None) -> str:
    """``utf-8`` or ``gb18030`` as the user typed them (blank: the default); anything else
    is ``InvalidInput``."""
    name = (text or DEFAULT_ENCODING).strip().lower().replace("_", "-")
    if name not in _ENCODINGS:
        raise InvalidInput(N_("CSV encoding '{encoding}': use {first} or {second}").format(
            encoding=text, first=ENCODINGS[0], second=ENCODINGS[1]), "encoding")  # fmt: skip
    return "gb18030" if name == "gb18030" else "utf-8"


def csv_text(header: Sequence[object] | None, rows: Iterable[Sequence[object]]) -> str:
    """The rows (after an optional header) as CSV text, CRLF line ends; every cell through
    ``text.safe_cell`` (a formula-like cell made text, control characters dropped)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buf.getvalue()


def csv_bytes(header: Sequence[object] | None, rows: Iterable[Sequence[object]],
              encoding: str | None = None) -> bytes:  # fmt: skip
    """The one way a CSV file's bytes are made: UTF-8 with a BOM, or GB18030
    (``encoding``: see ``csv_encoding_name``). A character GB18030 cannot hold cannot
    occur: it encodes all of Unicode."""
    return encode_csv(csv_text(header, rows), encoding)


def encode_csv(text: str, encoding: str | None = None) -> bytes:
    """CSV text already made (``csv_text``) as the file's bytes."""
    return text.encode(_ENCODINGS[csv_encoding_name(encoding)])


def write_csv(path: str | Path, header: Sequence[object] | None,
              rows: Iterable[Sequence[object]], encoding: str | None = None) -> Path:  # fmt: skip
    """Write the CSV file at ``path`` (see ``csv_bytes``); returns the path."""
    from .files import write_private

    return write_private(path, csv_bytes(header, rows, encoding))
