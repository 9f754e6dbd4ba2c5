"""Where a document goes: every PDF is saved first, in the user's documents folder (or the
file asked for), then sent to the system printer through ``lp`` when one is configured
(setting ``printer``). A printer that fails is an error that says so and names the files
kept, never a silent fallback and never a lost document."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...i18n import N_
from .errors import OmsError
from .files import private_dir, write_private

LP_TIMEOUT_S = 60


@dataclass(frozen=True)
class Delivered:
    path: str  # the PDF as saved: kept whatever the printer does
    printer: str = ""  # the printer it was sent to; "" when none is set (or a file was asked)

    @property
    def printed(self) -> bool:
        return bool(self.printer)

    def __str__(self) -> str:
        return summary([self])


class PrintFailed(OmsError):
    """The printer did not take the documents; they are saved all the same."""

    def __init__(self, printer: str, why: str, kept: Sequence[Delivered]) -> None:
        self.printer, self.why, self.kept = printer, why, tuple(kept)
        super().__init__(
            N_("printer '{printer}' failed: {why}; {kept}").format(
                printer=printer, why=why, kept=summary(kept)
            )
        )


def documents_dir() -> Path:
    from platformdirs import user_documents_dir

    return private_dir(Path(user_documents_dir()) / "oms")


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "document"


def save(pdf: bytes, name: str, out: str | Path | None = None, *, overwrite: bool = False,
         protect: Iterable[Path] = ()) -> Path:  # fmt: skip
    """Write ``pdf`` (0600) to ``out``, else to the documents folder as ``name``.pdf (a
    reprint replaces the earlier file of that name). An existing ``out`` is replaced only
    when ``overwrite``; one in ``protect`` (the database in use) never is."""
    if out is None:
        return write_private(documents_dir() / f"{safe_name(name)}.pdf", pdf)
    return write_private(out, pdf, overwrite=overwrite, protect=protect)


def send(pdf: bytes, name: str, printer: str) -> None:
    """Hand ``pdf`` to ``lp -d printer``; an ``OmsError`` saying why when it does not go."""
    lp = shutil.which("lp")
    if lp is None:
        raise OmsError(N_("the lp command is not installed"))
    try:
        done = subprocess.run([lp, "-d", printer, "-t", name, "-"], input=pdf,
                              capture_output=True, timeout=LP_TIMEOUT_S, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        raise OmsError(N_("lp did not answer in {seconds} s").format(seconds=LP_TIMEOUT_S)
                       ) from None  # fmt: skip
    if done.returncode != 0:
        why = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
        raise OmsError(
            why[0].rstrip(".")
            if why
            else N_("lp failed (exit {code})").format(code=done.returncode)
        )


def deliver_all(docs: Sequence[tuple[str, bytes]], printer: str = "") -> list[Delivered]:
    """Save every (name, pdf) in the documents folder, then print them in order when a
    printer is set. ``PrintFailed`` when the printer does not take one: all are saved."""
    paths = [str(save(pdf, name)) for name, pdf in docs]
    if not printer:
        return [Delivered(path) for path in paths]
    for n, (name, pdf) in enumerate(docs):
        try:
            send(pdf, name, printer)
        except OmsError as error:
            why = N_("{why} ({n} of {total} printed)").format(why=error, n=n, total=len(docs))
            raise PrintFailed(printer, why if n else str(error),
                              [Delivered(p, printer if i < n else "")
                               for i, p in enumerate(paths)]) from None  # fmt: skip
    return [Delivered(path, printer) for path in paths]


def deliver(pdf: bytes, name: str, printer: str = "", out: str | Path | None = None, *,
            overwrite: bool = False, protect: Iterable[Path] = ()) -> Delivered:  # fmt: skip
    """One document: saved to ``out`` when given (and not printed: the caller asked for a
    file; see ``save`` for ``overwrite`` and ``protect``), else saved in the documents
    folder as ``name``.pdf and printed when a printer is set."""
    if out is not None:
        return Delivered(str(save(pdf, name, out, overwrite=overwrite, protect=protect)))
    return deliver_all([(name, pdf)], printer)[0]


def print_saved(path: str | Path, name: str, printer: str = "") -> Delivered:
    """Send a PDF already saved (``save``) to the printer when one is set. ``PrintFailed``
    when it does not take it: the file is kept, and the sentence names it."""
    if not printer:
        return Delivered(str(path))
    try:
        send(Path(path).read_bytes(), name, printer)
    except OmsError as error:
        raise PrintFailed(printer, str(error), [Delivered(str(path))]) from None
    return Delivered(str(path), printer)


def summary(done: Sequence[Delivered]) -> str:
    """Where documents went, in one phrase (in English; ``i18n.shown`` reads it back):
    "sent to printer P; saved in DIR as a.pdf, b.pdf", or "saved as /path/a.pdf"."""
    paths = [Path(d.path) for d in done]
    if len(paths) > 1 and len({p.parent for p in paths}) == 1:
        saved = N_("saved in {folder} as {files}").format(
            folder=paths[0].parent, files=", ".join(p.name for p in paths)
        )
    else:
        saved = N_("saved as {files}").format(files=", ".join(str(p) for p in paths))
    printers = {d.printer for d in done}
    if done and len(printers) == 1 and "" not in printers:
        return N_("sent to printer {printer}; {saved}").format(printer=done[0].printer, saved=saved)
    return saved
