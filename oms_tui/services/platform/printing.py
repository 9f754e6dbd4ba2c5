"""Where a document goes: the system printer through ``lp`` when one is configured
(setting ``printer``), else a PDF file in the user's documents folder, whose path is shown."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import OmsError


@dataclass(frozen=True)
class Delivered:
    printed: bool  # sent to a printer
    where: str  # the printer's name, or the file's path

    def __str__(self) -> str:
        return f"sent to printer {self.where}" if self.printed else f"saved as {self.where}"


def documents_dir() -> Path:
    from platformdirs import user_documents_dir

    path = Path(user_documents_dir()) / "oms"
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "document"


def deliver(pdf: bytes, name: str, printer: str = "", out: str | Path | None = None
            ) -> Delivered:  # fmt: skip
    """Print ``pdf`` on ``printer`` with ``lp``, or save it (to ``out`` when given, else the
    documents folder as ``name``.pdf). A printer that fails is an error, not a silent
    fallback: the clerk must know the paper did not come out."""
    if out is not None:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
        return Delivered(False, str(path))
    if printer:
        lp = shutil.which("lp")
        if lp is None:
            raise OmsError(f"printer '{printer}' is set but the lp command is not installed")
        done = subprocess.run([lp, "-d", printer, "-t", name, "-"], input=pdf,
                              capture_output=True, timeout=60, check=False)  # fmt: skip
        if done.returncode != 0:
            why = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
            raise OmsError(f"printer '{printer}': {why[0] if why else 'lp failed'}")
        return Delivered(True, printer)
    path = documents_dir() / f"{safe_name(name)}.pdf"
    path.write_bytes(pdf)
    return Delivered(False, str(path))
